"""Vendor the map's libraries and Natural Earth data from the npm registry (make vendor).

Repeatable: versions are pinned in vendor/package.json and vendor/package-lock.json.
Writes, and these are committed so that neither site builds nor readers ever fetch them:
  theme/assets/vendor/leaflet/...              Leaflet with its licence
  theme/assets/vendor/leaflet.markercluster/... Leaflet.markercluster with its licence
  theme/assets/atlas/countries.geojson         country outlines of Europe and its neighbours
  generator/data/country-outlines.json         land polygons per country code, for the validator:
                                               atlas.yml's europe_extent plus a margin, Russia
                                               unwrapped at the antimeridian and clipped, Crimea
                                               part of Ukraine
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "vendor" / "node_modules"
VENDOR = ROOT / "theme" / "assets" / "vendor"
# Europe and its neighbours: what the basemap draws (west, south, east, north).
BASEMAP_EXTENT = (-32.0, 24.0, 60.0, 72.0)

COPIES = {
    "leaflet": ["dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE"],
    "leaflet.markercluster": ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
                              "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt"],
}
# Natural Earth features without an ISO numeric code.
UNCODED = {"Kosovo": "XK", "N. Cyprus": "CY"}
# The validator's outlines reach this far (degrees) beyond atlas.yml's europe_extent, so that an
# edge made by clipping lies further from any point in Europe than any distance the checks compare.
OUTLINE_MARGIN = 5.0
# Simferopol (lon, lat): the part of Natural Earth's Russia around it is Crimea.
SIMFEROPOL = (34.10, 44.95)


def install() -> None:
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(ROOT / "vendor")], check=True)


def copy_libraries() -> None:
    for package, items in COPIES.items():
        target = VENDOR / package
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        version = json.loads((MODULES / package / "package.json").read_text())["version"]
        for item in items:
            source = MODULES / package / item
            if source.is_dir():
                shutil.copytree(source, target / source.name)
            else:
                shutil.copy2(source, target / source.name)
        (target / "VERSION").write_text(f"{package} {version} from the npm registry\n")


def decode_topology(topology: dict) -> list[dict]:
    """TopoJSON (quantized, delta-encoded arcs) to GeoJSON features."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc[1:] if points else arc)
        return points

    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [[ring(r) for r in geometry["arcs"]]]
        elif geometry["type"] == "MultiPolygon":
            polygons = [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
        else:
            continue
        name = geometry["properties"]["name"]
        code = UNCODED.get(name)
        if "id" in geometry:
            country = pycountry.countries.get(numeric=geometry["id"])
            code = country.alpha_2 if country else code
        features.append({"code": code, "name": name, "polygons": polygons})
    return features


def bbox(points) -> list[float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)]


def unwrap(polygon: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """A polygon that crosses the antimeridian, its western longitudes moved past 180°; others unchanged."""
    west, _, east, _ = bbox(polygon[0])
    if east - west < 180:
        return polygon
    return [[(x + 360 if x < 0 else x, y) for x, y in ring] for ring in polygon]


def clip(ring: list[tuple[float, float]], box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """The part of a closed ring inside a lon/lat box (Sutherland–Hodgman, exact for a convex window).

    Where a ring leaves the box and comes back, the result runs along the box's side: an
    edge of no area there, harmless for both point-in-polygon and distances inside the box.
    """
    west, south, east, north = box
    points = ring[:-1] if ring[0] == ring[-1] else list(ring)
    for axis, limit, sign in ((0, west, 1), (0, east, -1), (1, south, 1), (1, north, -1)):
        def inside(p, axis=axis, limit=limit, sign=sign):
            return (p[axis] - limit) * sign >= 0

        def cut(a, b, axis=axis, limit=limit):
            t = (limit - a[axis]) / (b[axis] - a[axis])
            return (limit, a[1] + t * (b[1] - a[1])) if axis == 0 else (a[0] + t * (b[0] - a[0]), limit)

        kept = []
        for previous, current in zip(points[-1:] + points[:-1], points):
            if inside(current):
                if not inside(previous):
                    kept.append(cut(previous, current))
                kept.append(current)
            elif inside(previous):
                kept.append(cut(previous, current))
        points = kept
        if not points:
            return []
    return points + points[:1]


def encloses(ring: list[tuple[float, float]], point: tuple[float, float]) -> bool:
    """Whether a point lies inside a ring (even-odd rule)."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def crimea_in_ukraine(features: list[dict]) -> list[dict]:
    """Natural Earth draws Crimea as part of Russia; the EU and the UN General Assembly recognise it as Ukraine's."""
    russia = next(f for f in features if f["code"] == "RU")
    ukraine = next(f for f in features if f["code"] == "UA")
    crimea = [p for p in russia["polygons"] if encloses(p[0], SIMFEROPOL)]
    assert len(crimea) == 1, "expected one part of Russia around Simferopol (Crimea) in Natural Earth"
    return [{**f, "polygons": [p for p in f["polygons"] if p not in crimea]} if f is russia else
            {**f, "polygons": f["polygons"] + crimea} if f is ukraine else f for f in features]


def outline_extent() -> tuple[float, float, float, float]:
    """atlas.yml's europe_extent plus a margin: what the validator's outlines cover."""
    from generator.validate import Settings

    west, south, east, north = Settings.load(ROOT)[0].europe_extent
    return west - OUTLINE_MARGIN, south - OUTLINE_MARGIN, east + OUTLINE_MARGIN, north + OUTLINE_MARGIN


def rounded(ring: list[tuple[float, float]], decimals: int = 3) -> list[float]:
    """A ring as flat [lon, lat, lon, lat, ...] to 3 decimals (about 100 m), repeated points dropped;
    a ring too small for that (the Vatican) to 5."""
    points: list[tuple[float, float]] = []
    for x, y in ring:
        point = (round(x, decimals) + 0.0, round(y, decimals) + 0.0)
        if not points or point != points[-1]:
            points.append(point)
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:]))
    if len(points) >= 4 and abs(area) > 1e-9:
        return [v for point in points for v in point]
    return rounded(ring, 5) if decimals < 5 else []


def write_country_outlines(features: list[dict]) -> None:
    box = outline_extent()
    west, south, east, north = box
    outlines: dict[str, list] = {}
    drawn: set[str] = set()
    for feature in crimea_in_ukraine(features):
        if not feature["code"]:
            continue
        if any(rounded(polygon[0]) for polygon in feature["polygons"]):  # a degenerate sliver is not land
            drawn.add(feature["code"])
        for polygon in map(unwrap, feature["polygons"]):
            b = bbox(polygon[0])
            if b[0] > east or b[2] < west or b[1] > north or b[3] < south:
                continue
            outer, *holes = (rounded(clip(ring, box)) for ring in polygon)
            if outer:
                outlines.setdefault(feature["code"], []).append([outer, *(hole for hole in holes if hole)])
    target = ROOT / "generator" / "data" / "country-outlines.json"
    target.write_text(json.dumps(
        {"source": "Natural Earth 1:10m admin 0 countries (public domain), via world-atlas "
                   f"{json.loads((MODULES / 'world-atlas' / 'package.json').read_text())['version']}; "
                   "written by scripts/vendor.py: Russia unwrapped at the antimeridian, Crimea part of Ukraine, "
                   "every part clipped to the extent",
         "format": "outlines: per ISO 3166-1 alpha-2 code a list of polygons, each a list of rings (the outer "
                   "ring, then its holes), each ring [lon, lat, lon, lat, ...] closed, in degrees (WGS 84); "
                   "outside_extent: codes of countries whose land lies wholly outside the extent",
         "extent": list(box),
         "outlines": dict(sorted(outlines.items())),
         "outside_extent": sorted(drawn - set(outlines))}, separators=(",", ":")) + "\n")


def write_basemap(features: list[dict]) -> None:
    west, south, east, north = BASEMAP_EXTENT
    out = []
    for feature in features:
        # Parts that wrap around the antimeridian (Russia's far east) would draw a band across Europe.
        polygons = [p for p in feature["polygons"]
                    if (b := bbox(p[0]))[0] < east and b[2] > west and b[1] < north and b[3] > south
                    and b[2] - b[0] < 180]
        if not polygons:
            continue
        coordinates = [[[[round(x, 3), round(y, 3)] for x, y in r] for r in p] for p in polygons]
        out.append({"type": "Feature", "id": feature["code"] or feature["name"],
                    "properties": {"name": feature["name"]},
                    "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    target = ROOT / "theme" / "assets" / "atlas" / "countries.geojson"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"type": "FeatureCollection", "features": out}, separators=(",", ":")))
    licence = VENDOR / "world-atlas"
    licence.mkdir(parents=True, exist_ok=True)
    shutil.copy2(MODULES / "world-atlas" / "LICENSE", licence / "LICENSE")
    (licence / "VERSION").write_text(
        "world-atlas 2.0.2 from the npm registry: Natural Earth 1:50m countries (public domain),\n"
        "converted by scripts/vendor.py into theme/assets/atlas/countries.geojson\n")


def main() -> int:
    install()
    copy_libraries()
    # The validator's outlines at 1:10m (small islands such as Lampedusa, borders to a few hundred
    # metres); the map's basemap at 1:50m, which is enough to draw and far lighter to download.
    write_country_outlines(decode_topology(json.loads((MODULES / "world-atlas" / "countries-10m.json").read_text())))
    features = decode_topology(json.loads((MODULES / "world-atlas" / "countries-50m.json").read_text()))
    write_basemap(features)
    print("vendored into theme/assets and generator/data")
    return 0


if __name__ == "__main__":
    sys.exit(main())

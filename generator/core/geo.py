"""Where a point lies: Natural Earth's country outlines around Europe (data/country-outlines.json).

`country_at` answers which country's land holds a point, `distance_km` how far a point is
from a country's land. Both run for every city file, so each country's edges are bucketed
by bands of latitude once, on first use, and a query reads only the bands near its point.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "country-outlines.json"
BAND = 0.1  # degrees of latitude per bucket of edges: a few dozen edges at most in Natural Earth 1:50m
KM_PER_DEGREE_LATITUDE = 110.57
KM_PER_DEGREE_LONGITUDE = 111.32  # at the equator


class Outline:
    """One country's land: every edge of its rings (outer rings and holes), by band of latitude."""

    def __init__(self, polygons: list[list[list[float]]]):
        edges = []
        for polygon in polygons:
            for ring in polygon:
                points = list(zip(ring[0::2], ring[1::2]))
                edges.extend(zip(points, points[1:]))
        xs = [x for edge in edges for x, _ in edge]
        ys = [y for edge in edges for _, y in edge]
        self.west, self.south, self.east, self.north = min(xs), min(ys), max(xs), max(ys)
        count = self._band(self.north) + 1
        # crossings: (lowest latitude, highest, longitude at the lowest, degrees of longitude per degree of
        # latitude) of every edge that is not horizontal; segments: every edge as it is, for distances.
        self.crossings: list[list[tuple[float, float, float, float]]] = [[] for _ in range(count)]
        self.segments: list[list[tuple[float, float, float, float]]] = [[] for _ in range(count)]
        for (x1, y1), (x2, y2) in edges:
            low, high = (x1, y1), (x2, y2)
            if y1 > y2:
                low, high = high, low
            for band in range(self._band(low[1]), self._band(high[1]) + 1):
                self.segments[band].append((x1, y1, x2, y2))
                if y1 != y2:
                    self.crossings[band].append((low[1], high[1], low[0], (high[0] - low[0]) / (high[1] - low[1])))

    def _band(self, latitude: float) -> int:
        return int((latitude - self.south) // BAND)

    def _gap_km(self, band: int, latitude: float) -> float:
        """How far, north or south, the point is from a band: no edge in it can be nearer."""
        low = self.south + band * BAND
        return max(0.0, low - latitude, latitude - (low + BAND)) * KM_PER_DEGREE_LATITUDE

    def contains(self, latitude: float, longitude: float) -> bool:
        """Even-odd rule on a ray due east: holes (San Marino in Italy) are outside."""
        if not (self.south <= latitude <= self.north and self.west <= longitude <= self.east):
            return False
        band = self.crossings[min(self._band(latitude), len(self.crossings) - 1)]
        return sum(1 for low, high, x, slope in band
                   if low <= latitude < high and x + (latitude - low) * slope > longitude) % 2 == 1

    def distance_km(self, latitude: float, longitude: float) -> float:
        """0 inside, else the distance to the nearest edge on a local equirectangular projection."""
        if self.contains(latitude, longitude):
            return 0.0
        kx = KM_PER_DEGREE_LONGITUDE * math.cos(math.radians(latitude))
        ky = KM_PER_DEGREE_LATITUDE
        nearest = math.inf
        home = min(max(self._band(latitude), 0), len(self.segments) - 1)
        # Bands outward from the point's own, until the next ones lie further away than the nearest edge found.
        for step in range(len(self.segments)):
            bands = [b for b in {home - step, home + step} if 0 <= b < len(self.segments)]
            if not bands or min(self._gap_km(b, latitude) for b in bands) >= nearest:
                break
            for band in bands:
                for x1, y1, x2, y2 in self.segments[band]:
                    nearest = min(nearest, _segment_km((x1 - longitude) * kx, (y1 - latitude) * ky,
                                                       (x2 - longitude) * kx, (y2 - latitude) * ky))
        return nearest


def _segment_km(ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from the origin to the segment a-b (in km on the plane)."""
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else min(1.0, max(0.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy)


@lru_cache(maxsize=None)
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _outline(code: str) -> Outline | None:
    polygons = _data()["outlines"].get(code)
    return Outline(polygons) if polygons else None


@lru_cache(maxsize=None)
def _boxes() -> list[tuple[str, float, float, float, float]]:
    """(code, west, south, east, north) of every country's outline: the cheap test before the real one."""
    boxes = []
    for code, polygons in _data()["outlines"].items():
        xs = [x for polygon in polygons for x in polygon[0][0::2]]
        ys = [y for polygon in polygons for y in polygon[0][1::2]]
        boxes.append((code, min(xs), min(ys), max(xs), max(ys)))
    return boxes


def country_at(latitude: float, longitude: float) -> str | None:
    """The code of the country whose land holds the point; None at sea or beyond the outlines."""
    for code, west, south, east, north in _boxes():
        if south <= latitude <= north and west <= longitude <= east and _outline(code).contains(latitude, longitude):
            return code
    return None


def distance_km(code: str, latitude: float, longitude: float) -> float | None:
    """Kilometres from the point to the country's land, 0 inside it.

    Infinity when the country's land lies wholly beyond the outlines (further than any
    distance the checks compare); None when Natural Earth has no outline of it (Gibraltar).
    """
    outline = _outline(code)
    if outline is not None:
        return outline.distance_km(latitude, longitude)
    return math.inf if code in _data()["outside_extent"] else None

"""Point -> municipality lookup over a set of polygons, tolerant of a generalised coast.

Exact point-in-polygon runs in WGS84; a point on no polygon (a harbour a few
hundred metres off a 1:500,000 coastline) falls back to the nearest polygon
within a tolerance measured in EPSG:25832 metres. Both steps use shapely
STRtrees, so thousands of points cost milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from mobilstation.geo.projection import to_metric, to_metric_arrays


class Locator:
    """Point -> municipality code over a set of municipality polygons.

    Exact point-in-polygon in WGS84 first; points on no polygon fall back to
    the nearest polygon within a tolerance measured in EPSG:25832 metres.
    """

    def __init__(self, codes: Sequence[str], wgs: Sequence[BaseGeometry], metric: Sequence[BaseGeometry]):
        self.codes = tuple(codes)
        self.metric = tuple(metric)
        self._tree = shapely.STRtree(list(wgs))
        self._mtree = shapely.STRtree(list(metric))
        self._by_code = dict(zip(self.codes, self.metric, strict=True))

    def inside(self, lats: np.ndarray, lons: np.ndarray) -> list[str | None]:
        pts = shapely.points(np.asarray(lons, float), np.asarray(lats, float))
        out: list[str | None] = [None] * len(pts)
        if len(pts):
            ii, jj = self._tree.query(pts, predicate="intersects")
            for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
                if out[i] is None:
                    out[i] = self.codes[j]
        return out

    def nearest(
        self, lats: np.ndarray, lons: np.ndarray, max_distance: float | None
    ) -> tuple[list[str | None], np.ndarray]:
        """Nearest code and its distance (m) per point; None/inf beyond ``max_distance``."""
        n = len(lats)
        codes: list[str | None] = [None] * n
        dist = np.full(n, np.inf)
        if n == 0:
            return codes, dist
        xs, ys = to_metric_arrays(lats, lons)
        pts = shapely.points(xs, ys)
        kwargs = {"max_distance": max_distance} if max_distance is not None else {}
        (ii, jj), dd = self._mtree.query_nearest(pts, return_distance=True, **kwargs)
        for i, j, d in zip(ii.tolist(), jj.tolist(), dd.tolist(), strict=True):
            if codes[i] is None or d < dist[i]:
                codes[i] = self.codes[j]
                dist[i] = d
        return codes, dist

    def locate(self, lats: np.ndarray, lons: np.ndarray, tolerance_m: float) -> list[str | None]:
        lats = np.asarray(lats, float)
        lons = np.asarray(lons, float)
        out = self.inside(lats, lons)
        rest = [i for i, c in enumerate(out) if c is None]
        if rest and tolerance_m > 0:
            near, _ = self.nearest(lats[rest], lons[rest], tolerance_m)
            for i, c in zip(rest, near, strict=True):
                out[i] = c
        return out

    def distance_to(self, code: str, lat: float, lon: float) -> float:
        return float(self._by_code[code].distance(Point(*to_metric(lat, lon))))

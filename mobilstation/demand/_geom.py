"""Geometry for the demand layer: projection and point-in-district.

Storage is WGS84 (EPSG:4326); distances and grids use ETRS89 / UTM 32N
(EPSG:25832). The transforms are :mod:`mobilstation.geo.projection`'s; these
wrappers take and return (lon, lat) = (x, y) order, as shapely does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mobilstation.geo import projection
from mobilstation.geo.model import District

DENMARK_LATLON_BOX = (54.4, 58.1, 7.7, 15.4)
"""(lat_min, lat_max, lon_min, lon_max): Denmark incl. Bornholm, Skagen and Læsø, with a margin."""

DENMARK_UTM_BOX = (400_000.0, 900_000.0, 6_020_000.0, 6_430_000.0)
"""(x_min, x_max, y_min, y_max) of Denmark (Bornholm included) in EPSG:25832, with a margin."""

BOUNDARY_TOLERANCE_M = 250.0
"""A point this close outside the district's generalised coastline still counts as inside.

The embedded municipality polygons are simplified; a burglary in a house on
the shore can fall a few tens of metres into the sea.
"""


def to_metric(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (degrees) -> EPSG:25832 x/y (metres). Note the (lon, lat) order, as x/y."""
    return projection.to_metric_arrays(np.asarray(lat, float), np.asarray(lon, float))


def to_lonlat(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:25832 x/y (metres) -> WGS84 (lon, lat) degrees."""
    lat, lon = projection.to_wgs84_arrays(np.asarray(x, float), np.asarray(y, float))
    return lon, lat


def geom_to_metric(geom: BaseGeometry) -> BaseGeometry:
    """A WGS84 shapely geometry in EPSG:25832."""
    return projection.geometry_to_metric(geom)


def geom_to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """An EPSG:25832 shapely geometry in WGS84."""
    return projection.geometry_to_wgs84(geom)


class DistrictIndex:
    """Point-in-municipality lookups for one district, in metric coordinates.

    ``locate(x, y)`` returns, per point, the index of the municipality that
    contains it (-1 when none), assigning points within
    :data:`BOUNDARY_TOLERANCE_M` outside every municipality to the nearest.
    """

    def __init__(self, district: District, tolerance_m: float = BOUNDARY_TOLERANCE_M) -> None:
        self.district = district
        self.codes = [m.code for m in district.municipalities]
        self.geoms = [geom_to_metric(m.geometry) for m in district.municipalities]
        for g in self.geoms:
            shapely.prepare(g)
        self.tolerance_m = tolerance_m
        self.buffered = [g.buffer(tolerance_m) if tolerance_m > 0 else g for g in self.geoms]
        for g in self.buffered:
            shapely.prepare(g)

    def locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(municipality index or -1, snapped) per point; ``snapped`` marks tolerance matches.

        On a shared border the first municipality (in district order) wins, so
        the answer is deterministic.
        """
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        out = np.full(len(x), -1, dtype=np.int64)
        snapped = np.zeros(len(x), dtype=bool)
        if len(x) == 0:
            return out, snapped
        ok = np.isfinite(x) & np.isfinite(y)
        for k, g in enumerate(self.geoms):
            todo = np.flatnonzero(ok & (out < 0))
            if not len(todo):
                break
            xmin, ymin, xmax, ymax = g.bounds
            cand = todo[(x[todo] >= xmin) & (x[todo] <= xmax) & (y[todo] >= ymin) & (y[todo] <= ymax)]
            if len(cand):
                out[cand[shapely.contains_xy(g, x[cand], y[cand])]] = k
        if self.tolerance_m > 0:
            todo = np.flatnonzero(ok & (out < 0))
            best = np.full(len(todo), np.inf)
            for k, (g, b) in enumerate(zip(self.geoms, self.buffered, strict=True)):
                if not len(todo):
                    break
                xmin, ymin, xmax, ymax = b.bounds
                sel = (x[todo] >= xmin) & (x[todo] <= xmax) & (y[todo] >= ymin) & (y[todo] <= ymax)
                cand = np.flatnonzero(sel)
                if not len(cand):
                    continue
                cand = cand[shapely.contains_xy(b, x[todo[cand]], y[todo[cand]])]
                if not len(cand):
                    continue
                dist = shapely.distance(g, shapely.points(x[todo[cand]], y[todo[cand]]))
                better = dist < best[cand]
                best[cand[better]] = dist[better]
                out[todo[cand[better]]] = k
                snapped[todo[cand[better]]] = True
        return out, snapped

    def locate_lonlat(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.locate(*to_metric(lon, lat))

    def code_of(self, lon: float, lat: float, fallback: str = "") -> str:
        """Municipality code at one WGS84 point (``fallback`` when outside)."""
        i, _ = self.locate_lonlat(np.array([lon]), np.array([lat]))
        return self.codes[int(i[0])] if i[0] >= 0 else fallback

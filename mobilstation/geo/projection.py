"""Coordinate transforms between storage (WGS84) and metric (UTM 32N) space.

Everything is stored and exchanged in WGS84 (EPSG:4326, degrees); distances,
buffers and areas are computed in ETRS89 / UTM zone 32N (EPSG:25832, metres),
which covers all of Denmark with negligible scale error. This module is the one
place that builds the pyproj transformers, so nobody re-creates them in a loop.

pyproj transformers are not safe to share between threads, so each thread gets
its own pair (created once, then reused).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from mobilstation.geo.model import METRIC_CRS, STORAGE_CRS

__all__ = [
    "distance_m",
    "geometry_to_metric",
    "geometry_to_wgs84",
    "to_metric",
    "to_metric_arrays",
    "to_wgs84",
    "to_wgs84_arrays",
]

_local = threading.local()


def _transformers() -> tuple[Transformer, Transformer]:
    """(WGS84 -> metric, metric -> WGS84), both with x=lon/easting, y=lat/northing."""
    pair = getattr(_local, "pair", None)
    if pair is None:
        fwd = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
        inv = Transformer.from_crs(METRIC_CRS, STORAGE_CRS, always_xy=True)
        pair = (fwd, inv)
        _local.pair = pair
    return pair


def to_metric(lat: float, lon: float) -> tuple[float, float]:
    """WGS84 degrees -> (easting, northing) in metres, EPSG:25832."""
    x, y = _transformers()[0].transform(float(lon), float(lat))
    return float(x), float(y)


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """EPSG:25832 (easting, northing) metres -> (lat, lon) degrees, WGS84."""
    lon, lat = _transformers()[1].transform(float(x), float(y))
    return float(lat), float(lon)


def to_metric_arrays(
    lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`to_metric`: arrays of easting and northing (metres)."""
    lat = np.asarray(lats, dtype=float)
    lon = np.asarray(lons, dtype=float)
    if lat.shape != lon.shape:
        raise ValueError(f"lats and lons differ in shape: {lat.shape} vs {lon.shape}")
    x, y = _transformers()[0].transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_wgs84_arrays(
    xs: Sequence[float] | np.ndarray, ys: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`to_wgs84`: arrays of latitude and longitude (degrees)."""
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"xs and ys differ in shape: {x.shape} vs {y.shape}")
    lon, lat = _transformers()[1].transform(x, y)
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)


def geometry_to_metric(geom: BaseGeometry) -> BaseGeometry:
    """Reproject a lon/lat shapely geometry to EPSG:25832 (metres)."""
    fwd = _transformers()[0]

    def _fn(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return fwd.transform(x, y)

    return shapely.transform(geom, lambda xy: np.column_stack(_fn(xy[:, 0], xy[:, 1])))


def geometry_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Reproject an EPSG:25832 shapely geometry back to lon/lat (WGS84)."""
    inv = _transformers()[1]
    return shapely.transform(geom, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line distance in metres, measured in EPSG:25832."""
    x1, y1 = to_metric(lat1, lon1)
    x2, y2 = to_metric(lat2, lon2)
    return float(np.hypot(x2 - x1, y2 - y1))

"""Burglary hotspots: where recent incidents concentrate.

Both methods work on one grid in ETRS89 / UTM 32N (EPSG:25832), aligned to
multiples of ``cell_m`` so cell ids (``250m-E<ix>-N<iy>``) are the same in
every run and week. Each incident counts with a recency weight
``w = 0.5 ** (age_days / half_life_days)`` (age in whole days before
``as_of``); incidents are binned to cells, and everything else is a
convolution of the binned grid with a stencil, so 100,000 incidents over a
whole district take about a second.

* ``kde``: quartic (biweight) kernel density
  ``K(d) = 3 / (pi h^2) * (1 - d^2 / h^2)^2`` for ``d < h`` (``h`` =
  ``bandwidth_m``), evaluated at cell centres, in weighted incidents per
  km². Hot: a contiguous patch of cells whose weighted count within ``h``
  is at least ``kde_min_weighted`` and which holds a cell in the top
  ``1 - kde_quantile`` of the positive densities (see :class:`HotspotParams`).
* ``gistar``: Getis-Ord Gi* (Ord & Getis 1995) of the weighted cell counts,
  binary distance-band neighbours within ``h``, analytic z-scores, one-sided
  p-values and a Benjamini-Hochberg false-discovery-rate cut at
  ``gistar_alpha``. Hot: significant and positive. The study area is the
  cells within ``h`` of an incident (inside the district): comparing with
  empty farmland would make every village significant.

Hot cells are joined into areas by queen contiguity (corners count); an area
needs ``min_incidents``. Its trend compares the weekly rate of the last
``trend_recent_weeks`` with the ``trend_earlier_weeks`` before (see
:func:`trend_ratio` for the convention when the earlier rate is 0).

Binning to cell centres moves each incident by at most ``cell_m / sqrt(2)``
(177 m for 250 m cells), well inside the 500 m bandwidth.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely
from pydantic import BaseModel, ConfigDict, Field
from scipy import ndimage, signal, stats

from mobilstation._io import atomic_write_text
from mobilstation.demand._geom import DistrictIndex, geom_to_lonlat, to_lonlat, to_metric
from mobilstation.demand.incidents import TZ, Incidents, as_incidents
from mobilstation.geo.model import STORAGE_CRS, District


class HotspotParams(BaseModel):
    """How hotspots are found. Distances in metres, times in days or weeks."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["kde", "gistar"] = "kde"
    """``kde``: kernel density with thresholds; ``gistar``: Gi* with FDR."""
    cell_m: float = Field(default=250.0, ge=25, le=5000)
    """Grid cell side (metres): about a residential block group."""
    bandwidth_m: float = Field(default=500.0, ge=50, le=20_000)
    """Quartic kernel radius (KDE) and Gi* neighbourhood distance band (metres).

    500 m is a little beyond the reach of near-repeat burglary risk, which
    near-repeat studies find raised within a few hundred metres of a
    break-in (about 400 m in Johnson & Bowers 2004, as used in "prospective
    hot-spotting", Bowers, Johnson & Pease 2004), and spans two 250 m cells,
    so a single block does not become a hotspot on its own.
    """
    half_life_days: float = Field(default=14.0, gt=0, le=3650)
    """Recency weight ``0.5 ** (age_days / half_life_days)``.

    Two weeks: near-repeat risk is strongest in the first one to two weeks
    after a break-in and fades over the following weeks (Johnson & Bowers
    2004; Townsley, Homel & Chaseling 2003), so a burglary a month old counts
    a quarter and one three months old almost nothing.
    """
    lookback_days: int = Field(default=84, ge=1, le=3650)
    """Only incidents at most this many days before ``as_of`` are used (12 weeks)."""
    kde_quantile: float = Field(default=0.95, ge=0, lt=1)
    """KDE: a hotspot's core reaches at least this quantile of the positive cell densities.

    KDE hot cells use two thresholds (as in hysteresis thresholding): a
    hotspot is a contiguous patch of cells whose recency-weighted count within
    the bandwidth is at least ``kde_min_weighted`` (its extent), holding at
    least one cell whose density is in the top ``1 - kde_quantile`` of the
    positive densities (its core). The relative core finds where burglary
    concentrates most; the absolute extent keeps the whole cluster (not only
    its peak cell) and keeps thin data from producing hotspots at all.
    """
    kde_min_weighted: float = Field(default=3.0, ge=0)
    """KDE: a hot cell has at least this recency-weighted incident count within the bandwidth
    (three burglaries this week within 500 m qualify, one does not)."""
    gistar_alpha: float = Field(default=0.05, gt=0, lt=1)
    """Gi*: false-discovery rate (Benjamini-Hochberg) for significant positive z."""
    gistar_fdr: bool = True
    """Gi*: apply the FDR correction (False: plain per-cell ``p < alpha``)."""
    min_incidents: int = Field(default=3, ge=1)
    """An area (contiguous hot cells) needs at least this many incidents in its cells."""
    trend_recent_weeks: int = Field(default=4, ge=1, le=52)
    """Trend numerator: weekly rate over the last this many weeks before ``as_of``."""
    trend_earlier_weeks: int = Field(default=8, ge=1, le=104)
    """Trend denominator: weekly rate over this many weeks before the recent window."""
    trend_cap: float = Field(default=4.0, ge=1)
    """Trend upper bound; also the trend when the earlier rate is 0 and the recent one is not."""


# ---------------------------------------------------------------------------
# results


@dataclass
class Hotspots:
    """The result of :func:`detect_hotspots`.

    ``cells`` (EPSG:4326 cell squares; only cells holding an incident or
    flagged hot): ``cell_id``, ``count`` (incidents), ``weighted``
    (recency-weighted count), ``statistic`` (KDE density in weighted
    incidents per km², or Gi* z-score), ``p`` (Gi* one-sided p-value; None for
    KDE), ``hot``.

    ``areas`` (EPSG:4326 dissolved contiguous hot cells, queen contiguity):
    ``id``, ``municipality_code``, ``incidents``, ``intensity`` (weighted
    count), ``statistic`` (peak density or max z), ``method``, ``trend``,
    ``synthetic``, ``centre_lat``, ``centre_lon`` (recency-weighted centroid
    of its incidents, moved into the area when it falls outside), ``cells``.
    Areas are sorted by intensity, most intense first.
    """

    cells: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    params: HotspotParams
    as_of: date
    synthetic: bool
    incidents_used: int
    excluded_outside: int = 0
    excluded_future: int = 0
    excluded_old: int = 0
    notes: list[str] = field(default_factory=list)
    """What reading the incidents reported (rows skipped, points outside the district)."""

    @property
    def method(self) -> str:
        return self.params.method

    def records(self) -> list[dict[str, Any]]:
        """One dict per area with the fields of ``plan.HotspotRecord`` (GeoJSON geometry)."""
        out = []
        for row in self.areas.itertuples(index=False):
            out.append(
                {
                    "id": row.id,
                    "municipality_code": row.municipality_code or None,
                    "geometry": _rounded_mapping(row.geometry),
                    "incidents": int(row.incidents),
                    "intensity": float(row.intensity),
                    "statistic": float(row.statistic),
                    "method": row.method,
                    "trend": float(row.trend),
                    "synthetic": bool(row.synthetic),
                }
            )
        return out


# ---------------------------------------------------------------------------
# detection


def recency_weights(age_days: np.ndarray, half_life_days: float) -> np.ndarray:
    """``0.5 ** (age_days / half_life_days)``: 1 today, 0.5 one half-life ago."""
    return np.power(0.5, np.asarray(age_days, float) / half_life_days)


def trend_ratio(recent: float, earlier: float, recent_weeks: int, earlier_weeks: int, cap: float) -> float:
    """Weekly rate in the recent window over the weekly rate in the earlier window.

    Convention when the earlier window is empty: ``cap`` if the recent one is
    not (a new problem counts as a steep rise), 1.0 if both are (no change).
    The ratio is capped at ``cap`` so a jump from 1 to 5 incidents does not
    dwarf everything else.
    """
    if earlier <= 0:
        return float(cap) if recent > 0 else 1.0
    return float(min(cap, (recent / recent_weeks) / (earlier / earlier_weeks)))


def incident_ages(incidents: Incidents | gpd.GeoDataFrame, as_of: date) -> np.ndarray:
    """Age in whole days of each incident on ``as_of`` (0 = that day; negative = later)."""
    gdf = incidents.gdf if isinstance(incidents, Incidents) else incidents
    local = gdf["time"].dt.tz_convert(TZ)
    days = local.dt.normalize().dt.tz_localize(None).to_numpy(dtype="datetime64[D]")
    return (np.datetime64(as_of, "D") - days).astype(np.int64)


@dataclass
class _Grid:
    cell: float
    ix0: int
    iy0: int
    nx: int
    ny: int

    def centres(self, ix: np.ndarray, iy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (self.ix0 + ix + 0.5) * self.cell, (self.iy0 + iy + 0.5) * self.cell


def detect_hotspots(
    incidents: Incidents | gpd.GeoDataFrame,
    params: HotspotParams,
    *,
    as_of: date,
    district: District | None = None,
) -> Hotspots:
    """Find burglary hotspots in the incidents up to ``as_of`` (inclusive).

    Uses the incidents inside the district (``in_district``), dated 0 to
    ``lookback_days - 1`` days before ``as_of``, weighted by recency. The grid
    is aligned to multiples of ``cell_m`` in EPSG:25832 (so cell ids are
    stable between runs and weeks) and spans the incidents' bounding box
    padded by the bandwidth. With a ``district``, cells whose centre lies
    outside it (sea, a neighbouring district) are never hot and are not part
    of the Gi* study area. Incidents flagged ``in_district=False`` are left
    out and counted in ``excluded_outside``.

    Deterministic: the same incidents and parameters give the same cells and
    areas in the same order with the same rounded numbers.
    """
    inc = as_incidents(incidents)
    gdf = _canonical_order(inc.gdf)
    inside = gdf["in_district"].to_numpy(bool)
    ages = incident_ages(gdf, as_of)
    trend_days = 7 * (params.trend_recent_weeks + params.trend_earlier_weeks)
    horizon = max(params.lookback_days, trend_days)
    keep = inside & (ages >= 0) & (ages < horizon)
    used_mask = keep & (ages < params.lookback_days)
    sub = gdf[keep]
    ages = ages[keep]
    in_lookback = ages < params.lookback_days
    weight = np.where(in_lookback, recency_weights(ages, params.half_life_days), 0.0)
    x, y = to_metric(sub.geometry.x.to_numpy(float), sub.geometry.y.to_numpy(float))
    synthetic = bool(sub["synthetic"].any()) if len(sub) else False
    counts = {
        "incidents_used": int(used_mask.sum()),
        "excluded_outside": int((~inside).sum()),
        "excluded_future": int((inside & (incident_ages(gdf, as_of) < 0)).sum()),
        "excluded_old": int((inside & (incident_ages(gdf, as_of) >= params.lookback_days)).sum()),
        "notes": inc.report.findings(),
    }
    if not in_lookback.any():
        return Hotspots(
            cells=_empty_cells(),
            areas=_empty_areas(),
            params=params,
            as_of=as_of,
            synthetic=synthetic,
            **counts,
        )

    cell = float(params.cell_m)
    pad = math.ceil(params.bandwidth_m / cell) + 1
    xl, yl = x[in_lookback], y[in_lookback]
    ix0 = math.floor(xl.min() / cell) - pad
    iy0 = math.floor(yl.min() / cell) - pad
    nx = math.floor(xl.max() / cell) - ix0 + pad + 1
    ny = math.floor(yl.max() / cell) - iy0 + pad + 1
    grid = _Grid(cell, ix0, iy0, nx, ny)
    cix = np.floor(x / cell).astype(np.int64) - ix0
    ciy = np.floor(y / cell).astype(np.int64) - iy0
    on_grid = (cix >= 0) & (cix < nx) & (ciy >= 0) & (ciy < ny)

    flat = ciy[in_lookback] * nx + cix[in_lookback]
    count = np.bincount(flat, minlength=nx * ny).reshape(ny, nx).astype(np.float64)
    wsum = np.bincount(flat, weights=weight[in_lookback], minlength=nx * ny).reshape(ny, nx)

    disk = _disk_stencil(params.bandwidth_m, cell)
    near_count = np.rint(_convolve(count, disk)).astype(np.int64)
    support = near_count > 0  # cells within the bandwidth of an incident
    study = support.copy()
    if district is not None:
        sy, sx = np.nonzero(support)
        cx, cy = grid.centres(sx, sy)
        mun, _ = DistrictIndex(district, tolerance_m=0.0).locate(cx, cy)
        study[sy[mun < 0], sx[mun < 0]] = False

    p_values: np.ndarray | None = None
    if params.method == "kde":
        kernel = _quartic_stencil(params.bandwidth_m, cell)
        density = np.where(support, _convolve(wsum, kernel), 0.0) * 1e6  # per km²
        density = np.round(np.maximum(density, 0.0), 9)
        near_weighted = np.where(support, _convolve(wsum, disk), 0.0)
        vals = density[study & (density > 0)]
        threshold = float(np.quantile(vals, params.kde_quantile)) if len(vals) else math.inf
        extent = study & (density > 0) & (near_weighted >= params.kde_min_weighted - 1e-9)
        core = extent & (density >= threshold)
        hot = _grow(core, extent)
        statistic = density
    else:
        z, p = gistar_grid(wsum, study, params.bandwidth_m, cell)
        significant = _significant(p[study], params.gistar_alpha, params.gistar_fdr)
        hot = np.zeros_like(study)
        hot[study] = significant & (z[study] > 0)
        statistic = z
        p_values = p

    labels, n_labels = ndimage.label(hot, structure=np.ones((3, 3), dtype=int))
    cell_label = np.zeros(len(x), dtype=np.int64)
    cell_label[on_grid] = labels[ciy[on_grid], cix[on_grid]]

    areas = _areas(
        grid,
        labels,
        n_labels,
        statistic,
        count,
        wsum,
        x,
        y,
        ages,
        weight,
        cell_label,
        in_lookback,
        sub,
        params,
        district,
    )
    cells = _cells(grid, count, wsum, statistic, p_values, hot, labels, areas)
    return Hotspots(
        cells=cells,
        areas=_areas_frame(areas, params.method),
        params=params,
        as_of=as_of,
        synthetic=synthetic,
        **counts,
    )


def _grow(core: np.ndarray, extent: np.ndarray) -> np.ndarray:
    """Cells of the queen-connected components of ``extent`` that contain a ``core`` cell."""
    labels, n = ndimage.label(extent, structure=np.ones((3, 3), dtype=int))
    if n == 0:
        return np.zeros_like(extent)
    has_core = np.zeros(n + 1, dtype=bool)
    has_core[np.unique(labels[core])] = True
    has_core[0] = False
    return has_core[labels]


def _canonical_order(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows sorted by (time, lon, lat, id), so float sums do not depend on the input's row order."""
    if gdf.empty:
        return gdf
    key = np.lexsort(
        (
            gdf["id"].astype(str).to_numpy(),
            gdf.geometry.y.to_numpy(float),
            gdf.geometry.x.to_numpy(float),
            gdf["time"].to_numpy(dtype="datetime64[ns]").astype(np.int64),
        )
    )
    return gdf.iloc[key].reset_index(drop=True)


def _disk_stencil(radius_m: float, cell: float) -> np.ndarray:
    r = math.floor(radius_m / cell)
    off = np.arange(-r, r + 1) * cell
    d2 = off[None, :] ** 2 + off[:, None] ** 2
    return (d2 <= radius_m * radius_m).astype(np.float64)


def _quartic_stencil(h: float, cell: float) -> np.ndarray:
    """K(d) = 3 / (pi h²) (1 - d²/h²)² for d < h (per m²), at cell-centre offsets."""
    r = math.floor(h / cell)
    off = np.arange(-r, r + 1) * cell
    d2 = off[None, :] ** 2 + off[:, None] ** 2
    k = 3.0 / (math.pi * h * h) * np.clip(1.0 - d2 / (h * h), 0.0, None) ** 2
    return k


def _convolve(a: np.ndarray, stencil: np.ndarray) -> np.ndarray:
    """Same-size convolution (zero outside): direct for small stencils, FFT for large ones."""
    if stencil.size <= 81:
        return ndimage.correlate(a, stencil, mode="constant", cval=0.0)
    return signal.fftconvolve(a, stencil[::-1, ::-1], mode="same")


def gistar_grid(
    values: np.ndarray, study: np.ndarray, bandwidth_m: float, cell_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Getis-Ord Gi* z-scores and one-sided (upper-tail) p-values on a grid of cells.

    Binary distance-band weights: cells whose centres are within
    ``bandwidth_m`` of each other (the cell itself included: Gi*).
    The study area is the cells in ``study``; neighbours outside it are
    ignored (they are not observations). With ``S_i`` the sum of values in
    cell i's band (i included) and ``W_i`` the number of study cells in it,
    ``z_i = (S_i - xbar W_i) / (s sqrt((n W_i - W_i²) / (n - 1)))`` where
    ``xbar`` and ``s`` (population standard deviation) are over the ``n``
    study cells: the analytic Gi* of Ord & Getis (1995), identical to
    ``esda.G_Local(star=True, transform="B")``. Computed by convolution, so
    hundreds of thousands of cells take milliseconds. p is one-sided because
    only hot spots (high values) are sought.
    """
    disk = _disk_stencil(bandwidth_m, cell_m)
    mask = study.astype(np.float64)
    xv = values * mask
    n = int(study.sum())
    z = np.zeros(values.shape)
    p = np.ones(values.shape)
    if n < 2:
        return z, p
    xbar = float(xv[study].mean())
    s = float(np.sqrt(max((xv[study] ** 2).mean() - xbar * xbar, 0.0)))
    if s == 0.0:
        return z, p
    S = _convolve(xv, disk)
    W = np.rint(_convolve(mask, disk))
    denom = s * np.sqrt(np.maximum(n * W - W * W, 0.0) / (n - 1))
    ok = study & (denom > 0)
    z[ok] = np.round((S[ok] - xbar * W[ok]) / denom[ok], 9)
    p[ok] = stats.norm.sf(z[ok])
    return z, p


def benjamini_hochberg(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini-Hochberg (1995): which p-values are discoveries at false-discovery rate ``alpha``.

    Sort the m p-values, find the largest k with ``p_(k) <= k / m * alpha``,
    reject the k smallest.
    """
    p = np.asarray(p, float)
    m = len(p)
    out = np.zeros(m, dtype=bool)
    if m == 0:
        return out
    order = np.argsort(p, kind="stable")
    passed = p[order] <= (np.arange(1, m + 1) / m) * alpha
    if passed.any():
        k = int(np.flatnonzero(passed).max())
        out[order[: k + 1]] = True
    return out


def _significant(p: np.ndarray, alpha: float, fdr: bool) -> np.ndarray:
    return benjamini_hochberg(p, alpha) if fdr else p < alpha


@dataclass
class _Area:
    label: int
    id: str
    municipality_code: str
    incidents: int
    intensity: float
    statistic: float
    trend: float
    synthetic: bool
    centre_x: float
    centre_y: float
    cells: int
    geometry: Any  # metric polygon


def _areas(
    grid: _Grid,
    labels: np.ndarray,
    n_labels: int,
    statistic: np.ndarray,
    count: np.ndarray,
    wsum: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    ages: np.ndarray,
    weight: np.ndarray,
    cell_label: np.ndarray,
    in_lookback: np.ndarray,
    sub: gpd.GeoDataFrame,
    params: HotspotParams,
    district: District | None,
) -> list[_Area]:
    if n_labels == 0:
        return []
    flat_labels = labels.ravel()
    idx = np.arange(1, n_labels + 1)
    n_inc = ndimage.sum_labels(count, labels, idx)
    keep = [int(k) for k, c in zip(idx, n_inc, strict=True) if c >= params.min_incidents]
    if not keep:
        return []
    synthetic_flags = sub["synthetic"].to_numpy(bool)
    codes_of = sub["municipality_code"].to_numpy(object)
    recent_days = 7 * params.trend_recent_weeks
    earlier_days = 7 * params.trend_earlier_weeks
    dindex = DistrictIndex(district, tolerance_m=0.0) if district is not None else None
    order_cells = np.argsort(flat_labels, kind="stable")
    sorted_labels = flat_labels[order_cells]
    out: list[_Area] = []
    for k in keep:
        lo, hi = np.searchsorted(sorted_labels, [k, k + 1])
        flat_cells = order_cells[lo:hi]
        cy, cx = np.divmod(flat_cells, grid.nx)
        stat = statistic.ravel()[flat_cells]
        best = int(np.lexsort((cx, cy, -stat))[0])
        peak_ix, peak_iy = grid.ix0 + int(cx[best]), grid.iy0 + int(cy[best])
        members = np.flatnonzero(cell_label == k)
        used = members[in_lookback[members]]
        w = weight[used]
        if w.sum() > 0:
            mx, my = float(np.dot(w, x[used]) / w.sum()), float(np.dot(w, y[used]) / w.sum())
        else:
            mx, my = grid.centres(cx, cy)
            mx, my = float(mx.mean()), float(my.mean())
        boxes = shapely.box(
            (grid.ix0 + cx) * grid.cell,
            (grid.iy0 + cy) * grid.cell,
            (grid.ix0 + cx + 1) * grid.cell,
            (grid.iy0 + cy + 1) * grid.cell,
        )
        # grid squares never overlap (a coverage); simplify(0) drops the collinear cell corners
        poly = shapely.simplify(shapely.coverage_union_all(boxes), 0.0)
        if not shapely.contains_xy(poly.buffer(-1.0), mx, my):  # 1 m inside, safe after rounding
            ccx, ccy = grid.centres(cx, cy)
            j = int(np.lexsort((cx, cy, (ccx - mx) ** 2 + (ccy - my) ** 2))[0])
            mx, my = float(ccx[j]), float(ccy[j])
        a = ages[members]
        recent = int(((a >= 0) & (a < recent_days)).sum())
        earlier = int(((a >= recent_days) & (a < recent_days + earlier_days)).sum())
        code = ""
        if dindex is not None:
            mi, _ = dindex.locate(np.array([mx]), np.array([my]))
            code = dindex.codes[int(mi[0])] if mi[0] >= 0 else ""
        if not code and len(used):
            vals, cnts = np.unique(codes_of[used].astype(str), return_counts=True)
            code = str(vals[np.argmax(cnts)])
        out.append(
            _Area(
                label=k,
                id=f"hs-{int(grid.cell)}m-E{peak_ix}-N{peak_iy}",
                municipality_code=code,
                incidents=len(used),
                intensity=round(float(w.sum()), 6),
                statistic=round(float(stat[best]), 6),
                trend=round(
                    trend_ratio(
                        recent,
                        earlier,
                        params.trend_recent_weeks,
                        params.trend_earlier_weeks,
                        params.trend_cap,
                    ),
                    6,
                ),
                synthetic=bool(synthetic_flags[used].any()) if len(used) else False,
                centre_x=mx,
                centre_y=my,
                cells=len(flat_cells),
                geometry=poly,
            )
        )
    out.sort(key=lambda a: (-a.intensity, -a.statistic, a.id))
    return out


def _areas_frame(areas: list[_Area], method: str) -> gpd.GeoDataFrame:
    if not areas:
        return _empty_areas()
    lon, lat = to_lonlat(np.array([a.centre_x for a in areas]), np.array([a.centre_y for a in areas]))
    geoms = [shapely.set_precision(geom_to_lonlat(a.geometry), 1e-7) for a in areas]
    return gpd.GeoDataFrame(
        {
            "id": [a.id for a in areas],
            "municipality_code": [a.municipality_code for a in areas],
            "incidents": np.array([a.incidents for a in areas], dtype=np.int64),
            "intensity": [a.intensity for a in areas],
            "statistic": [a.statistic for a in areas],
            "method": [method] * len(areas),
            "trend": [a.trend for a in areas],
            "synthetic": [a.synthetic for a in areas],
            "centre_lat": np.round(lat, 6),
            "centre_lon": np.round(lon, 6),
            "cells": np.array([a.cells for a in areas], dtype=np.int64),
        },
        geometry=geoms,
        crs=STORAGE_CRS,
    )


_CELL_COLUMNS = ("cell_id", "count", "weighted", "statistic", "p", "hot", "area_id")
_AREA_COLUMNS = (
    "id",
    "municipality_code",
    "incidents",
    "intensity",
    "statistic",
    "method",
    "trend",
    "synthetic",
    "centre_lat",
    "centre_lon",
    "cells",
)


def _empty_cells() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in _CELL_COLUMNS}, geometry=[], crs=STORAGE_CRS)


def _empty_areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in _AREA_COLUMNS}, geometry=[], crs=STORAGE_CRS)


def _cells(
    grid: _Grid,
    count: np.ndarray,
    wsum: np.ndarray,
    statistic: np.ndarray,
    p_values: np.ndarray | None,
    hot: np.ndarray,
    labels: np.ndarray,
    areas: list[_Area],
) -> gpd.GeoDataFrame:
    """Cells holding an incident or flagged hot, sorted by (north, east) index."""
    keep = (count > 0) | hot
    iy, ix = np.nonzero(keep)  # row-major: sorted by iy then ix
    if not len(iy):
        return _empty_cells()
    area_of = {a.label: a.id for a in areas}
    x0 = (grid.ix0 + ix) * grid.cell
    y0 = (grid.iy0 + iy) * grid.cell
    corners_x = np.stack([x0, x0 + grid.cell, x0 + grid.cell, x0, x0], axis=1)
    corners_y = np.stack([y0, y0, y0 + grid.cell, y0 + grid.cell, y0], axis=1)
    lon, lat = to_lonlat(corners_x.ravel(), corners_y.ravel())
    coords = np.stack([np.round(lon, 7), np.round(lat, 7)], axis=1).reshape(len(iy), 5, 2)
    polys = shapely.polygons(coords)
    lab = labels[iy, ix]
    gix, giy = grid.ix0 + ix, grid.iy0 + iy
    return gpd.GeoDataFrame(
        {
            "cell_id": [f"{int(grid.cell)}m-E{a}-N{b}" for a, b in zip(gix, giy, strict=True)],
            "count": count[iy, ix].astype(np.int64),
            "weighted": np.round(wsum[iy, ix], 6),
            "statistic": np.round(statistic[iy, ix], 6),
            "p": (np.round(p_values[iy, ix], 9) if p_values is not None else [None] * len(iy)),
            "hot": hot[iy, ix].astype(bool),
            "area_id": [area_of.get(int(v), "") for v in lab],
        },
        geometry=polys,
        crs=STORAGE_CRS,
    )


# ---------------------------------------------------------------------------
# writing


def _round_coords(obj: Any, ndigits: int = 6) -> Any:
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, list | tuple):
        return [_round_coords(v, ndigits) for v in obj]
    return obj


def _rounded_mapping(geom: Any, ndigits: int = 6) -> dict[str, Any]:
    m = shapely.geometry.mapping(geom)
    return {"type": m["type"], "coordinates": _round_coords(m["coordinates"], ndigits)}


def _column_values(col: Any) -> list[Any]:
    """A column as JSON-ready Python values: floats rounded to 9 decimals, NaN -> null."""
    arr = np.asarray(col)
    if arr.dtype.kind == "f":
        vals = np.round(arr.astype(float), 9)
        return [None if not math.isfinite(v) else v for v in vals.tolist()]
    if arr.dtype.kind in "biu":
        return arr.tolist()
    out = []
    for v in arr.tolist():
        if isinstance(v, float):
            out.append(None if not math.isfinite(v) else round(v, 9))
        elif isinstance(v, np.generic):
            out.append(v.item())
        else:
            out.append(v)
    return out


def geojson_text(gdf: gpd.GeoDataFrame, properties: dict[str, Any] | None = None) -> str:
    """A deterministic GeoJSON FeatureCollection (WGS84, coordinates rounded to 1e-6 degrees, ~0.1 m).

    Column order and row order are kept and floats are rounded, so the same
    frame always gives the same bytes.
    """
    gdf = gdf.to_crs(STORAGE_CRS) if gdf.crs is not None and str(gdf.crs) != STORAGE_CRS else gdf
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    geoms = shapely.transform(gdf.geometry.to_numpy(), lambda c: np.round(c, 6))
    geo_text = shapely.to_geojson(geoms)
    values = [_column_values(gdf[c].to_numpy()) for c in cols]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    features = []
    for k in range(len(gdf)):
        props = dumps({c: values[j][k] for j, c in enumerate(cols)})
        geom = geo_text[k] if geo_text[k] is not None else "null"
        features.append(f'{{"type":"Feature","properties":{props},"geometry":{geom}}}')
    head = '{"type":"FeatureCollection",'
    if properties:
        head += '"properties":' + dumps(properties) + ","
    return head + '"features":[\n' + ",\n".join(features) + "\n]}\n"


def write_hotspots(hotspots: Hotspots, out_dir: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write ``hotspots.geojson`` (areas) and ``cells.geojson`` into ``out_dir`` atomically.

    Both are WGS84. The collection-level ``properties`` record the method,
    parameters, ``as_of`` and whether the incidents were synthetic.
    """
    out = Path(out_dir)
    meta = {
        "method": hotspots.params.method,
        "as_of": hotspots.as_of.isoformat(),
        "synthetic": hotspots.synthetic,
        "incidents_used": hotspots.incidents_used,
        "params": hotspots.params.model_dump(mode="json"),
    }
    areas_path = atomic_write_text(out / "hotspots.geojson", geojson_text(hotspots.areas, meta))
    cells_path = atomic_write_text(out / "cells.geojson", geojson_text(hotspots.cells, meta))
    return areas_path, cells_path

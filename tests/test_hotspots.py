"""Hotspot detection: planted clusters are found, numbers match their formulas, output is reproducible."""

from __future__ import annotations

import math
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pydantic import ValidationError

from mobilstation.demand._geom import DistrictIndex, to_lonlat, to_metric
from mobilstation.demand.hotspots import (
    HotspotParams,
    benjamini_hochberg,
    detect_hotspots,
    gistar_grid,
    recency_weights,
    trend_ratio,
    write_hotspots,
)
from mobilstation.geo import load_district
from mobilstation.plan import HotspotRecord

AS_OF = date(2026, 11, 29)
CENTRES = ((540_000.0, 6_300_000.0), (555_000.0, 6_310_000.0), (548_000.0, 6_292_000.0))  # EPSG:25832


@pytest.fixture(scope="module")
def district():
    return load_district("Nordjyllands Politi")


def frame(x, y, age_days, ids=None) -> gpd.GeoDataFrame:
    """Incidents at metric (x, y), ``age_days`` before AS_OF at noon."""
    lon, lat = to_lonlat(np.asarray(x, float), np.asarray(y, float))
    age = np.asarray(age_days)
    times = pd.Timestamp(AS_OF.isoformat()) - pd.to_timedelta(age, unit="D") + pd.Timedelta(hours=12)
    n = len(age)
    return gpd.GeoDataFrame(
        {
            "id": ids if ids is not None else [f"i{i:05d}" for i in range(n)],
            "time": pd.Series(times).dt.tz_localize("Europe/Copenhagen"),
            "type": "indbrud i beboelse",
            "attempt": False,
            "synthetic": False,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )


def planted(district, seed: int = 0) -> gpd.GeoDataFrame:
    """1,500 background incidents uniform over a 30 x 30 km box (the part on land) plus three
    tight recent clusters of 60 incidents within 200 m of CENTRES."""
    rng = np.random.default_rng(seed)
    index = DistrictIndex(district, tolerance_m=0)
    xs, ys = [], []
    while sum(len(a) for a in xs) < 1500:
        x = rng.uniform(533_000, 563_000, 1000)
        y = rng.uniform(6_285_000, 6_315_000, 1000)
        inside = index.locate(x, y)[0] >= 0
        xs.append(x[inside])
        ys.append(y[inside])
    x, y = np.concatenate(xs)[:1500], np.concatenate(ys)[:1500]
    age = rng.integers(0, 84, 1500)
    for cx, cy in CENTRES:
        r = 200 * np.sqrt(rng.random(60))
        a = rng.uniform(0, 2 * math.pi, 60)
        x = np.append(x, cx + r * np.cos(a))
        y = np.append(y, cy + r * np.sin(a))
        age = np.append(age, rng.integers(0, 14, 60))
    return frame(x, y, age)


@pytest.fixture(scope="module")
def planted_incidents(district):
    return planted(district)


@pytest.mark.parametrize("method", ["kde", "gistar"])
def test_planted_clusters_are_found(district, planted_incidents, method):
    hs = detect_hotspots(planted_incidents, HotspotParams(method=method), as_of=AS_OF, district=district)
    areas = hs.areas
    assert 3 <= len(areas) <= 5  # the three clusters, at most two false alarms
    cx, cy = np.array(CENTRES).T
    lon, lat = to_lonlat(cx, cy)
    containing = [
        np.flatnonzero(areas.contains(shapely.Point(lo, la))) for lo, la in zip(lon, lat, strict=True)
    ]
    assert all(len(c) == 1 for c in containing)
    assert len({int(c[0]) for c in containing}) == 3  # three different areas
    # the three clusters are the most intense areas and hold about their 60 incidents
    assert sorted(int(c[0]) for c in containing) == [0, 1, 2]
    assert all(58 <= n <= 80 for n in areas["incidents"].iloc[:3])
    for row in areas.itertuples():
        assert row.geometry.contains(shapely.Point(row.centre_lon, row.centre_lat))
        assert row.method == method and row.municipality_code in {m.code for m in district.municipalities}
        assert row.trend == hs.params.trend_cap  # all cluster incidents are recent: earlier rate 0
    assert hs.incidents_used == len(planted_incidents)


@pytest.mark.parametrize("method", ["kde", "gistar"])
def test_same_input_gives_identical_files_whatever_the_row_order(
    tmp_path, district, planted_incidents, method
):
    params = HotspotParams(method=method)
    first = detect_hotspots(planted_incidents, params, as_of=AS_OF, district=district)
    shuffled = planted_incidents.sample(frac=1.0, random_state=3)
    second = detect_hotspots(shuffled, params, as_of=AS_OF, district=district)
    write_hotspots(first, tmp_path / "a")
    write_hotspots(second, tmp_path / "b")
    for name in ("hotspots.geojson", "cells.geojson"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    again = detect_hotspots(planted(district, seed=0), params, as_of=AS_OF, district=district)
    write_hotspots(again, tmp_path / "c")
    assert (tmp_path / "a" / "hotspots.geojson").read_bytes() == (
        tmp_path / "c" / "hotspots.geojson"
    ).read_bytes()
    back = gpd.read_file(tmp_path / "a" / "hotspots.geojson")
    assert back.crs.to_epsg() == 4326 and len(back) == len(first.areas)


def test_kde_density_matches_the_quartic_kernel():
    """One incident: each cell's density is w * 3/(pi h^2) (1 - d^2/h^2)^2 per m^2 (x 1e6 per km^2),
    d = distance from the incident's cell centre, for d < h; recomputed here cell by cell."""
    h, cell = 500.0, 250.0
    x0, y0 = 550_125.0, 6_300_125.0  # a cell centre on the 250 m grid
    inc = frame([x0], [y0], [14])  # one half-life old: weight 0.5
    params = HotspotParams(kde_quantile=0.0, kde_min_weighted=0, min_incidents=1, cell_m=cell, bandwidth_m=h)
    hs = detect_hotspots(inc, params, as_of=AS_OF)
    cells = hs.cells
    # cell ids name the grid indices: "250m-E<ix>-N<iy>" covers [ix*250, (ix+1)*250) x [iy*250, ...)
    ix = cells["cell_id"].str.extract(r"-E(-?\d+)-")[0].astype(int).to_numpy()
    iy = cells["cell_id"].str.extract(r"-N(-?\d+)$")[0].astype(int).to_numpy()
    d2 = ((ix + 0.5) * cell - x0) ** 2 + ((iy + 0.5) * cell - y0) ** 2
    metric = cells.to_crs("EPSG:25832").geometry.to_numpy()
    inside = shapely.contains_xy(metric, (ix + 0.5) * cell, (iy + 0.5) * cell)
    assert inside.all()
    expected = 0.5 * 3 / (math.pi * h * h) * (1 - d2 / (h * h)) ** 2 * 1e6
    np.testing.assert_allclose(cells["statistic"], expected, rtol=1e-6)
    # every cell with d < h is hot (9 cells: offsets (i, j) with i^2 + j^2 < 4), and only those
    assert len(cells) == sum(1 for i in range(-2, 3) for j in range(-2, 3) if i * i + j * j < 4)
    assert cells["hot"].all() and (d2 < h * h).all()
    assert cells.loc[cells["count"] == 1, "weighted"].tolist() == [0.5]
    assert hs.areas["statistic"].iloc[0] == pytest.approx(0.5 * 3 / (math.pi * h * h) * 1e6, rel=1e-6)


def test_gistar_grid_equals_esda():
    import esda
    import libpysal

    rng = np.random.default_rng(5)
    ny, nx, cell, band = 9, 11, 250.0, 520.0
    values = rng.poisson(0.6, size=(ny, nx)).astype(float) * rng.random((ny, nx))
    values[3:5, 4:6] += 4.0
    study = np.ones((ny, nx), dtype=bool)
    study[0, :3] = False  # holes: not part of the study area
    study[7, 9] = False
    z, p = gistar_grid(values, study, band, cell)
    iy, ix = np.nonzero(study)
    coords = np.column_stack([ix * cell, iy * cell])
    w = libpysal.weights.DistanceBand(coords, threshold=band, binary=True, silence_warnings=True)
    ref = esda.G_Local(values[iy, ix], w, transform="B", star=True, permutations=0)
    np.testing.assert_allclose(z[iy, ix], ref.Zs, rtol=1e-7, atol=1e-7)
    from scipy.stats import norm

    np.testing.assert_allclose(p[iy, ix], norm.sf(ref.Zs), rtol=1e-6, atol=1e-9)


def test_benjamini_hochberg_matches_its_definition():
    rng = np.random.default_rng(11)
    p = np.concatenate([rng.random(200), rng.random(20) * 1e-3])
    alpha = 0.05
    got = benjamini_hochberg(p, alpha)
    order = np.sort(p)
    ks = [k for k in range(1, len(p) + 1) if order[k - 1] <= k / len(p) * alpha]
    cut = order[max(ks) - 1]
    assert (got == (p <= cut)).all()
    assert not benjamini_hochberg(np.array([0.5, 0.9]), alpha).any()
    assert benjamini_hochberg(np.array([]), alpha).size == 0


def test_recency_weight_and_trend_conventions():
    assert recency_weights(np.array([0, 14, 28]), 14.0).tolist() == [1.0, 0.5, 0.25]
    assert trend_ratio(8, 8, 4, 8, 4.0) == pytest.approx(2.0)  # 2/week vs 1/week
    assert trend_ratio(0, 8, 4, 8, 4.0) == 0.0
    assert trend_ratio(3, 0, 4, 8, 4.0) == 4.0  # earlier rate 0: the cap
    assert trend_ratio(0, 0, 4, 8, 4.0) == 1.0  # nothing at all: no change
    assert trend_ratio(100, 1, 4, 8, 4.0) == 4.0


def test_trend_of_an_area_is_recent_rate_over_earlier_rate(district):
    rng = np.random.default_rng(2)
    cx, cy = CENTRES[0]
    n_recent, n_earlier = 24, 12  # 6/week in the last 4 weeks, 1.5/week in the 8 before
    x = cx + rng.uniform(-150, 150, n_recent + n_earlier)
    y = cy + rng.uniform(-150, 150, n_recent + n_earlier)
    age = np.concatenate([rng.integers(0, 28, n_recent), rng.integers(28, 84, n_earlier)])
    hs = detect_hotspots(frame(x, y, age), HotspotParams(trend_cap=10), as_of=AS_OF, district=district)
    assert len(hs.areas) == 1
    assert hs.areas["incidents"].iloc[0] == n_recent + n_earlier
    assert hs.areas["trend"].iloc[0] == pytest.approx((n_recent / 4) / (n_earlier / 8))
    w = recency_weights(age, 14.0)
    assert hs.areas["intensity"].iloc[0] == pytest.approx(w.sum(), abs=1e-5)


def test_outside_future_and_old_incidents_are_left_out(district):
    # a tight recent cluster in Copenhagen (outside the district), one in the future, one too old
    cph_x, cph_y = to_metric([12.5683], [55.6761])
    rng = np.random.default_rng(4)
    x = np.concatenate(
        [cph_x[0] + rng.uniform(-100, 100, 50), np.full(40, CENTRES[1][0]), np.full(40, CENTRES[2][0])]
    )
    y = np.concatenate(
        [cph_y[0] + rng.uniform(-100, 100, 50), np.full(40, CENTRES[1][1]), np.full(40, CENTRES[2][1])]
    )
    age = np.concatenate([np.zeros(50), -np.ones(40) * 3, np.full(40, 200)])
    gdf = frame(x, y, age)
    index = DistrictIndex(district)
    lon, lat = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
    gdf["in_district"] = index.locate_lonlat(lon, lat)[0] >= 0
    gdf["municipality_code"] = ""
    hs = detect_hotspots(gdf, HotspotParams(), as_of=AS_OF, district=district)
    assert len(hs.areas) == 0 and hs.incidents_used == 0
    assert (hs.excluded_outside, hs.excluded_future, hs.excluded_old) == (50, 40, 40)


def test_no_recent_incidents_gives_empty_results_that_still_write(tmp_path):
    hs = detect_hotspots(frame([550_000.0], [6_300_000.0], [400]), HotspotParams(), as_of=AS_OF)
    assert hs.areas.empty and hs.cells.empty and hs.records() == []
    a, c = write_hotspots(hs, tmp_path)
    assert gpd.read_file(a).empty and c.exists()


def test_records_fit_the_plan_contract(district, planted_incidents):
    hs = detect_hotspots(planted_incidents, HotspotParams(method="gistar"), as_of=AS_OF, district=district)
    records = hs.records()
    assert len(records) == len(hs.areas)
    for rec in records:
        parsed = HotspotRecord(**rec)
        assert parsed.method == "gistar" and parsed.geometry["type"] in {"Polygon", "MultiPolygon"}
    cells = hs.cells
    assert cells.crs.to_epsg() == 4326
    assert set(cells.columns) >= {"cell_id", "count", "weighted", "statistic", "p", "hot"}
    assert ((cells["count"] > 0) | cells["hot"]).all()
    assert cells["count"].sum() == len(planted_incidents)
    hot_ids = set(cells.loc[cells["area_id"] != "", "area_id"])
    assert hot_ids == set(hs.areas["id"])


def test_params_validate():
    with pytest.raises(ValidationError):
        HotspotParams(method="dbscan")
    with pytest.raises(ValidationError):
        HotspotParams(bandwith_m=400)  # typo
    with pytest.raises(ValidationError):
        HotspotParams(half_life_days=0)

"""Reading burglary incidents and generating synthetic ones.

The district is the embedded Nordjyllands Politi (police district 1). Every
number checked here is recomputed from the inputs, not copied from a run.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pydantic import ValidationError
from scipy.spatial import cKDTree

from mobilstation import i18n
from mobilstation.demand._geom import geom_to_metric, to_lonlat, to_metric
from mobilstation.demand.incidents import INCIDENT_TYPES, read_incidents
from mobilstation.demand.synthetic import (
    SyntheticParams,
    generate_incidents,
    incidents_csv_text,
    main,
    synthetic_incidents,
    write_incidents_csv,
)
from mobilstation.errors import InputError
from mobilstation.geo import load_district

TZ = ZoneInfo("Europe/Copenhagen")
ROOT = Path(__file__).resolve().parents[1]
END = date(2026, 11, 29)
HEADER = "id,time,type,forsøg,lat,lon\n"


@pytest.fixture(scope="module")
def district():
    return load_district("Nordjyllands Politi")


@pytest.fixture(scope="module")
def synthetic(district):
    return generate_incidents(district, SyntheticParams(end_date=END))


def write(tmp_path: Path, text: str, name: str = "incidents.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- synthetic generator -----------------------------------------------------------------


def test_synthetic_same_seed_same_bytes_other_seed_differs(district, synthetic):
    again = generate_incidents(district, SyntheticParams(end_date=END))
    assert incidents_csv_text(again) == incidents_csv_text(synthetic)
    other = generate_incidents(district, SyntheticParams(end_date=END, seed=7))
    assert incidents_csv_text(other) != incidents_csv_text(synthetic)


def test_synthetic_counts_follow_population(district, synthetic):
    params = SyntheticParams(end_date=END)
    days = params.weeks * 7
    total_expected = 0.0
    for mun in district.municipalities:
        pop = mun.population
        assert pop is not None
        bg_mean = pop / 1000 * params.rate_per_1000 * days / 365.25
        total_expected += bg_mean
        n = int((synthetic["municipality_code"] == mun.code).sum())
        # background is Poisson; bursts add at most clusters * cluster_size anywhere
        assert n >= bg_mean - 5 * math.sqrt(bg_mean) - 1, mun.name
        assert n <= bg_mean + 5 * math.sqrt(bg_mean) + params.clusters * params.cluster_size + 1, mun.name
    n_all = len(synthetic)
    assert abs(n_all - params.clusters * params.cluster_size - total_expected) < 5 * math.sqrt(total_expected)


def test_synthetic_rows_are_valid_and_labelled(district, synthetic):
    params = SyntheticParams(end_date=END)
    assert synthetic.crs.to_epsg() == 4326
    assert synthetic["synthetic"].all()
    assert synthetic["id"].is_unique
    local = synthetic["time"].dt.tz_convert(TZ)
    first = END - timedelta(days=7 * params.weeks - 1)
    assert local.dt.date.min() >= first and local.dt.date.max() <= END
    assert set(synthetic["type"]) <= set(INCIDENT_TYPES)
    share = synthetic["attempt"].mean()
    n = len(synthetic)
    assert abs(share - params.attempt_share) < 4 * math.sqrt(0.3 * 0.7 / n)
    # every point lies inside the municipality it is labelled with (Læsø's on Læsø)
    by_code = {m.code: m.geometry for m in district.municipalities}
    for code, group in synthetic.groupby("municipality_code"):
        inside = shapely.contains_xy(by_code[code], group.geometry.x.to_numpy(), group.geometry.y.to_numpy())
        assert inside.all(), code
    laesoe = next(m for m in district.municipalities if m.name == "Læsø")
    on_laesoe = shapely.contains_xy(
        laesoe.geometry, synthetic.geometry.x.to_numpy(), synthetic.geometry.y.to_numpy()
    )
    assert (on_laesoe == (synthetic["municipality_code"] == laesoe.code).to_numpy()).all()


def test_synthetic_concentrates_around_towns(district, synthetic):
    """Incidents lie much closer to towns than points spread uniformly over the district."""
    tx, ty = to_metric([t.lon for t in district.towns], [t.lat for t in district.towns])
    tree = cKDTree(np.column_stack([tx, ty]))
    sx, sy = to_metric(synthetic.geometry.x.to_numpy(), synthetic.geometry.y.to_numpy())
    d_syn = tree.query(np.column_stack([sx, sy]))[0]
    rng = np.random.default_rng(0)
    geom = geom_to_metric(district.geometry)
    xmin, ymin, xmax, ymax = geom.bounds
    ux, uy = rng.uniform(xmin, xmax, 20000), rng.uniform(ymin, ymax, 20000)
    keep = shapely.contains_xy(geom, ux, uy)
    d_uni = tree.query(np.column_stack([ux[keep], uy[keep]]))[0]
    assert np.median(d_syn) < 0.5 * np.median(d_uni)


def test_synthetic_bursts_are_tight_in_space_and_time(district):
    params = SyntheticParams(end_date=END, rate_per_1000=0.05, clusters=3, cluster_size=30)
    gdf = generate_incidents(district, params)
    x, y = to_metric(gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy())
    tree = cKDTree(np.column_stack([x, y]))
    neighbours = np.array(
        [len(n) for n in tree.query_ball_point(np.column_stack([x, y]), 2 * params.cluster_radius_m)]
    )
    dense = neighbours >= 15
    background = len(gdf) - 3 * params.cluster_size
    assert dense.sum() >= 3 * params.cluster_size - 2
    # the bursts plus, at most, their seed incidents and a few background points
    assert dense.sum() <= 3 * params.cluster_size + 3 + background // 4
    # each dense group holds a burst's incidents within the burst duration
    days = np.array([d.toordinal() for d in gdf["time"].dt.tz_convert(TZ).dt.date])
    for i in np.flatnonzero(dense):
        group = np.sort(
            days[[j for j in tree.query_ball_point([x[i], y[i]], 2 * params.cluster_radius_m) if dense[j]]]
        )
        in_window = np.searchsorted(group, group + params.cluster_duration_days) - np.arange(len(group))
        assert in_window.max() >= params.cluster_size - 2


def test_synthetic_needs_an_end_date(district):
    with pytest.raises(ValueError, match="end_date"):
        generate_incidents(district, SyntheticParams())
    via_argument = synthetic_incidents(district, SyntheticParams(), end_date=END)
    assert via_argument.synthetic and len(via_argument) > 0


def test_synthetic_params_reject_typos_and_bad_values():
    with pytest.raises(ValidationError):
        SyntheticParams(rate_per_100=3)
    with pytest.raises(ValidationError):
        SyntheticParams(attempt_share=1.5)
    with pytest.raises(ValidationError):
        SyntheticParams(weeks=0)


def test_committed_synthetic_file_is_what_the_generator_writes(district):
    """geodata/nordjylland_incidents_synthetic.csv is regenerated exactly by the documented command."""
    committed = ROOT / "geodata" / "nordjylland_incidents_synthetic.csv"
    params = SyntheticParams(seed=20261130, end_date=date(2026, 11, 29))
    assert committed.read_text(encoding="utf-8") == incidents_csv_text(generate_incidents(district, params))


def test_command_line_entry_writes_the_file(tmp_path, synthetic):
    out = tmp_path / "syn.csv"
    code = main(["--district", "Nordjyllands Politi", "--end-date", "2026-11-29", "--out", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8") == incidents_csv_text(synthetic)


# -- reading -----------------------------------------------------------------------------


def test_round_trip_through_csv(tmp_path, district, synthetic):
    path = tmp_path / "syn.csv"
    write_incidents_csv(synthetic, str(path))
    inc = read_incidents(path, district, as_of=END)
    assert inc.synthetic
    assert inc.report.rows_read == len(synthetic) == inc.report.used
    assert not inc.report.bad_rows and inc.report.outside_district == 0 and inc.report.after_as_of == 0
    gdf = inc.gdf
    assert list(gdf["id"]) == list(synthetic["id"])
    assert (gdf["time"] == synthetic["time"]).all()
    assert str(gdf["time"].dt.tz) == "Europe/Copenhagen"
    assert (gdf["municipality_code"] == synthetic["municipality_code"]).all()
    assert np.allclose(gdf.geometry.x, synthetic.geometry.x, atol=1e-6)
    assert (gdf["attempt"].to_numpy() == synthetic["attempt"].to_numpy()).all()


def test_bad_rows_are_reported_with_row_numbers_and_reasons(tmp_path, district):
    text = HEADER + (
        "a,2026-11-20T14:30,indbrud i beboelse,nej,57.04,9.92\n"  # row 1 fine
        "b,20/13/2026 10:00,indbrud i beboelse,nej,57.04,9.92\n"  # row 2 bad timestamp (month 13)
        "c,2026-11-21 09:15,indbrud i beboelse,ja,,9.92\n"  # row 3 missing latitude
        "d,2026-11-21 09:15,færdselsuheld,nej,57.04,9.92\n"  # row 4 not a burglary
        "e,2026-11-21 09:15,indbrud i villa,måske,57.04,9.92\n"  # row 5 bad forsøg value
        "a,2026-11-22 09:15,indbrud,nej,57.05,9.93\n"  # row 6 duplicate id
        "f,,indbrud,nej,57.05,9.93\n"  # row 7 missing timestamp
        "g,21-11-2026 18:05,Indbrud i Virksomhed,1,57.05,nord\n"  # row 8 lon not a number
        "h,21.11.2026,indbrud i fritidshus,0,57.05,9.93\n"  # row 9 fine (Danish date)
    )
    inc = read_incidents(write(tmp_path, text), district)
    bad = {b.row: b.reason for b in inc.report.bad_rows}
    assert set(bad) == {2, 3, 5, 6, 7, 8}
    assert "ugyldigt tidspunkt" in bad[2] and "20/13/2026" in bad[2]
    assert "mangler koordinater" in bad[3]
    assert inc.report.other_types == {"færdselsuheld": 1}  # row 4: another offence, left out
    assert "måske" in bad[5]
    assert "id 'a' står to gange" in bad[6] and "række 1" in bad[6]
    assert "mangler tidspunkt" in bad[7]
    assert "lon" in bad[8] and "ikke et tal" in bad[8]
    assert list(inc.gdf["id"]) == ["a", "h"]
    assert inc.gdf["time"].iloc[1] == pd.Timestamp(datetime(2026, 11, 21), tz=TZ)
    text_report = str(inc.report)
    assert "række 1 = første linje efter overskriften" in text_report and "række 5:" in text_report
    assert "1 hændelse(r) af andre typer udeladt (færdselsuheld 1)" in text_report
    with i18n.using("en"):
        inc = read_incidents(write(tmp_path, text), district)
        text_report = str(inc.report)
    bad = {b.row: b.reason for b in inc.report.bad_rows}
    assert "bad timestamp" in bad[2] and "20/13/2026" in bad[2]
    assert "missing coordinates" in bad[3]
    assert "duplicate id 'a'" in bad[6] and "row 1" in bad[6]
    assert "missing timestamp" in bad[7]
    assert "lon" in bad[8] and "not a number" in bad[8]
    assert "row 1 = first line after the header" in text_report and "row 5:" in text_report
    assert "1 incidents of other types left out (færdselsuheld 1)" in text_report


def test_other_offences_are_counted_and_left_out(tmp_path, district):
    text = HEADER + (
        "a,2026-11-20T14:30,indbrud i beboelse,nej,57.04,9.92\n"
        "b,2026-11-20T15:30,butikstyveri,nej,57.04,9.92\n"
        "c,2026-11-20T16:30,Butikstyveri,nej,57.04,9.92\n"
        "d,2026-11-20T17:30,butikstyveri,nej,57.04,9.92\n"
    )
    inc = read_incidents(write(tmp_path, text), district)
    assert list(inc.gdf["id"]) == ["a"] and inc.report.bad_rows == []
    assert inc.report.other_types == {"butikstyveri": 2, "Butikstyveri": 1}
    only_other = HEADER + "b,2026-11-20T15:30,butikstyveri,nej,57.04,9.92\n"
    with pytest.raises(InputError, match=r"ingen brugbare hændelser .*1 af andre typer \(butikstyveri 1\)"):
        read_incidents(write(tmp_path, only_other), district)
    with i18n.using("en"), pytest.raises(
        InputError, match=r"no usable incident row .*1 of other types \(butikstyveri 1\)"
    ):
        read_incidents(write(tmp_path, only_other), district)


def test_timestamps_local_offsets_and_dst(tmp_path, district):
    text = HEADER + (
        "a,2026-11-20T14:30:00,indbrud,nej,57.04,9.92\n"  # local winter time
        "b,2026-11-20T13:30:00Z,indbrud,nej,57.04,9.92\n"  # the same instant in UTC
        "c,2026-07-01T12:00:00+02:00,indbrud,nej,57.04,9.92\n"
        "d,2026-10-25T02:30:00,indbrud,nej,57.04,9.92\n"  # ambiguous: earlier (summer) reading
        "e,2026-03-29T02:30:00,indbrud,nej,57.04,9.92\n"  # in the spring gap: moved forward
    )
    t = read_incidents(write(tmp_path, text), district).gdf["time"]
    assert t.iloc[0] == t.iloc[1]
    assert t.iloc[0].utcoffset() == timedelta(hours=1)
    assert t.iloc[2].hour == 12 and t.iloc[2].utcoffset() == timedelta(hours=2)
    assert t.iloc[3].utcoffset() == timedelta(hours=2) and t.iloc[3].hour == 2
    assert t.iloc[4].utcoffset() == timedelta(hours=2) and t.iloc[4].hour == 3


def test_x_y_columns_in_utm_give_the_same_points(tmp_path, district):
    lat, lon = np.array([57.0488, 56.64306]), np.array([9.9217, 9.79029])
    x, y = to_metric(lon, lat)
    text = "id;tidspunkt;kategori;x;y\n" + "".join(
        f"p{i};2026-11-2{i} 10:00;indbrud i beboelse;{x[i]:.2f};{y[i]:.2f}\n".replace(".", ",")
        for i in range(2)
    )
    inc = read_incidents(write(tmp_path, text), district)
    assert not inc.report.bad_rows
    assert np.allclose(inc.gdf.geometry.y, lat, atol=1e-6) and np.allclose(inc.gdf.geometry.x, lon, atol=1e-6)
    assert list(inc.gdf["municipality_code"]) == ["0851", "0846"]


def test_wrong_crs_is_a_clear_error(tmp_path, district):
    swapped = HEADER + "a,2026-11-20 10:00,indbrud,nej,9.92,57.04\n"
    with pytest.raises(InputError, match="byttet om"):
        read_incidents(write(tmp_path, swapped), district)
    with i18n.using("en"), pytest.raises(InputError, match="swapped"):
        read_incidents(write(tmp_path, swapped), district)
    metres_as_degrees = HEADER + "a,2026-11-20 10:00,indbrud,nej,6322000,553000\n"
    with pytest.raises(InputError, match="projicerede meter"):
        read_incidents(write(tmp_path, metres_as_degrees), district)
    with i18n.using("en"), pytest.raises(InputError, match="projected metres"):
        read_incidents(write(tmp_path, metres_as_degrees), district)
    degrees_as_metres = "id,time,x,y\na,2026-11-20 10:00,9.92,57.04\n"
    with pytest.raises(InputError, match="ligner grader"):
        read_incidents(write(tmp_path, degrees_as_metres), district)
    with i18n.using("en"), pytest.raises(InputError, match="look like degrees"):
        read_incidents(write(tmp_path, degrees_as_metres), district)
    elsewhere = HEADER + "a,2026-11-20 10:00,indbrud,nej,48.85,2.35\n"  # Paris
    with pytest.raises(InputError, match="ligger ikke i Danmark"):
        read_incidents(write(tmp_path, elsewhere), district)
    with i18n.using("en"), pytest.raises(InputError, match="not in Denmark"):
        read_incidents(write(tmp_path, elsewhere), district)


def test_unknown_location_columns(tmp_path, district):
    path = write(tmp_path, "id,time,breddegrad_x,længde_y\na,2026-11-20 10:00,57.0,9.9\n")
    expected = r"ingen kolonner med placering.*'lat' og 'lon'.*'breddegrad_x'"
    with pytest.raises(InputError, match=expected) as err:
        read_incidents(path, district)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "tom fil"),  # nothing at all
        (HEADER, "ingen hændelser"),  # header only
        (HEADER + "a,not a time,indbrud,nej,57.04,9.92\n", "ingen brugbare hændelser"),  # only bad rows
        ("id,lat,lon\na,57.04,9.92\n", "ingen tidskolonne"),  # no time column
    ],
)
def test_files_without_usable_rows_name_the_file(tmp_path, district, text, match):
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=match) as err:
        read_incidents(path, district)
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="hændelsesfilen findes ikke"):
        read_incidents(tmp_path / "nope.csv")
    with i18n.using("en"), pytest.raises(InputError, match="not found"):
        read_incidents(tmp_path / "nope.csv")


def test_outside_district_points_are_counted_and_kept(tmp_path, district):
    text = HEADER + (
        "in,2026-11-20 10:00,indbrud,nej,57.0488,9.9217\n"  # Aalborg
        "cph1,2026-11-20 10:00,indbrud,nej,55.6761,12.5683\n"  # Copenhagen
        "cph2,2026-11-20 11:00,indbrud,nej,55.6800,12.5700\n"
        "late,2026-12-02 11:00,indbrud,nej,57.0488,9.9217\n"  # after as_of
    )
    inc = read_incidents(write(tmp_path, text), district, as_of=date(2026, 11, 29))
    assert inc.report.outside_district == 2
    assert inc.report.after_as_of == 1
    assert len(inc.gdf) == 4
    assert list(inc.gdf["in_district"]) == [True, False, False, True]
    assert list(inc.in_district["id"]) == ["in", "late"]
    assert "2 hændelse(r) ligger uden for politikreds 'Nordjyllands Politi'" in str(inc.report)
    assert inc.gdf["municipality_code"].iloc[1] == ""


def test_all_points_outside_the_district_is_an_error(tmp_path, district):
    text = HEADER + "cph,2026-11-20 10:00,indbrud,nej,55.6761,12.5683\n"
    with pytest.raises(InputError, match="ingen af de 1 brugbare hændelser ligger i politikreds"):
        read_incidents(write(tmp_path, text), district)


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_vector_file_in_another_crs_is_reprojected(tmp_path, district, suffix):
    lat, lon = np.array([57.0488, 57.46417]), np.array([9.9217, 9.98229])
    x, y = to_metric(lon, lat)
    gdf = gpd.GeoDataFrame(
        {
            "id": ["a", "b"],
            "tidspunkt": ["2026-11-20T10:00:00+01:00", "2026-11-21T22:10:00+01:00"],
            "type": ["indbrud i beboelse", "indbrud i virksomhed"],
            "forsoeg": ["ja", "nej"],
        },
        geometry=gpd.points_from_xy(x, y),
        crs="EPSG:25832",
    )
    path = tmp_path / f"inc.{suffix}"
    gdf.to_file(path, engine="pyogrio")
    inc = read_incidents(path, district)
    assert inc.report.row_label == "feature" and not inc.report.bad_rows
    assert np.allclose(inc.gdf.geometry.y, lat, atol=1e-6) and np.allclose(inc.gdf.geometry.x, lon, atol=1e-6)
    assert list(inc.gdf["attempt"]) == [True, False]
    assert list(inc.gdf["municipality_code"]) == ["0851", "0860"]
    assert inc.gdf["time"].iloc[1] == pd.Timestamp(datetime(2026, 11, 21, 22, 10), tz=TZ)


def test_vector_file_with_wrong_geometry_rows(tmp_path, district):
    lon, lat = to_lonlat(np.array([553000.0]), np.array([6322000.0]))
    gdf = gpd.GeoDataFrame(
        {"id": ["pt", "line"], "time": ["2026-11-20 10:00", "2026-11-20 11:00"]},
        geometry=[shapely.Point(lon[0], lat[0]), shapely.LineString([(9.9, 57.0), (9.95, 57.05)])],
        crs="EPSG:4326",
    )
    path = tmp_path / "mixed.geojson"
    gdf.to_file(path, engine="pyogrio")
    inc = read_incidents(path, district)
    assert [(b.row, "forventede et punkt" in b.reason) for b in inc.report.bad_rows] == [(2, True)]
    assert "objekt 2" in str(inc.report)

"""The district loader: what it returns for real districts, and how it fails on bad data.

Expected numbers are recomputed from the raw files with the standard library
(csv, json) and shapely, not taken from the loader.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, shape

from mobilstation import i18n
from mobilstation.errors import GeodataError, InputError
from mobilstation.geo import (
    District,
    Station,
    Town,
    default_data_dir,
    district_names,
    find_place,
    geometry_to_metric,
    load_district,
    municipalities_at,
    municipalities_frame,
    municipality,
    municipality_at,
    to_metric,
    to_metric_arrays,
    to_wgs84,
)

GEODATA = default_data_dir()
NJ_CODES = ["0810", "0813", "0820", "0825", "0840", "0846", "0849", "0851", "0860"]
STATION_IDS = {
    "aalborg-politigaard",
    "hjoerring",
    "frederikshavn",
    "hobro",
    "broenderslev",
    "aars",
    "aalborg-oest",
    "kaas",
    "laesoe",
}


def _csv(name: str) -> list[dict[str, str]]:
    with open(GEODATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _features(name: str) -> list[dict]:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))["features"]


@pytest.fixture
def geodata_copy(tmp_path: Path) -> Path:
    """A private, writable copy of the embedded geodata."""
    dst = tmp_path / "geodata"
    shutil.copytree(GEODATA, dst)
    return dst


def _replace_line(path: Path, line_no: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line_no - 1] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


# -- Nordjylland -------------------------------------------------------------


def test_by_name_and_number_give_the_same_district(nordjylland: District) -> None:
    assert nordjylland.number == 1
    assert nordjylland.name == "Nordjyllands Politi"
    for alias in (1, "1", "nordjyllands politi", " NORDJYLLANDS  politi ", "Nordjylland"):
        assert load_district(alias) is nordjylland  # cached: the very same object


def test_the_package_offers_load_district_at_the_top(nordjylland: District) -> None:
    import mobilstation

    assert "load_district" in mobilstation.__all__
    assert mobilstation.load_district("Nordjyllands Politi") is nordjylland
    assert mobilstation.load_district(1) is nordjylland


def test_municipalities_and_populations_match_the_csv(nordjylland: District) -> None:
    rows = {r["komkode"]: r for r in _csv("municipality_population.csv")}
    assert [m.code for m in nordjylland.municipalities] == NJ_CODES
    for m in nordjylland.municipalities:
        assert m.population == int(rows[m.code]["population"])
        assert m.name == rows[m.code]["navn"]
        assert "rn.dk" in m.population_source
    assert sum(m.population for m in nordjylland.municipalities) == 527_266
    assert municipality(nordjylland, "0820").name == "Vesthimmerland"  # not DAGI's "Vesthimmerlands"


def test_every_municipality_has_a_dated_sourced_population() -> None:
    # all 98 municipalities and Christiansø: a population, its reference date, where it was read, its licence
    codes = sorted(f["properties"]["komkode"] for f in _features("denmark_kommuner.geojson"))
    rows = _csv("municipality_population.csv")
    assert sorted(r["komkode"] for r in rows) == codes
    for r in rows:
        assert int(r["population"]) > 0, r["komkode"]
        assert r["year"] == "not stated" or date.fromisoformat(r["year"]).day == 1, r["komkode"]
        assert r["source"].strip() and "Danmarks Statistik" in r["licence"], r["komkode"]
    assert all(m.population for n in range(1, 13) for m in load_district(n).municipalities)


def test_municipalities_are_those_of_politikreds_1_in_the_raw_file(nordjylland: District) -> None:
    raw = sorted(
        f["properties"]["komkode"]
        for f in _features("denmark_kommuner.geojson")
        if f["properties"]["politikreds_nr"] == 1
    )
    assert raw == NJ_CODES
    # the outline is the union of the municipalities and matches the police district polygon
    police = next(
        shape(f["geometry"]) for f in _features("denmark_politikredse.geojson") if f["properties"]["nr"] == 1
    )
    a = geometry_to_metric(nordjylland.geometry)
    b = geometry_to_metric(police)
    assert a.symmetric_difference(b).area < 0.001 * b.area


def test_towns_exclude_the_copied_svenstrup_and_add_laesoe(nordjylland: District) -> None:
    ids = {t.id for t in nordjylland.towns}
    assert len(nordjylland.towns) >= 60
    assert "geonames:2612021" in ids  # Svenstrup, Aalborg: the real town
    assert "geonames:2612022" not in ids  # Svenstrup, Mariagerfjord: population copied
    laesoe = next(m for m in nordjylland.municipalities if m.code == "0825")
    for name in ("Byrum", "Vesterø Havn", "Østerby Havn"):
        town = find_place(nordjylland, name)
        assert isinstance(town, Town)
        assert town.municipality_code == "0825"
        assert laesoe.geometry.contains(Point(town.lon, town.lat)), name
    # recount independently: GeoNames rows of district 1, minus exclusions, plus extras in the district
    excluded = {r["geonameid"] for r in _csv("excluded_towns.csv")}
    geonames = [
        r for r in _csv("denmark_towns.csv") if r["komkode"] in NJ_CODES and r["geonameid"] not in excluded
    ]
    extras = [r for r in _csv("extra_places.csv") if r["komkode"] in NJ_CODES]
    assert len(nordjylland.towns) == len(geonames) + len(extras)
    assert len({t.id for t in nordjylland.towns}) == len(nordjylland.towns)


def test_stations(nordjylland: District) -> None:
    assert {s.id for s in nordjylland.stations} == STATION_IDS
    by_code = {m.code: m.geometry for m in nordjylland.municipalities}
    for s in nordjylland.stations:
        assert by_code[s.municipality_code].contains(Point(s.lon, s.lat)), s.id
    laesoe = find_place(nordjylland, "laesoe")
    assert isinstance(laesoe, Station) and laesoe.name == "Politikontor Læsø"
    assert find_place(nordjylland, "Nærpolitistation Brønderslev").id == "broenderslev"


def test_postal_districts_are_those_mainly_in_the_district(nordjylland: District) -> None:
    raw = {
        f["properties"]["postnr"]
        for f in _features("denmark_postnumre.geojson")
        if f["properties"]["komkode"] in NJ_CODES
    }
    assert {p.postnr for p in nordjylland.postal_districts} == raw
    assert len(raw) == 61  # as geodata-sources/README.md reports


def test_laesoe_ferry_and_fixed_links(nordjylland: District) -> None:
    links = {lk.id: lk for lk in nordjylland.links}
    ferry = links["laesoefaergen"]
    assert ferry.is_ferry and ferry.crossing_min == 90 and ferry.wait_min > 0
    assert ferry.departures_a == () and ferry.departures_b == ()  # timetable unknown
    assert municipality_at(nordjylland, ferry.a_lat, ferry.a_lon) == "0813"
    assert municipality_at(nordjylland, ferry.b_lat, ferry.b_lon) == "0825"
    assert {"limfjordsbroen", "limfjordstunnelen", "aggersundbroen", "hals-egense", "hadsundbroen"} <= set(
        links
    )
    assert not links["limfjordsbroen"].is_ferry
    # every end lies on a municipality polygon, and each Limfjord crossing joins two land masses
    land = shapely.union_all([m.geometry for m in nordjylland.municipalities])
    parts = list(land.geoms)

    def part(lat: float, lon: float) -> int:
        return next(i for i, g in enumerate(parts) if g.contains(Point(lon, lat)))

    for lk in nordjylland.links:
        pa, pb = part(lk.a_lat, lk.a_lon), part(lk.b_lat, lk.b_lon)
        if lk.id != "hadsundbroen":  # Mariager Fjord ends at Hobro: both ends on one land mass
            assert pa != pb, lk.id
        assert lk.crossing_min >= 1 and lk.source


def test_another_district_loads_with_its_stations_links_and_populations() -> None:
    names = district_names()
    assert names[6] == "Fyns Politi"
    fyn = load_district("Fyns Politi")
    assert fyn.number == 6 and load_district("fyn") is fyn
    raw = {
        f["properties"]["komkode"]
        for f in _features("denmark_kommuner.geojson")
        if f["properties"]["politikreds_nr"] == 6
    }
    assert {m.code for m in fyn.municipalities} == raw and "0461" in raw  # Odense
    assert all(m.population and m.population > 0 for m in fyn.municipalities)
    assert {m.code: m.population for m in fyn.municipalities}["0492"] == 6008  # Ærø, 1 Jan 2023
    assert {s.id for s in fyn.stations} >= {"odense", "svendborg", "aeroe"}
    assert {lk.id for lk in fyn.links} >= {"svendborgsundbroen", "langelandsbroen", "aeroefaergen-svendborg"}
    # Lillebælt and Storebælt join two districts: neither plans over them
    assert not {lk.id for lk in fyn.links} & {"ny-lillebaeltsbro", "storebaeltsbroen"}
    assert {t.municipality_code for t in fyn.towns} <= raw and len(fyn.towns) > 0


# -- lookups -----------------------------------------------------------------


def test_municipality_at_tolerates_the_generalised_coast(nordjylland: District) -> None:
    harbour = (57.4365, 10.5450)  # Frederikshavn harbour basin: water on the 1:500,000 map
    assert municipality_at(nordjylland, *harbour) == "0813"
    assert municipality_at(nordjylland, *harbour, tolerance_m=0) is None
    assert municipality_at(nordjylland, 56.95, 8.70) is None  # Thisted: another district
    assert municipality_at(nordjylland, 57.0, 12.0) is None  # Kattegat
    codes = municipalities_at(nordjylland, [57.048, 57.46417, 55.4], [9.9187, 9.98229, 10.4])
    assert codes == ["0851", "0860", None]


def test_lookup_errors_suggest_the_right_name(nordjylland: District) -> None:
    with pytest.raises(GeodataError, match="mente du 'Hjørring'"):
        find_place(nordjylland, "Hjøring")
    with pytest.raises(GeodataError, match="mente du 'Vesthimmerland'"):
        municipality(nordjylland, "Vesthimerland")
    assert municipality(nordjylland, 851).name == "Aalborg"
    assert municipality(nordjylland, "læsø").code == "0825"


def test_municipalities_frame(nordjylland: District) -> None:
    frame = municipalities_frame(nordjylland)
    assert list(frame.columns) == ["code", "name", "population", "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert int(frame["population"].sum()) == 527_266
    fyn = municipalities_frame(load_district(6))
    assert not fyn["population"].isna().any()
    vestegn = municipalities_frame(load_district(10))
    assert vestegn.set_index("code")["population"]["0175"] == 42_563  # Rødovre, 1 January 2023


def test_projection_round_trip_and_distance() -> None:
    x, y = to_metric(57.048, 9.9187)  # Aalborg
    assert 550_000 < x < 570_000 and 6_320_000 < y < 6_330_000
    lat, lon = to_wgs84(x, y)
    assert abs(lat - 57.048) < 1e-9 and abs(lon - 9.9187) < 1e-9
    xs, ys = to_metric_arrays([57.048, 57.46417], [9.9187, 9.98229])
    geodesic = Geod(ellps="GRS80").inv(9.9187, 57.048, 9.98229, 57.46417)[2]
    assert abs(float(np.hypot(xs[1] - xs[0], ys[1] - ys[0])) - geodesic) < 0.001 * geodesic


# -- bad input ---------------------------------------------------------------


def test_unknown_district_names_the_valid_ones() -> None:
    with pytest.raises(GeodataError, match="mente du 'Nordjyllands Politi'") as err:
        load_district("Nordjyland Politi")
    assert "Fyns Politi" in str(err.value) and isinstance(err.value, InputError)
    with pytest.raises(GeodataError, match="er tvetydig"):
        load_district("Midt")
    with pytest.raises(GeodataError, match="ingen politikreds med nummer 99"):
        load_district(99)
    with i18n.using("en"):
        with pytest.raises(GeodataError, match="did you mean 'Nordjyllands Politi'"):
            load_district("Nordjyland Politi")
        with pytest.raises(GeodataError, match="ambiguous"):
            load_district("Midt")
        with pytest.raises(GeodataError, match="number 99"):
            load_district(99)


def test_missing_file_is_named(geodata_copy: Path) -> None:
    (geodata_copy / "links.csv").unlink()
    with pytest.raises(GeodataError, match=r"links\.csv: filen findes ikke \(forventede CSV med broer"):
        load_district(1, data_dir=geodata_copy)
    with i18n.using("en"), pytest.raises(GeodataError, match=r"links\.csv: file not found \(expected CSV of"):
        load_district(1, data_dir=geodata_copy)


def test_corrupt_geojson_is_named(geodata_copy: Path) -> None:
    path = geodata_copy / "denmark_kommuner.geojson"
    path.write_text(path.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(GeodataError, match=r"denmark_kommuner\.geojson: ikke gyldig JSON \(linje \d+"):
        load_district(1, data_dir=geodata_copy)
    with i18n.using("en"), pytest.raises(GeodataError, match=r"denmark_kommuner\.geojson: not valid JSON"):
        load_district(1, data_dir=geodata_copy)


def test_corrupt_csv_names_file_line_and_field(geodata_copy: Path) -> None:
    path = geodata_copy / "denmark_towns.csv"
    _replace_line(path, 3, "2610802,Valby,fifty-five,12.51388,46161,0101,11,København,within,,17")
    with pytest.raises(
        GeodataError, match=r"denmark_towns\.csv: linje 3: feltet 'lat' = 'fifty-five' er ikke et tal"
    ):
        load_district(1, data_dir=geodata_copy)
    with i18n.using("en"), pytest.raises(
        GeodataError, match=r"denmark_towns\.csv: line 3: field 'lat' = 'fifty-five' is not a number"
    ):
        load_district(1, data_dir=geodata_copy)


def test_station_outside_every_municipality_is_named(geodata_copy: Path) -> None:
    path = geodata_copy / "nordjylland_police_stations.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, r in enumerate(rows, start=1) if r.startswith("laesoe,"))
    _replace_line(path, line, "laesoe,Politikontor Læsø,,0825,57.0,12.0,politikontor,test,")  # Kattegat
    with pytest.raises(GeodataError) as err:
        load_district(1, data_dir=geodata_copy)
    msg = str(err.value)
    assert "nordjylland_police_stations.csv" in msg and f"linje {line}" in msg
    assert "station 'laesoe'" in msg and "uden for alle kommuner" in msg


def test_link_end_in_the_sea_is_named(geodata_copy: Path) -> None:
    path = geodata_copy / "links.csv"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("sea,Sea ferry,ferry,Nowhere,57.0,12.0,Aalborg,57.048,9.9187,10,0,08:00 12:30,,0,test\n")
    n = len(path.read_text(encoding="utf-8").splitlines())
    danish = rf"links\.csv: linje {n}: ende a 'Nowhere' .* ligger ikke på land"
    with pytest.raises(GeodataError, match=danish):
        load_district(1, data_dir=geodata_copy)
    english = rf"links\.csv: line {n}: end a 'Nowhere' .* is not on land"
    with i18n.using("en"), pytest.raises(GeodataError, match=english):
        load_district(1, data_dir=geodata_copy)


def test_timetable_and_cache_invalidation(geodata_copy: Path) -> None:
    first = load_district(1, data_dir=geodata_copy)
    assert load_district(1, data_dir=geodata_copy) is first
    path = geodata_copy / "links.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace(",90,30,,,36114,", ",90,30,07:50 11:30,06:00 09:40,36114,")
    path.write_text(text, encoding="utf-8")
    second = load_district(1, data_dir=geodata_copy)
    assert second is not first
    ferry = next(lk for lk in second.links if lk.id == "laesoefaergen")
    assert ferry.departures_a == (7 * 60 + 50, 11 * 60 + 30)
    assert ferry.departures_b == (6 * 60, 9 * 60 + 40)
    path.write_text(text.replace("07:50 11:30", "7.50"), encoding="utf-8")
    with pytest.raises(GeodataError, match=r"departures_a': '7\.50' er ikke et klokkeslæt TT:MM"):
        load_district(1, data_dir=geodata_copy)


def test_town_with_wrong_komkode_is_named(geodata_copy: Path) -> None:
    path = geodata_copy / "extra_places.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("true,0825,", "true,0851,"), encoding="utf-8")  # Østerby Havn "in Aalborg"
    with pytest.raises(
        GeodataError, match=r"extra_places\.csv: linje 4: sted 'Østerby Havn' .* ligger i 0825 Læsø"
    ):
        load_district(1, data_dir=geodata_copy)

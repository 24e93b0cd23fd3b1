"""Every file written by ``write_outputs``, read back and compared to the plan record.

Each output is parsed with an independent reader (pandas, openpyxl,
icalendar, pyogrio) and its contents recomputed from ``plan.json``; writing
is all-or-nothing.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, time
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pyogrio
import pytest
from fixtures.small_plan import FERRY, small_plan
from icalendar import Calendar
from plan_checker import check_plan
from shapely.geometry import Point, box
from shapely.ops import unary_union

import mobilstation.outputs.write as write_module
from mobilstation import i18n
from mobilstation.errors import InputError
from mobilstation.geo.model import District, Municipality
from mobilstation.outputs import write_outputs
from mobilstation.outputs.calendars import calendar_file_names, officer_calendar, vehicle_calendar
from mobilstation.outputs.gpkg import LAYERS, write_gpkg
from mobilstation.outputs.labels import REASON_NAMES
from mobilstation.outputs.plan_json import read_plan, write_plan_json
from mobilstation.outputs.tables import kpis_json, read_table
from mobilstation.outputs.xlsx import (
    ABOUT_SHEET,
    ANALYSIS_SHEET,
    MUNICIPALITIES_SHEET,
    safe_title,
    sheet_titles,
)
from mobilstation.plan import PlanRecord

# Rough centres (lat, lon) of the fixture's municipalities: boxes around them stand in for outlines.
CENTRES = {
    "0810": (57.27, 10.00),
    "0813": (57.44, 10.54),
    "0820": (56.80, 9.40),
    "0825": (57.27, 11.00),
    "0840": (56.83, 9.83),
    "0846": (56.65, 9.98),
    "0849": (57.13, 9.40),
    "0851": (57.05, 9.92),
    "0860": (57.46, 9.98),
}


def hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def box_district(plan: PlanRecord) -> District:
    munis = tuple(
        Municipality(
            code=m.code,
            name=m.name,
            population=m.population,
            geometry=box(
                CENTRES[m.code][1] - 0.1,
                CENTRES[m.code][0] - 0.1,
                CENTRES[m.code][1] + 0.1,
                CENTRES[m.code][0] + 0.1,
            ),
        )
        for m in plan.municipalities
    )
    return District(
        number=1,
        name="Testkreds",
        municipalities=munis,
        towns=(),
        stations=(),
        postal_districts=(),
        links=(),
        geometry=unary_union([m.geometry for m in munis]),
    )


@pytest.fixture(scope="module")
def plan() -> PlanRecord:
    p = small_plan()
    assert check_plan(p) == []
    return p


@pytest.fixture(scope="module")
def out(plan: PlanRecord, tmp_path_factory: pytest.TempPathFactory) -> Path:
    steps: list[str] = []
    target = tmp_path_factory.mktemp("outputs") / "uge-50"
    result = write_outputs(plan, target, maps=True, district=box_district(plan), progress=steps.append)
    assert result == target.resolve()
    assert steps[0].endswith(" plan.json") and any(s.endswith(" plan.gpkg") for s in steps)
    return result


def all_stops(plan: PlanRecord):
    return [(r, s) for r in plan.routes for s in r.stops]


# -- the directory --------------------------------------------------------------------------------


def test_every_output_is_there(plan: PlanRecord, out: Path) -> None:
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    expected = {
        "plan.json",
        "visits.csv",
        "crews.csv",
        "hours.csv",
        "kpis.json",
        "schedule.xlsx",
        "plan.gpkg",
    }
    expected |= {f"calendars/{v.id}.ics" for v in plan.vehicles}
    expected |= {f"calendars/betjent-{o.id}.ics" for o in plan.officers}
    expected |= {"map.html", "index.html", "maps/laesoe.html", "maps/hjoerring.html"}
    assert expected <= names
    assert not [n for n in names if n.endswith(".tmp") or "/." in n or n.startswith(".")]


def test_plan_json_round_trips_in_utf8(plan: PlanRecord, out: Path) -> None:
    raw = (out / "plan.json").read_bytes()
    back = PlanRecord.read(out)
    assert back.model_copy(update={"calendar": None}) == plan
    assert back.calendar is not None and back.calendar.events  # what the next revision's calendars need
    text = raw.decode("utf-8")
    assert "Læsø" in text and "Hjørring" in text and "\\u00f8" not in text
    assert list(json.loads(text))[:4] == ["schema_version", "generated_at", "timezone", "scenario"]
    assert json.loads(text)["routes"][0]["return"] == plan.routes[0].return_


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_dialect_is_danish_excel(out: Path) -> None:
    raw = (out / "visits.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].decode("utf-8").splitlines()[0]
    assert header.split(";")[:5] == ["køretøj", "rute", "dato", "ugedag", "nr"]
    assert ";0,75;" in raw.decode("utf-8-sig")  # Aalborg Øst's score with a decimal comma


def test_visits_csv_matches_stops(plan: PlanRecord, out: Path) -> None:
    df = read_table(out / "visits.csv")
    stops = all_stops(plan)
    assert len(df) == len(stops)
    rows = {(r["rute"], int(r["nr"])): r for _, r in df.iterrows()}
    assert set(rows) == {(r.id, s.seq) for r, s in stops}
    for route, stop in stops:
        row = rows[(route.id, stop.seq)]
        site = plan.site(stop.site_id)
        assert row["sted_id"] == site.id and row["sted"] == site.name
        assert (row["ankomst"], row["start"], row["slut"]) == (hm(stop.arrival), hm(stop.start), hm(stop.end))
        assert row["start"] == stop.start_iso[11:16] and row["dato"] == route.date
        assert row["kommunekode"] == site.municipality_code  # leading zero kept
        assert row["score"] == pytest.approx(site.score)
        assert row["bredde"] == pytest.approx(site.lat) and row["længde"] == pytest.approx(site.lon)
        assert row["syntetisk"] == ("ja" if site.synthetic else "nej")
        assert row["varighed_min"] == stop.end - stop.start
    byrum = df[df["sted_id"] == "byrum"].iloc[0]
    assert (byrum["kommune"], byrum["type"], byrum["ugedag"]) == ("Læsø", "by", "mandag")
    kinds = set(df["type"])
    assert kinds == {"by", "yderområde", "boligområde (indbrud)", "borgerhenvendelse"}


def test_crews_csv_matches_crews(plan: PlanRecord, out: Path) -> None:
    df = read_table(out / "crews.csv")
    expected = {(r.id, oid) for r in plan.routes for oid in r.crew}
    assert len(df) == len(expected)
    assert set(zip(df["rute"], df["betjent_id"], strict=True)) == expected
    row = df[(df["rute"] == "mobil-2-2026-12-07") & (df["betjent_id"] == "hjo-01")].iloc[0]
    route = next(r for r in plan.routes if r.id == "mobil-2-2026-12-07")
    assert (row["afgang"], row["hjemkomst"], row["betjent"]) == (
        hm(route.departure),
        hm(route.return_),
        "Søren Kjær",
    )
    assert row["kompetencer"] == "færdselskontrol" and row["stop"] == len(route.stops)
    stations = {s.id: s.name for s in plan.stations}
    assert row["hjemstation"] == stations[route.depot_id] and row["hjemstation_id"] == route.depot_id


def test_hours_csv_sums_to_plan_hours(plan: PlanRecord, out: Path) -> None:
    df = read_table(out / "hours.csv")
    assert len(df) == len(plan.hours)
    assert df["minutter"].sum() == sum(h.minutes for h in plan.hours)
    assert df["timer"].sum() == pytest.approx(sum(h.minutes for h in plan.hours) / 60)
    assert df["blokke"].sum() == sum(h.blocks for h in plan.hours)
    by_mun = df.groupby("kommunekode")["minutter"].sum().to_dict()
    assert by_mun == {"0851": 120, "0860": 60}


def test_kpis_json_is_plan_kpis_plus_identification(plan: PlanRecord, out: Path) -> None:
    data = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    for key, value in plan.kpis.items():
        assert data[key] == value, key
    assert data["scenario"] == "nordjylland-lille" and data["iso_week"] == "2026-W50"
    assert data["travel_model"] == "estimated" and data["travel_estimated"] is True
    assert data["synthetic_inputs"] == ["incidents"] and data["generated_at"] == plan.generated_at
    assert data["by_municipality"]["0825"]["name"] == "Læsø"
    assert data == kpis_json(plan)


# -- workbook -------------------------------------------------------------------------------------


def _d(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _t(minute: int) -> time:
    return time(minute // 60, minute % 60)


def test_schedule_xlsx_sheets_and_rows(plan: PlanRecord, out: Path) -> None:
    wb = openpyxl.load_workbook(out / "schedule.xlsx")
    titles = sheet_titles(plan)
    assert set(titles.values()) <= set(wb.sheetnames)
    for title in wb.sheetnames:
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
        ws = wb[title]
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 5
    for v in plan.vehicles:
        ws = wb[titles[("vehicle", v.id)]]
        header = [c.value for c in ws[1]]
        assert header[:9] == [
            "Dato",
            "Ugedag",
            "Stop nr.",
            "Ankomst",
            "Start",
            "Slut",
            "Sted",
            "Type",
            "Kommune",
        ]
        assert "Score" not in header and "Opgave / borgerens note" in header
        body = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        stops = [
            (r, s) for r in sorted(plan.routes, key=lambda r: r.date) if r.vehicle_id == v.id for s in r.stops
        ]
        assert len(body) == len(stops)
        for row, (route, stop) in zip(body, stops, strict=True):
            assert row[0] == _d(route.date) and row[2] == stop.seq
            assert (row[4], row[5]) == (_t(stop.start), _t(stop.end))
            assert row[6] == plan.site(stop.site_id).name
            assert (row[13], row[14]) == (plan.site(stop.site_id).lat, plan.site(stop.site_id).lon)
    summary = wb[MUNICIPALITIES_SHEET]
    assert summary.max_row - 1 == len(plan.municipalities)
    sums = {r[0]: r for r in summary.iter_rows(min_row=2, values_only=True)}
    assert sums["0825"][1] == "Læsø" and sums["0825"][3] == 1 and sums["0825"][-1] == "ja"
    assert sums["0851"][7] == pytest.approx(4.75)  # 2.75 mobile + 2 patrol hours
    for m in plan.municipalities:
        ws = wb[titles[("municipality", m.code)]]
        visits = sum(1 for _, s in all_stops(plan) if plan.site(s.site_id).municipality_code == m.code)
        patrols = sum(1 for h in plan.hours if h.municipality_code == m.code)
        assert ws.max_row - 1 == visits + patrols, m.name
    for o in plan.officers:
        ws = wb[titles[("officer", o.id)]]
        body = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(body) == len(o.shifts)
        for row, shift in zip(body, sorted(o.shifts, key=lambda s: (s.date, s.start)), strict=True):
            assert (row[0], row[3], row[4]) == (_d(shift.date), _t(shift.start), _t(shift.end))
    assert "Kommune Hjørring" in wb.sheetnames
    about = dict(wb[ABOUT_SHEET].iter_rows(min_row=2, values_only=True))
    assert about["syntetiske data"] == "indbrudsdata (hændelser)"  # plan.synthetic_inputs, in Danish
    assert about["uge"] == plan.scenario.iso_week
    unvisited = wb["Ikke besøgt"]
    assert {r[0] for r in unvisited.iter_rows(min_row=2, values_only=True)} == {
        u.site_id for u in plan.unvisited
    }


def test_schedule_xlsx_dates_times_and_print_setup(plan: PlanRecord, out: Path) -> None:
    """Dates are Excel dates, times Excel times, codes text; every sheet prints one page wide."""
    wb = openpyxl.load_workbook(out / "schedule.xlsx")
    vehicle = wb[sheet_titles(plan)[("vehicle", plan.routes[0].vehicle_id)]]
    first = next(vehicle.iter_rows(min_row=2, max_row=2))
    assert (
        isinstance(first[0].value, datetime) and first[0].is_date and first[0].number_format == "dd-mm-yyyy"
    )
    for c in first[3:6] + first[10:12]:
        assert isinstance(c.value, time) and c.is_date and c.number_format == "hh:mm", c.coordinate
    codes = [r[0] for r in wb[MUNICIPALITIES_SHEET].iter_rows(min_row=2)]
    assert {c.value for c in codes} == {m.code for m in plan.municipalities} and all(
        c.data_type == "s" for c in codes
    )
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert "uge 50 2026" in ws.oddHeader.left.text and ws.oddHeader.right.text == "&A"
        assert ws.oddFooter.right.text == "Side &P af &N"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    analysis = wb[ANALYSIS_SHEET]
    header = [c.value for c in analysis[1]]
    assert header[:6] == ["Sted-id", "Sted", "Type", "Kommune", "Besøgt", "Score"]
    rows = {r[0]: r for r in analysis.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {s.id for s in plan.sites}
    for s in plan.sites:
        assert sum(v for v in rows[s.id][6:] if v) == pytest.approx(s.score, abs=1e-6)


# -- calendars ------------------------------------------------------------------------------------


def _events(path: Path) -> tuple[Calendar, list]:
    cal = Calendar.from_ical(path.read_bytes())
    return cal, [c for c in cal.walk("VEVENT")]


def test_vehicle_calendars_have_one_event_per_stop(plan: PlanRecord, out: Path) -> None:
    names = calendar_file_names(plan)
    for v in plan.vehicles:
        cal, events = _events(out / "calendars" / names[("vehicle", v.id)])
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
        stops = {
            f"{v.id}/{r.date}/{s.site_id}@mobilstation": (r, s)
            for r in plan.routes
            if r.vehicle_id == v.id
            for s in r.stops
        }
        assert len(events) == len(stops)
        assert {str(e["UID"]) for e in events} == set(stops)
        for e in events:
            _, stop = stops[str(e["UID"])]
            site = plan.site(stop.site_id)
            assert e["DTSTART"].params["TZID"] == "Europe/Copenhagen"
            assert e.decoded("DTSTART") == datetime.fromisoformat(stop.start_iso)
            assert e.decoded("DTEND") == datetime.fromisoformat(stop.end_iso)
            assert str(e["SUMMARY"]).endswith(f", {site.name}") and ":" not in str(e["SUMMARY"])
            assert site.name in str(e["LOCATION"])
            assert (e["GEO"].latitude, e["GEO"].longitude) == pytest.approx((site.lat, site.lon))
            assert e.decoded("DTSTAMP") == datetime.fromisoformat(plan.generated_at)
    _, events = _events(out / "calendars" / names[("vehicle", "mobil-2")])
    byrum = next(e for e in events if str(e["SUMMARY"]) == "Åben mobil politistation, Byrum (Læsø)")
    description = str(byrum["DESCRIPTION"])
    assert FERRY.name in description and "Søren Kjær" in description and "Læsø Kommune" in description
    assert "mandag 7/12 kl. 12:21" in description and "Score" not in description


def test_officer_calendars_have_one_event_per_shift(plan: PlanRecord, out: Path) -> None:
    names = calendar_file_names(plan)
    for o in plan.officers:
        _, events = _events(out / "calendars" / names[("officer", o.id)])
        # a mobile shift is one event; a patrol shift one event per area, of the area's minutes
        mobile = [s for s in o.shifts if s.duty == "mobile"]
        patrol = [h for h in plan.hours if h.officer_id == o.id]
        assert len(events) == len(mobile) + len(patrol)
        got = sorted(
            (e.decoded("DTSTART"), e.decoded("DTEND")) for e in events if "Patrulje" not in str(e["SUMMARY"])
        )
        expected = sorted(
            (
                datetime.fromisoformat(f"{s.date}T{hm(s.start)}:00+01:00"),
                datetime.fromisoformat(f"{s.date}T{hm(s.end)}:00+01:00"),
            )
            for s in mobile
        )
        assert got == expected
        lengths = sorted(
            (e.decoded("DTEND") - e.decoded("DTSTART")).total_seconds() / 60
            for e in events
            if "Patrulje" in str(e["SUMMARY"])
        )
        assert lengths == sorted(h.minutes for h in patrol)
        assert all(e["DTSTART"].params["TZID"] == "Europe/Copenhagen" for e in events)
    _, events = _events(out / "calendars" / names[("officer", "aal-02")])
    assert any(str(e["SUMMARY"]) == "Patrulje, Aalborg Øst" for e in events)


def test_calendars_are_deterministic(plan: PlanRecord, out: Path) -> None:
    assert vehicle_calendar(plan, "mobil-2") == vehicle_calendar(small_plan(), "mobil-2")
    assert officer_calendar(plan, "hjo-01") == (out / "calendars" / "betjent-hjo-01.ics").read_bytes()


# -- GeoPackage -----------------------------------------------------------------------------------


def test_gpkg_layers_and_counts(plan: PlanRecord, out: Path) -> None:
    layers = dict(pyogrio.list_layers(out / "plan.gpkg"))
    assert layers == {
        "stops": "Point",
        "routes": "LineString",
        "unvisited": "Point",
        "stations": "Point",
        "links": "LineString",
        "patrol_hours": "Point",
        "hotspots": "Unknown",
        "municipalities": "Polygon",
        "layer_styles": None,
    }
    stops = pyogrio.read_dataframe(out / "plan.gpkg", layer="stops")
    routes = pyogrio.read_dataframe(out / "plan.gpkg", layer="routes")
    hotspots = pyogrio.read_dataframe(out / "plan.gpkg", layer="hotspots")
    munis = pyogrio.read_dataframe(out / "plan.gpkg", layer="municipalities")
    assert len(stops) == len(all_stops(plan)) and len(routes) == len(plan.routes)
    assert len(hotspots) == len(plan.hotspots) and len(munis) == len(plan.municipalities)
    for frame in (stops, routes, hotspots, munis):
        assert frame.crs.to_epsg() == 4326
    assert set(munis["kommune"]) >= {"Læsø", "Hjørring", "Brønderslev"}
    for _, row in stops.iterrows():
        site = plan.site(row["sted_id"])
        assert (row.geometry.x, row.geometry.y) == pytest.approx((site.lon, site.lat))
    ferry_route = routes[routes["rute"] == "mobil-2-2026-12-07"].iloc[0]
    coords = list(ferry_route.geometry.coords)
    depot = (9.98229, 57.46417)
    assert coords[0] == pytest.approx(depot) and coords[-1] == pytest.approx(depot)
    assert (FERRY.a[1], FERRY.a[0]) in [pytest.approx(c) for c in coords]  # drawn via Frederikshavn port
    assert ferry_route["færge"] == "ja"
    laesoe = munis[munis["kommunekode"] == "0825"].iloc[0]
    assert laesoe["besøg"] == 1 and laesoe["krav_opfyldt"] == "ja" and laesoe.geometry is not None
    info = pyogrio.read_info(out / "plan.gpkg", layer="routes")
    assert "ikke vejforløb" in info["layer_metadata"]["DESCRIPTION"]


def test_gpkg_layers_for_qgis_typed_and_styled(plan: PlanRecord, out: Path) -> None:
    """Unvisited sites, stations, links and patrol hours as layers; dates typed; default QGIS styles."""
    path = out / "plan.gpkg"
    with sqlite3.connect(path) as db:

        def types(table: str) -> dict[str, str]:
            return {r[1]: r[2] for r in db.execute(f'PRAGMA table_info("{table}")')}

        assert types("stops")["dato"] == "DATE" and types("routes")["dato"] == "DATE"
        assert {types("stops")[c] for c in ("ankomst", "start", "slut")} == {"DATETIME"}
        assert types("routes")["afgang"] == "DATETIME" and types("stops")["kommunekode"] == "TEXT"
        styles = {
            r[0]: (r[1], r[2])
            for r in db.execute("SELECT f_table_name, styleQML, useAsDefault FROM layer_styles")
        }
        contents = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}
    assert set(styles) == set(LAYERS) and all(default for _, default in styles.values())
    assert "layer_styles" in contents
    for name, (qml, _) in styles.items():
        root = ElementTree.fromstring(qml.split(">", 1)[1])  # after the DOCTYPE
        assert root.tag == "qgis" and root.find("renderer-v2") is not None, name
    routes_style = ElementTree.fromstring(styles["routes"][0].split(">", 1)[1]).find("renderer-v2")
    assert routes_style.get("type") == "categorizedSymbol" and routes_style.get("attr") == "ugedag"
    assert [c.get("value") for c in routes_style.iter("category")][:2] == ["mandag", "tirsdag"]
    stops = pyogrio.read_dataframe(path, layer="stops")
    first = min(all_stops(plan), key=lambda rs: (rs[0].vehicle_id, rs[0].date, rs[1].seq))
    row = stops[(stops["rute"] == first[0].id) & (stops["nr"] == first[1].seq)].iloc[0]
    assert row["dato"] == pd.Timestamp(first[0].date)
    assert row["start"] == pd.Timestamp(first[1].start_iso[:16])  # local wall-clock time
    unvisited = pyogrio.read_dataframe(path, layer="unvisited")
    assert set(unvisited["sted_id"]) == {u.site_id for u in plan.unvisited}
    assert all(unvisited["forklaring"].str.len() > 0) and set(unvisited["årsag"]) <= set(
        REASON_NAMES.values()
    )
    stations = pyogrio.read_dataframe(path, layer="stations")
    assert set(stations["navn"]) == {s.name for s in plan.stations}
    links = pyogrio.read_dataframe(path, layer="links")
    assert list(links["id"]) == [lk.id for lk in plan.links]
    patrol = pyogrio.read_dataframe(path, layer="patrol_hours")
    assert patrol["minutter"].sum() == sum(h.minutes for h in plan.hours)
    assert set(patrol["område_id"]) == {h.area_id for h in plan.hours}


def test_gpkg_without_district_has_attribute_only_municipalities(plan: PlanRecord, tmp_path: Path) -> None:
    path = write_gpkg(plan, tmp_path / "plan.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert layers["municipalities"] is None
    assert len(pyogrio.read_dataframe(path, layer="municipalities", read_geometry=False)) == 9
    assert [p.name for p in tmp_path.iterdir()] == ["plan.gpkg"]


# -- maps -----------------------------------------------------------------------------------------


def test_maps_are_written_with_the_rest(plan: PlanRecord, out: Path) -> None:
    assert "Læsø" in (out / "maps" / "laesoe.html").read_text(encoding="utf-8")
    assert (out / "index.html").stat().st_size > 0


# -- all or nothing -------------------------------------------------------------------------------


def _boom(*args, **kwargs):
    raise RuntimeError("disk full (simulated)")


@pytest.mark.parametrize("writer", ["write_schedule_xlsx", "write_calendars", "write_gpkg"])
def test_failure_midway_leaves_no_directory(
    plan: PlanRecord, tmp_path: Path, monkeypatch, writer: str
) -> None:
    monkeypatch.setattr(write_module, writer, _boom)
    target = tmp_path / "ny"
    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs(plan, target, maps=False, district=box_district(plan))
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_previous_output_intact(plan: PlanRecord, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "uge"
    write_outputs(plan, target, maps=False, district=box_district(plan))
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    changed = plan.model_copy(deep=True)
    changed.scenario.name = "ændret"
    monkeypatch.setattr(write_module, "write_calendars", _boom)
    with pytest.raises(RuntimeError):
        write_outputs(changed, target, maps=False, district=box_district(plan))
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["uge"]


def test_rewrite_replaces_the_whole_directory(plan: PlanRecord, tmp_path: Path) -> None:
    target = tmp_path / "uge"
    write_outputs(plan, target, maps=False, district=box_district(plan))
    (target / "stale.txt").write_text("fra en tidligere kørsel", encoding="utf-8")
    changed = plan.model_copy(deep=True)
    changed.scenario.name = "ændret"
    write_outputs(changed, target, maps=False, district=box_district(plan))
    assert not (target / "stale.txt").exists()
    assert PlanRecord.read(target).scenario.name == "ændret"
    assert [p.name for p in tmp_path.iterdir()] == ["uge"]


def test_plan_without_routes_still_writes(plan: PlanRecord, tmp_path: Path) -> None:
    empty = plan.model_copy(deep=True)
    empty.routes, empty.hours, empty.hotspots = [], [], []
    for o in empty.officers:
        o.shifts = []
    out = write_outputs(empty, tmp_path / "tom", maps=False, district=box_district(plan))
    assert len(read_table(out / "visits.csv")) == 0 and len(read_table(out / "crews.csv")) == 0
    assert len(pyogrio.read_dataframe(out / "plan.gpkg", layer="stops")) == 0
    _, events = _events(out / "calendars" / "mobil-1.ics")
    assert events == []
    wb = openpyxl.load_workbook(out / "schedule.xlsx")
    assert wb[sheet_titles(empty)[("vehicle", "mobil-1")]].max_row == 1


# -- readers and names ----------------------------------------------------------------------------


def test_read_plan_names_the_file_on_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope.*ingen plan.json"):
        read_plan(tmp_path / "nope" / "plan.json")
    with i18n.using("en"), pytest.raises(InputError, match=r"nope.*no plan.json found"):
        read_plan(tmp_path / "nope" / "plan.json")
    bad = tmp_path / "plan.json"
    bad.write_text('{"schema_version": "1", "generated_at": 5}', encoding="utf-8")
    with pytest.raises(InputError, match=r"plan.json: ikke en gyldig plan.json"):
        read_plan(tmp_path)


def test_write_plan_json_is_byte_stable(plan: PlanRecord, tmp_path: Path) -> None:
    a = write_plan_json(plan, tmp_path / "a.json").read_bytes()
    b = write_plan_json(small_plan(), tmp_path / "b.json").read_bytes()
    assert a == b and read_plan(tmp_path / "a.json") == plan


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Mobil 1"], ["Mobil 1"]),  # plain
        (["Bil [1]: Sæby/Læsø?"], ["Bil -1-- Sæby-Læsø-"]),  # forbidden characters replaced
        (["x" * 40], ["x" * 31]),  # cut to 31
        (
            ["Aalborg", "aalborg", "AALBORG"],
            ["Aalborg", "aalborg (2)", "AALBORG (3)"],
        ),  # unique ignoring case
        (["y" * 31, "y" * 31], ["y" * 31, "y" * 27 + " (2)"]),  # suffix fits in 31
    ],
)
def test_sheet_titles_follow_excel_rules(names: list[str], expected: list[str]) -> None:
    used: set[str] = set()
    assert [safe_title(n, used) for n in names] == expected


def test_real_district_outlines(plan: PlanRecord, tmp_path: Path) -> None:
    out = write_outputs(plan, tmp_path / "uge", maps=False)
    munis = pyogrio.read_dataframe(out / "plan.gpkg", layer="municipalities")
    assert munis.geometry.notna().all() and len(munis) == len(plan.municipalities)
    laesoe = munis[munis["kommunekode"] == "0825"].iloc[0].geometry
    byrum = plan.site("byrum")
    assert laesoe.buffer(0.01).contains(Point(byrum.lon, byrum.lat))

"""The ``mobilstation`` command: outputs, exit codes (0 ok, 1 no plan, 2 bad input), atomic output."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mobilstation.cli import app
from mobilstation.plan import PlanRecord

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
QUICK = ROOT / "scenarios" / "quick.yaml"
INCIDENTS = ROOT / "geodata" / "nordjylland_incidents_synthetic.csv"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


# -- help and entry points ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["plan", "validate", "compare", "hotspots", "sites"])
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Brug:" in result.output and command in result.output
    assert "Vis denne hjælp og afslut." in result.output
    english = run(command, "--help", "--lang", "en")
    assert english.exit_code == 0
    assert "Usage:" in english.output and "Show this message and exit." in english.output


def test_entry_points() -> None:
    # the installed script and ``python -m mobilstation`` run the same app
    script = Path(sys.executable).parent / "mobilstation"
    for cmd in ([str(script), "--help"], [sys.executable, "-m", "mobilstation", "--help"]):
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=120, env={"COLUMNS": "120", "PATH": ""}
        )
        assert done.returncode == 0, done.stderr
        for name in ("plan", "validate", "compare", "hotspots", "sites"):
            assert name in done.stdout


# -- plan ------------------------------------------------------------------------------------

EXPECTED_FILES = {
    "plan.json",
    "visits.csv",
    "crews.csv",
    "hours.csv",
    "kpis.json",
    "schedule.xlsx",
    "plan.gpkg",
    "map.html",
    "index.html",
}


def test_plan_writes_every_output(quick_plan: Any) -> None:
    assert quick_plan.exit_code == 0, quick_plan.output
    out: Path = quick_plan.out_dir
    assert {p.name for p in out.iterdir()} >= EXPECTED_FILES
    rec = PlanRecord.read(out)
    # one calendar per vehicle and per officer with a shift; one map per municipality
    assert {p.name for p in (out / "calendars").glob("*.ics")} >= {f"{v.id}.ics" for v in rec.vehicles}
    assert len(list((out / "maps").glob("*.html"))) == len(rec.municipalities)
    assert rec.scenario.work_limit == 200 and rec.scenario.seed == 1
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["scenario"] == "quick" and kpis["visits"] == sum(len(r.stops) for r in rec.routes)
    # no temporary directories left next to it
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_plan_prints_a_summary(quick_plan: Any) -> None:
    text = quick_plan.output
    assert "quick: 2026-W49 (2026-11-30 – 2026-12-04)" in text
    rec = PlanRecord.read(quick_plan.out_dir)
    n = sum(len(r.stops) for r in rec.routes)
    assert re.search(rf"\b{n} besøg på \d+ bil-dage", text)
    for m in rec.municipalities:
        assert m.name in text
    assert "syntetiske data: hændelser, anmodninger og kampagner" in text
    # decimal commas, as in the files: the hours of each municipality and the share of travel
    assert re.search(r"│ +\d+,\d │", text) and re.search(r"kørsel \d+ % af bilernes tid", text)
    assert not re.search(r"│ +\d+\.\d │", text)
    assert "Traceback" not in text


def _bad_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(f"include: {QUICK}\nweigths:\n  burglary: 2\n", encoding="utf-8")
    return path


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("plan", _bad_scenario(tmp_path), "--out", out)
    assert result.exit_code == 2
    assert "weigths: ukendt felt (mente du 'weights'?)" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


def _officers_with_negative_hours(tmp_path: Path) -> str:
    src = (ROOT / "scenarios" / "data" / "officers_nordjylland.csv").read_text(encoding="utf-8").splitlines()
    header, first, *rest = src
    fields = first.split(",")
    fields[3] = "-5"  # weekly_hours
    path = tmp_path / "officers.csv"
    path.write_text("\n".join([header, ",".join(fields), *rest]) + "\n", encoding="utf-8")
    return f"officers_file: {path}\n"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("solver: {time_limt_s: 5}\n", "solver.time_limt_s: ukendt felt (mente du 'time_limit_s'?)"),
        ("incidents: {file: nowhere.csv}\n", "incidents.file: filen findes ikke"),
        (
            "vehicles:\n  - {id: bil1, home: Atlantis, shift: '08:00-17:00', max_work: 8, crew_size: 2}\n",
            "vehicles[0].home: ingen station eller by ved navn 'Atlantis'",
        ),
        ("quotas: {Aalborg: {min_visits: 1, min_hours: -3}}\n", "quotas.Aalborg.min_hours"),
        (_officers_with_negative_hours, "række 2: weekly_hours"),
    ],
    ids=["typo", "missing-file", "unknown-station", "negative-quota-hours", "negative-officer-hours"],
)
def test_bad_scenarios_exit_2_through_plan(tmp_path: Path, body: Any, fragment: str) -> None:
    text = body(tmp_path) if callable(body) else body
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(f"include: {QUICK}\n{text}", encoding="utf-8")
    out = tmp_path / "out"
    result = run("plan", scenario, "--out", out, "--work-limit", "30")
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "bad.yaml" in result.output or "officers.csv" in result.output  # the file is named
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("out", ".out", "tmp"))]


def test_bad_input_leaves_an_earlier_plan_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_text("{}", encoding="utf-8")
    result = run("plan", _bad_scenario(tmp_path), "--out", out, "--quiet")
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["plan.json"]
    assert (out / "plan.json").read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--set", "solver.seed"], "forventede FELT=VÆRDI"),  # an override without a value
        (["--set", "solver.time_limit_s=-1"], "overrides: solver.time_limit_s:"),  # an invalid override
        (["--set", "vehicles.0.home=Hjøring"], "vehicles:"),  # lists are replaced, not indexed
        (["--time-limit", "0"], "--time-limit"),  # out of range (click's own check, also exit 2)
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    out = tmp_path / "out"
    result = run("plan", QUICK, "--out", out, *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert not out.exists()


def test_missing_scenario_exits_2(tmp_path: Path) -> None:
    result = run("plan", tmp_path / "nope.yaml", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "scenariefilen findes ikke" in result.output
    assert not (tmp_path / "out").exists()


def test_impossible_quota_exits_1_with_the_explanation(tmp_path: Path) -> None:
    # three visits to Læsø in a week: each takes most of a vehicle-day over the ferry
    out = tmp_path / "out"
    result = run(
        "plan", QUICK, "--out", out, "--work-limit", "50", "--quiet", "--set", "quotas.Læsø.min_visits=3"
    )
    assert result.exit_code == 1, result.output
    assert "ingen mulig plan" in result.output
    assert re.search(r"kvote Læsø: 3 besøg krævet, højst \d+ mulig", result.output)
    assert "Traceback" not in result.output
    assert not out.exists()
    quota = ["--set", "quotas.Læsø.min_visits=3"]
    english = run("plan", QUICK, "--out", out, "--work-limit", "50", "--quiet", *quota, "--lang", "en")
    assert english.exit_code == 1, english.output
    assert "The week cannot be planned: requirements cannot be met" in english.output
    assert re.search(r"quota Læsø: 3 visits required, at most \d+ possible in the week", english.output)


# -- validate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_validate_every_shipped_scenario(path: Path) -> None:
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "er gyldig" in result.output
    assert "2026-W49" in result.output


def test_validate_another_week() -> None:
    result = run("validate", QUICK, "--week", "2026-W50")
    assert result.exit_code == 0, result.output
    assert "2026-W50: mandag 7/12, tirsdag 8/12" in result.output


def test_validate_reports_the_field(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        f"include: {QUICK}\nvehicles:\n"
        "  - {id: bil1, home: aalborg-politigaard}\n"
        "  - {id: bil2, home: Hjøring}\n",
        encoding="utf-8",
    )
    result = run("validate", path)
    assert result.exit_code == 2
    assert "vehicles[1].home: ingen station eller by ved navn 'Hjøring'" in result.output
    assert "mente du 'Hjørring'" in result.output
    english = run("validate", path, "--lang", "en")
    assert "vehicles[1].home: no station or town named 'Hjøring'" in english.output
    assert "did you mean 'Hjørring'" in english.output


# -- compare ----------------------------------------------------------------------------------


def _row(text: str, label: str) -> list[str]:
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in\n{text}")


def test_compare_prints_both_plans(quick_plan: Any, tmp_path: Path) -> None:
    a = quick_plan.out_dir
    b = tmp_path / "b"
    b.mkdir()
    rec = PlanRecord.read(a)
    route = next(r for r in rec.routes if r.stops)
    dropped = len(route.stops)
    route.stops, route.legs, route.travel_min, route.travel_m, route.service_min = [], [], 0, 0, 0
    rec.scenario.name = "fewer"
    (b / "plan.json").write_text(rec.to_json(), encoding="utf-8")
    result = run("compare", a, b)
    assert result.exit_code == 0, result.output
    total = sum(len(r.stops) for r in PlanRecord.read(a).routes)
    assert _row(result.output, "besøg")[1:] == [str(total), str(total - dropped), f"{-dropped:+d}"]
    assert "A: quick" in result.output and "B: fewer" in result.output
    # and the visits themselves: the emptied route's stops are listed as cancelled, nothing else differs
    assert f"Besøg: {dropped} forskel(le) fra A til B" in result.output
    assert result.output.count("aflyst") == dropped and "tilføjet" not in result.output
    for label in (
        "kørslens andel af bilernes tid",
        "højt prioriterede steder ikke besøgt",
        "by (andel af steder besøgt)",
        "dækning pr. type",
        "timer pr. 1.000 indbyggere",
        "Læsø",
    ):
        assert label in result.output
    english = run("compare", a, b, "--lang", "en")
    assert "travel share of vehicle time" in english.output and "coverage by kind" in english.output


def test_compare_two_shipped_variants(quick_plan: Any, tmp_path: Path) -> None:
    b = tmp_path / "burglary"
    planned = run("plan", ROOT / "scenarios" / "burglary_focus.yaml", "--out", b, "--work-limit", "30", "-q")
    assert planned.exit_code == 0, planned.output
    result = run("compare", quick_plan.out_dir, b)
    assert result.exit_code == 0, result.output
    assert "A: quick" in result.output and "B: burglary_focus" in result.output
    ra, rb = PlanRecord.read(quick_plan.out_dir), PlanRecord.read(b)
    visits = [sum(len(r.stops) for r in rec.routes) for rec in (ra, rb)]
    assert _row(result.output, "besøg")[1:] == [
        str(visits[0]),
        str(visits[1]),
        f"{visits[1] - visits[0]:+d}",
    ]
    quotas = [sum(1 for m in rec.municipalities if m.quota_visits or m.quota_hours) for rec in (ra, rb)]
    met = _row(result.output, "kommunale kvoter opfyldt")
    assert met[1].endswith(f"/ {quotas[0]}") and met[2].endswith(f"/ {quotas[1]}")
    share = _row(result.output, "kørslens andel af bilernes tid")
    assert share[1].endswith("%") and share[2].endswith("%") and share[3].endswith("%-point")
    assert re.fullmatch(r"\d+,\d %", share[1])  # a decimal comma


def test_compare_of_a_directory_without_a_plan(tmp_path: Path, quick_plan: Any) -> None:
    result = run("compare", quick_plan.out_dir, tmp_path)
    assert result.exit_code == 2
    assert "ingen plan.json (forventede resultatmappen fra 'mobilstation plan')" in result.output
    english = run("compare", quick_plan.out_dir, tmp_path, "--lang", "en")
    assert english.exit_code == 2 and "no plan.json found" in english.output


# -- hotspots and sites ---------------------------------------------------------------------------


def test_hotspots_writes_areas_and_cells(tmp_path: Path) -> None:
    out = tmp_path / "hot"
    result = run(
        "hotspots",
        INCIDENTS,
        "--district",
        "Nordjyllands Politi",
        "--out",
        out,
        "--method",
        "gistar",
        "--cell-m",
        "250",
        "--bandwidth-m",
        "600",
        "--half-life-days",
        "21",
        "--as-of",
        "2026-11-29",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["cells.geojson", "hotspots.geojson"]
    areas = json.loads((out / "hotspots.geojson").read_text(encoding="utf-8"))
    cells = json.loads((out / "cells.geojson").read_text(encoding="utf-8"))
    for doc in (areas, cells):
        assert doc["type"] == "FeatureCollection"
        assert doc["properties"]["method"] == "gistar" and doc["properties"]["as_of"] == "2026-11-29"
        assert doc["properties"]["params"]["bandwidth_m"] == 600
        assert doc["properties"]["synthetic"] is True
    assert areas["features"], "the synthetic incidents hold clusters"
    assert all(f["properties"]["incidents"] >= 3 for f in areas["features"])
    assert sum(1 for f in cells["features"] if f["properties"]["hot"]) >= len(areas["features"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--method", "hexbin"], "--method"),  # an unknown method
        (["--as-of", "29-11-2026"], "--as-of: forventede en dato som ÅÅÅÅ-MM-DD"),  # wrong form
        (["--bandwidth-m", "5"], "--bandwidth-m:"),  # below the smallest band
    ],
)
def test_hotspots_bad_options_exit_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    out = tmp_path / "hot"
    result = run("hotspots", INCIDENTS, "--district", "1", "--out", out, *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert not out.exists()


def test_hotspots_missing_incidents_file(tmp_path: Path) -> None:
    result = run("hotspots", tmp_path / "none.csv", "--district", "1", "--out", tmp_path / "hot")
    assert result.exit_code == 2 and "none.csv" in result.output
    assert not (tmp_path / "hot").exists()


def test_hotspots_reports_skipped_rows(tmp_path: Path) -> None:
    """Rows that cannot be used are named with their number and reason; the rest are analysed."""
    src = tmp_path / "incidents.csv"
    src.write_text(
        "id,timestamp,lat,lon,type\n"
        "a,2026-11-20T10:00,57.0480,9.9187,indbrud i beboelse\n"
        "b,notadate,57.0480,9.9187,indbrud i beboelse\n"
        "c,2026-11-21T10:00,91,9.9,indbrud i beboelse\n"
        "d,2026-11-22T10:00,55.6761,12.5683,indbrud i beboelse\n",
        encoding="utf-8",
    )
    result = run("hotspots", src, "--district", "1", "--out", tmp_path / "hot", "--as-of", "2026-11-29")
    assert result.exit_code == 0, result.output
    assert "2 række(r) sprunget over" in result.output
    assert "række 2: timestamp: ugyldigt tidspunkt 'notadate'" in result.output
    assert "række 3: koordinaterne (91.0, 9.9) er ikke gyldige WGS84" in result.output
    assert "1 hændelse(r) ligger uden for politikreds" in result.output  # Copenhagen
    assert "fra 1 hændelse(r)" in result.output


def _quick_with_file(tmp_path: Path, field: str, text: str) -> Path:
    """The quick scenario with ``field.file`` replaced by a file holding ``text``."""
    src = tmp_path / f"{field}.csv"
    src.write_text(text, encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"include: {QUICK}\n{field}: {{file: {src}}}\n", encoding="utf-8")
    return scenario


def test_validate_reports_skipped_incident_rows(tmp_path: Path) -> None:
    scenario = _quick_with_file(
        tmp_path,
        "incidents",
        "id,timestamp,lat,lon,type\n"
        "a,2026-11-20T10:00,57.0480,9.9187,indbrud i beboelse\n"
        "b,2026-11-20T10:00,,9.9187,indbrud i beboelse\n",
    )
    result = run("validate", scenario)
    assert result.exit_code == 0, result.output
    assert "1 række(r) sprunget over" in result.output and "række 2:" in result.output


def test_plan_keeps_and_prints_what_the_readers_reported(quick_plan: Any) -> None:
    """The overdue example request is adjusted, not dropped silently: plan.json keeps the note."""
    record = PlanRecord.read(quick_plan.out_dir)
    overdue = [n for n in record.notes if "BEB-2026-0145" in n and "over fristen" in n]
    assert overdue, record.notes
    assert "advarsel:" in quick_plan.output and "BEB-2026-0145" in quick_plan.output


def test_sites_writes_scored_sites(tmp_path: Path) -> None:
    out = tmp_path / "sites"
    result = run("sites", QUICK, "--out", out)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "sites.geojson").read_text(encoding="utf-8"))
    feats = doc["features"]
    scores = [f["properties"]["score"] for f in feats]
    assert scores == sorted(scores, reverse=True)
    for f in feats:
        p = f["properties"]
        assert sum(p["breakdown"].values()) == pytest.approx(p["score"], abs=1e-5)
        assert p["kind"] in {"town", "outlying", "neighbourhood", "request"}
        lon, lat = f["geometry"]["coordinates"]
        assert 56.4 < lat < 57.8 and 8.9 < lon < 11.3  # North Jutland
    with (ROOT / "scenarios" / "data" / "requests_example.csv").open(encoding="utf-8") as fh:
        request_ids = {f"request:{row['id']}" for row in csv.DictReader(fh)}
    ids = {f["properties"]["id"] for f in feats if f["properties"]["kind"] == "request"}
    assert {i for i in ids if i.startswith("request:")} == request_ids
    assert {i.split(":")[1] for i in ids - request_ids} == {"butikker-hjoerring", "borgermoede"}  # campaigns
    assert f"{len(feats)} steder:" in result.output
    # the synthetic inputs travel with the file, and with each site they touch
    assert doc["properties"]["synthetic_inputs"] == ["incidents", "requests", "campaigns"]
    burglary = [f["properties"] for f in feats if f["properties"]["breakdown"].get("burglary", 0) > 0]
    assert burglary and all(p["burglary_from_synthetic"] for p in burglary)
    assert any("BEB-2026-0145" in n for n in doc["properties"]["notes"])


def test_sites_reports_a_request_left_out(tmp_path: Path) -> None:
    """A request outside the district is named and left out, never dropped in silence."""
    scenario = _quick_with_file(
        tmp_path,
        "requests",
        "id,type,lat,lon,window,date,deadline,name,note\n"
        "R1,local_officer,57.0480,9.9187,13:00-15:00,,,Aalborg,\n"
        "R7,local_officer,55.6761,12.5683,13:00-15:00,,,København,\n",
    )
    out = tmp_path / "sites"
    result = run("sites", scenario, "--out", out)
    assert result.exit_code == 0, result.output
    assert "advarsel:" in result.output and "'R7'" in result.output and "uden for" in result.output
    doc = json.loads((out / "sites.geojson").read_text(encoding="utf-8"))
    assert [
        f["properties"]["id"]
        for f in doc["features"]
        if f["properties"]["kind"] == "request" and f["properties"]["id"].startswith("request:")
    ] == [
        "request:R1"
    ]
    assert any("'R7'" in n for n in doc["properties"]["notes"])


def test_output_directory_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "sites"
    out.mkdir()
    (out / "stale.txt").write_text("from an earlier run", encoding="utf-8")
    result = run("sites", QUICK, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["sites.geojson"]
    shutil.rmtree(out)

"""Scenario files: structure, include/overrides, paths, and every bad input named by file and field."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from mobilstation import i18n
from mobilstation.errors import InputError, ScenarioError
from mobilstation.scenario import (
    Scenario,
    load_scenario,
    parse_clock,
    parse_days,
    read_history,
    read_officers,
    resolve,
)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """These tests read what each error says (file, field, expectation) in English; the Danish of the
    same messages is checked by test_i18n and, through the command line, by test_cli."""
    with i18n.using("en"):
        yield


ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

OFFICERS_CSV = """id,name,station,weekly_hours,skills
T01,Anna T.,{home},37,traffic
T02,Bo K.,{home},37,
T03,Carl M.,{home},30,traffic;dog
"""

BASE: dict[str, Any] = {
    "name": "test",
    "district": "Nordjylland",
    "week": "2026-W49",
    "vehicles": [{"id": "bil1", "name": "Bil 1", "home": "Aalborg", "shift": "08:00-16:00"}],
    "officers_file": "officers.csv",
}


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def scen_dir(tmp_path: Path) -> Path:
    (tmp_path / "officers.csv").write_text(OFFICERS_CSV.format(home="aalborg-politigaard"), encoding="utf-8")
    return tmp_path


def _with(change: dict[str, Any]) -> dict[str, Any]:
    """BASE with ``change`` applied; a value of ``...`` deletes the key; 'vehicles[0].x' edits the vehicle."""
    data = copy.deepcopy(BASE)
    for key, value in change.items():
        if key.startswith("vehicles[0]."):
            field = key.split(".", 1)[1]
            if value is ...:
                del data["vehicles"][0][field]
            else:
                data["vehicles"][0][field] = value
        elif value is ...:
            del data[key]
        else:
            data[key] = value
    return data


# -- the happy path -----------------------------------------------------------


def test_minimal_scenario_loads_with_defaults(scen_dir: Path) -> None:
    s = load_scenario(_write(scen_dir / "s.yaml", BASE))
    assert s.week == "2026-W49"
    assert s.days == [1, 2, 3, 4, 5]
    # ISO week 1 of 2026 starts Monday 29 December 2025 (1 January 2026 is a
    # Thursday), so week 49 runs Monday 30 November to Sunday 6 December 2026.
    assert s.dates == [date(2026, 11, 30), *(date(2026, 12, d) for d in range(1, 5))]
    assert s.week_start == date(2026, 11, 30)
    assert s.incidents_as_of == date(2026, 11, 29)
    assert s.officers_file == (scen_dir / "officers.csv").resolve()
    assert s.vehicles[0].shift_start == 480 and s.vehicles[0].shift_end == 960
    assert s.vehicles[0].max_work_min == 480  # defaults to the shift's length
    assert s.source == (scen_dir / "s.yaml").resolve()


def test_name_defaults_to_the_file_stem(scen_dir: Path) -> None:
    s = load_scenario(_write(scen_dir / "my_week.yaml", _with({"name": ...})))
    assert s.name == "my_week"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (["mandag", "Onsdag", "fredag"], [1, 3, 5]),  # Danish names, any case
        (["Sat", "sunday"], [6, 7]),  # English short and long
        ([5, 1, "2"], [1, 2, 5]),  # numbers (also as text), sorted
        ("lørdag", [6]),  # a single name
    ],
)
def test_days_accept_numbers_and_names(scen_dir: Path, days: Any, expected: list[int]) -> None:
    s = load_scenario(_write(scen_dir / "s.yaml", _with({"days": days})))
    assert s.days == expected
    assert [d.isoweekday() for d in s.dates] == expected


@pytest.mark.parametrize(
    ("given", "minutes"),
    [(8, 480), (7.5, 450), ("7:30", 450), ("7h30", 450), ("8h", 480), ("450min", 450)],
)
def test_max_work_forms(scen_dir: Path, given: Any, minutes: int) -> None:
    s = load_scenario(_write(scen_dir / "s.yaml", _with({"vehicles[0].max_work": given})))
    assert s.vehicles[0].max_work_min == minutes


def test_home_as_coordinates(scen_dir: Path) -> None:
    s = load_scenario(_write(scen_dir / "s.yaml", _with({"vehicles[0].home": {"lat": 57.05, "lon": 9.92}})))
    assert (s.vehicles[0].home.lat, s.vehicles[0].home.lon) == (57.05, 9.92)
    assert s.vehicles[0].home.place is None


def test_dump_loads_back_unchanged(scen_dir: Path) -> None:
    s = load_scenario(
        _write(scen_dir / "s.yaml", _with({"vehicles[0].max_work": 7.5, "days": ["man", "tir"]}))
    )
    again = load_scenario(s.model_dump(mode="json"))
    assert again.model_dump() == s.model_dump()


def test_parsers() -> None:
    assert parse_clock("00:00") == 0 and parse_clock("16:45") == 16 * 60 + 45 and parse_clock("24:00") == 1440
    for bad in ("8:00", "25:00", "12:60", "noon"):
        with pytest.raises(ValueError):
            parse_clock(bad)
    assert parse_days(["fre", "man"]) == [1, 5]
    with pytest.raises(ValueError, match="listed twice"):
        parse_days([1, "mandag"])


# -- include and overrides ------------------------------------------------------


def test_include_merges_deep_and_the_including_file_wins(scen_dir: Path) -> None:
    base = _with(
        {
            "description": "base",
            "quotas": {"Aalborg": {"min_visits": 2}, "Rebild": {"min_visits": 1, "min_hours": 4}},
            "solver": {"time_limit_s": 30, "seed": 3},
            "days": [1, 2, 3, 4, 5],
        }
    )
    _write(scen_dir / "base.yaml", base)
    top = _write(
        scen_dir / "top.yaml",
        {
            "include": "base.yaml",
            "name": "top",
            "quotas": {"Rebild": {"min_visits": 3}},  # merges into Rebild, keeps Aalborg
            "solver": {"time_limit_s": 5},  # keeps seed 3
            "days": [2, 4],  # lists replace
        },
    )
    s = load_scenario(top)
    assert s.name == "top" and s.description == "base"
    assert s.quotas["Aalborg"].min_visits == 2
    assert s.quotas["Rebild"].min_visits == 3 and s.quotas["Rebild"].min_hours == 4
    assert s.solver.time_limit_s == 5 and s.solver.seed == 3
    assert s.days == [2, 4]


def test_paths_resolve_against_the_file_that_names_them(tmp_path: Path) -> None:
    # base.yaml lives in base/ next to its officers CSV; top.yaml in another folder includes it.
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "officers.csv").write_text(OFFICERS_CSV.format(home="Aalborg"), encoding="utf-8")
    _write(tmp_path / "base" / "base.yaml", BASE)
    top = _write(tmp_path / "variants" / "top.yaml", {"include": "../base/base.yaml", "name": "v"})
    s = load_scenario(top)
    assert s.officers_file == (tmp_path / "base" / "officers.csv").resolve()


def test_overrides_accept_dotted_keys_and_win(scen_dir: Path) -> None:
    path = _write(scen_dir / "s.yaml", _with({"solver": {"time_limit_s": 30, "seed": 1}}))
    s = load_scenario(path, overrides={"solver.seed": 9, "week": "2026-W50"})
    assert s.solver.seed == 9 and s.solver.time_limit_s == 30
    assert s.dates[0] == date(2026, 12, 7)


def test_mapping_source_resolves_paths_against_base_dir(scen_dir: Path) -> None:
    s = load_scenario(dict(BASE), base_dir=scen_dir)
    assert s.officers_file == (scen_dir / "officers.csv").resolve()
    assert s.source is None


# -- bad input: one row per case ----------------------------------------------------

BAD_INPUTS = [
    # a typo in a top-level field name, with a suggestion
    ({"weigths": {}}, ["weigths: unknown field (did you mean 'weights'?)"]),
    # a typo inside a vehicle
    ({"vehicles[0].crew_sise": 2}, ["vehicles[0].crew_sise: unknown field (did you mean 'crew_size'?)"]),
    # the officers file does not exist
    ({"officers_file": "nope.csv"}, ["officers_file: file not found:", "nope.csv"]),
    # negative contract hours for an inline officer
    (
        {"officers_file": ..., "officers": [{"id": "X", "station": "Hjørring", "weekly_hours": -5}]},
        ["officers[0].weekly_hours:", "greater than or equal to 0", "-5"],
    ),
    # week not in ISO form
    ({"week": "2026-49"}, ["week: expected an ISO week like '2026-W49', got '2026-49'"]),
    # 2025 has only 52 ISO weeks
    ({"week": "2025-W53"}, ["week: 2025 has no ISO week 53"]),
    # shift written as bare hours
    ({"vehicles[0].shift": "8-16"}, ["vehicles[0].shift: expected a shift as 'HH:MM-HH:MM'", "'8-16'"]),
    # shift ending before it starts
    ({"vehicles[0].shift": "16:00-08:00"}, ["vehicles[0].shift: shift must end after it starts"]),
    # a misspelt weekday
    ({"days": ["mandg"]}, ["days: unknown weekday 'mandg' (did you mean 'mandag'?)"]),
    # weekday out of range
    ({"days": [0, 1]}, ["days: ISO weekdays are 1 (Monday) to 7 (Sunday), got 0"]),
    # an unreadable working time
    ({"vehicles[0].max_work": "ten hours"}, ["vehicles[0].max_work: expected a duration"]),
    # a negative working time
    ({"vehicles[0].max_work": -2}, ["vehicles[0].max_work: working time must be more than 0"]),
    # a vehicle home given both as a place and as coordinates
    ({"vehicles[0].home": {"place": "Aalborg", "lat": 57.0}}, ["vehicles[0].home: give either a place"]),
    # a vehicle without a home
    ({"vehicles[0].home": ...}, ["vehicles[0].home: required field is missing"]),
    # crew too large for a vehicle
    ({"vehicles[0].crew_size": 9}, ["vehicles[0].crew_size:", "less than or equal to 6", "9"]),
    # no vehicles at all
    ({"vehicles": []}, ["vehicles:", "at least 1"]),
    # two vehicles with one id
    (
        {"vehicles": [BASE["vehicles"][0], BASE["vehicles"][0]]},
        ["vehicle id(s) used twice: bil1"],
    ),
    # neither inline officers nor a file
    ({"officers_file": ...}, ["no officers: give 'officers'"]),
    # an unknown travel model
    (
        {"travel": {"model": "osrm"}},
        ["travel.model: unknown value 'osrm' (expected one of 'estimated', 'osm')"],
    ),
    # an OSM travel model whose extract is missing
    ({"travel": {"model": "osm", "pbf": "roads.osm.pbf"}}, ["travel.pbf: file not found:", "roads.osm.pbf"]),
    # a typo in the travel parameters (behind the model tag)
    (
        {"travel": {"model": "estimated", "parms": {}}},
        ["travel.parms: unknown field (did you mean 'params'?)"],
    ),
    # a negative quota
    ({"quotas": {"Læsø": {"min_visits": -1}}}, ["quotas.Læsø.min_visits:", "greater than or equal to 0"]),
    # a typo inside a quota
    (
        {"quotas": {"Rebild": {"min_visit": 1}}},
        ["quotas.Rebild.min_visit: unknown field (did you mean 'min_visits'?)"],
    ),
    # incidents from a file and synthetic at once
    (
        {"incidents": {"file": "officers.csv", "synthetic": {}}},
        ["incidents: expected exactly one of 'file'"],
    ),
    # solver time limit must be positive
    ({"solver": {"time_limit_s": 0}}, ["solver.time_limit_s:", "greater than 0"]),
    # a typo in the week settings
    (
        {"week_settings": {"admin_shares": 0.2}},
        ["week_settings.admin_shares: unknown field (did you mean 'admin_share'?)"],
    ),
    # the requests file does not exist
    ({"requests": "data/requests.csv"}, ["requests.file: file not found:", "requests.csv"]),
]


@pytest.mark.parametrize(("change", "fragments"), BAD_INPUTS)
def test_bad_input_names_file_field_and_expectation(
    scen_dir: Path, change: dict[str, Any], fragments: list[str]
) -> None:
    path = _write(scen_dir / "bad.yaml", _with(change))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}: "), msg  # the file comes first
    for frag in fragments:
        assert frag in msg, msg


def test_every_problem_is_reported_at_once(scen_dir: Path) -> None:
    path = _write(scen_dir / "bad.yaml", _with({"week": "W49", "vehicles[0].shift": "8-16", "weigths": {}}))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{path}: ") for line in lines)


def test_error_in_an_included_file_names_that_file(scen_dir: Path) -> None:
    base = _write(scen_dir / "base.yaml", _with({"vehicles[0].shift": "8-16"}))
    top = _write(scen_dir / "top.yaml", {"include": "base.yaml", "description": "x"})
    with pytest.raises(ScenarioError) as info:
        load_scenario(top)
    assert str(info.value).startswith(f"{base}: vehicles[0].shift:")


def test_error_set_by_the_including_file_names_it(scen_dir: Path) -> None:
    _write(scen_dir / "base.yaml", BASE)
    top = _write(scen_dir / "top.yaml", {"include": "base.yaml", "solver": {"seed": -1}})
    with pytest.raises(ScenarioError) as info:
        load_scenario(top)
    assert str(info.value).startswith(f"{top}: solver.seed:")


def test_error_from_overrides_names_them(scen_dir: Path) -> None:
    path = _write(scen_dir / "s.yaml", BASE)
    with pytest.raises(ScenarioError, match=r"^overrides: solver\.time_limit_s:"):
        load_scenario(path, overrides={"solver.time_limit_s": -1})


def test_include_cycle(scen_dir: Path) -> None:
    # a.yaml -> b.yaml -> a.yaml
    a = _write(scen_dir / "a.yaml", {"include": "b.yaml", **BASE})
    _write(scen_dir / "b.yaml", {"include": "a.yaml"})
    with pytest.raises(ScenarioError, match="include cycle") as info:
        load_scenario(a)
    assert "a.yaml -> " in str(info.value) and "b.yaml -> " in str(info.value)


def test_include_of_a_missing_file(scen_dir: Path) -> None:
    top = _write(scen_dir / "top.yaml", {"include": "missing.yaml", **BASE})
    with pytest.raises(ScenarioError) as info:
        load_scenario(top)
    assert str(info.value).startswith(f"{top}: include: file not found:")
    assert "missing.yaml" in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("week: [unclosed\n", "not valid YAML at line"),  # broken YAML, with its line
        ("- a\n- b\n", "expected a mapping of fields at the top level"),  # a list, not a mapping
    ],
)
def test_unreadable_yaml(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=fragment):
        load_scenario(path)


def test_missing_scenario_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.yaml")


# -- the officers and history readers ---------------------------------------------


def test_read_officers(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text(
        "id,name,station,weekly_hours,skills,available_days,max_shift_hours\n"
        "T01,Anna T.,hjoerring,37,traffic,,\n"
        "T02,Bo K.,hjoerring,37,,,\n"
        "T03,Carl M.,hjoerring,30,traffic;dog,,\n"
        "T04,Dorte L.,hjoerring,37,,1;2;onsdag,9\n",
        encoding="utf-8",
    )
    rows = read_officers(p)
    assert [o.id for o in rows] == ["T01", "T02", "T03", "T04"]
    assert rows[2].skills == ["traffic", "dog"] and rows[2].weekly_hours == 30
    assert rows[1].skills == []
    assert rows[3].available_days == [1, 2, 3] and rows[3].max_shift_hours == 9


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # negative contract hours on the second data row (line 3)
        ("id,name,station,weekly_hours,skills\nA,a,s,37,\nB,b,s,-1,\n", "row 3: weekly_hours:"),
        # hours that are not a number
        ("id,name,station,weekly_hours,skills\nA,a,s,many,\n", "row 2: weekly_hours:"),
        # the station column is missing
        ("id,name,weekly_hours\nA,a,37\n", "missing column(s) station"),
        # an unknown column (typo)
        ("id,name,station,weekly_hour\nA,a,s,37\n", "unknown column(s) weekly_hour"),
        # an id listed twice
        ("id,name,station\nA,a,s\nA,b,s\n", "row 3: id: officer 'A' already listed in row 2"),
        # a row with more values than the header
        ("id,name,station\nA,a,s,x\n", "row 2: more values than columns"),
        # a header and nothing else
        ("id,name,station\n", "no officers listed"),
    ],
)
def test_read_officers_bad_rows(tmp_path: Path, text: str, fragment: str) -> None:
    p = tmp_path / "o.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_officers(p)
    assert str(info.value).startswith(f"{p}: ")
    assert fragment in str(info.value)


def test_read_history(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text("site_id,last_visit\na,2026-11-30\nb,2026-11-02\na,2026-11-16\n", encoding="utf-8")
    assert read_history(p) == {"a": date(2026, 11, 30), "b": date(2026, 11, 2)}
    p.write_text("site_id;last_visit\na;30-11-2026\n", encoding="utf-8")  # as Danish Excel saves it
    assert read_history(p) == {"a": date(2026, 11, 30)}
    p.write_text("site_id,last_visit\na,31-11-2026\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2: last_visit: expected an ISO date like 2026-12-01"):
        read_history(p)
    with i18n.using("da"), pytest.raises(InputError, match=r"række 2: last_visit: forventede en ISO-dato"):
        read_history(p)
    p.write_text("site_id,last\na,2026-11-30\n", encoding="utf-8")
    with i18n.using("da"), pytest.raises(InputError, match=r"h.csv: mangler kolonne\(r\) last_visit"):
        read_history(p)


# -- resolution against the district -------------------------------------------------


def test_shipped_scenarios_exist() -> None:
    names = {p.name for p in SCENARIOS}
    assert {"nordjylland.yaml", "burglary_focus.yaml", "laesoe_week.yaml", "reduced_staff.yaml"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_resolve(path: Path) -> None:
    r = resolve(load_scenario(path))
    assert r.vehicles and r.officers
    stations = {s.id for s in r.district.stations}
    assert all(v.depot_id in stations for v in r.vehicles)
    assert all(o.station_id in stations for o in r.officers)
    assert {q.municipality for q in r.quotas} <= {m.code for m in r.district.municipalities}


def test_default_scenario_content() -> None:
    r = resolve(load_scenario(ROOT / "scenarios" / "nordjylland.yaml"))
    s = r.scenario
    assert s.dates == [date(2026, 11, 30), *(date(2026, 12, d) for d in range(1, 5))]
    assert [v.name for v in r.vehicles] == ["Bil 1", "Bil 2"]
    assert len(r.officers) == 32
    assert all(o.weekly_hours == 37 for o in r.officers)
    assert any("traffic" in o.skills for o in r.officers)
    # every one of the district's municipalities has a quota entry; Læsø's is zero by default
    codes = {q.municipality: q for q in r.quotas}
    assert set(codes) == {m.code for m in r.district.municipalities}
    laesoe = next(m.code for m in r.district.municipalities if m.name == "Læsø")
    assert codes[laesoe].min_visits == 0
    assert sum(q.min_visits for q in r.quotas) >= 8


def test_variants_differ_from_the_default_as_named() -> None:
    base = resolve(load_scenario(ROOT / "scenarios" / "nordjylland.yaml"))
    laesoe = resolve(load_scenario(ROOT / "scenarios" / "laesoe_week.yaml"))
    code = next(m.code for m in laesoe.district.municipalities if m.name == "Læsø")
    assert next(q for q in laesoe.quotas if q.municipality == code).min_visits == 1
    reduced = resolve(load_scenario(ROOT / "scenarios" / "reduced_staff.yaml"))
    assert len(reduced.vehicles) == 1 and len(reduced.officers) == 20
    burglary = load_scenario(ROOT / "scenarios" / "burglary_focus.yaml")
    assert burglary.weights != base.scenario.weights


def _resolve_with(scen_dir: Path, change: dict[str, Any]) -> str:
    path = _write(scen_dir / "r.yaml", _with(change))
    with pytest.raises(InputError) as info:
        resolve(load_scenario(path))
    return str(info.value)


def test_unknown_home_suggests_the_spelling(scen_dir: Path) -> None:
    msg = _resolve_with(scen_dir, {"vehicles[0].home": "Hjøring"})
    assert msg.startswith(f"{scen_dir / 'r.yaml'}: vehicles[0].home: ")
    assert "'Hjøring'" in msg and "did you mean 'Hjørring'" in msg


def test_home_outside_the_district(scen_dir: Path) -> None:
    # Copenhagen lies in another police district.
    msg = _resolve_with(scen_dir, {"vehicles[0].home": {"lat": 55.676, "lon": 12.568}})
    assert "vehicles[0].home:" in msg and "outside" in msg


def test_unknown_quota_municipality(scen_dir: Path) -> None:
    msg = _resolve_with(scen_dir, {"quotas": {"Rebil": {"min_visits": 1}}})
    assert "quotas.Rebil:" in msg and "Rebild" in msg


def test_quota_given_twice_by_name_and_code(scen_dir: Path) -> None:
    msg = _resolve_with(scen_dir, {"quotas": {"Rebild": {"min_visits": 1}, "0840": {"min_visits": 2}}})
    assert "quotas.0840:" in msg and "already has a quota" in msg


def test_unknown_officer_station_names_the_row(scen_dir: Path) -> None:
    (scen_dir / "officers.csv").write_text(
        "id,name,station,weekly_hours,skills\nA,a,aalborg-politigaard,37,\nB,b,hjøring,37,\n",
        encoding="utf-8",
    )
    msg = _resolve_with(scen_dir, {})
    assert "officers.csv: row 3: station: no station named 'hjøring'" in msg
    assert "did you mean 'hjoerring'" in msg


def test_officer_station_by_part_of_a_name_lists_the_candidates(scen_dir: Path) -> None:
    # two stations lie in Aalborg: the message lists both ids
    (scen_dir / "officers.csv").write_text("id,name,station\nA,a,Aalborg\n", encoding="utf-8")
    msg = _resolve_with(scen_dir, {})
    assert "row 2: station: no station named 'Aalborg'" in msg
    assert "'aalborg-politigaard'" in msg and "'aalborg-oest'" in msg


def test_unknown_absent_officer(scen_dir: Path) -> None:
    msg = _resolve_with(scen_dir, {"absent_officers": ["T1"]})
    assert "absent_officers:" in msg and "'T1'" in msg and "did you mean 'T01'" in msg


def test_unknown_district(scen_dir: Path) -> None:
    msg = _resolve_with(scen_dir, {"district": "Nordjyland"})
    assert msg.startswith(f"{scen_dir / 'r.yaml'}: district:")


def test_absent_officers_are_removed(scen_dir: Path) -> None:
    r = resolve(load_scenario(_write(scen_dir / "r.yaml", _with({"absent_officers": ["T02"]}))))
    assert [o.id for o in r.officers] == ["T01", "T03"]
    assert r.officers[0].skills == frozenset({"traffic"})


def test_scenario_model_forbids_unknown_fields_everywhere() -> None:
    # every nested model of the scenario refuses unknown fields
    from pydantic import BaseModel

    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        assert model.model_config.get("extra") == "forbid", model.__name__
        for f in model.model_fields.values():
            for t in _models_in(f.annotation):
                walk(t)

    walk(Scenario)
    assert len(seen) > 10


def _models_in(tp: Any) -> list[type]:
    import typing

    from pydantic import BaseModel

    out: list[type] = []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    for arg in typing.get_args(tp):
        out.extend(_models_in(arg))
    return out


def test_every_input_file_resolves_against_the_scenario_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # run from elsewhere: relative paths must not depend on the working directory
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "scen"
    (d / "in").mkdir(parents=True)
    for name in ("officers.csv", "requests.csv", "history.csv", "incidents.csv", "roads.osm.pbf"):
        (d / "in" / name).write_text("x\n", encoding="utf-8")
    data = _with(
        {
            "officers_file": "in/officers.csv",
            "requests": "in/requests.csv",
            "history": "in/history.csv",
            "incidents": {"file": "in/incidents.csv"},
            "travel": {"model": "osm", "pbf": "in/roads.osm.pbf"},
        }
    )
    s = load_scenario(_write(d / "s.yaml", data))
    base = (d / "in").resolve()
    assert s.officers_file == base / "officers.csv"
    assert s.requests is not None and s.requests.file == base / "requests.csv" and not s.requests.synthetic
    assert s.history == base / "history.csv"
    assert s.incidents is not None and s.incidents.file == base / "incidents.csv"
    assert s.travel.model == "osm" and s.travel.pbf == base / "roads.osm.pbf"
    # every path-valued field of the scenario is covered
    paths = {k for k, v in s.model_dump().items() if isinstance(v, Path)}
    paths |= {
        f"{k}.{kk}"
        for k, v in s.model_dump().items()
        if isinstance(v, dict)
        for kk, vv in v.items()
        if isinstance(vv, Path)
    }
    assert paths == {"officers_file", "history", "requests.file", "incidents.file", "travel.pbf"}

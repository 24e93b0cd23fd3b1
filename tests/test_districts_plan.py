"""Every Danish police district plans from data alone, islands included.

Each scenario in ``scenarios/districts/`` names only the district, two vans
and ten officers by town, and synthetic incidents; it must plan (small work
limit) and pass the independent plan checker. Island behaviour: a car ferry
carries a visit to Ærø, a place no road or link reaches is left out with one
note naming it, and Bornholm is planned on the island.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mobilstation.geo.district import load_district
from mobilstation.pipeline import build_plan
from mobilstation.plan import PlanRecord
from mobilstation.scenario import load_scenario, resolve

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from plan_checker import check_plan  # noqa: E402

SCENARIOS = sorted((ROOT / "scenarios" / "districts").glob("*.yaml"))
WORK_LIMIT = 200


def _plan(path: Path, **overrides: object) -> PlanRecord:
    scenario = load_scenario(path, overrides=overrides or None)
    stamp = "2026-11-29T12:00:00+01:00"
    return build_plan(resolve(scenario), work_limit=WORK_LIMIT, seed=1, generated_at=stamp)


def test_there_is_a_scenario_for_each_of_the_twelve_districts() -> None:
    names = {load_scenario(p).district for p in SCENARIOS}
    assert len(SCENARIOS) == 12 and len(names) == 12
    assert {load_district(n).number for n in names} == set(range(1, 13))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_each_district_plans_and_passes_the_checker(path: Path) -> None:
    plan = _plan(path)
    assert check_plan(plan) == []
    visits = [s for r in plan.routes for s in r.stops]
    assert visits, "no visit planned"
    district = load_district(plan.scenario.district)
    assert len(district.stations) >= 1
    # every municipality of the district has a candidate place (item 4)
    wanted = {m.code for m in district.municipalities if m.code != "0411"}  # Christiansø: no car link
    assert wanted <= {s.municipality_code for s in plan.sites}
    # populations are known, so hours per 1 000 inhabitants can be shown
    assert any(m.population for m in plan.municipalities)


def test_vans_and_officers_by_town_are_the_towns_stations() -> None:
    plan = _plan(ROOT / "scenarios" / "districts" / "midt-vestjylland.yaml")
    assert {v.home_station_id for v in plan.vehicles} == {"holstebro", "viborg"}


def test_aeroe_is_visited_over_the_car_ferry() -> None:
    plan = _plan(ROOT / "scenarios" / "districts" / "fyn.yaml", **{"quotas.Ærø": {"min_visits": 1}})
    assert check_plan(plan) == []
    aeroe = {s.id for s in plan.sites if s.municipality_code == "0492"}
    # every leg onto the island takes the ferry (a leg between two places on Ærø need not)
    legs = [leg for r in plan.routes for leg in r.legs if leg.to_id in aeroe and leg.from_id not in aeroe]
    assert legs and all(leg.ferry and any(k.startswith("aeroefaergen") for k in leg.links) for leg in legs)


def test_a_place_no_car_link_reaches_is_left_out_with_one_note(tmp_path: Path) -> None:
    # without its ferries Ærø has no car link: its places are dropped, named, and Fyn still plans
    (tmp_path / "links.csv").write_text(
        "id,name,kind,a_name,a_lat,a_lon,b_name,b_lat,b_lon,crossing_min\n", encoding="utf-8"
    )
    base = (ROOT / "scenarios" / "districts" / "fyn.yaml").read_text(encoding="utf-8")
    path = tmp_path / "fyn.yaml"
    path.write_text(base + "links_file: {file: links.csv, replace: true}\n", encoding="utf-8")
    plan = _plan(path)
    assert check_plan(plan) == []
    notes = [n for n in plan.notes if "udeladt" in n]
    assert len(notes) == 1
    assert "Marstal (Ærø)" in notes[0] and "Rudkøbing (Langeland)" in notes[0]
    assert not [s for s in plan.sites if s.municipality_code == "0492"]


def test_a_quota_on_an_island_without_a_link_fails_the_plan(tmp_path: Path) -> None:
    from mobilstation.errors import MobilstationError

    (tmp_path / "links.csv").write_text(
        "id,name,kind,a_name,a_lat,a_lon,b_name,b_lat,b_lon,crossing_min\n", encoding="utf-8"
    )
    base = (ROOT / "scenarios" / "districts" / "fyn.yaml").read_text(encoding="utf-8")
    path = tmp_path / "fyn.yaml"
    path.write_text(
        base + "links_file: {file: links.csv, replace: true}\nquotas: {Ærø: {min_visits: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(MobilstationError, match="Ærø"):
        _plan(path)


def test_bornholm_is_planned_on_the_island() -> None:
    plan = _plan(ROOT / "scenarios" / "districts" / "bornholm.yaml")
    assert check_plan(plan) == []
    stops = [s for r in plan.routes for s in r.stops]
    sites = {s.id: s for s in plan.sites}
    assert stops and all(sites[s.site_id].municipality_code == "0400" for s in stops)
    assert all(not leg.ferry for r in plan.routes for leg in r.legs)
    # Christiansø has no car ferry: its stand-in place is left out, with the note naming it
    notes = [n for n in plan.notes if "udeladt" in n]
    assert len(notes) == 1 and "Christiansø (Christiansø)" in notes[0]

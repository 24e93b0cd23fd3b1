"""The pipeline end to end: data -> demand -> travel -> optimisation -> plan record.

One solve here (the quick scenario with a work limit), compared with the CLI's
plan of the same scenario (the shared fixture ``quick_plan``): equal except
the time stamp and the timing measurements, so the plan is reproducible and
the CLI adds nothing of its own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixtures.quick import QUICK_SCENARIO, QUICK_SEED, QUICK_WORK_LIMIT
from plan_checker import (
    check_plan,
    is_patrol_travel,
    plan_violations,
    reference_matrix,
)
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape

from mobilstation import i18n
from mobilstation.demand.site import SITE_KINDS
from mobilstation.pipeline import build_plan, demand, travel_points
from mobilstation.plan import PlanRecord
from mobilstation.scenario import ResolvedScenario, load_scenario, resolve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def resolved() -> ResolvedScenario:
    return resolve(load_scenario(QUICK_SCENARIO))


@pytest.fixture(scope="module")
def record(resolved: ResolvedScenario) -> PlanRecord:
    return build_plan(
        resolved, work_limit=QUICK_WORK_LIMIT, seed=QUICK_SEED, generated_at="2026-11-29T12:00:00+01:00"
    )


def _without_timing(value: Any) -> Any:
    """Drop wall-clock measurements (keys naming seconds) and the time stamp, recursively."""
    if isinstance(value, dict):
        return {k: _without_timing(v) for k, v in value.items() if k != "generated_at" and "seconds" not in k}
    if isinstance(value, list):
        return [_without_timing(v) for v in value]
    return value


def test_the_plan_is_feasible_by_an_independent_check(record: PlanRecord, resolved: ResolvedScenario) -> None:
    assert record.routes and sum(len(r.stops) for r in record.routes) > 0
    violations = plan_violations(record, resolved)
    assert violations == []


VARIANTS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml") if p.stem != "quick")


@pytest.fixture(scope="module")
def variant_scenarios() -> dict[str, ResolvedScenario]:
    return {name: resolve(load_scenario(ROOT / "scenarios" / f"{name}.yaml")) for name in VARIANTS}


@pytest.fixture(scope="module")
def variant_plans(variant_scenarios: dict[str, ResolvedScenario]) -> dict[str, PlanRecord]:
    """Every shipped scenario but quick (planned above), under the tests' work limit."""
    return {
        name: build_plan(
            variant_scenarios[name],
            work_limit=QUICK_WORK_LIMIT,
            seed=QUICK_SEED,
            generated_at="2026-11-29T12:00:00+01:00",
        )
        for name in VARIANTS
    }


@pytest.mark.parametrize("name", VARIANTS)
def test_every_shipped_scenario_plans_feasibly(
    variant_plans: dict[str, PlanRecord], variant_scenarios: dict[str, ResolvedScenario], name: str
) -> None:
    record = variant_plans[name]
    assert sum(len(r.stops) for r in record.routes) > 0
    assert plan_violations(record, variant_scenarios[name]) == []


@pytest.mark.parametrize("name", VARIANTS)
def test_patrol_days_hold_the_drive_to_their_areas(
    variant_plans: dict[str, PlanRecord], variant_scenarios: dict[str, ResolvedScenario], name: str
) -> None:
    violations = plan_violations(variant_plans[name], variant_scenarios[name])
    assert [v for v in violations if is_patrol_travel(v)] == []


def test_a_laesoe_visit_crosses_by_ferry_and_a_missing_crossing_is_caught(
    variant_plans: dict[str, PlanRecord],
) -> None:
    record = variant_plans["laesoe_week"]
    laesoe = next(m.code for m in record.municipalities if m.name == "Læsø")
    island = {x.id for x in record.sites if x.municipality_code == laesoe}
    crossings = [
        leg for r in record.routes for leg in r.legs if (leg.from_id in island) != (leg.to_id in island)
    ]
    assert crossings and all(leg.ferry and "laesoefaergen" in leg.links for leg in crossings)
    assert all(leg.minutes >= 90 for leg in crossings)  # at least the crossing
    travel = reference_matrix(record)
    # the same plan with the ferry left out of one crossing, its minutes kept
    tampered = record.model_copy(deep=True)
    leg = next(lg for r in tampered.routes for lg in r.legs if lg.ferry and (lg.to_id in island))
    leg.ferry, leg.links = False, []
    assert any("the travel model: True" in v for v in check_plan(tampered, travel=travel))
    # and with a crossing made as short as the ferry alone (times shifted to match)
    tampered = record.model_copy(deep=True)
    route = next(r for r in tampered.routes if any(lg.to_id in island for lg in r.legs))
    first = route.legs[0]
    assert first.to_id in island  # a Læsø day drives straight to the ferry
    shift = first.minutes - 90
    first.minutes = 90
    route.departure += shift
    route.legs[0].depart += shift
    route.travel_min -= shift
    violations = check_plan(tampered, travel=travel)
    said = f"{first.minutes} min, the travel model says {first.minutes + shift} min"
    assert any(said in v for v in violations), violations
    assert any("even the straight line" in v and "ferry waits" in v for v in violations), violations


def test_same_input_same_plan_as_the_cli(record: PlanRecord, quick_plan: Any) -> None:
    assert quick_plan.exit_code == 0, quick_plan.output
    cli = PlanRecord.read(quick_plan.out_dir)
    a = _without_timing(record.model_dump(mode="json"))
    b = _without_timing(cli.model_dump(mode="json"))
    # the CLI records the scenario path as given; everything else must match
    a["scenario"].pop("file")
    b["scenario"].pop("file")
    # writing a plan adds its calendar publication state (outputs.calendars); the plan itself is the same
    assert a.pop("calendar") is None and b.pop("calendar")["events"]
    assert a == b


def test_generated_at_is_the_given_stamp_or_now(record: PlanRecord, quick_plan: Any) -> None:
    assert record.generated_at == "2026-11-29T12:00:00+01:00"
    stamp = datetime.fromisoformat(PlanRecord.read(quick_plan.out_dir).generated_at)
    assert stamp.utcoffset() is not None  # local time with its offset
    assert abs((datetime.now(stamp.tzinfo) - stamp).total_seconds()) < 3600


def test_scenario_info(record: PlanRecord, resolved: ResolvedScenario) -> None:
    info = record.scenario
    assert info.name == "quick" and info.iso_week == "2026-W49"
    assert info.dates == ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    assert info.district == resolved.district.name
    assert (info.seed, info.work_limit) == (QUICK_SEED, QUICK_WORK_LIMIT)
    assert info.time_limit_s == resolved.scenario.solver.time_limit_s  # not overridden


def test_municipalities_carry_population_and_quotas(record: PlanRecord, resolved: ResolvedScenario) -> None:
    assert [m.code for m in record.municipalities] == [m.code for m in resolved.district.municipalities]
    quotas = {q.municipality: q for q in resolved.quotas}
    for m in record.municipalities:
        q = quotas.get(m.code)
        assert m.quota_visits == (q.min_visits if q else 0)
        assert m.quota_hours == (q.min_hours if q else 0.0)
        assert m.population == next(
            x.population for x in resolved.district.municipalities if x.code == m.code
        )
    by_name = {m.name: m for m in record.municipalities}
    assert by_name["Aalborg"].quota_visits == 2 and by_name["Læsø"].quota_visits == 0


def test_sites_are_the_scored_candidates(record: PlanRecord, resolved: ResolvedScenario) -> None:
    built = demand(resolved)
    assert [s.id for s in record.sites] == [s.id for s in built.sites]
    for rec, site in zip(record.sites, built.sites, strict=True):
        assert rec.kind == site.kind and rec.municipality_code == site.municipality_code
        assert rec.score == pytest.approx(site.score)
        assert sum(rec.breakdown.values()) == pytest.approx(rec.score, abs=1e-6)
        assert rec.windows == [list(w) for w in site.windows]
    kinds = {s.kind for s in record.sites}
    assert kinds <= set(SITE_KINDS) and {"town", "request"} <= kinds


def test_synthetic_inputs_are_labelled(record: PlanRecord) -> None:
    # the committed incidents are synthetic, and the example requests are marked so in the scenario
    assert record.synthetic_inputs == ["incidents", "requests", "campaigns"]
    requests = [s for s in record.sites if s.kind == "request"]
    assert requests and all(s.synthetic for s in requests)
    assert all(s.synthetic for s in record.sites if s.kind == "neighbourhood")
    assert all(not s.synthetic for s in record.sites if s.kind == "town")
    assert record.hotspots and all(h.synthetic for h in record.hotspots)


def test_hotspots_are_geojson_inside_the_district(record: PlanRecord, resolved: ResolvedScenario) -> None:
    codes = {m.code for m in resolved.district.municipalities}
    area = resolved.district.geometry.buffer(0.01)
    for h in record.hotspots:
        geom = shape(h.geometry)
        assert geom.is_valid and geom.area > 0
        assert area.contains(geom.centroid)
        assert h.municipality_code in codes
        assert h.incidents >= resolved.scenario.hotspots.min_incidents


def test_stations_vehicles_and_travel(record: PlanRecord, resolved: ResolvedScenario) -> None:
    assert {s.id for s in record.stations} == {s.id for s in resolved.district.stations}
    assert [(v.id, v.home_station_id) for v in record.vehicles] == [
        ("bil1", "aalborg-politigaard"),
        ("bil2", "hjoerring"),
    ]
    assert all(v.shift == [480, 1020] and v.max_work_min == 480 and v.crew_size == 2 for v in record.vehicles)
    assert record.travel.model == "estimated" and record.travel.estimated is True
    assert {lk.id for lk in record.links} == {lk.id for lk in resolved.district.links}
    for r in record.routes:
        assert r.depot_id == next(v.home_station_id for v in record.vehicles if v.id == r.vehicle_id)


def test_crews_come_from_the_home_station(record: PlanRecord, resolved: ResolvedScenario) -> None:
    station_of = {o.id: o.station_id for o in resolved.officers}
    for r in record.routes:
        if r.stops:
            assert len(r.crew) == 2
            assert {station_of[o] for o in r.crew} == {r.depot_id}


def test_quotas_are_met(record: PlanRecord) -> None:
    site_muni = {s.id: s.municipality_code for s in record.sites}
    visits: dict[str, int] = {}
    for r in record.routes:
        for st in r.stops:
            visits[site_muni[st.site_id]] = visits.get(site_muni[st.site_id], 0) + 1
    for m in record.municipalities:
        assert visits.get(m.code, 0) >= m.quota_visits, m.name


def test_travel_points_cover_depots_stations_and_sites(resolved: ResolvedScenario) -> None:
    built_sites = demand(resolved).sites
    points = travel_points(resolved, built_sites)
    ids = [p.id for p in points]
    assert len(ids) == len(set(ids))
    assert ids[:2] == ["aalborg-politigaard", "hjoerring"]  # the depots first, in vehicle order
    assert {o.station_id for o in resolved.officers} <= set(ids)
    assert ids[-len(built_sites) :] == [s.id for s in built_sites]


def _scenario_with(change: dict[str, Any], tmp_path: Path) -> ResolvedScenario:
    """The default scenario (included, so its data paths still resolve) with ``change`` merged over it."""
    path = tmp_path / "s.yaml"
    data = {"include": str(ROOT / "scenarios" / "nordjylland.yaml"), **change}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return resolve(load_scenario(path))


def test_synthetic_incidents_from_parameters(tmp_path: Path) -> None:
    # mappings merge, so the default's incidents file is switched off explicitly
    r = _scenario_with({"incidents": {"file": None, "synthetic": {"seed": 7, "weeks": 12}}}, tmp_path)
    assert r.incidents is None  # generated by the pipeline, not read
    built = demand(r)
    assert built.incidents is not None and built.incidents.synthetic
    # the generated period ends on the day before the planned week
    times = built.incidents.gdf["time"]
    assert max(times).date() <= r.scenario.incidents_as_of
    again = demand(r)
    assert [s.id for s in again.sites] == [s.id for s in built.sites]  # seeded: same sites


def test_no_incidents_means_no_neighbourhoods(tmp_path: Path) -> None:
    r = _scenario_with({"incidents": None}, tmp_path)
    built = demand(r)
    assert built.hotspots is None
    assert not [s for s in built.sites if s.kind == "neighbourhood"]
    assert all(s.breakdown.get("burglary", 0) == 0 for s in built.sites)


def test_requests_not_marked_synthetic_stay_real(tmp_path: Path) -> None:
    r = _scenario_with({"requests": {"synthetic": False}}, tmp_path)
    built = demand(r)
    requests = [s for s in built.sites if "request_id" in s.meta]  # campaign targets have their own label
    assert requests and not any(s.synthetic for s in requests)


def test_hotspot_centres_lie_in_their_municipality(record: PlanRecord, resolved: ResolvedScenario) -> None:
    geoms = {m.code: m.geometry.buffer(0.01) for m in resolved.district.municipalities}
    for s in record.sites:
        if s.kind == "neighbourhood":
            assert geoms[s.municipality_code].contains(ShapelyPoint(s.lon, s.lat)), s.id


def test_history_lowers_the_recency_of_a_site_just_visited(tmp_path: Path) -> None:
    base = demand(_scenario_with({"rotation": None}, tmp_path))
    town = next(s for s in base.sites if s.kind == "town")
    history = tmp_path / "history.csv"
    # visited on the day before the planned week, and another site long ago
    other = next(s for s in base.sites if s.kind == "town" and s.id != town.id)
    history.write_text(f"site_id,last_visit\n{town.id},2026-11-29\n{other.id},2026-06-01\n", encoding="utf-8")
    r = _scenario_with({"history": str(history), "rotation": None}, tmp_path)
    assert r.history[town.id].isoformat() == "2026-11-29"
    after = {s.id: s for s in demand(r).sites}
    assert after[town.id].breakdown["recency"] < town.breakdown["recency"]
    assert after[other.id].breakdown["recency"] > other.breakdown["recency"]  # overdue beats unknown
    assert after[town.id].score < town.score

    # with the default's rotation rule the town visited last week rests, the one from June is due
    rotated = {s.id: s for s in demand(_scenario_with({"history": str(history)}, tmp_path)).sites}
    assert rotated[town.id].score == 0 and rotated[town.id].meta["rotation_resting"]
    assert rotated[other.id].mandatory and rotated[other.id].meta["rotation_weeks_waited"] >= 6
    fresh = [s for s in rotated.values() if s.kind == "town" and s.id not in (other.id, town.id)]
    assert fresh and all(not s.mandatory and s.meta["rotation_weeks_waited"] == 1 for s in fresh)


def test_a_plan_over_its_time_limit_says_so() -> None:
    from mobilstation.pipeline import _time_notes

    over = {"time_limit_s": 1.0, "work_limit": None, "plan_seconds": 2.4, "seconds": 0.0}
    (note,) = _time_notes(over)
    assert "2,4 s mod en tidsgrænse på 1 s" in note and "giv mindst 5 s" in note
    with i18n.using("en"):
        (english,) = _time_notes(over)
    assert "2.4 s against a time limit of 1 s" in english and "allow at least 5 s" in english
    assert _time_notes({**over, "plan_seconds": 1.1}) == []  # within 10 %
    assert _time_notes({**over, "work_limit": 200}) == []  # a work limit has no clock

"""The independent plan checker accepts the hand-built plan and catches each kind of break.

Every mutation below breaks exactly one rule of a copy of the feasible
fixture; the checker must name it. This is what makes ``check_plan(plan) ==
[]`` in other tests mean something.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fixtures.small_plan import small_plan, small_plan_json
from plan_checker import check_plan

from mobilstation.plan import OfficerRecord, PlanRecord, Route, RulesInfo, Shift, Unvisited


def _route(plan: PlanRecord, rid: str) -> Route:
    return next(r for r in plan.routes if r.id == rid)


def _officer(plan: PlanRecord, oid: str) -> OfficerRecord:
    return next(o for o in plan.officers if o.id == oid)


MON1, TUE1 = "mobil-1-2026-12-07", "mobil-1-2026-12-08"
MON2, TUE2 = "mobil-2-2026-12-07", "mobil-2-2026-12-08"


def shift_stop_by_a_minute(p: PlanRecord) -> None:
    stop = _route(p, TUE1).stops[0]
    stop.start += 1
    stop.end += 1


def arrival_off_by_a_minute(p: PlanRecord) -> None:
    _route(p, MON1).stops[1].arrival -= 1


def drop_a_leg(p: PlanRecord) -> None:
    del _route(p, MON2).legs[1]


def legs_do_not_connect(p: PlanRecord) -> None:
    _route(p, TUE2).legs[1].from_id = "vraa"


def exceed_weekly_max(p: PlanRecord) -> None:
    p.site("aalborg-oest").weekly_max = 1


def visits_too_close(p: PlanRecord) -> None:
    p.site("aalborg-oest").min_gap_days = 2


def outside_window(p: PlanRecord) -> None:
    p.site("byrum").windows = [[900, 960]]


def service_too_short(p: PlanRecord) -> None:
    p.site("saeby").service_min = 75


def wrong_weekday(p: PlanRecord) -> None:
    p.site("loenstrup").days = [3, 4]


def deadline_missed(p: PlanRecord) -> None:
    p.site("hals").deadline = "2026-12-06"


def return_after_shift(p: PlanRecord) -> None:
    _route(p, MON2).shift = [450, 960]


def working_day_too_long(p: PlanRecord) -> None:
    _route(p, MON2).max_work_min = 480


def travel_total_wrong(p: PlanRecord) -> None:
    _route(p, MON1).travel_min += 1


def iso_offset_wrong(p: PlanRecord) -> None:
    stop = _route(p, MON1).stops[0]
    stop.start_iso = stop.start_iso.replace("+01:00", "+02:00")


def overlapping_shifts(p: PlanRecord) -> None:
    _officer(p, "aal-01").shifts.append(Shift(date="2026-12-07", start=600, end=700, duty="patrol"))


def rest_under_eleven_hours(p: PlanRecord) -> None:
    p.officers.append(
        OfficerRecord(
            id="aal-03",
            name="Kim Ærø",
            station_id="aalborg-politigaard",
            weekly_hours=37,
            shifts=[
                Shift(date="2026-12-07", start=14 * 60, end=22 * 60, duty="patrol"),
                Shift(date="2026-12-08", start=7 * 60, end=9 * 60, duty="patrol"),
            ],
        )
    )


def duty_day_too_long(p: PlanRecord) -> None:
    _officer(p, "hjo-01").shifts.append(Shift(date="2026-12-07", start=996, end=1100, duty="patrol"))


def weekly_hours_exceeded(p: PlanRecord) -> None:
    _officer(p, "hjo-02").weekly_hours = 10


def missing_traffic_officer(p: PlanRecord) -> None:
    _officer(p, "hjo-01").skills = []


def crew_too_small(p: PlanRecord) -> None:
    _route(p, MON1).crew = ["aal-01"]


def crew_without_shift(p: PlanRecord) -> None:
    o = _officer(p, "hjo-02")
    o.shifts = [s for s in o.shifts if not (s.date == "2026-12-07" and s.duty == "mobile")]


def ferry_flag_removed(p: PlanRecord) -> None:
    _route(p, MON2).legs[1].ferry = False


def island_without_ferry(p: PlanRecord) -> None:
    leg = _route(p, MON2).legs[2]
    leg.ferry = False
    leg.links = []


def ferry_faster_than_crossing(p: PlanRecord) -> None:
    p.links[0].crossing_min = 200


def quota_visits_unmet(p: PlanRecord) -> None:
    next(m for m in p.municipalities if m.code == "0825").quota_visits = 2


def quota_hours_unmet(p: PlanRecord) -> None:
    next(m for m in p.municipalities if m.code == "0851").quota_hours = 5.0


def patrol_without_shift(p: PlanRecord) -> None:
    o = _officer(p, "aal-02")
    o.shifts = [s for s in o.shifts if s.duty != "patrol"]


def visited_site_listed_unvisited(p: PlanRecord) -> None:
    p.unvisited.append(Unvisited(site_id="vraa", reason_code="no_time", reason="Ingen tid."))


MUTATIONS: list[tuple[Callable[[PlanRecord], None], str]] = [
    # (mutation, text the violation must contain)
    (shift_stop_by_a_minute, "route mobil-1-2026-12-08 stop 1 (aalborg-oest): start 10:01 but max(arrival"),
    (arrival_off_by_a_minute, "stop 2 (aalborg-oest): arrival 10:07 but leg departs 09:45 + 23 min = 10:08"),
    (drop_a_leg, "2 legs for 2 stops (expected 3)"),
    (legs_do_not_connect, "legs do not connect"),
    (exceed_weekly_max, "site aalborg-oest: visited 2 times, weekly_max is 1"),
    (visits_too_close, "1 days apart, min_gap_days is 2"),
    (outside_window, "stop 2 (byrum): start 12:21 is outside every window"),
    (service_too_short, "stop 1 (saeby): end 10:00 but start 09:00 + service 75 min"),
    (wrong_weekday, "stop 1 (loenstrup): visited on ISO weekday 2, site allows only [3, 4]"),
    (deadline_missed, "site hals: mandatory by 2026-12-06 but first visited 2026-12-07"),
    (return_after_shift, "returns 16:36 after the shift closes at 16:00"),
    (working_day_too_long, "working time 516 min exceeds max_work_min 480"),
    (travel_total_wrong, "travel_min 57 but legs sum to 56"),
    (iso_offset_wrong, "start_iso '2026-12-07T09:00:00+02:00' is not 2026-12-07T09:00:00+01:00"),
    (overlapping_shifts, "officer aal-01 (Mette Sørensen): shifts overlap"),
    (rest_under_eleven_hours, "rest between 2026-12-07 22:00 and 2026-12-08 07:00 is 9.00 h, less than 11 h"),
    (duty_day_too_long, "duty on 2026-12-07 spans 08:00-18:20 = 10.33 h, more than 10 h"),
    (weekly_hours_exceeded, "more than weekly_hours 10"),
    (missing_traffic_officer, "stop 1 (loenstrup): needs skill(s) ['traffic']"),
    (crew_too_small, "route mobil-1-2026-12-07: crew of 1 ['aal-01'], vehicle mobil-1 needs 2"),
    (crew_without_shift, "crew member hjo-02 has no mobile shift on 2026-12-07 covering 08:00-16:36"),
    (ferry_flag_removed, "uses ferry laesoe-faergen but ferry=False"),
    (
        island_without_ferry,
        "leg 3 (byrum -> hjoerring): crosses water from land mass 2 to 0 but its links (no link) do not lead "
        "there",
    ),
    (ferry_faster_than_crossing, "141 min is shorter than the ferry crossing laesoe-faergen (200 min)"),
    (quota_visits_unmet, "quota Læsø (0825): 1 visits, 2 required"),
    (quota_hours_unmet, "quota Aalborg (0851): 4.75 hours (mobile service + patrol), 5 required"),
    (
        patrol_without_shift,
        "120 patrol minutes allocated on 2026-12-08 but patrol shifts that day last 0 min",
    ),
    (visited_site_listed_unvisited, "site vraa is listed as unvisited but visited"),
]


def test_fixture_is_feasible() -> None:
    assert check_plan(small_plan(), require_all_explained=True) == []


def test_fixture_survives_json_round_trip(tmp_path) -> None:
    path = small_plan_json(tmp_path)
    plan = PlanRecord.read(path)
    assert plan == small_plan()
    assert check_plan(plan) == []


@pytest.mark.parametrize(("mutate", "expected"), MUTATIONS, ids=[m.__name__ for m, _ in MUTATIONS])
def test_checker_catches(mutate: Callable[[PlanRecord], None], expected: str) -> None:
    plan = small_plan()
    mutate(plan)
    violations = check_plan(plan)
    assert any(expected in v for v in violations), "\n".join(violations) or "no violation found"


def test_rest_threshold_is_a_parameter() -> None:
    # hjo-01 returns Monday 16:36 and leaves Tuesday 08:30: 15.9 h of rest.
    assert check_plan(small_plan(), min_rest_hours=15.5) == []
    violations = check_plan(small_plan(), min_rest_hours=16)
    assert any(
        "officer hjo-01" in v and "rest between 2026-12-07 16:36 and 2026-12-08 08:30 is 15.90 h" in v
        for v in violations
    )


def test_the_plans_own_rules_are_checked() -> None:
    """plan.rules and each officer's max_shift_hours, when stated, are what the checker holds the plan to."""
    plan = small_plan()
    plan.rules = RulesInfo(min_rest_hours=16, crew_home_rule="same_station")
    assert [v for v in check_plan(plan) if "rest between" in v]  # hjo-01 rests 15.9 h
    plan.rules = RulesInfo(min_rest_hours=11, crew_home_rule="same_station")
    assert check_plan(plan) == []  # every crew comes from its vehicle's station
    _officer(plan, "aal-01").station_id = "hjoerring"
    assert any(
        "crew member aal-01 is based at hjoerring, not at aalborg-politigaard" in v for v in check_plan(plan)
    )
    plan.rules = RulesInfo(min_rest_hours=11, crew_home_rule="any")
    assert not [v for v in check_plan(plan) if "is based at" in v]
    plan = small_plan()
    officer = _officer(plan, "hjo-01")
    by_day: dict[str, list[Shift]] = {}
    for shift in officer.shifts:
        by_day.setdefault(shift.date, []).append(shift)
    longest = max(max(s.end for s in day) - min(s.start for s in day) for day in by_day.values()) / 60
    officer.max_shift_hours = longest
    assert check_plan(plan) == []
    officer.max_shift_hours = longest - 0.25
    assert any("officer hjo-01" in v and f"more than {longest - 0.25:g} h" in v for v in check_plan(plan))


def test_unexplained_site_reported_on_request() -> None:
    plan = small_plan()
    plan.unvisited = [u for u in plan.unvisited if u.site_id != "hirtshals"]
    assert check_plan(plan) == []
    assert check_plan(plan, require_all_explained=True) == [
        "unvisited: site(s) ['hirtshals'] are neither visited nor listed with a reason"
    ]


def test_fixture_numbers_add_up_independently() -> None:
    """Recompute a few fixture numbers by hand so the fixture itself cannot drift."""
    plan = small_plan()
    ferry_day = next(r for r in plan.routes if r.id == MON2)
    # Sæby -> Byrum: the leg includes 30 min wait + 90 min crossing plus the drives either side.
    assert ferry_day.legs[1].ferry and ferry_day.legs[1].links == ["laesoe-faergen"]
    assert ferry_day.legs[1].minutes > 120 and ferry_day.legs[2].minutes > 120
    assert ferry_day.stops[1].start_iso == "2026-12-07T12:21:00+01:00"
    # Aalborg: 2 x 60 + 45 min of mobile service plus 120 min patrol = 4.75 h against a 4 h quota.
    assert plan.kpis["by_municipality"]["0851"]["mobile_hours"] == 2.75
    assert plan.kpis["by_municipality"]["0851"]["patrol_hours"] == 2.0
    assert all(v["quota_met"] for v in plan.kpis["by_municipality"].values())
    assert {u.site_id for u in plan.unvisited} == {"fjerritslev", "hirtshals"}
    assert {s.kind for s in plan.sites} == {"town", "outlying", "neighbourhood", "request"}

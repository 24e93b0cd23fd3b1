"""Every violation the plan checker can report, triggered by a mutation that breaks that rule.

Two bases: the hand-built ``small_plan`` (checked from the plan alone) and the
quick scenario's real plan (checked against its resolved scenario and the
travel matrix rebuilt outside the planner, or from the plan alone where a
rule lives only in the record). Each case mutates a fresh copy and names the
text the checker must report. :func:`test_every_message_is_triggered` reads
the message templates out of the checker's source and fails when one of them
is produced by no case, so a rule added without a test is noticed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from fixtures.quick import QUICK_SCENARIO
from fixtures.small_plan import small_plan
from plan_checker import check_plan, reference_matrix

from mobilstation.plan import HoursAllocation, Leg, PlanRecord, Route, RulesInfo, Shift, Unvisited
from mobilstation.scenario import ResolvedScenario, load_scenario, resolve
from mobilstation.travel.base import TravelMatrix

TESTS = Path(__file__).resolve().parent
CHECKER_MODULES = ["plan_checker.py", "plan_geo.py", "plan_scenario.py", "plan_kpis.py"]
MON1, TUE1 = "mobil-1-2026-12-07", "mobil-1-2026-12-08"
MON2, TUE2 = "mobil-2-2026-12-07", "mobil-2-2026-12-08"


@dataclass(frozen=True)
class Case:
    name: str
    base: str  # "small" (plan alone), "quick" (scenario + matrix), "quick-plan" (plan alone + matrix)
    mutate: Callable[..., Any]
    expected: str  # a regular expression one violation must match
    explained: bool = False  # check with require_all_explained
    scenario_change: Callable[..., Any] | None = None  # (scenario, plan) -> the scenario to check against


def _r(p: PlanRecord, rid: str) -> Route:
    return next(r for r in p.routes if r.id == rid)


def _o(p: PlanRecord, oid: str):
    return next(o for o in p.officers if o.id == oid)


def _rules(p: PlanRecord, **kw: Any) -> None:
    base = p.rules.model_dump() if p.rules else {"min_rest_hours": 11, "crew_home_rule": "same_station"}
    p.rules = RulesInfo(**(base | kw))


def _linked_leg(p: PlanRecord, link: str):
    return next((r, i, lg) for r in p.routes for i, lg in enumerate(r.legs) if link in lg.links)


def _request(p: PlanRecord):
    return next(x for x in p.sites if x.kind == "request")


def _busy_route(p: PlanRecord) -> Route:
    return next(r for r in p.routes if len(r.stops) >= 2)


def _matrix_without(m: TravelMatrix, pid: str) -> TravelMatrix:
    ids = tuple("elsewhere" if x == pid else x for x in m.ids)
    return TravelMatrix(
        ids, m.minutes, m.metres, m.ferry, dict(m.links), m.model, m.estimated, dict(m.params)
    )


def _timed_ferry_leg_too_short(p: PlanRecord) -> None:
    link = next(lk for lk in p.links if lk.id == "hals-egense")
    link.departures_a = list(range(300, 1400, 20))
    link.departures_b = list(range(310, 1400, 20))
    _, _, leg = _linked_leg(p, "hals-egense")
    leg.minutes = link.crossing_min  # less than drive + crossing, whatever the timetable


def _empty_route_with_legs(p: PlanRecord) -> None:
    _r(p, TUE1).stops = []


def _empty_route_with_totals(p: PlanRecord) -> None:
    r = _r(p, TUE1)
    r.stops, r.legs = [], []


def _second_request(p: PlanRecord) -> None:
    fake = _request(p).model_copy(deep=True)
    fake.id = "request:IKKE-I-FILEN"
    p.sites.append(fake)
    p.unvisited.append(Unvisited(site_id=fake.id, reason_code="no_time", reason="Ingen tid."))


def _rename_station(p: PlanRecord) -> None:
    next(s for s in p.stations if s.id == "kaas").id = "ukendt-station"


def _drop_request_site(p: PlanRecord) -> None:
    visited = {st.site_id for r in p.routes for st in r.stops}
    requests = [s for s in p.sites if "request_id" in s.meta]
    x = min(requests, key=lambda s: (s.id in visited, s.mandatory))  # an unvisited one where there is one
    p.sites = [s for s in p.sites if s.id != x.id]
    p.unvisited = [u for u in p.unvisited if u.site_id != x.id]


def _first_visit(p: PlanRecord) -> tuple[Route, Any]:
    r = next(r for r in p.routes if r.stops)
    return r, r.stops[0]


def _pin_first_visit(s: ResolvedScenario, p: PlanRecord) -> ResolvedScenario:
    from datetime import date as _date

    from mobilstation.scenario import PinSpec

    r, st = _first_visit(p)
    pin = PinSpec(site=st.site_id, date=_date.fromisoformat(r.date), vehicle="ukendt-bil")
    return replace(s, scenario=s.scenario.model_copy(update={"pinned": [pin]}))


def _invented_campaign_target(p: PlanRecord) -> None:
    x = next(s for s in p.sites if s.meta.get("campaign") == "butikker-hjoerring")
    fake = x.model_copy(update={"id": "campaign:butikker-hjoerring:OPDIGTET"})
    p.sites.append(fake)
    p.unvisited.append(p.unvisited[0].model_copy(update={"site_id": fake.id}))


def _looser_weekly_max(p: PlanRecord) -> None:
    # the planner's lie: a site visited twice with a weekly maximum of 5 written into the record
    r = _busy_route(p)
    x = p.site(r.stops[0].site_id)
    x.weekly_max = 5


def _leg_faster_than_straight_line(p: PlanRecord) -> None:
    _r(p, MON2).legs[1].minutes = 95  # the Læsø crossing alone is 90 min, the wait 30


def _close_on(p: PlanRecord, link: str, day: str) -> None:
    p.travel.params["closed_links"] = {link: [day]}


def _patrol_over_a_closed_link(p: PlanRecord) -> None:
    shift = next(s for s in _o(p, "aal-02").shifts if s.duty == "patrol")
    shift.legs = [Leg(from_id="aalborg-politigaard", to_id="aalborg-politigaard", depart=shift.start, minutes=0,
                      metres=0, links=["limfjordstunnelen"])]  # fmt: skip
    _close_on(p, "limfjordstunnelen", shift.date)


SMALL: list[Case] = [
    Case(
        "route_over_a_closed_link",
        "small",
        lambda p: _close_on(p, "laesoe-faergen", "2026-12-07"),
        r"route mobil-2-2026-12-07 leg 1: crosses laesoe-faergen, closed on 2026-12-07",
    ),
    Case(
        "patrol_over_a_closed_link",
        "small",
        _patrol_over_a_closed_link,
        r"officer aal-02: patrol shift on 2026-12-08 crosses limfjordstunnelen, closed that day",
    ),
    Case(
        "no_utc_offset",
        "small",
        lambda p: setattr(_r(p, MON1).stops[0], "arrival_iso", "2026-12-07T08:36:00"),
        r"arrival_iso '2026-12-07T08:36:00' has no UTC offset",
    ),
    Case(
        "not_iso",
        "small",
        lambda p: setattr(_r(p, MON1).stops[0], "end_iso", "kl. 10"),
        r"end_iso 'kl. 10' is not an ISO 8601 datetime",
    ),
    Case(
        "unknown_vehicle",
        "small",
        lambda p: setattr(_r(p, MON1), "vehicle_id", "mobil-9"),
        r"route mobil-1-2026-12-07: unknown vehicle 'mobil-9'",
    ),
    Case(
        "depot_not_home",
        "small",
        lambda p: setattr(p.vehicles[0], "home_station_id", "hjoerring"),
        r"depot 'aalborg-politigaard' is not vehicle mobil-1's home station 'hjoerring'",
    ),
    Case(
        "depot_not_station",
        "small",
        lambda p: setattr(_r(p, MON1), "depot_id", "ukendt"),
        r"depot 'ukendt' is not a station of the plan",
    ),
    Case(
        "date_not_planned",
        "small",
        lambda p: setattr(p.scenario, "dates", ["2026-12-07"]),
        r"route mobil-1-2026-12-08: date 2026-12-08 is not a planned date",
    ),
    Case(
        "weekday_wrong",
        "small",
        lambda p: setattr(_r(p, MON1), "weekday", 3),
        r"weekday 3 but 2026-12-07 is ISO weekday 1",
    ),
    Case(
        "vehicle_day_off",
        "small",
        lambda p: setattr(p.vehicles[1], "days", [2]),
        r"route mobil-2-2026-12-07: vehicle mobil-2 works only on ISO weekdays \[2\], not 1",
    ),
    Case(
        "route_limits_not_vehicle",
        "small",
        lambda p: setattr(_r(p, MON1), "max_work_min", 900),
        r"max_work_min 900 are not vehicle mobil-1's",
    ),
    Case(
        "stops_misnumbered",
        "small",
        lambda p: setattr(_r(p, MON1).stops[1], "seq", 5),
        r"stops numbered \[1, 5\], expected 1..2",
    ),
    Case(
        "unknown_site",
        "small",
        lambda p: setattr(_r(p, MON1).stops[1], "site_id", "ukendt"),
        r"unknown site\(s\) \['ukendt'\]",
    ),
    Case(
        "departs_before_shift",
        "small",
        lambda p: [setattr(x, "shift", [500, 1020]) for x in (p.vehicles[0], _r(p, MON1), _r(p, TUE1))],
        r"route mobil-1-2026-12-07: departs 08:00 before the shift opens at 08:20",
    ),
    Case(
        "returns_before_departs",
        "small",
        lambda p: setattr(_r(p, TUE1), "return_", 500),
        r"returns 08:20 before it departs 09:50",
    ),
    Case(
        "first_leg_late",
        "small",
        lambda p: setattr(_r(p, MON1).legs[0], "depart", 481),
        r"first leg departs 08:01, route departure is 08:00",
    ),
    Case(
        "return_wrong",
        "small",
        lambda p: setattr(_r(p, MON1), "return_", _r(p, MON1).return_ - 1),
        r"return .* but last leg departs .* min = ",
    ),
    Case(
        "travel_m_wrong",
        "small",
        lambda p: setattr(_r(p, MON1), "travel_m", _r(p, MON1).travel_m + 1),
        r"travel_m \d+ but legs sum to",
    ),
    Case(
        "service_total_wrong",
        "small",
        lambda p: setattr(_r(p, MON1), "service_min", 1),
        r"service_min 1 but stops sum to 105",
    ),
    Case(
        "crew_twice",
        "small",
        lambda p: setattr(_r(p, MON1), "crew", ["aal-01", "aal-01"]),
        r"crew lists an officer twice",
    ),
    Case(
        "unknown_crew",
        "small",
        lambda p: setattr(_r(p, MON1), "crew", ["aal-01", "ukendt"]),
        r"unknown crew member 'ukendt'",
    ),
    Case(
        "route_ids_repeat", "small", lambda p: setattr(_r(p, TUE1), "id", MON1), r"^route ids are not unique$"
    ),
    Case(
        "site_ids_repeat",
        "small",
        lambda p: p.sites.append(p.sites[0].model_copy()),
        r"^site ids are not unique$",
    ),
    Case("empty_route_legs", "small", _empty_route_with_legs, r"no stops but 2 legs"),
    Case("empty_route_totals", "small", _empty_route_with_totals, r"no stops but totals travel_min="),
    Case(
        "negative_metres",
        "small",
        lambda p: setattr(_r(p, MON1).legs[0], "metres", -1),
        r"leg 1 has negative minutes/metres",
    ),
    Case(
        "start_before_arrival",
        "small",
        lambda p: setattr(_r(p, MON1).stops[0], "start", _r(p, MON1).stops[0].arrival - 1),
        r"stop 1 \(hals\): start .* before arrival",
    ),
    Case(
        "wait_wrong",
        "small",
        lambda p: setattr(_r(p, MON1).stops[0], "wait_min", 7),
        r"wait_min 7 but start - arrival = ",
    ),
    Case(
        "next_leg_late",
        "small",
        lambda p: setattr(_r(p, MON1).legs[1], "depart", _r(p, MON1).legs[1].depart + 5),
        r"stop 1 \(hals\): next leg departs .*, not at the end of service",
    ),
    Case(
        "ferry_flag_without_link",
        "small",
        lambda p: setattr(_r(p, TUE1).legs[0], "ferry", True),
        r"ferry=True but the leg uses no ferry link",
    ),
    Case(
        "more_than_one_route",
        "small",
        lambda p: [setattr(_r(p, TUE1), "date", "2026-12-07"), setattr(_r(p, MON1), "id", "x")],
        r"vehicle mobil-1 has more than one route on 2026-12-07",
    ),
    Case(
        "mandatory_not_visited",
        "small",
        lambda p: setattr(p.site("fjerritslev"), "mandatory", True),
        r"site fjerritslev: mandatory but not visited",
    ),
    Case(
        "site_in_wrong_municipality",
        "small",
        lambda p: setattr(p.site("aalborg-oest"), "municipality_code", "0813"),
        r"site aalborg-oest: counted for municipality 0813 but lies in 0851",
    ),
    Case(
        "quota_mobile_hours",
        "small",
        lambda p: setattr(next(m for m in p.municipalities if m.code == "0851"), "quota_mobile_hours", 3.0),
        r"quota Aalborg \(0851\): 2.75 mobile service hours, 3 required",
    ),
    Case(
        "quota_patrol_hours",
        "small",
        lambda p: setattr(next(m for m in p.municipalities if m.code == "0851"), "quota_patrol_hours", 2.5),
        r"quota Aalborg \(0851\): 2.00 patrol hours, 2.5 required",
    ),
    Case(
        "unvisited_unknown",
        "small",
        lambda p: p.unvisited.append(Unvisited(site_id="ukendt", reason_code="no_time", reason="Ingen tid.")),
        r"unvisited: unknown site 'ukendt'",
    ),
    Case(
        "unvisited_twice",
        "small",
        lambda p: p.unvisited.append(p.unvisited[0].model_copy()),
        r"unvisited: site fjerritslev listed twice",
    ),
    Case(
        "crew_from_another_station",
        "small",
        lambda p: [
            _rules(p, crew_home_rule="same_station"),
            setattr(_o(p, "aal-01"), "station_id", "hjoerring"),
        ],
        r"crew member aal-01 is based at hjoerring, not at aalborg-politigaard",
    ),
    Case(
        "site_unexplained",
        "small",
        lambda p: setattr(p, "unvisited", p.unvisited[:1]),
        r"unvisited: site\(s\) \['hirtshals'\] are neither visited nor listed with a reason",
        explained=True,
    ),
    Case(
        "unvisited_without_reason",
        "small",
        lambda p: setattr(p.unvisited[0], "reason", "  "),
        r"unvisited: site fjerritslev has no reason",
    ),
    Case(
        "patrol_without_travel",
        "small",
        lambda p: setattr(p.hours[0], "area_id", "vraa"),
        r"officer aal-02 .*: patrol on 2026-12-08 has 120 min in areas .* min travel from "
        r"aalborg-politigaard, "
        r"but the patrol shifts last 130 min",
    ),
    Case(
        "undated_patrol_over_week",
        "small",
        lambda p: p.hours.append(
            HoursAllocation(
                officer_id="aal-01",
                area_id="aalborg-oest",
                area_name="Aalborg Øst",
                municipality_code="0851",
                minutes=60,
                blocks=4,
            )
        ),
        r"officer aal-01 .*: 60 patrol minutes allocated in the week but patrol shifts last 0 min",
    ),
    Case(
        "patrol_unknown_officer",
        "small",
        lambda p: setattr(p.hours[0], "officer_id", "ukendt"),
        r"patrol allocation for unknown officer 'ukendt'",
    ),
    Case(
        "unknown_link",
        "small",
        lambda p: setattr(_r(p, MON2).legs[1], "links", ["ukendt"]),
        r"unknown link 'ukendt'",
    ),
    Case(
        "shift_outside_week",
        "small",
        lambda p: _o(p, "aal-01").shifts.append(Shift(date="2026-12-10", start=600, end=660, duty="patrol")),
        r"officer aal-01 .*: shift on 2026-12-10, which is not a planned date",
    ),
    Case(
        "shift_backwards",
        "small",
        lambda p: _o(p, "aal-01").shifts.append(
            Shift(date="2026-12-08", start=1200, end=1100, duty="patrol")
        ),
        r"shift on 2026-12-08 ends 18:20 before it starts 20:00",
    ),
    Case(
        "field_budget",
        "small",
        lambda p: _rules(p, admin_share=0.9),
        r"min of shifts this week, more than the field budget 222 min "
        r"\(weekly_hours 37 x \(1 - admin share 0.9\)\)",
    ),
    Case(
        "officer_day_off",
        "small",
        lambda p: setattr(_o(p, "aal-01"), "available_days", [3, 4, 5]),
        r"officer aal-01 .*: mobile shift on 2026-12-07 \(ISO weekday 1\), but works only on \[3, 4, 5\]",
    ),
    Case(
        "officer_day_window",
        "small",
        lambda p: [
            setattr(_o(p, "aal-01"), "earliest_start", 540),
            setattr(_o(p, "aal-01"), "latest_end", 1200),
        ],
        r"officer aal-01 .*: mobile shift on 2026-12-07 08:00-.* leaves the day window 09:00-20:00",
    ),
    Case(
        "patrol_area_unknown",
        "small",
        lambda p: setattr(p.hours[0], "area_id", "ukendt"),
        r"patrol allocation names unknown area 'ukendt'",
    ),
    Case(
        "patrol_negative",
        "small",
        lambda p: setattr(p.hours[0], "minutes", -15),
        r"negative patrol minutes in aalborg-oest",
    ),
    Case(
        "patrol_blocks",
        "small",
        lambda p: [_rules(p, patrol_block_min=15), setattr(p.hours[0], "blocks", 9)],
        r"patrol in aalborg-oest on 2026-12-08: 120 min but 9 blocks of 15 min",
    ),
    Case(
        "patrol_wrong_municipality",
        "small",
        lambda p: setattr(p.hours[0], "municipality_code", "0813"),
        r"patrol area aalborg-oest lies in 0851, allocation says 0813",
    ),
    Case(
        "mobile_shift_unknown_route",
        "small",
        lambda p: setattr(
            next(s for s in _o(p, "aal-01").shifts if s.duty == "mobile"), "route_id", "ukendt"
        ),
        r"mobile shift on 2026-12-07 names unknown route 'ukendt'",
    ),
    Case(
        "mobile_shift_not_crew",
        "small",
        lambda p: setattr(next(s for s in _o(p, "hjo-01").shifts if s.duty == "mobile"), "route_id", MON1),
        r"officer hjo-01 .*: mobile shift on 2026-12-07 names route mobil-1-2026-12-07 "
        r"but is not in its crew",
    ),
    Case(
        "drive_to_depot",
        "small",
        lambda p: [_rules(p, crew_home_rule="any"), setattr(_o(p, "aal-01"), "station_id", "hjoerring")],
        r"officer aal-01 .*: mobile shift on 2026-12-07 08:00-.* does not hold the drive from hjoerring "
        r"to the "
        r"depot aalborg-politigaard",
    ),
    Case(
        "station_without_coordinates",
        "small",
        lambda p: [_rules(p, crew_home_rule="any"), setattr(_o(p, "aal-01"), "station_id", "ukendt")],
        r"officer aal-01 .*: station 'ukendt' has no coordinates in the plan",
    ),
    Case(
        "leg_from_nowhere",
        "small",
        lambda p: setattr(_r(p, TUE1).legs[0], "from_id", "ukendt"),
        r"leg 1 \(ukendt -> aalborg-oest\): a place with no coordinates in the plan",
    ),
    Case(
        "leg_faster_than_straight_line",
        "small",
        _leg_faster_than_straight_line,
        r"leg 2 \(saeby -> byrum\): 95 min, but even the straight line at 130 km/h with the crossings "
        r"and ferry "
        r"waits of its links takes",
    ),
    Case(
        "link_from_elsewhere",
        "small",
        lambda p: setattr(_r(p, MON1).legs[0], "links", ["laesoe-faergen", "limfjordstunnelen"]),
        r"link laesoe-faergen does not start on the land mass the leg is on",
    ),
    Case(
        "no_ferry_left",
        "small",
        lambda p: [setattr(p.links[0], "departures_a", [300]), setattr(p.links[0], "departures_b", [400])],
        r"leg 2 \(saeby -> byrum\): no departure of laesoe-faergen is left when the vehicle can be there",
    ),
]


QUICK: list[Case] = [
    # the scenario's limits, not the plan's copy
    Case(
        "looser_weekly_max",
        "quick",
        _looser_weekly_max,
        r"scenario: site .*: weekly_max is 5 in the plan, \d in the scenario",
    ),
    Case(
        "dates",
        "quick",
        lambda p: setattr(p.scenario, "dates", p.scenario.dates[:-1]),
        r"scenario: planned dates are .* in the plan, .* in the scenario",
    ),
    Case(
        "faster_roads",
        "quick",
        lambda p: p.travel.params.update(band_speeds_kmh=[50.0, 90.0, 130.0]),
        r"scenario: travel: band_speeds_kmh is \[50.0, 90.0, 130.0\] in the plan, \[35.0, 60.0, 80.0\]",
    ),
    Case(
        "other_travel_model",
        "quick",
        lambda p: setattr(p.travel, "model", "osm"),
        r"scenario: travel model is 'osm' in the plan, 'estimated' in the scenario",
    ),
    Case(
        "no_rules",
        "quick",
        lambda p: setattr(p, "rules", None),
        r"scenario: the plan records no working-time rules",
    ),
    Case(
        "vehicle_dropped",
        "quick",
        lambda p: setattr(p, "vehicles", p.vehicles[:1]),
        r"scenario: vehicles \['bil1'\] in the plan, \['bil1', 'bil2'\] in the scenario",
    ),
    Case(
        "officer_dropped",
        "quick",
        lambda p: setattr(p, "officers", [o for o in p.officers if o.id != "LB01"]),
        r"scenario: officers missing from the plan \['LB01'\], not in the scenario \[\]",
    ),
    Case(
        "link_dropped",
        "quick",
        lambda p: setattr(p, "links", [lk for lk in p.links if lk.id != "egholmfaergen"]),
        r"scenario: links .* in the plan, .* in the district",
    ),
    Case(
        "request_dropped",
        "quick",
        _drop_request_site,
        r"scenario: request .* \(row \d+\) is not among the plan's sites",
    ),
    Case(
        "station_renamed",
        "quick",
        _rename_station,
        r"scenario: station ukendt-station is not a station of Nordjyllands",
    ),
    Case(
        "request_invented",
        "quick",
        _second_request,
        r"scenario: site request:IKKE-I-FILEN is a request the scenario's request file does not have",
    ),
    Case(
        "pin_other_van",
        "quick",
        lambda p: None,
        r"scenario: pin .* on .*: visited by bil\d, pinned to ukendt-bil",
        scenario_change=lambda s, p: _pin_first_visit(s, p),
    ),
    Case(
        "kept_visit_other_van",
        "quick",
        lambda p: None,
        r"scenario: kept visit .* on .*: visited by bil\d, kept with ukendt-bil",
        scenario_change=lambda s, p: replace(s, keep_vehicle={_first_visit(p)[1].site_id: "ukendt-bil"}),
    ),
    Case(
        "campaign_target_invented",
        "quick",
        _invented_campaign_target,
        r"scenario: site campaign:butikker-hjoerring:OPDIGTET is a campaign target the scenario's campaigns",
    ),
    # what the plan says about its figures
    Case(
        "quotas_met_flipped",
        "quick",
        lambda p: p.kpis.update(quotas_met=not p.kpis["quotas_met"]),
        r"kpis: quotas_met is .*, the quota rows give ",
    ),
    Case("kpi_missing", "quick", lambda p: p.kpis.pop("visits"), r"kpis: the plan states no \['visits'\]"),
    Case(
        "kind_missing",
        "quick",
        lambda p: p.kpis["visits_by_kind"].pop("town"),
        r"kpis: visits_by_kind leaves out \['town'\]",
    ),
    Case(
        "visits_wrong",
        "quick",
        lambda p: p.kpis.update(visits=p.kpis["visits"] + 1),
        r"kpis: visits is \d+, the plan's routes and hours give \d+",
    ),
    Case(
        "quota_row_unknown",
        "quick",
        lambda p: p.kpis["quotas"][0].update(municipality="9999"),
        r"kpis: quota row for unknown municipality '9999'",
    ),
    Case(
        "quota_row_visits",
        "quick",
        lambda p: p.kpis["quotas"][0].update(visits=p.kpis["quotas"][0]["visits"] + 1),
        r"kpis: quota 0851 visits is \d+, the plan gives \d+",
    ),
    Case(
        "quota_row_met",
        "quick",
        lambda p: p.kpis["quotas"][0].update(met=False),
        r"kpis: quota 0851 met is False, the plan gives True",
    ),
    Case(
        "objective_prize",
        "quick",
        lambda p: p.kpis.update(objective_prize=p.kpis["objective_prize"] + 1),
        r"kpis: objective_prize is \d+, the plan's visits give \d+",
    ),
    Case(
        "objective",
        "quick",
        lambda p: p.kpis.update(objective=p.kpis["objective"] + 1),
        r"kpis: objective is .*, the plan's visits give ",
    ),
    Case(
        "above_bound",
        "quick",
        lambda p: p.kpis.update(upper_bound=p.kpis["objective"] - 1),
        r"kpis: objective .* exceeds the upper bound",
    ),
    Case(
        "gap",
        "quick",
        lambda p: p.kpis.update(gap=p.kpis["gap"] + 0.1),
        r"kpis: gap is .*, \(upper_bound - objective\) / upper_bound = ",
    ),
    # travel against the rebuilt matrix
    Case(
        "metres_off_matrix",
        "quick-plan",
        lambda p: setattr(_busy_route(p).legs[0], "metres", _busy_route(p).legs[0].metres + 100),
        r"leg 1 .*: \d+ m, the travel model says \d+ m",
    ),
    Case(
        "ferry_dropped_vs_matrix",
        "quick-plan",
        lambda p: [
            setattr(_linked_leg(p, "hals-egense")[2], "ferry", False),
            setattr(_linked_leg(p, "hals-egense")[2], "links", []),
        ],
        r"ferry=False via \[\], the travel model: True via \['hals-egense'\]",
    ),
    Case(
        "minutes_off_matrix",
        "quick-plan",
        lambda p: setattr(_busy_route(p).legs[1], "minutes", _busy_route(p).legs[1].minutes - 1),
        r"leg 2 .*: \d+ min, the travel model says \d+ min",
    ),
    Case(
        "timed_ferry_too_short",
        "quick-plan",
        _timed_ferry_leg_too_short,
        r"\(\w.*\): 5 min is less than drive \+ crossing \(\d+ min\)",
    ),
    Case(
        "place_not_in_matrix",
        "quick-plan",
        "matrix-without-depot",
        r"a place the travel matrix does not hold",
    ),
]

CASES = SMALL + QUICK


@pytest.fixture(scope="module")
def quick_base(quick_plan: Any) -> tuple[PlanRecord, ResolvedScenario, TravelMatrix]:
    assert quick_plan.exit_code == 0, quick_plan.output
    plan = PlanRecord.read(quick_plan.out_dir)
    return plan, resolve(load_scenario(QUICK_SCENARIO)), reference_matrix(plan)


def _violations(
    case: Case, quick: Callable[[], tuple[PlanRecord, ResolvedScenario, TravelMatrix]]
) -> list[str]:
    if case.base == "small":
        plan = small_plan()
        case.mutate(plan)
        return check_plan(plan, require_all_explained=case.explained)
    base, scenario, matrix = quick()
    plan = base.model_copy(deep=True)
    if case.mutate == "matrix-without-depot":
        return check_plan(plan, travel=_matrix_without(matrix, plan.routes[0].depot_id))
    case.mutate(plan)
    if case.scenario_change is not None:
        scenario = case.scenario_change(scenario, plan)
    if case.base == "quick":
        return check_plan(plan, scenario, travel=matrix)
    return check_plan(plan, travel=matrix)


def test_the_bases_are_feasible(quick_base: tuple[PlanRecord, ResolvedScenario, TravelMatrix]) -> None:
    plan, scenario, matrix = quick_base
    assert check_plan(small_plan()) == []
    assert check_plan(plan, scenario, travel=matrix, require_all_explained=True) == []
    assert check_plan(plan, travel=matrix, require_all_explained=True) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_checker_reports(case: Case, request: pytest.FixtureRequest) -> None:
    violations = _violations(case, lambda: request.getfixturevalue("quick_base"))
    assert any(re.search(case.expected, v) for v in violations), "\n".join(violations) or "no violation"


def _templates() -> list[tuple[str, int, re.Pattern[str]]]:
    """Each message the checker modules can produce, as a pattern (formatted values match anything)."""
    out = []
    for name in CHECKER_MODULES:
        tree = ast.parse((TESTS / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            msg = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "append"
            ):
                msg = node.args[0] if node.args else None
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.List) and node.value.elts:
                msg = node.value.elts[0]
            elif isinstance(node, ast.ListComp):
                msg = node.elt
            if isinstance(msg, ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".*" for v in msg.values]
            elif isinstance(msg, ast.Constant) and isinstance(msg.value, str):
                parts = [re.escape(msg.value)]
            else:
                continue
            out.append((name, node.lineno, re.compile("^" + "".join(parts) + "$", re.DOTALL)))
    return out


def test_every_message_is_triggered(request: pytest.FixtureRequest) -> None:
    """The cases above and the mutations of test_plan_checker together produce every message."""
    from test_plan_checker import MUTATIONS

    produced: list[str] = []
    for case in CASES:
        produced += _violations(case, lambda: request.getfixturevalue("quick_base"))
    for mutate, _ in MUTATIONS:
        plan = small_plan()
        mutate(plan)
        produced += check_plan(plan)
    templates = _templates()
    assert len(templates) > 100
    silent = [
        f"{name}:{line}: {pat.pattern}"
        for name, line, pat in templates
        if not any(pat.match(v) for v in produced)
    ]
    assert silent == [], "messages no test triggers:\n" + "\n".join(silent)


def test_a_declared_quota_shortfall_must_hold_what_it_says_is_possible() -> None:
    """A re-plan may name a quota it cannot reach; the checker then holds it to the number it names."""
    plan = small_plan()
    m = plan.municipalities[0]
    made = sum(1 for r in plan.routes for st in r.stops if plan.site(st.site_id).municipality_code == m.code)
    m.quota_visits = made + 3
    needle = f"quota {m.name} ({m.code}): {made} visits"
    assert any(v.startswith(needle) for v in check_plan(plan))
    plan.kpis["quota_shortfalls"] = [f"kvote {m.name}: {made + 3} besøg krævet, højst {made} muligt i ugen (mangler 3)"]
    assert not any(v.startswith(needle) for v in check_plan(plan))
    plan.kpis["quota_shortfalls"] = [f"kvote {m.name}: {made + 3} besøg krævet, højst {made + 1} muligt i ugen"]
    assert any(v.startswith(needle) for v in check_plan(plan))

"""An independent feasibility check of a plan record, trusting nothing the solver says.

It recomputes every rule from the raw routes, stops, legs, shifts and hours
and imports nothing from ``mobilstation.optimize``. Use it in tests:
``assert check_plan(plan, resolved) == []`` (or :func:`plan_violations`,
which also rebuilds the travel matrix). Each violation is one sentence naming
the route, stop, officer or municipality and the numbers that disagree.

Two modes:

* with the resolved scenario the plan was made for, the limits come from the
  scenario, not from the plan (``plan_scenario``): sites' weekly maxima,
  windows, service, days, gaps, mandatory flags, deadlines and skills (from
  the site settings per kind and the request file as read), vehicles' shift,
  working time, crew size and weekdays, officers' station, hours, skills,
  days and day window, links and timetables, quotas, the working-time rules
  and the planned dates. Each place the plan's copy differs is a violation
  ("scenario: ..."), and the rules below are checked with the scenario's
  values;
* without one (a plan.json on its own) the plan's own copy is used, and the
  plan records all of it for that purpose.

A re-plan's closures (``travel.params["closed_links"]``: link -> dates) hold:
no route or shift leg crosses a link on a date it is closed, and the days
measured without a left-out link (``left_out_links``) are checked against a
matrix rebuilt without it. A re-plan may fall short of a visit or
mobile-hour quota only where ``kpis["quota_shortfalls"]`` says so.

Travel is also held to a second, simpler computation (``plan_geo``): no leg
beats the straight line at 130 km/h plus its links' crossings and ferry
waits (the timetable's next departure, else the average wait: never
skipped), and a leg between two land masses of the district's polygons must
list the links that carry it across. The KPIs and the objective are
recomputed from the routes and hours (``plan_kpis``).

Rules (times in minutes since local midnight, shown as HH:MM):

Routes
  * the route's vehicle exists, its depot is the vehicle's home station, its
    date is a planned date and its weekday is that date's ISO weekday; at
    most one route per vehicle and date; stops are numbered 1..n;
  * a route with n stops has n + 1 legs connecting depot -> stop 1 -> ...
    -> stop n -> depot by id; an empty route has no legs;
  * times add up leg by leg: the first leg departs at ``departure``;
    arrival = leg departure + leg minutes; start lies in one of the site's
    windows and start = max(arrival, open of that window) (no idle time
    beyond waiting for the window to open); wait = start - arrival;
    end = start + the site's service minutes; the next leg departs at end;
    ``return`` = last leg departure + its minutes;
  * ``*_iso`` strings are the same local times in the plan's time zone, with
    the offset in force at that moment;
  * shift held: departure >= shift[0], return <= shift[1], and
    return - departure <= ``max_work_min``;
  * ``travel_min``/``travel_m``/``service_min`` equal the sums over legs/stops;
  * the site's weekdays allow the route's weekday (empty = any).

Sites over the week
  * no site visited more than ``weekly_max`` times; visits of one site are
    at least ``min_gap_days`` days apart (two on one day are 0 days apart);
  * a mandatory site is visited on or before its ``deadline`` (any planned
    day when it has none);
  * skills: every skill a visited site needs (``site.skills``, e.g.
    ``"traffic"``) is held by at least one crew member of that route.

Municipality quotas (``plan.municipalities``)
  * visits = mobile-station stops at sites of the municipality >= quota_visits;
  * hours = mobile service hours (stop end - start) + lokalbetjent patrol
    hours (``plan.hours`` minutes / 60) in the municipality >= quota_hours
    (travel never counts).

Crews and officers
  * a route with stops has exactly the vehicle's ``crew_size`` distinct,
    known officers; each has a ``"mobile"`` shift on the route's date
    covering departure..return (and naming this route when it names one);
    under ``plan.rules.crew_home_rule == "same_station"`` each is based at
    the route's depot;
  * with ``crew_home_rule == "any"`` a crew member's mobile shift holds the
    drive from their station to the depot and back (the rebuilt matrix's
    minutes, else the straight-line floor);
  * shifts lie on the officer's ``available_days`` and within
    ``earliest_start``..``latest_end``; the week's shifts total at most the
    field budget ``weekly_hours x (1 - admin_share)``; a patrol allocation is
    ``blocks x patrol_block_min`` minutes; a day's patrol shifts hold its
    patrol minutes plus the straight-line round trip to the farthest area;
  * an officer's shifts do not overlap; a duty day (all shifts on one date)
    spans at most the officer's ``max_shift_hours`` (the caller's value, else
    the plan's, else 10 h) from first start to last end; between the last end
    of one duty day and the first start of the next there are at least
    ``min_rest_hours`` (the caller's, else ``plan.rules``, else 11 h); the
    week's shift time totals at most ``weekly_hours``;
  * patrol minutes allocated to an officer on a date fit in their patrol
    shifts that date (undated allocations fit in the week's patrol shifts);
    allocations name a known site in the stated municipality.

Ferries and water
  * every link id on a leg exists; a leg that uses a ferry link (link kind
    ``"ferry"``) has ``ferry=True`` and at least the link's ``crossing_min``
    minutes; a leg with ``ferry=True`` uses a ferry link;
  * land masses and straight-line floors as above (``plan_geo``); a site lies
    in the municipality it is counted for (the district's polygons).

Travel (with ``travel``, a matrix recomputed outside the planner, e.g. by
:func:`reference_matrix`)
  * every leg's metres, ferry flag and links equal the matrix's for its two
    places; its minutes equal the matrix's, except a leg over a ferry with a
    timetable, which may beat the matrix's average wait but never drive +
    crossing (matrix minutes - the link's ``wait_min``). A ferry without a
    timetable always costs its average wait.

Unvisited
  * every listed site exists, is listed once with a non-empty reason and is
    not visited; with ``require_all_explained`` every site not visited must
    be listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import plan_geo as _geo
from plan_kpis import check_kpis
from plan_scenario import hold_to_scenario

from mobilstation.plan import PlanRecord, Route, SiteRecord
from mobilstation.travel.base import Point, TravelMatrix

if TYPE_CHECKING:
    from mobilstation.scenario import ResolvedScenario

EPS = 1e-6
DEFAULT_MAX_SHIFT_HOURS = 10.0  # when neither the caller nor the plan states an officer's limit
DEFAULT_MIN_REST_HOURS = 11.0  # when neither the caller nor the plan states the rest rule


def _hm(minute: int) -> str:
    sign = "-" if minute < 0 else ""
    minute = abs(minute)
    return f"{sign}{minute // 60:02d}:{minute % 60:02d}"


def _local(day: str, minute: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=tz) + timedelta(minutes=minute)


def _check_iso(where: str, field: str, text: str, day: str, minute: int, tz: ZoneInfo) -> list[str]:
    expected = _local(day, minute, tz)
    try:
        got = datetime.fromisoformat(text)
    except ValueError:
        return [f"{where}: {field} {text!r} is not an ISO 8601 datetime"]
    if got.tzinfo is None:
        return [f"{where}: {field} {text!r} has no UTC offset"]
    if (
        got != expected
        or got.utcoffset() != expected.utcoffset()
        or got.replace(tzinfo=None) != expected.replace(tzinfo=None)
    ):
        return [f"{where}: {field} {text!r} is not {expected.isoformat()} ({day} {_hm(minute)} local)"]
    return []


def _check_route(plan: PlanRecord, route: Route, sites: dict[str, SiteRecord], tz: ZoneInfo) -> list[str]:
    out: list[str] = []
    rid = f"route {route.id}"
    vehicles = {v.id: v for v in plan.vehicles}
    vehicle = vehicles.get(route.vehicle_id)
    if vehicle is None:
        out.append(f"{rid}: unknown vehicle {route.vehicle_id!r}")
    elif route.depot_id != vehicle.home_station_id:
        out.append(
            f"{rid}: depot {route.depot_id!r} is not vehicle {vehicle.id}'s home station "
            f"{vehicle.home_station_id!r}"
        )
    if route.depot_id not in {s.id for s in plan.stations}:
        out.append(f"{rid}: depot {route.depot_id!r} is not a station of the plan")
    if route.date not in plan.scenario.dates:
        out.append(f"{rid}: date {route.date} is not a planned date {plan.scenario.dates}")
    weekday = date.fromisoformat(route.date).isoweekday()
    if route.weekday != weekday:
        out.append(f"{rid}: weekday {route.weekday} but {route.date} is ISO weekday {weekday}")
    if vehicle is not None and vehicle.days and weekday not in vehicle.days and (route.stops or route.crew):
        out.append(f"{rid}: vehicle {vehicle.id} works only on ISO weekdays {vehicle.days}, not {weekday}")
    if vehicle is not None and (route.shift != vehicle.shift or route.max_work_min != vehicle.max_work_min):
        out.append(
            f"{rid}: shift {route.shift} / max_work_min {route.max_work_min} are not vehicle {vehicle.id}'s "
            f"{vehicle.shift} / {vehicle.max_work_min}"
        )

    stops = route.stops
    if [s.seq for s in stops] != list(range(1, len(stops) + 1)):
        out.append(f"{rid}: stops numbered {[s.seq for s in stops]}, expected 1..{len(stops)} in order")
    unknown = [s.site_id for s in stops if s.site_id not in sites]
    if unknown:
        out.append(f"{rid}: unknown site(s) {unknown}")
        return out

    # shift and working time hold even for an empty route
    if route.departure < route.shift[0]:
        out.append(f"{rid}: departs {_hm(route.departure)} before the shift opens at {_hm(route.shift[0])}")
    if route.return_ > route.shift[1]:
        out.append(f"{rid}: returns {_hm(route.return_)} after the shift closes at {_hm(route.shift[1])}")
    if route.return_ < route.departure:
        out.append(f"{rid}: returns {_hm(route.return_)} before it departs {_hm(route.departure)}")
    if route.return_ - route.departure > route.max_work_min:
        out.append(
            f"{rid}: working time {route.return_ - route.departure} min exceeds max_work_min "
            f"{route.max_work_min}"
        )

    if not stops:
        if route.legs:
            out.append(f"{rid}: no stops but {len(route.legs)} legs")
        if route.travel_min or route.travel_m or route.service_min:
            out.append(
                f"{rid}: no stops but totals travel_min={route.travel_min}, travel_m={route.travel_m}, "
                f"service_min={route.service_min}"
            )
        return out

    legs = route.legs
    if len(legs) != len(stops) + 1:
        out.append(f"{rid}: {len(legs)} legs for {len(stops)} stops (expected {len(stops) + 1})")
        return out

    # legs connect depot -> stops -> depot
    chain = [route.depot_id] + [s.site_id for s in stops] + [route.depot_id]
    for i, leg in enumerate(legs):
        if (leg.from_id, leg.to_id) != (chain[i], chain[i + 1]):
            out.append(
                f"{rid}: leg {i + 1} goes {leg.from_id} -> {leg.to_id}, expected "
                f"{chain[i]} -> {chain[i + 1]} (legs do not connect)"
            )
        if leg.minutes < 0 or leg.metres < 0:
            out.append(f"{rid}: leg {i + 1} has negative minutes/metres ({leg.minutes}, {leg.metres})")

    # times add up leg by leg
    if legs[0].depart != route.departure:
        out.append(
            f"{rid}: first leg departs {_hm(legs[0].depart)}, route departure is {_hm(route.departure)}"
        )
    for i, stop in enumerate(stops):
        site = sites[stop.site_id]
        where = f"{rid} stop {stop.seq} ({site.id})"
        leg = legs[i]
        expected_arrival = leg.depart + leg.minutes
        if stop.arrival != expected_arrival:
            out.append(
                f"{where}: arrival {_hm(stop.arrival)} but leg departs {_hm(leg.depart)} + "
                f"{leg.minutes} min = {_hm(expected_arrival)}"
            )
        window = next((w for w in site.windows if w[0] <= stop.start <= w[1]), None)
        if window is None:
            out.append(
                f"{where}: start {_hm(stop.start)} is outside every window "
                f"{[[_hm(a), _hm(b)] for a, b in site.windows]}"
            )
        else:
            expected_start = max(stop.arrival, window[0])
            if stop.start != expected_start:
                out.append(
                    f"{where}: start {_hm(stop.start)} but max(arrival {_hm(stop.arrival)}, window open "
                    f"{_hm(window[0])}) = {_hm(expected_start)}"
                )
        if stop.start < stop.arrival:
            out.append(f"{where}: start {_hm(stop.start)} before arrival {_hm(stop.arrival)}")
        if stop.wait_min != stop.start - stop.arrival:
            out.append(f"{where}: wait_min {stop.wait_min} but start - arrival = {stop.start - stop.arrival}")
        if stop.end != stop.start + site.service_min:
            out.append(
                f"{where}: end {_hm(stop.end)} but start {_hm(stop.start)} + service {site.service_min} min "
                f"= {_hm(stop.start + site.service_min)}"
            )
        if legs[i + 1].depart != stop.end:
            out.append(
                f"{where}: next leg departs {_hm(legs[i + 1].depart)}, not at the end of service "
                f"{_hm(stop.end)}"
            )
        if site.days and route.weekday not in site.days:
            out.append(f"{where}: visited on ISO weekday {route.weekday}, site allows only {site.days}")
        out += _check_iso(where, "arrival_iso", stop.arrival_iso, route.date, stop.arrival, tz)
        out += _check_iso(where, "start_iso", stop.start_iso, route.date, stop.start, tz)
        out += _check_iso(where, "end_iso", stop.end_iso, route.date, stop.end, tz)
    expected_return = legs[-1].depart + legs[-1].minutes
    if route.return_ != expected_return:
        out.append(
            f"{rid}: return {_hm(route.return_)} but last leg departs {_hm(legs[-1].depart)} + "
            f"{legs[-1].minutes} min = {_hm(expected_return)}"
        )

    # totals
    if route.travel_min != sum(leg.minutes for leg in legs):
        out.append(f"{rid}: travel_min {route.travel_min} but legs sum to {sum(leg.minutes for leg in legs)}")
    if route.travel_m != sum(leg.metres for leg in legs):
        out.append(f"{rid}: travel_m {route.travel_m} but legs sum to {sum(leg.metres for leg in legs)}")
    service = sum(s.end - s.start for s in stops)
    if route.service_min != service:
        out.append(f"{rid}: service_min {route.service_min} but stops sum to {service}")

    out += _check_ferries(plan, route, sites)
    out += _check_crew(plan, route, sites)
    return out


def _check_ferries(plan: PlanRecord, route: Route, sites: dict[str, SiteRecord]) -> list[str]:
    out: list[str] = []
    links = {lk.id: lk for lk in plan.links}
    places = _geo.coords(plan)
    lands = _geo.land(plan.scenario.district)
    boarding = (plan.rules.ferry_boarding_min if plan.rules else None) or 0
    for i, leg in enumerate(route.legs, start=1):
        where = f"route {route.id} leg {i} ({leg.from_id} -> {leg.to_id})"
        ferries = []
        for link_id in leg.links:
            link = links.get(link_id)
            if link is None:
                out.append(f"{where}: unknown link {link_id!r}")
            elif link.kind == "ferry":
                ferries.append(link)
        for link in ferries:
            if not leg.ferry:
                out.append(f"{where}: uses ferry {link.id} but ferry=False")
            if leg.minutes < link.crossing_min:
                out.append(
                    f"{where}: {leg.minutes} min is shorter than the ferry crossing {link.id} "
                    f"({link.crossing_min} min)"
                )
        if leg.ferry and not ferries:
            out.append(f"{where}: ferry=True but the leg uses no ferry link")
        out += _geo.check_leg(plan, where, leg, places, links, lands, boarding)
    return out


def _check_travel(plan: PlanRecord, route: Route, travel: TravelMatrix) -> list[str]:
    out: list[str] = []
    index = {pid: k for k, pid in enumerate(travel.ids)}
    waits = {lk.id: lk.wait_min for lk in plan.links}
    timed = {lk.id for lk in plan.links if lk.kind == "ferry" and (lk.departures_a or lk.departures_b)}
    for n, leg in enumerate(route.legs, start=1):
        where = f"route {route.id} leg {n} ({leg.from_id} -> {leg.to_id})"
        if leg.from_id not in index or leg.to_id not in index:
            out.append(f"{where}: a place the travel matrix does not hold")
            continue
        i, j = index[leg.from_id], index[leg.to_id]
        minutes, metres = int(travel.minutes[i, j]), int(travel.metres[i, j])
        ferry, links = bool(travel.ferry[i, j]), tuple(travel.links.get((i, j), ()))
        if leg.metres != metres:
            out.append(f"{where}: {leg.metres} m, the travel model says {metres} m")
        if leg.ferry != ferry or tuple(leg.links) != links:
            said, model = f"ferry={leg.ferry} via {list(leg.links)}", f"{ferry} via {list(links)}"
            out.append(f"{where}: {said}, the travel model: {model}")
        if not (ferry and timed & set(links)) and leg.minutes != minutes:
            out.append(f"{where}: {leg.minutes} min, the travel model says {minutes} min")
        if ferry and timed & set(links):
            least = minutes - sum(waits.get(k, 0) for k in links)
            if leg.minutes < least:
                out.append(f"{where}: {leg.minutes} min is less than drive + crossing ({least} min)")
    return out


def reference_matrix(
    plan: PlanRecord, district: Any = None, *, without: Sequence[str] = (), dates: Sequence[str] = ()
) -> TravelMatrix:
    """The travel between the plan's places, recomputed from the plan's coordinates and travel parameters.

    Only the ``estimated`` model can be rebuilt from the plan alone (``osm``
    needs its road file). Points are the places the plan uses: its routes'
    depots, its officers' stations and its sites; a station nothing uses may
    lie on land no car link reaches (an island a scenario's links file cuts
    off), and the planner never asked travel for it.
    ``district``: the scenario's district (with a scenario's own stations and
    links files applied); None loads the embedded one by the plan's name.
    ``without``: links left out (a re-plan's closed short cut); ``dates``: only
    the places the routes of those dates use (what the link alone reaches may
    be cut off without it).
    """
    from mobilstation.geo.district import load_district
    from mobilstation.travel.estimated import EstimatedParams, EstimatedTravel

    if plan.travel.model != "estimated":
        raise ValueError(f"cannot rebuild a {plan.travel.model!r} matrix from the plan alone")
    params = {k: v for k, v in plan.travel.params.items() if k in EstimatedParams.model_fields}
    if district is None:
        district = load_district(plan.scenario.district)
    if without:
        district = replace(district, links=tuple(lk for lk in district.links if lk.id not in without))
    model = EstimatedTravel.from_district(district, EstimatedParams(**params))
    # a re-plan's record lists the links its travel used: all, or all but those it left out
    recorded = set(plan.travel.params.get("links", [])) | set(plan.travel.params.get("left_out_links", []))
    if {lk.id for lk in model.links} != recorded - set(without):
        raise ValueError("the plan was made with other fixed links than the district has now")
    if dates:
        routes = [r for r in plan.routes if r.date in dates]
        used = {r.depot_id for r in routes}
        visited = {st.site_id for r in routes for st in r.stops}
        sites = [x for x in plan.sites if x.id in visited]
    else:
        used = {r.depot_id for r in plan.routes} | {o.station_id for o in plan.officers}
        sites = list(plan.sites)
    points = [Point(st.id, st.lat, st.lon) for st in plan.stations if st.id in used]
    points += [Point(x.id, x.lat, x.lon) for x in sites]
    return model.matrix(points)


def _reaches(shortfall: str, visits: int) -> bool:
    """A declared visit shortfall ("... højst N muligt ...") holds the N visits it says are possible."""
    import re

    m = re.search(r"(\d+) (?:besøg krævet, højst|visits required, at most) (\d+)", shortfall)
    return m is None or visits >= int(m.group(2))


def _check_closures(plan: PlanRecord) -> list[str]:
    """No van or officer crosses a link on a date the plan's travel says it is closed."""
    closed = plan.travel.params.get("closed_links", {})
    out = []
    for r in plan.routes:
        for k, lg in enumerate(r.legs):
            for lk in lg.links:
                if r.date in closed.get(lk, ()):
                    out.append(f"route {r.id} leg {k}: crosses {lk}, closed on {r.date}")
    for o in plan.officers:
        for sh in o.shifts:
            for lg in sh.legs:
                for lk in lg.links:
                    if sh.date in closed.get(lk, ()):
                        out.append(f"officer {o.id}: {sh.duty} shift on {sh.date} crosses {lk}, closed that day")
    return out


def _check_crew(plan: PlanRecord, route: Route, sites: dict[str, SiteRecord]) -> list[str]:
    out: list[str] = []
    rid = f"route {route.id}"
    vehicle = next((v for v in plan.vehicles if v.id == route.vehicle_id), None)
    officers = {o.id: o for o in plan.officers}
    if len(set(route.crew)) != len(route.crew):
        out.append(f"{rid}: crew lists an officer twice {route.crew}")
    if vehicle is not None and len(set(route.crew)) != vehicle.crew_size:
        out.append(
            f"{rid}: crew of {len(set(route.crew))} {route.crew}, vehicle {vehicle.id} needs "
            f"{vehicle.crew_size}"
        )
    skills: set[str] = set()
    for oid in route.crew:
        officer = officers.get(oid)
        if officer is None:
            out.append(f"{rid}: unknown crew member {oid!r}")
            continue
        skills |= set(officer.skills)
        home_rule = plan.rules is not None and plan.rules.crew_home_rule == "same_station"
        if home_rule and officer.station_id != route.depot_id:
            out.append(f"{rid}: crew member {oid} is based at {officer.station_id}, not at {route.depot_id}")
        covering = [
            s
            for s in officer.shifts
            if s.duty == "mobile"
            and s.date == route.date
            and s.start <= route.departure
            and s.end >= route.return_
            and s.route_id in (None, route.id)
        ]
        if not covering:
            out.append(
                f"{rid}: crew member {oid} has no mobile shift on {route.date} covering "
                f"{_hm(route.departure)}-{_hm(route.return_)}"
            )
    for stop in route.stops:
        missing = set(sites[stop.site_id].skills) - skills
        if missing:
            out.append(
                f"{rid} stop {stop.seq} ({stop.site_id}): needs skill(s) {sorted(missing)} "
                f"that no crew member {route.crew} has"
            )
    return out


def _check_week(plan: PlanRecord, sites: dict[str, SiteRecord]) -> list[str]:
    out: list[str] = []
    seen_vehicle_days: set[tuple[str, str]] = set()
    visit_dates: dict[str, list[str]] = defaultdict(list)
    for route in plan.routes:
        key = (route.vehicle_id, route.date)
        if key in seen_vehicle_days:
            out.append(f"vehicle {route.vehicle_id} has more than one route on {route.date}")
        seen_vehicle_days.add(key)
        for stop in route.stops:
            visit_dates[stop.site_id].append(route.date)
    if len({r.id for r in plan.routes}) != len(plan.routes):
        out.append("route ids are not unique")

    for site_id, dates in visit_dates.items():
        site = sites.get(site_id)
        if site is None:
            continue
        if len(dates) > site.weekly_max:
            out.append(f"site {site_id}: visited {len(dates)} times, weekly_max is {site.weekly_max}")
        ordered = sorted(date.fromisoformat(d) for d in dates)
        for a, b in pairwise(ordered):
            if (b - a).days < site.min_gap_days:
                out.append(
                    f"site {site_id}: visits on {a} and {b} are {(b - a).days} days apart, "
                    f"min_gap_days is {site.min_gap_days}"
                )
    for site in plan.sites:
        if not site.mandatory:
            continue
        dates = sorted(visit_dates.get(site.id, []))
        if not dates:
            out.append(f"site {site.id}: mandatory but not visited")
        elif site.deadline is not None and dates[0] > site.deadline:
            out.append(f"site {site.id}: mandatory by {site.deadline} but first visited {dates[0]}")

    for site in plan.sites:
        code = _geo.municipality_of(plan.scenario.district, site.lat, site.lon)
        if code != site.municipality_code:
            out.append(
                f"site {site.id}: counted for municipality {site.municipality_code} but lies in {code}"
            )

    # municipality quotas
    visits: dict[str, int] = defaultdict(int)
    minutes: dict[str, float] = defaultdict(float)
    for route in plan.routes:
        for stop in route.stops:
            if stop.site_id in sites:
                code = sites[stop.site_id].municipality_code
                visits[code] += 1
                minutes[code] += stop.end - stop.start
    mobile = dict(minutes)
    patrol: dict[str, float] = defaultdict(float)
    for h in plan.hours:
        minutes[h.municipality_code] += h.minutes
        patrol[h.municipality_code] += h.minutes
    # a re-plan after a disruption may fall short of a visit or mobile-hour quota, and must say so
    said = plan.kpis.get("quota_shortfalls", [])
    for m in plan.municipalities:
        short = any(t.startswith(f"kvote {m.name}:") and _reaches(t, visits[m.code]) for t in said)
        if not short and mobile.get(m.code, 0) / 60 < m.quota_mobile_hours - EPS:
            out.append(
                f"quota {m.name} ({m.code}): {mobile.get(m.code, 0) / 60:.2f} mobile service hours, "
                f"{m.quota_mobile_hours:g} required"
            )
        if patrol[m.code] / 60 < m.quota_patrol_hours - EPS:
            out.append(
                f"quota {m.name} ({m.code}): {patrol[m.code] / 60:.2f} patrol hours, "
                f"{m.quota_patrol_hours:g} required"
            )
        if not short and visits[m.code] < m.quota_visits:
            out.append(f"quota {m.name} ({m.code}): {visits[m.code]} visits, {m.quota_visits} required")
        hours = minutes[m.code] / 60
        if hours < m.quota_hours - EPS:
            out.append(
                f"quota {m.name} ({m.code}): {hours:.2f} hours (mobile service + patrol), "
                f"{m.quota_hours:g} required"
            )

    # unvisited
    listed: set[str] = set()
    for u in plan.unvisited:
        if u.site_id not in sites:
            out.append(f"unvisited: unknown site {u.site_id!r}")
        if u.site_id in listed:
            out.append(f"unvisited: site {u.site_id} listed twice")
        listed.add(u.site_id)
        if u.site_id in visit_dates:
            out.append(
                f"unvisited: site {u.site_id} is listed as unvisited but visited on "
                f"{sorted(visit_dates[u.site_id])}"
            )
        if not u.reason.strip():
            out.append(f"unvisited: site {u.site_id} has no reason")
    return out


def _drive_to_depot(plan, who, officer, shift, route, travel) -> list[str]:
    """A crew member's mobile shift runs from leaving their own station to getting back to it."""
    if officer.station_id == route.depot_id or not route.stops:
        return []
    places = _geo.coords(plan)
    if officer.station_id not in places:
        return [f"{who}: station {officer.station_id!r} has no coordinates in the plan"]
    there = back = None
    if travel is not None:
        index = {pid: k for k, pid in enumerate(travel.ids)}
        if officer.station_id in index and route.depot_id in index:
            i, j = index[officer.station_id], index[route.depot_id]
            there, back = int(travel.minutes[i, j]), int(travel.minutes[j, i])
    if there is None:
        floor = _geo.floor_min(places[officer.station_id], places[route.depot_id])
        there = back = int(floor)
    if shift.start > route.departure - there or shift.end < route.return_ + back:
        return [
            f"{who}: mobile shift on {shift.date} {_hm(shift.start)}-{_hm(shift.end)} does not hold the "
            f"drive "
            f"from {officer.station_id} to the depot {route.depot_id} ({there} min) before "
            f"{_hm(route.departure)} and back ({back} min) after {_hm(route.return_)}"
        ]
    return []


def _patrol_travel(plan, who, officer, patrol_by_day) -> list[str]:
    """A day's patrol shifts hold its patrol minutes and at least the straight-line round trip to the
    farthest area (a closed tour from the station through a point is at least twice its distance)."""
    places = _geo.coords(plan)
    home = places.get(officer.station_id)
    if home is None:
        return []
    by_day: dict[str, list] = defaultdict(list)
    for h in plan.hours:
        if h.officer_id == officer.id and h.date is not None and h.minutes > 0 and h.area_id in places:
            by_day[h.date].append(h)
    out = []
    for day, allocs in sorted(by_day.items()):
        minutes = sum(h.minutes for h in allocs)
        trip = max(2 * _geo.floor_min(home, places[h.area_id]) for h in allocs)
        if minutes + int(trip) > patrol_by_day.get(day, 0):
            out.append(
                f"{who}: patrol on {day} has {minutes} min in areas {sorted({h.area_name for h in allocs})} "
                f"+ >= {int(trip)} min travel from {officer.station_id}, but the patrol shifts last "
                f"{patrol_by_day.get(day, 0)} min"
            )
    return out


def _check_officers(
    plan: PlanRecord, max_shift_hours: float | None, min_rest_hours: float, travel: TravelMatrix | None
) -> list[str]:
    out: list[str] = []
    routes = {r.id: r for r in plan.routes}
    sites = {s.id: s for s in plan.sites}
    base = {d: i for i, d in enumerate(sorted(plan.scenario.dates))}
    for officer in plan.officers:
        who = f"officer {officer.id} ({officer.name})"

        def absolute(day: str, minute: int) -> int:
            return date.fromisoformat(day).toordinal() * 1440 + minute

        shifts = sorted(officer.shifts, key=lambda s: (s.date, s.start, s.end))
        for s in shifts:
            if s.date not in base:
                out.append(f"{who}: shift on {s.date}, which is not a planned date")
            if s.end <= s.start:
                out.append(f"{who}: shift on {s.date} ends {_hm(s.end)} before it starts {_hm(s.start)}")
            if s.duty == "mobile":
                route = routes.get(s.route_id or "")
                if s.route_id is not None and route is None:
                    out.append(f"{who}: mobile shift on {s.date} names unknown route {s.route_id!r}")
                elif route is not None and officer.id not in route.crew:
                    out.append(
                        f"{who}: mobile shift on {s.date} names route {route.id} but is not in its crew"
                    )
        for a, b in pairwise(shifts):
            if absolute(b.date, b.start) < absolute(a.date, a.end):
                out.append(
                    f"{who}: shifts overlap: {a.date} {_hm(a.start)}-{_hm(a.end)} ({a.duty}) and "
                    f"{b.date} {_hm(b.start)}-{_hm(b.end)} ({b.duty})"
                )
        days: dict[str, list] = defaultdict(list)
        for s in shifts:
            days[s.date].append(s)
        spans = []
        longest = max_shift_hours or officer.max_shift_hours or DEFAULT_MAX_SHIFT_HOURS
        for day in sorted(days):
            first = min(s.start for s in days[day])
            last = max(s.end for s in days[day])
            spans.append((day, first, last))
            if last - first > longest * 60 + EPS:
                out.append(
                    f"{who}: duty on {day} spans {_hm(first)}-{_hm(last)} = {(last - first) / 60:.2f} h, "
                    f"more than {longest:g} h"
                )
        for (d1, _, end1), (d2, start2, _) in pairwise(spans):
            rest = absolute(d2, start2) - absolute(d1, end1)
            if rest < min_rest_hours * 60 - EPS:
                out.append(
                    f"{who}: rest between {d1} {_hm(end1)} and {d2} {_hm(start2)} is {rest / 60:.2f} h, "
                    f"less than {min_rest_hours:g} h"
                )
        total = sum(s.end - s.start for s in shifts)
        if total > officer.weekly_hours * 60 + EPS:
            out.append(
                f"{who}: {total / 60:.2f} h of shifts this week, more than weekly_hours "
                f"{officer.weekly_hours:g}"
            )
        admin = plan.rules.admin_share if plan.rules is not None else None
        if admin is not None:
            budget = int(officer.weekly_hours * 60 * (1 - admin) + 1e-9)
            if total > budget:
                out.append(
                    f"{who}: {total} min of shifts this week, more than the field budget {budget} min "
                    f"(weekly_hours {officer.weekly_hours:g} x (1 - admin share {admin:g}))"
                )
        for s in shifts:
            weekday = date.fromisoformat(s.date).isoweekday()
            if officer.available_days is not None and weekday not in officer.available_days:
                out.append(
                    f"{who}: {s.duty} shift on {s.date} (ISO weekday {weekday}), but works only on "
                    f"{officer.available_days}"
                )
            early, late = officer.earliest_start, officer.latest_end
            if early is not None and late is not None and (s.start < early or s.end > late):
                out.append(
                    f"{who}: {s.duty} shift on {s.date} {_hm(s.start)}-{_hm(s.end)} leaves the day window "
                    f"{_hm(early)}-{_hm(late)}"
                )
            if s.duty == "mobile" and s.route_id in routes:
                out += _drive_to_depot(plan, who, officer, s, routes[s.route_id], travel)

        # patrol allocations fit in patrol shifts
        patrol_by_day: dict[str | None, int] = defaultdict(int)
        for s in shifts:
            if s.duty == "patrol":
                patrol_by_day[s.date] += s.end - s.start
        alloc_by_day: dict[str | None, int] = defaultdict(int)
        for h in plan.hours:
            if h.officer_id != officer.id:
                continue
            alloc_by_day[h.date] += h.minutes
            site = sites.get(h.area_id)
            if site is None:
                out.append(f"{who}: patrol allocation names unknown area {h.area_id!r}")
            elif site.municipality_code != h.municipality_code:
                out.append(
                    f"{who}: patrol area {h.area_id} lies in {site.municipality_code}, allocation says "
                    f"{h.municipality_code}"
                )
            if h.minutes < 0:
                out.append(f"{who}: negative patrol minutes in {h.area_id}")
            block = plan.rules.patrol_block_min if plan.rules is not None else None
            if block is not None and h.minutes != h.blocks * block:
                out.append(
                    f"{who}: patrol in {h.area_id} on {h.date}: {h.minutes} min but {h.blocks} blocks of "
                    f"{block} min"
                )
        for day, minutes in alloc_by_day.items():
            if day is None:
                continue
            if minutes > patrol_by_day.get(day, 0):
                out.append(
                    f"{who}: {minutes} patrol minutes allocated on {day} but patrol shifts that day last "
                    f"{patrol_by_day.get(day, 0)} min"
                )
        out += _patrol_travel(plan, who, officer, patrol_by_day)
        week_alloc = sum(alloc_by_day.values())
        week_patrol = sum(patrol_by_day.values())
        if week_alloc > week_patrol:
            out.append(
                f"{who}: {week_alloc} patrol minutes allocated in the week but patrol shifts last "
                f"{week_patrol} min"
            )
    known = {o.id for o in plan.officers}
    for h in plan.hours:
        if h.officer_id not in known:
            out.append(f"patrol allocation for unknown officer {h.officer_id!r} in {h.area_id}")
    return out


def check_plan(
    plan: PlanRecord,
    scenario: ResolvedScenario | None = None,
    *,
    max_shift_hours: float | None = None,
    min_rest_hours: float | None = None,
    require_all_explained: bool = False,
    travel: TravelMatrix | None = None,
    travel_on: Mapping[str, TravelMatrix] | None = None,
) -> list[str]:
    """Every rule of the module docstring that ``plan`` breaks, as sentences; [] when feasible.

    With ``scenario`` (the resolved scenario the plan was made for) the limits
    come from the scenario: every difference from the plan's own copy is a
    violation, and the plan is checked against the scenario's values.
    ``travel_on`` (date -> matrix) replaces ``travel`` on those dates (a
    re-plan's days measured without a closed link).
    """
    out: list[str] = []
    if scenario is not None:
        plan, out = hold_to_scenario(plan, scenario)
    out += check_kpis(plan, require=scenario is not None)
    tz = ZoneInfo(plan.timezone)
    sites = {s.id: s for s in plan.sites}
    if len(sites) != len(plan.sites):
        out.append("site ids are not unique")
    for route in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date)):
        out += _check_route(plan, route, sites, tz)
        if travel is not None:
            out += _check_travel(plan, route, (travel_on or {}).get(route.date, travel))
    out += _check_closures(plan)
    out += _check_week(plan, sites)
    if min_rest_hours is None:
        min_rest_hours = plan.rules.min_rest_hours if plan.rules else DEFAULT_MIN_REST_HOURS
    out += _check_officers(plan, max_shift_hours, min_rest_hours, travel)
    if require_all_explained:
        visited = {s.site_id for r in plan.routes for s in r.stops}
        listed = {u.site_id for u in plan.unvisited}
        missing = sorted(set(sites) - visited - listed)
        if missing:
            out.append(f"unvisited: site(s) {missing} are neither visited nor listed with a reason")
    return out


def plan_violations(
    plan: PlanRecord,
    scenario: ResolvedScenario | None = None,
    *,
    require_all_explained: bool = True,
    **kwargs: object,
) -> list[str]:
    """Everything the checker finds in a plan the product made: with the scenario, and with the travel
    matrix rebuilt outside the planner when the plan's travel model allows it (``estimated``)."""
    district = scenario.district if scenario is not None else None
    travel = travel_on = None
    if plan.travel.model == "estimated":
        travel = reference_matrix(plan, district)
        left_out = plan.travel.params.get("left_out_links", [])
        if left_out:
            closed = plan.travel.params.get("closed_links", {})
            days = sorted({d for lk in left_out for d in closed.get(lk, ())})
            without = reference_matrix(plan, district, without=left_out, dates=days)
            travel_on = dict.fromkeys(days, without)
    return check_plan(
        plan, scenario, travel=travel, travel_on=travel_on, require_all_explained=require_all_explained, **kwargs
    )


def is_patrol_travel(violation: str) -> bool:
    """A violation saying an officer's patrol day leaves no time for the drive to its areas."""
    return " min travel from " in violation and ": patrol on " in violation

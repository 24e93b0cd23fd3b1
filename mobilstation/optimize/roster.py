"""Who works when: crews for the vehicle-days and daily patrol shifts (CP-SAT).

Two small constraint models, both solved by OR-Tools CP-SAT with one worker,
a fixed seed and a deterministic work limit, so the roster is the same on
every machine:

* :func:`assign_crews` puts ``crew_size`` named officers on each vehicle-day
  (a :class:`CrewSlot`). An officer's mobile shift runs from leaving their
  own station (drive to the vehicle's depot) to getting back, so the drive is
  counted in the shift. Rules: availability on the weekday, the officer's
  day window, ``max_shift_hours``, one duty per day, the week's field budget
  (contract hours x (1 - admin share)) never exceeded, at least
  ``min_rest_hours`` between the end of one shift and the start of the next,
  the home-station rule, and skills (a slot that needs ``"traffic"`` gets at
  least one officer who has it). Run before routing with worst-case slots
  (the whole vehicle shift) it tells which vehicle-days can be crewed at all;
  run after routing with the real departure and return it names the crews.
* :func:`lay_patrol` lays each officer's weekly patrol blocks (from the
  hours model) into daily patrol shifts: on a day without mobile duty a
  patrol shift anywhere in the officer's day window, on a mobile day one
  patrol shift right before or right after the mobile shift, the whole day
  within ``max_shift_hours``; the rest rule holds across consecutive days.
  Given the travel times, a patrol shift is a drive: out from the officer's
  station, each area of the day visited once (all its blocks in one
  stretch, so an area never pays the drive twice in a day), back to the
  station. The model books the round trip station-area-station for every
  area visited on a day; the shift is then laid as the shortest tour
  through the day's areas, which is never longer than those round trips
  (the round trips themselves are a tour), so what the model admitted
  always fits.

Times are minutes since local midnight; durations minutes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from mobilstation.i18n import t
from mobilstation.optimize.specs import Officer, WeekSettings
from mobilstation.travel.closures import LinkClosures

TravelMinutes = Callable[[str, str], int]


@dataclass(frozen=True)
class CrewSlot:
    """One vehicle-day to crew.

    ``start``/``end`` are the departure from and return to the depot (for the
    worst-case pre-check: the vehicle's shift window); ``work_min`` is the
    duty at the depot side counted against budgets and ``max_shift_hours``
    (worst case: ``min(max_work_min, shift length)``). ``skills`` must be
    present in the crew.
    """

    route_id: str
    day: int
    date: date
    depot_id: str
    start: int
    end: int
    work_min: int
    crew_size: int
    skills: frozenset[str] = frozenset()


@dataclass
class CrewAssignment:
    """Result of :func:`assign_crews`.

    ``crews`` maps route id to sorted officer ids (crewed slots only);
    ``uncrewed`` maps route id to a Danish sentence saying why it has no crew;
    ``missing_skills`` maps route id to skills no crew member has.
    ``duty`` maps (officer id, route id) to the officer's shift
    (start, end) including the drive from and to their station.
    """

    crews: dict[str, list[str]]
    uncrewed: dict[str, str]
    missing_skills: dict[str, set[str]]
    duty: dict[tuple[str, str], tuple[int, int]]
    status: str
    seconds: float


@dataclass
class PatrolDay:
    """One officer's patrol shift on one day: blocks per area and the times.

    ``order`` is the drive: the station, the areas in visit order (the
    station again where the shortest drive returns between two areas) and
    the station at the end; empty when the layout was made without travel
    times. ``travel_min`` is the driving in the shift, so
    ``end - start == travel_min + blocks x block minutes``.
    """

    officer_id: str
    day: int
    start: int
    end: int
    blocks: dict[str, int] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    travel_min: int = 0


@dataclass
class PatrolLayout:
    """Result of :func:`lay_patrol`: shifts per officer and blocks not placed."""

    days: list[PatrolDay]
    unplaced: dict[tuple[str, str], int]
    status: str
    seconds: float


def field_budget_min(officer: Officer, settings: WeekSettings) -> int:
    """Minutes of field work an officer can give in the week.

    Contract hours less the administrative share, floored to whole minutes so
    a plan never exceeds the contract.
    """
    return int(officer.weekly_hours * 60 * (1.0 - settings.admin_share) + 1e-9)


def _solver(seed: int, deterministic_s: float, time_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = deterministic_s
    solver.parameters.max_time_in_seconds = time_s
    return solver


def officer_shift(
    officer: Officer,
    slot: CrewSlot,
    travel_min: TravelMinutes,
    settings: WeekSettings,
    closures: LinkClosures | None = None,
) -> tuple[int, int] | None:
    """The officer's shift (start, end) for ``slot``, or None when not allowed.

    The shift runs from leaving the officer's station to getting back, so the
    drive to and from the vehicle's depot is part of it (and cannot use a
    link ``closures`` close that day).
    """
    if slot.date.isoweekday() not in officer.available_days:
        return None
    if settings.crew_home_rule == "same_station" and officer.station_id != slot.depot_id:
        return None
    if closures is not None and closures.round_trip_closed(officer.station_id, slot.depot_id, slot.date):
        return None
    t_in = travel_min(officer.station_id, slot.depot_id)
    t_out = travel_min(slot.depot_id, officer.station_id)
    start, end = slot.start - t_in, slot.end + t_out
    if start < officer.earliest_start or end > officer.latest_end:
        return None
    if slot.work_min + t_in + t_out > officer.max_shift_hours * 60 + 1e-9:
        return None
    return start, end


def assign_crews(
    slots: Sequence[CrewSlot],
    officers: Sequence[Officer],
    travel_min: TravelMinutes,
    settings: WeekSettings,
    *,
    budgets: Mapping[str, int] | None = None,
    hint: Mapping[str, Sequence[str]] | None = None,
    seed: int = 0,
    work_s: float = 5.0,
    time_s: float = 10.0,
    closures: LinkClosures | None = None,
) -> CrewAssignment:
    """Crew the slots (see module docstring).

    Crews as many slots as the rules allow (every slot, when possible) and
    reports each slot left without a crew in ``uncrewed`` with the reason.
    Skills are soft with a large penalty: a slot whose skill no available
    officer can bring is reported in ``missing_skills`` rather than failing
    the roster. ``budgets`` are field
    minutes per officer (default :func:`field_budget_min`). ``hint`` (route
    id -> officer ids, e.g. the pre-check's crews) starts the search.
    """
    t0 = time.perf_counter()
    budgets = (
        dict(budgets) if budgets is not None else {o.id: field_budget_min(o, settings) for o in officers}
    )
    rest = round(settings.min_rest_hours * 60)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    duty: dict[tuple[int, int], tuple[int, int]] = {}
    work: dict[tuple[int, int], int] = {}
    for s, slot in enumerate(slots):
        for o, officer in enumerate(officers):
            se = officer_shift(officer, slot, travel_min, settings, closures)
            if se is None:
                continue
            minutes = slot.work_min + (se[1] - slot.end) + (slot.start - se[0])
            if minutes > budgets.get(officer.id, 0):
                continue
            x[o, s] = model.new_bool_var(f"x_{o}_{s}")
            duty[o, s] = se
            work[o, s] = minutes

    if hint:
        for (o, s), var in x.items():
            model.add_hint(var, officers[o].id in hint.get(slots[s].route_id, ()))
    used: dict[int, cp_model.IntVar] = {}
    for s, slot in enumerate(slots):
        members = [x[o, s] for o in range(len(officers)) if (o, s) in x]
        u = model.new_bool_var(f"u_{s}")
        used[s] = u
        model.add(sum(members) == slot.crew_size * u)
        if len(members) < slot.crew_size:
            model.add(u == 0)

    for o, officer in enumerate(officers):
        mine = [s for s in range(len(slots)) if (o, s) in x]
        by_day: dict[int, list[int]] = {}
        for s in mine:
            by_day.setdefault(slots[s].day, []).append(s)
        for group in by_day.values():
            if len(group) > 1:
                model.add_at_most_one(x[o, s] for s in group)
        if mine:
            model.add(sum(work[o, s] * x[o, s] for s in mine) <= budgets.get(officer.id, 0))
        for a in mine:
            for b in mine:
                sa, sb = slots[a], slots[b]
                if sa.date >= sb.date:
                    continue
                gap = (sb.date - sa.date).days * 24 * 60 + duty[o, b][0] - duty[o, a][1]
                if gap < rest:
                    model.add_bool_or([x[o, a].Not(), x[o, b].Not()])

    missing: dict[tuple[int, str], cp_model.IntVar] = {}
    for s, slot in enumerate(slots):
        for skill in sorted(slot.skills):
            have = [x[o, s] for o, off in enumerate(officers) if (o, s) in x and skill in off.skills]
            m = model.new_bool_var(f"miss_{s}_{skill}")
            missing[s, skill] = m
            model.add(sum(have) + m >= 1)

    # Objective (minimise): uncrewed slots >> missing skills >> officers away
    # from their home station >> the highest share of any budget used.
    objective = [-1_000_000 * u for u in used.values()]
    objective += [100_000 * m for m in missing.values()]
    penalty = round(settings.away_penalty * 100)
    for (o, s), var in x.items():
        if officers[o].station_id != slots[s].depot_id and penalty:
            objective.append(penalty * var)
    peak = model.new_int_var(0, 1000, "peak")
    for o, officer in enumerate(officers):
        mine = [s for s in range(len(slots)) if (o, s) in x]
        if mine and budgets.get(officer.id, 0) > 0:
            model.add(sum((work[o, s] * 1000 // budgets[officer.id]) * x[o, s] for s in mine) <= peak)
    objective.append(peak)
    model.minimize(sum(objective))

    solver = _solver(seed, work_s, time_s)
    status = solver.solve(model)
    name = solver.status_name(status)
    crews: dict[str, list[str]] = {}
    uncrewed: dict[str, str] = {}
    missing_skills: dict[str, set[str]] = {}
    duties: dict[tuple[str, str], tuple[int, int]] = {}
    solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    for s, slot in enumerate(slots):
        members = sorted(
            officers[o].id for o in range(len(officers)) if (o, s) in x and solved and solver.value(x[o, s])
        )
        if len(members) == slot.crew_size:
            crews[slot.route_id] = members
            for o in range(len(officers)):
                if (o, s) in x and officers[o].id in members:
                    duties[officers[o].id, slot.route_id] = duty[o, s]
            lacking = {k for k in slot.skills if solver.value(missing[s, k])}
            if lacking:
                missing_skills[slot.route_id] = lacking
        else:
            uncrewed[slot.route_id] = _uncrewed_reason(slot, officers, travel_min, settings, x, s)
    return CrewAssignment(crews, uncrewed, missing_skills, duties, name, time.perf_counter() - t0)


def _uncrewed_reason(
    slot: CrewSlot,
    officers: Sequence[Officer],
    travel_min: TravelMinutes,
    settings: WeekSettings,
    x: Mapping[tuple[int, int], object],
    s: int,
) -> str:
    day = slot.date.isoformat()
    eligible = sum(1 for o in range(len(officers)) if (o, s) in x)
    if eligible < slot.crew_size:
        same = settings.crew_home_rule == "same_station"
        where = t("crew.from", depot=slot.depot_id) if same else t("crew.district")
        present = sum(
            1
            for off in officers
            if slot.date.isoweekday() in off.available_days
            and (settings.crew_home_rule == "any" or off.station_id == slot.depot_id)
        )
        said = {"need": slot.crew_size, "eligible": eligible, "present": present, "where": where}
        return t("crew.too_few", route=slot.route_id, day=day, short=slot.crew_size - eligible, **said)
    return t("crew.no_hours", route=slot.route_id, day=day, eligible=eligible, need=slot.crew_size)


@dataclass(frozen=True)
class MobileDuty:
    """An officer's mobile shift on a day (station to station)."""

    day: int
    start: int
    end: int


def patrol_room(officer: Officer, days: Sequence[int], duties: Mapping[int, MobileDuty]) -> dict[int, int]:
    """Minutes of patrol an officer can work on each day (by day index).

    Without mobile duty: the shorter of ``max_shift_hours`` and the day
    window. With mobile duty: what ``max_shift_hours`` leaves, and no more
    than fits before or after the mobile shift within the day window.
    """
    max_shift = int(officer.max_shift_hours * 60 + 1e-9)
    early, late = officer.earliest_start, officer.latest_end
    out: dict[int, int] = {}
    for d in days:
        duty = duties.get(d)
        if duty:
            room = min(max_shift - (duty.end - duty.start), max(late - duty.end, duty.start - early))
        else:
            room = min(max_shift, late - early)
        out[d] = max(room, 0)
    return out


def lay_patrol(
    officers: Sequence[Officer],
    dates: Sequence[date],
    blocks: Mapping[tuple[str, str], int],
    block_cost: Mapping[tuple[str, str], int],
    mobile: Mapping[str, Sequence[MobileDuty]],
    settings: WeekSettings,
    *,
    travel_min: TravelMinutes | None = None,
    budgets: Mapping[str, int] | None = None,
    seed: int = 0,
    work_s: float = 0.3,
    time_s: float = 5.0,
    closures: LinkClosures | None = None,
) -> PatrolLayout:
    """Lay weekly patrol blocks into daily shifts, one small model per officer.

    ``blocks[(officer, area)]`` are the weekly 15-minute blocks from the hours
    model. With ``travel_min`` (the drive between two ids), a block takes
    ``block_min`` minutes on the day and each area-day the drive (module
    docstring). Without it, ``block_cost[(officer, area)]`` are the minutes
    one block takes on the day, drive included (a layout without a travel
    model). ``budgets`` (officer id -> minutes), when given, cap each
    officer's patrol shifts in the week, drive included, so the real drive
    never takes an officer past their field hours. ``mobile`` lists each
    officer's mobile shifts. Every block is
    placed when the rules allow it; if not, the model places as many as it
    can and ``unplaced`` says what was left out. Among placements it drives
    least, then keeps patrol days even (smallest largest day).
    """
    t0 = time.perf_counter()
    rest = round(settings.min_rest_hours * 60)
    out: list[PatrolDay] = []
    unplaced: dict[tuple[str, str], int] = {}
    statuses: set[str] = set()
    for officer in officers:
        areas = sorted(a for (o, a), n in blocks.items() if o == officer.id and n > 0)
        if not areas:
            continue
        duties = {d.day: d for d in mobile.get(officer.id, ())}
        days = [k for k, dt in enumerate(dates) if dt.isoweekday() in officer.available_days]
        max_shift = int(officer.max_shift_hours * 60 + 1e-9)
        if travel_min is None:
            day_cost = {a: block_cost[officer.id, a] for a in areas}
            trip = {a: 0 for a in areas}
        else:
            day_cost = {a: settings.patrol.block_min for a in areas}
            st = officer.station_id
            trip = {a: travel_min(st, a) + travel_min(a, st) for a in areas}
        budget = None if budgets is None else budgets.get(officer.id, 0)
        # an area whose drive from the station uses a link closed that day is not patrolled then
        shut = (
            set()
            if closures is None
            else {(a, d) for a in areas for d in days if closures.round_trip_closed(officer.station_id, a, dates[d])}
        )
        res = _lay_one(
            officer, areas, days, dates, blocks, day_cost, trip, duties, max_shift, rest, budget,
            seed, work_s, time_s, shut,
        )  # fmt: skip
        if travel_min is not None:
            st = officer.station_id
            laid = [_drive(pd, st, day_cost, trip, travel_min, duties.get(pd.day)) for pd in res[0]]
            res = (laid, res[1], res[2])
        statuses.add(res[2])
        out.extend(res[0])
        for a, n in res[1].items():
            if n:
                unplaced[officer.id, a] = n
    status = (
        "OPTIMAL"
        if statuses <= {"OPTIMAL"}
        else ("FEASIBLE" if "FEASIBLE" in statuses else "/".join(sorted(statuses)))
    )
    return PatrolLayout(out, unplaced, status, time.perf_counter() - t0)


def _lay_one(
    officer: Officer,
    areas: list[str],
    days: list[int],
    dates: Sequence[date],
    blocks: Mapping[tuple[str, str], int],
    cost: Mapping[str, int],
    trip: Mapping[str, int],
    duties: Mapping[int, MobileDuty],
    max_shift: int,
    rest: int,
    budget: int | None,
    seed: int,
    work_s: float,
    time_s: float,
    shut: set[tuple[str, int]] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[PatrolDay], dict[str, int], str]:
    """One officer's layout. ``cost[a]``: day minutes per block; ``trip[a]``: minutes per area-day;
    ``shut``: (area, day) pairs the officer cannot reach."""
    early, late = officer.earliest_start, officer.latest_end
    for strict in (True, False):
        model = cp_model.CpModel()
        n: dict[tuple[str, int], cp_model.IntVar] = {}
        pmin: dict[int, cp_model.IntVar] = {}
        active: dict[int, cp_model.IntVar] = {}
        start: dict[int, cp_model.IntVar] = {}
        first: dict[int, cp_model.IntVar] = {}
        last: dict[int, cp_model.IntVar] = {}
        visit: dict[tuple[str, int], cp_model.IntVar] = {}
        rooms = patrol_room(officer, days, duties)
        for d in days:
            duty = duties.get(d)
            room = rooms[d]
            p = model.new_int_var(0, room, f"p_{d}")
            pmin[d] = p
            for a in areas:
                top = 0 if (a, d) in shut else min(blocks[officer.id, a], max(room - trip[a], 0) // max(cost[a], 1))
                n[a, d] = model.new_int_var(0, top, f"n_{a}_{d}")
                if trip[a]:
                    v = model.new_bool_var(f"v_{a}_{d}")
                    visit[a, d] = v
                    model.add(n[a, d] <= top * v)
                    model.add(n[a, d] >= v)
            model.add(
                p
                == sum(cost[a] * n[a, d] for a in areas)
                + sum(trip[a] * visit[a, d] for a in areas if (a, d) in visit)
            )
            act = model.new_bool_var(f"act_{d}")
            active[d] = act
            model.add(p == 0).only_enforce_if(act.Not())
            model.add(p >= 1).only_enforce_if(act)
            s = model.new_int_var(early, late, f"s_{d}")
            start[d] = s
            model.add(s + p <= late)
            f = model.new_int_var(early, late, f"first_{d}")
            e = model.new_int_var(early, late, f"last_{d}")
            first[d], last[d] = f, e
            if duty:
                after = model.new_bool_var(f"after_{d}")
                model.add(s == duty.end).only_enforce_if(after)
                model.add(s + p == duty.start).only_enforce_if(after.Not())
                model.add(f == duty.start).only_enforce_if(after)
                model.add(e == s + p).only_enforce_if(after)
                model.add(f == s).only_enforce_if(after.Not())
                model.add(e == duty.end).only_enforce_if(after.Not())
            else:
                model.add(f == s)
                model.add(e == s + p)
        # the rest rule between consecutive calendar days that both have duty
        for i, d in enumerate(days):
            for d2 in days[i + 1 :]:
                delta = (dates[d2] - dates[d]).days * 24 * 60
                if delta + early - late >= rest:
                    continue
                on1 = 1 if d in duties else active[d]
                on2 = 1 if d2 in duties else active[d2]
                lits = [v for v in (on1, on2) if not isinstance(v, int)]
                c = model.add(first[d2] + delta - last[d] >= rest)
                if lits:
                    c.only_enforce_if(lits)
        placed = []
        for a in areas:
            total = sum(n[a, d] for d in days)
            if strict:
                model.add(total == blocks[officer.id, a])
            else:
                model.add(total <= blocks[officer.id, a])
            placed.append(total)
        if budget is not None:
            model.add(sum(pmin.values()) <= budget)
        peak = model.new_int_var(0, max_shift, "peak")
        for d in days:
            model.add(pmin[d] <= peak)
        driving = sum(trip[a] * v for (a, _), v in visit.items())
        if strict:
            model.minimize(4 * driving + peak)
        else:
            model.maximize(100_000 * sum(placed) - 4 * driving - peak)
        solver = _solver(seed, work_s, time_s)
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result: list[PatrolDay] = []
            left = {a: blocks[officer.id, a] for a in areas}
            for d in days:
                p = solver.value(pmin[d])
                if p <= 0:
                    continue
                s = solver.value(start[d])
                got = {a: solver.value(n[a, d]) for a in areas if solver.value(n[a, d]) > 0}
                for a, k in got.items():
                    left[a] -= k
                result.append(PatrolDay(officer.id, d, s, s + p, got))
            return result, left, solver.status_name(status)
    return [], {a: blocks[officer.id, a] for a in areas}, "INFEASIBLE"


def patrol_tour(station: str, areas: Sequence[str], travel_min: TravelMinutes) -> tuple[list[str], int]:
    """The shortest drive from ``station`` through every area once and back.

    Returns the ids in driving order (station first and last; the station in
    between where driving home between two areas is shorter, as a matrix
    without the triangle inequality allows) and the minutes. Exact by
    enumeration up to 7 areas (a patrol day rarely has more than 3);
    beyond, the nearest neighbour. Never longer than the round trips
    station-area-station, which are one of the drives considered.
    """
    areas = sorted(areas)
    if not areas:
        return [], 0

    def hop(a: str, b: str) -> tuple[list[str], int]:
        direct = travel_min(a, b)
        if a != station and b != station:
            home = travel_min(a, station) + travel_min(station, b)
            if home < direct:
                return [station, b], home
        return [b], direct

    def drive(seq: Sequence[str]) -> tuple[list[str], int]:
        order, total, here = [station], 0, station
        for nxt in [*seq, station]:
            ids, minutes = hop(here, nxt)
            order += ids
            total += minutes
            here = nxt
        return order, total

    if len(areas) <= 7:
        return min((drive(p) for p in itertools.permutations(areas)), key=lambda r: (r[1], r[0]))
    left, here, seq = set(areas), station, []
    while left:
        here = min(left, key=lambda a: (travel_min(here, a), a))
        seq.append(here)
        left.remove(here)
    return drive(seq)


def _drive(
    pd: PatrolDay,
    station: str,
    cost: Mapping[str, int],
    trip: Mapping[str, int],
    travel_min: TravelMinutes,
    duty: MobileDuty | None,
) -> PatrolDay:
    """The day laid as the shortest tour: shift times shrink to blocks plus that drive.

    The model booked a round trip per area; the tour is no longer, so the
    shift can only get shorter. It keeps its side of the mobile shift (a
    shift before it still ends where the mobile shift starts), so the rest
    rule and the day window, which held for the longer shift, still hold.
    """
    order, minutes = patrol_tour(station, list(pd.blocks), travel_min)
    booked = sum(trip[a] for a in pd.blocks)
    if minutes > booked:  # cannot happen (see patrol_tour); keep the booked drive as round trips
        order = [station]
        for a in sorted(pd.blocks):
            order += [a, station]
        minutes = booked
    length = sum(cost[a] * k for a, k in pd.blocks.items()) + minutes
    start = pd.start
    if duty is not None and pd.end == duty.start:
        start = duty.start - length
    return PatrolDay(pd.officer_id, pd.day, start, start + length, dict(pd.blocks), order, minutes)

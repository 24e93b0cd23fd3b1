"""The police week: sites, vehicles and officers in; routes, crews and hours out.

:func:`plan_week` translates one week into the domain-free routing core and
back:

* Routes are vehicle-days (only days a vehicle is available and a crew can
  be found for it, see :mod:`roster`). Each leaves its depot no earlier than
  ``shift_start``, is back by ``shift_end`` and lasts at most
  ``max_work_min`` including travel and waiting.
* Jobs are (site, day) pairs the site allows (``site.days``, on or before
  its ``deadline``) that at least one of that day's routes can serve alone
  (skills, windows, shift). Prizes are ``round(score * prize_scale)``
  (default x 1000: scores keep three decimals as integers). A site's
  day-jobs form a group with ``max_count = weekly_max`` and marginal prizes
  ``prize * repeat_value ** k`` for the (k+1)-th visit; day-jobs closer than
  ``min_gap_days`` conflict. A mandatory site needs one of its day-jobs (a
  cover of minimum 1). Quotas: ``min_visits`` is a cover over the
  municipality's day-jobs, ``min_mobile_hours`` a cover weighted by service
  minutes; patrol and total hours are met by the hours model.
* Ferries: the travel matrix prices every leg over a ferry with the
  crossing plus the average wait. When the link has a timetable
  (``departures_a``/``departures_b``), the plan is timed precisely: the
  leg's drive (matrix minutes less crossing and wait) is split between the
  two road parts in proportion to the straight-line distances from the
  leg's ends to the terminals (an approximation: the terminals are not in
  the matrix), the vehicle must be at the terminal ``ferry_boarding_min``
  before a departure, and waits for the next departure. Before solving, the
  island jobs' windows are tightened so service can start no earlier than
  the first ferry allows and end in time for the last ferry back (with a
  direct return); after solving, every route is re-timed against the
  timetable and stops that no longer fit are dropped (lowest value first).
  A timed ferry leg's ``minutes`` in the plan are the real ones (drive,
  wait for the departure, crossing), so times still add up leg by leg.
* Timing (:class:`Timing`): service starts as early as possible in the
  first window still open on arrival; the departure is the one that makes
  the day shortest, and among those the earliest, so a crew leaves late
  rather than waiting at its first stop.
* Search: a greedy insertion plan (deterministic) is handed to the core as
  its starting solution; the core's result is re-timed, short covers are
  repaired (insert, swap, or rebuild one route around a required visit), and
  a deterministic improvement pass inserts any visit that still fits and
  swaps a visit for a better one when quotas allow. The better of this and
  the greedy plan is kept. Crews are then named (:mod:`roster`); a route
  whose crew lacks a needed skill loses those visits and is refilled.
  Remaining officer hours are spread over patrol areas (:mod:`hours`) and
  laid into daily shifts, unvisited sites explained (:mod:`explain`) and the
  objective bounded (:mod:`bound`).

Reproducibility: with ``SolverSettings.work_limit`` the routing search stops
after that many iterations and never looks at the clock; every other step is
deterministic (CP-SAT with one worker and deterministic work limits, fixed
evaluation budgets), so the same input and seed give the same plan on any
machine. Without it, ``time_limit_s`` bounds the whole call: the routing
core gets what is left after the preparation and an estimate of what the
later steps need (at least 8 % of the limit).
"""

from __future__ import annotations

import itertools
import math
import time
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from mobilstation.demand.site import Site
from mobilstation.errors import InputError, PlanFailed
from mobilstation.geo.model import Link
from mobilstation.optimize import explain as _explain
from mobilstation.optimize.bound import upper_bound
from mobilstation.optimize.colgen import BOUND_METHOD, ColgenResult, ColumnGeneration
from mobilstation.optimize.core.problem import Cover, Group, Job, Problem, RouteSpec
from mobilstation.optimize.hours import HoursPlan, allocate_hours, fmt_hours, patrol_areas
from mobilstation.optimize.kpis import week_kpis
from mobilstation.optimize.roster import (
    CrewAssignment,
    CrewSlot,
    MobileDuty,
    assign_crews,
    field_budget_min,
    lay_patrol,
    officer_shift,
    patrol_room,
)
from mobilstation.optimize.specs import Officer, Quota, SolverSettings, Vehicle, WeekSettings
from mobilstation.plan import HoursAllocation, Leg, OfficerRecord, Route, Shift, Stop, Unvisited
from mobilstation.travel.base import TravelMatrix

TZ = ZoneInfo("Europe/Copenhagen")
_IMPROVE_EVALS = 40_000  # schedule evaluations the improvement pass may spend (deterministic)
MIN_SEARCH_S = 0.3  # below this the routing search cannot improve the greedy plan; it is skipped
COLGEN_NG = 8  # ng-neighbourhood of the pricing (measured: elementary pricing is 50x slower, same bound)


@dataclass
class WeekResult:
    """The planned week, in the plan record's types (see :mod:`mobilstation.plan`)."""

    routes: list[Route]
    officers: list[OfficerRecord]
    hours: list[HoursAllocation]
    unvisited: list[Unvisited]
    kpis: dict
    solver: dict


# --------------------------------------------------------------------------- timing


def _haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class FerryStep:
    """A leg's timed ferry: drive ``pre``, board, wait, cross, drive ``post``."""

    link_id: str
    pre: int
    post: int
    boarding: int
    crossing: int
    departures: tuple[int, ...]

    def arrive(self, t: int) -> int | None:
        """Arrival at the leg's end when leaving at ``t``; None if no ferry is left."""
        i = bisect_left(self.departures, t + self.pre + self.boarding)
        if i == len(self.departures):
            return None
        return self.departures[i] + self.crossing + self.post

    @property
    def no_wait(self) -> int:
        return self.pre + self.boarding + self.crossing + self.post


@dataclass(frozen=True)
class LegTime:
    minutes: int
    metres: int
    ferry: bool
    links: tuple[str, ...]
    step: FerryStep | None = None

    def arrive(self, t: int) -> int | None:
        return t + self.minutes if self.step is None else self.step.arrive(t)

    @property
    def least(self) -> int:
        """A lower bound on the leg's minutes (no ferry wait when timed)."""
        return self.minutes if self.step is None else min(self.minutes, self.step.no_wait)


@dataclass(frozen=True)
class StopTime:
    site: Site
    arrival: int
    start: int
    end: int


@dataclass(frozen=True)
class LegOut:
    from_id: str
    to_id: str
    depart: int
    minutes: int
    metres: int
    ferry: bool
    links: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    """A timed route: departure, stops, legs (minutes include ferry waits), return."""

    departure: int
    ret: int
    stops: tuple[StopTime, ...]
    legs: tuple[LegOut, ...]

    @property
    def duration(self) -> int:
        return self.ret - self.departure


@dataclass(frozen=True)
class VehicleDay:
    """One route: a vehicle on one planned day (``day`` indexes the dates)."""

    index: int
    id: str
    vehicle: Vehicle
    day: int
    date: date
    skills: frozenset[str]

    @property
    def depot_id(self) -> str:
        return self.vehicle.depot_id

    @property
    def earliest(self) -> int:
        return self.vehicle.shift_start

    @property
    def latest(self) -> int:
        return self.vehicle.shift_end

    @property
    def capacity(self) -> int:
        return min(self.vehicle.max_work_min, self.latest - self.earliest)


class Timing:
    """Leg-by-leg route timing from the matrix, with ferry timetables.

    Service starts as early as possible in the earliest window still open on
    arrival; the departure is chosen to make the route as short as possible,
    then as early as possible (so a crew does not leave early only to wait
    at its first stop).
    """

    def __init__(
        self,
        travel: TravelMatrix,
        links: Sequence[Link],
        coords: Mapping[str, tuple[float, float]],
        boarding_min: int,
    ) -> None:
        self.travel = travel
        self.index = {pid: i for i, pid in enumerate(travel.ids)}
        self.coords = coords
        self.timed = {lk.id: lk for lk in links if lk.is_ferry and (lk.departures_a or lk.departures_b)}
        self.boarding = boarding_min
        self._cache: dict[tuple[str, str], LegTime] = {}

    def leg(self, a: str, b: str) -> LegTime:
        key = (a, b)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        i, j = self.index[a], self.index[b]
        minutes, metres = int(self.travel.minutes[i, j]), int(self.travel.metres[i, j])
        ferry = bool(self.travel.ferry[i, j])
        link_ids = tuple(self.travel.links.get((i, j), ()))
        step = None
        timed = [lid for lid in link_ids if lid in self.timed]
        if len(timed) == 1 and a in self.coords and b in self.coords:
            step = self._step(self.timed[timed[0]], a, b, minutes)
        out = LegTime(minutes, metres, ferry, link_ids, step)
        self._cache[key] = out
        return out

    def _step(self, link: Link, a: str, b: str, minutes: int) -> FerryStep | None:
        p, q = self.coords[a], self.coords[b]
        ea, eb = (link.a_lat, link.a_lon), (link.b_lat, link.b_lon)
        if _haversine_m(p, ea) + _haversine_m(eb, q) <= _haversine_m(p, eb) + _haversine_m(ea, q):
            first, second, deps = ea, eb, link.departures_a
        else:
            first, second, deps = eb, ea, link.departures_b
        if not deps:
            return None
        drive = max(minutes - link.crossing_min - link.wait_min, 0)
        d1, d2 = _haversine_m(p, first), _haversine_m(second, q)
        pre = round(drive * d1 / (d1 + d2)) if d1 + d2 > 0 else 0
        return FerryStep(
            link.id,
            pre,
            drive - pre,
            min(self.boarding, link.wait_min),
            link.crossing_min,
            tuple(sorted(deps)),
        )

    def least_matrix(self, ids: Sequence[str]) -> np.ndarray:
        """Leg minutes over ``ids`` with timed ferry legs at their no-wait time."""
        key = tuple(ids)
        if getattr(self, "_least_key", None) == key:
            return self._least
        idx = np.array([self.index[p] for p in ids], dtype=np.int64)
        out = np.asarray(self.travel.minutes)[np.ix_(idx, idx)].astype(np.int64)
        if self.timed:
            pos = {p: k for k, p in enumerate(key)}
            for (i, j), link_ids in self.travel.links.items():
                if any(lid in self.timed for lid in link_ids):
                    a, b = self.travel.ids[i], self.travel.ids[j]
                    if a in pos and b in pos and a != b:
                        out[pos[a], pos[b]] = self.leg(a, b).least
        self._least_key, self._least = key, out
        out.setflags(write=False)
        return out

    def forward(self, depot: str, seq: Sequence[Site], departure: int, latest: int) -> Schedule | None:
        """The earliest schedule leaving at ``departure``; None if infeasible."""
        t, loc = departure, depot
        stops: list[StopTime] = []
        legs: list[LegOut] = []
        for site in seq:
            lt = self.leg(loc, site.id)
            arrive = lt.arrive(t)
            if arrive is None:
                return None
            start = None
            for lo, hi in site.windows:
                if arrive <= hi:
                    start = max(arrive, lo)
                    break
            if start is None:
                return None
            legs.append(LegOut(loc, site.id, t, arrive - t, lt.metres, lt.ferry, lt.links))
            stops.append(StopTime(site, arrive, start, start + site.service_min))
            t, loc = start + site.service_min, site.id
        lt = self.leg(loc, depot)
        back = lt.arrive(t)
        if back is None or back > latest:
            return None
        if seq:
            legs.append(LegOut(loc, depot, t, back - t, lt.metres, lt.ferry, lt.links))
        return Schedule(departure, back, tuple(stops), tuple(legs))

    def lower_duration(self, depot: str, seq: Sequence[Site]) -> int:
        """Travel (no ferry waits) plus service: no schedule of ``seq`` is shorter."""
        total, loc = 0, depot
        for site in seq:
            total += self.leg(loc, site.id).least + site.service_min
            loc = site.id
        return total + self.leg(loc, depot).least

    def schedule(self, vd: VehicleDay, seq: Sequence[Site]) -> Schedule | None:
        """The best feasible schedule of ``seq`` in this order on ``vd``, or None."""
        if not seq:
            return Schedule(vd.earliest, vd.earliest, (), ())
        if self.lower_duration(vd.depot_id, seq) > vd.capacity:
            return None
        best = self.forward(vd.depot_id, seq, vd.earliest, vd.latest)
        if best is None:
            return None  # a later departure only arrives later everywhere
        if best.duration > self.lower_duration(vd.depot_id, seq):  # some waiting: try later departures
            for d in self._candidates(vd, seq):
                sched = self.forward(vd.depot_id, seq, d, vd.latest)
                if sched is None:
                    break  # monotone: every later departure fails too
                if sched.duration < best.duration:
                    best = sched
        return best if best.duration <= vd.vehicle.max_work_min else None

    def _candidates(self, vd: VehicleDay, seq: Sequence[Site]) -> list[int]:
        """Departures where the duration can be smallest (see the core's scheduler).

        With ``P`` the no-wait time from the depot to a stop: ``lo - P`` (a
        wait just vanishes), ``hi - P`` (just before missing a window), each
        ferry departure less the no-wait time to the terminal, and the latest.
        """
        cands = {vd.latest}
        p, loc = 0, vd.depot_id
        for site in seq:
            lt = self.leg(loc, site.id)
            if lt.step is not None:
                for dep in lt.step.departures:
                    cands.add(dep - lt.step.boarding - lt.step.pre - p)
            p += lt.least
            for lo, hi in site.windows:
                cands.add(lo - p)
                cands.add(hi - p)
            p += site.service_min
            loc = site.id
        lt = self.leg(loc, vd.depot_id)
        if lt.step is not None:
            for dep in lt.step.departures:
                cands.add(dep - lt.step.boarding - lt.step.pre - p)
        return sorted(c for c in cands if vd.earliest < c <= vd.latest)


# --------------------------------------------------------------------------- helpers


def iso(day: date, minutes: int) -> str:
    """ISO 8601 local time with the Europe/Copenhagen offset of that moment."""
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=TZ).isoformat()


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _max_visits(days: Sequence[date], weekly_max: int, min_gap: int) -> int:
    """Most visits a site can get on ``days`` (sorted) with the gap rule: greedy earliest-first."""
    count, last = 0, None
    for d in sorted(days):
        if count >= weekly_max:
            break
        if last is None or (d - last).days >= min_gap:
            count, last = count + 1, d
    return count


@dataclass
class _Job:
    index: int
    site: Site
    day: int
    date: date
    routes: tuple[int, ...]


@dataclass
class _Model:
    """The week translated for the core, with the maps back."""

    problem: Problem
    jobs: list[_Job]
    marginal: dict[str, tuple[int, ...]]
    site_jobs: dict[str, list[int]]
    covers: list[Cover]
    cover_of: dict[int, list[tuple[int, int]]]  # job -> [(cover index, weight)]
    cover_max: list[int]
    options: dict[str, list[_explain.DayOption]]
    locations: list[str]


# --------------------------------------------------------------------------- the week


class _Week:
    def __init__(
        self,
        sites: Sequence[Site],
        vehicles: Sequence[Vehicle],
        officers: Sequence[Officer],
        dates: Sequence[date],
        travel: TravelMatrix,
        quotas: Sequence[Quota],
        municipalities: Mapping[str, tuple[str, int | None]],
        links: Sequence[Link],
        settings: WeekSettings,
        solver: SolverSettings,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.t0 = time.perf_counter()
        self.sites = list(sites)
        self.vehicles = list(vehicles)
        self.officers = list(officers)
        self.dates = list(dates)
        self.travel = travel
        self.quotas = list(quotas)
        self.municipalities = dict(municipalities)
        self.links = list(links)
        self.settings = settings
        self.solver_settings = solver
        self.progress = progress or (lambda _msg: None)
        self._validate()
        coords = {s.id: (s.lat, s.lon) for s in self.sites}
        for v in self.vehicles:
            coords.setdefault(v.depot_id, (v.depot_lat, v.depot_lon))
        self.timing = Timing(travel, self.links, coords, settings.ferry_boarding_min)
        self.site_by_id = {s.id: s for s in self.sites}
        self.index = {pid: i for i, pid in enumerate(travel.ids)}

    # -- input checks ------------------------------------------------------
    def _validate(self) -> None:
        problems: list[str] = []
        if not self.dates:
            problems.append("dates: at least one planned day is required")
        if len(set(self.dates)) != len(self.dates) or list(self.dates) != sorted(self.dates):
            problems.append(
                f"dates: must be distinct and in order, got {[d.isoformat() for d in self.dates]}"
            )
        for what, items in (("sites", self.sites), ("vehicles", self.vehicles), ("officers", self.officers)):
            seen: set[str] = set()
            for k, item in enumerate(items):
                if item.id in seen:
                    problems.append(f"{what}[{k}].id: {item.id!r} is used twice")
                seen.add(item.id)
        ids = set(self.travel.ids)
        need = (
            {v.depot_id for v in self.vehicles}
            | {s.id for s in self.sites}
            | {o.station_id for o in self.officers}
        )
        missing = sorted(need - ids)
        if missing:
            problems.append(
                f"travel: the matrix lacks {len(missing)} point(s) the week needs "
                f"(every depot, site and officer station): {missing[:10]}"
            )
        known = set(self.municipalities)
        for k, q in enumerate(self.quotas):
            if known and q.municipality not in known:
                problems.append(f"quotas[{k}].municipality: unknown municipality code {q.municipality!r}")
        if problems:
            raise InputError("plan_week: " + "; ".join(problems))

    def muni_name(self, code: str) -> str:
        entry = self.municipalities.get(code)
        return entry[0] if entry else code

    def travel_min(self, a: str, b: str) -> int:
        if a == b:
            return 0
        return int(self.travel.minutes[self.index[a], self.index[b]])

    # -- vehicle-days ------------------------------------------------------
    def vehicle_days(self) -> tuple[list[VehicleDay], list[dict]]:
        """Usable vehicle-days (a crew exists in the worst case) and the rest with reasons."""
        candidates: list[tuple[Vehicle, int, date]] = [
            (v, k, d) for k, d in enumerate(self.dates) for v in self.vehicles if v.available(d.isoweekday())
        ]
        slots = [
            CrewSlot(
                route_id=f"{v.id}-{d.isoformat()}",
                day=k,
                date=d,
                depot_id=v.depot_id,
                start=v.shift_start,
                end=v.shift_end,
                work_min=min(v.max_work_min, v.shift_end - v.shift_start),
                crew_size=v.crew_size,
            )
            for v, k, d in candidates
        ]
        pre = assign_crews(
            slots,
            self.officers,
            self.travel_min,
            self.settings,
            seed=self.solver_settings.seed,
            work_s=2.0,
            time_s=10.0,
        )
        self.pre_crews = pre.crews
        usable: list[VehicleDay] = []
        unusable: list[dict] = []
        for (v, k, d), slot in zip(candidates, slots, strict=True):
            if slot.route_id not in pre.crews:
                unusable.append({"route_id": slot.route_id, "reason": pre.uncrewed[slot.route_id]})
                continue
            skills: set[str] = set()
            for o in self.officers:
                if officer_shift(o, slot, self.travel_min, self.settings) is not None:
                    skills |= o.skills
            usable.append(VehicleDay(len(usable), slot.route_id, v, k, d, frozenset(skills)))
        return usable, unusable

    # -- jobs --------------------------------------------------------------
    def day_option(self, site: Site, k: int, d: date, vds: Sequence[VehicleDay]) -> _explain.DayOption:
        """Whether ``site`` may be visited on day ``k`` and by which routes, or why not."""
        if site.days and d.isoweekday() not in site.days:
            allowed = ", ".join(_explain.WEEKDAY_DA[w - 1] for w in site.days)
            return _explain.DayOption(
                k,
                d,
                "wrong_day",
                f"Stedet kan kun besøges {allowed}, og ingen mobil station kører da i ugen.",
            )
        if site.deadline is not None and d > site.deadline:
            return _explain.DayOption(
                k,
                d,
                "wrong_day",
                f"Fristen {site.deadline.isoformat()} er før ugens dage med en mobil station.",
            )
        today = [vd for vd in vds if vd.day == k]
        if not today:
            return _explain.DayOption(
                k, d, "wrong_day", "Ingen mobil station kører på de dage, stedet kan besøges."
            )
        skilled = [vd for vd in today if site.skills <= vd.skills]
        if not skilled:
            need = ", ".join(sorted(site.skills))
            return _explain.DayOption(
                k,
                d,
                "no_skill",
                f"Kræver en betjent med færdigheden '{need}', men ingen sådan betjent kan køre med "
                "på de mulige dage.",
            )
        ok = tuple(vd.index for vd in skilled if self.timing.schedule(vd, [site]) is not None)
        if not ok:
            vd = skilled[0]
            out = self.timing.leg(vd.depot_id, site.id).minutes
            back = self.timing.leg(site.id, vd.depot_id).minutes
            windows = ", ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in site.windows)
            return _explain.DayOption(
                k,
                d,
                "unreachable",
                f"Kan ikke nås: {out} + {back} min kørsel fra {vd.vehicle.depot_name or vd.depot_id} "
                f"og {site.service_min} min ophold passer ikke i vagten "
                f"{hhmm(vd.earliest)}-{hhmm(vd.latest)} "
                f"(højst {vd.vehicle.max_work_min} min arbejde) med stedets tidsvinduer {windows}.",
            )
        return _explain.DayOption(k, d, None, "", ok)

    def job_windows(self, site: Site, routes: Sequence[VehicleDay]) -> tuple[tuple[int, int], ...]:
        """Site windows, tightened to the ferry timetable for timed island legs."""
        timed = [
            vd
            for vd in routes
            if self.timing.leg(vd.depot_id, site.id).step is not None
            or self.timing.leg(site.id, vd.depot_id).step is not None
        ]
        if not timed:
            return site.windows
        lo_all, hi_all = 10**9, -1
        for vd in timed:
            first = self.timing.forward(vd.depot_id, [site], vd.earliest, vd.latest)
            if first is None:
                continue
            lo = first.stops[0].start
            back = self.timing.leg(site.id, vd.depot_id)
            top = max(h for _, h in site.windows)
            if (arr := back.arrive(lo + site.service_min)) is None or arr > vd.latest:
                continue
            a, b = lo, top  # largest start whose direct return is in time
            while a < b:
                mid = (a + b + 1) // 2
                arr = back.arrive(mid + site.service_min)
                if arr is not None and arr <= vd.latest:
                    a = mid
                else:
                    b = mid - 1
            lo_all, hi_all = min(lo_all, lo), max(hi_all, a)
        out = tuple(
            (max(o, lo_all), min(c, hi_all)) for o, c in site.windows if max(o, lo_all) <= min(c, hi_all)
        )
        return out or site.windows

    def build(self, vds: Sequence[VehicleDay]) -> _Model:
        s = self.settings
        locations: list[str] = []
        loc_index: dict[str, int] = {}

        def loc(pid: str) -> int:
            if pid not in loc_index:
                loc_index[pid] = len(locations)
                locations.append(pid)
            return loc_index[pid]

        for vd in vds:
            loc(vd.depot_id)
        routes = tuple(
            RouteSpec(
                start=loc(vd.depot_id),
                end=loc(vd.depot_id),
                earliest=vd.earliest,
                latest=vd.latest,
                max_duration=vd.vehicle.max_work_min,
                skills=vd.skills,
            )
            for vd in vds
        )
        jobs: list[_Job] = []
        core_jobs: list[Job] = []
        options: dict[str, list[_explain.DayOption]] = {}
        site_jobs: dict[str, list[int]] = {}
        marginal: dict[str, tuple[int, ...]] = {}
        groups: list[Group] = []
        conflicts: list[tuple[int, int]] = []
        for site in self.sites:
            opts = self._opts[site.id]
            options[site.id] = opts
            prize = round(max(site.score, 0.0) * s.prize_scale)
            marginal[site.id] = tuple(round(prize * s.repeat_value**k) for k in range(site.weekly_max))
            mine: list[int] = []
            for o in opts:
                if o.code is not None:
                    continue
                j = len(jobs)
                windows = self.job_windows(site, [vds[r] for r in o.routes])
                jobs.append(_Job(j, site, o.day, o.date, o.routes))
                core_jobs.append(
                    Job(
                        location=loc(site.id),
                        prize=prize,
                        service=site.service_min,
                        windows=windows,
                        routes=frozenset(o.routes),
                        skills=frozenset(site.skills),
                    )
                )
                mine.append(j)
            site_jobs[site.id] = mine
            if mine:
                groups.append(Group(tuple(mine), site.weekly_max, marginal[site.id]))
                if site.weekly_max > 1:
                    for a in mine:
                        for b in mine:
                            if a < b and abs((jobs[a].date - jobs[b].date).days) < site.min_gap_days:
                                conflicts.append((a, b))

        covers, cover_max, failures = self._covers(jobs, site_jobs)
        if failures:
            failures += [f"bil-dag uden besætning: {u['reason']}" for u in self.unusable]
            raise PlanFailed("Ugen kan ikke planlægges: krav kan ikke opfyldes", failures)
        # a mandatory site with a single possible day is simply required
        for c in covers:
            if c.name.startswith("anmodning") and len(c.jobs) == 1:
                j = c.jobs[0]
                old = core_jobs[j]
                core_jobs[j] = Job(
                    old.location, old.prize, old.service, old.windows, True, old.routes, old.skills
                )
        cover_of: dict[int, list[tuple[int, int]]] = {}
        for ci, c in enumerate(covers):
            for k, j in enumerate(c.jobs):
                cover_of.setdefault(j, []).append((ci, c.weight(k)))
        idx = np.array([self.index[p] for p in locations], dtype=np.int64)
        problem = Problem(
            duration=np.asarray(self.travel.minutes)[np.ix_(idx, idx)].astype(np.int64),
            distance=np.asarray(self.travel.metres)[np.ix_(idx, idx)].astype(np.int64),
            routes=routes,
            jobs=tuple(core_jobs),
            groups=tuple(groups),
            covers=tuple(covers),
            conflicts=tuple(conflicts),
        )
        return _Model(problem, jobs, marginal, site_jobs, covers, cover_of, cover_max, options, locations)

    def _covers(
        self, jobs: list[_Job], site_jobs: dict[str, list[int]]
    ) -> tuple[list[Cover], list[int], list[str]]:
        """Covers for requests and quotas, their most reachable value, and the pre-check failures."""
        covers: list[Cover] = []
        most: list[int] = []
        failures: list[str] = []

        def reachable(site: Site) -> int:
            return _max_visits([jobs[j].date for j in site_jobs[site.id]], site.weekly_max, site.min_gap_days)

        for site in self.sites:
            if not site.mandatory:
                continue
            mine = site_jobs[site.id]
            label = f"anmodning {site.name}"
            if not mine:
                before = [o for o in self._opts[site.id] if site.deadline is None or o.date <= site.deadline]
                hits = [
                    o for code in ("unreachable", "no_skill", "wrong_day") for o in before if o.code == code
                ]
                why = hits[0].detail if hits else "Fristen er før ugens første planlagte dag."
                by = f" senest {site.deadline.isoformat()}" if site.deadline else ""
                failures.append(f"{label} ({site.id}): skal besøges{by}, men kan ikke: {why}")
                continue
            covers.append(Cover(tuple(mine), 1, (), label))
            most.append(1)
        for q in self.quotas:
            muni_sites = [s for s in self.sites if s.municipality_code == q.municipality]
            mine = [j for s in muni_sites for j in site_jobs[s.id]]
            name = self.muni_name(q.municipality)
            if q.min_visits > 0:
                top = sum(reachable(s) for s in muni_sites)
                if top < q.min_visits:
                    failures.append(
                        f"kvote {name}: {q.min_visits} besøg krævet, højst {top} muligt i ugen "
                        f"(mangler {q.min_visits - top})"
                    )
                covers.append(Cover(tuple(mine), q.min_visits, (), f"kvote {name}: besøg"))
                most.append(top)
            if q.min_mobile_hours > 0:
                need = math.ceil(q.min_mobile_hours * 60 - 1e-9)
                top = sum(reachable(s) * s.service_min for s in muni_sites)
                if top < need:
                    failures.append(
                        f"kvote {name}: {fmt_hours(q.min_mobile_hours)} mobile timer krævet, højst "
                        f"{fmt_hours(top / 60)} mulige i ugen (mangler {fmt_hours((need - top) / 60)})"
                    )
                weights = tuple(jobs[j].site.service_min for j in mine)
                covers.append(Cover(tuple(mine), need, weights, f"kvote {name}: mobile timer"))
                most.append(top)
        return covers, most, failures

    # -- after solving -----------------------------------------------------
    def run(self) -> WeekResult:
        self.progress("Finder brugbare bil-dage og besætninger")
        vds, unusable = self.vehicle_days()
        self.vds = vds
        self.unusable = unusable
        self._opts: dict[str, list[_explain.DayOption]] = {}
        for site in self.sites:
            self._opts[site.id] = [self.day_option(site, k, d, vds) for k, d in enumerate(self.dates)]
        self.progress(f"Bygger ugemodellen: {len(vds)} ruter, {len(self.sites)} steder")
        model = self.build(vds)
        self.model = model
        self.progress("Bygger en første plan (grådig indsættelse)")
        greedy = _State(self, model, [[] for _ in vds])
        greedy.satisfy_covers()
        greedy.improve()
        sol_info, seqs = self._solve(model, greedy.seqs)
        state = _State(self, model, seqs)
        state.repair_all()
        state.satisfy_covers()
        state.improve()
        if greedy.key() < state.key() or sol_info["engine"] == "none":
            state = greedy
            sol_info["kept"] = "greedy"
        else:
            sol_info["kept"] = "core"
        sol_info["greedy_objective"] = greedy.objective()
        cg = self._colgen(model, state, greedy, sol_info)
        if cg is not None and cg.routes is not None:
            better = _State(self, model, cg.routes)
            better.repair_all()
            better.satisfy_covers()
            better.improve()
            sol_info["colgen_plan_objective"] = better.objective()
            if better.key() < state.key():
                state = better
                sol_info["kept"] = "column-generation"
        crews = self._roster(state)
        self._check_covers(state)
        self.progress("Fordeler lokalbetjenttimer")
        hours_plan, hours_records, officer_records, layout_info = self._hours(state, crews)
        self.progress("Forklarer ubesøgte steder og beregner grænse")
        unvisited = self._explain(state)
        least = self.timing.least_matrix(model.locations)
        bound = upper_bound(model.problem, leg_minutes=least)
        routes = self._route_records(state, crews)
        objective = state.objective()
        # The core's bound is for the matrix's average ferry waits; with timed
        # ferries a schedule can beat the average, so only this module's bound
        # (which prices timed legs without waiting) stays valid then.
        timed = bool(np.any(least != model.problem.duration))
        ub_candidates = {"lp-knapsack": bound.value}
        if not timed:
            ub_candidates["core"] = sol_info.get("core_upper_bound")
        if cg is not None:
            ub_candidates[BOUND_METHOD] = cg.bound
        ub_candidates = {k: v for k, v in ub_candidates.items() if v is not None}
        ub = min(ub_candidates.values()) if ub_candidates else None
        bound_method = min(ub_candidates, key=lambda k: ub_candidates[k]) if ub_candidates else bound.method
        old_ub = [v for k, v in ub_candidates.items() if k != BOUND_METHOD]
        scale = self.settings.prize_scale
        elapsed = time.perf_counter() - self.t0
        kpis = week_kpis(
            routes=routes,
            hours=hours_records,
            sites=self.sites,
            municipalities=self.municipalities,
            quotas=self.quotas,
            objective=objective / scale,
            upper_bound=None if ub is None else ub / scale,
            solve_seconds=sol_info["seconds"],
            time_limit_s=self.solver_settings.time_limit_s,
            unvisited=unvisited,
            hours_info={
                "status": hours_plan.status if hours_plan else "NOT_RUN",
                "lp_status": hours_plan.lp_status if hours_plan else "NOT_RUN",
                "objective": hours_plan.objective if hours_plan else 0.0,
                "lp_bound": hours_plan.lp_bound if hours_plan else 0.0,
                "gap": hours_plan.gap if hours_plan else 0.0,
                "seconds": hours_plan.seconds if hours_plan else 0.0,
            },
        )
        kpis["routes_unusable"] = unusable
        kpis["routes_planned"] = len(vds)
        kpis["routes_used"] = sum(1 for r in routes if r.stops)
        kpis["objective_prize"] = objective
        kpis["prize_scale"] = scale
        kpis["bound_method"] = "lp-knapsack" if bound_method == "core" else bound_method
        # the bound without column generation, for comparison in the same run
        kpis["upper_bound_without_colgen"] = min(old_ub) / scale if old_ub else None
        kpis["plan_method"] = sol_info["kept"]
        kpis["plan_seconds"] = round(elapsed, 3)
        kpis.update(layout_info)
        solver_info = {
            **sol_info,
            "plan_method": sol_info["kept"],
            "bound_status": bound.status,
            "bound_seconds": round(bound.seconds, 3),
            "improve_inserted": state.inserted,
            "improve_swapped": state.swapped,
            "repair_dropped": state.dropped,
            "roster_status": self._roster_status,
            "plan_seconds": round(elapsed, 3),
        }
        return WeekResult(routes, officer_records, hours_records, unvisited, kpis, solver_info)

    def _colgen(self, model: _Model, state: _State, greedy: _State, info: dict) -> ColgenResult | None:
        """Column generation seeded with the kept and the greedy plan (and the core's pool routes).

        Gets what is left of the search time after the core (the core was
        given ``1 - colgen_share`` of it); in work-limit mode it runs a fixed
        number of pricing rounds and a deterministic integer master instead,
        so the plan stays the same on any machine.
        """
        ss = self.solver_settings
        problem = model.problem
        if not ss.colgen or not problem.jobs or not problem.routes:
            return None
        if ss.work_limit is not None:
            limit, rounds = None, max(1, min(10, ss.work_limit // 100))
        else:
            used = time.perf_counter() - self.t0
            limit = ss.time_limit_s - used - self._later(problem)
            rounds = None
            if limit < MIN_SEARCH_S:
                info["colgen"] = {"status": "no time left"}
                return None
        self.progress("Søjlegenerering: grænse og plan over ruter")
        least = self.timing.least_matrix(model.locations)
        seeds = [state.seqs, greedy.seqs, *([self._core_seqs] if getattr(self, "_core_seqs", None) else [])]
        cg = ColumnGeneration(problem, leg_minutes=least, ng=COLGEN_NG)
        for r, jobs in getattr(self, "_core_pool", ()):
            cg.add_drivable(r, jobs)
        res = cg.solve(time_limit=limit, seeds=seeds, max_rounds=rounds)
        info["colgen"] = {
            "bound": res.bound,
            "lp": res.lp,
            "objective": res.objective,
            "columns": res.columns,
            "rounds": res.rounds,
            "exact": res.exact,
            "labels": res.labels,
            "seconds": round(res.seconds, 3),
            "lp_seconds": round(res.lp_seconds, 3),
            "pricing_seconds": round(res.pricing_seconds, 3),
            "ip_seconds": round(res.ip_seconds, 3),
            "ip_status": res.ip_status,
            "time_limit_s": None if limit is None else round(limit, 3),
        }
        return res

    def _later(self, problem) -> float:
        """Seconds to leave for crews, hours, explanations and the bound (an estimate, >= 8 % of limit)."""
        ss = self.solver_settings
        return max(0.08 * ss.time_limit_s, 0.5 + 0.04 * len(self.officers) + 0.001 * len(problem.jobs))

    def _initial(self, model: _Model, seqs: Sequence[Sequence[int]]):
        """The greedy plan as a core solution (routes the core's own timing rejects left empty)."""
        from mobilstation.optimize.core import Solution, collected_prize, evaluate, schedule_route

        problem = model.problem
        kept = [
            list(seq) if schedule_route(problem, r, list(seq)) is not None else []
            for r, seq in enumerate(seqs)
        ]
        _prize, schedules = evaluate(problem, kept)
        if schedules is None:
            return None
        return Solution(
            routes=tuple(schedules),
            objective=collected_prize(problem, [j for seq in kept for j in seq]),
            feasible=True,
            violations=(),
            upper_bound=None,
            seconds=0.0,
            iterations=0,
            engine="greedy",
            status="feasible",
        )

    def _solve(self, model: _Model, start: Sequence[Sequence[int]]) -> tuple[dict, list[list[int]]]:
        from mobilstation.optimize.core import solve

        ss = self.solver_settings
        problem = model.problem
        info: dict = {
            "seed": ss.seed,
            "time_limit_s": ss.time_limit_s,
            "work_limit": ss.work_limit,
            "jobs": len(problem.jobs),
            "routes": len(problem.routes),
        }
        if not problem.jobs or not problem.routes:
            info.update(engine="none", status="empty", seconds=0.0, iterations=0, core_objective=0)
            info["core_upper_bound"] = 0
            return info, [[] for _ in problem.routes]
        used = time.perf_counter() - self.t0
        if ss.work_limit is not None:
            limit = None  # the core is clock-free (reproducible) only without a time limit
        else:
            # leave time for crews, hours, explanations and the bound: an
            # estimate from the instance size, at least 8 % of the budget
            limit = ss.time_limit_s - used - self._later(problem)
            if ss.colgen:
                limit *= 1.0 - ss.colgen_share  # the rest goes to column generation
            if limit < MIN_SEARCH_S:
                # no time worth searching: the greedy plan stands, and the
                # limit is kept as far as building the week allows
                info.update(engine="none", status="no search time left", seconds=0.0, iterations=0)
                info.update(
                    core_objective=None, core_upper_bound=None, core_time_limit_s=round(max(limit, 0.0), 3)
                )
                return info, [list(seq) for seq in start]
        self.progress(f"Løser ruterne ({len(problem.jobs)} mulige besøg, {len(problem.routes)} ruter)")
        sol = solve(
            problem,
            time_limit=limit,
            max_iterations=ss.work_limit,
            seed=ss.seed,
            pool=ss.pool,
            initial=self._initial(model, start),
        )
        info.update(
            engine=sol.engine,
            status=sol.status,
            seconds=round(sol.seconds, 3),
            iterations=sol.iterations,
            core_objective=sol.objective,
            core_upper_bound=sol.upper_bound,
            core_feasible=sol.feasible,
            core_violations=list(sol.violations),
            core_time_limit_s=None if limit is None else round(limit, 3),
        )
        seqs = [list(r.jobs) for r in sol.routes]
        self._core_seqs = seqs
        self._core_pool = sol.pool
        return info, seqs

    def _check_covers(self, state: _State) -> None:
        bad: list[str] = []
        for ci, c in enumerate(self.model.covers):
            got = state.cover_sum[ci]
            if got >= c.minimum:
                continue
            top = self.model.cover_max[ci]
            if c.name.startswith("anmodning"):
                bad.append(f"{c.name}: kunne ikke få plads på ruterne inden fristen")
            elif c.name.endswith("mobile timer"):
                bad.append(
                    f"{c.name.removesuffix(': mobile timer')}: "
                    f"{fmt_hours(c.minimum / 60)} mobile timer krævet, "
                    f"kun {fmt_hours(got / 60)} planlagt (teoretisk højst {fmt_hours(top / 60)}; mangler "
                    f"{fmt_hours((c.minimum - got) / 60)})"
                )
            else:
                bad.append(
                    f"{c.name.removesuffix(': besøg')}: {c.minimum} besøg krævet, "
                    f"kun {got} muligt med ruternes tid "
                    f"(teoretisk højst {top}; mangler {c.minimum - got})"
                )
        if bad:
            raise PlanFailed("Ugen kan ikke planlægges: krav kan ikke opfyldes", bad)

    # -- crews -------------------------------------------------------------
    def _slots(self, state: _State) -> list[CrewSlot]:
        out = []
        for vd in self.vds:
            sched = state.sched[vd.index]
            if not sched.stops:
                continue
            skills: set[str] = set()
            for st in sched.stops:
                skills |= st.site.skills
            out.append(
                CrewSlot(
                    route_id=vd.id,
                    day=vd.day,
                    date=vd.date,
                    depot_id=vd.depot_id,
                    start=sched.departure,
                    end=sched.ret,
                    work_min=sched.duration,
                    crew_size=vd.vehicle.crew_size,
                    skills=frozenset(skills),
                )
            )
        return out

    def _roster(self, state: _State) -> CrewAssignment:
        self.progress("Sætter besætninger")
        by_id = {vd.id: vd for vd in self.vds}
        for _ in range(4):
            crews = assign_crews(
                self._slots(state),
                self.officers,
                self.travel_min,
                self.settings,
                seed=self.solver_settings.seed,
                hint=self.pre_crews,
                work_s=5.0,
                time_s=max(5.0, 0.1 * self.solver_settings.time_limit_s),
            )
            self._roster_status = crews.status
            if not crews.missing_skills and not crews.uncrewed:
                return crews
            # a vehicle-day without a crew (cannot happen when the worst-case
            # pre-check holds, kept as a safeguard) is emptied and reported
            for rid, reason in sorted(crews.uncrewed.items()):
                state.drop_route(by_id[rid])
                self.unusable.append({"route_id": rid, "reason": reason})
            for rid, skills in sorted(crews.missing_skills.items()):
                if rid not in crews.uncrewed:
                    state.drop_skill(by_id[rid], skills)
            state.satisfy_covers()
            state.improve()
        raise PlanFailed(
            "Ugen kan ikke bemandes: færdigheder mangler",
            [
                f"{rid}: ingen betjent med {', '.join(sorted(s))}"
                for rid, s in sorted(crews.missing_skills.items())
            ],
        )

    # -- hours ---------------------------------------------------------------
    def _hours(
        self, state: _State, crews: CrewAssignment
    ) -> tuple[HoursPlan | None, list[HoursAllocation], list[OfficerRecord], dict]:
        s = self.settings
        vd_by_id = {vd.id: vd for vd in self.vds}
        mobile: dict[str, list[MobileDuty]] = {}
        shifts: dict[str, list[Shift]] = {o.id: [] for o in self.officers}
        used_min: dict[str, int] = {o.id: 0 for o in self.officers}
        for (oid, rid), (start, end) in sorted(crews.duty.items()):
            vd = vd_by_id[rid]
            mobile.setdefault(oid, []).append(MobileDuty(vd.day, start, end))
            shifts[oid].append(
                Shift(date=vd.date.isoformat(), start=start, end=end, duty="mobile", route_id=rid)
            )
            used_min[oid] += end - start
        budgets: dict[str, int] = {}
        for o in self.officers:
            days = [k for k, d in enumerate(self.dates) if d.isoweekday() in o.available_days]
            room = patrol_room(o, days, {m.day: m for m in mobile.get(o.id, ())})
            budgets[o.id] = max(0, min(field_budget_min(o, s) - used_min[o.id], sum(room.values())))
        mobile_hours: dict[str, float] = {}
        for sched in state.sched:
            for st in sched.stops:
                m = st.site.municipality_code
                mobile_hours[m] = mobile_hours.get(m, 0.0) + st.site.service_min / 60
        areas = patrol_areas(self.sites, s)
        names = {c: self.muni_name(c) for c in self.municipalities}
        plan = allocate_hours(
            officers=self.officers,
            budgets=budgets,
            areas=areas,
            travel=self.travel,
            settings=s,
            quotas=self.quotas,
            mobile_hours=mobile_hours,
            names=names,
            min_use={
                o.id: max(0, int(s.min_contract_use * field_budget_min(o, s)) - used_min[o.id])
                for o in self.officers
            },
            time_limit_s=max(2.0, 0.1 * self.solver_settings.time_limit_s),
        )
        layout = lay_patrol(
            self.officers,
            self.dates,
            plan.blocks,
            plan.block_cost,
            mobile,
            s,
            travel_min=self.travel_min,
            budgets=budgets,
            seed=self.solver_settings.seed,
        )
        area_by_id = {a.id: a for a in areas}
        records: list[HoursAllocation] = []
        patrol_hours: dict[str, float] = {}
        for pd in sorted(layout.days, key=lambda p: (p.officer_id, p.day)):
            d = self.dates[pd.day]
            shifts[pd.officer_id].append(
                Shift(
                    date=d.isoformat(),
                    start=pd.start,
                    end=pd.end,
                    duty="patrol",
                    travel_min=pd.travel_min,
                    legs=self._patrol_legs(pd),
                )
            )
            for aid, n in sorted(pd.blocks.items()):
                a = area_by_id[aid]
                records.append(
                    HoursAllocation(
                        officer_id=pd.officer_id,
                        area_id=aid,
                        area_name=a.name,
                        municipality_code=a.municipality_code,
                        date=d.isoformat(),
                        minutes=n * s.patrol.block_min,
                        blocks=n,
                    )
                )
                patrol_hours[a.municipality_code] = (
                    patrol_hours.get(a.municipality_code, 0.0) + n * s.patrol.block_min / 60
                )
        if layout.unplaced:
            bad = []
            for m, need in plan.need_hours.items():
                if patrol_hours.get(m, 0.0) + 1e-6 < need:
                    bad.append(
                        f"kvote {self.muni_name(m)}: {fmt_hours(need)} patruljetimer krævet, kun "
                        f"{fmt_hours(patrol_hours.get(m, 0.0))} kan lægges i vagter (hviletid/vagtlængde)"
                    )
            if bad:
                raise PlanFailed("Timekvoterne kan ikke lægges i vagter", bad)
        officer_records = []
        for o in self.officers:
            mine = sorted(shifts[o.id], key=lambda sh: (sh.date, sh.start, sh.duty))
            officer_records.append(
                OfficerRecord(
                    id=o.id,
                    name=o.name,
                    station_id=o.station_id,
                    weekly_hours=o.weekly_hours,
                    skills=sorted(o.skills),
                    shifts=mine,
                    max_shift_hours=o.max_shift_hours,
                )
            )
        info = {
            "patrol_layout_status": layout.status,
            "patrol_unplaced_blocks": sum(layout.unplaced.values()),
            "officer_budget_min": budgets,
        }
        return plan, records, officer_records, info

    def _patrol_legs(self, pd) -> list[Leg]:
        """The patrol day's drive as legs, timed from the shift start (travel matrix minutes)."""
        legs: list[Leg] = []
        t = pd.start
        for a, b in itertools.pairwise(pd.order):
            i, j = self.index[a], self.index[b]
            minutes = int(self.travel.minutes[i, j])
            legs.append(
                Leg(
                    from_id=a,
                    to_id=b,
                    depart=t,
                    minutes=minutes,
                    metres=int(self.travel.metres[i, j]),
                    ferry=bool(self.travel.ferry[i, j]),
                    links=list(self.travel.links.get((i, j), ())),
                )
            )
            t += minutes + pd.blocks.get(b, 0) * self.settings.patrol.block_min
        return legs

    # -- explanations --------------------------------------------------------
    def _explain(self, state: _State) -> list[Unvisited]:
        views = []
        for vd in self.vds:
            seq = state.seqs[vd.index]
            views.append(
                _explain.RouteView(
                    index=vd.index,
                    id=vd.id,
                    date=vd.date,
                    sites=[self.model.jobs[j].site for j in seq],
                    values=[state.removal_value(j) for j in seq],
                    locked=[state.locked(j) for j in seq],
                )
            )

        def fits(r: int, seq: Sequence[Site]) -> bool:
            return self.timing.schedule(self.vds[r], seq) is not None

        values = {s.id: self.model.marginal[s.id][0] for s in self.sites}
        return _explain.explain_all(
            self.sites, self.model.options, views, fits, values, state.count, self.settings.prize_scale
        )

    # -- output records ------------------------------------------------------
    def _route_records(self, state: _State, crews: CrewAssignment) -> list[Route]:
        out = []
        for vd in self.vds:
            sched = state.sched[vd.index]
            v = vd.vehicle
            stops = [
                Stop(
                    seq=k + 1,
                    site_id=st.site.id,
                    arrival=st.arrival,
                    start=st.start,
                    end=st.end,
                    arrival_iso=iso(vd.date, st.arrival),
                    start_iso=iso(vd.date, st.start),
                    end_iso=iso(vd.date, st.end),
                    wait_min=st.start - st.arrival,
                )
                for k, st in enumerate(sched.stops)
            ]
            legs = [
                Leg(
                    from_id=lg.from_id,
                    to_id=lg.to_id,
                    depart=lg.depart,
                    minutes=lg.minutes,
                    metres=lg.metres,
                    ferry=lg.ferry,
                    links=list(lg.links),
                )
                for lg in sched.legs
            ]
            out.append(
                Route(
                    id=vd.id,
                    vehicle_id=v.id,
                    date=vd.date.isoformat(),
                    weekday=vd.date.isoweekday(),
                    depot_id=v.depot_id,
                    depot_lat=v.depot_lat,
                    depot_lon=v.depot_lon,
                    shift=[v.shift_start, v.shift_end],
                    max_work_min=v.max_work_min,
                    departure=sched.departure,
                    return_=sched.ret,
                    crew=list(crews.crews.get(vd.id, [])),
                    stops=stops,
                    legs=legs,
                    travel_min=sum(lg.minutes for lg in sched.legs),
                    travel_m=sum(lg.metres for lg in sched.legs),
                    service_min=sum(st.end - st.start for st in sched.stops),
                )
            )
        return out


class _State:
    """The routes being finished: job sequences, schedules and counters."""

    def __init__(self, week: _Week, model: _Model, seqs: list[list[int]]) -> None:
        self.week = week
        self.model = model
        self.seqs = [list(s) for s in seqs]
        self.sched: list[Schedule] = [Schedule(vd.earliest, vd.earliest, (), ()) for vd in week.vds]
        self.count: dict[str, int] = {s.id: 0 for s in week.sites}
        self.days: dict[str, list[date]] = {s.id: [] for s in week.sites}
        self.cover_sum = [0] * len(model.covers)
        self.banned: set[tuple[int, int]] = set()
        self.inserted = self.swapped = self.dropped = 0
        self.evals = 0
        self.least = week.timing.least_matrix(model.locations)
        self.loc = {p: i for i, p in enumerate(model.locations)}
        for seq in self.seqs:
            for j in seq:
                self._add_counts(j, +1)

    # bookkeeping
    def _add_counts(self, j: int, sign: int) -> None:
        job = self.model.jobs[j]
        sid = job.site.id
        self.count[sid] += sign
        if sign > 0:
            self.days[sid].append(job.date)
        else:
            self.days[sid].remove(job.date)
        for ci, w in self.model.cover_of.get(j, ()):
            self.cover_sum[ci] += sign * w

    def shortfall(self) -> int:
        return sum(max(0, c.minimum - got) for c, got in zip(self.model.covers, self.cover_sum, strict=True))

    def key(self) -> tuple[int, int]:
        """Smaller is better: unmet requirements first, then value."""
        return self.shortfall(), -self.objective()

    def objective(self) -> int:
        return sum(sum(self.model.marginal[sid][: self.count[sid]]) for sid in self.count)

    def removal_value(self, j: int) -> int:
        sid = self.model.jobs[j].site.id
        return self.model.marginal[sid][self.count[sid] - 1]

    def gain(self, j: int) -> int:
        sid = self.model.jobs[j].site.id
        c = self.count[sid]
        m = self.model.marginal[sid]
        return m[c] if c < len(m) else 0

    def locked(self, j: int) -> bool:
        """Whether removing ``j`` would break a cover (quota or request)."""
        return any(
            self.cover_sum[ci] - w < self.model.covers[ci].minimum for ci, w in self.model.cover_of.get(j, ())
        )

    def addable(self, j: int) -> bool:
        job = self.model.jobs[j]
        s = job.site
        if self.count[s.id] >= s.weekly_max:
            return False
        return not any(d == job.date or abs((d - job.date).days) < s.min_gap_days for d in self.days[s.id])

    def _sites(self, seq: Sequence[int]) -> list[Site]:
        return [self.model.jobs[j].site for j in seq]

    def _schedule(self, r: int, seq: Sequence[int]) -> Schedule | None:
        self.evals += 1
        return self.week.timing.schedule(self.week.vds[r], self._sites(seq))

    # repair: make every route feasible under the plan's own timing
    def repair_all(self) -> None:
        visited: set[int] = set()
        for r, seq in enumerate(self.seqs):
            # drop jobs the core put where this model does not allow them, or twice
            for j in list(seq):
                job = self.model.jobs[j]
                if r not in job.routes or j in visited:
                    seq.remove(j)
                    self._add_counts(j, -1)
                    self.dropped += 1
                else:
                    visited.add(j)
            self.repair(r)

    def repair(self, r: int) -> None:
        seq = self.seqs[r]
        while True:
            sched = self._schedule(r, seq)
            if sched is not None:
                self.sched[r] = sched
                return
            order = sorted(
                range(len(seq)), key=lambda k: (self.locked(seq[k]), self.removal_value(seq[k]), k)
            )
            pick = None
            for k in order:
                if self._schedule(r, seq[:k] + seq[k + 1 :]) is not None:
                    pick = k
                    break
            if pick is None:
                pick = order[0]
            j = seq.pop(pick)
            self._add_counts(j, -1)
            self.dropped += 1

    def drop_route(self, vd: VehicleDay) -> None:
        """Empty a route that cannot be crewed and keep every job off it."""
        for j in self.seqs[vd.index]:
            self._add_counts(j, -1)
            self.dropped += 1
        self.seqs[vd.index] = []
        self.sched[vd.index] = Schedule(vd.earliest, vd.earliest, (), ())
        for j, job in enumerate(self.model.jobs):
            if vd.index in job.routes:
                self.banned.add((j, vd.index))

    def drop_skill(self, vd: VehicleDay, skills: set[str]) -> None:
        """Take visits needing ``skills`` off a route whose crew lacks them."""
        seq = self.seqs[vd.index]
        for j in list(seq):
            if self.model.jobs[j].site.skills & skills:
                seq.remove(j)
                self._add_counts(j, -1)
                self.banned.add((j, vd.index))
                self.dropped += 1
        self.repair(vd.index)

    # improvement: insertions and 1-for-1 swaps, deterministic
    def _cap(self, r: int) -> int:
        return self.week.vds[r].capacity

    def _base(self, r: int, seq: Sequence[int]) -> tuple[int, list[int]]:
        vd = self.week.vds[r]
        locs = [
            self.loc[vd.depot_id],
            *(self.loc[self.model.jobs[j].site.id] for j in seq),
            self.loc[vd.depot_id],
        ]
        base = sum(int(self.least[a, b]) for a, b in itertools.pairwise(locs))
        base += sum(self.model.jobs[j].site.service_min for j in seq)
        return base, locs

    def _try_insert(self, r: int, seq: list[int], j: int) -> tuple[int, Schedule] | None:
        """A feasible position for ``j`` in ``seq`` on route ``r``, cheapest lower-bound increase first."""
        base, locs = self._base(r, seq)
        cap = self._cap(r)
        x = self.loc[self.model.jobs[j].site.id]
        service = self.model.jobs[j].site.service_min
        a = np.asarray(locs[:-1])
        b = np.asarray(locs[1:])
        delta = self.least[a, x] + self.least[x, b] - self.least[a, b] + service
        order = [int(k) for k in np.argsort(delta, kind="stable") if base + int(delta[k]) <= cap]
        for k in order:
            if self.evals > _IMPROVE_EVALS:
                return None
            cand = [*seq[:k], j, *seq[k:]]
            sched = self._schedule(r, cand)
            if sched is not None:
                return k, sched
        return None

    def improve(self) -> None:
        jobs = self.model.jobs
        changed = True
        while changed and self.evals <= _IMPROVE_EVALS:
            changed = False
            visited = {j for seq in self.seqs for j in seq}
            cands = [j for j in range(len(jobs)) if j not in visited and self.addable(j) and self.gain(j) > 0]
            cands.sort(key=lambda j: (-self.gain(j), j))
            for j in cands:
                if self.evals > _IMPROVE_EVALS:
                    break
                if not self.addable(j) or self.gain(j) <= 0:
                    continue
                routes = [r for r in jobs[j].routes if (j, r) not in self.banned]
                done = False
                for r in routes:
                    hit = self._try_insert(r, self.seqs[r], j)
                    if hit is not None:
                        k, sched = hit
                        self.seqs[r].insert(k, j)
                        self.sched[r] = sched
                        self._add_counts(j, +1)
                        self.inserted += 1
                        changed = done = True
                        break
                if done:
                    continue
                if self._try_swap(j, routes):
                    changed = True

    def satisfy_covers(self) -> None:
        """Meet covers (requests, quotas) the search left short, at the least loss of value.

        For each short cover, its jobs are tried by weight then value: first a
        plain insertion, then in place of the cheapest visit whose removal
        breaks no other cover.
        """
        jobs = self.model.jobs
        for ci, cover in enumerate(self.model.covers):
            weight = {j: cover.weight(k) for k, j in enumerate(cover.jobs)}
            while self.cover_sum[ci] < cover.minimum and self.evals <= _IMPROVE_EVALS:
                visited = {j for seq in self.seqs for j in seq}
                cands = [j for j in cover.jobs if j not in visited and self.addable(j) and weight[j] > 0]
                cands.sort(key=lambda j: (-weight[j], -self.gain(j), j))
                done = False
                for j in cands:
                    routes = [r for r in jobs[j].routes if (j, r) not in self.banned]
                    for r in routes:
                        hit = self._try_insert(r, self.seqs[r], j)
                        if hit is not None:
                            self.seqs[r].insert(hit[0], j)
                            self.sched[r] = hit[1]
                            self._add_counts(j, +1)
                            self.inserted += 1
                            done = True
                            break
                    if done or self._try_swap(j, routes, forced=True):
                        done = True
                        break
                if not done:
                    # last resort: rebuild one route around the job, keeping only
                    # visits other covers need; the improvement pass refills it
                    done = any(self._clear_for(j) for j in cands)
                if not done:
                    break

    def _clear_for(self, j: int) -> bool:
        best: tuple[int, int, list[int], int, Schedule] | None = None  # (loss, r, kept, pos, sched)
        for r in self.model.jobs[j].routes:
            if (j, r) in self.banned:
                continue
            seq = self.seqs[r]
            kept = [v for v in seq if self.locked(v)]
            loss = sum(self.removal_value(v) for v in seq if v not in kept)
            if best is not None and loss >= best[0]:
                continue
            hit = self._try_insert(r, kept, j)
            if hit is not None:
                best = (loss, r, kept, hit[0], hit[1])
        if best is None:
            return False
        _, r, kept, pos, sched = best
        for v in self.seqs[r]:
            if v not in kept:
                self._add_counts(v, -1)
                self.dropped += 1
        self.seqs[r] = [*kept[:pos], j, *kept[pos:]]
        self._add_counts(j, +1)
        self.sched[r] = sched
        return True

    def _try_swap(self, j: int, routes: Sequence[int], forced: bool = False) -> bool:
        """Put ``j`` in place of one visit if that gains value (or, ``forced``, at the least loss)."""
        gain = self.gain(j)
        best: tuple[int, int, int, int, Schedule] | None = None  # (net, r, remove pos, insert pos, sched)
        for r in routes:
            seq = self.seqs[r]
            for k, v in enumerate(seq):
                if self.locked(v):
                    continue
                loss = self.removal_value(v)
                if not forced and loss >= gain:
                    continue
                if best is not None and gain - loss <= best[0]:
                    continue
                if self.model.jobs[v].site.id == self.model.jobs[j].site.id:
                    continue
                rest = seq[:k] + seq[k + 1 :]
                hit = self._try_insert(r, rest, j)
                if hit is not None:
                    best = (gain - loss, r, k, hit[0], hit[1])
        if best is None:
            return False
        _, r, k, pos, sched = best
        seq = self.seqs[r]
        v = seq.pop(k)
        self._add_counts(v, -1)
        seq.insert(pos, j)
        self._add_counts(j, +1)
        self.sched[r] = sched
        self.swapped += 1
        return True


def plan_week(
    *,
    sites: Sequence[Site],
    vehicles: Sequence[Vehicle],
    officers: Sequence[Officer],
    dates: Sequence[date],
    travel: TravelMatrix,
    quotas: Sequence[Quota] = (),
    municipalities: Mapping[str, tuple[str, int | None]] | None = None,
    links: Sequence[Link] = (),
    settings: WeekSettings | None = None,
    solver: SolverSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> WeekResult:
    """Plan one week: routes with crews, patrol hours, explanations, KPIs.

    ``travel`` must hold every vehicle depot, every site and every officer
    station. ``municipalities`` maps code -> (name, population). ``links``
    are the district's fixed links; ferries with departures are timed
    precisely (module docstring). Raises :class:`InputError` for inconsistent
    input and :class:`PlanFailed` (with ``violations``) when requests or
    quotas cannot be met, naming the constraint and the shortfall.
    """
    week = _Week(
        sites,
        vehicles,
        officers,
        dates,
        travel,
        quotas,
        municipalities or {},
        links,
        settings or WeekSettings(),
        solver or SolverSettings(),
        progress,
    )
    return week.run()


__all__ = ["Schedule", "Timing", "VehicleDay", "WeekResult", "iso", "plan_week"]

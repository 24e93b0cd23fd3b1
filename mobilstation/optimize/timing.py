"""Timing a vehicle-day: legs, timed ferries, schedules and local times.

Ferries: the travel matrix prices every leg over a ferry with the crossing
plus the average wait. When the link has a timetable, a leg's drive is split
between the two road parts in proportion to the straight-line distances from
the leg's ends to the terminals, the vehicle boards ``ferry_boarding_min``
before a departure and waits for the next one (see :mod:`week` for the whole
rule). :class:`Timing` schedules a sequence of sites on a vehicle-day: service
as early as possible in the first window still open, and the departure that
makes the day shortest, then the earliest.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from mobilstation.demand.site import Site
from mobilstation.geo.model import Link
from mobilstation.optimize.specs import Vehicle
from mobilstation.travel.base import TravelMatrix

TZ = ZoneInfo("Europe/Copenhagen")


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


def iso(day: date, minutes: int) -> str:
    """ISO 8601 local time with the Europe/Copenhagen offset of that moment."""
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=TZ).isoformat()


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

"""Can every officer's patrol day be driven? A check of plan.json on its own.

For each officer and date with patrol, the patrol minutes allocated that day
(``hours``) plus the shortest drive from the officer's station through the
day's areas and back must fit in that day's patrol shifts. The drive is
recomputed here from a travel matrix (exact over every visiting order, with
the option of driving home between two areas), not read from the plan, so a
plan that under-counts its driving fails. When a shift records its legs, they
must add up to its ``travel_min`` and, with the patrol time, to its length.

Kept apart from ``plan_checker`` (another module's job) so the routing work
can be checked while that one changes.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

from mobilstation.plan import HoursAllocation, OfficerRecord, PlanRecord
from mobilstation.travel.base import TravelMatrix


def shortest_drive(station: str, areas: list[str], minutes) -> int:
    """Least minutes from ``station`` through ``areas`` and back (exact up to 8 areas)."""
    if not areas:
        return 0

    def hop(a: str, b: str) -> int:
        via = minutes(a, station) + minutes(station, b) if station not in (a, b) else minutes(a, b)
        return min(minutes(a, b), via)

    orders = itertools.permutations(areas) if len(areas) <= 8 else [areas]
    return min(sum(hop(a, b) for a, b in itertools.pairwise([station, *o, station])) for o in orders)


def undrivable_days(plan: PlanRecord, travel: TravelMatrix) -> list[str]:
    """One sentence per officer-day of ``plan`` whose patrol cannot be driven in its shifts."""
    index = {pid: k for k, pid in enumerate(travel.ids)}

    def minutes(a: str, b: str) -> int:
        return 0 if a == b else int(travel.minutes[index[a], index[b]])

    return undrivable(plan.officers, plan.hours, minutes)


def undrivable(officers: Sequence[OfficerRecord], hours: Sequence[HoursAllocation], minutes) -> list[str]:
    """As :func:`undrivable_days` for officer records and allocations; ``minutes(a, b)`` is the drive."""
    work: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for h in hours:
        work[h.officer_id, h.date or ""][h.area_id] += h.minutes
    out: list[str] = []
    for o in officers:
        shifts: dict[str, int] = defaultdict(int)
        for sh in o.shifts:
            if sh.duty != "patrol":
                continue
            shifts[sh.date] += sh.end - sh.start
            if sh.legs:
                driven = sum(lg.minutes for lg in sh.legs)
                if sh.travel_min is not None and driven != sh.travel_min:
                    out.append(f"{o.id} {sh.date}: legs add to {driven} min, travel_min says {sh.travel_min}")
                if sh.legs[0].from_id != o.station_id or sh.legs[-1].to_id != o.station_id:
                    out.append(f"{o.id} {sh.date}: the drive does not start and end at {o.station_id}")
                if sh.legs[0].depart != sh.start:
                    out.append(
                        f"{o.id} {sh.date}: first leg leaves at {sh.legs[0].depart}, shift starts {sh.start}"
                    )
                for lg in sh.legs:
                    if lg.minutes != minutes(lg.from_id, lg.to_id):
                        out.append(
                            f"{o.id} {sh.date}: leg {lg.from_id}->{lg.to_id} {lg.minutes} min, "
                            f"the matrix says {minutes(lg.from_id, lg.to_id)}"
                        )
        for (oid, day), areas in sorted(work.items()):
            if oid != o.id:
                continue
            patrol = sum(areas.values())
            drive = shortest_drive(o.station_id, sorted(areas), minutes)
            if patrol + drive > shifts.get(day, 0):
                out.append(
                    f"{o.id}: patrol on {day} has {patrol} min in {sorted(areas)} + {drive} min drive "
                    f"from {o.station_id}, but the patrol shifts last {shifts.get(day, 0)} min"
                )
    return out


def plan_matrix(plan: PlanRecord) -> TravelMatrix:
    """The travel between the plan's stations and sites, recomputed from its coordinates and parameters."""
    from mobilstation.geo.district import load_district
    from mobilstation.travel.base import Point
    from mobilstation.travel.estimated import EstimatedParams, EstimatedTravel

    if plan.travel.model != "estimated":
        raise ValueError(f"cannot rebuild a {plan.travel.model!r} matrix from the plan alone")
    params = {k: v for k, v in plan.travel.params.items() if k in EstimatedParams.model_fields}
    model = EstimatedTravel.from_district(load_district(plan.scenario.district), EstimatedParams(**params))
    points = [Point(st.id, st.lat, st.lon) for st in plan.stations]
    points += [Point(x.id, x.lat, x.lon) for x in plan.sites]
    return model.matrix(points)

"""An officer's patrol day as times and places, for the calendar and the day sheet.

``plan.json`` gives each patrol shift (start, end) and the minutes each area
gets that day (``plan.hours``), and the shift is the drive from the
officer's station through the areas and back plus the minutes in the areas.
When the shift records its drive leg by leg (``Shift.legs``), an area's
patrol starts when the leg into it arrives and lasts its allocated minutes.
A plan without legs (written before they were recorded) has its areas laid
in the order the plan lists them, the shift's minutes not spent in an area
shared evenly between the drives (out, between areas, home), so every area's
event still has exactly its allocated length and the day ends when the
shift does.
"""

from __future__ import annotations

from dataclasses import dataclass

from mobilstation.plan import HoursAllocation, OfficerRecord, PlanRecord, Shift


@dataclass(frozen=True)
class PatrolStint:
    """One area on one patrol shift: ``start``/``end`` minutes, ``drive_before`` minutes of driving to it."""

    alloc: HoursAllocation
    start: int
    end: int
    drive_before: int


def patrol_stints(plan: PlanRecord, officer: OfficerRecord, shift: Shift) -> list[PatrolStint]:
    """The areas of ``shift`` (a patrol shift) in order, with times inside the shift."""
    allocs = [h for h in plan.hours if h.officer_id == officer.id and h.date == shift.date and h.minutes > 0]
    if not allocs:
        return []
    from_legs = _from_legs(shift, allocs)
    if from_legs is not None:
        return from_legs
    free = max(0, (shift.end - shift.start) - sum(h.minutes for h in allocs))
    n = len(allocs) + 1
    drives = [free // n + (1 if i < free % n else 0) for i in range(n)]
    out, t = [], shift.start
    for h, drive in zip(allocs, drives, strict=False):
        t += drive
        out.append(PatrolStint(h, t, t + h.minutes, drive))
        t += h.minutes
    return out


def _from_legs(shift: Shift, allocs: list[HoursAllocation]) -> list[PatrolStint] | None:
    """The stints as the recorded drive has them (``Shift.legs``); None when it does not cover every area."""
    if not shift.legs:
        return None
    todo = {h.area_id: h for h in allocs}
    out: list[PatrolStint] = []
    here = shift.start
    for leg in sorted(shift.legs, key=lambda lg: lg.depart):
        h = todo.pop(leg.to_id, None)
        if h is None:
            continue
        start = leg.depart + leg.minutes
        out.append(PatrolStint(h, start, start + h.minutes, max(0, start - here)))
        here = start + h.minutes
    return out if not todo else None


def drive_home(shift: Shift, stints: list[PatrolStint]) -> int:
    """Minutes from the last area back to the station at the shift's end."""
    return max(0, shift.end - stints[-1].end) if stints else 0

"""Hand-written mutants of the planner, for mutation testing of the suite (``benchmarks/mutants.py``).

Each mutant breaks one rule the way a planner bug would, by wrapping a step
of the real pipeline: the week optimiser is given looser inputs than the
scenario's (so it plans against the wrong limit while ``plan.json`` still
states the true one), or its output is edited (double booking), or the
record is made to agree with the looser limit (the lie the plan checker must
see through). A mutant is *killed* when the suite fails with it in place.

Loaded as a pytest plugin: ``MOBILSTATION_MUTANT=<name> pytest -p mutants ...``
(``tests/`` on ``PYTHONPATH``); with the variable unset it does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np


def _wrap_week(
    edit_inputs: Callable[[dict[str, Any]], None] | None = None,
    edit_result: Callable[[Any], None] | None = None,
) -> None:
    import mobilstation.optimize.week as week

    original = week.plan_week

    def plan_week(**kw: Any) -> Any:
        if edit_inputs is not None:
            edit_inputs(kw)
        result = original(**kw)
        if edit_result is not None:
            edit_result(result)
        return result

    week.plan_week = plan_week


def _sites(change: Callable[[Any], dict[str, Any]]) -> Callable[[dict[str, Any]], None]:
    def edit(kw: dict[str, Any]) -> None:
        kw["sites"] = [replace(s, **change(s)) for s in kw["sites"]]

    return edit


def _vehicles(**update: Any) -> Callable[[dict[str, Any]], None]:
    def edit(kw: dict[str, Any]) -> None:
        kw["vehicles"] = [v.model_copy(update=update) for v in kw["vehicles"]]

    return edit


def _settings(**update: Any) -> Callable[[dict[str, Any]], None]:
    def edit(kw: dict[str, Any]) -> None:
        kw["settings"] = kw["settings"].model_copy(update=update)

    return edit


def weekly_max_lie() -> None:
    """Ignore the weekly maximum and write the looser one into the record (demand hands out looser sites)."""
    import mobilstation.pipeline as pipeline

    original = pipeline.demand

    def demand(*args: Any, **kw: Any) -> Any:
        built = original(*args, **kw)
        built.sites = [replace(s, weekly_max=s.weekly_max + 4) for s in built.sites]
        return built

    pipeline.demand = demand


def weekly_max_ignored() -> None:
    """Plan as if every site could be visited four times more than its weekly maximum."""
    _wrap_week(_sites(lambda s: {"weekly_max": s.weekly_max + 4}))


def ferry_wait_dropped() -> None:
    """Price every ferry leg without the average wait (the link has no timetable)."""
    import mobilstation.pipeline as pipeline

    original = pipeline.travel_matrix

    def travel_matrix(resolved: Any, points: Any, **kw: Any) -> Any:
        m = original(resolved, points, **kw)
        waits = {lk.id: lk.wait_min for lk in resolved.district.links if lk.is_ferry}
        minutes = np.array(m.minutes, copy=True)
        for (i, j), ids in m.links.items():
            minutes[i, j] -= sum(waits.get(k, 0) for k in ids)
        return replace(m, minutes=minutes)

    pipeline.travel_matrix = travel_matrix


def spacing_ignored() -> None:
    """Plan repeat visits without the minimum gap in days."""
    _wrap_week(_sites(lambda s: {"min_gap_days": 0}))


def windows_ignored() -> None:
    """Let service start at any time of day."""
    _wrap_week(_sites(lambda s: {"windows": ((0, 24 * 60 - 1),)}))


def shift_ignored() -> None:
    """Plan the vehicles an hour either side of their shift (still inside the officers' day window
    in the shipped scenarios, so the week is planned, not refused)."""

    def edit(kw: dict[str, Any]) -> None:
        kw["vehicles"] = [
            v.model_copy(update={"shift_start": v.shift_start - 60, "shift_end": v.shift_end + 60})
            for v in kw["vehicles"]
        ]

    _wrap_week(edit)


def work_limit_ignored() -> None:
    """Plan the vehicles' days three hours longer than their maximum working time."""

    def edit(kw: dict[str, Any]) -> None:
        kw["vehicles"] = [v.model_copy(update={"max_work_min": v.max_work_min + 180}) for v in kw["vehicles"]]

    _wrap_week(edit)


def crew_size_ignored() -> None:
    """Crew every vehicle with one officer."""
    _wrap_week(_vehicles(crew_size=1))


def double_booking() -> None:
    """Put one officer on two vehicles the same day (the roster's one-duty-a-day rule broken)."""
    from mobilstation.plan import Shift

    def edit(result: Any) -> None:
        by_date: dict[str, list[Any]] = {}
        for r in result.routes:
            if r.stops and r.crew:
                by_date.setdefault(r.date, []).append(r)
        for routes in by_date.values():
            if len(routes) >= 2:
                a, b = routes[0], routes[1]
                twice = a.crew[0]
                b.crew = [twice, *[c for c in b.crew if c != twice][1:]]
                officer = next(o for o in result.officers if o.id == twice)
                officer.shifts.append(
                    Shift(date=b.date, start=b.departure, end=b.return_, duty="mobile", route_id=b.id)
                )
                return

    _wrap_week(edit_result=edit)


def rest_ignored() -> None:
    """Roster without the 11-hour rest between duty days."""
    _wrap_week(_settings(min_rest_hours=0.0))


def weekly_hours_ignored() -> None:
    """Roster on the full contract hours (no admin share kept back)."""
    _wrap_week(_settings(admin_share=0.0))


def quotas_ignored() -> None:
    """Plan without the municipalities' quotas."""

    def edit(kw: dict[str, Any]) -> None:
        kw["quotas"] = []

    _wrap_week(edit)


def skills_ignored() -> None:
    """Plan as if no site needed a skill (traffic checks crewed by anyone)."""
    _wrap_week(_sites(lambda s: {"skills": frozenset()}))


def mandatory_ignored() -> None:
    """Plan as if no request were mandatory."""
    _wrap_week(_sites(lambda s: {"mandatory": False}))


MUTANTS: dict[str, Callable[[], None]] = {
    f.__name__: f
    for f in (
        weekly_max_lie,
        weekly_max_ignored,
        ferry_wait_dropped,
        spacing_ignored,
        windows_ignored,
        shift_ignored,
        work_limit_ignored,
        crew_size_ignored,
        double_booking,
        rest_ignored,
        weekly_hours_ignored,
        quotas_ignored,
        skills_ignored,
        mandatory_ignored,
    )
}


def pytest_configure(config: Any) -> None:
    name = os.environ.get("MOBILSTATION_MUTANT")
    if not name:
        return
    if name not in MUTANTS:
        raise SystemExit(f"MOBILSTATION_MUTANT: unknown mutant {name!r} (known: {', '.join(MUTANTS)})")
    MUTANTS[name]()

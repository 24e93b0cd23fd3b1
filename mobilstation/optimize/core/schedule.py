"""Scheduling a given order of jobs on a route: the core's own notion of feasible.

Given the order, service starts as early as possible (waiting allowed), each
job in the earliest of its windows still open on arrival. The departure is
chosen to make the route as short as possible (then as early as possible): a
route waiting at its first job leaves later instead. That matters only for
``max_duration``, which counts waiting.

Why the candidate departures below suffice: the return time as a function of
the departure is piecewise of the form ``max(A, d + B)`` with upward jumps
where a job misses a window, so the duration ``return - d`` is smallest where
some waiting just vanishes (``d = lo - P_i``, with ``P_i`` the no-wait time
from the start to job ``i``), just before a jump (``d = hi - P_i``), or at an
end of the departure range.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .problem import Problem
from .result import RouteResult, Visit, collected_prize


def allowed_on(problem: Problem, job: int, route: int) -> bool:
    """Whether ``job`` may be served by ``route`` (route list and skills)."""
    spec = problem.jobs[job]
    if spec.routes and route not in spec.routes:
        return False
    return spec.skills <= problem.routes[route].skills


def _forward(
    dur: list[list[int]], services: list[int], windows: list[tuple[tuple[int, int], ...]], departure: int
) -> tuple[list[tuple[int, int, int]], int] | None:
    """Earliest schedule from ``departure``; ``None`` if some job misses all windows.

    ``dur`` is over positions 0 (start), 1..n (jobs), n+1 (end).
    """
    n = len(services)
    t = departure
    out = []
    for i in range(n):
        arrive = t + dur[i][i + 1]
        start = None
        for lo, hi in windows[i]:
            if arrive <= hi:
                start = lo if arrive < lo else arrive
                break
        if start is None:
            return None
        t = start + services[i]
        out.append((arrive, start, t))
    return out, t + dur[n][n + 1]


def schedule_route(problem: Problem, route: int, jobs: Sequence[int]) -> RouteResult | None:
    """The schedule of ``jobs`` in this order on ``route``, or ``None`` if infeasible.

    Infeasible means a job not allowed on the route, a job listed twice, a
    window missed, a return after ``latest`` or a duration above
    ``max_duration`` whatever the departure.
    """
    spec = problem.routes[route]
    if not jobs:
        return RouteResult(route, (), spec.earliest, spec.earliest, 0, 0)
    if len(set(jobs)) != len(jobs):
        return None
    for j in jobs:
        if not 0 <= j < len(problem.jobs) or not allowed_on(problem, j, route):
            return None
    locs = [spec.start, *(problem.jobs[j].location for j in jobs), spec.end]
    index = np.asarray(locs)
    dur = np.asarray(problem.duration)[np.ix_(index, index)].tolist()
    services = [problem.jobs[j].service for j in jobs]
    windows = [tuple(sorted(problem.jobs[j].windows)) for j in jobs]

    first = _forward(dur, services, windows, spec.earliest)
    if first is None or first[1] > spec.latest:
        return None  # a later departure only arrives later everywhere
    best_d, best = spec.earliest, first
    if best[1] - best_d > 0:
        # Candidate departures where the duration can be smallest.
        prefix = []
        p = 0
        for i in range(len(jobs)):
            p += dur[i][i + 1]
            prefix.append(p)
            p += services[i]
        candidates = {spec.latest}
        for i, p_i in enumerate(prefix):
            for lo, hi in windows[i]:
                candidates.add(lo - p_i)
                candidates.add(hi - p_i)
        for d in sorted(c for c in candidates if spec.earliest < c <= spec.latest):
            sched = _forward(dur, services, windows, d)
            if sched is None or sched[1] > spec.latest:
                break  # monotone: every later departure fails too
            if sched[1] - d < best[1] - best_d:
                best_d, best = d, sched
    visits, back = best
    duration = back - best_d
    if duration > spec.max_duration:
        return None
    dist = np.asarray(problem.distance)[np.ix_(index, index)]
    distance = int(sum(int(dist[i, i + 1]) for i in range(len(locs) - 1)))
    return RouteResult(
        route=route,
        visits=tuple(Visit(j, a, s, e) for j, (a, s, e) in zip(jobs, visits, strict=True)),
        departure=best_d,
        arrival=back,
        distance=distance,
        duration=duration,
    )


def evaluate(problem: Problem, routes: Sequence[Sequence[int]]) -> tuple[int, list[RouteResult] | None]:
    """Schedule job orders, one sequence per route (in the problem's route order).

    Returns ``(prize, schedules)``: the collected prize of the listed jobs
    (marginal values applied) and the schedules, or ``None`` instead of the
    schedules if a route cannot be scheduled or a job appears twice. Groups,
    covers, conflicts and required jobs are not checked here; see
    :func:`check`.
    """
    if len(routes) != len(problem.routes):
        raise ValueError(f"expected {len(problem.routes)} job sequences (one per route), got {len(routes)}")
    flat = [int(j) for seq in routes for j in seq]
    for j in flat:
        if not 0 <= j < len(problem.jobs):
            raise ValueError(f"job {j} outside 0..{len(problem.jobs) - 1}")
    prize = collected_prize(problem, flat)
    if len(set(flat)) != len(flat):
        return prize, None
    out = []
    for r, seq in enumerate(routes):
        res = schedule_route(problem, r, [int(j) for j in seq])
        if res is None:
            return prize, None
        out.append(res)
    return prize, out

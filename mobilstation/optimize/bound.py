"""An upper bound on the routing objective: an LP relaxation solved by GLOP.

The bound says how far from the best possible week a plan can be at most
(``gap = (bound - objective) / bound``). It relaxes the routing problem to a
fractional multiple-knapsack with the same side constraints:

* ``x[j, r]`` in [0, 1] is the share of job ``j`` done on route ``r``, for
  the routes that may serve it (``Job.routes``, skills);
  ``sum_r x[j, r] <= 1`` (exactly 1 for required jobs).
* Capacity: route ``r`` lasts at most ``C_r = min(max_duration, latest -
  earliest)``. Job ``j`` on ``r`` consumes ``service_j + (in_j + out_j) / 2``
  where ``in_j`` (``out_j``) is the shortest leg into (out of) ``j`` from any
  other location that may be on ``r``: the route's depot or another job
  allowed on ``r``. Why this is valid: a route's travel time is the sum of its
  legs, and each leg ``u -> v`` is the out-leg of ``u`` and the in-leg of
  ``v``, so the travel time equals half the sum, over the route's nodes, of
  each node's in-leg plus out-leg. Dropping the depot's (non-negative) halves
  and bounding each visited job's legs below by ``in_j`` and ``out_j`` gives
  travel >= sum_j (in_j + out_j) / 2, and waiting is >= 0, so a feasible
  route satisfies ``sum_j x[j, r] * consumption <= C_r``. Time windows are
  dropped (a relaxation).
* Groups: with marginal prizes ``m_1 >= m_2 >= ...`` the group's value is
  ``sum_k m_k w_k`` with ``sum_k w_k = sum_{j in group} sum_r x[j, r]`` and
  ``0 <= w_k <= 1`` for ``k <= max_count``. Because ``m_k`` is
  non-increasing, the LP fills the ``w_k`` in order, which for any integer
  count equals the true value (a valid concave relaxation). Groups without
  marginals only cap the count.
* Conflicts ``(i, j)``: ``sum_r x[i, r] + sum_r x[j, r] <= 1``.
* Covers: ``sum weight * sum_r x >= minimum`` (every feasible plan meets
  them, so keeping them keeps the bound valid and makes it tighter).

``leg_minutes`` may replace ``problem.duration`` by smaller leg times (e.g. a
timed ferry leg without its average wait, since a timetable may do better
than the average) so the bound stays valid for the schedule actually used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from mobilstation.optimize.core.problem import Problem


@dataclass(frozen=True)
class BoundResult:
    """``value`` in prize units (None when the LP is infeasible)."""

    value: float | None
    status: str
    seconds: float
    method: str = "lp-knapsack"


def upper_bound(problem: Problem, *, leg_minutes: np.ndarray | None = None) -> BoundResult:
    """The LP bound described in the module docstring."""
    t0 = time.perf_counter()
    dur = problem.duration if leg_minutes is None else leg_minutes
    n_routes = len(problem.routes)
    allowed: list[list[int]] = []
    for job in problem.jobs:
        rs = sorted(job.routes) if job.routes else list(range(n_routes))
        allowed.append([r for r in rs if job.skills <= problem.routes[r].skills])
    on_route: list[list[int]] = [[] for _ in range(n_routes)]
    for j, rs in enumerate(allowed):
        for r in rs:
            on_route[r].append(j)

    solver = pywraplp.Solver.CreateSolver("GLOP")
    x: dict[tuple[int, int], pywraplp.Variable] = {}
    for r, route in enumerate(problem.routes):
        jobs = on_route[r]
        if not jobs:
            continue
        locs = np.array([problem.jobs[j].location for j in jobs])
        sub = dur[np.ix_(locs, locs)].astype(float)
        same = locs[:, None] == locs[None, :]
        sub[same] = np.inf  # a location does not precede itself
        in_min = np.minimum(sub.min(axis=0), dur[route.start, locs])
        out_min = np.minimum(sub.min(axis=1), dur[locs, route.end])
        cap = min(route.max_duration, route.latest - route.earliest)
        terms = []
        for k, j in enumerate(jobs):
            use = problem.jobs[j].service + (in_min[k] + out_min[k]) / 2.0
            if use > cap:
                continue
            x[j, r] = solver.NumVar(0.0, 1.0, "")
            terms.append(use * x[j, r])
        if terms:
            solver.Add(solver.Sum(terms) <= cap)

    done = [solver.Sum([x[j, r] for r in allowed[j] if (j, r) in x]) for j in range(len(problem.jobs))]
    has_any = [any((j, r) in x for r in allowed[j]) for j in range(len(problem.jobs))]
    for j, job in enumerate(problem.jobs):
        if job.required:
            if not has_any[j]:
                return BoundResult(None, "INFEASIBLE", time.perf_counter() - t0)
            solver.Add(done[j] == 1)
        elif has_any[j]:
            solver.Add(done[j] <= 1)

    objective = []
    priced: set[int] = set()
    for g in problem.groups:
        members = [j for j in g.jobs if has_any[j]]
        count = solver.Sum([done[j] for j in members]) if members else 0
        if members:
            solver.Add(count <= g.max_count)
        if g.marginal:
            # visits beyond the listed marginals priced at the last one: never
            # below the true value, so the bound stays valid
            values = [g.marginal[min(k, len(g.marginal) - 1)] for k in range(g.max_count)]
            slots = [solver.NumVar(0.0, 1.0, "") for _ in values]
            if members:
                solver.Add(count == solver.Sum(slots))
            else:
                for w in slots:
                    solver.Add(w == 0)
            objective += [m * w for m, w in zip(values, slots, strict=True)]
            priced.update(g.jobs)
    for j, job in enumerate(problem.jobs):
        if j not in priced and has_any[j] and job.prize:
            objective.append(job.prize * done[j])
    for i, j in problem.conflicts:
        if has_any[i] and has_any[j]:
            solver.Add(done[i] + done[j] <= 1)
    for c in problem.covers:
        terms = [c.weight(k) * done[j] for k, j in enumerate(c.jobs) if has_any[j]]
        if sum(c.weight(k) for k, j in enumerate(c.jobs) if has_any[j]) < c.minimum:
            return BoundResult(None, "INFEASIBLE", time.perf_counter() - t0)
        if terms:
            solver.Add(solver.Sum(terms) >= c.minimum)
    solver.Maximize(solver.Sum(objective) if objective else 0)
    status = solver.Solve()
    seconds = time.perf_counter() - t0
    if status == pywraplp.Solver.INFEASIBLE:
        return BoundResult(None, "INFEASIBLE", seconds)
    if status != pywraplp.Solver.OPTIMAL:
        return BoundResult(None, f"STATUS_{status}", seconds)
    return BoundResult(float(solver.Objective().Value()), "OPTIMAL", seconds)

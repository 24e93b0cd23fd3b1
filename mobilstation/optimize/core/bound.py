"""A cheap upper bound on the prize: a linear relaxation of route capacity.

Every visit to job ``j`` on a route of class ``k`` uses at least its service
time plus the shortest way into it (from the class's start or any other job
the class may serve), and every used route needs at least the shortest way
back to its end. So the time of all visits on class ``k`` fits into
``vehicles_k * (horizon_k - shortest return)``. Maximising prize under these
capacities, group counts with marginal values and conflicts, with fractional
visits allowed, bounds every feasible plan from above. It is tight when
everything fits; for crowded problems it mainly says how far off the plan
might be.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from .problem import Problem
from .pyvrp_engine import VehicleClass


def upper_bound(problem: Problem, classes: Sequence[VehicleClass], active: Iterable[int]) -> int | None:
    """An upper bound on the collected prize, or ``None`` if the LP fails."""
    active = sorted(active)
    if not active or not classes:
        return 0
    dur = np.asarray(problem.duration)
    # Variables: v[j, k] (visit j on class k), then z[g, i] for marginal groups.
    pairs = [(j, k) for k, c in enumerate(classes) for j in active if j in c.jobs]
    if not pairs:
        return 0
    col = {p: i for i, p in enumerate(pairs)}
    marg = [(g, grp) for g, grp in enumerate(problem.groups) if grp.marginal]
    in_marginal = {j for _, grp in marg for j in grp.jobs}
    z_index = {}
    for g, grp in marg:
        for i in range(len(grp.jobs)):
            z_index[(g, i)] = len(pairs) + len(z_index)
    n = len(pairs) + len(z_index)
    cost = np.zeros(n)
    for (j, _k), i in col.items():
        if j not in in_marginal:
            cost[i] = -problem.jobs[j].prize
    for (g, i), c in z_index.items():
        grp = problem.groups[g]
        cost[c] = -(grp.marginal[i] if i < len(grp.marginal) else 0)

    rows_ub: list[tuple[dict[int, float], float]] = []
    rows_eq: list[tuple[dict[int, float], float]] = []
    by_job: dict[int, list[int]] = {}
    for (j, _k), i in col.items():
        by_job.setdefault(j, []).append(i)
    for _j, idx in by_job.items():
        rows_ub.append(({i: 1.0 for i in idx}, 1.0))
    for k, cls in enumerate(classes):
        spec = problem.routes[cls.routes[0]]
        jobs = [j for j in active if j in cls.jobs]
        if not jobs:
            continue
        locs = np.asarray([problem.jobs[j].location for j in jobs])
        into = dur[np.ix_(np.concatenate([locs, [spec.start]]), locs)].astype(float)
        np.fill_diagonal(into[: len(jobs), :], np.inf)  # not from itself
        min_in = into.min(axis=0)
        min_back = float(dur[locs, spec.end].min())
        horizon = min(spec.max_duration, spec.latest - spec.earliest)
        capacity = len(cls.routes) * max(0.0, horizon - min_back)
        row = {col[(j, k)]: float(problem.jobs[j].service + min_in[t]) for t, j in enumerate(jobs)}
        rows_ub.append((row, capacity))
    for grp in problem.groups:
        idx = [i for j in grp.jobs for i in by_job.get(j, [])]
        if len(idx) > grp.max_count:
            rows_ub.append(({i: 1.0 for i in idx}, float(grp.max_count)))
    for g, grp in marg:
        row = {i: 1.0 for j in grp.jobs for i in by_job.get(j, [])}
        for i in range(len(grp.jobs)):
            row[z_index[(g, i)]] = row.get(z_index[(g, i)], 0.0) - 1.0
        rows_eq.append((row, 0.0))
    for a, b in problem.conflicts:
        idx = by_job.get(a, []) + by_job.get(b, [])
        if idx:
            rows_ub.append(({i: 1.0 for i in idx}, 1.0))

    def assemble(rows: list[tuple[dict[int, float], float]]):  # noqa: ANN202
        if not rows:
            return None, None
        r_idx = [r for r, (row, _) in enumerate(rows) for _ in row]
        c_idx = [c for row, _ in rows for c in row]
        vals = [v for row, _ in rows for v in row.values()]
        m = coo_matrix((vals, (r_idx, c_idx)), shape=(len(rows), n))
        return m.tocsr(), np.array([b for _, b in rows])

    a_ub, b_ub = assemble(rows_ub)
    a_eq, b_eq = assemble(rows_eq)
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0.0, 1.0), method="highs")
    if res.status != 0:
        return None
    return int(math.floor(-res.fun + 1e-6))

"""A last greedy pass: insert unvisited jobs wherever they still fit.

The local search and the recombination leave some slack; a job that fits into
a gap and breaks no side constraint is pure gain. Jobs are tried by the prize
they would add (largest first), each at the feasible position that adds the
least distance, with the core's exact scheduler deciding feasibility.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np

from .problem import Problem
from .result import collected_prize
from .schedule import allowed_on, schedule_route


def insert_unvisited(
    problem: Problem,
    routes: Sequence[Sequence[int]],
    candidates: Iterable[int],
    *,
    deadline: float | None = None,
) -> list[list[int]]:
    """Routes (job orders, one per route) with as many ``candidates`` inserted as fit.

    Deterministic unless ``deadline`` (a ``time.perf_counter`` value) cuts it short.
    """
    out = [list(seq) for seq in routes]
    visited = {j for seq in out for j in seq}
    dur = np.asarray(problem.duration)
    dist = np.asarray(problem.distance)
    conflicts: dict[int, set[int]] = {}
    for a, b in problem.conflicts:
        conflicts.setdefault(a, set()).add(b)
        conflicts.setdefault(b, set()).add(a)
    groups_of: dict[int, list[int]] = {}
    for g, grp in enumerate(problem.groups):
        for j in grp.jobs:
            groups_of.setdefault(j, []).append(g)

    def blocked(j: int) -> bool:
        if conflicts.get(j, set()) & visited:
            return True
        for g in groups_of.get(j, ()):
            grp = problem.groups[g]
            if len(visited & set(grp.jobs)) >= grp.max_count:
                return True
        return False

    # Pure (no-wait) time of each route: a lower bound on any duration.
    def pure_time(r: int, seq: list[int]) -> int:
        spec = problem.routes[r]
        locs = [spec.start, *(problem.jobs[j].location for j in seq), spec.end]
        travel = sum(int(dur[a, b]) for a, b in zip(locs, locs[1:], strict=False))
        return travel + sum(problem.jobs[j].service for j in seq)

    pure = [pure_time(r, seq) for r, seq in enumerate(out)]
    limit = [min(s.max_duration, s.latest - s.earliest) for s in problem.routes]
    base = collected_prize(problem, visited)
    pending = [j for j in candidates if j not in visited]
    while pending:
        if deadline is not None and time.perf_counter() > deadline:
            break
        gains = []
        for j in pending:
            if blocked(j):
                continue
            gain = collected_prize(problem, visited | {j}) - base
            if gain > 0:
                gains.append((-gain, j))
        gains.sort()
        inserted = False
        for neg_gain, j in gains:
            if deadline is not None and time.perf_counter() > deadline:
                break
            job = problem.jobs[j]
            best = None
            for r, seq in enumerate(out):
                if not allowed_on(problem, j, r):
                    continue
                spec = problem.routes[r]
                locs = [spec.start, *(problem.jobs[i].location for i in seq), spec.end]
                for p in range(len(seq) + 1):
                    a, b = locs[p], locs[p + 1]
                    extra = int(dur[a, job.location]) + int(dur[job.location, b]) - int(dur[a, b])
                    if pure[r] + extra + job.service > limit[r]:
                        continue
                    added = int(dist[a, job.location]) + int(dist[job.location, b]) - int(dist[a, b])
                    if best is not None and added >= best[0]:
                        continue
                    trial = [*seq[:p], j, *seq[p:]]
                    if schedule_route(problem, r, trial) is not None:
                        best = (added, r, trial, extra + job.service)
            if best is not None:
                _, r, trial, extra = best
                out[r] = trial
                pure[r] += extra
                visited.add(j)
                base -= neg_gain
                pending.remove(j)
                inserted = True
                break
            pending.remove(j)
        if not inserted:
            break
    return out

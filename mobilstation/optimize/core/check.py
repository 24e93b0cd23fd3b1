"""An independent check of a solution against its problem, leg by leg.

Nothing here trusts the solver: the reported times are re-added from the
travel matrix, every window, shift and duration limit is tested, and every
side constraint is recounted. An empty list means the solution is feasible and
its ``objective`` is right.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .problem import Problem
from .result import Solution, collected_prize


def check(problem: Problem, solution: Solution) -> list[str]:
    """Every violated constraint of ``solution``, as a readable sentence each."""
    out: list[str] = []
    dur = np.asarray(problem.duration)
    dist = np.asarray(problem.distance)
    n_jobs = len(problem.jobs)
    if len(solution.routes) != len(problem.routes):
        out.append(f"{len(solution.routes)} routes in the solution, the problem has {len(problem.routes)}")
    seen: Counter[int] = Counter()
    for r, res in enumerate(solution.routes[: len(problem.routes)]):
        spec = problem.routes[r]
        where = f"route {r}"
        if res.route != r:
            out.append(f"{where}: labelled as route {res.route}")
        if not res.visits:
            if res.distance != 0 or res.duration != 0:
                out.append(f"{where}: no visits but distance {res.distance}, duration {res.duration}")
            continue
        if res.departure < spec.earliest:
            out.append(f"{where}: departs at {res.departure}, before earliest {spec.earliest}")
        t, loc, metres = res.departure, spec.start, 0
        for v in res.visits:
            if not 0 <= v.job < n_jobs:
                out.append(f"{where}: job {v.job} does not exist")
                t = v.end
                continue
            job = problem.jobs[v.job]
            seen[v.job] += 1
            if job.routes and r not in job.routes:
                out.append(f"{where}: job {v.job} may only be served by routes {sorted(job.routes)}")
            if not job.skills <= spec.skills:
                missing = sorted(job.skills - spec.skills)
                out.append(f"{where}: job {v.job} needs skills {missing} the route lacks")
            ready = t + int(dur[loc, job.location])
            if v.arrival < ready:
                out.append(
                    f"{where}: job {v.job} reached at {v.arrival}, but travel allows {ready} at the earliest"
                )
            if v.start < v.arrival:
                out.append(f"{where}: job {v.job} starts at {v.start}, before arriving at {v.arrival}")
            if not any(lo <= v.start <= hi for lo, hi in job.windows):
                windows = list(job.windows)
                out.append(f"{where}: job {v.job} starts at {v.start}, outside its windows {windows}")
            if v.end != v.start + job.service:
                out.append(
                    f"{where}: job {v.job} ends at {v.end}, expected start {v.start} + service {job.service}"
                )
            metres += int(dist[loc, job.location])
            t, loc = v.end, job.location
        ready = t + int(dur[loc, spec.end])
        metres += int(dist[loc, spec.end])
        if res.arrival < ready:
            out.append(f"{where}: back at {res.arrival}, but travel allows {ready} at the earliest")
        if res.arrival > spec.latest:
            late = res.arrival - spec.latest
            out.append(f"{where}: back at {res.arrival}, after latest {spec.latest} by {late}")
        if res.duration != res.arrival - res.departure:
            span = res.arrival - res.departure
            out.append(f"{where}: duration {res.duration} != arrival - departure {span}")
        span = res.arrival - res.departure
        if span > spec.max_duration:
            over = span - spec.max_duration
            out.append(f"{where}: lasts {span}, above max_duration {spec.max_duration} by {over}")
        if res.distance != metres:
            out.append(f"{where}: distance {res.distance} != {metres} summed over its legs")
    for j, count in sorted(seen.items()):
        if count > 1:
            out.append(f"job {j} visited {count} times")
    visited = set(seen)
    for j, job in enumerate(problem.jobs):
        if job.required and j not in visited:
            out.append(f"job {j} is required but not visited")
    for g, group in enumerate(problem.groups):
        count = len(visited & set(group.jobs))
        if count > group.max_count:
            out.append(f"group {g}: {count} of its jobs visited, at most {group.max_count} allowed")
    for c, cover in enumerate(problem.covers):
        got = sum(cover.weight(k) for k, j in enumerate(cover.jobs) if j in visited)
        if got < cover.minimum:
            label = cover.name or f"cover {c}"
            out.append(f"{label}: {got} reached, {cover.minimum} required (short by {cover.minimum - got})")
    for a, b in problem.conflicts:
        if a in visited and b in visited:
            out.append(f"jobs {a} and {b} conflict but both are visited")
    prize = collected_prize(problem, visited)
    if solution.objective != prize:
        out.append(f"objective {solution.objective} != {prize} collected")
    return out

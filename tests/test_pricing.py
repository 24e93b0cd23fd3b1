"""Pricing: the compiled labelling finds the best route that enumeration finds.

The reference enumerates every order of every subset of the jobs with
positive profit and drives it by the pricing's own relaxed rules, written
out here independently (start at the route's earliest minute, service at
the earliest open window, waiting allowed, travel plus service within the
duration limit, home by the latest minute). The instances have more than
64 candidates, so a route's memory spans several 64-bit words, and jobs
with two windows, so the window search is exercised.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest

from mobilstation.optimize.colgen import ColumnGeneration
from mobilstation.optimize.core import Job, Problem, RouteSpec
from mobilstation.optimize.pricing import RoutePricer, metric_closure

N_JOBS = 140  # > 2 words of route memory
POSITIVE = 6


def instance(seed: int) -> tuple[Problem, np.ndarray]:
    """``N_JOBS`` jobs on a plane, two windows on every third, profits positive on ``POSITIVE`` of them
    (spread over the memory words)."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 80, size=(N_JOBS + 1, 2))
    dur = np.ceil(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))).astype(np.int64)
    jobs = []
    for k in range(N_JOBS):
        lo = int(rng.integers(0, 120))
        windows = ((lo, lo + int(rng.integers(20, 80))),)
        if k % 3 == 0:
            windows = (*windows, (lo + 150, lo + 220))
        jobs.append(Job(location=k + 1, prize=1, service=int(rng.integers(5, 25)), windows=windows))
    prob = Problem(
        duration=dur, distance=dur, routes=(RouteSpec(0, 0, 0, 400, 260),), jobs=tuple(jobs)
    )
    q = np.full(N_JOBS, -1.0)
    chosen = rng.choice(np.arange(N_JOBS), size=POSITIVE, replace=False)
    chosen[0] = N_JOBS - 1  # one in the last word
    q[chosen] = rng.uniform(5, 50, size=POSITIVE)
    return prob, q


def drive(prob: Problem, dur: np.ndarray, seq: tuple[int, ...]) -> bool:
    spec = prob.routes[0]
    now, used, here = spec.earliest, 0, spec.start
    for j in seq:
        job = prob.jobs[j]
        arrive = now + int(dur[here, job.location])
        starts = [max(lo, arrive) for lo, hi in sorted(job.windows) if arrive <= hi]
        if not starts:
            return False
        now = starts[0] + job.service
        used += int(dur[here, job.location]) + job.service
        here = job.location
    home = int(dur[here, spec.end])
    return now + home <= spec.latest and used + home <= min(spec.max_duration, spec.latest - spec.earliest)


def enumerate_best(prob: Problem, dur: np.ndarray, q: np.ndarray) -> float:
    pos = [j for j in range(len(q)) if q[j] > 0]
    best = 0.0
    for k in range(1, len(pos) + 1):
        for seq in permutations(pos, k):
            value = float(sum(q[j] for j in seq))
            if value > best and drive(prob, dur, seq):
                best = value
    return best


@pytest.mark.parametrize("seed", range(6))
def test_exact_labelling_matches_enumeration(seed):
    prob, q = instance(seed)
    dur = metric_closure(prob.duration)
    best = enumerate_best(prob, dur, q)
    val, routes, exact, made, upper = RoutePricer(prob, 0, dur, None).run(q, 10**6, 4)
    assert exact and made > 0
    assert val == pytest.approx(best) and upper == pytest.approx(best)
    if best > 0:
        top = routes[0]
        assert sum(q[j] for j in top) == pytest.approx(best)
        assert any(drive(prob, dur, order) for order in permutations(top)), "the best route is drivable"
    # the ng-relaxation may only price higher; a heuristic round only lower (and bounds nothing)
    ng_val, _, ng_exact, _, _ = RoutePricer(prob, 0, dur, 1).run(q, 10**6, 4)
    assert ng_exact and ng_val >= best - 1e-9
    h_val, _, _, _, h_upper = RoutePricer(prob, 0, dur, None).run(q, 10**6, 4, restrict=1)
    assert h_val <= best + 1e-9 and h_upper == float("inf")


@pytest.mark.parametrize("seed", range(3))
def test_cut_short_labelling_bounds_the_enumerated_best(seed):
    prob, q = instance(seed)
    dur = metric_closure(prob.duration)
    best = enumerate_best(prob, dur, q)
    for budget in (0, 2, 5):
        val, _, exact, _, upper = RoutePricer(prob, 0, dur, None).run(q, budget, 4)
        assert val <= best + 1e-9 <= upper + 2e-9
        if not exact:
            assert upper < float("inf")


def test_known_route_prunes_without_changing_the_maximum():
    prob, q = instance(1)
    dur = metric_closure(prob.duration)
    best = enumerate_best(prob, dur, q)
    free = RoutePricer(prob, 0, dur, None).run(q, 10**6, 1)
    pruned = RoutePricer(prob, 0, dur, None).run(q, 10**6, 1, known=best * 0.9)
    assert pruned[0] == pytest.approx(best) and pruned[2]
    assert pruned[3] <= free[3]


def test_column_generation_on_more_than_64_candidates_bounds_its_plan():
    """The master and the compiled pricing together: bound >= integer plan, both finite."""
    prob, _ = instance(2)
    rng = np.random.default_rng(0)
    prizes = rng.integers(1, 60, size=N_JOBS)
    jobs = tuple(Job(j.location, int(p), j.service, j.windows) for j, p in zip(prob.jobs, prizes, strict=True))
    prob = Problem(prob.duration, prob.distance, (prob.routes[0], prob.routes[0]), jobs)
    res = ColumnGeneration(prob, ng=8).solve(time_limit=None, max_rounds=40)
    assert res.bound is not None and res.objective is not None
    assert res.objective <= res.bound + 1e-6

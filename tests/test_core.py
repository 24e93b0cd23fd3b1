"""The routing core on small problems whose optimum a brute force finds.

Every solution is re-checked here by an independent checker (its own leg-by-
leg scheduler, its own side-constraint count, its own prize sum), and for the
tiny cases compared with the optimum found by enumerating every assignment of
jobs to routes and every visiting order. The core's own ``check`` is tested
separately against solutions broken on purpose.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mobilstation.optimize.core import (
    Cover,
    Group,
    Job,
    Problem,
    RouteResult,
    RouteSpec,
    Solution,
    Strategy,
    Visit,
    check,
    evaluate,
    schedule_route,
    solve,
)
from mobilstation.optimize.core.solver import servable_alone

WORK = 3000  # local-search iterations per solve: plenty for these sizes

# ----------------------------------------------------------------------------- independent checker


def ref_schedule(problem: Problem, r: int, order: tuple[int, ...]) -> tuple[int, int] | None:
    """Brute force over every integer departure: (departure, return) of the
    shortest feasible schedule, or None. Waiting allowed, earliest open window."""
    spec = problem.routes[r]
    for j in order:
        job = problem.jobs[j]
        if job.routes and r not in job.routes:
            return None
        if not job.skills <= spec.skills:
            return None
    best = None
    for d in range(spec.earliest, spec.latest + 1):
        t, here, ok = d, spec.start, True
        for j in order:
            job = problem.jobs[j]
            arrive = t + int(problem.duration[here, job.location])
            starts = [max(arrive, lo) for lo, hi in job.windows if max(arrive, lo) <= hi]
            if not starts:
                ok = False
                break
            t, here = min(starts) + job.service, job.location
        if not ok:
            break  # leaving later only arrives later
        back = t + int(problem.duration[here, spec.end])
        if back > spec.latest:
            break
        shorter = best is None or back - d < best[1] - best[0]
        if back <= spec.latest and back - d <= spec.max_duration and shorter:
            best = (d, back)
    return best


def ref_prize(problem: Problem, visited: set[int]) -> int:
    total = 0
    counted: set[int] = set()
    for grp in problem.groups:
        if grp.marginal:
            hits = sorted(visited & set(grp.jobs))
            total += sum(grp.marginal[k] if k < len(grp.marginal) else 0 for k in range(len(hits)))
            counted |= set(grp.jobs)
    return total + sum(problem.jobs[j].prize for j in visited - counted)


def ref_side_ok(problem: Problem, visited: set[int]) -> bool:
    if any(job.required and j not in visited for j, job in enumerate(problem.jobs)):
        return False
    if any(len(visited & set(g.jobs)) > g.max_count for g in problem.groups):
        return False
    for c in problem.covers:
        w = c.weights or (1,) * len(c.jobs)
        if sum(wk for wk, j in zip(w, c.jobs, strict=True) if j in visited) < c.minimum:
            return False
    return not any(a in visited and b in visited for a, b in problem.conflicts)


def ref_verify(problem: Problem, sol: Solution) -> None:
    """Assert the solution is feasible and its numbers add up, leg by leg."""
    assert len(sol.routes) == len(problem.routes)
    visited: list[int] = []
    for r, res in enumerate(sol.routes):
        spec = problem.routes[r]
        assert res.route == r
        if not res.visits:
            continue
        t, here, metres = res.departure, spec.start, 0
        assert res.departure >= spec.earliest
        for v in res.visits:
            job = problem.jobs[v.job]
            assert not job.routes or r in job.routes
            assert job.skills <= spec.skills
            assert v.arrival >= t + problem.duration[here, job.location]
            assert v.arrival <= v.start
            assert any(lo <= v.start <= hi for lo, hi in job.windows)
            assert v.end == v.start + job.service
            metres += int(problem.distance[here, job.location])
            t, here = v.end, job.location
            visited.append(v.job)
        metres += int(problem.distance[here, spec.end])
        assert res.arrival >= t + problem.duration[here, spec.end]
        assert res.arrival <= spec.latest
        assert res.arrival - res.departure <= spec.max_duration
        assert res.duration == res.arrival - res.departure
        assert res.distance == metres
    assert len(visited) == len(set(visited)), "a job visited twice"
    assert ref_side_ok(problem, set(visited))
    assert sol.objective == ref_prize(problem, set(visited))
    assert sol.feasible and not sol.violations


def brute_force(problem: Problem) -> int | None:
    """The best prize over all assignments and orders (None if infeasible)."""
    n, m = len(problem.jobs), len(problem.routes)
    feasible: dict[tuple[int, frozenset[int]], bool] = {}

    def route_ok(r: int, jobs: frozenset[int]) -> bool:
        key = (r, jobs)
        if key not in feasible:
            feasible[key] = not jobs or any(
                ref_schedule(problem, r, order) is not None for order in itertools.permutations(sorted(jobs))
            )
        return feasible[key]

    best = None
    for assign in itertools.product(range(-1, m), repeat=n):
        sets = [frozenset(j for j in range(n) if assign[j] == r) for r in range(m)]
        visited = set().union(*sets)
        if not ref_side_ok(problem, visited):
            continue
        value = ref_prize(problem, visited)
        if best is not None and value <= best:
            continue
        if all(route_ok(r, s) for r, s in enumerate(sets)):
            best = value
    return best


# ----------------------------------------------------------------------------- small problems


def grid_matrix(points: list[tuple[int, int]]) -> np.ndarray:
    """Manhattan distances: integer and obeying the triangle inequality."""
    p = np.asarray(points)
    return np.abs(p[:, None, :] - p[None, :, :]).sum(-1).astype(np.int64)


POINTS = [(0, 0), (2, 0), (4, 1), (1, 3), (3, 3), (5, 4), (0, 5), (2, 6)]
MAT = grid_matrix(POINTS)


def make(jobs: list[Job], routes: list[RouteSpec] | None = None, **kw) -> Problem:
    routes = routes or [RouteSpec(0, 0, 0, 14), RouteSpec(0, 0, 0, 14)]
    return Problem(duration=MAT, distance=MAT, routes=tuple(routes), jobs=tuple(jobs), **kw)


@pytest.fixture
def ok_small() -> Problem:
    """Seven jobs, two routes of 14 time units: not everything fits."""
    prizes = [5, 7, 3, 8, 6, 4, 9]
    return make([Job(location=i + 1, prize=p) for i, p in enumerate(prizes)])


CASES = {
    "plain": lambda: make([Job(location=i + 1, prize=p) for i, p in enumerate([5, 7, 3, 8, 6, 4, 9])]),
    "windows_service": lambda: make(
        [
            Job(location=1, prize=5, service=1, windows=((4, 6),)),
            Job(location=2, prize=7, service=2, windows=((0, 5),)),
            Job(location=3, prize=3, service=1),
            Job(location=4, prize=8, service=1, windows=((8, 9),)),
            Job(location=5, prize=6, service=2, windows=((2, 4),)),
            Job(location=6, prize=4, service=1, windows=((6, 12),)),
        ]
    ),
    "required_low_prize": lambda: make(
        # without the required job the best is 15; with it only 10
        [Job(location=i + 1, prize=p) for i, p in enumerate([5, 7, 3, 8, 6, 4])]
        + [Job(location=6, prize=1, required=True)],
        routes=[RouteSpec(0, 0, 0, 10), RouteSpec(0, 0, 0, 8)],
    ),
    "group_marginal": lambda: make(
        [Job(location=i + 1, prize=p) for i, p in enumerate([5, 7, 3, 8, 6, 4])],
        # jobs 0, 1, 3 are one site: at most two visits, the second worth less
        groups=(Group(jobs=(0, 1, 3), max_count=2, marginal=(9, 2)),),
    ),
    "group_exclusive": lambda: make(
        [Job(location=i + 1, prize=p) for i, p in enumerate([5, 7, 3, 8, 6, 4, 9])],
        groups=(Group(jobs=(1, 3, 6), max_count=1),),
    ),
    "cover_forces_low_prize": lambda: make(
        [Job(location=i + 1, prize=p) for i, p in enumerate([5, 7, 3, 8, 6, 4, 2])],
        routes=[RouteSpec(0, 0, 0, 12)],
        covers=(Cover(jobs=(2, 5), minimum=2, name="quota far"),),
    ),
    "cover_weighted": lambda: make(
        [Job(location=i + 1, prize=p, service=1) for i, p in enumerate([5, 7, 3, 8, 6, 4, 2])],
        covers=(Cover(jobs=(0, 2, 5), minimum=3, weights=(1, 1, 2)),),
    ),
    "conflicts": lambda: make(
        [Job(location=i + 1, prize=p) for i, p in enumerate([5, 7, 3, 8, 6, 4, 9])],
        conflicts=((1, 3), (3, 6), (0, 6)),
    ),
    "skills_and_routes": lambda: make(
        [
            Job(location=1, prize=5, skills=frozenset({"dog"})),
            Job(location=2, prize=7, routes=frozenset({1})),
            Job(location=3, prize=3),
            Job(location=4, prize=8, skills=frozenset({"dog"})),
            Job(location=5, prize=6, routes=frozenset({0})),
            Job(location=6, prize=4),
            Job(location=7, prize=9, routes=frozenset({1})),
        ],
        routes=[RouteSpec(0, 0, 0, 12, skills=frozenset({"dog"})), RouteSpec(0, 0, 0, 12)],
    ),
    "multiple_windows": lambda: make(
        [
            Job(location=1, prize=5, windows=((0, 1), (9, 10))),
            Job(location=2, prize=7, windows=((3, 3), (11, 12))),
            Job(location=3, prize=3),
            Job(location=4, prize=8, windows=((1, 2), (6, 7))),
            Job(location=6, prize=6, windows=((2, 3), (8, 9))),
        ],
        routes=[RouteSpec(0, 0, 0, 16)],
    ),
    "max_duration_late_start": lambda: make(
        # both jobs fit within 18 units only when the route leaves at 4 or later
        [Job(location=4, prize=6, windows=((10, 11),)), Job(location=5, prize=3, windows=((9, 30),))],
        routes=[RouteSpec(0, 0, 0, 40, max_duration=18)],
    ),
    "same_place_different_routes": lambda: make(
        # one place, three visits: each only on its own route (like one site on three days)
        [
            Job(location=2, prize=6, routes=frozenset({0})),
            Job(location=2, prize=5, routes=frozenset({1})),
            Job(location=2, prize=4, routes=frozenset({2})),
            Job(location=4, prize=3),
            Job(location=5, prize=7, routes=frozenset({0, 1})),
            Job(location=6, prize=2),
        ],
        routes=[RouteSpec(0, 0, 0, 10), RouteSpec(0, 0, 0, 10), RouteSpec(0, 0, 0, 10)],
        groups=(Group(jobs=(0, 1, 2), max_count=2, marginal=(6, 3)),),
    ),
    "different_depots": lambda: make(
        [Job(location=i + 1, prize=p) for i, p in enumerate([5, 7, 3, 8, 6])],
        routes=[RouteSpec(0, 7, 2, 14), RouteSpec(6, 6, 0, 9)],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_optimal_on_small_cases(name: str) -> None:
    problem = CASES[name]()
    optimum = brute_force(problem)
    assert optimum is not None, "case must be feasible"
    sol = solve(problem, max_iterations=WORK, seed=1)
    ref_verify(problem, sol)
    assert sol.objective == optimum, f"{name}: found {sol.objective}, optimum {optimum}"
    assert sol.upper_bound is None or sol.upper_bound >= optimum
    assert check(problem, sol) == []
    if sol.status == "optimal":
        assert sol.upper_bound == sol.objective


@pytest.mark.parametrize("name", sorted(CASES))
def test_servable_alone_agrees_with_scheduler(name: str) -> None:
    problem = CASES[name]()
    for j in range(len(problem.jobs)):
        for r in range(len(problem.routes)):
            expected = schedule_route(problem, r, [j]) is not None
            assert servable_alone(problem, problem.duration, j, r) == expected, (j, r)


@pytest.mark.parametrize("restrict", ["profiles", "frames"])
@pytest.mark.parametrize("name", ["skills_and_routes", "same_place_different_routes"])
def test_route_restrictions_both_ways(name: str, restrict: str) -> None:
    """Both ways of telling PyVRP which route may serve what reach the optimum."""
    problem = CASES[name]()
    sol = solve(problem, max_iterations=WORK, seed=2, strategy=Strategy(restrict=restrict))
    ref_verify(problem, sol)
    assert sol.objective == brute_force(problem)


@pytest.mark.parametrize("name", ["cover_forces_low_prize", "cover_weighted", "required_low_prize"])
def test_side_constraint_makes_a_difference(name: str) -> None:
    """These cases are only interesting if the constraint changes the answer."""
    problem = CASES[name]()
    free = replace(problem, covers=(), jobs=tuple(replace(j, required=False) for j in problem.jobs))
    assert brute_force(free) > brute_force(problem)


def test_cover_forces_its_jobs() -> None:
    problem = CASES["cover_forces_low_prize"]()
    sol = solve(problem, max_iterations=WORK)
    assert {2, 5} <= set(sol.visited)


def test_group_marginal_values_counted() -> None:
    problem = CASES["group_marginal"]()
    sol = solve(problem, max_iterations=WORK)
    in_group = [j for j in sol.visited if j in (0, 1, 3)]
    assert len(in_group) <= 2
    assert sol.objective == ref_prize(problem, set(sol.visited))


def test_late_departure_is_found() -> None:
    problem = CASES["max_duration_late_start"]()
    res = schedule_route(problem, 0, [0, 1])
    assert res is not None
    assert res.departure >= 4 and res.duration <= 18
    assert ref_schedule(problem, 0, (0, 1)) == (res.departure, res.arrival)


def test_schedule_matches_reference_on_all_orders() -> None:
    problem = CASES["windows_service"]()
    for k in (1, 2, 3):
        for order in itertools.permutations(range(len(problem.jobs)), k):
            res = schedule_route(problem, 0, list(order))
            ref = ref_schedule(problem, 0, order)
            assert (res is None) == (ref is None), order
            if res is not None:
                assert (res.departure, res.arrival) == ref, order


def test_infeasible_required_job_is_reported() -> None:
    # a required job 20 units away cannot be reached within 14
    far = np.pad(MAT, ((0, 1), (0, 1)), constant_values=20)
    far[-1, -1] = 0
    problem = Problem(
        duration=far,
        distance=far,
        routes=(RouteSpec(0, 0, 0, 14),),
        jobs=(Job(location=1, prize=5), Job(location=len(far) - 1, prize=1, required=True)),
    )
    sol = solve(problem, max_iterations=500)
    assert not sol.feasible and sol.status == "infeasible"
    assert any("job 1 is required" in v for v in sol.violations)
    assert sol.objective == 5  # the rest is still planned


def test_empty_and_trivial() -> None:
    problem = make([])
    sol = solve(problem, max_iterations=10)
    assert sol.objective == 0 and sol.feasible and all(not r.visits for r in sol.routes)
    nothing = Problem(duration=MAT, distance=MAT, routes=(), jobs=(Job(location=1, prize=5),))
    sol = solve(nothing, max_iterations=10)
    assert sol.routes == () and sol.objective == 0


def test_reproducible_under_work_limit(ok_small: Problem) -> None:
    problem = replace(
        ok_small,
        groups=(Group(jobs=(0, 1, 2), max_count=2, marginal=(6, 3)),),
        covers=(Cover(jobs=(4, 5), minimum=1),),
    )
    a = solve(problem, max_iterations=1500, seed=7)
    b = solve(problem, max_iterations=1500, seed=7)
    assert replace(a, seconds=0.0) == replace(b, seconds=0.0)


def test_the_search_reports_the_work_it_has_spent(ok_small: Problem) -> None:
    """What a progress line counts down: the iterations spent so far, after each run, up to the limit."""
    spent: list[int] = []
    sol = solve(ok_small, max_iterations=1500, seed=7, on_iterations=spent.append)
    assert spent and spent == sorted(spent) and len(set(spent)) == len(spent)
    assert spent[-1] == sol.iterations <= 1500
    assert replace(sol, seconds=0.0) == replace(solve(ok_small, max_iterations=1500, seed=7), seconds=0.0)


@pytest.mark.parametrize(
    ("fresh_runs", "improving_at_end", "warm"),
    [
        (1, [True, False, True], [False, True, False, True]),
        (1, [False, False, False], [False, False, False, True]),
        (2, [True, True, False], [False, False, True, True]),
        (0, [True, True, True], [False, True, True, True]),  # nothing to start from before run 0
    ],
)
def test_a_run_continues_only_after_a_run_still_improving(
    ok_small: Problem,
    monkeypatch: pytest.MonkeyPatch,
    fresh_runs: int,
    improving_at_end: list[bool],
    warm: list[bool],
) -> None:
    """Restart when the last run had converged, continue from the best plan when it had not."""
    from mobilstation.optimize.core import solver as solver_mod

    real_run = solver_mod.run
    started_warm: list[bool] = []

    def run(tr, *, initial=None, **kw):  # noqa: ANN001, ANN202
        res = real_run(tr, initial=initial, **kw)
        k = len(started_warm)
        started_warm.append(initial is not None)
        late = k < len(improving_at_end) and improving_at_end[k]
        return replace(res, last_best=res.iterations if late else 0)

    monkeypatch.setattr(solver_mod, "run", run)
    # never proven optimal: every run happens
    monkeypatch.setattr(solver_mod, "upper_bound", lambda *a: 10**9)
    sol = solve(ok_small, max_iterations=400, seed=1, strategy=Strategy(runs=4, fresh_runs=fresh_runs))
    assert started_warm == warm
    ref_verify(ok_small, sol)


def test_initial_solution_is_kept_or_improved(ok_small: Problem) -> None:
    first = solve(ok_small, max_iterations=200, seed=3)
    again = solve(ok_small, max_iterations=50, seed=4, initial=first)
    assert again.objective >= first.objective
    ref_verify(ok_small, again)


def test_evaluate(ok_small: Problem) -> None:
    prize, routes = evaluate(ok_small, [[0, 1], [2]])
    assert prize == 5 + 7 + 3 and routes is not None
    assert routes[0].distance == MAT[0, 1] + MAT[1, 2] + MAT[2, 0]
    assert evaluate(ok_small, [[0, 0], []])[1] is None  # twice
    assert evaluate(ok_small, [[0, 1, 2, 3, 4, 5, 6], []])[1] is None  # too long
    with pytest.raises(ValueError, match="one per route"):
        evaluate(ok_small, [[0]])
    with pytest.raises(ValueError, match="job 9"):
        evaluate(ok_small, [[9], []])


def week_like(sites: int = 30, days: int = 3, seed: int = 4) -> Problem:
    """Sites visited on days by two vehicles a day: per-day routes, at most two
    visits a site (the second worth half), no site on consecutive days,
    a minimum of visits per region, a few required visits and skills."""
    rng = np.random.default_rng(seed)
    pts = np.vstack([[[0, 0], [60, 60]], rng.integers(0, 60, size=(sites, 2))])
    mat = grid_matrix([tuple(p) for p in pts]) * 2  # minutes
    routes, by_day = [], []
    for _ in range(days):
        by_day.append(frozenset(range(len(routes), len(routes) + 2)))
        routes += [RouteSpec(0, 0, 480, 960, 420), RouteSpec(1, 1, 480, 960, 420, skills=frozenset({"dog"}))]
    jobs, groups, conflicts, per_site = [], [], [], []
    for site in range(sites):
        value = int(rng.integers(5, 60))
        windows = ((540, 660), (780, 900)) if site % 4 == 0 else ((540, 900),)
        skills = frozenset({"dog"}) if site % 7 == 0 else frozenset()
        ids = []
        for day in range(days):
            ids.append(len(jobs))
            jobs.append(Job(2 + site, value, 45, windows, routes=by_day[day], skills=skills))
        groups.append(Group(tuple(ids), max_count=2, marginal=(value, value // 2)))
        conflicts += list(zip(ids, ids[1:], strict=False))
        per_site.append(ids)
    east = [j for site in range(sites) if pts[2 + site][0] >= 30 for j in per_site[site]]
    jobs[per_site[1][0]] = replace(jobs[per_site[1][0]], required=True)
    return Problem(
        duration=mat,
        distance=mat * 1000,  # metres
        routes=tuple(routes),
        jobs=tuple(jobs),
        groups=tuple(groups),
        covers=(Cover(tuple(east), minimum=4, name="east"),),
        conflicts=tuple(conflicts),
    )


@pytest.mark.parametrize("restrict", ["profiles", "frames"])
def test_week_like_side_constraints_hold(restrict: str) -> None:
    problem = week_like()
    sol = solve(problem, max_iterations=1500, seed=3, strategy=Strategy(restrict=restrict, runs=2))
    ref_verify(problem, sol)
    assert sol.objective > 0
    assert sol.upper_bound is not None and sol.upper_bound >= sol.objective


# ----------------------------------------------------------------------------- check catches breakage


def _solved(problem: Problem) -> Solution:
    sol = solve(problem, max_iterations=800)
    assert check(problem, sol) == []
    return sol


def _edit_visit(sol: Solution, r: int, k: int, **changes: int) -> Solution:
    route = sol.routes[r]
    visits = list(route.visits)
    visits[k] = replace(visits[k], **changes)
    routes = list(sol.routes)
    routes[r] = replace(route, visits=tuple(visits))
    return replace(sol, routes=tuple(routes))


def test_check_finds_broken_times_and_constraints() -> None:
    problem = CASES["windows_service"]()
    sol = _solved(problem)
    r = next(i for i, rr in enumerate(sol.routes) if rr.visits)
    v = sol.routes[r].visits[0]
    t = v.arrival - 1
    early = _edit_visit(sol, r, 0, arrival=t, start=t, end=t + v.end - v.start)
    assert any("travel allows" in m for m in check(problem, early))
    assert v.end > v.start  # every job here has a service time
    short = _edit_visit(sol, r, 0, end=v.end - 1)
    assert any("expected start" in m for m in check(problem, short))
    assert any("objective" in m for m in check(problem, replace(sol, objective=sol.objective + 1)))
    stretched = tuple(
        replace(rr, arrival=10**6, duration=10**6 - rr.departure) if rr.visits else rr for rr in sol.routes
    )
    late = replace(sol, routes=stretched)
    assert any("after latest" in m for m in check(problem, late))

    base = CASES["plain"]()
    sol = _solved(base)
    used = set(sol.visited)
    a, b = sorted(used)[:2]
    assert any("conflict" in m for m in check(replace(base, conflicts=((a, b),)), sol))
    assert any("at most 1" in m for m in check(replace(base, groups=(Group(jobs=(a, b)),)), sol))
    missing = next(j for j in range(len(base.jobs)) if j not in used)
    jobs = list(base.jobs)
    jobs[missing] = replace(jobs[missing], required=True)
    assert any("required" in m for m in check(replace(base, jobs=tuple(jobs)), sol))
    cover = Cover(jobs=(missing,), minimum=1, name="quota Læsø")
    assert any("quota Læsø" in m for m in check(replace(base, covers=(cover,)), sol))
    jobs = list(base.jobs)
    jobs[a] = replace(jobs[a], skills=frozenset({"boat"}))
    assert any("skills" in m for m in check(replace(base, jobs=tuple(jobs)), sol))


def test_check_finds_duplicate_and_wrong_route_count(ok_small: Problem) -> None:
    sol = _solved(ok_small)
    assert any("routes in the solution" in m for m in check(ok_small, replace(sol, routes=sol.routes[:1])))
    r = next(i for i, rr in enumerate(sol.routes) if rr.visits)
    dup = sol.routes[r].visits[0]
    other = RouteResult(route=1 - r, visits=(dup,), departure=0, arrival=100, distance=0, duration=100)
    routes = list(sol.routes)
    routes[1 - r] = other
    assert any("visited 2 times" in m for m in check(ok_small, replace(sol, routes=tuple(routes))))


# ----------------------------------------------------------------------------- invalid input


def _bad_matrix(value: float) -> np.ndarray:
    m = MAT.astype(float).copy()
    m[1, 2] = value
    return m


def _solve_one_job(jobs: int = 1, **changes) -> Solution:  # noqa: ANN003
    """Solve a tiny problem with ``changes`` applied (fields of Problem)."""
    problem = replace(make([Job(location=1 + k, prize=1) for k in range(jobs)]), **changes)
    return solve(problem, max_iterations=5)


NO_SOLUTION = Solution((), 0, True, (), None, 0.0, 0, "x", "feasible")

INVALID = [
    # (description, builder) -- each must raise ValueError
    ("negative prize", lambda: Job(location=1, prize=-1)),
    ("negative service", lambda: Job(location=1, prize=1, service=-2)),
    ("window closes before it opens", lambda: Job(location=1, prize=1, windows=((5, 3),))),
    ("no windows", lambda: Job(location=1, prize=1, windows=())),
    ("route latest before earliest", lambda: RouteSpec(0, 0, 10, 5)),
    ("negative max_duration", lambda: RouteSpec(0, 0, 0, 5, max_duration=-1)),
    ("increasing marginal", lambda: Group(jobs=(0, 1), max_count=2, marginal=(1, 5))),
    ("negative max_count", lambda: Group(jobs=(0,), max_count=-1)),
    ("route start outside matrix", lambda: make([], routes=[RouteSpec(99, 0)])),
    ("job location outside matrix", lambda: make([Job(location=42, prize=1)])),
    ("job on a route that does not exist", lambda: make([Job(location=1, prize=1, routes=frozenset({7}))])),
    ("matrix not square", lambda: Problem(MAT[:, :3], MAT[:, :3], (), ())),
    ("group job out of range", lambda: _solve_one_job(groups=(Group(jobs=(0, 3)),))),
    ("group lists a job twice", lambda: _solve_one_job(groups=(Group(jobs=(0, 0)),))),
    ("negative marginal", lambda: _solve_one_job(groups=(Group(jobs=(0,), marginal=(-1,)),))),
    ("cover job out of range", lambda: _solve_one_job(covers=(Cover(jobs=(2,), minimum=1),))),
    ("cover weights length", lambda: _solve_one_job(2, covers=(Cover((0, 1), 1, (1,)),))),
    ("negative cover weight", lambda: _solve_one_job(covers=(Cover((0,), 1, (-1,)),))),
    ("conflict with itself", lambda: _solve_one_job(conflicts=((0, 0),))),
    ("conflict job out of range", lambda: _solve_one_job(conflicts=((0, 5),))),
    ("negative travel", lambda: _solve_one_job(duration=_bad_matrix(-3))),
    ("fractional travel", lambda: _solve_one_job(duration=_bad_matrix(2.5))),
    ("travel within a place", lambda: _solve_one_job(distance=MAT + 1)),
    ("time limit zero", lambda: solve(make([Job(1, 1)]), time_limit=0)),
    ("work limit zero", lambda: solve(make([Job(1, 1)]), max_iterations=0)),
    ("initial, wrong route count", lambda: solve(make([Job(1, 1)]), max_iterations=5, initial=NO_SOLUTION)),
    ("unknown restriction mode", lambda: Strategy(restrict="teleport")),
    ("no runs", lambda: Strategy(runs=0)),
    ("negative fresh runs", lambda: Strategy(fresh_runs=-1)),
]


@pytest.mark.parametrize("builder", [b for _, b in INVALID], ids=[d for d, _ in INVALID])
def test_invalid_input_raises(builder) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        builder()


# ----------------------------------------------------------------------------- literature formats


def _bench_module():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "top.py"
    spec = importlib.util.spec_from_file_location("bench_top", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_top"] = module
    spec.loader.exec_module(module)
    return module


def test_top_file_parse_solve_recheck(tmp_path: Path) -> None:
    bench = _bench_module()
    rng = np.random.default_rng(5)
    pts = rng.uniform(0, 20, size=(14, 2))
    scores = [0] + [int(s) for s in rng.integers(1, 20, size=12)] + [0]
    text = "n 14\nm 2\ntmax 30.0\n" + "".join(
        f"{x:.3f}\t{y:.3f}\t{s}\n" for (x, y), s in zip(pts, scores, strict=True)
    )
    path = tmp_path / "p9.2.a.txt"
    path.write_text(text)
    inst = bench.read_instance(path)
    assert inst.set == "top" and inst.routes == 2 and inst.tmax == 30.0 and inst.end == 13
    problem, verts = bench.to_problem(inst, 2)
    sol = solve(problem, max_iterations=1500)
    ref_verify(problem, sol)
    routes = [[verts[v.job] for v in r.visits] for r in sol.routes if r.visits]
    score, violations = bench.recheck(inst, 2, routes)
    assert violations == [] and score == sol.objective > 0
    # the re-check does catch a route that is too long
    everything = [inst.customers]
    assert bench.recheck(inst, 2, everything)[1]


def test_toptw_file_with_crlf(tmp_path: Path) -> None:
    bench = _bench_module()
    lines = ["5 1 6 4", "500 200", " 0 0.0 0.0 0 0 0 0 0 100"]
    lines += [
        " 1 10.0 0.0 2 5 4 1 15 0 50",
        " 2 10.0 10.0 2 6 4 1 15 20 30",
        " 3 0.0 10.0 2 7 4 1 15 5 25",
        " 4 -10.0 0.0 2 8 2 1 2 60 70",
        " 5 -10.0 -10.0 2 9 4 1 15 0 100",
        " 6 50.0 50.0 2 10 4 1 15 90 95",
    ]
    path = tmp_path / "pr99.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    inst = bench.read_instance(path)
    assert inst.set == "toptw" and inst.tmax == 100.0 and inst.windows[4] == (60.0, 70.0)
    problem, verts = bench.to_problem(inst, 1)
    sol = solve(problem, max_iterations=1500)
    assert check(problem, sol) == []
    routes = [[verts[v.job] for v in r.visits] for r in sol.routes if r.visits]
    score, violations = bench.recheck(inst, 1, routes)
    assert violations == [] and score == sol.objective
    # vertex 6 is out of reach in time: never planned
    assert 6 not in {v for r in routes for v in r}
    assert score >= 5 + 6 + 7  # 1, 2, 3 fit in one tour within their windows


def test_exact_top_optimum_matches_brute_force(tmp_path: Path) -> None:
    """benchmarks/top_exact.py (used to correct a best-known score) against plain enumeration."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "top_exact.py"
    spec = importlib.util.spec_from_file_location("bench_top_exact", path)
    exact = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exact)
    rng = np.random.default_rng(11)
    pts = [(0.0, 0.0)] + [tuple(p) for p in rng.uniform(-4, 4, size=(6, 2))] + [(1.0, 0.0)]
    scores = [0.0] + [float(s) for s in rng.integers(1, 10, size=6)] + [0.0]
    vertices = [(x, y, s) for (x, y), s in zip(pts, scores, strict=True)]
    tmax, m = 12.0, 2

    def length(order: tuple[int, ...]) -> float:
        stops = [pts[0], *(pts[i] for i in order), pts[-1]]
        return sum(math.dist(a, b) for a, b in itertools.pairwise(stops))

    def servable(members: tuple[int, ...]) -> bool:
        return any(length(p) <= tmax for p in itertools.permutations(members))

    best = 0.0
    for assign in itertools.product(range(m + 1), repeat=6):  # m = not visited
        routes = [tuple(i + 1 for i in range(6) if assign[i] == r) for r in range(m)]
        if all(servable(r) for r in routes):
            best = max(best, sum(scores[i] for r in routes for i in r))
    assert 0 < best < sum(scores)  # the instance is neither trivial nor empty
    assert exact.optimum(m, tmax, vertices) == best
    text = f"n 8\nm {m}\ntmax {tmax}\n" + "".join(f"{x} {y} {s}\n" for x, y, s in vertices)
    (tmp_path / "p9.2.z.txt").write_text(text)
    assert exact.read_chao(tmp_path / "p9.2.z.txt") == (m, tmax, vertices)

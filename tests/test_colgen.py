"""Column generation: the route-based bound is valid, and its plans are real plans.

Validity is checked against optima found without the code under test (every
order of every split of every subset on tiny problems), against the
best-known scores of small Chao TOP instances, and on planned weeks
(objective <= bound at a short and a longer search).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from itertools import combinations, permutations
from pathlib import Path

import numpy as np
import pytest

from mobilstation.optimize.colgen import ColumnGeneration, column_generation, metric_closure
from mobilstation.optimize.core import Cover, Group, Job, Problem, RouteSpec, check, collected_prize, evaluate
from mobilstation.optimize.core.result import Solution

ROOT = Path(__file__).resolve().parents[1]


def brute_force(prob: Problem) -> int:
    """The best prize over every feasible plan of two routes (side constraints by ``check``)."""
    best = 0
    ids = range(len(prob.jobs))
    for n in range(len(prob.jobs) + 1):
        for subset in combinations(ids, n):
            if collected_prize(prob, subset) <= best:
                continue
            for split in range(2 ** len(subset)):
                a = [j for b, j in enumerate(subset) if split >> b & 1]
                b_ = [j for b, j in enumerate(subset) if not split >> b & 1]
                ok = False
                for pa in permutations(a):
                    for pb in permutations(b_):
                        _, sched = evaluate(prob, [list(pa), list(pb)])
                        if sched is None:
                            continue
                        value = collected_prize(prob, subset)
                        sol = Solution(tuple(sched), value, True, (), None, 0, 0, "", "")
                        if not check(prob, sol):
                            ok = True
                            break
                    if ok:
                        break
                if ok:
                    best = collected_prize(prob, subset)
                    break
    return best


def tiny(seed: int) -> Problem:
    """Six jobs on two routes with windows, a two-visit site, a conflict and a cover."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 60, size=(6, 2))
    dur = np.ceil(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))).astype(np.int64)
    jobs = [
        Job(
            location=k,
            prize=int(rng.integers(1, 100)),
            service=int(rng.integers(5, 30)),
            windows=((int(rng.integers(0, 60)), int(rng.integers(90, 200))),),
        )
        for k in range(1, 6)
    ]
    jobs[0] = replace(jobs[0], routes=frozenset({0}))
    jobs.append(replace(jobs[0], routes=frozenset({1})))  # the same site on the other route
    return Problem(
        duration=dur,
        distance=dur,
        routes=(RouteSpec(0, 0, 0, 200, 150), RouteSpec(0, 0, 0, 200, 150)),
        jobs=tuple(jobs),
        groups=(Group((0, 5), 2, (80, 40)),),
        conflicts=((1, 2),),
        covers=(Cover((3, 4), 1),),
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_bound_above_and_plan_below_the_brute_force_optimum(seed):
    prob = tiny(seed)
    best = brute_force(prob)
    res = column_generation(prob, time_limit=None, max_labels=100_000)
    assert res.bound is not None and res.bound >= best - 1e-6
    assert res.routes is not None
    _, sched = evaluate(prob, res.routes)
    assert sched is not None, "the integer master's routes can be driven"
    sol = Solution(tuple(sched), res.objective, True, (), None, 0, 0, "", "")
    assert check(prob, sol) == [] and res.objective <= best
    assert res.objective == collected_prize(prob, [j for r in res.routes for j in r])


def test_bound_is_valid_for_any_multipliers():
    """L(y) of the module docstring bounds the optimum at the LP's duals and at arbitrary signed y."""
    prob = tiny(7)
    best = brute_force(prob)
    cg = ColumnGeneration(prob, ng=2)
    rng = np.random.default_rng(0)
    for _ in range(5):
        y = cg.rows.clamp(list(rng.normal(0, 40, size=len(cg.rows.sense))))
        q = cg.rows.profits(y)
        top = [p.run(q, 10**6, 4)[0] for p in cg.pricers]
        per_route = [top[c] for c, members in enumerate(cg.classes) for _ in members]
        assert cg.rows.lagrangian(y, per_route) >= best - 1e-6


@pytest.mark.parametrize("max_labels", [0, 1, 3, 10])
def test_labelling_cut_short_still_bounds(max_labels):
    """A labelling stopped by its label budget returns an upper bound on the exact maximum,
    and L(y) over those upper bounds still bounds the brute-force optimum."""
    prob = tiny(7)
    best = brute_force(prob)
    cg = ColumnGeneration(prob, ng=2)
    rng = np.random.default_rng(1)
    cut_short = 0
    for _ in range(6):
        y = cg.rows.clamp(list(rng.normal(0, 40, size=len(cg.rows.sense))))
        q = cg.rows.profits(y)
        uppers = []
        for p in cg.pricers:
            exact_val, _, exact_ok, _, exact_ub = p.run(q, 10**6, 4)
            val, _, ok, _, ub = p.run(q, max_labels, 4)
            assert exact_ok and exact_ub == exact_val
            assert val <= exact_val + 1e-9 <= ub + 2e-9
            cut_short += not ok
            uppers.append(ub)
        per_route = [uppers[c] for c, members in enumerate(cg.classes) for _ in members]
        assert cg.rows.lagrangian(y, per_route) >= best - 1e-6
    if max_labels <= 1:
        assert cut_short, "the budget should have cut some labelling short"


def test_bound_without_a_finished_pricing_round():
    """With a label budget no round can finish, column generation still reports a valid bound."""
    prob = tiny(3)
    best = brute_force(prob)
    res = column_generation(prob, time_limit=None, max_labels=1, max_rounds=6)
    assert not res.exact
    assert res.bound is not None and res.bound >= best - 1e-6


def test_metric_closure_never_longer():
    d = np.array([[0, 10, 1], [10, 0, 1], [1, 1, 0]])
    c = metric_closure(d)
    assert c[0, 1] == 2 and (c <= d).all()


def _bench():
    path = ROOT / "benchmarks" / "colgen_top.py"
    spec = importlib.util.spec_from_file_location("colgen_top", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["p4.2.a", "p4.3.c", "p5.2.e", "p5.3.e"])
def test_top_bound_never_below_best_known(name):
    bench = _bench()
    path = bench.BENCH / "top" / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"{path} not here (the shared benchmark sets)")
    bks = bench.bench.read_bks(bench.BENCH / "BKS.csv")
    bks.update(bench.bench.read_bks(ROOT / "benchmarks" / "bks_corrections.csv"))
    inst = bench.bench.read_instance(path)
    res = column_generation(bench.relaxed_problem(inst), time_limit=None, max_rounds=200)
    assert res.bound is not None and res.bound >= bks["top", name, inst.routes] - 1e-6

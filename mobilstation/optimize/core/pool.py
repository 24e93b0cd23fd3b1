"""A pool of feasible routes and their recombination by set packing in CP-SAT.

Every route the local search produces (its best solutions and a sample of the
candidates it tries) is re-scheduled by the core and, if feasible, kept: per
vehicle class and per set of jobs only the shortest order. CP-SAT then picks
at most as many routes per class as the class has vehicles so that the prize
is largest, with every side constraint stated exactly: group counts and
marginal values, covers, conflicts and required jobs. This recombination can
beat every single run's best and is the only place where larger groups,
marginal values and covers hold exactly.

Routes may overlap in the model (a job on two chosen routes counts once);
the overlap is then removed by dropping the job from all but one route and
re-scheduling. Dropping a job never breaks a route when travel times obey the
triangle inequality; if it does, that pair of routes is forbidden and the
model solved again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from .problem import Problem
from .pyvrp_engine import VehicleClass
from .schedule import schedule_route


@dataclass(frozen=True)
class PoolRoute:
    """A feasible route for a vehicle class: jobs in order and its distance."""

    cls: int
    jobs: tuple[int, ...]
    distance: int


class RoutePool:
    """Distinct feasible routes per vehicle class, the shortest order per job set.

    Routes from PyVRP may be added ``trusted`` (PyVRP found them feasible under
    the same rules): they are scheduled by the core only when a recombination
    picks them, which keeps thousands of additions cheap. Any route that fails
    that check is dropped and the recombination repeated.
    """

    def __init__(self, problem: Problem, classes: Sequence[VehicleClass]) -> None:
        self.problem = problem
        self.classes = list(classes)
        self.best: dict[tuple[int, frozenset[int]], PoolRoute] = {}
        self._verified: set[tuple[int, tuple[int, ...]]] = set()
        self._rejected: set[tuple[int, tuple[int, ...]]] = set()
        self._dist = np.asarray(problem.distance)
        self._loc = np.asarray([job.location for job in problem.jobs], dtype=np.int64)
        specs = [problem.routes[c.routes[0]] for c in self.classes]
        self._ends = [(spec.start, spec.end) for spec in specs]

    def __len__(self) -> int:
        return len(self.best)

    def _distance(self, cls: int, jobs: tuple[int, ...]) -> int:
        start, end = self._ends[cls]
        path = np.concatenate(([start], self._loc[list(jobs)], [end]))
        return int(self._dist[path[:-1], path[1:]].sum())

    def add(
        self, cls: int, jobs: Sequence[int], *, trusted: bool = False, other_classes: bool = True
    ) -> PoolRoute | None:
        """Keep ``jobs`` (in this order) for class ``cls`` if feasible (scheduled
        now unless ``trusted``); returns it, or ``None`` if infeasible. Untrusted
        routes are also tried on the other classes that may serve all their jobs."""
        jobs = tuple(jobs)
        if not jobs or (cls, jobs) in self._rejected:
            return None
        if not trusted and not self._check(cls, jobs):
            return None
        route = PoolRoute(cls, jobs, self._distance(cls, jobs))
        key = (cls, frozenset(jobs))
        old = self.best.get(key)
        if old is None or route.distance < old.distance:
            self.best[key] = route
        if not trusted and other_classes and len(self.classes) > 1:
            members = set(jobs)
            for k, c in enumerate(self.classes):
                if k != cls and members <= c.jobs:
                    self.add(k, jobs, other_classes=False)
        return route

    def _check(self, cls: int, jobs: tuple[int, ...]) -> bool:
        key = (cls, jobs)
        if key in self._verified:
            return True
        if key in self._rejected:
            return False
        if schedule_route(self.problem, self.classes[cls].routes[0], jobs) is None:
            self._rejected.add(key)
            return False
        self._verified.add(key)
        return True

    def verify(self, route: PoolRoute) -> bool:
        """Schedule a kept route; drop it from the pool if it fails."""
        if self._check(route.cls, route.jobs):
            return True
        key = (route.cls, frozenset(route.jobs))
        if key in self.best and self.best[key].jobs == route.jobs:
            del self.best[key]
        return False

    def lookup(self, cls: int, jobs: Iterable[int]) -> PoolRoute | None:
        """The kept route for this class and job set, if any."""
        return self.best.get((cls, frozenset(jobs)))


@dataclass
class PackResult:
    """The chosen routes (per class, job orders), their value and what is missing."""

    routes: list[PoolRoute]
    prize: int
    shortfall: int
    optimal: bool


def _job_values(problem: Problem) -> tuple[dict[int, int], list[tuple[int, tuple[int, ...]]]]:
    """Own prize per job outside marginal groups, and the marginal groups."""
    marginal = [(g, grp.jobs) for g, grp in enumerate(problem.groups) if grp.marginal]
    in_marginal = {j for _, jobs in marginal for j in jobs}
    own = {j: job.prize for j, job in enumerate(problem.jobs) if j not in in_marginal}
    return own, marginal


def pack(
    problem: Problem,
    pool: RoutePool,
    *,
    hint: Sequence[PoolRoute] = (),
    seconds: float | None = None,
    deterministic: float | None = None,
    seed: int = 0,
    shorten: float = 0.0,
    max_routes: int | None = None,
) -> PackResult | None:
    """Choose routes from ``pool`` maximising prize under every side constraint.

    Required jobs and covers are soft with a penalty above any prize, so a
    result always exists when the pool is non-empty; ``shortfall`` says how
    much is missing. ``seconds`` is a wall-clock limit, ``deterministic`` a
    CP-SAT deterministic-time limit (reproducible). A share ``shorten`` of the
    limits goes to a second phase that keeps the prize and minimises distance.
    ``max_routes`` restricts the model to about that many routes, those of
    highest prize (then shortest), plus the hinted ones.
    Returns ``None`` if CP-SAT found nothing within its limit.
    """
    forbidden_pairs: set[tuple[tuple[int, frozenset[int]], tuple[int, frozenset[int]]]] = set()
    hint = [r for r in hint if pool.verify(r)]
    begin = time.perf_counter()
    for _ in range(20):
        left = None if seconds is None else seconds - (time.perf_counter() - begin)
        if left is not None and left <= 0.01:
            return None
        res = _solve_once(
            problem, pool, hint, left, deterministic, seed, forbidden_pairs, shorten, max_routes
        )
        if res is None:
            return None
        chosen, prize, shortfall, optimal = res
        if not all([pool.verify(r) for r in chosen]):
            continue  # a trusted route failed the core's check; it is gone now
        fixed, clash = _remove_overlap(problem, pool, chosen)
        if clash is None:
            return PackResult(fixed, prize, shortfall, optimal)
        forbidden_pairs.add(clash)
    return None


def _most_promising(
    problem: Problem, pool: RoutePool, routes: list[PoolRoute], hint: Sequence[PoolRoute], total: int
) -> list[PoolRoute]:
    """The hinted routes and about ``total`` others of highest prize (then
    shortest), shared among classes by their number of vehicles."""
    own, marginal = _job_values(problem)
    value = dict(own)
    for g, jobs in marginal:
        for j in jobs:
            value[j] = max(value.get(j, 0), problem.groups[g].marginal[0])
    keep = {(r.cls, frozenset(r.jobs)) for r in hint}
    by_class: dict[int, list[PoolRoute]] = {}
    for r in routes:
        by_class.setdefault(r.cls, []).append(r)
    vehicles = sum(len(c.routes) for c in pool.classes)
    for k, rs in by_class.items():
        share = max(50, total * len(pool.classes[k].routes) // max(1, vehicles))
        rs.sort(key=lambda r: (-sum(value.get(j, 0) for j in r.jobs), r.distance, r.jobs))
        keep.update((r.cls, frozenset(r.jobs)) for r in rs[:share])
    return [r for r in routes if (r.cls, frozenset(r.jobs)) in keep]


def _solve_once(
    problem: Problem,
    pool: RoutePool,
    hint: Sequence[PoolRoute],
    seconds: float | None,
    deterministic: float | None,
    seed: int,
    forbidden_pairs: set[tuple[tuple[int, frozenset[int]], tuple[int, frozenset[int]]]],
    shorten: float,
    max_routes: int | None,
) -> tuple[list[PoolRoute], int, int, bool] | None:
    """Phase 1: least shortfall, then most prize. Phase 2 (with what is left of
    the limits): the same prize and shortfall with the least distance."""
    t0 = time.perf_counter()
    routes = list(pool.best.values())
    if max_routes is not None:
        routes = _most_promising(problem, pool, routes, hint, max_routes)
    index = {(r.cls, frozenset(r.jobs)): i for i, r in enumerate(routes)}
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(routes))]
    by_job: dict[int, list[int]] = {}
    by_class: dict[int, list[int]] = {}
    for i, r in enumerate(routes):
        by_class.setdefault(r.cls, []).append(i)
        for j in r.jobs:
            by_job.setdefault(j, []).append(i)
    for k, idx in by_class.items():
        if len(idx) > len(pool.classes[k].routes):
            model.add(cp_model.LinearExpr.sum([x[i] for i in idx]) <= len(pool.classes[k].routes))
    for a, b in forbidden_pairs:
        if a in index and b in index:
            model.add_bool_or([x[index[a]].negated(), x[index[b]].negated()])
    # y[j]: job j is visited. Maximising prize pushes y up to its cover; where
    # a visit can hurt (group counts, conflicts), y must also follow every x.
    exact = {j for grp in problem.groups for j in grp.jobs} | {j for pair in problem.conflicts for j in pair}
    y = {}
    for j, idx in sorted(by_job.items()):
        y[j] = model.new_bool_var(f"y{j}")
        model.add(y[j] <= cp_model.LinearExpr.sum([x[i] for i in idx]))
        if j in exact:
            for i in idx:
                model.add_implication(x[i], y[j])

    own, marginal = _job_values(problem)
    prize_terms = [(own[j], y[j]) for j in y if own.get(j, 0) > 0]
    z_vars: list[tuple[list, list[int]]] = []
    for g, jobs in marginal:
        grp = problem.groups[g]
        members = [y[j] for j in jobs if j in y]
        if not members:
            continue
        z = [model.new_bool_var(f"z{g}_{k}") for k in range(len(members))]
        model.add(sum(z) == sum(members))
        for a, b in zip(z, z[1:], strict=False):
            model.add(a >= b)
        z_vars.append((z, [j for j in jobs if j in y]))
        for k, zk in enumerate(z):
            value = grp.marginal[k] if k < len(grp.marginal) else 0
            if value:
                prize_terms.append((value, zk))
    total_prize = sum(c for c, _ in prize_terms)
    for grp in problem.groups:
        members = [y[j] for j in grp.jobs if j in y]
        if len(members) > grp.max_count:
            model.add(sum(members) <= grp.max_count)
    for a, b in problem.conflicts:
        if a in y and b in y:
            model.add_bool_or([y[a].negated(), y[b].negated()])
    short_terms = []
    short_hint = []  # how to value each shortfall for a given visited set
    for j, job in enumerate(problem.jobs):
        if job.required:
            s = model.new_bool_var(f"s{j}")
            model.add(y.get(j, 0) + s >= 1)
            short_terms.append(s)
            short_hint.append(lambda seen, j=j: 0 if j in seen else 1)
    for c, cover in enumerate(problem.covers):
        if cover.minimum <= 0:
            continue
        expr = sum(cover.weight(k) * y[j] for k, j in enumerate(cover.jobs) if j in y)
        s = model.new_int_var(0, cover.minimum, f"c{c}")
        model.add(expr + s >= cover.minimum)
        short_terms.append(s)
        short_hint.append(
            lambda seen, cover=cover: max(
                0, cover.minimum - sum(cover.weight(k) for k, j in enumerate(cover.jobs) if j in seen)
            )
        )
    prize_expr = sum(c * v for c, v in prize_terms)
    short_expr = sum(short_terms)
    short_weight = total_prize + 1
    max_short = sum(cover.minimum for cover in problem.covers if cover.minimum > 0) + len(short_terms)
    if short_weight * (max_short + 1) > 2**62:
        raise ValueError("prizes and cover minimums too large to combine in one objective")
    model.maximize(prize_expr - short_weight * short_expr)

    # A complete hint: the given routes, every other route off.
    hinted = {index[(r.cls, frozenset(r.jobs))] for r in hint if (r.cls, frozenset(r.jobs)) in index}
    for i, xi in enumerate(x):
        model.add_hint(xi, 1 if i in hinted else 0)
    covered = {j for i in hinted for j in routes[i].jobs}
    for j, yj in y.items():
        model.add_hint(yj, 1 if j in covered else 0)
    for z, members in z_vars:
        count = sum(1 for j in members if j in covered)
        for k, zk in enumerate(z):
            model.add_hint(zk, 1 if k < count else 0)
    for s_var, value in zip(short_terms, short_hint, strict=True):
        model.add_hint(s_var, value(covered))

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2  # set packing needs the LP to prove anything
    solver.parameters.cp_model_probing_level = 0  # probing costs more than it saves here
    phase1 = 1.0 - shorten if shorten > 0 and any(r.distance for r in routes) else 1.0
    if seconds is not None:  # the limit covers building the model too
        solver.parameters.max_time_in_seconds = max(0.01, seconds * phase1 - (time.perf_counter() - t0))
    if deterministic is not None:
        solver.parameters.max_deterministic_time = max(0.01, deterministic * phase1)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [i for i in range(len(routes)) if solver.value(x[i])]
    prize = int(solver.value(prize_expr)) if prize_terms else 0
    shortfall = int(solver.value(short_expr)) if short_terms else 0
    optimal = status == cp_model.OPTIMAL

    if optimal and phase1 < 1.0:
        # Phase 2: keep prize and shortfall, shorten.
        used = solver.deterministic_time
        model.clear_hints()
        for i, xi in enumerate(x):
            model.add_hint(xi, 1 if i in chosen else 0)
        if prize_terms:
            model.add(prize_expr >= prize)
        if short_terms:
            model.add(short_expr <= shortfall)
        model.minimize(sum(r.distance * x[i] for i, r in enumerate(routes)))
        second = cp_model.CpSolver()
        second.parameters.num_workers = 1
        second.parameters.random_seed = seed
        second.parameters.linearization_level = 2
        second.parameters.cp_model_probing_level = 0
        if seconds is not None:
            second.parameters.max_time_in_seconds = max(0.01, seconds - (time.perf_counter() - t0))
        if deterministic is not None:
            second.parameters.max_deterministic_time = max(0.01, deterministic - used)
        status2 = second.solve(model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = [i for i in range(len(routes)) if second.value(x[i])]
    return [routes[i] for i in chosen], prize, shortfall, optimal


def _remove_overlap(
    problem: Problem, pool: RoutePool, chosen: list[PoolRoute]
) -> tuple[list[PoolRoute], tuple[tuple[int, frozenset[int]], tuple[int, frozenset[int]]] | None]:
    """Drop repeated jobs from later routes; returns the routes, or a clashing
    pair of pool keys when a shortened route no longer schedules."""
    seen: set[int] = set()
    out = []
    for n, r in enumerate(chosen):
        jobs = tuple(j for j in r.jobs if j not in seen)
        if jobs != r.jobs and jobs:
            pool.add(r.cls, jobs, other_classes=False)
            shorter = pool.lookup(r.cls, jobs)
            if shorter is None:
                owner = next(p for p in chosen[:n] if set(p.jobs) & set(r.jobs))
                return chosen, ((owner.cls, frozenset(owner.jobs)), (r.cls, frozenset(r.jobs)))
            r = shorter
        seen.update(jobs)
        if jobs:
            out.append(r)
    return out, None

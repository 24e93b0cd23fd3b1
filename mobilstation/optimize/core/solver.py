"""The ``solve`` entry: PyVRP runs, a route pool, CP-SAT recombination, a greedy finish.

The time (or work) budget is split into several PyVRP runs with different
seeds. The first two start afresh; a later run starts afresh when the run
before it had converged (no new best in the second half of its iterations:
restarts beat one long run on the Team Orienteering benchmark, single runs
get stuck in different local optima) and from the best plan so far when it
was still improving (on large instances a run's share of the budget is too
short to converge, and restarting throws that progress away); the last run
always starts from the best plan. Every distinct feasible route seen (of each run's new bests and of every
candidate it tries) goes into a pool, and CP-SAT recombines the pool after
each run under all side constraints (see :mod:`pool`); the recombination
often beats every run's best. Side constraints PyVRP cannot state are
steered by adjusting prizes between runs: jobs of an unmet cover become more
valuable, jobs of an overfull group less; a run's best plan is repaired by
dropping the least valuable visits that break them. A final greedy pass
inserts unvisited jobs that still fit.

Reproducibility: with ``max_iterations`` (and no ``time_limit``) nothing
depends on the clock: PyVRP runs stop after fixed iteration counts, CP-SAT
uses one worker and a deterministic-time limit, and the result is identical
run to run for a given seed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .bound import upper_bound
from .check import check
from .improve import insert_unvisited
from .pool import PoolRoute, RoutePool, pack
from .problem import Problem
from .pyvrp_engine import PRIZE_WEIGHT, Translation, run, to_pyvrp, translate
from .result import Solution, collected_prize
from .schedule import allowed_on, evaluate, schedule_route
from .validate import validate

_log = logging.getLogger(__name__)

#: Seconds used when neither ``time_limit`` nor ``max_iterations`` is given.
DEFAULT_TIME_LIMIT = 10.0

ENGINE = "pyvrp+cpsat"


@dataclass(frozen=True)
class Strategy:
    """Tuning knobs of the search (defaults measured on the literature benchmark)."""

    runs: int = 8
    warm_runs: int = 1  # how many of the last runs start from the best plan so far (the others start afresh)
    # A run still improving in the second half of its iterations had not converged: the next run
    # continues from the best plan so far instead of starting afresh.
    continue_unconverged: bool = True
    # how many of the first runs always start afresh: TOP with two long routes ends each run in a
    # different local optimum, and the recombination gains from more of them (8 runs, 4 fresh: measured
    # against 6/3 and 4/2 in benchmarks/README.md)
    fresh_runs: int = 4
    collect_every: int = 1
    prize_weight: float = PRIZE_WEIGHT
    final_share: float = 0.07  # share of a time budget for the last recombination and the finish
    between_share: float = 0.03  # share for each recombination between runs
    between_routes: int = 1500  # routes offered to a recombination between runs
    final_routes: int = 5000  # routes offered to the last recombination
    pack_deterministic: float = 2.0  # CP-SAT deterministic time per recombination (work mode)
    num_neighbours: int = 30  # PyVRP granular neighbourhood size
    history_length: int = 50  # PyVRP late-acceptance history
    max_perturbations: int = 25
    restrict: str = "auto"  # how route restrictions reach PyVRP: "auto", "profiles" or "frames"

    def __post_init__(self) -> None:
        if self.runs < 1 or self.warm_runs < 0 or self.fresh_runs < 0 or self.collect_every < 0:
            raise ValueError(f"need runs >= 1, warm_runs >= 0, fresh_runs >= 0, collect_every >= 0: {self}")
        if not self.prize_weight > 0 or self.num_neighbours < 1 or self.history_length < 1:
            raise ValueError(f"need prize_weight > 0, num_neighbours >= 1, history_length >= 1: {self}")
        if not (0 <= self.final_share < 1 and 0 <= self.between_share < 1):
            raise ValueError(f"shares of the time budget must be in [0, 1): {self}")
        if self.restrict not in ("auto", "profiles", "frames"):
            raise ValueError(f"restrict must be 'auto', 'profiles' or 'frames', got {self.restrict!r}")


def solve(
    problem: Problem,
    *,
    time_limit: float | None = None,
    max_iterations: int | None = None,
    seed: int = 0,
    initial: Solution | None = None,
    pool: bool = True,
    strategy: Strategy | None = None,
    on_iterations: Callable[[int], None] | None = None,
) -> Solution:
    """Plan the routes to collect as much prize as possible.

    ``time_limit`` is in seconds (wall clock, including model building);
    ``max_iterations`` is a work limit in local-search iterations over all
    runs, which makes the result reproducible. Without either, a
    ``DEFAULT_TIME_LIMIT`` applies. ``initial`` is a plan to start from (its
    feasible routes seed the pool). ``pool=False`` runs PyVRP alone once over
    the budget: no recombination; groups and conflicts PyVRP cannot state are
    repaired by dropping visits, covers are not pursued.
    ``on_iterations`` is called with the iterations spent so far after each
    run, so a caller can show the search counting down its work limit.
    Raises ``ValueError`` for invalid input.
    """
    t0 = time.perf_counter()
    strategy = strategy or Strategy()
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"time_limit must be > 0 seconds, got {time_limit}")
    if max_iterations is not None and max_iterations < 1:
        raise ValueError(f"max_iterations must be >= 1, got {max_iterations}")
    if time_limit is None and max_iterations is None:
        time_limit = DEFAULT_TIME_LIMIT
    validate(problem)
    if initial is not None and len(initial.routes) != len(problem.routes):
        raise ValueError(
            f"initial solution has {len(initial.routes)} routes, the problem has {len(problem.routes)}"
        )
    deadline = t0 + time_limit if time_limit is not None else None
    search = _Search(problem, strategy, seed, deadline, max_iterations, pool, on_iterations)
    routes = search.run(initial)
    return _finish(problem, routes, search, t0)


class _Search:
    def __init__(
        self,
        problem: Problem,
        strategy: Strategy,
        seed: int,
        deadline: float | None,
        max_iterations: int | None,
        use_pool: bool,
        on_iterations: Callable[[int], None] | None = None,
    ) -> None:
        self.problem = problem
        self.strategy = strategy
        self.seed = seed
        self.deadline = deadline
        self.max_iterations = max_iterations
        self.use_pool = use_pool
        self.on_iterations = on_iterations
        self.iterations = 0
        self.bound: int | None = None
        self.active = _active_jobs(problem)

    def _left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.perf_counter()

    def pool_routes(self) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """The pool's routes on every route of their class (empty without a pool)."""
        pool: RoutePool | None = getattr(self, "pool", None)
        if pool is None:
            return ()
        return tuple((r, p.jobs) for p in pool.best.values() for r in pool.classes[p.cls].routes)

    def run(self, initial: Solution | None) -> list[list[int]]:
        problem = self.problem
        empty: list[list[int]] = [[] for _ in problem.routes]
        if not problem.routes or not self.active:
            self.bound = 0  # nothing can be collected
            return empty
        prizes = _initial_prizes(problem, self.active)
        base_prizes = dict(prizes)
        cover_levels: dict[int, int] = {}
        tr = translate(
            problem,
            self.active,
            prizes,
            prize_weight=self.strategy.prize_weight,
            restrict=self.strategy.restrict,
        )
        self.bound = upper_bound(problem, tr.classes, self.active)
        pool = RoutePool(problem, tr.classes)
        self.pool = pool
        best = _Incumbent(problem)
        best.offer(empty)
        if initial is not None:
            seqs = [list(r.jobs) for r in initial.routes]
            if evaluate(problem, seqs)[1] is not None:
                best.offer(seqs)
                for r, seq in enumerate(seqs):
                    pool.add(tr.route_class[r], seq)

        st = self.strategy
        runs = st.runs if self.use_pool else 1
        time_total = self._left()
        timed = self.deadline is not None
        margin = min(0.3, 0.03 * time_total) if timed else 0.0
        final = self.strategy.final_share * time_total if timed and self.use_pool else 0.0
        between = self.strategy.between_share * time_total if timed else 0.0
        cap_factor = 1.0
        unconverged = False
        for i in range(runs):
            last = i == runs - 1
            seconds = iterations = None
            if timed:
                later = final + margin + between * (runs - 1 - i)
                seconds = max(0.0, (self._left() - later) / (runs - i))
            if self.max_iterations is not None:
                iterations = self.max_iterations // runs + (1 if i < self.max_iterations % runs else 0)
            start = None
            go_on = i >= st.fresh_runs and st.continue_unconverged and unconverged
            warm = i >= runs - st.warm_runs or go_on
            if warm and best.routes is not None and any(best.routes):
                start = _warm_start(problem, tr, best.routes)
            res = run(
                tr,
                seed=self.seed + i,
                seconds=seconds,
                iterations=iterations,
                initial=start,
                collect_every=self.strategy.collect_every if self.use_pool else 0,
                num_neighbours=self.strategy.num_neighbours,
                history_length=self.strategy.history_length,
                max_perturbations=self.strategy.max_perturbations,
            )
            self.iterations += res.iterations
            if self.on_iterations is not None:
                self.on_iterations(self.iterations)
            unconverged = not res.stalled
            run_best = _assign(tr, [(k, jobs) for k, jobs in res.best if jobs])
            best.offer(_repair(problem, run_best))
            if not self.use_pool:
                break
            for k, jobs in sorted(res.seen):
                pool.add(k, jobs, trusted=True)
            t_pack = time.perf_counter()
            pack_seconds = None
            if timed and last:  # most of what is left; the greedy finish gets the rest
                pack_seconds = max(0.01, 0.75 * (self._left() - margin))
            elif timed:
                pack_seconds = max(0.01, min(between, self._left() - margin - final))
            packed = pack(
                problem,
                pool,
                hint=_as_pool_routes(pool, tr, best.routes),
                seconds=pack_seconds,
                deterministic=(self.strategy.pack_deterministic * (1.0 if last else 0.25))
                if self.max_iterations is not None
                else None,
                seed=self.seed,
                shorten=0.3 if last else 0.0,
                max_routes=int(cap_factor * (st.final_routes if last else st.between_routes)),
            )
            if packed is not None:
                best.offer(_assign(tr, [(r.cls, r.jobs) for r in packed.routes]))
            if packed is None or not packed.optimal:
                cap_factor /= 2  # the recombinations are too big for their limits
            _log.debug(
                "run %d: %d iterations (last best %d), warm %s, run best %d, pool %d routes, "
                "pack %s in %.2fs (limit %s), best %s",
                i, res.iterations, res.last_best, warm,
                collected_prize(problem, [j for s in run_best for j in s]), len(pool),
                None if packed is None else (packed.prize, packed.optimal), time.perf_counter() - t_pack,
                pack_seconds, best.key,
            )
            if self.bound is not None and best.proven(self.bound):
                break  # provably optimal
            new_prizes = _adjust_prizes(problem, base_prizes, prizes, cover_levels, run_best, best.routes)
            if new_prizes != prizes:
                prizes = new_prizes
                tr = tr.with_prizes(prizes)

        routes = best.routes if best.routes is not None else empty
        if self.use_pool:
            finish_deadline = self.deadline - margin if self.deadline is not None else None
            improved = insert_unvisited(problem, routes, sorted(self.active), deadline=finish_deadline)
            best.offer(improved)
            routes = best.routes
        return routes


class _Incumbent:
    """The best plan so far by (unmet requirements, prize, distance)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.routes: list[list[int]] | None = None
        self.key: tuple[int, int, int] | None = None

    def offer(self, routes: Sequence[Sequence[int]]) -> bool:
        prize, schedules = evaluate(self.problem, routes)
        if schedules is None:
            return False
        key = (_shortfall(self.problem, routes), -prize, sum(s.distance for s in schedules))
        if self.key is None or key < self.key:
            self.key, self.routes = key, [list(seq) for seq in routes]
            return True
        return False

    def proven(self, bound: int) -> bool:
        """Whether the plan meets every constraint and reaches ``bound``."""
        return self.key is not None and self.key[0] == 0 and -self.key[1] >= bound


def _repair(problem: Problem, routes: Sequence[Sequence[int]]) -> list[list[int]]:
    """Drop visits until groups and conflicts hold: the least valuable first,
    required jobs last. (PyVRP states only some of them.)"""
    visited = {j for seq in routes for j in seq}
    value = {j: problem.jobs[j].prize for j in visited}
    for grp in problem.groups:
        for j in grp.jobs:
            if j in value and grp.marginal:
                value[j] = max(value[j], grp.marginal[0])

    def rank(j: int) -> tuple[bool, int, int]:
        return (problem.jobs[j].required, value[j], -j)

    for a, b in problem.conflicts:
        if a in visited and b in visited:
            visited.discard(min(a, b, key=rank))
    for grp in problem.groups:
        inside = sorted(visited & set(grp.jobs), key=rank)
        for j in inside[: max(0, len(inside) - grp.max_count)]:
            visited.discard(j)
    return [[j for j in seq if j in visited] for seq in routes]


def _shortfall(problem: Problem, routes: Sequence[Sequence[int]]) -> int:
    """How far a plan is from meeting its side constraints (0 when it does)."""
    visited = {j for seq in routes for j in seq}
    out = sum(1 for j, job in enumerate(problem.jobs) if job.required and j not in visited)
    for cover in problem.covers:
        got = sum(cover.weight(k) for k, j in enumerate(cover.jobs) if j in visited)
        out += max(0, cover.minimum - got)
    # Overfull groups and conflicts are hard; weigh them above any shortfall.
    heavy = sum(max(0, len(visited & set(g.jobs)) - g.max_count) for g in problem.groups)
    heavy += sum(1 for a, b in problem.conflicts if a in visited and b in visited)
    return out + heavy * (1 + sum(c.minimum for c in problem.covers if c.minimum > 0) + len(problem.jobs))


def _active_jobs(problem: Problem) -> list[int]:
    """Jobs worth giving to the search: servable alone on some route, not ruled
    out by a group of size 0 or by exclusion with a required job, and worth
    something (a prize, a marginal value, a cover or being required)."""
    required = {j for j, job in enumerate(problem.jobs) if job.required}
    out_: set[int] = set()
    for grp in problem.groups:
        if grp.max_count == 0:
            out_ |= set(grp.jobs)
        elif grp.max_count == 1 and required & set(grp.jobs):
            out_ |= set(grp.jobs) - required
    for a, b in problem.conflicts:
        if a in required and b not in required:
            out_.add(b)
        if b in required and a not in required:
            out_.add(a)
    in_cover = {j for c in problem.covers if c.minimum > 0 for j in c.jobs}
    marginal_value = {}
    for grp in problem.groups:
        if grp.marginal:
            for j in grp.jobs:
                marginal_value[j] = max(marginal_value.get(j, 0), grp.marginal[0])
    dur = np.asarray(problem.duration)
    active = []
    for j, job in enumerate(problem.jobs):
        if j in out_:
            continue
        value = marginal_value.get(j, job.prize)
        if not (job.required or j in in_cover or value > 0):
            continue
        if any(servable_alone(problem, dur, j, r) for r in range(len(problem.routes))):
            active.append(j)
    return active


def servable_alone(problem: Problem, dur: np.ndarray, j: int, r: int) -> bool:
    """Whether route ``r`` can serve job ``j`` and nothing else (same rules as
    :func:`schedule_route`, worked out directly for one job: leave so as not to
    wait, unless that is before ``earliest``)."""
    if not allowed_on(problem, j, r):
        return False
    spec, job = problem.routes[r], problem.jobs[j]
    there = int(dur[spec.start, job.location])
    back = int(dur[job.location, spec.end])
    for lo, hi in job.windows:
        start = max(spec.earliest + there, lo)
        if start > hi:
            continue
        end = start + job.service + back
        departure = start - there  # no waiting: the shortest possible route
        if end <= spec.latest and end - departure <= spec.max_duration:
            return True
    return False


def _initial_prizes(problem: Problem, active: Sequence[int]) -> dict[int, int]:
    """Per-job prizes PyVRP sees: own prize, or the first marginal value."""
    prizes = {j: problem.jobs[j].prize for j in active}
    for grp in problem.groups:
        if grp.marginal:
            for j in grp.jobs:
                if j in prizes:
                    prizes[j] = grp.marginal[0]
    return prizes


def _adjust_prizes(
    problem: Problem,
    base: dict[int, int],
    prizes: dict[int, int],
    levels: dict[int, int],
    run_best: Sequence[Sequence[int]],
    incumbent: Sequence[Sequence[int]] | None,
) -> dict[int, int]:
    """Steer PyVRP towards the side constraints it cannot state.

    A group PyVRP overfilled: its jobs are worth the value of its last allowed
    visit (marginal) or a quarter less. A cover the best plan still misses:
    its jobs gain the mean prize times 1, 2, 4, ... (``levels`` counts the
    rounds it has been missed, updated here).
    """
    new = dict(prizes)
    visited_run = {j for seq in run_best for j in seq}
    for grp in problem.groups:
        members = [j for j in grp.jobs if j in new]
        count = len(visited_run & set(members))
        if grp.marginal and members:
            k = min(max(count, 1), max(grp.max_count, 1))
            value = grp.marginal[k - 1] if k - 1 < len(grp.marginal) else 0
            for j in members:
                new[j] = value
        elif count > grp.max_count:
            for j in members:
                new[j] = new[j] * 3 // 4
    if incumbent is not None and problem.covers:
        visited = {j for seq in incumbent for j in seq}
        positive = [p for p in base.values() if p > 0]
        mean = max(1, sum(positive) // max(1, len(positive)))
        for c, cover in enumerate(problem.covers):
            got = sum(cover.weight(k) for k, j in enumerate(cover.jobs) if j in visited)
            if got < cover.minimum:
                levels[c] = levels.get(c, 0) + 1
                for j in cover.jobs:
                    if j in new:
                        new[j] = max(new[j], base.get(j, 0) + mean * 2 ** (levels[c] - 1))
    return new


def _assign(tr: Translation, routes: Sequence[tuple[int, Sequence[int]]]) -> list[list[int]]:
    """Job orders per route index from ``(class, jobs)`` routes."""
    out: list[list[int]] = [[] for _ in tr.route_class]
    free = {k: list(cls.routes) for k, cls in enumerate(tr.classes)}
    for k, jobs in sorted(routes, key=lambda kj: (kj[0], tuple(kj[1]))):
        if not free[k]:
            raise RuntimeError(f"more routes than vehicles in class {k}")
        out[free[k].pop(0)] = list(jobs)
    return out


def _as_pool_routes(
    pool: RoutePool, tr: Translation, routes: Sequence[Sequence[int]] | None
) -> list[PoolRoute]:
    if routes is None:
        return []
    out = []
    for r, seq in enumerate(routes):
        if seq:
            found = pool.add(tr.route_class[r], seq) or pool.lookup(tr.route_class[r], seq)
            if found is not None:
                out.append(found)
    return out


def _warm_start(problem: Problem, tr: Translation, routes: Sequence[Sequence[int]]):  # noqa: ANN202
    """The plan as a PyVRP solution (windows as scheduled), or ``None``."""
    specs = []
    for r, seq in enumerate(routes):
        if not seq:
            continue
        if any(j not in tr.job_clients for j in seq):
            return None
        res = schedule_route(problem, r, seq)
        if res is None:
            return None
        windows = []
        for v in res.visits:
            job = problem.jobs[v.job]
            windows.append(next(w for w in sorted(job.windows) if w[0] <= v.start <= w[1]))
        specs.append((tr.route_class[r], seq, windows))
    try:
        return to_pyvrp(tr, specs)
    except (ValueError, IndexError):
        return None


def _finish(problem: Problem, routes: Sequence[Sequence[int]], search: _Search, t0: float) -> Solution:
    prize, schedules = evaluate(problem, routes)
    if schedules is None:  # cannot happen: every offered plan was scheduled
        raise RuntimeError("internal error: the chosen plan does not schedule")
    draft = Solution(
        routes=tuple(schedules),
        objective=collected_prize(problem, [j for seq in routes for j in seq]),
        feasible=True,
        violations=(),
        upper_bound=search.bound,
        seconds=0.0,
        iterations=search.iterations,
        engine=ENGINE if search.use_pool else "pyvrp",
        status="feasible",
    )
    violations = tuple(check(problem, draft))
    feasible = not violations
    bound = search.bound
    if not feasible:
        status = "infeasible"
    elif bound is not None and draft.objective >= bound:
        status = "optimal"
    else:
        status = "feasible"
    return Solution(
        routes=tuple(schedules),
        objective=draft.objective,
        feasible=feasible,
        violations=violations,
        upper_bound=bound,
        seconds=time.perf_counter() - t0,
        iterations=search.iterations,
        engine=draft.engine,
        status=status,
        pool=search.pool_routes(),
    )

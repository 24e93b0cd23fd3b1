"""Column generation: a route-based upper bound and plans from a set-packing master.

The master chooses at most one route (a set of jobs the route can serve in
some order) per vehicle-day. Its rows state every side constraint of the
core problem exactly, over ``x_j`` = the number of chosen routes holding job
``j``:

* route ``r``:            sum of its columns' ``lambda`` <= 1;
* job ``j``:              ``x_j <= 1`` (``= 1`` when required);
* group ``g`` with marginal prizes ``m_1 >= m_2 >= ...``: ``x_g - sum_k w_gk = 0``
  with ``0 <= w_gk <= 1`` for ``k <= max_count`` and objective ``sum_k m_k w_gk``
  (a concave value: the LP fills the best slots first, so any integer count is
  valued exactly); a group without marginals: ``x_g <= max_count``;
* conflict ``(i, j)``:    ``x_i + x_j <= 1``;
* cover ``c``:            ``sum_j weight_cj x_j >= minimum``.

A column's prize is the prize of its jobs outside marginal groups.

**Why the bound is valid.** Let ``y`` be any multipliers with the signs of a
maximisation's duals (``y >= 0`` on ``<=`` rows, ``y <= 0`` on ``>=`` rows,
free on ``=`` rows), ``q_j = prize_j - sum_i y_i a_ij`` the job's reduced
profit over the non-route rows, and ``best_r`` the largest ``sum_{j in R} q_j``
over every route ``R`` that route ``r`` can drive under the relaxed rules
below. Take any feasible plan ``P`` with value ``v(P)``; it uses at most one
route per vehicle-day, and its ``x`` and ``w`` (counts filled in order) meet
every row, so ``y_i (b_i - A_i x) >= 0`` for each row and

    v(P) <= v(P) + sum_i y_i (b_i - A_i x)
          = sum_i b_i y_i + sum_r q(R_r) + sum_gk (m_k + y_g) w_gk
          <= sum_i b_i y_i + sum_r max(0, best_r) + sum_gk max(0, m_k + y_g).

The right-hand side :math:`L(y)` is therefore an upper bound on every plan,
whatever ``y`` is, and it is computed at the point each exact pricing round
prices at (the master LP's duals, or a convex combination of them with the
best point so far: sign-feasible too); the smallest value seen is reported. When pricing finds no
route with positive reduced profit, ``L(y)`` equals the master LP's optimum.
``best_r`` is an exact maximum over a set of routes that contains every
route ``r`` can really drive, because the pricing relaxes, never restricts:

* travel is the metric closure of ``leg_minutes`` (shortest paths, never
  longer than a direct leg; with timed ferries the caller passes legs
  without the average wait), so a real route is a route here;
* the duration limit counts travel and service only (waiting can only add);
* time windows, the earliest departure and the latest return hold as they
  are (service starting as early as possible, which is what any route can do
  at best);
* only jobs with ``q_j > 0`` are extended to: with a metric travel time and
  waiting allowed, dropping a job from a route keeps it drivable, and a job
  with ``q_j <= 0`` adds nothing, so the best route has only positive jobs;
* with an ng-relaxation (``ng`` neighbours) a route may revisit a job that is
  outside the memory of the jobs since: a superset of elementary routes.

Pricing (:mod:`pricing`) is an exact labelling per class of interchangeable
routes (resource-constrained longest path):
a label is (job, earliest end of service, travel + service so far, profit,
memory of visited jobs); label ``a`` dominates ``b`` at the same job when it
is no later, no longer, at least as profitable and remembers no more jobs.
Labels are extended in order of time, so every label is final when taken.
A label is not extended when its profit plus a completion bound cannot beat
the best route known (a column already in the master counts): the bound is
a dynamic program over (job, time left) with windows and elementarity
dropped and durations rounded down to a grid, so it never underestimates.
When a label budget (or the clock) cuts a labelling short, its columns are
used and ``best_r`` is replaced by an upper bound on it: the best route
closed so far or the largest completion bound over the labels still waiting
(every route not enumerated extends one of them). That bound is valid but
much looser (measured on the default week: L(y) 204 against the knapsack's
160), so such a round does not prove convergence; it only keeps a bound
available when no round finishes. Classes priced after the deadline get
this bound without labelling.

The integer master over the generated columns that the core schedules
(true travel, waiting counted) is solved by SCIP with the same rows, from a
hint (the best seed plan), and gives plans. Only columns whose LP reduced
cost is within the LP-to-seed gap enter it (no other can be in a better
plan). Measured on the default week (4 000 columns): SCIP proves the
optimum in about a second; CP-SAT with one worker had found no plan after
4 s (its presolve probing alone took 2 s).

Measured choices: GLOP (already a dependency) solves the master LP in
milliseconds per round, so HiGHS was not added; ng-routes with 8 neighbours
price a route of the default week in under 1 s where elementary labelling
had not finished in 60 s; a non-elementary route may price higher, so the
best route's cycles are added to the ng-sets after each exact round
(dynamic ng-routes); heuristic rounds (two labels kept per job) find most
columns, and the exact rounds price at duals smoothed towards the best
bound so far (Wentges), which converges in far fewer rounds. The labelling
loop is compiled (:mod:`labelling`, Numba): an exact round of the default
week (10 vehicle-days, about 90 candidates each) took 8 s in Python and
takes about 0.3 s compiled, with the same labels; the week then converges
in about 10 s (48 rounds) to a bound within 0.02 % of the master LP, where
in Python no round finished in time and the knapsack bound (17 % above the
plan) was reported.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from mobilstation.optimize.core.problem import Problem
from mobilstation.optimize.core.result import collected_prize
from mobilstation.optimize.core.schedule import allowed_on, schedule_route
from mobilstation.optimize.pricing import RoutePricer, metric_closure

BOUND_METHOD = "column-generation"
__all__ = ["BOUND_METHOD", "ColgenResult", "ColumnGeneration", "column_generation", "metric_closure"]
SMOOTHING = 0.5  # weight of the best-bound duals in the exact rounds' pricing point
IP_NODES = 200  # SCIP node limit of the integer master (a work limit, so work-limit mode needs no clock)


@dataclass
class ColgenResult:
    """What column generation found.

    ``bound`` is the smallest valid :math:`L(y)` (prize units; None when no
    pricing round was exact), ``lp`` the last master LP value, ``routes`` the
    integer master's plan (job orders per route, None when none was found)
    and ``objective`` its prize. ``columns`` counts the generated routes,
    ``rounds`` the pricing rounds, ``exact`` whether the last round proved
    that no elementary route can improve the LP (the bound is then the LP's
    value, or a little above it by what a non-elementary ng-route prices).
    ``history`` has one entry per round: (seconds, LP value, bound so far,
    exact round?, columns added, labels so far).
    """

    bound: float | None
    lp: float | None
    routes: list[list[int]] | None
    objective: int | None
    columns: int
    rounds: int
    exact: bool
    seconds: float
    lp_seconds: float = 0.0
    pricing_seconds: float = 0.0
    ip_seconds: float = 0.0
    ip_status: str = ""
    labels: int = 0
    history: list[tuple[float, float | None, float | None, bool, int, int]] = field(default_factory=list)


class _Rows:
    """The master's non-route rows in one place: senses, right-hand sides, job memberships."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        n = len(problem.jobs)
        self.sense: list[str] = []  # "<=", ">=", "="
        self.rhs: list[float] = []
        self.job_rows: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        self.marginal_rows: list[tuple[int, tuple[int, ...]]] = []  # (row, slot values)
        self.in_marginal: set[int] = set()

        def row(sense: str, rhs: float, members: Sequence[tuple[int, float]]) -> int:
            i = len(self.sense)
            self.sense.append(sense)
            self.rhs.append(rhs)
            for j, a in members:
                self.job_rows[j].append((i, a))
            return i

        for j, job in enumerate(problem.jobs):
            row("=" if job.required else "<=", 1.0, [(j, 1.0)])
        for g in problem.groups:
            members = [(j, 1.0) for j in g.jobs]
            if g.marginal:
                values = tuple(g.marginal[k] if k < len(g.marginal) else 0 for k in range(g.max_count))
                i = row("=", 0.0, members)
                self.marginal_rows.append((i, values))
                self.in_marginal.update(g.jobs)
            elif g.max_count < len(g.jobs):
                row("<=", float(g.max_count), members)
        for a, b in problem.conflicts:
            row("<=", 1.0, [(a, 1.0), (b, 1.0)])
        for c in problem.covers:
            row(">=", float(c.minimum), [(j, float(c.weight(k))) for k, j in enumerate(c.jobs)])
        self.prize = [0 if j in self.in_marginal else job.prize for j, job in enumerate(problem.jobs)]

    def clamp(self, y: Sequence[float]) -> list[float]:
        """Duals with the signs the bound needs (numerical noise removed)."""
        out = []
        for s, v in zip(self.sense, y, strict=True):
            out.append(max(v, 0.0) if s == "<=" else (min(v, 0.0) if s == ">=" else v))
        return out

    def profits(self, y: Sequence[float]) -> np.ndarray:
        return np.array(
            [self.prize[j] - sum(y[i] * a for i, a in self.job_rows[j]) for j in range(len(self.job_rows))]
        )

    def lagrangian(self, y: Sequence[float], best: Sequence[float]) -> float:
        """:math:`L(y)` of the module docstring; ``best[r]`` the pricing maximum of route ``r``."""
        total = sum(b * v for b, v in zip(self.rhs, y, strict=True))
        for i, values in self.marginal_rows:
            total += sum(max(0.0, m + y[i]) for m in values)
        return total + sum(max(0.0, b) for b in best)


class ColumnGeneration:
    """The master, its columns and the pricing (module docstring)."""

    def __init__(self, problem: Problem, *, leg_minutes: np.ndarray | None = None, ng: int | None = None):
        self.problem = problem
        self.rows = _Rows(problem)
        dur = metric_closure(problem.duration if leg_minutes is None else leg_minutes)
        # one pricing problem per class of interchangeable routes (same spec, same jobs)
        classes: dict[tuple, list[int]] = {}
        for r, spec in enumerate(problem.routes):
            jobs = tuple(j for j in range(len(problem.jobs)) if allowed_on(problem, j, r))
            key = (spec.start, spec.end, spec.earliest, spec.latest, spec.max_duration, jobs)
            classes.setdefault(key, []).append(r)
        self.classes = list(classes.values())
        self.pricers = [RoutePricer(problem, members[0], dur, ng) for members in self.classes]
        self.columns: list[tuple[int, tuple[int, ...]]] = []  # (route, jobs in a drivable order)
        self._keys: set[tuple[int, frozenset[int]]] = set()
        self.drivable: list[bool] = []  # scheduled by the core (true travel, waiting counted)
        self._build_lp()

    # -- the LP ----------------------------------------------------------------
    def _build_lp(self) -> None:
        lp = pywraplp.Solver.CreateSolver("GLOP")
        self.lp = lp
        inf = lp.infinity()
        self.cons = []
        for s, b in zip(self.rows.sense, self.rows.rhs, strict=True):
            lo, hi = (-inf, b) if s == "<=" else ((b, inf) if s == ">=" else (b, b))
            self.cons.append(lp.Constraint(lo, hi))
        self.route_cons = [lp.Constraint(-inf, 1.0) for _ in self.problem.routes]
        self.objective = lp.Objective()
        self.objective.SetMaximization()
        for i, values in self.rows.marginal_rows:
            for m in values:
                w = lp.NumVar(0.0, 1.0, "")
                self.cons[i].SetCoefficient(w, -1.0)
                self.objective.SetCoefficient(w, float(m))
        self.vars: list[pywraplp.Variable] = []

    def add(self, route: int, jobs: Sequence[int]) -> bool:
        """Add a column (jobs in driving order); False if its set is there already."""
        key = (route, frozenset(jobs))
        if key in self._keys or not jobs:
            return False
        self._keys.add(key)
        var = self.lp.NumVar(0.0, self.lp.infinity(), "")
        self.route_cons[route].SetCoefficient(var, 1.0)
        coef: dict[int, float] = {}
        for j in jobs:
            for i, a in self.rows.job_rows[j]:
                coef[i] = coef.get(i, 0.0) + a
        for i, a in coef.items():
            self.cons[i].SetCoefficient(var, a)
        self.objective.SetCoefficient(var, float(sum(self.rows.prize[j] for j in jobs)))
        self.vars.append(var)
        self.columns.append((route, tuple(jobs)))
        self.drivable.append(schedule_route(self.problem, route, list(jobs)) is not None)
        return True

    def add_drivable(self, route: int, jobs: Sequence[int]) -> None:
        """Add a route known to be driven in this order (a core route)."""
        if jobs and schedule_route(self.problem, route, list(jobs)) is not None:
            self.add(route, jobs)

    # -- the loop --------------------------------------------------------------
    def solve(
        self,
        *,
        time_limit: float | None,
        seeds: Sequence[Sequence[Sequence[int]]] = (),
        max_rounds: int | None = None,
        max_labels: int = 200_000,
        per_route: int = 8,
        ip_share: float = 0.25,
        restrict: int | None = 2,
    ) -> ColgenResult:
        """Price until no route improves the LP or the time is up, then solve the integer master.

        ``seeds`` are plans (job orders per route) whose routes start the
        master; the best of them is the integer master's hint. Without a
        ``time_limit`` the work is bounded by ``max_rounds`` pricing rounds,
        ``max_labels`` per route and round, and a deterministic limit on the
        integer master: the result is the same on any machine.
        """
        t0 = time.perf_counter()
        deadline = t0 + time_limit if time_limit is not None else float("inf")
        ip_time = ip_share * time_limit if time_limit is not None else 0.0
        for plan in seeds:
            for r, seq in enumerate(plan):
                self.add_drivable(r, seq)
        bound: float | None = None
        lp_value: float | None = None
        rounds, labels = 0, 0
        exact = False
        lp_s = price_s = 0.0
        history: list[tuple[float, float | None, float | None, bool, int, int]] = []
        # pricing levels: ``restrict`` labels per job, then all (exact)
        levels: list[int | None] = [restrict, None] if restrict is not None else [None]
        level = 0
        center: list[float] | None = None
        alpha = SMOOTHING
        while True:
            t1 = time.perf_counter()
            status = self.lp.Solve()
            lp_s += time.perf_counter() - t1
            if status != pywraplp.Solver.OPTIMAL:
                # the seeds do not meet the covers: price with zero duals on them
                y = [0.0] * len(self.cons)
            else:
                lp_value = self.objective.Value()
                y = self.rows.clamp([c.dual_value() for c in self.cons])
            optimal = status == pywraplp.Solver.OPTIMAL
            route_duals = [max(c.dual_value(), 0.0) if optimal else 0.0 for c in self.route_cons]
            q_lp = q = self.rows.profits(y)
            smoothed = levels[level] is None and center is not None and alpha > 0
            if smoothed:
                # Wentges smoothing: price at a point between the best-bound duals and the LP's
                y = [alpha * c + (1 - alpha) * v for c, v in zip(center, y, strict=True)]
                q = self.rows.profits(y)
            t2 = time.perf_counter()
            upper: list[float] = []  # per route, an upper bound on its best reduced profit
            all_exact = True
            added = 0
            known = [0.0] * len(self.problem.routes)
            for r, jobs in self.columns:
                known[r] = max(known[r], float(sum(q[j] for j in jobs)))
            for c, pricer in enumerate(self.pricers):
                members = self.classes[c]
                late = time.perf_counter() > deadline - ip_time
                if late and levels[level] is not None:
                    all_exact = False
                    break
                # past the deadline a full round still bounds the remaining classes (no labelling)
                val, routes, ok, made, ub = pricer.run(
                    q,
                    0 if late else max_labels,
                    per_route,
                    known=max(known[r] for r in members),
                    deadline=deadline - ip_time,
                    restrict=levels[level],
                )
                labels += made
                all_exact &= ok and not late
                upper += [ub] * len(members)
                for path in routes:
                    for r in members:
                        if sum(q_lp[j] for j in path) > route_duals[r] + 1e-6 and self.add(r, path):
                            added += 1
            price_s += time.perf_counter() - t2
            rounds += 1
            if len(upper) == len(self.problem.routes) and all(np.isfinite(upper)):
                # exact maxima, or upper bounds on them from labellings cut short: valid either way
                value = self.rows.lagrangian(y, upper)  # valid for any sign-feasible y
                if bound is None or value < bound:
                    bound, center = value, list(y)
            history.append((round(time.perf_counter() - t0, 3), lp_value, bound, all_exact, added, labels))
            if added == 0 and all_exact:
                if not smoothed:
                    exact = optimal
                    break
                alpha = 0.0  # a mispricing: price at the LP's duals next
            elif smoothed and added:
                alpha = SMOOTHING
            # a cheap level while it finds columns; the next one when it stalls;
            # back to the cheapest after an exact round
            if levels[level] is None:
                level = 0
            elif added < len(self.problem.routes):
                level += 1
            if time.perf_counter() > deadline - ip_time or (max_rounds is not None and rounds >= max_rounds):
                break
        left = None if time_limit is None else max(deadline - time.perf_counter(), 0.5)
        routes, objective, ip_s, ip_status = self._integer_mip(seeds, left)
        return ColgenResult(
            bound=bound,
            lp=lp_value,
            routes=routes,
            objective=objective,
            columns=len(self.columns),
            rounds=rounds,
            exact=exact,
            seconds=time.perf_counter() - t0,
            lp_seconds=lp_s,
            pricing_seconds=price_s,
            ip_seconds=ip_s,
            ip_status=ip_status,
            labels=labels,
            history=history,
        )

    # -- the integer master ----------------------------------------------------
    def _integer_mip(
        self, seeds: Sequence[Sequence[Sequence[int]]], time_limit: float | None
    ) -> tuple[list[list[int]] | None, int | None, float, str]:
        """The integer master by SCIP: the LP's rows with integer columns (w stays fractional:
        its values are non-increasing, so it is integral at an integer count)."""
        t0 = time.perf_counter()
        p = self.problem
        index = {(r, frozenset(jobs)): k for k, (r, jobs) in enumerate(self.columns)}
        best_seed = max(
            seeds, key=lambda plan: collected_prize(p, [j for seq in plan for j in seq]), default=None
        )
        seed_cols: set[int] = set()
        if best_seed is not None:
            seed_cols = {
                k
                for r, seq in enumerate(best_seed)
                if seq and (k := index.get((r, frozenset(seq)))) is not None
            }
        cols = [k for k, ok in enumerate(self.drivable) if ok]
        if self.lp.Solve() == pywraplp.Solver.OPTIMAL and best_seed is not None:
            # a plan using columns S is worth at most LP + their reduced costs (all <= 0)
            slack = self.objective.Value() - collected_prize(p, [j for seq in best_seed for j in seq])
            cols = [k for k in cols if k in seed_cols or self.vars[k].reduced_cost() >= -slack - 1e-6]
        mip = pywraplp.Solver.CreateSolver("SCIP")
        if mip is None:
            return None, None, 0.0, "NO_SOLVER"
        inf = mip.infinity()
        cons = []
        for sense, b in zip(self.rows.sense, self.rows.rhs, strict=True):
            lo, hi = (-inf, b) if sense == "<=" else ((b, inf) if sense == ">=" else (b, b))
            cons.append(mip.Constraint(lo, hi))
        route_cons = [mip.Constraint(-inf, 1.0) for _ in p.routes]
        obj = mip.Objective()
        obj.SetMaximization()
        for i, values in self.rows.marginal_rows:
            for m in values:
                w = mip.NumVar(0.0, 1.0, "")
                cons[i].SetCoefficient(w, -1.0)
                obj.SetCoefficient(w, float(m))
        lam = {}
        for k in cols:
            r, jobs = self.columns[k]
            v = mip.BoolVar("")
            lam[k] = v
            route_cons[r].SetCoefficient(v, 1.0)
            coef: dict[int, float] = {}
            for j in jobs:
                for i, a in self.rows.job_rows[j]:
                    coef[i] = coef.get(i, 0.0) + a
            for i, a in coef.items():
                cons[i].SetCoefficient(v, a)
            obj.SetCoefficient(v, float(sum(self.rows.prize[j] for j in jobs)))
        if seed_cols:
            keys = list(lam)
            mip.SetHint([lam[k] for k in keys], [1.0 if k in seed_cols else 0.0 for k in keys])
        # few cut rounds: the master's LP is already tight, and cuts on thousands of columns are slow
        params = (
            "separating/maxroundsroot = 3\nseparating/maxrounds = 1\npresolving/maxrestarts = 0\n"
            f"limits/totalnodes = {IP_NODES}\n"
        )
        mip.SetSolverSpecificParametersAsString(params)
        if time_limit is not None:
            mip.SetTimeLimit(int(time_limit * 1000))
        gap = pywraplp.MPSolverParameters()
        gap.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 1e-4)
        status = mip.Solve(gap)
        names = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE"}
        name = names.get(status, str(status))
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None, None, time.perf_counter() - t0, name
        routes: list[list[int]] = [[] for _ in p.routes]
        for k, v in lam.items():
            if v.solution_value() > 0.5:
                r, jobs = self.columns[k]
                routes[r] = list(jobs)
        value = collected_prize(p, [j for seq in routes for j in seq])
        return routes, value, time.perf_counter() - t0, name


def column_generation(
    problem: Problem,
    *,
    time_limit: float | None,
    leg_minutes: np.ndarray | None = None,
    seeds: Sequence[Sequence[Sequence[int]]] = (),
    ng: int | None = 8,
    max_rounds: int | None = None,
    max_labels: int = 200_000,
) -> ColgenResult:
    """Bound and plan ``problem`` by column generation (module docstring).

    Within ``time_limit`` seconds, or without one by work alone (``max_rounds``
    pricing rounds, ``max_labels`` per pricing problem), so the result is the
    same on any machine.
    """
    cg = ColumnGeneration(problem, leg_minutes=leg_minutes, ng=ng)
    return cg.solve(time_limit=time_limit, seeds=seeds, max_rounds=max_rounds, max_labels=max_labels)

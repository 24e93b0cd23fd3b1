"""Searching the week: the routing core from the greedy plan, then column
generation (:mod:`colgen`) seeded with the core's routes and route pool, and
the time each gets from the limit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mobilstation.errors import PlanFailed
from mobilstation.i18n import num, t
from mobilstation.optimize.colgen import ColgenResult, ColumnGeneration
from mobilstation.optimize.week_model import _Model
from mobilstation.progress import Step

if TYPE_CHECKING:
    from mobilstation.optimize.week_repair import PlanState


COLGEN_NG = 8  # ng-neighbourhood of the pricing (measured: elementary pricing is 50x slower, same bound)
MIN_SEARCH_S = 0.3  # below this the routing search cannot improve the greedy plan; it is skipped


class _Searching:
    """The search for :class:`week._Week`: the core, column generation, and the covers' final check."""

    def _colgen(self, model: _Model, state: PlanState, greedy: PlanState, info: dict) -> ColgenResult | None:
        """Column generation seeded with the kept and the greedy plan (and the core's pool routes).

        Gets what is left of the search time after the core (the core was
        given ``1 - colgen_share`` of it); in work-limit mode it runs a fixed
        number of pricing rounds and a deterministic integer master instead,
        so the plan stays the same on any machine.
        """
        ss = self.solver_settings
        problem = model.problem
        if not ss.colgen or not problem.jobs or not problem.routes:
            return None
        if ss.work_limit is not None:
            limit, rounds = None, max(1, min(10, ss.work_limit // 100))
        else:
            used = time.perf_counter() - self.t0
            limit = ss.time_limit_s - used - self._later(problem)
            rounds = None
            if limit < MIN_SEARCH_S:
                info["colgen"] = {"status": "no time left"}
                return None
        self.progress(self._search_step(t("step.colgen")))
        least = self.timing.least_matrix(model.locations)
        seeds = [state.seqs, greedy.seqs, *([self._core_seqs] if getattr(self, "_core_seqs", None) else [])]
        cg = ColumnGeneration(problem, leg_minutes=least, ng=COLGEN_NG)
        for r, jobs in getattr(self, "_core_pool", ()):
            cg.add_drivable(r, jobs)
        res = cg.solve(time_limit=limit, seeds=seeds, max_rounds=rounds)
        info["colgen"] = {
            "bound": res.bound,
            "lp": res.lp,
            "objective": res.objective,
            "columns": res.columns,
            "rounds": res.rounds,
            "exact": res.exact,
            "labels": res.labels,
            "seconds": round(res.seconds, 3),
            "lp_seconds": round(res.lp_seconds, 3),
            "pricing_seconds": round(res.pricing_seconds, 3),
            "ip_seconds": round(res.ip_seconds, 3),
            "ip_status": res.ip_status,
            "time_limit_s": None if limit is None else round(limit, 3),
        }
        return res

    def _search_step(self, text: str, work_done=None) -> Step:
        """The search's progress step: the time limit's deadline, or the work limit and the work spent."""
        ss = self.solver_settings
        if ss.work_limit is not None:
            return Step(text, work_limit=ss.work_limit, work_done=work_done)
        return Step(text, deadline=self.t0 + ss.time_limit_s, limit_s=ss.time_limit_s)

    def _later(self, problem) -> float:
        """Seconds to leave for crews, hours, explanations and the bound (an estimate, >= 8 % of limit)."""
        ss = self.solver_settings
        return max(0.08 * ss.time_limit_s, 0.5 + 0.04 * len(self.officers) + 0.001 * len(problem.jobs))

    def _initial(self, model: _Model, seqs: Sequence[Sequence[int]]):
        """The greedy plan as a core solution (routes the core's own timing rejects left empty)."""
        from mobilstation.optimize.core import Solution, collected_prize, evaluate, schedule_route

        problem = model.problem
        kept = [
            list(seq) if schedule_route(problem, r, list(seq)) is not None else []
            for r, seq in enumerate(seqs)
        ]
        _prize, schedules = evaluate(problem, kept)
        if schedules is None:
            return None
        return Solution(
            routes=tuple(schedules),
            objective=collected_prize(problem, [j for seq in kept for j in seq]),
            feasible=True,
            violations=(),
            upper_bound=None,
            seconds=0.0,
            iterations=0,
            engine="greedy",
            status="feasible",
        )

    def _solve(self, model: _Model, start: Sequence[Sequence[int]]) -> tuple[dict, list[list[int]]]:
        from mobilstation.optimize.core import solve

        ss = self.solver_settings
        problem = model.problem
        info: dict = {
            "seed": ss.seed,
            "time_limit_s": ss.time_limit_s,
            "work_limit": ss.work_limit,
            "jobs": len(problem.jobs),
            "routes": len(problem.routes),
        }
        if not problem.jobs or not problem.routes:
            info.update(engine="none", status="empty", seconds=0.0, iterations=0, core_objective=0)
            info["core_upper_bound"] = 0
            return info, [[] for _ in problem.routes]
        used = time.perf_counter() - self.t0
        if ss.work_limit is not None:
            limit = None  # the core is clock-free (reproducible) only without a time limit
        else:
            # leave time for crews, hours, explanations and the bound: an
            # estimate from the instance size, at least 8 % of the budget
            limit = ss.time_limit_s - used - self._later(problem)
            if ss.colgen:
                limit *= 1.0 - ss.colgen_share  # the rest goes to column generation
            if limit < MIN_SEARCH_S:
                # no time worth searching: the greedy plan stands, and the
                # limit is kept as far as building the week allows
                info.update(engine="none", status="no search time left", seconds=0.0, iterations=0)
                info.update(
                    core_objective=None, core_upper_bound=None, core_time_limit_s=round(max(limit, 0.0), 3)
                )
                return info, [list(seq) for seq in start]
        spent = [0]
        self.progress(
            self._search_step(
                t("step.search", jobs=len(problem.jobs), routes=len(problem.routes)),
                work_done=lambda: spent[0],
            )
        )
        sol = solve(
            problem,
            time_limit=limit,
            max_iterations=ss.work_limit,
            seed=ss.seed,
            pool=ss.pool,
            initial=self._initial(model, start),
            on_iterations=lambda n: spent.__setitem__(0, n),
        )
        info.update(
            engine=sol.engine,
            status=sol.status,
            seconds=round(sol.seconds, 3),
            iterations=sol.iterations,
            core_objective=sol.objective,
            core_upper_bound=sol.upper_bound,
            core_feasible=sol.feasible,
            core_violations=list(sol.violations),
            core_time_limit_s=None if limit is None else round(limit, 3),
        )
        seqs = [list(r.jobs) for r in sol.routes]
        self._core_seqs = seqs
        self._core_pool = sol.pool
        return info, seqs

    def _check_covers(self, state: PlanState) -> None:
        bad: list[str] = []
        for ci, c in enumerate(self.model.covers):
            got = state.cover_sum[ci]
            if got >= c.minimum:
                continue
            top = self.model.cover_max[ci]
            hours = f": {t('cover.hours')}"  # the cover names of WeekModel._covers
            if c.name.startswith(t("cover.request", name="")):
                bad.append(t("cover.no_room", cover=c.name))
            elif c.name.endswith(hours):
                said = {"need": num(c.minimum / 60), "got": num(got / 60), "top": num(top / 60)}
                said["short"] = num((c.minimum - got) / 60)
                bad.append(t("cover.hours_short", quota=c.name.removesuffix(hours), **said))
            else:
                quota = c.name.removesuffix(f": {t('cover.visits')}")
                said = {"need": c.minimum, "got": got, "top": top, "short": c.minimum - got}
                bad.append(t("cover.visits_short", quota=quota, **said))
        if bad:
            raise PlanFailed(t("error.plan_failed"), bad)

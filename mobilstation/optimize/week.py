"""The police week: sites, vehicles and officers in; routes, crews and hours out.

:func:`plan_week` translates one week into the domain-free routing core and
back:

* Routes are vehicle-days (only days a vehicle is available and a crew can
  be found for it, see :mod:`roster`). Each leaves its depot no earlier than
  ``shift_start``, is back by ``shift_end`` and lasts at most
  ``max_work_min`` including travel and waiting.
* Jobs are (site, day) pairs the site allows (``site.days``, on or before
  its ``deadline``) that at least one of that day's routes can serve alone
  (skills, windows, shift). Prizes are ``round(score * prize_scale)``
  (default x 1000: scores keep three decimals as integers). A site's
  day-jobs form a group with ``max_count = weekly_max`` and marginal prizes
  ``prize * repeat_value ** k`` for the (k+1)-th visit; day-jobs closer than
  ``min_gap_days`` conflict. A mandatory site needs one of its day-jobs (a
  cover of minimum 1). Quotas: ``min_visits`` is a cover over the
  municipality's day-jobs, ``min_mobile_hours`` a cover weighted by service
  minutes; patrol and total hours are met by the hours model.
* Ferries: the travel matrix prices every leg over a ferry with the
  crossing plus the average wait. When the link has a timetable
  (``departures_a``/``departures_b``), the plan is timed precisely: the
  leg's drive (matrix minutes less crossing and wait) is split between the
  two road parts in proportion to the straight-line distances from the
  leg's ends to the terminals (an approximation: the terminals are not in
  the matrix), the vehicle must be at the terminal ``ferry_boarding_min``
  before a departure, and waits for the next departure. Before solving, the
  island jobs' windows are tightened so service can start no earlier than
  the first ferry allows and end in time for the last ferry back (with a
  direct return); after solving, every route is re-timed against the
  timetable and stops that no longer fit are dropped (lowest value first).
  A timed ferry leg's ``minutes`` in the plan are the real ones (drive,
  wait for the departure, crossing), so times still add up leg by leg.
* Timing (:class:`Timing`): service starts as early as possible in the
  first window still open on arrival; the departure is the one that makes
  the day shortest, and among those the earliest, so a crew leaves late
  rather than waiting at its first stop.
* Search: a greedy insertion plan (deterministic) is handed to the core as
  its starting solution; the core's result is re-timed, short covers are
  repaired (insert, swap, or rebuild one route around a required visit), and
  a deterministic improvement pass inserts any visit that still fits and
  swaps a visit for a better one when quotas allow. Column generation
  (:mod:`colgen`) then prices routes against a set-packing master seeded
  with the greedy plan, the core's plan and the core's route pool; its
  integer master gives a plan, repaired and improved the same way. The best
  of greedy, core and column generation is kept (``plan_method``). Crews are
  then named (:mod:`roster`); a route whose crew lacks a needed skill loses
  those visits and is refilled. Remaining officer hours are spread over
  patrol areas (:mod:`hours`) and laid into daily shifts that can be driven,
  unvisited sites explained (:mod:`explain`) and the objective bounded: the
  smaller of the knapsack LP (:mod:`bound`) and column generation's
  Lagrangian bound (``bound_method``).

Where each job lives: this module runs the steps (:meth:`_Week.run`) and
checks the input; :mod:`week_model` builds the routing model, :mod:`timing`
times vehicle-days and ferries, :mod:`week_search` runs the core and column
generation (:mod:`colgen` the master problem, :mod:`pricing` its routes),
:mod:`week_repair` repairs and improves plans, and :mod:`week_records`
assembles crews, hours, explanations and the record's routes.

Reproducibility: with ``SolverSettings.work_limit`` the routing search stops
after that many iterations and never looks at the clock; every other step is
deterministic (CP-SAT with one worker and deterministic work limits, fixed
evaluation budgets), so the same input and seed give the same plan on any
machine (column generation then runs a fixed number of pricing rounds and
a node-limited integer master). Without it, ``time_limit_s`` bounds the
whole call: of what is left after the preparation and an estimate of what
the later steps need (at least 8 % of the limit), the routing core gets
``1 - colgen_share`` and column generation the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from dataclasses import dataclass
from datetime import date

import numpy as np

from mobilstation.demand.site import Site
from mobilstation.errors import InputError
from mobilstation.geo.model import Link
from mobilstation.i18n import t
from mobilstation.optimize import explain as _explain
from mobilstation.optimize.bound import upper_bound
from mobilstation.optimize.colgen import BOUND_METHOD
from mobilstation.optimize.kpis import week_kpis
from mobilstation.optimize.specs import Officer, Quota, SolverSettings, Vehicle, WeekSettings
from mobilstation.optimize.timing import (
    TZ,
    Schedule,
    Timing,
    VehicleDay,
    hhmm,
    iso,
)
from mobilstation.optimize.week_model import _Building
from mobilstation.optimize.week_records import _Records
from mobilstation.optimize.week_repair import PlanState
from mobilstation.optimize.week_search import _Searching
from mobilstation.travel.closures import LinkClosures
from mobilstation.plan import HoursAllocation, OfficerRecord, Route, Unvisited
from mobilstation.travel.base import TravelMatrix


@dataclass
class WeekResult:
    """The planned week, in the plan record's types (see :mod:`mobilstation.plan`)."""

    routes: list[Route]
    officers: list[OfficerRecord]
    hours: list[HoursAllocation]
    unvisited: list[Unvisited]
    kpis: dict
    solver: dict


# --------------------------------------------------------------------------- the week


class _Week(_Building, _Searching, _Records):
    def __init__(
        self,
        sites: Sequence[Site],
        vehicles: Sequence[Vehicle],
        officers: Sequence[Officer],
        dates: Sequence[date],
        travel: TravelMatrix,
        quotas: Sequence[Quota],
        municipalities: Mapping[str, tuple[str, int | None]],
        links: Sequence[Link],
        settings: WeekSettings,
        solver: SolverSettings,
        progress: Callable[[str], None] | None,
        initial: Mapping[str, Sequence[str]] | None = None,
        closures: LinkClosures | None = None,
        quotas_as_possible: bool = False,
    ) -> None:
        self.t0 = time.perf_counter()
        self.initial = dict(initial or {})
        self.closures = closures
        self.quotas_as_possible = quotas_as_possible
        self.shortfalls: list[str] = []
        self.sites = list(sites)
        self.vehicles = list(vehicles)
        self.officers = list(officers)
        self.dates = list(dates)
        self.travel = travel
        self.quotas = list(quotas)
        self.municipalities = dict(municipalities)
        self.links = list(links)
        self.settings = settings
        self.solver_settings = solver
        self.progress = progress or (lambda _msg: None)
        self._validate()
        coords = {s.id: (s.lat, s.lon) for s in self.sites}
        for v in self.vehicles:
            coords.setdefault(v.depot_id, (v.depot_lat, v.depot_lon))
        self.timing = Timing(travel, self.links, coords, settings.ferry_boarding_min)
        self.site_by_id = {s.id: s for s in self.sites}
        self.index = {pid: i for i, pid in enumerate(travel.ids)}

    # -- input checks ------------------------------------------------------
    def _validate(self) -> None:
        problems: list[str] = []
        if not self.dates:
            problems.append("dates: at least one planned day is required")
        if len(set(self.dates)) != len(self.dates) or list(self.dates) != sorted(self.dates):
            problems.append(
                f"dates: must be distinct and in order, got {[d.isoformat() for d in self.dates]}"
            )
        for what, items in (("sites", self.sites), ("vehicles", self.vehicles), ("officers", self.officers)):
            seen: set[str] = set()
            for k, item in enumerate(items):
                if item.id in seen:
                    problems.append(f"{what}[{k}].id: {item.id!r} is used twice")
                seen.add(item.id)
        ids = set(self.travel.ids)
        need = (
            {v.depot_id for v in self.vehicles}
            | {s.id for s in self.sites}
            | {o.station_id for o in self.officers}
        )
        missing = sorted(need - ids)
        if missing:
            problems.append(
                f"travel: the matrix lacks {len(missing)} point(s) the week needs "
                f"(every depot, site and officer station): {missing[:10]}"
            )
        known = set(self.municipalities)
        for k, q in enumerate(self.quotas):
            if known and q.municipality not in known:
                problems.append(f"quotas[{k}].municipality: unknown municipality code {q.municipality!r}")
        if problems:
            raise InputError("plan_week: " + "; ".join(problems))

    def muni_name(self, code: str) -> str:
        entry = self.municipalities.get(code)
        return entry[0] if entry else code

    def travel_min(self, a: str, b: str) -> int:
        if a == b:
            return 0
        return int(self.travel.minutes[self.index[a], self.index[b]])

    # -- after solving -----------------------------------------------------
    def _initial_seqs(self, model: Any, vds: Sequence[VehicleDay]) -> list[list[int]]:
        """The ``initial`` routes as job sequences of this model (visits it no longer allows left out)."""
        seqs: list[list[int]] = [[] for _ in vds]
        if not self.initial:
            return seqs
        used: set[int] = set()
        by_site: dict[str, list[int]] = {}
        for j, job in enumerate(model.jobs):
            by_site.setdefault(job.site.id, []).append(j)
        for vd in vds:
            for sid in self.initial.get(vd.id, ()):
                j = next(
                    (j for j in by_site.get(sid, ()) if j not in used and vd.index in model.jobs[j].routes
                     and model.jobs[j].date == vd.date),
                    None,
                )  # fmt: skip
                if j is not None:
                    used.add(j)
                    seqs[vd.index].append(j)
        return seqs

    def run(self) -> WeekResult:
        self.progress(t("step.vehicle_days"))
        vds, unusable = self.vehicle_days()
        self.vds = vds
        self.unusable = unusable
        self._opts: dict[str, list[_explain.DayOption]] = {}
        for site in self.sites:
            self._opts[site.id] = [self.day_option(site, k, d, vds) for k, d in enumerate(self.dates)]
        self.progress(t("step.week_model", routes=len(vds), sites=len(self.sites)))
        model = self.build(vds)
        self.model = model
        self.progress(t("step.greedy"))
        greedy = PlanState(self, model, [[] for _ in vds])
        greedy.satisfy_covers()
        greedy.improve()
        if self.initial:
            # a plan to start from (a re-plan's published routes): kept when it does at least as well
            seeded = PlanState(self, model, self._initial_seqs(model, vds))
            seeded.repair_all()
            seeded.satisfy_covers()
            seeded.improve()
            if seeded.key() <= greedy.key():
                greedy = seeded
        sol_info, seqs = self._solve(model, greedy.seqs)
        state = PlanState(self, model, seqs)
        state.repair_all()
        state.satisfy_covers()
        state.improve()
        if greedy.key() < state.key() or sol_info["engine"] == "none":
            state = greedy
            sol_info["kept"] = "greedy"
        else:
            sol_info["kept"] = "core"
        sol_info["greedy_objective"] = greedy.objective()
        cg = self._colgen(model, state, greedy, sol_info)
        if cg is not None and cg.routes is not None:
            better = PlanState(self, model, cg.routes)
            better.repair_all()
            better.satisfy_covers()
            better.improve()
            sol_info["colgen_plan_objective"] = better.objective()
            if better.key() < state.key():
                state = better
                sol_info["kept"] = "column-generation"
        crews = self._roster(state)
        self._check_covers(state)
        self.progress(t("step.hours"))
        hours_plan, hours_records, officer_records, layout_info = self._hours(state, crews)
        self.progress(t("step.explain"))
        unvisited = self._explain(state)
        least = self.timing.least_matrix(model.locations)
        bound = upper_bound(model.problem, leg_minutes=least)
        routes = self._route_records(state, crews)
        objective = state.objective()
        # The core's bound is for the matrix's average ferry waits; with timed
        # ferries a schedule can beat the average, so only this module's bound
        # (which prices timed legs without waiting) stays valid then.
        timed = bool(np.any(least != model.problem.duration))
        ub_candidates = {"lp-knapsack": bound.value}
        if not timed:
            ub_candidates["core"] = sol_info.get("core_upper_bound")
        if cg is not None:
            ub_candidates[BOUND_METHOD] = cg.bound
        ub_candidates = {k: v for k, v in ub_candidates.items() if v is not None}
        ub = min(ub_candidates.values()) if ub_candidates else None
        bound_method = min(ub_candidates, key=lambda k: ub_candidates[k]) if ub_candidates else bound.method
        old_ub = [v for k, v in ub_candidates.items() if k != BOUND_METHOD]
        scale = self.settings.prize_scale
        elapsed = time.perf_counter() - self.t0
        kpis = week_kpis(
            routes=routes,
            hours=hours_records,
            sites=self.sites,
            municipalities=self.municipalities,
            quotas=self.quotas,
            objective=objective / scale,
            upper_bound=None if ub is None else ub / scale,
            solve_seconds=sol_info["seconds"],
            time_limit_s=self.solver_settings.time_limit_s,
            unvisited=unvisited,
            hours_info={
                "status": hours_plan.status if hours_plan else "NOT_RUN",
                "lp_status": hours_plan.lp_status if hours_plan else "NOT_RUN",
                "objective": hours_plan.objective if hours_plan else 0.0,
                "lp_bound": hours_plan.lp_bound if hours_plan else 0.0,
                "gap": hours_plan.gap if hours_plan else 0.0,
                "seconds": hours_plan.seconds if hours_plan else 0.0,
            },
        )
        kpis["routes_unusable"] = unusable
        if self.shortfalls:
            kpis["quota_shortfalls"] = list(self.shortfalls)
        kpis["routes_planned"] = len(vds)
        kpis["routes_used"] = sum(1 for r in routes if r.stops)
        kpis["objective_prize"] = objective
        kpis["prize_scale"] = scale
        kpis["bound_method"] = "lp-knapsack" if bound_method == "core" else bound_method
        # the bound without column generation, for comparison in the same run
        kpis["upper_bound_without_colgen"] = min(old_ub) / scale if old_ub else None
        kpis["plan_method"] = sol_info["kept"]
        kpis["plan_seconds"] = round(elapsed, 3)
        kpis.update(layout_info)
        solver_info = {
            **sol_info,
            "plan_method": sol_info["kept"],
            "bound_status": bound.status,
            "bound_seconds": round(bound.seconds, 3),
            "improve_inserted": state.inserted,
            "improve_swapped": state.swapped,
            "repair_dropped": state.dropped,
            "roster_status": self._roster_status,
            "plan_seconds": round(elapsed, 3),
        }
        return WeekResult(routes, officer_records, hours_records, unvisited, kpis, solver_info)


def plan_week(
    *,
    sites: Sequence[Site],
    vehicles: Sequence[Vehicle],
    officers: Sequence[Officer],
    dates: Sequence[date],
    travel: TravelMatrix,
    quotas: Sequence[Quota] = (),
    municipalities: Mapping[str, tuple[str, int | None]] | None = None,
    links: Sequence[Link] = (),
    settings: WeekSettings | None = None,
    solver: SolverSettings | None = None,
    progress: Callable[[str], None] | None = None,
    initial: Mapping[str, Sequence[str]] | None = None,
    closures: LinkClosures | None = None,
    quotas_as_possible: bool = False,
) -> WeekResult:
    """Plan one week: routes with crews, patrol hours, explanations, KPIs.

    ``initial``: route id (``"bil1-2026-12-02"``) -> site ids in visiting
    order, a plan to start from instead of an empty week (a re-plan starts
    from the published routes); what no longer fits is dropped and the
    search goes on from there.

    ``closures``: fixed links closed on some of the dates; nothing is planned
    that would drive over one on a day it is closed (see
    :mod:`mobilstation.travel.closures`). ``quotas_as_possible``: a visit or
    mobile-hour quota the week cannot reach is lowered to what it can, and
    ``kpis["quota_shortfalls"]`` names it, instead of failing (a re-plan
    after a disruption must still give the crews a week).

    ``travel`` must hold every vehicle depot, every site and every officer
    station. ``municipalities`` maps code -> (name, population). ``links``
    are the district's fixed links; ferries with departures are timed
    precisely (module docstring). Raises :class:`InputError` for inconsistent
    input and :class:`PlanFailed` (with ``violations``) when requests or
    quotas cannot be met, naming the constraint and the shortfall.
    """
    week = _Week(
        sites,
        vehicles,
        officers,
        dates,
        travel,
        quotas,
        municipalities or {},
        links,
        settings or WeekSettings(),
        solver or SolverSettings(),
        progress,
        initial,
        closures,
        quotas_as_possible,
    )
    return week.run()


__all__ = ["TZ", "Schedule", "Timing", "VehicleDay", "WeekResult", "hhmm", "iso", "plan_week"]

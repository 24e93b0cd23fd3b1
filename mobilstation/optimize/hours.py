"""Lokalbetjent hours: spreading officers' remaining time over patrol areas.

After the crews are set, each officer has ``budget`` minutes left for patrol
(contract x (1 - admin share) minus mobile duty, and no more than the days
leave room for). The model decides how many patrol blocks (``block_min``
minutes, default 15) each officer gives each area (a town or burglary-hit
neighbourhood site within ``reach_min`` minutes' drive of their station):

    maximise   sum_a priority_a * sum_k values[k] * z[a, k]
               - (tiny) travel overhead
    subject to sum_o y[o, a] = sum_k z[a, k]              (blocks per area)
               0 <= z[a, k] <= width_k                       (tiers)
               sum_a cost[o, a] * y[o, a] <= budget[o]       (officer minutes)
               block hours in municipality m >= patrol need_m (quota)
               y[o, a] integer >= 0

The tiers ``z[a, k]`` have non-increasing values, so the maximisation fills
them in order and the objective is a concave, piecewise-linear value of the
area's weekly blocks: diminishing returns without binary variables.

Travel: an officer patrols an area in visits of ``visit_blocks`` blocks, so
each block carries ``1/visit_blocks`` of the station-area round trip:
``cost[o, a] = block_min + ceil(round_trip / visit_blocks)`` minutes. Patrol
*hours* (what quotas count) are the blocks' time in the area, travel not
included.

Quotas: the patrol need of municipality ``m`` is
``max(min_patrol_hours, min_hours - mobile service hours in m)``.

Solving: the LP relaxation (GLOP) gives the bound. Its solution is rounded
down and completed greedily (quota blocks first, then the block worth most);
when that is within ``MIP_GAP`` of the bound it is reported OPTIMAL (proven
within the gap), otherwise SCIP solves the integer model from that hint with
a node limit (a work limit, so the result does not depend on the clock). The
reported gap is (LP bound - objective) / LP bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from mobilstation.demand.site import Site
from mobilstation.errors import PlanFailed
from mobilstation.i18n import num, t
from mobilstation.optimize.specs import Officer, Quota, WeekSettings
from mobilstation.travel.base import TravelMatrix

_EPS_TRAVEL = 1e-5  # objective weight per officer travel minute: only breaks ties
MIP_GAP = 5e-3  # relative gap to the LP bound at which a solution counts as OPTIMAL (0.5 %)
_MIP_NODES = 500  # SCIP node limit: a work limit, so the result does not depend on the clock


@dataclass
class HoursPlan:
    """The allocation: blocks per (officer id, area id) and how good it is.

    ``objective`` is the integer model's value, ``lp_bound`` the LP
    relaxation's (an upper bound), ``gap`` = (lp_bound - objective) /
    lp_bound. ``status`` is the integer solver's status (OPTIMAL/FEASIBLE).
    ``patrol_hours`` are block hours per municipality code.
    """

    blocks: dict[tuple[str, str], int]
    block_cost: dict[tuple[str, str], int]
    reach: dict[str, list[str]]
    objective: float
    lp_bound: float
    gap: float
    status: str
    lp_status: str
    seconds: float
    patrol_hours: dict[str, float] = field(default_factory=dict)
    need_hours: dict[str, float] = field(default_factory=dict)


def tier_widths(settings: WeekSettings) -> list[tuple[int, float]]:
    """(width in blocks, value per block) of each diminishing-returns tier."""
    p = settings.patrol
    edges = [0, *[min(b, p.max_blocks) for b in p.breakpoints], p.max_blocks]
    return [(edges[k + 1] - edges[k], p.values[k]) for k in range(len(p.values)) if edges[k + 1] > edges[k]]


def area_value(blocks: float, priority: float, settings: WeekSettings) -> float:
    """The concave value of ``blocks`` patrol blocks in an area of ``priority``."""
    left, total = blocks, 0.0
    for width, value in tier_widths(settings):
        take = min(left, width)
        total += take * value
        left -= take
        if left <= 0:
            break
    return priority * total


def patrol_areas(sites: Sequence[Site], settings: WeekSettings) -> list[Site]:
    """The sites that count as patrol areas (by kind), in input order."""
    return [s for s in sites if s.kind in settings.patrol.kinds]


def patrol_need(quotas: Sequence[Quota], mobile_hours: Mapping[str, float]) -> dict[str, float]:
    """Patrol hours each municipality must get (see module docstring)."""
    need: dict[str, float] = {}
    for q in quotas:
        n = max(q.min_patrol_hours, q.min_hours - mobile_hours.get(q.municipality, 0.0))
        if n > 1e-9:
            need[q.municipality] = max(need.get(q.municipality, 0.0), n)
    return need


def allocate_hours(
    *,
    officers: Sequence[Officer],
    budgets: Mapping[str, int],
    areas: Sequence[Site],
    travel: TravelMatrix,
    settings: WeekSettings,
    quotas: Sequence[Quota] = (),
    mobile_hours: Mapping[str, float] | None = None,
    names: Mapping[str, str] | None = None,
    min_use: Mapping[str, int] | None = None,
    time_limit_s: float = 10.0,
) -> HoursPlan:
    """Solve the hours model (module docstring); raise PlanFailed on quotas.

    ``budgets`` are patrol minutes per officer id. ``areas`` are candidate
    patrol areas (sites; non-area kinds are ignored). ``travel`` must hold
    every officer's ``station_id`` and every area id. Raises
    :class:`PlanFailed` naming the municipality, the hours required and the
    hours available when officers cannot meet a quota's patrol need.
    ``min_use`` (officer id -> minutes) asks for at least that much patrol
    per officer; it is soft: each minute short costs the highest area
    priority, more than any block can earn.
    """
    t0 = time.perf_counter()
    mobile_hours = dict(mobile_hours or {})
    names = dict(names or {})
    p = settings.patrol
    areas = patrol_areas(areas, settings)
    index = {pid: i for i, pid in enumerate(travel.ids)}
    reach: dict[str, list[str]] = {}
    cost: dict[tuple[str, str], int] = {}
    for o in officers:
        si = index[o.station_id]
        mine = []
        for a in areas:
            ai = index[a.id]
            out_min = int(travel.minutes[si, ai])
            if out_min > p.reach_min:
                continue
            round_trip = out_min + int(travel.minutes[ai, si])
            cost[o.id, a.id] = p.block_min + math.ceil(round_trip / p.visit_blocks)
            mine.append(a.id)
        reach[o.id] = mine
    need = patrol_need(quotas, mobile_hours)
    need_blocks = {m: math.ceil(h * 60 / p.block_min - 1e-9) for m, h in need.items()}
    area_muni = {a.id: a.municipality_code for a in areas}
    priority = {a.id: max(a.score, 0.0) for a in areas}

    def build(
        solver: pywraplp.Solver, integer: bool, objective: str = "value", target: set[str] | None = None
    ):
        y = {}
        for (o, a), c in cost.items():
            cap = min(p.max_blocks, budgets.get(o, 0) // c)
            if cap <= 0:
                continue
            y[o, a] = solver.IntVar(0, cap, "") if integer else solver.NumVar(0, cap, "")
        for o in officers:
            terms = [cost[o.id, a] * y[o.id, a] for a in reach[o.id] if (o.id, a) in y]
            if terms:
                solver.Add(solver.Sum(terms) <= budgets.get(o.id, 0))
        by_area: dict[str, list] = {}
        for (_, a), var in y.items():
            by_area.setdefault(a, []).append(var)
        obj = []
        for a, vars_ in by_area.items():
            solver.Add(solver.Sum(vars_) <= p.max_blocks)
            if objective == "value":
                tiers = [(solver.NumVar(0, w, ""), v) for w, v in tier_widths(settings)]
                solver.Add(solver.Sum(vars_) == solver.Sum([z for z, _ in tiers]))
                obj += [priority[a] * v * z for z, v in tiers]
        if objective == "value":
            penalty = max(priority.values(), default=0.0) + 1.0
            for o in officers:
                want = min((min_use or {}).get(o.id, 0), budgets.get(o.id, 0))
                terms = [cost[o.id, a] * y[o.id, a] for a in reach[o.id] if (o.id, a) in y]
                if want > 0 and terms:
                    short = solver.NumVar(0, want, "")
                    solver.Add(solver.Sum(terms) + short >= want)
                    obj.append(-penalty * short)
            for m, nb in need_blocks.items():
                vars_ = [var for (o, a), var in y.items() if area_muni[a] == m]
                solver.Add(solver.Sum(vars_) >= nb)
            obj += [-_EPS_TRAVEL * cost[k] * var for k, var in y.items()]
        else:
            obj = [var for (o, a), var in y.items() if area_muni[a] in (target or set())]
        solver.Maximize(solver.Sum(obj))
        return y

    min_use = dict(min_use or {})
    tiers = tier_widths(settings)
    penalty = max(priority.values(), default=0.0) + 1.0

    def full_objective(blocks: Mapping[tuple[str, str], int]) -> float:
        """The model's objective for integer blocks (value - tie-break - shortfall)."""
        per_area: dict[str, int] = {}
        spent: dict[str, int] = {}
        for (o, a), n in blocks.items():
            per_area[a] = per_area.get(a, 0) + n
            spent[o] = spent.get(o, 0) + n * cost[o, a]
        total = sum(area_value(n, priority[a], settings) for a, n in per_area.items())
        total -= _EPS_TRAVEL * sum(spent.values())
        for o in officers:
            want = min(min_use.get(o.id, 0), budgets.get(o.id, 0))
            if want > 0 and reach[o.id]:
                total -= penalty * max(0, want - spent.get(o.id, 0))
        return total

    lp = pywraplp.Solver.CreateSolver("GLOP")
    y_lp = build(lp, integer=False)
    lp_status = lp.Solve()
    if lp_status == pywraplp.Solver.INFEASIBLE:
        raise _quota_failure(need, need_blocks, build, mobile_hours, names, settings)
    lp_bound = lp.Objective().Value()
    blocks = _round(
        {k: v.solution_value() for k, v in y_lp.items()},
        cost=cost,
        budgets=budgets,
        priority=priority,
        area_muni=area_muni,
        need_blocks=need_blocks,
        min_use=min_use,
        tiers=tiers,
        max_blocks=p.max_blocks,
    )
    best = full_objective(blocks) if blocks is not None else None
    status = "FEASIBLE"
    if best is not None and lp_bound - best <= MIP_GAP * max(abs(lp_bound), 1e-9):
        status = "OPTIMAL"  # proven within MIP_GAP by the LP bound
    else:
        mip = pywraplp.Solver.CreateSolver("SCIP") or pywraplp.Solver.CreateSolver("CBC")
        mip.SetTimeLimit(int(time_limit_s * 1000))
        mip.SetSolverSpecificParametersAsString(f"limits/totalnodes = {_MIP_NODES}\n")
        y = build(mip, integer=True)
        if blocks is not None:
            keys = list(y)
            mip.SetHint([y[k] for k in keys], [float(blocks.get(k, 0)) for k in keys])
        params = pywraplp.MPSolverParameters()
        params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, MIP_GAP)
        mip_status = mip.Solve(params)
        if mip_status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            got = {k: round(v.solution_value()) for k, v in y.items() if round(v.solution_value()) > 0}
            value = full_objective(got)
            if best is None or value > best + 1e-9:
                blocks, best = got, value
            if mip_status == pywraplp.Solver.OPTIMAL:
                status = "OPTIMAL"
        if blocks is None:
            # The LP is feasible, so an integer failure means the quota blocks
            # cannot be met with whole blocks: report like the LP case.
            raise _quota_failure(need, need_blocks, build, mobile_hours, names, settings)
    assert best is not None
    patrol_hours: dict[str, float] = {}
    for (_, a), n in blocks.items():
        patrol_hours[area_muni[a]] = patrol_hours.get(area_muni[a], 0.0) + n * p.block_min / 60
    gap = (lp_bound - best) / abs(lp_bound) if abs(lp_bound) > 1e-9 else 0.0
    return HoursPlan(
        blocks=blocks,
        block_cost={k: cost[k] for k in y_lp},
        reach=reach,
        objective=best,
        lp_bound=lp_bound,
        gap=max(gap, 0.0),
        status=status,
        lp_status="OPTIMAL" if lp_status == pywraplp.Solver.OPTIMAL else str(lp_status),
        seconds=time.perf_counter() - t0,
        patrol_hours=patrol_hours,
        need_hours=need,
    )


def _round(
    y_lp: Mapping[tuple[str, str], float],
    *,
    cost: Mapping[tuple[str, str], int],
    budgets: Mapping[str, int],
    priority: Mapping[str, float],
    area_muni: Mapping[str, str],
    need_blocks: Mapping[str, int],
    min_use: Mapping[str, int],
    tiers: Sequence[tuple[int, float]],
    max_blocks: int,
) -> dict[tuple[str, str], int] | None:
    """Round the LP down, then add blocks greedily: quotas first, then best value.

    Deterministic (ties by officer and area id). Returns None when the quota
    blocks cannot be completed this way (the MIP then decides).
    """
    blocks = {k: math.floor(v + 1e-6) for k, v in y_lp.items()}
    left = dict(budgets)
    per_area: dict[str, int] = {}
    spent: dict[str, int] = {}
    for (o, a), n in blocks.items():
        left[o] = left.get(o, 0) - n * cost[o, a]
        per_area[a] = per_area.get(a, 0) + n
        spent[o] = spent.get(o, 0) + n * cost[o, a]
    pairs = sorted(y_lp)

    def marginal(a: str) -> float:
        k = per_area.get(a, 0)
        for width, value in tiers:
            if k < width:
                return priority[a] * value
            k -= width
        return 0.0

    def add(o: str, a: str) -> None:
        blocks[o, a] += 1
        left[o] -= cost[o, a]
        spent[o] = spent.get(o, 0) + cost[o, a]
        per_area[a] = per_area.get(a, 0) + 1

    def fits(o: str, a: str) -> bool:
        return left.get(o, 0) >= cost[o, a] and per_area.get(a, 0) < max_blocks

    for m, nb in sorted(need_blocks.items()):
        while sum(n for a, n in per_area.items() if area_muni[a] == m) < nb:
            options = [(o, a) for o, a in pairs if area_muni[a] == m and fits(o, a)]
            if not options:
                return None
            o, a = max(options, key=lambda k: (marginal(k[1]) - _EPS_TRAVEL * cost[k], -cost[k]))
            add(o, a)
    while True:
        best, pick = 0.0, None
        for o, a in pairs:
            if not fits(o, a):
                continue
            gain = marginal(a) - _EPS_TRAVEL * cost[o, a]
            if spent.get(o, 0) < min(min_use.get(o, 0), budgets.get(o, 0)):
                gain += 1e6  # an officer short of the minimum use comes first
            if gain > best + 1e-12:
                best, pick = gain, (o, a)
        if pick is None:
            break
        add(*pick)
    return {k: n for k, n in blocks.items() if n > 0}


def _quota_failure(need, need_blocks, build, mobile_hours, names, settings) -> PlanFailed:
    """Say which municipality's hours cannot be met and by how much."""
    p = settings.patrol
    violations = []
    for m in sorted(need_blocks):
        solver = pywraplp.Solver.CreateSolver("GLOP")
        build(solver, integer=False, objective="reach", target={m})
        solver.Solve()
        most = solver.Objective().Value() * p.block_min / 60
        if most + 1e-6 < need_blocks[m] * p.block_min / 60:
            mob = mobile_hours.get(m, 0.0)
            said = {"need": num(need[m] + mob), "mobile": num(mob), "patrol": num(need[m])}
            said |= {"most": num(mob + most), "short": num(need[m] - most)}
            violations.append(t("error.hours_one", quota=t("cover.quota", name=names.get(m, m)), **said))
    if not violations:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        build(solver, integer=False, objective="reach", target=set(need_blocks))
        solver.Solve()
        most = solver.Objective().Value() * p.block_min / 60
        total = sum(need.values())
        listed = ", ".join(names.get(m, m) for m in sorted(need))
        said = {"need": num(total), "most": num(most), "short": num(max(total - most, 0.0))}
        violations.append(t("error.hours_all", listed=listed, **said))
    return PlanFailed(t("error.hours_unreachable"), violations)

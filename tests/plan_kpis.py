"""The plan's key figures and objective, recomputed from its routes and hours, for the plan checker.

Only figures the plan states are compared (the planner's ``kpis`` and the
hand-built fixture's differ in shape); with ``require`` the planner's
headline figures must be there.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mobilstation.plan import PlanRecord

PLANNER_KEYS = (
    "objective",
    "objective_prize",
    "visits",
    "sites_visited",
    "sites_candidates",
    "visits_by_kind",
    "visits_by_municipality",
    "mobile_hours_by_municipality",
    "patrol_hours_by_municipality",
    "travel_min",
    "service_min",
    "route_min",
    "quotas",
    "quotas_met",
    "unvisited_by_reason",
)


def _close(a: Any, b: Any, tol: float) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= tol
    return a == b


def objective_prize(plan: PlanRecord, prize_scale: int, repeat_value: float) -> int:
    """Sum over sites of ``round(prize * repeat_value ** k)`` for their k-th visit (k from 0)."""
    count: dict[str, int] = defaultdict(int)
    for r in plan.routes:
        for st in r.stops:
            count[st.site_id] += 1
    sites = {x.id: x for x in plan.sites}
    total = 0
    for sid, n in count.items():
        if sid not in sites:
            continue
        prize = round(max(sites[sid].score, 0.0) * prize_scale)
        total += sum(round(prize * repeat_value**k) for k in range(n))
    return total


def check_kpis(plan: PlanRecord, *, require: bool = False) -> list[str]:
    k = plan.kpis
    out: list[str] = []
    if require:
        missing = [key for key in PLANNER_KEYS if key not in k]
        if missing:
            out.append(f"kpis: the plan states no {missing}")
    sites = {x.id: x for x in plan.sites}
    visits_kind: dict[str, int] = defaultdict(int)
    visits_muni: dict[str, int] = defaultdict(int)
    mobile_min: dict[str, int] = defaultdict(int)
    patrol_min: dict[str, int] = defaultdict(int)
    visited: set[str] = set()
    travel = service = total = 0
    for r in plan.routes:
        if r.stops:
            total += r.return_ - r.departure
        travel += sum(leg.minutes for leg in r.legs)
        for st in r.stops:
            x = sites.get(st.site_id)
            if x is None:
                continue
            visited.add(x.id)
            service += st.end - st.start
            visits_kind[x.kind] += 1
            visits_muni[x.municipality_code] += 1
            mobile_min[x.municipality_code] += st.end - st.start
    for h in plan.hours:
        patrol_min[h.municipality_code] += h.minutes
    codes = sorted({m.code for m in plan.municipalities} | set(visits_muni) | set(patrol_min))
    expect: dict[str, Any] = {
        "visits": sum(visits_kind.values()),
        "sites_visited": len(visited),
        "sites_candidates": len(plan.sites),
        "travel_min": travel,
        "service_min": service,
        "route_min": total,
        "routes_used": sum(1 for r in plan.routes if r.stops),
        "visits_by_municipality": {c: visits_muni.get(c, 0) for c in codes},
        "mobile_hours_by_municipality": {c: round(mobile_min.get(c, 0) / 60, 2) for c in codes},
        "patrol_hours_by_municipality": {c: round(patrol_min.get(c, 0) / 60, 2) for c in codes},
    }
    reasons: dict[str, int] = defaultdict(int)
    for u in plan.unvisited:
        reasons[u.reason_code] += 1
    expect["unvisited_by_reason"] = dict(reasons)
    if "visits_by_kind" in k:
        expect["visits_by_kind"] = {kind: visits_kind.get(kind, 0) for kind in k["visits_by_kind"]}
        if set(visits_kind) - set(k["visits_by_kind"]):
            out.append(
                f"kpis: visits_by_kind leaves out {sorted(set(visits_kind) - set(k['visits_by_kind']))}"
            )
    if "travel_share" in k and total:
        expect["travel_share"] = round(travel / total, 4)
    for key, value in expect.items():
        if key in k and not _close(k[key], value, 0.011 if "hours" in key else 1e-4):
            out.append(f"kpis: {key} is {k[key]!r}, the plan's routes and hours give {value!r}")

    # quotas, as the planner reports them
    munis = {m.code: m for m in plan.municipalities}
    met_all = True
    for row in k.get("quotas", []):
        code = row.get("municipality")
        m = munis.get(code)
        if m is None:
            out.append(f"kpis: quota row for unknown municipality {code!r}")
            continue
        mob, pat = mobile_min.get(code, 0) / 60, patrol_min.get(code, 0) / 60
        got = {
            "visits": visits_muni.get(code, 0),
            "mobile_hours": round(mob, 2),
            "patrol_hours": round(pat, 2),
            "hours": round(mob + pat, 2),
        }
        for key, value in got.items():
            if key in row and not _close(row[key], value, 0.011):
                out.append(f"kpis: quota {code} {key} is {row[key]!r}, the plan gives {value!r}")
        met = (
            visits_muni.get(code, 0) >= m.quota_visits
            and mob + 1e-6 >= m.quota_mobile_hours
            and pat + 1e-6 >= m.quota_patrol_hours
            and mob + pat + 1e-6 >= m.quota_hours
        )
        met_all &= met
        if row.get("met") != met:
            out.append(f"kpis: quota {code} met is {row.get('met')!r}, the plan gives {met!r}")
    if "quotas_met" in k and "quotas" in k and k["quotas_met"] != met_all:
        out.append(f"kpis: quotas_met is {k['quotas_met']!r}, the quota rows give {met_all!r}")

    # the objective: diminishing value of repeated visits, at the plan's prize scale
    rv = plan.rules.repeat_value if plan.rules is not None else None
    if "objective_prize" in k and rv is not None:
        scale = int(k.get("prize_scale", 1000))
        prize = objective_prize(plan, scale, rv)
        if k["objective_prize"] != prize:
            out.append(f"kpis: objective_prize is {k['objective_prize']!r}, the plan's visits give {prize}")
        if "objective" in k and not _close(k["objective"], round(prize / scale, 4), 1e-4):
            out.append(f"kpis: objective is {k['objective']!r}, the plan's visits give {prize / scale:.4f}")
    ub = k.get("upper_bound")
    if isinstance(ub, (int, float)) and isinstance(k.get("objective"), (int, float)):
        if k["objective"] > ub + 1e-4:
            out.append(f"kpis: objective {k['objective']} exceeds the upper bound {ub}")
        if "gap" in k and ub > 0 and k["gap"] is not None:
            gap = round(max(0.0, (ub - k["objective"]) / ub), 4)
            if not _close(k["gap"], gap, 1e-4):
                out.append(f"kpis: gap is {k['gap']!r}, (upper_bound - objective) / upper_bound = {gap}")
    return out

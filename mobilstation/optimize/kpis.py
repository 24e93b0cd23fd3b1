"""Key figures of a planned week, recomputed from the plan's own records.

Everything here is derived from the output records (routes, hours) and the
inputs, never from solver internals, so the numbers mean the same whatever
produced the plan. Units are in the key names (``_min``, ``_hours``,
``_share`` in 0..1). ``travel_share`` is leg minutes (ferry waits included)
over route minutes (departure to return, routes with stops).

Fairness: police presence per municipality is mobile service hours plus
patrol hours, per 1,000 inhabitants. The headline spread is the Gini
coefficient of that rate over municipalities with a known population
(0 = every municipality gets the same per inhabitant, 1 = all in one);
the max/min ratio and the coefficient of variation (std / mean) are given
alongside because planners read them more easily.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import mean, pstdev

from mobilstation.demand.site import SITE_KINDS, Site
from mobilstation.optimize.specs import Quota
from mobilstation.plan import HoursAllocation, Route, Unvisited


def gini(values: Sequence[float]) -> float | None:
    """Gini coefficient ``sum_ij |x_i - x_j| / (2 n^2 mean)``; None if undefined."""
    xs = [float(v) for v in values]
    if not xs or sum(xs) <= 0:
        return None
    n, mu = len(xs), mean(xs)
    return sum(abs(a - b) for a in xs for b in xs) / (2 * n * n * mu)


def spread(values: Sequence[float]) -> dict[str, float | None]:
    """Gini, coefficient of variation and max/min ratio of ``values``."""
    xs = [float(v) for v in values]
    if not xs:
        return {"gini": None, "cv": None, "max_min_ratio": None}
    mu = mean(xs)
    lo, hi = min(xs), max(xs)
    return {
        "gini": gini(xs),
        "cv": (pstdev(xs) / mu) if mu > 0 else None,
        "max_min_ratio": (hi / lo) if lo > 0 else None,
    }


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(x, nd)


def week_kpis(
    *,
    routes: Sequence[Route],
    hours: Sequence[HoursAllocation],
    sites: Sequence[Site],
    municipalities: Mapping[str, tuple[str, int | None]],
    quotas: Sequence[Quota] = (),
    objective: float,
    upper_bound: float | None,
    solve_seconds: float,
    time_limit_s: float | None,
    unvisited: Sequence[Unvisited] = (),
    hours_info: Mapping[str, object] | None = None,
) -> dict:
    """The week's KPIs (see module docstring); ``objective`` in score units."""
    by_id = {s.id: s for s in sites}
    visits_kind = {k: 0 for k in SITE_KINDS}
    visits_muni: dict[str, int] = {}
    mobile_min: dict[str, int] = {}
    visited: set[str] = set()
    travel = service = total = 0
    for r in routes:
        if r.stops:
            total += r.return_ - r.departure
        travel += r.travel_min
        service += r.service_min
        for st in r.stops:
            s = by_id[st.site_id]
            visited.add(s.id)
            visits_kind[s.kind] += 1
            visits_muni[s.municipality_code] = visits_muni.get(s.municipality_code, 0) + 1
            mobile_min[s.municipality_code] = mobile_min.get(s.municipality_code, 0) + (st.end - st.start)
    patrol_min: dict[str, int] = {}
    patrolled: set[str] = set()
    for h in hours:
        patrol_min[h.municipality_code] = patrol_min.get(h.municipality_code, 0) + h.minutes
        if h.minutes > 0:
            patrolled.add(h.area_id)
    codes = sorted(set(municipalities) | set(visits_muni) | set(patrol_min))
    mobile_h = {c: mobile_min.get(c, 0) / 60 for c in codes}
    patrol_h = {c: patrol_min.get(c, 0) / 60 for c in codes}
    per_1000 = {}
    for c in codes:
        pop = municipalities.get(c, ("", None))[1]
        if pop:
            per_1000[c] = (mobile_h[c] + patrol_h[c]) / pop * 1000
    quota_rows = []
    for q in quotas:
        got_h = mobile_h.get(q.municipality, 0.0) + patrol_h.get(q.municipality, 0.0)
        got_v = visits_muni.get(q.municipality, 0)
        met = (
            got_v >= q.min_visits
            and mobile_h.get(q.municipality, 0.0) + 1e-6 >= q.min_mobile_hours
            and patrol_h.get(q.municipality, 0.0) + 1e-6 >= q.min_patrol_hours
            and got_h + 1e-6 >= q.min_hours
        )
        quota_rows.append(
            {
                "municipality": q.municipality,
                "name": municipalities.get(q.municipality, (q.municipality, None))[0],
                "min_visits": q.min_visits,
                "visits": got_v,
                "min_mobile_hours": q.min_mobile_hours,
                "mobile_hours": round(mobile_h.get(q.municipality, 0.0), 2),
                "min_patrol_hours": q.min_patrol_hours,
                "patrol_hours": round(patrol_h.get(q.municipality, 0.0), 2),
                "min_hours": q.min_hours,
                "hours": round(got_h, 2),
                "met": bool(met),
            }
        )
    intensity = {s.id: _intensity(s) for s in sites if s.kind == "neighbourhood"}
    intensity = {k: v for k, v in intensity.items() if v is not None}
    total_int = sum(intensity.values())

    def share(ids: set[str]) -> float | None:
        if total_int <= 0:
            return None
        return sum(v for k, v in intensity.items() if k in ids) / total_int

    scores = sorted(s.score for s in sites)
    top_q = scores[int(0.75 * (len(scores) - 1))] if scores else 0.0
    high_missed = [s.id for s in sites if s.score >= top_q and s.id not in visited and s.score > 0]
    reasons: dict[str, int] = {}
    for u in unvisited:
        reasons[u.reason_code] = reasons.get(u.reason_code, 0) + 1
    gap = None
    if upper_bound is not None and upper_bound > 0:
        gap = max(0.0, (upper_bound - objective) / upper_bound)
    return {
        "objective": _r(objective, 4),
        "upper_bound": _r(upper_bound, 4),
        "gap": _r(gap, 4),
        "solve_seconds": _r(solve_seconds, 2),
        "time_limit_s": time_limit_s,
        "visits": sum(visits_kind.values()),
        "sites_visited": len(visited),
        "sites_candidates": len(sites),
        "visits_by_kind": visits_kind,
        "visits_by_municipality": {c: visits_muni.get(c, 0) for c in codes},
        "mobile_hours_by_municipality": {c: round(v, 2) for c, v in mobile_h.items()},
        "patrol_hours_by_municipality": {c: round(v, 2) for c, v in patrol_h.items()},
        "hours_per_1000_by_municipality": {c: round(v, 4) for c, v in per_1000.items()},
        "fairness": {
            "basis": "mobile + patrol hours per 1,000 inhabitants",
            **{k: _r(v, 4) for k, v in spread(list(per_1000.values())).items()},
        },
        "quotas": quota_rows,
        "quotas_met": all(r["met"] for r in quota_rows),
        "travel_min": travel,
        "service_min": service,
        "route_min": total,
        "travel_share": _r(travel / total if total else None, 4),
        "hotspot_share_mobile": _r(share(visited), 4),
        "hotspot_share_patrol": _r(share(patrolled), 4),
        "hotspot_share": _r(share(visited | patrolled), 4),
        "high_priority_threshold": _r(top_q, 4),
        "unvisited_high_priority": high_missed,
        "unvisited_by_reason": reasons,
        "hours_lp": dict(hours_info or {}),
    }


def _intensity(site: Site) -> float | None:
    """A neighbourhood's recency-weighted burglary intensity.

    The demand layer stores it as ``hotspot_intensity``; plain ``intensity``
    is accepted for sites built by hand.
    """
    for key in ("hotspot_intensity", "intensity"):
        if key in site.meta and site.meta[key] is not None:
            return float(site.meta[key])
    return None

"""The Python API: the small set of functions the ``mobilstation`` CLI itself uses.

Plan a week, look at it, save it, load it back::

    >>> import tempfile
    >>> from mobilstation import api
    >>> p = api.plan("scenarios/quick.yaml", work_limit=300, seed=1)
    >>> p.record.scenario.iso_week, p.record.scenario.dates[0]
    ('2026-W49', '2026-11-30')
    >>> int(p.kpis.loc["total", "visits"]) == len(p.visits)
    True
    >>> str(p.visits.crs)
    'EPSG:4326'
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = p.save(f"{tmp}/week49", maps=False)
    ...     again = api.Plan.load(out)
    >>> again.record.routes == p.record.routes
    True

Validate without solving (the district's data is checked too)::

    >>> r = api.validate("scenarios/nordjylland.yaml")
    >>> [v.id for v in r.vehicles], len(r.officers)
    (['bil1', 'bil2'], 32)

Errors a planner can act on are :class:`~mobilstation.errors.InputError`
(bad input, CLI exit code 2) and :class:`~mobilstation.errors.PlanFailed`
(a valid scenario with no feasible plan, exit code 1).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import replace as _replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mobilstation.errors import InputError, PlanFailed
from mobilstation.i18n import catalogue, num, t
from mobilstation.progress import report
from mobilstation.plan import PlanRecord
from mobilstation.scenario import ResolvedScenario, Scenario, load_scenario, resolve

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

    from mobilstation.demand.hotspots import Hotspots
    from mobilstation.progress import Progress

__all__ = [
    "Plan",
    "compare",
    "hotspots",
    "kpi_frame",
    "load_scenario",
    "plan",
    "plan_summary",
    "sites",
    "validate",
    "write_hotspots",
    "write_sites",
]

ScenarioLike = Scenario | str | os.PathLike[str] | Mapping[str, Any]


def _scenario(source: ScenarioLike, overrides: Mapping[str, Any] | None) -> Scenario:
    if isinstance(source, Scenario):
        if overrides:
            data = source.model_dump(mode="json")
            base = source.source.parent if source.source else None
            s = load_scenario(data, overrides=overrides, base_dir=base)
            s._source = source.source
            return s
        return source
    return load_scenario(source, overrides=overrides)


def validate(scenario: ScenarioLike, *, overrides: Mapping[str, Any] | None = None) -> ResolvedScenario:
    """Load ``scenario`` (a path, mapping or :class:`Scenario`) and check it against its district.

    Returns the :class:`~mobilstation.scenario.ResolvedScenario` (vehicles'
    homes, officers, quotas by municipality code, input files read) without
    solving. The steps before solving run too (candidate sites, pins, the
    travel model) and the scenario's ``ledger:`` is checked without being
    opened, so whatever ``plan`` rejects as bad input is rejected here; what
    those steps note is left out of the returned warnings, which ``plan``
    reports when it runs them again. Raises
    :class:`~mobilstation.errors.InputError` naming the file and field.
    """
    from mobilstation.pipeline import prepare

    resolved = resolve(_scenario(scenario, overrides))
    if resolved.scenario.ledger is not None:
        from mobilstation.ledger import LedgerError, check_ledger

        try:
            check_ledger(resolved.scenario.ledger)
        except LedgerError as exc:
            raise resolved.scenario.error("ledger", str(exc)) from None
    prepare(_replace(resolved, warnings=list(resolved.warnings)))
    return resolved


def plan(
    scenario: ScenarioLike | ResolvedScenario,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    work_limit: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    ledger: str | os.PathLike[str] | None = None,
) -> Plan:
    """Plan the week of ``scenario``: data -> demand -> travel -> optimisation -> :class:`Plan`.

    ``time_limit`` (seconds), ``seed`` and ``work_limit`` (solver iterations;
    with it the plan is the same on every machine) override the scenario's
    ``solver`` settings. ``progress`` is called with the name of each step.
    ``ledger`` (a SQLite file or ``postgresql://`` URL; default the
    scenario's ``ledger:``) gives the week its memory: days since each
    site's last visit, rotation, requests already served (see
    :mod:`mobilstation.ledger`). Raises :class:`~mobilstation.errors.InputError`
    or :class:`~mobilstation.errors.PlanFailed`.
    """
    from mobilstation.pipeline import build_plan

    if isinstance(scenario, ResolvedScenario):
        if overrides:
            raise InputError("overrides: give them with the scenario, not with an already resolved one")
        resolved = scenario
    else:
        resolved = resolve(_scenario(scenario, overrides))
    target = ledger if ledger is not None else resolved.scenario.ledger
    if target is not None and resolved.memory is None:
        from mobilstation.ledger import LedgerError, open_ledger
        from mobilstation.ledger.inputs import with_memory

        try:
            opened = open_ledger(target)
        except LedgerError as exc:
            if ledger is not None:  # --ledger: the message names it
                raise
            raise resolved.scenario.error("ledger", str(exc)) from None
        with opened as book:
            resolved = with_memory(resolved, book.memory(resolved.scenario.week))
    try:
        record = build_plan(
            resolved, time_limit=time_limit, seed=seed, work_limit=work_limit, progress=progress
        )
    except PlanFailed as exc:
        rule = resolved.scenario.rotation
        if rule is None or not rule.hard:
            raise
        # the overdue towns cannot all be fitted: plan with them at full prize instead and say so
        softer = resolved.scenario.model_copy(update={"rotation": rule.model_copy(update={"hard": False})})
        resolved = _replace(resolved, scenario=softer, warnings=[*resolved.warnings, _rotation_failed(exc)])
        record = build_plan(
            resolved, time_limit=time_limit, seed=seed, work_limit=work_limit, progress=progress
        )
    return Plan(record, district=resolved.district, maps=resolved.scenario.outputs.maps)


def _rotation_failed(exc: PlanFailed) -> str:
    why = "; ".join(exc.violations[:3]) or str(exc)
    return t("note.rotation.failed", why=why)


# ---------------------------------------------------------------------------
# the plan as an object
# ---------------------------------------------------------------------------


class Plan:
    """A planned week: the :class:`~mobilstation.plan.PlanRecord` plus views of it.

    ``record`` is the complete plan (what ``plan.json`` holds); ``kpis`` one
    row per municipality plus ``total``; ``visits`` every stop as points
    (EPSG:4326); ``map()`` the interactive map; ``save()`` writes the same
    outputs as ``mobilstation plan``; ``Plan.load()`` reads them back.
    """

    def __init__(self, record: PlanRecord, *, district: Any = None, maps: bool = True) -> None:
        self.record = record
        self._district = district
        self._maps = maps

    def __repr__(self) -> str:
        s = self.record.scenario
        stops = sum(len(r.stops) for r in self.record.routes)
        return f"<Plan {s.name!r} {s.iso_week}: {len(self.record.routes)} routes, {stops} visits>"

    @property
    def kpis(self) -> pd.DataFrame:
        """Presence per municipality (and ``total``); see :func:`kpi_frame`."""
        return kpi_frame(self.record)

    @property
    def summary(self) -> dict[str, Any]:
        """Plan-level figures (coverage by kind, travel share, ...); see :func:`plan_summary`."""
        return plan_summary(self.record)

    @property
    def visits(self) -> gpd.GeoDataFrame:
        """One row per stop in route order (columns of ``visits.csv``), as points in EPSG:4326."""
        import geopandas as gpd

        from mobilstation.outputs import labels as L
        from mobilstation.outputs.tables import visits_frame

        frame = visits_frame(self.record)
        geometry = gpd.points_from_xy(frame[L.LON].astype(float), frame[L.LAT].astype(float))
        return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")

    def map(self, municipality: str | None = None) -> folium.Map:
        """The interactive map of the week (the district, or one municipality by name or code)."""
        from mobilstation.outputs.maps import district_map

        return district_map(self.record, municipality=municipality, district=self._district)

    def save(
        self, out_dir: str | os.PathLike[str], *, maps: bool | None = None, progress: Progress | None = None
    ) -> Path:
        """Write every output to ``out_dir`` atomically (as ``mobilstation plan``); return the directory.

        ``maps`` defaults to the scenario's ``outputs.maps`` (True for a loaded plan).
        """
        from mobilstation.outputs.write import write_outputs

        return write_outputs(
            self.record,
            out_dir,
            maps=self._maps if maps is None else maps,
            progress=progress,
            district=self._district,
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Plan:
        """Read a plan from an output directory (or its ``plan.json``)."""
        return cls(PlanRecord.read(path))


# ---------------------------------------------------------------------------
# key figures, recomputed from the record
# ---------------------------------------------------------------------------

KPI_COLUMNS = (
    "code",
    "population",
    "visits",
    "quota_visits",
    "mobile_hours",
    "patrol_hours",
    "hours",
    "quota_hours",
    "hours_per_1000",
    "quota_met",
    "sites",
    "sites_visited",
)


def kpi_frame(record: PlanRecord) -> pd.DataFrame:
    """Presence per municipality, recomputed from routes and hours, plus a ``total`` row.

    Index: municipality name (Danish), then ``total``. Columns: ``code``,
    ``population``, ``visits`` (mobile-station stops), ``quota_visits``,
    ``mobile_hours`` (service time at stops), ``patrol_hours`` (lokalbetjent
    patrol), ``hours`` (their sum), ``quota_hours``, ``hours_per_1000``
    (hours per 1,000 inhabitants), ``quota_met``, ``sites`` (candidates) and
    ``sites_visited``.
    """
    site_muni = {s.id: s.municipality_code for s in record.sites}
    visits: dict[str, int] = {}
    mobile: dict[str, int] = {}
    visited: dict[str, set[str]] = {}
    for route in record.routes:
        for stop in route.stops:
            code = site_muni.get(stop.site_id, "")
            visits[code] = visits.get(code, 0) + 1
            mobile[code] = mobile.get(code, 0) + stop.end - stop.start
            visited.setdefault(code, set()).add(stop.site_id)
    patrol: dict[str, int] = {}
    for h in record.hours:
        patrol[h.municipality_code] = patrol.get(h.municipality_code, 0) + h.minutes
    candidates: dict[str, int] = {}
    for s in record.sites:
        candidates[s.municipality_code] = candidates.get(s.municipality_code, 0) + 1

    rows: dict[str, dict[str, Any]] = {}
    for m in sorted(record.municipalities, key=lambda m: m.name):
        mob_h = mobile.get(m.code, 0) / 60
        pat_h = patrol.get(m.code, 0) / 60
        hours = mob_h + pat_h
        rows[m.name] = {
            "code": m.code,
            "population": m.population,
            "visits": visits.get(m.code, 0),
            "quota_visits": m.quota_visits,
            "mobile_hours": round(mob_h, 2),
            "patrol_hours": round(pat_h, 2),
            "hours": round(hours, 2),
            "quota_hours": m.quota_hours,
            "hours_per_1000": round(hours / m.population * 1000, 3) if m.population else math.nan,
            "quota_met": visits.get(m.code, 0) >= m.quota_visits and hours + 1e-6 >= m.quota_hours,
            "sites": candidates.get(m.code, 0),
            "sites_visited": len(visited.get(m.code, ())),
        }
    pops = [m.population for m in record.municipalities if m.population]
    tot_h = sum(r["hours"] for r in rows.values())
    tot_pop = sum(pops) if len(pops) == len(record.municipalities) else None
    rows["total"] = {
        "code": "",
        "population": tot_pop,
        "visits": sum(visits.values()),
        "quota_visits": sum(m.quota_visits for m in record.municipalities),
        "mobile_hours": round(sum(mobile.values()) / 60, 2),
        "patrol_hours": round(sum(patrol.values()) / 60, 2),
        "hours": round((sum(mobile.values()) + sum(patrol.values())) / 60, 2),
        "quota_hours": sum(m.quota_hours for m in record.municipalities),
        "hours_per_1000": round(tot_h / tot_pop * 1000, 3) if tot_pop else math.nan,
        "quota_met": all(r["quota_met"] for r in rows.values()),
        "sites": len(record.sites),
        "sites_visited": len({st.site_id for r in record.routes for st in r.stops}),
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(KPI_COLUMNS))
    frame.index.name = "municipality"
    return frame


def _high_priority(record: PlanRecord) -> tuple[float, list[str]]:
    """Threshold and ids of candidate sites in the top quarter of scores (or mandatory or promised) left unvisited."""
    scores = sorted(s.score for s in record.sites)
    threshold = scores[int(0.75 * (len(scores) - 1))] if scores else 0.0
    visited = {st.site_id for r in record.routes for st in r.stops}
    missed = [
        s.id
        for s in record.sites
        if s.id not in visited
        and ((s.score >= threshold and s.score > 0) or s.mandatory or s.meta.get("promised_date"))
    ]
    return threshold, missed


def plan_summary(record: PlanRecord) -> dict[str, Any]:
    """Plan-level figures recomputed from the record.

    ``coverage_by_kind``: kind -> {"candidates", "visited", "share"} (share
    of candidate sites visited at least once). ``travel_share``: driving
    (ferries included) as a share of the vehicles' time out, departure to
    return. ``unvisited_high_priority``: unvisited sites whose score is in
    the plan's top quarter (at least the 75th percentile), or mandatory.
    """
    from mobilstation.demand.site import SITE_KINDS

    visited = {st.site_id for r in record.routes for st in r.stops}
    coverage: dict[str, dict[str, Any]] = {}
    for kind in SITE_KINDS:
        ids = [s.id for s in record.sites if s.kind == kind]
        hit = sum(1 for i in ids if i in visited)
        coverage[kind] = {"candidates": len(ids), "visited": hit, "share": hit / len(ids) if ids else None}
    used = [r for r in record.routes if r.stops]
    travel = sum(r.travel_min for r in record.routes)
    out_min = sum(r.return_ - r.departure for r in used)
    threshold, missed = _high_priority(record)
    frame = kpi_frame(record)
    per_muni = frame.drop(index="total")
    has_quota = (per_muni["quota_visits"] > 0) | (per_muni["quota_hours"] > 0)
    return {
        "routes": len(record.routes),
        "vehicle_days_used": len(used),
        "visits": sum(len(r.stops) for r in record.routes),
        "sites_visited": len(visited),
        "candidates": len(record.sites),
        "coverage_by_kind": coverage,
        "travel_min": travel,
        "service_min": sum(r.service_min for r in record.routes),
        "route_min": out_min,
        "travel_share": travel / out_min if out_min else None,
        "ferry_legs": sum(1 for r in record.routes for leg in r.legs if leg.ferry),
        "mobile_hours": float(frame.loc["total", "mobile_hours"]),
        "patrol_hours": float(frame.loc["total", "patrol_hours"]),
        "hours_per_1000": float(frame.loc["total", "hours_per_1000"]),
        # counted over the municipalities that have a quota, so "met" never exceeds "quotas"
        "quotas_met": int((per_muni["quota_met"] & has_quota).sum()),
        "quotas": int(has_quota.sum()),
        "unvisited": len(record.unvisited),
        "high_priority_threshold": threshold,
        "unvisited_high_priority": missed,
    }


def _num(value: float | None, digits: int, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals in the current language's marks (``+`` in front with ``sign``)."""
    text = num(value, digits)
    return f"+{text}" if sign and value is not None and value >= 0 and text != "-" else text


def _compare_label(key: str) -> str:
    """The reader's words for a section or KPI key of :func:`compare` (other text, e.g. a name, as is)."""
    if key.endswith(" (share of sites visited)"):
        kind = key.removesuffix(" (share of sites visited)")
        return t("compare.kpi.kind_share", kind=_compare_label(kind))
    msg_id = f"compare.key.{key}"
    return t(msg_id) if msg_id in catalogue() else key


def compare(a: Plan | PlanRecord, b: Plan | PlanRecord) -> list[dict[str, Any]]:
    """Side-by-side KPIs of two plans, as rows for a table.

    Each row: ``section`` ("plan", "coverage by kind", "visits by
    municipality", "hours per 1,000 inhabitants"), ``kpi``, ``a`` and ``b``
    (numbers or None), ``a_text``, ``b_text`` and ``diff_text`` (B - A).
    ``section`` and ``kpi`` are keys that stay the same in every language;
    ``section_text``, ``kpi_text`` and the texts of the numbers are in the
    current language (:mod:`mobilstation.i18n`). Everything is recomputed
    from the two plan records.
    """
    ra = a.record if isinstance(a, Plan) else a
    rb = b.record if isinstance(b, Plan) else b
    sa, sb = plan_summary(ra), plan_summary(rb)
    fa, fb = kpi_frame(ra), kpi_frame(rb)
    rows: list[dict[str, Any]] = []

    def add(
        section: str,
        kpi: str,
        va: float | None,
        vb: float | None,
        digits: int,
        pct: bool = False,
        of: tuple[int, int] | None = None,
    ) -> None:
        """``pct``: shares shown in %, their difference in percentage points; ``of``: "n / total"."""
        xa = None if va is None else float(va) * (100.0 if pct else 1.0)
        xb = None if vb is None else float(vb) * (100.0 if pct else 1.0)
        suffix_a = suffix_b = " %" if pct else ""
        if of is not None:
            suffix_a, suffix_b = f" / {of[0]}", f" / {of[1]}"
        diff = None if xa is None or xb is None or math.isnan(xa) or math.isnan(xb) else xb - xa
        rows.append(
            {
                "section": section,
                "kpi": kpi,
                "section_text": _compare_label(section),
                "kpi_text": _compare_label(kpi),
                "a": va,
                "b": vb,
                "a_text": _num(xa, digits) + (suffix_a if xa is not None else ""),
                "b_text": _num(xb, digits) + (suffix_b if xb is not None else ""),
                "diff_text": "-"
                if diff is None
                else _num(diff, digits, sign=True) + (t("compare.pp") if pct else ""),
            }
        )

    add("plan", "visits", sa["visits"], sb["visits"], 0)
    add("plan", "sites visited", sa["sites_visited"], sb["sites_visited"], 0)
    add("plan", "candidate sites", sa["candidates"], sb["candidates"], 0)
    add("plan", "vehicle-days used", sa["vehicle_days_used"], sb["vehicle_days_used"], 0)
    add("plan", "travel share of vehicle time", sa["travel_share"], sb["travel_share"], 1, pct=True)
    add("plan", "travel hours", sa["travel_min"] / 60, sb["travel_min"] / 60, 1)
    add("plan", "mobile-station hours", sa["mobile_hours"], sb["mobile_hours"], 1)
    add("plan", "patrol hours", sa["patrol_hours"], sb["patrol_hours"], 1)
    add("plan", "hours per 1,000 inhabitants", sa["hours_per_1000"], sb["hours_per_1000"], 2)
    add(
        "plan",
        "municipal quotas met",
        sa["quotas_met"],
        sb["quotas_met"],
        0,
        of=(sa["quotas"], sb["quotas"]),
    )
    add(
        "plan",
        "unvisited high-priority sites",
        len(sa["unvisited_high_priority"]),
        len(sb["unvisited_high_priority"]),
        0,
    )
    for kind in sa["coverage_by_kind"]:
        ca, cb = sa["coverage_by_kind"][kind], sb["coverage_by_kind"][kind]
        if not ca["candidates"] and not cb["candidates"]:
            continue
        add("coverage by kind", f"{kind} (share of sites visited)", ca["share"], cb["share"], 0, pct=True)
    names = list(dict.fromkeys([*fa.index.drop("total"), *fb.index.drop("total")]))
    for name in names:
        va = float(fa.loc[name, "visits"]) if name in fa.index else None
        vb = float(fb.loc[name, "visits"]) if name in fb.index else None
        add("visits by municipality", name, va, vb, 0)
    for name in names:
        va = float(fa.loc[name, "hours_per_1000"]) if name in fa.index else None
        vb = float(fb.loc[name, "hours_per_1000"]) if name in fb.index else None
        add("hours per 1,000 inhabitants", name, va, vb, 2)
    return rows


# ---------------------------------------------------------------------------
# demand on its own: hotspots and sites
# ---------------------------------------------------------------------------


def hotspots(
    incidents: str | os.PathLike[str],
    district: str | int,
    *,
    params: Mapping[str, Any] | None = None,
    as_of: Any,
    progress: Progress | None = None,
) -> Hotspots:
    """Read an incidents file and find its hotspots (``params``: :class:`HotspotParams` fields).

    ``as_of`` (a date) is the day the analysis looks back from.
    """
    from pydantic import ValidationError

    from mobilstation.demand.hotspots import HotspotParams, detect_hotspots
    from mobilstation.demand.incidents import read_incidents
    from mobilstation.geo.district import load_district

    try:
        hp = HotspotParams.model_validate(dict(params or {}))
    except ValidationError as exc:
        from mobilstation.scenario.field_errors import _message

        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        message = _message(err, HotspotParams, err["loc"][-1] if err["loc"] else None)
        raise InputError(f"--{field.replace('_', '-')}: {message}") from None
    report(progress, t("step.district"))
    d = load_district(int(district) if str(district).isdigit() else district)
    report(progress, t("step.incidents"))
    inc = read_incidents(incidents, d, as_of=as_of)
    report(progress, t("step.hotspots", method=hp.method))
    return detect_hotspots(inc, hp, as_of=as_of, district=d)


def write_hotspots(result: Hotspots, out_dir: str | os.PathLike[str]) -> Path:
    """Write ``hotspots.geojson`` and ``cells.geojson`` into ``out_dir``, all or nothing."""
    from mobilstation._io import atomic_directory
    from mobilstation.demand.hotspots import write_hotspots as _write

    with atomic_directory(out_dir) as tmp:
        _write(result, tmp)
    return Path(out_dir).resolve()


def sites(
    scenario: ScenarioLike | ResolvedScenario,
    *,
    overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """The scenario's candidate sites with scores and score breakdowns (EPSG:4326 points).

    Columns: ``id``, ``name``, ``kind``, ``municipality_code``, ``score``,
    ``breakdown`` (component -> weighted value; they sum to ``score``),
    ``service_min``, ``windows`` ("HH:MM-HH:MM" list), ``weekly_max``,
    ``mandatory``, ``deadline``, ``skills``, ``population``, ``synthetic``
    (the site itself is synthetic, e.g. an invented request),
    ``burglary_from_synthetic`` (its burglary component counts synthetic
    incidents). Sorted by score, highest first. ``frame.attrs`` holds
    ``synthetic_inputs`` and ``notes`` (what reading the inputs reported).
    """
    import geopandas as gpd

    from mobilstation.pipeline import demand, synthetic_inputs

    resolved = scenario if isinstance(scenario, ResolvedScenario) else resolve(_scenario(scenario, overrides))
    built = demand(resolved, progress=progress)
    rows = []
    for s in sorted(built.sites, key=lambda s: (-s.score, s.id)):
        rows.append(
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                "municipality_code": s.municipality_code,
                "score": round(s.score, 6),
                "breakdown": {k: round(v, 6) for k, v in s.breakdown.items()},
                "service_min": s.service_min,
                "windows": [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in s.windows],
                "days": list(s.days),
                "weekly_max": s.weekly_max,
                "mandatory": s.mandatory,
                "deadline": s.deadline.isoformat() if s.deadline else None,
                "skills": sorted(s.skills),
                "population": s.population,
                "synthetic": s.synthetic,
                "burglary_from_synthetic": bool(s.meta.get("burglary_from_synthetic", False)),
                "lat": s.lat,
                "lon": s.lon,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "name",
            "kind",
            "municipality_code",
            "score",
            "breakdown",
            "service_min",
            "windows",
            "days",
            "weekly_max",
            "mandatory",
            "deadline",
            "skills",
            "population",
            "synthetic",
            "burglary_from_synthetic",
            "lat",
            "lon",
        ],
    )
    frame["population"] = frame["population"].astype("Int64")
    out = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    out.attrs["synthetic_inputs"] = synthetic_inputs(built)
    out.attrs["notes"] = list(resolved.warnings)
    return out


def write_sites(frame: gpd.GeoDataFrame, out_dir: str | os.PathLike[str]) -> Path:
    """Write ``sites.geojson`` (a point per site, score and breakdown) into ``out_dir``, all or nothing."""
    import json

    from mobilstation._io import atomic_directory, atomic_write_text

    features = []
    for row in frame.itertuples(index=False):
        props = {c: getattr(row, c) for c in frame.columns if c not in ("geometry", "lat", "lon")}
        features.append(
            {
                "type": "Feature",
                "properties": {k: _jsonable(v) for k, v in props.items()},
                "geometry": {"type": "Point", "coordinates": [round(row.lon, 6), round(row.lat, 6)]},
            }
        )
    doc = {
        "type": "FeatureCollection",
        "properties": {
            "synthetic_inputs": list(frame.attrs.get("synthetic_inputs", [])),
            "notes": list(frame.attrs.get("notes", [])),
        },
        "features": features,
    }
    with atomic_directory(out_dir) as tmp:
        atomic_write_text(tmp / "sites.geojson", json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return Path(out_dir).resolve()


def _jsonable(value: Any) -> Any:
    if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    return value

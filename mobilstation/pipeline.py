"""The planning pipeline: data -> demand -> travel -> optimisation -> plan record.

:func:`build_plan` runs every step for a :class:`~mobilstation.scenario.ResolvedScenario`
(district loaded, homes, officers and quotas resolved, input files read) and
assembles the :class:`~mobilstation.plan.PlanRecord` every output derives from:

1. demand (:func:`demand`): incidents (the scenario's file or the seeded
   synthetic generator) -> hotspots -> candidate sites (towns, outlying
   areas, burglary neighbourhoods, citizen requests), scored;
2. travel (:func:`travel_matrix`): one matrix over the vehicle depots, the
   officers' stations and the sites, from the scenario's travel model,
   cached on disk by content;
3. the week (:func:`mobilstation.optimize.week.plan_week`): routes, crews,
   patrol hours, explanations, KPIs;
4. the record (:func:`assemble`).

Reproducibility: with a ``work_limit`` every step is deterministic, so two
runs give the same record except ``generated_at`` (the wall-clock time the
plan was made; pass ``generated_at`` to fix it too) and the wall-clock
measurements the solver reports (``kpis`` and ``solver`` keys naming
seconds). Tests comparing runs compare everything but those.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mobilstation.demand.site import Site
from mobilstation.i18n import num, t
from mobilstation.progress import Progress
from mobilstation.plan import (
    HotspotRecord,
    LinkInfo,
    MunicipalityInfo,
    OfficerRecord,
    PlanRecord,
    RulesInfo,
    ScenarioInfo,
    SiteRecord,
    StationInfo,
    TravelInfo,
    VehicleInfo,
)
from mobilstation.scenario import ResolvedScenario
from mobilstation.travel.base import Point, TravelMatrix
from mobilstation.travel.closures import LinkClosures

TZ = ZoneInfo("Europe/Copenhagen")

__all__ = [
    "Demand",
    "Progress",
    "assemble",
    "build_plan",
    "demand",
    "prepare",
    "site_record",
    "travel_matrix",
    "travel_model",
    "travel_points",
]


def _step(progress: Progress | None, msg_id: str, **fields: Any) -> None:
    if progress is not None:
        progress(t(msg_id, **fields))


@dataclass
class Demand:
    """What the demand step produced: incidents (or None), hotspots (or None), requests, scored sites."""

    incidents: Any
    hotspots: Any
    requests: Any
    sites: list[Site]
    campaigns: dict[str, dict[str, Any]] | None = None  # campaign id -> progress before the week


def demand(resolved: ResolvedScenario, *, travel: Any = None, progress: Progress | None = None) -> Demand:
    """Incidents -> hotspots -> candidate sites with scores, for the resolved scenario.

    ``travel`` is the travel model used for drive times from the stations
    (remoteness, outlying sites); None builds the scenario's own
    (:func:`travel_model`).
    """
    from mobilstation.demand.hotspots import detect_hotspots
    from mobilstation.demand.sites import build_sites

    s = resolved.scenario
    incidents = resolved.incidents
    if incidents is None and s.incidents is not None and s.incidents.synthetic is not None:
        from mobilstation.demand.synthetic import synthetic_incidents

        _step(progress, "step.synthetic_incidents")
        incidents = synthetic_incidents(resolved.district, s.incidents.synthetic, end_date=s.incidents_as_of)
    spots = None
    if incidents is not None:
        _step(progress, "step.hotspots", method=s.hotspots.method)
        spots = detect_hotspots(incidents, s.hotspots, as_of=s.incidents_as_of, district=resolved.district)
    if travel is None:
        travel = travel_model(resolved, progress=progress)
    _step(progress, "step.sites")
    sites = build_sites(
        resolved.district,
        settings=s.sites,
        weights=s.weights,
        travel=travel,
        hotspots=spots,
        requests=resolved.requests or (),
        history=resolved.history,
        as_of=s.incidents_as_of,
        incidents=incidents,
        hotspot_params=s.hotspots,
        report=resolved.warnings,
        requests_label=f"{s._origin_of('requests')}: requests",
    )
    if s.requests is not None and s.requests.synthetic:
        from dataclasses import replace

        sites = [replace(x, synthetic=True) if x.kind == "request" else x for x in sites]
    memory = resolved.memory
    if s.rotation is not None or memory is not None:
        from mobilstation.demand.rotation import apply_rotation

        sites, notes = apply_rotation(
            sites,
            week_start=s.week_start,
            rule=s.rotation,
            last_visit=resolved.history,
            first_week=memory.first_week if memory is not None else None,
            made_in_week=memory.made_in_week if memory is not None else {},
        )
        resolved.warnings.extend(n for n in notes if n not in resolved.warnings)
    campaigns: dict[str, dict[str, Any]] = {}
    if s.campaigns:
        from mobilstation.demand._geom import DistrictIndex
        from mobilstation.demand.campaigns import campaign_sites

        index = DistrictIndex(resolved.district)

        def municipality_of(lon: float, lat: float) -> str | None:
            return index.code_of(lon, lat) or None  # "" outside the district

        extra, campaigns, notes = campaign_sites(
            s.campaigns,
            iso_week=s.week,
            dates=resolved.dates,
            hotspots=spots,
            municipality_of=municipality_of,
            done=memory.campaign_done if memory is not None else {},
            targets=resolved.campaign_targets,
            area_names={
                str(x.meta["hotspot_id"]): x.name for x in sites if x.kind == "neighbourhood" and "hotspot_id" in x.meta
            },
        )
        sites = list(sites) + extra
        resolved.warnings.extend(n for n in notes if n not in resolved.warnings)
    if resolved.stability_bonus or resolved.keep_days:
        sites = _stability(sites, resolved)
    if s.pinned:
        from mobilstation.demand.pins import apply_pins

        sites = apply_pins(sites, s.pinned, label=f"{resolved.file}: pinned", report=resolved.warnings)
    return Demand(
        incidents=incidents, hotspots=spots, requests=resolved.requests, sites=list(sites), campaigns=campaigns
    )


def travel_points(resolved: ResolvedScenario, sites: Sequence[Site]) -> list[Point]:
    """The matrix's points, in a fixed order: vehicle depots, officers' stations, sites."""
    points: list[Point] = []
    seen: set[str] = set()

    def add(pid: str, lat: float, lon: float) -> None:
        if pid not in seen:
            seen.add(pid)
            points.append(Point(pid, lat, lon))

    for v in resolved.vehicles:
        add(v.depot_id, v.depot_lat, v.depot_lon)
    stations = {st.id: st for st in resolved.district.stations}
    for sid in sorted({o.station_id for o in resolved.officers}):
        st = stations[sid]
        add(st.id, st.lat, st.lon)
    for site in sites:
        if site.id in seen:
            from mobilstation.errors import InputError

            raise InputError(t("points.same_id", id=site.id))
        add(site.id, site.lat, site.lon)
    return points


class _CachedModel:
    """A travel model whose matrices come from the on-disk cache when computed before."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.name = model.name

    def fingerprint(self) -> str:
        return self.model.fingerprint()

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        from mobilstation.travel.cache import cached_matrix

        return cached_matrix(self.model, points)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


def travel_model(resolved: ResolvedScenario, *, progress: Progress | None = None) -> Any:
    """The scenario's travel model (estimated or OSM), cached on disk unless ``travel.cache`` is off."""
    spec = resolved.scenario.travel
    district = resolved.district
    if spec.model == "osm":
        from mobilstation.travel.osm import OsmTravel

        _step(progress, "step.road_network")
        model: Any = OsmTravel(spec.pbf, spec.params, links=district.links)
    else:
        from mobilstation.travel.estimated import EstimatedTravel

        _step(progress, "step.travel_model")
        model = EstimatedTravel.from_district(district, spec.params)
    return _CachedModel(model) if spec.cache else model


def travel_matrix(
    resolved: ResolvedScenario,
    points: Sequence[Point],
    *,
    model: Any = None,
    progress: Progress | None = None,
) -> TravelMatrix:
    """The travel matrix over ``points`` (``model`` default: :func:`travel_model`)."""
    if model is None:
        model = travel_model(resolved, progress=progress)
    _step(progress, "step.travel_matrix", count=len(points))
    return model.matrix(points)


def prepare(resolved: ResolvedScenario, *, progress: Progress | None = None) -> tuple[Any, Demand, list[Point]]:
    """The steps before the travel matrix: the travel model, demand and the matrix's points.

    Every input a plan rejects as bad (a pin on no candidate site, a site
    pinned twice, a request no road or fixed link reaches, a site id that is
    also a station's, an unreadable road network) is rejected here, before
    any matrix is computed or the week solved; ``mobilstation validate`` runs
    this too, so it rejects what ``plan`` would. Raises
    :class:`~mobilstation.errors.InputError`.
    """
    model = travel_model(resolved, progress=progress)
    built = demand(resolved, travel=model, progress=progress)
    return model, built, travel_points(resolved, built.sites)


def build_plan(
    resolved: ResolvedScenario,
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    work_limit: int | None = None,
    progress: Progress | None = None,
    generated_at: str | None = None,
    closed_links: Mapping[str, Iterable[date]] | None = None,
    quotas_as_possible: bool = False,
) -> PlanRecord:
    """Run the whole pipeline for ``resolved`` and return the plan record.

    ``closed_links`` (link id -> dates) are fixed links out of service on
    some days (a re-plan's disruption): see :func:`_close_links`.
    ``quotas_as_possible``: see :func:`~mobilstation.optimize.week.plan_week`.

    ``time_limit`` (seconds), ``seed`` and ``work_limit`` override the
    scenario's solver settings. ``generated_at`` (ISO 8601) fixes the
    record's time stamp (default: now, Europe/Copenhagen). Raises
    :class:`~mobilstation.errors.InputError` or
    :class:`~mobilstation.errors.PlanFailed`.
    """
    from mobilstation.optimize.week import plan_week

    s = resolved.scenario
    solver = s.solver
    changes: dict[str, Any] = {}
    if time_limit is not None:
        changes["time_limit_s"] = float(time_limit)
    if seed is not None:
        changes["seed"] = int(seed)
    if work_limit is not None:
        changes["work_limit"] = int(work_limit)
    if changes:
        solver = type(solver).model_validate({**solver.model_dump(), **changes})

    model, built, points = prepare(resolved, progress=progress)
    matrix = travel_matrix(resolved, points, model=model, progress=progress)
    closures, left_out = None, []
    if closed_links:
        resolved, model, built, matrix, closures, left_out = _close_links(
            resolved, closed_links, model, built, matrix, progress
        )
    municipalities = {m.code: (m.name, m.population) for m in resolved.district.municipalities}
    week = plan_week(
        sites=built.sites,
        vehicles=resolved.vehicles,
        officers=resolved.officers,
        dates=resolved.dates,
        travel=matrix,
        quotas=resolved.quotas,
        municipalities=municipalities,
        links=resolved.district.links,
        settings=s.week_settings,
        solver=solver,
        progress=progress,
        initial=resolved.initial_routes or None,
        closures=closures,
        quotas_as_possible=quotas_as_possible,
    )
    _step(progress, "step.plan_record")
    record = assemble(
        resolved,
        built,
        matrix,
        week,
        solver=solver,
        generated_at=generated_at or datetime.now(TZ).isoformat(timespec="seconds"),
    )
    if built.campaigns:
        record.kpis["campaigns"] = campaign_progress(record, built.campaigns)
    if closures is not None or left_out:
        # the closures go into the record, so the plan can be checked against them without the planner
        days = {lk: sorted(ds) for lk, ds in (closures.days if closures is not None else {}).items()}
        days |= {lk: list(resolved.dates) for lk in left_out}
        record.travel.params["closed_links"] = {lk: [d.isoformat() for d in ds] for lk, ds in sorted(days.items())}
        record.travel.params["left_out_links"] = left_out
    return record


def _close_links(
    resolved: ResolvedScenario,
    closed_links: Mapping[str, Iterable[date]],
    model: Any,
    built: Demand,
    matrix: TravelMatrix,
    progress: Progress | None,
) -> tuple[ResolvedScenario, Any, Demand, TravelMatrix, LinkClosures | None, list[str]]:
    """Links closed on some planned days: refused day by day where that is exact, else left out all week.

    A link that only leads somewhere (a ferry to an island) is kept in the
    travel model and closed day by day: places behind it are offered on the
    days it runs, and nothing crosses it on the days it does not. A link
    that also carries traffic between places reached without it (a bridge
    as a short cut) cannot be closed that way with one travel matrix for the
    week, so it is left out of the travel model for the whole week (what
    only it reaches is then not visited) and a warning says so. Returns the
    (possibly rebuilt) travel inputs, the day-by-day closures and the ids of
    the links left out.
    """
    from dataclasses import replace

    from mobilstation.travel.closures import through_traffic

    planned = set(resolved.dates)
    days = {lk: frozenset(d for d in ds if d in planned) for lk, ds in closed_links.items()}
    days = {lk: ds for lk, ds in days.items() if ds}
    link_names = {x.id: x.name for x in resolved.district.links}
    if not days:
        return resolved, model, built, matrix, None, []
    origins = [v.depot_id for v in resolved.vehicles] + [o.station_id for o in resolved.officers]
    through = through_traffic(matrix, days, origins, [x.id for x in built.sites])
    if through:
        names = {p.id: p.name for p in built.sites} | {st.id: st.name for st in resolved.district.stations}
        for lk, (a, b) in sorted(through.items()):
            resolved.warnings.append(
                t("note.link_short_cut", link=link_names.get(lk, lk), a=names.get(a, a), b=names.get(b, b),
                  dates=", ".join(f"{d.day}/{d.month}" for d in sorted(days[lk])))  # fmt: skip
            )
        district = resolved.district
        resolved = replace(resolved, district=replace(district, links=tuple(x for x in district.links if x.id not in through)))
        model = travel_model(resolved, progress=progress)
        built = demand(resolved, travel=model, progress=progress)
        matrix = travel_matrix(resolved, travel_points(resolved, built.sites), model=model, progress=progress)
        days = {lk: ds for lk, ds in days.items() if lk not in through}
    closures = LinkClosures(days, matrix, link_names) if days else None
    return resolved, model, built, matrix, closures, sorted(through)


def _stability(sites: Sequence[Site], resolved: ResolvedScenario) -> list[Site]:
    """A re-plan's published visits: kept to their day and van, worth their stability prize."""
    from dataclasses import replace

    keep, bonus = resolved.keep_days, resolved.stability_bonus
    out = []
    for site in sites:
        extra = bonus.get(site.id, 0.0)
        changes: dict[str, Any] = {}
        if extra:
            changes = {
                "score": round(site.score + extra, 6),
                "breakdown": {**site.breakdown, "stability": round(extra, 6)},
                "meta": {**site.meta, "published_days": list(keep.get(site.id, ()))},
            }
        if site.id in keep:
            changes["days"] = keep[site.id]
        if site.id in resolved.keep_vehicle:
            changes["meta"] = {**changes.get("meta", site.meta), "vehicle": resolved.keep_vehicle[site.id]}
        if changes:
            site = replace(site, **changes)
        out.append(site)
    return out


def campaign_progress(record: PlanRecord, before: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each campaign's targets: done before the week, planned in it, and the total (for kpis.json)."""
    planned: dict[str, int] = {}
    for r in record.routes:
        for st in r.stops:
            site = record.site(st.site_id)
            c = site.meta.get("campaign")
            if c:
                planned[c] = planned.get(c, 0) + 1
    out = {}
    for cid, p in before.items():
        n = planned.get(cid, 0)
        out[cid] = {
            "name": p["name"],
            "total": int(p["total"]),
            "done_before": int(p["done_before"]),
            "planned": n,
            "done": int(p["done_before"]) + n,
            "deadline_week": p["deadline_week"],
            "synthetic": bool(p["synthetic"]),
        }
    return out


# ---------------------------------------------------------------------------
# the record
# ---------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """Plain JSON values for ``meta``: dates as ISO text, sets as sorted lists, NaN as None."""
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_json_value(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def site_from_record(s: SiteRecord) -> Site:
    """The candidate site back from its plan record (what a re-plan's merged week is scored on)."""
    return Site(
        id=s.id,
        name=s.name,
        kind=s.kind,
        municipality_code=s.municipality_code,
        lat=s.lat,
        lon=s.lon,
        service_min=s.service_min,
        windows=tuple((a, b) for a, b in s.windows),
        score=s.score,
        breakdown=dict(s.breakdown),
        days=tuple(s.days),
        weekly_max=s.weekly_max,
        min_gap_days=s.min_gap_days,
        mandatory=s.mandatory,
        deadline=date.fromisoformat(s.deadline) if s.deadline else None,
        skills=frozenset(s.skills),
        population=s.population,
        synthetic=s.synthetic,
        meta=dict(s.meta),
    )


def site_record(site: Site) -> SiteRecord:
    """The plan record's view of a candidate site."""
    return SiteRecord(
        id=site.id,
        name=site.name,
        kind=site.kind,
        municipality_code=site.municipality_code,
        lat=site.lat,
        lon=site.lon,
        service_min=site.service_min,
        windows=[[int(a), int(b)] for a, b in site.windows],
        days=list(site.days),
        score=float(site.score),
        breakdown={k: float(v) for k, v in site.breakdown.items()},
        weekly_max=site.weekly_max,
        min_gap_days=site.min_gap_days,
        mandatory=site.mandatory,
        deadline=site.deadline.isoformat() if site.deadline else None,
        skills=sorted(site.skills),
        population=site.population,
        synthetic=site.synthetic,
        meta=_json_value(dict(site.meta)),
    )


def synthetic_inputs(built: Demand) -> list[str]:
    """Which inputs of the demand step were synthetic ("incidents", "requests", "campaigns"): every output says so."""
    synthetic: list[str] = []
    if built.incidents is not None and getattr(built.incidents, "synthetic", False):
        synthetic.append("incidents")
    if any(x.synthetic for x in built.sites if x.kind == "request" and "campaign" not in x.meta):
        synthetic.append("requests")
    if any(x.synthetic for x in built.sites if "campaign" in x.meta):
        synthetic.append("campaigns")
    return synthetic


def _time_notes(info: dict[str, Any]) -> list[str]:
    """A word when the plan took more than its time limit allows (10 %): the planner set the limit."""
    limit, took = info.get("time_limit_s"), info.get("plan_seconds")
    if info.get("work_limit") is not None or not limit or took is None or took <= 1.1 * limit:
        return []
    fixed = took - float(info.get("seconds") or 0.0)
    return [t("note.time_limit", took=num(took), limit=num(limit, 0 if float(limit).is_integer() else 1),
              fixed=num(fixed), allow=num(2 * fixed, 0))]


def _officer_records(resolved: ResolvedScenario, records: Sequence[OfficerRecord]) -> list[OfficerRecord]:
    """The week's officer records with the limits they were rostered under, so plan.json alone checks them."""
    specs = {o.id: o for o in resolved.officers}
    out = []
    for rec in records:
        spec = specs.get(rec.id)
        if spec is not None:
            rec = rec.model_copy(
                update={
                    "available_days": list(spec.available_days),
                    "earliest_start": spec.earliest_start,
                    "latest_end": spec.latest_end,
                }
            )
        out.append(rec)
    return out


def assemble(
    resolved: ResolvedScenario,
    built: Demand,
    matrix: TravelMatrix,
    week: Any,
    *,
    solver: Any,
    generated_at: str,
) -> PlanRecord:
    """Put the scenario, the district's places, the sites, hotspots and the planned week into one record."""
    s = resolved.scenario
    d = resolved.district
    quotas = {q.municipality: q for q in resolved.quotas}
    synthetic = synthetic_inputs(built)
    hotspots = [HotspotRecord(**h) for h in built.hotspots.records()] if built.hotspots is not None else []
    return PlanRecord(
        generated_at=generated_at,
        scenario=ScenarioInfo(
            name=s.name,
            file=resolved.file if s.source else None,
            district=d.name,
            iso_week=s.week,
            dates=[x.isoformat() for x in resolved.dates],
            seed=solver.seed,
            time_limit_s=solver.time_limit_s,
            work_limit=solver.work_limit,
            ledger=resolved.memory.source if resolved.memory is not None else None,
            spec=_json_value(s.model_dump(mode="json")),
        ),
        travel=TravelInfo(
            model=matrix.model, estimated=matrix.estimated, params=_json_value(dict(matrix.params))
        ),
        synthetic_inputs=synthetic,
        notes=list(resolved.warnings) + _time_notes(week.solver),
        rules=RulesInfo(
            min_rest_hours=s.week_settings.min_rest_hours,
            crew_home_rule=s.week_settings.crew_home_rule,
            admin_share=s.week_settings.admin_share,
            patrol_block_min=s.week_settings.patrol.block_min,
            repeat_value=s.week_settings.repeat_value,
            ferry_boarding_min=s.week_settings.ferry_boarding_min,
        ),
        municipalities=[
            MunicipalityInfo(
                code=m.code,
                name=m.name,
                population=m.population,
                quota_visits=quotas[m.code].min_visits if m.code in quotas else 0,
                quota_hours=quotas[m.code].min_hours if m.code in quotas else 0.0,
                quota_mobile_hours=quotas[m.code].min_mobile_hours if m.code in quotas else 0.0,
                quota_patrol_hours=quotas[m.code].min_patrol_hours if m.code in quotas else 0.0,
            )
            for m in d.municipalities
        ],
        stations=[
            StationInfo(
                id=st.id,
                name=st.name,
                kind=st.kind,
                municipality_code=st.municipality_code,
                lat=st.lat,
                lon=st.lon,
            )
            for st in d.stations
        ],
        links=[
            LinkInfo(
                id=lk.id,
                name=lk.name,
                kind=lk.kind,
                a=[lk.a_lat, lk.a_lon],
                b=[lk.b_lat, lk.b_lon],
                crossing_min=lk.crossing_min,
                wait_min=lk.wait_min,
                departures_a=list(lk.departures_a),
                departures_b=list(lk.departures_b),
            )
            for lk in d.links
        ],
        sites=[site_record(x) for x in built.sites],
        hotspots=hotspots,
        vehicles=[
            VehicleInfo(
                id=v.id,
                name=v.name,
                home_station_id=v.depot_id,
                shift=[v.shift_start, v.shift_end],
                max_work_min=v.max_work_min,
                crew_size=v.crew_size,
                days=list(v.days),
            )
            for v in resolved.vehicles
        ],
        routes=list(week.routes),
        officers=_officer_records(resolved, week.officers),
        hours=list(week.hours),
        unvisited=list(week.unvisited),
        kpis=_json_value(dict(week.kpis)),
        solver=_json_value(dict(week.solver)),
    )

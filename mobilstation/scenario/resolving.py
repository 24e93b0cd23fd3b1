"""Resolving a validated scenario against its district's data: the objects the pipeline plans with.

Vehicle homes become stations, towns or coordinates inside the district;
officers are read and their stations found; quota keys become municipality
codes; the input files are read; pins are checked against the planned days
and vehicles. Separate from loading because it needs the district's data,
which ``validate`` reads but the schema does not.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from mobilstation.errors import InputError, ScenarioError
from mobilstation.i18n import t
from mobilstation.optimize.specs import Officer, Quota, Vehicle
from mobilstation.scenario.field_errors import _display, _message
from mobilstation.scenario.readers import _read_officer_rows, read_history
from mobilstation.scenario.schema import Scenario

if typing.TYPE_CHECKING:  # pragma: no cover
    from mobilstation.geo.model import District, Station, Town

@dataclass
class ResolvedScenario:
    """A scenario checked against its district, ready for the pipeline.

    ``vehicles`` and ``officers`` are the optimizer's specs with homes and
    stations resolved; ``quotas`` are keyed by municipality code; ``history``
    maps site ids to their last visit date. ``requests`` and ``incidents``
    hold what the demand readers returned for the files (``incidents`` is
    None for synthetic incidents, which the pipeline generates).
    ``warnings`` are things worth a planner's look that do not stop a plan,
    among them what the readers of the input files reported (rows skipped
    with their reasons, points outside the district, requests adjusted), so
    nothing a planner entered disappears without a word; the plan keeps them
    in ``plan.json`` as ``notes``.
    """

    scenario: Scenario
    district: District
    dates: list[date]
    vehicles: list[Vehicle]
    officers: list[Officer]
    quotas: list[Quota]
    history: dict[str, date] = field(default_factory=dict)
    requests: Any = None
    incidents: Any = None
    warnings: list[str] = field(default_factory=list)
    memory: Any = None  # the ledger's Memory when planned with a ledger (see mobilstation.ledger)
    campaign_targets: dict[str, Any] = field(default_factory=dict)  # campaign id -> targets read from its file
    # a re-plan (mobilstation.replan): published visits that keep their weekdays, and their stability prize
    keep_days: dict[str, tuple[int, ...]] = field(default_factory=dict)
    stability_bonus: dict[str, float] = field(default_factory=dict)
    keep_vehicle: dict[str, str] = field(default_factory=dict)
    initial_routes: dict[str, list[str]] = field(default_factory=dict)  # route id -> site ids to start from

    @property
    def file(self) -> str:
        return _display(self.scenario.source) if self.scenario.source else "scenario"


def _station_by_id(district: District, key: str) -> Station | None:
    for st in district.stations:
        if st.id == key:
            return st
    return None


def _find_place(scenario: Scenario, district: District, key: str, field_path: str) -> Station | Town:
    from mobilstation.geo.district import find_place

    from mobilstation.geo.district import AmbiguousStationError

    st = _station_by_id(district, key)
    if st is not None:
        return st
    try:
        return find_place(district, key)
    except AmbiguousStationError as exc:
        town = _town_named(district, key)
        if town is None:
            raise scenario.error(field_path, str(exc)) from None
        return town
    except InputError as exc:
        raise scenario.error(field_path, str(exc)) from None


def _town_named(district: District, key: str) -> Town | None:
    """The one town called ``key`` (any case), else None."""
    hits = [t for t in district.towns if t.name.casefold() == key.strip().casefold()]
    return hits[0] if len(hits) == 1 else None


def _find_station(district: District, key: str, where: str) -> Station:
    from mobilstation.geo.model import Station

    st = _station_by_id(district, key)
    if st is not None:
        return st
    for s in district.stations:
        if s.name == key:
            return s
    from mobilstation.geo.district import AmbiguousStationError, find_place

    place = None
    try:
        place = find_place(district, key)
    except AmbiguousStationError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    except InputError:
        place = None
    if isinstance(place, Station):
        return place
    low = key.strip().lower()
    partial = [s.id for s in district.stations if low and (low in s.name.lower() or low in s.id)]
    if partial:
        hint = t("scenario.did_you_mean", names=t("scenario.or").join(f"'{i}'" for i in partial))
    else:
        by_text = {s.id: s.id for s in district.stations} | {s.name.lower(): s.id for s in district.stations}
        close = difflib.get_close_matches(low, list(by_text), n=1, cutoff=0.6)
        hint = (
            t("scenario.did_you_mean", names=f"'{by_text[close[0]]}'")
            if close
            else t("scenario.station_ids", ids=", ".join(s.id for s in district.stations))
        )
    raise ScenarioError(f"{where}: {t('scenario.no_station', key=key, hint=hint)}")


def _inside(district: District, lat: float, lon: float) -> bool:
    from mobilstation.geo.district import municipality_at

    return municipality_at(district, lat, lon) is not None


def _with_planner_data(scenario: Scenario, district: District) -> District:
    """The district with the scenario's ``stations_file`` and ``links_file`` applied."""
    from mobilstation.geo.district import with_data

    for name in ("stations_file", "links_file"):
        spec = getattr(scenario, name)
        if spec is None:
            continue
        try:
            district = with_data(
                district,
                **{name: spec.file, f"replace_{name.split('_')[0]}": spec.replace},
            )
        except InputError as exc:
            raise scenario.error(name, str(exc)) from None
    return district


def resolve(scenario: Scenario) -> ResolvedScenario:
    """Check ``scenario`` against its district's data and the input files (no solving).

    Loads the district; resolves each vehicle's home to a station, town or
    coordinate inside the district; reads the officers (inline or CSV),
    finds their stations and removes ``absent_officers``; maps quota keys
    (municipality names or codes) to codes; reads requests, incidents (when
    from a file) and history. Raises :class:`ScenarioError` (or another
    :class:`InputError`) naming the file and field.
    """
    from mobilstation.geo.district import load_district, municipality
    from mobilstation.geo.model import Station

    try:
        district = load_district(int(scenario.district) if scenario.district.isdigit() else scenario.district)
    except InputError as exc:
        raise scenario.error("district", str(exc)) from None
    district = _with_planner_data(scenario, district)
    dates = scenario.dates
    warnings: list[str] = []

    # -- vehicles ------------------------------------------------------------
    vehicles: list[Vehicle] = []
    for i, spec in enumerate(scenario.vehicles):
        path = f"vehicles[{i}].home"
        if spec.home.place is not None:
            place = _find_place(scenario, district, spec.home.place, path)
            depot_id, depot_name, lat, lon = place.id, place.name, place.lat, place.lon
            if not isinstance(place, Station):
                from mobilstation.geo.district import stations_in_town

                there = stations_in_town(district, place.name)
                choices = t("scenario.stations_there", ids=", ".join(s.id for s in there)) if there else ""
                warnings.append(t("scenario.town_home", id=spec.id, place=place.name, choices=choices))
        else:
            assert spec.home.lat is not None and spec.home.lon is not None
            lat, lon = spec.home.lat, spec.home.lon
            if not _inside(district, lat, lon):
                raise scenario.error(path, t("scenario.outside", lat=lat, lon=lon, district=district.name))
            depot_id, depot_name = f"home:{spec.id}", f"{spec.name or spec.id} (base)"
        days = [d for d in (spec.days or scenario.days) if d in scenario.days]
        if spec.days is not None and not days:
            warnings.append(t("scenario.no_days", id=spec.id, days=spec.days))
        try:
            vehicles.append(
                Vehicle(
                    id=spec.id,
                    name=spec.name or spec.id,
                    depot_id=depot_id,
                    depot_name=depot_name,
                    depot_lat=lat,
                    depot_lon=lon,
                    shift_start=spec.shift_start,
                    shift_end=spec.shift_end,
                    max_work_min=spec.max_work_min,
                    crew_size=spec.crew_size,
                    days=tuple(spec.days) if spec.days is not None else (),
                )
            )
        except ValidationError as exc:
            raise scenario.error(f"vehicles[{i}]", _message(exc.errors()[0], None, None)) from None

    # -- officers ------------------------------------------------------------
    if scenario.officers_file is not None:
        rows = _read_officer_rows(scenario.officers_file)
        warnings += getattr(rows, "findings", [])
        specs = [spec for _, spec in rows]
        file_label = _display(scenario.officers_file)
        wheres = [t("officers.row_station", where=file_label, row=line) for line, _ in rows]
    else:
        specs = list(scenario.officers or [])
        wheres = [f"{scenario._origin_of('officers')}: officers[{j}].station" for j in range(len(specs))]
    ids = {o.id for o in specs}
    unknown = [a for a in scenario.absent_officers if a not in ids]
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(ids), n=1)
        hint = t("scenario.did_you_mean", names=f"'{close[0]}'") if close else ""
        raise scenario.error("absent_officers", t("scenario.no_officer", id=unknown[0], hint=hint))
    absent = set(scenario.absent_officers)
    officers: list[Officer] = []
    for j, o in enumerate(specs):
        station = _find_station(district, o.station, wheres[j])
        if o.id in absent:
            continue
        kwargs: dict[str, Any] = {}
        if o.available_days is not None:
            kwargs["available_days"] = tuple(o.available_days)
        if o.max_shift_hours is not None:
            kwargs["max_shift_hours"] = o.max_shift_hours
        officers.append(
            Officer(
                id=o.id,
                name=o.name or o.id,
                station_id=station.id,
                weekly_hours=o.weekly_hours,
                skills=frozenset(o.skills),
                **kwargs,
            )
        )
    if not officers:
        raise scenario.error("absent_officers", t("scenario.all_absent"))
    if scenario.week_settings.crew_home_rule == "same_station":
        for v in vehicles:
            home = [o for o in officers if o.station_id == v.depot_id]
            if len(home) < v.crew_size:
                warnings.append(
                    t("scenario.crew_short", id=v.id, count=len(home), station=v.depot_name, crew=v.crew_size)
                )

    # -- quotas --------------------------------------------------------------
    quotas: list[Quota] = []
    seen_codes: dict[str, str] = {}
    for key, q in scenario.quotas.items():
        try:
            mun = municipality(district, key)
        except InputError as exc:
            raise scenario.error(f"quotas.{key}", str(exc)) from None
        if mun.code in seen_codes:
            raise scenario.error(
                f"quotas.{key}",
                t("scenario.quota_twice", name=mun.name, code=mun.code, key=seen_codes[mun.code]),
            )
        seen_codes[mun.code] = key
        quotas.append(
            Quota(
                municipality=mun.code,
                min_visits=q.min_visits,
                min_mobile_hours=q.min_mobile_hours,
                min_patrol_hours=q.min_patrol_hours,
                min_hours=q.min_hours,
            )
        )

    # -- input files ---------------------------------------------------------
    history = read_history(scenario.history) if scenario.history is not None else {}
    requests = None
    if scenario.requests is not None:
        from mobilstation.demand.requests import read_requests

        requests = read_requests(
            scenario.requests.file, district, dates=dates, types=tuple(scenario.sites.request_types)
        )
        warnings += requests.report.findings()
    incidents = None
    if scenario.incidents is not None and scenario.incidents.file is not None:
        from mobilstation.demand.incidents import read_incidents

        incidents = read_incidents(scenario.incidents.file, district, as_of=scenario.incidents_as_of)
        warnings += incidents.report.findings()

    for j, pin in enumerate(scenario.pinned):
        if pin.date not in dates:
            raise scenario.error(
                f"pinned[{j}].date",
                t("scenario.pin_day", day=pin.date, week=scenario.week, days=", ".join(map(str, dates))),
            )
        if pin.vehicle is not None and pin.vehicle not in {v.id for v in vehicles}:
            raise scenario.error(
                f"pinned[{j}].vehicle",
                t("scenario.pin_vehicle", id=pin.vehicle, ids=", ".join(v.id for v in vehicles)),
            )
    campaign_targets: dict[str, Any] = {}
    ids = [c.id for c in scenario.campaigns]
    for j, spec in enumerate(scenario.campaigns):
        if ids.count(spec.id) > 1:
            raise scenario.error(f"campaigns[{j}].id", t("scenario.campaign_twice", id=spec.id))
        if spec.targets is not None:
            from mobilstation.demand.campaigns import read_targets

            campaign_targets[spec.id] = read_targets(spec.targets)

    return ResolvedScenario(
        campaign_targets=campaign_targets,
        scenario=scenario,
        district=district,
        dates=dates,
        vehicles=vehicles,
        officers=officers,
        quotas=quotas,
        history=history,
        requests=requests,
        incidents=incidents,
        warnings=warnings,
    )

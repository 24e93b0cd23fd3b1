"""The plan record: the complete, solver-independent record of one planned week.

``plan.json`` is this model serialised. Every other output (tables, sheets,
calendars, GeoPackage, maps) is derived from it alone, and a plan can be
checked for feasibility from it alone: each route lists its stops with times
and each leg with its travel minutes and metres, so times add up leg by leg.

Conventions: times of day are minutes since local midnight
(Europe/Copenhagen) *and* ISO 8601 datetimes with offset; coordinates are
WGS84 (EPSG:4326); distances are metres; Danish names are kept in UTF-8.

Designed for what comes next: ``sites[*].id`` and ``routes[*].stops[*]`` are
stable keys, so a ledger of published plans can feed next week's
"days since last visit", and a mid-week re-plan can pin stops already made
(``Stop.locked``) and plan only the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioInfo(_Model):
    name: str
    file: str | None = None
    district: str
    iso_week: str  # "2026-W49"
    dates: list[str]  # ISO dates of the planned days, in order
    seed: int
    time_limit_s: float | None = None
    work_limit: int | None = None  # solver iterations when set (reproducible mode)
    ledger: str | None = None  # the ledger the week's memory came from (path or masked URL), if any
    spec: dict[str, Any] | None = None  # the scenario as planned (includes and overrides applied)


class TravelInfo(_Model):
    model: str  # "estimated" | "osm"
    estimated: bool  # True: minutes and metres are model estimates, not road routes
    params: dict[str, Any] = Field(default_factory=dict)


class MunicipalityInfo(_Model):
    code: str
    name: str
    population: int | None
    quota_visits: int = 0
    quota_hours: float = 0.0  # mobile service + patrol hours
    quota_mobile_hours: float = 0.0  # mobile service hours alone
    quota_patrol_hours: float = 0.0  # patrol hours alone


class StationInfo(_Model):
    id: str
    name: str
    kind: str
    municipality_code: str
    lat: float
    lon: float


class LinkInfo(_Model):
    id: str
    name: str
    kind: str
    a: list[float]  # [lat, lon]
    b: list[float]
    crossing_min: int
    wait_min: int = 0  # a ferry's average wait, the wait of any crossing without a timetable
    departures_a: list[int] = Field(default_factory=list)  # timetable from end a (minutes); empty: none
    departures_b: list[int] = Field(default_factory=list)


class SiteRecord(_Model):
    id: str
    name: str
    kind: Literal["town", "outlying", "neighbourhood", "request"]
    municipality_code: str
    lat: float
    lon: float
    service_min: int
    windows: list[list[int]]  # [[open, close], ...] minutes since midnight, start of service
    days: list[int] = Field(default_factory=list)  # ISO weekdays; empty = any
    score: float
    breakdown: dict[str, float]  # weighted components; they sum to score
    weekly_max: int = 1
    min_gap_days: int = 0
    mandatory: bool = False
    deadline: str | None = None
    skills: list[str] = Field(default_factory=list)
    population: int | None = None
    synthetic: bool = False
    meta: dict[str, Any] = Field(default_factory=dict)


class HotspotRecord(_Model):
    id: str
    municipality_code: str | None = None
    geometry: dict[str, Any]  # GeoJSON geometry, WGS84
    incidents: int
    intensity: float  # recency-weighted incident count
    statistic: float  # kernel density peak or Gi* z-score, per ``method``
    method: str  # "kde" | "gistar"
    trend: float  # ratio of weekly rate, last 4 weeks vs the 8 before
    synthetic: bool = False


class Stop(_Model):
    seq: int  # 1-based order within the route
    site_id: str
    arrival: int  # minutes since midnight
    start: int
    end: int
    arrival_iso: str
    start_iso: str
    end_iso: str
    wait_min: int = 0
    locked: bool = False  # already made; a re-plan keeps it


class Leg(_Model):
    from_id: str  # station id or site id
    to_id: str
    depart: int  # minutes since midnight
    minutes: int
    metres: int
    ferry: bool = False
    links: list[str] = Field(default_factory=list)


class Route(_Model):
    id: str  # "<vehicle>-<date>"
    vehicle_id: str
    date: str
    weekday: int  # ISO weekday
    depot_id: str
    depot_lat: float
    depot_lon: float
    shift: list[int]  # [earliest departure, latest return]
    max_work_min: int
    departure: int
    return_: int = Field(alias="return")
    crew: list[str] = Field(default_factory=list)  # officer ids
    stops: list[Stop] = Field(default_factory=list)
    legs: list[Leg] = Field(default_factory=list)  # len(stops) + 1 when stops, else 0
    travel_min: int = 0
    travel_m: int = 0
    service_min: int = 0

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class VehicleInfo(_Model):
    id: str
    name: str
    home_station_id: str
    shift: list[int]
    max_work_min: int
    crew_size: int
    days: list[int] = Field(default_factory=list)  # ISO weekdays it is available; empty = every planned day


class Shift(_Model):
    date: str
    start: int  # minutes since midnight
    end: int
    duty: Literal["mobile", "patrol"]
    route_id: str | None = None
    # patrol: the drive from the officer's station through the day's areas and
    # back, leg by leg (an area's patrol time lies between the leg into it and
    # the leg out), so end - start == travel_min + the day's patrol minutes
    travel_min: int | None = None
    legs: list[Leg] = Field(default_factory=list)


class OfficerRecord(_Model):
    id: str
    name: str
    station_id: str
    weekly_hours: float
    skills: list[str] = Field(default_factory=list)
    max_shift_hours: float | None = None  # longest duty day, first start to last end (None: not stated)
    available_days: list[int] | None = None  # ISO weekdays the officer works (None: not stated)
    earliest_start: int | None = None  # day window every shift lies in, minutes (None: not stated)
    latest_end: int | None = None
    shifts: list[Shift] = Field(default_factory=list)


class HoursAllocation(_Model):
    officer_id: str
    area_id: str  # site id of a town or neighbourhood
    area_name: str
    municipality_code: str
    date: str | None = None
    minutes: int
    blocks: int  # 15-minute patrol stops


class Unvisited(_Model):
    site_id: str
    reason_code: Literal["no_time", "unreachable", "displaced", "weekly_max", "no_skill", "wrong_day"]
    reason: str  # one sentence a planner understands, in Danish


class RulesInfo(_Model):
    """The working-time rules the plan was made under, so it can be checked without the scenario."""

    min_rest_hours: float  # between the end of one duty day and the start of the next
    crew_home_rule: Literal["same_station", "any"]  # same_station: crews come from the vehicle's home station
    # share of contract hours kept for admin work: shifts total at most weekly_hours x (1 - admin_share)
    admin_share: float | None = None
    patrol_block_min: int | None = None  # a patrol allocation is whole blocks of this many minutes
    repeat_value: float | None = None  # the k-th visit of a site is worth repeat_value ** (k - 1) of the 1st
    ferry_boarding_min: int | None = None  # with a timetable: at the terminal this long before departure


class CalendarEventState(_Model):
    """What a calendar event was when this plan was published, so the next revision can tell.

    ``digest`` fingerprints the event without ``DTSTAMP`` and ``SEQUENCE``: a
    revision whose event has the same digest republishes it with the same
    ``sequence`` and ``stamp`` (byte for byte the same), any other raises
    ``sequence`` by one. ``ical`` keeps the published text of a cancelled
    event, which no later plan can rebuild.
    """

    file: str  # file name inside calendars/
    sequence: int = 0
    stamp: str  # DTSTAMP, UTC ISO 8601
    digest: str
    cancelled: bool = False
    ical: str | None = None


class CalendarState(_Model):
    """Every calendar event UID published for this week so far, live or cancelled."""

    events: dict[str, CalendarEventState] = Field(default_factory=dict)


class PlanRecord(_Model):
    schema_version: str = SCHEMA_VERSION
    generated_at: str
    timezone: str = "Europe/Copenhagen"
    scenario: ScenarioInfo
    travel: TravelInfo
    synthetic_inputs: list[str] = Field(default_factory=list)  # e.g. ["incidents"]
    # what the run reported without stopping the plan: input rows skipped
    # (with row number and reason), points outside the district, requests
    # adjusted, vehicles without a home crew, a time limit overrun
    notes: list[str] = Field(default_factory=list)
    rules: RulesInfo | None = None
    municipalities: list[MunicipalityInfo]
    stations: list[StationInfo]
    links: list[LinkInfo] = Field(default_factory=list)
    sites: list[SiteRecord]
    hotspots: list[HotspotRecord] = Field(default_factory=list)
    vehicles: list[VehicleInfo]
    routes: list[Route]
    officers: list[OfficerRecord] = Field(default_factory=list)
    hours: list[HoursAllocation] = Field(default_factory=list)
    unvisited: list[Unvisited] = Field(default_factory=list)
    kpis: dict[str, Any] = Field(default_factory=dict)
    solver: dict[str, Any] = Field(default_factory=dict)
    # the calendar events as published from this plan (sequence, stamp, cancellations);
    # None for a plan never written out. Revision n+1 derives its SEQUENCEs from it.
    calendar: CalendarState | None = None

    # -- convenience -------------------------------------------------------
    def site(self, site_id: str) -> SiteRecord:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(site_id)

    def to_json(self) -> str:
        return (
            json.dumps(
                self.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2, sort_keys=False
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> PlanRecord:
        return cls.model_validate_json(text)

    @classmethod
    def read(cls, path: str | Path) -> PlanRecord:
        from mobilstation.errors import InputError
        from mobilstation.i18n import t

        p = Path(path)
        if p.is_dir():
            p = p / "plan.json"
        try:
            return cls.from_json(p.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputError(t("planfile.not_found", path=p)) from exc
        except ValueError as exc:
            raise InputError(t("planfile.invalid", path=p, reason=exc)) from exc

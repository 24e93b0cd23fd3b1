"""The scenario's schema: the pydantic models of the YAML file.

What a planner may write and what each field means lives here, apart from
reading files (:mod:`.loading`) and checking against the district's data
(:mod:`.resolving`), so the schema can be read, dumped and validated on its
own. Every model forbids unknown fields, so a typo fails with a did-you-mean
instead of being ignored.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from mobilstation.demand.campaigns import CampaignSpec
from mobilstation.i18n import t
from mobilstation.demand.hotspots import HotspotParams
from mobilstation.demand.rotation import RotationRule
from mobilstation.demand.scoring import Weights
from mobilstation.demand.sites import SiteSettings
from mobilstation.demand.synthetic import SyntheticParams
from mobilstation.errors import ScenarioError
from mobilstation.optimize.specs import SolverSettings, WeekSettings
from mobilstation.scenario.field_errors import _display, _split_path
from mobilstation.scenario.values import (
    _ISO_WEEK,
    Days,
    ScenarioFile,
    _duration_min,
    _parse_duration,
    _parse_shift,
    _skills,
    parse_clock,
)
from mobilstation.travel.estimated import EstimatedParams
from mobilstation.travel.osm import OsmParams

class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Home(_Spec):
    """Where a vehicle is based: a place (station id, station or town name) or coordinates.

    In YAML either ``home: aalborg-politigaard`` / ``home: Hjørring`` or
    ``home: {lat: 57.46, lon: 9.98}`` (WGS84 degrees).
    """

    place: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"place": value}
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Home:
        has_xy = self.lat is not None or self.lon is not None
        if self.place is not None and has_xy:
            raise ValueError(t("schema.home_both"))
        if self.place is None and (self.lat is None or self.lon is None):
            raise ValueError(t("schema.home_form"))
        if self.place is not None and not self.place.strip():
            raise ValueError(t("schema.home_empty"))
        return self


class VehicleSpec(_Spec):
    """A mobile police station as the planner describes it.

    ``shift`` bounds departure and return (``"HH:MM-HH:MM"``, local time).
    ``max_work`` bounds the day from departure to return, travel included
    (hours as a number or ``"7:30"``; default the shift's length).
    ``crew_size`` is the number of officers aboard. ``days`` restricts the
    vehicle to some of the planned weekdays (default: all of them).
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\- ]+$")
    name: str = ""
    home: Home
    shift: Annotated[str, BeforeValidator(_parse_shift)] = "08:00-16:00"
    max_work: Annotated[str, BeforeValidator(_parse_duration)] | None = None
    crew_size: int = Field(default=2, ge=1, le=6)
    days: Days | None = None

    @property
    def shift_start(self) -> int:
        return parse_clock(self.shift.split("-")[0])

    @property
    def shift_end(self) -> int:
        return parse_clock(self.shift.split("-")[1])

    @property
    def max_work_min(self) -> int:
        """Minutes; the shift's length when ``max_work`` is not given."""
        if self.max_work is None:
            return self.shift_end - self.shift_start
        return _duration_min(self.max_work)


class OfficerSpec(_Spec):
    """A lokalbetjent: ``station`` is a station id or name of the district.

    ``weekly_hours`` is the contracted week (hours); ``skills`` free words
    (``traffic`` for officers trained for traffic checks; in the CSV
    separated by ';'). ``available_days`` defaults to Monday-Friday.
    """

    id: str = Field(min_length=1)
    name: str = ""
    station: str = Field(min_length=1)
    weekly_hours: float = Field(default=37.0, ge=0, le=80)
    skills: Annotated[list[str], BeforeValidator(_skills)] = Field(default_factory=list)
    available_days: Days | None = None
    max_shift_hours: float | None = Field(default=None, gt=0, le=16)


class PinSpec(_Spec):
    """A visit a leader has promised: ``site`` (a candidate site's id or name) on ``date``.

    ``time`` (``"HH:MM"``) fixes when the visit starts and ``vehicle`` which
    van makes it. The plan keeps the pin or fails (exit 1) naming it.
    """

    site: str = Field(min_length=1)
    date: date
    time: str | None = None
    vehicle: str | None = None
    soft: bool = False
    """A re-plan's kept visit: if the site is visited this week, then on that day, at that time, by that
    van; but it may be dropped (a promise may not)."""

    @field_validator("time")
    @classmethod
    def _hhmm(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from mobilstation.demand._windows import parse_hhmm

        parse_hhmm(v)
        return v


class QuotaSpec(_Spec):
    """Minimum presence in one municipality this week (see :class:`~mobilstation.optimize.specs.Quota`).

    ``min_visits``: mobile-station stops; ``min_hours``: total presence hours
    (mobile service + patrol); ``min_mobile_hours`` and ``min_patrol_hours``
    split it when a lokalråd action plan asks for one kind.
    """

    min_visits: int = Field(default=0, ge=0)
    min_hours: float = Field(default=0.0, ge=0)
    min_mobile_hours: float = Field(default=0.0, ge=0)
    min_patrol_hours: float = Field(default=0.0, ge=0)


class IncidentsSpec(_Spec):
    """Where the incidents (burglaries) come from: a CSV ``file`` or ``synthetic`` parameters.

    ``as_of`` is the date the hotspot analysis looks back from (default: the
    day before the planned week starts).
    """

    file: ScenarioFile | None = None
    synthetic: SyntheticParams | None = None
    as_of: date | None = None

    @model_validator(mode="after")
    def _one_source(self) -> IncidentsSpec:
        if (self.file is None) == (self.synthetic is None):
            raise ValueError(t("schema.incidents_one"))
        return self


class _FileSpec(_Spec):
    """A spec around one ``file``: a bare path in the YAML is short for ``{file: path}``."""

    file: ScenarioFile

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, value: Any) -> Any:
        if isinstance(value, (str, os.PathLike)):
            return {"file": value}
        return value


class RequestsSpec(_FileSpec):
    """Citizen requests ("Bestil en betjent"): a CSV ``file`` (see :mod:`mobilstation.demand.requests`).

    ``requests: data/requests.csv`` is short for ``{file: data/requests.csv}``.
    ``synthetic: true`` marks invented example requests, so every output
    derived from them says so.
    """

    synthetic: bool = False


class EstimatedTravelSpec(_Spec):
    """Travel times estimated from straight-line distance (no road network needed).

    ``cache``: keep computed matrices under ``.cache/`` so a re-plan is instant.
    """

    model: Literal["estimated"] = "estimated"
    params: EstimatedParams = Field(default_factory=EstimatedParams)
    cache: bool = True


class OsmTravelSpec(_Spec):
    """Travel times routed over an OpenStreetMap extract (``pbf``, read offline)."""

    model: Literal["osm"]
    pbf: ScenarioFile
    params: OsmParams = Field(default_factory=OsmParams)
    cache: bool = True


TravelSpec = Annotated[EstimatedTravelSpec | OsmTravelSpec, Field(discriminator="model")]


class DataFileSpec(_FileSpec):
    """A planner's stations or links file (the columns of the geodata file of that kind).

    ``stations_file: data/stations.csv`` is short for ``{file: data/stations.csv}``;
    the rows are added to the district's own, or replace them with ``replace: true``.
    """

    replace: bool = False


class OutputsSpec(_Spec):
    """Which optional outputs ``mobilstation plan`` writes besides the fixed set.

    plan.json, the CSV tables, kpis.json, schedule.xlsx, the calendars and
    plan.gpkg are always written. ``maps``: also the interactive offline
    maps and their index page (HTML; the slowest output).
    """

    maps: bool = True


class Scenario(_Spec):
    """One planning scenario; see the module docstring and ``scenarios/nordjylland.yaml``."""

    name: str = ""
    description: str = ""
    district: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)] = Field(
        min_length=1
    )
    week: str
    days: Days = Field(default_factory=lambda: [1, 2, 3, 4, 5], min_length=1)
    vehicles: list[VehicleSpec] = Field(min_length=1)
    officers: list[OfficerSpec] | None = None
    officers_file: ScenarioFile | None = None
    absent_officers: list[str] = Field(default_factory=list)
    sites: SiteSettings = Field(default_factory=SiteSettings)
    weights: Weights = Field(default_factory=Weights)
    quotas: dict[str, QuotaSpec] = Field(default_factory=dict)
    incidents: IncidentsSpec | None = None
    hotspots: HotspotParams = Field(default_factory=HotspotParams)
    requests: RequestsSpec | None = None
    history: ScenarioFile | None = None
    ledger: str | None = None
    rotation: RotationRule | None = None
    campaigns: list[CampaignSpec] = Field(default_factory=list)
    pinned: list[PinSpec] = Field(default_factory=list)
    travel: TravelSpec = Field(default_factory=EstimatedTravelSpec)
    week_settings: WeekSettings = Field(default_factory=WeekSettings)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    outputs: OutputsSpec = Field(default_factory=OutputsSpec)
    stations_file: DataFileSpec | None = None
    links_file: DataFileSpec | None = None

    _source: Path | None = PrivateAttr(default=None)
    _origins: dict[tuple[Any, ...], str] = PrivateAttr(default_factory=dict)

    @field_validator("week")
    @classmethod
    def _iso_week(cls, v: str) -> str:
        m = _ISO_WEEK.match(v.strip())
        if not m:
            raise ValueError(t("schema.week", got=repr(v)))
        year, week = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(t("schema.no_week", year=year, week=week)) from None
        return f"{year}-W{week:02d}"

    @field_validator("weights")
    @classmethod
    def _some_weight(cls, v: Weights) -> Weights:
        names = ("population", "remoteness", "burglary", "trend", "recency", "urgency")
        if all(getattr(v, n) == 0 for n in names):
            raise ValueError(t("schema.weights_zero", names=", ".join(names)))
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [v.id for v in self.vehicles]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(t("schema.vehicle_twice", ids=", ".join(dup)))
        if self.officers is not None and self.officers_file is not None:
            raise ValueError(t("schema.officers_both"))
        if self.officers is None and self.officers_file is None:
            raise ValueError(t("schema.officers_none"))
        if self.officers is not None:
            oids = [o.id for o in self.officers]
            dup = sorted({i for i in oids if oids.count(i) > 1})
            if dup:
                raise ValueError(t("schema.officer_twice", ids=", ".join(dup)))
        return self

    # -- derived -------------------------------------------------------------
    @property
    def source(self) -> Path | None:
        """The scenario file this was loaded from (None for a dict)."""
        return self._source

    @property
    def week_start(self) -> date:
        """Monday of the ISO week."""
        year, week = (int(p) for p in self.week.split("-W"))
        return date.fromisocalendar(year, week, 1)

    @property
    def dates(self) -> list[date]:
        """The planned dates, in order (one per entry of ``days``)."""
        start = self.week_start
        return [start + timedelta(days=d - 1) for d in self.days]

    @property
    def incidents_as_of(self) -> date:
        """The date hotspot analysis looks back from (default: the day before the week)."""
        if self.incidents is not None and self.incidents.as_of is not None:
            return self.incidents.as_of
        return self.week_start - timedelta(days=1)

    def error(self, field_path: str, message: str) -> ScenarioError:
        """A :class:`ScenarioError` naming the file that set ``field_path``."""
        return ScenarioError(f"{self._origin_of(field_path)}: {field_path}: {message}")

    def _origin_of(self, field_path: str) -> str:
        keys = _split_path(field_path)
        for n in range(len(keys), 0, -1):
            if tuple(keys[:n]) in self._origins:
                return self._origins[tuple(keys[:n])]
        return _display(self._source) if self._source else "scenario"



"""The scenario: what the planner asks for, as one typed, validated YAML file.

A scenario names the district (data, never code), the ISO week and days, the
vehicles and where they are based, the lokalbetjente (inline or from a CSV),
municipal quotas (lokalråd action plans), the demand inputs (incidents,
citizen requests, visit history) and the settings of every pipeline step.

Two steps, so ``mobilstation validate`` can check everything without solving:

* :func:`load_scenario` reads the YAML (following ``include:``), applies
  overrides, resolves relative paths against the directory of the file that
  names them, and validates the structure. Every model forbids unknown
  fields, so a typo fails with a did-you-mean instead of being ignored.
* :func:`resolve` checks the scenario against the district's data: vehicle
  homes become stations or coordinates, officers are read and their stations
  found, quota keys become municipality codes, and the input files are read.

Every error is a :class:`~mobilstation.errors.ScenarioError` whose message
names the file, the field path and what was expected, e.g.
``scenarios/x.yaml: vehicles[1].home: no station or town named 'Hjøring'
(did you mean 'Hjørring'?)``.

``include: base.yaml`` (a path relative to the including file, or a list of
them, applied in order) merges deeply: mappings merge key by key, the
including file wins, and lists and scalars replace whole.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from mobilstation.demand.hotspots import HotspotParams
from mobilstation.demand.campaigns import CampaignSpec
from mobilstation.demand.rotation import RotationRule
from mobilstation.demand.scoring import Weights
from mobilstation.demand.sites import SiteSettings
from mobilstation.demand.synthetic import SyntheticParams
from mobilstation.errors import InputError, ScenarioError
from mobilstation.optimize.specs import Officer, Quota, SolverSettings, Vehicle, WeekSettings
from mobilstation.travel.estimated import EstimatedParams
from mobilstation.travel.osm import OsmParams

if typing.TYPE_CHECKING:  # pragma: no cover
    from mobilstation.geo.model import District, Station, Town

__all__ = [
    "DAY_NAMES",
    "EstimatedTravelSpec",
    "Home",
    "IncidentsSpec",
    "OfficerSpec",
    "OsmTravelSpec",
    "OutputsSpec",
    "QuotaSpec",
    "RequestsSpec",
    "ResolvedScenario",
    "Scenario",
    "VehicleSpec",
    "load_scenario",
    "parse_clock",
    "parse_days",
    "read_history",
    "read_officers",
    "resolve",
]

# ---------------------------------------------------------------------------
# small value parsers (each raises ValueError with what was expected)
# ---------------------------------------------------------------------------

#: Weekday names accepted in ``days`` (Danish and English, full and short),
#: mapped to ISO weekday numbers (1 = Monday).
DAY_NAMES: dict[str, int] = {}
for _num, _names in enumerate(
    (
        ("mandag", "man", "monday", "mon"),
        ("tirsdag", "tir", "tuesday", "tue"),
        ("onsdag", "ons", "wednesday", "wed"),
        ("torsdag", "tor", "thursday", "thu"),
        ("fredag", "fre", "friday", "fri"),
        ("lørdag", "lør", "saturday", "sat"),
        ("søndag", "søn", "sunday", "sun"),
    ),
    start=1,
):
    for _name in _names:
        DAY_NAMES[_name] = _num

_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_clock(text: str) -> int:
    """``"08:00"`` -> 480 (minutes since local midnight). ``"24:00"`` is the day's end."""
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(f"expected a time of day as HH:MM (e.g. '08:00'), got {text!r}")
    h, mi = int(m.group(1)), int(m.group(2))
    if mi >= 60 or h > 24 or (h == 24 and mi):
        raise ValueError(f"expected a time of day between 00:00 and 24:00, got {text!r}")
    return h * 60 + mi


def _fmt_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_days(value: Any) -> list[int]:
    """ISO weekday numbers from numbers or names (``[1, 2]``, ``["mandag", "Tue"]``).

    Returns the days sorted; a day listed twice is an error.
    """
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"expected a list of weekdays (1-7 or names like 'mandag'), got {value!r}")
    out: list[int] = []
    for item in value:
        if isinstance(item, bool):
            raise ValueError(f"expected a weekday (1-7 or a name like 'mandag'), got {item!r}")
        if isinstance(item, int):
            num = item
        elif isinstance(item, str) and item.strip().isdigit():
            num = int(item.strip())
        elif isinstance(item, str):
            key = item.strip().lower().rstrip(".")
            if key not in DAY_NAMES:
                close = difflib.get_close_matches(key, DAY_NAMES, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"unknown weekday {item!r}{hint}")
            num = DAY_NAMES[key]
        else:
            raise ValueError(f"expected a weekday (1-7 or a name like 'mandag'), got {item!r}")
        if not 1 <= num <= 7:
            raise ValueError(f"ISO weekdays are 1 (Monday) to 7 (Sunday), got {num}")
        if num in out:
            raise ValueError(f"weekday {num} listed twice")
        out.append(num)
    return sorted(out)


def _parse_shift(text: Any) -> str:
    """Canonical ``"HH:MM-HH:MM"``; the end must be after the start."""
    if not isinstance(text, str) or text.count("-") != 1:
        raise ValueError(f"expected a shift as 'HH:MM-HH:MM' (e.g. '08:00-16:00'), got {text!r}")
    a, b = (p.strip() for p in text.split("-"))
    try:
        start, end = parse_clock(a), parse_clock(b)
    except ValueError:
        raise ValueError(f"expected a shift as 'HH:MM-HH:MM' (e.g. '08:00-16:00'), got {text!r}") from None
    if end <= start:
        raise ValueError(f"shift must end after it starts, got {text!r}")
    return f"{_fmt_clock(start)}-{_fmt_clock(end)}"


_DURATION = re.compile(r"^(?:(\d+)\s*h(?:\s*(\d+)\s*(?:m|min)?)?|(\d+)\s*(?:m|min)|(\d+):(\d{2}))$")


def _parse_duration(value: Any) -> str:
    """A working-time length as canonical ``"H:MM"``.

    Accepts a number of hours (``8``, ``7.5``), ``"8h"``, ``"7h30"``,
    ``"450min"`` or ``"7:30"``. Stored canonical so a dumped scenario loads
    back unchanged.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected hours (e.g. 8 or '7:30'), got {value!r}")
    if isinstance(value, (int, float)):
        minutes = round(float(value) * 60)
    elif isinstance(value, str):
        m = _DURATION.match(value.strip().lower())
        if not m:
            raise ValueError(
                f"expected a duration such as 8, '8h', '7h30', '7:30' or '450min', got {value!r}"
            )
        if m.group(1) is not None:
            minutes = int(m.group(1)) * 60 + int(m.group(2) or 0)
        elif m.group(3) is not None:
            minutes = int(m.group(3))
        else:
            minutes = int(m.group(4)) * 60 + int(m.group(5))
    else:
        raise ValueError(f"expected hours (e.g. 8 or '7:30'), got {value!r}")
    if not 0 < minutes <= 24 * 60:
        raise ValueError(f"working time must be more than 0 and at most 24 hours, got {value!r}")
    return f"{minutes // 60}:{minutes % 60:02d}"


def _duration_min(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _skills(value: Any) -> Any:
    """Skills as a list; a string is split on ';' (the officers CSV form)."""
    if isinstance(value, str):
        return [s.strip() for s in value.split(";") if s.strip()]
    return value


def _must_exist(path: Path) -> Path:
    if not path.is_file():
        raise ValueError(f"file not found: {path}")
    return path


#: A path to an existing input file. Relative paths have already been made
#: absolute against the directory of the scenario file that names them.
ScenarioFile = Annotated[Path, AfterValidator(_must_exist)]
Days = Annotated[list[int], BeforeValidator(parse_days)]


# ---------------------------------------------------------------------------
# the scenario models
# ---------------------------------------------------------------------------


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
            raise ValueError("give either a place name or lat/lon, not both")
        if self.place is None and (self.lat is None or self.lon is None):
            raise ValueError("expected a station id, a station or town name, or {lat, lon}")
        if self.place is not None and not self.place.strip():
            raise ValueError("place name is empty")
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
            raise ValueError(
                "expected exactly one of 'file' (a CSV of incidents) or 'synthetic' (parameters)"
            )
        return self


class RequestsSpec(_Spec):
    """Citizen requests ("Bestil en betjent"): a CSV ``file`` (see :mod:`mobilstation.demand.requests`).

    ``requests: data/requests.csv`` is short for ``{file: data/requests.csv}``.
    ``synthetic: true`` marks invented example requests, so every output
    derived from them says so.
    """

    file: ScenarioFile
    synthetic: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, value: Any) -> Any:
        if isinstance(value, (str, os.PathLike)):
            return {"file": value}
        return value


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


class DataFileSpec(_Spec):
    """A planner's stations or links file (the columns of the geodata file of that kind).

    ``stations_file: data/stations.csv`` is short for ``{file: data/stations.csv}``;
    the rows are added to the district's own, or replace them with ``replace: true``.
    """

    file: ScenarioFile
    replace: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, value: Any) -> Any:
        if isinstance(value, (str, os.PathLike)):
            return {"file": value}
        return value


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
            raise ValueError(f"expected an ISO week like '2026-W49', got {v!r}")
        year, week = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no ISO week {week}") from None
        return f"{year}-W{week:02d}"

    @field_validator("weights")
    @classmethod
    def _some_weight(cls, v: Weights) -> Weights:
        names = ("population", "remoteness", "burglary", "trend", "recency", "urgency")
        if all(getattr(v, n) == 0 for n in names):
            raise ValueError(
                f"every weight ({', '.join(names)}) is 0, so every site would score 0; "
                "give at least one a positive weight"
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [v.id for v in self.vehicles]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"vehicle id(s) used twice: {', '.join(dup)}")
        if self.officers is not None and self.officers_file is not None:
            raise ValueError("give 'officers' (inline) or 'officers_file' (CSV), not both")
        if self.officers is None and self.officers_file is None:
            raise ValueError("no officers: give 'officers' (inline list) or 'officers_file' (CSV)")
        if self.officers is not None:
            oids = [o.id for o in self.officers]
            dup = sorted({i for i in oids if oids.count(i) > 1})
            if dup:
                raise ValueError(f"officer id(s) used twice: {', '.join(dup)}")
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


# ---------------------------------------------------------------------------
# loading: YAML, include, overrides, path resolution, error messages
# ---------------------------------------------------------------------------

#: Fields holding input file paths, resolved against the naming file's directory.
_PATH_FIELDS: tuple[tuple[str, ...], ...] = (
    ("officers_file",),
    ("requests",),
    ("requests", "file"),
    ("history",),
    ("ledger",),
    ("incidents", "file"),
    ("travel", "pbf"),
    ("stations_file",),
    ("stations_file", "file"),
    ("links_file",),
    ("links_file", "file"),
)


def _display(path: Path | str) -> str:
    """A path as the planner typed it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _split_path(field_path: str) -> list[Any]:
    keys: list[Any] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field_path):
        keys.append(int(part[1:-1]) if part.startswith("[") else part)
    return keys


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    for keys in _PATH_FIELDS:
        node: Any = data
        for k in keys[:-1]:
            node = node.get(k) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(keys[-1]), (str, os.PathLike)):
            if "://" in os.fspath(node[keys[-1]]):
                continue  # a database URL (ledger), not a path
            p = Path(node[keys[-1]]).expanduser()
            node[keys[-1]] = str(p if p.is_absolute() else (base / p).resolve())
    for item in data.get("campaigns") or []:
        if isinstance(item, dict) and isinstance(item.get("targets"), (str, os.PathLike)):
            p = Path(item["targets"]).expanduser()
            item["targets"] = str(p if p.is_absolute() else (base / p).resolve())


def _record_origins(
    data: Any, label: str, origins: dict[tuple[Any, ...], str], prefix: tuple[Any, ...]
) -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            origins[(*prefix, k)] = label
            _record_origins(v, label, origins, (*prefix, k))


def _drop_origins(origins: dict[tuple[Any, ...], str], prefix: tuple[Any, ...]) -> None:
    for key in [k for k in origins if len(k) > len(prefix) and k[: len(prefix)] == prefix]:
        del origins[key]


def _merge(
    base: dict[str, Any],
    top: Mapping[str, Any],
    label: str,
    origins: dict[tuple[Any, ...], str],
    prefix: tuple[Any, ...] = (),
) -> dict[str, Any]:
    """Deep-merge ``top`` over ``base``: mappings merge, everything else replaces."""
    out = dict(base)
    for k, v in top.items():
        key = (*prefix, k)
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, label, origins, key)
        else:
            _drop_origins(origins, key)
            out[k] = _plain(v)
            origins[key] = label
            _record_origins(out[k], label, origins, key)
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{label}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{label}: cannot read the scenario file: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"{label}: not valid YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{label}: expected a mapping of fields at the top level, got {type(data).__name__}"
        )
    return data


def _load_file(path: Path, origins: dict[tuple[Any, ...], str], stack: tuple[Path, ...]) -> dict[str, Any]:
    label = _display(path)
    real = path.resolve()
    if real in stack:
        chain = " -> ".join(_display(p) for p in (*stack, real))
        raise ScenarioError(f"{_display(stack[-1])}: include: include cycle: {chain}")
    data = _read_yaml(path, label)
    includes = data.pop("include", None)
    _resolve_paths(data, real.parent)
    merged: dict[str, Any] = {}
    if includes is not None:
        if isinstance(includes, str):
            includes = [includes]
        if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
            raise ScenarioError(
                f"{label}: include: expected a file name or a list of file names, got {includes!r}"
            )
        for inc in includes:
            inc_path = Path(inc).expanduser()
            if not inc_path.is_absolute():
                inc_path = real.parent / inc_path
            if not inc_path.is_file():
                raise ScenarioError(f"{label}: include: file not found: {_display(inc_path)}")
            merged = _merge(merged, _load_file(inc_path, origins, (*stack, real)), "", {})
    # included files recorded their own origins; this file's keys win
    return _merge(merged, data, label, origins)


def _expand_dotted(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``{"solver.time_limit_s": 5}`` -> ``{"solver": {"time_limit_s": 5}}`` (plain keys kept)."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = str(key).split(".")
        nested: Any = _plain(value)
        for part in reversed(parts[1:]):
            nested = {part: nested}
        out = _merge(out, {parts[0]: nested}, "", {})
    return out


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    overrides: Mapping[str, Any] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Scenario:
    """Read and validate a scenario (no district data is touched; see :func:`resolve`).

    ``source`` is a YAML file or an already-parsed mapping (then relative
    paths resolve against ``base_dir``, default the working directory).
    ``overrides`` deep-merge over the file last; keys may be dotted
    (``{"solver.time_limit_s": 5}``) and relative paths in them resolve
    against the working directory.

    Raises :class:`ScenarioError` naming the file, the field path and what
    was expected.

    >>> s = load_scenario("scenarios/quick.yaml", overrides={"solver.seed": 7})
    >>> s.week, s.solver.seed, [d.isoformat() for d in s.dates][:2]
    ('2026-W49', 7, ['2026-11-30', '2026-12-01'])
    """
    origins: dict[tuple[Any, ...], str] = {}
    src_path: Path | None = None
    if isinstance(source, Mapping):
        data = _plain(dict(source))
        includes = data.pop("include", None)
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        _resolve_paths(data, base.resolve())
        merged: dict[str, Any] = {}
        for inc in [includes] if isinstance(includes, str) else (includes or []):
            inc_path = Path(inc) if Path(inc).is_absolute() else base / inc
            if not inc_path.is_file():
                raise ScenarioError(f"scenario: include: file not found: {_display(inc_path)}")
            merged = _merge(merged, _load_file(inc_path, origins, ()), "", {})
        data = _merge(merged, data, "scenario", origins)
    else:
        src_path = Path(source)
        if not src_path.is_file():
            raise ScenarioError(f"{_display(src_path)}: scenario file not found")
        data = _load_file(src_path, origins, ())
    if overrides:
        ov = _expand_dotted(overrides)
        _resolve_paths(ov, Path.cwd().resolve())
        data = _merge(data, ov, "overrides", origins)
    if not data.get("name") and src_path is not None:
        data["name"] = src_path.stem
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        top = _display(src_path) if src_path is not None else "scenario"
        raise ScenarioError(_format_errors(exc, origins, top)) from None
    scenario._source = src_path.resolve() if src_path is not None else None
    scenario._origins = origins
    return scenario


# -- turning pydantic errors into planner messages ----------------------------


def _unwrap(tp: Any) -> Any:
    """Strip Annotated/Optional wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_branch(members: Sequence[Any], label: Any) -> Any:
    for m in members:
        mm = _unwrap(m)
        if _is_model(mm):
            if mm.__name__ == label:
                return mm
            for f in mm.model_fields.values():
                ann = _unwrap(f.annotation)
                if typing.get_origin(ann) is Literal and label in typing.get_args(ann):
                    return mm
    return None


def _walk(root: type[BaseModel], loc: Sequence[Any]) -> tuple[str, list[Any], Any]:
    """Map a pydantic ``loc`` to ("vehicles[1].home", keys, parent type of the last key)."""
    tp: Any = root
    parts: list[str] = []
    keys: list[Any] = []
    parent: Any = None
    i = 0
    while i < len(loc):
        e = loc[i]
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            branch = _union_branch(typing.get_args(tp), e)
            tp = branch
            i += 1
            continue
        parent = tp
        if _is_model(tp) and isinstance(e, str):
            parts.append(f".{e}" if parts else e)
            keys.append(e)
            f = tp.model_fields.get(e)
            tp = f.annotation if f is not None else None
        elif origin in (list, tuple, set, frozenset) and isinstance(e, int):
            parts.append(f"[{e}]")
            keys.append(e)
            args = typing.get_args(tp)
            tp = args[0] if args else None
        elif origin is dict:
            parts.append(f".{e}" if parts else str(e))
            keys.append(e)
            args = typing.get_args(tp)
            tp = args[1] if len(args) == 2 else None
        elif isinstance(e, int):
            parts.append(f"[{e}]")
            keys.append(e)
            tp = None
        else:
            if isinstance(e, str) and (e.startswith("function-") or e in ("str", "int", "float", "bool")):
                i += 1
                continue
            parts.append(f".{e}" if parts else str(e))
            keys.append(e)
            tp = None
        i += 1
    return "".join(parts), keys, parent


def _message(err: Mapping[str, Any], parent: Any, last: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        if _is_model(parent):
            names = list(parent.model_fields)
            close = difflib.get_close_matches(str(last), names, n=1, cutoff=0.6)
            if close:
                return f"unknown field (did you mean '{close[0]}'?)"
            return f"unknown field (expected one of: {', '.join(names)})"
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    msg = str(err["msg"])
    if kind in ("value_error", "assertion_error"):
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        return f"unknown value {ctx.get('tag')!r} (expected one of {ctx.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return "required field is missing"
    inp = err.get("input")
    if isinstance(inp, (str, int, float, bool)) or inp is None:
        return f"{msg[:1].lower()}{msg[1:]} (got {inp!r})"
    return f"{msg[:1].lower()}{msg[1:]}"


def _format_errors(exc: ValidationError, origins: Mapping[tuple[Any, ...], str], top: str) -> str:
    lines: list[str] = []
    for err in exc.errors():
        path, keys, parent = _walk(Scenario, err["loc"])
        if err["type"].startswith("union_tag"):
            disc = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            if disc:
                path = f"{path}.{disc}" if path else disc
        last = keys[-1] if keys else None
        origin = top
        for n in range(len(keys), 0, -1):
            label = origins.get(tuple(keys[:n]))
            if label:
                origin = label
                break
        where = f"{origin}: {path}: " if path else f"{origin}: "
        line = where + _message(err, parent, last)
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# file readers owned by the scenario: officers and visit history
# ---------------------------------------------------------------------------

_OFFICER_COLUMNS = ("id", "name", "station", "weekly_hours", "skills")
_OFFICER_OPTIONAL = ("available_days", "max_shift_hours")


def _open_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line number, row)]) via :func:`mobilstation.tabular.read_table`.

    ``;`` or ``,``, BOM or not, UTF-8 or Windows-1252 (as Danish Excel saves);
    the rows carry ``.findings`` (text the outputs show cleaned).
    """
    from mobilstation.tabular import read_table

    table = read_table(path, label=_display(path), numbering="lines")
    rows = _Rows((row.line, dict(row)) for row in table)
    rows.findings = table.findings
    return table.header, rows


class _Rows(list[Any]):
    """Rows read from a file, with the warnings reading found (see :class:`mobilstation.tabular.Table`)."""

    findings: list[str] = []  # noqa: RUF012 (set per instance)


def read_officers(path: str | os.PathLike[str]) -> list[OfficerSpec]:
    """Read the officers CSV: ``id,name,station,weekly_hours,skills``.

    ``skills`` are separated by ';' (may be empty). Optional columns:
    ``available_days`` (';'-separated weekdays, numbers or names) and
    ``max_shift_hours``. Errors name the file, the row (line number) and the
    column.
    """
    return [spec for _, spec in _read_officer_rows(path)]


def _read_officer_rows(path: str | os.PathLike[str]) -> list[tuple[int, OfficerSpec]]:
    """(line number, officer) for each data row of the officers CSV (``.findings``: warnings)."""
    import contextlib

    from mobilstation.tabular import parse_number
    from mobilstation.untrusted import id_problem

    p = Path(path)
    label = _display(p)
    header, rows = _open_csv(p)
    missing = [c for c in ("id", "station") if c not in header]
    if missing:
        raise InputError(
            f"{label}: missing column(s) {', '.join(missing)}; expected columns "
            f"{', '.join(_OFFICER_COLUMNS)} (optional: {', '.join(_OFFICER_OPTIONAL)})"
        )
    unknown = [c for c in header if c not in _OFFICER_COLUMNS + _OFFICER_OPTIONAL]
    if unknown:
        raise InputError(
            f"{label}: unknown column(s) {', '.join(unknown)}; expected "
            f"{', '.join(_OFFICER_COLUMNS + _OFFICER_OPTIONAL)}"
        )
    out = _Rows()
    out.findings = list(getattr(rows, "findings", []))
    seen: dict[str, int] = {}
    for line, row in rows:
        data: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
        for key in ("skills", "available_days"):  # a ';' file lists them with ','
            if key in data:
                data[key] = [d.strip() for d in re.split(r"[;,]", data[key]) if d.strip()]
        for key in ("weekly_hours", "max_shift_hours"):  # decimal comma as Danish Excel writes it
            if key in data:
                with contextlib.suppress(InputError):  # else the model's message names field and expectation
                    data[key] = parse_number(data[key])
        try:
            spec = OfficerSpec.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            col = ".".join(str(x) for x in err["loc"][:1]) or "row"
            raise InputError(f"{label}: row {line}: {col}: {_message(err, OfficerSpec, col)}") from None
        if spec.id in seen:
            raise InputError(
                f"{label}: row {line}: id: officer {spec.id!r} already listed in row {seen[spec.id]}"
            )
        if id_problem(spec.id):
            raise InputError(f"{label}: row {line}: id: {id_problem(spec.id)}")
        seen[spec.id] = line
        out.append((line, spec))
    if not out:
        raise InputError(f"{label}: no officers listed")
    return out


def read_history(path: str | os.PathLike[str]) -> dict[str, date]:
    """Read visit history: ``site_id,last_visit`` -> {site id: last visit}.

    Dates ISO (``2026-11-30``) or as Danish Excel writes them
    (``30-11-2026``). A site listed twice keeps its latest visit.
    """
    from mobilstation.tabular import parse_date

    p = Path(path)
    label = _display(p)
    header, rows = _open_csv(p)
    missing = [c for c in ("site_id", "last_visit") if c not in header]
    if missing:
        raise InputError(
            f"{label}: missing column(s) {', '.join(missing)}; expected columns site_id,last_visit"
        )
    out: dict[str, date] = {}
    for line, row in rows:
        sid = row.get("site_id", "")
        if not sid:
            raise InputError(f"{label}: row {line}: site_id: empty")
        when = parse_date(row.get("last_visit", ""), where=f"{label}: row {line}: last_visit")
        if sid not in out or when > out[sid]:
            out[sid] = when
    return out


# ---------------------------------------------------------------------------
# resolution against the district
# ---------------------------------------------------------------------------


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
        hint = " (did you mean " + " or ".join(f"'{i}'" for i in partial) + "?)"
    else:
        by_text = {s.id: s.id for s in district.stations} | {s.name.lower(): s.id for s in district.stations}
        close = difflib.get_close_matches(low, list(by_text), n=1, cutoff=0.6)
        hint = (
            f" (did you mean '{by_text[close[0]]}'?)"
            if close
            else f" (station ids: {', '.join(s.id for s in district.stations)})"
        )
    raise ScenarioError(f"{where}: no station named {key!r}{hint}")


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
                choices = f" (stations there: {', '.join(s.id for s in there)})" if there else ""
                warnings.append(
                    f"vehicle {spec.id}: home {place.name!r} is a town, not a police station; "
                    f"the vehicle starts and ends each day at the town centre{choices}"
                )
        else:
            assert spec.home.lat is not None and spec.home.lon is not None
            lat, lon = spec.home.lat, spec.home.lon
            if not _inside(district, lat, lon):
                raise scenario.error(path, f"({lat}, {lon}) lies outside {district.name}")
            depot_id, depot_name = f"home:{spec.id}", f"{spec.name or spec.id} (base)"
        days = [d for d in (spec.days or scenario.days) if d in scenario.days]
        if spec.days is not None and not days:
            warnings.append(f"vehicle {spec.id}: none of its days {spec.days} is planned this week")
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
        wheres = [f"{file_label}: row {line}: station" for line, _ in rows]
    else:
        specs = list(scenario.officers or [])
        wheres = [f"{scenario._origin_of('officers')}: officers[{j}].station" for j in range(len(specs))]
    ids = {o.id for o in specs}
    unknown = [a for a in scenario.absent_officers if a not in ids]
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(ids), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise scenario.error("absent_officers", f"no officer with id {unknown[0]!r}{hint}")
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
        raise scenario.error("absent_officers", "every officer is absent; no one can crew a vehicle")
    if scenario.week_settings.crew_home_rule == "same_station":
        for v in vehicles:
            home = [o for o in officers if o.station_id == v.depot_id]
            if len(home) < v.crew_size:
                warnings.append(
                    f"vehicle {v.id}: {len(home)} officer(s) based at {v.depot_name} but a crew of "
                    f"{v.crew_size} is needed (week_settings.crew_home_rule is 'same_station')"
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
                f"quotas.{key}", f"{mun.name} ({mun.code}) already has a quota under {seen_codes[mun.code]!r}"
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
                f"{pin.date} is not a planned day of {scenario.week} "
                f"({', '.join(d.isoformat() for d in dates)})",
            )
        if pin.vehicle is not None and pin.vehicle not in {v.id for v in vehicles}:
            raise scenario.error(
                f"pinned[{j}].vehicle", f"no vehicle {pin.vehicle!r} (vehicles: {', '.join(v.id for v in vehicles)})"
            )
    campaign_targets: dict[str, Any] = {}
    ids = [c.id for c in scenario.campaigns]
    for j, spec in enumerate(scenario.campaigns):
        if ids.count(spec.id) > 1:
            raise scenario.error(f"campaigns[{j}].id", f"campaign id {spec.id!r} used twice")
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

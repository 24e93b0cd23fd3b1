"""Candidate sites: small towns, outlying areas, burglary neighbourhoods, requests.

:func:`build_sites` turns the district, the hotspots, the requests and the
visit history into :class:`~mobilstation.demand.site.Site` records with a
score and its breakdown. Kinds and ids (stable between runs, ASCII only):

* ``town:<town id>`` (``town:geonames:2612021``): towns with
  ``town_min_population <= population < town_max_population``; a
  municipality with none (an island with only villages) gets its largest
  town below the maximum when ``largest_town_per_municipality``;
* ``outlying:<postnr>``: postal districts with no town site, whose largest
  town (or, without towns, a point inside its largest polygon part) is at
  least ``outlying_min_drive_min`` minutes' drive from the nearest fixed
  police station (from the travel model);
* ``neighbourhood:<hotspot id>``: the ``neighbourhood_max`` most intense
  hotspot areas, the stop at the area's weighted centre (inside the area);
* ``request:<request id>``: citizen requests.

Every site's municipality is the one containing its point.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Annotated, Any

import numpy as np
import shapely
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from scipy.spatial import cKDTree

from mobilstation.demand._geom import DistrictIndex, geom_to_metric, to_metric
from mobilstation.demand._windows import parse_window
from mobilstation.demand.hotspots import HotspotParams, Hotspots, incident_ages, recency_weights, trend_ratio
from mobilstation.demand.incidents import Incidents, as_incidents
from mobilstation.demand.requests import Request
from mobilstation.demand.scoring import ScoreInputs, Weights, score_sites
from mobilstation.demand.site import SITE_KINDS, Site
from mobilstation.geo.model import District, Town
from mobilstation.i18n import t
from mobilstation.travel.base import Point, TravelModel


def _windows(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError(t("value.windows", got=repr(value)))
    if len(value) == 2 and all(isinstance(v, int) for v in value):
        value = [value]  # one [open, close] pair
    return [parse_window(v) for v in value]


Windows = Annotated[list[tuple[int, int]], BeforeValidator(_windows)]
"""Start-of-service windows, minutes since local midnight; "HH:MM-HH:MM" accepted."""


class KindSettings(BaseModel):
    """How sites of one kind are visited.

    ``windows`` bound the *start* of service (minutes since local midnight;
    ``"09:00-15:30"`` strings are accepted and stored as minutes).
    ``days``: ISO weekdays allowed (empty: any planned day).
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    service_min: int = Field(default=60, gt=0, le=1440)
    windows: Windows = Field(default_factory=lambda: [(540, 960)])
    days: list[int] = Field(default_factory=list)
    weekly_max: int = Field(default=1, ge=1, le=14)
    min_gap_days: int = Field(default=2, ge=0, le=7)

    @field_validator("windows")
    @classmethod
    def _non_empty(cls, v: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if not v:
            raise ValueError(t("value.windows_empty"))
        return sorted(v)

    @field_validator("days")
    @classmethod
    def _weekdays(cls, v: list[int]) -> list[int]:
        bad = [d for d in v if not 1 <= d <= 7]
        if bad:
            raise ValueError(t("value.day_number", got=bad))
        return sorted(set(v))


class TownSettings(KindSettings):
    """``town`` sites: a 90-minute open station started 09:00-15:30 (closed by 17:00)."""

    service_min: int = Field(default=90, gt=0, le=1440)
    windows: Windows = Field(default_factory=lambda: [(540, 930)])


class OutlyingSettings(KindSettings):
    """``outlying`` sites: 60 minutes started in office hours (09:00-16:00)."""

    service_min: int = Field(default=60, gt=0, le=1440)
    windows: Windows = Field(default_factory=lambda: [(540, 960)])


class NeighbourhoodSettings(KindSettings):
    """``neighbourhood`` sites: 75 minutes started 14:00-19:00, up to twice a week.

    Late afternoon and early evening: residents are home to talk to, and in
    the dark winter afternoons that is when burglars look for empty houses.
    Two visits a week (two days apart) answer a near-repeat risk that lasts
    one to two weeks.
    """

    service_min: int = Field(default=75, gt=0, le=1440)
    windows: Windows = Field(default_factory=lambda: [(840, 1140)])
    weekly_max: int = Field(default=2, ge=1, le=14)


class RequestSettings(KindSettings):
    """``request`` sites: fallback service time and window when a request or its type gives none."""

    service_min: int = Field(default=60, gt=0, le=1440)
    windows: Windows = Field(default_factory=lambda: [(540, 960)])
    min_gap_days: int = Field(default=0, ge=0, le=7)


class RequestType(BaseModel):
    """A kind of citizen request ("Bestil en betjent"): its service time and needed crew skills."""

    model_config = ConfigDict(extra="forbid")

    service_min: int = Field(gt=0, le=1440)
    skills: list[str] = Field(default_factory=list)


def _default_request_types() -> dict[str, RequestType]:
    return {
        "traffic_check": RequestType(service_min=60, skills=["traffic"]),
        "local_officer": RequestType(service_min=45, skills=[]),
    }


class SiteSettings(BaseModel):
    """Which candidate sites exist and how each kind is visited.

    Defaults: a small-town visit is a 90-minute open station started between
    09:00 and 15:30 (so it closes by 17:00); outlying areas get 60 minutes in
    office hours; burglary neighbourhoods get 75 minutes started 14:00-19:00
    (late afternoon and early evening, when residents are home and burglars
    look for empty houses in the dark winter afternoons), up to twice a week;
    requests use their own window and the service time of their type.
    """

    model_config = ConfigDict(extra="forbid")

    town: TownSettings = Field(default_factory=TownSettings)
    outlying: OutlyingSettings = Field(default_factory=OutlyingSettings)
    neighbourhood: NeighbourhoodSettings = Field(default_factory=NeighbourhoodSettings)
    request: RequestSettings = Field(default_factory=RequestSettings)
    town_min_population: int = Field(default=1000, ge=0)
    """Smallest town that is a ``town`` site (people)."""
    town_max_population: int = Field(default=15_000, ge=1)
    """Towns of this size or more are not targets: they have their own police presence.

    15,000 keeps Aalborg, Nørresundby, Hjørring and Frederikshavn out and
    every smaller town (Brønderslev, Hobro, Skagen, ...) in.
    """
    largest_town_per_municipality: bool = True
    """A municipality with no town in the size band still gets its largest town below
    ``town_max_population`` (an island such as Læsø has only small villages)."""
    outlying_min_drive_min: int = Field(default=20, ge=0)
    """An ``outlying`` site is at least this many minutes' drive from the nearest fixed station."""
    part_time_station_kinds: list[str] = Field(default_factory=lambda: ["politikontor"])
    """Station kinds that do not count as a fixed police station for remoteness and outlying sites.

    A *politikontor* opens an hour or two a week (Kaas, Læsø): the people
    around it are still far from a staffed station. When no station is left
    after excluding these kinds, all stations count.
    """
    neighbourhood_max: int = Field(default=12, ge=0)
    """At most this many hotspot areas (the most intense) become neighbourhood sites."""
    request_types: dict[str, RequestType] = Field(default_factory=_default_request_types)
    """Request type -> service minutes and required crew skills (traffic checks need "traffic")."""

    @model_validator(mode="after")
    def _band(self) -> SiteSettings:
        if self.town_min_population >= self.town_max_population:
            band = {"low": self.town_min_population, "high": self.town_max_population}
            raise ValueError(t("value.town_band", **band))
        return self

    def kind(self, name: str) -> KindSettings:
        """The settings of kind ``name`` ("town", "outlying", "neighbourhood", "request")."""
        return getattr(self, name)


# ---------------------------------------------------------------------------
# building sites

_TRANSLIT = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "ß": "ss"}


def ascii_id(text: str) -> str:
    """An ASCII-safe id fragment: Danish letters transliterated (æ->ae, ø->oe, å->aa), accents
    dropped, anything but letters, digits and ``:._-`` replaced by ``-``. Names keep UTF-8; only ids
    are transliterated."""
    t = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode("ascii")
    t = re.sub(r"[^A-Za-z0-9:._-]+", "-", t).strip("-")
    return t or "x"


def _start_windows(window: tuple[int, int], service_min: int) -> tuple[tuple[int, int], ...]:
    """A wanted visit period -> the window for the start of service (start early enough to finish)."""
    open_, close = window
    return ((open_, max(open_, close - service_min)),)


class _Candidate:
    """A site before it is scored: where, what kind, and the Site fields its kind overrides."""

    __slots__ = (
        "id",
        "kind",
        "lat",
        "lon",
        "meta",
        "municipality_code",
        "name",
        "population",
        "site_kw",
    )

    def __init__(self, **kw: Any) -> None:
        self.meta: dict[str, Any] = {}
        self.site_kw: dict[str, Any] = {}
        self.population: int | None = None
        for k, v in kw.items():
            setattr(self, k, v)


def build_sites(
    district: District,
    *,
    settings: SiteSettings,
    weights: Weights,
    travel: TravelModel | None,
    hotspots: Hotspots | None,
    requests: Sequence[Request] = (),
    history: Mapping[str, date] | None = None,
    as_of: date,
    incidents: Incidents | Any | None = None,
    hotspot_params: HotspotParams | None = None,
    report: list[str] | None = None,
    requests_label: str = "requests",
) -> list[Site]:
    """All candidate sites of the district, scored.

    ``travel``: drive minutes from the nearest fixed district station
    (stations not of a ``part_time_station_kinds`` kind), for remoteness and
    outlying sites; None -> no outlying sites and remoteness 0.
    ``incidents``: for the burglary and trend components near every site
    (recency weights and windows of ``hotspot_params``, else the hotspots'
    parameters, else the defaults); None -> 0 burglary, neutral trend.
    ``history``: site id -> date of the last visit (days counted to
    ``as_of``). ``as_of``: the analysis date, normally the day before the
    planned week; deadlines are counted from the day after it.

    Places that no road or link (bridge, tunnel, car ferry) joins to the
    stations' land are left out, with one note appended to ``report``
    naming them by name and municipality; a citizen request there is bad
    input (it names a place the plan cannot serve) and raises, the message
    starting with ``requests_label`` (a scenario names its file and field).

    Returns sites sorted by kind (town, outlying, neighbourhood, request) and id.
    """
    history = history or {}
    dindex = DistrictIndex(district)
    scales = weights.scales
    hp = hotspot_params or (hotspots.params if hotspots is not None else HotspotParams())
    towns = sorted(district.towns, key=lambda t: t.id)
    town_xy = np.column_stack(to_metric([t.lon for t in towns], [t.lat for t in towns])) if towns else None
    town_pop = np.array([t.population for t in towns], dtype=float)
    town_tree = cKDTree(town_xy) if towns else None

    candidates: list[_Candidate] = []
    town_sites: list[Town] = []
    if settings.town.enabled:
        town_sites = _town_sites(district, towns, settings)
        for t in town_sites:
            candidates.append(
                _Candidate(
                    id=f"town:{ascii_id(t.id)}",
                    kind="town",
                    name=t.name,
                    lat=t.lat,
                    lon=t.lon,
                    municipality_code=dindex.code_of(t.lon, t.lat, fallback=t.municipality_code),
                    population=t.population,
                    meta={"town_id": t.id},
                )
            )

    stations = sorted(
        (s for s in district.stations if s.kind not in settings.part_time_station_kinds), key=lambda s: s.id
    ) or sorted(district.stations, key=lambda s: s.id)
    outlying: list[_Candidate] = []
    if settings.outlying.enabled and travel is not None and stations:
        outlying = _outlying_candidates(district, towns, town_sites, dindex)
    neighbourhoods: list[_Candidate] = []
    if settings.neighbourhood.enabled and hotspots is not None and len(hotspots.areas):
        areas = hotspots.areas.head(settings.neighbourhood_max)
        for row in areas.itertuples(index=False):
            near = _nearest_town(towns, town_tree, row.centre_lon, row.centre_lat)
            neighbourhoods.append(
                _Candidate(
                    id=f"neighbourhood:{ascii_id(row.id)}",
                    kind="neighbourhood",
                    name=f"Indbrudsområde {near.name}" if near is not None else f"Indbrudsområde {row.id}",
                    lat=float(row.centre_lat),
                    lon=float(row.centre_lon),
                    municipality_code=dindex.code_of(
                        row.centre_lon, row.centre_lat, fallback=row.municipality_code
                    ),
                    meta={
                        "hotspot_id": row.id,
                        "hotspot_incidents": int(row.incidents),
                        "hotspot_intensity": float(row.intensity),
                        "hotspot_statistic": float(row.statistic),
                        "hotspot_method": row.method,
                        "hotspot_trend": float(row.trend),
                    },
                    site_kw={"synthetic": bool(row.synthetic)},
                )
            )
        _unique_names(neighbourhoods)
    request_cands: list[_Candidate] = []
    if settings.request.enabled:
        for r in requests:
            request_cands.append(_request_candidate(r, settings))

    everything = candidates + outlying + neighbourhoods + request_cands
    if travel is not None and stations and everything and hasattr(travel, "reach_groups"):
        stations, cut = _split_unreachable(travel, stations, everything)
        if cut:
            _refuse_unreachable_requests(cut, district, requests_label)
            gone = {c.id for c in cut}
            candidates = [c for c in candidates if c.id not in gone]
            outlying = [c for c in outlying if c.id not in gone]
            neighbourhoods = [c for c in neighbourhoods if c.id not in gone]
            everything = candidates + outlying + neighbourhoods + request_cands
            if report is not None:
                report.append(_unreachable_note(cut, district))
    drive: dict[str, tuple[float, str]] = {}
    if travel is not None and stations and everything:
        drive = _station_drive(travel, stations, everything)
    threshold = settings.outlying_min_drive_min
    outlying = [c for c in outlying if c.id in drive and drive[c.id][0] >= threshold]
    everything = candidates + outlying + neighbourhoods + request_cands

    # burglary near every site
    burglary, trends, n_near = _burglary_near(everything, incidents, hp, scales, as_of)

    synthetic_incidents = incidents is not None and as_incidents(incidents).synthetic
    first_day = as_of + timedelta(days=1)
    sites: list[Site] = []
    inputs: dict[str, ScoreInputs] = {}
    for c in everything:
        ks: KindSettings = settings.kind(c.kind)
        population = c.population
        if population is None and town_tree is not None:
            px, py = to_metric([c.lon], [c.lat])
            idx = town_tree.query_ball_point([px[0], py[0]], scales.population_radius_m)
            population = int(town_pop[sorted(idx)].sum()) if idx else None
        d_min, station_id = drive.get(c.id, (None, None))
        last = history.get(c.id)
        deadline_days = None
        if c.kind == "request":
            orig = c.meta.get("original_deadline")
            deadline_days = (date.fromisoformat(orig) - first_day).days if orig else None
        inputs[c.id] = ScoreInputs(
            population=population,
            drive_min=d_min,
            burglary_weighted=round(burglary.get(c.id, 0.0), 6),
            trend=round(trends.get(c.id, 1.0), 6),
            days_since_visit=(as_of - last).days if last is not None else None,
            days_to_deadline=deadline_days,
        )
        meta = dict(c.meta)
        meta["nearest_station"] = station_id
        meta["drive_min_nearest_station"] = d_min
        meta["incidents_near"] = n_near.get(c.id, 0)
        if synthetic_incidents and meta["incidents_near"]:
            meta["burglary_from_synthetic"] = True  # the burglary component counts synthetic incidents
        if last is not None:
            meta["last_visit"] = last.isoformat()
        kw = {
            "service_min": ks.service_min,
            "windows": tuple(ks.windows),
            "days": tuple(ks.days),
            "weekly_max": ks.weekly_max,
            "min_gap_days": ks.min_gap_days,
            "synthetic": False,
        }
        kw.update(c.site_kw)
        sites.append(
            Site(
                id=c.id,
                name=c.name,
                kind=c.kind,
                municipality_code=c.municipality_code,
                lat=round(float(c.lat), 6),
                lon=round(float(c.lon), 6),
                population=population,
                meta=meta,
                **kw,
            )
        )
    scored = score_sites(sites, inputs, weights)
    order = {k: i for i, k in enumerate(SITE_KINDS)}
    return sorted(scored, key=lambda s: (order[s.kind], s.id))


def _town_sites(district: District, towns: Sequence[Town], settings: SiteSettings) -> list[Town]:
    """Towns in the size band, plus one town for every municipality the band leaves without one.

    That town is the municipality's largest below the band's maximum (an
    island of villages), else its largest town of all (Skive kommune's only
    town is above the maximum): every municipality gets a stop, so a quota
    there can be met.
    """
    lo, hi = settings.town_min_population, settings.town_max_population
    chosen = [t for t in towns if lo <= t.population < hi]
    if settings.largest_town_per_municipality:
        have = {t.municipality_code for t in chosen}
        for mun in sorted(district.municipalities, key=lambda m: m.code):
            if mun.code in have:
                continue
            own = [t for t in towns if t.municipality_code == mun.code]
            small = [t for t in own if t.population < hi]
            if small or own:
                chosen.append(max(small or own, key=lambda t: (t.population, t.id)))
            else:
                chosen.append(_municipality_centre(mun))
    return sorted(chosen, key=lambda t: t.id)


def _municipality_centre(mun: Any) -> Town:
    """A stand-in town for a municipality without any (Herlev has no GeoNames place of its own).

    The point lies inside the municipality's largest polygon part; it is
    named after the municipality and its source says what it is.
    """
    parts = list(getattr(mun.geometry, "geoms", [mun.geometry]))
    largest = max(parts, key=lambda g: geom_to_metric(g).area)
    pt = largest.representative_point()
    return Town(
        id=f"kommune:{mun.code}",
        name=mun.name,
        lat=round(pt.y, 6),
        lon=round(pt.x, 6),
        population=int(mun.population or 0),
        municipality_code=mun.code,
        source="a point inside the municipality (no town in the data); population: the municipality's",
    )


def _split_unreachable(
    travel: Any, stations: Sequence[Any], cands: Sequence[_Candidate]
) -> tuple[list[Any], list[_Candidate]]:
    """Stations on the main reachable land, and the candidates no road or link joins to it.

    The main land is the one (land masses joined by links) holding most
    stations; a station elsewhere is left out of the drive times only.
    """
    points = [Point(f"station:{s.id}", s.lat, s.lon) for s in stations]
    points += [Point(c.id, float(c.lat), float(c.lon)) for c in cands]
    groups = np.asarray(travel.reach_groups(points))
    k = len(stations)
    st_groups = [int(g) for g in groups[:k] if g >= 0]
    if not st_groups:
        return list(stations), []
    main = max(sorted(set(st_groups)), key=st_groups.count)
    kept = [s for s, g in zip(stations, groups[:k], strict=True) if g == main]
    cut = [c for c, g in zip(cands, groups[k:], strict=True) if g != main]
    return kept, cut


def _municipality_name(district: District, code: str) -> str:
    for m in district.municipalities:
        if m.code == code:
            return m.name
    return code


def _refuse_unreachable_requests(cut: Sequence[_Candidate], district: District, label: str) -> None:
    from mobilstation.errors import InputError

    asked = [c for c in cut if c.kind == "request"]
    if asked:
        listed = "; ".join(
            t(
                "requests.unreachable_one",
                id=c.meta.get("request_id"),
                name=c.name,
                municipality=_municipality_name(district, c.municipality_code),
                row=c.meta.get("row"),
            )
            for c in asked
        )
        raise InputError(t("requests.unreachable", label=label, listed=listed))


def _unreachable_note(cut: Sequence[_Candidate], district: District) -> str:
    """One note naming the left-out places by name and municipality."""
    ordered = sorted(cut, key=lambda c: c.id)
    names = "; ".join(f"{c.name} ({_municipality_name(district, c.municipality_code)})" for c in ordered)
    return t("note.unreachable_sites", count=len(cut), names=names)


def _outlying_candidates(
    district: District, towns: Sequence[Town], town_sites: Sequence[Town], dindex: DistrictIndex
) -> list[_Candidate]:
    """One candidate point per postal district that holds no town site."""
    site_ids = {t.id for t in town_sites}
    site_x, site_y = to_metric([t.lon for t in town_sites], [t.lat for t in town_sites])
    tx, ty = to_metric([t.lon for t in towns], [t.lat for t in towns])
    out: list[_Candidate] = []
    for pd_ in sorted(district.postal_districts, key=lambda p: p.postnr):
        geom = geom_to_metric(pd_.geometry)
        if len(site_x) and shapely.contains_xy(geom, site_x, site_y).any():
            continue
        inside = np.flatnonzero(shapely.contains_xy(geom, tx, ty)) if len(towns) else np.zeros(0, int)
        inside = [i for i in inside if towns[i].id not in site_ids]
        if inside:
            best = max(inside, key=lambda i: (towns[i].population, towns[i].id))
            t = towns[best]
            lat, lon, population = t.lat, t.lon, t.population
            name = f"{t.name} ({pd_.postnr} {pd_.name})"
            meta = {"postnr": pd_.postnr, "town_id": t.id}
        else:
            parts = list(getattr(pd_.geometry, "geoms", [pd_.geometry]))
            largest = max(parts, key=lambda g: geom_to_metric(g).area)
            pt = largest.representative_point()
            lat, lon, population = pt.y, pt.x, None
            name = f"{pd_.postnr} {pd_.name}"
            meta = {"postnr": pd_.postnr}
        code = dindex.code_of(lon, lat, fallback="")
        if not code:
            continue  # the point lies outside the district
        out.append(
            _Candidate(
                id=f"outlying:{ascii_id(pd_.postnr)}",
                kind="outlying",
                name=name,
                lat=lat,
                lon=lon,
                municipality_code=code,
                population=population,
                meta=meta,
            )
        )
    return out


def _nearest_town(towns: Sequence[Town], tree: cKDTree | None, lon: float, lat: float) -> Town | None:
    if tree is None:
        return None
    x, y = to_metric([lon], [lat])
    _, i = tree.query([x[0], y[0]])
    return towns[int(i)]


def _unique_names(cands: list[_Candidate]) -> None:
    """Number repeated names ("Indbrudsområde Aalborg 2") so a map legend can tell them apart."""
    counts: dict[str, int] = {}
    for c in cands:
        counts[c.name] = counts.get(c.name, 0) + 1
    seen: dict[str, int] = {}
    for c in cands:
        if counts[c.name] > 1:
            seen[c.name] = seen.get(c.name, 0) + 1
            c.name = f"{c.name} {seen[c.name]}"


def _request_candidate(r: Request, settings: SiteSettings) -> _Candidate:
    rtype = settings.request_types.get(r.type)
    service = rtype.service_min if rtype is not None else settings.request.service_min
    skills = frozenset(rtype.skills) if rtype is not None else frozenset()
    windows = _start_windows(r.window, service) if r.window is not None else tuple(settings.request.windows)
    days = (r.wanted_date.isoweekday(),) if r.wanted_date is not None else tuple(settings.request.days)
    meta: dict[str, Any] = {
        "request_id": r.id,
        "request_type": r.type,
        "row": r.row,
        "note": r.note,
        "overdue": r.overdue,
        "original_deadline": r.original_deadline.isoformat() if r.original_deadline else None,
        "wanted_date": r.wanted_date.isoformat() if r.wanted_date else None,
    }
    if r.promised_date is not None:
        meta["promised_date"] = r.promised_date.isoformat()
    if r.window is not None:
        meta["wanted_window"] = list(r.window)
        if r.window[1] - r.window[0] < service:
            meta["window_shorter_than_service"] = True
    return _Candidate(
        id=f"request:{ascii_id(r.id)}",
        kind="request",
        name=r.name or f"Bestil en betjent {r.id}",
        lat=r.lat,
        lon=r.lon,
        municipality_code=r.municipality_code,
        meta=meta,
        site_kw={
            "service_min": service,
            "windows": windows,
            "days": days,
            "mandatory": r.mandatory,
            "deadline": r.deadline,
            "skills": skills,
            "weekly_max": 1,
        },
    )


def _station_drive(
    travel: TravelModel, stations: Sequence[Any], cands: Sequence[_Candidate]
) -> dict[str, tuple[float, str]]:
    """Site id -> (minutes from the nearest station, that station's id), one matrix call."""
    points = [Point(f"station:{s.id}", s.lat, s.lon) for s in stations]
    points += [Point(c.id, float(c.lat), float(c.lon)) for c in cands]
    m = travel.matrix(points)
    k = len(stations)
    minutes = np.asarray(m.minutes, dtype=float)[:k, k:]
    best = np.argmin(minutes, axis=0)
    out = {}
    for j, c in enumerate(cands):
        out[c.id] = (float(minutes[best[j], j]), stations[int(best[j])].id)
    return out


def _burglary_near(
    cands: Sequence[_Candidate],
    incidents: Any,
    hp: HotspotParams,
    scales: Any,
    as_of: date,
) -> tuple[dict[str, float], dict[str, float], dict[str, int]]:
    """Recency-weighted incidents within ``burglary_radius_m`` and the trend ratio, per site."""
    if incidents is None or not cands:
        return {}, {}, {}
    inc = as_incidents(incidents)
    gdf = inc.gdf[inc.gdf["in_district"].to_numpy(bool)]
    if gdf.empty:
        return {}, {}, {}
    ages = incident_ages(gdf, as_of)
    recent_days = 7 * hp.trend_recent_weeks
    earlier_days = 7 * hp.trend_earlier_weeks
    keep = (ages >= 0) & (ages < max(hp.lookback_days, recent_days + earlier_days))
    gdf, ages = gdf[keep], ages[keep]
    if gdf.empty:
        return {}, {}, {}
    w = np.where(ages < hp.lookback_days, recency_weights(ages, hp.half_life_days), 0.0)
    ix, iy = to_metric(gdf.geometry.x.to_numpy(float), gdf.geometry.y.to_numpy(float))
    tree = cKDTree(np.column_stack([ix, iy]))
    cx, cy = to_metric([float(c.lon) for c in cands], [float(c.lat) for c in cands])
    near = tree.query_ball_point(np.column_stack([cx, cy]), scales.burglary_radius_m)
    burglary: dict[str, float] = {}
    trends: dict[str, float] = {}
    counts: dict[str, int] = {}
    for c, idx in zip(cands, near, strict=True):
        idx = np.asarray(sorted(idx), dtype=np.int64)
        burglary[c.id] = float(math.fsum(w[idx])) if len(idx) else 0.0
        a = ages[idx]
        recent = int(((a >= 0) & (a < recent_days)).sum())
        earlier = int(((a >= recent_days) & (a < recent_days + earlier_days)).sum())
        counts[c.id] = int((a < hp.lookback_days).sum())
        if recent + earlier < scales.trend_min_incidents:
            trends[c.id] = 1.0
        else:
            trends[c.id] = trend_ratio(
                recent, earlier, hp.trend_recent_weeks, hp.trend_earlier_weeks, hp.trend_cap
            )
    return burglary, trends, counts

"""Campaigns: work that spans weeks until every target has had its visit.

The cooperation plan has two kinds: preventive visits to every shop that has
reported theft, municipality by municipality, until all have had one
("Forebyggende og tryghedsskabende besøg hos nordjyske butiksejere"); and a
citizens' meeting (Bo trygt / borgermøde) called quickly where a
neighbourhood is hit by burglaries. A scenario lists them under
``campaigns:``; each target becomes a candidate site of the week, visited by
the mobile station's crew, until the ledger records it done.

Targets come from a ``targets`` file (columns ``id``, ``name``, ``lat``,
``lon``, optionally ``municipality`` and ``window``; read by
:mod:`mobilstation.tabular`, all or nothing) or from a ``trigger``: every
burglary hotspot whose trend (last four weeks against the eight before)
reaches ``trend_min`` with at least ``min_incidents`` incidents gets a
meeting.

Pacing: a target's score is ``prize`` times one plus the share of the
campaign's weeks already gone, so the campaign moves forward each week and
presses harder towards its deadline; in the deadline week every remaining
target is mandatory, so a target not done by then makes the run say so by
name (or, with a ledger's rotation fallback, the planner sees the warning).

Campaign sites are of kind ``request`` (a task at an address, not a public
opening: the public schedule leaves them out) with ``meta["campaign"]`` and
``meta["target_id"]``; their ids are ``campaign:<campaign id>:<target id>``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mobilstation.demand._windows import parse_window
from mobilstation.demand.site import Site
from mobilstation.errors import InputError
from mobilstation.i18n import t

__all__ = ["CampaignSpec", "CampaignTarget", "HotspotTrigger", "campaign_sites", "read_targets", "target_site_id"]

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class HotspotTrigger(BaseModel):
    """A meeting wherever a burglary hotspot's trend jumps."""

    model_config = ConfigDict(extra="forbid")

    trend_min: float = Field(default=2.0, gt=0)
    min_incidents: int = Field(default=3, ge=1)
    deadline_weeks: int = Field(default=2, ge=0, le=12)
    """Weeks after the planned week by which the meeting must be held (0: this week)."""


class CampaignSpec(BaseModel):
    """One campaign of the scenario (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    targets: str | None = None
    trigger: HotspotTrigger | None = None
    service_min: int = Field(default=30, gt=0, le=480)
    window: str = "09:00-16:00"
    by: Literal["crew"] = "crew"
    start_week: str | None = None
    deadline_week: str | None = None
    prize: float = Field(default=2.0, ge=0)
    synthetic: bool = False

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError(t("campaign.slug", got=repr(v)))
        return v

    @field_validator("start_week", "deadline_week")
    @classmethod
    def _week(cls, v: str | None) -> str | None:
        if v is None:
            return v
        m = _ISO_WEEK.match(v.strip())
        if not m:
            raise ValueError(t("campaign.week", got=repr(v)))
        try:
            date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise ValueError(t("schema.no_week", year=m.group(1), week=m.group(2))) from None
        return v.strip()

    @field_validator("window")
    @classmethod
    def _window(cls, v: str) -> str:
        parse_window(v)
        return v

    @model_validator(mode="after")
    def _source(self) -> CampaignSpec:
        if (self.targets is None) == (self.trigger is None):
            raise ValueError(t("campaign.one_source"))
        if self.targets is not None and self.deadline_week is None:
            raise ValueError(t("campaign.no_deadline"))
        return self


class CampaignTarget(BaseModel):
    """One target as read or triggered."""

    id: str
    name: str
    lat: float
    lon: float
    municipality: str | None = None
    window: tuple[int, int] | None = None
    deadline_week: str | None = None
    synthetic: bool = False


def target_site_id(campaign: str, target: str) -> str:
    from mobilstation.demand.sites import ascii_id

    return f"campaign:{campaign}:{ascii_id(target)}"


def _monday(iso_week: str) -> date:
    y, w = iso_week.split("-W")
    return date.fromisocalendar(int(y), int(w), 1)


def read_targets(path: str | Path) -> list[CampaignTarget]:
    """The targets file of a campaign (all or nothing; every bad row listed)."""
    from mobilstation.tabular import parse_number, read_table

    table = read_table(
        path,
        required=["id", "name", "lat", "lon"],
        optional=["municipality", "window", "synthetic", "note"],
        aliases={"name": ["navn"], "municipality": ["kommune"], "window": ["tidsrum"]},
        what=t("campaign.what"),
    )
    out: list[CampaignTarget] = []
    errors: list[str] = []
    seen: set[str] = set()
    for row in table:
        problems: list[str] = []
        tid = row.get("id", "").strip()
        if not tid:
            problems.append(t("campaign.id_empty"))
        elif tid in seen:
            problems.append(t("campaign.id_twice", id=tid))
        seen.add(tid)
        lat = lon = 0.0
        try:
            lat = parse_number(row.get("lat", ""), where="lat")
            lon = parse_number(row.get("lon", ""), where="lon")
            if not (54.5 <= lat <= 57.8 and 8.0 <= lon <= 15.3):
                problems.append(t("campaign.not_in_denmark", lat=lat, lon=lon))
        except InputError as exc:
            problems.append(str(exc))
        window = None
        if row.get("window", "").strip():
            try:
                window = parse_window(row["window"].strip())
            except ValueError as exc:
                problems.append(f"window: {exc}")
        if problems:
            errors += [f"{table.where(row)}: {p}" for p in problems]
            continue
        out.append(
            CampaignTarget(
                id=tid,
                name=row.get("name", "").strip() or tid,
                lat=lat,
                lon=lon,
                municipality=row.get("municipality", "").strip() or None,
                window=window,
            )
        )
    if errors:
        raise InputError(t("campaign.problems", path=path, count=len(errors)) + "\n" + "\n".join(errors))
    if not out:
        raise InputError(t("campaign.none", path=path))
    return out


def _triggered(
    spec: CampaignSpec, hotspots: Any, iso_week: str, area_names: Mapping[str, str]
) -> list[CampaignTarget]:
    trig = spec.trigger
    assert trig is not None
    if hotspots is None or not len(hotspots.areas):
        return []
    monday = _monday(iso_week) + timedelta(days=7 * trig.deadline_weeks)
    y, w, _ = monday.isocalendar()
    deadline = f"{y}-W{w:02d}"
    out = []
    for row in hotspots.areas.itertuples(index=False):
        if float(row.trend) >= trig.trend_min and int(row.incidents) >= trig.min_incidents:
            out.append(
                CampaignTarget(
                    id=str(row.id),
                    name=area_names.get(str(row.id), f"indbrudsområde {row.id}"),
                    lat=float(row.centre_lat),
                    lon=float(row.centre_lon),
                    deadline_week=deadline,
                    synthetic=bool(getattr(row, "synthetic", False)),
                )
            )
    return out


def campaign_sites(
    specs: Sequence[CampaignSpec],
    *,
    iso_week: str,
    dates: Sequence[date],
    hotspots: Any,
    municipality_of: Any,
    done: Mapping[str, Collection[str]],
    targets: Mapping[str, list[CampaignTarget]],
    area_names: Mapping[str, str] | None = None,
) -> tuple[list[Site], dict[str, dict[str, Any]], list[str]]:
    """The week's campaign sites, each campaign's progress, and notes.

    ``targets``: campaign id -> targets read from its file (triggered
    campaigns find theirs in ``hotspots``). ``done``: campaign id -> target
    ids the ledger records as done or planned in another week.
    ``municipality_of(lon, lat)`` gives a point's municipality code (None
    outside the district: left out with a note). ``area_names``: hotspot id
    -> the name of its neighbourhood (``Indbrudsområde Hals``), for meetings.
    """
    from mobilstation.demand.sites import ascii_id

    monday = _monday(iso_week)
    sites: list[Site] = []
    progress: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for spec in specs:
        if spec.start_week is not None and monday < _monday(spec.start_week):
            continue
        items = (
            targets.get(spec.id, [])
            if spec.targets is not None
            else _triggered(spec, hotspots, iso_week, area_names or {})
        )
        finished = set(done.get(spec.id, ()))
        deadline_week = spec.deadline_week
        start = _monday(spec.start_week) if spec.start_week else None
        left = [target for target in items if ascii_id(target.id) not in finished]
        progress[spec.id] = {
            "name": spec.name,
            "total": len(items) if spec.targets is not None else len(items) + len(finished),
            "done_before": len(items) - len(left) if spec.targets is not None else len(finished),
            "deadline_week": deadline_week,
            "synthetic": spec.synthetic,
        }
        window = parse_window(spec.window)
        for target in left:
            due_week = target.deadline_week or deadline_week
            due = _monday(due_week) if due_week else None
            code = municipality_of(target.lon, target.lat)
            named = {"campaign": spec.name, "name": target.name, "id": target.id}
            if code is None:
                notes.append(t("note.campaign.outside", **named))
                continue
            if due is not None and due < monday:
                notes.append(t("note.campaign.overdue", week=due_week, **named))
            if due is not None and start is not None and due > start:
                elapsed = min(1.0, max(0.0, (monday - start).days / (due - start).days))
            elif due is not None:
                elapsed = 1.0 if monday >= due else max(0.0, 1.0 - (due - monday).days / 56)
            else:
                elapsed = 0.0
            w = target.window or window
            last = dates[-1]
            deadline = None
            mandatory = due is not None and monday >= due
            if mandatory:
                deadline = last
            sites.append(
                Site(
                    id=target_site_id(spec.id, target.id),
                    name=f"{spec.name}: {target.name}",
                    kind="request",
                    municipality_code=code,
                    lat=round(target.lat, 6),
                    lon=round(target.lon, 6),
                    service_min=spec.service_min,
                    windows=((w[0], max(w[0], w[1] - spec.service_min)),),
                    score=round(spec.prize * (1 + elapsed), 6),
                    breakdown={"urgency": round(spec.prize * (1 + elapsed), 6)},
                    weekly_max=1,
                    mandatory=mandatory,
                    deadline=deadline,
                    synthetic=spec.synthetic or target.synthetic,
                    meta={
                        "campaign": spec.id,
                        "campaign_name": spec.name,
                        "target_id": ascii_id(target.id),
                        "deadline_week": due_week,
                        "note": f"{spec.name}, frist {due_week}" if due_week else spec.name,
                    },
                )
            )
    return sites, progress, notes

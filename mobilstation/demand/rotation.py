"""Rotation: every candidate town gets its turn, week after week.

Without memory each week is planned as if it were the first, and the same
well-placed towns win every week while the others never see the mobile
station. The ledger's :class:`~mobilstation.ledger.store.Memory` fixes that
in three ways, applied to the scored candidate sites of a week:

* **Time since the last visit.** The ledger's last visits feed the score's
  ``recency`` component like a ``history`` file does (see
  :func:`merged_history`).
* **A rising prize, then a hard cover.** With a scenario rule
  ``rotation: {max_weeks_between_visits: N}``, a site of the rule's kinds
  (towns by default) that last had a visit in ISO week L, planned in week
  W, has waited ``W - L`` weeks if visited now. Its score gains
  ``prize * min(1, waited / N)`` (added to the ``recency`` component, whose
  label is "tid siden sidste besøg"), so the longer a town waits the more a
  visit is worth; when ``waited >= N`` the visit is mandatory this week,
  which keeps every gap at most N weeks. A town the ledger has never seen
  visited counts its wait from the ledger's first week (a new ledger: one
  week). The prize rises linearly rather than jumping at N so the due
  towns spread over the weeks before the deadline instead of all falling
  due in the same week.
* **A rest after a visit.** A site visited fewer than
  ``min_weeks_between_visits`` ISO weeks ago (default 2: never two weeks
  running) scores 0 this week, so consecutive weeks go to different towns
  instead of the same well-placed ones. It stays a candidate (a quota that
  cannot be met otherwise may still send the mobile station there) and a
  patrol area for the lokalbetjente.
* **The weekly maximum counts what is already made.** Visits the ledger
  records as made in the planned ISO week (a re-plan of a week under way)
  use up the site's ``weekly_max``; a site with none left is not a
  candidate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mobilstation.demand.site import Site, SiteKind
from mobilstation.i18n import t

__all__ = ["RotationRule", "apply_rotation", "merged_history", "weeks_waited"]


class RotationRule(BaseModel):
    """Scenario rule ``rotation:``: how long a candidate town may wait for a visit.

    ``max_weeks_between_visits``: the longest gap, in ISO weeks, between two
    visits (or from the ledger's first week to the first visit); a site that
    would exceed it is mandatory this week. ``prize``: the score added when
    a site is due (added in proportion before that). ``kinds``: the site
    kinds the rule covers (towns by default; add ``outlying`` to rotate
    outlying areas too).
    """

    model_config = ConfigDict(extra="forbid")

    max_weeks_between_visits: int = Field(ge=1, le=52)
    prize: float = Field(default=2.0, ge=0)
    kinds: list[SiteKind] = Field(default_factory=lambda: ["town"], min_length=1)
    min_weeks_between_visits: int = Field(default=2, ge=0, le=52)
    """A site visited fewer ISO weeks ago than this is not a candidate (2: never two weeks running)."""
    hard: bool = True
    """False: overdue sites keep their full prize but are not mandatory, and no site rests (the fallback
    when the hard rule cannot hold together with the week's other requirements)."""


def _monday(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def weeks_waited(last_visit: date | None, week_start: date, first_week: date | None) -> int:
    """ISO weeks from the last visit's week (or before the ledger's first week) to ``week_start``'s week."""
    monday = _monday(week_start)
    if last_visit is not None:
        return max(0, (monday - _monday(last_visit)).days // 7)
    start = _monday(first_week) if first_week is not None else monday
    return max(0, (monday - start).days // 7) + 1


def merged_history(*sources: Mapping[str, date] | None) -> dict[str, date]:
    """Site id -> the latest last-visit date over every source (a history file, the ledger)."""
    out: dict[str, date] = {}
    for src in sources:
        for sid, day in (src or {}).items():
            if sid not in out or day > out[sid]:
                out[sid] = day
    return out


def apply_rotation(
    sites: Sequence[Site],
    *,
    week_start: date,
    rule: RotationRule | None,
    last_visit: Mapping[str, date],
    first_week: date | None,
    made_in_week: Mapping[str, int],
) -> tuple[list[Site], list[str]]:
    """The week's candidate sites with rotation applied (see the module docstring), and notes for the planner."""
    out: list[Site] = []
    notes: list[str] = []
    resting: list[str] = []
    for site in sites:
        made = made_in_week.get(site.id, 0)
        changes: dict[str, Any] = {}
        meta = dict(site.meta)
        if made:
            left = site.weekly_max - made
            if left <= 0:
                said = {"name": site.name, "id": site.id, "made": made, "most": site.weekly_max}
                notes.append(t("note.rotation.made", **said))
                continue
            changes["weekly_max"] = left
            meta["made_this_week"] = made
        if rule is not None and site.kind in rule.kinds:
            waited = weeks_waited(last_visit.get(site.id), week_start, first_week)
            if rule.hard and site.id in last_visit and 0 < waited < rule.min_weeks_between_visits:
                # no prize for a mobile-station visit, but still an area the lokalbetjente may patrol
                resting.append(site.name)
                meta["rotation_weeks_waited"] = waited
                meta["rotation_resting"] = True
                zero = {k: 0.0 for k in site.breakdown}
                out.append(replace(site, meta=meta, score=0.0, breakdown=zero, **changes))
                continue
            n = rule.max_weeks_between_visits
            bonus = round(rule.prize * min(1.0, waited / n), 6)
            breakdown = dict(site.breakdown)
            breakdown["recency"] = round(breakdown.get("recency", 0.0) + bonus, 6)
            changes["breakdown"] = breakdown
            changes["score"] = round(site.score + bonus, 6)
            meta["rotation_weeks_waited"] = waited
            meta["rotation_bonus"] = bonus
            if waited >= n:
                meta["rotation_overdue"] = True
            if waited >= n and rule.hard and not site.mandatory:
                changes["mandatory"] = True
        if changes or meta != site.meta:
            site = replace(site, meta=meta, **changes)
        out.append(site)
    if resting:
        weeks = rule.min_weeks_between_visits if rule else 0
        names = ", ".join(sorted(resting))
        notes.append(t("note.rotation.resting", count=len(resting), weeks=weeks, names=names))
    return out, notes

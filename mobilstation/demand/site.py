"""The candidate site: the record that carries need from demand to optimize.

A site is one place a mobile station could stop (a small town, an outlying
area, a burglary-hit neighbourhood, a citizen request). Its ``score`` is the
weighted sum of ``breakdown`` (component name -> weighted, normalised value),
so every map and schedule can say *why* the site matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

SiteKind = Literal["town", "outlying", "neighbourhood", "request"]
SITE_KINDS: tuple[str, ...] = ("town", "outlying", "neighbourhood", "request")


@dataclass(frozen=True)
class Site:
    """A candidate stop.

    Times: ``windows`` are (open, close) for the *start* of service, in minutes
    since local midnight (Europe/Copenhagen), valid on every day in ``days``
    (ISO weekday numbers 1-7; empty means any planned day). ``service_min`` is
    the time the station stays. ``weekly_max`` and ``min_gap_days`` bound
    repeat visits within a week. ``mandatory`` sites (requests with a
    deadline in the week) must be visited by ``deadline``. ``skills`` must be
    present in the crew (e.g. ``{"traffic"}`` for a traffic check).
    ``synthetic`` is True when the site was derived from synthetic data.
    """

    id: str
    name: str
    kind: SiteKind
    municipality_code: str
    lat: float
    lon: float
    service_min: int
    windows: tuple[tuple[int, int], ...]
    score: float = 0.0
    breakdown: dict[str, float] = field(default_factory=dict)
    days: tuple[int, ...] = ()
    weekly_max: int = 1
    min_gap_days: int = 2
    mandatory: bool = False
    deadline: date | None = None
    skills: frozenset[str] = frozenset()
    population: int | None = None
    synthetic: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in SITE_KINDS:
            raise ValueError(f"site {self.id}: kind {self.kind!r} not one of {SITE_KINDS}")
        if self.service_min <= 0:
            raise ValueError(f"site {self.id}: service_min must be > 0, got {self.service_min}")
        if not self.windows:
            raise ValueError(f"site {self.id}: at least one time window is required")
        for open_, close in self.windows:
            if not 0 <= open_ <= close <= 24 * 60:
                raise ValueError(
                    f"site {self.id}: window ({open_}, {close}) must satisfy 0 <= open <= close <= 1440"
                )
        if self.weekly_max < 1:
            raise ValueError(f"site {self.id}: weekly_max must be >= 1, got {self.weekly_max}")
        if self.min_gap_days < 0:
            raise ValueError(f"site {self.id}: min_gap_days must be >= 0, got {self.min_gap_days}")

"""Typed parameters of the weekly optimisation: vehicles, officers, quotas, settings.

These are the boundary records the scenario fills in and :func:`plan_week`
reads. Every model forbids unknown fields (a typo fails instead of being
ignored) and validates its values with a message naming the field and what
was expected.

Units: times of day are whole minutes since local midnight
(Europe/Copenhagen), durations are minutes unless the field name says hours,
weekdays are ISO numbers (1 = Monday ... 7 = Sunday).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DAY_MIN = 24 * 60
ALL_DAYS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
WEEKDAYS: tuple[int, ...] = (1, 2, 3, 4, 5)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_days(value: tuple[int, ...], field: str) -> tuple[int, ...]:
    bad = [d for d in value if not 1 <= d <= 7]
    if bad:
        raise ValueError(f"{field}: ISO weekdays are 1 (Monday) to 7 (Sunday), got {bad}")
    if len(set(value)) != len(value):
        raise ValueError(f"{field}: weekday listed twice in {list(value)}")
    return tuple(sorted(value))


def _check_time(value: int, field: str) -> int:
    if not 0 <= value <= DAY_MIN:
        raise ValueError(f"{field}: minutes since midnight must be within 0..1440, got {value}")
    return value


class Vehicle(_Spec):
    """A mobile police station (vehicle) and its working day.

    ``depot_*`` is the resolved home station the vehicle leaves from and
    returns to each day. ``shift_start``/``shift_end`` bound departure and
    return (minutes since midnight; default 08:00-16:00). ``max_work_min``
    bounds the day's duration from departure to return, travel included
    (default 480 = 8 hours). ``days`` are the ISO weekdays it is available;
    empty means every planned day.
    """

    id: str = Field(min_length=1)
    name: str = ""
    depot_id: str = Field(min_length=1)
    depot_name: str = ""
    depot_lat: float = Field(ge=-90, le=90)
    depot_lon: float = Field(ge=-180, le=180)
    shift_start: int = 8 * 60
    shift_end: int = 16 * 60
    max_work_min: int = Field(default=480, gt=0, le=DAY_MIN)
    crew_size: int = Field(default=2, ge=1, le=6)
    days: tuple[int, ...] = ()

    @field_validator("shift_start", "shift_end")
    @classmethod
    def _time(cls, v: int, info) -> int:  # type: ignore[no-untyped-def]
        return _check_time(v, info.field_name)

    @field_validator("days")
    @classmethod
    def _days(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        return _check_days(v, "days")

    @model_validator(mode="after")
    def _window(self) -> Vehicle:
        if self.shift_end <= self.shift_start:
            raise ValueError(
                f"vehicle {self.id}: shift_end ({self.shift_end}) must be after "
                f"shift_start ({self.shift_start})"
            )
        return self

    def available(self, weekday: int) -> bool:
        return not self.days or weekday in self.days


class Officer(_Spec):
    """A local officer (lokalbetjent) who crews vehicles and patrols areas.

    ``weekly_hours`` is the contracted week (e.g. 37); the plan never exceeds
    it. ``max_shift_hours`` caps one day's duty, travel from the station
    included (default 10 h: ordinary police shifts are 8 h and may be extended
    to about 10). ``available_days`` default Monday-Friday. Each shift lies
    within ``earliest_start``..``latest_end`` (default 07:00-22:00).
    ``skills`` are free words, e.g. ``{"traffic"}`` for officers trained for
    traffic checks.
    """

    id: str = Field(min_length=1)
    name: str = ""
    station_id: str = Field(min_length=1)
    weekly_hours: float = Field(default=37.0, ge=0, le=80)
    skills: frozenset[str] = frozenset()
    max_shift_hours: float = Field(default=10.0, gt=0, le=16)
    available_days: tuple[int, ...] = WEEKDAYS
    earliest_start: int = 7 * 60
    latest_end: int = 22 * 60

    @field_validator("earliest_start", "latest_end")
    @classmethod
    def _time(cls, v: int, info) -> int:  # type: ignore[no-untyped-def]
        return _check_time(v, info.field_name)

    @field_validator("available_days")
    @classmethod
    def _days(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        return _check_days(v, "available_days")

    @model_validator(mode="after")
    def _window(self) -> Officer:
        if self.latest_end <= self.earliest_start:
            raise ValueError(
                f"officer {self.id}: latest_end ({self.latest_end}) must be after "
                f"earliest_start ({self.earliest_start})"
            )
        return self


class Quota(_Spec):
    """Minimum police presence in one municipality in the week.

    The split, and where each part is enforced:

    * ``min_visits``: mobile-station stops in the municipality (routing, as a
      cover over the municipality's site-day visits).
    * ``min_mobile_hours``: hours the mobile station stands in the
      municipality (service time only, travel excluded; routing, as a cover
      weighted by service minutes).
    * ``min_patrol_hours``: lokalbetjent patrol hours in the municipality's
      areas (hours model).
    * ``min_hours``: total presence = mobile service hours + patrol hours
      (hours model, given the mobile hours the routes deliver).

    All default 0 (no requirement).
    """

    municipality: str = Field(min_length=1)
    min_visits: int = Field(default=0, ge=0)
    min_mobile_hours: float = Field(default=0.0, ge=0)
    min_patrol_hours: float = Field(default=0.0, ge=0)
    min_hours: float = Field(default=0.0, ge=0)


class PatrolSettings(_Spec):
    """How lokalbetjent patrol hours are valued and costed.

    A patrol is counted in blocks of ``block_min`` minutes in an area (a town
    or a burglary-hit neighbourhood site). Value per block diminishes with
    the blocks an area already got this week: blocks up to ``breakpoints[0]``
    are worth ``values[0]`` x priority, the next ones up to ``breakpoints[1]``
    worth ``values[1]`` x priority, and so on; blocks beyond the last
    breakpoint are worth ``values[-1]`` (default: first 4 full, next 4 half,
    beyond 8 a quarter). ``max_blocks`` caps one area's week.

    Travel: an officer patrols only areas within ``reach_min`` minutes' drive
    of their station, and goes out in visits of ``visit_blocks`` blocks, so
    each block carries ``1/visit_blocks`` of the station-area round trip.
    ``kinds`` are the site kinds that count as patrol areas.
    """

    block_min: int = Field(default=15, ge=5, le=240)
    breakpoints: tuple[int, ...] = (4, 8)
    values: tuple[float, ...] = (1.0, 0.5, 0.25)
    max_blocks: int = Field(default=40, ge=1)
    visit_blocks: int = Field(default=4, ge=1)
    reach_min: int = Field(default=45, ge=0)
    kinds: tuple[str, ...] = ("town", "neighbourhood")

    @model_validator(mode="after")
    def _shape(self) -> PatrolSettings:
        if len(self.values) != len(self.breakpoints) + 1:
            raise ValueError(
                f"patrol.values needs one more entry than patrol.breakpoints "
                f"({len(self.breakpoints)} breakpoints -> {len(self.breakpoints) + 1} values), "
                f"got {len(self.values)}"
            )
        if any(b <= 0 for b in self.breakpoints) or list(self.breakpoints) != sorted(set(self.breakpoints)):
            raise ValueError(
                f"patrol.breakpoints must be positive and increasing, got {list(self.breakpoints)}"
            )
        if any(v < 0 for v in self.values) or any(
            b > a for a, b in zip(self.values, self.values[1:], strict=False)
        ):
            raise ValueError(
                f"patrol.values must be non-negative and non-increasing (diminishing returns), "
                f"got {list(self.values)}"
            )
        bad = [k for k in self.kinds if k not in ("town", "outlying", "neighbourhood", "request")]
        if bad:
            raise ValueError(f"patrol.kinds: unknown site kind(s) {bad}")
        return self


class WeekSettings(_Spec):
    """How the week is valued and which rules the roster follows.

    ``repeat_value``: the k-th visit of a site in the week is worth
    ``repeat_value ** (k - 1)`` of the first (default 0.5: 2nd visit half,
    3rd a quarter). ``prize_scale``: site scores are multiplied by it and
    rounded to integer prizes for the routing core (default 1000, so scores
    keep three decimals). ``admin_share``: share of contract hours not
    available for field work (default 0.2). ``crew_home_rule``:
    ``"same_station"`` crews a vehicle only with officers of its home
    station; ``"any"`` allows any station at ``away_penalty`` per officer-day
    (prefers the home station) with the officer's drive to and from the
    depot counted in their shift. ``min_rest_hours``: rest between the end
    of one shift and the start of the next (default 11, the EU/Danish rule).
    ``min_contract_use``: share of each officer's field hours the roster
    tries to fill (soft; default 0). ``ferry_boarding_min``: with a ferry
    timetable, a vehicle must be at the terminal this long before departure
    (never more than the link's ``wait_min``).
    """

    repeat_value: float = Field(default=0.5, ge=0, le=1)
    prize_scale: int = Field(default=1000, ge=1)
    admin_share: float = Field(default=0.2, ge=0, lt=1)
    patrol: PatrolSettings = PatrolSettings()
    crew_home_rule: Literal["same_station", "any"] = "same_station"
    away_penalty: float = Field(default=1.0, ge=0)
    min_rest_hours: float = Field(default=11.0, ge=0, le=24)
    min_contract_use: float = Field(default=0.0, ge=0, le=1)
    ferry_boarding_min: int = Field(default=10, ge=0, le=120)


class SolverSettings(_Spec):
    """Search limits.

    ``time_limit_s`` bounds the whole weekly optimisation (routing, roster,
    hours); most of it goes to routing. ``seed`` fixes randomness.
    ``work_limit`` (routing iterations) makes the plan reproducible
    regardless of machine speed: when set, every solver stops on work done,
    not on the clock, and ``time_limit_s`` is not applied to routing.
    ``pool`` recombines the routes found by set packing. ``colgen`` runs
    column generation after the routing core (:mod:`colgen`): it gives the
    route-based bound and a plan from the integer master, kept when better;
    ``colgen_share`` is the part of the search time it gets.
    """

    time_limit_s: float = Field(default=30.0, gt=0)
    seed: int = Field(default=0, ge=0)
    work_limit: int | None = Field(default=None, gt=0)
    pool: bool = True
    colgen: bool = True
    colgen_share: float = Field(default=0.6, ge=0.0, le=0.95)

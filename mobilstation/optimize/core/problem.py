"""A domain-free prize-collecting routing problem with side constraints.

Nothing here knows about police, sites or weeks: routes, jobs, a travel
matrix and a few linear side constraints. The weekly model translates the
police week into this; the benchmark scripts translate the literature's Team
Orienteering instances into it.

Units: all times, durations and distances are integers in one unit chosen by
the caller (the weekly model uses whole minutes and metres; benchmarks scale
real distances by :data:`BENCH_SCALE` and round up so a route that fits the
integer data also fits the real data). Prizes are non-negative integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BENCH_SCALE = 10_000
"""Integer units per unit of real (Euclidean) distance in the literature benchmarks.

``benchmarks/top.py`` multiplies the Chao TOP distances by this factor and
rounds up, so a route that fits ``tmax`` on the integer data also fits it on
the real data (the rounding costs at most 1e-4 per leg).
"""


@dataclass(frozen=True)
class RouteSpec:
    """One route (a vehicle on one day).

    The route leaves ``start`` no earlier than ``earliest``, returns to ``end``
    no later than ``latest``, and its duration (return minus departure,
    including travel, waiting and service) is at most ``max_duration``.
    ``skills`` are what its crew can do; a job needing a skill the route lacks
    cannot be on it.
    """

    start: int
    end: int
    earliest: int = 0
    latest: int = 2**31 - 1
    max_duration: int = 2**31 - 1
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise ValueError(f"route latest {self.latest} < earliest {self.earliest}")
        if self.max_duration < 0:
            raise ValueError(f"route max_duration must be >= 0, got {self.max_duration}")


@dataclass(frozen=True)
class Job:
    """A visit that may (or, if ``required``, must) be made.

    ``windows`` are the allowed intervals for the start of service; waiting is
    allowed. ``routes`` restricts which routes (by index) may serve it; empty
    means any. ``skills`` must all be in the serving route's skills.
    """

    location: int
    prize: int
    service: int = 0
    windows: tuple[tuple[int, int], ...] = ((0, 2**31 - 1),)
    required: bool = False
    routes: frozenset[int] = frozenset()
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.prize < 0:
            raise ValueError(f"job prize must be >= 0, got {self.prize}")
        if self.service < 0:
            raise ValueError(f"job service must be >= 0, got {self.service}")
        if not self.windows:
            raise ValueError("job needs at least one time window")
        for lo, hi in self.windows:
            if hi < lo:
                raise ValueError(f"job window ({lo}, {hi}) has close < open")


@dataclass(frozen=True)
class Group:
    """At most ``max_count`` of ``jobs`` may be visited, with diminishing value.

    When ``marginal`` is given, the prizes of the jobs in the group are
    replaced by it: the k-th visited job of the group (k = 1, 2, ...) is worth
    ``marginal[k-1]`` (non-increasing), whatever its own prize. This is how
    "visit a site at most twice a week, the second visit worth less" is said
    without the core knowing what a site or a week is.
    """

    jobs: tuple[int, ...]
    max_count: int = 1
    marginal: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.max_count < 0:
            raise ValueError(f"group max_count must be >= 0, got {self.max_count}")
        if any(b > a for a, b in zip(self.marginal, self.marginal[1:])):
            raise ValueError(f"group marginal prizes must be non-increasing, got {self.marginal}")


@dataclass(frozen=True)
class Cover:
    """A minimum: sum of ``weights[i]`` over visited ``jobs[i]`` >= ``minimum``.

    Municipality quotas become covers (weight 1 per visit, or service minutes
    per visit for hour quotas). ``name`` is echoed in infeasibility reports.
    """

    jobs: tuple[int, ...]
    minimum: int
    weights: tuple[int, ...] = ()
    name: str = ""

    def weight(self, k: int) -> int:
        return self.weights[k] if self.weights else 1


@dataclass(frozen=True)
class Problem:
    """Routes, jobs, and the travel between locations.

    ``duration[i, j]`` and ``distance[i, j]`` are integer matrices over
    locations. ``conflicts`` are pairs of jobs that may not both be visited
    (e.g. two visits to a site on days too close together).
    """

    duration: np.ndarray
    distance: np.ndarray
    routes: tuple[RouteSpec, ...]
    jobs: tuple[Job, ...]
    groups: tuple[Group, ...] = ()
    covers: tuple[Cover, ...] = ()
    conflicts: tuple[tuple[int, int], ...] = field(default=())

    def __post_init__(self) -> None:
        n = self.duration.shape[0]
        if self.duration.shape != (n, n) or self.distance.shape != (n, n):
            raise ValueError("duration and distance must be square matrices of the same size")
        for r, route in enumerate(self.routes):
            for loc in (route.start, route.end):
                if not 0 <= loc < n:
                    raise ValueError(f"route {r}: location {loc} outside 0..{n - 1}")
        for k, job in enumerate(self.jobs):
            if not 0 <= job.location < n:
                raise ValueError(f"job {k}: location {job.location} outside 0..{n - 1}")
            for r in job.routes:
                if not 0 <= r < len(self.routes):
                    raise ValueError(f"job {k}: route {r} does not exist")

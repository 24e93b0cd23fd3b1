"""What the routing core returns: routes with times, the prize collected, and how it was found.

All times and distances are in the problem's own integer units (the weekly
model: minutes since midnight and metres).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .problem import Problem


@dataclass(frozen=True)
class Visit:
    """One served job: when the route gets there, starts and finishes service.

    ``arrival <= start`` (the difference is waiting at the job); ``end`` is
    ``start`` plus the job's service duration.
    """

    job: int
    arrival: int
    start: int
    end: int


@dataclass(frozen=True)
class RouteResult:
    """The schedule of one route (one :class:`RouteSpec`).

    ``departure`` is when it leaves its start, ``arrival`` when it is back at
    its end; ``duration = arrival - departure`` and ``distance`` is summed over
    the legs. An unused route has no visits, zero distance and duration, and
    ``departure == arrival == RouteSpec.earliest``.
    """

    route: int
    visits: tuple[Visit, ...]
    departure: int
    arrival: int
    distance: int
    duration: int

    @property
    def jobs(self) -> tuple[int, ...]:
        """The served jobs in order."""
        return tuple(v.job for v in self.visits)


@dataclass(frozen=True)
class Solution:
    """A plan for all routes and how it was obtained.

    ``routes`` has one entry per :class:`RouteSpec`, in the problem's order.
    ``objective`` is the total prize collected with :class:`Group` marginal
    values applied (see :func:`collected_prize`). ``feasible`` and
    ``violations`` come from :func:`check`. ``upper_bound`` is a proven bound on
    the best objective (``None`` when none was computed). ``seconds`` is wall
    time spent, ``iterations`` the number of local-search iterations,
    ``engine`` names what produced it, and ``status`` is one of
    ``"optimal"`` (objective equals the bound), ``"feasible"`` or
    ``"infeasible"`` (no plan found that meets every hard constraint; the
    returned one breaks the constraints listed in ``violations``). ``pool``
    lists the routes the search kept as (route index, jobs in order), for a
    caller that recombines them further (column generation); most were
    scheduled by the core, the rest are PyVRP's and should be re-checked.
    """

    routes: tuple[RouteResult, ...]
    objective: int
    feasible: bool
    violations: tuple[str, ...]
    upper_bound: int | None
    seconds: float
    iterations: int
    engine: str
    status: str
    pool: tuple[tuple[int, tuple[int, ...]], ...] = ()

    @property
    def visited(self) -> tuple[int, ...]:
        """All served jobs, route by route."""
        return tuple(v.job for r in self.routes for v in r.visits)


def collected_prize(problem: Problem, jobs: Iterable[int]) -> int:
    """Total prize of the visited ``jobs`` (each counted once).

    A job in no group with ``marginal`` values earns its own prize. For a group
    with ``marginal`` values, its visited jobs earn ``marginal[0]``,
    ``marginal[1]``, ... in turn whatever their own prizes (visits beyond the
    tuple's length earn 0); a job in such a group earns nothing of its own. A
    job in two groups with marginal values counts towards both.
    """
    visited = set(jobs)
    in_marginal: set[int] = set()
    total = 0
    for group in problem.groups:
        if not group.marginal:
            continue
        members = set(group.jobs)
        in_marginal |= members
        count = len(members & visited)
        total += sum(group.marginal[:count])
    total += sum(problem.jobs[j].prize for j in visited if j not in in_marginal)
    return total

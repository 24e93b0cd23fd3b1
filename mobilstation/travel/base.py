"""The one travel interface: points in, integer minutes and metres out.

Every travel model (``estimated``, ``osm``) returns a :class:`TravelMatrix`
for an ordered list of :class:`Point`. Minutes and metres are integers so the
optimizer works on exact data (minutes are rounded up, so a plan that fits the
matrix never under-states a drive).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class Point:
    """A place to travel between. ``id`` is unique within one matrix."""

    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class TravelMatrix:
    """All-pairs travel for ``ids`` (row = from, column = to).

    ``minutes`` and ``metres`` are ``int64`` arrays of shape (n, n) with a zero
    diagonal. ``ferry[i, j]`` is True when the leg uses a ferry; ``links[(i, j)]``
    lists the ids of the fixed links (bridges, tunnels, ferries) the leg uses,
    in travel order, for legs that use any. ``estimated`` is True when the
    numbers are model estimates rather than road-network routes; outputs label
    them so.
    """

    ids: tuple[str, ...]
    minutes: np.ndarray
    metres: np.ndarray
    ferry: np.ndarray
    links: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    model: str = "estimated"
    estimated: bool = True
    params: dict[str, Any] = field(default_factory=dict)

    def index(self, point_id: str) -> int:
        return self.ids.index(point_id)

    def leg(self, a: str, b: str) -> tuple[int, int, bool, tuple[str, ...]]:
        """(minutes, metres, uses_ferry, link ids) from ``a`` to ``b``."""
        i, j = self.index(a), self.index(b)
        return (
            int(self.minutes[i, j]),
            int(self.metres[i, j]),
            bool(self.ferry[i, j]),
            self.links.get((i, j), ()),
        )


class TravelModel(Protocol):
    """What every travel model offers."""

    name: str

    def matrix(self, points: Sequence[Point]) -> TravelMatrix: ...

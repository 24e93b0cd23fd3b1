"""Fixed links out of service on some days of the week (a ferry cancelled in a storm, a bridge shut).

The travel matrix is one for the whole week; a closure makes some of its
legs impossible on some dates. Rather than a matrix per day, a closure is
kept exact by refusing, on a closed date, everything whose drive would use
the link: a site for a van whose depot reaches it (or returns from it) only
over the link, an officer's drive between station and depot or patrol area.
That is exact as long as no other leg of a day uses the link, which holds
for a link that only leads somewhere (the Læsø ferry: nothing on the
mainland drives through Læsø). A link that also carries traffic between
places on either side (a bridge that is a short cut) is not: for it,
:func:`through_traffic` names the legs and the caller leaves the link out
of the travel model for all the days instead (conservative: it reopens for
no one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from mobilstation.travel.base import TravelMatrix

__all__ = ["LinkClosures", "through_traffic"]


@dataclass(frozen=True)
class LinkClosures:
    """``days[link_id]``: the dates the link is closed; ``matrix``: the legs and the links they use;
    ``names``: link id -> the name people know it by (for messages)."""

    days: Mapping[str, frozenset[date]]
    matrix: TravelMatrix
    names: Mapping[str, str] = field(default_factory=dict)
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({pid: i for i, pid in enumerate(self.matrix.ids)})

    def closed_on(self, a: str, b: str, day: date) -> tuple[str, ...]:
        """The links the drive from ``a`` to ``b`` would use that are closed on ``day``."""
        i, j = self._index.get(a), self._index.get(b)
        if i is None or j is None:
            return ()
        return tuple(lk for lk in self.matrix.links.get((i, j), ()) if day in self.days.get(lk, ()))

    def round_trip_closed(self, a: str, b: str, day: date) -> tuple[str, ...]:
        """The closed links on the way from ``a`` to ``b`` or back (each once, in travel order)."""
        return tuple(dict.fromkeys((*self.closed_on(a, b, day), *self.closed_on(b, a, day))))


def through_traffic(
    matrix: TravelMatrix, links: Iterable[str], origins: Iterable[str], sites: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """Links some day's drive could use although its ends are reached without them; link -> one such leg.

    A day starts and ends at an origin (a van's depot, an officer's station).
    On a closed day it may go only where that origin reaches without the link
    (there and back); if two such places are joined by a leg that uses the
    link, refusing visits alone cannot keep the day off it.
    """
    index = {pid: i for i, pid in enumerate(matrix.ids)}
    origin_ix = [index[o] for o in dict.fromkeys(origins) if o in index]
    site_ix = [index[s] for s in sites if s in index]
    out: dict[str, tuple[str, str]] = {}
    for lk in sorted(set(links)):

        def uses(i: int, j: int, lk: str = lk) -> bool:
            return lk in matrix.links.get((i, j), ())

        for o in origin_ix:
            free = [j for j in [o, *site_ix] if not uses(o, j) and not uses(j, o)]
            hit = next(((i, j) for i in free for j in free if uses(i, j)), None)
            if hit is not None:
                out[lk] = (matrix.ids[hit[0]], matrix.ids[hit[1]])
                break
    return out

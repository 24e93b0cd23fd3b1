"""Why a candidate site is not in the week's plan, in one Danish sentence.

Every candidate site the plan leaves unvisited gets a ``reason_code`` (the
:class:`mobilstation.plan.Unvisited` vocabulary) and a sentence a planner can
act on. The tests run in this order, and the first that applies wins:

``wrong_day``   no planned day is allowed (weekdays, deadline) or no vehicle
                runs on the allowed days.
``no_skill``    vehicles run on allowed days, but no crew that day has the
                skill the site needs (e.g. traffic checks).
``unreachable`` a vehicle with the skills runs, but depot -> site -> depot
                with the stay does not fit the shift, the working time or the
                site's windows, even as the only stop.
``no_time``     the site fits on an empty route of an allowed day, but every
                route that day is full: it cannot be inserted anywhere, not
                even in place of one visit.
``displaced``   it could be inserted only by taking out a visit, and every
                such visit is worth at least as much (or is needed for a
                quota or a request).
``weekly_max``  (per day, for sites already visited) the site has had its
                weekly maximum of visits; see :func:`day_reason`.

Insertion tests use ``fits(route, sites)`` supplied by the weekly model, so
the explanation uses exactly the schedule rules the plan uses (ferry
timetables included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from mobilstation.demand.site import Site
from mobilstation.plan import Unvisited

WEEKDAY_DA = ("man", "tir", "ons", "tor", "fre", "lør", "søn")


def _num(x: float) -> str:
    """Three decimals with a Danish decimal comma."""
    return f"{x:.3f}".replace(".", ",")


def day_name(d: date) -> str:
    """Short Danish weekday and date, e.g. ``"tir 2.12."``."""
    return f"{WEEKDAY_DA[d.isoweekday() - 1]} {d.day}.{d.month}."


@dataclass(frozen=True)
class DayOption:
    """What the weekly model found for a site on one planned day.

    ``code`` is None when the site may be visited that day by ``routes``
    (route indices); otherwise the reason it may not, with ``detail`` the
    Danish sentence.
    """

    day: int
    date: date
    code: str | None
    detail: str = ""
    routes: tuple[int, ...] = ()


@dataclass
class RouteView:
    """A final route as the explanation needs it.

    ``values[k]`` is what removing stop ``k`` would cost; ``locked[k]`` is
    True when the stop is needed for a quota or a request.
    """

    index: int
    id: str
    date: date
    sites: list[Site]
    values: list[int] = field(default_factory=list)
    locked: list[bool] = field(default_factory=list)


Fits = Callable[[int, Sequence[Site]], bool]


def can_insert(route: RouteView, site: Site, fits: Fits) -> bool:
    """Whether ``site`` fits into ``route`` at some position."""
    return any(
        fits(route.index, [*route.sites[:k], site, *route.sites[k:]]) for k in range(len(route.sites) + 1)
    )


def best_displacement(route: RouteView, site: Site, fits: Fits) -> tuple[int, bool] | None:
    """The cheapest stop whose removal makes room for ``site``.

    Returns (stop position, locked) preferring unlocked and low-value stops,
    or None when no single removal makes room.
    """
    order = sorted(range(len(route.sites)), key=lambda k: (route.locked[k], route.values[k], k))
    for k in order:
        rest = route.sites[:k] + route.sites[k + 1 :]
        if any(fits(route.index, [*rest[:i], site, *rest[i:]]) for i in range(len(rest) + 1)):
            return k, route.locked[k]
    return None


def explain_site(
    site: Site,
    options: Sequence[DayOption],
    routes: Sequence[RouteView],
    fits: Fits,
    value: int,
    scale: int = 1000,
) -> Unvisited:
    """The reason a site with no visit in the week is unvisited.

    ``options`` has one entry per planned day; ``value`` is what a first
    visit would add (integer prize).
    """
    open_days = [o for o in options if o.code is None]
    if not open_days:
        for code in ("unreachable", "no_skill", "wrong_day"):
            hits = [o for o in options if o.code == code]
            if hits:
                return Unvisited(site_id=site.id, reason_code=code, reason=hits[0].detail)
        return Unvisited(site_id=site.id, reason_code="wrong_day", reason="Ingen planlagte dage i ugen.")
    by_index = {r.index: r for r in routes}
    candidates = [by_index[r] for o in open_days for r in o.routes if r in by_index]
    room = [r for r in candidates if can_insert(r, site, fits)]
    if room:
        if value <= 0:
            return Unvisited(
                site_id=site.id,
                reason_code="displaced",
                reason=(
                    "Stedet har ingen prioritet i ugens plan (score 0); alle planlagte besøg er mere værd."
                ),
            )
        r = room[0]
        return Unvisited(
            site_id=site.id,
            reason_code="no_time",
            reason=f"Ikke fundet inden for søgegrænsen; der ser ud til at være plads på {r.id}.",
        )
    best: tuple[int, int, bool, RouteView] | None = None  # (value, pos, locked, route)
    for r in candidates:
        hit = best_displacement(r, site, fits)
        if hit is None:
            continue
        k, locked = hit
        key = (locked, r.values[k])
        if best is None or key < (best[2], best[0]):
            best = (r.values[k], k, locked, r)
    days = ", ".join(day_name(o.date) for o in open_days)
    if best is None:
        return Unvisited(
            site_id=site.id,
            reason_code="no_time",
            reason=(
                f"Ingen ledig tid: ruterne på de mulige dage ({days}) er fulde; "
                "stedet kunne nås af en tom rute."
            ),
        )
    v, k, locked, r = best
    other = r.sites[k]
    if not locked and v < value:
        return Unvisited(
            site_id=site.id,
            reason_code="no_time",
            reason=(
                f"Ikke fundet inden for søgegrænsen; stedet kunne erstatte {other.name} "
                f"({day_name(r.date)}), der er mindre værd."
            ),
        )
    if locked:
        why = f"{other.name} ({day_name(r.date)}) som kræves af en kvote eller anmodning"
    else:
        worth = f"værdi {_num(v / scale)} mod {_num(value / scale)}"
        why = f"{other.name} ({day_name(r.date)}), der er mere værd ({worth})"
    return Unvisited(
        site_id=site.id,
        reason_code="displaced",
        reason=f"Fortrængt: der er kun plads, hvis besøget i {why} udgår.",
    )


def day_reason(
    site: Site,
    option: DayOption,
    visits: int,
    visited_days: Sequence[date],
) -> tuple[str, str] | None:
    """Why a site is not visited on one day, for sites with visits elsewhere.

    Returns (code, Danish sentence), or None when nothing but the solution's
    choice keeps it off that day.
    """
    if option.code is not None:
        return option.code, option.detail
    if visits >= site.weekly_max:
        return "weekly_max", f"Allerede besøgt {visits} gang(e) i ugen; højst {site.weekly_max} tilladt."
    close = [d for d in visited_days if 0 < abs((d - option.date).days) < site.min_gap_days]
    if close:
        return (
            "weekly_max",
            f"For tæt på besøget {day_name(close[0])}: mindst {site.min_gap_days} dage mellem besøg.",
        )
    return None


def explain_all(
    sites: Sequence[Site],
    options: Mapping[str, Sequence[DayOption]],
    routes: Sequence[RouteView],
    fits: Fits,
    values: Mapping[str, int],
    visited: Mapping[str, int],
    scale: int = 1000,
) -> list[Unvisited]:
    """:func:`explain_site` for every site with no visit, in input order."""
    return [
        explain_site(s, options[s.id], routes, fits, values.get(s.id, 0), scale)
        for s in sites
        if visited.get(s.id, 0) == 0
    ]

"""Travel recomputed the simple way, for the plan checker: straight lines, land masses, listed links.

The planner's travel model is not trusted here (a bug in it would sit on both
sides of a comparison with its own matrix). Instead:

* a leg can never be faster than the straight line at :data:`TOP_SPEED_KMH`
  (the Danish motorway limit), plus each link's crossing, plus each ferry's
  wait: the timetable's next departure when the link has one, else the
  link's average ``wait_min`` (never skipped);
* land masses are the connected parts of the union of the district's
  municipality polygons (land only: the Limfjord, Kattegat and the Læsø
  Rende are water). A leg whose ends lie on different land masses must list
  links that carry it from one to the other, in order.

Only the district's polygons (from ``plan.scenario.district``) and the plan's
coordinates and links are used.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import Point as ShapelyPoint
from shapely.ops import unary_union

from mobilstation.plan import LinkInfo, PlanRecord

TOP_SPEED_KMH = 130.0


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def floor_min(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Minutes at least needed between two points: the straight line at the top speed."""
    return haversine_m(a, b) / (TOP_SPEED_KMH * 1000 / 60)


@dataclass(frozen=True)
class Land:
    """The district's land masses (largest first) and a lookup of the one a point lies on."""

    parts: tuple

    def mass(self, lat: float, lon: float) -> int:
        """Index of the land mass containing (lat, lon), else the nearest (a harbour off the coast)."""
        p = ShapelyPoint(lon, lat)
        for i, g in enumerate(self.parts):
            if g.contains(p):
                return i
        return min(range(len(self.parts)), key=lambda i: self.parts[i].distance(p))


@lru_cache(maxsize=4)
def land(district: str) -> Land:
    from mobilstation.geo.district import load_district

    d = load_district(int(district) if district.isdigit() else district)
    union = unary_union([m.geometry for m in d.municipalities])
    parts = sorted(getattr(union, "geoms", [union]), key=lambda g: -g.area)
    return Land(tuple(parts))


@lru_cache(maxsize=4)
def _municipality_shapes(district: str) -> tuple:
    from mobilstation.geo.district import load_district

    d = load_district(int(district) if district.isdigit() else district)
    return tuple((m.code, m.geometry) for m in d.municipalities)


def municipality_of(district: str, lat: float, lon: float) -> str:
    """The code of the municipality polygon containing the point, else the nearest one."""
    p = ShapelyPoint(lon, lat)
    shapes = _municipality_shapes(district)
    for code, g in shapes:
        if g.contains(p):
            return code
    return min(shapes, key=lambda cg: cg[1].distance(p))[0]


def coords(plan: PlanRecord) -> dict[str, tuple[float, float]]:
    out = {st.id: (st.lat, st.lon) for st in plan.stations}
    out |= {r.depot_id: (r.depot_lat, r.depot_lon) for r in plan.routes}
    out |= {x.id: (x.lat, x.lon) for x in plan.sites}
    return out


def _ends(link: LinkInfo) -> tuple[tuple[float, float], tuple[float, float]]:
    return (link.a[0], link.a[1]), (link.b[0], link.b[1])


def check_leg(
    plan: PlanRecord,
    where: str,
    leg,
    places: dict[str, tuple[float, float]],
    links: dict[str, LinkInfo],
    lands: Land,
    boarding_min: int,
) -> list[str]:
    """The land-mass rule and the straight-line floor (with crossings and ferry waits) for one leg."""
    if leg.from_id not in places or leg.to_id not in places:
        return [f"{where}: a place with no coordinates in the plan"]
    p, q = places[leg.from_id], places[leg.to_id]
    out: list[str] = []
    used = [links[k] for k in leg.links if k in links]
    here, goal = lands.mass(*p), lands.mass(*q)
    # walk the listed links in order: each must leave from the land mass the leg is on
    pos, t, mass = p, float(leg.depart), here
    for link in used:
        ea, eb = _ends(link)
        ma, mb = lands.mass(*ea), lands.mass(*eb)
        if ma == mb:  # a link within one land mass (a bridge over a fjord's inner end): nearer end first
            forward = haversine_m(pos, ea) <= haversine_m(pos, eb)
        elif mass in (ma, mb):
            forward = mass == ma
        else:
            out.append(f"{where}: link {link.id} does not start on the land mass the leg is on")
            forward = haversine_m(pos, ea) <= haversine_m(pos, eb)
        start, end = (ea, eb) if forward else (eb, ea)
        t += floor_min(pos, start)
        if link.kind == "ferry":
            deps = link.departures_a if forward else link.departures_b
            if deps:
                i = bisect_left(sorted(deps), math.ceil(t - 1e-9) + min(boarding_min, link.wait_min))
                if i == len(deps):
                    out.append(f"{where}: no departure of {link.id} is left when the vehicle can be there")
                    return out
                t = sorted(deps)[i]
            else:
                t += link.wait_min  # no timetable: the average wait, always
        t += link.crossing_min
        pos, mass = end, (mb if forward else ma)
    t += floor_min(pos, q)
    if mass != goal:
        names = [k for k in leg.links] or "no link"
        out.append(
            f"{where}: crosses water from land mass {here} to {goal} but its links ({names}) do not "
            "lead there"
        )
    arrive = leg.depart + leg.minutes
    if arrive + 1 < t:  # one minute for the rounding of whole minutes
        out.append(
            f"{where}: {leg.minutes} min, but even the straight line at {TOP_SPEED_KMH:g} km/h with the "
            f"crossings and ferry waits of its links takes {t - leg.depart:.1f} min"
        )
    return out

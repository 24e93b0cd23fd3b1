"""Travel estimated from distance over land, with bridges, tunnels and ferries.

No road network is needed: a leg's road length is the over-land distance
(straight when the straight line stays on land, else around the water, see
:mod:`mobilstation.travel.graph`) times a circuity factor, and its time comes
from speed bands by road length. Water is crossed only on the district's
:class:`~mobilstation.geo.model.Link` s (Limfjord bridges and tunnel, ferries).

The model is a graph whose nodes are the points plus both ends of every
link. Two nodes on the same land mass are joined by a road edge; each link
joins its ends with the crossing time (plus the ferry wait). A leg is the
shortest path in this graph that passes through no third point (it depends
on its two ends, the land and the links only, so a plan's legs come out the
same whichever other places a matrix is rebuilt over), so a leg across the Limfjord goes over a bridge
or through the tunnel, Hals -> Hadsund takes the Hals-Egense ferry or the road
via Aalborg, and every leg to Læsø takes its ferry.

Why the triangle inequality holds: the road time ``f(d)`` of a road length
``d`` sums, over the speed bands, the part of ``d`` in each band divided by
that band's speed. With speeds non-decreasing from band to band (validated)
``f`` is concave, increasing and ``f(0) = 0``, hence subadditive; the
over-land distance is a metric between places at the district's towns (the
anchors of :mod:`mobilstation.travel.graph`), so road times are a metric and
shortest paths through links keep it one. A place elsewhere can, rarely,
see a detour up to about a waypoint step longer than a path through another
place: the price of legs that do not depend on the other places. Rounding up (``ceil``) preserves it:
``ceil(z) <= ceil(x) + ceil(y)`` when ``z <= x + y``. Floating-point noise is
absorbed by subtracting 1e-6 minutes before rounding.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import networkx as nx
import numpy as np
import shapely
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from mobilstation.errors import TravelError
from mobilstation.geo.model import District, Link
from mobilstation.geo.projection import to_metric_arrays
from mobilstation.i18n import t
from mobilstation.travel.base import Point, TravelMatrix
from mobilstation.travel.graph import LandMask, Located, link_length_m, link_wait_min, links_fingerprint

_EPS_MIN = 1e-6  # minutes: float noise below this never rounds a leg up by a whole minute
_TINY = 1e-9  # edge weight floor so zero-length edges stay edges in sparse graphs
#: Bumped when the way legs are computed changes, so matrices cached by an older version are not reused
#: (2: waypoints on narrow land; 3: a leg no longer depends on the other points of the matrix).
MODEL_REVISION = 3


class EstimatedParams(BaseModel):
    """Parameters of the ``estimated`` travel model (units in the names).

    ``circuity``: road length / straight-line length. Studies of road
    networks find road distances typically 1.2-1.4 times the straight line
    (e.g. Ballou, Rahardja & Sakai 2002, "Selected country circuity factors
    for road transportation"; Boscoe, Henry & Zdeb 2012, "A nationwide
    comparison of driving distance versus straight-line distance to
    hospitals"). 1.3 suits Danish rural roads; motorway corridors (E39, E45)
    are straighter, so long legs along them come out on the long side.

    ``band_edges_km`` / ``band_speeds_kmh``: speed by road length. The first
    5 km of a leg run at 35 km/h (town streets at the 50 km/h urban limit,
    junctions, getting out of a village), the next 15 km at 60 km/h (rural
    roads at the 80 km/h limit through villages at 50), everything beyond
    20 km at 80 km/h (main roads and motorways at 80-130 km/h). A leg of road
    length ``d`` takes the sum over bands of (part of ``d`` in the band) /
    (band speed): continuous in ``d``, and concave because speeds must not
    decrease from band to band, which keeps the triangle inequality.

    ``land_tolerance_m``: how far off the generalised (1:500,000) coastline a
    straight leg, a point or a link end may be and still count as on land.
    Each land mass is buffered on its own, so water between two land masses
    is never bridged by it.

    ``point_snap_m``: a point (or link end) farther than ``land_tolerance_m``
    but within this distance of land is moved to the nearest land, and the
    offset is added to the length of each of its legs; farther is an error.
    1000 m matches the district data's own check that places lie within 1 km
    of a municipality polygon.

    ``waypoint_spacing_m``: grid step of the land waypoints that carry legs
    around bays and fjords when the straight line crosses water.

    ``leg_overhead_min``: fixed minutes added once to every leg between two
    different points (parking, getting going). 0 by default because setting
    up at a stop belongs to the stop's service time.

    ``use_link_departures``: when True, a ferry end with at least two listed
    departures uses ``ferry_boarding_min`` plus the mean wait for a
    departure instead of the link's ``wait_min`` (see
    :func:`mobilstation.travel.graph.link_wait_min`); legs can then differ by
    direction.
    """

    model_config = ConfigDict(extra="forbid")

    circuity: float = Field(1.3, ge=1.0, le=3.0)
    band_edges_km: tuple[float, ...] = (5.0, 20.0)
    band_speeds_kmh: tuple[float, ...] = (35.0, 60.0, 80.0)
    land_tolerance_m: float = Field(300.0, ge=0.0, le=5000.0)
    point_snap_m: float = Field(1000.0, ge=0.0, le=20000.0)
    waypoint_spacing_m: float = Field(4000.0, ge=250.0, le=50000.0)
    leg_overhead_min: float = Field(0.0, ge=0.0, le=120.0)
    use_link_departures: bool = False
    ferry_boarding_min: float = Field(15.0, ge=0.0, le=240.0)

    @model_validator(mode="after")
    def _consistent(self) -> EstimatedParams:
        if self.point_snap_m < self.land_tolerance_m:
            raise ValueError(
                f"point_snap_m ({self.point_snap_m:g}) must be >= "
                f"land_tolerance_m ({self.land_tolerance_m:g})"
            )
        edges, speeds = self.band_edges_km, self.band_speeds_kmh
        if len(speeds) != len(edges) + 1:
            raise ValueError(
                f"band_speeds_kmh needs one speed more than band_edges_km has edges "
                f"(got {len(speeds)} speeds for {len(edges)} edges)"
            )
        if any(e <= 0 for e in edges) or any(b <= a for a, b in pairwise(edges)):
            raise ValueError(f"band_edges_km must be positive and increasing, got {edges}")
        if any(s <= 0 for s in speeds):
            raise ValueError(f"band_speeds_kmh must be positive, got {speeds}")
        if any(b < a for a, b in pairwise(speeds)):
            raise ValueError(
                "band_speeds_kmh must not decrease from band to band (keeps the triangle inequality), "
                f"got {speeds}"
            )
        return self


def road_minutes(road_m: np.ndarray | float, params: EstimatedParams) -> np.ndarray:
    """Minutes to drive ``road_m`` metres of road at the banded speeds (no overhead).

    Sum over bands of the part of the length in the band divided by its speed;
    ``inf`` stays ``inf``.
    """
    d_km = np.asarray(road_m, float) / 1000.0
    lows = (0.0, *params.band_edges_km)
    highs = (*params.band_edges_km, math.inf)
    total = np.zeros_like(d_km)
    for lo, hi, v in zip(lows, highs, params.band_speeds_kmh, strict=True):
        part = np.clip(d_km, lo, hi) - lo
        total = total + part / v * 60.0
    return total


class EstimatedTravel:
    """The ``estimated`` model: over-land distance x circuity at banded speeds, plus links.

    ``land`` is a WGS84 (lon, lat) polygonal geometry (e.g. the union of the
    district's municipalities); ``links`` the fixed crossings over water.
    Land preparation happens once here; :meth:`matrix` does the per-point work.
    """

    name = "estimated"

    def __init__(
        self,
        land: BaseGeometry,
        links: Sequence[Link] = (),
        params: EstimatedParams | None = None,
        anchors: Sequence[tuple[float, float]] = (),
    ) -> None:
        self.params = params or EstimatedParams()
        self.links: tuple[Link, ...] = tuple(links)
        self.anchors: tuple[tuple[float, float], ...] = tuple((float(a), float(b)) for a, b in anchors)
        ids = [lk.id for lk in self.links]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise TravelError(t("travel.duplicate_links", ids=dup))
        for lk in self.links:
            if lk.crossing_min < 0 or lk.wait_min < 0:
                times = {"crossing": lk.crossing_min, "wait": lk.wait_min}
                raise TravelError(t("travel.negative_link", id=lk.id, **times))
        self._land_wkb = shapely.to_wkb(land, output_dimension=2)
        try:
            self.land = LandMask(land, self.params.land_tolerance_m, self.params.waypoint_spacing_m)
        except ValueError as exc:
            raise TravelError(t("travel.land", reason=exc)) from exc
        self._locate_links()
        self._add_anchors()

    @classmethod
    def from_district(cls, district: District, params: EstimatedParams | None = None) -> EstimatedTravel:
        """The model over the district's land (its municipalities, else its outline) and links.

        The district's towns anchor detours over land (see
        :meth:`~mobilstation.travel.graph.LandMask.add_anchors`); stations are
        left out so a scenario's own stations file does not move legs.
        """
        if district.municipalities:
            land = shapely.union_all([m.geometry for m in district.municipalities])
        else:
            land = district.geometry
        anchors = sorted({(t.lat, t.lon) for t in district.towns})
        return cls(land, district.links, params, anchors)

    # -- identity ------------------------------------------------------------
    def fingerprint(self) -> str:
        """sha256 of everything the matrix depends on except the points (for caching)."""
        h = hashlib.sha256()
        h.update(self.name.encode())
        h.update(f"revision {MODEL_REVISION}".encode())
        h.update(json.dumps(self.params.model_dump(mode="json"), sort_keys=True).encode())
        h.update(hashlib.sha256(self._land_wkb).digest())
        h.update(links_fingerprint(self.links).encode())
        h.update(json.dumps(self.anchors).encode())
        return h.hexdigest()

    def params_dict(self) -> dict[str, Any]:
        """Parameters as recorded in :attr:`TravelMatrix.params` and plan.json."""
        return {**self.params.model_dump(mode="json"), "links": [lk.id for lk in self.links]}

    # -- links -----------------------------------------------------------------
    def _locate_links(self) -> None:
        m = len(self.links)
        lat = np.array([v for lk in self.links for v in (lk.a_lat, lk.b_lat)], float)
        lon = np.array([v for lk in self.links for v in (lk.a_lon, lk.b_lon)], float)
        lx, ly = to_metric_arrays(lat, lon)
        loc = self.land.locate(lx, ly, self.params.point_snap_m)
        for k in range(2 * m):
            if loc.comp[k] < 0:
                lk = self.links[k // 2]
                end, name = ("a", lk.a_name) if k % 2 == 0 else ("b", lk.b_name)
                at = {"lat": f"{lat[k]:.5f}", "lon": f"{lon[k]:.5f}", "metres": f"{loc.dist[k]:.0f}"}
                snap = f"{self.params.point_snap_m:g}"
                at |= {"end": end, "place": name, "snap": snap}
                raise TravelError(t("travel.link_off_land", id=lk.id, name=lk.name, **at))
        self._lcomp = loc.comp
        self._lx, self._ly, self._loff = self._onto_land(lx, ly, loc)
        p = self.params
        self._link_min = np.array(
            [
                [
                    lk.crossing_min
                    + link_wait_min(
                        lk, "a", use_departures=p.use_link_departures, boarding_min=p.ferry_boarding_min
                    ),
                    lk.crossing_min
                    + link_wait_min(
                        lk, "b", use_departures=p.use_link_departures, boarding_min=p.ferry_boarding_min
                    ),
                ]
                for lk in self.links
            ],
            float,
        ).reshape(m, 2)
        self._link_m = np.array([link_length_m(lk) for lk in self.links], float)

    def _add_anchors(self) -> None:
        """The anchors and the link ends, moved onto their land, become fixed waypoints of the mask."""
        if self.anchors:
            ax, ay = to_metric_arrays([a[0] for a in self.anchors], [a[1] for a in self.anchors])
            loc = self.land.locate(ax, ay, self.params.point_snap_m)
            ax, ay, _ = self._onto_land(ax, ay, loc)
            acomp = loc.comp
        else:
            ax = ay = np.zeros(0)
            acomp = np.zeros(0, dtype=np.int64)
        self.land.add_anchors(
            np.concatenate([ax, self._lx]),
            np.concatenate([ay, self._ly]),
            np.concatenate([acomp, self._lcomp]),
        )

    def _onto_land(
        self, x: np.ndarray, y: np.ndarray, loc: Located
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Move places farther than the tolerance onto their land mass; return the offsets (m)."""
        far = np.where(loc.dist > self.params.land_tolerance_m, loc.comp, -1)
        nx_, ny_ = self.land.nearest_on_land(x, y, far)
        return nx_, ny_, np.where(far >= 0, loc.dist, 0.0)

    # -- reachability ----------------------------------------------------------
    def reach_groups(self, points: Sequence[Point]) -> np.ndarray:
        """For each point, a label shared by the points a car can drive between; -1 off land.

        Two points share a label when roads and links (bridges, tunnels, car
        ferries) lead both ways between them. Used to leave out places no road
        or link reaches before a matrix is asked for.
        """
        n = len(points)
        out = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return out
        px, py = to_metric_arrays([p.lat for p in points], [p.lon for p in points])
        on = np.flatnonzero(self.land.locate(px, py, self.params.point_snap_m).comp >= 0)
        if not len(on):
            return out
        total = self._paths([points[i] for i in on.tolist()])[5]
        reach = np.isfinite(total)
        g = nx.Graph()
        g.add_nodes_from(range(len(on)))
        ii, jj = np.nonzero(reach & reach.T)
        g.add_edges_from(zip(ii.tolist(), jj.tolist(), strict=True))
        for k, members in enumerate(sorted(nx.connected_components(g), key=min)):
            out[on[sorted(members)]] = k
        return out

    # -- the work --------------------------------------------------------------
    def _prepare(self, points: Sequence[Point]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Road minutes and metres between all nodes (points, then link ends a, b), and node lands."""
        ids = [p.id for p in points]
        seen: set[str] = set()
        for p in points:
            if p.id in seen:
                raise TravelError(t("travel.duplicate_point", id=p.id))
            seen.add(p.id)
            if not (
                math.isfinite(p.lat) and math.isfinite(p.lon) and -90 <= p.lat <= 90 and -180 <= p.lon <= 180
            ):
                raise TravelError(t("travel.bad_point", id=p.id, lat=p.lat, lon=p.lon))
        px, py = to_metric_arrays([p.lat for p in points], [p.lon for p in points])
        loc = self.land.locate(px, py, self.params.point_snap_m)
        off = np.flatnonzero(loc.comp < 0)
        if len(off):
            names = ", ".join(
                f"{ids[i]!r} ({points[i].lat:.5f}, {points[i].lon:.5f}) {loc.dist[i]:.0f} m" for i in off[:5]
            )
            more = t("travel.more", count=len(off) - 5) if len(off) > 5 else ""
            snap = f"{self.params.point_snap_m:g}"
            raise TravelError(t("travel.off_land", names=names, more=more, snap=snap))
        px, py, poff = self._onto_land(px, py, loc)
        x = np.concatenate([px, self._lx])
        y = np.concatenate([py, self._ly])
        comp = np.concatenate([loc.comp, self._lcomp])
        off = np.concatenate([poff, self._loff])
        # A place moved onto land pays its offset on every leg: still a metric (i != j).
        land_m = self.land.land_distances(x, y, comp) + off[:, None] + off[None, :]
        np.fill_diagonal(land_m, 0.0)
        road_m = self.params.circuity * land_m
        return road_minutes(road_m, self.params), road_m, comp

    def graph(self, points: Sequence[Point]) -> nx.DiGraph:
        """The full travel graph for ``points``, for inspection and checks.

        Nodes are the point ids and ``"<link id>:a"`` / ``"<link id>:b"``;
        edges carry ``minutes`` and ``metres`` (floats, before rounding and
        without ``leg_overhead_min``), ``kind`` ("road" or the link kind) and
        ``link`` (link id or None). Every road edge between two nodes on the
        same land mass is present, so shortest paths in it are the legs of
        :meth:`matrix` (between places at anchors, where road legs are a
        metric; :meth:`matrix` never routes a leg through a third point).
        """
        t, mtr, _ = self._prepare(points)
        names = [p.id for p in points] + [f"{lk.id}:{e}" for lk in self.links for e in ("a", "b")]
        g = nx.DiGraph()
        g.add_nodes_from(names)
        ii, jj = np.nonzero(np.isfinite(t))
        for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
            if i != j:
                g.add_edge(
                    names[i],
                    names[j],
                    minutes=float(t[i, j]),
                    metres=float(mtr[i, j]),
                    kind="road",
                    link=None,
                )
        n = len(points)
        for k, lk in enumerate(self.links):
            a, b = n + 2 * k, n + 2 * k + 1
            for u, v, tm in ((a, b, self._link_min[k, 0]), (b, a, self._link_min[k, 1])):
                if not g.has_edge(names[u], names[v]) or tm < g[names[u]][names[v]]["minutes"]:
                    g.add_edge(
                        names[u],
                        names[v],
                        minutes=float(tm),
                        metres=float(self._link_m[k]),
                        kind=lk.kind,
                        link=lk.id,
                    )
        return g

    def _paths(self, points: Sequence[Point]) -> tuple[Any, ...]:
        """Shortest paths from every point over roads and links (minutes; inf where none)."""
        n = len(points)
        t, mtr, _ = self._prepare(points)
        m = len(self.links)
        big_n = n + 2 * m

        # Skeleton graph (networkx): points -> link ends, link end <-> link end and link
        # ends -> points by road, plus the links. Each point is two nodes, one leaving
        # (0..n-1) and one arriving (big_n..big_n+n-1), so no path passes through a third
        # point: a leg is the direct road edge or goes through link ends, and never depends
        # on which other points are in the matrix.
        link_edge: dict[tuple[int, int], int] = {}
        g = nx.DiGraph()
        g.add_nodes_from(range(big_n + n))
        ends = np.arange(n, big_n)
        for e in ends.tolist():
            for u in np.flatnonzero(np.isfinite(t[e])).tolist():
                if u != e:
                    g.add_edge(e, u if u >= n else big_n + u, minutes=max(float(t[e, u]), _TINY))
            for u in np.flatnonzero(np.isfinite(t[:n, e])).tolist():
                g.add_edge(u, e, minutes=max(float(t[u, e]), _TINY))
        for k in range(m):
            a, b = n + 2 * k, n + 2 * k + 1
            for u, v, tm in ((a, b, self._link_min[k, 0]), (b, a, self._link_min[k, 1])):
                if not g.has_edge(u, v) or tm < g[u][v]["minutes"]:
                    g.add_edge(u, v, minutes=max(float(tm), _TINY))
                    link_edge[(u, v)] = k
        adj = nx.to_scipy_sparse_array(g, nodelist=range(big_n + n), weight="minutes", format="csr")
        via, pred = dijkstra(adj, directed=True, indices=np.arange(n), return_predecessors=True)

        direct = t[:n, :n]
        use_via = via[:, big_n:] < direct - 1e-9
        total = np.where(use_via, via[:, big_n:], direct)
        np.fill_diagonal(total, 0.0)
        np.fill_diagonal(use_via, False)
        return t, mtr, via, pred, use_via, total, link_edge

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        """All-pairs minutes (ceil), metres (rounded), ferry flags and link ids for ``points``.

        Raises :class:`TravelError` naming the point when a point is off land
        or no road and link connects it to some other point.
        """
        points = list(points)
        n = len(points)
        ids = tuple(p.id for p in points)
        if n == 0:
            z = np.zeros((0, 0), np.int64)
            return TravelMatrix(
                ids, z, z.copy(), np.zeros((0, 0), bool), {}, self.name, True, self.params_dict()
            )
        t, mtr, via, pred, use_via, total, link_edge = self._paths(points)
        m = len(self.links)
        self._check_reachable(points, total)

        metres = np.where(use_via, 0.0, mtr[:n, :n])
        ferry = np.zeros((n, n), bool)
        links: dict[tuple[int, int], tuple[str, ...]] = {}
        link_is_ferry = [lk.is_ferry for lk in self.links]
        link_ids = [lk.id for lk in self.links]
        for i in np.flatnonzero(use_via.any(axis=1)).tolist():
            row_pred = pred[i]

            def walk(v: int, i: int = i, row_pred: np.ndarray = row_pred) -> tuple[float, tuple[int, ...]]:
                """Metres and link indices along the shortest path from point i to node v."""
                dist_m, used, node = 0.0, [], v
                while node != i:
                    u = int(row_pred[node])
                    k = link_edge.get((u, node))
                    if k is not None:
                        dist_m += self._link_m[k]
                        used.append(k)
                    else:
                        dist_m += mtr[u, node]
                    node = u
                return dist_m, tuple(reversed(used))

            # Path data for every link end reached from i; a leg's last hop is almost always
            # from a link end, so its path is that end's path plus one road edge.
            end_m = np.full(2 * m, np.nan)
            end_links: list[tuple[str, ...]] = [()] * (2 * m)
            end_ferry = np.zeros(2 * m, bool)
            for e in range(2 * m):
                if np.isfinite(via[i, n + e]):
                    dm, used = walk(n + e)
                    end_m[e] = dm
                    end_links[e] = tuple(link_ids[k] for k in used)
                    end_ferry[e] = any(link_is_ferry[k] for k in used)
            js = np.flatnonzero(use_via[i])
            us = row_pred[n + 2 * m + js]  # the arriving node of each point j
            from_end = us >= n
            jf, uf = js[from_end], us[from_end] - n
            metres[i, jf] = end_m[uf] + mtr[uf + n, jf]
            ferry[i, jf] = end_ferry[uf]
            links.update(
                ((i, j), end_links[u]) for j, u in zip(jf.tolist(), uf.tolist(), strict=True) if end_links[u]
            )
            for j in js[~from_end].tolist():  # not reached (a point is entered from a link end only)
                dm, used = walk(n + 2 * m + j)
                metres[i, j] = dm
                if used:
                    links[(i, j)] = tuple(link_ids[k] for k in used)
                    ferry[i, j] = any(link_is_ferry[k] for k in used)

        overhead = self.params.leg_overhead_min
        minutes = np.ceil(total + overhead - _EPS_MIN).astype(np.int64)
        np.fill_diagonal(minutes, 0)
        minutes = np.maximum(minutes, 0)
        metres_i = np.rint(metres).astype(np.int64)
        np.fill_diagonal(metres_i, 0)
        return TravelMatrix(
            ids=ids,
            minutes=minutes,
            metres=metres_i,
            ferry=ferry,
            links=links,
            model=self.name,
            estimated=True,
            params=self.params_dict(),
        )

    def _check_reachable(self, points: Sequence[Point], total: np.ndarray) -> None:
        """Raise TravelError naming the points that no road or link connects to the first point.

        The first point anchors the message: the pipeline puts the vehicles'
        depots first, so the places named are the ones the vehicles cannot
        reach, whichever side of the water has more points.
        """
        if np.isfinite(total).all():
            return
        n = len(points)
        reach = np.isfinite(total)
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        ii, jj = np.nonzero(reach & reach.T)
        g.add_edges_from(zip(ii.tolist(), jj.tolist(), strict=True))
        main = nx.node_connected_component(g.to_undirected(), 0)
        cut = sorted(set(range(n)) - main)
        if not cut:  # one-way reachability only (asymmetric link data)
            i, j = (int(v[0]) for v in np.nonzero(~reach))
            raise TravelError(t("travel.one_way", a=points[i].id, b=points[j].id))
        example = points[min(main)].id
        names = ", ".join(f"{points[i].id!r} ({points[i].lat:.5f}, {points[i].lon:.5f})" for i in cut[:8])
        more = t("travel.more", count=len(cut) - 8) if len(cut) > 8 else ""
        raise TravelError(t("travel.unreachable", names=names, more=more, example=example))

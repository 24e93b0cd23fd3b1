"""The land and its water crossings, as geometry the travel models can query.

A straight leg is drivable only over land. The district's land comes from
generalised (1:500,000) municipality polygons, so coastlines are off by a few
hundred metres and a town centroid or a ferry berth can sit just off the
polygon. :class:`LandMask` therefore buffers land by a tolerance, but it
buffers each *land mass* (connected piece of land: Vendsyssel, Himmerland,
Læsø, an islet) on its own: water between two land masses is never closed by
the tolerance, however narrow (the Limfjord at Aalborg is about 300-500 m wide
in the polygons, so one shared buffer of 300 m would silently bridge it).
Within one land mass the tolerance only forgives generalised coastline; an
inlet narrower than twice the tolerance (e.g. parts of Mariager Fjord) counts
as land, which is harmless where a bridge crosses it anyway.

Distances within a land mass are shortest paths over land
(:meth:`LandMask.land_distances`): a straight line when it stays on land,
else a detour through a grid of land waypoints and fixed anchors (the
district's towns and the link ends), so two places on either side of a bay
are joined around its head, not declared unreachable. A distance depends on
its two places and the mask alone, never on the other places of a matrix.
Between places at anchors it is closed under the triangle inequality (a
metric); a place elsewhere (an outlying point) may see a detour up to about
a grid step longer than a path through some other place would be.

All computation is in ETRS89 / UTM 32N (:data:`METRIC_CRS`, metres); input
and output coordinates are WGS84 (:data:`STORAGE_CRS`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from mobilstation.geo.model import Link
from mobilstation.geo.projection import geometry_to_metric, to_metric_arrays

#: Waypoints connect to other waypoints and to places within this many grid spacings.
WAYPOINT_RADIUS_SPACINGS = 2.5


def link_wait_min(link: Link, from_end: str, *, use_departures: bool, boarding_min: float) -> float:
    """Minutes spent at ``from_end`` ("a" or "b") of ``link`` before crossing.

    Bridges and tunnels have ``link.wait_min`` (normally 0). A ferry uses
    ``link.wait_min`` (boarding plus the expected wait) unless
    ``use_departures`` is set and that end has at least two departures: then
    the wait is ``boarding_min`` plus the mean wait for a departure when one
    arrives at a uniformly random time between the first and the last
    departure of the day, ``sum(h_i**2) / (2 * sum(h_i))`` over the headways
    ``h_i``. The matrix is static; a route schedule that knows the clock time
    can do better, and the matrix lists each leg's links so it can.
    """
    if from_end not in ("a", "b"):
        raise ValueError(f"from_end must be 'a' or 'b', got {from_end!r}")
    deps = link.departures_a if from_end == "a" else link.departures_b
    if not (link.is_ferry and use_departures and len(deps) >= 2):
        return float(link.wait_min)
    d = np.sort(np.asarray(deps, float))
    h = np.diff(d)
    span = float(h.sum())
    mean_wait = float((h**2).sum() / (2.0 * span)) if span > 0 else 0.0
    return float(boarding_min) + mean_wait


def link_length_m(link: Link) -> float:
    """``link.length_m``, or the straight distance between its ends when not given (0)."""
    if link.length_m > 0:
        return float(link.length_m)
    x, y = to_metric_arrays([link.a_lat, link.b_lat], [link.a_lon, link.b_lon])
    return float(np.hypot(x[1] - x[0], y[1] - y[0]))


@dataclass(frozen=True)
class Located:
    """Where places fall on the land: ``comp[i]`` is the land mass index, -1 when
    farther than the tolerance from all land; ``dist[i]`` metres to the nearest land
    (0 inside)."""

    comp: np.ndarray
    dist: np.ndarray


class LandMask:
    """Land masses in EPSG:25832, each buffered by ``tolerance_m``, with a waypoint grid.

    ``land`` is a WGS84 (lon, lat) polygonal geometry, e.g. the union of the
    district's municipalities. ``waypoint_spacing_m`` is the grid step of the
    land waypoints used for detours around bays and fjords (smaller is more
    accurate and slower).
    """

    def __init__(self, land: BaseGeometry, tolerance_m: float, waypoint_spacing_m: float) -> None:
        if tolerance_m < 0:
            raise ValueError(f"tolerance_m must be >= 0, got {tolerance_m}")
        if waypoint_spacing_m <= 0:
            raise ValueError(f"waypoint_spacing_m must be > 0, got {waypoint_spacing_m}")
        self.tolerance_m = float(tolerance_m)
        self.waypoint_spacing_m = float(waypoint_spacing_m)
        metric = shapely.make_valid(geometry_to_metric(land))
        # Polygon parts only; a sub-metre buffer closes slivers between neighbouring municipalities.
        polys = [g for g in shapely.get_parts(metric) if g.geom_type in ("Polygon", "MultiPolygon")]
        merged = shapely.union_all([shapely.buffer(p, 0.5) for p in polys]) if polys else shapely.Polygon()
        parts = sorted(
            (p for p in shapely.get_parts(merged) if p.geom_type == "Polygon" and p.area > 0),
            key=lambda p: -p.area,
        )
        if not parts:
            raise ValueError("land geometry has no polygon area")
        self.components: tuple[BaseGeometry, ...] = tuple(parts)
        self.areas_km2 = np.array([p.area / 1e6 for p in parts])
        # Buffered outlines, simplified by a tenth of the tolerance (at most 50 m): the
        # segment tests run ~2x faster and the outline moves far less than the tolerance.
        self.buffered: tuple[BaseGeometry, ...] = tuple(
            shapely.simplify(
                shapely.buffer(p, self.tolerance_m, quad_segs=4), min(self.tolerance_m / 10, 50.0)
            )
            if self.tolerance_m > 0
            else p
            for p in parts
        )
        for g in (*self.components, *self.buffered):
            shapely.prepare(g)
        self._tree = shapely.STRtree(np.array(self.components, dtype=object))
        self._build_waypoints()

    # -- locating ----------------------------------------------------------
    def locate(self, x: np.ndarray, y: np.ndarray, max_distance_m: float | None = None) -> Located:
        """The land mass of each point: the one containing it, else the nearest one.

        Points farther than ``max_distance_m`` (default: the tolerance) from
        all land get ``comp`` -1.
        """
        limit = self.tolerance_m if max_distance_m is None else float(max_distance_m)
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        n = len(x)
        comp = np.full(n, -1, dtype=np.int64)
        dist = np.full(n, np.inf)
        if n == 0:
            return Located(comp, dist)
        pts = shapely.points(x, y)
        idx, d = self._tree.query_nearest(pts, return_distance=True, all_matches=False)
        # idx is (2, k): input index, tree index; with all_matches=False one row per input
        comp[idx[0]] = idx[1]
        dist[idx[0]] = d
        comp[dist > limit] = -1
        return Located(comp, dist)

    def nearest_on_land(
        self, x: np.ndarray, y: np.ndarray, comp: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The nearest point of land mass ``comp[i]`` to each (x, y) (unchanged when inside or comp < 0)."""
        x = np.array(x, float)
        y = np.array(y, float)
        for i in np.flatnonzero(np.asarray(comp) >= 0).tolist():
            line = shapely.shortest_line(self.components[comp[i]], shapely.Point(x[i], y[i]))
            x[i], y[i] = shapely.get_coordinates(line)[0]
        return x, y

    # -- segment tests -----------------------------------------------------
    def segments_on_land(
        self, xa: np.ndarray, ya: np.ndarray, xb: np.ndarray, yb: np.ndarray, comp: np.ndarray
    ) -> np.ndarray:
        """True where the straight segment a->b lies in land mass ``comp`` buffered by the tolerance.

        Vectorised over segments (shapely 2, prepared polygons); ``comp`` < 0 gives False.
        """
        comp = np.asarray(comp)
        out = np.zeros(len(comp), dtype=bool)
        if len(comp) == 0:
            return out
        coords = np.stack([np.column_stack([xa, ya]), np.column_stack([xb, yb])], axis=1)
        for c in np.unique(comp):
            if c < 0:
                continue
            sel = np.flatnonzero(comp == c)
            lines = shapely.linestrings(coords[sel])
            out[sel] = shapely.covers(self.buffered[c], lines)
        return out

    # -- waypoints ---------------------------------------------------------
    def _build_waypoints(self) -> None:
        s = self.waypoint_spacing_m
        xs_all: list[np.ndarray] = []
        ys_all: list[np.ndarray] = []
        cs_all: list[np.ndarray] = []
        for c, poly in enumerate(self.components):
            minx, miny, maxx, maxy = poly.bounds
            gx = np.arange(np.floor(minx / s) * s + s / 2, maxx, s)
            gy = np.arange(np.floor(miny / s) * s + s / 2, maxy, s)
            if len(gx) == 0 or len(gy) == 0:
                continue
            xx, yy = np.meshgrid(gx, gy)
            xx, yy = xx.ravel(), yy.ravel()
            inside = shapely.contains_xy(poly, xx, yy)
            xs_all.append(xx[inside])
            ys_all.append(yy[inside])
            cs_all.append(np.full(int(inside.sum()), c, dtype=np.int64))
            tx, ty = self._thin_waypoints(poly)
            xs_all.append(tx)
            ys_all.append(ty)
            cs_all.append(np.full(len(tx), c, dtype=np.int64))
        self.wx = np.concatenate(xs_all) if xs_all else np.zeros(0)
        self.wy = np.concatenate(ys_all) if ys_all else np.zeros(0)
        self.wcomp = np.concatenate(cs_all) if cs_all else np.zeros(0, dtype=np.int64)
        self._wtree = cKDTree(np.column_stack([self.wx, self.wy])) if len(self.wx) else None
        # waypoint-waypoint edges (fixed for the mask)
        radius = WAYPOINT_RADIUS_SPACINGS * s
        if self._wtree is not None:
            pairs = self._wtree.query_pairs(radius, output_type="ndarray")
        else:
            pairs = np.zeros((0, 2), dtype=np.int64)
        i, j = pairs[:, 0], pairs[:, 1]
        same = self.wcomp[i] == self.wcomp[j]
        i, j = i[same], j[same]
        ok = self.segments_on_land(self.wx[i], self.wy[i], self.wx[j], self.wy[j], self.wcomp[i])
        self._wi, self._wj = i[ok], j[ok]
        self._wlen = np.hypot(self.wx[self._wi] - self.wx[self._wj], self.wy[self._wi] - self.wy[self._wj])

    def add_anchors(self, x: np.ndarray, y: np.ndarray, comp: np.ndarray) -> None:
        """Fixed places (a district's towns, link ends) added to the waypoints, joined to each other.

        A grid a few kilometres wide zigzags around narrow land (Als, a fjord's
        head); a leg between two towns there is better carried through the
        towns between them. Two anchors on one land mass are joined by their
        straight line whenever it lies on land, however long, so distances
        between places at anchors are closed under the triangle inequality,
        yet they stay fixed data of the mask: a leg never goes through the
        other places asked for with it. ``comp`` < 0 (off land) is skipped.
        """
        x, y, comp = (np.asarray(v)[np.asarray(comp) >= 0] for v in (x, y, comp))
        if len(x) == 0:
            return
        w = len(self.wx)
        radius = WAYPOINT_RADIUS_SPACINGS * self.waypoint_spacing_m
        if self._wtree is not None:
            near = self._wtree.query_ball_point(np.column_stack([x, y]), radius)
            ai = np.repeat(np.arange(len(x)), [len(v) for v in near])
            wj = np.fromiter((j for v in near for j in v), dtype=np.int64, count=len(ai))
        else:
            ai = wj = np.zeros(0, dtype=np.int64)
        same = comp[ai] == self.wcomp[wj]
        ai, wj = ai[same], wj[same]
        ok = self.segments_on_land(x[ai], y[ai], self.wx[wj], self.wy[wj], comp[ai])
        ai, wj = ai[ok], wj[ok]
        iu, ju = np.triu_indices(len(x), 1)
        same = comp[iu] == comp[ju]
        iu, ju = iu[same], ju[same]
        ok = self.segments_on_land(x[iu], y[iu], x[ju], y[ju], comp[iu])
        iu, ju = iu[ok], ju[ok]
        self.wx = np.concatenate([self.wx, x])
        self.wy = np.concatenate([self.wy, y])
        self.wcomp = np.concatenate([self.wcomp, comp.astype(np.int64)])
        self._wi = np.concatenate([self._wi, w + ai, w + iu])
        self._wj = np.concatenate([self._wj, wj, w + ju])
        self._wlen = np.hypot(self.wx[self._wi] - self.wx[self._wj], self.wy[self._wi] - self.wy[self._wj])
        self._wtree = cKDTree(np.column_stack([self.wx, self.wy]))

    def _thin_waypoints(self, poly: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
        """Extra waypoints on land too narrow for the grid (spits, isthmuses), a quarter spacing apart.

        A grid of ``waypoint_spacing_m`` can miss a spit a kilometre wide
        entirely (Holmsland Klit at Hvide Sande, Sjællands Odde): places on it
        would have no over-land path although a road runs along it. Land that
        disappears when the polygon is opened by half a spacing is such land;
        it gets a finer grid.
        """
        s = self.waypoint_spacing_m
        opened = shapely.buffer(shapely.buffer(poly, -s / 2), s / 2)
        thin = shapely.difference(poly, opened)
        if thin.is_empty:
            return np.zeros(0), np.zeros(0)
        f = s / 4
        minx, miny, maxx, maxy = thin.bounds
        gx = np.arange(np.floor(minx / f) * f + f / 2, maxx, f)
        gy = np.arange(np.floor(miny / f) * f + f / 2, maxy, f)
        if len(gx) == 0 or len(gy) == 0:
            return np.zeros(0), np.zeros(0)
        xx, yy = np.meshgrid(gx, gy)
        xx, yy = xx.ravel(), yy.ravel()
        keep = shapely.contains_xy(thin, xx, yy)
        return xx[keep], yy[keep]

    # -- distances ---------------------------------------------------------
    def land_distances(self, x: np.ndarray, y: np.ndarray, comp: np.ndarray) -> np.ndarray:
        """Shortest over-land distance (metres) between all pairs of the given places.

        ``comp`` is from :meth:`locate`. A pair on different land masses, or
        with no over-land path, gets ``inf``. The straight line is used when it
        lies on (buffered) land; otherwise the shortest path through the land
        waypoints and anchors (:meth:`add_anchors`) only. A pair's distance
        depends on its two places and the mask alone, never on which other
        places are asked for with it: a plan's legs must come out the same when the matrix is
        rebuilt over another set of places (a checker, a revision, the cache).
        """
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        comp = np.asarray(comp, np.int64)
        n = len(x)
        dist = np.full((n, n), np.inf)
        if n == 0:
            return dist
        np.fill_diagonal(dist, 0.0)
        iu, ju = np.triu_indices(n, 1)
        same = (comp[iu] == comp[ju]) & (comp[iu] >= 0)
        iu, ju = iu[same], ju[same]
        ok = self.segments_on_land(x[iu], y[iu], x[ju], y[ju], comp[iu])
        straight = np.hypot(x[iu] - x[ju], y[iu] - y[ju])
        dist[iu[ok], ju[ok]] = straight[ok]
        dist[ju[ok], iu[ok]] = straight[ok]
        blocked_i, blocked_j = iu[~ok], ju[~ok]
        if len(blocked_i) == 0:
            return dist
        # Detours: Dijkstra over waypoints from the places that have a blocked partner.
        sources = np.unique(np.concatenate([blocked_i, blocked_j]))
        via = self._via_waypoints(x, y, comp, sources)
        pos = np.full(n, -1)
        pos[sources] = np.arange(len(sources))
        dist[blocked_i, blocked_j] = via[pos[blocked_i], blocked_j]
        dist[blocked_j, blocked_i] = via[pos[blocked_j], blocked_i]
        return dist

    def _via_waypoints(
        self, x: np.ndarray, y: np.ndarray, comp: np.ndarray, sources: np.ndarray
    ) -> np.ndarray:
        """Distances (len(sources), n) from each source place over waypoints to every place.

        Each place is two nodes, one that only leaves to waypoints and one
        that only arrives from them, so no path passes through a third place:
        a detour is the same whichever other places are in the matrix.
        """
        n = len(x)
        w = len(self.wx)
        if self._wtree is None:
            return np.full((len(sources), n), np.inf)
        radius = WAYPOINT_RADIUS_SPACINGS * self.waypoint_spacing_m
        near = self._wtree.query_ball_point(np.column_stack([x, y]), radius)
        pi = np.repeat(np.arange(n), [len(v) for v in near])
        wj = np.fromiter((j for v in near for j in v), dtype=np.int64, count=len(pi))
        same = (comp[pi] == self.wcomp[wj]) & (comp[pi] >= 0)
        pi, wj = pi[same], wj[same]
        ok = self.segments_on_land(x[pi], y[pi], self.wx[wj], self.wy[wj], comp[pi])
        pi, wj = pi[ok], wj[ok]
        plen = np.hypot(x[pi] - self.wx[wj], y[pi] - self.wy[wj])
        # node numbering: places leaving 0..n-1, waypoints n..n+w-1, places arriving n+w..2n+w-1;
        # tiny offset keeps zero-length edges
        rows = np.concatenate([pi, n + wj, n + self._wi, n + self._wj])
        cols = np.concatenate([n + wj, n + w + pi, n + self._wj, n + self._wi])
        vals = np.concatenate([plen, plen, self._wlen, self._wlen]) + 1e-6
        graph = coo_array((vals, (rows, cols)), shape=(2 * n + w, 2 * n + w)).tocsr()
        out = dijkstra(graph, directed=True, indices=sources)
        return np.asarray(out[:, n + w :])


def links_fingerprint(links: Sequence[Link]) -> str:
    """A canonical JSON text of everything about ``links`` that changes travel times.

    Both travel models hash it into their cache keys, so editing a crossing in
    ``geodata/links.csv`` invalidates cached matrices.
    """
    rows = [
        [
            lk.id,
            lk.kind,
            lk.a_lat,
            lk.a_lon,
            lk.b_lat,
            lk.b_lon,
            lk.crossing_min,
            lk.wait_min,
            list(lk.departures_a),
            list(lk.departures_b),
            lk.length_m,
        ]
        for lk in links
    ]
    return json.dumps(rows, sort_keys=True)

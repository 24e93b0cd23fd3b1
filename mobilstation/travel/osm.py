"""Travel routed over an OpenStreetMap road network read from a local .osm.pbf.

The planner supplies the extract (e.g. a Geofabrik download of Denmark cut to
the district); nothing is downloaded. :class:`OsmTravel` reads the drivable
roads with pyrosm, builds a directed graph (one-way streets respected) whose
edge time is length / speed, keeps the largest strongly connected component
(so every kept node can reach every other), snaps each point to its nearest
kept node and runs Dijkstra from all points at once (scipy).

Fixed links that the driving network lacks (ferries are not roads) can be
added: each end is snapped to the road network and joined with the link's
crossing time plus the ferry wait, exactly as in the ``estimated`` model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from mobilstation.errors import TravelError
from mobilstation.geo.model import Link
from mobilstation.geo.projection import to_metric_arrays
from mobilstation.i18n import t
from mobilstation.travel.base import Point, TravelMatrix
from mobilstation.travel.graph import link_length_m, link_wait_min, links_fingerprint

log = logging.getLogger(__name__)

_EPS_MIN = 1e-6
_TINY = 1e-9

#: Typical travel speeds (km/h) by OSM ``highway`` class, below Danish limits
#: (130/110 motorway, 80 rural, 50 urban) to allow for junctions, bends and traffic.
DEFAULT_HIGHWAY_SPEEDS_KMH: dict[str, float] = {
    "motorway": 110.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 70.0,
    "primary_link": 45.0,
    "secondary": 60.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 35.0,
    "unclassified": 45.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 40.0,
}

#: Implicit limits for ``maxspeed=<country>:<zone>`` values (European defaults, km/h).
_ZONE_SPEEDS = {
    "urban": 50.0,
    "rural": 80.0,
    "motorway": 130.0,
    "trunk": 90.0,
    "living_street": 10.0,
    "walk": 7.0,
}


class OsmParams(BaseModel):
    """Parameters of the ``osm`` travel model.

    ``highway_speeds_kmh``: speed by OSM ``highway`` class (see
    :data:`DEFAULT_HIGHWAY_SPEEDS_KMH`); classes not listed use
    ``default_speed_kmh``.

    ``use_maxspeed``: a posted ``maxspeed`` lower than the class speed caps
    it (30 zones, 40 km/h streets). A posted limit above the class speed is
    not used: class speeds are average travel speeds, below the limits.

    ``snap_max_m``: a point farther than this (metres, EPSG:25832) from the
    nearest kept road node is an error, not a silent long walk.

    ``use_link_departures`` / ``ferry_boarding_min``: as in
    :class:`mobilstation.travel.estimated.EstimatedParams`, for added links.
    """

    model_config = ConfigDict(extra="forbid")

    highway_speeds_kmh: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_HIGHWAY_SPEEDS_KMH))
    default_speed_kmh: float = Field(40.0, gt=0, le=200)
    use_maxspeed: bool = True
    snap_max_m: float = Field(500.0, gt=0, le=50000)
    use_link_departures: bool = False
    ferry_boarding_min: float = Field(15.0, ge=0.0, le=240.0)

    @field_validator("highway_speeds_kmh")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        bad = {k: s for k, s in v.items() if not (s > 0 and math.isfinite(s))}
        if bad:
            raise ValueError(f"highway speeds must be positive km/h, got {bad}")
        return v


def parse_maxspeed(value: object) -> float | None:
    """An OSM ``maxspeed`` value in km/h, or None when absent or not a speed.

    Handles ``"50"``, ``"30 mph"``, ``"DK:urban"`` (zone defaults), ``"walk"``
    and lists ``"30;50"`` (the lowest).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    speeds = []
    for part in text.split(";"):
        part = part.strip()
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?", part)
        if m:
            v = float(m.group(1)) * (1.609344 if m.group(2) == "mph" else 1.0)
            if v > 0:
                speeds.append(v)
            continue
        zone = part.split(":")[-1]
        if zone in _ZONE_SPEEDS:
            speeds.append(_ZONE_SPEEDS[zone])
    return min(speeds) if speeds else None


def edge_speed_kmh(highway: object, maxspeed: object, params: OsmParams) -> float:
    """The speed (km/h) used on a road of class ``highway`` with posted ``maxspeed``."""
    speed = params.highway_speeds_kmh.get(str(highway), params.default_speed_kmh)
    if params.use_maxspeed:
        posted = parse_maxspeed(maxspeed)
        if posted is not None:
            speed = min(speed, posted)
    return speed


def edge_directions(oneway: object, highway: object, junction: object) -> tuple[bool, bool]:
    """(forward, backward) drivability of an OSM way segment u -> v.

    ``oneway=yes|true|1`` forward only, ``-1|reverse`` backward only,
    ``no|false|0`` both; absent means both except on motorways and
    roundabouts, which OSM defines as one-way.
    """
    ow = (
        ""
        if oneway is None or (isinstance(oneway, float) and math.isnan(oneway))
        else str(oneway).strip().lower()
    )
    if ow in ("yes", "true", "1"):
        return True, False
    if ow in ("-1", "reverse"):
        return False, True
    if ow in ("no", "false", "0"):
        return True, True
    if str(highway) == "motorway" or str(junction).strip().lower() in ("roundabout", "circular"):
        return True, False
    return True, True


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class OsmTravel:
    """The ``osm`` model over the drivable roads of ``pbf_path`` (plus optional ``links``).

    Reading and graph building happen once here; :meth:`matrix` snaps points
    and runs Dijkstra. ``dropped_nodes`` is how many road nodes fell outside
    the largest strongly connected component (islands without a link,
    one-way dead ends, clipping artefacts at the extract's edge).
    """

    name = "osm"

    def __init__(
        self, pbf_path: str | Path, params: OsmParams | None = None, links: Sequence[Link] = ()
    ) -> None:
        self.pbf_path = Path(pbf_path)
        self.params = params or OsmParams()
        self.links: tuple[Link, ...] = tuple(links)
        if not self.pbf_path.is_file():
            raise TravelError(t("osm.not_found", path=self.pbf_path))
        self._file_hash = _file_sha256(self.pbf_path)
        nodes, edges = self._read()
        self._build(nodes, edges)

    # -- reading -----------------------------------------------------------------
    def _read(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        import pyrosm  # heavy import, only for this model

        try:
            with warnings.catch_warnings():  # "Could not find any edges": reported below as TravelError
                warnings.simplefilter("ignore", UserWarning)
                osm = pyrosm.OSM(str(self.pbf_path))
                net = osm.get_network(network_type="driving", nodes=True, extra_attributes=["junction"])
        except TravelError:
            raise
        except Exception as exc:  # pyrosm raises assorted errors on unreadable files
            reason = f"{type(exc).__name__}: {exc}"
            raise TravelError(t("osm.unreadable", path=self.pbf_path, reason=reason)) from exc
        if net is None or net[0] is None or net[1] is None or len(net[1]) == 0:
            raise TravelError(t("osm.no_roads", path=self.pbf_path))
        nodes, edges = net
        cols = [
            c for c in ("u", "v", "length", "highway", "oneway", "maxspeed", "junction") if c in edges.columns
        ]
        edges = pd.DataFrame(edges[cols]).copy()
        for c in ("oneway", "maxspeed", "junction"):
            if c not in edges.columns:
                edges[c] = None
        return pd.DataFrame(nodes[["id", "lat", "lon"]]).copy(), edges

    def _build(self, nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
        nodes = nodes.drop_duplicates("id").reset_index(drop=True)
        index = pd.Series(np.arange(len(nodes)), index=nodes["id"].to_numpy())
        edges = edges[edges["u"].isin(index.index) & edges["v"].isin(index.index)]
        edges = edges[edges["u"] != edges["v"]]
        if len(edges) == 0:
            raise TravelError(t("osm.no_roads", path=self.pbf_path))
        u = index.loc[edges["u"].to_numpy()].to_numpy()
        v = index.loc[edges["v"].to_numpy()].to_numpy()
        length = edges["length"].to_numpy(float)
        speed = np.array(
            [
                edge_speed_kmh(h, ms, self.params)
                for h, ms in zip(edges["highway"], edges["maxspeed"], strict=True)
            ]
        )
        dirs = np.array(
            [
                edge_directions(o, h, j)
                for o, h, j in zip(edges["oneway"], edges["highway"], edges["junction"], strict=True)
            ],
            dtype=bool,
        ).reshape(-1, 2)
        minutes = length / 1000.0 / speed * 60.0
        fwd, bwd = dirs[:, 0], dirs[:, 1]
        rows = np.concatenate([u[fwd], v[bwd]])
        cols = np.concatenate([v[fwd], u[bwd]])
        mins = np.concatenate([minutes[fwd], minutes[bwd]])
        mets = np.concatenate([length[fwd], length[bwd]])
        link_k = np.full(len(rows), -1, dtype=np.int64)

        x, y = to_metric_arrays(nodes["lat"].to_numpy(float), nodes["lon"].to_numpy(float))
        self._all_xy = np.column_stack([x, y])
        if self.links:
            tree = cKDTree(self._all_xy)
            lat = [c for lk in self.links for c in (lk.a_lat, lk.b_lat)]
            lon = [c for lk in self.links for c in (lk.a_lon, lk.b_lon)]
            lx, ly = to_metric_arrays(lat, lon)
            d, nearest = tree.query(np.column_stack([lx, ly]))
            lr, lc, lm, lmet, lk_ = [], [], [], [], []
            for k, lk in enumerate(self.links):
                for e, end, name in ((0, "a", lk.a_name), (1, "b", lk.b_name)):
                    if d[2 * k + e] > self.params.snap_max_m:
                        at = {"end": end, "place": name, "metres": f"{d[2 * k + e]:.0f}"}
                        at |= {"path": self.pbf_path, "snap": f"{self.params.snap_max_m:g}"}
                        raise TravelError(t("osm.link_off_road", id=lk.id, name=lk.name, **at))
                a, b = int(nearest[2 * k]), int(nearest[2 * k + 1])
                p = self.params
                for src, dst, end in ((a, b, "a"), (b, a, "b")):
                    wait = link_wait_min(
                        lk, end, use_departures=p.use_link_departures, boarding_min=p.ferry_boarding_min
                    )
                    lr.append(src)
                    lc.append(dst)
                    lm.append(lk.crossing_min + wait)
                    lmet.append(link_length_m(lk))
                    lk_.append(k)
            rows = np.concatenate([rows, lr])
            cols = np.concatenate([cols, lc])
            mins = np.concatenate([mins, lm])
            mets = np.concatenate([mets, lmet])
            link_k = np.concatenate([link_k, lk_])

        # parallel edges: keep the fastest
        df = pd.DataFrame({"r": rows, "c": cols, "t": np.maximum(mins, _TINY), "m": mets, "k": link_k})
        df = df.sort_values(["r", "c", "t"]).drop_duplicates(["r", "c"], keep="first")
        n_all = len(nodes)
        graph = csr_array(
            (df["t"].to_numpy(), (df["r"].to_numpy(), df["c"].to_numpy())), shape=(n_all, n_all)
        )
        _, labels = connected_components(graph, directed=True, connection="strong")
        largest = np.argmax(np.bincount(labels))
        keep = np.flatnonzero(labels == largest)
        self.total_nodes = n_all
        self.dropped_nodes = int(n_all - len(keep))
        if self.dropped_nodes:
            log.info(
                "%s: kept %d road nodes, dropped %d outside the largest strongly connected component",
                self.pbf_path,
                len(keep),
                self.dropped_nodes,
            )
        new = np.full(n_all, -1, dtype=np.int64)
        new[keep] = np.arange(len(keep))
        df = df[(new[df["r"].to_numpy()] >= 0) & (new[df["c"].to_numpy()] >= 0)]
        r, c = new[df["r"].to_numpy()], new[df["c"].to_numpy()]
        n = len(keep)
        self.node_ids = nodes["id"].to_numpy()[keep]
        self.node_lat = nodes["lat"].to_numpy(float)[keep]
        self.node_lon = nodes["lon"].to_numpy(float)[keep]
        self._xy = self._all_xy[keep]
        self._tree = cKDTree(self._xy)
        self._graph = csr_array((df["t"].to_numpy(), (r, c)), shape=(n, n))
        # sorted (from, to) keys -> metres and link index, for walking shortest-path trees
        key = r.astype(np.int64) * n + c
        order = np.argsort(key)
        self._edge_key = key[order]
        self._edge_m = df["m"].to_numpy(float)[order]
        self._edge_t = df["t"].to_numpy(float)[order]
        self._edge_link = df["k"].to_numpy(np.int64)[order]
        self._link_ends = np.full((len(self.links), 2), -1, dtype=np.int64)
        for k in range(len(self.links)):
            ks = np.flatnonzero(self._edge_link == k)
            if len(ks):
                src = self._edge_key[ks] // n
                dst = self._edge_key[ks] % n
                self._link_ends[k] = (src[0], dst[0])

    # -- identity ------------------------------------------------------------------
    def fingerprint(self) -> str:
        """sha256 of the OSM file's bytes, the parameters and the links (for caching)."""
        h = hashlib.sha256()
        h.update(self.name.encode())
        h.update(self._file_hash.encode())
        h.update(json.dumps(self.params.model_dump(mode="json"), sort_keys=True).encode())
        h.update(links_fingerprint(self.links).encode())
        return h.hexdigest()

    def params_dict(self) -> dict[str, Any]:
        return {
            **self.params.model_dump(mode="json"),
            "pbf": self.pbf_path.name,
            "pbf_sha256": self._file_hash,
            "nodes": len(self.node_ids),
            "dropped_nodes": self.dropped_nodes,
            "links": [lk.id for lk in self.links],
        }

    def to_networkx(self) -> nx.DiGraph:
        """The kept road graph: nodes are OSM node ids; edges carry ``minutes``, ``metres`` and ``link``."""
        n = len(self.node_ids)
        g = nx.DiGraph()
        g.add_nodes_from(self.node_ids.tolist())
        src = (self._edge_key // n).tolist()
        dst = (self._edge_key % n).tolist()
        ids = self.node_ids
        g.add_edges_from(
            (
                int(ids[a]),
                int(ids[b]),
                {"minutes": float(t), "metres": float(m), "link": self.links[k].id if k >= 0 else None},
            )
            for a, b, t, m, k in zip(
                src, dst, self._edge_t.tolist(), self._edge_m.tolist(), self._edge_link.tolist(), strict=True
            )
        )
        return g

    # -- the work ------------------------------------------------------------------
    def snap(self, points: Sequence[Point]) -> np.ndarray:
        """Index (into :attr:`node_ids`) of each point's nearest kept road node.

        Raises :class:`TravelError` naming the point when it is farther than
        ``snap_max_m``.
        """
        for p in points:
            if not (
                math.isfinite(p.lat) and math.isfinite(p.lon) and -90 <= p.lat <= 90 and -180 <= p.lon <= 180
            ):
                raise TravelError(t("travel.bad_point", id=p.id, lat=p.lat, lon=p.lon))
        if not points:
            return np.zeros(0, dtype=np.int64)
        x, y = to_metric_arrays([p.lat for p in points], [p.lon for p in points])
        d, idx = self._tree.query(np.column_stack([x, y]))
        far = np.flatnonzero(d > self.params.snap_max_m)
        if len(far):
            names = ", ".join(
                f"{points[i].id!r} ({points[i].lat:.5f}, {points[i].lon:.5f}) {d[i]:.0f} m" for i in far[:5]
            )
            more = t("travel.more", count=len(far) - 5) if len(far) > 5 else ""
            snap = f"{self.params.snap_max_m:g}"
            raise TravelError(t("osm.off_road", file=self.pbf_path.name, names=names, more=more, snap=snap))
        return idx.astype(np.int64)

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        """All-pairs routed minutes (ceil), metres (rounded), ferry flags and link ids."""
        points = list(points)
        ids = tuple(p.id for p in points)
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise TravelError(t("osm.duplicate_points", ids=dup))
        n = len(points)
        if n == 0:
            z = np.zeros((0, 0), np.int64)
            return TravelMatrix(
                ids, z, z.copy(), np.zeros((0, 0), bool), {}, self.name, False, self.params_dict()
            )
        node = self.snap(points)
        src, inverse = np.unique(node, return_inverse=True)
        dist, pred = dijkstra(self._graph, directed=True, indices=src, return_predecessors=True)
        metres_src, mask_src = self._tree_sums(pred, node)
        total = dist[inverse][:, node]
        metres = metres_src[inverse]
        masks = mask_src[inverse]
        np.fill_diagonal(total, 0.0)
        minutes = np.maximum(np.ceil(total - _EPS_MIN), 0).astype(np.int64)
        metres_i = np.rint(metres).astype(np.int64)
        np.fill_diagonal(minutes, 0)
        np.fill_diagonal(metres_i, 0)
        ferry = np.zeros((n, n), bool)
        links: dict[tuple[int, int], tuple[str, ...]] = {}
        if self.links:
            ferry_bits = 0
            for k, lk in enumerate(self.links):
                if lk.is_ferry:
                    ferry_bits |= 1 << k
            np.fill_diagonal(masks, 0)
            ferry = (masks & ferry_bits) != 0
            for i, j in zip(*np.nonzero(masks), strict=True):
                used = [k for k in range(len(self.links)) if masks[i, j] >> k & 1]
                s = inverse[i]
                # order of use: the end entered first is the one nearer (in time) to the origin
                used.sort(key=lambda k, s=s: dist[s, self._link_ends[k]].min())
                links[(int(i), int(j))] = tuple(self.links[k].id for k in used)
        return TravelMatrix(
            ids=ids,
            minutes=minutes,
            metres=metres_i,
            ferry=ferry,
            links=links,
            model=self.name,
            estimated=False,
            params=self.params_dict(),
        )

    def _tree_sums(self, pred: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Metres and link bitmask along each shortest-path tree to ``targets``.

        Pointer jumping: every node holds the sum over its path to the
        ancestor it points at; each round doubles the reach (log2 of the path
        length rounds, vectorised over all nodes).
        """
        s_count, n = pred.shape
        if len(self.links) > 62:
            raise TravelError(t("osm.too_many_links"))
        out_m = np.zeros((s_count, len(targets)))
        out_k = np.zeros((s_count, len(targets)), dtype=np.int64)
        chunk = max(1, int(4_000_000 // max(n, 1)))
        cols = np.arange(n)
        for start in range(0, s_count, chunk):
            p = pred[start : start + chunk].astype(np.int64)
            valid = p >= 0
            key = np.where(valid, p * n + cols, 0)
            pos = np.clip(np.searchsorted(self._edge_key, key), 0, len(self._edge_key) - 1)
            w = np.where(valid, self._edge_m[pos], 0.0)
            lk = self._edge_link[pos]
            mask = np.where(valid & (lk >= 0), np.left_shift(1, np.maximum(lk, 0)), 0).astype(np.int64)
            p = np.where(valid, p, cols)
            while True:
                pp = np.take_along_axis(p, p, axis=1)
                if np.array_equal(pp, p):
                    break
                w = w + np.take_along_axis(w, p, axis=1)
                mask = mask | np.take_along_axis(mask, p, axis=1)
                p = pp
            out_m[start : start + chunk] = w[:, targets]
            out_k[start : start + chunk] = mask[:, targets]
        return out_m, out_k

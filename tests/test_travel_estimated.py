"""The ``estimated`` travel model and the matrix cache.

Most tests run on a district built here from the embedded geodata (the
municipalities and GeoNames towns of police district 1) with test links whose
ends were placed on the two banks of each crossing in the generalised
polygons, so each test controls which crossings exist. The end of the file
checks the same properties on the real district from
``mobilstation.geo.load_district`` with its own links.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pydantic import ValidationError
from pyproj import Geod

from mobilstation import i18n
from mobilstation.errors import TravelError
from mobilstation.geo.model import District, Link, Municipality, Town
from mobilstation.travel import cache as cache_mod
from mobilstation.travel.base import Point, TravelMatrix
from mobilstation.travel.cache import cache_key, cached_matrix, default_cache_dir
from mobilstation.travel.estimated import EstimatedParams, EstimatedTravel, road_minutes
from mobilstation.travel.graph import link_wait_min

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
GEOD = Geod(ellps="GRS80")

BYRUM = Point("laeso:byrum", 57.25679, 10.99738)
VESTERO = Point("laeso:vestero-havn", 57.2833, 10.9167)

# Test links: ends on either bank of each crossing as drawn in the 1:500,000 polygons.
TEST_LINKS = (
    Link(
        "limfjordsbroen",
        "Limfjordsbroen",
        "bridge",
        "Aalborg",
        57.0505,
        9.9215,
        "Nørresundby",
        57.0565,
        9.9245,
        crossing_min=2,
        length_m=600,
    ),
    Link(
        "limfjordstunnelen",
        "Limfjordstunnelen",
        "tunnel",
        "Aalborg Øst",
        57.06729,
        9.9763,
        "Nørresundby Øst",
        57.08166,
        9.97668,
        crossing_min=2,
        length_m=1500,
    ),
    Link(
        "aggersundbroen",
        "Aggersundbroen",
        "bridge",
        "Aggersund",
        57.00249,
        9.28974,
        "Aggersund Syd",
        56.9926,
        9.29131,
        crossing_min=2,
    ),
    Link(
        "hals-egense",
        "Hals-Egense",
        "ferry",
        "Hals",
        56.9950,
        10.3100,
        "Egense",
        56.98087,
        10.29325,
        crossing_min=5,
        wait_min=10,
    ),
    Link(
        "hadsundbroen",
        "Hadsundbroen",
        "bridge",
        "Hadsund",
        56.7160,
        10.1170,
        "Hadsund Syd",
        56.7110,
        10.1150,
        crossing_min=1,
    ),
    Link(
        "laesoe",
        "Læsøfærgen",
        "ferry",
        "Frederikshavn",
        57.44073,
        10.53661,
        "Vesterø Havn",
        57.2833,
        10.9167,
        crossing_min=90,
        wait_min=30,
        length_m=37000,
    ),
)


def _fixture_district(links: tuple[Link, ...] = TEST_LINKS) -> District:
    kom = pyogrio.read_dataframe(GEODATA / "denmark_kommuner.geojson")
    kom = kom[kom["politikreds_nr"] == 1]
    munis = tuple(
        Municipality(code=r.komkode, name=r.navn, population=None, geometry=r.geometry)
        for r in kom.itertuples()
    )
    towns_df = pd.read_csv(GEODATA / "denmark_towns.csv", dtype={"komkode": str})
    towns_df = towns_df[towns_df["politikreds_nr"] == 1]
    towns = tuple(
        Town(f"geonames:{r.geonameid}", r.name, r.lat, r.lon, int(r.population), r.komkode)
        for r in towns_df.itertuples()
    )
    return District(
        1, "Nordjyllands Politi", munis, towns, (), (), links, shapely.union_all(kom.geometry.values)
    )


@pytest.fixture(scope="module")
def district() -> District:
    return _fixture_district()


@pytest.fixture(scope="module")
def model(district: District) -> EstimatedTravel:
    return EstimatedTravel.from_district(district)


def _town_points(district: District) -> list[Point]:
    return [Point(t.id, t.lat, t.lon) for t in district.towns]


def _by_name(district: District, name: str, code: str | None = None) -> Point:
    hits = [t for t in district.towns if t.name == name and (code is None or t.municipality_code == code)]
    assert hits, f"no town {name!r}"
    t = max(hits, key=lambda t: t.population)
    return Point(t.id, t.lat, t.lon)


@pytest.fixture(scope="module")
def town_matrix(model: EstimatedTravel, district: District) -> TravelMatrix:
    return model.matrix([*_town_points(district), BYRUM])


# -- parameters and the time function -------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"circuity_factor": 1.3},  # typo: unknown field
        {"band_speeds_kmh": (35.0, 60.0)},  # one speed too few for two edges
        {"band_speeds_kmh": (60.0, 35.0, 80.0)},  # slower after faster breaks the triangle inequality
        {"band_edges_km": (20.0, 5.0)},  # edges not increasing
        {"circuity": 0.9},  # road shorter than the straight line
        {"land_tolerance_m": -1},
        {"land_tolerance_m": 800, "point_snap_m": 500},  # snapping must reach at least as far as tolerance
    ],
)
def test_bad_params_rejected(kwargs: dict) -> None:
    with pytest.raises(ValidationError):
        EstimatedParams(**kwargs)


def test_road_minutes_by_band() -> None:
    p = EstimatedParams()  # 35 km/h to 5 km, 60 km/h to 20 km, 80 km/h beyond
    got = road_minutes(np.array([0.0, 3000.0, 12000.0, 30000.0]), p)
    want = [0.0, 3 / 35 * 60, 5 / 35 * 60 + 7 / 60 * 60, 5 / 35 * 60 + 15 / 60 * 60 + 10 / 80 * 60]
    assert got == pytest.approx(want)
    # continuous, increasing and subadditive on a fine grid
    d = np.linspace(0, 150_000, 3001)
    t = road_minutes(d, p)
    assert np.all(np.diff(t) > 0)
    assert np.max(np.abs(np.diff(t))) < 0.1
    a, b = np.meshgrid(d[::50], d[::50])
    assert np.all(road_minutes(a + b, p) <= road_minutes(a, p) + road_minutes(b, p) + 1e-9)


def test_link_wait_from_timetable() -> None:
    lk = Link(
        "f",
        "F",
        "ferry",
        "A",
        0,
        0,
        "B",
        0,
        1,
        crossing_min=90,
        wait_min=30,
        departures_a=(360, 480, 600, 840),
    )
    # headways 120, 120, 240: mean wait sum(h^2) / (2 sum h) = 86400 / 960 = 90
    assert link_wait_min(lk, "a", use_departures=True, boarding_min=15) == pytest.approx(105)
    assert link_wait_min(lk, "b", use_departures=True, boarding_min=15) == 30  # no timetable from b
    assert link_wait_min(lk, "a", use_departures=False, boarding_min=15) == 30


# -- matrix properties ---------------------------------------------------------------------


def test_matrix_shape_types_diagonal(town_matrix: TravelMatrix, district: District) -> None:
    n = len(district.towns) + 1
    assert town_matrix.minutes.shape == (n, n) and town_matrix.minutes.dtype == np.int64
    assert town_matrix.metres.dtype == np.int64 and town_matrix.ferry.dtype == bool
    assert np.all(np.diag(town_matrix.minutes) == 0) and np.all(np.diag(town_matrix.metres) == 0)
    off = ~np.eye(n, dtype=bool)
    assert np.all(town_matrix.minutes[off] > 0)
    assert town_matrix.model == "estimated" and town_matrix.estimated
    assert town_matrix.params["circuity"] == 1.3


def test_symmetric_with_symmetric_links(town_matrix: TravelMatrix) -> None:
    assert np.array_equal(town_matrix.minutes, town_matrix.minutes.T)
    assert np.array_equal(town_matrix.ferry, town_matrix.ferry.T)
    assert np.abs(town_matrix.metres - town_matrix.metres.T).max() <= 1


def test_triangle_inequality_random_triples(town_matrix: TravelMatrix) -> None:
    m = town_matrix.minutes
    rng = np.random.default_rng(7)
    i, j, k = rng.integers(0, m.shape[0], size=(3, 20000))
    assert np.all(m[i, k] <= m[i, j] + m[j, k] + 1)
    # all triples at once: violation[i, j, k] = m[i, k] - m[i, j] - m[j, k]
    # shortest paths are a metric and ceil(z) <= ceil(x) + ceil(y) for z <= x + y: exact, not just +1
    worst = (m[:, None, :] - m[:, :, None] - m[None, :, :]).max()
    assert worst <= 0


def test_direct_leg_recomputed(model: EstimatedTravel, district: District) -> None:
    """Hjørring - Brønderslev is all land: circuity x geodesic distance at the banded speeds."""
    a, b = _by_name(district, "Hjørring"), _by_name(district, "Brønderslev")
    tm = model.matrix([a, b])
    _, _, dist = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
    road_km = 1.3 * dist / 1000
    want = 5 / 35 * 60 + 15 / 60 * 60 + (road_km - 20) / 80 * 60
    assert road_km > 20
    assert abs(tm.minutes[0, 1] - math.ceil(want)) <= 1
    assert tm.metres[0, 1] == pytest.approx(road_km * 1000, rel=2e-3)
    assert tm.links == {} and not tm.ferry.any()


def test_leg_overhead_added_once(district: District) -> None:
    pts = _town_points(district)[:25]
    base = EstimatedTravel.from_district(district).matrix(pts)
    more = EstimatedTravel.from_district(district, EstimatedParams(leg_overhead_min=2)).matrix(pts)
    off = ~np.eye(len(pts), dtype=bool)
    assert np.all((more.minutes - base.minutes)[off] == 2)
    assert np.array_equal(more.metres, base.metres)


def test_matches_networkx_shortest_paths(model: EstimatedTravel, district: District) -> None:
    """The matrix equals shortest paths in the full travel graph, rounded up."""
    import networkx as nx

    pts = [*_town_points(district)[::3], BYRUM]
    tm = model.matrix(pts)
    g = model.graph(pts)
    for s in range(0, len(pts), 4):
        dist = nx.single_source_dijkstra_path_length(g, pts[s].id, weight="minutes")
        for t, p in enumerate(pts):
            assert tm.minutes[s, t] == (0 if s == t else math.ceil(dist[p.id] - 1e-6)), (pts[s].id, p.id)


# -- water -------------------------------------------------------------------------------


def test_laesoe_legs_take_the_ferry(town_matrix: TravelMatrix, district: District) -> None:
    laeso = TEST_LINKS[-1]
    b = town_matrix.index(BYRUM.id)
    for i, t in enumerate(district.towns):
        for leg in ((i, b), (b, i)):
            assert town_matrix.ferry[leg], t.name
            assert "laesoe" in town_matrix.links[leg]
            assert town_matrix.minutes[leg] >= laeso.crossing_min + laeso.wait_min


def test_limfjord_legs_use_a_link(model: EstimatedTravel, district: District) -> None:
    pairs = [
        (_by_name(district, "Nørresundby"), _by_name(district, "Aalborg")),
        (_by_name(district, "Hals"), _by_name(district, "Hadsund")),
        (_by_name(district, "Fjerritslev"), _by_name(district, "Løgstør")),
    ]
    tm = model.matrix([p for pair in pairs for p in pair])
    ids = {"limfjordsbroen", "limfjordstunnelen", "aggersundbroen", "hals-egense"}
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            used = tm.leg(x.id, y.id)[3]
            assert used and set(used) & ids, (x.id, y.id, used)
    # Nørresundby - Aalborg is a short hop over a bridge, not a drive around the fjord
    minutes, metres, ferry, used = tm.leg(pairs[0][0].id, pairs[0][1].id)
    assert minutes <= 10 and metres < 3000 and not ferry


def test_limfjord_without_links_is_unreachable(district: District) -> None:
    m = EstimatedTravel.from_district(_fixture_district(links=()))
    a, b = _by_name(district, "Nørresundby"), _by_name(district, "Aalborg")
    c = _by_name(district, "Hjørring")
    with pytest.raises(TravelError, match="ingen vej eller forbindelse når punkt") as err:
        m.matrix([a, b, c])
    # named from the first point (the pipeline's depots come first): Aalborg is cut off
    assert f"når punkt(er) {b.id!r}" in str(err.value) and f"fra punkt {a.id!r}" in str(err.value)
    with i18n.using("en"), pytest.raises(TravelError, match="no road or link reaches point") as err:
        m.matrix([a, b, c])
    assert f"reaches point(s) {b.id!r}" in str(err.value) and f"from point {a.id!r}" in str(err.value)
    with pytest.raises(TravelError) as err:
        m.matrix([b, a, c])  # from Aalborg, both places north of the fjord are out of reach
    assert f"{a.id!r} (" in str(err.value) and f"{c.id!r} (" in str(err.value)
    assert f"fra punkt {b.id!r}" in str(err.value)


def test_detour_around_fjord(model: EstimatedTravel, district: District) -> None:
    """Assens - Hadsund: the straight line crosses Mariager Fjord; the leg goes around it."""
    a, b = _by_name(district, "Assens", "0846"), _by_name(district, "Hadsund")
    land = shapely.union_all([m.geometry for m in district.municipalities])
    assert not land.covers(shapely.LineString([(a.lon, a.lat), (b.lon, b.lat)]))
    tm = model.matrix([a, b])
    _, _, straight = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
    assert tm.metres[0, 1] > 1.3 * straight * 1.05
    assert np.isfinite(tm.minutes).all() and tm.minutes[0, 1] == tm.minutes[1, 0]


def test_a_leg_does_not_depend_on_the_other_points(model: EstimatedTravel, district: District) -> None:
    """A plan's legs rebuilt over another set of places (a checker, a revision) come out the same.

    Two places off the towns with Mariager Fjord between them, alone and among
    every town plus places scattered over the land around the fjord.
    """
    from mobilstation.geo.projection import geometry_to_metric, to_wgs84_arrays

    a0, b0 = _by_name(district, "Assens", "0846"), _by_name(district, "Hadsund")
    a, b = Point("near-assens", a0.lat + 0.01, a0.lon), Point("near-hadsund", b0.lat - 0.01, b0.lon)
    alone = model.matrix([a, b])
    rng = np.random.default_rng(5)
    minx, miny, maxx, maxy = geometry_to_metric(shapely.box(9.9, 56.55, 10.5, 56.85)).bounds
    extra: list[Point] = []
    while len(extra) < 40:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if any(shapely.contains_xy(c, x, y) for c in model.land.components[:2]):
            lat, lon = to_wgs84_arrays(np.array([x]), np.array([y]))
            extra.append(Point(f"x{len(extra)}", float(lat[0]), float(lon[0])))
    crowd = model.matrix([*extra[:20], a, *_town_points(district), b, *extra[20:]])
    assert alone.metres[0, 1] > 0
    for u, v in ((a, b), (b, a)):
        assert crowd.leg(u.id, v.id) == alone.leg(u.id, v.id)


def test_island_without_link_raises(model: EstimatedTravel, district: District) -> None:
    aalborg = next(m for m in district.municipalities if m.code == "0851")
    parts = sorted(shapely.get_parts(aalborg.geometry), key=lambda p: -p.area)
    islet = parts[2].representative_point()  # Egholm, the third-largest part: no ferry listed
    p = Point("egholm", islet.y, islet.x)
    with pytest.raises(TravelError, match="egholm"):
        model.matrix([_by_name(district, "Aalborg"), p])


def test_point_at_sea_raises(model: EstimatedTravel, district: District) -> None:
    with pytest.raises(TravelError, match=r"kattegat.*point_snap_m=1000"):
        model.matrix([_by_name(district, "Sæby"), Point("kattegat", 57.35, 10.75)])


def test_point_just_offshore_is_moved_to_land(model: EstimatedTravel, district: District) -> None:
    """A place 500-700 m off the generalised coast joins at the nearest land and pays the offset."""
    from mobilstation.geo.projection import geometry_to_metric, to_wgs84

    land = geometry_to_metric(shapely.union_all([m.geometry for m in district.municipalities]))
    saeby = _by_name(district, "Sæby")
    lon = saeby.lon
    while True:  # walk east from Sæby into the Kattegat
        lon += 0.001
        probe = geometry_to_metric(shapely.Point(lon, saeby.lat))
        offset = land.distance(probe)
        if offset > 500:
            break
    assert offset < 700
    shore_xy = shapely.get_coordinates(shapely.shortest_line(land, probe))[0]
    shore_lat, shore_lon = to_wgs84(*shore_xy)
    fh = _by_name(district, "Frederikshavn")
    tm = model.matrix([Point("offshore", saeby.lat, lon), Point("shore", shore_lat, shore_lon), fh])
    assert tm.metres[0, 2] == pytest.approx(tm.metres[1, 2] + 1.3 * offset, abs=2)
    assert tm.metres[0, 1] == pytest.approx(1.3 * offset, abs=2)
    assert tm.minutes[0, 2] >= tm.minutes[1, 2]


def test_link_end_at_sea_raises(district: District) -> None:
    bad = Link("x", "Nowhere", "ferry", "Sea", 57.35, 10.75, "Sæby", 57.33188, 10.52251, crossing_min=30)
    with pytest.raises(TravelError, match=r"link 'x'.*ende a"):
        EstimatedTravel(district.geometry, (bad,))


def test_bad_points_raise(model: EstimatedTravel) -> None:
    with pytest.raises(TravelError, match="står flere gange"):
        model.matrix([BYRUM, BYRUM])
    with pytest.raises(TravelError, match="ugyldige koordinater"):
        model.matrix([Point("nan", float("nan"), 10.0)])
    with i18n.using("en"), pytest.raises(TravelError, match="invalid coordinates"):
        model.matrix([Point("nan", float("nan"), 10.0)])
    empty = model.matrix([])
    assert empty.minutes.shape == (0, 0) and empty.ids == ()


def test_timetable_makes_ferry_legs_directional(district: District) -> None:
    timed = Link(
        "laesoe",
        "Læsøfærgen",
        "ferry",
        "Frederikshavn",
        57.44073,
        10.53661,
        "Vesterø Havn",
        57.2833,
        10.9167,
        crossing_min=90,
        wait_min=30,
        length_m=37000,
        departures_a=(360, 480, 600, 840),
    )
    d = _fixture_district(links=(*TEST_LINKS[:-1], timed))
    m = EstimatedTravel.from_district(d, EstimatedParams(use_link_departures=True, ferry_boarding_min=15))
    fh = _by_name(district, "Frederikshavn")
    tm = m.matrix([fh, BYRUM])
    # from Frederikshavn: 15 boarding + 90 mean wait; from Læsø: wait_min 30
    assert tm.minutes[0, 1] - tm.minutes[1, 0] in (74, 75, 76)
    assert tm.ferry[0, 1] and tm.ferry[1, 0]


def test_large_matrix_is_a_metric(model: EstimatedTravel) -> None:
    """300 random places on the two big land masses: finite, symmetric, triangle within +1."""
    rng = np.random.default_rng(3)
    comps = model.land.components[:2]
    pts: list[Point] = []
    minx, miny, maxx, maxy = shapely.union_all(list(comps)).bounds
    from mobilstation.geo.projection import to_wgs84_arrays

    while len(pts) < 300:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if any(shapely.contains_xy(c, x, y) for c in comps):
            lat, lon = to_wgs84_arrays(np.array([x]), np.array([y]))
            pts.append(Point(f"p{len(pts)}", float(lat[0]), float(lon[0])))
    m = model.matrix(pts).minutes
    assert np.array_equal(m, m.T)
    i, j, k = rng.integers(0, len(pts), size=(3, 50000))
    assert np.all(m[i, k] <= m[i, j] + m[j, k] + 1)


# -- cache --------------------------------------------------------------------------------


class _Counting:
    """Wraps a model and counts matrix calls."""

    def __init__(self, inner: EstimatedTravel) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def matrix(self, points: list[Point]) -> TravelMatrix:
        self.calls += 1
        return self.inner.matrix(points)


def _same(a: TravelMatrix, b: TravelMatrix) -> bool:
    return (
        a.ids == b.ids
        and np.array_equal(a.minutes, b.minutes)
        and np.array_equal(a.metres, b.metres)
        and np.array_equal(a.ferry, b.ferry)
        and a.links == b.links
        and a.params == b.params
        and a.model == b.model
        and a.estimated == b.estimated
    )


def test_cache_hit_and_invalidation(model: EstimatedTravel, district: District, tmp_path: Path) -> None:
    pts = [*_town_points(district)[:20], BYRUM]
    counting = _Counting(model)
    first = cached_matrix(counting, pts, tmp_path)
    second = cached_matrix(counting, pts, tmp_path)
    assert counting.calls == 1 and _same(first, second)
    assert second.links and any(second.ferry.ravel())
    # a changed parameter is a different key
    other = _Counting(EstimatedTravel.from_district(district, EstimatedParams(circuity=1.25)))
    third = cached_matrix(other, pts, tmp_path)
    assert other.calls == 1 and not np.array_equal(third.minutes, first.minutes)
    # moved point or renamed point: new key; a 1e-7 degree jitter: same key
    moved = [Point(pts[0].id, pts[0].lat + 0.01, pts[0].lon), *pts[1:]]
    jitter = [Point(pts[0].id, pts[0].lat + 1e-7, pts[0].lon), *pts[1:]]
    assert cache_key(model, moved) != cache_key(model, pts) == cache_key(model, jitter)
    assert cache_key(
        model, [Point("x", p.lat, p.lon) if i == 0 else p for i, p in enumerate(pts)]
    ) != cache_key(model, pts)


def test_corrupt_cache_file_is_rebuilt(model: EstimatedTravel, district: District, tmp_path: Path) -> None:
    pts = _town_points(district)[:10]
    counting = _Counting(model)
    good = cached_matrix(counting, pts, tmp_path)
    (path,) = tmp_path.glob("*.npz")
    path.write_bytes(b"not an npz file")
    again = cached_matrix(counting, pts, tmp_path)
    assert counting.calls == 2 and _same(good, again)
    assert np.load(path)["minutes"].shape == (10, 10)  # rewritten
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary files left


def test_default_cache_dir_from_env(
    model: EstimatedTravel, district: District, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache_mod.CACHE_ENV, str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    cached_matrix(model, _town_points(district)[:5])
    assert len(list((tmp_path / "c").glob("estimated-*.npz"))) == 1
    monkeypatch.delenv(cache_mod.CACHE_ENV)
    assert default_cache_dir() == Path.home() / ".cache" / "mobilstation"


# -- the real district ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_district() -> District:
    from mobilstation.geo import load_district

    return load_district("Nordjyllands Politi")


@pytest.fixture(scope="module")
def real_matrix(real_district: District) -> tuple[TravelMatrix, list[Point]]:
    pts = [Point(t.id, t.lat, t.lon) for t in real_district.towns]
    pts += [Point(s.id, s.lat, s.lon) for s in real_district.stations if s.id not in {p.id for p in pts}]
    return EstimatedTravel.from_district(real_district).matrix(pts), pts


def test_real_district_metric(real_matrix: tuple[TravelMatrix, list[Point]]) -> None:
    tm, _ = real_matrix
    m = tm.minutes
    assert np.array_equal(m, m.T)  # default params ignore timetables, so link times are symmetric
    rng = np.random.default_rng(11)
    i, j, k = rng.integers(0, len(m), size=(3, 20000))
    assert np.all(m[i, k] <= m[i, j] + m[j, k] + 1)


def test_real_district_laesoe_and_limfjord(
    real_district: District, real_matrix: tuple[TravelMatrix, list[Point]]
) -> None:
    tm, pts = real_matrix
    laeso_code = next(m.code for m in real_district.municipalities if m.name.startswith("Læsø"))
    laeso_links = [
        lk for lk in real_district.links if lk.is_ferry and "Læsø" in lk.name + lk.a_name + lk.b_name + lk.id
    ]
    on_laeso = {t.id for t in real_district.towns if t.municipality_code == laeso_code}
    on_laeso |= {s.id for s in real_district.stations if s.municipality_code == laeso_code}
    assert on_laeso, "the real district should have a place on Læsø"
    crossing = min(lk.crossing_min for lk in laeso_links) if laeso_links else 1
    for i, p in enumerate(pts):
        if p.id in on_laeso:
            for j, q in enumerate(pts):
                if q.id not in on_laeso:
                    assert tm.ferry[i, j] and tm.ferry[j, i]
                    assert tm.minutes[i, j] >= crossing and tm.minutes[j, i] >= crossing

    def town(name: str) -> int:
        cands = [t for t in real_district.towns if t.name == name]
        return tm.index(max(cands, key=lambda t: t.population).id)

    for a, b in (("Nørresundby", "Aalborg"), ("Hals", "Hadsund")):
        assert tm.links.get((town(a), town(b))), (a, b)
        assert tm.links.get((town(b), town(a))), (b, a)


def test_real_district_islet_with_ferry(real_district: District) -> None:
    """Egholm (the third-largest part of Aalborg municipality) is reached by its listed ferry."""
    aalborg = next(m for m in real_district.municipalities if m.code == "0851")
    parts = sorted(shapely.get_parts(aalborg.geometry), key=lambda p: -p.area)
    islet = parts[2].representative_point()
    town = max((t for t in real_district.towns if t.name == "Aalborg"), key=lambda t: t.population)
    tm = EstimatedTravel.from_district(real_district).matrix(
        [Point(town.id, town.lat, town.lon), Point("islet", islet.y, islet.x)]
    )
    ferries = {lk.id for lk in real_district.links if lk.is_ferry}
    for leg in ((0, 1), (1, 0)):
        assert tm.ferry[leg] and set(tm.links[leg]) & ferries


def test_real_district_point_at_sea(real_district: District) -> None:
    town = real_district.towns[0]
    with pytest.raises(TravelError, match="kattegat"):
        EstimatedTravel.from_district(real_district).matrix(
            [Point(town.id, town.lat, town.lon), Point("kattegat", 57.35, 10.75)]
        )

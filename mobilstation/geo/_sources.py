"""Read and cross-check every file of one geodata directory (cached per file stamps).

One reader per file; each validates its rows (see :mod:`._validate`) and the
readers together check the files against each other: every ``komkode`` must
be a municipality, every point must lie on the municipality its row names (or
within :data:`DEFAULT_TOLERANCE_M` of it), every excluded town must exist.
:func:`load_data` returns everything for one directory; it is cached on the
files' (name, mtime, size), so an edited file is re-read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from shapely.geometry.base import BaseGeometry

from mobilstation.errors import GeodataError
from mobilstation.geo import _validate as v
from mobilstation.geo._locate import Locator
from mobilstation.geo.model import Link, PostalDistrict, Station, Town
from mobilstation.geo.projection import geometry_to_metric
from mobilstation.i18n import num, t

Label = Callable[[str | None], str]
Stamp = tuple[tuple[str, int, int], ...]

#: Environment variable that points the loader at another geodata directory.
DATA_DIR_ENV = "MOBILSTATION_GEODATA"

#: Metres a point may lie off the generalised (1:500,000) coast and still count as on land.
DEFAULT_TOLERANCE_M = 1000.0

#: Kept for callers of the earlier rule; a link now belongs to a district when both its ends lie
#: in the district's municipalities (within :data:`DEFAULT_TOLERANCE_M`).
LINK_REACH_M = 5000.0

KOMMUNER_FILE = "denmark_kommuner.geojson"
POLITIKREDSE_FILE = "denmark_politikredse.geojson"
POSTNUMRE_FILE = "denmark_postnumre.geojson"
TOWNS_FILE = "denmark_towns.csv"
EXTRA_FILE = "extra_places.csv"
EXCLUDED_FILE = "excluded_towns.csv"
POPULATION_FILE = "municipality_population.csv"
NAMES_FILE = "municipality_names.csv"
LINKS_FILE = "links.csv"
STATIONS_GLOB = "*police_stations.csv"

#: Each input file -> the catalogue id of what it holds (named when the file is missing).
_EXPECTED = {
    POLITIKREDSE_FILE: "geo.expect.districts",
    KOMMUNER_FILE: "geo.expect.kommuner",
    POSTNUMRE_FILE: "geo.expect.postal",
    TOWNS_FILE: "geo.expect.towns",
    EXTRA_FILE: "geo.expect.extra",
    EXCLUDED_FILE: "geo.expect.excluded",
    POPULATION_FILE: "geo.expect.population",
    NAMES_FILE: "geo.expect.names",
    LINKS_FILE: "geo.expect.links",
}
_LINK_KINDS = ("bridge", "tunnel", "ferry")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_GEONAMES_SOURCE = "GeoNames (geonames.org), CC BY 4.0"


def default_data_dir() -> Path:
    """``$MOBILSTATION_GEODATA`` if set, else the ``geodata/`` directory of the project."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "geodata"


@dataclass(frozen=True, eq=False)
class Kommune:
    """A municipality as the DAGI file has it; ``metric`` is its EPSG:25832 geometry."""

    code: str
    dagi_name: str
    district: int
    geometry: BaseGeometry
    metric: BaseGeometry


@dataclass(frozen=True, eq=False)
class GeoData:
    """Everything read from one geodata directory, validated and cross-checked.

    ``names`` maps komkode to the name shown to people; ``population`` maps
    komkode to (inhabitants, source) where a table gives them; ``towns``
    already lacks the excluded rows and includes the extra places.
    """

    root: Path
    districts: dict[int, str]
    kommuner: dict[str, Kommune]
    names: dict[str, str]
    population: dict[str, tuple[int, str]]
    towns: tuple[Town, ...]
    stations: tuple[Station, ...]
    postal: tuple[PostalDistrict, ...]
    links: tuple[Link, ...]
    locator: Locator


def stamp(root: Path) -> Stamp:
    """(name, mtime, size) of every input file; raises for a missing one."""
    if not root.is_dir():
        raise GeodataError(t("geo.no_directory", root=root))
    files = [v.require_file(root / name, t(expected)) for name, expected in _EXPECTED.items()]
    stations = sorted(p for p in root.glob(STATIONS_GLOB) if p.is_file())
    if not stations:
        raise GeodataError(t("geo.no_stations_file", root=root, pattern=STATIONS_GLOB))
    out = []
    for p in files + stations:
        st = p.stat()
        out.append((p.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _read_districts(path: Path) -> dict[int, str]:
    problems = v.Problems(path)
    out: dict[int, str] = {}
    for f in v.read_geojson(path, ["nr", "navn"]):
        nr = f.properties["nr"]
        if isinstance(nr, bool) or not isinstance(nr, int | str) or not str(nr).strip().isdigit():
            problems.add(f.where, t("geo.district_nr", nr=nr))
            continue
        nr = int(nr)
        if nr in out:
            problems.add(f.where, t("geo.district_twice", nr=nr))
            continue
        out[nr] = str(f.properties["navn"]).strip()
    problems.raise_if_any()
    if not out:
        raise GeodataError(t("geo.no_districts", path=path))
    return out


def _read_kommuner(path: Path, districts: dict[int, str]) -> dict[str, Kommune]:
    problems = v.Problems(path)
    out: dict[str, Kommune] = {}
    for f in v.read_geojson(path, ["komkode", "navn", "politikreds_nr"]):
        code = v.komkode(str(f.properties["komkode"]))
        nr = f.properties["politikreds_nr"]
        if code is None:
            problems.add(f.where, t("geo.komkode_bad", code=f.properties["komkode"]))
            continue
        if code in out:
            problems.add(f.where, t("geo.komkode_twice", code=code))
            continue
        try:
            nr = int(nr)
        except (TypeError, ValueError):
            problems.add(f.where, t("geo.district_of_bad", nr=nr))
            continue
        if nr not in districts:
            known = ", ".join(map(str, sorted(districts)))
            problems.add(
                f.where, t("geo.district_of_unknown", nr=nr, code=code, file=POLITIKREDSE_FILE, known=known)
            )
            continue
        out[code] = Kommune(
            code, str(f.properties["navn"]).strip(), nr, f.geometry, geometry_to_metric(f.geometry)
        )
    problems.raise_if_any()
    return out


def _read_population(
    path: Path, kommuner: dict[str, Kommune]
) -> tuple[dict[str, tuple[int, str]], dict[str, str]]:
    problems = v.Problems(path)
    pops: dict[str, tuple[int, str]] = {}
    names: dict[str, str] = {}
    for row in v.read_csv(path, ["komkode", "navn", "population", "year", "source"]):
        code = v.code_field(row, "komkode", problems)
        pop = v.integer(row, "population", problems, lo=0)
        name = v.text(row, "navn", problems)
        if code is None or pop is None or name is None:
            continue
        if code not in kommuner:
            problems.add(row.where, t("geo.komkode_unknown", code=code, file=KOMMUNER_FILE))
            continue
        if code in pops:
            problems.add(row.where, t("geo.komkode_twice", code=code))
            continue
        year = row.values["year"] or "not stated"
        pops[code] = (pop, f"{row.values['source']} (reference date: {year})")
        names[code] = name
    problems.raise_if_any()
    return pops, names


def _read_names(path: Path, kommuner: dict[str, Kommune]) -> dict[str, str]:
    problems = v.Problems(path)
    out: dict[str, str] = {}
    for row in v.read_csv(path, ["komkode", "name"]):
        code = v.code_field(row, "komkode", problems)
        name = v.text(row, "name", problems)
        if code is None or name is None:
            continue
        if code not in kommuner:
            problems.add(row.where, t("geo.komkode_unknown", code=code, file=KOMMUNER_FILE))
            continue
        out[code] = name
    problems.raise_if_any()
    return out


@dataclass(frozen=True)
class _PointRow:
    """A parsed row with a point and a claimed municipality, checked in bulk."""

    row: v.CsvRow
    label: str
    lat: float
    lon: float
    code: str


def _check_points(
    path: Path, rows: list[_PointRow], locator: Locator, kommuner: dict[str, Kommune], data_label: Label
) -> None:
    """Every point must be on (or within tolerance of) the municipality its row names."""
    problems = v.Problems(path)
    if not rows:
        return
    lats = np.array([r.lat for r in rows])
    lons = np.array([r.lon for r in rows])
    found = locator.locate(lats, lons, DEFAULT_TOLERANCE_M)
    for r, code in zip(rows, found, strict=True):
        if r.code not in kommuner:
            unknown = t("geo.point_code_unknown", what=r.label, code=r.code, file=KOMMUNER_FILE)
            problems.add(r.row.where, unknown)
        elif code is None:
            near, dist = locator.nearest(np.array([r.lat]), np.array([r.lon]), None)
            at = {"lat": r.lat, "lon": r.lon, "nearest": data_label(near[0]), "km": num(dist[0] / 1000)}
            at["tolerance"] = f"{DEFAULT_TOLERANCE_M:.0f}"
            problems.add(r.row.where, t("geo.point_off_land", what=r.label, **at))
        elif code != r.code and locator.distance_to(r.code, r.lat, r.lon) > DEFAULT_TOLERANCE_M:
            at = {"lat": r.lat, "lon": r.lon, "found": data_label(code), "code": r.code}
            problems.add(r.row.where, t("geo.point_other_code", what=r.label, **at))
    problems.raise_if_any()


def _read_towns(root: Path, kommuner: dict[str, Kommune], locator: Locator, label: Label) -> tuple[Town, ...]:
    towns_path, extra_path, excl_path = root / TOWNS_FILE, root / EXTRA_FILE, root / EXCLUDED_FILE

    problems = v.Problems(excl_path)
    excluded: dict[str, int] = {}
    for row in v.read_csv(excl_path, ["geonameid", "reason"]):
        gid = v.integer(row, "geonameid", problems, lo=1)
        v.text(row, "reason", problems)
        if gid is not None:
            excluded[str(gid)] = row.line
    problems.raise_if_any()

    problems = v.Problems(towns_path)
    towns: list[Town] = []
    checks: list[_PointRow] = []
    seen: set[str] = set()
    for row in v.read_csv(towns_path, ["geonameid", "name", "lat", "lon", "population", "komkode"]):
        gid = v.integer(row, "geonameid", problems, lo=1)
        name = v.text(row, "name", problems)
        lat = v.number(row, "lat", problems, lo=-90, hi=90)
        lon = v.number(row, "lon", problems, lo=-180, hi=180)
        pop = v.integer(row, "population", problems, lo=0)
        code = v.code_field(row, "komkode", problems)
        if None in (gid, name, lat, lon, pop, code):
            continue
        tid = f"geonames:{gid}"
        if tid in seen:
            problems.add(row.where, t("geo.geonameid_twice", id=gid))
            continue
        seen.add(tid)
        checks.append(_PointRow(row, t("geo.town", name=name), lat, lon, code))
        if str(gid) in excluded:
            continue
        towns.append(Town(tid, name, lat, lon, pop, code, _GEONAMES_SOURCE))
    problems.raise_if_any()
    _check_points(towns_path, checks, locator, kommuner, label)

    problems = v.Problems(excl_path)
    for gid, line in excluded.items():
        if f"geonames:{gid}" not in seen:
            problems.add(t("geo.line", line=line), t("geo.excluded_unknown", id=gid, file=TOWNS_FILE))
    problems.raise_if_any()

    problems = v.Problems(extra_path)
    checks = []
    for row in v.read_csv(extra_path, ["id", "name", "lat", "lon", "population", "komkode", "source"]):
        slug = v.text(row, "id", problems)
        name = v.text(row, "name", problems)
        lat = v.number(row, "lat", problems, lo=-90, hi=90)
        lon = v.number(row, "lon", problems, lo=-180, hi=180)
        pop = v.integer(row, "population", problems, lo=0)
        code = v.code_field(row, "komkode", problems)
        estimated = v.boolean(row, "population_estimated", problems)
        gid = v.integer(row, "geonameid", problems, lo=1, default=0)
        if None in (slug, name, lat, lon, pop, code, estimated, gid):
            continue
        if not _SLUG.match(slug):
            problems.add(row.where, t("geo.slug", id=slug))
            continue
        tid = f"geonames:{gid}" if gid else f"extra:{slug}"
        if tid in seen:
            problems.add(row.where, t("geo.town_twice", id=tid, file=TOWNS_FILE))
            continue
        seen.add(tid)
        source = row.values["source"]
        if estimated:
            source = f"population ESTIMATED; {source}"
        checks.append(_PointRow(row, t("geo.place", name=name), lat, lon, code))
        towns.append(Town(tid, name, lat, lon, pop, code, source))
    problems.raise_if_any()
    _check_points(extra_path, checks, locator, kommuner, label)
    return tuple(towns)


def _read_stations(
    paths: list[Path], kommuner: dict[str, Kommune], locator: Locator, label: Label
) -> tuple[Station, ...]:
    out: list[Station] = []
    seen: dict[str, Path] = {}
    for path in paths:
        problems = v.Problems(path)
        checks: list[_PointRow] = []
        for row in v.read_csv(path, ["id", "name", "kind", "komkode", "lat", "lon"]):
            sid = v.text(row, "id", problems)
            name = v.text(row, "name", problems)
            kind = v.text(row, "kind", problems)
            code = v.code_field(row, "komkode", problems)
            lat = v.number(row, "lat", problems, lo=-90, hi=90)
            lon = v.number(row, "lon", problems, lo=-180, hi=180)
            if None in (sid, name, kind, code, lat, lon):
                continue
            if not _SLUG.match(sid):
                problems.add(row.where, t("geo.slug", id=sid))
                continue
            if sid in seen:
                problems.add(row.where, t("geo.station_twice", id=sid, file=seen[sid].name))
                continue
            seen[sid] = path
            checks.append(_PointRow(row, t("geo.station", id=sid), lat, lon, code))
            out.append(
                Station(
                    sid,
                    name,
                    kind,
                    code,
                    lat,
                    lon,
                    address=row.values.get("address", ""),
                    source=row.values.get("source", ""),
                    town=row.values.get("town", "").strip(),
                )
            )
        problems.raise_if_any()
        _check_points(path, checks, locator, kommuner, label)
    return tuple(out)


def _read_postal(path: Path, kommuner: dict[str, Kommune]) -> tuple[PostalDistrict, ...]:
    problems = v.Problems(path)
    out: list[PostalDistrict] = []
    for f in v.read_geojson(path, ["postnr", "navn", "komkode"]):
        code = v.komkode(str(f.properties["komkode"]))
        if code is None or code not in kommuner:
            unknown = t("geo.komkode_unknown_repr", code=f.properties["komkode"], file=KOMMUNER_FILE)
            problems.add(f.where, unknown)
            continue
        out.append(PostalDistrict(str(f.properties["postnr"]), str(f.properties["navn"]), code, f.geometry))
    problems.raise_if_any()
    return tuple(out)


def _read_links(path: Path, locator: Locator, label: Label) -> tuple[Link, ...]:
    problems = v.Problems(path)
    out: list[Link] = []
    seen: set[str] = set()
    required = ["id", "name", "kind", "a_name", "a_lat", "a_lon", "b_name", "b_lat", "b_lon", "crossing_min"]
    rows = v.read_csv(path, required)
    for row in rows:
        lid = v.text(row, "id", problems)
        name = v.text(row, "name", problems)
        kind = v.text(row, "kind", problems)
        a_name = v.text(row, "a_name", problems)
        b_name = v.text(row, "b_name", problems)
        a_lat = v.number(row, "a_lat", problems, lo=-90, hi=90)
        a_lon = v.number(row, "a_lon", problems, lo=-180, hi=180)
        b_lat = v.number(row, "b_lat", problems, lo=-90, hi=90)
        b_lon = v.number(row, "b_lon", problems, lo=-180, hi=180)
        crossing = v.integer(row, "crossing_min", problems, lo=0)
        wait = v.integer(row, "wait_min", problems, lo=0, default=0)
        length = v.integer(row, "length_m", problems, lo=0, default=0)
        dep_a = v.departures(row, "departures_a", problems)
        dep_b = v.departures(row, "departures_b", problems)
        values = (
            lid,
            name,
            kind,
            a_name,
            b_name,
            a_lat,
            a_lon,
            b_lat,
            b_lon,
            crossing,
            wait,
            length,
            dep_a,
            dep_b,
        )
        if None in values:
            continue
        if not _SLUG.match(lid):
            problems.add(row.where, t("geo.slug", id=lid))
            continue
        if lid in seen:
            problems.add(row.where, t("geo.link_twice", id=lid))
            continue
        seen.add(lid)
        if kind not in _LINK_KINDS:
            problems.add(row.where, t("geo.link_kind", kind=kind, kinds=", ".join(_LINK_KINDS)))
            continue
        if kind != "ferry" and (dep_a or dep_b):
            problems.add(row.where, t("geo.link_departures", kind=kind))
            continue
        ends = locator.locate(np.array([a_lat, b_lat]), np.array([a_lon, b_lon]), DEFAULT_TOLERANCE_M)
        bad = False
        for end, code, (lat, lon, nm) in zip(
            "ab", ends, ((a_lat, a_lon, a_name), (b_lat, b_lon, b_name)), strict=True
        ):
            if code is None:
                near, dist = locator.nearest(np.array([lat]), np.array([lon]), None)
                at = {"lat": lat, "lon": lon, "nearest": label(near[0]), "metres": f"{dist[0]:.0f}"}
                tolerance = f"{DEFAULT_TOLERANCE_M:.0f}"
                problems.add(row.where, t("geo.link_off_land", end=end, name=nm, tolerance=tolerance, **at))
                bad = True
        if bad:
            continue
        out.append(
            Link(
                lid,
                name,
                kind,
                a_name,
                a_lat,
                a_lon,
                b_name,
                b_lat,
                b_lon,
                crossing,
                wait_min=wait,
                departures_a=dep_a,
                departures_b=dep_b,
                length_m=length,
                source=row.values.get("source", ""),
            )
        )
    problems.raise_if_any()
    return tuple(out)


def read_stations_file(path: Path, data: GeoData, taken: frozenset[str] = frozenset()) -> tuple[Station, ...]:
    """Stations from a planner's file with the columns of ``*police_stations.csv``.

    ``taken``: station ids that must not be reused (the district's own, when the
    file adds to them).
    """
    v.require_file(path, t("geo.expect.stations"))
    label = _labeller(data.names)
    stations = _read_stations([path], data.kommuner, data.locator, label)
    problems = v.Problems(path)
    for st in stations:
        if st.id in taken:
            problems.add(t("geo.station", id=st.id), t("geo.station_taken"))
    problems.raise_if_any()
    return stations


def read_links_file(path: Path, data: GeoData) -> tuple[Link, ...]:
    """Bridges, tunnels and ferries from a planner's file with the columns of ``links.csv``."""
    v.require_file(path, t(_EXPECTED[LINKS_FILE]))
    return _read_links(path, data.locator, _labeller(data.names))


def _labeller(names: Mapping[str, str]) -> Label:
    """How a message names a municipality code: "0849 Jammerbugt" (or just "municipality")."""

    def label(code: str | None) -> str:
        return f"{code} {names[code]}" if code else t("geo.municipality")

    return label


@lru_cache(maxsize=4)
def load_data(root_str: str, stamp: Stamp) -> GeoData:
    root = Path(root_str)
    districts = _read_districts(root / POLITIKREDSE_FILE)
    kommuner = _read_kommuner(root / KOMMUNER_FILE, districts)
    population, pop_names = _read_population(root / POPULATION_FILE, kommuner)
    names = {c: k.dagi_name for c, k in kommuner.items()}
    names.update(_read_names(root / NAMES_FILE, kommuner))
    names.update(pop_names)
    codes = sorted(kommuner)
    locator = Locator(codes, [kommuner[c].geometry for c in codes], [kommuner[c].metric for c in codes])
    label = _labeller(names)
    towns = _read_towns(root, kommuner, locator, label)
    stations = _read_stations(sorted(root.glob(STATIONS_GLOB)), kommuner, locator, label)
    postal = _read_postal(root / POSTNUMRE_FILE, kommuner)
    links = _read_links(root / LINKS_FILE, locator, label)
    return GeoData(root, districts, kommuner, names, population, towns, stations, postal, links, locator)

"""Load a police district (politikreds) from the embedded geodata, and look things up in it.

The district is data: :func:`load_district` takes a district name or number
(as a scenario gives it) and assembles, from the files in ``geodata/``, its
municipalities (with populations where a table gives them), towns, police
stations, postal districts, fixed links over water and outline. Nothing here
names a particular district.

Every file is validated on load; any problem raises
:class:`~mobilstation.errors.GeodataError` naming the file, the line or
feature, the field and what was expected. A point (town, station, link end)
must lie on a municipality polygon, or within :data:`DEFAULT_TOLERANCE_M` of
one: the 1:500,000 boundaries cut coastlines by a few hundred metres.

Results are cached per (data directory, file stamps, district), so repeated
loads return the same :class:`District` object at the cost of a few ``stat``
calls; editing a file invalidates the cache.

Files read (see ``geodata/README.md`` for their provenance)::

    denmark_politikredse.geojson   district numbers and names
    denmark_kommuner.geojson       municipality polygons with politikreds_nr
    denmark_postnumre.geojson      postal districts with their main komkode
    denmark_towns.csv              GeoNames places (population >= 500)
    extra_places.csv               places the GeoNames extract lacks
    excluded_towns.csv             GeoNames rows known to be wrong
    municipality_population.csv    populations (where a table exists)
    municipality_names.csv         official names where DAGI's short name differs
    links.csv                      bridges, tunnels, ferries
    *police_stations.csv           police stations (every matching file)
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import shapely

from mobilstation.errors import GeodataError
from mobilstation.i18n import t
from mobilstation.geo import _validate as v
from mobilstation.geo._locate import Locator
from mobilstation.geo._sources import (
    DATA_DIR_ENV,
    DEFAULT_TOLERANCE_M,
    KOMMUNER_FILE,
    LINK_REACH_M,
    POPULATION_FILE,
    Stamp,
    default_data_dir,
    load_data,
)
from mobilstation.geo._sources import stamp as file_stamp
from mobilstation.geo.model import STORAGE_CRS, District, Link, Municipality, Station, Town
from mobilstation.geo.projection import geometry_to_metric

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DATA_DIR_ENV",
    "DEFAULT_TOLERANCE_M",
    "LINK_REACH_M",
    "clear_cache",
    "default_data_dir",
    "AmbiguousStationError",
    "district_names",
    "find_place",
    "stations_in_town",
    "with_data",
    "load_district",
    "municipalities_at",
    "municipalities_frame",
    "municipality",
    "municipality_at",
]


def _root(data_dir: str | Path | None) -> Path:
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    return root.expanduser().resolve()


# ---------------------------------------------------------------------------
# district names


def _norm(s: str) -> str:
    return " ".join(str(s).casefold().split())


def _short(s: str) -> str:
    n = _norm(s)
    return n[: -len(" politi")] if n.endswith(" politi") else n


def _resolve(query: str | int, districts: dict[int, str]) -> int:
    valid = "; ".join(f"{nr} {name}" for nr, name in sorted(districts.items()))
    if isinstance(query, bool) or not isinstance(query, int | str):
        raise GeodataError(t("geo.district_query", query=query, valid=valid))
    text = str(query).strip()
    if text.isdigit():
        nr = int(text)
        if nr in districts:
            return nr
        raise GeodataError(t("geo.district_number", nr=nr, valid=valid))
    q = _norm(text)
    for nr, name in districts.items():
        if _norm(name) == q or _short(name) == _short(text):
            return nr
    qs = _short(text)
    if len(qs) >= 3:
        hits = [nr for nr, name in districts.items() if _short(name).startswith(qs)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(repr(districts[h]) for h in sorted(hits))
            raise GeodataError(t("geo.district_ambiguous", query=text, names=names))
    by_norm = {_norm(name): name for name in districts.values()}
    by_norm.update({_short(name): name for name in districts.values()})
    close = difflib.get_close_matches(q, list(by_norm), n=1, cutoff=0.6)
    hint = t("place.did_you_mean", name=by_norm[close[0]]) if close else ""
    raise GeodataError(t("geo.district_unknown", query=text, hint=hint, valid=valid))


def district_names(data_dir: str | Path | None = None) -> dict[int, str]:
    """Police district number -> name, as the data has them (e.g. 1 -> 'Nordjyllands Politi')."""
    root = _root(data_dir)
    return dict(sorted(load_data(str(root), file_stamp(root)).districts.items()))


# ---------------------------------------------------------------------------
# the district


@dataclass(frozen=True, eq=False)
class _Index:
    """Point lookup for one district, against all municipalities when known."""

    locator: Locator
    in_district: frozenset[str]


_INDEX: dict[int, tuple[weakref.ref[District], _Index]] = {}


def _register(district: District, index: _Index) -> None:
    key = id(district)
    _INDEX[key] = (weakref.ref(district, lambda _ref, key=key: _INDEX.pop(key, None)), index)


def _index(district: District) -> _Index:
    hit = _INDEX.get(id(district))
    if hit is not None and hit[0]() is district:
        return hit[1]
    codes = [m.code for m in district.municipalities]
    geoms = [m.geometry for m in district.municipalities]
    index = _Index(Locator(codes, geoms, [geometry_to_metric(g) for g in geoms]), frozenset(codes))
    _register(district, index)
    return index


@lru_cache(maxsize=32)
def _build(root_str: str, stamp: Stamp, nr: int) -> District:
    data = load_data(root_str, stamp)
    kommuner = [k for k in data.kommuner.values() if k.district == nr]
    if not kommuner:
        path = data.root / KOMMUNER_FILE
        raise GeodataError(t("geo.district_empty", path=path, nr=nr, name=data.districts[nr]))
    kommuner.sort(key=lambda k: k.code)
    codes = frozenset(k.code for k in kommuner)
    municipalities = tuple(
        Municipality(
            code=k.code,
            name=data.names[k.code],
            population=data.population[k.code][0] if k.code in data.population else None,
            geometry=k.geometry,
            population_source=(
                data.population[k.code][1]
                if k.code in data.population
                else f"not available in {POPULATION_FILE}"
            ),
        )
        for k in kommuner
    )
    geometry = shapely.union_all([k.geometry for k in kommuner])
    def own(lk: Link) -> bool:
        ends = data.locator.locate(
            np.array([lk.a_lat, lk.b_lat]), np.array([lk.a_lon, lk.b_lon]), DEFAULT_TOLERANCE_M
        )
        return all(code in codes for code in ends)

    district = District(
        number=nr,
        name=data.districts[nr],
        municipalities=municipalities,
        towns=tuple(t for t in data.towns if t.municipality_code in codes),
        stations=tuple(s for s in data.stations if s.municipality_code in codes),
        postal_districts=tuple(p for p in data.postal if p.municipality_code in codes),
        links=tuple(lk for lk in data.links if own(lk)),
        geometry=geometry,
    )
    _register(district, _Index(data.locator, codes))
    return district


def load_district(name_or_number: str | int, *, data_dir: str | Path | None = None) -> District:
    """Load a police district by name or number from the geodata in ``data_dir``.

    ``name_or_number`` may be the exact name ("Nordjyllands Politi"), any
    capitalisation of it, the name without "Politi", an unambiguous start of it
    ("Nordjylland", "Fyn") or the district number (1 or "1"). ``data_dir``
    defaults to :func:`default_data_dir`.

    Returns municipalities (sorted by code; population from
    ``municipality_population.csv`` or ``None``), towns (GeoNames minus
    ``excluded_towns.csv`` plus ``extra_places.csv``), stations (only where a
    stations file has rows in the district, else empty), postal districts
    whose main municipality is in the district, links whose two ends both lie
    within :data:`LINK_REACH_M` of the district, and the district outline
    (union of its municipalities, WGS84).

    Raises :class:`GeodataError` for an unknown district (with a suggestion)
    and for any missing or malformed file.
    """
    root = _root(data_dir)
    stamp = file_stamp(root)
    data = load_data(str(root), stamp)
    nr = _resolve(name_or_number, data.districts)
    return _build(str(root), stamp, nr)


def clear_cache() -> None:
    """Forget every loaded district and data directory (the next load re-reads files)."""
    _build.cache_clear()
    load_data.cache_clear()


# ---------------------------------------------------------------------------
# lookups within a district


def _did_you_mean(query: str, candidates: Sequence[str]) -> str:
    by_norm: dict[str, str] = {}
    for c in candidates:
        by_norm.setdefault(_norm(c), c)
    close = difflib.get_close_matches(_norm(query), list(by_norm), n=1, cutoff=0.6)
    return t("place.did_you_mean", name=by_norm[close[0]]) if close else ""


def municipality(district: District, name_or_code: str | int) -> Municipality:
    """The district's municipality with this name (any case) or code ("0851", "851", 851).

    Raises :class:`GeodataError` with a suggestion when nothing matches.
    """
    if isinstance(name_or_code, int) and not isinstance(name_or_code, bool):
        name_or_code = str(name_or_code)
    text = str(name_or_code).strip()
    code = v.komkode(text)
    for m in district.municipalities:
        if (code is not None and m.code == code) or _norm(m.name) == _norm(text):
            return m
    names = [m.name for m in district.municipalities]
    valid = ", ".join(f"{m.code} {m.name}" for m in district.municipalities)
    hint = _did_you_mean(text, names)
    unknown = t("geo.municipality_unknown", query=text, district=district.name, hint=hint, valid=valid)
    raise GeodataError(unknown)


def municipalities_at(
    district: District,
    lats: Sequence[float] | np.ndarray,
    lons: Sequence[float] | np.ndarray,
    *,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> list[str | None]:
    """Vectorised :func:`municipality_at`: one code (or None) per point."""
    lats = np.atleast_1d(np.asarray(lats, dtype=float))
    lons = np.atleast_1d(np.asarray(lons, dtype=float))
    if lats.shape != lons.shape:
        raise ValueError(f"lats and lons differ in shape: {lats.shape} vs {lons.shape}")
    index = _index(district)
    found = index.locator.locate(lats, lons, tolerance_m)
    return [c if c in index.in_district else None for c in found]


def municipality_at(
    district: District, lat: float, lon: float, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> str | None:
    """Code of the district municipality containing (lat, lon), else None.

    A point on no polygon (e.g. a harbour a few hundred metres off the
    generalised coast) goes to the nearest municipality within
    ``tolerance_m`` metres (EPSG:25832). For districts from
    :func:`load_district` the nearest is sought among all municipalities in
    the data, so a point in or next to a neighbouring district gives None.
    """
    return municipalities_at(district, [lat], [lon], tolerance_m=tolerance_m)[0]


class AmbiguousStationError(GeodataError):
    """A town named where the district has several stations: the planner must pick one id."""

    def __init__(self, town: str, stations: Sequence[Station]) -> None:
        self.town = town
        self.stations = tuple(stations)
        listed = ", ".join(f"'{s.id}' ({s.name})" for s in self.stations)
        super().__init__(
            t("place.ambiguous_town", town=town, count=len(self.stations), listed=listed)
        )


def stations_in_town(district: District, town: str) -> list[Station]:
    """The district's stations whose ``town`` is ``town`` (any case), sorted by id."""
    q = _norm(town)
    return sorted((s for s in district.stations if s.town and _norm(s.town) == q), key=lambda s: s.id)


_P = TypeVar("_P", Station, Town)


def _one_named(name: str, district: District, hits: list[_P]) -> _P | None:
    """The one place of ``hits`` (None for none); several raise, listing their ids to choose from."""
    if len(hits) > 1:
        listed = ", ".join(f"{p.id} ({p.municipality_code})" for p in hits)
        raise GeodataError(t("geo.name_ambiguous", name=name, district=district.name, listed=listed))
    return hits[0] if hits else None


def find_place(district: District, name: str) -> Station | Town:
    """A station or town of the district by station id, town id, station name, station town or town name.

    Matching ignores case and extra spaces. Station ids and town ids
    ("geonames:2612021", "extra:byrum") win over names; a station name wins
    over a town with a station, which wins over a town name, so "Holstebro"
    is the Holstebro station where the district has exactly one there. A town
    with several stations raises :class:`AmbiguousStationError` listing them;
    a name shared by several towns raises :class:`GeodataError` listing their
    ids; an unknown name raises one with a suggestion.
    """
    q = _norm(name)
    for s in district.stations:
        if _norm(s.id) == q:
            return s
    for town in district.towns:
        if _norm(town.id) == q:
            return town
    station = _one_named(name, district, [s for s in district.stations if _norm(s.name) == q])
    if station is not None:
        return station
    in_town = stations_in_town(district, name)
    if len(in_town) == 1:
        return in_town[0]
    if len(in_town) > 1:
        raise AmbiguousStationError(name, in_town)
    town = _one_named(name, district, [town for town in district.towns if _norm(town.name) == q])
    if town is not None:
        return town
    candidates = [s.id for s in district.stations] + [s.name for s in district.stations]
    candidates += [town.name for town in district.towns]
    hint = _did_you_mean(name, candidates)
    raise GeodataError(t("place.none", name=name, district=district.name, hint=hint))


def with_data(
    district: District,
    *,
    stations_file: str | Path | None = None,
    replace_stations: bool = False,
    links_file: str | Path | None = None,
    replace_links: bool = False,
    data_dir: str | Path | None = None,
) -> District:
    """The district with a planner's stations and links added to (or replacing) its own.

    The files have the columns of ``*police_stations.csv`` and ``links.csv``
    and are checked as strictly (every point on land, in the municipality its
    row names). A station outside the district, or a link with an end
    outside it, is an error naming the row: a planner's file says what it
    means.
    """
    from dataclasses import replace

    from mobilstation.geo._sources import read_links_file, read_stations_file

    if stations_file is None and links_file is None:
        return district
    root = _root(data_dir)
    data = load_data(str(root), file_stamp(root))
    codes = {m.code for m in district.municipalities}
    stations = district.stations
    if stations_file is not None:
        path = Path(stations_file)
        taken = frozenset() if replace_stations else frozenset(s.id for s in district.stations)
        extra = read_stations_file(path, data, taken)
        outside = [s for s in extra if s.municipality_code not in codes]
        if outside:
            s = outside[0]
            where = {"code": s.municipality_code, "name": data.names[s.municipality_code]}
            raise GeodataError(t("geo.station_outside", path=path, id=s.id, district=district.name, **where))
        stations = extra if replace_stations else district.stations + extra
    links = district.links
    if links_file is not None:
        path = Path(links_file)
        extra_links = read_links_file(path, data)
        for lk in extra_links:
            ends = data.locator.locate(
                np.array([lk.a_lat, lk.b_lat]), np.array([lk.a_lon, lk.b_lon]), DEFAULT_TOLERANCE_M
            )
            for end, code in zip("ab", ends, strict=True):
                if code not in codes:
                    where = {"end": end, "code": code, "name": data.names.get(code, "")}
                    raise GeodataError(
                        t("geo.link_outside", path=path, id=lk.id, district=district.name, **where)
                    )
        if not replace_links:
            dup = sorted({lk.id for lk in extra_links} & {lk.id for lk in district.links})
            if dup:
                raise GeodataError(t("geo.link_taken", path=path, ids=dup))
        links = extra_links if replace_links else district.links + extra_links
    out = replace(district, stations=tuple(stations), links=tuple(links))
    _register(out, _Index(data.locator, frozenset(codes)))
    return out


def municipalities_frame(district: District) -> gpd.GeoDataFrame:
    """The district's municipalities as a GeoDataFrame (EPSG:4326).

    Columns: ``code`` (str), ``name`` (str), ``population`` (nullable Int64),
    ``geometry``.
    """
    import geopandas as gpd
    import pandas as pd

    ms = district.municipalities
    return gpd.GeoDataFrame(
        {
            "code": [m.code for m in ms],
            "name": [m.name for m in ms],
            "population": pd.array([m.population for m in ms], dtype="Int64"),
        },
        geometry=[m.geometry for m in ms],
        crs=STORAGE_CRS,
    )

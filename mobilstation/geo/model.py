"""Typed records for what is where: the district and its places.

Everything is stored in WGS84 (EPSG:4326, ``lat``/``lon`` in degrees, shapely
geometries in lon/lat order). Distances and areas are computed elsewhere in
ETRS89 / UTM 32N (EPSG:25832); :data:`METRIC_CRS` names it so nobody types the
code twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

STORAGE_CRS = "EPSG:4326"
METRIC_CRS = "EPSG:25832"


@dataclass(frozen=True)
class Municipality:
    """A kommune. ``code`` is the 4-digit DAGI komkode as text ("0851")."""

    code: str
    name: str
    population: int | None
    geometry: BaseGeometry = field(repr=False)
    population_source: str = ""


@dataclass(frozen=True)
class Town:
    """A populated place. ``id`` is ``"geonames:<id>"`` or ``"extra:<slug>"``."""

    id: str
    name: str
    lat: float
    lon: float
    population: int
    municipality_code: str
    source: str = ""


@dataclass(frozen=True)
class Station:
    """A police station: the depots vehicles and officers leave from.

    ``id`` is a stable ASCII slug ("aalborg-politigaard"); ``name`` keeps the
    Danish spelling. Coordinates may be a town centroid (``source`` says so).
    ``town`` is the town the station serves from ("Holstebro"), so a planner
    can name a station by its town where the town has only one.
    """

    id: str
    name: str
    kind: str
    municipality_code: str
    lat: float
    lon: float
    address: str = ""
    source: str = ""
    town: str = ""


@dataclass(frozen=True)
class PostalDistrict:
    postnr: str
    name: str
    municipality_code: str
    geometry: BaseGeometry = field(repr=False)


@dataclass(frozen=True)
class Link:
    """A fixed crossing over water: bridge, tunnel or ferry.

    Times are whole minutes. For a ferry ``wait_min`` is boarding plus the
    expected wait for a departure when no timetable is used; ``departures_a``
    and ``departures_b`` are departure times (minutes since local midnight)
    from end ``a`` and end ``b`` when a timetable is known, else empty.
    """

    id: str
    name: str
    kind: str  # "bridge" | "tunnel" | "ferry"
    a_name: str
    a_lat: float
    a_lon: float
    b_name: str
    b_lat: float
    b_lon: float
    crossing_min: int
    wait_min: int = 0
    departures_a: tuple[int, ...] = ()
    departures_b: tuple[int, ...] = ()
    length_m: int = 0
    source: str = ""

    @property
    def is_ferry(self) -> bool:
        return self.kind == "ferry"


@dataclass(frozen=True)
class District:
    """A police district (politikreds): the planning area, loaded from data.

    Nothing in the code names a district; a scenario does.
    """

    number: int
    name: str
    municipalities: tuple[Municipality, ...]
    towns: tuple[Town, ...]
    stations: tuple[Station, ...]
    postal_districts: tuple[PostalDistrict, ...]
    links: tuple[Link, ...]
    geometry: BaseGeometry = field(repr=False)

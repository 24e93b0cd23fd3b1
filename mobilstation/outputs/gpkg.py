"""``plan.gpkg``: the plan as GIS layers for QGIS/ArcGIS users, CRS EPSG:4326.

Layers:

* ``stops``: one point per stop, with the columns of ``visits.csv``;
* ``routes``: one line per vehicle-day, depot -> stops -> depot. The lines
  are **straight segments between stops, not roads** (a ferry leg is drawn
  via the link's two ports); the layer description says so;
* ``unvisited``: the candidate sites left out, with the reason in words;
* ``stations``: the police stations (home of vehicles and officers);
* ``links``: bridges, tunnels and ferries (a straight line between the ends);
* ``patrol_hours``: one point per patrol area with the week's hours, officers
  and days;
* ``hotspots``: the burglary hotspot polygons with their statistics;
* ``municipalities``: one row per municipality with what it got against its
  quota. The plan holds no municipality outlines, so the polygons come from
  the district's geodata when the caller passes the loaded district (or a
  ``municipality code -> geometry`` mapping); without one the layer is a
  plain attribute table.

Field types: dates are GeoPackage ``DATE`` fields and times ``DATETIME`` in
local wall-clock time (Europe/Copenhagen, no offset: QGIS shows them as the
crews read them), so QGIS filters and sorts them as dates; codes are text.
Text from outside is cleaned for display (:mod:`mobilstation.untrusted`).

Styles: a ``layer_styles`` table (QGIS's own) gives each layer a default
style, so the file opens in QGIS with routes and stops coloured by weekday,
unvisited sites grey, stations as dark squares and hotspots outlined in red.

Written through :func:`mobilstation._io.atomic_path`: the GeoPackage (a
SQLite file) is built under a temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.raw import write as write_raw
from shapely.geometry import LineString, Point, shape
from shapely.geometry.base import BaseGeometry

from mobilstation._io import atomic_path
from mobilstation.outputs import labels as L
from mobilstation.outputs.tables import _is_text, crew_names, note, station_names, visits_frame
from mobilstation.plan import PlanRecord, Route
from mobilstation.untrusted import display_text

GPKG_FILE = "plan.gpkg"
CRS = "EPSG:4326"
LAYERS = (
    "stops",
    "routes",
    "unvisited",
    "stations",
    "links",
    "patrol_hours",
    "hotspots",
    "municipalities",
)
ROUTES_NOTE = "Rette linjer mellem stop (ikke vejforløb); færgeture tegnet via havnene."
TIMES_NOTE = "tider er lokal tid (Europe/Copenhagen)"
STYLES_TABLE = "layer_styles"

# One colour per weekday (Okabe-Ito, chosen for colour-blind readers), Monday first.
DAY_COLOURS: tuple[str, ...] = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#d55e00",
    "#56b4e9",
    "#000000",
)


def _when(day: str, minute: int) -> datetime:
    """Local wall-clock date-time of ``minute`` on ``day`` (minutes past midnight may exceed 24 h)."""
    return datetime.combine(date.fromisoformat(day), time()) + pd.Timedelta(minutes=int(minute))


def _route_line(plan: PlanRecord, route: Route) -> LineString | None:
    """Depot -> stops -> depot as (lon, lat) vertices; ferry legs pass the link's ports."""
    if not route.stops:
        return None
    coords: dict[str, tuple[float, float]] = {s.id: (s.lon, s.lat) for s in plan.sites}
    coords[route.depot_id] = (route.depot_lon, route.depot_lat)
    links = {lk.id: lk for lk in plan.links}
    seq = [route.depot_id] + [s.site_id for s in sorted(route.stops, key=lambda s: s.seq)] + [route.depot_id]
    vertices: list[tuple[float, float]] = [coords[seq[0]]]
    for i, (a, b) in enumerate(pairwise(seq)):
        leg = route.legs[i] if i < len(route.legs) else None
        if leg is not None and leg.ferry:
            here = Point(coords[a])
            for link_id in leg.links:
                lk = links.get(link_id)
                if lk is None:
                    continue
                ends = [(lk.a[1], lk.a[0]), (lk.b[1], lk.b[0])]
                ends.sort(key=lambda p: here.distance(Point(p)))
                vertices.extend(ends)
                here = Point(ends[1])
        vertices.append(coords[b])
    return LineString(vertices)


def stops_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    """The columns of ``visits.csv`` with ``dato`` a date and ``ankomst/start/slut`` local date-times."""
    frame = visits_frame(plan)
    stops = [
        (r, s)
        for r in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date))
        for s in sorted(r.stops, key=lambda s: s.seq)
    ]
    frame[L.DATE] = [date.fromisoformat(r.date) for r, _ in stops]
    frame[L.ARRIVAL] = [_when(r.date, s.arrival) for r, s in stops]
    frame[L.START] = [_when(r.date, s.start) for r, s in stops]
    frame[L.END] = [_when(r.date, s.end) for r, s in stops]
    geometry = [Point(lon, lat) for lat, lon in zip(frame[L.LAT], frame[L.LON], strict=True)]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def routes_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    vehicles = {v.id: v for v in plan.vehicles}
    stations = station_names(plan)
    for route in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date)):
        v = vehicles.get(route.vehicle_id)
        rows.append(
            {
                L.ROUTE: route.id,
                L.VEHICLE: route.vehicle_id,
                L.VEHICLE_NAME: v.name if v else route.vehicle_id,
                L.DATE: date.fromisoformat(route.date),
                L.WEEKDAY: L.day_name(route.date),
                L.DEPOT: stations.get(route.depot_id, route.depot_id),
                L.DEPARTURE: _when(route.date, route.departure),
                L.RETURN: _when(route.date, route.return_),
                L.STOPS: len(route.stops),
                L.TRAVEL_MIN: route.travel_min,
                L.TRAVEL_KM: round(route.travel_m / 1000, 3),
                L.SERVICE_MIN: route.service_min,
                L.CREW: crew_names(plan, route.crew),
                L.FERRY: L.yes_no(any(leg.ferry for leg in route.legs)),
            }
        )
        geoms.append(_route_line(plan, route))
    columns = [
        L.ROUTE,
        L.VEHICLE,
        L.VEHICLE_NAME,
        L.DATE,
        L.WEEKDAY,
        L.DEPOT,
        L.DEPARTURE,
        L.RETURN,
        L.STOPS,
        L.TRAVEL_MIN,
        L.TRAVEL_KM,
        L.SERVICE_MIN,
        L.CREW,
        L.FERRY,
    ]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=geoms, crs=CRS)


def unvisited_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    """Candidate sites left out, with the reason code and the sentence a planner reads."""
    sites = {s.id: s for s in plan.sites}
    munis = {m.code: m.name for m in plan.municipalities}
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for u in plan.unvisited:
        site = sites.get(u.site_id)
        rows.append(
            {
                L.SITE_ID: u.site_id,
                L.SITE: site.name if site else u.site_id,
                L.KIND: L.kind_name(site.kind) if site else "",
                L.MUNICIPALITY_CODE: site.municipality_code if site else "",
                L.MUNICIPALITY: munis.get(site.municipality_code, "") if site else "",
                L.SCORE: site.score if site else None,
                "årsag_kode": u.reason_code,
                L.REASON: L.REASON_NAMES.get(u.reason_code, u.reason_code),
                "forklaring": u.reason,
                L.NOTE: note(site) if site else "",
            }
        )
        geoms.append(Point(site.lon, site.lat) if site else None)
    columns = [
        L.SITE_ID,
        L.SITE,
        L.KIND,
        L.MUNICIPALITY_CODE,
        L.MUNICIPALITY,
        L.SCORE,
        "årsag_kode",
        L.REASON,
        "forklaring",
        L.NOTE,
    ]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=geoms, crs=CRS)


def stations_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    munis = {m.code: m.name for m in plan.municipalities}
    rows = [
        {
            "id": s.id,
            "navn": s.name,
            L.KIND: s.kind,
            L.MUNICIPALITY_CODE: s.municipality_code,
            L.MUNICIPALITY: munis.get(s.municipality_code, ""),
        }
        for s in plan.stations
    ]
    columns = ["id", "navn", L.KIND, L.MUNICIPALITY_CODE, L.MUNICIPALITY]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry=[Point(s.lon, s.lat) for s in plan.stations], crs=CRS
    )


def links_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    """Bridges, tunnels and ferries as straight lines between their two ends."""
    rows = [
        {
            "id": lk.id,
            "navn": lk.name,
            L.KIND: lk.kind,
            "overfart_min": lk.crossing_min,
            "ventetid_min": lk.wait_min,
        }
        for lk in plan.links
    ]
    columns = ["id", "navn", L.KIND, "overfart_min", "ventetid_min"]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns),
        geometry=[LineString([(lk.a[1], lk.a[0]), (lk.b[1], lk.b[0])]) for lk in plan.links],
        crs=CRS,
    )


def patrol_hours_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    """One point per patrol area (at the area's site): the week's minutes, hours, officers and days."""
    sites = {s.id: s for s in plan.sites}
    munis = {m.code: m.name for m in plan.municipalities}
    names = {o.id: o.name for o in plan.officers}
    areas: dict[str, dict[str, Any]] = {}
    for h in plan.hours:
        a = areas.setdefault(
            h.area_id,
            {
                "name": h.area_name,
                "code": h.municipality_code,
                "minutes": 0,
                "blocks": 0,
                "who": set(),
                "days": set(),
            },
        )
        a["minutes"] += h.minutes
        a["blocks"] += h.blocks
        a["who"].add(names.get(h.officer_id, h.officer_id))
        if h.date:
            a["days"].add(h.date)
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for area_id, a in sorted(areas.items()):
        site = sites.get(area_id)
        rows.append(
            {
                L.AREA_ID: area_id,
                L.AREA: a["name"],
                L.MUNICIPALITY_CODE: a["code"],
                L.MUNICIPALITY: munis.get(a["code"], a["code"]),
                L.MINUTES: a["minutes"],
                L.HOURS: round(a["minutes"] / 60, 4),
                L.BLOCKS: a["blocks"],
                "betjente": ", ".join(sorted(a["who"])),
                "dage": ", ".join(f"{L.day_name(d)} {d}" for d in sorted(a["days"])),
            }
        )
        geoms.append(Point(site.lon, site.lat) if site else None)
    columns = [
        L.AREA_ID,
        L.AREA,
        L.MUNICIPALITY_CODE,
        L.MUNICIPALITY,
        L.MINUTES,
        L.HOURS,
        L.BLOCKS,
        "betjente",
        "dage",
    ]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=geoms, crs=CRS)


def hotspots_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    munis = {m.code: m.name for m in plan.municipalities}
    rows = [
        {
            "id": h.id,
            L.MUNICIPALITY_CODE: h.municipality_code or "",
            L.MUNICIPALITY: munis.get(h.municipality_code or "", ""),
            "hændelser": h.incidents,
            "intensitet": h.intensity,
            "statistik": h.statistic,
            "metode": h.method,
            "tendens": h.trend,
            L.SYNTHETIC: L.yes_no(h.synthetic),
        }
        for h in plan.hotspots
    ]
    columns = [
        "id",
        L.MUNICIPALITY_CODE,
        L.MUNICIPALITY,
        "hændelser",
        "intensitet",
        "statistik",
        "metode",
        "tendens",
        L.SYNTHETIC,
    ]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry=[shape(h.geometry) for h in plan.hotspots], crs=CRS
    )


def municipalities_frame(plan: PlanRecord) -> pd.DataFrame:
    """One row per municipality: visits, mobile/patrol hours, quota and whether it is met.

    Recomputed from the routes (service time of stops) and the hours allocations.
    """
    sites = {s.id: s for s in plan.sites}
    visits = dict.fromkeys((m.code for m in plan.municipalities), 0)
    mobile = dict.fromkeys(visits, 0.0)
    patrol = dict.fromkeys(visits, 0.0)
    for route in plan.routes:
        for stop in route.stops:
            code = sites[stop.site_id].municipality_code
            if code in visits:
                visits[code] += 1
                mobile[code] += (stop.end - stop.start) / 60
    for h in plan.hours:
        if h.municipality_code in patrol:
            patrol[h.municipality_code] += h.minutes / 60
    rows = []
    for m in plan.municipalities:
        total = mobile[m.code] + patrol[m.code]
        rows.append(
            {
                L.MUNICIPALITY_CODE: m.code,
                L.MUNICIPALITY: m.name,
                L.POPULATION: m.population,
                L.VISITS: visits[m.code],
                L.MOBILE_HOURS: round(mobile[m.code], 4),
                L.PATROL_HOURS: round(patrol[m.code], 4),
                L.TOTAL_HOURS: round(total, 4),
                L.HOURS_PER_1000: round(total / m.population * 1000, 4) if m.population else None,
                L.QUOTA_VISITS: m.quota_visits,
                L.QUOTA_HOURS: m.quota_hours,
                L.QUOTA_MET: L.yes_no(visits[m.code] >= m.quota_visits and total >= m.quota_hours - 1e-9),
            }
        )
    return pd.DataFrame(rows)


def municipality_geometries(district: Any) -> dict[str, BaseGeometry]:
    """``code -> outline`` from a loaded district (anything with ``.municipalities``) or a mapping."""
    if district is None:
        return {}
    if isinstance(district, Mapping):
        return dict(district)
    return {m.code: m.geometry for m in getattr(district, "municipalities", ())}


def municipalities_layer(plan: PlanRecord, district: Any = None) -> pd.DataFrame:
    frame = municipalities_frame(plan)
    outlines = municipality_geometries(district)
    if not outlines:
        return frame
    return gpd.GeoDataFrame(
        frame, geometry=[outlines.get(code) for code in frame[L.MUNICIPALITY_CODE]], crs=CRS
    )


def _field(values: pd.Series) -> np.ndarray:
    """One attribute column for GDAL: dates as ``datetime64[D]`` (a DATE field), text cleaned."""
    items = list(values)
    present = [v for v in items if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if present and all(isinstance(v, datetime) for v in present):
        return np.array([np.datetime64(v, "ms") if v is not None else np.datetime64("NaT") for v in items])
    if present and all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT") for v in items])
    if _is_text(values):
        return np.array([display_text(v) if isinstance(v, str) else v for v in items], dtype=object)
    return values.to_numpy()


def _write_layer(
    path: Path, name: str, frame: pd.DataFrame, geometry_type: str | None, description: str
) -> None:
    if not isinstance(frame, gpd.GeoDataFrame):
        safe = frame.copy()
        for col in safe.columns:
            if _is_text(safe[col]):
                safe[col] = safe[col].map(display_text)
        pyogrio.write_dataframe(
            safe, path, layer=name, driver="GPKG", layer_options={"DESCRIPTION": description}
        )
        return
    columns = [c for c in frame.columns if c != frame.geometry.name]
    shapes = np.array(list(frame.geometry), dtype=object)
    if geometry_type == "Polygon" and any(g is not None and g.geom_type == "MultiPolygon" for g in shapes):
        geometry_type = "MultiPolygon"  # one type per layer: single polygons become one-part multipolygons
        shapes = np.array(
            [shapely.MultiPolygon([g]) if g is not None and g.geom_type == "Polygon" else g for g in shapes],
            dtype=object,
        )
    geoms = shapely.to_wkb(shapes)
    write_raw(
        path,
        geometry=geoms,
        field_data=[_field(frame[c]) for c in columns],
        fields=columns,
        layer=name,
        driver="GPKG",
        geometry_type=geometry_type,
        crs=CRS,
        layer_options={"DESCRIPTION": description},
    )


# -- QGIS styles ----------------------------------------------------------------------------------


def _rgba(hex_colour: str, alpha: int = 255) -> str:
    h = hex_colour.lstrip("#")
    return f"{int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha}"


def _options(props: Mapping[str, str]) -> str:
    inner = "".join(
        f'<Option type="QString" name={quoteattr(k)} value={quoteattr(v)}/>' for k, v in props.items()
    )
    return f'<Option type="Map">{inner}</Option>'


def _symbol(kind: str, name: str, colour: str) -> str:
    if kind == "line":
        cls, props = "SimpleLine", {"line_color": _rgba(colour), "line_width": "0.8", "line_width_unit": "MM"}
    elif kind == "fill":
        cls, props = (
            "SimpleFill",
            {
                "color": _rgba(colour, 40),
                "style": "solid",
                "outline_color": _rgba(colour),
                "outline_width": "0.6",
                "outline_width_unit": "MM",
            },
        )
    elif kind == "square":
        kind, cls = "marker", "SimpleMarker"
        props = {"name": "square", "color": _rgba(colour), "outline_color": "255,255,255,255", "size": "3"}
    else:
        cls = "SimpleMarker"
        props = {"name": "circle", "color": _rgba(colour), "outline_color": "255,255,255,255", "size": "2.6"}
    return (
        f'<symbol type="{kind}" name={quoteattr(name)} alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{cls}" enabled="1" locked="0" pass="0">{_options(props)}</layer></symbol>'
    )


def _qml(renderer: str) -> str:
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="3.28.0" styleCategories="Symbology">{renderer}</qgis>'
    )


def _by_weekday(kind: str) -> str:
    """A categorized renderer on ``ugedag``: one colour per weekday of :data:`DAY_COLOURS`."""
    cats = "".join(
        f'<category value={quoteattr(day)} symbol="{i}" label={quoteattr(day)} render="true"/>'
        for i, day in enumerate(L.DAY_NAMES)
    )
    symbols = "".join(_symbol(kind, str(i), DAY_COLOURS[i]) for i in range(len(L.DAY_NAMES)))
    return _qml(
        f'<renderer-v2 type="categorizedSymbol" attr="{L.WEEKDAY}" symbollevels="0" enableorderby="0" '
        f'forceraster="0"><categories>{cats}</categories><symbols>{symbols}</symbols></renderer-v2>'
    )


def _single(kind: str, colour: str) -> str:
    return _qml(
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{_symbol(kind, '0', colour)}</symbols></renderer-v2>"
    )


LAYER_STYLES: dict[str, tuple[str, str]] = {
    "stops": ("stop efter ugedag", _by_weekday("marker")),
    "routes": ("ruter efter ugedag", _by_weekday("line")),
    "unvisited": ("ikke besøgt (grå)", _single("marker", "#8c8c8c")),
    "stations": ("politistationer", _single("square", "#1f2a44")),
    "links": ("broer, tunneler og færger", _single("line", "#5a5a5a")),
    "patrol_hours": ("patruljeområder", _single("marker", "#7b3294")),
    "hotspots": ("indbrudshotspots (rød kant)", _single("fill", "#c00000")),
    "municipalities": ("kommuner (grå kant)", _single("fill", "#606060")),
}
"""Layer -> (style name, QGIS style QML) stored as each layer's default in ``layer_styles``."""


def _write_styles(path: Path, layers: Mapping[str, bool], stamp: str) -> None:
    """QGIS's ``layer_styles`` table: a default style per layer (with geometry)."""
    rows = [
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": name,
            "f_geometry_column": "geom",
            "styleName": style_name,
            "styleQML": qml,
            "styleSLD": "",
            "useAsDefault": True,
            "description": f"mobilstation: {style_name}",
            "owner": "",
            "ui": "",
            "update_time": stamp,
        }
        for name, (style_name, qml) in LAYER_STYLES.items()
        if layers.get(name)
    ]
    pyogrio.write_dataframe(
        pd.DataFrame(rows),
        path,
        layer=STYLES_TABLE,
        driver="GPKG",
        layer_options={"DESCRIPTION": "QGIS-stilarter"},
    )


def write_gpkg(plan: PlanRecord, path: str | Path, *, district: Any = None) -> Path:
    """Write ``plan.gpkg`` (module docstring) to ``path`` (a file, or a directory to hold it).

    ``district``: the loaded district or a ``code -> geometry`` mapping giving
    municipality outlines (WGS84); None writes the municipalities layer
    without geometry.
    """
    p = Path(path)
    if p.is_dir():
        p = p / GPKG_FILE
    layers: list[tuple[str, pd.DataFrame, str | None, str]] = [
        ("stops", stops_layer(plan), "Point", f"Stop for de mobile politistationer; {TIMES_NOTE}"),
        ("routes", routes_layer(plan), "LineString", f"{ROUTES_NOTE} {TIMES_NOTE}."),
        ("unvisited", unvisited_layer(plan), "Point", "Kandidatsteder uden besøg i ugen, med årsag"),
        ("stations", stations_layer(plan), "Point", "Politistationer"),
        ("links", links_layer(plan), "LineString", "Broer, tunneler og færger (ret linje mellem enderne)"),
        ("patrol_hours", patrol_hours_layer(plan), "Point", "Patruljetimer pr. område i ugen"),
        ("hotspots", hotspots_layer(plan), "Unknown", "Indbrudshotspots"),
        (
            "municipalities",
            municipalities_layer(plan, district),
            "Polygon",
            "Kommuner: besøg og timer mod krav",
        ),
    ]
    with atomic_path(p) as tmp, _unsynchronised():
        for name, frame, geometry_type, description in layers:
            _write_layer(tmp, name, frame, geometry_type, description)
        _write_styles(tmp, {n: isinstance(f, gpd.GeoDataFrame) for n, f, _, _ in layers}, plan.generated_at)
        with open(tmp, "rb+") as fh:  # one flush to disk for the whole file, before it is renamed into place
            os.fsync(fh.fileno())
    return p


@contextlib.contextmanager
def _unsynchronised() -> Iterator[None]:
    """SQLite without a disk flush per layer (GDAL's default) while the temporary file is built.

    Nine layers each flushed cost ~0.5 s; the file is flushed once at the
    end and only then renamed, so a crash still leaves the old file or none.
    """
    key = "OGR_SQLITE_SYNCHRONOUS"
    before = pyogrio.get_gdal_config_option(key)
    pyogrio.set_gdal_config_options({key: "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({key: before})

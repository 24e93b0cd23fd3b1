"""``plan.gpkg``: the plan as GIS layers for QGIS/ArcGIS users, CRS EPSG:4326.

Layers:

* ``stops``: one point per stop, with the columns of ``visits.csv``;
* ``routes``: one line per vehicle-day, depot -> stops -> depot. The lines
  are **straight segments between stops, not roads** (a ferry leg is drawn
  via the link's two ports); the layer description says so;
* ``hotspots``: the burglary hotspot polygons with their statistics;
* ``municipalities``: one row per municipality with what it got against its
  quota. The plan holds no municipality outlines, so the polygons come from
  the district's geodata when the caller passes the loaded district (or a
  ``municipality code -> geometry`` mapping); without one the layer is a
  plain attribute table.

Written through :func:`mobilstation._io.atomic_path`: the GeoPackage (a
SQLite file) is built under a temporary name and renamed into place.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import LineString, Point, shape
from shapely.geometry.base import BaseGeometry

from mobilstation._io import atomic_path
from mobilstation.outputs import labels as L
from mobilstation.outputs.tables import crew_names, visits_frame
from mobilstation.plan import PlanRecord, Route

GPKG_FILE = "plan.gpkg"
CRS = "EPSG:4326"
LAYERS = ("stops", "routes", "hotspots", "municipalities")
ROUTES_NOTE = "Rette linjer mellem stop (ikke vejforløb); færgeture tegnet via havnene."


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
    frame = visits_frame(plan)
    frame["start_iso"] = [
        s.start_iso
        for r in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date))
        for s in sorted(r.stops, key=lambda s: s.seq)
    ]
    frame["slut_iso"] = [
        s.end_iso
        for r in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date))
        for s in sorted(r.stops, key=lambda s: s.seq)
    ]
    geometry = [Point(lon, lat) for lat, lon in zip(frame[L.LAT], frame[L.LON], strict=True)]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def routes_layer(plan: PlanRecord) -> gpd.GeoDataFrame:
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    vehicles = {v.id: v for v in plan.vehicles}
    for route in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date)):
        v = vehicles.get(route.vehicle_id)
        rows.append(
            {
                L.ROUTE: route.id,
                L.VEHICLE: route.vehicle_id,
                L.VEHICLE_NAME: v.name if v else route.vehicle_id,
                L.DATE: route.date,
                L.WEEKDAY: L.day_name(route.date),
                L.DEPOT: route.depot_id,
                L.DEPARTURE: L.clock(route.departure),
                L.RETURN: L.clock(route.return_),
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


def write_gpkg(plan: PlanRecord, path: str | Path, *, district: Any = None) -> Path:
    """Write ``plan.gpkg`` (module docstring) to ``path`` (a file, or a directory to hold it).

    ``district``: the loaded district or a ``code -> geometry`` mapping giving
    municipality outlines (WGS84); None writes the municipalities layer
    without geometry.
    """
    p = Path(path)
    if p.is_dir():
        p = p / GPKG_FILE
    layers: list[tuple[str, pd.DataFrame, dict[str, str]]] = [
        ("stops", stops_layer(plan), {"DESCRIPTION": "Stop for de mobile politistationer"}),
        ("routes", routes_layer(plan), {"DESCRIPTION": ROUTES_NOTE}),
        ("hotspots", hotspots_layer(plan), {"DESCRIPTION": "Indbrudshotspots"}),
        (
            "municipalities",
            municipalities_layer(plan, district),
            {"DESCRIPTION": "Kommuner: besøg og timer mod krav"},
        ),
    ]
    with atomic_path(p) as tmp:
        for name, frame, options in layers:
            kwargs: dict[str, Any] = {"layer": name, "driver": "GPKG", "layer_options": options}
            if isinstance(frame, gpd.GeoDataFrame):
                kwargs["promote_to_multi"] = False
                if name == "routes":
                    kwargs["geometry_type"] = "LineString"
                elif name == "stops":
                    kwargs["geometry_type"] = "Point"
                elif name == "hotspots":
                    kwargs["geometry_type"] = "Unknown"
            pyogrio.write_dataframe(frame, tmp, **kwargs)
    return p

"""Interactive offline maps of a planned week (Folium / Leaflet), in Danish.

Everything drawn comes from the plan record (:class:`~mobilstation.plan.PlanRecord`)
plus the municipality polygons of the plan's district
(:func:`mobilstation.geo.district.load_district`, looked up by ``plan.scenario.district``).

What :func:`write_maps` writes into ``out_dir``:

* ``map.html``: the whole district;
* ``maps/<slug>.html``: one map per municipality of the plan. ``<slug>`` is
  the Danish name in lower case with æ/ø/å spelt ae/oe/aa and anything else
  that is not a letter or digit turned into "-" (``Hjørring`` ->
  ``hjoerring.html``, ``Læsø`` -> ``laesoe.html``), so links work in every
  browser, zip tool and e-mail client; the page title and headings keep the
  Danish name;
* ``index.html``: the one-screen summary (:mod:`mobilstation.outputs.index_page`).

The pages need no network (see :mod:`mobilstation.outputs._offline`): there is
no tile layer (the base is the municipality polygons on a sea-coloured
background), Leaflet is inlined, and markers are DivIcons and circle markers
with inline HTML/CSS (no icon fonts).

Hooks for automated checks (kept stable):

* each planned stop is one marker whose HTML is
  ``<div class="ms-stop" data-site=... data-route=... data-seq=...>``;
* each non-empty route is one polyline with the SVG class ``ms-route``; each
  route is its own layer ("Bil 1 — mandag 7/12"), all shown when the page
  opens, so every route line is in the DOM;
* stations are ``.ms-station`` markers, unvisited sites ``.ms-unvisited``
  circles, fixed links ``.ms-link`` lines;
* ``<script type="application/json" id="ms-summary">`` holds the counts the
  page was built with (stops, routes, stations, unvisited, hotspots, links).

Municipality maps zoom to the municipality and show the routes that stop in
it (each whole, with all its numbered stops, so the order of the day reads
right), the unvisited sites and hotspots in it, all stations and fixed links
for context, and the municipality's visits and hours against its quota.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pyproj
import shapely
from branca.colormap import LinearColormap, linear
from branca.element import Element, MacroElement
from folium.template import Template
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from mobilstation._io import atomic_write_text
from mobilstation.errors import GeodataError, InputError
from mobilstation.geo.model import METRIC_CRS, STORAGE_CRS, District
from mobilstation.outputs._offline import assert_offline, make_offline
from mobilstation.outputs.index_page import (
    EN_DASH,
    MapFile,
    MunicipalityRow,
    fmt_clock,
    fmt_day,
    fmt_num,
    municipality_rows,
    quota_text,
    synthetic_notice,
    travel_notice,
    week_label,
    write_index,
)
from mobilstation.outputs.labels import BREAKDOWN_NAMES
from mobilstation.plan import HotspotRecord, LinkInfo, PlanRecord, Route, SiteRecord, Stop

DISPLAY_TOLERANCE_M = 60.0
"""Douglas-Peucker tolerance (metres, in EPSG:25832) for drawing municipality borders."""

HOTSPOT_TOLERANCE_M = 15.0
"""Simplification tolerance (metres) for drawing hotspot areas."""

COORD_DECIMALS = 5
"""Decimals kept in drawn coordinates (1e-5 degrees is about 1 m)."""

KIND_LABELS_DA = {
    "town": "By",
    "outlying": "Yderområde",
    "neighbourhood": "Boligområde med indbrud",
    "request": "Borgerhenvendelse",
}
KIND_COLOURS = {
    "town": "#1f5fa8",
    "outlying": "#2e7d32",
    "neighbourhood": "#c62828",
    "request": "#6a1b9a",
}
ROUTE_COLOURS = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9",
    "#882255", "#44aa99", "#332288", "#999933", "#000000", "#aa4499",
)  # fmt: skip
"""Route line colours, assigned in (vehicle, date) order and reused cyclically."""

UNVISITED_COLOUR = "#8a8a8a"
LINK_COLOUR = "#0b3d91"

BREAKDOWN_LABELS_DA = BREAKDOWN_NAMES  # one mapping, kept in labels.py
"""Danish names for score components; components not listed are shown by their key."""

_SLUG_MAP = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def municipality_slug(name: str) -> str:
    """File-name slug for a Danish municipality name ("Hjørring" -> "hjoerring")."""
    text = unicodedata.normalize("NFC", name).translate(_SLUG_MAP).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or "kommune"


# -- small Leaflet elements without jQuery ------------------------------------------------------------


class _BindPopup(MacroElement):
    """``layer.bindPopup(html)``. Folium's own Popup needs jQuery; this does not."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.content|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, content: str, max_width: int = 360) -> None:
        super().__init__()
        self._name = "BindPopup"
        self.content = content
        self.options = {"maxWidth": max_width}


class _BindTooltip(MacroElement):
    """``layer.bindTooltip(text)`` with the text escaped, not parsed."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.content|tojson }}, {"sticky": true});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "BindTooltip"
        self.content = html.escape(text)


class _MetricScale(MacroElement):
    """A metric-only scale bar (Folium's ``control_scale`` adds miles too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.control.scale({"imperial": false, "maxWidth": 150}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


def _popup(layer: Any, content: str) -> None:
    layer.add_child(_BindPopup(content))


def _tooltip(layer: Any, text: str) -> None:
    layer.add_child(_BindTooltip(text))


# -- geometry for display ---------------------------------------------------------------------------


def _round_coords(obj: Any, nd: int = COORD_DECIMALS) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and all(isinstance(v, (int, float)) for v in obj):
            return [round(float(v), nd) for v in obj]
        return [_round_coords(v, nd) for v in obj]
    return obj


def _reproject(geom: BaseGeometry, transformer: pyproj.Transformer) -> BaseGeometry:
    def xy(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, xy)


class _Simplifier:
    """Simplifies WGS84 geometries in metres (EPSG:25832) and rounds them for drawing."""

    def __init__(self) -> None:
        self._to_metric = pyproj.Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
        self._to_wgs = pyproj.Transformer.from_crs(METRIC_CRS, STORAGE_CRS, always_xy=True)

    def geojson(self, geom: BaseGeometry, tolerance_m: float) -> dict[str, Any]:
        metric = _reproject(geom, self._to_metric)
        simple = metric.simplify(tolerance_m, preserve_topology=True)
        if simple.is_empty:
            simple = metric
        gj = dict(mapping(_reproject(simple, self._to_wgs)))
        gj["coordinates"] = _round_coords(gj["coordinates"])
        return gj


def _load_district(name: str) -> District:
    from mobilstation.geo import district as district_module

    return district_module.load_district(name)


# -- everything derived once per plan ---------------------------------------------------------------


@dataclass
class _Visit:
    route: Route
    stop: Stop
    colour: str
    label: str


@dataclass
class _Context:
    plan: PlanRecord
    district_name: str
    sites: dict[str, SiteRecord]
    mun_names: dict[str, str]
    mun_shapes: dict[str, BaseGeometry]
    mun_display: dict[str, dict[str, Any]]
    rows: dict[str, MunicipalityRow]
    route_colour: dict[str, str]
    route_label: dict[str, str]
    visits: dict[str, list[_Visit]]
    officer_names: dict[str, str]
    vehicle_names: dict[str, str]
    links: dict[str, LinkInfo]
    hotspot_display: list[tuple[HotspotRecord, dict[str, Any]]]
    colormap: LinearColormap | None

    @classmethod
    def build(cls, plan: PlanRecord, district: District | None) -> _Context:
        if district is None:
            district = _load_district(plan.scenario.district)
        by_code = {m.code: m for m in district.municipalities}
        missing = [m.code for m in plan.municipalities if m.code not in by_code]
        if missing:
            raise GeodataError(
                f"district {plan.scenario.district!r}: no municipality polygon for code(s) "
                f"{', '.join(missing)} named in the plan"
            )
        simplifier = _Simplifier()
        mun_shapes = {m.code: m.geometry for m in district.municipalities}
        mun_display = {
            code: simplifier.geojson(geom, DISPLAY_TOLERANCE_M) for code, geom in mun_shapes.items()
        }
        mun_names = {m.code: m.name for m in district.municipalities}
        mun_names.update({m.code: m.name for m in plan.municipalities})

        vehicle_order = {v.id: i for i, v in enumerate(plan.vehicles)}
        vehicle_names = {v.id: v.name for v in plan.vehicles}
        ordered = sorted(plan.routes, key=lambda r: (vehicle_order.get(r.vehicle_id, 10**6), r.date, r.id))
        route_colour: dict[str, str] = {}
        route_label: dict[str, str] = {}
        seen_labels: set[str] = set()
        for i, r in enumerate(ordered):
            route_colour[r.id] = ROUTE_COLOURS[i % len(ROUTE_COLOURS)]
            label = f"{vehicle_names.get(r.vehicle_id, r.vehicle_id)} — {fmt_day(r.date)}"
            if label in seen_labels:
                label = f"{label} ({r.id})"
            seen_labels.add(label)
            route_label[r.id] = label

        sites = {s.id: s for s in plan.sites}
        visits: dict[str, list[_Visit]] = {}
        for r in ordered:
            for stop in sorted(r.stops, key=lambda s: s.seq):
                if stop.site_id not in sites:
                    raise InputError(
                        f"plan: route {r.id}: stop {stop.seq} names unknown site {stop.site_id!r}"
                    )
                visits.setdefault(stop.site_id, []).append(
                    _Visit(r, stop, route_colour[r.id], route_label[r.id])
                )

        hotspot_display: list[tuple[HotspotRecord, dict[str, Any]]] = []
        for h in plan.hotspots:
            try:
                geom = shape(h.geometry)
            except Exception as exc:
                raise InputError(
                    f"plan: hotspots[{h.id}].geometry: not a valid GeoJSON geometry: {exc}"
                ) from exc
            hotspot_display.append((h, simplifier.geojson(geom, HOTSPOT_TOLERANCE_M)))
        colormap = None
        if plan.hotspots:
            lo = min(h.intensity for h in plan.hotspots)
            hi = max(h.intensity for h in plan.hotspots)
            if hi <= lo:
                lo, hi = (0.0, hi) if hi > 0 else (0.0, 1.0)
            colormap = linear.YlOrRd_09.scale(lo, hi)
            colormap.caption = "Hotspot-intensitet (vægtede indbrud)"

        return cls(
            plan=plan,
            district_name=district.name or plan.scenario.district,
            sites=sites,
            mun_names=mun_names,
            mun_shapes=mun_shapes,
            mun_display=mun_display,
            rows={row.code: row for row in municipality_rows(plan)},
            route_colour=route_colour,
            route_label=route_label,
            visits=visits,
            officer_names={o.id: o.name for o in plan.officers},
            vehicle_names=vehicle_names,
            links={lk.id: lk for lk in plan.links},
            hotspot_display=hotspot_display,
            colormap=colormap,
        )

    # ---------------------------------------------------------------------
    def resolve_municipality(self, key: str) -> str:
        """A municipality code from a code ("0860") or a Danish name ("Hjørring")."""
        codes = [m.code for m in self.plan.municipalities]
        if key in codes:
            return key
        wanted = unicodedata.normalize("NFC", key).strip().casefold()
        for m in self.plan.municipalities:
            if unicodedata.normalize("NFC", m.name).casefold() == wanted:
                return m.code
        names = ", ".join(m.name for m in self.plan.municipalities)
        raise InputError(f"municipality {key!r}: not in this plan (expected a code or one of: {names})")

    def place(self, route: Route, place_id: str) -> tuple[float, float]:
        """(lat, lon) of a leg end: the route's depot, a station or a site."""
        if place_id == route.depot_id:
            return route.depot_lat, route.depot_lon
        if place_id in self.sites:
            s = self.sites[place_id]
            return s.lat, s.lon
        for st in self.plan.stations:
            if st.id == place_id:
                return st.lat, st.lon
        raise InputError(f"plan: route {route.id}: leg refers to unknown place {place_id!r}")

    def route_points(self, route: Route) -> list[list[float]]:
        """The drawn line of a route: depot, stops in order, depot; ferry legs go via the link's ends."""
        if not route.legs:
            pts = [(route.depot_lat, route.depot_lon)]
            pts += [self.place(route, s.site_id) for s in sorted(route.stops, key=lambda s: s.seq)]
            pts.append((route.depot_lat, route.depot_lon))
        else:
            pts = [self.place(route, route.legs[0].from_id)]
            for leg in route.legs:
                for link_id in leg.links:
                    link = self.links.get(link_id)
                    if link is None:
                        continue
                    here = pts[-1]
                    ends = [tuple(link.a), tuple(link.b)]
                    ends.sort(key=lambda e: (e[0] - here[0]) ** 2 + (e[1] - here[1]) ** 2)
                    pts.extend(ends)  # type: ignore[arg-type]
                pts.append(self.place(route, leg.to_id))
        return [[round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS)] for lat, lon in pts]


# -- popups -------------------------------------------------------------------------------------------

_POPUP_CSS = "font:13px/1.35 system-ui,Arial,sans-serif"


def _score_html(site: SiteRecord) -> str:
    e = html.escape
    parts = [_row("Score", fmt_num(site.score, 2)), "</table>"]
    if site.breakdown:
        items = sorted(site.breakdown.items(), key=lambda kv: (-kv[1], kv[0]))
        parts.append("<b>Hvorfor</b><ul style='margin:2px 0 4px 16px;padding:0'>")
        for key, value in items:
            label = BREAKDOWN_LABELS_DA.get(key, key.replace("_", " "))
            parts.append(f"<li>{e(label)}: {fmt_num(value, 2)}</li>")
        parts.append("</ul>")
    return "".join(parts)


def _row(label: str, value_html: str) -> str:
    """One popup table row; ``value_html`` is already escaped."""
    return f"<tr><th style='text-align:left;padding-right:8px'>{label}</th><td>{value_html}</td></tr>"


def _site_head(ctx: _Context, site: SiteRecord) -> str:
    e = html.escape
    municipality = ctx.mun_names.get(site.municipality_code, site.municipality_code)
    rows = [
        f"<div style='{_POPUP_CSS}'><b style='font-size:14px'>{e(site.name)}</b>",
        "<table style='border-collapse:collapse'>",
        _row("Type", e(KIND_LABELS_DA[site.kind])),
        _row("Kommune", e(municipality)),
    ]
    if site.population:
        rows.append(_row("Indbyggere", fmt_num(site.population, 0)))
    return "".join(rows)


def _site_foot(site: SiteRecord) -> str:
    notes = []
    if site.mandatory:
        notes.append(
            "Skal besøges" + (f" senest {html.escape(site.deadline)}" if site.deadline else "") + "."
        )
    if site.synthetic:
        notes.append("Bygger på syntetiske data.")
    body = "".join(f"<div><i>{n}</i></div>" for n in notes)
    return body + "</div>"


def _stop_popup(ctx: _Context, site: SiteRecord, visit: _Visit) -> str:
    e = html.escape
    r, s = visit.route, visit.stop
    crew = ", ".join(ctx.officer_names.get(c, c) for c in r.crew) or EN_DASH
    when = f"{fmt_day(r.date)} kl. {fmt_clock(s.start)}{EN_DASH}{fmt_clock(s.end)} (stop nr. {s.seq})"
    extra = ""
    if s.wait_min:
        extra = f" {EN_DASH} ankommer {fmt_clock(s.arrival)}, venter {s.wait_min} min"
    parts = [
        _site_head(ctx, site),
        _row("Besøg", e(when + extra)),
        _row("Køretøj", e(ctx.vehicle_names.get(r.vehicle_id, r.vehicle_id))),
        _row("Besætning", e(crew)),
        _score_html(site),
    ]
    others = [v for v in ctx.visits.get(site.id, []) if v is not visit]
    if others:
        parts.append("<b>Øvrige besøg i ugen</b><ul style='margin:2px 0 4px 16px;padding:0'>")
        for v in others:
            parts.append(f"<li>{e(v.label)} kl. {fmt_clock(v.stop.start)}</li>")
        parts.append("</ul>")
    parts.append(_site_foot(site))
    return "".join(parts)


def _unvisited_popup(ctx: _Context, site: SiteRecord, reason: str) -> str:
    return "".join(
        [
            _site_head(ctx, site),
            _row("Status", f"<b>Ikke besøgt</b>: {html.escape(reason)}"),
            _score_html(site),
            _site_foot(site),
        ]
    )


# -- page furniture (fixed-position HTML) -------------------------------------------------------------

_PAGE_CSS = """
<style>
.leaflet-container{background:#cfe2ee}
.ms-icon{background:none;border:none}
.ms-stop{width:24px;height:24px;border-radius:50%;border:3px solid;box-sizing:border-box;color:#fff;
 font:700 12px/18px system-ui,Arial,sans-serif;text-align:center;box-shadow:0 0 3px rgba(0,0,0,.6)}
.ms-station{width:46px;height:16px;border-radius:3px;background:#0b1f44;color:#fff;border:1px solid #fff;
 font:700 9px/14px system-ui,Arial,sans-serif;text-align:center;letter-spacing:.5px;
 box-shadow:0 0 3px rgba(0,0,0,.6)}
.ms-box{position:fixed;z-index:1000;background:rgba(255,255,255,.94);border-radius:5px;
 box-shadow:0 1px 5px rgba(0,0,0,.4);font:13px/1.35 system-ui,Arial,sans-serif;padding:6px 10px}
.ms-info{top:10px;left:54px;max-width:430px}
.ms-info h1{font-size:15px;margin:0 0 2px}
.ms-legend{bottom:52px;left:10px;max-width:260px}
.ms-legend .row{display:flex;align-items:center;gap:6px;margin:1px 0}
.ms-legend .dot{width:14px;height:14px;border-radius:50%;display:inline-block;border:2px solid #fff;
 box-shadow:0 0 2px #000}
.ms-legend .line{width:26px;height:0;display:inline-block;border-top:4px solid #0072b2}
.ms-legend .dash{width:26px;height:0;display:inline-block;border-top:3px dashed #0b3d91}
.ms-synthetic-banner{position:fixed;z-index:1001;top:0;left:0;right:0;background:#ffcc00;color:#222;
 border-bottom:2px solid #b38f00;text-align:center;font:700 14px/1.3 system-ui,Arial,sans-serif;
 padding:6px 10px}
.ms-travel-note{color:#7a4b00;font-style:italic}
.ms-kpi td,.ms-kpi th{padding:0 6px 0 0;text-align:left;font-weight:normal}
.ms-kpi .ok{color:#176b2c;font-weight:700}.ms-kpi .short{color:#a11;font-weight:700}
</style>
"""

_BANNER_OFFSET_CSS = "<style>.leaflet-top{top:34px}.ms-info{top:44px}</style>"


def _legend_html(ctx: _Context, hotspots_shown: bool) -> str:
    e = html.escape
    rows = ["<div class='ms-box ms-legend' id='ms-legend'><b>Signaturforklaring</b>"]
    for kind, label in KIND_LABELS_DA.items():
        rows.append(
            f"<div class='row'><span class='dot' style='background:{KIND_COLOURS[kind]}'></span>"
            f"{e(label)}</div>"
        )
    rows.append(
        "<div class='row'><span class='dot' "
        f"style='background:#c8c8c8;border-color:{UNVISITED_COLOUR}'></span>"
        "Ikke besøgt (grå)</div>"
        "<div class='row'><span class='line'></span>Rute pr. bil og dag; tal = rækkefølge</div>"
        "<div class='row'><span class='ms-station' style='display:inline-block;width:40px'>POLITI</span>"
        "Politistation</div>"
        "<div class='row'><span class='dash'></span>Færgeforbindelse</div>"
    )
    if hotspots_shown and ctx.colormap is not None:
        cmap = ctx.colormap
        stops = [cmap.rgb_hex_str(cmap.vmin + (cmap.vmax - cmap.vmin) * i / 6) for i in range(7)]
        rows.append(
            f"<div style='margin-top:4px'>{e(cmap.caption)}</div>"
            "<div class='ms-hotspot-scale' "
            f"style='height:10px;background:linear-gradient(to right,{','.join(stops)})'></div>"
            f"<div style='display:flex;justify-content:space-between'><span>{fmt_num(cmap.vmin, 1)}</span>"
            f"<span>{fmt_num(cmap.vmax, 1)}</span></div>"
        )
    rows.append("</div>")
    return "".join(rows)


def _kpi_html(row: MunicipalityRow) -> str:
    css = "ok" if row.quota_met else "short"
    per = EN_DASH if row.hours_per_1000 is None else fmt_num(row.hours_per_1000, 2)
    quota = (
        f"<tr><th>Kvote</th><td>{row.quota_visits} besøg / {fmt_num(row.quota_hours)} t</td></tr>"
        f"<tr><th>Kvote opfyldt</th><td class='{css}'>{html.escape(quota_text(row))}</td></tr>"
        if row.has_quota
        else "<tr><th>Kvote</th><td>ingen</td></tr>"
    )
    return (
        "<table class='ms-kpi' id='ms-kpi'>"
        f"<tr><th>Besøg</th><td>{row.visits}</td></tr>"
        f"<tr><th>Timer</th><td>{fmt_num(row.hours)} (station {fmt_num(row.station_hours)}"
        f" + lokalbetjente {fmt_num(row.officer_hours)})</td></tr>"
        f"<tr><th>Timer pr. 1.000 indb.</th><td>{per}</td></tr>{quota}</table>"
    )


def _info_html(ctx: _Context, code: str | None, n_stops: int, n_routes: int, n_unvisited: int) -> str:
    e = html.escape
    plan = ctx.plan
    if code is None:
        title = f"{ctx.district_name}"
        nav = "<a href='index.html'>Oversigt</a>"
        rows = list(ctx.rows.values())
        with_quota = [r for r in rows if r.has_quota]
        body = (
            f"<div>{n_stops} besøg på {n_routes} {'rute' if n_routes == 1 else 'ruter'} · "
            f"{len(plan.vehicles)} køretøjer · "
            f"{n_unvisited} steder ikke besøgt</div>"
            + (
                f"<div>Kvote opfyldt i {sum(1 for r in with_quota if r.quota_met)} af "
                f"{len(with_quota)} kommuner</div>"
                if with_quota
                else ""
            )
        )
    else:
        title = f"{ctx.mun_names.get(code, code)} kommune"
        nav = "<a href='../map.html'>Hele kredsen</a> · <a href='../index.html'>Oversigt</a>"
        routes_word = "rute" if n_routes == 1 else "ruter"
        body = f"<div>{n_stops} stop på {n_routes} {routes_word} der besøger kommunen</div>" + _kpi_html(
            ctx.rows[code]
        )
    note = travel_notice(plan)
    note_html = f"<div class='ms-travel-note' id='ms-travel-note'>{e(note)}</div>" if note else ""
    return (
        f"<div class='ms-box ms-info' id='ms-info'><h1>{e(title)}</h1>"
        f"<div>{e(week_label(plan))} · {nav}</div>{body}{note_html}</div>"
    )


# -- the map ------------------------------------------------------------------------------------------


def _stop_icon(site: SiteRecord, visit: _Visit, dup_index: int) -> folium.DivIcon:
    e = html.escape
    markup = (
        f"<div class='ms-stop ms-kind-{site.kind}' data-site='{e(site.id, quote=True)}' "
        f"data-route='{e(visit.route.id, quote=True)}' data-seq='{visit.stop.seq}' "
        f"style='background:{KIND_COLOURS[site.kind]};border-color:{visit.colour}'>{visit.stop.seq}</div>"
    )
    # repeat visits to one site are fanned out sideways so each number stays readable
    return folium.DivIcon(
        html=markup, icon_size=(24, 24), icon_anchor=(12 - 20 * dup_index, 12), class_name="ms-icon"
    )


def _add_boundaries(ctx: _Context, m: folium.Map, focus: str | None) -> None:
    features = []
    for code, geom in ctx.mun_display.items():
        features.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {"code": code, "navn": ctx.mun_names.get(code, code), "focus": code == focus},
            }
        )

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        in_focus = feature["properties"]["focus"]
        dim = focus is not None and not in_focus
        return {
            "fillColor": "#e9e6dc" if dim else "#f8f5ea",
            "fillOpacity": 1.0,
            "color": "#333" if in_focus else "#6b6b6b",
            "weight": 2.0 if in_focus else 1.0,
        }

    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Kommunegrænser",
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=["navn"], aliases=["Kommune"]),
        control=True,
        overlay=True,
    ).add_to(m)


def _add_hotspots(ctx: _Context, m: folium.Map, hotspots: list[tuple[HotspotRecord, dict[str, Any]]]) -> None:
    if not hotspots or ctx.colormap is None:
        return
    cmap = ctx.colormap
    features = []
    for h, geom in hotspots:
        features.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {
                    "id": h.id,
                    "indbrud": h.incidents,
                    "intensitet": round(h.intensity, 2),
                    "udvikling": round(h.trend, 2),
                    "syntetisk": "ja" if h.synthetic else "nej",
                    "farve": cmap.rgb_hex_str(min(max(h.intensity, cmap.vmin), cmap.vmax)),
                },
            }
        )

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        colour = feature["properties"]["farve"]
        return {"fillColor": colour, "fillOpacity": 0.55, "color": colour, "weight": 1}

    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"Hotspots, indbrud ({len(features)})",
        style_function=style,
        tooltip=folium.GeoJsonTooltip(
            fields=["id", "indbrud", "intensitet", "udvikling", "syntetisk"],
            aliases=[
                "Hotspot",
                "Indbrud",
                "Intensitet (vægtet)",
                "Udvikling (sidste 4 uger / 8 før)",
                "Syntetisk",
            ],
        ),
    ).add_to(m)


def _add_links(ctx: _Context, m: folium.Map) -> int:
    if not ctx.plan.links:
        return 0
    group = folium.FeatureGroup(name="Færger og faste forbindelser")
    for lk in ctx.plan.links:
        ferry = lk.kind == "ferry"
        line = folium.PolyLine(
            [_round_coords(lk.a), _round_coords(lk.b)],
            color=LINK_COLOUR,
            weight=3,
            opacity=0.9,
            dash_array="8 6" if ferry else None,
            class_name="ms-link",
        )
        kind = {"ferry": "Færge", "bridge": "Bro", "tunnel": "Tunnel"}.get(lk.kind, lk.kind)
        wait = f" + {lk.wait_min} min ventetid" if lk.wait_min else ""
        _tooltip(line, f"{kind}: {lk.name}, {lk.crossing_min} min overfart{wait}")
        line.add_to(group)
    group.add_to(m)
    return len(ctx.plan.links)


def _add_stations(ctx: _Context, m: folium.Map) -> int:
    group = folium.FeatureGroup(name="Politistationer")
    homes: dict[str, list[str]] = {}
    for v in ctx.plan.vehicles:
        homes.setdefault(v.home_station_id, []).append(v.name)
    e = html.escape
    for st in ctx.plan.stations:
        icon = folium.DivIcon(
            html=f"<div class='ms-station' data-station='{e(st.id, quote=True)}'>POLITI</div>",
            icon_size=(46, 16),
            icon_anchor=(23, 8),
            class_name="ms-icon",
        )
        marker = folium.Marker([round(st.lat, COORD_DECIMALS), round(st.lon, COORD_DECIMALS)], icon=icon)
        _tooltip(marker, st.name)
        home = f"<br>Hjemsted for: {e(', '.join(homes[st.id]))}" if st.id in homes else ""
        _popup(
            marker,
            f"<div style='{_POPUP_CSS}'><b>{e(st.name)}</b><br>{e(st.kind)}, "
            f"{e(ctx.mun_names.get(st.municipality_code, st.municipality_code))}{home}</div>",
        )
        marker.add_to(group)
    group.add_to(m)
    return len(ctx.plan.stations)


def _add_unvisited(ctx: _Context, m: folium.Map, focus: str | None) -> int:
    reasons = {u.site_id: u.reason for u in ctx.plan.unvisited}
    todo = [
        s
        for s in ctx.plan.sites
        if s.id not in ctx.visits and (focus is None or s.municipality_code == focus)
    ]
    if not todo:
        return 0
    group = folium.FeatureGroup(name=f"Ikke besøgte steder ({len(todo)})")
    for s in todo:
        reason = reasons.get(s.id, "ikke med i denne uges plan.")
        marker = folium.CircleMarker(
            [round(s.lat, COORD_DECIMALS), round(s.lon, COORD_DECIMALS)],
            radius=6,
            color=UNVISITED_COLOUR,
            weight=2,
            fill_color="#c8c8c8",
            fill_opacity=0.9,
            class_name=f"ms-unvisited ms-kind-{s.kind}",
        )
        _tooltip(marker, f"{s.name} ({KIND_LABELS_DA[s.kind].lower()}) {EN_DASH} ikke besøgt")
        _popup(marker, _unvisited_popup(ctx, s, reason))
        marker.add_to(group)
    group.add_to(m)
    return len(todo)


def _add_routes(ctx: _Context, m: folium.Map, routes: list[Route]) -> tuple[int, int]:
    n_stops = 0
    dup_counter: dict[str, int] = {}
    for route in routes:
        colour = ctx.route_colour[route.id]
        label = ctx.route_label[route.id]
        group = folium.FeatureGroup(name=label, show=True)
        line = folium.PolyLine(
            ctx.route_points(route), color=colour, weight=4, opacity=0.85, class_name="ms-route"
        )
        km = route.travel_m / 1000.0
        _tooltip(
            line,
            f"{label}: {len(route.stops)} stop, {fmt_num(km)} km, {route.travel_min} min kørsel, "
            f"ud {fmt_clock(route.departure)}, hjem {fmt_clock(route.return_)}",
        )
        line.add_to(group)
        for stop in sorted(route.stops, key=lambda s: s.seq):
            site = ctx.sites[stop.site_id]
            visit = next(v for v in ctx.visits[site.id] if v.route is route and v.stop is stop)
            k = dup_counter.get(site.id, 0)
            dup_counter[site.id] = k + 1
            marker = folium.Marker(
                [round(site.lat, COORD_DECIMALS), round(site.lon, COORD_DECIMALS)],
                icon=_stop_icon(site, visit, k),
            )
            when = f"{fmt_day(route.date)} kl. {fmt_clock(stop.start)}"
            _tooltip(marker, f"{stop.seq}. {site.name} {EN_DASH} {when}")
            _popup(marker, _stop_popup(ctx, site, visit))
            marker.add_to(group)
            n_stops += 1
        group.add_to(m)
    return n_stops, len(routes)


def _bounds_of(geoms: Iterable[BaseGeometry]) -> list[list[float]]:
    minx, miny, maxx, maxy = unary_union(list(geoms)).bounds
    return [[miny, minx], [maxy, maxx]]


def _build_map(ctx: _Context, code: str | None) -> folium.Map:
    plan = ctx.plan
    if code is None:
        bounds = _bounds_of(ctx.mun_shapes[c] for c in ctx.mun_shapes)
        routes = [r for r in plan.routes if r.stops]
        hotspots = ctx.hotspot_display
        page_title = f"{ctx.district_name} {EN_DASH} {week_label(plan)}"
    else:
        bounds = _bounds_of([ctx.mun_shapes[code]])
        routes = [
            r for r in plan.routes if any(ctx.sites[s.site_id].municipality_code == code for s in r.stops)
        ]
        area = ctx.mun_shapes[code]
        hotspots = [
            (h, g)
            for h, g in ctx.hotspot_display
            if h.municipality_code == code
            or (h.municipality_code is None and shape(h.geometry).intersects(area))
        ]
        page_title = f"{ctx.mun_names.get(code, code)} {EN_DASH} {week_label(plan)}"
    vehicle_order = {v.id: i for i, v in enumerate(plan.vehicles)}
    routes.sort(key=lambda r: (vehicle_order.get(r.vehicle_id, 10**6), r.date, r.id))

    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = folium.Map(location=centre, zoom_start=9, tiles=None, zoom_snap=0.25)
    make_offline(m)
    figure = m.get_root()
    figure.title = html.escape(page_title)

    _add_boundaries(ctx, m, code)
    _add_hotspots(ctx, m, hotspots)
    n_unvisited = _add_unvisited(ctx, m, code)
    n_stops, n_routes = _add_routes(ctx, m, routes)
    n_links = _add_links(ctx, m)  # after the routes: the dashed ferry line shows on top of a route crossing
    n_stations = _add_stations(ctx, m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.add_child(_MetricScale())
    # leave room for the info box (top left) and the legend (bottom left)
    m.fit_bounds(bounds, padding_top_left=(40, 60), padding_bottom_right=(20, 20))

    figure.header.add_child(Element(_PAGE_CSS), name="ms_page_css")
    notice = synthetic_notice(plan)
    if notice:
        figure.header.add_child(Element(_BANNER_OFFSET_CSS), name="ms_banner_offset")
        figure.html.add_child(
            Element(
                f"<div class='ms-synthetic-banner' id='ms-synthetic' role='alert'>{html.escape(notice)}</div>"
            ),
            name="ms_synthetic",
        )
    figure.html.add_child(Element(_info_html(ctx, code, n_stops, n_routes, n_unvisited)), name="ms_info")
    figure.html.add_child(Element(_legend_html(ctx, bool(hotspots))), name="ms_legend")
    summary = {
        "municipality": code,
        "stops": n_stops,
        "routes": n_routes,
        "route_layers": [ctx.route_label[r.id] for r in routes],
        "stations": n_stations,
        "unvisited": n_unvisited,
        "hotspots": len(hotspots),
        "links": n_links,
        "synthetic_inputs": list(plan.synthetic_inputs),
        "travel_estimated": plan.travel.estimated,
    }
    summary_json = json.dumps(summary, ensure_ascii=False).replace("</", "<\\/")
    figure.html.add_child(
        Element(f"<script type='application/json' id='ms-summary'>{summary_json}</script>"), name="ms_summary"
    )
    return m


# -- public API ---------------------------------------------------------------------------------------


def district_map(
    plan: PlanRecord, *, municipality: str | None = None, district: District | None = None
) -> folium.Map:
    """The interactive map of the planned week, for the district or one municipality.

    ``municipality`` is a code ("0860") or Danish name ("Hjørring") of one of
    the plan's municipalities. ``district`` supplies the municipality polygons;
    by default it is loaded by ``plan.scenario.district``. Navigation links in
    the page assume the layout :func:`write_maps` writes.
    """
    ctx = _Context.build(plan, district)
    code = None if municipality is None else ctx.resolve_municipality(municipality)
    return _build_map(ctx, code)


def render_map(m: folium.Map, where: str = "map") -> str:
    """The map's complete HTML page, checked to load nothing from outside."""
    page = m.get_root().render()
    page = page.replace("<html>", '<html lang="da">', 1)
    return assert_offline(page, where)


def map_files(plan: PlanRecord, out_dir: str | Path) -> list[MapFile]:
    """Where :func:`write_maps` puts each map: district first, then one per municipality."""
    out = Path(out_dir)
    files = [MapFile(out / "map.html", "Kort over hele kredsen", None)]
    used: set[str] = set()
    for mun in plan.municipalities:
        slug = municipality_slug(mun.name)
        if slug in used:
            slug = f"{slug}-{municipality_slug(mun.code)}"
        used.add(slug)
        files.append(MapFile(out / "maps" / f"{slug}.html", mun.name, mun.code))
    return files


def write_maps(plan: PlanRecord, out_dir: str | Path, *, district: District | None = None) -> list[Path]:
    """Write ``map.html``, ``maps/<slug>.html`` per municipality and ``index.html``.

    Returns the written paths (district map, municipality maps, index).
    Files are written atomically into ``out_dir``; making the whole directory
    appear at once is the caller's job.
    """
    out = Path(out_dir)
    ctx = _Context.build(plan, district)
    targets = map_files(plan, out)
    written: list[Path] = []
    for mf in targets:
        page = render_map(_build_map(ctx, mf.municipality_code), where=str(mf.path))
        written.append(atomic_write_text(mf.path, page))
    written.append(write_index(plan, out, targets, district_name=ctx.district_name))
    return written

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
background), Leaflet is inlined, and markers are DivIcons with inline HTML/CSS
(no icon fonts). The little script of the page (day filter, labels by zoom)
is written here, not taken from a third party.

What a local leader reads at a glance:

* every vehicle-day has its own colour (:func:`~mobilstation.outputs.colours.route_palette`,
  at least :data:`ROUTE_MIN_DELTA_E` CIEDE2000 apart), shown as a swatch in
  the layer list and the legend;
* each visit is a chip "ti 2" (day, order in the day's route) in the
  route's colour; everything at one place (visits, a station, an unvisited
  site, a hotspot) is one marker, and places closer than
  :data:`GROUP_RADIUS_M` share one, so no marker hides under another;
* visited places are always labelled, other places from zoom
  :data:`LABEL_ZOOM`; municipality names are drawn too;
* a one-click day filter; hotspots outlined in red; a route's leg over a
  bridge, tunnel or ferry is drawn through the link the plan records for it;
* dates in one style ("tirsdag 1/12 kl. 10:15"); data credits in the corner;
* a municipality's map lists the week's visits there beside the map.

Hooks for automated checks (kept stable):

* each planned stop is a chip ``<span class="ms-stop" data-site=... data-route=...
  data-seq=... data-date=...>`` inside a ``.ms-place`` marker;
* each non-empty route is one polyline with the SVG class ``ms-route`` in
  its own layer ("Bil 1 — mandag 7/12"), all shown when the page opens;
* stations are ``.ms-station``, unvisited sites ``.ms-unvisited``, hotspot
  centres ``.ms-hotspot-ring`` (all inside place markers), fixed links
  ``.ms-link`` lines, labels ``.ms-label-visited`` / ``.ms-label-minor``;
* ``<script type="application/json" id="ms-summary">`` holds the counts the
  page was built with (stops, routes, route colours, places, labels, ...).

Municipality maps zoom to the municipality and show the routes that stop in
it (each whole, so the order of the day reads right), the unvisited sites and
hotspots in it, all stations and fixed links for context, and the week's
visits and hours against its quota in a panel beside the map.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
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
from mobilstation.i18n import t
from mobilstation.outputs import labels as L
from mobilstation.outputs._offline import assert_offline, make_offline
from mobilstation.outputs.colours import route_palette
from mobilstation.outputs.index_page import (
    EN_DASH,
    MapFile,
    MunicipalityRow,
    fmt_clock,
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
from mobilstation.untrusted import display_text

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
ROUTE_MIN_DELTA_E = {12: 20.0, 25: 12.0}
"""Stated minimum CIEDE2000 difference between any two route colours, for up to that many vehicle-days.

:func:`mobilstation.outputs.colours.route_palette` meets it (checked in the tests)."""

UNVISITED_COLOUR = "#8a8a8a"
LINK_COLOUR = "#0b3d91"

BREAKDOWN_LABELS_DA = BREAKDOWN_NAMES  # one mapping, kept in labels.py
"""Danish names for score components; components not listed are shown by their key."""

_SLUG_MAP = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def date_dm(iso_date: str) -> str:
    """``"1/12"``: day/month of an ISO date."""
    d = date.fromisoformat(iso_date)
    return f"{d.day}/{d.month}"


def _esc(value: object, quote: bool = True) -> str:
    """Text from the plan as HTML: cleaned for reading (no control or bidi characters), then escaped."""
    return html.escape(str(display_text(str(value))), quote=quote)


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
        self.content = _esc(text)


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
    route_short: dict[str, str]
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
                t("planfile.no_polygon", district=plan.scenario.district, codes=", ".join(missing))
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
        route_short: dict[str, str] = {}
        seen_labels: set[str] = set()
        palette = route_palette(len([r for r in ordered if r.stops]))
        for i, r in enumerate(r for r in ordered if r.stops):
            route_colour[r.id] = palette[i]
        for r in ordered:
            route_colour.setdefault(r.id, "#777777")
            label = f"{vehicle_names.get(r.vehicle_id, r.vehicle_id)} — {L.day_date(r.date)}"
            if label in seen_labels:
                label = f"{label} ({r.id})"
            seen_labels.add(label)
            route_label[r.id] = label
            route_short[r.id] = (
                f"{vehicle_names.get(r.vehicle_id, r.vehicle_id)}, {L.day_short(r.date)} {date_dm(r.date)}"
            )

        sites = {s.id: s for s in plan.sites}
        visits: dict[str, list[_Visit]] = {}
        for r in ordered:
            for stop in sorted(r.stops, key=lambda s: s.seq):
                if stop.site_id not in sites:
                    raise InputError(t("planfile.unknown_stop", route=r.id, seq=stop.seq, site=stop.site_id))
                visits.setdefault(stop.site_id, []).append(
                    _Visit(r, stop, route_colour[r.id], route_label[r.id])
                )

        hotspot_display: list[tuple[HotspotRecord, dict[str, Any]]] = []
        for h in plan.hotspots:
            try:
                geom = shape(h.geometry)
            except Exception as exc:
                raise InputError(t("planfile.bad_hotspot", id=h.id, reason=exc)) from exc
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
            route_short=route_short,
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
        raise InputError(t("planfile.unknown_municipality", key=key, names=names))

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
        raise InputError(t("planfile.unknown_place", route=route.id, place=place_id))

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
    e = _esc
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
    e = _esc
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
            "Skal besøges" + (f" senest {_esc(L.deadline(site.deadline))}" if site.deadline else "") + "."
        )
    if site.synthetic:
        notes.append("Bygger på syntetiske data.")
    body = "".join(f"<div><i>{n}</i></div>" for n in notes)
    return body + "</div>"


def _visits_popup(ctx: _Context, site: SiteRecord, visits: list[_Visit]) -> str:
    """A visited place: every visit of the week (when, vehicle, crew), what to do, why."""
    e = _esc
    parts = [_site_head(ctx, site), _row("Opgave", e(L.task(site.kind, site.meta)))]
    note = L.note(site.meta)
    if note:
        parts.append(_row("Bemærkning", f"<i>{e(note)}</i>"))
    target = L.campaign(site.meta)
    if target:
        parts.append(_row("Kampagne", e(target)))
    parts.append(
        "</table><b>Besøg i ugen</b><ul class='ms-visit-list' style='margin:2px 0 4px 16px;padding:0'>"
    )
    for v in visits:
        r, s = v.route, v.stop
        crew = ", ".join(ctx.officer_names.get(c, c) for c in r.crew) or EN_DASH
        wait = f"; ankommer {fmt_clock(s.arrival)}, venter {s.wait_min} min" if s.wait_min else ""
        parts.append(
            f"<li><span class='ms-swatch' style='background:{v.colour}'></span> "
            f"{e(L.when(r.date, s.start, s.end))} {EN_DASH} "
            f"{e(ctx.vehicle_names.get(r.vehicle_id, r.vehicle_id))}, "
            f"stop nr. {s.seq}{e(wait)}<br><span style='color:#444'>Besætning: {e(crew)}</span></li>"
        )
    parts.append("</ul><table style='border-collapse:collapse'>")
    parts.append(_score_html(site))
    parts.append(_site_foot(site))
    return "".join(parts)


def _unvisited_popup(ctx: _Context, site: SiteRecord, reason: str) -> str:
    return "".join(
        [
            _site_head(ctx, site),
            _row("Status", f"<b>Ikke besøgt</b>: {_esc(reason)}"),
            _score_html(site),
            _site_foot(site),
        ]
    )


def _station_popup(ctx: _Context, st: Any, homes: list[str]) -> str:
    e = _esc
    kind = {"headquarters": "politigård", "station": "politistation"}.get(st.kind, st.kind)
    home = f"<br>Hjemsted for: {e(', '.join(homes))}" if homes else ""
    return (
        f"<div style='{_POPUP_CSS}'><b>{e(st.name)}</b><br>{e(kind)}, "
        f"{e(ctx.mun_names.get(st.municipality_code, st.municipality_code))} Kommune{home}</div>"
    )


def _hotspot_popup(h: HotspotRecord) -> str:
    synth = " (syntetiske data)" if h.synthetic else ""
    return (
        f"<div style='{_POPUP_CSS}'><b>Hotspot for indbrud{synth}</b><br>{h.incidents} indbrud; "
        f"intensitet {fmt_num(h.intensity, 1)}; udvikling {fmt_num(h.trend, 2)} "
        "(sidste 4 uger mod de 8 før)</div>"
    )


# -- page furniture (fixed-position HTML) -------------------------------------------------------------

SIDE_PANEL_PX = 300
"""Width of the visit list beside a municipality's map."""

_PAGE_CSS = """
<style>
html,body{height:100%;margin:0}
.leaflet-container{background:#cfe2ee}
.ms-icon{background:none;border:none}
.ms-place{position:absolute;left:0;top:0;transform:translate(-50%,-50%);display:flex;gap:2px;
 align-items:center;white-space:nowrap;cursor:pointer}
.ms-stop{display:inline-block;min-width:30px;height:20px;padding:0 4px;border-radius:10px;
 border:2px solid #fff;box-sizing:border-box;color:#fff;font:700 11px/16px system-ui,Arial,sans-serif;
 text-align:center;box-shadow:0 0 3px rgba(0,0,0,.7)}
.ms-station{display:inline-block;width:46px;height:16px;border-radius:3px;background:#0b1f44;color:#fff;
 border:1px solid #fff;font:700 9px/14px system-ui,Arial,sans-serif;text-align:center;letter-spacing:.5px;
 box-shadow:0 0 3px rgba(0,0,0,.6)}
.ms-unvisited{display:inline-block;width:12px;height:12px;border-radius:50%;background:#c8c8c8;
 border:2px solid #8a8a8a;box-sizing:border-box}
.ms-hotspot-ring{display:inline-block;width:16px;height:16px;border-radius:50%;border:3px solid #b00020;
 box-sizing:border-box;background:rgba(255,255,255,.3)}
.ms-label{position:absolute;top:100%;left:50%;transform:translateX(-50%);margin-top:1px;
 font:600 12px/1.1 system-ui,Arial,sans-serif;color:#111;pointer-events:none;
 text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff}
.ms-label-above{top:auto;bottom:100%;margin:0 0 1px}
.ms-label-minor{font-weight:400;font-size:11px;color:#444;display:none}
.ms-zoom-in .ms-label-above{top:auto;bottom:100%;margin:0 0 1px}
.ms-label-minor{display:block}
.ms-place.ms-hidden{display:none}
.ms-mun-label{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;pointer-events:none;
 font:italic 600 13px/1 system-ui,Arial,sans-serif;color:#5a5a5a;letter-spacing:1px;text-transform:uppercase;
 text-shadow:0 0 3px #f8f5ea,0 0 3px #f8f5ea}
.ms-swatch{display:inline-block;width:14px;height:10px;border-radius:2px;vertical-align:middle;
 border:1px solid rgba(0,0,0,.4)}
.ms-box{position:fixed;z-index:1000;background:rgba(255,255,255,.95);border-radius:5px;
 box-shadow:0 1px 5px rgba(0,0,0,.4);font:13px/1.35 system-ui,Arial,sans-serif;padding:6px 10px}
.ms-info{top:10px;left:54px;max-width:400px}
.ms-info h1{font-size:15px;margin:0 0 2px}
.ms-days{margin-top:4px;display:flex;flex-wrap:wrap;gap:3px}
.ms-days button{font:12px system-ui,Arial,sans-serif;padding:1px 6px;border:1px solid #888;border-radius:3px;
 background:#fff;cursor:pointer}
.ms-days button.active{background:#0b1f44;color:#fff;border-color:#0b1f44}
.ms-legend{bottom:44px;left:10px;max-width:330px;max-height:calc(100vh - 250px);overflow-y:auto}
.ms-legend summary{font-weight:700;cursor:pointer}
.ms-legend .row{display:flex;align-items:center;gap:6px;margin:1px 0}
.ms-legend .row>span{flex:none}
.ms-legend .routes{display:grid;grid-template-columns:1fr 1fr;column-gap:8px}
.ms-legend .line{width:26px;height:0;display:inline-block;border-top:4px solid #1f4fbf}
.ms-legend .dash{width:26px;height:0;display:inline-block;border-top:3px dashed #0b3d91}
.ms-legend .solid{width:26px;height:0;display:inline-block;border-top:4px solid #0b3d91}
.leaflet-control-layers-expanded{max-height:calc(100vh - 130px);overflow-y:auto;font-size:12px}
.leaflet-control-attribution{font-size:10px;max-width:calc(100vw - 180px)}
.ms-synthetic-banner{position:fixed;z-index:1001;top:0;left:0;right:0;background:#ffcc00;color:#222;
 border-bottom:2px solid #b38f00;text-align:center;font:700 13px/1.25 system-ui,Arial,sans-serif;
 padding:4px 10px}
.ms-travel-note{color:#7a4b00;font-style:italic;font-size:12px}
.ms-audience{color:#555;font-size:11px}
.ms-kpi td,.ms-kpi th{padding:0 6px 0 0;text-align:left;font-weight:normal}
.ms-kpi .ok{color:#176b2c;font-weight:700}.ms-kpi .short{color:#a11;font-weight:700}
.ms-side{position:fixed;z-index:1000;top:0;right:0;bottom:0;width:SIDEPX;overflow-y:auto;background:#fff;
 border-left:1px solid #999;font:13px/1.35 system-ui,Arial,sans-serif;padding:8px 10px;box-sizing:border-box}
.ms-side h2{font-size:14px;margin:8px 0 2px}.ms-side ul{margin:0;padding-left:16px}
.ms-with-side .folium-map{width:calc(100% - SIDEPX)!important}
.ms-with-side .ms-synthetic-banner{right:SIDEPX}
</style>
""".replace("SIDEPX", f"{SIDE_PANEL_PX}px")

_CREDITS = (
    "Grænser: DAGI/FOT 1:500.000, Geodatastyrelsen og Danske Kommuner "
    "&middot; Stednavne: <a href='https://www.geonames.org/'>GeoNames</a> CC BY 4.0 "
    "&middot; <a href='https://leafletjs.com/'>Leaflet</a>"
)


def _legend_html(ctx: _Context, routes: list[Route], hotspots_shown: bool) -> str:
    e = _esc
    rows = [
        "<div class='ms-box ms-legend' id='ms-legend'><details open><summary>Signaturforklaring</summary>",
        "<div class='row'><span class='ms-stop' style='background:#555'>ti 2</span>"
        "Besøg: dag og nr. i dagens rute; farven er bil og dag</div>",
        "<div class='routes'>",
    ]
    for r in routes:
        rows.append(
            f"<div class='row ms-legend-route' data-route='{e(r.id, quote=True)}'>"
            f"<span class='ms-swatch' style='background:{ctx.route_colour[r.id]}'></span>"
            f"{e(ctx.route_short[r.id])}</div>"
        )
    rows.append("</div>")
    rows.append(
        "<div class='row'><span class='ms-unvisited'></span>Ikke besøgt (navn ved zoom)</div>"
        "<div class='row'><span class='ms-station' style='width:40px'>POLITI</span>Politistation</div>"
        "<div class='row'><span class='dash'></span>Færge</div>"
        "<div class='row'><span class='solid'></span>Bro eller tunnel</div>"
    )
    if hotspots_shown and ctx.colormap is not None:
        cmap = ctx.colormap
        stops = [cmap.rgb_hex_str(cmap.vmin + (cmap.vmax - cmap.vmin) * i / 6) for i in range(7)]
        rows.append(
            "<div class='row'><span class='ms-hotspot-ring'></span>"
            "Hotspot for indbrud (område med rød kant)</div>"
            f"<div style='margin-top:4px'>{e(cmap.caption)}</div>"
            "<div class='ms-hotspot-scale' "
            f"style='height:10px;background:linear-gradient(to right,{','.join(stops)})'></div>"
            f"<div style='display:flex;justify-content:space-between'><span>{fmt_num(cmap.vmin, 1)}</span>"
            f"<span>{fmt_num(cmap.vmax, 1)}</span></div>"
        )
    rows.append("</details></div>")
    return "".join(rows)


def _kpi_html(row: MunicipalityRow) -> str:
    css = "ok" if row.quota_met else "short"
    per = EN_DASH if row.hours_per_1000 is None else fmt_num(row.hours_per_1000, 2)
    quota = (
        f"<tr><th>Kvote</th><td>{row.quota_visits} besøg / {fmt_num(row.quota_hours)} t</td></tr>"
        f"<tr><th>Kvote opfyldt</th><td class='{css}'>{_esc(quota_text(row))}</td></tr>"
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


def _day_buttons(dates: list[str]) -> str:
    e = _esc
    buttons = ["<button type='button' class='active' data-day=''>Alle dage</button>"]
    buttons += [
        f"<button type='button' data-day='{e(d, quote=True)}'>{e(L.day_date(d))}</button>" for d in dates
    ]
    return f"<div class='ms-days' id='ms-days'>Vis: {''.join(buttons)}</div>"


def _info_html(ctx: _Context, code: str | None, n_stops: int, n_routes: int, n_unvisited: int,
               dates: list[str]) -> str:  # fmt: skip
    e = _esc
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
        body = f"<div>{n_stops} stop på {n_routes} {routes_word} der besøger kommunen</div>"
    note = travel_notice(plan)
    note_html = f"<div class='ms-travel-note' id='ms-travel-note'>{e(note)}</div>" if note else ""
    return (
        f"<div class='ms-box ms-info' id='ms-info'><h1>{e(title)}</h1>"
        f"<div>{e(week_label(plan))} · {nav}</div>{body}{_day_buttons(dates)}{note_html}"
        f"<div class='ms-audience'>{e(L.AUDIENCE['map'])}</div></div>"
    )


def _side_html(ctx: _Context, code: str) -> str:
    """The municipality's week beside its map: visits by day, patrol hours by area, the quota."""
    e = _esc
    visits = sorted(
        (
            (v.route.date, v.stop.start, v)
            for vs in ctx.visits.values()
            for v in vs
            if ctx.sites[v.stop.site_id].municipality_code == code
        ),
        key=lambda t: (t[0], t[1], t[2].route.vehicle_id, t[2].stop.seq),  # two vans may start together
    )
    parts = [
        f"<div class='ms-side' id='ms-side'><h1 style='font-size:15px;margin:0'>"
        f"{e(ctx.mun_names.get(code, code))} {EN_DASH} ugens besøg</h1>",
        _kpi_html(ctx.rows[code]),
    ]
    day = None
    for d, _, v in visits:
        if d != day:
            if day is not None:
                parts.append("</ul>")
            parts.append(f"<h2>{e(L.day_date(d))}</h2><ul>")
            day = d
        site = ctx.sites[v.stop.site_id]
        parts.append(
            f"<li class='ms-side-visit' data-site='{e(site.id, quote=True)}'>"
            f"<span class='ms-swatch' style='background:{v.colour}'></span> "
            f"kl. {fmt_clock(v.stop.start)}{EN_DASH}{fmt_clock(v.stop.end)} "
            f"<b>{e(L.place_name(site.name))}</b>"
            f"<br><span style='color:#444'>{e(L.task(site.kind, site.meta))}, "
            f"{e(ctx.vehicle_names.get(v.route.vehicle_id, v.route.vehicle_id))}</span></li>"
        )
    if day is not None:
        parts.append("</ul>")
    else:
        parts.append("<p>Ingen besøg af den mobile politistation i denne uge.</p>")
    patrol: dict[str, int] = {}
    for h in ctx.plan.hours:
        if h.municipality_code == code:
            patrol[h.area_name] = patrol.get(h.area_name, 0) + h.minutes
    if patrol:
        parts.append("<h2>Lokalbetjentes patrulje</h2><ul>")
        for name, minutes in sorted(patrol.items(), key=lambda kv: (-kv[1], kv[0])):
            parts.append(f"<li>{e(name)}: {fmt_num(minutes / 60)} t</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


# -- the map ------------------------------------------------------------------------------------------


@dataclass
class _Place:
    """Everything drawn at one coordinate, as one marker: no marker hides under another."""

    lat: float
    lon: float
    stations: list[Any]
    visited: list[tuple[SiteRecord, list[_Visit]]]
    unvisited: list[SiteRecord]
    hotspots: list[HotspotRecord]


def _places(
    ctx: _Context,
    routes: list[Route],
    focus: str | None,
    hotspots: list[tuple[HotspotRecord, dict[str, Any]]],
) -> list[_Place]:
    shown = {r.id for r in routes}
    by_key: dict[tuple[float, float], _Place] = {}

    def at(lat: float, lon: float) -> _Place:
        key = (round(lat, COORD_DECIMALS), round(lon, COORD_DECIMALS))
        if key not in by_key:
            by_key[key] = _Place(key[0], key[1], [], [], [], [])
        return by_key[key]

    for st in ctx.plan.stations:
        at(st.lat, st.lon).stations.append(st)
    for site in ctx.plan.sites:
        visits = [v for v in ctx.visits.get(site.id, []) if v.route.id in shown]
        if visits:
            at(site.lat, site.lon).visited.append((site, visits))
        elif site.id not in ctx.visits and (focus is None or site.municipality_code == focus):
            at(site.lat, site.lon).unvisited.append(site)
    for h, _ in hotspots:
        c = shape(h.geometry).centroid
        at(c.y, c.x).hotspots.append(h)
    return _merge_close([by_key[k] for k in sorted(by_key)], GROUP_RADIUS_M[focus is not None])


GROUP_RADIUS_M = {False: 2500.0, True: 700.0}
"""Places closer than this (district map, municipality map) share one marker, so none hides another."""


def _rank(p: _Place) -> int:
    return 0 if p.visited else 1 if p.stations else 2 if p.unvisited else 3


def _merge_close(places: list[_Place], radius_m: float) -> list[_Place]:
    """Fold places within ``radius_m`` of a more important one into its marker (its position is kept)."""
    kept: list[_Place] = []
    for p in sorted(places, key=lambda q: (_rank(q), q.lat, q.lon)):
        for k in kept:
            dy = (p.lat - k.lat) * 111_320.0
            dx = (p.lon - k.lon) * 111_320.0 * np.cos(np.radians(k.lat))
            if dx * dx + dy * dy <= radius_m * radius_m:
                k.stations += p.stations
                k.visited += p.visited
                k.unvisited += p.unvisited
                k.hotspots += p.hotspots
                break
        else:
            kept.append(p)
    return sorted(kept, key=lambda q: (q.lat, q.lon))


def map_label(site: SiteRecord) -> str:
    """The map label of a site: the place, not the request's subject or the word "Indbrudsområde"."""
    if site.kind == "request":
        return site.name.split(":")[0].strip()
    if site.kind == "neighbourhood":
        return site.name.removeprefix("Indbrudsområde ").strip()
    return site.name


def _place_marker(ctx: _Context, place: _Place, homes: dict[str, list[str]]) -> folium.Marker:
    e = _esc
    inner: list[str] = []
    names: list[str] = []
    popups: list[str] = []
    tips: list[str] = []
    label_cls = "ms-label-minor"
    for st in place.stations:
        inner.append(f"<span class='ms-station' data-station='{e(st.id, quote=True)}'>POLITI</span>")
        popups.append(_station_popup(ctx, st, homes.get(st.id, [])))
        tips.append(st.name)
    for site, visits in place.visited:
        for v in visits:
            inner.append(
                f"<span class='ms-stop ms-kind-{site.kind}' data-site='{e(site.id, quote=True)}' "
                f"data-route='{e(v.route.id, quote=True)}' data-seq='{v.stop.seq}' "
                f"data-date='{v.route.date}' style='background:{v.colour}'>"
                f"{L.day_short(v.route.date)} {v.stop.seq}</span>"
            )
            tips.append(f"{L.place_name(site.name)} {EN_DASH} {L.when(v.route.date, v.stop.start)}")
        names.append(map_label(site))
        popups.append(_visits_popup(ctx, site, visits))
        label_cls = "ms-label-visited"
    reasons = {u.site_id: u.reason for u in ctx.plan.unvisited}
    for site in place.unvisited:
        inner.append(
            f"<span class='ms-unvisited ms-kind-{site.kind}' data-site='{e(site.id, quote=True)}'></span>"
        )
        names.append(map_label(site))
        popups.append(_unvisited_popup(ctx, site, reasons.get(site.id, "ikke med i denne uges plan.")))
        tips.append(f"{L.place_name(site.name)} ({KIND_LABELS_DA[site.kind].lower()}) {EN_DASH} ikke besøgt")
    for h in place.hotspots:
        inner.append(f"<span class='ms-hotspot-ring' data-hotspot='{e(h.id, quote=True)}'></span>")
        popups.append(_hotspot_popup(h))
        tips.append("Hotspot for indbrud")
    if not names and place.stations:
        names = [st.name.split(" (")[0] for st in place.stations]
        label_cls = "ms-label-minor"
    label = f"<div class='ms-label {label_cls}'>{e(' / '.join(dict.fromkeys(names)))}</div>" if names else ""
    markup = f"<div class='ms-place'>{''.join(inner)}{label}</div>"
    icon = folium.DivIcon(html=markup, icon_size=(0, 0), icon_anchor=(0, 0), class_name="ms-icon")
    marker = folium.Marker([place.lat, place.lon], icon=icon)
    _tooltip(marker, "; ".join(tips))
    _popup(marker, "<hr style='margin:4px 0'>".join(popups))
    return marker


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
        control=True,
        overlay=True,
    ).add_to(m)


def _add_municipality_labels(ctx: _Context, m: folium.Map, focus: str | None) -> int:
    group = folium.FeatureGroup(name="Kommunenavne", control=False)
    n = 0
    for code, geom in ctx.mun_shapes.items():
        if code not in ctx.rows and focus is None:
            continue
        p = geom.representative_point()
        icon = folium.DivIcon(
            html=f"<div class='ms-mun-label' data-code='{_esc(code, quote=True)}'>"
            f"{_esc(ctx.mun_names.get(code, code))}</div>",
            icon_size=(0, 0),
            icon_anchor=(0, 0),
            class_name="ms-icon",
        )
        folium.Marker(
            [round(p.y, COORD_DECIMALS), round(p.x, COORD_DECIMALS)], icon=icon, interactive=False
        ).add_to(group)
        n += 1
    group.add_to(m)
    return n


def _add_hotspots(ctx: _Context, m: folium.Map, hotspots: list[tuple[HotspotRecord, dict[str, Any]]]) -> Any:
    if not hotspots or ctx.colormap is None:
        return None
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
        # small areas: a strong outline keeps them visible against the land at any zoom
        return {"fillColor": colour, "fillOpacity": 0.6, "color": "#b00020", "weight": 2.5}

    group = folium.FeatureGroup(name=f"Hotspots, indbrud ({len(features)})")
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
    ).add_to(group)
    group.add_to(m)
    return group


def _add_links(ctx: _Context, m: folium.Map) -> int:
    if not ctx.plan.links:
        return 0
    group = folium.FeatureGroup(name="Færger, broer og tunneler")
    for lk in ctx.plan.links:
        ferry = lk.kind == "ferry"
        line = folium.PolyLine(
            [_round_coords(lk.a), _round_coords(lk.b)],
            color=LINK_COLOUR,
            weight=4 if not ferry else 3,
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


def _add_routes(ctx: _Context, m: folium.Map, routes: list[Route]) -> dict[str, Any]:
    """One layer per route (its line), named with its colour swatch; returns route id -> layer."""
    layers: dict[str, Any] = {}
    for route in routes:
        colour = ctx.route_colour[route.id]
        label = ctx.route_label[route.id]
        name = f"<span class='ms-swatch' style='background:{colour}'></span> {_esc(label)}"
        group = folium.FeatureGroup(name=name, show=True)
        line = folium.PolyLine(
            ctx.route_points(route), color=colour, weight=4, opacity=0.9, class_name="ms-route"
        )
        km = route.travel_m / 1000.0
        _tooltip(
            line,
            f"{label}: {len(route.stops)} stop, {fmt_num(km)} km, {route.travel_min} min kørsel, "
            f"ud kl. {fmt_clock(route.departure)}, hjem kl. {fmt_clock(route.return_)}",
        )
        line.add_to(group)
        group.add_to(m)
        layers[route.id] = group
    return layers


def _add_places(ctx: _Context, m: folium.Map, places: list[_Place], hotspot_group: Any) -> dict[str, int]:
    homes: dict[str, list[str]] = {}
    for v in ctx.plan.vehicles:
        homes.setdefault(v.home_station_id, []).append(v.name)
    groups = {
        "visited": folium.FeatureGroup(name="Besøgte steder"),
        "station": folium.FeatureGroup(name="Politistationer"),
        "unvisited": folium.FeatureGroup(name="Ikke besøgte steder (grå)"),
    }
    counts = {"visited": 0, "station": 0, "unvisited": 0, "hotspot": 0}
    for place in places:
        marker = _place_marker(ctx, place, homes)
        if place.visited:
            kind = "visited"
        elif place.stations:
            kind = "station"
        elif place.unvisited:
            kind = "unvisited"
        else:
            kind = "hotspot"
        counts[kind] += 1
        marker.add_to(
            hotspot_group if kind == "hotspot" and hotspot_group is not None else groups.get(kind, m)
        )
    for key in ("unvisited", "station", "visited"):
        if counts[key]:
            groups[key].add_to(m)
    return counts


class _MapScript(MacroElement):
    """The page's own behaviour: the day filter, stop chips following their route layer, labels by zoom."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          const map = {{ this._parent.get_name() }};
          const routes = {
            {% for rid, layer, day in this.routes %}
            {{ rid|tojson }}: {layer: {{ layer }}, day: {{ day|tojson }}},
            {% endfor %}
          };
          map.attributionControl.setPrefix(false);
          map.attributionControl.addAttribution({{ this.credits|tojson }});
          function refresh() {
            document.querySelectorAll('.ms-stop[data-route]').forEach(function (el) {
              const r = routes[el.dataset.route];
              el.style.display = (!r || map.hasLayer(r.layer)) ? '' : 'none';
            });
            document.querySelectorAll('.ms-place').forEach(function (p) {
              const chips = p.querySelectorAll('.ms-stop');
              if (!chips.length) return;
              const any = Array.prototype.some.call(chips, function (c) {
                return c.style.display !== 'none';
              });
              const other = p.querySelector('.ms-station, .ms-unvisited, .ms-hotspot-ring');
              p.classList.toggle('ms-hidden', !any && !other);
            });
            declutter();
          }
          window.msShowDay = function (day) {
            Object.keys(routes).forEach(function (rid) {
              const r = routes[rid];
              const on = !day || r.day === day;
              if (on && !map.hasLayer(r.layer)) map.addLayer(r.layer);
              if (!on && map.hasLayer(r.layer)) map.removeLayer(r.layer);
            });
            document.querySelectorAll('#ms-days button').forEach(function (b) {
              b.classList.toggle('active', (b.dataset.day || '') === (day || ''));
            });
            refresh();
          };
          document.querySelectorAll('#ms-days button').forEach(function (b) {
            b.addEventListener('click', function () { window.msShowDay(b.dataset.day || null); });
          });
          // labels of visited places and the chips always show; a municipality name or a minor
          // label that would overlap one of them (or an earlier kept label) is hidden
          function declutter() {
            const box = function (el) { return el.getBoundingClientRect(); };
            const hit = function (a, b) {
              return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            };
            const shown = function (el) { return el.offsetParent !== null; };
            const kept = [];
            document.querySelectorAll('.ms-place .ms-stop, .ms-place .ms-station')
              .forEach(function (el) { if (shown(el)) kept.push(box(el)); });
            // a visited place's label that collides with another goes above its marker instead
            document.querySelectorAll('.ms-label-visited').forEach(function (el) {
              el.classList.remove('ms-label-above');
              if (!shown(el)) return;
              let r = box(el);
              if (kept.some(function (k) { return hit(r, k); })) {
                el.classList.add('ms-label-above');
                const up = box(el);
                if (kept.some(function (k) { return hit(up, k); })) { el.classList.remove('ms-label-above'); }
                else { r = up; }
              }
              kept.push(r);
            });
            const rest = Array.from(document.querySelectorAll('.ms-label-minor'))
              .concat(Array.from(document.querySelectorAll('.ms-mun-label')));
            rest.forEach(function (el) {
              el.style.visibility = '';
              if (!shown(el)) return;
              const r = box(el);
              if (kept.some(function (k) { return hit(r, k); })) { el.style.visibility = 'hidden'; }
              else { kept.push(r); }
            });
          }
          function zoomClass() {
            map.getContainer().classList.toggle('ms-zoom-in', map.getZoom() >= {{ this.label_zoom }});
            declutter();
          }
          map.on('overlayadd overlayremove layeradd layerremove', refresh);
          map.on('zoomend moveend', zoomClass);
          zoomClass();
          const banner = document.getElementById('ms-synthetic');
          if (banner) {
            const h = banner.getBoundingClientRect().height;
            document.querySelectorAll('.leaflet-top').forEach(function (el) {
              el.style.top = (h + 4) + 'px';
            });
            const info = document.getElementById('ms-info');
            if (info) info.style.top = (h + 10) + 'px';
          }
          const legend = document.querySelector('#ms-legend details');
          if (legend && window.innerHeight < {{ this.legend_open_min_height }}) legend.open = false;
          refresh();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layers: dict[str, Any], days: dict[str, str]) -> None:
        super().__init__()
        self._name = "MapScript"
        self.routes = [(rid, layer.get_name(), days[rid]) for rid, layer in layers.items()]
        self.credits = _CREDITS
        self.label_zoom = LABEL_ZOOM
        self.legend_open_min_height = LEGEND_OPEN_MIN_HEIGHT


LABEL_ZOOM = 10
LEGEND_OPEN_MIN_HEIGHT = 850
"""Windows lower than this (pixels) open with the legend folded, so it covers no part of the map."""
"""From this zoom on, unvisited places are labelled too (visited places always are)."""


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
    figure.title = _esc(page_title)

    _add_boundaries(ctx, m, code)
    hotspot_group = _add_hotspots(ctx, m, hotspots)
    layers = _add_routes(ctx, m, routes)
    n_links = _add_links(ctx, m)  # after the routes: the dashed ferry line shows on top of a route crossing
    _add_municipality_labels(ctx, m, code)
    places = _places(ctx, routes, code, hotspots)
    counts = _add_places(ctx, m, places, hotspot_group)
    n_stops = sum(len(r.stops) for r in routes)
    n_unvisited = sum(len(p.unvisited) for p in places)
    n_labels = sum(1 for p in places if p.visited or p.unvisited or p.stations)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.add_child(_MetricScale())
    m.add_child(_MapScript(layers, {r.id: r.date for r in routes}))
    # leave room for the info box (top left) and the legend (bottom left)
    m.fit_bounds(bounds, padding_top_left=(60, 120), padding_bottom_right=(20, 20))

    figure.header.add_child(Element(_PAGE_CSS), name="ms_page_css")
    notice = synthetic_notice(plan)
    if notice:
        figure.html.add_child(
            Element(f"<div class='ms-synthetic-banner' id='ms-synthetic' role='alert'>{_esc(notice)}</div>"),
            name="ms_synthetic",
        )
    dates = sorted({r.date for r in routes})
    figure.html.add_child(
        Element(_info_html(ctx, code, n_stops, len(routes), n_unvisited, dates)), name="ms_info"
    )
    figure.html.add_child(Element(_legend_html(ctx, routes, bool(hotspots))), name="ms_legend")
    if code is not None:
        figure.html.add_child(Element(_side_html(ctx, code)), name="ms_side")
        figure.html.add_child(
            Element("<script>document.body.classList.add('ms-with-side');</script>"), name="ms_side_class"
        )
    summary = {
        "municipality": code,
        "stops": n_stops,
        "routes": len(routes),
        "route_layers": [ctx.route_label[r.id] for r in routes],
        "route_colours": {r.id: ctx.route_colour[r.id] for r in routes},
        "stations": len(plan.stations),
        "unvisited": n_unvisited,
        "hotspots": len(hotspots),
        "links": n_links,
        "places": len(places),
        "labels": n_labels,
        "visited_places": counts["visited"],
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

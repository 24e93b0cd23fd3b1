"""Day sheets a crew prints and takes along: ``dagsplaner.html`` and ``patruljeplaner.html``.

``dagsplaner.html`` has a cover page (the week, who the sheets are for) and
then exactly one A4 page per vehicle-day with stops: the crew, departure
and return, and for each stop the time, place, municipality, what to do
there (the request's note), the coordinates with a ``geo:`` link and a QR
code of it (a phone's camera opens its navigation app), the drive there and
the ferry with its estimated sailing times when the day crosses. ``patruljeplaner.html`` has one page per
officer-day with patrol areas and times. Print CSS (``@page`` A4, a page
break after each sheet) makes the browser's "Udskriv" give those pages.

Plain HTML, inline CSS and inline SVG: no script, nothing loaded.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import segno

from mobilstation._io import atomic_write_text
from mobilstation.outputs import labels as L
from mobilstation.outputs.index_page import synthetic_notice, travel_notice, week_label
from mobilstation.outputs.patrol import drive_home, patrol_stints
from mobilstation.plan import Leg, PlanRecord, Route, SiteRecord
from mobilstation.untrusted import display_text

DAYSHEETS_FILE = "dagsplaner.html"
PATROL_SHEETS_FILE = "patruljeplaner.html"

_CSS = """
@page{size:A4 portrait;margin:12mm 12mm 12mm 12mm}
*{box-sizing:border-box}
body{font:10.5pt/1.35 "DejaVu Sans",Arial,sans-serif;color:#111;margin:0}
.sheet{page-break-after:always;break-after:page;break-inside:avoid}
.sheet:last-child{page-break-after:auto;break-after:auto}
h1{font-size:16pt;margin:0 0 2mm}
h2{font-size:12pt;margin:3mm 0 1mm}
.who{font-size:9pt;border:1px solid #888;padding:1mm 2mm;display:inline-block;margin-bottom:2mm}
.warn{font-size:9pt;background:#fff2bf;border:1px solid #b38f00;padding:1mm 2mm;margin:1mm 0}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #bbb;text-align:left;vertical-align:top;padding:1.2mm 1.5mm}
th{font-size:9pt;background:#eee}
td.time{white-space:nowrap;font-weight:700}
td.qr{width:24mm;text-align:center}
td.qr svg{width:21mm;height:21mm}
.compact{font-size:9pt;line-height:1.2}
.compact td{padding:0.5mm 1.2mm}
.compact td.qr{width:16mm}
.compact td.qr svg{width:14mm;height:14mm}
.compact .small{font-size:7.5pt}
.compact h2{margin:1mm 0}
.dense{zoom:0.8}
.note{font-style:italic}
.small{font-size:8.5pt;color:#333}
.facts td{border:none;padding:0.4mm 2mm 0.4mm 0}
@media screen{body{background:#ddd}.sheet{background:#fff;width:210mm;min-height:297mm;margin:5mm auto;
 padding:12mm;box-shadow:0 0 4px #888}}
"""


def _e(text: object) -> str:
    """Text from the plan as HTML: cleaned for reading (no control or bidi characters), then escaped."""
    return html.escape(str(display_text(str(text))))


def geo_uri(lat: float, lon: float) -> str:
    """The ``geo:`` URI (RFC 5870) of a point, 5 decimals (about 1 m)."""
    return f"geo:{lat:.5f},{lon:.5f}"


def qr_svg(uri: str) -> str:
    """An inline SVG QR code of ``uri`` (segno, error correction M)."""
    return segno.make(uri, error="m", micro=False).svg_inline(scale=3, border=2, title=uri)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='da'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def _notices(plan: PlanRecord) -> str:
    out = []
    for text in (synthetic_notice(plan), travel_notice(plan)):
        if text:
            out.append(f"<div class='warn'>{_e(text)}</div>")
    return "".join(out)


def _coords(plan: PlanRecord, route: Route, place_id: str) -> tuple[float, float]:
    if place_id == route.depot_id:
        return route.depot_lat, route.depot_lon
    for st in plan.stations:
        if st.id == place_id:
            return st.lat, st.lon
    for s in plan.sites:
        if s.id == place_id:
            return s.lat, s.lon
    return route.depot_lat, route.depot_lon


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.32
    dx = (a[1] - b[1]) * 111.32 * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dx, dy)


def ferry_text(plan: PlanRecord, route: Route, leg: Leg) -> str:
    """The ferry crossing of a leg with its sailing times ("" when the leg takes no ferry).

    The plan records the leg's minutes, not the sailing. With a timetable at
    the end the crew boards (``LinkInfo.departures_a``/``_b``) the sailing is
    the last listed departure that still lands in time for the leg's
    arrival. Without one the drive on land is split before and after the
    crossing in proportion to the straight-line distance to and from the
    ports and the link's average wait added, so the times are estimates a
    crew checks against the ferry's timetable.
    """
    links = {lk.id: lk for lk in plan.links}
    ferries = [links[i] for i in leg.links if i in links and links[i].kind == "ferry"]
    if len(ferries) != 1:
        return "".join(f" Færge: {_e(lk.name)}." for lk in ferries)
    lk = ferries[0]
    here, there = _coords(plan, route, leg.from_id), _coords(plan, route, leg.to_id)
    a_first = _km(here, tuple(lk.a)) <= _km(here, tuple(lk.b))
    near, far = (lk.a, lk.b) if a_first else (lk.b, lk.a)
    timetable = sorted(lk.departures_a if a_first else lk.departures_b)
    arrival = leg.depart + leg.minutes
    fits = [d for d in timetable if leg.depart <= d and d + lk.crossing_min <= arrival]
    if fits:
        sail = fits[-1]
        return (
            f" Færge {_e(lk.name)}: afgang kl. {L.clock(sail)} ifølge sejlplanen, "
            f"i land kl. {L.clock(sail + lk.crossing_min)} ({lk.crossing_min} min overfart)."
        )
    d1, d2 = _km(here, tuple(near)), _km(tuple(far), there)
    others = sum(links[i].crossing_min + links[i].wait_min for i in leg.links if i in links and i != lk.id)
    road = max(0, leg.minutes - lk.wait_min - lk.crossing_min - others)
    before = round(road * d1 / (d1 + d2)) if d1 + d2 > 0 else 0
    sail = leg.depart + before + lk.wait_min
    return (
        f" Færge {_e(lk.name)}: afgang ca. kl. {L.clock(sail)}, "
        f"i land ca. kl. {L.clock(sail + lk.crossing_min)}"
        f" ({lk.crossing_min} min overfart, {lk.wait_min} min ventetid regnet med). Tjek færgens sejlplan."
    )


def _stop_rows(plan: PlanRecord, route: Route) -> str:
    sites = {s.id: s for s in plan.sites}
    munis = {m.code: m.name for m in plan.municipalities}
    links = {lk.id: lk for lk in plan.links}
    rows = []
    legs_into: dict[str, list] = {}
    for leg in route.legs:
        legs_into.setdefault(leg.to_id, []).append(leg)
    for stop in sorted(route.stops, key=lambda s: s.seq):
        site: SiteRecord = sites[stop.site_id]
        leg = legs_into.get(site.id, [None]).pop(0) if legs_into.get(site.id) else None
        drive = ""
        if leg is not None:
            drive = f"Kør fra {_e(L.plan_place(plan, leg.from_id))} kl. {L.clock(leg.depart)} ({leg.minutes} min"
            via = [links[i] for i in leg.links if i in links and links[i].kind != "ferry"]
            if via:
                drive += ", via " + ", ".join(_e(lk.name) for lk in via)
            drive += ")." + ferry_text(plan, route, leg)
        note = L.note(site.meta)
        what = f"<b>{_e(L.task(site.kind, site.meta))}</b>"
        if note:
            what += f"<div class='note'>Bemærkning: {_e(note)}</div>"
        target = L.campaign(site.meta)
        if target:
            what += f"<div>Kampagne: {_e(target)}</div>"
        if site.mandatory:
            what += (
                "<div class='small'>Skal besøges"
                + (f" senest {_e(L.deadline(site.deadline))}" if site.deadline else "")
                + ".</div>"
            )
        if site.synthetic:
            what += "<div class='small'>Bygger på syntetiske data.</div>"
        arrival = (
            f"<div class='small'>ankomst {L.clock(stop.arrival)}, vent {stop.wait_min} min</div>"
            if stop.wait_min
            else ""
        )
        uri = geo_uri(site.lat, site.lon)
        rows.append(
            f"<tr class='stop' data-site='{_e(site.id)}'><td>{stop.seq}</td>"
            f"<td class='time'>{L.clock(stop.start)}\u2013{L.clock(stop.end)}{arrival}</td>"
            f"<td><b>{_e(L.place_name(site.name))}</b>"
            f"<div>{_e(munis.get(site.municipality_code, site.municipality_code))}"
            f" Kommune</div><div class='small'>{site.lat:.5f}, {site.lon:.5f}<br>"
            f"<a href='{_e(uri)}'>{_e(uri)}</a></div></td>"
            f"<td>{what}<div class='small'>{drive}</div></td>"
            f"<td class='qr'>{qr_svg(uri)}</td></tr>"
        )
    return "".join(rows)


def _route_sheet(plan: PlanRecord, route: Route) -> str:
    vehicles = {v.id: v for v in plan.vehicles}
    officers = {o.id: o.name for o in plan.officers}
    stations = {s.id: s.name for s in plan.stations}
    v = vehicles.get(route.vehicle_id)
    vname = v.name if v and v.name else route.vehicle_id
    depot = stations.get(route.depot_id, route.depot_id)
    crew = ", ".join(officers.get(c, c) for c in route.crew) or "ingen besætning sat på"
    last = route.legs[-1] if route.legs else None
    home = (
        f"Kør hjem fra {_e(L.plan_place(plan, last.from_id))} kl. {L.clock(last.depart)} ({last.minutes} min)."
        + ferry_text(plan, route, last)
        if last is not None
        else ""
    )
    # long days shrink so the day stays on its one page
    compact = " compact dense" if len(route.stops) > 7 else " compact" if len(route.stops) > 4 else ""
    return (
        f"<section class='sheet vehicle-day{compact}' data-route='{_e(route.id)}'>"
        f"<h1>{_e(vname)} \u2013 {_e(L.day_date(route.date))}</h1>"
        f"<div class='who'>{_e(L.AUDIENCE['daysheets'])}</div>"
        "<table class='facts'>"
        f"<tr><td><b>Besætning</b></td><td>{_e(crew)}</td></tr>"
        f"<tr><td><b>Afgang</b></td><td>{_e(L.when(route.date, route.departure))} fra {_e(depot)}</td></tr>"
        f"<tr><td><b>Hjemme igen</b></td><td>kl. {L.clock(route.return_)} på {_e(depot)}</td></tr>"
        f"<tr><td><b>Kørsel</b></td><td>{route.travel_min} min, {route.travel_m / 1000:.0f} km"
        f" \u2013 {len(route.stops)} stop</td></tr></table>"
        "<h2>Stop</h2><table class='stops'><thead><tr><th>Nr.</th><th>Tid</th><th>Sted</th>"
        "<th>Opgave og kørsel</th><th>Navigation</th></tr></thead>"
        f"<tbody>{_stop_rows(plan, route)}</tbody></table>"
        f"<p class='small'>{home}</p>{_notices(plan)}"
        f"<p class='small'>{_e(week_label(plan))} \u2013 {_e(plan.scenario.district)}</p></section>"
    )


def _cover(plan: PlanRecord, routes: list[Route], what: str) -> str:
    vehicles = {v.id: v.name or v.id for v in plan.vehicles}
    items = "".join(
        f"<li>{_e(vehicles.get(r.vehicle_id, r.vehicle_id))} \u2013 {_e(L.day_date(r.date))}: "
        f"{len(r.stops)} stop, afgang kl. {L.clock(r.departure)}</li>"
        for r in routes
    )
    return (
        "<section class='sheet cover'>"
        f"<h1>{_e(what)} \u2013 {_e(week_label(plan))}</h1>"
        f"<div class='who'>{_e(L.AUDIENCE['daysheets'])}</div>"
        f"<p>{_e(plan.scenario.district)}. Én side pr. køretøj og dag; udskriv på A4.</p>"
        f"<ul>{items or '<li>Ingen ture i denne uge.</li>'}</ul>{_notices(plan)}</section>"
    )


def vehicle_days(plan: PlanRecord) -> list[Route]:
    """The routes with stops, in vehicle then date order: one sheet each."""
    order = {v.id: i for i, v in enumerate(plan.vehicles)}
    return sorted((r for r in plan.routes if r.stops), key=lambda r: (order.get(r.vehicle_id, 10**6), r.date))


def daysheets_html(plan: PlanRecord) -> str:
    """``dagsplaner.html``: a cover page, then one page per vehicle-day."""
    routes = vehicle_days(plan)
    body = _cover(plan, routes, "Dagsplaner for de mobile politistationer") + "".join(
        _route_sheet(plan, r) for r in routes
    )
    return _page(f"Dagsplaner \u2013 {week_label(plan)}", body)


def patrol_sheets_html(plan: PlanRecord) -> str:
    """``patruljeplaner.html``: one page per officer-day with patrol, areas and times in order."""
    sites = {s.id: s for s in plan.sites}
    stations = {s.id: s.name for s in plan.stations}
    munis = {m.code: m.name for m in plan.municipalities}
    sheets = []
    for o in plan.officers:
        for shift in sorted(o.shifts, key=lambda s: (s.date, s.start)):
            if shift.duty != "patrol":
                continue
            stints = patrol_stints(plan, o, shift)
            if not stints:
                continue
            home = stations.get(o.station_id, o.station_id)
            rows = []
            for st in stints:
                area = sites.get(st.alloc.area_id)
                nav = ""
                if area is not None:
                    uri = geo_uri(area.lat, area.lon)
                    nav = f"<a href='{_e(uri)}'>{_e(uri)}</a>"
                rows.append(
                    f"<tr><td class='time'>{L.clock(st.start)}\u2013{L.clock(st.end)}</td>"
                    f"<td><b>{_e(st.alloc.area_name)}</b>"
                    f"<div>{_e(munis.get(st.alloc.municipality_code, ''))} Kommune</div></td>"
                    f"<td>{st.alloc.minutes} min patrulje"
                    f"<div class='small'>ca. {st.drive_before} min kørsel hertil</div></td>"
                    f"<td class='small'>{nav}</td></tr>"
                )
            sheets.append(
                "<section class='sheet officer-day'>"
                f"<h1>{_e(o.name)} \u2013 {_e(L.day_date(shift.date))}</h1>"
                f"<div class='who'>{_e(L.AUDIENCE['daysheets'])}</div>"
                f"<p>Vagt {_e(L.when(shift.date, shift.start, shift.end))} fra {_e(home)}; "
                f"hjem igen ca. {drive_home(shift, stints)} min efter sidste område.</p>"
                "<table><thead><tr><th>Tid</th><th>Område</th><th>Opgave</th><th>Navigation</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>{_notices(plan)}</section>"
            )
    if not sheets:
        sheets.append("<section class='sheet'><p>Ingen patruljevagter i denne uge.</p></section>")
    return _page(f"Patruljeplaner \u2013 {week_label(plan)}", "".join(sheets))


def write_daysheets(plan: PlanRecord, path: str | Path) -> list[Path]:
    """Write ``dagsplaner.html`` at ``path`` and ``patruljeplaner.html`` beside it."""
    p = Path(path)
    return [
        atomic_write_text(p, daysheets_html(plan)),
        atomic_write_text(p.with_name(PATROL_SHEETS_FILE), patrol_sheets_html(plan)),
    ]

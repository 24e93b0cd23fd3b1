"""``schedule.xlsx``: the week as a workbook a planner prints or mails.

Sheets, in order:

* ``Om planen``: which plan this is (scenario, week, generated, travel
  model and whether times are estimates, synthetic inputs);
* one sheet per vehicle: every stop of the week, day by day (date, weekday,
  stop number, arrival/start/end, place, type, municipality, crew);
* ``Kommuner``: one row per municipality, what it gets against its quota
  (visits, mobile hours, patrol hours, total, quota, met);
* one sheet per municipality: its mobile visits and patrol allocations;
* one sheet per officer: shifts by day with duty, times and places;
* ``Ikke besøgt``: candidate sites left out and why.

Sheet titles follow Excel's rules (at most 31 characters, none of
``[]:*?/\\``, unique ignoring case); :func:`sheet_titles` gives the title of
each vehicle/municipality/officer sheet so readers need not guess. Every
sheet has one header row (bold, frozen) and data rows only, column widths
fitted to the content. Times are ``HH:MM`` text, dates ISO text, hours
numbers shown with one decimal.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mobilstation._io import atomic_write_bytes
from mobilstation.outputs import labels as L
from mobilstation.outputs.tables import crew_names, why
from mobilstation.plan import PlanRecord

SCHEDULE_FILE = "schedule.xlsx"
ABOUT_SHEET = "Om planen"
MUNICIPALITIES_SHEET = "Kommuner"
UNVISITED_SHEET = "Ikke besøgt"

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_TITLE = 31
_MAX_WIDTH = 60


def safe_title(text: str, used: set[str]) -> str:
    """An Excel sheet title from ``text``: forbidden characters replaced, ≤ 31 chars, unique.

    ``used`` holds the lower-cased titles taken so far and is updated.
    """
    base = _FORBIDDEN.sub("-", text).strip().strip("'") or "Ark"
    title = base[:_MAX_TITLE]
    n = 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: _MAX_TITLE - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def sheet_titles(plan: PlanRecord) -> dict[tuple[str, str], str]:
    """Sheet title of every per-item sheet, keyed ``("vehicle"|"municipality"|"officer", id)``.

    Vehicles are titled by name, municipalities ``"Kommune <name>"``,
    officers ``"<name> (<id>)"``; all passed through :func:`safe_title`.
    """
    used = {t.lower() for t in (ABOUT_SHEET, MUNICIPALITIES_SHEET, UNVISITED_SHEET)}
    titles: dict[tuple[str, str], str] = {}
    for v in plan.vehicles:
        titles[("vehicle", v.id)] = safe_title(v.name or v.id, used)
    for m in plan.municipalities:
        titles[("municipality", m.code)] = safe_title(f"Kommune {m.name}", used)
    for o in plan.officers:
        titles[("officer", o.id)] = safe_title(f"{o.name} ({o.id})" if o.name else o.id, used)
    return titles


def _fill(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    number_formats: dict[str, str] | None = None,
) -> None:
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in header]
    formats = {header.index(k): f for k, f in (number_formats or {}).items() if k in header}
    for row in rows:
        ws.append(list(row))
        r = ws.max_row
        for i, value in enumerate(row):
            text = f"{value:.1f}" if isinstance(value, float) else str(value if value is not None else "")
            widths[i] = max(widths[i], len(text))
            if i in formats:
                ws.cell(row=r, column=i + 1).number_format = formats[i]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, w + 2)
    ws.freeze_panes = "A2"


def _municipality_totals(plan: PlanRecord) -> dict[str, dict[str, float]]:
    """Visits, mobile service hours and patrol hours per municipality code, from routes and hours."""
    sites = {s.id: s for s in plan.sites}
    totals = {m.code: {"visits": 0, "mobile": 0.0, "patrol": 0.0} for m in plan.municipalities}
    for route in plan.routes:
        for stop in route.stops:
            code = sites[stop.site_id].municipality_code
            t = totals.setdefault(code, {"visits": 0, "mobile": 0.0, "patrol": 0.0})
            t["visits"] += 1
            t["mobile"] += (stop.end - stop.start) / 60
    for h in plan.hours:
        totals.setdefault(h.municipality_code, {"visits": 0, "mobile": 0.0, "patrol": 0.0})["patrol"] += (
            h.minutes / 60
        )
    return totals


VEHICLE_HEADER = [
    L.DATE,
    L.WEEKDAY,
    L.SEQ,
    L.ARRIVAL,
    L.START,
    L.END,
    L.SITE,
    L.KIND,
    L.MUNICIPALITY,
    L.CREW,
    L.DEPARTURE,
    L.RETURN,
    L.SCORE,
    L.WHY,
]
MUNICIPALITIES_HEADER = [
    L.MUNICIPALITY_CODE,
    L.MUNICIPALITY,
    L.POPULATION,
    L.VISITS,
    L.QUOTA_VISITS,
    L.MOBILE_HOURS,
    L.PATROL_HOURS,
    L.TOTAL_HOURS,
    L.QUOTA_HOURS,
    L.HOURS_PER_1000,
    L.QUOTA_MET,
]
MUNICIPALITY_HEADER = [L.DATE, L.WEEKDAY, L.DUTY, L.SITE, L.KIND, L.START, L.END, L.HOURS, "hvem"]
OFFICER_HEADER = [L.DATE, L.WEEKDAY, L.DUTY, L.START, L.END, L.HOURS, L.VEHICLE, L.STOPS]
UNVISITED_HEADER = [L.SITE_ID, L.SITE, L.KIND, L.MUNICIPALITY, L.SCORE, L.REASON, "forklaring"]


def build_workbook(plan: PlanRecord) -> Workbook:
    """The schedule workbook (module docstring), built from ``plan`` alone."""
    sites = {s.id: s for s in plan.sites}
    munis = {m.code: m for m in plan.municipalities}
    vehicles = {v.id: v for v in plan.vehicles}
    officers = {o.id: o for o in plan.officers}
    titles = sheet_titles(plan)
    routes = sorted(plan.routes, key=lambda r: (r.date, r.vehicle_id))

    wb = Workbook()
    stamp = datetime.fromisoformat(plan.generated_at).astimezone(UTC).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = stamp  # same plan, same metadata
    wb.properties.creator = "mobilstation"
    wb.properties.title = f"{plan.scenario.name} {plan.scenario.iso_week}"
    about = wb.active
    assert about is not None
    about.title = ABOUT_SHEET
    _fill(
        about,
        ["felt", "værdi"],
        [
            ("scenarie", plan.scenario.name),
            ("distrikt", plan.scenario.district),
            ("uge", plan.scenario.iso_week),
            ("dage", ", ".join(f"{L.day_name(d)} {d}" for d in plan.scenario.dates)),
            ("genereret", plan.generated_at),
            ("rejsetidsmodel", plan.travel.model),
            ("rejsetider", "skønnede (ikke vejruter)" if plan.travel.estimated else "beregnet på vejnettet"),
            ("syntetiske data", L.synthetic_inputs(plan.synthetic_inputs) or "ingen"),
            ("tidszone", plan.timezone),
        ],
    )

    for v in plan.vehicles:
        ws = wb.create_sheet(titles[("vehicle", v.id)])
        rows = []
        for route in (r for r in routes if r.vehicle_id == v.id):
            crew = crew_names(plan, route.crew)
            for stop in sorted(route.stops, key=lambda s: s.seq):
                site = sites[stop.site_id]
                rows.append(
                    (
                        route.date,
                        L.day_name(route.date),
                        stop.seq,
                        L.clock(stop.arrival),
                        L.clock(stop.start),
                        L.clock(stop.end),
                        site.name,
                        L.kind_name(site.kind),
                        munis[site.municipality_code].name
                        if site.municipality_code in munis
                        else site.municipality_code,
                        crew,
                        L.clock(route.departure),
                        L.clock(route.return_),
                        site.score,
                        why(site),
                    )
                )
        _fill(ws, VEHICLE_HEADER, rows, {L.SCORE: "0.000"})

    totals = _municipality_totals(plan)
    ws = wb.create_sheet(MUNICIPALITIES_SHEET)
    rows = []
    for m in plan.municipalities:
        t = totals[m.code]
        total = t["mobile"] + t["patrol"]
        met = t["visits"] >= m.quota_visits and total >= m.quota_hours - 1e-9
        rows.append(
            (
                m.code,
                m.name,
                m.population,
                int(t["visits"]),
                m.quota_visits,
                round(t["mobile"], 2),
                round(t["patrol"], 2),
                round(total, 2),
                m.quota_hours,
                round(total / m.population * 1000, 4) if m.population else None,
                L.yes_no(met),
            )
        )
    _fill(
        ws,
        MUNICIPALITIES_HEADER,
        rows,
        {
            L.MOBILE_HOURS: "0.0",
            L.PATROL_HOURS: "0.0",
            L.TOTAL_HOURS: "0.0",
            L.QUOTA_HOURS: "0.0",
            L.HOURS_PER_1000: "0.000",
        },
    )

    for m in plan.municipalities:
        ws = wb.create_sheet(titles[("municipality", m.code)])
        items: list[tuple[Any, ...]] = []
        for route in routes:
            for stop in route.stops:
                site = sites[stop.site_id]
                if site.municipality_code == m.code:
                    vname = (
                        vehicles[route.vehicle_id].name if route.vehicle_id in vehicles else route.vehicle_id
                    )
                    items.append(
                        (
                            route.date,
                            L.day_name(route.date),
                            L.DUTY_NAMES["mobile"],
                            site.name,
                            L.kind_name(site.kind),
                            L.clock(stop.start),
                            L.clock(stop.end),
                            round((stop.end - stop.start) / 60, 2),
                            vname,
                        )
                    )
        for h in plan.hours:
            if h.municipality_code == m.code:
                who = officers[h.officer_id].name if h.officer_id in officers else h.officer_id
                kind = L.kind_name(sites[h.area_id].kind) if h.area_id in sites else ""
                items.append(
                    (
                        h.date or "",
                        L.day_name(h.date) if h.date else "",
                        L.DUTY_NAMES["patrol"],
                        h.area_name,
                        kind,
                        "",
                        "",
                        round(h.minutes / 60, 2),
                        who,
                    )
                )
        items.sort(key=lambda r: (r[0], r[5], r[2]))
        _fill(ws, MUNICIPALITY_HEADER, items, {L.HOURS: "0.0"})

    for o in plan.officers:
        ws = wb.create_sheet(titles[("officer", o.id)])
        rows = []
        by_route = {r.id: r for r in plan.routes}
        for shift in sorted(o.shifts, key=lambda s: (s.date, s.start)):
            if shift.duty == "mobile" and shift.route_id in by_route:
                route = by_route[shift.route_id]
                vehicle = (
                    vehicles[route.vehicle_id].name if route.vehicle_id in vehicles else route.vehicle_id
                )
                places = ", ".join(sites[s.site_id].name for s in sorted(route.stops, key=lambda s: s.seq))
            else:
                vehicle = ""
                places = ", ".join(
                    h.area_name for h in plan.hours if h.officer_id == o.id and h.date == shift.date
                )
            rows.append(
                (
                    shift.date,
                    L.day_name(shift.date),
                    L.DUTY_NAMES.get(shift.duty, shift.duty),
                    L.clock(shift.start),
                    L.clock(shift.end),
                    round((shift.end - shift.start) / 60, 2),
                    vehicle,
                    places,
                )
            )
        for h in plan.hours:
            if h.officer_id == o.id and not h.date:
                rows.append(
                    (
                        "",
                        "",
                        f"{L.DUTY_NAMES['patrol']} (ugen)",
                        "",
                        "",
                        round(h.minutes / 60, 2),
                        "",
                        h.area_name,
                    )
                )
        _fill(ws, OFFICER_HEADER, rows, {L.HOURS: "0.0"})

    ws = wb.create_sheet(UNVISITED_SHEET)
    rows = []
    for u in plan.unvisited:
        site = sites.get(u.site_id)
        rows.append(
            (
                u.site_id,
                site.name if site else u.site_id,
                L.kind_name(site.kind) if site else "",
                munis[site.municipality_code].name if site and site.municipality_code in munis else "",
                site.score if site else None,
                L.REASON_NAMES.get(u.reason_code, u.reason_code),
                u.reason,
            )
        )
    _fill(ws, UNVISITED_HEADER, rows, {L.SCORE: "0.000"})
    return wb


def write_schedule_xlsx(plan: PlanRecord, path: str | Path) -> Path:
    """Write ``schedule.xlsx`` atomically to ``path`` (a file, or a directory to hold it)."""
    p = Path(path)
    if p.is_dir():
        p = p / SCHEDULE_FILE
    buf = io.BytesIO()
    build_workbook(plan).save(buf)
    return atomic_write_bytes(p, buf.getvalue())

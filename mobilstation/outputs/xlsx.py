"""``schedule.xlsx``: the week as a workbook a planner prints or mails.

Sheets, in order:

* ``Om planen``: which plan this is (scenario, week, generated, travel
  model and whether times are estimates, synthetic inputs);
* one sheet per vehicle: every stop of the week, day by day (date, weekday,
  stop number, arrival/start/end, place, type, municipality, crew,
  departure/return, what to do there (the request's note) and the
  coordinates);
* ``Kommuner``: one row per municipality, what it gets against its quota
  (visits, mobile hours, patrol hours, total, quota, met);
* one sheet per municipality: its mobile visits and patrol allocations;
* one sheet per officer: shifts by day with duty, times and places;
* ``Ikke besøgt``: candidate sites left out and why;
* ``Analyse``: every candidate site's score and its components (how the
  planner weighed it); the only sheet with the score breakdown.

Sheet titles follow Excel's rules (at most 31 characters, none of
``[]:*?/\\``, unique ignoring case); :func:`sheet_titles` gives the title of
each vehicle/municipality/officer sheet so readers need not guess.

Cells: dates are Excel dates (``dd-mm-åååå``) and times of day Excel times
(``tt:mm``), so they sort and calculate; hours are numbers shown with one
decimal; codes (``0849``) and ids are text. Every text cell is a string
cell, never a formula: text from outside that starts like a formula
(``=``, ``+``, ``-``, ``@``, tab, CR) is stored as a string with Excel's
quote-prefix flag, and text is cleaned for display
(:mod:`mobilstation.untrusted`: no control characters, shortened when very
long; plan.json keeps the full text).

Print: every sheet prints landscape, one page wide, its header row repeated
on each page, the week and sheet in the page header and "Side n af m" in the
footer; the header row is bold, frozen and has an autofilter.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mobilstation._io import atomic_write_bytes
from mobilstation.outputs import labels as L
from mobilstation.outputs.tables import crew_names, note
from mobilstation.plan import PlanRecord
from mobilstation.untrusted import display_text, is_formula_like

SCHEDULE_FILE = "schedule.xlsx"
ABOUT_SHEET = "Om planen"
MUNICIPALITIES_SHEET = "Kommuner"
UNVISITED_SHEET = "Ikke besøgt"
ANALYSIS_SHEET = "Analyse"

DATE_FORMAT = "dd-mm-yyyy"
TIME_FORMAT = "hh:mm"
HOURS_FORMAT = "0.0"
SCORE_FORMAT = "0.000"
COORD_FORMAT = "0.00000"

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_TITLE = 31
_MAX_WIDTH = 60


def safe_title(text: str, used: set[str]) -> str:
    """An Excel sheet title from ``text``: forbidden characters replaced, ≤ 31 chars, unique.

    ``used`` holds the lower-cased titles taken so far and is updated.
    """
    base = _FORBIDDEN.sub("-", str(display_text(text, 200))).strip().strip("'") or "Ark"
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
    used = {t.lower() for t in (ABOUT_SHEET, MUNICIPALITIES_SHEET, UNVISITED_SHEET, ANALYSIS_SHEET)}
    titles: dict[tuple[str, str], str] = {}
    for v in plan.vehicles:
        titles[("vehicle", v.id)] = safe_title(v.name or v.id, used)
    for m in plan.municipalities:
        titles[("municipality", m.code)] = safe_title(f"Kommune {m.name}", used)
    for o in plan.officers:
        titles[("officer", o.id)] = safe_title(f"{o.name} ({o.id})" if o.name else o.id, used)
    return titles


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _clock(minute: int | None) -> time | None:
    """Minutes since midnight as an Excel time (24:00 and later wrap into the day, as Excel shows them)."""
    if minute is None:
        return None
    m = int(minute) % (24 * 60)
    return time(m // 60, m % 60)


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, date | time):
        return "00-00-0000" if isinstance(value, date) else "00:00"
    return str(value if value is not None else "")


def _put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None) -> Any:
    """One cell; text always as a string cell, never a formula."""
    if isinstance(value, str):
        value = display_text(value)
        cell = ws.cell(row=row, column=col)
        cell.value = value
        cell.data_type = "s"  # openpyxl makes "=..." a formula; this is data
        if is_formula_like(value):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return value
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, datetime):
        cell.number_format = f"{DATE_FORMAT} {TIME_FORMAT}"
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, time):
        cell.number_format = TIME_FORMAT
    elif number_format and isinstance(value, int | float):
        cell.number_format = number_format
    return value


def _hf(text: str) -> str:
    """Text for an Excel page header/footer ("&" starts a code there)."""
    return str(display_text(text, 80)).replace("&", "&&")


def _fill(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    number_formats: dict[str, str] | None = None,
    *,
    week: str = "",
) -> None:
    """Header row (bold, frozen, autofilter), data rows, widths and print setup."""
    for i, h in enumerate(header, start=1):
        _put(ws, 1, i, h, None)
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.cell(row=1, column=i).alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(h) for h in header]
    formats = {header.index(k): f for k, f in (number_formats or {}).items() if k in header}
    r = 1
    for row in rows:
        r += 1
        for i, value in enumerate(row):
            shown = _put(ws, r, i + 1, value, formats.get(i))
            widths[i] = max(widths[i], len(_shown(shown)))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, w + 2)
    if r > 1:
        for i, w in enumerate(widths, start=1):
            if w > _MAX_WIDTH:
                for (cell,) in ws.iter_rows(min_row=2, max_row=r, min_col=i, max_col=i):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(r, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddHeader.left.text = _hf(week)
    ws.oddHeader.right.text = "&A"  # the sheet's title
    ws.oddFooter.left.text = "Mobilstation: intern plan"
    ws.oddFooter.right.text = "Side &P af &N"


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


# Column headers as a planner reads them (the CSV files keep their short machine names).
VEHICLE_HEADER = [
    "Dato",
    "Ugedag",
    "Stop nr.",
    "Ankomst",
    "Start",
    "Slut",
    "Sted",
    "Type",
    "Kommune",
    "Besætning",
    "Afgang fra station",
    "Hjem til station",
    "Opgave / borgerens note",
    "Bredde (WGS84)",
    "Længde (WGS84)",
]
MUNICIPALITIES_HEADER = [
    "Kommunekode",
    "Kommune",
    "Indbyggere",
    "Besøg",
    "Krav: besøg",
    "Timer mobil politistation",
    "Timer patrulje",
    "Timer i alt",
    "Krav: timer",
    "Timer pr. 1000 indbyggere",
    "Krav opfyldt",
]
MUNICIPALITY_HEADER = ["Dato", "Ugedag", "Opgave", "Sted", "Type", "Start", "Slut", "Timer", "Hvem"]
OFFICER_HEADER = ["Dato", "Ugedag", "Opgave", "Start", "Slut", "Timer", "Køretøj", "Steder"]
UNVISITED_HEADER = ["Sted-id", "Sted", "Type", "Kommune", "Score", "Årsag", "Forklaring"]
ANALYSIS_FIXED = ["Sted-id", "Sted", "Type", "Kommune", "Besøgt", "Score"]


def _week_label(plan: PlanRecord) -> str:
    year, _, week = plan.scenario.iso_week.partition("-W")
    return f"{plan.scenario.name}: uge {int(week)} {year}" if week.isdigit() else plan.scenario.name


def build_workbook(plan: PlanRecord) -> Workbook:
    """The schedule workbook (module docstring), built from ``plan`` alone."""
    sites = {s.id: s for s in plan.sites}
    munis = {m.code: m for m in plan.municipalities}
    vehicles = {v.id: v for v in plan.vehicles}
    officers = {o.id: o for o in plan.officers}
    titles = sheet_titles(plan)
    routes = sorted(plan.routes, key=lambda r: (r.date, r.vehicle_id))
    week = _week_label(plan)

    def muni_name(code: str) -> str:
        return munis[code].name if code in munis else code

    wb = Workbook()
    stamp = datetime.fromisoformat(plan.generated_at).astimezone(UTC).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = stamp  # same plan, same metadata
    wb.properties.creator = "mobilstation"
    wb.properties.title = str(display_text(f"{plan.scenario.name} {plan.scenario.iso_week}", 200))
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
            ("til hvem", "Internt: planlæggere og ledelse (indeholder navne og borgernes noter)"),
        ],
        week=week,
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
                        _day(route.date),
                        L.day_name(route.date),
                        stop.seq,
                        _clock(stop.arrival),
                        _clock(stop.start),
                        _clock(stop.end),
                        site.name,
                        L.kind_name(site.kind),
                        muni_name(site.municipality_code),
                        crew,
                        _clock(route.departure),
                        _clock(route.return_),
                        note(site),
                        site.lat,
                        site.lon,
                    )
                )
        _fill(
            ws,
            VEHICLE_HEADER,
            rows,
            {"Bredde (WGS84)": COORD_FORMAT, "Længde (WGS84)": COORD_FORMAT},
            week=week,
        )

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
            "Timer mobil politistation": HOURS_FORMAT,
            "Timer patrulje": HOURS_FORMAT,
            "Timer i alt": HOURS_FORMAT,
            "Krav: timer": HOURS_FORMAT,
            "Timer pr. 1000 indbyggere": SCORE_FORMAT,
        },
        week=week,
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
                            _day(route.date),
                            L.day_name(route.date),
                            L.DUTY_NAMES["mobile"],
                            site.name,
                            L.kind_name(site.kind),
                            _clock(stop.start),
                            _clock(stop.end),
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
                        _day(h.date),
                        L.day_name(h.date) if h.date else "",
                        L.DUTY_NAMES["patrol"],
                        h.area_name,
                        kind,
                        None,
                        None,
                        round(h.minutes / 60, 2),
                        who,
                    )
                )
        items.sort(key=lambda r: (r[0] or date.max, r[5] or time.min, r[2]))
        _fill(ws, MUNICIPALITY_HEADER, items, {"Timer": HOURS_FORMAT}, week=week)

    by_route = {r.id: r for r in plan.routes}
    for o in plan.officers:
        ws = wb.create_sheet(titles[("officer", o.id)])
        rows = []
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
                    _day(shift.date),
                    L.day_name(shift.date),
                    L.DUTY_NAMES.get(shift.duty, shift.duty),
                    _clock(shift.start),
                    _clock(shift.end),
                    round((shift.end - shift.start) / 60, 2),
                    vehicle,
                    places,
                )
            )
        for h in plan.hours:
            if h.officer_id == o.id and not h.date:
                rows.append(
                    (
                        None,
                        "",
                        f"{L.DUTY_NAMES['patrol']} (ugen)",
                        None,
                        None,
                        round(h.minutes / 60, 2),
                        "",
                        h.area_name,
                    )
                )
        _fill(ws, OFFICER_HEADER, rows, {"Timer": HOURS_FORMAT}, week=week)

    ws = wb.create_sheet(UNVISITED_SHEET)
    rows = []
    for u in plan.unvisited:
        site = sites.get(u.site_id)
        rows.append(
            (
                u.site_id,
                site.name if site else u.site_id,
                L.kind_name(site.kind) if site else "",
                muni_name(site.municipality_code) if site else "",
                site.score if site else None,
                L.REASON_NAMES.get(u.reason_code, u.reason_code),
                u.reason,
            )
        )
    _fill(ws, UNVISITED_HEADER, rows, {"Score": SCORE_FORMAT}, week=week)

    ws = wb.create_sheet(ANALYSIS_SHEET)
    components = sorted({k for s in plan.sites for k in s.breakdown})
    visited = {stop.site_id for r in plan.routes for stop in r.stops}
    rows = [
        (
            s.id,
            s.name,
            L.kind_name(s.kind),
            muni_name(s.municipality_code),
            L.yes_no(s.id in visited),
            s.score,
            *(s.breakdown.get(k, 0.0) for k in components),
        )
        for s in sorted(plan.sites, key=lambda s: (-s.score, s.id))
    ]
    header = ANALYSIS_FIXED + [L.component_name(k).capitalize() for k in components]
    _fill(ws, header, rows, dict.fromkeys(header[5:], SCORE_FORMAT), week=week)
    return wb


def write_schedule_xlsx(plan: PlanRecord, path: str | Path) -> Path:
    """Write ``schedule.xlsx`` atomically to ``path`` (a file, or a directory to hold it)."""
    p = Path(path)
    if p.is_dir():
        p = p / SCHEDULE_FILE
    buf = io.BytesIO()
    build_workbook(plan).save(buf)
    return atomic_write_bytes(p, buf.getvalue())

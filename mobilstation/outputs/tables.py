"""The plan as tables: visits, crews and hours (CSV) and the KPIs (JSON).

CSV dialect (one for every CSV here, and :func:`read_table` is its one
reader): the Danish Excel dialect, so a planner can double-click the file:

* UTF-8 **with BOM** (without it Excel garbles æ, ø and å);
* ``;`` as the field separator and ``,`` as the decimal mark (Danish locale);
* ``"`` quoting only where needed, ``\\n`` line ends;
* times of day ``HH:MM`` (local, Europe/Copenhagen), dates ISO ``YYYY-MM-DD``,
  flags ``ja``/``nej``, lists (crew names) joined by ``", "``;
* codes and ids are text: municipality code ``0851`` keeps its leading zero
  in the file (Excel shows ``851`` when it opens a CSV; ``schedule.xlsx``
  stores codes as text, and :func:`read_table` puts the zeros back when a
  file saved again by Excel comes back);
* text from outside (names, notes) is **neutralised against CSV injection**
  and cleaned for display (:mod:`mobilstation.untrusted`): a text cell that
  a spreadsheet would evaluate (first character ``=``, ``+``, ``-``, ``@``,
  tab, CR, LF) starts with ``'``; control characters and bidirectional
  controls are removed and very long text is shortened (plan.json keeps it).

Machine readers use :func:`read_table`, which accepts the file as written
and as Danish Excel saves it again (``;`` or ``,``, BOM or not, decimal
comma), undoes the neutralisation and keeps ids and codes as text; never a
bare ``pd.read_csv``.

Column headers are Danish (:mod:`mobilstation.outputs.labels`). Everything
derives from the :class:`~mobilstation.plan.PlanRecord` alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from mobilstation._io import atomic_write_bytes, atomic_write_text
from mobilstation.errors import InputError
from mobilstation.outputs import labels as L
from mobilstation.plan import PlanRecord, SiteRecord
from mobilstation.tabular import parse_code, parse_date, parse_number, parse_time
from mobilstation.tabular import read_table as read_rows
from mobilstation.untrusted import cell_text

CSV_SEP = ";"
CSV_DECIMAL = ","
CSV_ENCODING = "utf-8-sig"

VISITS_FILE = "visits.csv"
CREWS_FILE = "crews.csv"
HOURS_FILE = "hours.csv"
KPIS_FILE = "kpis.json"

# Columns that are text even when they look like numbers (codes, ids, times, dates).
TEXT_COLUMNS: frozenset[str] = frozenset(
    {
        L.VEHICLE,
        L.VEHICLE_NAME,
        L.ROUTE,
        L.DATE,
        L.WEEKDAY,
        L.SITE_ID,
        L.SITE,
        L.KIND,
        L.MUNICIPALITY_CODE,
        L.MUNICIPALITY,
        L.ARRIVAL,
        L.START,
        L.END,
        L.CREW,
        L.WHY,
        L.SYNTHETIC,
        L.DEPARTURE,
        L.RETURN,
        L.DEPOT,
        L.OFFICER_ID,
        L.OFFICER,
        L.STATION,
        L.DUTY,
        L.SKILLS,
        L.AREA_ID,
        L.AREA,
        L.FERRY,
        L.NOTE,
        L.STATION_ID,
        L.DEPOT_ID,
    }
)

# Text columns that hold codes Excel turns into numbers (its leading zeros are put back on reading).
CODE_COLUMNS: frozenset[str] = frozenset({L.MUNICIPALITY_CODE})
# Date and time-of-day columns: read back as ISO dates and HH:MM whatever Excel made of them.
DATE_COLUMNS: frozenset[str] = frozenset({L.DATE})
CLOCK_COLUMNS: frozenset[str] = frozenset({L.ARRIVAL, L.START, L.END, L.DEPARTURE, L.RETURN})

# Keys kpis.json adds to the plan's own KPIs to say which plan they describe.
IDENTIFICATION_KEYS: tuple[str, ...] = (
    "scenario",
    "district",
    "iso_week",
    "dates",
    "generated_at",
    "travel_model",
    "travel_estimated",
    "synthetic_inputs",
)


def _officer_names(plan: PlanRecord) -> dict[str, str]:
    return {o.id: o.name for o in plan.officers}


def _municipality_names(plan: PlanRecord) -> dict[str, str]:
    return {m.code: m.name for m in plan.municipalities}


def why(site: SiteRecord) -> str:
    """The score's breakdown as one Danish line, largest component first.

    E.g. ``"indbrud 0,55 + stigende tendens 0,15"``: the components sum to the score.
    """
    parts = sorted(site.breakdown.items(), key=lambda kv: (-kv[1], kv[0]))
    return " + ".join(f"{L.component_name(name)} {value:.2f}".replace(".", ",") for name, value in parts)


def note(site: SiteRecord) -> str:
    """What to do at the site in words: a request's note (empty for other sites)."""
    value = site.meta.get("note")
    return value if isinstance(value, str) else ""


def station_names(plan: PlanRecord) -> dict[str, str]:
    return {s.id: s.name for s in plan.stations}


def crew_names(plan: PlanRecord, crew: list[str]) -> str:
    names = _officer_names(plan)
    return ", ".join(names.get(oid, oid) for oid in crew)


def visits_frame(plan: PlanRecord) -> pd.DataFrame:
    """One row per stop, in route order (vehicle, date, sequence).

    Columns: køretøj, rute, dato, ugedag, nr, sted_id, sted, type, kommunekode,
    kommune, ankomst, start, slut (HH:MM), ventetid_min, varighed_min,
    besætning, score, begrundelse, syntetisk (ja/nej), note (the request's
    note: what to do there), bredde, længde (WGS84).
    """
    munis = _municipality_names(plan)
    sites = {s.id: s for s in plan.sites}
    rows: list[dict[str, Any]] = []
    for route in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date)):
        crew = crew_names(plan, route.crew)
        for stop in sorted(route.stops, key=lambda s: s.seq):
            site = sites[stop.site_id]
            rows.append(
                {
                    L.VEHICLE: route.vehicle_id,
                    L.ROUTE: route.id,
                    L.DATE: route.date,
                    L.WEEKDAY: L.day_name(route.date),
                    L.SEQ: stop.seq,
                    L.SITE_ID: site.id,
                    L.SITE: site.name,
                    L.KIND: L.kind_name(site.kind),
                    L.MUNICIPALITY_CODE: site.municipality_code,
                    L.MUNICIPALITY: munis.get(site.municipality_code, site.municipality_code),
                    L.ARRIVAL: L.clock(stop.arrival),
                    L.START: L.clock(stop.start),
                    L.END: L.clock(stop.end),
                    L.WAIT_MIN: stop.wait_min,
                    L.SERVICE_MIN: stop.end - stop.start,
                    L.CREW: crew,
                    L.SCORE: site.score,
                    L.WHY: why(site),
                    L.SYNTHETIC: L.yes_no(site.synthetic),
                    L.NOTE: note(site),
                    L.LAT: site.lat,
                    L.LON: site.lon,
                }
            )
    columns = [
        L.VEHICLE,
        L.ROUTE,
        L.DATE,
        L.WEEKDAY,
        L.SEQ,
        L.SITE_ID,
        L.SITE,
        L.KIND,
        L.MUNICIPALITY_CODE,
        L.MUNICIPALITY,
        L.ARRIVAL,
        L.START,
        L.END,
        L.WAIT_MIN,
        L.SERVICE_MIN,
        L.CREW,
        L.SCORE,
        L.WHY,
        L.SYNTHETIC,
        L.NOTE,
        L.LAT,
        L.LON,
    ]
    return pd.DataFrame(rows, columns=columns)


def crews_frame(plan: PlanRecord) -> pd.DataFrame:
    """One row per officer on a vehicle-day (route), in route order.

    Columns: køretøj, rute, dato, ugedag, hjemstation (name),
    hjemstation_id, afgang, hjemkomst (HH:MM), stop (number of stops),
    betjent_id, betjent, station (name), station_id, kompetencer (Danish
    names, e.g. ``færdselskontrol``).
    """
    officers = {o.id: o for o in plan.officers}
    stations = station_names(plan)
    rows: list[dict[str, Any]] = []
    for route in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.date)):
        for oid in route.crew:
            officer = officers.get(oid)
            rows.append(
                {
                    L.VEHICLE: route.vehicle_id,
                    L.ROUTE: route.id,
                    L.DATE: route.date,
                    L.WEEKDAY: L.day_name(route.date),
                    L.DEPOT: stations.get(route.depot_id, route.depot_id),
                    L.DEPOT_ID: route.depot_id,
                    L.DEPARTURE: L.clock(route.departure),
                    L.RETURN: L.clock(route.return_),
                    L.STOPS: len(route.stops),
                    L.OFFICER_ID: oid,
                    L.OFFICER: officer.name if officer else oid,
                    L.STATION: stations.get(officer.station_id, officer.station_id) if officer else "",
                    L.STATION_ID: officer.station_id if officer else "",
                    L.SKILLS: ", ".join(sorted(L.skill_name(k) for k in officer.skills)) if officer else "",
                }
            )
    columns = [
        L.VEHICLE,
        L.ROUTE,
        L.DATE,
        L.WEEKDAY,
        L.DEPOT,
        L.DEPOT_ID,
        L.DEPARTURE,
        L.RETURN,
        L.STOPS,
        L.OFFICER_ID,
        L.OFFICER,
        L.STATION,
        L.STATION_ID,
        L.SKILLS,
    ]
    return pd.DataFrame(rows, columns=columns)


def hours_frame(plan: PlanRecord) -> pd.DataFrame:
    """One row per patrol allocation (officer, area, day), in plan order.

    Columns: betjent_id, betjent, dato (empty when the allocation is for the
    week), ugedag, område_id, område, kommunekode, kommune, minutter, timer,
    blokke (patrol blocks).
    """
    names = _officer_names(plan)
    munis = _municipality_names(plan)
    rows = [
        {
            L.OFFICER_ID: h.officer_id,
            L.OFFICER: names.get(h.officer_id, h.officer_id),
            L.DATE: h.date or "",
            L.WEEKDAY: L.day_name(h.date) if h.date else "",
            L.AREA_ID: h.area_id,
            L.AREA: h.area_name,
            L.MUNICIPALITY_CODE: h.municipality_code,
            L.MUNICIPALITY: munis.get(h.municipality_code, h.municipality_code),
            L.MINUTES: h.minutes,
            L.HOURS: round(h.minutes / 60, 4),
            L.BLOCKS: h.blocks,
        }
        for h in plan.hours
    ]
    columns = [
        L.OFFICER_ID,
        L.OFFICER,
        L.DATE,
        L.WEEKDAY,
        L.AREA_ID,
        L.AREA,
        L.MUNICIPALITY_CODE,
        L.MUNICIPALITY,
        L.MINUTES,
        L.HOURS,
        L.BLOCKS,
    ]
    return pd.DataFrame(rows, columns=columns)


def kpis_json(plan: PlanRecord) -> dict[str, Any]:
    """The plan's KPIs plus which plan they describe.

    Identification first (:data:`IDENTIFICATION_KEYS`: scenario name,
    district, ISO week, dates, generation time, travel model and whether its
    times are estimates, synthetic inputs), then every key of ``plan.kpis``
    unchanged. A plan KPI never overrides an identification key.
    """
    ident: dict[str, Any] = {
        "scenario": plan.scenario.name,
        "district": plan.scenario.district,
        "iso_week": plan.scenario.iso_week,
        "dates": list(plan.scenario.dates),
        "generated_at": plan.generated_at,
        "travel_model": plan.travel.model,
        "travel_estimated": plan.travel.estimated,
        "synthetic_inputs": list(plan.synthetic_inputs),
    }
    out = dict(ident)
    for key, value in plan.kpis.items():
        if key not in ident:
            out[key] = value
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` in this module's CSV dialect (BOM, ``;``, decimal comma), text cells made safe.

    Every text cell goes through :func:`mobilstation.untrusted.cell_text`
    (cleaned for display, then neutralised against CSV injection); numbers
    are written as numbers.
    """
    safe = frame.copy()
    for col in safe.columns:
        if _is_text(safe[col]):
            safe[col] = safe[col].map(cell_text).astype(object)
    text = safe.to_csv(sep=CSV_SEP, decimal=CSV_DECIMAL, index=False, lineterminator="\n")
    return text.encode(CSV_ENCODING)


def _is_text(column: pd.Series) -> bool:
    """Object or string dtype (pandas 3 gives text columns a ``str`` dtype of their own)."""
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    return atomic_write_bytes(path, csv_bytes(frame))


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV written here, also after Danish Excel saved it again.

    Separator, BOM and encoding as :func:`mobilstation.tabular.read_table`
    finds them; the CSV-injection quote is undone (the text comes back as it
    was); ids, codes, times and dates (:data:`TEXT_COLUMNS`) stay text:
    municipality codes get back the leading zeros Excel drops, dates come
    back ISO (``2026-12-07`` also from Excel's ``07-12-2026``) and times
    ``HH:MM``; other columns become numbers (decimal comma or point) where
    every value is one. A bad date or time raises
    :class:`~mobilstation.errors.InputError` naming the file and column.
    """
    table = read_rows(path)
    data: dict[str, list[Any]] = {c: [row[c] for row in table] for c in table.columns}
    out: dict[str, Any] = {}
    for col, values in data.items():
        if col in CODE_COLUMNS:
            out[col] = [parse_code(v) for v in values]
        elif col in DATE_COLUMNS:
            out[col] = [parse_date(v, where=f"{path}: {col}").isoformat() if v else "" for v in values]
        elif col in CLOCK_COLUMNS:
            out[col] = [parse_time(v, where=f"{path}: {col}").strftime("%H:%M") if v else "" for v in values]
        elif col in TEXT_COLUMNS:
            out[col] = values
        else:
            out[col] = _numbers_or_text(values)
    return pd.DataFrame(out, columns=table.columns)


def _numbers_or_text(values: list[str]) -> Any:
    """The column as numbers (int when all are whole numbers written without a decimal) or as text."""
    if not values or any(v == "" for v in values):
        return values
    try:
        numbers = [parse_number(v) for v in values]
    except InputError:
        return values
    if all(v.lstrip("+-").isdigit() for v in values):
        return pd.array([int(n) for n in numbers], dtype="int64")
    return numbers


def write_tables(plan: PlanRecord, out_dir: str | Path) -> list[Path]:
    """Write visits.csv, crews.csv, hours.csv and kpis.json into ``out_dir``."""
    out = Path(out_dir)
    written = [
        write_table(visits_frame(plan), out / VISITS_FILE),
        write_table(crews_frame(plan), out / CREWS_FILE),
        write_table(hours_frame(plan), out / HOURS_FILE),
        atomic_write_text(out / KPIS_FILE, json.dumps(kpis_json(plan), ensure_ascii=False, indent=2) + "\n"),
    ]
    return written

"""The plan as tables: visits, crews and hours (CSV) and the KPIs (JSON).

CSV dialect (one for every CSV here, and :func:`read_table` is its one
reader): the Danish Excel dialect, so a planner can double-click the file:

* UTF-8 **with BOM** (without it Excel garbles æ, ø and å);
* ``;`` as the field separator and ``,`` as the decimal mark (Danish locale);
* ``"`` quoting only where needed, ``\\n`` line ends;
* times of day ``HH:MM`` (local, Europe/Copenhagen), dates ISO ``YYYY-MM-DD``,
  flags ``ja``/``nej``, lists (crew names) joined by ``", "``;
* codes and ids are text: municipality code ``0851`` keeps its leading zero.

Machine readers use :func:`read_table` (pandas with ``sep=";"``,
``decimal=","``, ``encoding="utf-8-sig"`` and ids as text), never a bare
``pd.read_csv``.

Column headers are Danish (:mod:`mobilstation.outputs.labels`). Everything
derives from the :class:`~mobilstation.plan.PlanRecord` alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from mobilstation._io import atomic_write_bytes, atomic_write_text
from mobilstation.outputs import labels as L
from mobilstation.plan import PlanRecord, SiteRecord

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
    }
)

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


def crew_names(plan: PlanRecord, crew: list[str]) -> str:
    names = _officer_names(plan)
    return ", ".join(names.get(oid, oid) for oid in crew)


def visits_frame(plan: PlanRecord) -> pd.DataFrame:
    """One row per stop, in route order (vehicle, date, sequence).

    Columns: køretøj, rute, dato, ugedag, nr, sted_id, sted, type, kommunekode,
    kommune, ankomst, start, slut (HH:MM), ventetid_min, varighed_min,
    besætning, score, begrundelse, syntetisk (ja/nej), bredde, længde (WGS84).
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
        L.LAT,
        L.LON,
    ]
    return pd.DataFrame(rows, columns=columns)


def crews_frame(plan: PlanRecord) -> pd.DataFrame:
    """One row per officer on a vehicle-day (route), in route order.

    Columns: køretøj, rute, dato, ugedag, hjemstation, afgang, hjemkomst
    (HH:MM), stop (number of stops), betjent_id, betjent, station,
    kompetencer.
    """
    officers = {o.id: o for o in plan.officers}
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
                    L.DEPOT: route.depot_id,
                    L.DEPARTURE: L.clock(route.departure),
                    L.RETURN: L.clock(route.return_),
                    L.STOPS: len(route.stops),
                    L.OFFICER_ID: oid,
                    L.OFFICER: officer.name if officer else oid,
                    L.STATION: officer.station_id if officer else "",
                    L.SKILLS: ", ".join(sorted(officer.skills)) if officer else "",
                }
            )
    columns = [
        L.VEHICLE,
        L.ROUTE,
        L.DATE,
        L.WEEKDAY,
        L.DEPOT,
        L.DEPARTURE,
        L.RETURN,
        L.STOPS,
        L.OFFICER_ID,
        L.OFFICER,
        L.STATION,
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
    """``frame`` in this module's CSV dialect (BOM, ``;``, decimal comma)."""
    text = frame.to_csv(sep=CSV_SEP, decimal=CSV_DECIMAL, index=False, lineterminator="\n")
    return text.encode(CSV_ENCODING)


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    return atomic_write_bytes(path, csv_bytes(frame))


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV written here: ids, codes, times and dates stay text."""
    header = pd.read_csv(path, sep=CSV_SEP, encoding=CSV_ENCODING, nrows=0)
    dtype = {c: str for c in header.columns if c in TEXT_COLUMNS}
    return pd.read_csv(
        path,
        sep=CSV_SEP,
        decimal=CSV_DECIMAL,
        encoding=CSV_ENCODING,
        dtype=dtype,
        keep_default_na=False,
        na_values=[],
    )


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

"""Citizen requests ("Bestil en betjent"): read, check, and place them in the week.

Anyone can ask the police for a local officer at a meeting, or for a traffic
check on a road they worry about. Each request becomes a candidate site of
kind ``request``. The file is small and each row is a promise to a citizen,
so reading is strict: any bad row stops the read with an :class:`InputError`
listing every problem (file, row, field, what was expected). Row numbers
count data rows: row 1 is the first line after the header (line 2 of the
file).

Columns (case-insensitive):

* ``id`` (required, unique),
* ``type``: one of the known request types (``traffic_check``, ``local_officer``),
* ``lat``, ``lon``: WGS84 degrees (the place of the visit),
* ``window`` (``"HH:MM-HH:MM"``) or ``window_start`` + ``window_end``
  (``"HH:MM"``): when the visit should take place; optional,
* ``date`` (or ``wanted_date``): the day wished for (ISO date); optional,
* ``deadline``: the last acceptable day (ISO date); optional,
* ``name``, ``note``: free text; optional.

Placing in the week (``dates`` are the planned days):

* deadline within the planned week (up to its Sunday: the next plan would
  be too late) -> mandatory by the last planned day on or before it;
* deadline before the first planned day -> **overdue**: mandatory within the
  week (deadline = the last planned day) and flagged, with the highest
  urgency so it is planned early; the report says so. Forcing day 1 would
  make a week with no capacity on day 1 infeasible for no good reason;
* deadline after the week, or none -> optional, scored by urgency;
* a wanted date is a promise (a talk booked for that day): on a planned
  day it makes the request mandatory on that day, so the plan keeps it or
  the run fails naming it; on a day that is not planned (a Saturday in a
  Monday-Friday week) it cannot be kept and is reported loudly (and counted
  among the high-priority misses); a wanted date that has passed is left out
  and reported as a missed promise, unless a deadline still lies ahead (then
  any day up to it will do); a wanted date after the week means the request
  is not for this week: it is left out (reported);
* a wanted window is when the visit should *happen*: the service must start
  between its opening and ``close - service`` (see :mod:`.sites`);
* a point outside the district is reported and left out (another district
  must serve it).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from mobilstation.demand._geom import DENMARK_LATLON_BOX, DistrictIndex
from mobilstation.demand._windows import parse_hhmm, parse_window
from mobilstation.errors import InputError
from mobilstation.geo.model import District
from mobilstation.i18n import t
from mobilstation.tabular import parse_date, read_table
from mobilstation.untrusted import id_problem

REQUEST_TYPES: tuple[str, ...] = ("traffic_check", "local_officer")
"""The request types known by default (see ``SiteSettings.request_types``)."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "request_id"),
    "type": ("type", "kind", "type_"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "window": ("window", "wanted_window", "tidsrum"),
    "window_start": ("window_start", "from", "fra"),
    "window_end": ("window_end", "to", "til"),
    "date": ("date", "wanted_date", "dato", "oensket_dato", "ønsket_dato"),
    "deadline": ("deadline", "frist"),
    "name": ("name", "navn"),
    "note": ("note", "bemaerkning", "bemærkning", "comment"),
}


def _file_date(text: str, field_name: str, problems: list[str]) -> date | None:
    """A date in the file: ISO (2026-12-02) or as Danish Excel writes it (02-12-2026); else a problem."""
    if not text:
        return None
    try:
        return parse_date(text, where=field_name)
    except InputError as exc:
        problems.append(str(exc))
        return None


@dataclass(frozen=True)
class Request:
    """One citizen request, checked and placed in the planned week.

    ``window`` is the wanted period (minutes since local midnight) or None.
    ``deadline`` is the effective deadline within the week when ``mandatory``
    (for an overdue request: the last planned day), else the deadline as
    given (or None). ``original_deadline`` keeps the file's value.
    """

    id: str
    type: str
    lat: float
    lon: float
    municipality_code: str
    row: int
    window: tuple[int, int] | None = None
    wanted_date: date | None = None
    deadline: date | None = None
    original_deadline: date | None = None
    mandatory: bool = False
    overdue: bool = False
    promised_date: date | None = None
    name: str = ""
    note: str = ""


@dataclass
class RequestReport:
    """What reading found besides errors: requests left out or adjusted, with reasons."""

    source: str
    rows_read: int = 0
    outside_district: list[str] = field(default_factory=list)
    not_this_week: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    missed_promises: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.source}: {t('note.requests.read', count=self.rows_read)}"]
        out += [f"{self.source}: {m}" for m in self.notes]
        return out

    def findings(self) -> list[str]:
        """What a planner must see beyond the row count: requests left out or adjusted."""
        return self.lines()[1:]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Requests(list[Request]):
    """The requests to plan (a list), with the reading ``report`` attached."""

    def __init__(self, items: Sequence[Request] = (), report: RequestReport | None = None) -> None:
        super().__init__(items)
        self.report = report if report is not None else RequestReport(source="requests")


def read_requests(
    path: str | os.PathLike[str],
    district: District,
    *,
    dates: Sequence[date],
    types: Collection[str] = REQUEST_TYPES,
) -> Requests:
    """Read and check a requests CSV for the planned ``dates`` (see the module docstring).

    Returns :class:`Requests` (a list of :class:`Request`, in file order, with
    ``.report``). Raises :class:`InputError` listing every bad row.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(t("requests.not_found", path=path))
    if not dates:
        raise ValueError("read_requests: no planned dates")
    planned = sorted(dates)
    report = RequestReport(source=str(path))
    # ';' or ',', BOM, Windows-1252, the product's CSV-injection quote undone (mobilstation.tabular)
    rows_in = read_table(path, what=t("requests.what"))
    table = pd.DataFrame([dict(r) for r in rows_in], columns=rows_in.header, dtype=str)
    report.notes += [f.removeprefix(f"{rows_in.source}: ") for f in rows_in.findings]
    lower = {c.lower(): c for c in table.columns}
    cols: dict[str, str] = {}
    for key, names in _ALIASES.items():
        for name in names:
            if name in lower:
                cols[key] = lower[name]
                break
    missing = [k for k in ("id", "type", "lat", "lon") if k not in cols]
    if missing:
        listed, found = ", ".join(missing), ", ".join(table.columns)
        raise InputError(t("requests.missing_columns", path=path, missing=listed, found=found))
    report.rows_read = len(table)
    errors: list[str] = []
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    known = tuple(types)
    for i, rec in enumerate(table.to_dict("records"), start=1):

        def get(key: str, rec: dict[str, str] = rec) -> str:
            return str(rec.get(cols[key], "")).strip() if key in cols else ""

        where = t("table.where", source=path, row=i)
        problems: list[str] = []
        rid = get("id")
        if not rid:
            problems.append(t("requests.id_empty"))
        elif id_problem(rid):
            problems.append(f"id: {id_problem(rid)}")
        elif rid in seen:
            problems.append(t("requests.id_twice", id=rid, first=seen[rid]))
        else:
            seen[rid] = i
        rtype = get("type")
        if rtype not in known:
            problems.append(t("requests.unknown_type", type=rtype, known=", ".join(known)))
        lat = lon = float("nan")
        try:
            lat, lon = float(get("lat").replace(",", ".")), float(get("lon").replace(",", "."))
            if not (np.isfinite(lat) and np.isfinite(lon)):
                raise ValueError
        except ValueError:
            problems.append(t("requests.bad_latlon", lat=get("lat"), lon=get("lon")))
        else:
            la0, la1, lo0, lo1 = DENMARK_LATLON_BOX
            if not (la0 <= lat <= la1 and lo0 <= lon <= lo1):
                hint = t("requests.swapped") if la0 <= lon <= la1 and lo0 <= lat <= lo1 else ""
                problems.append(t("requests.not_in_denmark", lat=lat, lon=lon, hint=hint))
        window: tuple[int, int] | None = None
        try:
            if get("window"):
                window = parse_window(get("window"))
            elif get("window_start") or get("window_end"):
                if not (get("window_start") and get("window_end")):
                    raise ValueError(t("requests.window_both"))
                window = parse_window([parse_hhmm(get("window_start")), parse_hhmm(get("window_end"))])
        except ValueError as exc:
            problems.append(f"window: {exc}")
        wanted = _file_date(get("date"), "date", problems)
        deadline = _file_date(get("deadline"), "deadline", problems)
        if wanted is not None and deadline is not None and wanted > deadline:
            problems.append(t("requests.after_deadline", wanted=wanted, deadline=deadline))
        if problems:
            errors += [f"{where}: {p}" for p in problems]
            continue
        rows.append(
            {
                "row": i,
                "id": rid,
                "type": rtype,
                "lat": lat,
                "lon": lon,
                "window": window,
                "wanted": wanted,
                "deadline": deadline,
                "name": get("name"),
                "note": get("note"),
            }
        )
    if errors:
        raise InputError(t("requests.problems", path=path, count=len(errors)) + "\n" + "\n".join(errors))

    return place_requests(rows, district, dates=planned, report=report)


def place_requests(
    rows: Sequence[dict[str, object]],
    district: District,
    *,
    dates: Sequence[date],
    report: RequestReport,
) -> Requests:
    """Place checked request rows in the planned week (see the module docstring).

    ``rows`` are dicts with ``row, id, type, lat, lon, window, wanted,
    deadline, name, note`` as :func:`read_requests` checks them; the ledger's
    carried-over requests come in the same form (:func:`request_row`).
    """
    planned = sorted(dates)
    if not rows:
        return Requests([], report)
    index = DistrictIndex(district)
    codes, _ = index.locate_lonlat(
        np.array([r["lon"] for r in rows], dtype=float), np.array([r["lat"] for r in rows], dtype=float)
    )
    out: list[Request] = []
    first_day, last_day = planned[0], planned[-1]
    week_end = last_day + timedelta(days=7 - last_day.isoweekday())  # Sunday of the last planned week
    for r, code in zip(rows, codes, strict=True):
        rid = str(r["id"])
        if code < 0:
            report.outside_district.append(rid)
            report.notes.append(
                t("note.request.outside", row=r["row"], id=rid, lat=r["lat"], lon=r["lon"], district=district.name)
            )
            continue
        wanted = r["wanted"]
        assert wanted is None or isinstance(wanted, date)
        deadline = r["deadline"]
        assert deadline is None or isinstance(deadline, date)
        if wanted is not None and wanted > week_end:
            report.not_this_week.append(rid)
            report.notes.append(t("note.request.after_week", row=r["row"], id=rid, wanted=wanted))
            continue
        if wanted is not None and wanted < first_day:
            if deadline is None or deadline < first_day:
                # a fixed date is a promise; once it has passed there is nothing to plan but a new date
                report.missed_promises.append(rid)
                report.notes.append(t("note.request.promise_passed", row=r["row"], id=rid, wanted=wanted))
                continue
            report.notes.append(
                t("note.request.before_week", row=r["row"], id=rid, wanted=wanted, deadline=deadline)
            )
            wanted = None
        promised = wanted
        if wanted is not None and wanted not in planned:
            report.missed_promises.append(rid)
            report.notes.append(t("note.request.not_planned_day", row=r["row"], id=rid, wanted=wanted))
        mandatory = overdue = False
        effective = deadline
        if wanted is not None and wanted in planned:
            # a fixed date is a promise: that day, or the run fails naming it
            mandatory = True
            effective = wanted
        elif deadline is not None and deadline < first_day:
            mandatory = overdue = True
            effective = last_day
            report.overdue.append(rid)
            report.notes.append(
                t("note.request.overdue", row=r["row"], id=rid, deadline=deadline, last_day=last_day)
            )
        elif deadline is not None and deadline <= week_end:
            mandatory = True
            effective = max(d for d in planned if d <= deadline)
        out.append(
            Request(
                id=rid,
                type=str(r["type"]),
                lat=float(r["lat"]),  # type: ignore[arg-type]
                lon=float(r["lon"]),  # type: ignore[arg-type]
                municipality_code=index.codes[int(code)],
                row=int(r["row"]),  # type: ignore[call-overload]
                window=r["window"],  # type: ignore[arg-type]
                wanted_date=wanted,
                deadline=effective,
                original_deadline=deadline,
                mandatory=mandatory,
                overdue=overdue,
                promised_date=promised,
                name=str(r["name"]),
                note=str(r["note"]),
            )
        )
    return Requests(out, report)


def request_row(data: dict[str, object], row: int = 0) -> dict[str, object]:
    """A request stored by the ledger (the fields of its file row) as a checked row for :func:`place_requests`."""
    window_text = str(data.get("window") or "")
    wanted = str(data.get("date") or "")
    deadline = str(data.get("deadline") or "")
    return {
        "row": row,
        "id": str(data["id"]),
        "type": str(data.get("type") or ""),
        "lat": float(data["lat"]),  # type: ignore[arg-type]
        "lon": float(data["lon"]),  # type: ignore[arg-type]
        "window": parse_window(window_text) if window_text else None,
        "wanted": date.fromisoformat(wanted) if wanted else None,
        "deadline": date.fromisoformat(deadline) if deadline else None,
        "name": str(data.get("name") or ""),
        "note": str(data.get("note") or ""),
    }

"""Past visits from a file, for a ledger that starts after visits were already made.

Two forms are read, all or nothing (one bad row stops the import with every
problem listed; nothing is written):

* the product's own ``visits.csv`` (semicolon, decimal comma, UTF-8 with
  BOM; columns ``sted_id`` and ``dato``, and ``sted``, ``type``,
  ``kommunekode``, ``start``, ``køretøj`` when present);
* a plain ``site_id,date`` file (comma or semicolon).

Dates are ISO (``2026-12-01``) or as Danish Excel writes them
(``01-12-2026``, ``01.12.2026``). Every site id must be a candidate site of
the scenario or a site of a published plan: a visit to an unknown place is
a typing error, not history.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Any

from mobilstation.errors import InputError

__all__ = ["parse_day", "read_visit_rows"]

_ID_COLUMNS = ("sted_id", "site_id", "id")
_DATE_COLUMNS = ("dato", "date", "last_visit", "seneste_besøg")
_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_KIND_FROM_DA = {"by": "town", "udkant": "outlying", "indbrudsområde": "neighbourhood", "borgerhenvendelse": "request"}


def parse_day(text: str) -> date:
    """An ISO date or a Danish ``dd-mm-yyyy`` / ``dd.mm.yyyy`` date; ValueError otherwise."""
    text = text.strip()
    m = _DMY.match(text)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return date.fromisoformat(text)


def _minutes(text: str) -> int | None:
    m = re.match(r"^(\d{1,2})[:.](\d{2})$", text.strip())
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def read_visit_rows(
    path: str | os.PathLike[str], known_sites: Collection[str] | None = None
) -> list[tuple[int, str, date, dict[str, Any]]]:
    """``(row, site id, date, extra)`` for every row of ``path`` (see the module docstring).

    ``known_sites``: the site ids a visit may name (None: not checked).
    Raises :class:`InputError` listing every bad row (row 1 = the first line
    after the header).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: file not found (expected visits.csv or a site_id,date CSV)")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise InputError(f"{p}: empty file (expected a header: site_id,date or visits.csv's columns)")
    header = text.splitlines()[0]
    delim = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delim)
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    id_col = next((fields[c] for c in _ID_COLUMNS if c in fields), None)
    date_col = next((fields[c] for c in _DATE_COLUMNS if c in fields), None)
    if id_col is None or date_col is None:
        raise InputError(
            f"{p}: missing column(s) "
            + ", ".join(n for n, c in (("site_id (sted_id)", id_col), ("date (dato)", date_col)) if c is None)
            + f"; found {', '.join(reader.fieldnames or [])}"
        )

    def col(row: dict[str, Any], *names: str) -> str:
        for n in names:
            if n in fields:
                return str(row.get(fields[n]) or "").strip()
        return ""

    out: list[tuple[int, str, date, dict[str, Any]]] = []
    errors: list[str] = []
    for i, row in enumerate(reader, start=1):
        if None in row:
            errors.append(f"{p}: row {i}: more values than columns in the header (delimiter {delim!r})")
            continue
        sid = str(row.get(id_col) or "").strip()
        raw_day = str(row.get(date_col) or "").strip()
        problems = []
        if not sid:
            problems.append("site_id: empty")
        elif known_sites is not None and sid not in known_sites:
            problems.append(f"site_id: {sid!r} is not a candidate site of the scenario or a published plan")
        try:
            day = parse_day(raw_day)
        except ValueError:
            problems.append(f"date: expected 2026-12-01 or 01-12-2026, got {raw_day!r}")
            day = None
        if problems:
            errors += [f"{p}: row {i}: {x}" for x in problems]
            continue
        assert day is not None
        kind = col(row, "type", "kind")
        out.append(
            (
                i,
                sid,
                day,
                {
                    "name": col(row, "sted", "name"),
                    "kind": _KIND_FROM_DA.get(kind, kind),
                    "municipality_code": col(row, "kommunekode", "municipality_code").zfill(4)
                    if col(row, "kommunekode", "municipality_code")
                    else "",
                    "start_min": _minutes(col(row, "start")),
                    "vehicle_id": col(row, "køretøj", "vehicle_id", "vehicle"),
                },
            )
        )
    if errors:
        raise InputError(f"{p}: {len(errors)} problem(s); nothing imported:\n" + "\n".join(errors))
    if not out:
        raise InputError(f"{p}: no visits in the file")
    return out

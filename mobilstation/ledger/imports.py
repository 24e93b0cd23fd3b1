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

import os
import re
from collections.abc import Collection
from datetime import date
from typing import Any

from mobilstation.errors import InputError
from mobilstation.i18n import t
from mobilstation.outputs.labels import KIND_NAMES
from mobilstation.tabular import parse_code, parse_date, read_table

__all__ = ["parse_day", "read_visit_rows"]

_KIND_FROM_DA = {v: k for k, v in KIND_NAMES.items()}
_ALIASES = {
    "site_id": ["sted_id", "id"],
    "date": ["dato", "last_visit", "seneste_besøg"],
    "name": ["sted"],
    "kind": ["type"],
    "municipality_code": ["kommunekode"],
    "start": [],
    "vehicle_id": ["køretøj", "vehicle"],
}


def parse_day(text: str) -> date:
    """An ISO date or a Danish ``dd-mm-yyyy`` / ``dd.mm.yyyy`` date; ValueError otherwise."""
    try:
        return parse_date(text)
    except InputError as exc:
        raise ValueError(str(exc)) from None


def _minutes(text: str) -> int | None:
    m = re.match(r"^(\d{1,2})[:.](\d{2})", text.strip())
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def read_visit_rows(
    path: str | os.PathLike[str], known_sites: Collection[str] | None = None
) -> list[tuple[int, str, date, dict[str, Any]]]:
    """``(row, site id, date, extra)`` for every row of ``path`` (see the module docstring).

    ``known_sites``: the site ids a visit may name (None: not checked).
    Raises :class:`InputError` listing every bad row (row 1 = the first line
    after the header); the shared reader (:mod:`mobilstation.tabular`) takes
    either separator, a BOM or Windows-1252, and undoes the product's own
    CSV-injection guard so names come back as written.
    """
    table = read_table(
        path, required=["site_id", "date"], aliases=_ALIASES, what=t("import.what")
    )
    out: list[tuple[int, str, date, dict[str, Any]]] = []
    errors: list[str] = []
    for row in table:
        sid = row.get("site_id", "").strip()
        problems = []
        if not sid:
            problems.append(t("import.site_empty"))
        elif known_sites is not None and sid not in known_sites:
            problems.append(t("import.site_unknown", id=sid))
        day = None
        try:
            day = parse_date(row.get("date", ""), where="date")
        except InputError as exc:
            problems.append(str(exc))
        if problems:
            errors += [f"{table.where(row)}: {x}" for x in problems]
            continue
        assert day is not None
        kind = row.get("kind", "").strip()
        code = row.get("municipality_code", "").strip()
        out.append(
            (
                row.row,
                sid,
                day,
                {
                    "name": row.get("name", ""),
                    "kind": _KIND_FROM_DA.get(kind, kind),
                    "municipality_code": parse_code(code) if code else "",
                    "start_min": _minutes(row.get("start", "")),
                    "vehicle_id": row.get("vehicle_id", ""),
                },
            )
        )
    if errors:
        raise InputError("\n".join([t("import.problems", path=path, count=len(errors)), *errors]))
    if not out:
        raise InputError(t("import.none", path=path))
    return out

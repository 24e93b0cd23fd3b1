"""The CSV files a scenario names that it reads itself: officers and visit history.

Other input files have their readers under :mod:`mobilstation.demand`; these
two belong to the scenario because their rows become scenario objects
(:class:`~.schema.OfficerSpec`) or plain per-site dates, with errors naming
file, row and column.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mobilstation.errors import InputError
from mobilstation.i18n import t
from mobilstation.scenario.field_errors import _display, _message
from mobilstation.scenario.schema import OfficerSpec

_OFFICER_COLUMNS = ("id", "name", "station", "weekly_hours", "skills")
_OFFICER_OPTIONAL = ("available_days", "max_shift_hours")


def _open_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line number, row)]) via :func:`mobilstation.tabular.read_table`.

    ``;`` or ``,``, BOM or not, UTF-8 or Windows-1252 (as Danish Excel saves);
    the rows carry ``.findings`` (text the outputs show cleaned).
    """
    from mobilstation.tabular import read_table

    table = read_table(path, label=_display(path), numbering="lines")
    rows = _Rows((row.line, dict(row)) for row in table)
    rows.findings = table.findings
    return table.header, rows


class _Rows(list[Any]):
    """Rows read from a file, with the warnings reading found (see :class:`mobilstation.tabular.Table`)."""

    findings: list[str] = []  # noqa: RUF012 (set per instance)


def read_officers(path: str | os.PathLike[str]) -> list[OfficerSpec]:
    """Read the officers CSV: ``id,name,station,weekly_hours,skills``.

    ``skills`` are separated by ';' (may be empty). Optional columns:
    ``available_days`` (';'-separated weekdays, numbers or names) and
    ``max_shift_hours``. Errors name the file, the row (line number) and the
    column.
    """
    return [spec for _, spec in _read_officer_rows(path)]


def _read_officer_rows(path: str | os.PathLike[str]) -> list[tuple[int, OfficerSpec]]:
    """(line number, officer) for each data row of the officers CSV (``.findings``: warnings)."""
    import contextlib

    from mobilstation.tabular import parse_number
    from mobilstation.untrusted import id_problem

    p = Path(path)
    label = _display(p)
    header, rows = _open_csv(p)
    missing = [c for c in ("id", "station") if c not in header]
    if missing:
        raise InputError(
            t(
                "officers.missing_columns",
                where=label,
                missing=", ".join(missing),
                expected=", ".join(_OFFICER_COLUMNS),
                optional=", ".join(_OFFICER_OPTIONAL),
            )
        )
    unknown = [c for c in header if c not in _OFFICER_COLUMNS + _OFFICER_OPTIONAL]
    if unknown:
        expected = ", ".join(_OFFICER_COLUMNS + _OFFICER_OPTIONAL)
        listed = ", ".join(unknown)
        raise InputError(t("officers.unknown_columns", where=label, unknown=listed, expected=expected))
    out = _Rows()
    out.findings = list(getattr(rows, "findings", []))
    seen: dict[str, int] = {}
    for line, row in rows:
        data: dict[str, Any] = {k: v for k, v in row.items() if v != ""}
        for key in ("skills", "available_days"):  # a ';' file lists them with ','
            if key in data:
                data[key] = [d.strip() for d in re.split(r"[;,]", data[key]) if d.strip()]
        for key in ("weekly_hours", "max_shift_hours"):  # decimal comma as Danish Excel writes it
            if key in data:
                with contextlib.suppress(InputError):  # else the model's message names field and expectation
                    data[key] = parse_number(data[key])
        try:
            spec = OfficerSpec.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            col = ".".join(str(x) for x in err["loc"][:1]) or "row"
            message = _message(err, OfficerSpec, col)
            raise InputError(t("officers.row", where=label, row=line, column=col, message=message)) from None
        if spec.id in seen:
            raise InputError(t("officers.twice", where=label, row=line, id=spec.id, first=seen[spec.id]))
        if id_problem(spec.id):
            problem = id_problem(spec.id)
            raise InputError(t("officers.row", where=label, row=line, column="id", message=problem))
        seen[spec.id] = line
        out.append((line, spec))
    if not out:
        raise InputError(t("officers.none", where=label))
    return out


def read_history(path: str | os.PathLike[str]) -> dict[str, date]:
    """Read visit history: ``site_id,last_visit`` -> {site id: last visit}.

    Dates ISO (``2026-11-30``) or as Danish Excel writes them
    (``30-11-2026``). A site listed twice keeps its latest visit.
    """
    from mobilstation.tabular import parse_date

    p = Path(path)
    label = _display(p)
    header, rows = _open_csv(p)
    missing = [c for c in ("site_id", "last_visit") if c not in header]
    if missing:
        raise InputError(t("history.missing_columns", where=label, missing=", ".join(missing)))
    out: dict[str, date] = {}
    for line, row in rows:
        sid = row.get("site_id", "")
        if not sid:
            raise InputError(t("history.site_empty", where=label, row=line))
        where = f"{t('history.row', where=label, row=line)}: last_visit"
        when = parse_date(row.get("last_visit", ""), where=where)
        if sid not in out or when > out[sid]:
            out[sid] = when
    return out

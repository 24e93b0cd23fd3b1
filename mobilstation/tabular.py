"""Reading the CSV files people give the product: what its writers write and what Danish Excel saves.

One reader for every tabular input (requests, officers, visit history,
incidents, campaign targets, the product's own ``visits.csv`` brought back
into a ledger), so each accepts the same things:

* **separator** ``;`` or ``,`` (or tab), found from the header line, outside quotes;
* **encoding** UTF-8 with or without a BOM, or Windows-1252, which Danish
  Excel's plain "CSV (semikolonsepareret)" uses;
* **text** as written: the CSV-injection quote the product's writers put in
  front of formula-like text (:mod:`mobilstation.untrusted`) is removed, so
  a round trip gives back the original text; leading/trailing spaces are
  stripped; rows with only empty cells are skipped;
* **values** through the parsers below: numbers with a decimal comma or point
  (:func:`parse_number`), dates ISO ``2026-12-01`` or Danish ``01-12-2026``,
  ``1.12.2026`` (:func:`parse_date`), times ``08:30``,
  ``8.30`` or ``08:30:00`` (:func:`parse_time`), codes whose leading zeros
  Excel dropped (:func:`parse_code`: ``849`` -> ``0849``).

Row numbers: ``Row.row`` counts data rows (1 = the first line after the
header); ``Row.line`` is the line in the file where the row starts (the
header is line 1), which is what a planner sees in a text editor or Excel.
Errors raise :class:`~mobilstation.errors.InputError` naming the file, the
row and the column, and what was expected.

Example (the lead's ledger import of a ``visits.csv``)::

    table = read_table(path, required=["sted_id", "dato"], what="besøgsfil")
    for row in table:
        when = parse_date(row["dato"], where=table.where(row, "dato"))
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from mobilstation.errors import InputError
from mobilstation.i18n import t
from mobilstation.untrusted import text_problems, unneutralise

SEPARATORS = (";", ",", "\t")
FIELD_LIMIT = 64 * 1024 * 1024
"""Longest field read (characters): a megabyte note is read (and shortened in the outputs), not refused."""
ENCODINGS = ("utf-8-sig", "cp1252")


class Row(dict[str, str]):
    """One data row: column -> text (stripped, CSV-injection quote undone), with its place in the file."""

    def __init__(self, values: Mapping[str, str], row: int, line: int) -> None:
        super().__init__(values)
        self.row = row
        self.line = line


@dataclass
class Table:
    """The rows of a file plus how it was read (``delimiter``, ``encoding``) and what is worth a warning.

    ``columns`` are the canonical names (after ``aliases``) in file order;
    ``header`` the names exactly as in the file. ``findings`` holds one line
    per row whose text a person cannot be shown as it is (control
    characters, bidirectional controls, very long): the outputs show it
    cleaned, ``plan.json`` keeps it (see :mod:`mobilstation.untrusted`).
    """

    source: str
    columns: list[str]
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8"
    findings: list[str] = field(default_factory=list)
    numbering: str = "rows"

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> Row:
        return self.rows[i]

    def where(self, row: Row, column: str | None = None) -> str:
        """``"file: row 3: dato"``: the place to name in a message, numbered as the table was read."""
        n = row.line if self.numbering == "lines" else row.row
        return t("table.where", source=self.source, row=n) + (f": {column}" if column else "")


def _decode(path: Path, label: str) -> tuple[str, str]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(t("table.not_found", label=label)) from None
    except IsADirectoryError:
        raise InputError(t("table.is_directory", label=label)) from None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1252" and any(0x80 <= ord(c) <= 0x9F for c in text):
            break  # C1 controls: not a Windows-1252 text either
        return text, encoding
    raise InputError(t("table.not_text", label=label))


def sniff_delimiter(header_line: str) -> str:
    """The separator of a CSV from its header line: the most frequent of ``;``, ``,``, tab outside quotes."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def read_table(
    path: str | os.PathLike[str],
    *,
    required: Sequence[str] = (),
    optional: Iterable[str] | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
    what: str | None = None,
    label: str | None = None,
    numbering: str = "rows",
) -> Table:
    """Read a CSV (module docstring) into a :class:`Table` of :class:`Row` (text values).

    ``required``: canonical column names that must be present (error naming
    the file, the missing columns, the columns found and the separator used).
    ``optional``: further known columns; when given, any other column is an
    error (a typo must not be silently ignored). ``aliases``: canonical name
    -> other accepted headers (matched case-insensitively, e.g. ``{"note":
    ["bemærkning", "comment"]}``); rows are keyed by canonical names.
    ``what``: what the file should hold, for messages (``"a header: id,type,lat,lon,..."``);
    ``label``: how to name the file (default: its path). ``numbering``:
    ``"rows"`` (messages say "row 1" for the first line after the header) or
    ``"lines"`` (messages count file lines, the header being line 1), as the
    calling reader has always told its users.
    """
    if numbering not in ("rows", "lines"):
        raise ValueError(f"numbering: expected 'rows' or 'lines', got {numbering!r}")
    p = Path(path)
    name = label or str(p)
    text, encoding = _decode(p, name)
    header_line = _first_line(text)
    if not header_line.strip():
        raise InputError(t("table.empty", name=name, what=what or t("table.a_header")))
    delimiter = sniff_delimiter(header_line)
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lookup: dict[str, str] = {}
    for canon in list(required) + list(optional or ()) + list((aliases or {}).keys()):
        lookup.setdefault(canon.lower(), canon)
    for canon, names in (aliases or {}).items():
        for alt in names:
            lookup.setdefault(alt.strip().lower(), canon)
    header: list[str] = []
    rows: list[Row] = []
    findings: list[str] = []
    try:
        for raw in reader:
            if not header:
                if not any(c.strip() for c in raw):
                    continue
                header = [c.strip().lstrip("\ufeff").strip() for c in raw]
                columns = [lookup.get(h.lower(), h) for h in header]
                _check_header(name, header, columns, required, optional, aliases, delimiter)
                continue
            line = reader.line_num - raw_lines(raw) + 1
            values = [unneutralise(v.strip()) for v in raw]
            if not any(values):
                continue
            n = line if numbering == "lines" else len(rows) + 1
            if len(values) > len(columns):
                extra = values[len(columns) :]
                if any(extra):
                    raise InputError(
                        t(
                            "table.too_many_values",
                            where=t("table.where", source=name, row=n),
                            values=len(values),
                            columns=len(columns),
                            separator=_sep_name(delimiter),
                        )
                    )
                values = values[: len(columns)]
            values += [""] * (len(columns) - len(values))
            row = Row(dict(zip(columns, values, strict=True)), row=len(rows) + 1, line=line)
            rows.append(row)
            problems = sorted({p for v in values for p in text_problems(v)})
            if problems:
                where = t("table.where", source=name, row=n)
                findings.append(t("table.odd_text", where=where, problems=", ".join(problems)))
    except csv.Error as exc:
        raise InputError(t("table.not_csv", name=name, line=reader.line_num, reason=exc)) from None
    return Table(
        source=name,
        columns=columns if header else [],
        header=header,
        rows=rows,
        delimiter=delimiter,
        encoding=encoding,
        findings=findings,
        numbering=numbering,
    )


def raw_lines(values: Sequence[str]) -> int:
    """Physical lines a parsed row spanned (quoted values may hold line breaks)."""
    return 1 + sum(v.count("\n") for v in values)


def _sep_name(delimiter: str) -> str:
    return {";": "';'", ",": "','", "\t": "tab"}[delimiter]


def _check_header(
    name: str,
    header: list[str],
    columns: list[str],
    required: Sequence[str],
    optional: Iterable[str] | None,
    aliases: Mapping[str, Iterable[str]] | None,
    delimiter: str,
) -> None:
    found = ", ".join(h for h in header if h) or t("table.none")
    dupes = sorted({c for c in columns if c and columns.count(c) > 1})
    if dupes:
        raise InputError(t("table.twice", name=name, columns=", ".join(dupes)))
    missing = [c for c in required if c not in columns]
    if missing:
        listed = ", ".join(missing)
        separator = _sep_name(delimiter)
        found_in = {"found": found, "separator": separator}
        raise InputError(t("table.missing_columns", name=name, missing=listed, **found_in))
    if optional is not None:
        known = set(required) | set(optional) | set((aliases or {}).keys())
        unknown = [h for h, c in zip(header, columns, strict=True) if c not in known and h]
        if unknown:
            listed, expected = ", ".join(unknown), ", ".join(sorted(known))
            raise InputError(t("table.unknown_columns", name=name, unknown=listed, expected=expected))


# ---------------------------------------------------------------------------
# value parsers: each raises InputError naming ``where`` and what was expected
# ---------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})([-.])(\d{1,2})\2(\d{4})$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d*)?$|^[+-]?\d*([.,]\d+)?([eE][+-]?\d+)?$")


def parse_date(text: str, *, where: str = "date") -> date:
    """A day as ISO ``2026-12-01`` or as Danish Excel writes it: ``01-12-2026`` or ``1.12.2026``.

    Excel's ``2026-12-01 00:00:00`` is accepted too. Day first, always (the
    Danish order). Slashes are refused: ``2/12/2026`` is 2 December in
    Denmark and 12 February in an American export. An impossible date
    (``31-11-2026``) is an error.
    """
    s = text.strip()
    try:
        m = _DMY.match(s)
        if m:
            return date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        m = _ISO_DATETIME.match(s)
        return date.fromisoformat(m.group(1) if m else s)
    except ValueError:
        raise InputError(t("table.bad_date", where=where, text=text)) from None


def parse_time(text: str, *, where: str = "time") -> time:
    """A time of day ``08:30``, ``8:30``, ``08.30`` or ``08:30:00`` (24-hour clock)."""
    m = _CLOCK.match(text.strip())
    try:
        if not m:
            raise ValueError
        return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except ValueError:
        raise InputError(t("table.bad_time", where=where, text=text)) from None


def parse_number(text: str, *, where: str = "number") -> float:
    """A number with a decimal comma (``1,5``, ``1.234,5``) or a decimal point (``1.5``)."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if s.count(",") == 1 and ("." not in s or s.rfind(".") < s.find(",")):
        s = s.replace(".", "").replace(",", ".")  # Danish: '.' groups thousands, ',' is the decimal mark
    try:
        value = float(s)
    except ValueError:
        raise InputError(t("table.bad_number", where=where, text=text)) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(t("table.not_finite", where=where, text=text))
    return value


def parse_code(text: str, *, width: int = 4) -> str:
    """A numeric code with the leading zeros Excel drops put back (``849`` -> ``0849``); other text as is."""
    s = text.strip()
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    return s.zfill(width) if s.isdigit() and len(s) < width else s


def parse_datetime(text: str, *, where: str = "time") -> datetime:
    """An ISO 8601 date-time (``2026-12-01T08:30:00+01:00``) or ``01-12-2026 08:30``."""
    s = text.strip()
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        pass
    day, _, clock = s.partition(" ")
    if clock:
        try:
            return datetime.combine(parse_date(day, where=where), parse_time(clock, where=where))
        except InputError:
            pass
    raise InputError(t("table.bad_datetime", where=where, text=text))

"""Strict readers for the embedded geodata: every problem names file, row, field.

The loader never trusts a file: a CSV row with a missing column, a latitude
that is not a number or a GeoJSON feature without geometry raises
:class:`~mobilstation.errors.GeodataError` saying which file, which line (CSV
line numbers count the header as line 1) or feature, which field, and what was
expected. Problems in one file are gathered and reported together (at most
:data:`MAX_REPORTED` of them) so a broken file is fixed in one pass.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mobilstation.errors import GeodataError
from mobilstation.i18n import t

MAX_REPORTED = 10

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass
class Problems:
    """Collects problems for one file and raises them together."""

    path: Path
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_REPORTED]
        more = len(self.items) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown)
        if more:
            text += f"\n  - {t('geo.more', count=more)}"
        if len(self.items) == 1:
            raise GeodataError(t("geo.problem", path=self.path, problem=self.items[0]))
        raise GeodataError(t("geo.problems", path=self.path, count=len(self.items), listed=text))


def require_file(path: Path, expected: str) -> Path:
    """Return ``path`` if it is a file, else raise naming it and its purpose."""
    if not path.is_file():
        raise GeodataError(t("geo.file_missing", path=path, expected=expected))
    return path


@dataclass(frozen=True)
class CsvRow:
    """One data row: ``line`` is the 1-based line in the file (header = 1)."""

    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        return t("geo.line", line=self.line)


def read_csv(path: Path, required: Iterable[str]) -> list[CsvRow]:
    """Read a UTF-8 CSV with a header; check columns and field counts.

    Empty cells are returned as ``""``. A row with more or fewer fields than
    the header, a missing required column or bytes that are not UTF-8 raise
    :class:`GeodataError` naming the file and line.
    """
    required = list(required)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise GeodataError(t("geo.not_found", path=path)) from exc
    except UnicodeDecodeError as exc:
        raise GeodataError(t("geo.not_utf8", path=path, byte=exc.start, reason=exc.reason)) from exc
    if not text.strip():
        raise GeodataError(t("geo.csv_empty", path=path, columns=", ".join(required)))
    problems = Problems(path)
    rows: list[CsvRow] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader)
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            columns = {"columns": ", ".join(required), "found": ", ".join(header)}
            raise GeodataError(t("geo.csv_missing_columns", path=path, missing=", ".join(missing), **columns))
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise GeodataError(t("geo.csv_twice", path=path, columns=", ".join(dupes)))
        start = reader.line_num
        for fields in reader:
            line = start + 1
            start = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                problems.add(
                    t("geo.line", line=line),
                    t("geo.csv_fields", count=len(fields), expected=len(header), columns=", ".join(header)),
                )
                continue
            rows.append(CsvRow(line, {h: v.strip() for h, v in zip(header, fields, strict=True)}))
    except csv.Error as exc:
        raise GeodataError(t("geo.csv_invalid", path=path, line=reader.line_num, reason=exc)) from exc
    problems.raise_if_any()
    return rows


@dataclass(frozen=True)
class Feature:
    """One GeoJSON feature: ``index`` is its 0-based position in ``features``."""

    index: int
    properties: dict[str, Any]
    geometry: BaseGeometry

    @property
    def where(self) -> str:
        return t("geo.feature", index=self.index)


def read_geojson(path: Path, required: Iterable[str]) -> list[Feature]:
    """Read a GeoJSON FeatureCollection of (Multi)Polygons in lon/lat.

    Raises :class:`GeodataError` for JSON syntax errors (with line and column),
    a missing ``features`` list, features without a polygon geometry, missing
    properties or coordinates outside WGS84 bounds.
    """
    required = list(required)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise GeodataError(t("geo.not_found", path=path)) from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise GeodataError(t("geo.not_utf8", path=path, byte=exc.start, reason=exc.reason)) from exc
    except json.JSONDecodeError as exc:
        at = {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        raise GeodataError(t("geo.json_invalid", path=path, **at)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise GeodataError(t("geo.json_no_features", path=path))
    problems = Problems(path)
    out: list[Feature] = []
    for i, feat in enumerate(data["features"]):
        where = t("geo.feature", index=i)
        if not isinstance(feat, dict):
            problems.add(where, t("geo.feature_not_object"))
            continue
        props = feat.get("properties")
        if not isinstance(props, dict):
            problems.add(where, t("geo.feature_no_properties"))
            continue
        missing = [p for p in required if props.get(p) in (None, "")]
        if missing:
            listed = {"missing": ", ".join(missing), "expected": ", ".join(required)}
            problems.add(where, t("geo.feature_missing", **listed))
            continue
        try:
            geom = shape(feat.get("geometry"))
        except Exception as exc:  # shapely raises several types for bad input
            problems.add(where, t("geo.geometry_unreadable", reason=f"{type(exc).__name__}: {exc}"))
            continue
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            kind = t("geo.geometry_empty") if geom.is_empty else geom.geom_type
            problems.add(where, t("geo.geometry_kind", kind=kind))
            continue
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            problems.add(where, t("geo.geometry_bounds", bounds=geom.bounds))
            continue
        if not geom.is_valid:
            geom = geom.buffer(0)
        out.append(Feature(i, props, geom))
    problems.raise_if_any()
    return out


# -- field parsers: each returns a value or records a problem and returns None --


def text(row: CsvRow, name: str, problems: Problems, *, required: bool = True) -> str | None:
    value = row.values.get(name, "")
    if required and not value:
        problems.add(row.where, t("geo.field_empty", name=name))
        return None
    return value


def number(
    row: CsvRow, name: str, problems: Problems, *, lo: float | None = None, hi: float | None = None
) -> float | None:
    raw = row.values.get(name, "")
    try:
        value = float(raw)
    except ValueError:
        problems.add(row.where, t("geo.field_number", name=name, raw=raw))
        return None
    if value != value or (lo is not None and value < lo) or (hi is not None and value > hi):
        problems.add(row.where, t("geo.field_range", name=name, raw=raw, lo=lo, hi=hi))
        return None
    return value


def integer(
    row: CsvRow, name: str, problems: Problems, *, lo: int | None = 0, default: int | None = None
) -> int | None:
    raw = row.values.get(name, "")
    if raw == "" and default is not None:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.add(row.where, t("geo.field_integer", name=name, raw=raw))
        return None
    if lo is not None and value < lo:
        problems.add(row.where, t("geo.field_at_least", name=name, value=value, lo=lo))
        return None
    return value


def boolean(row: CsvRow, name: str, problems: Problems) -> bool | None:
    raw = row.values.get(name, "").lower()
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no", ""):
        return False
    problems.add(row.where, t("geo.field_boolean", name=name, raw=raw))
    return None


def komkode(value: str) -> str | None:
    """Normalise a municipality code to 4 digits ("851" -> "0851"); None if not a code."""
    value = value.strip()
    if not value.isdigit() or len(value) > 4:
        return None
    return value.zfill(4)


def code_field(row: CsvRow, name: str, problems: Problems) -> str | None:
    raw = row.values.get(name, "")
    code = komkode(raw)
    if code is None:
        problems.add(row.where, t("geo.field_code", name=name, raw=raw))
    return code


def departures(row: CsvRow, name: str, problems: Problems) -> tuple[int, ...] | None:
    """Space-separated ``HH:MM`` list -> sorted minutes since local midnight."""
    raw = row.values.get(name, "")
    out: list[int] = []
    for token in raw.split():
        m = _HHMM.match(token)
        if not m:
            problems.add(row.where, t("geo.field_time", name=name, token=token))
            return None
        out.append(int(m.group(1)) * 60 + int(m.group(2)))
    return tuple(sorted(out))

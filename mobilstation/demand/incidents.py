"""Burglary incidents: read a police export (CSV, GeoJSON or GeoPackage) and check it.

Incidents feed the hotspot analysis and the burglary component of site
scores. A reader that silently drops rows would hide exactly the data a
planner needs to trust, so every row that cannot be used is reported with
its number and the reason, and points outside the district are counted (and
kept, flagged ``in_district=False``; the hotspot analysis leaves them out).

Row numbers: for a CSV, ``row 1`` is the first data row (the line after the
header, i.e. line 2 of the file); for GeoJSON and GeoPackage, ``feature 1``
is the first feature. Both conventions are stated in every message.

Accepted columns (case-insensitive; the first match wins):

* ``id`` (optional; ``row-<n>`` when missing),
* time: ``timestamp``, ``time``, ``tidspunkt``, ``datetime``, ``dato``, ``date``
  (ISO 8601 with or without offset, or Danish ``dd-mm-yyyy [HH:MM]``; a time
  without offset is local Europe/Copenhagen time),
* location: ``lat``/``lon`` (also ``latitude``/``longitude``, ``lng``) in WGS84,
  or ``x``/``y`` (also ``easting``/``northing``) in ETRS89 / UTM 32N (EPSG:25832);
  GeoJSON and GeoPackage use their point geometry in whatever CRS the file
  declares,
* ``type`` (also ``type_``, ``kategori``, ``category``): a burglary category
  (anything naming ``indbrud``, or English ``burglary``); missing -> ``indbrud``;
  rows of other offences (``butikstyveri``, ...) are counted by type in the
  report and left out, since hotspots and scores are about burglaries,
* ``forsøg`` (also ``forsoeg``, ``forsog``, ``attempt``): ja/nej, true/false, 1/0,
* ``synthetic`` (also ``syntetisk``): ja/nej, true/false, 1/0.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from mobilstation.demand._geom import (
    DENMARK_LATLON_BOX,
    DENMARK_UTM_BOX,
    DistrictIndex,
    to_lonlat,
    to_metric,
)
from mobilstation.errors import InputError
from mobilstation.geo.model import STORAGE_CRS, District
from mobilstation.i18n import num, t
from mobilstation.tabular import read_table

TZ = ZoneInfo("Europe/Copenhagen")

INCIDENT_TYPES: tuple[str, ...] = (
    "indbrud i beboelse",
    "indbrud i virksomhed",
    "indbrud i fritidshus",
    "indbrud i andet",
)
"""The burglary categories the synthetic generator uses (Danish police statistics headings).

Any other category that names ``indbrud`` (e.g. ``indbrud i villa``) is
accepted as given; English ``burglary`` labels are mapped to these.
"""

UNSPECIFIED_TYPE = "indbrud"
"""The type of an incident whose file has no type column or an empty type."""

COLUMNS: tuple[str, ...] = (
    "id",
    "time",
    "type",
    "attempt",
    "synthetic",
    "municipality_code",
    "in_district",
    "geometry",
)
"""Columns of :attr:`Incidents.gdf`, in order."""

_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "incident_id", "sagsnr", "journalnr"),
    "time": ("timestamp", "time", "tidspunkt", "datetime", "dato", "date", "gerningstidspunkt"),
    "lat": ("lat", "latitude", "breddegrad"),
    "lon": ("lon", "lng", "long", "longitude", "laengdegrad", "længdegrad"),
    "x": ("x", "easting", "utm_x", "x_25832"),
    "y": ("y", "northing", "utm_y", "y_25832"),
    "type": ("type", "type_", "kategori", "category", "gerningstype"),
    "attempt": ("forsøg", "forsoeg", "forsog", "attempt"),
    "synthetic": ("synthetic", "syntetisk"),
    "municipality_code": ("municipality_code", "komkode", "kommunekode"),
}

_TRUE = {"1", "true", "t", "ja", "j", "yes", "y", "x", "sand"}
_FALSE = {"0", "false", "f", "nej", "n", "no", "", "falsk"}
_ENGLISH_TYPES = {
    "burglary": UNSPECIFIED_TYPE,
    "residential burglary": "indbrud i beboelse",
    "domestic burglary": "indbrud i beboelse",
    "commercial burglary": "indbrud i virksomhed",
    "business burglary": "indbrud i virksomhed",
    "holiday home burglary": "indbrud i fritidshus",
}
_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)
_DANISH_DATE = re.compile(
    r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)


@dataclass(frozen=True)
class BadRow:
    """A row that could not be used: ``row`` is 1-based over data rows (see module docstring)."""

    row: int
    reason: str


@dataclass
class IncidentReport:
    """What reading a file found: counts and every unusable row.

    ``row_label`` is ``"row"`` (CSV: 1 = the first line after the header) or
    ``"feature"`` (GeoJSON/GeoPackage: 1 = the first feature).
    """

    source: str
    rows_read: int = 0
    used: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    outside_district: int = 0
    snapped_to_coast: int = 0
    after_as_of: int = 0
    other_types: dict[str, int] = field(default_factory=dict)
    """Rows of offences other than burglary (type as written -> count): left out, not bad."""
    as_of: date | None = None
    district: str | None = None
    row_label: str = "row"

    def lines(self, max_bad: int = 20) -> list[str]:
        """Readable lines for the planner (at most ``max_bad`` bad rows listed one by one)."""
        convention = t(f"incidents.convention.{self.row_label}")
        label = t(f"incidents.label.{self.row_label}")
        out = [t("incidents.read", source=self.source, read=self.rows_read, used=self.used)]
        if self.bad_rows:
            skipped = len(self.bad_rows)
            out.append(t("incidents.skipped", source=self.source, count=skipped, convention=convention))
            for b in self.bad_rows[:max_bad]:
                out.append(f"  {label} {b.row}: {b.reason}")
            if len(self.bad_rows) > max_bad:
                out.append(t("incidents.more", count=len(self.bad_rows) - max_bad))
        if self.other_types:
            count, types = sum(self.other_types.values()), _type_counts(self.other_types)
            out.append(t("incidents.other_types", source=self.source, count=count, types=types))
        if self.outside_district:
            count, district = self.outside_district, self.district
            out.append(t("incidents.outside", source=self.source, count=count, district=district))
        if self.snapped_to_coast:
            out.append(t("incidents.snapped", source=self.source, count=self.snapped_to_coast))
        if self.after_as_of:
            late, as_of = self.after_as_of, self.as_of
            out.append(t("incidents.after_as_of", source=self.source, count=late, as_of=as_of))
        return out

    def findings(self) -> list[str]:
        """What a planner must see beyond the row count: rows skipped, left out, outside."""
        return self.lines()[1:]

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class Incidents:
    """Incidents as read: ``gdf`` (EPSG:4326, columns :data:`COLUMNS`), the ``report``
    and ``synthetic`` (True when any row is synthetic, so outputs label what derives from it).

    ``time`` is tz-aware Europe/Copenhagen; ``in_district`` is False for points
    outside the district (always True when no district was given).
    """

    gdf: gpd.GeoDataFrame
    report: IncidentReport
    synthetic: bool

    def __len__(self) -> int:
        return len(self.gdf)

    @property
    def in_district(self) -> gpd.GeoDataFrame:
        """The rows inside the district (what hotspots use)."""
        return self.gdf[self.gdf["in_district"].to_numpy(bool)]


# ---------------------------------------------------------------------------
# reading


def read_incidents(
    path: str | os.PathLike[str],
    district: District | None = None,
    *,
    as_of: date | None = None,
) -> Incidents:
    """Read incidents from a CSV, GeoJSON or GeoPackage file.

    ``district``: when given, each point gets the code of the municipality
    that contains it and points outside are counted in the report (and
    flagged, not dropped). ``as_of``: incidents dated after this day are
    counted in the report (they are kept; hotspots ignore them).

    Raises :class:`InputError` naming the file when it is missing, has no
    location columns, uses coordinates in the wrong CRS, or has no usable
    row.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(t("incidents.not_found", path=path))
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json", ".gpkg", ".shp", ".fgb"):
        table, lon, lat, geom_bad, label = _read_vector(path)
    else:
        table, lon, lat, geom_bad, label = _read_csv(path)
    return _build(path, table, lon, lat, geom_bad, label, district, as_of)


def _read_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, dict[int, str], str]:
    # ';', ',' or tab, BOM, Windows-1252, the product's CSV-injection quote undone (mobilstation.tabular)
    rows_in = read_table(path, what=t("incidents.what"))
    table = pd.DataFrame([dict(r) for r in rows_in], columns=rows_in.header, dtype=str)
    delim = rows_in.delimiter
    if table.empty:
        raise InputError(t("incidents.only_header", path=path))
    cols = _match_columns(table.columns)
    decimal_comma = delim == ";"
    n = len(table)
    bad: dict[int, str] = {}
    if "lat" in cols and "lon" in cols:
        lat, bad_lat = _numbers(table[cols["lat"]], decimal_comma)
        lon, bad_lon = _numbers(table[cols["lon"]], decimal_comma)
        _coordinate_errors(bad, bad_lat, bad_lon, cols["lat"], cols["lon"])
        _check_latlon(path, lat, lon, cols)
        outside = np.isfinite(lat) & np.isfinite(lon) & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
        for i in np.flatnonzero(outside):
            bad.setdefault(int(i), t("incidents.not_wgs84", lat=lat[i], lon=lon[i]))
        lat[outside] = np.nan
        lon[outside] = np.nan
    elif "x" in cols and "y" in cols:
        x, bad_x = _numbers(table[cols["x"]], decimal_comma)
        y, bad_y = _numbers(table[cols["y"]], decimal_comma)
        _coordinate_errors(bad, bad_x, bad_y, cols["x"], cols["y"])
        _check_utm(path, x, y, cols)
        lon, lat = to_lonlat(x, y)
        lon = np.where(np.isfinite(x) & np.isfinite(y), lon, np.nan)
        lat = np.where(np.isfinite(x) & np.isfinite(y), lat, np.nan)
    else:
        found = ", ".join(repr(c) for c in table.columns)
        raise InputError(t("incidents.no_location", path=path, found=found))
    assert len(lat) == n
    return table, np.asarray(lon, float), np.asarray(lat, float), bad, "row"


def _read_vector(path: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, dict[int, str], str]:
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several types for corrupt files
        raise InputError(t("incidents.unreadable", path=path, reason=exc)) from None
    if gdf.empty:
        raise InputError(t("incidents.no_features", path=path))
    if gdf.crs is None:
        raise InputError(t("incidents.no_crs", path=path))
    bad: dict[int, str] = {}
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    gtype = shapely.get_type_id(geoms)
    single_multi = (gtype == 4) & (shapely.get_num_geometries(geoms) == 1)
    geoms = np.where(single_multi, shapely.get_geometry(geoms, 0), geoms)
    gtype = shapely.get_type_id(geoms)
    for i in np.flatnonzero(missing):
        bad[int(i)] = t("incidents.no_geometry")
    for i in np.flatnonzero(~missing & (gtype != 0)):
        bad[int(i)] = t("incidents.not_point", kind=geoms[i].geom_type)
    is_point = ~missing & (gtype == 0)
    px = np.where(is_point, shapely.get_x(np.where(is_point, geoms, None)), np.nan)
    py = np.where(is_point, shapely.get_y(np.where(is_point, geoms, None)), np.nan)
    lon, lat = Transformer.from_crs(gdf.crs, STORAGE_CRS, always_xy=True).transform(px, py)
    lon = np.where(is_point, np.asarray(lon, float), np.nan)
    lat = np.where(is_point, np.asarray(lat, float), np.nan)
    _check_latlon(path, lat, lon, {"lat": "geometry", "lon": "geometry"}, declared=str(gdf.crs))
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    table = pd.DataFrame({c: [_as_text(v) for v in attrs[c]] for c in attrs.columns}, index=range(len(attrs)))
    return table, lon, lat, bad, "feature"


def _as_text(value: object) -> str:
    """A vector attribute as text, so one parser serves CSV and GeoJSON/GeoPackage alike."""
    if value is None or value is pd.NaT or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    return str(value)


def _match_columns(columns: pd.Index) -> dict[str, str]:
    lower = {str(c).strip().lower(): str(c) for c in columns}
    out: dict[str, str] = {}
    for key, names in _ALIASES.items():
        for name in names:
            if name in lower:
                out[key] = lower[name]
                break
    return out


def _numbers(col: pd.Series, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """Float values and a mask of non-empty values that are not numbers."""
    s = col.astype(str).str.strip()
    if decimal_comma:
        s = s.str.replace(",", ".", regex=False)
    vals = np.array(pd.to_numeric(s, errors="coerce"), dtype=float)
    vals[~np.isfinite(vals)] = np.nan
    not_number = (s != "").to_numpy() & np.isnan(vals)
    return vals, not_number


def _coordinate_errors(bad: dict[int, str], bad_a: np.ndarray, bad_b: np.ndarray, a: str, b: str) -> None:
    for i in np.flatnonzero(bad_a):
        bad.setdefault(int(i), t("incidents.not_number", column=a))
    for i in np.flatnonzero(bad_b):
        bad.setdefault(int(i), t("incidents.not_number", column=b))


def _check_latlon(
    path: Path, lat: np.ndarray, lon: np.ndarray, cols: dict[str, str], declared: str | None = None
) -> None:
    """Refuse a file whose lat/lon are clearly not WGS84 degrees in Denmark."""
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return
    la, lo = np.median(lat[ok]), np.median(lon[ok])
    lat_min, lat_max, lon_min, lon_max = DENMARK_LATLON_BOX
    if declared:
        where = t("incidents.where_crs", crs=declared)
    else:
        where = t("incidents.where_columns", a=cols["lat"], b=cols["lon"])
    if lat_min <= la <= lat_max and lon_min <= lo <= lon_max:
        return
    if lat_min <= lo <= lat_max and lon_min <= la <= lon_max:
        median = {"lat": num(la, 4), "lon": num(lo, 4)}
        raise InputError(t("incidents.latlon_swapped", path=path, where=where, **median))
    if abs(la) > 90 or abs(lo) > 180:
        raise InputError(t("incidents.projected", path=path, where=where, a=f"{la:.0f}", b=f"{lo:.0f}"))
    raise InputError(t("incidents.not_in_denmark", path=path, where=where, lat=num(la, 4), lon=num(lo, 4)))


def _check_utm(path: Path, x: np.ndarray, y: np.ndarray, cols: dict[str, str]) -> None:
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return
    mx, my = np.median(x[ok]), np.median(y[ok])
    x_min, x_max, y_min, y_max = DENMARK_UTM_BOX
    where = t("incidents.where_columns", a=cols["x"], b=cols["y"])
    if x_min <= mx <= x_max and y_min <= my <= y_max:
        return
    if abs(mx) <= 180 and abs(my) <= 90:
        raise InputError(t("incidents.utm_degrees", path=path, where=where, x=num(mx, 4), y=num(my, 4)))
    if x_min <= my <= x_max and y_min <= mx <= y_max:
        raise InputError(t("incidents.xy_swapped", path=path, where=where, x=f"{mx:.0f}", y=f"{my:.0f}"))
    raise InputError(t("incidents.utm_not_in_denmark", path=path, where=where, x=f"{mx:.0f}", y=f"{my:.0f}"))


def parse_times(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse timestamps to tz-aware Europe/Copenhagen; returns (times, not-parsed mask).

    ISO 8601 with an offset (or ``Z``) is converted; without one it is local
    time. In the autumn DST overlap the earlier (summer-time) reading is used;
    a time in the spring gap is moved forward. Danish ``dd-mm-yyyy [HH:MM]``
    (also with ``.`` or ``/``) is accepted. A date alone means local midnight.
    """
    s = values.astype(str).str.strip()
    n = len(s)
    out = pd.Series(pd.NaT, index=s.index, dtype=f"datetime64[ns, {TZ.key}]")
    has_tz = s.str.contains(_TZ_SUFFIX).to_numpy() & s.str.contains(r"\d[T ]\d", regex=True).to_numpy()
    if has_tz.any():
        t = pd.to_datetime(s[has_tz], format="ISO8601", utc=True, errors="coerce")
        out[has_tz] = t.dt.tz_convert(TZ)
    naive = ~has_tz & (s != "").to_numpy()
    if naive.any():
        sub = s[naive]
        danish = sub.str.match(_DANISH_DATE)
        t = pd.Series(pd.NaT, index=sub.index, dtype="datetime64[ns]")
        iso = ~danish
        if iso.any():
            t[iso] = pd.to_datetime(sub[iso], format="ISO8601", errors="coerce")
        if danish.any():
            parts = sub[danish].str.extract(_DANISH_DATE)
            iso_text = (
                parts[2]
                + "-"
                + parts[1].str.zfill(2)
                + "-"
                + parts[0].str.zfill(2)
                + "T"
                + parts[3].fillna("0").str.zfill(2)
                + ":"
                + parts[4].fillna("00")
                + ":"
                + parts[5].fillna("00")
            )
            t[danish] = pd.to_datetime(iso_text, format="%Y-%m-%dT%H:%M:%S", errors="coerce")
        t = t.astype("datetime64[ns]")
        ok = t.notna()
        if ok.any():
            loc = t[ok].dt.tz_localize(
                TZ, ambiguous=np.ones(int(ok.sum()), dtype=bool), nonexistent="shift_forward"
            )
            out[loc.index] = loc
    bad = out.isna().to_numpy()
    assert len(bad) == n
    return out, bad


def _parse_bool(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    s = col.astype(str).str.strip().str.lower()
    true = s.isin(_TRUE).to_numpy()
    false = s.isin(_FALSE).to_numpy()
    return true, ~(true | false)


def _type_counts(counts: dict[str, int]) -> str:
    """``butikstyveri 3, færdselsuheld 1``: most frequent first."""
    return ", ".join(f"{t} {c}" for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _normalise_types(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    s = col.astype(str).str.strip()
    low = s.str.lower().str.replace(r"\s+", " ", regex=True)
    mapped = low.map(_ENGLISH_TYPES)
    out = np.where(mapped.notna(), mapped, low).astype(object)
    empty = (low == "").to_numpy()
    out[empty] = UNSPECIFIED_TYPE
    ok = empty | mapped.notna().to_numpy() | low.str.contains("indbrud", regex=False).to_numpy()
    return out, ~ok


def _build(
    path: Path,
    table: pd.DataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    bad: dict[int, str],
    label: str,
    district: District | None,
    as_of: date | None,
) -> Incidents:
    n = len(table)
    cols = _match_columns(table.columns)
    report = IncidentReport(source=str(path), rows_read=n, as_of=as_of, row_label=label)
    report.district = district.name if district is not None else None

    for i in np.flatnonzero(~(np.isfinite(lat) & np.isfinite(lon))):
        bad.setdefault(int(i), t("incidents.missing_coordinates"))

    if "time" not in cols:
        expected, found = ", ".join(_ALIASES["time"]), ", ".join(repr(c) for c in table.columns)
        raise InputError(t("incidents.no_time_column", path=path, expected=expected, found=found))
    times, bad_time = parse_times(table[cols["time"]])
    raw_time = table[cols["time"]].astype(str).str.strip().to_numpy()
    for i in np.flatnonzero(bad_time):
        text = raw_time[i]
        if text == "":
            reason = t("incidents.missing_time")
        else:
            reason = t("incidents.bad_time", column=cols["time"], text=text)
        bad.setdefault(int(i), t("incidents.time_expected", reason=reason))

    # a police export holds other offences too (butikstyveri, ...): they are
    # counted by type and left out, not reported as bad rows
    other = np.zeros(n, dtype=bool)
    if "type" in cols:
        types, other = _normalise_types(table[cols["type"]])
        raw = table[cols["type"]].astype(str).str.strip().to_numpy()
        for i in np.flatnonzero(other):
            if int(i) not in bad:
                report.other_types[raw[i]] = report.other_types.get(raw[i], 0) + 1
    else:
        types = np.full(n, UNSPECIFIED_TYPE, dtype=object)

    flags: dict[str, np.ndarray] = {}
    for key in ("attempt", "synthetic"):
        if key in cols:
            val, bad_val = _parse_bool(table[cols[key]])
            raw = table[cols[key]].astype(str).str.strip().to_numpy()
            for i in np.flatnonzero(bad_val):
                bad.setdefault(int(i), t("incidents.bad_flag", column=cols[key], value=raw[i]))
            flags[key] = val
        else:
            flags[key] = np.zeros(n, dtype=bool)

    if "id" in cols:
        ids = table[cols["id"]].astype(str).str.strip().to_numpy(dtype=object)
        empty = ids == ""
        ids[empty] = [f"row-{i + 1}" for i in np.flatnonzero(empty)]
    else:
        ids = np.array([f"row-{i + 1}" for i in range(n)], dtype=object)
    seen: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if i in bad or other[i]:
            continue
        if ident in seen:
            where = t(f"incidents.label.{label}")
            bad[i] = t("incidents.duplicate_id", id=ident, label=where, first=seen[ident] + 1)
        else:
            seen[ident] = i

    good = ~other
    good[list(bad)] = False
    report.bad_rows = [BadRow(i + 1, bad[i]) for i in sorted(bad)]
    if not good.any():
        why = [f"{t(f'incidents.label.{label}')} {b.row}: {b.reason}" for b in report.bad_rows[:3]]
        if report.other_types:
            count, types = sum(report.other_types.values()), _type_counts(report.other_types)
            examples = ", ".join(INCIDENT_TYPES)
            why.append(t("incidents.other_types_why", count=count, types=types, examples=examples))
        raise InputError(t("incidents.none_usable", path=path, count=n, why="; ".join(why)))

    idx = np.flatnonzero(good)
    lon_g, lat_g = lon[idx], lat[idx]
    codes = np.full(len(idx), "", dtype=object)
    inside = np.ones(len(idx), dtype=bool)
    if district is not None:
        dindex = DistrictIndex(district)
        mun, snapped = dindex.locate(*to_metric(lon_g, lat_g))
        inside = mun >= 0
        codes[inside] = np.asarray(dindex.codes, dtype=object)[mun[inside]]
        report.outside_district = int((~inside).sum())
        report.snapped_to_coast = int(snapped.sum())
        if not inside.any():
            raise InputError(t("incidents.none_inside", path=path, count=len(idx), district=district.name))
    elif "municipality_code" in cols:
        codes = table[cols["municipality_code"]].astype(str).str.strip().to_numpy(dtype=object)[idx]

    gdf = gpd.GeoDataFrame(
        {
            "id": pd.Series(ids[idx], dtype=object),
            "time": times.iloc[idx].reset_index(drop=True),
            "type": pd.Series(types[idx], dtype=object),
            "attempt": flags["attempt"][idx],
            "synthetic": flags["synthetic"][idx],
            "municipality_code": pd.Series(codes, dtype=object),
            "in_district": inside,
        },
        geometry=gpd.points_from_xy(lon_g, lat_g),
        crs=STORAGE_CRS,
    )
    report.used = len(gdf)
    if as_of is not None:
        end = pd.Timestamp(datetime.combine(as_of + timedelta(days=1), datetime.min.time()), tz=TZ)
        report.after_as_of = int((gdf["time"] >= end).sum())
    return Incidents(gdf=gdf[list(COLUMNS)], report=report, synthetic=bool(gdf["synthetic"].any()))


def as_incidents(data: Incidents | gpd.GeoDataFrame, source: str = "incidents") -> Incidents:
    """Wrap a GeoDataFrame with :data:`COLUMNS` (e.g. from the synthetic generator) as :class:`Incidents`."""
    if isinstance(data, Incidents):
        return data
    missing = [c for c in COLUMNS if c not in data.columns and c not in ("in_district", "municipality_code")]
    if missing:
        raise ValueError(f"{source}: incident table lacks columns {missing}")
    gdf = data.to_crs(STORAGE_CRS) if data.crs is not None and str(data.crs) != STORAGE_CRS else data
    gdf = gdf.copy()
    if "in_district" not in gdf.columns:
        gdf["in_district"] = True
    if "municipality_code" not in gdf.columns:
        gdf["municipality_code"] = ""
    report = IncidentReport(source=source, rows_read=len(gdf), used=len(gdf))
    return Incidents(gdf=gdf[list(COLUMNS)], report=report, synthetic=bool(gdf["synthetic"].any()))

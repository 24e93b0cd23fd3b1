"""Synthetic burglary incidents: a documented, seeded stand-in for police data.

Real incident data (``indbrud``) is confidential, so the default scenario plans
with synthetic incidents that are *plausible in shape* and clearly labelled
(``synthetic=True`` on every row, and on every hotspot and site derived from
them). Nothing here claims to reproduce real crime levels.

The model (all draws from one ``numpy.random.Generator(seed)``, municipalities
in code order, so the same district and parameters give the same file):

1. **How many.** Each municipality gets a Poisson count with mean
   ``population / 1000 * rate_per_1000 * weeks * 7 / 365.25``.
2. **Where.** A share ``rural_share`` falls uniformly over the municipality;
   the rest around its towns, a town chosen with probability proportional to
   its population, at a distance drawn from a 2-D exponential profile
   (density ~ ``exp(-r / s)``, i.e. ``r ~ Gamma(2, s)``) with scale
   ``s = town_distance_decay_m * sqrt(population / 10_000)``. A point that
   falls outside its municipality (sea, a neighbour) is redrawn, so every
   point lies inside the district and an island municipality (Læsø) only gets
   points on the island.
3. **When.** A day uniformly in the ``weeks`` ending on ``end_date``; an hour
   from :data:`HOUR_PROFILE` (daytime and early evening, when homes are
   empty), minute uniform.
4. **Near-repeat bursts.** ``clusters`` bursts, each seeded at a random
   background incident: ``cluster_size`` residential burglaries within
   ``cluster_radius_m`` (Gaussian, the radius is 2 sigma) over
   ``cluster_duration_days``.
5. **What.** Category from ``type_shares``; attempt (``forsøg``) with
   probability ``attempt_share``; ``synthetic=True`` on every row.

Regenerate the committed file with::

    python -m mobilstation.demand.synthetic --district "Nordjyllands Politi" \
        --seed 20261130 --end-date 2026-11-29 --out geodata/nordjylland_incidents_synthetic.csv
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from collections.abc import Sequence
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pydantic import BaseModel, ConfigDict, Field

from mobilstation._io import atomic_write_text
from mobilstation.demand._geom import geom_to_metric, to_lonlat, to_metric
from mobilstation.demand.incidents import COLUMNS, TZ, IncidentReport, Incidents
from mobilstation.errors import InputError
from mobilstation.geo.model import STORAGE_CRS, District

HOUR_PROFILE: tuple[float, ...] = (
    1.0, 0.9, 0.8, 0.6, 0.5, 0.5,   # 00-05: night, homes occupied
    0.6, 0.8, 1.2, 1.6,             # 06-09
    2.0, 2.2, 2.2, 2.2,             # 10-13: working day, homes empty
    2.4, 2.6, 2.8, 3.0,             # 14-17: dusk in winter
    3.0, 2.6, 2.0, 1.6,             # 18-21: early evening
    1.3, 1.1,                       # 22-23
)  # fmt: skip
"""Relative frequency of burglaries by hour of day (local time); normalised when drawn.

Residential burglary peaks in daytime and the early evening, when homes are
empty and, in winter, already dark.
"""

DEFAULT_TYPE_SHARES: dict[str, float] = {
    "indbrud i beboelse": 0.78,
    "indbrud i virksomhed": 0.12,
    "indbrud i fritidshus": 0.07,
    "indbrud i andet": 0.03,
}
"""Default mix of burglary categories (Danish police statistics use these headings).

Residential burglary dominates; business premises, holiday homes and other
buildings (sheds, garages) make up the rest.
"""


class SyntheticParams(BaseModel):
    """Parameters of the synthetic incident generator (see :func:`generate_incidents`).

    Units are in the field names: a *rate per 1,000 inhabitants per year*,
    weeks, metres, days.
    """

    model_config = ConfigDict(extra="forbid")

    rate_per_1000: float = Field(default=4.0, ge=0, le=10_000)
    """Burglaries (all categories) per 1,000 inhabitants **per year**.

    The expected count for a municipality over the window is
    ``population / 1000 * rate_per_1000 * weeks * 7 / 365.25``. The default
    (4 per 1,000 a year) is of the order of Danish residential burglary
    levels; it gives about 580 incidents in 12 weeks for ~600,000 people.
    """
    weeks: int = Field(default=12, ge=1, le=104)
    """Length of the generated period in weeks, ending on ``end_date``."""
    clusters: int = Field(default=6, ge=0, le=1000)
    """Number of near-repeat bursts (a series of break-ins close in space and time)."""
    cluster_size: int = Field(default=12, ge=1, le=10_000)
    """Incidents per burst (on top of the background count)."""
    cluster_radius_m: float = Field(default=300.0, gt=0, le=5000)
    """Bursts fall within this distance (metres) of their seed point (Gaussian, 2-sigma)."""
    cluster_duration_days: int = Field(default=14, ge=1, le=365)
    """A burst's incidents fall within this many days after its first one.

    Near-repeat studies (Johnson & Bowers 2004; Townsley, Homel & Chaseling
    2003) find the raised risk near a burglary strongest for one to two weeks
    within a few hundred metres.
    """
    town_distance_decay_m: float = Field(default=600.0, gt=0, le=50_000)
    """Distance-decay scale (metres) of incidents around a town of 10,000 people.

    A town of population ``p`` spreads incidents with a 2-D exponential
    profile of scale ``town_distance_decay_m * sqrt(p / 10_000)`` (a town's
    built-up radius grows roughly with the square root of its population):
    half of a 10,000-person town's incidents fall within about 1 km of its
    centre, half of a 140,000-person city's within about 3.8 km.
    """
    rural_share: float = Field(default=0.10, ge=0, le=1)
    """Share of background incidents spread uniformly over the municipality (farms, hamlets)."""
    attempt_share: float = Field(default=0.30, ge=0, le=1)
    """Share of incidents that are attempts (``forsøg``)."""
    type_shares: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_TYPE_SHARES))
    """Category -> relative share (normalised to sum 1)."""
    seed: int = 20261130
    """Seed of ``numpy.random.Generator``; same seed and district -> the same incidents."""
    end_date: date | None = None
    """Last day of the generated period (inclusive). None: the scenario's ``as_of``
    (the day before the planned week) is used."""

    @property
    def type_probabilities(self) -> tuple[tuple[str, ...], np.ndarray]:
        """Categories (sorted) and their normalised probabilities."""
        names = tuple(sorted(self.type_shares))
        p = np.array([self.type_shares[k] for k in names], dtype=float)
        if not len(names) or p.sum() <= 0 or (p < 0).any():
            raise ValueError("type_shares needs at least one category with a positive share")
        return names, p / p.sum()


_MAX_REDRAWS = 200


def generate_incidents(
    district: District, params: SyntheticParams, *, end_date: date | None = None
) -> gpd.GeoDataFrame:
    """Synthetic incidents for ``district`` (EPSG:4326, the columns of :data:`~.incidents.COLUMNS`).

    ``end_date`` is used when ``params.end_date`` is None (the scenario passes
    its ``as_of``); one of them must be set. Rows are sorted by time and
    numbered ``syn-00001``, ...; coordinates are rounded to 1e-6 degrees.
    """
    end = params.end_date or end_date
    if end is None:
        raise ValueError("generate_incidents: no end_date (set params.end_date or pass end_date=)")
    rng = np.random.default_rng(params.seed)
    names, type_p = params.type_probabilities
    days = params.weeks * 7
    start = end - timedelta(days=days - 1)
    hour_p = np.asarray(HOUR_PROFILE) / sum(HOUR_PROFILE)

    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    geoms: dict[str, object] = {}
    for mun in sorted(district.municipalities, key=lambda m: m.code):
        geom = geom_to_metric(mun.geometry)
        shapely.prepare(geom)
        geoms[mun.code] = geom
        towns = sorted((t for t in district.towns if t.municipality_code == mun.code), key=lambda t: t.id)
        population = mun.population if mun.population is not None else sum(t.population for t in towns)
        mean = population / 1000.0 * params.rate_per_1000 * days / 365.25
        n = int(rng.poisson(mean)) if mean > 0 else 0
        if n == 0:
            continue
        n_rural = int(rng.binomial(n, params.rural_share)) if towns else n
        x_r, y_r = _uniform_in(geom, n_rural, rng)
        x_t, y_t = _around_towns(geom, towns, n - n_rural, params.town_distance_decay_m, rng)
        xs += [x_r, x_t]
        ys += [y_r, y_t]
        codes.append(np.full(n, mun.code, dtype=object))
    x = np.concatenate(xs) if xs else np.zeros(0)
    y = np.concatenate(ys) if ys else np.zeros(0)
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=object)
    n_bg = len(x)
    day = rng.integers(0, days, size=n_bg)
    kind = rng.choice(len(names), size=n_bg, p=type_p)
    types = np.asarray(names, dtype=object)[kind] if n_bg else np.zeros(0, dtype=object)

    # near-repeat bursts, seeded at background incidents (so they fall where people live)
    if params.clusters and n_bg:
        c_x, c_y, c_code, c_day = [], [], [], []
        duration = min(params.cluster_duration_days, days)
        for _ in range(params.clusters):
            seed_i = int(rng.integers(0, n_bg))
            first = int(rng.integers(0, days - duration + 1))
            bx, by = _burst(
                geoms[code[seed_i]], x[seed_i], y[seed_i], params.cluster_size, params.cluster_radius_m, rng
            )
            c_x.append(bx)
            c_y.append(by)
            c_code.append(np.full(len(bx), code[seed_i], dtype=object))
            c_day.append(first + rng.integers(0, duration, size=len(bx)))
        x = np.concatenate([x, *c_x])
        y = np.concatenate([y, *c_y])
        code = np.concatenate([code, *c_code])
        day = np.concatenate([day, *c_day])
        residential = "indbrud i beboelse" if "indbrud i beboelse" in names else names[int(np.argmax(type_p))]
        types = np.concatenate([types, np.full(len(x) - n_bg, residential, dtype=object)])

    n = len(x)
    hour = rng.choice(24, size=n, p=hour_p)
    minute = rng.integers(0, 60, size=n)
    attempt = rng.random(n) < params.attempt_share
    naive = (
        pd.to_datetime(np.full(n, start.isoformat()))
        + pd.to_timedelta(day, unit="D")
        + pd.to_timedelta(hour * 60 + minute, unit="min")
    )
    times = pd.Series(naive).dt.tz_localize(TZ, ambiguous=np.ones(n, dtype=bool), nonexistent="shift_forward")
    lon, lat = to_lonlat(x, y)
    lon, lat = np.round(lon, 6), np.round(lat, 6)
    order = np.lexsort((lat, lon, times.to_numpy(dtype="datetime64[ns]").astype(np.int64)))
    gdf = gpd.GeoDataFrame(
        {
            "id": [f"syn-{i + 1:05d}" for i in range(n)],
            "time": times.iloc[order].reset_index(drop=True),
            "type": pd.Series(types[order], dtype=object),
            "attempt": attempt[order],
            "synthetic": np.ones(n, dtype=bool),
            "municipality_code": pd.Series(code[order], dtype=object),
            "in_district": np.ones(n, dtype=bool),
        },
        geometry=gpd.points_from_xy(lon[order], lat[order]),
        crs=STORAGE_CRS,
    )
    return gdf[list(COLUMNS)]


def synthetic_incidents(
    district: District, params: SyntheticParams, *, end_date: date | None = None
) -> Incidents:
    """:func:`generate_incidents` wrapped as :class:`~.incidents.Incidents` (what hotspots and sites take)."""
    gdf = generate_incidents(district, params, end_date=end_date)
    end = params.end_date or end_date
    report = IncidentReport(
        source=f"synthetic incidents (seed {params.seed}, {params.weeks} weeks to {end})",
        rows_read=len(gdf),
        used=len(gdf),
        district=district.name,
    )
    return Incidents(gdf=gdf, report=report, synthetic=True)


def _uniform_in(geom: object, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform over a metric polygon (rejection sampling in its bounding box)."""
    out_x: list[np.ndarray] = []
    out_y: list[np.ndarray] = []
    need = n
    xmin, ymin, xmax, ymax = geom.bounds  # type: ignore[attr-defined]
    while need > 0:
        k = max(2 * need, 64)
        px = rng.uniform(xmin, xmax, k)
        py = rng.uniform(ymin, ymax, k)
        ok = shapely.contains_xy(geom, px, py)
        out_x.append(px[ok][:need])
        out_y.append(py[ok][:need])
        need -= int(min(ok.sum(), need))
    if not out_x:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(out_x), np.concatenate(out_y)


def _around_towns(
    geom: object, towns: Sequence[object], n: int, decay_m: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points around ``towns`` (chosen by population), redrawn until inside ``geom``."""
    if n == 0 or not towns:
        return np.zeros(0), np.zeros(0)
    pops = np.array([max(t.population, 1) for t in towns], dtype=float)  # type: ignore[attr-defined]
    tx, ty = to_metric(
        np.array([t.lon for t in towns]),  # type: ignore[attr-defined]
        np.array([t.lat for t in towns]),  # type: ignore[attr-defined]
    )
    scale = decay_m * np.sqrt(np.maximum(pops, 500.0) / 10_000.0)
    which = rng.choice(len(towns), size=n, p=pops / pops.sum())
    x = np.empty(n)
    y = np.empty(n)
    todo = np.arange(n)
    for _ in range(_MAX_REDRAWS):
        if not len(todo):
            break
        w = which[todo]
        r = rng.gamma(2.0, scale[w])
        a = rng.uniform(0.0, 2.0 * math.pi, len(todo))
        px = tx[w] + r * np.cos(a)
        py = ty[w] + r * np.sin(a)
        ok = shapely.contains_xy(geom, px, py)
        x[todo[ok]] = px[ok]
        y[todo[ok]] = py[ok]
        todo = todo[~ok]
    if len(todo):  # a town whose surroundings are mostly sea: fall back to the municipality
        fx, fy = _uniform_in(geom, len(todo), rng)
        x[todo], y[todo] = fx, fy
    return x, y


def _burst(
    geom: object, cx: float, cy: float, n: int, radius_m: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points around (cx, cy): Gaussian with sigma = radius/2, cut at ``radius_m``, inside ``geom``."""
    x = np.full(n, cx)
    y = np.full(n, cy)
    todo = np.arange(n)
    for _ in range(_MAX_REDRAWS):
        if not len(todo):
            break
        dx = rng.normal(0.0, radius_m / 2.0, len(todo))
        dy = rng.normal(0.0, radius_m / 2.0, len(todo))
        px, py = cx + dx, cy + dy
        ok = (dx * dx + dy * dy <= radius_m * radius_m) & shapely.contains_xy(geom, px, py)
        x[todo[ok]] = px[ok]
        y[todo[ok]] = py[ok]
        todo = todo[~ok]
    return x, y  # points never placed stay on the (inside) seed point


def incidents_csv_text(gdf: gpd.GeoDataFrame) -> str:
    """The CSV text :func:`write_incidents_csv` writes (``read_incidents`` reads it back)."""
    buf = io.StringIO()
    buf.write("id,time,type,attempt,synthetic,municipality_code,lat,lon\n")
    times = gdf["time"].dt.tz_convert(TZ)
    for row, t, geom in zip(gdf.itertuples(index=False), times, gdf.geometry, strict=True):
        buf.write(
            f"{row.id},{t.isoformat()},{row.type},{'true' if row.attempt else 'false'},"
            f"{'true' if row.synthetic else 'false'},{row.municipality_code},"
            f"{geom.y:.6f},{geom.x:.6f}\n"
        )
    return buf.getvalue()


def write_incidents_csv(gdf: gpd.GeoDataFrame, path: str) -> None:
    """Write incidents as CSV (UTF-8, atomically): id, time (ISO 8601 with offset), type,
    attempt, synthetic, municipality_code, lat, lon (WGS84, 6 decimals)."""
    atomic_write_text(path, incidents_csv_text(gdf))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mobilstation.demand.synthetic --district NAME --out FILE [...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m mobilstation.demand.synthetic",
        description="Generate a seeded synthetic burglary incident CSV for a police district.",
    )
    parser.add_argument("--district", required=True, help="police district name or number")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--end-date", required=True, type=date.fromisoformat, help="last day (YYYY-MM-DD)")
    defaults = SyntheticParams()
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--weeks", type=int, default=defaults.weeks)
    parser.add_argument("--rate-per-1000", type=float, default=defaults.rate_per_1000)
    parser.add_argument("--clusters", type=int, default=defaults.clusters)
    args = parser.parse_args(argv)
    from mobilstation.geo import load_district

    try:
        district = load_district(int(args.district) if args.district.isdigit() else args.district)
        params = SyntheticParams(
            seed=args.seed,
            weeks=args.weeks,
            rate_per_1000=args.rate_per_1000,
            clusters=args.clusters,
            end_date=args.end_date,
        )
        gdf = generate_incidents(district, params)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_incidents_csv(gdf, args.out)
    print(f"wrote {len(gdf)} synthetic incidents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

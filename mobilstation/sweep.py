"""Scenario sweeps: plan every combination of a grid of overrides, in parallel on Dask.

An analyst asks "what if burglaries weighed twice as much, with one vehicle
or two, over three seeds?" A grid file answers it in one command::

    # grid.yaml (more examples in scenarios/sweeps/)
    weights.burglary: [1.0, 3.0]      # dotted scenario field -> list of values
    solver.seed: [1, 2]
    n_vehicles: [1, 2]                # special: keep the first N vehicles
    fixed:                            # applied to every combination
      solver.work_limit: 300

    mobilstation sweep scenarios/nordjylland.yaml --grid grid.yaml --out out/sweep --no-maps

Grid keys are dotted override paths of the scenario (``weights.burglary``,
``solver.seed``, ``quotas.Læsø.min_visits``, ``days``: anything
``--set`` accepts), each with a non-empty list of values. Two special keys
need no scenario field: ``n_vehicles`` keeps the first N of the scenario's
vehicles and ``n_days`` the first N of its planned days. ``fixed:`` holds
overrides applied to every combination (a short ``solver.work_limit``, say).

The combinations are the cartesian product in the grid's key order, values
in the order listed. Each gets a stable id (a hash of its parameters and the
fixed overrides, so a changed ``fixed:`` never reuses stale plans) and a run
directory ``OUT/runs/<id>/`` with the plan's outputs (:meth:`Plan.save`).

``OUT/sweep.csv`` (comma-separated, UTF-8, ``.`` decimals, for pandas) has
one row per finished combination: ``id``, the parameters (lists as JSON),
``status`` (``ok``, ``infeasible`` when no plan satisfies the scenario,
``error`` for anything else), ``message``, ``seconds`` (wall time of the
plan), ``run_dir``, the KPIs of :data:`KPI_COLUMNS` and ``pareto``. It is
rewritten atomically after every finished plan, so an interrupted sweep
keeps what finished, and a rerun (``resume``) skips every combination whose
row says ``ok`` and whose run directory holds a complete ``plan.json``.
Infeasible and failed combinations are tried again. ``OUT/sweep.json``
records the scenario, the grid and every combination's id and parameters.

Every combination is validated before anything is solved, so a typo in the
grid fails at once (:class:`~mobilstation.errors.InputError`, CLI exit 2)
naming the grid key. After the sweep ``OUT/tradeoff.png`` plots small-town
coverage against hotspot coverage (both by mobile-station visits), coloured
by travel share, with the non-dominated plans marked and labelled.

Parallelism: a local Dask cluster of ``n_workers`` single-threaded worker
processes, or an existing Dask scheduler (``scheduler="tcp://host:8786"``);
remote workers need ``mobilstation`` installed and the same file system
paths (scenario, its input files, ``OUT``). The local workers are spawned
processes that import the calling script again, so a script that calls
:func:`run_sweep` does so under ``if __name__ == "__main__":`` (the
``mobilstation`` command and notebooks need nothing).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import math
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any


from mobilstation._io import atomic_write_bytes, atomic_write_text
from mobilstation.errors import InputError, PlanFailed
from mobilstation.i18n import language, t, using
from mobilstation.plan import PlanRecord

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "KPI_COLUMNS",
    "MANIFEST_FILE",
    "SPECIAL_KEYS",
    "SWEEP_FILE",
    "TRADEOFF_FILE",
    "Combination",
    "Grid",
    "SweepProgress",
    "combination_id",
    "combinations",
    "load_grid",
    "pareto_mask",
    "plan_kpis",
    "plot_tradeoff",
    "read_sweep",
    "register",
    "run_sweep",
]

SWEEP_FILE = "sweep.csv"
TRADEOFF_FILE = "tradeoff.png"
MANIFEST_FILE = "sweep.json"
RUNS_DIR = "runs"
FIXED_KEY = "fixed"

#: Grid keys that are not scenario fields: ``n_vehicles`` keeps the first N
#: vehicles of the scenario (after the other overrides), ``n_days`` the first
#: N planned days.
SPECIAL_KEYS: tuple[str, ...] = ("n_vehicles", "n_days")

#: The KPI columns of ``sweep.csv``, each recomputed from the run's ``plan.json``.
#: Shares are 0..1; hours are hours; ``objective``/``upper_bound`` in score units.
KPI_COLUMNS: tuple[str, ...] = (
    "objective",  # the solver's objective (sum of visit scores), from the plan's KPIs
    "upper_bound",  # a proven upper bound on the objective, when the solver gave one
    "gap",  # (upper_bound - objective) / upper_bound
    "solve_seconds",  # the optimiser's wall time
    "visits",  # mobile-station stops in the week
    "visits_town",
    "visits_outlying",
    "visits_neighbourhood",
    "visits_request",
    "sites_visited",  # distinct sites visited at least once
    "candidates",  # candidate sites
    "town_coverage",  # share of small-town sites visited at least once (None: no such sites)
    "outlying_coverage",
    "neighbourhood_coverage",
    "request_coverage",
    "hotspot_coverage",  # share of hotspot intensity whose neighbourhood got a visit or patrol
    "hotspot_coverage_mobile",  # the same, mobile-station visits only
    "travel_share",  # driving (ferries included) / vehicles' time out, departure to return
    "travel_hours",
    "mobile_hours",  # mobile-station service hours
    "patrol_hours",  # lokalbetjent patrol hours
    "hours_per_1000",  # (mobile + patrol) hours per 1,000 inhabitants, whole district
    "hours_per_1000_min",  # lowest municipality
    "hours_per_1000_max",  # highest municipality
    "hours_per_1000_gini",  # spread over municipalities (0 = even per inhabitant)
    "quotas_met",  # municipalities with a quota that met it
    "quotas",  # municipalities with a quota
    "unvisited_high_priority",  # unvisited sites in the top quarter of scores (or mandatory)
)

_META_COLUMNS: tuple[str, ...] = ("id", "status", "message", "seconds", "run_dir")
_COUNT_COLUMNS: tuple[str, ...] = tuple(
    c
    for c in KPI_COLUMNS
    if c.startswith("visits")
    or c in ("sites_visited", "candidates", "quotas_met", "quotas", "unvisited_high_priority")
)

#: Called after each finished combination with (done, total, row); once at the
#: start with the combinations already done on resume and ``row=None``.
SweepProgress = Callable[[int, int, "Mapping[str, Any] | None"], None]


# ---------------------------------------------------------------------------
# the grid
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """A parsed grid: ``axes`` (key -> values, in file order) and ``fixed`` overrides.

    ``source`` labels the grid in error messages (its file, or "grid").
    """

    axes: dict[str, list[Any]]
    fixed: dict[str, Any] = field(default_factory=dict)
    source: str = "grid"

    @property
    def size(self) -> int:
        return math.prod(len(v) for v in self.axes.values())


@dataclass(frozen=True)
class Combination:
    """One point of the grid.

    ``index`` is its place in the deterministic order; ``id`` a stable hash of
    ``params`` and the grid's fixed overrides; ``params`` the grid values
    (key -> value, grid order); ``overrides`` the dotted scenario overrides
    actually applied (fixed + params, special keys expanded to ``vehicles``
    and ``days``).
    """

    index: int
    id: str
    params: dict[str, Any]
    overrides: dict[str, Any]


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_grid(grid: Mapping[str, Any] | str | os.PathLike[str]) -> Grid:
    """Read a grid file (YAML) or take a mapping; check its shape (not the scenario fields).

    Raises :class:`InputError` naming the grid file and key: a missing file,
    invalid YAML, a key whose value is not a non-empty list, ``fixed`` that
    is not a mapping, or a grid with no keys.
    """
    import yaml

    if isinstance(grid, Mapping):
        data: Any = dict(grid)
        source = "grid"
    else:
        path = Path(grid)
        source = _label(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(t("sweep.error.not_found", source=source)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(t("sweep.error.unreadable", source=source, reason=exc)) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = "" if mark is None else t("sweep.error.at", line=mark.line + 1, column=mark.column + 1)
            problem = getattr(exc, "problem", None) or exc
            raise InputError(t("sweep.error.yaml", source=source, where=where, problem=problem)) from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError(t("sweep.error.not_mapping", source=source, got=type(data).__name__))
    fixed = data.get(FIXED_KEY) or {}
    if not isinstance(fixed, Mapping):
        raise InputError(t("sweep.error.fixed", source=source, fixed_key=FIXED_KEY, got=repr(fixed)))
    axes: dict[str, list[Any]] = {}
    reserved = set(_META_COLUMNS) | set(KPI_COLUMNS) | {"pareto"}
    for key, values in data.items():
        if key == FIXED_KEY:
            continue
        key = str(key)
        if key in reserved:
            raise InputError(t("sweep.error.reserved", source=source, key=key, file=SWEEP_FILE))
        if isinstance(values, Mapping):
            example = next(iter(values), "field")
            raise InputError(t("sweep.error.nested", source=source, key=key, field=example))
        if not isinstance(values, list) or not values:
            raise InputError(
                t("sweep.error.not_list", source=source, key=key, got=repr(values), fixed_key=FIXED_KEY)
            )
        axes[key] = list(values)
    if not axes:
        raise InputError(t("sweep.error.no_keys", source=source))
    overlap = sorted(set(axes) & {str(k) for k in fixed})
    if overlap:
        raise InputError(t("sweep.error.both", source=source, key=overlap[0], fixed_key=FIXED_KEY))
    return Grid(axes=axes, fixed={str(k): v for k, v in fixed.items()}, source=source)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def combination_id(params: Mapping[str, Any], fixed: Mapping[str, Any] | None = None) -> str:
    """A stable 10-hex-digit id from the parameters and fixed overrides (order of keys irrelevant)."""
    text = _canonical({"params": dict(params), "fixed": dict(fixed or {})})
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _positive_count(value: Any, key: str, available: int, what: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(t("sweep.error.count", where=where, key=key, what=t(what), got=repr(value)))
    if not 1 <= value <= available:
        raise InputError(
            t("sweep.error.range", where=where, key=key, available=available, what=t(what), got=value)
        )
    return value


def _expand(
    scenario_path: Path, params: Mapping[str, Any], fixed: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """Dotted overrides for one combination: fixed, then params, then the special keys expanded."""
    from mobilstation.errors import ScenarioError
    from mobilstation.scenario import load_scenario

    overrides: dict[str, Any] = {**fixed, **{k: v for k, v in params.items() if k not in SPECIAL_KEYS}}
    special = {k: params[k] for k in SPECIAL_KEYS if k in params}
    special.update({k: fixed[k] for k in SPECIAL_KEYS if k in fixed})
    for k in SPECIAL_KEYS:
        overrides.pop(k, None)
    try:
        scenario = load_scenario(scenario_path, overrides=overrides)
    except ScenarioError as exc:
        raise InputError(f"{where}: {exc}") from None
    if special:
        dumped = scenario.model_dump(mode="json")
        if "n_vehicles" in special:
            n = _positive_count(
                special["n_vehicles"], "n_vehicles", len(dumped["vehicles"]), "sweep.what.vehicles", where
            )
            overrides["vehicles"] = dumped["vehicles"][:n]
        if "n_days" in special:
            n = _positive_count(special["n_days"], "n_days", len(dumped["days"]), "sweep.what.days", where)
            overrides["days"] = dumped["days"][:n]
        try:
            load_scenario(scenario_path, overrides=overrides)
        except ScenarioError as exc:
            raise InputError(f"{where}: {exc}") from None
    return overrides


def combinations(
    scenario_path: str | os.PathLike[str],
    grid: Grid | Mapping[str, Any] | str | os.PathLike[str],
    *,
    check_data: bool = True,
) -> list[Combination]:
    """Every combination of ``grid`` for the scenario, validated, in deterministic order.

    Each grid value is first checked on its own (so the error names the key
    and value at fault), then every combination is loaded as a scenario.
    With ``check_data`` each value is also checked against the district's
    data (municipality names in quota keys, vehicle homes, officers): a
    :func:`~mobilstation.api.validate` per grid value, not per combination.
    Raises :class:`InputError` naming the grid file, the key and the value.
    """
    from mobilstation import api

    g = grid if isinstance(grid, Grid) else load_grid(grid)
    path = Path(scenario_path)
    if not path.is_file():
        raise InputError(t("sweep.error.no_scenario", source=_label(path)))
    # the fixed overrides alone, then every value of every key alone
    base = _expand(path, {}, g.fixed, f"{g.source}: {FIXED_KEY}")
    if check_data:
        try:
            api.validate(path, overrides=base)
        except InputError as exc:
            raise InputError(f"{g.source}: {FIXED_KEY}: {exc}") from None
    for key, values in g.axes.items():
        for value in values:
            where = f"{g.source}: {key}={_canonical(value)}"
            overrides = _expand(path, {key: value}, g.fixed, where)
            if check_data:
                try:
                    api.validate(path, overrides=overrides)
                except InputError as exc:
                    raise InputError(f"{where}: {exc}") from None
    out: list[Combination] = []
    seen: dict[str, int] = {}
    keys = list(g.axes)
    for index, values in enumerate(itertools.product(*(g.axes[k] for k in keys))):
        params = dict(zip(keys, values, strict=True))
        described = ", ".join(f"{k}={_canonical(v)}" for k, v in params.items())
        where = t("sweep.error.combination", source=g.source, number=index + 1, described=described)
        overrides = _expand(path, params, g.fixed, where)
        cid = combination_id(params, g.fixed)
        if cid in seen:
            raise InputError(t("sweep.error.twice", where=where, number=seen[cid] + 1))
        seen[cid] = index
        out.append(Combination(index=index, id=cid, params=params, overrides=overrides))
    return out


# ---------------------------------------------------------------------------
# KPIs of one plan, recomputed from its record
# ---------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def plan_kpis(record: PlanRecord) -> dict[str, Any]:
    """The sweep's KPIs (:data:`KPI_COLUMNS`) of one plan, recomputed from its record.

    ``objective``, ``upper_bound``, ``gap`` and ``solve_seconds`` are the
    solver's own figures from ``record.kpis``; everything else is counted
    from the routes, hours, sites and hotspots. Hotspot coverage is the
    share of all hotspot areas' intensity (recency-weighted burglaries)
    whose neighbourhood site got a mobile-station visit or patrol hours.
    """
    from mobilstation.api import kpi_frame, plan_summary
    from mobilstation.demand.site import SITE_KINDS
    from mobilstation.optimize.kpis import gini

    summary = plan_summary(record)
    kinds = {s.id: s.kind for s in record.sites}
    by_kind = dict.fromkeys(SITE_KINDS, 0)
    for r in record.routes:
        for st in r.stops:
            by_kind[kinds[st.site_id]] += 1
    visited = {st.site_id for r in record.routes for st in r.stops}
    patrolled = {h.area_id for h in record.hours if h.minutes > 0}
    intensity = {h.id: float(h.intensity) for h in record.hotspots}
    total_intensity = sum(intensity.values())

    def hotspot_share(ids: set[str]) -> float | None:
        if total_intensity <= 0:
            return None
        covered = {
            s.meta.get("hotspot_id") for s in record.sites if s.kind == "neighbourhood" and s.id in ids
        }
        return sum(intensity.get(h, 0.0) for h in covered if h is not None) / total_intensity

    frame = kpi_frame(record).drop(index="total")
    rates = [float(x) for x in frame["hours_per_1000"] if _num(x) is not None]
    with_quota = (frame["quota_visits"] > 0) | (frame["quota_hours"] > 0)
    k = record.kpis
    row: dict[str, Any] = {
        "objective": _num(k.get("objective")),
        "upper_bound": _num(k.get("upper_bound")),
        "gap": _num(k.get("gap")),
        "solve_seconds": _num(k.get("solve_seconds")),
        "visits": summary["visits"],
        **{f"visits_{kind}": by_kind[kind] for kind in SITE_KINDS},
        "sites_visited": summary["sites_visited"],
        "candidates": summary["candidates"],
        **{f"{kind}_coverage": summary["coverage_by_kind"][kind]["share"] for kind in SITE_KINDS},
        "hotspot_coverage": hotspot_share(visited | patrolled),
        "hotspot_coverage_mobile": hotspot_share(visited),
        "travel_share": summary["travel_share"],
        "travel_hours": summary["travel_min"] / 60,
        "mobile_hours": summary["mobile_hours"],
        "patrol_hours": summary["patrol_hours"],
        "hours_per_1000": _num(summary["hours_per_1000"]),
        "hours_per_1000_min": min(rates) if rates else None,
        "hours_per_1000_max": max(rates) if rates else None,
        "hours_per_1000_gini": gini(rates) if rates else None,
        "quotas_met": int((with_quota & frame["quota_met"].astype(bool)).sum()),
        "quotas": int(with_quota.sum()),
        "unvisited_high_priority": len(summary["unvisited_high_priority"]),
    }
    return {c: row[c] for c in KPI_COLUMNS}


# ---------------------------------------------------------------------------
# one combination (runs on a Dask worker)
# ---------------------------------------------------------------------------


def _failure_message(exc: BaseException) -> str:
    if isinstance(exc, PlanFailed):
        head = exc.args[0] if exc.args else t("error.plan_failed")
        return "; ".join([str(head), *exc.violations]) if exc.violations else str(head)
    return f"{type(exc).__name__}: {exc}"


def _plan_combination(
    scenario_path: str, overrides: dict[str, Any], run_dir: str, maps: bool | None, lang: str | None = None
) -> dict:
    """Plan one combination and save it to ``run_dir``; return status, message, seconds and KPIs.

    The KPIs are read back from the saved ``plan.json``, so the row is what
    is on disk. A failure removes any earlier run directory of the same id
    (a stale plan must not look current). ``lang``: the language of the run
    that submitted the task (a worker is another process, which does not
    know the ``--lang`` of the command line); None: the worker's own.
    """
    with using(lang):
        return _plan_one(scenario_path, overrides, run_dir, maps)


def _plan_one(scenario_path: str, overrides: dict[str, Any], run_dir: str, maps: bool | None) -> dict:
    from mobilstation import api

    t0 = time.perf_counter()
    try:
        result = api.plan(scenario_path, overrides=overrides)
        result.save(run_dir, maps=maps)
        kpis = plan_kpis(PlanRecord.read(run_dir))
    except Exception as exc:
        shutil.rmtree(run_dir, ignore_errors=True)
        status = "infeasible" if isinstance(exc, PlanFailed) else "error"
        return {"status": status, "message": _failure_message(exc), "seconds": time.perf_counter() - t0}
    return {"status": "ok", "message": "", "seconds": time.perf_counter() - t0, **kpis}


# ---------------------------------------------------------------------------
# the sweep table
# ---------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict, tuple)):
        return _canonical(value)
    return value


def _frame(rows: Sequence[Mapping[str, Any]], param_keys: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    columns = ["id", *param_keys, "status", "message", "seconds", "run_dir", *KPI_COLUMNS, "pareto"]
    frame = pd.DataFrame([{c: _cell(r.get(c)) for c in columns} for r in rows], columns=columns)
    for c in _COUNT_COLUMNS:
        frame[c] = pd.array(frame[c], dtype="Int64")
    frame["pareto"] = pareto_mask(frame)
    return frame


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def read_sweep(out_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``OUT/sweep.csv`` (ids stay text; messages empty strings, not NaN)."""
    import pandas as pd

    path = Path(out_dir)
    if path.is_dir():
        path = path / SWEEP_FILE
    if not path.is_file():
        raise InputError(t("sweep.error.no_table", source=_label(path), file=SWEEP_FILE))
    dtype: dict[str, Any] = {"id": str, "status": str, "message": str, "run_dir": str}
    dtype.update(dict.fromkeys(_COUNT_COLUMNS, "Int64"))
    frame = pd.read_csv(path, dtype=dtype)
    frame["run_dir"] = frame["run_dir"].fillna("")
    frame["message"] = frame["message"].fillna("")
    return frame


def pareto_mask(frame: pd.DataFrame) -> pd.Series:
    """True for ``ok`` plans no other ``ok`` plan dominates.

    Objectives: maximise ``town_coverage`` and ``hotspot_coverage_mobile``
    (what the routing trades off: small towns against burglary-hit
    neighbourhoods), minimise ``travel_share``. A missing value (no such sites, no hotspots,
    no driving) counts as 0 coverage / 0 travel for every plan alike.
    """
    import pandas as pd

    ok = (frame["status"] == "ok").to_numpy() if len(frame) else []
    mask = pd.Series(False, index=frame.index, dtype=bool)
    if not len(frame):
        return mask
    town = pd.to_numeric(frame["town_coverage"], errors="coerce").fillna(0.0).to_numpy()
    hot = pd.to_numeric(frame["hotspot_coverage_mobile"], errors="coerce").fillna(0.0).to_numpy()
    travel = pd.to_numeric(frame["travel_share"], errors="coerce").fillna(0.0).to_numpy()
    idx = [i for i in range(len(frame)) if ok[i]]
    for i in idx:
        dominated = False
        for j in idx:
            if j == i:
                continue
            no_worse = town[j] >= town[i] and hot[j] >= hot[i] and travel[j] <= travel[i]
            better = town[j] > town[i] or hot[j] > hot[i] or travel[j] < travel[i]
            if no_worse and better:
                dominated = True
                break
        mask.iloc[i] = not dominated
    return mask


def _short(params: Mapping[str, Any], limit: int = 40) -> str:
    text = ", ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in params.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plot_tradeoff(
    frame: pd.DataFrame, path: str | os.PathLike[str], *, param_keys: Sequence[str] = ()
) -> Path:
    """Write the trade-off chart (PNG): small-town vs hotspot coverage, colour = travel share.

    Both coverages count mobile-station visits (patrol hours reach most
    hotspots whatever the routes do, so they would hide the trade-off).

    Non-dominated plans (:func:`pareto_mask`) get a ring and a label (id and
    parameters). Failed combinations are counted in the title, not plotted.
    """
    import io

    import matplotlib
    import pandas as pd

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    ok = frame[frame["status"] == "ok"]
    failed = len(frame) - len(ok)
    fig = Figure(figsize=(8, 6), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    x = pd.to_numeric(ok["hotspot_coverage_mobile"], errors="coerce").fillna(0.0) * 100
    y = pd.to_numeric(ok["town_coverage"], errors="coerce").fillna(0.0) * 100
    c = pd.to_numeric(ok["travel_share"], errors="coerce").fillna(0.0) * 100
    if len(ok):
        pts = ax.scatter(x, y, c=c, cmap="viridis", s=60, edgecolors="black", linewidths=0.4, zorder=2)
        fig.colorbar(pts, ax=ax, label="Køretid, andel af bilernes tid ude (%)")
        front = pareto_mask(frame).loc[ok.index]
        ax.scatter(
            x[front],
            y[front],
            s=220,
            facecolors="none",
            edgecolors="crimson",
            linewidths=1.6,
            zorder=3,
            label="ikke domineret (Pareto)",
        )
        for i in ok.index[front.to_numpy()]:
            params = {k: ok.at[i, k] for k in param_keys if k in ok.columns}
            right_half = x[i] > 50  # label towards the middle, so it stays inside the axes
            ax.annotate(
                f"{ok.at[i, 'id']}\n{_short(params)}" if params else str(ok.at[i, "id"]),
                (x[i], y[i]),
                xytext=(-6, 6) if right_half else (6, 6),
                textcoords="offset points",
                ha="right" if right_half else "left",
                fontsize=7,
                color="crimson",
            )
        ax.legend(loc="lower right", fontsize=8)
    else:
        ax.text(0.5, 0.5, "ingen gennemførte planer", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("Hotspots: andel af indbrudsintensitet besøgt af mobil politistation (%)")
    ax.set_xlim(-3, 103)
    ax.set_ylim(-3, 103)
    ax.set_ylabel("Småbyer: andel besøgt af mobil politistation (%)")
    title = f"Afvejning: {len(ok)} planer"
    if failed:
        title += f" ({failed} uden plan)"
    ax.set_title(title)
    ax.grid(True, alpha=0.3, zorder=0)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return atomic_write_bytes(path, buf.getvalue())


# ---------------------------------------------------------------------------
# the sweep
# ---------------------------------------------------------------------------


def _complete_plan(run_dir: Path) -> PlanRecord | None:
    try:
        return PlanRecord.read(run_dir)
    except (InputError, OSError):
        return None


@contextlib.contextmanager
def _dask_client(scheduler: str | None, n_workers: int) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as exc:
            raise InputError(t("sweep.error.scheduler", scheduler=scheduler, reason=exc)) from None
        try:
            yield client
        finally:
            client.close()
        return
    if n_workers < 1:
        raise InputError(t("sweep.error.workers", got=n_workers))
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def run_sweep(
    scenario_path: str | os.PathLike[str],
    grid: Mapping[str, Any] | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    scheduler: str | None = None,
    n_workers: int = 2,
    progress: SweepProgress | None = None,
    resume: bool = True,
    maps: bool | None = None,
) -> pd.DataFrame:
    """Plan every combination of ``grid`` for ``scenario_path`` on Dask; return the sweep table.

    See the module docstring for the grid, the outputs and resuming.
    ``scheduler``: address of a running Dask scheduler, else a local cluster
    of ``n_workers`` processes. ``progress``: see :data:`SweepProgress`.
    ``maps``: write each plan's HTML maps (default: the scenario's
    ``outputs.maps``; False is much faster). Returns one row per combination
    in grid order (as ``sweep.csv``). Raises :class:`InputError` before any
    solving when the grid or a combination is invalid; a combination that
    fails is recorded (``infeasible``/``error``) and the rest go on.
    """
    import pandas as pd

    scenario = Path(scenario_path).resolve() if Path(scenario_path).is_file() else Path(scenario_path)
    g = grid if isinstance(grid, Grid) else load_grid(grid)
    combos = combinations(scenario, g)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(t("sweep.error.not_directory", source=_label(out)))
    runs = out / RUNS_DIR
    param_keys = list(g.axes)
    total = len(combos)

    rows: dict[str, dict[str, Any]] = {}
    previous: dict[str, dict[str, Any]] = {}
    if resume and (out / SWEEP_FILE).is_file():
        try:
            old = read_sweep(out)
            previous = {str(r["id"]): r for r in old.to_dict("records")}
        except (InputError, ValueError, KeyError, pd.errors.ParserError):
            previous = {}
    todo: list[Combination] = []
    for c in combos:
        prev = previous.get(c.id)
        record = _complete_plan(runs / c.id) if prev is not None and prev.get("status") == "ok" else None
        if record is not None and prev is not None:
            seconds = _num(prev.get("seconds"))
            rows[c.id] = _row(c, {"status": "ok", "message": "", "seconds": seconds, **plan_kpis(record)})
        else:
            todo.append(c)

    def order() -> list[dict[str, Any]]:
        return [rows[c.id] for c in combos if c.id in rows]

    def save() -> None:
        _write_table(_frame(order(), param_keys), out / SWEEP_FILE)

    # connect first: an unreachable scheduler is bad input, and nothing is written then
    with _dask_client(scheduler, n_workers) if todo else contextlib.nullcontext() as client:
        runs.mkdir(parents=True, exist_ok=True)
        _write_manifest(out, scenario, g, combos)
        save()
        if progress is not None:
            progress(len(rows), total, None)
        if todo:
            from distributed import as_completed

            futures = {}
            for c in todo:
                fut = client.submit(
                    _plan_combination,
                    str(scenario),
                    c.overrides,
                    str((runs / c.id).resolve()),
                    maps,
                    language(),
                    key=f"mobilstation-sweep-{c.id}-{os.getpid()}-{time.time_ns()}",
                    pure=False,
                )
                futures[fut] = c
            try:
                for fut in as_completed(list(futures)):
                    c = futures[fut]
                    try:
                        result = fut.result()
                    except Exception as exc:  # the worker itself died (KilledWorker, ...)
                        result = {"status": "error", "message": _failure_message(exc), "seconds": None}
                    rows[c.id] = _row(c, result)
                    save()
                    if progress is not None:
                        progress(len(rows), total, rows[c.id])
            finally:
                client.cancel(list(futures))
    frame = _frame(order(), param_keys)
    _write_table(frame, out / SWEEP_FILE)
    plot_tradeoff(frame, out / TRADEOFF_FILE, param_keys=param_keys)
    return frame


def _write_manifest(out: Path, scenario: Path, grid: Grid, combos: Sequence[Combination]) -> None:
    """``OUT/sweep.json``: the scenario, the grid and every combination's id and parameters."""
    doc = {
        "scenario": str(scenario),
        "grid": grid.source,
        "axes": grid.axes,
        "fixed": grid.fixed,
        "combinations": [{"id": c.id, "params": c.params} for c in combos],
    }
    atomic_write_text(out / MANIFEST_FILE, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")


def _row(c: Combination, result: Mapping[str, Any]) -> dict[str, Any]:
    ok = result.get("status") == "ok"
    return {
        "id": c.id,
        **c.params,
        "status": result.get("status"),
        "message": result.get("message", ""),
        "seconds": None if result.get("seconds") is None else round(float(result["seconds"]), 2),
        "run_dir": f"{RUNS_DIR}/{c.id}" if ok else "",
        **{k: result.get(k) for k in KPI_COLUMNS},
    }

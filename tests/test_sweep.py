"""Scenario sweeps on a local Dask cluster: table, KPIs recomputed from each plan on disk, failures, resume.

The expensive part (one sweep of 8 combinations on two worker processes, then
a resumed rerun through the CLI) is one test, so pytest-xdist never runs it
twice; the cheap checks (grid errors, Pareto front, CLI exit codes) are
separate.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
import yaml
from plan_checker import plan_violations
from typer.testing import CliRunner

from mobilstation import i18n
from mobilstation.errors import InputError
from mobilstation.plan import PlanRecord
from mobilstation.scenario import load_scenario, resolve
from mobilstation.sweep import (
    KPI_COLUMNS,
    SWEEP_FILE,
    TRADEOFF_FILE,
    combinations,
    load_grid,
    pareto_mask,
    read_sweep,
    run_sweep,
)
from mobilstation.sweep_command import register

ROOT = Path(__file__).resolve().parents[1]
QUICK = ROOT / "scenarios" / "quick.yaml"
WORK_LIMIT = 30  # routing iterations: fast, and the same plan on any machine
SEED = 3
WEIGHTS = [0.5, 3.0]
N_VEHICLES = [1, 2]
LAESOE_VISITS = [0, 50]  # 50 visits to Læsø in one week cannot be made: the injected failure

GRID: dict[str, Any] = {
    "weights.burglary": WEIGHTS,
    "n_vehicles": N_VEHICLES,
    "quotas.Læsø.min_visits": LAESOE_VISITS,
    "fixed": {"solver.work_limit": WORK_LIMIT, "solver.seed": SEED},
}
PARAMS = ["weights.burglary", "n_vehicles", "quotas.Læsø.min_visits"]
KINDS = ("town", "outlying", "neighbourhood", "request")


def _write_grid(path: Path, grid: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(grid, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _cli() -> typer.Typer:
    """A Typer app with only the sweep command (as cli.py registers it)."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """mobilstation"""

    register(app)
    return app


# ---------------------------------------------------------------------------
# independent recomputation from plan.json (raw JSON, no project code)
# ---------------------------------------------------------------------------


def _gini(xs: list[float]) -> float | None:
    if not xs or sum(xs) <= 0:
        return None
    n, mu = len(xs), sum(xs) / len(xs)
    return sum(abs(a - b) for a in xs for b in xs) / (2 * n * n * mu)


def _recompute(plan: dict[str, Any]) -> dict[str, Any]:
    sites = {s["id"]: s for s in plan["sites"]}
    stops = [st for r in plan["routes"] for st in r["stops"]]
    visited = {st["site_id"] for st in stops}
    out: dict[str, Any] = {"visits": len(stops), "sites_visited": len(visited), "candidates": len(sites)}
    for kind in KINDS:
        out[f"visits_{kind}"] = sum(1 for st in stops if sites[st["site_id"]]["kind"] == kind)
        ids = [s for s in sites if sites[s]["kind"] == kind]
        out[f"{kind}_coverage"] = sum(1 for s in ids if s in visited) / len(ids) if ids else None
    used = [r for r in plan["routes"] if r["stops"]]
    travel = sum(r["travel_min"] for r in plan["routes"])
    time_out = sum(r["return"] - r["departure"] for r in used)
    out["travel_share"] = travel / time_out if time_out else None
    out["travel_hours"] = travel / 60
    mobile: dict[str, int] = {}
    for st in stops:
        code = sites[st["site_id"]]["municipality_code"]
        mobile[code] = mobile.get(code, 0) + st["end"] - st["start"]
    patrol: dict[str, int] = {}
    for h in plan["hours"]:
        patrol[h["municipality_code"]] = patrol.get(h["municipality_code"], 0) + h["minutes"]
    out["mobile_hours"] = sum(mobile.values()) / 60
    out["patrol_hours"] = sum(patrol.values()) / 60
    rates, met, with_quota = [], 0, 0
    for m in plan["municipalities"]:
        hours = (mobile.get(m["code"], 0) + patrol.get(m["code"], 0)) / 60
        if m["population"]:
            rates.append(hours / m["population"] * 1000)
        if m["quota_visits"] > 0 or m["quota_hours"] > 0:
            with_quota += 1
            visits = sum(1 for st in stops if sites[st["site_id"]]["municipality_code"] == m["code"])
            met += visits >= m["quota_visits"] and hours + 1e-6 >= m["quota_hours"]
    population = sum(m["population"] for m in plan["municipalities"])
    out["hours_per_1000"] = (out["mobile_hours"] + out["patrol_hours"]) / population * 1000
    out["hours_per_1000_min"], out["hours_per_1000_max"] = min(rates), max(rates)
    out["hours_per_1000_gini"] = _gini(rates)
    out["quotas_met"], out["quotas"] = met, with_quota
    intensity = {h["id"]: h["intensity"] for h in plan["hotspots"]}
    patrolled = {h["area_id"] for h in plan["hours"] if h["minutes"] > 0}

    def hot(ids: set[str]) -> float | None:
        if not intensity:
            return None
        hit = {
            s["meta"]["hotspot_id"] for s in sites.values() if s["kind"] == "neighbourhood" and s["id"] in ids
        }
        return sum(intensity[h] for h in hit) / sum(intensity.values())

    out["hotspot_coverage"] = hot(visited | patrolled)
    out["hotspot_coverage_mobile"] = hot(visited)
    scores = sorted(s["score"] for s in sites.values())
    threshold = scores[int(0.75 * (len(scores) - 1))]
    out["unvisited_high_priority"] = sum(
        1
        for s in sites.values()
        if s["id"] not in visited and ((s["score"] >= threshold and s["score"] > 0) or s["mandatory"])
    )
    return out


# tolerance per KPI: the sweep reads municipality rates and hours rounded by the KPI table
TOL = {
    "mobile_hours": 6e-3,
    "patrol_hours": 6e-3,
    "hours_per_1000": 6e-4,
    "hours_per_1000_min": 6e-4,
    "hours_per_1000_max": 6e-4,
    "hours_per_1000_gini": 1e-3,
}


def _same(a: Any, b: Any, tol: float = 1e-9) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if b is None:
        return False
    return abs(float(a) - float(b)) <= tol


def _check_row_against_disk(row: pd.Series, out: Path, grid: Any) -> None:
    run = out / row["run_dir"]
    plan = json.loads((run / "plan.json").read_text(encoding="utf-8"))
    record = PlanRecord.read(run)
    # held to the scenario the combination's overrides make (patrol travel: issue 12, see test_pipeline)
    combo = next(c for c in combinations(QUICK, grid, check_data=False) if c.id == row["id"])
    scenario = resolve(load_scenario(QUICK, overrides=combo.overrides))
    assert plan_violations(record, scenario) == [], row["id"]
    kpis = json.loads((run / "kpis.json").read_text(encoding="utf-8"))
    # the solver's own figures, as the plan's kpis.json states them
    for key in ("objective", "upper_bound", "gap", "solve_seconds"):
        assert _same(row[key], kpis.get(key)), (row["id"], key, row[key], kpis.get(key))
    # the plan's kpis.json agrees with the sweep where both count the same thing
    for kind in KINDS:
        assert row[f"visits_{kind}"] == kpis["visits_by_kind"][kind]
    assert _same(row["travel_share"], kpis["travel_share"], 1e-4)
    # everything else recomputed here from plan.json
    expect = _recompute(plan)
    for key, value in expect.items():
        assert _same(row[key], value, TOL.get(key, 1e-9)), (row["id"], key, row[key], value)
    assert set(expect) | {"objective", "upper_bound", "gap", "solve_seconds"} == set(KPI_COLUMNS)
    # the combination's overrides reached the plan
    assert len(plan["vehicles"]) == row["n_vehicles"]
    assert [v["id"] for v in plan["vehicles"]] == ["bil1", "bil2"][: row["n_vehicles"]]
    assert plan["scenario"]["work_limit"] == WORK_LIMIT and plan["scenario"]["seed"] == SEED
    weighted = [s for s in plan["sites"] if s["meta"].get("components", {}).get("burglary")]
    assert weighted, "no site with a burglary component to check the weight on"
    for s in weighted:
        component = s["meta"]["components"]["burglary"]  # both rounded to 6 decimals in plan.json
        assert s["breakdown"]["burglary"] == pytest.approx(row["weights.burglary"] * component, abs=1e-5)


# ---------------------------------------------------------------------------
# the sweep, end to end
# ---------------------------------------------------------------------------


def test_sweep_on_local_dask_cluster_then_resume(tmp_path: Path) -> None:
    grid_file = _write_grid(tmp_path / "grid.yaml", GRID)
    out = tmp_path / "sweep"
    events: list[tuple[int, int, str | None]] = []
    t0 = time.perf_counter()
    frame = run_sweep(
        QUICK,
        grid_file,
        out,
        n_workers=2,
        maps=False,
        progress=lambda done, total, row: events.append((done, total, None if row is None else row["id"])),
    )
    first_seconds = time.perf_counter() - t0

    # -- the table: 8 rows in grid order, as on disk --------------------------
    assert len(frame) == 8
    expected_params = [(w, n, q) for w in WEIGHTS for n in N_VEHICLES for q in LAESOE_VISITS]
    assert list(frame[PARAMS].itertuples(index=False, name=None)) == expected_params
    assert frame["id"].is_unique
    assert [c.id for c in combinations(QUICK, grid_file, check_data=False)] == list(frame["id"])
    on_disk = read_sweep(out)
    pd.testing.assert_frame_equal(on_disk, frame, check_dtype=False)
    assert events[0] == (0, 8, None) and events[-1][:2] == (8, 8)
    assert sorted(e[2] for e in events[1:]) == sorted(frame["id"])

    # -- the injected failure is recorded, the rest are planned ----------------
    infeasible = frame[frame["quotas.Læsø.min_visits"] == 50]
    assert set(infeasible["status"]) == {"infeasible"}
    assert all("Læsø" in m for m in infeasible["message"])
    assert all(not (out / "runs" / i).exists() for i in infeasible["id"])
    assert infeasible[list(KPI_COLUMNS)].isna().all().all()
    ok = frame[frame["quotas.Læsø.min_visits"] == 0]
    assert set(ok["status"]) == {"ok"}, ok[["id", "status", "message"]].to_string()
    assert list(ok["run_dir"]) == [f"runs/{i}" for i in ok["id"]]

    # -- each row's KPIs are the plan's own, recomputed from its files ---------
    for _, row in ok.iterrows():
        assert not (out / row["run_dir"] / "map.html").exists()  # maps=False
        _check_row_against_disk(row, out, grid_file)
    # the weight changed the scores, so the objectives differ
    by = ok.set_index(["weights.burglary", "n_vehicles"])
    assert by.loc[(3.0, 2), "objective"] != by.loc[(0.5, 2), "objective"]

    # -- the trade-off chart ---------------------------------------------------
    png = (out / TRADEOFF_FILE).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    image = matplotlib.image.imread(out / TRADEOFF_FILE)
    assert image.shape[0] > 300 and image.shape[1] > 400
    assert frame["pareto"].sum() >= 1 and not frame.loc[frame["status"] != "ok", "pareto"].any()

    # -- interrupted sweep: one plan lost (run dir and row), resume via the CLI -
    lost = ok.iloc[1]
    kept = [i for i in ok["id"] if i != lost["id"]]
    mtimes = {i: (out / "runs" / i / "plan.json").stat().st_mtime_ns for i in kept}
    import shutil

    shutil.rmtree(out / "runs" / lost["id"])
    table = pd.read_csv(out / SWEEP_FILE, dtype={"id": str})
    table[table["id"] != lost["id"]].to_csv(out / SWEEP_FILE, index=False)
    t0 = time.perf_counter()
    result = CliRunner().invoke(
        _cli(),
        ["sweep", str(QUICK), "--grid", str(grid_file), "--out", str(out), "--no-maps", "--workers", "2"],
        env={"COLUMNS": "200"},
    )
    resume_seconds = time.perf_counter() - t0
    assert result.exit_code == 0, result.output
    assert "3 af 8 kombination(er) er allerede planlagt (genoptaget)" in result.output
    assert "8 kombination(er): 4 ok, 4 uden mulig plan, 0 med fejl" in result.output
    assert "4 kombination(er) fejlede" in result.output
    for i in kept:  # untouched: not planned again
        assert (out / "runs" / i / "plan.json").stat().st_mtime_ns == mtimes[i]
    again = read_sweep(out)
    assert list(again["id"]) == list(frame["id"])
    assert list(again["status"]) == list(frame["status"])
    redone = again.set_index("id").loc[lost["id"]]
    assert (out / redone["run_dir"] / "plan.json").is_file()
    _check_row_against_disk(pd.Series({"id": lost["id"], **redone.to_dict()}), out, grid_file)
    # with a work limit the plan is the same on every run
    for key in KPI_COLUMNS:
        if key != "solve_seconds":
            assert _same(redone[key], lost[key], 1e-9), (key, redone[key], lost[key])
    print(f"sweep of 8: {first_seconds:.1f} s; resume of 1 plan + 4 infeasible: {resume_seconds:.1f} s")


def test_sweep_on_an_existing_scheduler(tmp_path: Path) -> None:
    """``--scheduler ADDRESS``: the plans run on the cluster behind it, with the same results.

    The workers write their messages in the language of the run that sent them the plans
    (``--lang en`` here), not in their own default.
    """
    from distributed import LocalCluster

    grid = {"weights.burglary": [3.0], "n_vehicles": [1], "quotas.Læsø.min_visits": LAESOE_VISITS}
    grid["fixed"] = GRID["fixed"]
    out = tmp_path / "sweep"
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        i18n.using("en"),
    ):
        frame = run_sweep(
            QUICK,
            _write_grid(tmp_path / "grid.yaml", grid),
            out,
            scheduler=cluster.scheduler_address,
            maps=False,
        )
    assert list(frame["status"]) == ["ok", "infeasible"]
    assert frame["message"].iloc[1].startswith("The week cannot be planned: requirements cannot be met")
    _check_row_against_disk(frame.iloc[0], out, grid)


# ---------------------------------------------------------------------------
# cheap checks: the grid, the Pareto front, the CLI's exit codes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        # a value that is not a list
        ({"solver.seed": 3}, "solver.seed: forventede en liste med mindst én værdi"),
        # an empty list
        ({"solver.seed": []}, "solver.seed: forventede en liste med mindst én værdi"),
        # a nested mapping instead of a dotted key
        ({"weights": {"burglary": [1, 2]}}, "skriv felter inde i felter med punktum"),
        # fixed that is not a mapping
        ({"solver.seed": [1], "fixed": [1]}, "fixed: forventede felter med værdier"),
        # a key both varied and fixed
        (
            {"solver.seed": [1], "fixed": {"solver.seed": 2}},
            "solver.seed: står både i gitteret og under",
        ),
        # a column name of the sweep table
        ({"travel_share": [1]}, "travel_share: navnet er en kolonne"),
        # nothing to vary
        ({"fixed": {"solver.seed": 2}}, "intet i gitteret"),
    ],
)
def test_bad_grid_shapes_are_named(grid: dict[str, Any], expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        load_grid(grid)


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        # a typo in a scenario field
        ({"weights.burglry": [1, 2]}, r"weights\.burglry=1: .*ukendt felt \(mente du 'burglary'\?\)"),
        # a value the field refuses
        ({"weights.burglary": [1, -1]}, r"weights\.burglary=-1: .*weights\.burglary"),
        # an unknown municipality in a quota key (checked against the district's data)
        ({"quotas.Læsøø.min_visits": [1]}, r"quotas\.Læsøø\.min_visits=1: .*mente du 'Læsø'"),
        # more vehicles than the scenario has
        ({"n_vehicles": [1, 3]}, r"n_vehicles=3: n_vehicles: forventede 1 til 2 \(scenariet har 2 køretøjer"),
        # not a count
        ({"n_days": ["two"]}, r"n_days=\"two\": n_days: forventede et helt antal planlagte dage"),
        # a typo in the fixed overrides
        (
            {"solver.seed": [1], "fixed": {"solver.work_limt": 5}},
            r"fixed: .*solver\.work_limt: ukendt felt",
        ),
        # the same combination twice
        ({"solver.seed": [1, 1]}, r"kombination 2 .*samme kombination som nummer 1"),
    ],
)
def test_bad_grid_values_fail_before_solving(grid: dict[str, Any], expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        combinations(QUICK, grid)


def test_special_keys_keep_the_first_vehicles_and_days() -> None:
    combos = combinations(QUICK, {"n_vehicles": [1], "n_days": [2]}, check_data=False)
    (c,) = combos
    assert [v["id"] for v in c.overrides["vehicles"]] == ["bil1"]
    assert c.overrides["days"] == [1, 2]
    assert c.params == {"n_vehicles": 1, "n_days": 2}


def test_ids_are_stable_and_change_with_fixed_overrides() -> None:
    a = combinations(QUICK, {"solver.seed": [1, 2], "fixed": {"solver.work_limit": 5}}, check_data=False)
    b = combinations(QUICK, {"fixed": {"solver.work_limit": 5}, "solver.seed": [1, 2]}, check_data=False)
    c = combinations(QUICK, {"solver.seed": [1, 2], "fixed": {"solver.work_limit": 6}}, check_data=False)
    assert [x.id for x in a] == [x.id for x in b]
    assert not {x.id for x in a} & {x.id for x in c}
    assert [x.params for x in a] == [{"solver.seed": 1}, {"solver.seed": 2}]


def test_pareto_front_maximises_coverage_and_minimises_travel() -> None:
    frame = pd.DataFrame(
        {
            "status": ["ok", "ok", "ok", "ok", "infeasible", "ok"],
            "town_coverage": [0.5, 0.4, 0.6, 0.5, None, 0.5],
            "hotspot_coverage_mobile": [0.5, 0.4, 0.3, 0.5, None, 0.5],
            "travel_share": [0.4, 0.5, 0.45, 0.3, None, 0.3],
        }
    )
    # row 1 is dominated by 0, row 0 by 3; 2 has the best town coverage; 3 and 5 tie (neither dominates)
    assert list(pareto_mask(frame)) == [False, False, True, True, False, True]


def test_cli_exit_2_names_the_unknown_field(tmp_path: Path) -> None:
    grid = _write_grid(
        tmp_path / "grid.yaml", {"weights.burglry": [1.0, 2.0], "fixed": {"solver.work_limit": 5}}
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        _cli(),
        ["sweep", str(QUICK), "--grid", str(grid), "--out", str(out), "--quiet"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2, result.output
    assert "weights.burglry" in result.output and "mente du 'burglary'" in result.output
    assert not out.exists()  # nothing planned, nothing written


def test_cli_exit_2_for_a_missing_grid_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _cli(),
        ["sweep", str(QUICK), "--grid", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out")],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 2, result.output
    assert "nope.yaml: gitterfilen findes ikke" in result.output


@pytest.mark.parametrize("grid", sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml")), ids=lambda p: p.name)
def test_example_grids_validate_against_the_default_week(grid: Path) -> None:
    combos = combinations(ROOT / "scenarios" / "nordjylland.yaml", grid)
    assert len(combos) == load_grid(grid).size >= 2
    assert all(c.overrides.get("solver.work_limit") for c in combos)  # examples are reproducible

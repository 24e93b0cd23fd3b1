"""The week's objective, bound and gap, with and without column generation, in one run.

Usage::

    python benchmarks/week_bound.py [SCENARIO.yaml ...] [--all] [--synthetic]
        [--time-limit 30] [--synthetic-time-limit 60] [--seed 1] [--without]

Plans each scenario (default: ``scenarios/nordjylland.yaml``, the week
``make plan`` makes; ``--all``: every shipped ``scenarios/*.yaml``) through
the CLI and prints one row per scenario: candidate sites, the objective and
the method that found the plan, the bound and its method, the gap, the bound
the same run would have reported without column generation
(``lp-knapsack``) and the column generation's master LP, rounds and whether
pricing converged. ``--without`` also plans with ``solver.colgen=false``
(the previous planner) for the objective it reaches in the same time.

``--synthetic`` adds a synthetic 200-site week (:data:`SYNTHETIC_200`):
the default week on the real Nordjylland geodata with wider site options,
so that every GeoNames town, every outlying postal district and many more
burglary neighbourhoods are candidates. Its neighbourhoods come from the
committed seeded synthetic incidents (every such site is marked as derived
from synthetic data in the plan), so the week is deterministic and labelled
synthetic; it is planned with ``--synthetic-time-limit`` seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from mobilstation.plan import PlanRecord  # noqa: E402

#: Overrides of ``scenarios/nordjylland.yaml`` that give 200 candidate sites
#: (61 towns, 12 outlying areas, 25 requests and campaign targets, 102
#: neighbourhoods). Why each: towns from the smallest GeoNames town (the
#: default starts at 500 inhabitants); outlying areas at any drive from a
#: station (default 20 min); hotspot areas wherever the synthetic incidents
#: cluster at all (no density quantile, half a recency-weighted incident,
#: one incident per area, a 60-day half-life so the whole look-back counts),
#: the 102 most intense of them as neighbourhoods.
SYNTHETIC_200: dict[str, str] = {
    "name": "nordjylland-200-syntetisk",
    "sites.town_min_population": "0",
    "sites.outlying_min_drive_min": "0",
    "sites.neighbourhood_max": "102",
    "hotspots.kde_quantile": "0.0",
    "hotspots.kde_min_weighted": "0.5",
    "hotspots.min_incidents": "1",
    "hotspots.half_life_days": "60",
}
SYNTHETIC_SITES = 200


def plan(scenario: Path, out: Path, limit: float, seed: int, extra: list[str]) -> tuple[PlanRecord, float]:
    cmd = [sys.executable, "-m", "mobilstation", "plan", str(scenario), "--out", str(out), "-q"]
    cmd += ["--time-limit", str(limit), "--seed", str(seed), *extra]
    t0 = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"{scenario.name}: plan exit {run.returncode}: {run.stderr.strip()[-400:]}")
    return PlanRecord.read(out), time.perf_counter() - t0


HEADER = (
    f"{'scenario':28s} {'sites':>5s} {'limit':>5s} {'objective':>10s} {'bound':>10s} {'gap %':>6s} "
    f"{'plan method':12s} {'bound method':14s} {'no-colgen gap %':>15s} {'LP':>9s} {'rounds':>6s} "
    f"{'conv.':5s} {'wall s':>6s}"
)


def row(label: str, p: PlanRecord, limit: float, wall: float) -> str:
    k, cg = p.kpis, p.solver.get("colgen") or {}
    old = k.get("upper_bound_without_colgen")
    old_gap = f"{100 * (old - k['objective']) / old:.2f}" if old else "-"
    lp = cg.get("lp")
    return (
        f"{label:28s} {len(p.sites):5d} {limit:5g} {k['objective']:10.3f} {k['upper_bound']:10.3f} "
        f"{100 * k['gap']:6.2f} {str(k.get('plan_method')):12s} {str(k['bound_method']):14s} "
        f"{old_gap:>15s} {'-' if lp is None else f'{lp:.3f}':>9s} {str(cg.get('rounds', '-')):>6s} "
        f"{str(cg.get('exact', '-')):5s} {wall:6.1f}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="*", type=Path)
    ap.add_argument("--all", action="store_true", help="every shipped scenarios/*.yaml")
    ap.add_argument("--synthetic", action="store_true", help="also the synthetic 200-site week")
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--synthetic-time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--without", action="store_true")
    args = ap.parse_args()
    files = list(args.scenarios)
    if args.all:
        files += sorted((ROOT / "scenarios").glob("*.yaml"))
    if not files and not args.synthetic:
        files = [ROOT / "scenarios" / "nordjylland.yaml"]
    runs: list[tuple[str, Path, float, list[str]]] = [(f.stem, f, args.time_limit, []) for f in files]
    if args.synthetic:
        extra = [a for key, value in SYNTHETIC_200.items() for a in ("--set", f"{key}={value}")]
        runs.append(
            (SYNTHETIC_200["name"], ROOT / "scenarios" / "nordjylland.yaml", args.synthetic_time_limit, extra)
        )
    print(f"seed {args.seed}; gap = (bound - objective) / bound", flush=True)
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for label, f, limit, extra in runs:
            p, wall = plan(f, Path(tmp) / label, limit, args.seed, extra)
            print(row(label, p, limit, wall), flush=True)
            if extra and len(p.sites) != SYNTHETIC_SITES:
                print(f"  note: {len(p.sites)} candidate sites, not {SYNTHETIC_SITES}", flush=True)
            if args.without:
                off = [*extra, "--set", "solver.colgen=false"]
                q, wall = plan(f, Path(tmp) / f"{label}-old", limit, args.seed, off)
                print(row(f"{label} (colgen=false)", q, limit, wall), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

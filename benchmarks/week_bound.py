"""The week's objective, bound and gap, with and without column generation, in one run.

Usage::

    python benchmarks/week_bound.py [SCENARIO.yaml ...] [--time-limit 30] [--seed 1] [--without]

Plans each scenario (default: ``scenarios/nordjylland.yaml``, the week
``make plan`` makes) through the CLI and prints the objective, the bound and
its method, the gap, the method that found the plan, and the bound the same
run would have reported without column generation (``lp-knapsack``).
``--without`` also plans with ``solver.colgen=false`` (the previous planner)
for the objective it reaches in the same time.
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


def plan(scenario: Path, out: Path, limit: float, seed: int, extra: list[str]) -> tuple[PlanRecord, float]:
    cmd = [sys.executable, "-m", "mobilstation", "plan", str(scenario), "--out", str(out), "-q"]
    cmd += ["--time-limit", str(limit), "--seed", str(seed), *extra]
    t0 = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"{scenario.name}: plan exit {run.returncode}: {run.stderr.strip()[-400:]}")
    return PlanRecord.read(out), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="*", type=Path)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--without", action="store_true")
    args = ap.parse_args()
    files = args.scenarios or [ROOT / "scenarios" / "nordjylland.yaml"]
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            p, wall = plan(f, Path(tmp) / f.stem, args.time_limit, args.seed, [])
            k, cg = p.kpis, p.solver.get("colgen") or {}
            old = k.get("upper_bound_without_colgen")
            old_gap = (old - k["objective"]) / old if old else None
            print(
                f"{f.name} ({args.time_limit:g} s, seed {args.seed}, wall {wall:.1f} s): "
                f"objective {k['objective']:.3f} (found by {k.get('plan_method')}), "
                f"bound {k['upper_bound']:.3f} ({k['bound_method']}), gap {100 * k['gap']:.2f} %; "
                f"bound without column generation {old:.3f} (gap {100 * (old_gap or 0):.2f} %); "
                f"master LP {cg.get('lp')}, rounds {cg.get('rounds')}, converged {cg.get('exact')}, "
                f"columns {cg.get('columns')}",
                flush=True,
            )
            if args.without:
                q, wall = plan(
                    f,
                    Path(tmp) / f"{f.stem}-old",
                    args.time_limit,
                    args.seed,
                    ["--set", "solver.colgen=false"],
                )
                kq = q.kpis
                print(
                    f"{f.name} without column generation: objective {kq['objective']:.3f} "
                    f"({kq.get('plan_method')}), bound {kq['upper_bound']:.3f} ({kq['bound_method']}), "
                    f"gap {100 * kq['gap']:.2f} %, wall {wall:.1f} s",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

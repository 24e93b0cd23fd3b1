"""Every shipped scenario planned and its officer days checked for driving.

Usage::

    python benchmarks/patrol_days.py [--seeds 1,7] [--time-limit 20] [SCENARIO.yaml ...]

Plans each scenario (default: every ``scenarios/*.yaml``) at each seed with
the CLI, then checks every officer's patrol days with ``tests/patrol_drive``:
the day's patrol minutes plus the shortest drive from the officer's station
through the day's areas and back must fit in the day's patrol shifts (the
drive recomputed from the coordinates, not read from the plan). Prints one
line per plan and exits 1 if any officer day cannot be driven.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from patrol_drive import plan_matrix, undrivable_days  # noqa: E402

from mobilstation.plan import PlanRecord  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="*", type=Path)
    ap.add_argument("--seeds", default="1,7")
    ap.add_argument("--time-limit", type=float, default=20.0)
    args = ap.parse_args()
    files = args.scenarios or sorted((ROOT / "scenarios").glob("*.yaml"))
    seeds = [int(s) for s in args.seeds.split(",")]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            for seed in seeds:
                out = Path(tmp) / f"{f.stem}-{seed}"
                cmd = [sys.executable, "-m", "mobilstation", "plan", str(f), "--out", str(out), "-q"]
                cmd += ["--seed", str(seed), "--time-limit", str(args.time_limit)]
                run = subprocess.run(cmd, capture_output=True, text=True)
                if run.returncode != 0:
                    print(f"{f.name} seed {seed}: plan exit {run.returncode}: {run.stderr.strip()[-300:]}")
                    failed += run.returncode == 2
                    continue
                plan = PlanRecord.read(out)
                bad = undrivable_days(plan, plan_matrix(plan))
                k = plan.kpis
                days = sum(1 for o in plan.officers for s in o.shifts if s.duty == "patrol")
                drive = sum(s.travel_min or 0 for o in plan.officers for s in o.shifts if s.duty == "patrol")
                print(
                    f"{f.name} seed {seed}: objective {k.get('objective')}, bound {k.get('upper_bound')}, "
                    f"patrol days {days}, patrol drive {drive} min, unplaced blocks "
                    f"{k.get('patrol_unplaced_blocks')}, undrivable {len(bad)}"
                )
                budget = k.get("officer_budget_min") or {}
                for o in plan.officers:
                    used = sum(s.end - s.start for s in o.shifts if s.duty == "patrol")
                    if o.id in budget and used > budget[o.id]:
                        bad.append(f"{o.id}: {used} min of patrol shifts, budget {budget[o.id]} min")
                for line in bad[:5]:
                    print("   ", line)
                failed += bool(bad)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

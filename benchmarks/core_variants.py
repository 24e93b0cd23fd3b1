"""Settings of the routing core side by side on the same instances (the way a default is chosen).

Usage::

    python benchmarks/core_variants.py FILE... --variants '{"base": {}, "runs6": {"runs": 6, "fresh_runs": 3}}' \\
        [--time-limit 10] [--routes 3,4] [--seed 1]

Each variant is a set of :class:`mobilstation.optimize.core.solver.Strategy` fields. Per
instance (and per m for TOPTW files, from ``--routes``; TOP files bring their own m) every
variant solves in turn with the same time limit and seed, so they share the machine's load;
prints each score and gap to the best-known score, then the mean gap per variant.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import top as bench  # noqa: E402

from mobilstation.optimize.core import solve  # noqa: E402
from mobilstation.optimize.core.solver import Strategy  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--variants", required=True, help="JSON: name -> Strategy fields")
    ap.add_argument("--bks", type=Path, default=ROOT.parent / "shared" / "bench" / "BKS.csv")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--routes", default="1,2,3,4", help="m values for TOPTW files")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    variants = {name: Strategy(**fields) for name, fields in json.loads(args.variants).items()}
    bks = bench.read_bks(args.bks)
    total = dict.fromkeys(variants, 0.0)
    cases = 0
    for path in args.paths:
        inst = bench.read_instance(path)
        for m in [inst.routes] if inst.routes else [int(x) for x in args.routes.split(",")]:
            best = bks[(inst.set, inst.name, m)]
            problem, _ = bench.to_problem(inst, m)
            line = f"{inst.name:8} m={m} bks={best}"
            for name, strategy in variants.items():
                got = solve(problem, time_limit=args.time_limit, seed=args.seed, strategy=strategy).objective
                gap = 100 * (best - got) / best if best else 0.0
                total[name] += gap
                line += f"  {name}={got} ({gap:.2f} %)"
            cases += 1
            print(line, flush=True)
    print("mean gap %:", {name: round(v / max(cases, 1), 3) for name, v in total.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

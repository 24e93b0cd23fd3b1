"""The column-generation bound on the Chao TOP sets against the best-known scores.

Usage::

    python benchmarks/colgen_top.py [DIR_OR_FILE ...] [--bks BKS.csv] [--time-limit S] [--only PATTERN]

For every instance (default: ``../shared/bench/top``), column generation runs
on the core problem with ``m`` routes from the file. Travel for the bound is
the Euclidean distance x ``BENCH_SCALE`` rounded DOWN (and ``tmax`` rounded
down), so every route that fits the real data fits the bound's data: a bound
for the real problem, comparable with published scores. Prints per instance
the best-known score, the bound, the LP, the integer master's score (on the
rounded-down data, so it may exceed the best known), whether pricing
converged, and flags any bound below the best known. Exit 1 on such a flag.
"""

from __future__ import annotations

import argparse
import fnmatch
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import top as bench  # noqa: E402

from mobilstation.optimize.colgen import column_generation  # noqa: E402
from mobilstation.optimize.core import BENCH_SCALE, RouteSpec  # noqa: E402

# ../shared/bench from the repository (or from a worktree one level deeper)
BENCH = next(
    (d for d in (ROOT.parent / "shared" / "bench", ROOT.parent.parent / "shared" / "bench") if d.exists()),
    ROOT.parent / "shared" / "bench",
)


def relaxed_problem(inst: bench.Instance):
    """The TOP instance with travel rounded down: every real route fits it."""
    problem, _ = bench.to_problem(inst, inst.routes)
    floor = np.floor(bench.euclid(inst) * BENCH_SCALE + 1e-7).astype(np.int64)
    budget = math.floor(inst.tmax * BENCH_SCALE + 1e-6)
    routes = tuple(RouteSpec(inst.start, inst.end, 0, budget, budget) for _ in problem.routes)
    return replace(problem, duration=floor, distance=floor, routes=routes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--bks", type=Path, default=BENCH / "BKS.csv")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--only", default="*")
    args = ap.parse_args()
    bks = bench.read_bks(args.bks)
    corrections = ROOT / "benchmarks" / "bks_corrections.csv"
    if corrections.exists():
        bks.update(bench.read_bks(corrections))
    files = bench.collect_files(args.paths or [str(BENCH / "top")])
    files = [f for f in files if any(fnmatch.fnmatch(f.stem, p) for p in args.only.split(","))]
    below = 0
    gaps = []
    for f in files:
        inst = bench.read_instance(f)
        if inst.set != "top":
            continue
        best = bks.get(("top", f.stem, inst.routes))
        t0 = time.perf_counter()
        res = column_generation(relaxed_problem(inst), time_limit=args.time_limit)
        sec = time.perf_counter() - t0
        flag = ""
        if res.bound is not None and best is not None and res.bound < best - 1e-6:
            flag = "  BOUND BELOW BEST KNOWN"
            below += 1
        if res.bound is not None and best:
            gaps.append(100 * (res.bound - best) / best)
        bound = "none" if res.bound is None else f"{res.bound:.2f}"
        print(
            f"{f.stem:10s} m={inst.routes} best {best} bound {bound} lp {res.lp or 0:.2f} "
            f"ip {res.objective} converged {res.exact} rounds {res.rounds} {sec:.1f}s{flag}",
            flush=True,
        )
    if gaps:
        print(f"{len(gaps)} bounds, mean {np.mean(gaps):.2f} % above the best known, max {max(gaps):.2f} %")
    print(f"bounds below the best known: {below}")
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Team Orienteering benchmark: the routing core against two baselines.

Usage::

    python benchmarks/top.py DIR_OR_FILE... --bks BKS.csv --time-limit SECONDS --json OUT.json \\
        [--solvers core,ortools-gls,pyvrp] [--only PATTERN[,PATTERN]] [--routes 1,2,3,4] \\
        [--every K] [--seed S] [--jobs N]

Reads Chao TOP files (``n N`` / ``m P`` / ``tmax T`` then ``x y S`` lines; first
vertex = start, last = end) and Righini-Salani TOPTW ``pr`` files (vertex 0 =
depot; per line ``i x y d S f a list O C``; the number of routes is not in the
file, so each is solved for every m in ``--routes``).

Integer data, per set, chosen to match the published convention:

* TOP: travel = Euclidean distance x ``BENCH_SCALE`` (10 000), rounded UP, and
  ``tmax`` x ``BENCH_SCALE`` rounded down, so a route that fits on the integer
  data fits on the real data.
* TOPTW pr: travel = Euclidean distance rounded DOWN to 2 decimals (the
  published convention), so x 100 exactly; service times, windows and the
  depot's closing time are integers, x 100.

All three solvers get the same integer instance and the same time per
instance (one core each: CP-SAT with one worker, PyVRP and OR-Tools routing
single-threaded). Every route returned is re-checked independently from the
coordinates in floating point under the set's convention (TOP: exact
Euclidean; pr: distances floored to 2 decimals) -- score recomputed, tmax or
windows held, each customer at most once -- before anything is printed;
violations are flagged, and a solver's result that fails its re-check scores 0
(its claimed score is kept as ``claimed_score``) and is listed after the
summary, so it never counts in a gap or a mean. For pr routes the JSON also says whether they hold with
exact (unrounded) distances.

JSON: one record per (instance, m, solver) with ``instance, set, m, solver,
score, claimed_score, best_known, gap_pct, seconds, routes, recheck_ok, violations`` (and
``exact_ok`` for pr). ``routes`` lists, per route, the customer vertices in
visiting order as 0-based indices in file order (the file's first vertex is
0); start and end depots are not listed.

Gaps are ``100 * (best_known - score) / best_known`` (0 when the best known is
0; negative when a solver beats it). ``--jobs N`` runs N instances at a time in
separate processes, each running its solvers one after another.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import json
import math
import re
import sys
import time
import warnings
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mobilstation._io import atomic_write_text
from mobilstation.optimize.core import BENCH_SCALE, Job, Problem, RouteSpec, solve

TOPTW_SCALE = 100  # pr distances are published floored to 2 decimals
SOLVERS = ("core", "ortools-gls", "pyvrp")


@dataclass(frozen=True)
class Instance:
    """One benchmark file: vertices in file order, the depots and the budget."""

    name: str
    set: str  # "top" or "toptw"
    xy: np.ndarray  # (N, 2) coordinates
    score: tuple[int, ...]  # per vertex
    service: tuple[float, ...]  # per vertex
    windows: tuple[tuple[float, float], ...]  # per vertex (open, close) for service start
    start: int
    end: int
    tmax: float  # TOP: route length budget; TOPTW: depot closing time
    routes: int | None  # m from the file (TOP) or None (TOPTW)

    @property
    def customers(self) -> list[int]:
        return [v for v in range(len(self.score)) if v not in (self.start, self.end)]


def parse_top(path: Path) -> Instance:
    """A Chao TOP file."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    try:
        n = int(lines[0][1])
        m = int(lines[1][1])
        tmax = float(lines[2][1])
        rows = [(float(a[0]), float(a[1]), int(float(a[2]))) for a in lines[3 : 3 + n]]
    except (IndexError, ValueError) as exc:
        raise ValueError(f"{path}: not a TOP file (n/m/tmax header, then x y S lines): {exc}") from exc
    if len(rows) != n:
        raise ValueError(f"{path}: header says {n} vertices, found {len(rows)}")
    xy = np.array([(x, y) for x, y, _ in rows])
    return Instance(
        name=path.stem,
        set="top",
        xy=xy,
        score=tuple(s for _, _, s in rows),
        service=tuple(0.0 for _ in rows),
        windows=tuple((0.0, tmax) for _ in rows),
        start=0,
        end=n - 1,
        tmax=tmax,
        routes=m,
    )


def parse_toptw(path: Path) -> Instance:
    """A Righini-Salani / Cordeau TOPTW ``pr`` file (CRLF tolerated)."""
    lines = [ln.split() for ln in path.read_text().replace("\r", "").split("\n") if ln.strip()]
    try:
        n = int(lines[0][2])
        rows = lines[2 : 3 + n]
        xy = np.array([(float(r[1]), float(r[2])) for r in rows])
        service = tuple(float(r[3]) for r in rows)
        score = tuple(int(float(r[4])) for r in rows)
        windows = tuple((float(r[-2]), float(r[-1])) for r in rows)
    except (IndexError, ValueError) as exc:
        raise ValueError(f"{path}: not a TOPTW file (k v N t / D Q / vertex lines): {exc}") from exc
    if len(rows) != n + 1:
        raise ValueError(f"{path}: header says {n} customers, found {len(rows) - 1}")
    return Instance(
        name=path.stem,
        set="toptw",
        xy=xy,
        score=score,
        service=service,
        windows=windows,
        start=0,
        end=0,
        tmax=windows[0][1],
        routes=None,
    )


def read_instance(path: Path) -> Instance:
    first = path.read_text().split("\n", 1)[0].split()
    return parse_top(path) if first and first[0] == "n" else parse_toptw(path)


def euclid(inst: Instance) -> np.ndarray:
    d = inst.xy[:, None, :] - inst.xy[None, :, :]
    return np.sqrt((d**2).sum(-1))


def convention_distance(inst: Instance) -> np.ndarray:
    """Real-valued travel under the set's published convention."""
    d = euclid(inst)
    if inst.set == "toptw":
        return np.floor(d * 100.0 + 1e-7) / 100.0
    return d


def integer_data(inst: Instance) -> tuple[np.ndarray, int]:
    """The integer travel matrix and integer scale used by every solver."""
    d = euclid(inst)
    if inst.set == "toptw":
        return np.floor(d * TOPTW_SCALE + 1e-7).astype(np.int64), TOPTW_SCALE
    mat = np.ceil(d * BENCH_SCALE - 1e-7).astype(np.int64)
    np.fill_diagonal(mat, 0)
    return mat, BENCH_SCALE


def to_problem(inst: Instance, m: int) -> tuple[Problem, list[int]]:
    """The core problem for ``m`` routes, and the vertex of each job."""
    mat, scale = integer_data(inst)
    if inst.set == "top":
        budget = math.floor(inst.tmax * scale + 1e-6)
        routes = tuple(RouteSpec(inst.start, inst.end, 0, budget, budget) for _ in range(m))
    else:
        lo, hi = inst.windows[inst.start]
        spec = RouteSpec(inst.start, inst.end, round(lo * scale), round(hi * scale))
        routes = tuple(spec for _ in range(m))
    verts = inst.customers
    jobs = []
    for v in verts:
        lo, hi = inst.windows[v]
        if inst.set == "top":
            jobs.append(Job(location=v, prize=inst.score[v]))
        else:
            jobs.append(
                Job(
                    location=v,
                    prize=inst.score[v],
                    service=round(inst.service[v] * scale),
                    windows=((round(lo * scale), round(hi * scale)),),
                )
            )
    return Problem(duration=mat, distance=mat, routes=routes, jobs=tuple(jobs)), verts


def recheck(inst: Instance, m: int, routes: list[list[int]], *, exact: bool = False) -> tuple[int, list[str]]:
    """Score and violations of customer-vertex routes, recomputed in floating point."""
    dist = euclid(inst) if exact else convention_distance(inst)
    out: list[str] = []
    if len(routes) > m:
        out.append(f"{len(routes)} routes, only {m} allowed")
    seen: set[int] = set()
    customers = set(inst.customers)
    eps = 1e-6
    for r, seq in enumerate(routes):
        for v in seq:
            if v not in customers:
                out.append(f"route {r}: vertex {v} is not a customer")
            if v in seen:
                out.append(f"vertex {v} visited twice")
            seen.add(v)
        if inst.set == "top":
            path = [inst.start, *seq, inst.end]
            length = sum(dist[a, b] for a, b in zip(path, path[1:], strict=False))
            if length > inst.tmax + eps:
                out.append(f"route {r}: length {length:.6f} > tmax {inst.tmax}")
        else:
            t, here = inst.windows[inst.start][0], inst.start
            for v in seq:
                arrive = t + dist[here, v]
                lo, hi = inst.windows[v]
                start = max(arrive, lo)
                if start > hi + eps:
                    out.append(f"route {r}: vertex {v} starts {start:.4f} after its close {hi}")
                t, here = start + inst.service[v], v
            back = t + dist[here, inst.end]
            if back > inst.tmax + eps:
                out.append(f"route {r}: back at {back:.4f} after depot close {inst.tmax}")
    score = sum(inst.score[v] for v in seen if v in customers)
    return score, out


# --------------------------------------------------------------------------- solvers


def run_core(inst: Instance, m: int, seconds: float, seed: int) -> list[list[int]]:
    problem, verts = to_problem(inst, m)
    sol = solve(problem, time_limit=seconds, seed=seed)
    return [[verts[v.job] for v in r.visits] for r in sol.routes if r.visits]


def run_pyvrp(inst: Instance, m: int, seconds: float, seed: int) -> list[list[int]]:
    """Plain PyVRP: optional clients with prizes, one run. Prizes are multiplied
    by the route horizon so that one prize unit outweighs a whole route."""
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxRuntime

    problem, verts = to_problem(inst, m)
    spec = problem.routes[0]
    mat = problem.duration
    depots = sorted({spec.start, spec.end})
    order = depots + verts
    sub = mat[np.ix_(order, order)]
    factor = max(1, spec.latest - spec.earliest)
    clients = []
    for k, job in enumerate(problem.jobs):
        lo, hi = job.windows[0]
        clients.append(
            Client(
                location=len(depots) + k,
                service_duration=job.service,
                tw_early=max(0, lo),
                tw_late=min(hi, spec.latest),
                prize=job.prize * factor,
                required=False,
            )
        )
    vt = VehicleType(
        num_available=m,
        start_depot=depots.index(spec.start),
        end_depot=depots.index(spec.end),
        tw_early=spec.earliest,
        tw_late=spec.latest,
        shift_duration=min(spec.max_duration, spec.latest - spec.earliest),
    )
    data = ProblemData(
        [Location(0.0, 0.0) for _ in order],
        clients,
        [Depot(location=i) for i in range(len(depots))],
        [vt],
        [sub],
        [sub],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pyvrp_solve(data, MaxRuntime(seconds), seed=seed, collect_stats=False, display=False)
    if not res.best.is_feasible():
        return []
    return [[verts[a.idx] for a in route if a.is_client()] for route in res.best.routes()]


def run_ortools(inst: Instance, m: int, seconds: float, seed: int) -> list[list[int]]:
    """Plain OR-Tools routing: PATH_CHEAPEST_ARC, guided local search, one
    disjunction per customer with penalty = prize x route horizon, a time
    dimension with waiting allowed and the windows."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    problem, verts = to_problem(inst, m)
    spec = problem.routes[0]
    nodes = sorted({spec.start, spec.end}) + verts
    start = nodes.index(spec.start)
    end = nodes.index(spec.end)
    mat = problem.duration[np.ix_(nodes, nodes)]
    service = [0] * (len(nodes) - len(verts)) + [job.service for job in problem.jobs]
    manager = pywrapcp.RoutingIndexManager(len(nodes), m, [start] * m, [end] * m)
    routing = pywrapcp.RoutingModel(manager)

    def travel(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(mat[a, b]) + service[a]

    def length(i: int, j: int) -> int:
        return int(mat[manager.IndexToNode(i), manager.IndexToNode(j)])

    t_cb = routing.RegisterTransitCallback(travel)
    d_cb = routing.RegisterTransitCallback(length)
    routing.SetArcCostEvaluatorOfAllVehicles(d_cb)
    horizon = spec.latest
    routing.AddDimension(t_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    factor = max(1, spec.latest - spec.earliest)
    for k, job in enumerate(problem.jobs):
        node = len(nodes) - len(verts) + k
        index = manager.NodeToIndex(node)
        lo, hi = job.windows[0]
        time_dim.CumulVar(index).SetRange(max(0, lo), min(hi, horizon))
        routing.AddDisjunction([index], job.prize * factor)
    for v in range(m):
        time_dim.CumulVar(routing.Start(v)).SetRange(spec.earliest, horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(spec.earliest, spec.latest)
        if spec.max_duration < horizon:
            routing.solver().Add(
                time_dim.CumulVar(routing.End(v)) - time_dim.CumulVar(routing.Start(v)) <= spec.max_duration
            )
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    del seed  # OR-Tools routing is deterministic apart from its time limit
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return []
    out = []
    for v in range(m):
        idx = routing.Start(v)
        seq = []
        idx = sol.Value(routing.NextVar(idx))
        while not routing.IsEnd(idx):
            seq.append(verts[manager.IndexToNode(idx) - (len(nodes) - len(verts))])
            idx = sol.Value(routing.NextVar(idx))
        if seq:
            out.append(seq)
    return out


RUNNERS = {"core": run_core, "ortools-gls": run_ortools, "pyvrp": run_pyvrp}


# --------------------------------------------------------------------------- driver


def gap_pct(score: int, best: int | None) -> float | None:
    """Percent below the best-known score (0 when that is 0; negative when beaten)."""
    if best is None:
        return None
    return 0.0 if best == 0 else 100.0 * (best - score) / best


def reached(rec: dict) -> bool:
    return rec["best_known"] is not None and rec["score"] >= rec["best_known"]


def natural_key(name: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def collect_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += [f for f in p.iterdir() if f.suffix == ".txt"]
        elif p.is_file():
            files.append(p)
        else:
            raise SystemExit(f"error: {p}: no such file or directory")
    return sorted(files, key=lambda f: natural_key(f.stem))


def read_bks(path: Path) -> dict[tuple[str, str, int], int]:
    out = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            out[(row["set"], row["instance"], int(row["routes"]))] = int(row["best_known_score"])
    return out


def run_case(args: tuple[str, int, list[str], float, int]) -> list[dict]:
    """All solvers on one (file, m), sequentially; returns JSON records."""
    path, m, solvers, seconds, seed = args
    inst = read_instance(Path(path))
    records = []
    for name in solvers:
        t = time.perf_counter()
        try:
            routes = RUNNERS[name](inst, m, seconds, seed)
            error = None
        except Exception as exc:  # report, do not hide, a solver crash
            routes, error = [], f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - t
        score, violations = recheck(inst, m, routes)
        ok = not violations and error is None
        rec = {
            "instance": inst.name,
            "set": inst.set,
            "m": m,
            "solver": name,
            # a route set that fails its re-check is not a solution: it scores 0 everywhere
            # (table, gaps, summary); what it claimed stays in claimed_score
            "score": score if ok else 0,
            "claimed_score": score,
            "seconds": round(elapsed, 3),
            "routes": routes,
            "recheck_ok": ok,
            "violations": violations + ([error] if error else []),
        }
        if inst.set == "toptw":
            rec["exact_ok"] = not recheck(inst, m, routes, exact=True)[1]
        records.append(rec)
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="instance files or directories")
    ap.add_argument(
        "--bks",
        required=True,
        type=Path,
        action="append",
        help="CSV set,instance,routes,best_known_score,... (repeatable: later files correct earlier ones)",
    )
    ap.add_argument("--time-limit", type=float, required=True, help="seconds per instance and solver")
    ap.add_argument("--json", type=Path, required=True, help="output JSON file")
    ap.add_argument("--solvers", default=",".join(SOLVERS))
    ap.add_argument("--only", default=None, help="comma-separated name patterns, e.g. 'p4.*,pr0[1-3]'")
    ap.add_argument("--routes", default="1,2,3,4", help="values of m for TOPTW files")
    ap.add_argument("--every", type=int, default=1, help="keep every K-th TOP file (sorted by name)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="instances solved at a time (processes)")
    args = ap.parse_args(argv)

    solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    for s in solvers:
        if s not in RUNNERS:
            ap.error(f"--solvers: unknown solver {s!r} (choose from {', '.join(SOLVERS)})")
    if not args.time_limit > 0:
        ap.error("--time-limit must be > 0")
    ms_tw = [int(x) for x in args.routes.split(",") if x.strip()]
    bks: dict[tuple[str, str, int], int] = {}
    for path in args.bks:
        for key, value in read_bks(path).items():
            if key in bks and bks[key] != value:
                print(f"best-known {key[1]} m={key[2]}: {bks[key]} -> {value} ({path})")
            bks[key] = value
    patterns = [p.strip() for p in args.only.split(",")] if args.only else None

    cases = []
    top_count = 0
    for f in collect_files(args.paths):
        if patterns and not any(fnmatch.fnmatch(f.stem, p) for p in patterns):
            continue
        inst = read_instance(f)
        if inst.set == "top":
            top_count += 1
            if (top_count - 1) % args.every:
                continue
            cases.append((str(f), inst.routes, solvers, args.time_limit, args.seed))
        else:
            cases += [(str(f), m, solvers, args.time_limit, args.seed) for m in ms_tw]
    if not cases:
        print("no instances selected", file=sys.stderr)
        return 2

    records: list[dict] = []
    header = f"{'instance':<10} {'m':>2} {'bks':>5} " + " ".join(f"{s:>22}" for s in solvers)
    print(header)

    def report(recs: list[dict]) -> None:
        first = recs[0]
        best = bks.get((first["set"], first["instance"], first["m"]))
        cells = []
        for rec in recs:
            rec["best_known"] = best
            rec["gap_pct"] = gap_pct(rec["score"], best)
            flag = "" if rec["recheck_ok"] else " !"
            gap = "   n/a" if rec["gap_pct"] is None else f"{rec['gap_pct']:6.2f}%"
            cells.append(f"{rec['score']:>5} {gap} {rec['seconds']:5.1f}s{flag:2}")
        print(f"{first['instance']:<10} {first['m']:>2} {best if best is not None else '-':>5} " + " ".join(
            f"{c:>22}" for c in cells
        ), flush=True)
        for rec in recs:
            for v in rec["violations"]:
                print(f"  ! {rec['solver']}: {v}", flush=True)
        records.extend(recs)

    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as ex:
            for recs in ex.map(run_case, cases):
                report(recs)
    else:
        for case in cases:
            report(run_case(case))

    print()
    columns = ("runs", "mean gap %", "mean s", "max s", ">=bks", "bad")
    widths = (4, 10, 7, 6, 5, 4)
    print(f"{'set':<6} {'solver':<12} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    summary = []
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for rec in records:
        groups[(rec["set"], rec["solver"])].append(rec)
        # finer: Chao set (p4, p5) or number of routes for pr
        family = rec["instance"].split(".")[0] if rec["set"] == "top" else f"pr m={rec['m']}"
        groups[(family, rec["solver"])].append(rec)
    order = sorted(groups, key=lambda k: (k[0] not in ("top", "toptw"), k))
    for set_, solver in order:
        recs = groups[(set_, solver)]
        gaps = [r["gap_pct"] for r in recs if r["gap_pct"] is not None]
        row = {
            "set": set_,
            "solver": solver,
            "runs": len(recs),
            "mean_gap_pct": float(np.mean(gaps)) if gaps else None,
            "mean_seconds": float(np.mean([r["seconds"] for r in recs])),
            "max_seconds": float(max(r["seconds"] for r in recs)),
            "at_least_bks": sum(1 for r in recs if reached(r)),
            "violating": sum(1 for r in recs if not r["recheck_ok"]),
            "rejected": [f"{r['instance']} m={r['m']}" for r in recs if not r["recheck_ok"]],
        }
        summary.append(row)
        gap = f"{row['mean_gap_pct']:10.3f}" if row["mean_gap_pct"] is not None else f"{'n/a':>10}"
        print(
            f"{set_:<6} {solver:<12} {row['runs']:>4} {gap} {row['mean_seconds']:7.2f} "
            f"{row['max_seconds']:6.2f} {row['at_least_bks']:>5} {row['violating']:>4}"
        )
    rejected = [r for r in records if not r["recheck_ok"]]
    if rejected:
        print("\nfailed the re-check, scored 0:")
        for r in rejected:
            print(f"  {r['instance']} m={r['m']} {r['solver']}: claimed {r['claimed_score']}")
    out = {
        "command": " ".join(sys.argv),
        "time_limit": args.time_limit,
        "seed": args.seed,
        "scales": {"top": BENCH_SCALE, "toptw": TOPTW_SCALE},
        "summary": summary,
        "records": records,
    }
    atomic_write_text(args.json, json.dumps(out, indent=1))
    return 0 if all(r["recheck_ok"] for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())

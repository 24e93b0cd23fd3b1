"""The exact optimum of a small Chao TOP instance, by enumeration.

Why: a best-known score is only as good as its source. When every solver
stops at the same score below the listed best-known one, this settles it for
instances whose short ``tmax`` leaves few customers within reach: it finds
every customer set one route can serve (Held-Karp over the reachable
customers, exact Euclidean lengths in floating point, no rounding) and the
best choice of ``m`` disjoint such sets.

    python benchmarks/top_exact.py ../shared/bench/top/p5.3.e.txt

Refuses instances with more than ``--max-reachable`` customers in reach
(the work grows as 2^n x n^2).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path


def read_chao(path: Path) -> tuple[int, float, list[tuple[float, float, float]]]:
    """``(m, tmax, vertices)``; vertices are ``(x, y, score)``, first = start, last = end."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    m, tmax = int(lines[1][1]), float(lines[2][1])
    return m, tmax, [(float(a), float(b), float(c)) for a, b, c in lines[3:]]


def optimum(m: int, tmax: float, vertices: list[tuple[float, float, float]], max_reachable: int = 16) -> float:
    """The best total score of ``m`` routes of length at most ``tmax`` (exact)."""
    start, end = vertices[0][:2], vertices[-1][:2]

    def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
        return math.hypot(a[0] - b[0], a[1] - b[1])

    eps = 1e-9
    reach = [v for v in vertices[1:-1] if dist(start, v[:2]) + dist(v[:2], end) <= tmax + eps]
    n = len(reach)
    if n > max_reachable:
        raise ValueError(f"{n} customers within reach (more than {max_reachable}): too many to enumerate")
    d = [[dist(a[:2], b[:2]) for b in reach] for a in reach]
    inf = math.inf
    # shortest start -> (customers of mask, in any order) ending at `last`
    best = [[inf] * n for _ in range(1 << n)]
    for i in range(n):
        best[1 << i][i] = dist(start, reach[i][:2])
    for mask in range(1, 1 << n):
        for last in range(n):
            here = best[mask][last]
            if here == inf:
                continue
            for nxt in range(n):
                if not mask >> nxt & 1:
                    grown = mask | 1 << nxt
                    best[grown][nxt] = min(best[grown][nxt], here + d[last][nxt])
    servable = [
        mask
        for mask in range(1, 1 << n)
        if min(best[mask][i] + dist(reach[i][:2], end) for i in range(n) if mask >> i & 1) <= tmax + eps
    ]
    score = {mask: sum(reach[i][2] for i in range(n) if mask >> i & 1) for mask in servable}
    value = {0: 0.0}  # union of chosen routes' customers -> best score
    for _ in range(m):
        grown_value = dict(value)
        for used, v in value.items():
            for mask in servable:
                if not mask & used and grown_value.get(used | mask, -1.0) < v + score[mask]:
                    grown_value[used | mask] = v + score[mask]
        value = grown_value
    return max(value.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path, help="Chao TOP instance files")
    ap.add_argument("--max-reachable", type=int, default=16)
    args = ap.parse_args(argv)
    status = 0
    for path in args.files:
        m, tmax, vertices = read_chao(path)
        try:
            print(f"{path.stem}: m={m} tmax={tmax:g} optimum {optimum(m, tmax, vertices, args.max_reachable):g}")
        except ValueError as exc:
            print(f"{path.stem}: {exc}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())

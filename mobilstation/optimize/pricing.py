"""Pricing for column generation: the best route of one vehicle-day class at given job profits.

An exact labelling (resource-constrained longest path) with ng-route
memory, dominance, and a completion bound; see :mod:`colgen` for why the
maximum it returns is a valid part of the route-based bound and what it
relaxes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mobilstation.optimize.core.problem import Problem
from mobilstation.optimize.core.schedule import allowed_on
from mobilstation.optimize.labelling import label

_EPS = 1e-6
_GRID_STEPS = 120  # time steps of the pricing's completion bound (a step is >= 1 time unit)


def metric_closure(minutes: np.ndarray) -> np.ndarray:
    """Shortest-path times (Floyd-Warshall): never above the direct leg, and metric."""
    d = np.array(minutes, dtype=np.int64, copy=True)
    for k in range(d.shape[0]):
        np.minimum(d, d[:, k : k + 1] + d[k : k + 1, :], out=d)
    return d


class RoutePricer:
    """Exact labelling for one route (module docstring); the loop itself is :func:`labelling.label`."""

    def __init__(self, problem: Problem, route: int, dur: np.ndarray, ng: int | None) -> None:
        self.spec = spec = problem.routes[route]
        self.problem = problem
        self.cand = [j for j in range(len(problem.jobs)) if allowed_on(problem, j, route)]
        locs = [problem.jobs[j].location for j in self.cand]
        n = len(self.cand)
        self.cap = min(spec.max_duration, spec.latest - spec.earliest)
        self.service = np.array([problem.jobs[j].service for j in self.cand], dtype=np.int64)
        self.back = np.array([int(dur[loc, spec.end]) for loc in locs], dtype=np.int64)
        self.out = np.array([int(dur[spec.start, loc]) for loc in locs], dtype=np.int64)
        self.hop = np.ascontiguousarray(dur[np.ix_(locs, locs)], dtype=np.int64) if n else np.zeros((0, 0), np.int64)
        windows = [sorted(problem.jobs[j].windows) for j in self.cand]
        self.win_ptr = np.cumsum([0] + [len(w) for w in windows]).astype(np.int64)
        self.win_lo = np.array([lo for w in windows for lo, _ in w], dtype=np.int64)
        self.win_hi = np.array([hi for w in windows for _, hi in w], dtype=np.int64)
        # ng-neighbourhoods: each job remembers itself and its nearest ``ng`` candidates (bitsets of
        # 64-bit words over the positions in ``cand``)
        self.keep = np.zeros((n, max(1, -(-n // 64))), dtype=np.uint64)
        for a in range(n):
            if ng is None or ng >= n:
                near = np.arange(n)
            else:
                near = np.argsort(self.hop[a] + self.hop[:, a], kind="stable")[: ng + 1]
            for b in [*near.tolist(), a]:
                self._remember(a, int(b))

    def _remember(self, a: int, b: int) -> None:
        """Job ``a`` remembers job ``b`` from now on."""
        self.keep[a, b >> 6] |= np.uint64(1) << np.uint64(b & 63)

    def run(
        self,
        q: np.ndarray,
        max_labels: int,
        keep_best: int,
        known: float = 0.0,
        deadline: float | None = None,
        restrict: int | None = None,
    ) -> tuple[float, list[list[int]], bool, int, float]:
        """Best reduced profit over routes, the best distinct elementary routes, exact?, labels
        made, and an upper bound on the best reduced profit.

        ``restrict`` keeps at most that many labels per job (the most
        profitable): a quick heuristic round whose maximum is not a bound
        (its upper bound is infinite).

        When the label budget or the deadline cuts a full (unrestricted)
        labelling short, the upper bound is still finite: every route not
        yet enumerated extends a label still waiting in the queue (or one
        that dominates it), so no route beats the largest completion bound
        over the waiting labels, nor the best route closed so far. The
        bound is then looser than the exact maximum but valid, and column
        generation can report a bound even when no round finishes.

        ``known`` is the profit of a route known to be drivable (a column
        already in the master): labels that cannot beat it are pruned, which
        keeps the maximum exact.

        Completion bound: the most profit a path from a job can still add
        with the time left (travel and service, back home included), by
        dynamic programming with windows and revisits ignored and every
        duration rounded down to a grid: a relaxation, so pruning on it
        keeps the maximum. Heuristic rounds skip it (their labels are
        capped instead).
        """
        spec = self.spec
        qa = np.array([float(q[j]) for j in self.cand], dtype=np.float64)
        pos = np.flatnonzero(qa > _EPS).astype(np.int64)
        if not len(pos):
            return 0.0, [], True, 0, 0.0
        span = max(0, min(self.cap, spec.latest - spec.earliest))
        g = max(1, -(-span // _GRID_STEPS))
        best, exact, made, upper, ranked, jobs, parents = label(
            qa,
            pos,
            self.hop,
            self.service,
            self.out,
            self.back,
            self.win_ptr,
            self.win_lo,
            self.win_hi,
            self.keep,
            int(self.cap),
            int(spec.earliest),
            int(spec.latest),
            restrict is None,
            int(g),
            int(span // g),
            float(known),
            int(max_labels),
            int(keep_best),
            -1 if restrict is None else int(restrict),
            np.inf if deadline is None else float(deadline),
        )
        routes: list[list[int]] = []
        seen: set[frozenset[int]] = set()
        for rank, lab in enumerate(ranked.tolist()):
            steps = []
            while lab >= 0:
                steps.append(int(jobs[lab]))
                lab = int(parents[lab])
            steps.reverse()
            if rank == 0 and exact:
                self._remember_cycles(steps)
            path = [self.cand[a] for a in steps]
            key = frozenset(path)
            if len(key) != len(path) or key in seen:
                continue  # not elementary (ng) or a set already offered
            seen.add(key)
            routes.append(path)
            if len(routes) >= keep_best:
                break
        return float(best), routes, bool(exact), int(made), float(upper)

    def _remember_cycles(self, steps: Sequence[int]) -> None:
        """Grow the ng-sets so the best route's cycles are forbidden from now on.

        A job ``c`` repeated at positions ``i < k`` was forgotten somewhere in
        between; every job in between now remembers it (dynamic ng-routes:
        the relaxation tightens where it was loose, and stays a relaxation).
        """
        first: dict[int, int] = {}
        for k, a in enumerate(steps):
            if a in first:
                for t in range(first[a] + 1, k):
                    self._remember(steps[t], a)
            first[a] = k

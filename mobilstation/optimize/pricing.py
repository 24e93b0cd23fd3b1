"""Pricing for column generation: the best route of one vehicle-day class at given job profits.

An exact labelling (resource-constrained longest path) with ng-route
memory, dominance, and a completion bound; see :mod:`colgen` for why the
maximum it returns is a valid part of the route-based bound and what it
relaxes.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Sequence

import numpy as np

from mobilstation.optimize.core.problem import Problem
from mobilstation.optimize.core.schedule import allowed_on

_EPS = 1e-6
_GRID_STEPS = 120  # time steps of the pricing's completion bound (a step is >= 1 time unit)


def metric_closure(minutes: np.ndarray) -> np.ndarray:
    """Shortest-path times (Floyd-Warshall): never above the direct leg, and metric."""
    d = np.array(minutes, dtype=np.int64, copy=True)
    for k in range(d.shape[0]):
        np.minimum(d, d[:, k : k + 1] + d[k : k + 1, :], out=d)
    return d


class _Label:
    """A partial route ending at candidate ``job`` (see the module docstring)."""

    __slots__ = ("alive", "end", "job", "memory", "parent", "profit", "used")

    def __init__(self, job: int, end: int, used: int, profit: float, memory: int, parent: _Label | None):
        self.job = job
        self.end = end  # earliest end of service
        self.used = used  # travel + service so far
        self.profit = profit
        self.memory = memory  # bitset of remembered jobs (positions in the route's candidate list)
        self.parent = parent
        self.alive = True


class RoutePricer:
    """Exact labelling for one route (module docstring)."""

    def __init__(self, problem: Problem, route: int, dur: np.ndarray, ng: int | None) -> None:
        self.spec = spec = problem.routes[route]
        self.problem = problem
        self.cand = [j for j in range(len(problem.jobs)) if allowed_on(problem, j, route)]
        locs = [problem.jobs[j].location for j in self.cand]
        self.loc = locs
        self.d = dur
        self.windows = [tuple(sorted(problem.jobs[j].windows)) for j in self.cand]
        self.service = [problem.jobs[j].service for j in self.cand]
        n = len(self.cand)
        self.cap = min(spec.max_duration, spec.latest - spec.earliest)
        self.back = [int(dur[loc, spec.end]) for loc in locs]
        self.out = [int(dur[spec.start, loc]) for loc in locs]
        self.hop = dur[np.ix_(locs, locs)] if n else np.zeros((0, 0), dtype=np.int64)
        self.hops: list[list[int]] = self.hop.tolist()
        # ng-neighbourhoods: each job remembers itself and its nearest ``ng`` candidates
        full = (1 << n) - 1
        self.keep = []
        for a in range(n):
            if ng is None or ng >= n:
                self.keep.append(full)
            else:
                near = np.argsort(self.hop[a] + self.hop[:, a], kind="stable")[: ng + 1]
                self.keep.append(sum(1 << int(b) for b in near) | (1 << a))

    def _start(self, a: int, arrive: int) -> int | None:
        for lo, hi in self.windows[a]:
            if arrive <= hi:
                return lo if arrive < lo else arrive
        return None

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
        keeps the maximum exact. The pruning bound: the time left allows at
        most ``k`` more jobs (each takes at least the shortest service plus
        the shortest hop), worth at most the ``k`` largest profits.
        """
        spec = self.spec
        qa = [float(q[j]) for j in self.cand]
        pos = [a for a in range(len(self.cand)) if qa[a] > _EPS]
        if not pos:
            return 0.0, [], True, 0, 0.0
        # a heuristic round keeps at most ``restrict`` labels per job (the most
        # profitable): columns, no bound
        exact = restrict is None
        hops, service, back, keep = self.hops, self.service, self.back, self.keep
        cap, latest = self.cap, spec.latest
        # completion bound: ``more[a][t]`` is the most profit a path from job
        # ``a`` can still add with ``t`` grid steps of time left (travel and
        # service, back home included), by dynamic programming with windows
        # and revisits ignored and every duration rounded down to the grid: a
        # relaxation, so pruning on it keeps the maximum. Heuristic rounds
        # skip it (their labels are capped instead).
        if restrict is None:
            span = max(0, min(cap, latest - spec.earliest))
            g = max(1, -(-span // _GRID_STEPS))
            horizon = span // g
            m = len(pos)
            home = np.array([back[a] // g for a in pos])
            step_w = np.array([[(hops[a][b] + service[b]) // g for b in pos] for a in pos], dtype=np.int64)
            gain = np.array([qa[b] for b in pos])
            table = np.full((m, horizon + 1), -np.inf)
            cols_ix = np.broadcast_to(np.arange(m)[None, :], (m, m))
            for t in range(horizon + 1):
                col = np.where(home <= t, 0.0, -np.inf)
                idx = t - step_w
                ok = idx >= 0
                if ok.any():
                    vals = np.where(ok, gain[None, :] + table[cols_ix, np.maximum(idx, 0)], -np.inf)
                    col = np.maximum(col, vals.max(axis=1))
                table[:, t] = col
            slot = {a: k for k, a in enumerate(pos)}
            more = table.tolist()

            def reach(profit: float, job: int, end: int, used: int) -> float:
                left = min(cap - used, latest - end)
                if left < 0:
                    return -np.inf
                return profit + more[slot[job]][min(left // g, horizon)]

        else:

            def reach(profit: float, job: int, end: int, used: int) -> float:
                return np.inf

        heap: list[tuple[int, int, _Label]] = []
        buckets: dict[int, list[_Label]] = {}
        counter = 0
        best_val = max(known, 0.0)
        order = itertools.count()
        done: list[tuple[float, int, _Label]] = []  # the best labels, a min-heap by profit

        def push(lab: _Label) -> None:
            nonlocal counter
            bucket = buckets.setdefault(lab.job, [])
            end, used, profit, memory = lab.end, lab.used, lab.profit - _EPS, lab.memory
            for o in bucket:
                if o.end <= end and o.used <= used and o.profit >= profit and not (o.memory & ~memory):
                    return
            keep_ = []
            profit += 2 * _EPS
            for o in bucket:
                if end <= o.end and used <= o.used and profit >= o.profit and not (memory & ~o.memory):
                    o.alive = False
                else:
                    keep_.append(o)
            keep_.append(lab)
            if restrict is not None and len(keep_) > restrict:
                worst = min(keep_, key=lambda o: o.profit)
                worst.alive = False
                keep_.remove(worst)
            buckets[lab.job] = keep_
            counter += 1
            heapq.heappush(heap, (end, counter, lab))

        def close(lab: _Label) -> None:
            nonlocal best_val
            if lab.profit > best_val:
                best_val = lab.profit
            item = (lab.profit, next(order), lab)
            if len(done) < 4 * keep_best:
                heapq.heappush(done, item)
            elif lab.profit > done[0][0]:
                heapq.heapreplace(done, item)

        for a in pos:
            s = self._start(a, spec.earliest + self.out[a])
            if s is None:
                continue
            end = s + service[a]
            used = self.out[a] + service[a]
            if end + back[a] > latest or used + back[a] > cap:
                continue
            push(_Label(a, end, used, qa[a], (1 << a) & keep[a], None))
        popped = 0
        cut: _Label | None = None  # the label the budget stopped at (closed, not extended)
        while heap:
            _, _, lab = heapq.heappop(heap)
            if not lab.alive:  # dominated after it was queued
                continue
            popped += 1
            close(lab)
            full = len(done) >= keep_best
            if full and reach(lab.profit, lab.job, lab.end, lab.used) <= best_val + _EPS:
                continue
            late = deadline is not None and popped % 64 == 0 and time.perf_counter() > deadline
            if counter > max_labels or late:
                exact = False
                cut = lab
                break
            row = hops[lab.job]
            for b in pos:
                if lab.memory >> b & 1:
                    continue
                t = row[b]
                s = self._start(b, lab.end + t)
                if s is None:
                    continue
                end = s + service[b]
                used = lab.used + t + service[b]
                if end + back[b] > latest or used + back[b] > cap:
                    continue
                profit = lab.profit + qa[b]
                if full and reach(profit, b, end, used) <= best_val + _EPS:
                    continue
                push(_Label(b, end, used, profit, (lab.memory | 1 << b) & keep[b], lab))
        made = counter
        if exact:
            upper = best_val
        elif restrict is not None:
            upper = float("inf")
        else:  # cut short: the best closed route, or the best a waiting label can still reach
            waiting = [lab for _, _, lab in heap if lab.alive] + ([cut] if cut is not None else [])
            upper = max([best_val, *(reach(w.profit, w.job, w.end, w.used) for w in waiting)])
        routes: list[list[int]] = []
        seen: set[frozenset[int]] = set()
        for rank, (_val, _, lab) in enumerate(sorted(done, key=lambda t: (-t[0], t[1]))):
            steps = []
            node: _Label | None = lab
            while node is not None:
                steps.append(node.job)
                node = node.parent
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
        return best_val, routes, exact, made, upper

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
                    self.keep[steps[t]] |= 1 << a
            first[a] = k

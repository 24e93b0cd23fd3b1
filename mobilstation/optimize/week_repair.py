"""A plan under repair and improvement: job sequences per vehicle-day with the
counts that side constraints need, re-timing and dropping what no longer
fits, meeting covers (insert, swap, rebuild a route around a required
visit), and a deterministic pass that inserts and swaps while quotas allow.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from mobilstation.demand.site import Site
from mobilstation.optimize.timing import (
    Schedule,
    VehicleDay,
)
from mobilstation.optimize.week_model import _Model

if TYPE_CHECKING:
    from mobilstation.optimize.week import _Week


_IMPROVE_EVALS = 40_000  # schedule evaluations the improvement pass may spend (deterministic)


class PlanState:
    """The routes being finished: job sequences, schedules and counters."""

    def __init__(self, week: _Week, model: _Model, seqs: list[list[int]]) -> None:
        self.week = week
        self.model = model
        self.seqs = [list(s) for s in seqs]
        self.sched: list[Schedule] = [Schedule(vd.earliest, vd.earliest, (), ()) for vd in week.vds]
        self.count: dict[str, int] = {s.id: 0 for s in week.sites}
        self.days: dict[str, list[date]] = {s.id: [] for s in week.sites}
        self.cover_sum = [0] * len(model.covers)
        self.banned: set[tuple[int, int]] = set()
        self.inserted = self.swapped = self.dropped = 0
        self.evals = 0
        self.least = week.timing.least_matrix(model.locations)
        self.loc = {p: i for i, p in enumerate(model.locations)}
        for seq in self.seqs:
            for j in seq:
                self._add_counts(j, +1)

    # bookkeeping
    def _add_counts(self, j: int, sign: int) -> None:
        job = self.model.jobs[j]
        sid = job.site.id
        self.count[sid] += sign
        if sign > 0:
            self.days[sid].append(job.date)
        else:
            self.days[sid].remove(job.date)
        for ci, w in self.model.cover_of.get(j, ()):
            self.cover_sum[ci] += sign * w

    def shortfall(self) -> int:
        return sum(max(0, c.minimum - got) for c, got in zip(self.model.covers, self.cover_sum, strict=True))

    def key(self) -> tuple[int, int]:
        """Smaller is better: unmet requirements first, then value."""
        return self.shortfall(), -self.objective()

    def objective(self) -> int:
        return sum(sum(self.model.marginal[sid][: self.count[sid]]) for sid in self.count)

    def removal_value(self, j: int) -> int:
        sid = self.model.jobs[j].site.id
        return self.model.marginal[sid][self.count[sid] - 1]

    def gain(self, j: int) -> int:
        sid = self.model.jobs[j].site.id
        c = self.count[sid]
        m = self.model.marginal[sid]
        return m[c] if c < len(m) else 0

    def locked(self, j: int) -> bool:
        """Whether removing ``j`` would break a cover (quota or request)."""
        return any(
            self.cover_sum[ci] - w < self.model.covers[ci].minimum for ci, w in self.model.cover_of.get(j, ())
        )

    def addable(self, j: int) -> bool:
        job = self.model.jobs[j]
        s = job.site
        if self.count[s.id] >= s.weekly_max:
            return False
        return not any(d == job.date or abs((d - job.date).days) < s.min_gap_days for d in self.days[s.id])

    def _sites(self, seq: Sequence[int]) -> list[Site]:
        return [self.model.jobs[j].site for j in seq]

    def _schedule(self, r: int, seq: Sequence[int]) -> Schedule | None:
        self.evals += 1
        return self.week.timing.schedule(self.week.vds[r], self._sites(seq))

    # repair: make every route feasible under the plan's own timing
    def repair_all(self) -> None:
        visited: set[int] = set()
        for r, seq in enumerate(self.seqs):
            # drop jobs the core put where this model does not allow them, or twice
            for j in list(seq):
                job = self.model.jobs[j]
                if r not in job.routes or j in visited:
                    seq.remove(j)
                    self._add_counts(j, -1)
                    self.dropped += 1
                else:
                    visited.add(j)
            self.repair(r)

    def repair(self, r: int) -> None:
        seq = self.seqs[r]
        while True:
            sched = self._schedule(r, seq)
            if sched is not None:
                self.sched[r] = sched
                return
            order = sorted(
                range(len(seq)), key=lambda k: (self.locked(seq[k]), self.removal_value(seq[k]), k)
            )
            pick = None
            for k in order:
                if self._schedule(r, seq[:k] + seq[k + 1 :]) is not None:
                    pick = k
                    break
            if pick is None:
                pick = order[0]
            j = seq.pop(pick)
            self._add_counts(j, -1)
            self.dropped += 1

    def drop_route(self, vd: VehicleDay) -> None:
        """Empty a route that cannot be crewed and keep every job off it."""
        for j in self.seqs[vd.index]:
            self._add_counts(j, -1)
            self.dropped += 1
        self.seqs[vd.index] = []
        self.sched[vd.index] = Schedule(vd.earliest, vd.earliest, (), ())
        for j, job in enumerate(self.model.jobs):
            if vd.index in job.routes:
                self.banned.add((j, vd.index))

    def drop_skill(self, vd: VehicleDay, skills: set[str]) -> None:
        """Take visits needing ``skills`` off a route whose crew lacks them."""
        seq = self.seqs[vd.index]
        for j in list(seq):
            if self.model.jobs[j].site.skills & skills:
                seq.remove(j)
                self._add_counts(j, -1)
                self.banned.add((j, vd.index))
                self.dropped += 1
        self.repair(vd.index)

    # improvement: insertions and 1-for-1 swaps, deterministic
    def _cap(self, r: int) -> int:
        return self.week.vds[r].capacity

    def _base(self, r: int, seq: Sequence[int]) -> tuple[int, list[int]]:
        vd = self.week.vds[r]
        locs = [
            self.loc[vd.depot_id],
            *(self.loc[self.model.jobs[j].site.id] for j in seq),
            self.loc[vd.depot_id],
        ]
        base = sum(int(self.least[a, b]) for a, b in itertools.pairwise(locs))
        base += sum(self.model.jobs[j].site.service_min for j in seq)
        return base, locs

    def _try_insert(self, r: int, seq: list[int], j: int) -> tuple[int, Schedule] | None:
        """A feasible position for ``j`` in ``seq`` on route ``r``, cheapest lower-bound increase first."""
        base, locs = self._base(r, seq)
        cap = self._cap(r)
        x = self.loc[self.model.jobs[j].site.id]
        service = self.model.jobs[j].site.service_min
        a = np.asarray(locs[:-1])
        b = np.asarray(locs[1:])
        delta = self.least[a, x] + self.least[x, b] - self.least[a, b] + service
        order = [int(k) for k in np.argsort(delta, kind="stable") if base + int(delta[k]) <= cap]
        for k in order:
            if self.evals > _IMPROVE_EVALS:
                return None
            cand = [*seq[:k], j, *seq[k:]]
            sched = self._schedule(r, cand)
            if sched is not None:
                return k, sched
        return None

    def improve(self) -> None:
        jobs = self.model.jobs
        changed = True
        while changed and self.evals <= _IMPROVE_EVALS:
            changed = False
            visited = {j for seq in self.seqs for j in seq}
            cands = [j for j in range(len(jobs)) if j not in visited and self.addable(j) and self.gain(j) > 0]
            cands.sort(key=lambda j: (-self.gain(j), j))
            for j in cands:
                if self.evals > _IMPROVE_EVALS:
                    break
                if not self.addable(j) or self.gain(j) <= 0:
                    continue
                routes = [r for r in jobs[j].routes if (j, r) not in self.banned]
                done = False
                for r in routes:
                    hit = self._try_insert(r, self.seqs[r], j)
                    if hit is not None:
                        k, sched = hit
                        self.seqs[r].insert(k, j)
                        self.sched[r] = sched
                        self._add_counts(j, +1)
                        self.inserted += 1
                        changed = done = True
                        break
                if done:
                    continue
                if self._try_swap(j, routes):
                    changed = True

    def satisfy_covers(self) -> None:
        """Meet covers (requests, quotas) the search left short, at the least loss of value.

        For each short cover, its jobs are tried by weight then value: first a
        plain insertion, then in place of the cheapest visit whose removal
        breaks no other cover.
        """
        jobs = self.model.jobs
        for ci, cover in enumerate(self.model.covers):
            weight = {j: cover.weight(k) for k, j in enumerate(cover.jobs)}
            while self.cover_sum[ci] < cover.minimum and self.evals <= _IMPROVE_EVALS:
                visited = {j for seq in self.seqs for j in seq}
                cands = [j for j in cover.jobs if j not in visited and self.addable(j) and weight[j] > 0]
                cands.sort(key=lambda j: (-weight[j], -self.gain(j), j))
                done = False
                for j in cands:
                    routes = [r for r in jobs[j].routes if (j, r) not in self.banned]
                    for r in routes:
                        hit = self._try_insert(r, self.seqs[r], j)
                        if hit is not None:
                            self.seqs[r].insert(hit[0], j)
                            self.sched[r] = hit[1]
                            self._add_counts(j, +1)
                            self.inserted += 1
                            done = True
                            break
                    if done or self._try_swap(j, routes, forced=True):
                        done = True
                        break
                if not done:
                    # last resort: rebuild one route around the job, keeping only
                    # visits other covers need; the improvement pass refills it
                    done = any(self._clear_for(j) for j in cands)
                if not done:
                    break

    def _clear_for(self, j: int) -> bool:
        best: tuple[int, int, list[int], int, Schedule] | None = None  # (loss, r, kept, pos, sched)
        for r in self.model.jobs[j].routes:
            if (j, r) in self.banned:
                continue
            seq = self.seqs[r]
            kept = [v for v in seq if self.locked(v)]
            loss = sum(self.removal_value(v) for v in seq if v not in kept)
            if best is not None and loss >= best[0]:
                continue
            hit = self._try_insert(r, kept, j)
            if hit is not None:
                best = (loss, r, kept, hit[0], hit[1])
        if best is None:
            return False
        _, r, kept, pos, sched = best
        for v in self.seqs[r]:
            if v not in kept:
                self._add_counts(v, -1)
                self.dropped += 1
        self.seqs[r] = [*kept[:pos], j, *kept[pos:]]
        self._add_counts(j, +1)
        self.sched[r] = sched
        return True

    def _try_swap(self, j: int, routes: Sequence[int], forced: bool = False) -> bool:
        """Put ``j`` in place of one visit if that gains value (or, ``forced``, at the least loss)."""
        gain = self.gain(j)
        best: tuple[int, int, int, int, Schedule] | None = None  # (net, r, remove pos, insert pos, sched)
        for r in routes:
            seq = self.seqs[r]
            for k, v in enumerate(seq):
                if self.locked(v):
                    continue
                loss = self.removal_value(v)
                if not forced and loss >= gain:
                    continue
                if best is not None and gain - loss <= best[0]:
                    continue
                if self.model.jobs[v].site.id == self.model.jobs[j].site.id:
                    continue
                rest = seq[:k] + seq[k + 1 :]
                hit = self._try_insert(r, rest, j)
                if hit is not None:
                    best = (gain - loss, r, k, hit[0], hit[1])
        if best is None:
            return False
        _, r, k, pos, sched = best
        seq = self.seqs[r]
        v = seq.pop(k)
        self._add_counts(v, -1)
        seq.insert(pos, j)
        self._add_counts(j, +1)
        self.sched[r] = sched
        self.swapped += 1
        return True

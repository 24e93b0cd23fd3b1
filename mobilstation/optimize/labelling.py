"""The pricing's labelling loop, compiled: the same labels and rules as :mod:`pricing` says, machine speed.

Column generation only proves a bound when a pricing round finishes, and
it only converges after many rounds. In Python a label cost about 65 µs,
so one exact round of the default week (10 vehicle-days, about 90
candidate sites each, 120 000 labels) took 8 s and the week's 30 s held
three of them, far too few to converge. Compiled by Numba the same loop
runs a round in a fraction of a second.

The kernel is written for Numba's ``nopython`` mode: plain arrays, no
objects. Labels live in parallel arrays (job, earliest end of service,
travel and service so far, profit, memory bitset as ``W`` 64-bit words,
parent); they are taken in order of their end time from one FIFO list per
minute (every extension ends later or at the same minute, so the lists are
filled ahead of the one being read), which is the order the proof of
exactness in :mod:`colgen` needs. Each job keeps the indices of its
undominated labels for the dominance test. Storage grows by doubling
before a label is extended, so the push never reallocates.

``NUMBA_DISABLE_JIT=1`` runs the same code as plain Python (slowly), which
is how a debugger can step through it.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit, objmode

EPS = 1e-6


@njit(cache=True)
def _now() -> float:
    with objmode(t="float64"):
        t = time.perf_counter()
    return t


@njit(cache=True)
def _start(a, arrive, win_ptr, win_lo, win_hi):
    """Earliest start of service at job ``a`` arriving at ``arrive`` (-1 when every window has closed)."""
    for k in range(win_ptr[a], win_ptr[a + 1]):
        if arrive <= win_hi[k]:
            return win_lo[k] if arrive < win_lo[k] else arrive
    return -1


@njit(cache=True)
def completion_table(pos, hops, service, back, gain, g, horizon):
    """``table[k, t]``: the most profit a path from ``pos[k]`` can still add with ``t`` grid steps left.

    Windows and revisits are ignored and every duration is rounded down to
    the grid, so it never underestimates (see :mod:`colgen`).
    """
    m = pos.shape[0]
    table = np.full((m, horizon + 1), -np.inf)
    step = np.empty((m, m), np.int64)
    for i in range(m):
        for k in range(m):
            step[i, k] = (hops[pos[i], pos[k]] + service[pos[k]]) // g
    for t in range(horizon + 1):
        for i in range(m):
            best = 0.0 if back[pos[i]] // g <= t else -np.inf
            for k in range(m):
                idx = t - step[i, k]
                if idx >= 0:
                    v = gain[k] + table[k, idx]
                    if v > best:
                        best = v
            table[i, t] = best
    return table


@njit(cache=True)
def _grow1(arr, size):
    out = np.empty(size, arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@njit(cache=True)
def _grow2(arr, size):
    out = np.empty((size, arr.shape[1]), arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@njit(cache=True)
def _grow_cols(arr, size):
    out = np.empty((arr.shape[0], size), arr.dtype)
    out[:, : arr.shape[1]] = arr
    return out


@njit(cache=True)
def _reach(use_reach, profit, job, end, used, cap, latest, more, slot, g, horizon):
    if not use_reach:
        return np.inf
    left = min(cap - used, latest - end)
    if left < 0:
        return -np.inf
    return profit + more[slot[job], min(left // g, horizon)]


@njit(cache=True)
def _subset(mem, a, b):
    """Does label ``a`` remember no job that label ``b`` forgets (``mem[a]`` a subset of ``mem[b]``)?"""
    for w in range(mem.shape[1]):
        if mem[a, w] & ~mem[b, w]:
            return False
    return True


@njit(cache=True)
def _store(i, job, end, used, profit, parent, l_job, l_end, l_used, l_profit, l_parent, l_alive, l_popped,
           l_next, head, tail):
    """Write label ``i`` and append it to the FIFO list of its end minute."""
    l_job[i] = job
    l_end[i] = end
    l_used[i] = used
    l_profit[i] = profit
    l_parent[i] = parent
    l_alive[i] = True
    l_popped[i] = False
    l_next[i] = -1
    if tail[end] < 0:
        head[end] = i
    else:
        l_next[tail[end]] = i
    tail[end] = i


@njit(cache=True)
def label(
    qa,
    pos,
    hops,
    service,
    out,
    back,
    win_ptr,
    win_lo,
    win_hi,
    keep,
    cap,
    earliest,
    latest,
    use_reach,
    g,
    horizon,
    known,
    max_labels,
    keep_best,
    restrict,
    deadline,
):
    """Label from the depot over the jobs ``pos`` (those with positive profit ``qa``).

    Returns (best profit, exact?, labels made, upper bound, best closed
    labels in rank order, each label's job, each label's parent). The
    rules, the completion bound's pruning and the upper bound of a
    labelling cut short are those of :meth:`pricing.RoutePricer.run`.
    ``restrict`` < 0 means no cap on the labels per job (an exact round);
    ``deadline`` is a ``time.perf_counter`` instant (inf for none).
    """
    n = qa.shape[0]
    words = keep.shape[1]
    m = pos.shape[0]
    slot = np.full(n, -1, np.int64)
    for k in range(m):
        slot[pos[k]] = k
    if use_reach:
        gain = np.empty(m)
        for k in range(m):
            gain[k] = qa[pos[k]]
        more = completion_table(pos, hops, service, back, gain, g, horizon)
    else:
        more = np.zeros((1, 1))

    size = max(1024, 2 * m + 2)  # the seeds fit; later growth is checked before each extension
    l_job = np.empty(size, np.int64)
    l_end = np.empty(size, np.int64)
    l_used = np.empty(size, np.int64)
    l_profit = np.empty(size)
    l_mem = np.zeros((size, words), np.uint64)
    l_parent = np.empty(size, np.int64)
    l_alive = np.zeros(size, np.bool_)
    l_popped = np.zeros(size, np.bool_)
    l_next = np.empty(size, np.int64)
    head = np.full(latest + 2, -1, np.int64)
    tail = np.full(latest + 2, -1, np.int64)
    bcap = 64
    bucket = np.empty((n, bcap), np.int64)
    blen = np.zeros(n, np.int64)
    longest = 0
    cnt = 0

    kbest = 4 * keep_best
    done_idx = np.empty(kbest, np.int64)
    done_profit = np.empty(kbest)
    done_order = np.empty(kbest, np.int64)
    ndone = 0
    order = 0
    best_val = max(known, 0.0)

    # -- seed labels: depot -> job ---------------------------------------------------------
    for k in range(m):
        a = pos[k]
        s = _start(a, earliest + out[a], win_ptr, win_lo, win_hi)
        if s < 0:
            continue
        end = s + service[a]
        used = out[a] + service[a]
        if end + back[a] > latest or used + back[a] > cap:
            continue
        for w in range(words):
            l_mem[cnt, w] = 0
        l_mem[cnt, a >> 6] = np.uint64(1) << np.uint64(a & 63)
        for w in range(words):
            l_mem[cnt, w] &= keep[a, w]
        # seeds never dominate each other's job buckets: one seed per job
        _store(cnt, a, end, used, qa[a], -1, l_job, l_end, l_used, l_profit, l_parent, l_alive, l_popped,
               l_next, head, tail)
        bucket[a, blen[a]] = cnt
        blen[a] += 1
        longest = max(longest, blen[a])
        cnt += 1

    exact = restrict < 0
    popped = 0
    cut = -1
    t = 0
    stop = False
    while t <= latest and not stop:
        lab = head[t]
        while lab >= 0:
            if not l_alive[lab]:
                lab = l_next[lab]
                continue
            popped += 1
            l_popped[lab] = True
            profit = l_profit[lab]
            # close: keep the best ``kbest`` labels
            if profit > best_val:
                best_val = profit
            if ndone < kbest:
                done_idx[ndone] = lab
                done_profit[ndone] = profit
                done_order[ndone] = order
                ndone += 1
            else:
                worst = 0
                for i in range(1, kbest):
                    if done_profit[i] < done_profit[worst] or (
                        done_profit[i] == done_profit[worst] and done_order[i] > done_order[worst]
                    ):
                        worst = i
                if profit > done_profit[worst]:
                    done_idx[worst] = lab
                    done_profit[worst] = profit
                    done_order[worst] = order
            order += 1
            full = ndone >= keep_best
            job, lend, lused = l_job[lab], l_end[lab], l_used[lab]
            if full and _reach(use_reach, profit, job, lend, lused, cap, latest, more, slot, g, horizon) <= (
                best_val + EPS
            ):
                lab = l_next[lab]
                continue
            late = popped % 64 == 0 and deadline < np.inf and _now() > deadline
            if cnt > max_labels or late:
                exact = False
                cut = lab
                stop = True
                break
            # room for every extension of this label
            if cnt + m >= size:
                while cnt + m >= size:
                    size *= 2
                l_job = _grow1(l_job, size)
                l_end = _grow1(l_end, size)
                l_used = _grow1(l_used, size)
                l_profit = _grow1(l_profit, size)
                l_mem = _grow2(l_mem, size)
                l_parent = _grow1(l_parent, size)
                l_alive = _grow1(l_alive, size)
                l_popped = _grow1(l_popped, size)
                l_next = _grow1(l_next, size)
            if longest + 1 >= bcap:
                bcap *= 2
                bucket = _grow_cols(bucket, bcap)
            for k in range(m):
                b = pos[k]
                if (l_mem[lab, b >> 6] >> np.uint64(b & 63)) & np.uint64(1):
                    continue
                hop = hops[job, b]
                s = _start(b, lend + hop, win_ptr, win_lo, win_hi)
                if s < 0:
                    continue
                end = s + service[b]
                used = lused + hop + service[b]
                if end + back[b] > latest or used + back[b] > cap:
                    continue
                nprofit = profit + qa[b]
                if full and _reach(use_reach, nprofit, b, end, used, cap, latest, more, slot, g, horizon) <= (
                    best_val + EPS
                ):
                    continue
                new = cnt
                for w in range(words):
                    l_mem[new, w] = l_mem[lab, w]
                l_mem[new, b >> 6] |= np.uint64(1) << np.uint64(b & 63)
                for w in range(words):
                    l_mem[new, w] &= keep[b, w]
                # dominated by a label already at ``b``?
                dominated = False
                low = nprofit - EPS
                for i in range(blen[b]):
                    o = bucket[b, i]
                    if l_end[o] <= end and l_used[o] <= used and l_profit[o] >= low and _subset(l_mem, o, new):
                        dominated = True
                        break
                if dominated:
                    continue
                # drop the labels it dominates, keep the rest
                high = nprofit + EPS
                kept = 0
                for i in range(blen[b]):
                    o = bucket[b, i]
                    if end <= l_end[o] and used <= l_used[o] and high >= l_profit[o] and _subset(l_mem, new, o):
                        l_alive[o] = False
                    else:
                        bucket[b, kept] = o
                        kept += 1
                bucket[b, kept] = new
                kept += 1
                _store(new, b, end, used, nprofit, lab, l_job, l_end, l_used, l_profit, l_parent, l_alive,
                       l_popped, l_next, head, tail)
                if restrict >= 0 and kept > restrict:
                    worst = 0
                    for i in range(1, kept):
                        if l_profit[bucket[b, i]] < l_profit[bucket[b, worst]]:
                            worst = i
                    l_alive[bucket[b, worst]] = False
                    for i in range(worst, kept - 1):
                        bucket[b, i] = bucket[b, i + 1]
                    kept -= 1
                blen[b] = kept
                if kept > longest:
                    longest = kept
                cnt += 1
            lab = l_next[lab]
        t += 1

    if exact:
        upper = best_val
    elif restrict >= 0:
        upper = np.inf
    else:  # cut short: the best closed route, or the best a waiting label can still reach
        upper = best_val
        for i in range(cnt):
            if (l_alive[i] and not l_popped[i]) or i == cut:
                r = _reach(use_reach, l_profit[i], l_job[i], l_end[i], l_used[i], cap, latest, more, slot, g, horizon)
                if r > upper:
                    upper = r
    # the closed labels by profit, ties in the order they were closed
    rank = np.empty(ndone, np.int64)
    used_mark = np.zeros(ndone, np.bool_)
    for r in range(ndone):
        pick = -1
        for i in range(ndone):
            if used_mark[i]:
                continue
            if pick < 0 or done_profit[i] > done_profit[pick] or (
                done_profit[i] == done_profit[pick] and done_order[i] < done_order[pick]
            ):
                pick = i
        used_mark[pick] = True
        rank[r] = done_idx[pick]
    return best_val, exact, cnt, upper, rank, l_job[:cnt].copy(), l_parent[:cnt].copy()


def compile_now() -> None:
    """Compile (or load from Numba's cache) the kernel on a two-job route.

    ``make setup`` calls it, so the first plan's search time is not spent
    compiling (about 8 s on the 2-core machine); later runs load the
    compiled code from ``__pycache__``. It must be called from an import
    of this module, never with the module run as ``__main__``: the cached
    clock call (``objmode``) would look up ``time`` in the running script's
    globals.
    """
    hops = np.array([[0, 10], [10, 0]], dtype=np.int64)
    keep = np.full((2, 1), 3, dtype=np.uint64)
    two = np.array([5, 5], dtype=np.int64)
    for restrict in (-1, 2):
        label(
            np.array([1.0, 2.0]),
            np.array([0, 1], dtype=np.int64),
            hops,
            two,
            two,
            two,
            np.array([0, 1, 2], dtype=np.int64),
            np.array([0, 0], dtype=np.int64),
            np.array([100, 100], dtype=np.int64),
            keep,
            100,
            0,
            100,
            restrict < 0,
            1,
            100,
            0.0,
            1000,
            4,
            restrict,
            np.inf,
        )

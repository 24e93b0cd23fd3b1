"""Input checks the dataclasses in :mod:`problem` cannot make on their own.

:class:`Problem` validates each part as it is built; what needs the whole
problem (job indices inside groups, covers and conflicts, matrix contents) is
checked here, before anything is solved. Every message names the offending
part and value.
"""

from __future__ import annotations

import numpy as np

from .problem import Problem

#: Largest magnitude accepted for any time, duration, distance or prize; keeps
#: every sum the solvers form well inside 64-bit integers.
MAX_MAGNITUDE = 2**40


def validate(problem: Problem) -> None:
    """Raise ``ValueError`` naming the first problem found in ``problem``."""
    n_jobs = len(problem.jobs)
    for name in ("duration", "distance"):
        matrix = np.asarray(getattr(problem, name))
        if matrix.size and not np.issubdtype(matrix.dtype, np.integer):
            if not np.issubdtype(matrix.dtype, np.floating) or not np.all(np.isfinite(matrix)):
                raise ValueError(f"{name} matrix must hold finite integers, got dtype {matrix.dtype}")
            if not np.all(matrix == np.round(matrix)):
                raise ValueError(f"{name} matrix must hold integers (scale and round first)")
        if matrix.size and matrix.min() < 0:
            i, j = np.unravel_index(int(np.argmin(matrix)), matrix.shape)
            raise ValueError(f"{name}[{i}, {j}] = {matrix[i, j]} is negative")
        if matrix.size and matrix.max() > MAX_MAGNITUDE:
            raise ValueError(f"{name} matrix entries must be <= {MAX_MAGNITUDE}, got {matrix.max()}")
        if matrix.size and np.any(np.diag(matrix) != 0):
            i = int(np.flatnonzero(np.diag(matrix))[0])
            raise ValueError(f"{name}[{i}, {i}] = {matrix[i, i]}: travel within a location must be 0")
    for r, route in enumerate(problem.routes):
        for what in ("earliest", "latest"):
            value = getattr(route, what)
            if abs(value) > MAX_MAGNITUDE:
                raise ValueError(f"route {r}: {what} {value} outside +-{MAX_MAGNITUDE}")
    for k, job in enumerate(problem.jobs):
        if job.prize > MAX_MAGNITUDE:
            raise ValueError(f"job {k}: prize {job.prize} > {MAX_MAGNITUDE}")
        if job.service > MAX_MAGNITUDE:
            raise ValueError(f"job {k}: service {job.service} > {MAX_MAGNITUDE}")
        for lo, hi in job.windows:
            if abs(lo) > MAX_MAGNITUDE or abs(hi) > MAX_MAGNITUDE:
                raise ValueError(f"job {k}: window ({lo}, {hi}) outside +-{MAX_MAGNITUDE}")
    for g, group in enumerate(problem.groups):
        _check_jobs(f"group {g}", group.jobs, n_jobs)
        if any(v < 0 for v in group.marginal):
            raise ValueError(f"group {g}: marginal prizes must be >= 0, got {group.marginal}")
    for c, cover in enumerate(problem.covers):
        label = f"cover {c}" + (f" ({cover.name})" if cover.name else "")
        _check_jobs(label, cover.jobs, n_jobs)
        if cover.weights and len(cover.weights) != len(cover.jobs):
            raise ValueError(
                f"{label}: {len(cover.weights)} weights for {len(cover.jobs)} jobs (need one per job)"
            )
        if any(w < 0 for w in cover.weights):
            raise ValueError(f"{label}: weights must be >= 0, got {cover.weights}")
    for i, pair in enumerate(problem.conflicts):
        if len(pair) != 2:
            raise ValueError(f"conflict {i}: expected a pair of jobs, got {pair!r}")
        a, b = pair
        for j in (a, b):
            if not 0 <= j < n_jobs:
                raise ValueError(f"conflict {i}: job {j} outside 0..{n_jobs - 1}")
        if a == b:
            raise ValueError(f"conflict {i}: job {a} conflicts with itself")


def _check_jobs(label: str, jobs: tuple[int, ...], n_jobs: int) -> None:
    for j in jobs:
        if not 0 <= j < n_jobs:
            raise ValueError(f"{label}: job {j} outside 0..{n_jobs - 1}")
    if len(set(jobs)) != len(jobs):
        raise ValueError(f"{label}: a job is listed twice in {jobs}")

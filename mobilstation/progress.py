"""What a long run tells the planner while it works: named steps, some with a limit to count down.

A progress callback (``Callable[[str], None]``, as :mod:`mobilstation.api`
takes it) is called with each step's name as the step starts. A search
step passes a :class:`Step`: still the name as a string, so any callback
works, but one that knows it (the command line's) also shows the search
counting down against its limit: the seconds left of the time limit, or
the iterations left of the work limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str], None]


class Step(str):
    """A step name that carries the limit its work counts down against.

    ``deadline`` is a :func:`time.perf_counter` time and ``limit_s`` the
    whole time limit it ends; or ``work_limit`` is the iteration budget and
    ``work_done()`` tells how much of it is spent so far.
    """

    deadline: float | None
    limit_s: float | None
    work_limit: int | None
    work_done: Callable[[], int] | None

    def __new__(
        cls,
        text: str,
        *,
        deadline: float | None = None,
        limit_s: float | None = None,
        work_limit: int | None = None,
        work_done: Callable[[], int] | None = None,
    ) -> Step:
        step = super().__new__(cls, text)
        step.deadline, step.limit_s = deadline, limit_s
        step.work_limit, step.work_done = work_limit, work_done
        return step

    def seconds_left(self) -> float | None:
        """Seconds until the deadline (negative past it); None without a time limit."""
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def work_left(self) -> int | None:
        """Iterations left of the work limit; None without one."""
        if self.work_limit is None:
            return None
        done = self.work_done() if self.work_done is not None else 0
        return max(0, self.work_limit - done)


def report(progress: Progress | None, step: str) -> None:
    """Call ``progress`` with ``step`` if there is a callback."""
    if progress is not None:
        progress(step)

"""The terminal every command writes to: two consoles, the error-to-exit-code mapping, progress.

Shared by every command module (:mod:`mobilstation.cli`,
:mod:`mobilstation.sweep_command`, :mod:`mobilstation.ledger.commands`), so
none of them imports another to print.

* Tables a planner may redirect go to stdout (:data:`out`); messages,
  progress and summaries to stderr (:data:`err`).
* A closed pipe (``mobilstation validate x.yaml | head``) is not an error:
  the rest of what would have gone there is dropped and the command
  finishes its work (a plan is still written) with its own exit code.
  Exit 1 means "no feasible plan" and nothing else.
* :func:`handle_errors` maps the planner-facing errors to exit codes:
  2 bad input, 1 no feasible plan.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from mobilstation.errors import InputError, PlanFailed
from mobilstation.i18n import num, short, t
from mobilstation.progress import Progress


class _ClosablePipe:
    """A text stream that stops writing, without raising, once its reader has gone away.

    The stream's descriptor is pointed at the null device then, so neither
    a later write nor the interpreter's flush at exit meets the closed pipe
    again (that flush would turn exit 0 into 120).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.closed_pipe = False

    @property
    def stream(self) -> IO[str]:
        # looked up on each use (test runners swap sys.stdout), past the proxy a live status puts
        # there: that proxy prints through this very console
        stream = getattr(sys, self.name)
        return getattr(stream, "rich_proxied_file", stream)

    def _closed(self) -> None:
        self.closed_pipe = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.stream.fileno())
            os.close(null)

    def write(self, text: str) -> int:
        if self.closed_pipe:
            return len(text)
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            self._closed()
            return len(text)

    def flush(self) -> None:
        if self.closed_pipe:
            return
        try:
            self.stream.flush()
        except BrokenPipeError:
            self._closed()

    def isatty(self) -> bool:
        return not self.closed_pipe and self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"


#: Messages and progress go to stderr; tables a planner may redirect go to stdout.
out = Console(file=_ClosablePipe("stdout"), highlight=False, soft_wrap=True)  # type: ignore[arg-type]
err = Console(
    file=_ClosablePipe("stderr"), stderr=True, highlight=False, soft_wrap=True  # type: ignore[arg-type]
)


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Turn the planner-facing errors into messages and exit codes (2 bad input, 1 no plan)."""
    try:
        yield
    except InputError as exc:
        err.print(f"[bold red]{t('label.error')}[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except PlanFailed as exc:
        err.print(f"[bold red]{t('label.no_plan')}[/] {escape(exc.args[0] if exc.args else str(exc))}")
        for v in exc.violations:
            err.print(f"  - {escape(v)}")
        raise typer.Exit(1) from None


class _Countdown:
    """The status line of the current step, rendered afresh on each refresh: a search counts down."""

    def __init__(self, step: str) -> None:
        self.step = step

    def __rich__(self) -> Text:
        text = Text(f"{self.step} ...")
        left_s = getattr(self.step, "seconds_left", lambda: None)()
        limit_s = getattr(self.step, "limit_s", None)
        if left_s is not None and limit_s is not None:
            if left_s >= 0:
                words = t("progress.left_s", left=num(left_s), limit=short(limit_s))
            else:
                words = t("progress.over_s", over=num(-left_s), limit=short(limit_s))
            text.append(f" {words}", style="cyan")
        left_work = getattr(self.step, "work_left", lambda: None)()
        if left_work is not None:
            words = t("progress.left_work", left=num(left_work, 0), limit=num(self.step.work_limit, 0))
            text.append(f" {words}", style="cyan")
        return text


@contextlib.contextmanager
def progress_reporter(quiet: bool) -> Iterator[Progress | None]:
    """A callback that shows the current step (live, a search counting down) and logs each finished one."""
    if quiet:
        yield None
        return
    state: dict[str, Any] = {"step": None, "t0": time.perf_counter()}

    def done() -> None:
        if state["step"] is not None:
            seconds = num(time.perf_counter() - state["t0"])
            err.print(f"[green]✓[/] {escape(str(state['step']))} [dim]({seconds} s)[/]")

    with err.status(f"{t('progress.starting')} ...", spinner="dots") as status:

        def report(step: str) -> None:
            done()
            state["step"], state["t0"] = step, time.perf_counter()
            status.update(_Countdown(step))

        try:
            yield report
        finally:
            done()


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """``--set solver.seed=3`` -> {"solver.seed": 3} (values parsed as YAML; paths as given)."""
    result: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(t("set.bad", item=item))
        try:
            result[key.strip()] = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError:
            result[key.strip()] = value
    return result

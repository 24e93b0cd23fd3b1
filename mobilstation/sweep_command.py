"""``mobilstation sweep``: the command-line front of :mod:`mobilstation.sweep`.

Kept apart from the sweep itself so the sweep (run in notebooks and on
Dask workers) needs nothing of the command line, and the command line
nothing of Dask until a sweep is run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from mobilstation.console import err, handle_errors, out
from mobilstation.i18n import t
from mobilstation.i18n.clihelp import LocalizedCommand, h

ScenarioArg = Annotated[Path, typer.Argument(help=h("opt.scenario"), show_default=False)]
GridOpt = Annotated[Path, typer.Option("--grid", "-g", help=h("sweep.opt.grid"), show_default=False)]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help=h("sweep.opt.out"), show_default=False)]
SchedulerOpt = Annotated[
    str | None, typer.Option("--scheduler", help=h("sweep.opt.scheduler"), show_default=False)
]
WorkersOpt = Annotated[int, typer.Option("--workers", "-w", min=1, help=h("sweep.opt.workers"))]
NoMapsOpt = Annotated[bool, typer.Option("--no-maps", help=h("sweep.opt.no_maps"))]
NoResumeOpt = Annotated[bool, typer.Option("--no-resume", help=h("sweep.opt.no_resume"))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=h("opt.quiet"))]


def sweep_command(
    scenario: ScenarioArg,
    grid: GridOpt,
    out_dir: OutOpt,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = 2,
    no_maps: NoMapsOpt = False,
    no_resume: NoResumeOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Plan every combination of a grid of overrides of SCENARIO (in parallel on Dask).

    Writes OUT/runs/<id>/ (each plan's outputs), OUT/sweep.csv (one row per
    combination: parameters, status, KPIs) and OUT/tradeoff.png. A rerun
    skips combinations already planned. Exit 0 when the sweep ran (failed
    combinations are counted and listed), 2 for a bad grid or scenario.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from mobilstation.sweep import SWEEP_FILE, TRADEOFF_FILE, run_sweep

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=quiet,
    )
    task = bar.add_task(t("sweep.progress.validating"), total=None)

    def report(done: int, total: int, row: Mapping[str, Any] | None) -> None:
        if row is None:
            bar.update(task, description=t("sweep.progress.planning"), total=total, completed=done)
            if done:
                err.print(t("sweep.resumed", done=done, total=total))
            return
        bar.update(task, completed=done)
        if row.get("status") != "ok":
            status = t(f"sweep.status.{row['status']}")
            err.print(f"[yellow]{escape(str(row['id']))}: {status}:[/] {escape(str(row['message']))}")

    with handle_errors(), bar:
        frame = run_sweep(
            scenario,
            grid,
            out_dir,
            scheduler=scheduler,
            n_workers=workers,
            progress=None if quiet else report,
            resume=not no_resume,
            maps=False if no_maps else None,
        )
    counts = frame["status"].value_counts().to_dict()
    failed = len(frame) - counts.get("ok", 0)
    if not quiet:
        out.print(
            t(
                "sweep.summary",
                total=len(frame),
                ok=counts.get("ok", 0),
                infeasible=counts.get("infeasible", 0),
                error=counts.get("error", 0),
            )
        )
        if failed:
            out.print(f"[yellow]{escape(t('sweep.failed', failed=failed))}[/]")
        where = escape(str(Path(out_dir) / SWEEP_FILE))
        files = t("sweep.written_files", table=where, plot=TRADEOFF_FILE)
        err.print(f"[bold green]{t('sweep.written')}[/] {files}")


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command to the ``mobilstation`` Typer app."""
    app.command("sweep", cls=LocalizedCommand, help=h("sweep.help"))(sweep_command)

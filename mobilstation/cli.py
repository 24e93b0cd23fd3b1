"""The ``mobilstation`` command line: a thin front over :mod:`mobilstation.api`.

Exit codes: 0 ok; 1 the scenario is valid but no plan satisfies it
(:class:`~mobilstation.errors.PlanFailed`: the explanation and each violated
constraint are printed); 2 bad input (:class:`~mobilstation.errors.InputError`:
the message names the file and field; no traceback). Every output directory
is written atomically, so a failure leaves no partial output.

Each command is a plain function registered on :data:`app`; a new command
(e.g. ``sweep``) is added the same way with ``app.command()(function)`` in
its own module's ``register(app)`` or here, wrapped in :func:`handle_errors`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mobilstation.errors import InputError, PlanFailed

app = typer.Typer(
    name="mobilstation",
    help=(
        "Plan the week of the mobile police stations and the lokalbetjente's local hours.\n\n"
        "Exit codes: 0 ok, 1 no feasible plan (the violated constraints are printed), 2 bad input."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

#: Messages and progress go to stderr; tables a planner may redirect go to stdout.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

Progress = Callable[[str], None]


# ---------------------------------------------------------------------------
# shared plumbing
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Turn the planner-facing errors into messages and exit codes (2 bad input, 1 no plan)."""
    try:
        yield
    except InputError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except PlanFailed as exc:
        err.print(f"[bold red]no feasible plan:[/] {escape(exc.args[0] if exc.args else str(exc))}")
        for v in exc.violations:
            err.print(f"  - {escape(v)}")
        raise typer.Exit(1) from None


@contextlib.contextmanager
def progress_reporter(quiet: bool) -> Iterator[Progress | None]:
    """A callback that shows the current step (rich status) and logs each finished one with its time."""
    if quiet:
        yield None
        return
    state: dict[str, Any] = {"step": None, "t0": time.perf_counter()}

    with err.status("starting ...", spinner="dots") as status:

        def report(step: str) -> None:
            now = time.perf_counter()
            if state["step"] is not None:
                err.print(f"[green]✓[/] {escape(state['step'])} [dim]({now - state['t0']:.1f} s)[/]")
            state["step"], state["t0"] = step, now
            status.update(f"{escape(step)} ...")

        try:
            yield report
        finally:
            if state["step"] is not None:
                err.print(
                    f"[green]✓[/] {escape(state['step'])} [dim]({time.perf_counter() - state['t0']:.1f} s)[/]"
                )


def _parse_sets(items: list[str] | None) -> dict[str, Any]:
    """``--set solver.seed=3`` -> {"solver.seed": 3} (values parsed as YAML)."""
    result: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set {item!r}: expected FIELD=VALUE, e.g. --set solver.seed=3")
        try:
            result[key.strip()] = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError:
            result[key.strip()] = value
    return result


ScenarioArg = Annotated[
    Path, typer.Argument(help="Scenario YAML file (e.g. scenarios/nordjylland.yaml).", show_default=False)
]
OutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Output directory (replaced atomically).", show_default=False)
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary, only errors.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a scenario field, e.g. --set solver.seed=3 (repeatable).",
        metavar="FIELD=VALUE",
        show_default=False,
    ),
]


# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------


@app.command("plan")
def plan_command(
    scenario: ScenarioArg,
    out_dir: OutOpt,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help="Solver time limit in seconds.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Random seed.")] = None,
    work_limit: Annotated[
        int | None,
        typer.Option("--work-limit", min=1, help="Solver iterations: the same plan on every machine."),
    ] = None,
    sets: SetOpt = None,
    quiet: QuietOpt = False,
    week: Annotated[
        str | None, typer.Option("--week", help="ISO week to plan, e.g. 2026-W50 (default: the scenario's).")
    ] = None,
    ledger: Annotated[
        str | None,
        typer.Option(
            "--ledger",
            help="Ledger (SQLite file or postgresql:// URL): last visits, rotation, requests already served.",
        ),
    ] = None,
) -> None:
    """Plan the week of SCENARIO and write every output (plan.json, tables, calendars, maps) to --out."""
    from mobilstation import api

    with handle_errors():
        overrides = _parse_sets(sets)
        if week is not None:
            overrides["week"] = week
        with progress_reporter(quiet) as progress:
            result = api.plan(
                scenario,
                time_limit=time_limit,
                seed=seed,
                work_limit=work_limit,
                overrides=overrides,
                progress=progress,
                ledger=ledger,
            )
            result.save(out_dir, progress=progress)
        if not quiet:
            _print_notes(result.record.notes)
            _print_plan_summary(result)
            err.print(f"[bold green]plan written to[/] {escape(str(out_dir))}")


@app.command("validate")
def validate_command(scenario: ScenarioArg, sets: SetOpt = None) -> None:
    """Check SCENARIO and its data (district, places, officers, quotas, input files) without solving."""
    from mobilstation import api

    with handle_errors():
        resolved = api.validate(scenario, overrides=_parse_sets(sets))
    _print_resolved(resolved)
    out.print(f"[bold green]ok:[/] {escape(str(scenario))} is valid")


@app.command("compare")
def compare_command(
    dir_a: Annotated[Path, typer.Argument(help="Output directory of one plan.", show_default=False)],
    dir_b: Annotated[Path, typer.Argument(help="Output directory of another plan.", show_default=False)],
) -> None:
    """Compare the KPIs of two plans side by side (reads only their plan.json)."""
    from mobilstation import api

    with handle_errors():
        a = api.Plan.load(dir_a)
        b = api.Plan.load(dir_b)
        rows = api.compare(a, b)
    name_a = f"A: {a.record.scenario.name}"
    name_b = f"B: {b.record.scenario.name}"
    table = Table(title=f"{dir_a}  vs  {dir_b}", show_lines=False)
    table.add_column("KPI", style="bold")
    table.add_column(name_a, justify="right")
    table.add_column(name_b, justify="right")
    table.add_column("B - A", justify="right")
    section = None
    for row in rows:
        if row["section"] != section:
            section = row["section"]
            table.add_section()
            table.add_row(f"[dim]{escape(section)}[/]", "", "", "")
        table.add_row(escape(row["kpi"]), row["a_text"], row["b_text"], row["diff_text"])
    out.print(table)
    from mobilstation.outputs.changes import changes

    moved = changes(a.record, b.record)
    visits = Table(title=f"Besøg: {len(moved)} forskel(le) fra A til B", title_justify="left")
    for col in ("ændring", "sted", "A", "B"):
        visits.add_column(col)
    for c in moved:
        visits.add_row(c.change, escape(c.site), escape(c.before) or "-", escape(c.after) or "-")
    out.print(visits)


@app.command("hotspots")
def hotspots_command(
    incidents: Annotated[
        Path, typer.Argument(help="Incidents file (CSV, GeoJSON or GeoPackage).", show_default=False)
    ],
    district: Annotated[str, typer.Option("--district", help="District name or number.", show_default=False)],
    out_dir: OutOpt,
    method: Annotated[str, typer.Option("--method", help="kde or gistar.")] = "kde",
    cell_m: Annotated[float | None, typer.Option("--cell-m", help="Grid cell side (metres).")] = None,
    bandwidth_m: Annotated[
        float | None, typer.Option("--bandwidth-m", help="Kernel radius / Gi* distance band (metres).")
    ] = None,
    half_life_days: Annotated[
        float | None, typer.Option("--half-life-days", help="Recency half-life (days).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Look back from this date (YYYY-MM-DD); default today.")
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Find burglary hotspots in INCIDENTS; write hotspots.geojson and cells.geojson to --out."""
    from mobilstation import api

    with handle_errors():
        params: dict[str, Any] = {"method": method}
        for key, value in (
            ("cell_m", cell_m),
            ("bandwidth_m", bandwidth_m),
            ("half_life_days", half_life_days),
        ):
            if value is not None:
                params[key] = value
        when = _parse_date(as_of, "--as-of") if as_of else date.today()
        with progress_reporter(quiet) as progress:
            result = api.hotspots(incidents, district, params=params, as_of=when, progress=progress)
            api.write_hotspots(result, out_dir)
    if not quiet:
        _print_notes(result.notes)
        out.print(
            f"{len(result.areas)} hotspot area(s) from {result.incidents_used} incident(s), as of {when}"
        )
        err.print(f"[bold green]written to[/] {escape(str(out_dir))}")


@app.command("sites")
def sites_command(
    scenario: ScenarioArg, out_dir: OutOpt, sets: SetOpt = None, quiet: QuietOpt = False
) -> None:
    """Build and score the candidate sites of SCENARIO; write sites.geojson (score and breakdown) to --out."""
    from mobilstation import api

    with handle_errors(), progress_reporter(quiet) as progress:
        frame = api.sites(scenario, overrides=_parse_sets(sets), progress=progress)
        api.write_sites(frame, out_dir)
    if not quiet:
        _print_notes(frame.attrs.get("notes", []))
        _print_synthetic(frame.attrs.get("synthetic_inputs", []))
        counts = frame["kind"].value_counts().to_dict() if len(frame) else {}
        out.print(f"{len(frame)} sites: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        err.print(f"[bold green]written to[/] {escape(str(out_dir))}")


# ---------------------------------------------------------------------------
# printing
# ---------------------------------------------------------------------------


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: expected a date as YYYY-MM-DD, got {text!r}") from None


def _print_resolved(r: Any) -> None:
    s = r.scenario
    out.print(
        f"[bold]{escape(s.name)}[/]  {escape(r.district.name)}, {s.week}: "
        + ", ".join(d.strftime("%a %d %b") for d in r.dates)
    )
    vt = Table(title="Vehicles", title_justify="left")
    for col in ("id", "name", "home", "shift", "max work", "crew"):
        vt.add_column(col)
    for v in r.vehicles:
        vt.add_row(
            escape(v.id),
            escape(v.name),
            escape(v.depot_name or v.depot_id),
            f"{_clock(v.shift_start)}-{_clock(v.shift_end)}",
            f"{v.max_work_min / 60:g} h",
            str(v.crew_size),
        )
    out.print(vt)
    names = {st.id: st.name for st in r.district.stations}
    ot = Table(title=f"Officers ({len(r.officers)})", title_justify="left")
    for col in ("station", "officers", "traffic", "contract h"):
        ot.add_column(col, justify="left" if col == "station" else "right")
    for sid in sorted({o.station_id for o in r.officers}, key=lambda i: names.get(i, i)):
        mine = [o for o in r.officers if o.station_id == sid]
        ot.add_row(
            escape(names.get(sid, sid)),
            str(len(mine)),
            str(sum(1 for o in mine if "traffic" in o.skills)),
            f"{sum(o.weekly_hours for o in mine):g}",
        )
    out.print(ot)
    if r.quotas:
        mun = {m.code: m.name for m in r.district.municipalities}
        qt = Table(title="Quotas", title_justify="left")
        for col in ("municipality", "visits", "hours", "mobile h", "patrol h"):
            qt.add_column(col, justify="left" if col == "municipality" else "right")
        for q in r.quotas:
            qt.add_row(
                escape(mun.get(q.municipality, q.municipality)),
                str(q.min_visits),
                f"{q.min_hours:g}",
                f"{q.min_mobile_hours:g}",
                f"{q.min_patrol_hours:g}",
            )
        out.print(qt)
    _print_notes(r.warnings)


def _print_synthetic(names: list[str]) -> None:
    """Which inputs were synthetic: the label travels with every result a planner sees."""
    if names:
        err.print(f"[yellow]synthetic inputs:[/] {', '.join(names)}")


def _print_notes(notes: list[str]) -> None:
    """What the inputs' readers reported without stopping: the planner must see what was left out."""
    for w in notes:
        out.print(f"[yellow]warning:[/] {escape(w)}")


def _print_plan_summary(result: Any) -> None:
    """Presence per municipality against its quota, and the plan's headline figures."""
    k = result.kpis
    info = result.record.scenario
    table = Table(
        title=f"{info.name}: {info.iso_week} ({info.dates[0]} - {info.dates[-1]})", title_justify="left"
    )
    table.caption = "(quota in brackets); hours = mobile-station service + lokalbetjent patrol"
    table.add_column("municipality", min_width=14, no_wrap=True)
    table.add_column("visits", justify="right", no_wrap=True)
    table.add_column("mobile h", justify="right")
    table.add_column("patrol h", justify="right")
    table.add_column("hours", justify="right", no_wrap=True)
    table.add_column("h/1000 inh.", justify="right")
    table.add_column("quota", justify="center", no_wrap=True)
    for name, row in k.iterrows():
        if name == "total":
            table.add_section()
        table.add_row(
            escape(str(name)),
            f"{int(row['visits'])} ({int(row['quota_visits'])})",
            f"{row['mobile_hours']:.1f}",
            f"{row['patrol_hours']:.1f}",
            f"{row['hours']:.1f} ({row['quota_hours']:g})",
            _fmt(row["hours_per_1000"]),
            "[green]met[/]" if row["quota_met"] else "[red]not met[/]",
        )
    err.print(table)
    s = result.summary
    share = s["travel_share"]
    err.print(
        f"{s['visits']} visits on {s['vehicle_days_used']} vehicle-days, "
        f"{s['sites_visited']} of {s['candidates']} candidate sites; travel "
        f"{'-' if share is None else f'{share:.0%}'} of vehicle time; "
        f"{len(s['unvisited_high_priority'])} high-priority site(s) unvisited"
    )
    _print_synthetic(result.record.synthetic_inputs)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        return f"{value:,.2f}"
    return escape(str(value))


from mobilstation.ledger.commands import register as _register_ledger  # noqa: E402
from mobilstation.sweep import register as _register_sweep  # noqa: E402  (after the other commands)

_register_sweep(app)
_register_ledger(app)


def main() -> None:
    """Entry point of the ``mobilstation`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

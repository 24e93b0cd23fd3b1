"""The ``mobilstation`` command line: a thin front over :mod:`mobilstation.api`.

Exit codes: 0 ok; 1 the scenario is valid but no plan satisfies it
(:class:`~mobilstation.errors.PlanFailed`: the explanation and each violated
constraint are printed); 2 bad input (:class:`~mobilstation.errors.InputError`:
the message names the file and field; no traceback). Every output directory
is written atomically, so a failure leaves no partial output.

Every word printed comes from the catalogue in :mod:`mobilstation.i18n`,
Danish unless ``--lang en`` (anywhere on the line) or ``MOBILSTATION_LANG=en``;
help texts are given as catalogue ids (:func:`~mobilstation.i18n.clihelp.h`)
and filled in when the command line starts. Consoles, the error-to-exit-code
mapping and progress live in :mod:`mobilstation.console`.

Each command is a plain function registered on :data:`app` with
``cls=LocalizedCommand``; a new command (e.g. ``sweep``) is added the same
way in its own module's ``register(app)`` (:mod:`mobilstation.sweep_command`,
:mod:`mobilstation.ledger.commands`), wrapped in :func:`handle_errors`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from mobilstation.console import err, handle_errors, out, parse_sets, progress_reporter
from mobilstation.errors import InputError
from mobilstation.i18n import catalogue, join, language, num, pct, short, t
from mobilstation.i18n.clihelp import LocalizedCommand, LocalizedGroup, h

app = typer.Typer(
    name="mobilstation",
    cls=LocalizedGroup,
    help=h("app.help"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _options(
    lang: Annotated[
        str | None, typer.Option("--lang", help=h("lang.help"), metavar="da|en", show_default=False)
    ] = None,
) -> None:
    """The options of every command (``--lang`` is read before the command line is parsed)."""


ScenarioArg = Annotated[Path, typer.Argument(help=h("opt.scenario"), show_default=False)]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help=h("opt.out"), show_default=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=h("opt.quiet"))]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help=h("opt.set"), metavar=h("opt.set.metavar"), show_default=False),
]
WeekOpt = Annotated[str | None, typer.Option("--week", help=h("plan.opt.week"))]


def _overrides(sets: list[str] | None, week: str | None) -> dict[str, Any]:
    """The scenario overrides of ``--set`` and ``--week`` (the week wins: it is the more specific)."""
    overrides = parse_sets(sets)
    if week is not None:
        overrides["week"] = week
    return overrides


# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------


@app.command("plan", cls=LocalizedCommand, help=h("plan.help"))
def plan_command(
    scenario: ScenarioArg,
    out_dir: OutOpt,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help=h("plan.opt.time_limit"))
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help=h("plan.opt.seed"))] = None,
    work_limit: Annotated[
        int | None, typer.Option("--work-limit", min=1, help=h("plan.opt.work_limit"))
    ] = None,
    sets: SetOpt = None,
    quiet: QuietOpt = False,
    week: WeekOpt = None,
    ledger: Annotated[str | None, typer.Option("--ledger", help=h("plan.opt.ledger"))] = None,
) -> None:
    """Plan the week of SCENARIO and write every output (plan.json, tables, calendars, maps) to --out."""
    from mobilstation import api

    with handle_errors():
        overrides = _overrides(sets, week)
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
            err.print(f"[bold green]{t('plan.written')}[/] {escape(str(out_dir))}")


@app.command("validate", cls=LocalizedCommand, help=h("validate.help"))
def validate_command(scenario: ScenarioArg, sets: SetOpt = None, week: WeekOpt = None) -> None:
    """Check SCENARIO and its data (district, places, officers, quotas, input files) without solving."""
    from mobilstation import api

    with handle_errors():
        resolved = api.validate(scenario, overrides=_overrides(sets, week))
    _print_resolved(resolved)
    out.print(f"[bold green]ok:[/] {escape(t('validate.ok', path=str(scenario)))}")


@app.command("compare", cls=LocalizedCommand, help=h("compare.help"))
def compare_command(
    dir_a: Annotated[Path, typer.Argument(help=h("compare.arg.a"), show_default=False)],
    dir_b: Annotated[Path, typer.Argument(help=h("compare.arg.b"), show_default=False)],
) -> None:
    """Compare the KPIs of two plans side by side (reads only their plan.json)."""
    from mobilstation import api

    with handle_errors():
        a = api.Plan.load(dir_a)
        b = api.Plan.load(dir_b)
        rows = api.compare(a, b)
    name_a = f"A: {a.record.scenario.name}"
    name_b = f"B: {b.record.scenario.name}"
    table = Table(title=t("compare.title", a=dir_a, b=dir_b), show_lines=False)
    table.add_column(t("compare.col.kpi"), style="bold")
    table.add_column(name_a, justify="right")
    table.add_column(name_b, justify="right")
    table.add_column("B - A", justify="right")
    section = None
    for row in rows:
        if row["section"] != section:
            section = row["section"]
            table.add_section()
            table.add_row(f"[dim]{escape(row['section_text'])}[/]", "", "", "")
        table.add_row(escape(row["kpi_text"]), row["a_text"], row["b_text"], row["diff_text"])
    out.print(table)
    from mobilstation.outputs.changes import changes

    moved = changes(a.record, b.record)
    visits = Table(title=t("compare.visits", count=len(moved)), title_justify="left")
    for col in (t("compare.col.change"), t("compare.col.site"), "A", "B"):
        visits.add_column(col)
    for c in moved:
        visits.add_row(c.change, escape(c.site), escape(c.before) or "-", escape(c.after) or "-")
    out.print(visits)


@app.command("hotspots", cls=LocalizedCommand, help=h("hotspots.help"))
def hotspots_command(
    incidents: Annotated[Path, typer.Argument(help=h("hotspots.arg.incidents"), show_default=False)],
    district: Annotated[str, typer.Option("--district", help=h("hotspots.opt.district"), show_default=False)],
    out_dir: OutOpt,
    method: Annotated[str, typer.Option("--method", help=h("hotspots.opt.method"))] = "kde",
    cell_m: Annotated[float | None, typer.Option("--cell-m", help=h("hotspots.opt.cell_m"))] = None,
    bandwidth_m: Annotated[
        float | None, typer.Option("--bandwidth-m", help=h("hotspots.opt.bandwidth_m"))
    ] = None,
    half_life_days: Annotated[
        float | None, typer.Option("--half-life-days", help=h("hotspots.opt.half_life_days"))
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=h("hotspots.opt.as_of"))] = None,
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
            t("hotspots.summary", areas=len(result.areas), incidents=result.incidents_used, when=when)
        )
        err.print(f"[bold green]{t('label.written')}[/] {escape(str(out_dir))}")


@app.command("sites", cls=LocalizedCommand, help=h("sites.help"))
def sites_command(
    scenario: ScenarioArg, out_dir: OutOpt, sets: SetOpt = None, quiet: QuietOpt = False, week: WeekOpt = None
) -> None:
    """Build and score the candidate sites of SCENARIO; write sites.geojson (score and breakdown) to --out."""
    from mobilstation import api

    with handle_errors(), progress_reporter(quiet) as progress:
        frame = api.sites(scenario, overrides=_overrides(sets, week), progress=progress)
        api.write_sites(frame, out_dir)
    if not quiet:
        _print_notes(frame.attrs.get("notes", []))
        _print_synthetic(frame.attrs.get("synthetic_inputs", []))
        counts = frame["kind"].value_counts().to_dict() if len(frame) else {}
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        out.print(t("sites.summary", count=len(frame), kinds=kinds))
        err.print(f"[bold green]{t('label.written')}[/] {escape(str(out_dir))}")


# ---------------------------------------------------------------------------
# printing
# ---------------------------------------------------------------------------


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(t("date.bad", option=option, text=text)) from None


def _day(d: date) -> str:
    """``mandag 30/11`` in Danish (as in the outputs), ``Mon 30 Nov`` in English."""
    from mobilstation.outputs.labels import day_date

    return day_date(d) if language() == "da" else d.strftime("%a %d %b")


def _print_resolved(r: Any) -> None:
    s = r.scenario
    days = ", ".join(_day(d) for d in r.dates)
    out.print(f"[bold]{escape(s.name)}[/]  {escape(r.district.name)}, {s.week}: {days}")
    vt = Table(title=t("validate.vehicles"), title_justify="left")
    for col in ("id", "name", "home", "shift", "max_work", "crew"):
        vt.add_column(t(f"validate.col.{col}"))
    for v in r.vehicles:
        vt.add_row(
            escape(v.id),
            escape(v.name),
            escape(v.depot_name or v.depot_id),
            f"{_clock(v.shift_start)}-{_clock(v.shift_end)}",
            t("validate.hours", hours=short(v.max_work_min / 60)),
            str(v.crew_size),
        )
    out.print(vt)
    names = {st.id: st.name for st in r.district.stations}
    ot = Table(title=t("validate.officers", count=len(r.officers)), title_justify="left")
    for col in ("station", "officers", "traffic", "contract"):
        ot.add_column(t(f"validate.col.{col}"), justify="left" if col == "station" else "right")
    for sid in sorted({o.station_id for o in r.officers}, key=lambda i: names.get(i, i)):
        mine = [o for o in r.officers if o.station_id == sid]
        ot.add_row(
            escape(names.get(sid, sid)),
            str(len(mine)),
            str(sum(1 for o in mine if "traffic" in o.skills)),
            short(sum(o.weekly_hours for o in mine)),
        )
    out.print(ot)
    if r.quotas:
        mun = {m.code: m.name for m in r.district.municipalities}
        qt = Table(title=t("validate.quotas"), title_justify="left")
        for col in ("plan.col.municipality", "plan.col.visits", "plan.col.hours", "validate.col.mobile_h",
                    "validate.col.patrol_h"):
            qt.add_column(t(col), justify="left" if col == "plan.col.municipality" else "right")
        for q in r.quotas:
            qt.add_row(
                escape(mun.get(q.municipality, q.municipality)),
                str(q.min_visits),
                short(q.min_hours),
                short(q.min_mobile_hours),
                short(q.min_patrol_hours),
            )
        out.print(qt)
    _print_notes(r.warnings)


def synthetic_words(names: list[str]) -> str:
    """The synthetic inputs ("incidents", "requests", "campaigns") in the reader's words."""
    return join([t(f"synthetic.{n}") if f"synthetic.{n}" in catalogue() else n for n in names])


def _print_synthetic(names: list[str]) -> None:
    """Which inputs were synthetic: the label travels with every result a planner sees."""
    if names:
        err.print(f"[yellow]{t('label.synthetic')}[/] {escape(synthetic_words(names))}")


def _print_notes(notes: list[str]) -> None:
    """What the inputs' readers reported without stopping: the planner must see what was left out."""
    for w in notes:
        out.print(f"[yellow]{t('label.warning')}[/] {escape(w)}")


def _print_plan_summary(result: Any) -> None:
    """Presence per municipality against its quota, and the plan's headline figures."""
    k = result.kpis
    info = result.record.scenario
    first, last = info.dates[0], info.dates[-1]
    title = t("plan.table.title", name=info.name, week=info.iso_week, first=first, last=last)
    table = Table(title=title, title_justify="left")
    table.caption = t("plan.table.caption")
    table.add_column(t("plan.col.municipality"), min_width=14, no_wrap=True)
    table.add_column(t("plan.col.visits"), justify="right", no_wrap=True)
    table.add_column(t("plan.col.mobile_h"), justify="right", no_wrap=True)
    table.add_column(t("plan.col.patrol_h"), justify="right", no_wrap=True)
    table.add_column(t("plan.col.hours"), justify="right", no_wrap=True)
    table.add_column(t("plan.col.per_1000"), justify="right")
    table.add_column(t("plan.col.quota"), justify="center", no_wrap=True)
    for name, row in k.iterrows():
        if name == "total":
            table.add_section()
        table.add_row(
            escape(t("plan.row.total") if name == "total" else str(name)),
            f"{int(row['visits'])} ({int(row['quota_visits'])})",
            num(row["mobile_hours"]),
            num(row["patrol_hours"]),
            f"{num(row['hours'])} ({short(row['quota_hours'])})",
            _fmt(row["hours_per_1000"]),
            f"[green]{t('plan.quota.met')}[/]" if row["quota_met"] else f"[red]{t('plan.quota.not_met')}[/]",
        )
    err.print(table)
    s = result.summary
    err.print(
        t(
            "plan.summary",
            visits=s["visits"],
            vehicle_days=s["vehicle_days_used"],
            visited=s["sites_visited"],
            candidates=s["candidates"],
            travel=pct(s["travel_share"]),
            unvisited=len(s["unvisited_high_priority"]),
        )
    )
    _print_synthetic(result.record.synthetic_inputs)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return num(value, 2)
    return escape(str(value))


from mobilstation.ledger.commands import register as _register_ledger  # noqa: E402
from mobilstation.sweep_command import register as _register_sweep  # noqa: E402  (after the other commands)

_register_sweep(app)
_register_ledger(app)


def main() -> None:
    """Entry point of the ``mobilstation`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

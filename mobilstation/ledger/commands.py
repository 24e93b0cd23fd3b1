"""Command-line front of the ledger: publish, ledger import/record/weeks, requests, simulate.

Registered on the main app by :func:`register` (as ``sweep`` is); every
command maps errors to exit codes through :func:`mobilstation.cli.handle_errors`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

LedgerOpt = Annotated[
    str,
    typer.Option("--ledger", "-l", help="Ledger: a SQLite file (created if new) or a postgresql:// URL."),
]

_STATE_DA = {
    "open": "åben",
    "planned": "planlagt",
    "served": "udført",
    "made": "udført",
    "cancelled": "annulleret",
    "done": "udført",
}


def _pair(text: str) -> tuple[str, date]:
    from mobilstation.errors import InputError
    from mobilstation.ledger.imports import parse_day

    site, sep, day = text.rpartition("@")
    if not sep or not site:
        raise InputError(
            f"--cancelled {text!r}: expected SITE_ID@DATE, e.g. town:geonames:2621927@2026-12-01"
        )
    try:
        return site, parse_day(day)
    except ValueError:
        raise InputError(f"--cancelled {text!r}: {day!r} is not a date (2026-12-01 or 01-12-2026)") from None


def publish_command(
    out_dir: Annotated[
        Path, typer.Argument(help="Output directory of 'mobilstation plan'.", show_default=False)
    ],
    ledger: LedgerOpt,
    revise: Annotated[
        bool, typer.Option("--revise", help="Publish a new revision of a week already published.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Why (kept with the revision).")] = "",
) -> None:
    """Record the plan in OUT_DIR as its week's published plan in the ledger."""
    from mobilstation.console import err, handle_errors
    from mobilstation.ledger import open_ledger
    from mobilstation.plan import PlanRecord

    with handle_errors():
        record = PlanRecord.read(out_dir)
        with open_ledger(ledger) as book:
            res = book.publish(record, record.scenario.spec, revise=revise, note=note)
    if res.status == "unchanged":
        err.print(f"uændret: uge {res.iso_week} revision {res.revision} er allerede denne plan")
    else:
        word = "ny revision" if res.status == "revised" else "offentliggjort"
        err.print(f"[bold green]{word}:[/] uge {res.iso_week} revision {res.revision} ({res.visits} besøg)")


def import_command(
    file: Annotated[Path, typer.Argument(help="visits.csv or a site_id,date CSV of past visits.")],
    ledger: LedgerOpt,
    scenario: Annotated[
        Path, typer.Option("--scenario", "-s", help="Scenario whose candidate sites the visits must name.")
    ],
) -> None:
    """Load past visits into the ledger (all or nothing)."""
    from mobilstation import api
    from mobilstation.console import err, handle_errors
    from mobilstation.ledger import open_ledger
    from mobilstation.ledger.imports import read_visit_rows
    from mobilstation.plan import PlanRecord

    with handle_errors():
        known = set(api.sites(scenario)["id"])
        with open_ledger(ledger) as book:
            for pub in book.publications():
                known |= {s.id for s in PlanRecord.from_json(pub.plan_json).sites}
            rows = read_visit_rows(file, known)
            n = book.import_visits(rows, source_label=str(file))
    err.print(
        f"[bold green]importeret:[/] {n} besøg fra {escape(str(file))} ({len(rows) - n} fandtes i forvejen)"
    )


def record_command(
    ledger: LedgerOpt,
    week: Annotated[str, typer.Option("--week", "-w", help="ISO week, e.g. 2026-W49.")],
    cancelled: Annotated[
        list[str] | None,
        typer.Option("--cancelled", help="A visit that did not happen: SITE_ID@DATE (repeatable)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Mark visits made up to this date (default: the whole week)."),
    ] = None,
) -> None:
    """Record what happened: the week's planned visits made, except those --cancelled."""
    from mobilstation.console import err, handle_errors
    from mobilstation.ledger import open_ledger
    from mobilstation.ledger.imports import parse_day

    with handle_errors():
        pairs = [_pair(c) for c in cancelled or []]
        stop = parse_day(until) if until else None
        with open_ledger(ledger, create=False) as book:
            counts = book.record_outcome(week, cancelled=pairs, until=stop)
    err.print(f"uge {week}: {counts['made']} besøg udført, {counts['cancelled']} annulleret")


def weeks_command(ledger: LedgerOpt) -> None:
    """List the published weeks and their revisions."""
    from mobilstation.console import handle_errors, out
    from mobilstation.ledger import open_ledger

    with handle_errors(), open_ledger(ledger, create=False) as book:
        pubs = book.publications()
        visits = book.visits()
    table = Table(title="Offentliggjorte uger", title_justify="left")
    for c in ("uge", "revision", "offentliggjort", "scenarie", "besøg", "udført", "annulleret", "note"):
        table.add_column(c)
    for p in pubs:
        mine = [v for v in visits if v.publication_id == p.id]
        table.add_row(
            p.iso_week,
            str(p.revision) + ("" if p.superseded_at is None else " (erstattet)"),
            f"{p.published_at:%Y-%m-%d %H:%M}",
            escape(p.scenario_name),
            str(len(mine)),
            str(sum(v.state == "made" for v in mine)),
            str(sum(v.state == "cancelled" for v in mine)),
            escape(p.note),
        )
    out.print(table)


def requests_command(ledger: LedgerOpt) -> None:
    """List every citizen request the ledger knows, with its state."""
    from mobilstation.console import handle_errors, out
    from mobilstation.ledger import open_ledger

    with handle_errors(), open_ledger(ledger, create=False) as book:
        rows = book.requests()
    table = Table(title="Bestil en betjent: anmodninger", title_justify="left")
    for c in ("id", "navn", "status", "frist", "ønsket dato", "planlagt", "udført", "første uge"):
        table.add_column(c)
    for r in rows:
        table.add_row(
            escape(r.id),
            escape(r.name),
            _STATE_DA.get(r.state, r.state),
            r.deadline.isoformat() if r.deadline else "-",
            r.wanted_date.isoformat() if r.wanted_date else "-",
            r.planned_date.isoformat() if r.planned_date else "-",
            r.served_date.isoformat() if r.served_date else "-",
            r.first_week,
        )
    out.print(table)


def simulate_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)],
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=104, help="Number of weeks.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    ledger: Annotated[
        str | None,
        typer.Option("--ledger", "-l", help="A new ledger for the simulation (SQLite file or URL)."),
    ] = None,
    no_ledger: Annotated[
        bool, typer.Option("--no-ledger", help="Only the baseline: every week planned without memory.")
    ] = False,
    time_limit: Annotated[float | None, typer.Option("--time-limit", min=0.1)] = None,
    work_limit: Annotated[int | None, typer.Option("--work-limit", min=1)] = None,
    seed: Annotated[int, typer.Option("--seed", min=0)] = 1,
    request_rate: Annotated[float, typer.Option("--request-rate", min=0.0, help="Requests a week.")] = 3.0,
    cancel_share: Annotated[
        float, typer.Option("--cancel-share", min=0.0, max=1.0, help="Share of visits cancelled on the day.")
    ] = 0.05,
    maps: Annotated[bool, typer.Option("--maps/--no-maps", help="Write the maps of every week.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    seeds: Annotated[
        str | None, typer.Option("--seeds", help="Several independent simulations, e.g. 1,2,3 (on Dask).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler (with --seeds).")
    ] = None,
) -> None:
    """Plan, publish and carry out N weeks in a row; compare with the no-ledger baseline."""
    from mobilstation.console import err, handle_errors, out
    from mobilstation.errors import InputError
    from mobilstation.simulate import simulate, simulate_seeds

    with handle_errors():
        if ledger is None and not no_ledger:
            raise InputError(
                "--ledger: give a new ledger for the simulation, or --no-ledger for the baseline only"
            )
        if seeds is not None or scheduler is not None:
            try:
                seed_list = [int(x) for x in (seeds or str(seed)).split(",") if x.strip()]
            except ValueError:
                raise InputError(f"--seeds {seeds!r}: expected whole numbers separated by commas, e.g. 1,2,3") from None
            results = simulate_seeds(
                scenario, seeds=seed_list, out_dir=out_dir, ledger=None if no_ledger else ledger,
                scheduler=scheduler, weeks=weeks, time_limit=time_limit, work_limit=work_limit,
                request_rate=request_rate, cancel_share=cancel_share, maps=maps,
            )  # fmt: skip
            table = Table(title="Simuleringer pr. frø (syntetiske data)", title_justify="left")
            for c in ("frø", "byer besøgt", "længste ventetid", "for sent", "uden ledger: byer / ventetid"):
                table.add_column(c, justify="right")
            for sd, (main, base) in results.items():
                last, b = main[-1], (base[-1] if base else None)
                table.add_row(
                    str(sd), f"{last.towns_visited_so_far} / {last.towns_total}", str(last.max_weeks_waiting),
                    str(last.requests_late), f"{b.towns_visited_so_far} / {b.max_weeks_waiting}" if b else "-",
                )  # fmt: skip
            out.print(table)
            return
        main, base = simulate(
            scenario,
            weeks=weeks,
            out_dir=out_dir,
            ledger=None if no_ledger else ledger,
            time_limit=time_limit,
            seed=seed,
            work_limit=work_limit,
            request_rate=request_rate,
            cancel_share=cancel_share,
            maps=maps,
            progress=None if quiet else (lambda m: err.print(f"[dim]{escape(m)}[/]")),
        )
    table = Table(title="Simulering (syntetiske data)", title_justify="left")
    cols = ["uge", "byer besøgt", "længste ventetid (uger)", "anmodninger til tiden", "for sent", "besøg", "status"]
    for c in cols:
        table.add_column(c, justify="right")
    for i, r in enumerate(main):
        b = base[i] if base else None

        def both(a: int, x: int | None) -> str:
            return f"{a}" if x is None else f"{a} ({x})"

        table.add_row(
            r.week,
            both(r.towns_visited_so_far, b.towns_visited_so_far if b else None) + f" / {r.towns_total}",
            both(r.max_weeks_waiting, b.max_weeks_waiting if b else None),
            both(r.requests_served_on_time, b.requests_served_on_time if b else None),
            both(r.requests_late, b.requests_late if b else None),
            both(r.visits, b.visits if b else None),
            escape(r.status if r.status != "ok" or b is None or b.status == "ok" else f"ok (uden ledger: {b.status})"),
        )
    if base:
        table.caption = "i parentes: samme uger uden ledger"
    out.print(table)
    err.print(f"[bold green]simulering skrevet til[/] {escape(str(out_dir))}")


def replan_command(
    ledger: LedgerOpt,
    week: Annotated[str, typer.Option("--week", "-w", help="ISO week of the published plan, e.g. 2026-W49.")],
    start: Annotated[str, typer.Option("--from", help="First day to re-plan (earlier days stay as they happened).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output directory for the revised week.")],
    vehicle_down: Annotated[
        list[str] | None, typer.Option("--vehicle-down", help="VEHICLE[:FROM..TO] out of service (repeatable).")
    ] = None,
    link_closed: Annotated[
        list[str] | None, typer.Option("--link-closed", help="LINK[:FROM..TO] closed, e.g. laesoefaergen.")
    ] = None,
    officer_absent: Annotated[
        list[str] | None, typer.Option("--officer-absent", help="OFFICER[:FROM..TO] absent (repeatable).")
    ] = None,
    pin: Annotated[
        list[str] | None,
        typer.Option("--pin", help="A promised visit SITE@DATE[@HH:MM][@VAN], e.g. Brovst@2026-12-03@10:30@bil1."),
    ] = None,
    stability: Annotated[
        float, typer.Option("--stability", min=0.0, help="Prize for keeping a published visit on its day.")
    ] = 1.0,
    time_limit: Annotated[float | None, typer.Option("--time-limit", min=0.1)] = None,
    work_limit: Annotated[int | None, typer.Option("--work-limit", min=1)] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Re-plan a published week from a day on after a disruption; write the revised week and its changes."""
    from mobilstation.console import err, handle_errors, out
    from mobilstation.ledger.imports import parse_day
    from mobilstation.outputs.changes import changes
    from mobilstation.outputs.write import write_outputs
    from mobilstation.replan import parse_disruption, replan

    with handle_errors():
        first = parse_day(start) if start else None
        from mobilstation.ledger import open_ledger

        with open_ledger(ledger, create=False) as book:
            prev = book.latest_plan(week)
        if prev is None:
            from mobilstation.errors import InputError

            raise InputError(f"{ledger}: uge {week} er ikke offentliggjort; intet at genplanlægge")
        dates = [date.fromisoformat(d) for d in prev.scenario.dates]
        assert first is not None
        found = [parse_disruption("vehicle_down", t, dates, first) for t in vehicle_down or []]
        found += [parse_disruption("link_closed", t, dates, first) for t in link_closed or []]
        found += [parse_disruption("officer_absent", t, dates, first) for t in officer_absent or []]
        result = replan(
            ledger, week, first, found, time_limit=time_limit, seed=seed, work_limit=work_limit,
            stability=stability, progress=None if quiet else (lambda m: err.print(f"[dim]{escape(m)}[/]")),
            pins=pin or [],
        )  # fmt: skip
        write_outputs(result.record, out_dir, previous=result.previous)
    moved = changes(result.previous, result.record)
    if not quiet:
        for n in result.notes:
            err.print(f"[yellow]bemærk:[/] {escape(n)}")
        counts = {k: sum(1 for c in moved if c.change == k) for k in ("tilføjet", "flyttet", "aflyst", "ny besætning")}
        out.print(
            f"{counts['tilføjet']} tilføjet, {counts['flyttet']} flyttet, {counts['aflyst']} aflyst, "
            f"{counts['ny besætning']} med ny besætning; "
            f"se {escape(str(out_dir / 'aendringer.html'))}"
        )
        err.print(f"[bold green]genplan skrevet til[/] {escape(str(out_dir))}; offentliggør med publish --revise")


def register(app: typer.Typer) -> None:
    app.command("publish")(publish_command)
    app.command("requests")(requests_command)
    app.command("simulate")(simulate_command)
    app.command("replan")(replan_command)
    group = typer.Typer(help="The ledger of published weeks: import past visits, record what happened.")
    group.command("import")(import_command)
    group.command("record")(record_command)
    group.command("weeks")(weeks_command)
    app.add_typer(group, name="ledger")

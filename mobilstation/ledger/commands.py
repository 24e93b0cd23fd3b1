"""Command-line front of the ledger: publish, ledger import/record/weeks, requests, simulate.

Registered on the main app by :func:`register` (as ``sweep`` is); every
command maps errors to exit codes through :func:`mobilstation.console.handle_errors`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from mobilstation.i18n import catalogue, t
from mobilstation.i18n.clihelp import LocalizedCommand, h

LedgerOpt = Annotated[str, typer.Option("--ledger", "-l", help=h("ledger.opt.ledger"))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=h("opt.quiet"))]
TimeLimitOpt = Annotated[float | None, typer.Option("--time-limit", min=0.1, help=h("plan.opt.time_limit"))]
WorkLimitOpt = Annotated[int | None, typer.Option("--work-limit", min=1, help=h("plan.opt.work_limit"))]


def _state(state: str) -> str:
    """A request's or visit's state in the reader's words."""
    key = f"ledger.state.{state}"
    return t(key) if key in catalogue() else state


def _pair(text: str) -> tuple[str, date]:
    from mobilstation.errors import InputError
    from mobilstation.ledger.imports import parse_day

    site, sep, day = text.rpartition("@")
    if not sep or not site:
        raise InputError(t("ledger.cancelled.bad", text=text))
    try:
        return site, parse_day(day)
    except ValueError:
        raise InputError(t("ledger.cancelled.date", text=text, day=day)) from None


def publish_command(
    out_dir: Annotated[Path, typer.Argument(help=h("publish.arg.out"), show_default=False)],
    ledger: LedgerOpt,
    revise: Annotated[bool, typer.Option("--revise", help=h("publish.opt.revise"))] = False,
    note: Annotated[str, typer.Option("--note", help=h("publish.opt.note"))] = "",
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
        err.print(t("publish.unchanged", week=res.iso_week, revision=res.revision))
    else:
        word = t("publish.revised" if res.status == "revised" else "publish.published")
        done = t("publish.done", week=res.iso_week, revision=res.revision, visits=res.visits)
        err.print(f"[bold green]{word}[/] {done}")


def import_command(
    file: Annotated[Path, typer.Argument(help=h("import.arg.file"))],
    ledger: LedgerOpt,
    scenario: Annotated[Path, typer.Option("--scenario", "-s", help=h("import.opt.scenario"))],
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
    done = t("import.done", count=n, file=escape(str(file)), existing=len(rows) - n)
    err.print(f"[bold green]{t('import.done_label')}[/] {done}")


def record_command(
    ledger: LedgerOpt,
    week: Annotated[str, typer.Option("--week", "-w", help=h("record.opt.week"))],
    cancelled: Annotated[
        list[str] | None, typer.Option("--cancelled", help=h("record.opt.cancelled"))
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help=h("record.opt.until"))] = None,
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
    err.print(t("record.done", week=week, made=counts["made"], cancelled=counts["cancelled"]))


def weeks_command(ledger: LedgerOpt) -> None:
    """List the published weeks and their revisions."""
    from mobilstation.console import handle_errors, out
    from mobilstation.ledger import open_ledger

    with handle_errors(), open_ledger(ledger, create=False) as book:
        pubs = book.publications()
        visits = book.visits()
    table = Table(title=t("weeks.title"), title_justify="left")
    for c in ("week", "revision", "published", "scenario", "visits", "made", "cancelled", "note"):
        table.add_column(t(f"weeks.col.{c}"))
    for p in pubs:
        mine = [v for v in visits if v.publication_id == p.id]
        table.add_row(
            p.iso_week,
            str(p.revision) + ("" if p.superseded_at is None else f" ({t('weeks.superseded')})"),
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
    table = Table(title=t("requests.title"), title_justify="left")
    for c in ("id", "name", "state", "deadline", "wanted", "planned", "served", "first_week"):
        table.add_column(t(f"requests.col.{c}"))
    for r in rows:
        table.add_row(
            escape(r.id),
            escape(r.name),
            _state(r.state),
            r.deadline.isoformat() if r.deadline else "-",
            r.wanted_date.isoformat() if r.wanted_date else "-",
            r.planned_date.isoformat() if r.planned_date else "-",
            r.served_date.isoformat() if r.served_date else "-",
            r.first_week,
        )
    out.print(table)


def simulate_command(
    scenario: Annotated[Path, typer.Argument(help=h("opt.scenario"), show_default=False)],
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=104, help=h("simulate.opt.weeks"))],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help=h("simulate.opt.out"))],
    ledger: Annotated[str | None, typer.Option("--ledger", "-l", help=h("simulate.opt.ledger"))] = None,
    no_ledger: Annotated[bool, typer.Option("--no-ledger", help=h("simulate.opt.no_ledger"))] = False,
    time_limit: TimeLimitOpt = None,
    work_limit: WorkLimitOpt = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help=h("plan.opt.seed"))] = 1,
    request_rate: Annotated[
        float, typer.Option("--request-rate", min=0.0, help=h("simulate.opt.request_rate"))
    ] = 3.0,
    cancel_share: Annotated[
        float, typer.Option("--cancel-share", min=0.0, max=1.0, help=h("simulate.opt.cancel_share"))
    ] = 0.05,
    maps: Annotated[bool, typer.Option("--maps/--no-maps", help=h("simulate.opt.maps"))] = False,
    quiet: QuietOpt = False,
    seeds: Annotated[str | None, typer.Option("--seeds", help=h("simulate.opt.seeds"))] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help=h("simulate.opt.scheduler"))] = None,
) -> None:
    """Plan, publish and carry out N weeks in a row; compare with the no-ledger baseline."""
    from mobilstation.console import err, handle_errors, out
    from mobilstation.errors import InputError
    from mobilstation.simulate import simulate, simulate_seeds

    with handle_errors():
        if ledger is None and not no_ledger:
            raise InputError(t("simulate.need_ledger"))
        if seeds is not None or scheduler is not None:
            try:
                seed_list = [int(x) for x in (seeds or str(seed)).split(",") if x.strip()]
            except ValueError:
                raise InputError(t("simulate.bad_seeds", seeds=seeds)) from None
            results = simulate_seeds(
                scenario, seeds=seed_list, out_dir=out_dir, ledger=None if no_ledger else ledger,
                scheduler=scheduler, weeks=weeks, time_limit=time_limit, work_limit=work_limit,
                request_rate=request_rate, cancel_share=cancel_share, maps=maps,
            )  # fmt: skip
            table = Table(title=t("simulate.seeds.title"), title_justify="left")
            for c in ("seed", "towns", "longest_wait", "late", "baseline"):
                table.add_column(t(f"simulate.col.{c}"), justify="right")
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
    table = Table(title=t("simulate.title"), title_justify="left")
    for c in ("week", "towns", "longest_wait_weeks", "on_time", "late", "visits", "status"):
        table.add_column(t(f"simulate.col.{c}"), justify="right")
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
            escape(
                r.status
                if r.status != "ok" or b is None or b.status == "ok"
                else t("simulate.baseline_status", status=b.status)
            ),
        )
    if base:
        table.caption = t("simulate.caption")
    out.print(table)
    err.print(f"[bold green]{t('simulate.written')}[/] {escape(str(out_dir))}")


def replan_command(
    ledger: LedgerOpt,
    week: Annotated[str, typer.Option("--week", "-w", help=h("replan.opt.week"))],
    start: Annotated[str, typer.Option("--from", help=h("replan.opt.from"))],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help=h("replan.opt.out"))],
    vehicle_down: Annotated[
        list[str] | None, typer.Option("--vehicle-down", help=h("replan.opt.vehicle_down"))
    ] = None,
    link_closed: Annotated[
        list[str] | None, typer.Option("--link-closed", help=h("replan.opt.link_closed"))
    ] = None,
    officer_absent: Annotated[
        list[str] | None, typer.Option("--officer-absent", help=h("replan.opt.officer_absent"))
    ] = None,
    pin: Annotated[list[str] | None, typer.Option("--pin", help=h("replan.opt.pin"))] = None,
    stability: Annotated[
        float | None, typer.Option("--stability", min=0.0, help=h("replan.opt.stability"))
    ] = None,
    time_limit: TimeLimitOpt = None,
    work_limit: WorkLimitOpt = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help=h("plan.opt.seed"))] = None,
    quiet: QuietOpt = False,
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

            raise InputError(t("replan.not_published", ledger=ledger, week=week))
        dates = [date.fromisoformat(d) for d in prev.scenario.dates]
        assert first is not None
        found = [parse_disruption("vehicle_down", x, dates, first) for x in vehicle_down or []]
        found += [parse_disruption("link_closed", x, dates, first) for x in link_closed or []]
        found += [parse_disruption("officer_absent", x, dates, first) for x in officer_absent or []]
        result = replan(
            ledger, week, first, found, time_limit=time_limit, seed=seed, work_limit=work_limit,
            stability=stability, progress=None if quiet else (lambda m: err.print(f"[dim]{escape(m)}[/]")),
            pins=pin or [],
        )  # fmt: skip
        write_outputs(result.record, out_dir, previous=result.previous)
    moved = changes(result.previous, result.record)
    if not quiet:
        for n in result.notes:
            err.print(f"[yellow]{t('label.note')}[/] {escape(n)}")
        kinds = ("tilføjet", "flyttet", "aflyst", "ny besætning")  # the change set's own (Danish) words
        counts = {k: sum(1 for c in moved if c.change == k) for k in kinds}
        summary = t(
            "replan.summary",
            added=counts["tilføjet"],
            moved=counts["flyttet"],
            cancelled=counts["aflyst"],
            crew=counts["ny besætning"],
            page=escape(str(out_dir / "aendringer.html")),
        )
        out.print(summary)
        err.print(f"[bold green]{t('replan.written')}[/] {escape(str(out_dir))}; {t('replan.publish_hint')}")


def register(app: typer.Typer) -> None:
    """Add publish, requests, simulate, replan and the ``ledger`` group to the ``mobilstation`` app."""
    from mobilstation.i18n.clihelp import LocalizedGroup

    def command(name: str, target: typer.Typer = app) -> Any:
        return target.command(name, cls=LocalizedCommand, help=h(f"{name}.help"))

    command("publish")(publish_command)
    command("requests")(requests_command)
    command("simulate")(simulate_command)
    command("replan")(replan_command)
    group = typer.Typer(cls=LocalizedGroup, help=h("ledger.help"))
    command("import", group)(import_command)
    command("record", group)(record_command)
    command("weeks", group)(weeks_command)
    app.add_typer(group, name="ledger")

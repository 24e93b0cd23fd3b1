"""What the ledger changes in a week's inputs before it is planned.

:func:`with_memory` takes a resolved scenario and the ledger's
:class:`~mobilstation.ledger.store.Memory` and returns the scenario the
week is planned from: last visits merged into the history (the "time since
last visit" score), requests already served or planned in another week left
out (a served request is never planned again), open requests that the
requests file no longer lists carried over with their deadline, and the
memory attached so the demand step can apply rotation
(:mod:`mobilstation.demand.rotation`). Every change is told to the planner
as a warning and kept in ``plan.json`` under ``notes``.
"""

from __future__ import annotations

from dataclasses import replace

from mobilstation.demand.requests import RequestReport, Requests, place_requests, request_row
from mobilstation.demand.rotation import merged_history
from mobilstation.i18n import t
from mobilstation.ledger.store import Memory
from mobilstation.scenario import ResolvedScenario

__all__ = ["with_memory"]

_STATES = {state: f"note.ledger.{state}" for state in ("served", "cancelled", "planned")}


def with_memory(resolved: ResolvedScenario, memory: Memory) -> ResolvedScenario:
    """The scenario to plan with the ledger's memory applied (see the module docstring)."""
    warnings = list(resolved.warnings)
    requests = resolved.requests
    kept: list = []
    in_file: set[str] = set()
    report = requests.report if requests is not None else RequestReport(source=memory.source)
    closed_in_file = set(memory.closed_requests) & _file_ids(resolved)
    # what the reader said of a request the ledger has closed (overdue, promise passed) no longer holds
    # (the reader wrote them in the run's language: "anmodning 'r1'" or "request 'r1'")
    said = [(f"anmodning {rid!r}", f"request {rid!r}") for rid in closed_in_file]
    warnings = [w for w in warnings if not any(a in w or b in w for a, b in said)]
    for r in requests or []:
        in_file.add(r.id)
        state = memory.closed_requests.get(r.id)
        if state is not None:
            said_state = t(_STATES[state]) if state in _STATES else state
            warnings.append(t("note.ledger.closed", id=r.id, name=r.name, state=said_state))
            continue
        kept.append(r)
    carried = [
        request_row(data, row=0)
        for rid, data in sorted(memory.open_requests.items())
        if rid not in in_file and rid not in memory.closed_requests
    ]
    if carried:
        extra = RequestReport(source=t("note.ledger.open_requests", source=memory.source))
        placed = place_requests(carried, resolved.district, dates=resolved.dates, report=extra)
        for r in placed:
            warnings.append(t("note.ledger.carried", id=r.id, name=r.name))
        warnings += extra.findings()
        kept += list(placed)
    if requests is not None or kept:
        requests = Requests(kept, report)
    return replace(
        resolved,
        history=merged_history(resolved.history, memory.last_visit),
        requests=requests,
        warnings=warnings,
        memory=memory,
    )


def _file_ids(resolved: ResolvedScenario) -> set[str]:
    """Every request id the requests file named, including those the reader left out (a passed promise)."""
    ids = {r.id for r in resolved.requests or []}
    report = getattr(resolved.requests, "report", None)
    if report is not None:
        ids |= set(report.missed_promises) | set(report.not_this_week) | set(report.outside_district)
    return ids

"""Mid-week re-planning: keep what is done, re-plan the rest under a disruption, change as little as it can.

A van breaks down, the Læsø ferry is cancelled, an officer calls in sick.
:func:`replan` starts from the week's published plan in the ledger:

* **Before ``from``** everything stays as it happened: those routes, shifts
  and patrol hours are copied from the published plan (stops marked
  ``locked``); visits the ledger records as cancelled stay cancelled.
* **From ``from``** the remaining days are planned again, through the same
  pipeline as any week, with what the first days achieved taken off: the
  quotas (visits, mobile and patrol hours already made), the officers'
  hours (time already worked), the sites' weekly maxima, requests and
  campaign targets already served.
* **Stability.** The search starts from the published routes of the
  remaining days. A published visit made once on them becomes a *soft pin*
  of the week's scenario: that day, that start minute, that van, or not at
  all (a promise is a hard pin); one made twice keeps its days and van. Each
  is worth the ``stability`` weight on top of its score, so the new plan keeps
  it unless keeping it costs more than a changed visit is worth. A visit
  whose day the disruption hits (its van down, its ferry closed) may move
  to any remaining day with half that weight.
* **Disruptions**: ``vehicle_down`` (the van works on no day of its period),
  ``officer_absent`` (no shift in the period; absent for the rest of the
  week, the officer is not planned at all), ``link_closed`` (nothing
  crosses the bridge or ferry on its closed days; places behind it are
  offered on the days it runs, or reported as not reachable this week; a
  link that is also a short cut between places reached without it is left
  out for all the remaining days, with a warning:
  :func:`mobilstation.pipeline.build_plan`).

The result is a complete plan record of the whole week (``solver.method``
is ``replan``; KPIs recomputed over the merged week), ready for ``publish
--revise``; :func:`changes` lists what moved for the crews and leaders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from mobilstation.errors import InputError
from mobilstation.i18n import t
from mobilstation.outputs.changes import Change, changes
from mobilstation.plan import PlanRecord

__all__ = ["Change", "Disruption", "ReplanResult", "changes", "parse_disruption", "replan"]

Progress = Callable[[str], None]
DisruptionKind = Literal["vehicle_down", "link_closed", "officer_absent"]
_OPTION = {"vehicle_down": "--vehicle-down", "link_closed": "--link-closed", "officer_absent": "--officer-absent"}


@dataclass(frozen=True)
class Disruption:
    """One event: ``subject`` (vehicle, link or officer id) out from ``first`` to ``last`` (inclusive)."""

    kind: DisruptionKind
    subject: str
    first: date
    last: date

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass
class ReplanResult:
    record: PlanRecord
    previous: PlanRecord
    disruptions: list[Disruption]
    notes: list[str]


def parse_disruption(kind: DisruptionKind, text: str, dates: list[date], start: date) -> Disruption:
    """``bil2`` or ``bil2:2026-12-02..2026-12-04`` (dates ISO or dd-mm-yyyy); default ``start`` to the week's end."""
    from mobilstation.tabular import parse_date

    subject, sep, period = text.partition(":")
    subject = subject.strip()
    if not subject:
        raise InputError(t("replan.error.disruption", option=_OPTION[kind], text=text))
    first, last = start, dates[-1]
    if sep:
        a, dots, b = period.partition("..")
        try:
            first = parse_date(a, where=_OPTION[kind])
            last = parse_date(b, where=_OPTION[kind]) if dots else first
        except InputError as exc:
            raise InputError(f"{_OPTION[kind]} {text!r}: {exc}") from None
        if last < first:
            raise InputError(t("replan.error.backwards", option=_OPTION[kind], text=text))
    return Disruption(kind, subject, first, last)


def _listed(known: Iterable[str]) -> str:
    return ", ".join(sorted(known)) or "-"


def _check_subjects(disruptions: Iterable[Disruption], resolved: Any, dates: list[date]) -> None:
    vehicles = {v.id for v in resolved.vehicles}
    links = {lk.id for lk in resolved.district.links}
    officers = {o.id for o in resolved.officers}
    for d in disruptions:
        known = {"vehicle_down": vehicles, "link_closed": links, "officer_absent": officers}[d.kind]
        if d.subject not in known:
            raise InputError(
                t("replan.error.unknown_id", option=_OPTION[d.kind], subject=d.subject, known=_listed(known))
            )
        if d.last < dates[0] or d.first > dates[-1] + timedelta(days=6):
            raise InputError(t("replan.error.outside_week", option=_OPTION[d.kind], subject=d.subject,
                               first=d.first, last=d.last))  # fmt: skip


def replan(
    ledger: str,
    iso_week: str,
    start: date,
    disruptions: list[Disruption],
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    work_limit: int | None = None,
    stability: float | None = None,
    progress: Progress | None = None,
    record_disruptions: bool = True,
    pins: list[str] = (),  # type: ignore[assignment]
) -> ReplanResult:
    """Re-plan ``iso_week`` from ``start`` under ``disruptions`` (see the module docstring).

    ``pins``: visits promised since publication, ``SITE@DATE[@HH:MM][@VAN]``
    (site id or name); they join the week's scenario (``pinned``) and must
    lie on or after ``start``. ``stability``: default the week's
    ``weights.stability``.
    """
    from mobilstation.api import load_scenario
    from mobilstation.ledger import open_ledger
    from mobilstation.ledger.inputs import with_memory
    from mobilstation.pipeline import build_plan
    from mobilstation.scenario import resolve

    with open_ledger(ledger, create=False) as book:
        previous = book.latest_plan(iso_week)
        if previous is None:
            raise InputError(t("replan.not_published", ledger=book.label, week=iso_week))
        memory = book.memory(iso_week)
        ledger_visits = book.visits(iso_week)
    dates = [date.fromisoformat(d) for d in previous.scenario.dates]
    if not (dates[0] <= start <= dates[-1]):
        raise InputError(t("replan.error.from", start=start, first=dates[0], last=dates[-1]))
    if previous.scenario.spec is None:
        raise InputError(t("replan.error.no_scenario", week=iso_week))
    remaining = [d for d in dates if d >= start]
    spec = dict(previous.scenario.spec)
    if stability is None:
        from mobilstation.demand.scoring import Weights

        stability = Weights.model_validate(spec.get("weights") or {}).stability
    if pins:
        spec["pinned"] = [*spec.get("pinned", []), *(_pin(p, start) for p in pins)]
    listed = ", ".join(f"{_OPTION[d.kind]} {d.subject} {d.first}..{d.last}" for d in disruptions)
    first_note = t("note.replanned_after", start=start.isoformat(), disruptions=listed) if disruptions else ""
    notes: list[str] = [first_note or t("note.replanned", start=start.isoformat())]

    # -- what happened before `start`: the published routes stay whole (drivable), their visits
    # locked; those the ledger records as cancelled did not happen
    cancelled = {(v.site_id, v.date.isoformat()) for v in ledger_visits if v.state == "cancelled"}
    past_routes = []
    for r in previous.routes:
        if date.fromisoformat(r.date) < start:
            lost = sum(1 for st in r.stops if (st.site_id, r.date) in cancelled)
            if lost:
                notes.append(t("replan.note.cancelled", route=r.id, count=lost))
            past_routes.append(r.model_copy(update={"stops": [st.model_copy(update={"locked": True}) for st in r.stops]}))
    sites_prev = {s.id: s for s in previous.sites}
    made: dict[str, int] = dict(memory.made_in_week)
    closed = dict(memory.closed_requests)
    done = {k: set(v) for k, v in memory.campaign_done.items()}
    last_made: dict[str, date] = {}
    for r, st in _made_before(previous, start, cancelled):
        made[st.site_id] = made.get(st.site_id, 0) + 1
        last_made[st.site_id] = max(last_made.get(st.site_id, start), date.fromisoformat(r.date))
        s = sites_prev.get(st.site_id)
        if s is None:
            continue
        if "request_id" in s.meta:
            closed[str(s.meta["request_id"])] = "served"
        if s.meta.get("campaign"):
            done.setdefault(s.meta["campaign"], set()).add(str(s.meta.get("target_id")))
    memory = replace(memory, made_in_week=made, closed_requests=closed, campaign_done=done)

    # -- stability: published visits on the remaining days keep their day, with a prize for it
    keep: dict[str, tuple[int, ...]] = {}
    bonus: dict[str, float] = {}
    vans: dict[str, set[str]] = {}
    published: dict[str, list[tuple[str, int, str]]] = {}  # site -> (date, start, van) on the remaining days
    down = {d.subject: d for d in disruptions if d.kind == "vehicle_down"}
    closed_links = {d.subject: d for d in disruptions if d.kind == "link_closed"}
    for r in previous.routes:
        day = date.fromisoformat(r.date)
        if day < start:
            continue
        for i, st in enumerate(r.stops):
            published.setdefault(st.site_id, []).append((r.date, st.start, r.vehicle_id))
            legs = r.legs[i : i + 2] if r.legs else []
            hit = (r.vehicle_id in down and down[r.vehicle_id].covers(day)) or any(
                lk in closed_links and closed_links[lk].covers(day) for leg in legs for lk in leg.links
            )
            if hit:
                bonus[st.site_id] = max(bonus.get(st.site_id, 0.0), stability / 2)
            else:
                keep[st.site_id] = tuple(sorted({*keep.get(st.site_id, ()), day.isoweekday()}))
                bonus[st.site_id] = stability
                # with its published van: a kept visit is the same crew's visit
                vans.setdefault(st.site_id, set()).add(r.vehicle_id)
    # a site visited before `start` keeps its spacing from that visit on the remaining days
    for sid, day in last_made.items():
        gap = sites_prev[sid].min_gap_days if sid in sites_prev else 0
        allowed = tuple(d.isoweekday() for d in remaining if (d - day).days >= max(gap, 1))
        if sid in keep:
            allowed = tuple(d for d in keep[sid] if d in allowed)
        if gap and len(allowed) < len(remaining):
            if not allowed:  # no day left this week: only a weekday that is not planned
                planned = {d.isoweekday() for d in remaining}
                allowed = tuple(wd for wd in range(7, 0, -1) if wd not in planned)[:1]
            if allowed:
                keep[sid] = allowed
    if stability <= 0:  # planning the remaining days from scratch (the benchmark's baseline)
        keep = {k: v for k, v in keep.items() if k in last_made}
        bonus, vans = {}, {}
    # a mandatory visit (a request's deadline, a promise) keeps only the prize: tying it to its old
    # day, time and van could leave no way to make it at all
    for sid in [k for k in keep if k in sites_prev and sites_prev[k].mandatory and k not in last_made]:
        keep.pop(sid)
    # a kept visit made once on the remaining days keeps its minute too: a soft pin (day, start, van),
    # part of the week's scenario so the revised plan can be checked against it
    promised = {str(p["site"]).casefold() for p in spec.get("pinned", [])}  # ids or names
    soft = []
    for sid in sorted(keep):
        visits = published.get(sid, [])
        name = sites_prev[sid].name.casefold() if sid in sites_prev else sid
        if stability > 0 and len(visits) == 1 and sid not in last_made and not {sid.casefold(), name} & promised:
            day, minute, van = visits[0]
            soft.append({"site": sid, "date": day, "time": f"{minute // 60:02d}:{minute % 60:02d}",
                         "vehicle": van, "soft": True})  # fmt: skip
    for p in soft:
        keep.pop(p["site"], None)
        vans.pop(p["site"], None)
    spec["pinned"] = [*spec.get("pinned", []), *soft]

    # -- the week's scenario (with the new pins), checked once; the remaining days resolved once
    full = load_scenario(spec)
    resolved_full = resolve(full)
    _check_subjects(disruptions, resolved_full, dates)
    partial = full.model_copy(
        update={
            "days": [d.isoweekday() for d in remaining],
            "pinned": [p for p in full.pinned if p.date >= start],
        }
    )
    resolved = resolve(partial)
    resolved = _apply_disruptions(resolved, disruptions, remaining, notes)
    # what the first days achieved comes off the quotas and the officers' hours
    resolved = _less_what_is_done(resolved, previous, start, cancelled)
    resolved = replace(
        resolved,
        keep_days=keep,
        stability_bonus=bonus,
        keep_vehicle={k: next(iter(v)) for k, v in vans.items() if len(v) == 1 and k in keep},
        # the search starts from the published routes of the remaining days (what no longer fits is dropped)
        initial_routes={}
        if stability <= 0
        else {r.id: [st.site_id for st in r.stops] for r in previous.routes if date.fromisoformat(r.date) >= start},
    )
    resolved = with_memory(resolved, memory)

    if progress:
        progress(t("step.replan"))
    future = build_plan(
        resolved, time_limit=time_limit, seed=seed, work_limit=work_limit, progress=progress,
        closed_links=_closed_links(disruptions, remaining), quotas_as_possible=True,
    )  # fmt: skip
    notes.extend(future.kpis.get("quota_shortfalls", []))
    record = _merge(previous, future, past_routes, start, resolved_full, notes)
    record = _with_closures(record, future)
    if pins or soft:
        record.scenario.spec = full.model_dump(mode="json")
    if record_disruptions:
        with open_ledger(ledger, create=False) as book:
            for d in disruptions:
                book.add_disruption(iso_week, d.kind, d.subject, d.first, d.last, note=f"genplan fra {start}")
    return ReplanResult(record=record, previous=previous, disruptions=disruptions, notes=notes)


def _pin(text: str, start: date) -> dict[str, Any]:
    """``Brovst@2026-12-03@10:30@bil1`` -> a scenario ``pinned`` entry; a day before ``start`` is bad input."""
    from mobilstation.tabular import parse_date

    parts = text.split("@")
    if len(parts) < 2 or not parts[0].strip():
        raise InputError(t("replan.error.pin", text=text))
    day = parse_date(parts[1], where=f"--pin {text!r}")
    if day < start:
        raise InputError(t("replan.error.pin_past", text=text, day=day, start=start))
    pin: dict[str, Any] = {"site": parts[0].strip(), "date": day.isoformat()}
    for extra in parts[2:]:
        if ":" in extra:
            pin["time"] = extra.strip()
        elif extra.strip():
            pin["vehicle"] = extra.strip()
    return pin


def _days_left(weekdays: Iterable[int], out: list[Disruption], remaining: list[date]) -> tuple[int, ...]:
    """The ISO weekdays of ``weekdays`` on which none of ``out`` covers the remaining date."""
    return tuple(
        wd for wd in weekdays if not any(d.covers(x) for d in out for x in remaining if x.isoweekday() == wd)
    )


def _apply_disruptions(resolved: Any, disruptions: list[Disruption], remaining: list[date], notes: list[str]) -> Any:
    vehicles = []
    for v in resolved.vehicles:
        out = [d for d in disruptions if d.kind == "vehicle_down" and d.subject == v.id]
        if out:
            days = _days_left(v.days or tuple(d.isoweekday() for d in remaining), out, remaining)
            if not days:
                notes.append(t("replan.note.vehicle_down", id=v.id))
                continue
            v = v.model_copy(update={"days": days})
        vehicles.append(v)
    officers = []
    for o in resolved.officers:
        out = [d for d in disruptions if d.kind == "officer_absent" and d.subject == o.id]
        if out:
            days = _days_left(o.available_days, out, remaining)
            if not days:
                notes.append(t("replan.note.officer_absent", id=o.id))
                continue
            o = o.model_copy(update={"available_days": days})
        officers.append(o)
    return replace(resolved, vehicles=vehicles, officers=officers)


def _closed_links(disruptions: list[Disruption], remaining: list[date]) -> dict[str, list[date]]:
    """Link id -> the remaining dates it is closed (the pipeline closes it day by day where it can)."""
    out: dict[str, list[date]] = {}
    for d in disruptions:
        if d.kind == "link_closed":
            out.setdefault(d.subject, []).extend(x for x in remaining if d.covers(x))
    return out


def _with_closures(record: PlanRecord, future: PlanRecord) -> PlanRecord:
    """The re-planned days' closures (``closed_links``, ``left_out_links``) in the week's travel record."""
    keys = ("closed_links", "left_out_links")
    if not any(k in future.travel.params for k in keys):
        return record
    params = {**record.travel.params, **{k: future.travel.params[k] for k in keys if k in future.travel.params}}
    return record.model_copy(update={"travel": record.travel.model_copy(update={"params": params})})


def _made_before(previous: PlanRecord, start: date, cancelled: set[tuple[str, str]]) -> list[tuple[Any, Any]]:
    """(route, stop) of each published visit before ``start`` that the ledger does not record as cancelled."""
    return [
        (r, st)
        for r in previous.routes
        if date.fromisoformat(r.date) < start
        for st in r.stops
        if (st.site_id, r.date) not in cancelled
    ]


def _less_what_is_done(
    resolved: Any, previous: PlanRecord, start: date, cancelled: set[tuple[str, str]] = frozenset()  # type: ignore[assignment]
) -> Any:
    """Quotas and officers' hours less what the days before ``start`` achieved.

    A visit the ledger records as cancelled (site id, date) did not happen and counts for nothing.
    """
    visits: dict[str, int] = {}
    mobile: dict[str, float] = {}
    patrol: dict[str, float] = {}
    sites = {s.id: s for s in previous.sites}
    for _, st in _made_before(previous, start, cancelled):
        code = sites[st.site_id].municipality_code
        visits[code] = visits.get(code, 0) + 1
        mobile[code] = mobile.get(code, 0.0) + (st.end - st.start) / 60
    for h in previous.hours:
        if h.date is not None and date.fromisoformat(h.date) < start:
            patrol[h.municipality_code] = patrol.get(h.municipality_code, 0.0) + h.minutes / 60
    quotas = []
    for q in resolved.quotas:
        m, p = mobile.get(q.municipality, 0.0), patrol.get(q.municipality, 0.0)
        quotas.append(
            q.model_copy(
                update={
                    "min_visits": max(0, q.min_visits - visits.get(q.municipality, 0)),
                    "min_mobile_hours": round(max(0.0, q.min_mobile_hours - m), 3),
                    "min_patrol_hours": round(max(0.0, q.min_patrol_hours - p), 3),
                    "min_hours": round(max(0.0, q.min_hours - m - p), 3),
                }
            )
        )
    worked: dict[str, int] = {}
    for o in previous.officers:
        for sh in o.shifts:
            if date.fromisoformat(sh.date) < start:
                worked[o.id] = worked.get(o.id, 0) + (sh.end - sh.start)
    share = resolved.scenario.week_settings.admin_share
    officers = []
    for o in resolved.officers:
        if worked.get(o.id):
            left = max(0.0, o.weekly_hours - worked[o.id] / 60 / max(1e-9, 1 - share))
            o = o.model_copy(update={"weekly_hours": round(left, 4)})
        officers.append(o)
    return replace(resolved, quotas=quotas, officers=officers)


def _merge(
    previous: PlanRecord, future: PlanRecord, past_routes: list[Any], start: date, full: Any, notes: list[str]
) -> PlanRecord:
    """The whole week: the published days before ``start`` and the re-planned ones, KPIs over both."""
    from mobilstation.optimize.kpis import week_kpis
    from mobilstation.pipeline import site_from_record

    routes = sorted(past_routes + list(future.routes), key=lambda r: (r.date, r.vehicle_id))
    visited_before = {st.site_id for r in past_routes for st in r.stops}
    have = {s.id for s in future.sites}
    published = {s.id: s for s in previous.sites}
    # a site's rules are the week's, not the re-plan's (kept days, maxima less what was made)
    sites = [
        s.model_copy(
            update={
                "days": published[s.id].days,
                "weekly_max": published[s.id].weekly_max,
                "windows": published[s.id].windows,
            }
        )
        if s.id in published and not s.meta.get("pinned")
        else s
        for s in future.sites
    ]
    sites += [s for s in previous.sites if s.id in visited_before and s.id not in have]
    by_officer = {o.id: o for o in future.officers}
    officers = []
    for o in previous.officers:
        past = [sh for sh in o.shifts if date.fromisoformat(sh.date) < start]
        later = list(by_officer[o.id].shifts) if o.id in by_officer else []
        officers.append(o.model_copy(update={"shifts": past + later}))
    hours = [h for h in previous.hours if h.date is not None and date.fromisoformat(h.date) < start]
    hours += list(future.hours)
    unvisited = [u for u in future.unvisited if u.site_id not in visited_before]
    municipalities = {m.code: (m.name, m.population) for m in previous.municipalities}
    site_objs = [site_from_record(s) for s in sites]
    scale = int(future.kpis.get("prize_scale", 1000) or 1000)
    rules = previous.rules
    repeat = float(getattr(rules, "repeat_value", None) or 0.5)
    count: dict[str, int] = {}
    for r in routes:
        for st in r.stops:
            count[st.site_id] = count.get(st.site_id, 0) + 1
    score = {s.id: s.score for s in sites}
    objective = 0
    for sid, n in count.items():
        prize = round(max(score.get(sid, 0.0), 0.0) * scale)
        objective += sum(round(prize * repeat**k) for k in range(n))
    kpis = dict(future.kpis)
    kpis.update(
        week_kpis(
            routes=routes,
            hours=hours,
            sites=site_objs,
            municipalities=municipalities,
            quotas=full.quotas,
            objective=objective / scale,
            upper_bound=None,
            solve_seconds=float(future.kpis.get("solve_seconds") or 0.0),
            time_limit_s=future.kpis.get("time_limit_s"),
            unvisited=unvisited,
        )
    )
    kpis.update(
        routes_used=sum(1 for r in routes if r.stops),
        routes_planned=len(routes),
        objective_prize=objective,
        prize_scale=scale,
        bound_method="none (re-plan: no bound for the merged week)",
        gap=None,
    )
    for key in ("campaigns", "quota_shortfalls"):
        if key in future.kpis:
            kpis[key] = future.kpis[key]
    solver = dict(future.solver) | {"method": "replan", "replanned_from": start.isoformat()}
    scenario = previous.scenario.model_copy(
        update={"seed": future.scenario.seed, "time_limit_s": future.scenario.time_limit_s,
                "work_limit": future.scenario.work_limit, "ledger": future.scenario.ledger}
    )  # fmt: skip
    # the week's own description (vehicles, quotas, stations, links, rules) is the published one
    return previous.model_copy(
        update={
            "generated_at": future.generated_at,
            "hotspots": future.hotspots,
            "synthetic_inputs": future.synthetic_inputs,
            "scenario": scenario,
            "routes": routes,
            "sites": sites,
            "officers": officers,
            "hours": hours,
            "unvisited": unvisited,
            "kpis": kpis,
            "solver": solver,
            "notes": list(future.notes) + notes,
        }
    )

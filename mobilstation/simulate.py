"""Simulate the weekly cycle: plan, publish, carry out, and plan the next week, N times.

A planner's question is not "is this week good?" but "does every town get
its turn, and is every citizen served in time, week after week?". The
simulation answers it on synthetic but realistic weeks:

* each week's burglaries come from the seeded synthetic generator with the
  analysis date moved on a week (the same seed, so the history is one
  story: new incidents appear, old ones age);
* citizen requests arrive at a seeded rate (Poisson, ``request_rate`` a
  week) at towns drawn by population, half of them traffic checks, some
  with a promised date, each with a deadline one to three weeks ahead; the
  week's requests file lists every request so far, as a planner's would;
* each week is planned (with the ledger: its memory; without: as if it were
  the first), published, and carried out with a seeded share of visits
  cancelled on the day (``cancel_share``);
* the figures per week are recomputed from the plans alone, the same way
  for both runs, so the ledger run and the no-ledger baseline compare
  fairly.

Every week's outputs go to ``OUT/<iso-week>/`` (the baseline's to
``OUT/uden-ledger/<iso-week>/``), the figures to ``OUT/simulation.csv``
and ``OUT/simulation_uden_ledger.csv``, and the picture to
``OUT/coverage.png``. Everything derived from the simulation is synthetic.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from mobilstation._io import atomic_write_bytes, atomic_write_text
from mobilstation.errors import InputError, PlanFailed
from mobilstation.i18n import t
from mobilstation.ledger.store import iso_week_of, week_monday
from mobilstation.plan import PlanRecord

__all__ = ["SimulationWeek", "simulate"]

Progress = Callable[[str], None]

COLUMNS = (
    "week",
    "towns_total",
    "towns_visited_so_far",
    "max_weeks_waiting",
    "requests_served_on_time",
    "requests_late",
    "campaign_done",
    "campaign_total",
    "visits",
    "visits_cancelled",
    "objective",
    "status",
)


@dataclass
class SimulationWeek:
    """One simulated week's figures (see :data:`COLUMNS`)."""

    week: str
    towns_total: int
    towns_visited_so_far: int
    max_weeks_waiting: int
    requests_served_on_time: int
    requests_late: int
    campaign_done: int
    campaign_total: int
    visits: int
    visits_cancelled: int
    objective: float
    status: str = "ok"


@dataclass
class _Tracker:
    """What happened so far, recomputed from the plans and the cancellations (never from the ledger)."""

    town_ids: set[str] = field(default_factory=set)
    last_town_week: dict[str, int] = field(default_factory=dict)
    request_deadline: dict[str, date] = field(default_factory=dict)
    request_served: dict[str, date] = field(default_factory=dict)
    campaign_done: set[tuple[str, str]] = field(default_factory=set)
    campaign_total: dict[str, int] = field(default_factory=dict)

    def add(self, k: int, record: PlanRecord, cancelled: set[tuple[str, str]]) -> None:
        for s in record.sites:
            if s.kind == "town":
                self.town_ids.add(s.id)
            if s.kind == "request" and "request_id" in s.meta:
                rid = str(s.meta["request_id"])
                due = s.meta.get("promised_date") or s.meta.get("original_deadline")
                if due and rid not in self.request_deadline:
                    self.request_deadline[rid] = date.fromisoformat(due)
        sites = {s.id: s for s in record.sites}
        for r in record.routes:
            for st in r.stops:
                if (st.site_id, r.date) in cancelled:
                    continue
                site = sites[st.site_id]
                if site.meta.get("campaign"):
                    self.campaign_done.add((site.meta["campaign"], str(site.meta.get("target_id"))))
                if site.kind == "town":
                    self.last_town_week[site.id] = k
                if site.kind == "request" and "request_id" in site.meta:
                    rid = str(site.meta["request_id"])
                    self.request_served.setdefault(rid, date.fromisoformat(r.date))

    def failed(self, k: int, week: str, why: str) -> SimulationWeek:
        """The figures of a week that could not be planned: nothing visited, every wait one week longer."""
        empty = PlanRecord.model_construct(routes=[], sites=[], kpis={})
        row = self.figures(k, week, empty, 0)
        row.status = f"ingen plan: {why}"
        return row

    def figures(self, k: int, week: str, record: PlanRecord, cancelled: int) -> SimulationWeek:
        end = week_monday(week) + timedelta(days=6)
        waits = [
            k + 1 - (self.last_town_week[t] + 1) if t in self.last_town_week else k + 1 for t in self.town_ids
        ]
        on_time = late = 0
        for rid, due in self.request_deadline.items():
            served = self.request_served.get(rid)
            if served is not None and served <= due:
                on_time += 1
            elif (served is not None and served > due) or (served is None and due <= end):
                late += 1
        for cid, c in (record.kpis.get("campaigns") or {}).items():
            self.campaign_total[cid] = max(self.campaign_total.get(cid, 0), int(c.get("total", 0)))
        return SimulationWeek(
            week=week,
            towns_total=len(self.town_ids),
            towns_visited_so_far=len(self.last_town_week),
            max_weeks_waiting=max(waits) if waits else 0,
            requests_served_on_time=on_time,
            requests_late=late,
            campaign_done=len(self.campaign_done),
            campaign_total=sum(self.campaign_total.values()),
            visits=sum(len(r.stops) for r in record.routes),
            visits_cancelled=cancelled,
            objective=float(record.kpis.get("objective") or 0.0),
        )


def _arrivals(district: Any, weeks: list[str], rate: float, seed: int) -> list[dict[str, Any]]:
    """Seeded synthetic requests, each tagged with the week it arrives in."""
    rng = np.random.default_rng(seed)
    towns = sorted((t for t in district.towns if t.population >= 500), key=lambda t: t.id)
    if not towns:
        return []
    pop = np.array([math.sqrt(t.population) for t in towns], dtype=float)
    prob = pop / pop.sum()
    out: list[dict[str, Any]] = []
    for k, week in enumerate(weeks):
        monday = week_monday(week)
        for j in range(int(rng.poisson(rate))):
            t = towns[int(rng.choice(len(towns), p=prob))]
            kind = "traffic_check" if rng.random() < 0.5 else "local_officer"
            deadline = monday + timedelta(days=int(rng.integers(7, 22)))
            wanted = ""
            window = ""
            if kind == "local_officer" and rng.random() < 0.3:
                day = monday + timedelta(days=7 + int(rng.integers(0, 5)))
                wanted, window, deadline = day.isoformat(), "10:00-12:00", day
            out.append(
                {
                    "arrives": k,
                    "id": f"SIM-{week}-{j + 1:02d}",
                    "type": kind,
                    "lat": round(t.lat + float(rng.normal(0, 0.002)), 5),
                    "lon": round(t.lon + float(rng.normal(0, 0.003)), 5),
                    "window": window,
                    "date": wanted,
                    "deadline": deadline.isoformat(),
                    "name": f"{t.name}: {'færdselskontrol' if kind == 'traffic_check' else 'besøg af lokalbetjent'}",
                    "note": "Syntetisk simulering",
                }
            )
    return out


def _requests_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    cols = ["id", "type", "lat", "lon", "window", "date", "deadline", "name", "note"]
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def _cancelled(record: PlanRecord, share: float, rng: np.random.Generator) -> set[tuple[str, str]]:
    pairs = sorted({(st.site_id, r.date) for r in record.routes for st in r.stops})
    return {p for p in pairs if rng.random() < share}


def _run(
    scenario: str | os.PathLike[str],
    weeks: list[str],
    out: Path,
    *,
    ledger: str | None,
    arrivals: list[dict[str, Any]],
    base_requests: list[dict[str, Any]],
    synthetic_params: dict[str, Any],
    time_limit: float | None,
    seed: int,
    work_limit: int | None,
    cancel_share: float,
    maps: bool,
    progress: Progress | None,
) -> list[SimulationWeek]:
    from mobilstation import api
    from mobilstation.ledger import open_ledger

    rng = np.random.default_rng(seed + 7919)
    tracker = _Tracker()
    rows: list[SimulationWeek] = []
    inputs = out / "inddata"
    inputs.mkdir(parents=True, exist_ok=True)
    for k, week in enumerate(weeks):
        label = t("simulate.with_ledger" if ledger else "simulate.without_ledger")
        if progress:
            progress(t("simulate.step.planning", week=week, label=label))
        req_file = inputs / f"anmodninger-{week}.csv"
        known = base_requests + [a for a in arrivals if a["arrives"] < k]
        atomic_write_text(req_file, _requests_csv(known))
        overrides: dict[str, Any] = {
            "week": week,
            "requests": {"file": str(req_file), "synthetic": True},
            "outputs.maps": maps,
        }
        overrides["incidents.file"] = None
        overrides["incidents.synthetic"] = dict(synthetic_params, seed=seed)
        try:
            result = api.plan(
                scenario,
                time_limit=time_limit,
                seed=seed,
                work_limit=work_limit,
                overrides=overrides,
                ledger=ledger,
            )
        except PlanFailed as exc:
            # a week with no feasible plan is a finding of the simulation, not the end of it
            why = "; ".join([exc.args[0] if exc.args else "", *exc.violations[:2]])
            if progress:
                progress(t("simulate.step.no_plan", week=week, label=label, why=why))
            rows.append(tracker.failed(k, week, why))
            continue
        record = result.record
        result.save(out / week, maps=maps)
        cancelled = _cancelled(record, cancel_share, rng)
        if ledger:
            with open_ledger(ledger) as book:
                book.publish(record, record.scenario.spec)
                book.record_outcome(
                    week, cancelled=[(sid, date.fromisoformat(d)) for sid, d in sorted(cancelled)]
                )
        tracker.add(k, record, cancelled)
        rows.append(tracker.figures(k, week, record, len(cancelled)))
    return rows


def _write_csv(path: Path, rows: list[SimulationWeek]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(asdict(r))
    atomic_write_text(path, buf.getvalue())


def _plot(path: Path, with_ledger: list[SimulationWeek], baseline: list[SimulationWeek] | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    x = list(range(1, len(with_ledger) + 1))
    total = with_ledger[0].towns_total if with_ledger else 0
    a.plot(x, [r.towns_visited_so_far for r in with_ledger], "o-", color="#0072b2", label="med ledger")
    b.plot(x, [r.max_weeks_waiting for r in with_ledger], "o-", color="#0072b2", label="med ledger")
    if baseline:
        a.plot(x, [r.towns_visited_so_far for r in baseline], "s--", color="#d55e00", label="uden ledger")
        b.plot(x, [r.max_weeks_waiting for r in baseline], "s--", color="#d55e00", label="uden ledger")
    a.axhline(total, color="grey", lw=0.8, ls=":")
    a.set_title(f"Byer besøgt indtil nu (af {total})")
    b.set_title("Længste ventetid for en by (uger)")
    for ax in (a, b):
        ax.set_xlabel("uge i simuleringen")
        ax.set_xticks(x)
        ax.legend(loc="best")
        ax.grid(alpha=0.3)
    fig.suptitle("Simulering (syntetiske data)", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def simulate(
    scenario: str | os.PathLike[str],
    *,
    weeks: int,
    out_dir: str | os.PathLike[str],
    ledger: str | None,
    baseline: bool = True,
    time_limit: float | None = None,
    seed: int = 1,
    work_limit: int | None = None,
    request_rate: float = 3.0,
    cancel_share: float = 0.05,
    maps: bool = False,
    progress: Progress | None = None,
) -> tuple[list[SimulationWeek], list[SimulationWeek] | None]:
    """Run the weekly cycle ``weeks`` times with ``ledger`` (None: the no-ledger run only), see the module docstring.

    ``baseline``: also run the same weeks without memory (the comparison the
    figures are judged against). Returns (ledger run, baseline run); with
    ``ledger=None`` the first is the no-ledger run and the second None.
    """
    from mobilstation import api
    from mobilstation.ledger import open_ledger

    if weeks < 1:
        raise InputError(t("simulate.error.weeks", got=weeks))
    sc = api.load_scenario(scenario)
    start = sc.week_start
    names = [iso_week_of(start + timedelta(days=7 * k)) for k in range(weeks)]
    if ledger is not None:
        with open_ledger(ledger) as book:
            taken = [p.iso_week for p in book.publications() if p.iso_week in names]
        if taken:
            used = ", ".join(sorted(set(taken)))
            raise InputError(t("simulate.error.used_ledger", ledger=ledger, weeks=used))
    resolved = api.validate(sc)
    base_requests: list[dict[str, Any]] = []
    if sc.requests is not None:
        text = Path(sc.requests.file).read_text(encoding="utf-8-sig")
        base_requests = list(csv.DictReader(io.StringIO(text)))
    arrivals = _arrivals(resolved.district, names, request_rate, seed)
    synthetic = sc.incidents.synthetic if sc.incidents is not None else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    kw = dict(
        arrivals=arrivals,
        base_requests=base_requests,
        synthetic_params=synthetic.model_dump(mode="json") if synthetic is not None else {},
        time_limit=time_limit,
        seed=seed,
        work_limit=work_limit,
        cancel_share=cancel_share,
        maps=maps,
        progress=progress,
    )
    main = _run(scenario, names, out, ledger=ledger, **kw)  # type: ignore[arg-type]
    _write_csv(out / ("simulation.csv" if ledger else "simulation_uden_ledger.csv"), main)
    base_rows = None
    if ledger is not None and baseline:
        base_rows = _run(scenario, names, out / "uden-ledger", ledger=None, **kw)  # type: ignore[arg-type]
        _write_csv(out / "simulation_uden_ledger.csv", base_rows)
    _plot(out / "coverage.png", main, base_rows)
    return main, base_rows


def _one(args: dict[str, Any]) -> tuple[list[SimulationWeek], list[SimulationWeek] | None]:
    """One seed's simulation (what a Dask worker runs)."""
    return simulate(**args)


def simulate_seeds(
    scenario: str | os.PathLike[str],
    *,
    seeds: list[int],
    out_dir: str | os.PathLike[str],
    ledger: str | None,
    scheduler: str | None = None,
    n_workers: int = 2,
    **kw: Any,
) -> dict[int, tuple[list[SimulationWeek], list[SimulationWeek] | None]]:
    """Independent simulations, one per seed, on Dask: a running scheduler or a local cluster.

    Each seed writes to ``OUT/seed-<n>/`` with its own ledger: ``ledger`` is
    a SQLite path (``x.db`` -> ``x-seed-<n>.db``); a shared PostgreSQL
    ledger cannot hold two simulations of the same weeks, so a URL is bad
    input here.
    """
    from mobilstation.sweep import _dask_client

    if ledger is not None and "://" in ledger:
        raise InputError(t("simulate.ledger_url"))
    out = Path(out_dir)
    jobs = []
    for seed in seeds:
        led = None
        if ledger is not None:
            base = Path(ledger)
            led = str(base.with_name(f"{base.stem}-seed-{seed}{base.suffix or '.db'}"))
        jobs.append(dict(scenario=str(scenario), out_dir=str(out / f"seed-{seed}"), ledger=led, seed=seed, **kw))
    with _dask_client(scheduler, n_workers) as client:
        futures = client.map(_one, jobs, pure=False)
        results = client.gather(futures)
    return dict(zip(seeds, results, strict=True))

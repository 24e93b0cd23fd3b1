"""Mid-week re-planning from the ledger: what is done stays, the disruption holds, the changes are listed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fixtures.quick import QUICK_SCENARIO, QUICK_SEED, QUICK_WORK_LIMIT
from icalendar import Calendar
from plan_checker import plan_violations
from typer.testing import CliRunner

from mobilstation.api import load_scenario
from mobilstation.cli import app
from mobilstation.ledger import open_ledger
from mobilstation.outputs.changes import changes
from mobilstation.plan import PlanRecord
from mobilstation.scenario import resolve

WED = date(2026, 12, 2)


def run(*args: Any) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The quick week planned and published in a new ledger: (ledger, plan directory)."""
    root = tmp_path_factory.mktemp("replan")
    ledger, out = root / "ledger.db", root / "w49"
    result = run(
        "plan", QUICK_SCENARIO, "--out", out, "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED, "--quiet"
    )
    assert result.exit_code == 0, result.output
    assert run("publish", out, "--ledger", ledger).exit_code == 0
    return ledger, out


@pytest.fixture(scope="module")
def replanned(published: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    ledger, _ = published
    out = tmp_path_factory.mktemp("replan-out") / "w49b"
    result = run(
        "replan", "--ledger", ledger, "--week", "2026-W49", "--from", "2026-12-02",
        "--vehicle-down", "bil2:2026-12-02..2026-12-04", "--out", out,
        "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def _visits(p: PlanRecord, before: date | None = None, after: date | None = None) -> set[tuple[str, ...]]:
    return {
        (r.vehicle_id, r.date, st.site_id, str(st.start))
        for r in p.routes
        for st in r.stops
        if (before is None or date.fromisoformat(r.date) < before)
        and (after is None or date.fromisoformat(r.date) >= after)
    }


def test_a_van_down_from_wednesday(published: tuple[Path, Path], replanned: Path) -> None:
    ledger, w49 = published
    old, new = PlanRecord.read(w49), PlanRecord.read(replanned)
    assert _visits(new, before=WED) == _visits(old, before=WED)  # Monday and Tuesday as they happened
    assert all(st.locked for r in new.routes if date.fromisoformat(r.date) < WED for st in r.stops)
    assert not [r.id for r in new.routes if r.vehicle_id == "bil2" and date.fromisoformat(r.date) >= WED and r.stops]
    assert new.solver["method"] == "replan" and new.scenario.dates == old.scenario.dates
    # held to the week's own scenario: every rule, the travel, the KPIs recomputed
    assert plan_violations(new, resolve(load_scenario(new.scenario.spec))) == []
    # quotas met again where possible; a shortfall is named in the KPIs
    rows = {row["municipality"]: row for row in new.kpis["quotas"]}
    assert rows and all(isinstance(row["met"], bool) for row in rows.values())
    for code, row in rows.items():  # met, or the shortfall is visible in the row itself
        assert row["met"] == (row["visits"] >= row["min_visits"] and row["hours"] + 1e-6 >= row["min_hours"]), code
    # the change set says what moved, and only that
    found = changes(old, new)
    csv_rows = (replanned / "changes.csv").read_text(encoding="utf-8-sig").strip().splitlines()[1:]
    assert len(csv_rows) == len(found) > 0
    kept = _visits(old, after=WED) & _visits(new, after=WED)
    assert kept, "the re-plan keeps published visits where it can"
    html = (replanned / "aendringer.html").read_text(encoding="utf-8")
    assert "Ændringer i ugeplanen, uge 2026-W49" in html and "aflyst" in html
    with open_ledger(ledger) as book:
        (d,) = book.disruptions("2026-W49")
    assert (d.kind, d.subject, d.date_from, d.date_to) == ("vehicle_down", "bil2", WED, date(2026, 12, 4))


def test_calendars_cancel_what_was_dropped(published: tuple[Path, Path], replanned: Path) -> None:
    _, w49 = published

    def events(path: Path) -> dict[str, Any]:
        cal = Calendar.from_ical(path.read_bytes())
        return {str(e["UID"]): e for e in cal.walk("VEVENT")}

    old, new = events(w49 / "calendars" / "bil2.ics"), events(replanned / "calendars" / "bil2.ics")
    dropped = [uid for uid in old if "2026-12-0" in uid and uid.split("/")[1] >= "2026-12-02"]
    assert dropped
    for uid in dropped:
        assert str(new[uid].get("STATUS")) == "CANCELLED" and int(new[uid]["SEQUENCE"]) > int(old[uid].get("SEQUENCE", 0))
    monday = [uid for uid in old if uid.split("/")[1] < "2026-12-02"]
    assert monday and all(new[uid].to_ical() == old[uid].to_ical() for uid in monday)


def test_the_same_replan_twice_gives_the_same_plan(published: tuple[Path, Path], tmp_path: Path) -> None:
    from mobilstation.replan import Disruption, replan

    ledger, _ = published
    down = [Disruption("vehicle_down", "bil2", WED, date(2026, 12, 4))]
    a = replan(str(ledger), "2026-W49", WED, down, work_limit=QUICK_WORK_LIMIT, seed=QUICK_SEED, record_disruptions=False)
    b = replan(str(ledger), "2026-W49", WED, down, work_limit=QUICK_WORK_LIMIT, seed=QUICK_SEED, record_disruptions=False)
    assert _visits(a.record) == _visits(b.record)
    assert [o.shifts for o in a.record.officers] == [o.shifts for o in b.record.officers]


def test_bad_replans_exit_2_and_leave_the_ledger_alone(published: tuple[Path, Path], tmp_path: Path) -> None:
    ledger, _ = published
    base = ["replan", "--ledger", ledger, "--out", tmp_path / "x", "--work-limit", "50"]
    cases = [
        (["--week", "2026-W51", "--from", "2026-12-16"], "ikke offentliggjort"),
        (["--week", "2026-W49", "--from", "2026-12-09"], "uden for ugens"),
        (["--week", "2026-W49", "--from", "2026-12-02", "--vehicle-down", "bil9"], "bil9"),
        (["--week", "2026-W49", "--from", "2026-12-02", "--link-closed", "broen"], "broen"),
        (["--week", "2026-W49", "--from", "2026-12-02", "--officer-absent", "LB99:2026-12-03"], "LB99"),
        (["--week", "2026-W49", "--from", "2026-12-02", "--vehicle-down", "bil2:2026-12-04..2026-12-02"], "slutter"),
        (["--week", "2026-W49", "--from", "2026-12-02", "--pin", "Brovst@2026-12-01"], "i fortiden"),
        (["--week", "2026-W49", "--from", "2026-12-02", "--pin", "Atlantis@2026-12-03"], "Atlantis"),
    ]
    with open_ledger(ledger) as book:
        before = len(book.disruptions()), len(book.publications())
    for extra, needle in cases:
        result = run(*base, *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert needle in result.output, (needle, result.output)
        assert not (tmp_path / "x").exists()
    with open_ledger(ledger) as book:
        assert (len(book.disruptions()), len(book.publications())) == before


# -- pins ----------------------------------------------------------------------------------------


def _pinned(tmp_path: Path, pins: str) -> Path:
    scenario = tmp_path / "pinned.yaml"
    scenario.write_text(f"include: {QUICK_SCENARIO}\npinned:\n{pins}", encoding="utf-8")
    return scenario


def test_a_pinned_visit_is_kept_to_its_day_time_and_van(tmp_path: Path) -> None:
    scenario = _pinned(
        tmp_path, '  - {site: Brovst, date: 2026-12-03, time: "10:30", vehicle: bil2}\n'
    )
    out = tmp_path / "out"
    result = run("plan", scenario, "--out", out, "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED, "-q")
    assert result.exit_code == 0, result.output
    plan = PlanRecord.read(out)
    brovst = next(s for s in plan.sites if s.name == "Brovst")
    visits = [(r.vehicle_id, r.date, st.start) for r in plan.routes for st in r.stops if st.site_id == brovst.id]
    assert visits == [("bil2", "2026-12-03", 10 * 60 + 30)]
    assert brovst.meta["pinned"] == {"date": "2026-12-03", "time": "10:30", "vehicle": "bil2"}


def test_pins_that_cannot_be_are_named(tmp_path: Path) -> None:
    bad = {
        "nowhere": ("  - {site: Atlantis, date: 2026-12-03}\n", 2, "Atlantis"),
        "saturday": ("  - {site: Brovst, date: 2026-12-05}\n", 2, "er ikke en planlagt dag"),
        "van": ("  - {site: Brovst, date: 2026-12-03, vehicle: bil7}\n", 2, "bil7"),
        "night": ('  - {site: Brovst, date: 2026-12-03, time: "23:30"}\n', 1, "Brovst"),
    }
    for name, (pin, code, needle) in bad.items():
        result = run(
            "plan", _pinned(tmp_path, pin), "--out", tmp_path / name, "--work-limit", 50, "-q"
        )
        assert result.exit_code == code, (name, result.output)
        assert needle in result.output, (name, result.output)
        assert not (tmp_path / name).exists()


def test_a_replan_keeps_a_new_promise(published: tuple[Path, Path], tmp_path: Path) -> None:
    ledger, week = published
    # a town the published week leaves out: a promise there is new, and the site is still open
    before = PlanRecord.read(week)
    names = {s.id: s.name for s in before.sites if s.id.startswith("town:")}
    town = next(names[u.site_id] for u in before.unvisited if u.site_id in names and u.reason_code == "displaced")
    out = tmp_path / "pinned"
    result = run(
        "replan", "--ledger", ledger, "--week", "2026-W49", "--from", "2026-12-02", "--out", out,
        "--pin", f"{town}@03-12-2026@11:00@bil1", "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = PlanRecord.read(out)
    site = next(s for s in plan.sites if s.name == town)
    assert [(r.vehicle_id, r.date, st.start) for r in plan.routes for st in r.stops if st.site_id == site.id][
        -1
    ] == ("bil1", "2026-12-03", 660)
    promise = {"site": town, "date": "2026-12-03", "time": "11:00", "vehicle": "bil1", "soft": False}
    assert promise in plan.scenario.spec["pinned"]
    # the published visits of the remaining days are kept as soft pins (day, minute, van), checked too
    assert any(p["soft"] for p in plan.scenario.spec["pinned"])
    assert plan_violations(plan, resolve(load_scenario(plan.scenario.spec))) == []


# -- a closed ferry ------------------------------------------------------------------------------

LAESOE_WEEK = QUICK_SCENARIO.parent / "laesoe_week.yaml"
TUE = date(2026, 12, 1)


@pytest.fixture(scope="module")
def island_week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PlanRecord]:
    """The week with a Læsø visit (on Tuesday at this seed and work limit), published."""
    root = tmp_path_factory.mktemp("island")
    ledger, out = root / "ledger.db", root / "w49"
    result = run("plan", LAESOE_WEEK, "--out", out, "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED, "-q")
    assert result.exit_code == 0, result.output
    assert run("publish", out, "--ledger", ledger).exit_code == 0
    return ledger, PlanRecord.read(out)


def _island(plan: PlanRecord) -> dict[str, list[str]]:
    """Læsø visits: site id -> the dates."""
    island = {s.id for s in plan.sites if s.municipality_code == "0825"}
    out: dict[str, list[str]] = {}
    for r in plan.routes:
        for st in r.stops:
            if st.site_id in island:
                out.setdefault(st.site_id, []).append(r.date)
    return out


def _crossings(plan: PlanRecord, link: str) -> set[str]:
    """The dates on which a van or an officer's recorded drive crosses ``link``."""
    days = {r.date for r in plan.routes for lg in r.legs if link in lg.links}
    return days | {sh.date for o in plan.officers for sh in o.shifts for lg in sh.legs if link in lg.links}


def test_a_closed_ferry_moves_the_island_visit_to_a_day_it_sails(
    island_week: tuple[Path, PlanRecord], tmp_path: Path
) -> None:
    ledger, old = island_week
    (site, days), = _island(old).items()
    assert days == [TUE.isoformat()]  # the premise: the published visit is on the day the ferry stops
    out = tmp_path / "storm"
    result = run(
        "replan", "--ledger", ledger, "--week", "2026-W49", "--from", TUE, "--out", out,
        "--link-closed", "laesoefaergen:2026-12-01..2026-12-01",
        "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    new = PlanRecord.read(out)
    moved = _island(new)
    assert site in moved and TUE.isoformat() not in moved[site] and moved[site][0] > TUE.isoformat()
    assert TUE.isoformat() not in _crossings(new, "laesoefaergen")
    # no one stationed on the island crews a van on the mainland that day
    on_island = {o.id for o in new.officers if o.station_id == "laesoe"}
    assert on_island and not {c for r in new.routes if r.date == TUE.isoformat() for c in r.crew} & on_island
    assert plan_violations(new, resolve(load_scenario(new.scenario.spec))) == []
    assert any(c.site_id == site and c.change == "flyttet" for c in changes(old, new))


def test_a_ferry_closed_all_week_leaves_the_island_and_names_the_shortfall(
    island_week: tuple[Path, PlanRecord], tmp_path: Path
) -> None:
    ledger, old = island_week
    out = tmp_path / "storm"
    result = run(
        "replan", "--ledger", ledger, "--week", "2026-W49", "--from", TUE, "--out", out,
        "--link-closed", "laesoefaergen", "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    new = PlanRecord.read(out)
    assert not _island(new) and not {d for d in _crossings(new, "laesoefaergen") if d >= TUE.isoformat()}
    (site,) = _island(old)
    reason = next(u.reason for u in new.unvisited if u.site_id == site)
    assert "Læsø" in reason and "lukket" in reason
    assert any("kvote Læsø" in n and "mangler 1" in n for n in new.notes)
    # the island's own officer still patrols it
    assert any(h.municipality_code == "0825" and h.date >= TUE.isoformat() for h in new.hours)
    assert plan_violations(new, resolve(load_scenario(new.scenario.spec))) == []


def test_a_closed_short_cut_is_left_out_all_week(published: tuple[Path, Path]) -> None:
    """A tunnel that carries traffic between places reached without it cannot be closed day by day."""
    from mobilstation.replan import Disruption, replan

    ledger, _ = published
    shut = [Disruption("link_closed", "limfjordstunnelen", WED, WED)]
    res = replan(str(ledger), "2026-W49", WED, shut, work_limit=QUICK_WORK_LIMIT, seed=QUICK_SEED,
                 record_disruptions=False)  # fmt: skip
    assert not {d for d in _crossings(res.record, "limfjordstunnelen") if d >= WED.isoformat()}
    assert any("Limfjordstunnelen" in n and "alle ugens dage" in n for n in res.record.notes), res.record.notes
    assert plan_violations(res.record, resolve(load_scenario(res.record.scenario.spec))) == []


def test_a_visit_the_ledger_cancelled_does_not_count_toward_the_quota(published: tuple[Path, Path]) -> None:
    from mobilstation.replan import _less_what_is_done

    _, w49 = published
    old = PlanRecord.read(w49)
    resolved = resolve(load_scenario(old.scenario.spec))
    quotas = {q.municipality: q for q in resolved.quotas}

    def made(code: str) -> int:
        return sum(1 for r in old.routes if r.date < WED.isoformat() for st in r.stops
                   if old.site(st.site_id).municipality_code == code)  # fmt: skip

    # a visit before Wednesday in a municipality whose quota it counts toward (one cancelled visit shows)
    route, stop = next(
        (r, st) for r in old.routes if r.date < WED.isoformat() for st in r.stops
        if 1 <= made(c := old.site(st.site_id).municipality_code) <= quotas[c].min_visits if c in quotas
    )  # fmt: skip
    code = old.site(stop.site_id).municipality_code
    quota = quotas[code]

    def left(cancelled: set[tuple[str, str]]) -> int:
        out = _less_what_is_done(resolved, old, WED, cancelled)
        return next(q for q in out.quotas if q.municipality == code).min_visits

    assert left(set()) == quota.min_visits - made(code)
    assert left({(stop.site_id, route.date)}) == quota.min_visits - made(code) + 1


def test_the_stability_prize_is_the_scenarios_weight(replanned: Path) -> None:
    """Without --stability a kept visit earns the week's weights.stability; a displaced one half of it."""
    from mobilstation.demand.scoring import Weights

    plan = PlanRecord.read(replanned)
    prizes = {s.breakdown["stability"] for s in plan.sites if "stability" in s.breakdown}
    weight = Weights.model_validate(plan.scenario.spec.get("weights") or {}).stability
    assert weight == 3.0 and prizes and max(prizes) == weight and prizes <= {weight, weight / 2}


def test_a_soft_pin_on_a_place_no_longer_planned_is_reported() -> None:
    """A kept visit to a place a closed link cut off is cancelled with a note (in the run's language)."""
    from types import SimpleNamespace

    from mobilstation import i18n
    from mobilstation.demand.pins import apply_pins

    pin = SimpleNamespace(site="gone", date=date(2026, 12, 3), time="10:00", vehicle="bil1", soft=True)
    report: list[str] = []
    assert apply_pins([], [pin], report=report) == []
    assert report == ["gone: kan ikke længere nås; det offentliggjorte besøg 2026-12-03 aflyses"]
    with i18n.using("en"):
        apply_pins([], [pin], report=report)
    assert report[1] == "gone: can no longer be reached; the published visit on 2026-12-03 is cancelled"

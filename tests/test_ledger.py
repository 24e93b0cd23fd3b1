"""The ledger on SQLite and on a real PostgreSQL server: publish, revise, outcomes, memory, migrations, races."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fixtures.postgres import PASSWORD, new_database, postgres_server
from fixtures.quick import QUICK_SCENARIO, QUICK_SEED, QUICK_WORK_LIMIT
from sqlalchemy import text
from typer.testing import CliRunner

from mobilstation.cli import app
from mobilstation.ledger import LedgerConflict, LedgerError, open_ledger
from mobilstation.plan import PlanRecord

ROOT = Path(__file__).resolve().parents[1]


def run(*args: Any) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def pg_server() -> Any:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty ledger on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return new_database(request.getfixturevalue("pg_server"), f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def week49(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("w49") / "plan"
    result = run(
        "plan",
        QUICK_SCENARIO,
        "--out",
        out,
        "--work-limit",
        QUICK_WORK_LIMIT,
        "--seed",
        QUICK_SEED,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    return out


def _other(record: PlanRecord) -> PlanRecord:
    """The same week planned differently: its last route's last stop dropped."""
    data = record.model_dump(mode="json", by_alias=True)
    for route in reversed(data["routes"]):
        if route["stops"]:
            route["stops"].pop()
            route["legs"] = []
            break
    return PlanRecord.model_validate(data)


# -- publish -------------------------------------------------------------------------------------


def test_publish_is_idempotent_and_revisions_keep_the_old(ledger_url: str, week49: Path) -> None:
    record = PlanRecord.read(week49)
    n_stops = sum(len(r.stops) for r in record.routes)
    with open_ledger(ledger_url) as book:
        first = book.publish(record, record.scenario.spec)
        assert (first.revision, first.status, first.visits) == (1, "new", n_stops)
        again = book.publish(record, record.scenario.spec)
        assert (again.revision, again.status) == (1, "unchanged")
        assert len(book.publications()) == 1 and len(book.visits("2026-W49")) == n_stops
        other = _other(record)
        with pytest.raises(LedgerConflict, match="--revise"):
            book.publish(other, None)
        second = book.publish(other, None, revise=True, note="bil 2 på værksted")
        assert (second.revision, second.status) == (2, "revised")
        pubs = book.publications()
        assert [p.revision for p in pubs] == [1, 2]
        assert pubs[0].superseded_at is not None and pubs[1].superseded_at is None
        assert PlanRecord.from_json(pubs[0].plan_json) == record  # the old revision is kept whole
        assert book.latest_plan("2026-W49") == other
        assert len(book.visits("2026-W49")) == n_stops - 1  # the revision replaced the planned visits


def test_outcomes_close_requests_and_feed_next_weeks_memory(ledger_url: str, week49: Path) -> None:
    record = PlanRecord.read(week49)
    visited = [(st.site_id, date.fromisoformat(r.date)) for r in record.routes for st in r.stops]
    cancel = visited[0]
    with open_ledger(ledger_url) as book:
        book.publish(record, record.scenario.spec)
        with pytest.raises(LedgerError, match="intet planlagt besøg"):
            book.record_outcome("2026-W49", cancelled=[("town:nowhere", date(2026, 12, 1))])
        assert all(v.state == "planned" for v in book.visits("2026-W49"))  # nothing written
        counts = book.record_outcome("2026-W49", cancelled=[cancel])
        assert counts == {"made": len(visited) - 1, "cancelled": 1}
        mem = book.memory("2026-W50")
    made = {}
    for sid, day in visited[1:]:
        made[sid] = max(made.get(sid, day), day)
    assert mem.last_visit == made  # recomputed from the plan, the cancelled visit left out
    assert mem.first_week == date(2026, 11, 30)
    served = {
        str(s.meta["request_id"])
        for s in record.sites
        if "request_id" in s.meta and any(x == s.id for x, _ in visited[1:])
    }
    assert served and set(mem.closed_requests) == served
    assert all(state == "served" for state in mem.closed_requests.values())


# -- rotation and requests over two weeks ----------------------------------------------------------


def test_next_week_rotates_and_never_replans_a_served_request(tmp_path: Path, week49: Path) -> None:
    ledger = tmp_path / "ledger.db"
    assert run("publish", week49, "--ledger", ledger).exit_code == 0
    assert run("ledger", "record", "--ledger", ledger, "--week", "2026-W49").exit_code == 0
    w50 = tmp_path / "w50"
    args = ["plan", QUICK_SCENARIO, "--week", "2026-W50", "--out", w50, "--ledger", ledger]
    result = run(*args, "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED)
    assert result.exit_code == 0, result.output
    a, b = PlanRecord.read(week49), PlanRecord.read(w50)
    assert b.scenario.iso_week == "2026-W50" and b.scenario.ledger == str(ledger)
    served_49 = {s.meta["request_id"] for s in a.sites if "request_id" in s.meta} & {
        a.site(st.site_id).meta.get("request_id") for r in a.routes for st in r.stops
    }
    in_50 = {s.meta.get("request_id") for s in b.sites if "request_id" in s.meta}
    assert served_49 and not served_49 & in_50
    # the run says why, and what the requests file said of them (overdue, a promise) no longer holds
    said = result.output.replace("\n", " ")
    assert "udført ifølge ledgeren; planlægges ikke igen" in said
    assert not [rid for rid in served_49 if f"anmodning {rid!r}" in said]
    assert "hviler i denne uge (score 0)" in said
    towns_a = {st.site_id for r in a.routes for st in r.stops if a.site(st.site_id).kind == "town"}
    towns_b = {st.site_id for r in b.routes for st in r.stops if b.site(st.site_id).kind == "town"}
    # last week's towns rest this week (rotation.min_weeks_between_visits: 2); the others are due
    assert not towns_a & towns_b and len(towns_b) >= len(towns_a) - 3
    for s in b.sites:
        if s.kind == "town":
            waited = s.meta["rotation_weeks_waited"]
            if s.id in towns_a:  # visited last week: rests this week
                assert waited == 1 and s.meta["rotation_resting"] and s.score == 0
            else:
                assert waited == 2 and not s.meta.get("rotation_resting")
    # the same week without the ledger repeats last week's towns
    plain = run(
        "plan",
        QUICK_SCENARIO,
        "--week",
        "2026-W50",
        "--out",
        tmp_path / "plain",
        "--work-limit",
        QUICK_WORK_LIMIT,
        "--seed",
        QUICK_SEED,
        "--quiet",
    )
    assert plain.exit_code == 0
    c = PlanRecord.read(tmp_path / "plain")
    towns_c = {st.site_id for r in c.routes for st in r.stops if c.site(st.site_id).kind == "town"}
    assert len(towns_a & towns_c) > len(towns_a & towns_b)


def test_a_promised_date_is_kept(week49: Path) -> None:
    record = PlanRecord.read(week49)
    promised = [s for s in record.sites if s.meta.get("promised_date")]
    assert {s.meta["request_id"] for s in promised} == {"BEB-2026-0141", "BEB-2026-0143", "BEB-2026-0147"}
    days = {st.site_id: r.date for r in record.routes for st in r.stops}
    for s in promised:
        assert s.mandatory and days.get(s.id) == s.meta["promised_date"], s.name


# -- import --------------------------------------------------------------------------------------


def test_import_reads_the_products_own_visits_csv_and_danish_dates(tmp_path: Path, week49: Path) -> None:
    ledger = tmp_path / "ledger.db"
    result = run("ledger", "import", week49 / "visits.csv", "--ledger", ledger, "--scenario", QUICK_SCENARIO)
    assert result.exit_code == 0, result.output
    record = PlanRecord.read(week49)
    n = sum(len(r.stops) for r in record.routes)
    with open_ledger(ledger) as book:
        visits = book.visits()
    assert len(visits) == n and all(v.state == "made" and v.source == "import" for v in visits)
    assert {(v.site_id, v.kind, v.municipality_code) for v in visits} == {
        (st.site_id, record.site(st.site_id).kind, record.site(st.site_id).municipality_code)
        for r in record.routes
        for st in r.stops
    }
    assert {(v.site_id, v.date.isoformat()) for v in visits} == {
        (st.site_id, r.date) for r in record.routes for st in r.stops
    }
    plain = tmp_path / "past.csv"
    town = next(s.id for s in record.sites if s.kind == "town")
    plain.write_text(f"site_id;date\n{town};01-11-2026\n", encoding="utf-8")
    assert run("ledger", "import", plain, "--ledger", ledger, "--scenario", QUICK_SCENARIO).exit_code == 0
    again = run("ledger", "import", plain, "--ledger", ledger, "--scenario", QUICK_SCENARIO)
    assert again.exit_code == 0 and "0 besøg" in again.output  # importing twice adds nothing
    with open_ledger(ledger) as book:
        assert date(2026, 11, 1) in {v.date for v in book.visits() if v.site_id == town}


def test_import_is_all_or_nothing(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "site_id,date\ntown:nowhere,2026-11-02\ntown:geonames:2624652,2026-13-40\n", encoding="utf-8"
    )
    result = run("ledger", "import", bad, "--ledger", ledger, "--scenario", QUICK_SCENARIO)
    assert result.exit_code == 2
    assert "række 1" in result.output and "town:nowhere" in result.output and "række 2" in result.output
    assert "bad.csv: 3 fejl; intet er importeret" in result.output
    english = run("ledger", "import", bad, "--ledger", ledger, "--scenario", QUICK_SCENARIO, "--lang", "en")
    assert english.exit_code == 2 and "bad.csv: 3 problem(s); nothing imported" in english.output
    with open_ledger(ledger) as book:
        assert book.visits() == []


# -- bad ledgers ---------------------------------------------------------------------------------


def test_bad_ledgers_exit_2_naming_them(tmp_path: Path, week49: Path, pg_server: str) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("ikke en database\n", encoding="utf-8")
    result = run("publish", week49, "--ledger", notes)
    assert result.exit_code == 2 and "notes.txt" in result.output and "ikke en ledger" in result.output
    assert notes.read_text(encoding="utf-8") == "ikke en database\n"

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.geteuid() != 0:  # root may write anywhere; the check is for planners' accounts
            result = run("publish", week49, "--ledger", locked / "l.db")
            assert result.exit_code == 2 and "skrivebeskyttet" in result.output
    finally:
        locked.chmod(0o755)

    newer = tmp_path / "newer.db"
    with open_ledger(newer) as book, book.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    result = run("publish", week49, "--ledger", newer)
    assert result.exit_code == 2 and "nyere end dette program" in result.output
    english = run("publish", week49, "--ledger", newer, "--lang", "en")
    assert english.exit_code == 2 and "newer than this program" in english.output

    port = int(pg_server.rsplit(":", 1)[1])
    dead = f"postgresql://ledger:{PASSWORD}@127.0.0.1:{port + 1 if port < 65535 else port - 1}/x"
    result = run("publish", week49, "--ledger", dead)
    assert result.exit_code == 2 and "svarer ikke" in result.output
    assert PASSWORD not in result.output and "***" in result.output

    wrong = pg_server.replace(PASSWORD, "forkert-kodeord") + "/postgres"
    result = run("requests", "--ledger", wrong)
    assert result.exit_code == 2 and "forkert-kodeord" not in result.output


def test_a_foreign_database_is_not_a_ledger(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE kunder (id INTEGER)")
    with pytest.raises(LedgerError, match="ikke en ledger"):
        open_ledger(db)


# -- migrations ----------------------------------------------------------------------------------


def test_upgrade_from_the_first_schema_keeps_the_data(ledger_url: str, week49: Path) -> None:
    from sqlalchemy import create_engine, inspect

    from mobilstation.ledger.store import Ledger, _url_of

    url, label = _url_of(ledger_url)
    old = Ledger(create_engine(url), label)
    old._migrate("0001")
    with old.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        assert not inspect(conn).has_table("campaign_targets")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO visits (iso_week, site_id, site_name, kind, municipality_code, date, vehicle_id, "
                "state, source) VALUES ('2026-W40', 'town:x', 'X', 'town', '0849', '2026-10-01', '', 'made', "
                "'import')"
            )
        )
    old.close()
    with open_ledger(ledger_url) as book:
        assert book.schema_revision() == "0002"
        assert [(v.site_id, v.date) for v in book.visits()] == [("town:x", date(2026, 10, 1))]
        assert book.campaign_targets() == [] and book.disruptions() == []
        record = PlanRecord.read(week49)
        assert book.publish(record, None).status == "new"


# -- races and kills -----------------------------------------------------------------------------


def _publish_worker(url: str, plan_path: str, drop: bool, barrier: Any, results: Any) -> None:
    record = PlanRecord.read(plan_path)
    if drop:
        record = _other(record)
    book = open_ledger(url)
    barrier.wait()
    try:
        res = book.publish(record, None)
        results.put(("ok", res.revision))
    except LedgerConflict as exc:
        results.put(("conflict", str(exc)))
    finally:
        book.close()


def test_two_publications_at_once_give_one_winner(ledger_url: str, week49: Path) -> None:
    open_ledger(ledger_url).close()  # created before the race, as a shared ledger would be
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_publish_worker, args=(ledger_url, str(week49), drop, barrier, results))
        for drop in (False, True)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert [o[0] for o in outcomes] == ["conflict", "ok"], outcomes
    assert "2026-W49" in outcomes[0][1]
    with open_ledger(ledger_url) as book:
        assert [p.revision for p in book.publications()] == [1]


_KILLED = textwrap.dedent(
    """
    import sys, time
    from mobilstation.ledger import open_ledger
    from mobilstation.ledger.store import Ledger
    from mobilstation.plan import PlanRecord

    original = Ledger._record_requests

    def slow(self, s, record, now):
        original(self, s, record, now)
        s.flush()
        print("inside", flush=True)
        time.sleep(60)

    Ledger._record_requests = slow
    book = open_ledger(sys.argv[1])
    book.publish(PlanRecord.read(sys.argv[2]), None)
    """
)


def test_a_publication_killed_halfway_leaves_the_ledger_as_it_was(ledger_url: str, week49: Path) -> None:
    open_ledger(ledger_url).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED, ledger_url, str(week49)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the week, its visits and requests are written, not committed
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert line.strip() == "inside"
    with open_ledger(ledger_url) as book:
        assert book.publications() == [] and book.visits() == [] and book.requests() == []
        assert book.publish(PlanRecord.read(week49), None).status == "new"  # and it is usable


# -- campaigns -----------------------------------------------------------------------------------


def test_campaign_targets_are_visited_once_and_progress_is_kept(tmp_path: Path, week49: Path) -> None:
    ledger = tmp_path / "ledger.db"
    a = PlanRecord.read(week49)
    shops_a = {
        a.site(st.site_id).meta["target_id"]
        for r in a.routes
        for st in r.stops
        if a.site(st.site_id).meta.get("campaign") == "butikker-hjoerring"
    }
    progress = a.kpis["campaigns"]["butikker-hjoerring"]
    assert progress["total"] == 11 and progress["done_before"] == 0 and progress["planned"] == len(shops_a)
    assert run("publish", week49, "--ledger", ledger).exit_code == 0
    assert run("ledger", "record", "--ledger", ledger, "--week", "2026-W49").exit_code == 0
    with open_ledger(ledger) as book:
        done = {t.target_id for t in book.campaign_targets("butikker-hjoerring") if t.state == "done"}
    assert done == shops_a
    w50 = tmp_path / "w50"
    result = run(
        "plan", QUICK_SCENARIO, "--week", "2026-W50", "--out", w50, "--ledger", ledger,
        "--work-limit", QUICK_WORK_LIMIT, "--seed", QUICK_SEED, "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    b = PlanRecord.read(w50)
    left = {s.meta["target_id"] for s in b.sites if s.meta.get("campaign") == "butikker-hjoerring"}
    assert left and not left & shops_a and len(left) == 11 - len(shops_a)
    assert b.kpis["campaigns"]["butikker-hjoerring"]["done_before"] == len(shops_a)
    index = (w50 / "index.html").read_text(encoding="utf-8")
    done_now = b.kpis["campaigns"]["butikker-hjoerring"]["done"]
    assert f"Butiksbesøg Hjørring: {done_now} af 11, frist uge 3 (2027)" in index


def test_a_bad_campaign_file_is_bad_input(tmp_path: Path) -> None:
    shops = tmp_path / "shops.csv"
    shops.write_text("id,name,lat,lon\nS1,Kiosk,57.46,9.98\nS2,Bager,57.46,nord\n", encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"include: {QUICK_SCENARIO}\ncampaigns:\n  - {{id: butikker, name: Butikker, targets: shops.csv, "
        "deadline_week: 2027-W03}\n",
        encoding="utf-8",
    )
    result = run("validate", scenario)
    assert result.exit_code == 2, result.output
    assert "shops.csv" in result.output and "række 2" in result.output and "lon" in result.output


# -- simulate ------------------------------------------------------------------------------------


def test_simulate_three_weeks_with_and_without_the_ledger(tmp_path: Path) -> None:
    import csv

    from mobilstation.simulate import COLUMNS

    out, ledger = tmp_path / "sim", tmp_path / "sim.db"
    result = run(
        "simulate", QUICK_SCENARIO, "--weeks", 3, "--ledger", ledger, "--out", out,
        "--work-limit", 100, "--seed", 3,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "simulation.csv").open(encoding="utf-8")))
    base = list(csv.DictReader((out / "simulation_uden_ledger.csv").open(encoding="utf-8")))
    assert [r["week"] for r in rows] == ["2026-W49", "2026-W50", "2026-W51"] == [r["week"] for r in base]
    assert list(rows[0]) == list(COLUMNS)
    seen = [int(r["towns_visited_so_far"]) for r in rows]
    assert seen == sorted(seen) and int(rows[-1]["towns_total"]) >= seen[-1]
    # with memory the rotation reaches more towns than the same weeks without it
    assert seen[-1] > int(base[-1]["towns_visited_so_far"])
    assert int(rows[-1]["max_weeks_waiting"]) <= int(base[-1]["max_weeks_waiting"])
    # the figures are recomputed from the written plans
    towns: set[str] = set()
    for week in ("2026-W49", "2026-W50", "2026-W51"):
        plan = PlanRecord.read(out / week)
        towns |= {st.site_id for r in plan.routes for st in r.stops if plan.site(st.site_id).kind == "town"}
    assert len(towns) >= seen[-1]  # cancelled visits on the day count as not made
    assert (out / "coverage.png").read_bytes()[:4] == b"\x89PNG"
    with open_ledger(ledger) as book:
        assert [p.iso_week for p in book.publications()] == ["2026-W49", "2026-W50", "2026-W51"]
    again = run("simulate", QUICK_SCENARIO, "--weeks", 1, "--ledger", ledger, "--out", tmp_path / "x")
    assert again.exit_code == 2 and "allerede offentliggjort" in again.output  # never into a used ledger


def test_simulations_of_several_seeds_run_on_an_existing_dask_scheduler(tmp_path: Path) -> None:
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR) as c:
        result = run(
            "simulate", QUICK_SCENARIO, "--weeks", 1, "--ledger", tmp_path / "sim.db", "--out", tmp_path / "out",
            "--work-limit", 40, "--seeds", "4,5", "--scheduler", c.scheduler_address,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    for seed in (4, 5):
        rows = (tmp_path / "out" / f"seed-{seed}" / "simulation.csv").read_text(encoding="utf-8").splitlines()
        assert len(rows) == 2 and rows[1].startswith("2026-W49,")
        with open_ledger(tmp_path / f"sim-seed-{seed}.db") as book:
            assert [p.iso_week for p in book.publications()] == ["2026-W49"]
    bad = run("simulate", QUICK_SCENARIO, "--weeks", 1, "--ledger", tmp_path / "y.db", "--out", tmp_path / "y",
              "--seeds", "1,2", "--scheduler", "tcp://127.0.0.1:9")  # fmt: skip
    assert bad.exit_code == 2 and "kan ikke forbinde" in bad.output

"""The ledger: open it, publish weeks into it, record what happened, read its memory.

One :class:`Ledger` wraps one database: a SQLite file by default (embedded,
nothing to install or run) or a PostgreSQL server for a district whose
planners share one (``postgresql://user:password@host/db``). The code is the
same for both; only the way a write transaction takes its lock differs.

Why every write is one transaction: a publication touches the week, its
visits and its requests together, and a crew's calendar or next week's
rotation must never see half of it. On SQLite a write transaction starts
with ``BEGIN IMMEDIATE`` (the database is locked for writers from the first
statement, so two publishers are serialised and the second sees the first's
result); on PostgreSQL the unique ``(iso_week, revision)`` key lets exactly
one of two concurrent publications of a week commit, and the other gets
:class:`LedgerConflict`. A process killed mid-publication leaves nothing:
the transaction was never committed.

Opening never guesses: a path that is not a SQLite file, a database with
foreign tables and no ledger schema, a schema newer than this code, and a
server that does not answer are all :class:`~mobilstation.errors.InputError`
(exit 2) naming the path or the URL with its password masked.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, inspect, select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from mobilstation.errors import InputError
from mobilstation.i18n import t
from mobilstation.ledger.schema import (
    SCHEMA_REVISION,
    CampaignTarget,
    Disruption,
    PublishedWeek,
    RequestRow,
    Visit,
)
from mobilstation.plan import PlanRecord

__all__ = [
    "Ledger",
    "LedgerConflict",
    "LedgerError",
    "Memory",
    "PublishResult",
    "check_ledger",
    "iso_week_of",
    "open_ledger",
    "week_monday",
]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_MIGRATIONS = Path(__file__).with_name("migrations")


class LedgerError(InputError):
    """A ledger that cannot be opened or used as asked (exit 2)."""


class LedgerConflict(LedgerError):
    """A publication that would overwrite another without ``--revise``, or lost a race."""


def week_monday(iso_week: str) -> date:
    """Monday of ``"2026-W49"``."""
    year, week = iso_week.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def iso_week_of(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PublishResult:
    """What :meth:`Ledger.publish` did: ``status`` is ``new``, ``revised`` or ``unchanged``."""

    iso_week: str
    revision: int
    status: str
    visits: int


@dataclass
class Memory:
    """What the ledger knows before a week is planned: the input of rotation and request carry-over.

    ``last_visit``: site id -> the last day a visit was made (or published
    and not cancelled) before the week. ``first_week``: Monday of the
    earliest week the ledger knows (rotation counts a never-visited town's
    wait from there). ``made_in_week``: site id -> visits already made in the
    planned ISO week (they use up its weekly maximum). ``closed_requests``:
    request ids served, cancelled, or planned in another published week.
    ``open_requests``: the stored fields of requests still open (or planned
    only in the week being re-planned), to carry over when the requests
    file no longer lists them. ``campaign_done``: campaign -> target ids
    done or planned in another published week.
    """

    last_visit: dict[str, date] = field(default_factory=dict)
    first_week: date | None = None
    made_in_week: dict[str, int] = field(default_factory=dict)
    closed_requests: dict[str, str] = field(default_factory=dict)  # id -> state
    open_requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    campaign_done: dict[str, set[str]] = field(default_factory=dict)
    source: str = ""


# ---------------------------------------------------------------------------
# opening
# ---------------------------------------------------------------------------


def _url_of(target: str | os.PathLike[str]) -> tuple[URL, str]:
    """The SQLAlchemy URL for ``target`` and how to name it in messages (password masked)."""
    raw = os.fspath(target)
    if "://" in raw:
        try:
            url = make_url(raw)
        except ArgumentError:
            raise LedgerError(t("ledger.error.not_url", where=raw.split("@")[-1])) from None
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        if not url.drivername.startswith(("postgresql", "sqlite")):
            raise LedgerError(t("ledger.error.unsupported", where=url.render_as_string(hide_password=True)))
        return url, url.render_as_string(hide_password=True)
    path = Path(raw).expanduser()
    return URL.create("sqlite+pysqlite", database=str(path.resolve())), str(raw)


def _check_sqlite_path(path: Path, label: str, create: bool) -> None:
    if path.exists():
        if not path.is_file():
            raise LedgerError(t("ledger.error.directory", where=label))
        with path.open("rb") as fh:
            head = fh.read(16)
        if head and head != _SQLITE_MAGIC:
            raise LedgerError(t("ledger.error.not_sqlite", where=label))
        if not os.access(path, os.W_OK):
            raise LedgerError(t("ledger.error.not_writable", where=label))
        return
    if not create:
        raise LedgerError(t("ledger.error.none_here", where=label))
    parent = path.resolve().parent
    if not parent.is_dir():
        raise LedgerError(t("ledger.error.no_folder", where=label, folder=parent))
    if not os.access(parent, os.W_OK):
        raise LedgerError(t("ledger.error.folder_not_writable", where=label, folder=parent))


def _masked(message: str, url: URL) -> str:
    if url.password:
        message = message.replace(str(url.password), "***")
    return message.strip().splitlines()[0] if message.strip() else message


def check_ledger(target: str | os.PathLike[str]) -> None:
    """Refuse a ledger target :func:`open_ledger` would refuse, without opening or creating anything.

    ``mobilstation validate`` must not create or upgrade a ledger, yet should
    reject what ``plan`` would: a URL that is not a supported database, a
    SQLite path that is a directory or another kind of file, not writable,
    or in a folder that does not exist. Whether a database server answers
    and the ledger's schema version are known only when it is opened.
    """
    url, label = _url_of(target)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        _check_sqlite_path(Path(url.database), label, create=True)


def open_ledger(target: str | os.PathLike[str], *, create: bool = True) -> Ledger:
    """Open (and, for a new SQLite file, create) the ledger at ``target``.

    ``target``: a file path (SQLite) or a ``postgresql://`` URL. A ledger on
    an older schema is upgraded in place (Alembic); one on a newer schema is
    refused. ``create=False`` refuses to create a new SQLite file (readers
    such as ``mobilstation requests`` should not leave empty ledgers around).
    """
    url, label = _url_of(target)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        _check_sqlite_path(Path(url.database), label, create)
        engine = create_engine(url, connect_args={"timeout": 30})
        _sqlite_immediate(engine)
    else:
        engine = create_engine(url, connect_args={"connect_timeout": 5}, pool_pre_ping=True)
    ledger = Ledger(engine, label)
    try:
        ledger._migrate()
    except OperationalError as exc:
        engine.dispose()
        reason = _masked(str(exc.orig), url)
        raise LedgerError(t("ledger.error.no_answer", where=label, reason=reason)) from None
    except DBAPIError as exc:
        engine.dispose()
        reason = _masked(str(exc.orig), url)
        raise LedgerError(t("ledger.error.unusable", where=label, reason=reason)) from None
    except LedgerError:
        engine.dispose()
        raise
    return ledger


def _sqlite_immediate(engine: Engine) -> None:
    """Let SQLAlchemy own transactions and start each one with ``BEGIN IMMEDIATE`` (one writer at a time)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# ---------------------------------------------------------------------------
# the ledger
# ---------------------------------------------------------------------------


class Ledger:
    """One ledger database; see the module docstring. Use :func:`open_ledger` to get one."""

    def __init__(self, engine: Engine, label: str) -> None:
        self.engine = engine
        self.label = label

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --------------------------------------------------------------
    def _alembic_config(self, connection: Any) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        cfg.attributes["connection"] = connection
        return cfg

    def schema_revision(self) -> str | None:
        """The ledger's Alembic revision (None for an empty database)."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def _migrate(self, revision: str = "head") -> None:
        from alembic import command
        from alembic.script import ScriptDirectory

        with self.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            current = None
            if "alembic_version" in tables:
                current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current is None and tables - {"alembic_version"}:
            listed = ", ".join(sorted(tables)[:5])
            raise LedgerError(t("ledger.error.other_tables", where=self.label, tables=listed))
        with self.engine.begin() as conn:
            cfg = self._alembic_config(conn)
            known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
            if current is not None and current not in known:
                raise LedgerError(
                    t("ledger.error.newer", where=self.label, current=current, known=SCHEMA_REVISION)
                )
            command.upgrade(cfg, revision)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction (locked for writers on SQLite from its first statement)."""
        with Session(self.engine) as session, session.begin():
            yield session

    # -- publishing ----------------------------------------------------------
    def latest(self, iso_week: str) -> PublishedWeek | None:
        """The week's current publication (highest revision), or None."""
        with Session(self.engine) as s:
            return s.scalars(_latest_of(iso_week)).first()

    def latest_plan(self, iso_week: str) -> PlanRecord | None:
        row = self.latest(iso_week)
        return PlanRecord.from_json(row.plan_json) if row is not None else None

    def publications(self) -> list[PublishedWeek]:
        with Session(self.engine) as s:
            return list(
                s.scalars(select(PublishedWeek).order_by(PublishedWeek.iso_week, PublishedWeek.revision))
            )

    def publish(
        self,
        record: PlanRecord,
        scenario: dict[str, Any] | None = None,
        *,
        revise: bool = False,
        note: str = "",
    ) -> PublishResult:
        """Record ``record`` as its week's published plan (see the module docstring).

        The same plan again changes nothing (``unchanged``); another plan for
        a published week needs ``revise`` and becomes the next revision, the
        older ones kept. Raises :class:`LedgerConflict` otherwise, or when a
        concurrent publication of the week committed first.
        """
        plan_json = record.to_json()
        sha = hashlib.sha256(plan_json.encode("utf-8")).hexdigest()
        week = record.scenario.iso_week
        scenario_json = json.dumps(scenario or {}, ensure_ascii=False, sort_keys=True, default=str)
        try:
            with self._write() as s:
                latest = s.scalars(_latest_of(week)).first()
                if latest is not None and latest.plan_sha256 == sha:
                    return PublishResult(week, latest.revision, "unchanged", 0)
                if latest is not None and not revise:
                    raise LedgerConflict(
                        t(
                            "ledger.error.published",
                            where=self.label,
                            week=week,
                            revision=latest.revision,
                            at=f"{latest.published_at:%Y-%m-%d %H:%M}",
                        )
                    )
                now = _now()
                if latest is not None:
                    latest.superseded_at = now
                pub = PublishedWeek(
                    iso_week=week,
                    revision=(latest.revision + 1) if latest is not None else 1,
                    published_at=now,
                    plan_sha256=sha,
                    plan_json=plan_json,
                    scenario_json=scenario_json,
                    scenario_name=record.scenario.name[:200],
                    note=note,
                )
                s.add(pub)
                s.flush()
                n = self._record_visits(s, record, pub)
                self._record_requests(s, record, now)
                self._record_campaigns(s, record, now)
                return PublishResult(week, pub.revision, "revised" if latest is not None else "new", n)
        except IntegrityError:
            raise LedgerConflict(t("ledger.error.raced", where=self.label, week=week)) from None

    def _record_visits(self, s: Session, record: PlanRecord, pub: PublishedWeek) -> int:
        week = record.scenario.iso_week
        s.execute(
            delete(Visit).where(Visit.iso_week == week, Visit.state == "planned", Visit.source == "plan")
        )
        done = {
            (v.site_id, v.date)
            for v in s.scalars(select(Visit).where(Visit.iso_week == week, Visit.state != "planned"))
        }
        sites = {x.id: x for x in record.sites}
        n = 0
        for route in record.routes:
            day = date.fromisoformat(route.date)
            for stop in route.stops:
                if (stop.site_id, day) in done:
                    continue
                site = sites.get(stop.site_id)
                s.add(
                    Visit(
                        iso_week=week,
                        publication_id=pub.id,
                        site_id=stop.site_id,
                        site_name=site.name if site else stop.site_id,
                        kind=site.kind if site else "",
                        municipality_code=site.municipality_code if site else "",
                        date=day,
                        start_min=stop.start,
                        vehicle_id=route.vehicle_id,
                        state="planned",
                        source="plan",
                    )
                )
                n += 1
        return n

    def _record_requests(self, s: Session, record: PlanRecord, now: datetime) -> None:
        week = record.scenario.iso_week
        visit_day = _first_visit_day(record)
        for site in record.sites:
            if site.kind != "request" or "request_id" not in site.meta:
                continue  # campaign targets are kept in their own table
            rid = str(site.meta["request_id"])
            row = s.get(RequestRow, rid)
            if row is None:
                row = RequestRow(id=rid, first_week=week, state="open", updated_at=now)
                s.add(row)
            if row.state in ("served", "cancelled"):
                continue
            row.name = site.name
            row.data_json = json.dumps(_request_data(site), ensure_ascii=False, sort_keys=True)
            dl = site.meta.get("original_deadline")
            row.deadline = date.fromisoformat(dl) if dl else None
            wd = site.meta.get("wanted_date")
            row.wanted_date = date.fromisoformat(wd) if wd else None
            if site.id in visit_day:
                row.state, row.planned_week, row.planned_date = "planned", week, visit_day[site.id]
            elif row.state == "planned" and row.planned_week == week:
                row.state, row.planned_week, row.planned_date = "open", None, None
            row.updated_at = now

    def _record_campaigns(self, s: Session, record: PlanRecord, now: datetime) -> None:
        week = record.scenario.iso_week
        visit_day = _first_visit_day(record)
        for site in record.sites:
            campaign = site.meta.get("campaign")
            if not campaign:
                continue
            tid = str(site.meta.get("target_id") or site.id)
            row = s.scalars(
                select(CampaignTarget).where(
                    CampaignTarget.campaign == campaign, CampaignTarget.target_id == tid
                )
            ).first()
            if row is None:
                row = CampaignTarget(
                    campaign=campaign,
                    target_id=tid,
                    name=site.name,
                    municipality_code=site.municipality_code,
                    deadline_week=str(site.meta.get("deadline_week") or week),
                    state="open",
                    updated_at=now,
                )
                s.add(row)
            if row.state in ("done", "cancelled"):
                continue
            if site.id in visit_day:
                row.state, row.planned_date = "planned", visit_day[site.id]
            elif (
                row.state == "planned"
                and row.planned_date is not None
                and iso_week_of(row.planned_date) == week
            ):
                row.state, row.planned_date = "open", None
            row.updated_at = now

    # -- what happened ---------------------------------------------------------
    def record_outcome(
        self,
        iso_week: str,
        *,
        cancelled: Iterable[tuple[str, date]] = (),
        made: Iterable[tuple[str, date]] | None = None,
        until: date | None = None,
    ) -> dict[str, int]:
        """Mark the week's planned visits as made or cancelled; requests and campaign targets follow.

        ``cancelled``: (site id, date) pairs that did not happen. ``made``:
        the pairs that happened (None: every other planned visit of the week
        on or before ``until``, default the week's Sunday). A served request
        closes; a cancelled visit reopens its request or campaign target.
        Unknown pairs are an error naming them; nothing is written then.
        """
        cancel = {(a, b) for a, b in cancelled}
        until = until or (week_monday(iso_week) + timedelta(days=6))
        counts = {"made": 0, "cancelled": 0}
        with self._write() as s:
            planned = list(
                s.scalars(select(Visit).where(Visit.iso_week == iso_week, Visit.state == "planned"))
            )
            keys = {(v.site_id, v.date) for v in planned}
            wanted_made = None if made is None else {(a, b) for a, b in made}
            unknown = sorted((cancel | (wanted_made or set())) - keys)
            if unknown:
                listed = ", ".join(f"{a} {b.isoformat()}" for a, b in unknown[:5])
                more = t("ledger.error.more", count=len(unknown) - 5) if len(unknown) > 5 else ""
                missing = t("ledger.error.not_planned", where=self.label, week=iso_week, listed=listed)
                raise LedgerError(missing + more)
            now = _now()
            for v in planned:
                key = (v.site_id, v.date)
                if key in cancel:
                    v.state = "cancelled"
                elif (wanted_made is None and v.date <= until) or (
                    wanted_made is not None and key in wanted_made
                ):
                    v.state = "made"
                else:
                    continue
                counts[v.state] += 1
                self._follow_visit(s, v, now)
        return counts

    def _follow_visit(self, s: Session, v: Visit, now: datetime) -> None:
        """A visit made or cancelled: its request is served or reopened, its campaign target likewise."""
        if v.kind == "request":
            for r in s.scalars(select(RequestRow).where(RequestRow.planned_date == v.date)):
                if _request_site_id(r) != v.site_id or r.state != "planned":
                    continue
                if v.state == "made":
                    r.state, r.served_date = "served", v.date
                else:
                    r.state, r.planned_week, r.planned_date = "open", None, None
                r.updated_at = now
        for t in s.scalars(select(CampaignTarget).where(CampaignTarget.planned_date == v.date)):
            if f"campaign:{t.campaign}:{t.target_id}" != v.site_id or t.state != "planned":
                continue
            if v.state == "made":
                t.state, t.done_date = "done", v.date
            else:
                t.state, t.planned_date = "open", None
            t.updated_at = now

    def import_visits(self, rows: list[tuple[int, str, date, dict[str, Any]]], *, source_label: str) -> int:
        """Load past visits (all or nothing): ``(row number, site id, date, extra columns)``.

        Imported visits count as made. A visit already in the ledger (same
        site and date, made) is skipped, so importing a file twice adds
        nothing.
        """
        with self._write() as s:
            have = {(v.site_id, v.date) for v in s.scalars(select(Visit).where(Visit.state == "made"))}
            n = 0
            for _row, site_id, day, extra in rows:
                if (site_id, day) in have:
                    continue
                have.add((site_id, day))
                s.add(
                    Visit(
                        iso_week=iso_week_of(day),
                        publication_id=None,
                        site_id=site_id,
                        site_name=str(extra.get("name", ""))[:300],
                        kind=str(extra.get("kind", "")),
                        municipality_code=str(extra.get("municipality_code", "")),
                        date=day,
                        start_min=extra.get("start_min"),
                        vehicle_id=str(extra.get("vehicle_id", "")),
                        state="made",
                        source="import",
                    )
                )
                n += 1
            return n

    def add_disruption(
        self, iso_week: str, kind: str, subject: str, date_from: date, date_to: date, note: str = ""
    ) -> None:
        with self._write() as s:
            s.add(
                Disruption(
                    iso_week=iso_week,
                    kind=kind,
                    subject=subject,
                    date_from=date_from,
                    date_to=date_to,
                    recorded_at=_now(),
                    note=note,
                )
            )

    # -- reading ---------------------------------------------------------------
    def visits(self, iso_week: str | None = None) -> list[Visit]:
        with Session(self.engine) as s:
            q = select(Visit).order_by(Visit.date, Visit.vehicle_id, Visit.start_min, Visit.site_id)
            if iso_week is not None:
                q = q.where(Visit.iso_week == iso_week)
            return list(s.scalars(q))

    def requests(self) -> list[RequestRow]:
        with Session(self.engine) as s:
            return list(s.scalars(select(RequestRow).order_by(RequestRow.first_week, RequestRow.id)))

    def campaign_targets(self, campaign: str | None = None) -> list[CampaignTarget]:
        with Session(self.engine) as s:
            q = select(CampaignTarget).order_by(CampaignTarget.campaign, CampaignTarget.target_id)
            if campaign is not None:
                q = q.where(CampaignTarget.campaign == campaign)
            return list(s.scalars(q))

    def disruptions(self, iso_week: str | None = None) -> list[Disruption]:
        with Session(self.engine) as s:
            q = select(Disruption).order_by(Disruption.recorded_at, Disruption.id)
            if iso_week is not None:
                q = q.where(Disruption.iso_week == iso_week)
            return list(s.scalars(q))

    def memory(self, iso_week: str) -> Memory:
        """The ledger's knowledge before ``iso_week`` is planned (see :class:`Memory`).

        A published visit before the week that nobody marked made or
        cancelled counts as made: a planner who forgets to record last week
        should not see last week's towns come back as "never visited".
        """
        monday = week_monday(iso_week)
        mem = Memory(source=self.label)
        with Session(self.engine) as s:
            rows = s.execute(
                select(Visit.site_id, func.max(Visit.date))
                .where(Visit.state != "cancelled", Visit.date < monday)
                .group_by(Visit.site_id)
            ).all()
            mem.last_visit = {sid: d for sid, d in rows}
            first_pub = s.scalar(select(func.min(PublishedWeek.iso_week)))
            first_visit = s.scalar(select(func.min(Visit.date)))
            starts = [
                d for d in (week_monday(first_pub) if first_pub else None, first_visit) if d is not None
            ]
            if starts:
                first = min(starts)
                mem.first_week = first - timedelta(days=first.isoweekday() - 1)
            for sid, n in s.execute(
                select(Visit.site_id, func.count())
                .where(Visit.iso_week == iso_week, Visit.state == "made")
                .group_by(Visit.site_id)
            ).all():
                mem.made_in_week[sid] = int(n)
            for r in s.scalars(select(RequestRow)):
                if r.state in ("served", "cancelled") or (
                    r.state == "planned" and r.planned_week != iso_week
                ):
                    mem.closed_requests[r.id] = r.state
                else:
                    mem.open_requests[r.id] = json.loads(r.data_json or "{}")
            for t in s.scalars(select(CampaignTarget)):
                if t.state == "done" or (
                    t.state == "planned"
                    and t.planned_date is not None
                    and iso_week_of(t.planned_date) != iso_week
                ):
                    mem.campaign_done.setdefault(t.campaign, set()).add(t.target_id)
        return mem


def _latest_of(iso_week: str) -> Any:
    """The query for a week's publication with the highest revision."""
    return (
        select(PublishedWeek)
        .where(PublishedWeek.iso_week == iso_week)
        .order_by(PublishedWeek.revision.desc())
        .limit(1)
    )


def _first_visit_day(record: PlanRecord) -> dict[str, date]:
    """Site id -> the first day the plan visits it (routes are in date order)."""
    out: dict[str, date] = {}
    for route in record.routes:
        for stop in route.stops:
            day = date.fromisoformat(route.date)
            if stop.site_id not in out or day < out[stop.site_id]:
                out[stop.site_id] = day
    return out


def _request_data(site: Any) -> dict[str, Any]:
    """The request's fields as a requests file row, to carry it over when the file no longer lists it."""
    meta = site.meta
    window = meta.get("wanted_window")
    return {
        "id": meta.get("request_id") or site.id,
        "type": meta.get("request_type", ""),
        "lat": site.lat,
        "lon": site.lon,
        "window": f"{window[0] // 60:02d}:{window[0] % 60:02d}-{window[1] // 60:02d}:{window[1] % 60:02d}"
        if window
        else "",
        "date": meta.get("wanted_date") or "",
        "deadline": meta.get("original_deadline") or "",
        "name": site.name,
        "note": meta.get("note", ""),
        "site_id": site.id,
    }


def _request_site_id(r: RequestRow) -> str:
    data = json.loads(r.data_json or "{}")
    return str(data.get("site_id") or f"request:{r.id}")

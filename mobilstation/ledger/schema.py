"""The ledger's tables: the one place the schema is described.

The ledger is the district's memory between weeks. Every table is written
only by :mod:`mobilstation.ledger.store`, each call in one transaction.

``published_weeks``
    One row per publication of a week. ``iso_week`` + ``revision`` is unique:
    revision 1 is the first publication, ``publish --revise`` adds n+1 and
    keeps the older rows (``superseded_at`` set). ``plan_json`` is the
    complete plan record, ``scenario_json`` the scenario it was planned
    from (after includes and overrides), ``plan_sha256`` the hash of
    ``plan_json`` that makes publishing the same plan twice a no-op.
``visits``
    Each mobile-station visit of the *current* revision of its week: site,
    date, start (minutes since local midnight), vehicle, municipality, kind
    and ``state``: ``planned`` (published), ``made`` (carried out) or
    ``cancelled``. A revision replaces the week's planned visits; made and
    cancelled ones are history and stay. ``source`` is ``plan`` or
    ``import`` (past visits loaded from a file).
``requests``
    Every citizen request a published plan has seen ("Bestil en betjent"),
    with its fields as read (``data_json``) and its ``state``: ``open``,
    ``planned`` (in a published week, with ``planned_date``), ``served``
    (``served_date``) or ``cancelled``.
``campaign_targets``
    The targets of multi-week campaigns (shops, neighbourhoods), per
    campaign: ``open``, ``planned``, ``done`` (with the date) or
    ``cancelled``; ``deadline_week`` as given by the scenario.
``disruptions``
    Events that change a published week: a vehicle down, a link closed, an
    officer absent, with their period and when they were recorded.

Schema changes go through Alembic revisions in ``migrations/versions``;
:data:`SCHEMA_REVISION` is the newest one this code knows. A ledger whose
revision is newer is refused (exit 2) rather than written by older code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_REVISION = "0002"
"""The newest Alembic revision this code reads and writes."""

VISIT_STATES = ("planned", "made", "cancelled")
REQUEST_STATES = ("open", "planned", "served", "cancelled")
TARGET_STATES = ("open", "planned", "done", "cancelled")


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class PublishedWeek(Base):
    __tablename__ = "published_weeks"
    __table_args__ = (UniqueConstraint("iso_week", "revision", name="uq_published_weeks_week_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    iso_week: Mapped[str] = mapped_column(String(10), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    plan_sha256: Mapped[str] = mapped_column(String(64))
    plan_json: Mapped[str] = mapped_column(Text)
    scenario_json: Mapped[str] = mapped_column(Text)
    scenario_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Visit(Base):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    iso_week: Mapped[str] = mapped_column(String(10), index=True)
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("published_weeks.id"), nullable=True)
    site_id: Mapped[str] = mapped_column(String(200), index=True)
    site_name: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(30), default="")
    municipality_code: Mapped[str] = mapped_column(String(8), default="")
    date: Mapped[date] = mapped_column(Date, index=True)
    start_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vehicle_id: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(12), default="planned")
    source: Mapped[str] = mapped_column(String(12), default="plan")


class RequestRow(Base):
    __tablename__ = "requests"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(12), default="open")
    first_week: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    wanted_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    planned_week: Mapped[str | None] = mapped_column(String(10), nullable=True)
    planned_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    served_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CampaignTarget(Base):
    __tablename__ = "campaign_targets"
    __table_args__ = (UniqueConstraint("campaign", "target_id", name="uq_campaign_targets_campaign_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign: Mapped[str] = mapped_column(String(100), index=True)
    target_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text, default="")
    municipality_code: Mapped[str] = mapped_column(String(8), default="")
    deadline_week: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(12), default="open")
    planned_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Disruption(Base):
    __tablename__ = "disruptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    iso_week: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # vehicle_down | link_closed | officer_absent
    subject: Mapped[str] = mapped_column(String(200))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")

"""The first ledger: published weeks, visits and requests.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_weeks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("iso_week", sa.String(10), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("plan_sha256", sa.String(64), nullable=False),
        sa.Column("plan_json", sa.Text, nullable=False),
        sa.Column("scenario_json", sa.Text, nullable=False),
        sa.Column("scenario_name", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("iso_week", "revision", name="uq_published_weeks_week_revision"),
    )
    op.create_index("ix_published_weeks_iso_week", "published_weeks", ["iso_week"])
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("iso_week", sa.String(10), nullable=False),
        sa.Column(
            "publication_id",
            sa.Integer,
            sa.ForeignKey("published_weeks.id", name="fk_visits_publication_id_published_weeks"),
            nullable=True,
        ),
        sa.Column("site_id", sa.String(200), nullable=False),
        sa.Column("site_name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("municipality_code", sa.String(8), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("start_min", sa.Integer, nullable=True),
        sa.Column("vehicle_id", sa.String(100), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
    )
    op.create_index("ix_visits_iso_week", "visits", ["iso_week"])
    op.create_index("ix_visits_site_id", "visits", ["site_id"])
    op.create_index("ix_visits_date", "visits", ["date"])
    op.create_table(
        "requests",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("first_week", sa.String(10), nullable=False),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("wanted_date", sa.Date, nullable=True),
        sa.Column("planned_week", sa.String(10), nullable=True),
        sa.Column("planned_date", sa.Date, nullable=True),
        sa.Column("served_date", sa.Date, nullable=True),
        sa.Column("data_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("requests")
    op.drop_table("visits")
    op.drop_table("published_weeks")

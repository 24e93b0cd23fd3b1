"""Campaign targets across weeks and disruption events of a published week.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_targets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campaign", sa.String(100), nullable=False),
        sa.Column("target_id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("municipality_code", sa.String(8), nullable=False),
        sa.Column("deadline_week", sa.String(10), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("planned_date", sa.Date, nullable=True),
        sa.Column("done_date", sa.Date, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("campaign", "target_id", name="uq_campaign_targets_campaign_target"),
    )
    op.create_index("ix_campaign_targets_campaign", "campaign_targets", ["campaign"])
    op.create_table(
        "disruptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("iso_week", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("date_from", sa.Date, nullable=False),
        sa.Column("date_to", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_disruptions_iso_week", "disruptions", ["iso_week"])


def downgrade() -> None:
    op.drop_table("disruptions")
    op.drop_table("campaign_targets")

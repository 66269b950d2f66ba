"""incidents (a timer that failed, per instance) and a state digest in each audit event

Revision ID: 0012_incidents
Revises: 0004_joint_links
Create Date: 2026-11-30

``incidents``: an instance whose timer led into a failing step, with the error, the
element, the attempts and the next retry; resolved by a person or by a later success.
``events.state_digest``: the SHA-256 of the instance's stored state after the event, so
`opiflow verify` notices a state edited without a matching event. Older events have none
and are verified as before. (Added with ADD COLUMN, not a table copy, so the events
table and its append-only triggers stay as they are.)
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_incidents"
down_revision = "0004_joint_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("element", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["instances.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incidents_instance_id", "incidents", ["instance_id"])
    op.create_index("ix_incidents_authority_open", "incidents",
                    ["authority_id", "resolved_at"])
    op.add_column("events", sa.Column("state_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_incidents_authority_open", table_name="incidents")
    op.drop_index("ix_incidents_instance_id", table_name="incidents")
    op.drop_table("incidents")
    # a plain DROP COLUMN (SQLite >= 3.35), never a table copy: that would lose the
    # append-only triggers
    op.execute("ALTER TABLE events DROP COLUMN state_digest")

"""audit events name the item of a multi-instance task (the applicant, the bidder), so
the log reads "Vurder egnethed: Alfa Care"

Revision ID: 0015_event_task_item
Revises: 0004_login_attempts
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_event_task_item"
down_revision = "0004_login_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (no table rebuild): the append-only triggers on events stay
    op.add_column("events", sa.Column("task_item", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("task_item")

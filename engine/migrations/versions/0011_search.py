"""procedures can be found by their parties' names and CVR numbers

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedure_facts") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False,
                                   server_default=""))
    op.create_index("ix_open_tasks_due_at", "open_tasks", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_open_tasks_due_at", "open_tasks")
    with op.batch_alter_table("procedure_facts") as batch:
        batch.drop_column("search_text")

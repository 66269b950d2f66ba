"""letters to the participants of a procedure (UBL § 171)

Revision ID: 0015_letters
Revises: 0004_login_attempts
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_letters"
down_revision = "0015_event_task_item"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.String(length=36),
                  sa.ForeignKey("instances.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("addressee", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("dated", sa.String(length=10), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.UniqueConstraint("instance_id", "kind", "batch", "addressee",
                            name="uq_letters_addressee"),
    )
    op.create_index("ix_letters_instance_id", "letters", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_letters_instance_id", table_name="letters")
    op.drop_table("letters")

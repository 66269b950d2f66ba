"""notifications: the in-app inbox (one row per user and subject) and each user's
notification settings

Revision ID: 0013_notifications
Revises: 0012_api_tokens
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_notifications"
down_revision = "0012_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("delivery", sa.String(length=20), nullable=False),
        sa.Column("last_digest_on", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_name", "key", name="uq_notifications_user_key"),
    )
    op.create_index("ix_notifications_user_name", "notifications", ["user_name"])


def downgrade() -> None:
    op.drop_index("ix_notifications_user_name", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("notification_settings")

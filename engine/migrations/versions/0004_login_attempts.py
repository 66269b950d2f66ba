"""wrong passwords counted for the login lockout; web sessions kept server-side

Revision ID: 0004_login_attempts
Revises: 0012_incidents
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_login_attempts"
down_revision = "0012_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failures_user_name", "login_failures", ["user_name"])
    op.create_index("ix_login_failures_address", "login_failures", ["address"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_user_name", "web_sessions", ["user_name"])


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("login_failures")

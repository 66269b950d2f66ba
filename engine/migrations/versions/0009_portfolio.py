"""the portfolio: funding sources, drawdowns, lessons, procedure facts, phase changes

Revision ID: 0009
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authorities") as batch:
        batch.add_column(sa.Column("shares_lessons", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "funding_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.String(36),
                  sa.ForeignKey("instances.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("share", sa.Numeric(6, 2), nullable=True),
        sa.Column("deadline", sa.String(10), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_funding_sources_instance_id", "funding_sources", ["instance_id"])
    op.create_table(
        "drawdowns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.String(36),
                  sa.ForeignKey("instances.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_id", sa.Integer(),
                  sa.ForeignKey("funding_sources.id", ondelete="CASCADE"), nullable=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("phase", sa.String(30), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_drawdowns_instance_id", "drawdowns", ["instance_id"])
    op.create_index("ix_drawdowns_source_id", "drawdowns", ["source_id"])
    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("authority_id", sa.Integer(), sa.ForeignKey("authorities.id"),
                  nullable=False),
        sa.Column("instance_id", sa.String(36),
                  sa.ForeignKey("instances.id", ondelete="SET NULL"), nullable=True),
        sa.Column("phase", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("hard", sa.Text(), nullable=False),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("dear", sa.Text(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_lessons_authority_id", "lessons", ["authority_id"])
    op.create_index("ix_lessons_instance_id", "lessons", ["instance_id"])
    op.create_table(
        "procedure_facts",
        sa.Column("instance_id", sa.String(36),
                  sa.ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("applicants", sa.Integer(), nullable=False),
        sa.Column("bidders", sa.Integer(), nullable=False),
        sa.Column("fees_paid", sa.Numeric(18, 2), nullable=False),
        sa.Column("ceiling", sa.Numeric(18, 2), nullable=False),
        sa.Column("ceiling_used", sa.Numeric(18, 2), nullable=False),
        sa.Column("reached_purchase", sa.Boolean(), nullable=False),
        sa.Column("reached_implementation", sa.Boolean(), nullable=False))
    op.create_index("ix_procedure_facts_authority_id", "procedure_facts", ["authority_id"])
    op.create_table(
        "phase_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.String(36),
                  sa.ForeignKey("instances.id", ondelete="CASCADE"), nullable=False),
        sa.Column("phase", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_phase_changes_instance_id", "phase_changes", ["instance_id"])


def downgrade() -> None:
    for table in ("phase_changes", "procedure_facts", "lessons", "drawdowns",
                  "funding_sources"):
        op.drop_table(table)
    with op.batch_alter_table("authorities") as batch:
        batch.drop_column("shares_lessons")

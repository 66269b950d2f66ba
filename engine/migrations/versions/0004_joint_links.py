"""joint processes: the authorities taking part, the child procurement each started
and the summary the joint page reads

Revision ID: 0004_joint_links
Revises: 0014_webhooks
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_joint_links"
down_revision = "0014_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "joint_parties",
        sa.Column("instance_id", sa.String(length=36),
                  sa.ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("authority_id", sa.Integer(), sa.ForeignKey("authorities.id"),
                  primary_key=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("child_id", sa.String(length=36), sa.ForeignKey("instances.id"),
                  nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_joint_parties_child_id", "joint_parties", ["child_id"])
    op.create_index("ix_joint_parties_authority", "joint_parties", ["authority_id"])
    op.create_table(
        "joint_summaries",
        sa.Column("instance_id", sa.String(length=36),
                  sa.ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("joint_summaries")
    op.drop_index("ix_joint_parties_authority", table_name="joint_parties")
    op.drop_index("ix_joint_parties_child_id", table_name="joint_parties")
    op.drop_table("joint_parties")

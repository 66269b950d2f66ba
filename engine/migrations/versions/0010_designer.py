"""designers: who deployed a version and which authority owns it; drafts with problems

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("model_versions") as batch:
        batch.add_column(sa.Column("deployed_by", sa.String(100), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("authority_id", sa.Integer(),
                                   sa.ForeignKey("authorities.id",
                                                 name="fk_model_versions_authority"),
                                   nullable=True))
    op.create_table(
        "model_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("authority_id", sa.Integer(), sa.ForeignKey("authorities.id"),
                  nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("saved_by", sa.String(100), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_model_drafts_model", "model_drafts", ["model"])


def downgrade() -> None:
    op.drop_table("model_drafts")
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("authority_id")
        batch.drop_column("deployed_by")

"""events are append-only: the database refuses UPDATE and DELETE of audit events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

The hash chain detects a changed record; this guard stops the application (and anyone
using its database account without admin rights) from changing it in the first place.
An administrator who drops the trigger can still edit rows: `opiflow verify` catches that.
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

MESSAGE = "events are append-only: an audit event is never updated or deleted"

SQLITE = [
    f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION opiflow_events_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$""",
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION opiflow_events_append_only()",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS opiflow_events_append_only()")

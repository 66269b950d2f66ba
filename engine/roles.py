"""Two database roles on PostgreSQL: an owner that migrates, an application role that
only reads and writes rows.

The append-only guard on ``events`` is a trigger; only the table's owner (or a
superuser) can drop or disable it, and ``TRUNCATE`` needs its own privilege. So the web
app and the command line run as a role that owns nothing and holds only SELECT, INSERT,
UPDATE and DELETE on the tables it uses, SELECT and INSERT on ``events``, and the
sequences' USAGE. ``opiflow grants ROLE`` prints the statements; the owner runs them
after every ``opiflow init-db`` (a new table needs its grant).
"""
from __future__ import annotations

import re

from .models import Base

APPEND_ONLY = ("events", "letters")  # the record: written once, never changed
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str, database: str) -> list[str]:
    """The SQL (run by the owner) that gives ``role`` what the application needs."""
    for name in (role, database):
        if not NAME.match(name):
            raise ValueError(f"{name!r} is not a plain PostgreSQL name "
                             "(lower-case letters, digits, _)")
    tables = sorted(t for t in Base.metadata.tables if t not in APPEND_ONLY)
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(tables)} TO {role}",
        *[f"GRANT SELECT, INSERT ON {table} TO {role}" for table in APPEND_ONLY],
        f"GRANT SELECT ON alembic_version TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]

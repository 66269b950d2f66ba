"""Fixtures for the audit tests: the fixture models deployed, staff and an auditor, and
a way to switch off the database's append-only guard (as an attacker with database
administrator rights would) to tamper with the record."""
from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import text

from tests.audit import scenarios

SQLITE_GUARD = [
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
]


@pytest.fixture
def deployed(engine):
    scenarios.set_up(engine)
    return engine


@contextlib.contextmanager
def guard_off(engine):
    """A connection on which events can be changed; the guard is back afterwards."""
    sqlite = engine.sql.dialect.name == "sqlite"
    with engine.sql.begin() as conn:
        if sqlite:
            conn.execute(text("DROP TRIGGER events_no_update"))
            conn.execute(text("DROP TRIGGER events_no_delete"))
        else:
            conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
        yield conn
        if sqlite:
            for statement in SQLITE_GUARD:
                conn.execute(text(statement))
        else:
            conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))


@pytest.fixture
def tamper(engine):
    return lambda: guard_off(engine)

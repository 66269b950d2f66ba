"""Fixtures: every database test runs on SQLite and, where reachable, on PostgreSQL.

PostgreSQL is this machine's server (``OPIFLOW_TEST_POSTGRES``, default
postgresql+psycopg://postgres@127.0.0.1:5432/test: the server and a database to connect
to first). The suite creates a database of its own (``opiflow_test_<pid>_<random>``) for
the run and drops it at the end; it never drops or truncates a database it did not
create, so two suites on one machine do not disturb each other. Under CI (``CI=true``)
an unreachable PostgreSQL fails the run instead of skipping it.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.clock import FixedClock
from engine.runtime import Engine

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("OPIFLOW_TEST_POSTGRES",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_ran = {"sqlite": 0, "postgresql": 0}
_pg_ready: bool | None = None
_pg_own: str | None = None  # the URL of the database this run created


def _admin():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 3})


def _postgres_available() -> bool:
    """Create this run's own database once; False when the server is not reachable."""
    global _pg_ready, _pg_own
    if _pg_ready is None:
        name = f"opiflow_test_{os.getpid()}_{secrets.token_hex(4)}"
        try:
            admin = _admin()
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            _pg_own = make_url(PG_URL).set(database=name).render_as_string(
                hide_password=False)
            _pg_ready = True
        except Exception as err:  # any failure to connect means: not reachable
            if os.environ.get("CI") == "true":
                raise RuntimeError(f"PostgreSQL must be reachable in CI: {err}") from err
            _pg_ready = False
    return _pg_ready


_pg_engine: Engine | None = None


def _postgres_url() -> str:
    """This run's database, emptied for the next test (it is ours: we created it)."""
    global _pg_engine
    assert _pg_own is not None
    if _pg_engine is None:
        _pg_engine = Engine(_pg_own)
        _pg_engine.init_db()
    with _pg_engine.sql.begin() as conn:
        tables = ", ".join(_pg_tables(conn))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return _pg_own


def _pg_tables(conn) -> list[str]:
    return [row[0] for row in conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'alembic_version'"))]


def pytest_sessionfinish(session, exitstatus):
    """Drop the database this run created (and only that one)."""
    global _pg_engine
    if _pg_own is None:
        return
    if _pg_engine is not None:
        _pg_engine.sql.dispose()
        _pg_engine = None
    name = make_url(_pg_own).database
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "postgresql":
        if not _postgres_available():
            pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
        url = _postgres_url()
    else:
        url = f"sqlite:///{tmp_path / 'opiflow.db'}"
    _ran[request.param] += 1
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def engine(database_url, clock) -> Engine:
    eng = Engine(database_url, workflows_dir=DATA, clock_fn=clock)
    eng.init_db()
    yield eng
    eng.sql.dispose()


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"database tests set up: sqlite {_ran['sqlite']}, postgresql {_ran['postgresql']}")

"""Fixtures: every database test runs on SQLite and, where reachable, on PostgreSQL.

PostgreSQL is this machine's server (``OPIFLOW_TEST_POSTGRES``, default
postgresql+psycopg://postgres@127.0.0.1:5432/test). Under CI (``CI=true``) an
unreachable PostgreSQL fails the run instead of skipping it.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine.clock import FixedClock
from engine.runtime import Engine

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("OPIFLOW_TEST_POSTGRES",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_ran = {"sqlite": 0, "postgresql": 0}
_pg_ready: bool | None = None


def _postgres_available() -> bool:
    global _pg_ready
    if _pg_ready is None:
        try:
            probe = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with probe.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            probe.dispose()
            _pg_ready = True
        except Exception as err:  # any failure to connect means: not reachable
            if os.environ.get("CI") == "true":
                raise RuntimeError(f"PostgreSQL must be reachable in CI: {err}") from err
            _pg_ready = False
    return _pg_ready


_pg_engine: Engine | None = None


def _postgres_url() -> str:
    global _pg_engine
    if _pg_engine is None:
        _pg_engine = Engine(PG_URL)
        _pg_engine.init_db()
    with _pg_engine.sql.begin() as conn:
        tables = ", ".join(t for t in ("events", "open_tasks", "instances", "model_versions",
                                       "users", "authorities"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return PG_URL


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

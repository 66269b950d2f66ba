"""Database engine setup and the unit of work.

A unit of work owns one session; it rolls back unless ``commit()`` is called, so code
below the edges (a CLI command, a web request, a scheduler job) never commits.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker

from .audit import canonical


def make_sql_engine(url: str) -> SqlEngine:
    """A SQLAlchemy engine for ``url``; creates the SQLite file's folder if needed."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # JSON columns are written in the audit chain's canonical form, so verifying an
    # event can hash its stored text without parsing it (engine/audit.py)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=canonical)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True,
                               json_serializer=canonical)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — anything not committed is rolled back.

    The session exists from the start (it connects only when first used), so
    ``uow.session`` is never None; leaving the ``with`` block rolls back and closes it."""

    def __init__(self, factory: sessionmaker[Session]):
        self.session: Session = factory()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

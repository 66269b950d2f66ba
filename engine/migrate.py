"""Schema migrations with Alembic, run from code (``opiflow init-db``)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine as SqlEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(sql: SqlEngine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection_engine"] = sql
    return cfg


def upgrade(sql: SqlEngine) -> None:
    command.upgrade(alembic_config(sql), "head")

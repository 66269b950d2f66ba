"""On PostgreSQL the application runs as a role that cannot switch off the audit log's
guard (issue 9, defect 9): it owns nothing, so it can neither drop nor disable the
trigger, and it holds no UPDATE, DELETE or TRUNCATE on events. The role is made with
the statements `opiflow grants` prints (docs/audit.md) and works for the engine's verbs."""
from __future__ import annotations

import secrets
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from engine.models import Event
from engine.roles import grant_statements
from engine.runtime import Engine
from tests.conftest import DATA

GUARD_ATTACKS = {
    "drop the trigger": "DROP TRIGGER events_append_only ON events",
    "disable the trigger": "ALTER TABLE events DISABLE TRIGGER events_append_only",
    "disable every trigger": "ALTER TABLE events DISABLE TRIGGER ALL",
    "replace the guard function": "CREATE OR REPLACE FUNCTION opiflow_events_append_only() "
                                  "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; "
                                  "END $$",
    "drop the guard function": "DROP FUNCTION opiflow_events_append_only() CASCADE",
    "skip triggers for the session": "SET session_replication_role = replica",
    "take the table over": "ALTER TABLE events OWNER TO CURRENT_USER",
    "drop the table": "DROP TABLE events",
    "update an event": "UPDATE events SET actor = 'mallory'",
    "delete an event": "DELETE FROM events",
    "truncate the log": "TRUNCATE events",
    "create a table of its own": "CREATE TABLE mine (id int)",
}


@pytest.fixture
def app_role(engine):
    """A fresh application role (roles are cluster-wide: a unique name per run),
    granted what `opiflow grants` prints; dropped afterwards."""
    if engine.sql.dialect.name != "postgresql":
        pytest.skip("database roles are a PostgreSQL matter")
    role = f"opiflow_app_{secrets.token_hex(4)}"
    url = make_url(engine.database_url)
    with engine.sql.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        for statement in grant_statements(role, url.database):
            conn.execute(text(statement))
    app_url = url.set(username=role, password=None).render_as_string(hide_password=False)
    try:
        yield role, app_url
    finally:
        with engine.sql.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE usename = :role"), {"role": role})
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))


def test_the_application_role_runs_the_engine_but_cannot_touch_the_guard(engine, app_role,
                                                                         clock):
    role, app_url = app_role
    app = Engine(app_url, workflows_dir=DATA, clock_fn=clock)
    try:
        app.deploy()  # the verbs work with only these rights
        app.add_user("anna", "Region Hovedstaden", ["Indkøb"])
        iid = app.start("timer", "anna")
        task = app.tasks(instance_id=iid)[0]
        app.claim(task.id, "anna")
        app.complete(task.id, "anna", {"notified": "2026-03-02"})
        assert app.tick(datetime(2026, 3, 20, 9, 0)) == [iid]
        with app.sql.connect() as conn:
            assert conn.scalar(text("SELECT current_user")) == role
            events = conn.scalar(select(func.count()).select_from(Event))
        assert events == 4

        refused = {}
        for what, statement in GUARD_ATTACKS.items():
            with app.sql.connect() as conn:
                with pytest.raises(DBAPIError) as caught:
                    conn.execute(text(statement))
                conn.rollback()
            refused[what] = str(caught.value.orig).splitlines()[0]
        assert all("must be owner" in reason or "permission denied" in reason
                   for reason in refused.values()), refused
    finally:
        app.sql.dispose()

    with engine.sql.connect() as conn:  # as the owner: everything is as it was
        assert conn.scalar(select(func.count()).select_from(Event)) == 4
        enabled = conn.scalar(text("SELECT tgenabled FROM pg_trigger "
                                   "WHERE tgname = 'events_append_only'"))
    assert enabled == "O"  # the trigger is there and enabled
    assert engine.verify(iid).ok


def test_grants_refuses_names_that_are_not_plain():
    with pytest.raises(ValueError):
        grant_statements("app; DROP TABLE events", "opiflow")
    assert any(s == "GRANT SELECT, INSERT ON events TO app" for s in
               grant_statements("app", "opiflow"))
    assert not any("events" in s and "UPDATE" in s for s in grant_statements("app", "db"))



def test_the_grants_command_prints_the_statements(monkeypatch):
    from click.testing import CliRunner

    from engine.cli import main

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://owner@db/opiflow")
    result = CliRunner().invoke(main, ["grants", "opiflow_app"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "GRANT CONNECT ON DATABASE opiflow TO opiflow_app;" in lines
    assert "GRANT SELECT, INSERT ON events TO opiflow_app;" in lines
    assert any(line.startswith("GRANT SELECT, INSERT, UPDATE, DELETE ON ")
               and " incidents," in line and " events" not in line for line in lines)
    refused = CliRunner().invoke(main, ["grants", "Robert'); DROP TABLE events"])
    assert refused.exit_code == 1 and "plain" in refused.stderr

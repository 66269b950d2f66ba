"""The app factory and the timer scheduler's guards."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from webui import create_app, scheduler


def test_factory_defaults_and_test_config(web_engine):
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": web_engine,
                      "OPIFLOW_SESSION_MINUTES": 5})
    assert app.extensions["opiflow"] is web_engine
    assert app.permanent_session_lifetime.total_seconds() == 300
    assert "opiflow_scheduler" not in app.extensions  # never in tests
    assert app.config["OPIFLOW_LANGUAGE"] == "da"
    assert {"auth", "tasks", "instances", "assets"} <= set(app.blueprints)


def test_factory_builds_its_own_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'own.db'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    assert app.extensions["opiflow"].database_url == url


def test_scheduler_guards():
    on = {"OPIFLOW_SCHEDULER": "on"}
    assert scheduler.should_run(on, environ={})
    assert not scheduler.should_run({**on, "TESTING": True}, environ={})
    assert not scheduler.should_run({"OPIFLOW_SCHEDULER": "off"}, environ={})
    assert not scheduler.should_run(on, environ={"FLASK_DEBUG": "1"})  # reloader parent
    assert scheduler.should_run(on, environ={"FLASK_DEBUG": "1", "WERKZEUG_RUN_MAIN": "true"})


def test_only_one_process_holds_the_timer_lock(tmp_path):
    sql = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    first = scheduler.TimerLock(Path(tmp_path / "timers.lock"), sql)
    second = scheduler.TimerLock(Path(tmp_path / "timers.lock"), sql)
    assert first.acquire() and first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_advisory_lock_on_postgresql(tmp_path):
    import pytest

    from .conftest import _web_postgres_url

    url = _web_postgres_url()
    if url is None:
        pytest.skip("PostgreSQL is not reachable")
    sql = create_engine(url)
    first = scheduler.TimerLock(Path(tmp_path / "a.lock"), sql)
    second = scheduler.TimerLock(Path(tmp_path / "b.lock"), sql)  # as if on another host
    assert first.acquire() and not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
    sql.dispose()


def test_tick_job_fires_due_timers(web_engine, clock):
    from datetime import datetime

    from .conftest import run_to

    iid = run_to(web_engine, clock, "award_decision")
    tid = next(t.id for t in web_engine.tasks(instance_id=iid))
    web_engine.complete(tid, "lea", {"award": {"winner": "Sundhed ApS",
                                               "notified": "2026-03-23"}})
    clock.set(datetime(2026, 4, 20, 9, 0))

    class Always:
        def acquire(self):
            return True

    scheduler.tick_job(web_engine, Always())
    assert [t.name for t in web_engine.tasks(instance_id=iid)] == ["sign_contract"]

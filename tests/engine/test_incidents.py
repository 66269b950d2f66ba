"""One failing timer never stops the others (issue 9, defect 1).

An instance whose timer leads into ``1/0`` gets an incident, is retried with back-off a
bounded number of times, and can be retried or resolved by a person in the right group;
every other instance's timer fires on every tick."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import timers
from engine.clock import aware
from engine.errors import Conflict, Forbidden, InvalidData, NotFound

DUE = aware(datetime(2026, 3, 20, 9, 0))  # after every timer below is due


@pytest.fixture
def people(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("lars", "Region Hovedstaden", ["Ledelse"])
    engine.add_user("dora", "Region Hovedstaden", ["designer"])
    engine.add_user("sara", "Region Sjælland", ["Indkøb"])
    engine.add_user("rikke", "Rigsrevisionen", [], audits=["Region Hovedstaden"])
    return engine


def _waiting(engine, model: str) -> str:
    """An instance of ``model`` whose standstill timer is running."""
    iid = engine.start(model, "anna")
    task = engine.tasks(instance_id=iid)[0]
    engine.complete(task.id, "anna", {"notified": "2026-03-02"})
    return iid


def _kinds(engine, iid: str) -> list[str]:
    return [e["kind"] for e in engine.history(iid)]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _incident(engine, iid: str) -> dict:
    [incident] = engine.incidents(instance_id=iid, include_resolved=True)
    return incident


def test_a_poisoned_timer_does_not_stop_three_healthy_ones(people):
    engine = people
    poisoned = _waiting(engine, "timer_failing")  # due first (P1D), fails: 1/0
    healthy = [_waiting(engine, "timer") for _ in range(3)]

    moved = engine.tick(DUE)

    assert sorted(moved) == sorted(healthy)
    for iid in healthy:
        assert [t["name"] for t in engine.show(iid)["open_tasks"]] == ["sign"]
    incident = _incident(engine, poisoned)
    assert incident["open"] and incident["attempts"] == 1
    assert incident["element"] == "compute" and "Beregn" in incident["error"]
    assert "division by zero" in incident["error"]
    retry_at = DUE + timedelta(seconds=60)
    assert _at(incident["next_retry_at"]) == retry_at
    shown = engine.show(poisoned)
    assert _at(shown["next_timer_at"]) == retry_at  # not picked first any more
    assert _kinds(engine, poisoned) == ["started", "completed", "incident"]
    assert engine.verify(poisoned).ok

    # before the back-off: newly due instances fire, the poisoned one is not tried
    later = [_waiting(engine, "timer") for _ in range(2)]
    assert sorted(engine.tick(DUE + timedelta(seconds=30))) == sorted(later)
    assert _incident(engine, poisoned)["attempts"] == 1

    # after the back-off it is tried again (and fails again): the wait doubles
    more = _waiting(engine, "timer")
    assert engine.tick(retry_at + timedelta(seconds=1)) == [more]
    incident = _incident(engine, poisoned)
    assert incident["attempts"] == 2
    assert _at(incident["next_retry_at"]) == retry_at + timedelta(seconds=121)
    assert _kinds(engine, poisoned).count("incident") == 1  # one event per incident


def test_retries_are_bounded_then_it_waits_for_a_person(people, monkeypatch):
    engine = people
    monkeypatch.setenv("OPIFLOW_INCIDENT_RETRIES", "2")
    poisoned = _waiting(engine, "timer_failing")
    at = DUE
    for _ in range(3):
        engine.tick(at)
        at += timedelta(days=1)
    incident = _incident(engine, poisoned)
    assert incident["attempts"] == 3 and incident["next_retry_at"] is None
    assert engine.show(poisoned)["next_timer_at"] is None
    engine.tick(at + timedelta(days=30))
    assert _incident(engine, poisoned)["attempts"] == 3  # nobody tries it by itself


def test_a_person_retries_and_resolves_and_each_act_is_audited(people, clock):
    engine = people
    poisoned = _waiting(engine, "timer_failing")
    engine.tick(DUE)
    incident_id = _incident(engine, poisoned)["id"]
    clock.set(datetime(2026, 3, 21, 10, 0))

    after = engine.retry_incident(incident_id, "anna")
    assert after["open"] and after["attempts"] == 2  # still 1/0: tried at once, failed
    assert _kinds(engine, poisoned)[-1] == "incident_retried"
    assert engine.history(poisoned)[-1]["actor"] == "anna"

    with pytest.raises(InvalidData) as caught:
        engine.resolve_incident(incident_id, "dora", " ")
    assert caught.value.field == "note" and caught.value.hint
    done = engine.resolve_incident(incident_id, "dora", "modellen rettes; proceduren aflyses")
    assert not done["open"] and done["resolved_by"] == "dora"
    assert done["resolution"] == "modellen rettes; proceduren aflyses"
    last = engine.history(poisoned)[-1]
    assert (last["kind"], last["actor"]) == ("incident_resolved", "dora")
    assert engine.incidents(user="anna") == []
    assert [i["id"] for i in engine.incidents(user="anna", include_resolved=True)] == [
        incident_id]
    with pytest.raises(Conflict):
        engine.retry_incident(incident_id, "anna")
    assert engine.verify(poisoned).ok
    from engine.replay import replay

    assert replay(engine, poisoned).identical  # incident events change no workflow state


def test_only_the_right_group_of_the_authority_may_act(people):
    engine = people
    poisoned = _waiting(engine, "timer_failing")
    engine.tick(DUE)
    incident_id = _incident(engine, poisoned)["id"]
    before = _kinds(engine, poisoned)
    with pytest.raises(Forbidden) as caught:
        engine.retry_incident(incident_id, "lars")
    assert caught.value.field == "groups" and "Indkøb" in caught.value.hint
    with pytest.raises(NotFound):
        engine.resolve_incident(incident_id, "sara", "ikke min")
    with pytest.raises(Forbidden) as caught:
        engine.resolve_incident(incident_id, "rikke", "revisor")
    assert "read-only" in str(caught.value)
    with pytest.raises(NotFound):
        engine.retry_incident("12x", "anna")
    engine.add_user("otto", "Rigsrevisionen", [], audits=["Region Sjælland"])
    with pytest.raises(NotFound):  # an auditor of another authority: it does not exist
        engine.retry_incident(incident_id, "otto")
    assert _kinds(engine, poisoned) == before
    assert engine.incidents(user="sara") == []  # another authority sees nothing
    assert [i["id"] for i in engine.incidents(user="rikke")] == [incident_id]  # auditor reads


def test_a_later_success_resolves_the_incident(people, monkeypatch):
    engine = people
    iid = _waiting(engine, "timer")
    real = timers._fire
    failures = []

    def flaky(engine_, s, instance, now):
        if not failures:
            failures.append(instance.id)
            raise RuntimeError("the database connection dropped")
        return real(engine_, s, instance, now)

    monkeypatch.setattr(timers, "_fire", flaky)
    assert engine.tick(DUE) == []
    assert _incident(engine, iid)["error"] == "RuntimeError: the database connection dropped"
    assert engine.tick(DUE + timedelta(minutes=2)) == [iid]
    incident = _incident(engine, iid)
    assert not incident["open"] and incident["resolved_by"] == "system"
    assert _kinds(engine, iid) == ["started", "completed", "incident", "timer_fired"]
    assert engine.verify(iid).ok


def test_the_command_line_lists_retries_and_resolves(database_url, monkeypatch):
    import json

    from click.testing import CliRunner

    from engine.cli import main
    from tests.conftest import DATA

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(DATA))
    runner = CliRunner()

    def run(*args, code=0):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output + result.stderr
        return result

    run("init-db")
    run("deploy")
    run("users", "add", "anna", "--authority", "Region Hovedstaden", "--groups", "Indkøb")
    iid = run("start", "timer_failing", "--as", "anna").output.strip()
    task = json.loads(run("tasks", "--as", "anna", "--json").output)[0]["id"]
    run("complete", task, "--as", "anna", "--data", '{"notified": "2026-03-02"}')
    ticked = run("tick", "--now", "2030-01-01T00:00")
    assert "0 instance(s) moved" in ticked.output
    assert "1 instance(s) with a failed timer" in ticked.stderr
    listed = json.loads(run("incidents", "--as", "anna", "--json", code=1).output)
    assert [(i["instance_id"], i["element"]) for i in listed] == [(iid, "compute")]
    out = run("incidents", "retry", str(listed[0]["id"]), "--as", "anna").output
    assert "still open" in out and "division by zero" in out  # not due yet by the clock
    refused = run("incidents", "resolve", str(listed[0]["id"]), "--as", "anna", "--note", "",
                  code=1)
    assert refused.stderr.startswith("error: ") and "note" in refused.stderr
    run("incidents", "resolve", str(listed[0]["id"]), "--as", "anna", "--note", "aflyses")
    assert "no incidents" in run("incidents").output


def test_a_save_the_database_refuses_is_an_incident_too(people, monkeypatch):
    """E.g. data PostgreSQL refuses in JSON: the commit fails, not the step."""
    from sqlalchemy.exc import DataError

    engine = people
    iid = _waiting(engine, "timer")
    other = _waiting(engine, "timer")
    from engine import store

    real = store.commit
    refused = []

    def commit(uow):
        if not refused:
            refused.append(True)
            raise DataError("INSERT ...", {}, Exception("invalid input syntax for type json"))
        return real(uow)

    monkeypatch.setattr(store, "commit", commit)
    moved = engine.tick(DUE)
    [failed] = {iid, other} - set(moved)
    assert len(moved) == 1
    incident = _incident(engine, failed)
    assert incident["open"] and "DataError" in incident["error"]
    assert _kinds(engine, failed) == ["started", "completed", "incident"]


def test_concurrent_tickers_record_one_incident_and_fire_the_rest_once(people):
    import threading

    engine = people
    poisoned = _waiting(engine, "timer_failing")
    healthy = [_waiting(engine, "timer") for _ in range(6)]
    barrier = threading.Barrier(3)
    moved: list[str] = []
    lock = threading.Lock()

    def tick() -> None:
        barrier.wait()
        fired = engine.tick(DUE)
        with lock:
            moved.extend(fired)

    threads = [threading.Thread(target=tick) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(moved) == sorted(healthy)
    for iid in healthy:
        assert _kinds(engine, iid).count("timer_fired") == 1
    assert _kinds(engine, poisoned).count("incident") == 1
    assert _incident(engine, poisoned)["attempts"] == 1


def test_the_back_off_holds_when_the_timer_is_put_back(people):
    """A task completed in the instance recomputes its next timer (in the past): the
    open incident's back-off still decides when it is tried again."""
    from sqlalchemy import update

    from engine.models import Instance

    engine = people
    poisoned = _waiting(engine, "timer_failing")
    engine.tick(DUE)
    with engine.sql.begin() as conn:
        conn.execute(update(Instance).where(Instance.id == poisoned)
                     .values(next_timer_at=DUE - timedelta(days=10)))
    healthy = _waiting(engine, "timer")
    assert engine.tick(DUE + timedelta(seconds=30)) == [healthy]
    assert _incident(engine, poisoned)["attempts"] == 1
    engine.tick(DUE + timedelta(seconds=61))
    assert _incident(engine, poisoned)["attempts"] == 2

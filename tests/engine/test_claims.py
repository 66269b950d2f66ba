"""Claims and completions compare the open-task row itself (issue 9, defect 4).

A claim race has exactly one winner and one "claimed" event; a task claimed by one
person cannot be completed by another, even when they read the task just before it
was claimed."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine import store
from engine.errors import Conflict, Forbidden
from engine.models import Event, OpenTask
from tests.helpers import dump

PEOPLE = ("anna", "bo", "cai", "dan", "eli", "fie")


@pytest.fixture
def ready(engine):
    engine.deploy()
    for name in PEOPLE:
        engine.add_user(name, "Region Hovedstaden", ["Indkøb"])
    iid = engine.start("purchase_request", "anna")
    return engine, iid, engine.tasks(user="anna")[0].id


def _events(engine, iid: str, kind: str) -> int:
    with engine.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Event).where(
            Event.instance_id == iid, Event.kind == kind))


def _assignee(engine, task_id: str) -> str | None:
    with engine.uow() as uow:
        return uow.session.scalar(select(OpenTask.assignee).where(OpenTask.id == task_id))


def _between_row_and_instance(engine, monkeypatch, action):
    """Run ``action`` (to completion, in another thread) right after the verb has read
    the open-task row and before it reads the instance: the stale-read window."""
    original = store.instance
    fired = []

    def instance(s, instance_id):
        if not fired:
            fired.append(True)
            thread = threading.Thread(target=action)
            thread.start()
            thread.join()
        return original(s, instance_id)

    monkeypatch.setattr(store, "instance", instance)


def test_threads_racing_to_claim_have_one_winner_and_one_event(ready):
    engine, iid, task = ready
    barrier = threading.Barrier(len(PEOPLE))
    outcomes: dict[str, str] = {}
    lock = threading.Lock()

    def claim(name: str) -> None:
        barrier.wait()
        try:
            engine.claim(task, name)
            result = "ok"
        except Conflict as err:
            result = f"conflict {err.field}: {err.message}"
        with lock:
            outcomes[name] = result

    threads = [threading.Thread(target=claim, args=(name,)) for name in PEOPLE]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, result in outcomes.items() if result == "ok"]
    assert len(winners) == 1, outcomes
    assert len(outcomes) == len(PEOPLE)  # every loser got a Conflict, nothing else
    assert _assignee(engine, task) == winners[0]
    assert _events(engine, iid, "claimed") == 1
    assert engine.verify(iid).ok


def test_a_claim_between_reading_the_task_and_the_instance_loses(ready, monkeypatch):
    engine, iid, task = ready
    _between_row_and_instance(engine, monkeypatch, lambda: engine.claim(task, "bo"))
    with pytest.raises(Conflict) as caught:
        engine.claim(task, "anna")
    assert caught.value.field == "assignee"
    assert "claimed by bo" in caught.value.message and caught.value.hint
    assert _assignee(engine, task) == "bo"
    assert _events(engine, iid, "claimed") == 1
    assert [e["kind"] for e in engine.history(iid)] == ["started", "claimed"]


def test_a_task_claimed_while_someone_completes_it_is_refused(ready, monkeypatch):
    engine, iid, task = ready
    _between_row_and_instance(engine, monkeypatch, lambda: engine.claim(task, "bo"))
    with pytest.raises(Forbidden) as caught:
        engine.complete(task, "anna", {"item": "stol", "amount": 1200})
    assert caught.value.field == "assignee"
    assert "claimed by bo" in caught.value.message
    assert "bo" in caught.value.hint and "unclaim" in caught.value.hint
    assert _assignee(engine, task) == "bo"
    assert _events(engine, iid, "completed") == 0
    engine.complete(task, "bo", {"item": "stol", "amount": 1200})  # the holder can
    assert _events(engine, iid, "completed") == 1


def test_claimed_then_another_completes_is_refused_and_changes_nothing(ready):
    engine, iid, task = ready
    engine.claim(task, "anna")
    before = dump(engine)
    with pytest.raises(Forbidden) as caught:
        engine.complete(task, "bo", {"item": "stol", "amount": 1200})
    assert caught.value.field == "assignee" and "anna" in caught.value.hint
    assert dump(engine) == before


def test_claiming_twice_at_once_by_one_person_logs_one_event(ready, monkeypatch):
    engine, iid, task = ready
    _between_row_and_instance(engine, monkeypatch, lambda: engine.claim(task, "anna"))
    with pytest.raises(Conflict):
        engine.claim(task, "anna")
    assert _assignee(engine, task) == "anna"
    assert _events(engine, iid, "claimed") == 1

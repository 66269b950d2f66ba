"""Twenty people submit the same task at the same moment: exactly one wins."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.errors import Conflict, NotFound
from engine.models import Event


def test_twenty_threads_complete_one_task_exactly_once(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    iid = engine.start("purchase_request", "anna")
    task = engine.tasks(user="anna")[0]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(n: int) -> None:
        barrier.wait()
        try:
            engine.complete(task.id, "anna", {"item": f"vare {n}", "amount": 1000 + n})
            result = "ok"
        except (Conflict, NotFound) as err:
            # lost the race: either the row moved on, or the task is already gone
            result = f"conflict: {err.message}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("ok") == 1, outcomes
    assert len(outcomes) == 20
    assert all(o.startswith("conflict: ") for o in outcomes if o != "ok")
    with engine.uow() as uow:
        completed = uow.session.scalar(select(func.count()).select_from(Event).where(
            Event.instance_id == iid, Event.kind == "completed"))
    assert completed == 1
    shown = engine.show(iid)
    assert shown["status"] == "completed" and shown["events"] == 2
    assert engine.verify(iid).ok


def test_concurrent_ticks_fire_each_timer_once(engine):
    from datetime import datetime

    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    ids = []
    for _ in range(8):
        iid = engine.start("timer", "anna")
        task = engine.tasks(instance_id=iid)[0]
        engine.complete(task.id, "anna", {"notified": "2026-03-02"})
        ids.append(iid)
    barrier = threading.Barrier(4)
    moved: list[str] = []
    lock = threading.Lock()

    def tick() -> None:
        barrier.wait()
        fired = engine.tick(datetime(2026, 3, 20, 9, 0))
        with lock:
            moved.extend(fired)

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(moved) == sorted(ids)
    for iid in ids:
        kinds = [e["kind"] for e in engine.history(iid)]
        assert kinds.count("timer_fired") == 1
        assert [t["name"] for t in engine.show(iid)["open_tasks"]] == ["sign"]


def _racing(monkeypatch, module, name: str, other) -> None:
    """Make ``module.name`` run ``other()`` (another process's unit of work, committed)
    after it has looked at the database and before this one commits."""
    original = getattr(module, name)
    raced_once: list[bool] = []

    def raced(*args, **kwargs):
        result = original(*args, **kwargs)
        if not raced_once:  # the other call goes through here too: it does not race
            raced_once.append(True)
            other()
        return result

    monkeypatch.setattr(module, name, raced)


def test_two_deploys_at_the_same_time_give_a_conflict_and_deploy_once(engine, monkeypatch):
    import pytest

    from engine import versions
    from engine.models import ModelVersion
    from engine.runtime import Engine
    from tests.conftest import DATA
    from tests.helpers import dump

    other = Engine(engine.database_url, workflows_dir=DATA, clock_fn=engine.clock)
    _racing(monkeypatch, versions, "deploy", lambda: Engine.deploy(other))
    with pytest.raises(Conflict) as refused:
        engine.deploy()
    assert refused.value.hint == "reload and try again"
    monkeypatch.undo()
    before = dump(engine)
    assert {d.created for d in engine.deploy()} == {False}  # the other deploy holds all
    assert dump(engine) == before
    with engine.uow() as uow:
        count = uow.session.scalar(select(func.count()).select_from(ModelVersion))
    assert count == len(list(DATA.glob("*/*.bpmn"))) - 1  # sub_review is called, no model
    other.sql.dispose()


"""A stored state holds what the future needs, not the history: it stays small however
many rounds a loop has run, and replay and verify stay exact (engine/pruning.py)."""
from __future__ import annotations

import json

import pytest

from engine import replay
from engine import workflow as wfl
from engine.models import Instance
from tests.conftest import DATA
from tests.helpers import ColdEngine


@pytest.fixture
def deployed(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    return engine


def stored(engine, iid: str) -> str:
    with engine.uow() as uow:
        return uow.session.get(Instance, iid).state


def rounds(engine, iid: str, count: int) -> None:
    for _ in range(count):
        (task,) = engine.tasks(instance_id=iid)
        engine.complete(task.id, "anna", {"done": False})


def exact(engine, iid: str) -> None:
    report = replay.replay(engine, iid)
    assert report.identical, report.lines()
    assert report.state_checked and report.chain.ok
    assert engine.verify(iid).ok


def test_a_standard_loop_of_2000_rounds_keeps_its_state_small(deployed):
    iid = deployed.start("rounds", "anna")
    rounds(deployed, iid, 10)
    after_10 = len(stored(deployed, iid))
    rounds(deployed, iid, 1990)
    after_2000 = len(stored(deployed, iid))
    assert after_2000 <= 2 * after_10, (after_10, after_2000)
    state = json.loads(stored(deployed, iid))
    assert "spec" not in state  # the spec is stored by reference (model, version)
    assert state["opiflow_pruned"]["round [child]"] == {"COMPLETED": 1999}
    # the snapshot still counts every completed round, as the audit log recorded it
    events = replay.load(deployed, iid).events
    assert events[-1].snapshot["tasks"]["round [child]"] == {"COMPLETED": 2000, "READY": 1}
    cold = ColdEngine(deployed)
    (task,) = cold.tasks(instance_id=iid)
    cold.complete(task.id, "anna", {"done": True, "items": ["x", "y"]})
    for item in ("x", "y"):
        (task,) = cold.tasks(instance_id=iid)
        assert (task.name, task.item) == ("review [child]", item)
        cold.complete(task.id, "anna", {"verdict": f"ok {item}"})
    shown = cold.show(iid)
    assert shown["status"] == "completed", shown["open_tasks"]
    assert shown["data"]["reviewed"] == ["ok x", "ok y"]
    assert len(deployed.history(iid)) == 1 + 2001 + 2
    exact(cold, iid)


def test_a_scripted_loop_of_2000_rounds_keeps_its_state_small(deployed):
    small = deployed.start("loop", "anna", {"target": 10})
    large = deployed.start("loop", "anna", {"target": 2000})
    assert len(stored(deployed, large)) <= 2 * len(stored(deployed, small))
    cold = ColdEngine(deployed)
    assert cold.show(large)["data"]["rounds"] == 2000
    (task,) = cold.tasks(instance_id=large)
    cold.complete(task.id, "anna", {"ok": True})
    assert cold.show(large)["status"] == "completed"
    exact(cold, large)


def test_a_pruned_state_reads_like_the_whole_one(deployed, clock):
    """Loaded from the stored (pruned) state, the workflow has the snapshot and data of
    the same steps run in memory, where nothing is pruned."""
    from tests.helpers import in_memory

    iid = deployed.start("rounds", "anna")
    rounds(deployed, iid, 30)
    (task,) = deployed.tasks(instance_id=iid)
    deployed.complete(task.id, "anna", {"done": True, "items": ["x", "y", "z"]})
    (task,) = deployed.tasks(instance_id=iid)
    deployed.complete(task.id, "anna", {"verdict": "ok x"})
    steps = [("round [child]", {"done": False})] * 30 + [
        ("round [child]", {"done": True, "items": ["x", "y", "z"]}),
        ("review [child]", {"verdict": "ok x"})]
    reference = in_memory(DATA / "rounds", "rounds", {}, steps, deployed.script_engine,
                          clock())
    loaded = wfl.loads(stored(deployed, iid), deployed.script_engine, deployed.registry)
    assert len(loaded.tasks) < len(reference.tasks)
    assert wfl.snapshot(loaded) == wfl.snapshot(reference)
    assert wfl.current_data(loaded) == wfl.current_data(reference)
    loop = next(t for t in loaded.tasks.values() if t.task_spec.name == "round")
    assert len(loop.internal_data["merged"]) == 31  # SpiffWorkflow counts the rounds


def test_an_embedded_spec_from_an_earlier_release_still_loads_and_is_pruned_on_save(
        deployed):
    """States written before the spec was stored by reference keep loading; the next
    save stores them by reference and pruned."""
    from engine.models import Instance

    iid = deployed.start("rounds", "anna")
    rounds(deployed, iid, 5)
    state = json.loads(stored(deployed, iid))
    parsed = deployed.registry.get("rounds", state["opiflow_model_version"][1])
    state["spec"] = wfl.SERIALIZER.registry.convert(parsed.spec)  # as earlier releases
    state["subprocess_specs"] = {}
    version = state.pop("opiflow_model_version")  # SpiffWorkflow alone reads it too:
    loaded = wfl.loads(json.dumps(state), deployed.script_engine)  # no registry at all
    state["opiflow_model_version"] = version
    with deployed.uow() as uow:
        uow.session.get(Instance, iid).state = json.dumps(state)
        uow.commit()
    assert wfl.snapshot(loaded)["tasks"]["round [child]"] == {"COMPLETED": 5, "READY": 1}
    cold = ColdEngine(deployed)
    (task,) = cold.tasks(instance_id=iid)
    cold.complete(task.id, "anna", {"done": False})
    again = json.loads(stored(deployed, iid))
    assert "spec" not in again and again["opiflow_pruned"]["round [child]"] == {
        "COMPLETED": 5}
    exact(cold, iid)


def test_a_state_by_reference_needs_its_model_version(deployed):
    from engine.errors import NotFound
    from engine.registry import ModelRegistry

    iid = deployed.start("rounds", "anna")
    with pytest.raises(NotFound, match="not loaded") as err:
        wfl.loads(stored(deployed, iid), deployed.script_engine, ModelRegistry())
    assert "engine" in err.value.hint


def test_the_purchase_contract_keeps_its_state_small_over_many_call_offs(engine, clock):
    """The real model: each call-off is an iteration of a loop over an embedded
    sub-process; a finished one leaves the stored state (its data lives on in call_offs
    and in the audit log)."""
    from datetime import date, timedelta

    from tests.test_innovation_partnership import Scenario

    s = Scenario(engine, clock)
    s.to_development()
    for _ in range(4):
        s.phase("approve")
    s.do("Beslut købsoption", "lea", {"performance_met": True, "offered_price": 180_000_000})
    first = date(2027, 6, 1)
    sizes = {}
    for n in range(1, 61):
        s.call_off(100_000, str(first + timedelta(days=n)))
        if n in (10, 60):
            sizes[n] = len(stored(engine, s.iid))
    assert sizes[60] <= 2 * sizes[10], sizes
    cold = ColdEngine(engine)
    (task,) = [t for t in cold.tasks(instance_id=s.iid) if t.title == "Registrer afkald"]
    s.at("2027-08-15")
    cold.complete(task.id, "ida", {"call_off_amount": 100_000, "call_off_date": "2027-08-15",
                                   "call_off_description": "Den sidste",
                                   "contract_closed": True})
    shown = cold.show(s.iid)
    assert shown["status"] == "completed"
    assert len(shown["data"]["call_offs"]) == 61
    assert shown["data"]["call_offs"][-1]["description"] == "Den sidste"
    exact(cold, s.iid)

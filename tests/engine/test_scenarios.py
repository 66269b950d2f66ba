"""Scenarios through the engine on every fixture model, each compared with a reference
run of the same steps that never leaves memory (so serialize/deserialize between steps
changes nothing)."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine import workflow as wfl
from engine.clock import aware
from tests.conftest import DATA
from tests.helpers import complete_next, in_memory


@pytest.fixture
def deployed(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("lars", "Region Hovedstaden", ["Ledelse", "Evaluering", "Jura"])
    return engine


def _stored_workflow(engine, instance_id):
    from engine.models import Instance

    with engine.uow() as uow:
        return wfl.loads(uow.session.get(Instance, instance_id).state, engine.script_engine,
                         engine.registry)


def _same_as_reference(engine, instance_id, model, start, steps, clock):
    stored = _stored_workflow(engine, instance_id)
    reference = in_memory(DATA / model, model, start, steps, engine.script_engine, clock())
    assert wfl.snapshot(stored) == wfl.snapshot(reference)
    assert wfl.current_data(stored) == wfl.current_data(reference)


@pytest.mark.parametrize("amount, category, status, open_spec", [
    (250000, "large", "running", "approve"),
    (5000, "small", "completed", None),
])
def test_lanes_dmn_script_and_gateway(deployed, clock, amount, category, status, open_spec):
    iid = deployed.start("purchase_request", "anna", {"title": "Robotter"})
    register = deployed.tasks(user="anna")[0]
    assert (register.lane, register.due_at.date().isoformat()) == ("Indkøb", "2027-01-15")
    complete_next(deployed, "anna", "register", {"item": "Robot", "amount": amount})
    shown = deployed.show(iid)
    assert shown["data"]["category"] == category           # the DMN decided
    assert shown["data"]["amount_with_vat"] == amount * 1.25  # the script ran
    assert shown["status"] == status                        # the gateway chose
    assert [t["name"] for t in shown["open_tasks"]] == ([open_spec] if open_spec else [])
    if open_spec:
        assert deployed.tasks(user="anna") == []            # not anna's lane
        assert deployed.tasks(user="lars")[0].lane == "Ledelse"
    _same_as_reference(deployed, iid, "purchase_request", {"title": "Robotter"},
                       [("register", {"item": "Robot", "amount": amount})], clock)


def test_parallel_multi_instance_keys_results_by_item(deployed, clock):
    applicants = [{"name": n} for n in ("A", "B", "C", "D")]
    iid = deployed.start("assessments", "anna", {"applicants": applicants})
    tasks = deployed.tasks(user="lars", instance_id=iid)
    assert sorted(t.item for t in tasks) == ["A", "B", "C", "D"]  # whose task it is
    for task in reversed(tasks):  # complete out of order
        name = deployed.task_form(task.id, "lars")["data"]["applicant"]["name"]
        deployed.complete(task.id, "lars", {"assessment": {"name": name,
                                                           "qualified": name != "B"}})
    shown = deployed.show(iid)
    assert shown["status"] == "completed"
    assert shown["data"]["qualified"] == ["A", "C", "D"]


def test_an_untitled_instance_is_named_after_its_need(deployed, tmp_path):
    import shutil

    folder = tmp_path / "purchase_request"
    shutil.copytree(DATA / "purchase_request", folder)
    form = folder / "forms" / "register.schema.json"
    form.write_text(form.read_text().replace('"item": {', '"need": {"type": "string"},\n"item": {'))
    deployed.deploy(folder)
    iid = deployed.start("purchase_request", "anna")
    assert deployed.show(iid)["title"] == f"purchase_request {iid[:8]}"
    complete_next(deployed, "anna", "register", {"item": "Robot", "amount": 10,
                                                 "need": "Færre fald\nmere tekst"})
    assert deployed.show(iid)["title"] == "Færre fald"


def test_call_activity_runs_the_called_process(deployed, clock):
    iid = deployed.start("caller", "anna")
    complete_next(deployed, "lars", "review", {"comment": "i orden"})
    complete_next(deployed, "anna", "after", {"ok": True})
    shown = deployed.show(iid)
    assert shown["status"] == "completed"
    assert shown["data"]["reviewed"] is True and shown["data"]["comment"] == "i orden"


def test_timer_fires_on_the_injected_clock_only(deployed, clock):
    iid = deployed.start("timer", "anna")
    complete_next(deployed, "anna", "notify", {"notified": "2026-03-02"})
    due = aware(datetime(2026, 3, 12, 9, 0))
    assert datetime.fromisoformat(deployed.show(iid)["next_timer_at"]) == due
    assert deployed.tick(datetime(2026, 3, 12, 8, 59)) == []      # not yet due
    assert deployed.show(iid)["open_tasks"] == []
    assert deployed.tick(datetime(2026, 3, 12, 9, 1)) == [iid]     # due: fires once
    assert deployed.tick(datetime(2026, 3, 12, 9, 2)) == []
    assert [t["name"] for t in deployed.show(iid)["open_tasks"]] == ["sign"]
    history = deployed.history(iid)
    assert [e["kind"] for e in history] == ["started", "completed", "timer_fired"]
    assert history[-1]["actor"] == "system"


def test_a_loop_of_500_rounds_completes(deployed, clock):
    iid = deployed.start("loop", "anna", {"target": 500})
    shown = deployed.show(iid)
    assert shown["data"]["rounds"] == 500
    assert [t["name"] for t in shown["open_tasks"]] == ["check"]
    complete_next(deployed, "anna", "check", {"ok": True})
    assert deployed.show(iid)["status"] == "completed"
    _same_as_reference(deployed, iid, "loop", {"target": 500}, [("check", {"ok": True})], clock)


def test_instance_stays_on_its_version_when_a_new_one_is_deployed(deployed, tmp_path):
    import shutil

    iid = deployed.start("timer", "anna")
    old_version = deployed.show(iid)["version"]
    copy = tmp_path / "timer"
    shutil.copytree(DATA / "timer", copy)
    bpmn = copy / "timer.bpmn"
    bpmn.write_text(bpmn.read_text().replace('"P10D"', '"P15D"'))
    (result,) = deployed.deploy(copy)
    assert result.created and result.version != old_version
    assert deployed.deploy(copy)[0].created is False          # unchanged: no new version
    assert deployed.show(iid)["version"] == old_version       # pinned
    complete_next(deployed, "anna", "notify", {"notified": "2026-03-02"})
    assert deployed.show(iid)["next_timer_at"].startswith("2026-03-12")  # still P10D
    new = deployed.start("timer", "anna")
    assert deployed.show(new)["version"] == result.version


def test_call_activity_matches_the_in_memory_run(deployed, clock):
    iid = deployed.start("caller", "anna")
    complete_next(deployed, "lars", "review", {"comment": "ok"})
    complete_next(deployed, "anna", "after", {"ok": True})
    _same_as_reference(deployed, iid, "caller", {}, [("review", {"comment": "ok"}),
                                                     ("after", {"ok": True})], clock)


def test_a_frozen_payload_from_an_earlier_release_still_loads(engine):
    """State written by an earlier opiflow must keep loading (SpiffWorkflow migrates it)."""
    frozen = (DATA / "frozen" / "timer_waiting.json").read_text()
    wf = wfl.loads(frozen, engine.script_engine)
    assert wfl.next_timer(wf).isoformat() == "2026-03-12T08:00:00+00:00"
    assert wfl.current_data(wf) == {"notified": "2026-03-02"}

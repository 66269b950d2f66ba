"""Bad input gets a clear error and changes nothing."""
from __future__ import annotations

import shutil

import pytest

from engine.errors import (
    Conflict,
    Forbidden,
    InvalidData,
    ModelError,
    NotFound,
    RuleViolation,
    ScriptError,
)
from tests.conftest import DATA
from tests.helpers import dump


@pytest.fixture
def ready(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("bo", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("lars", "Region Hovedstaden", ["Ledelse"])
    engine.add_user("sara", "Region Sjælland", ["Indkøb"])
    iid = engine.start("purchase_request", "anna")
    return engine, iid, engine.tasks(user="anna")[0].id


def _refused(engine, error, action, *words):
    before = dump(engine)
    with pytest.raises(error) as caught:
        action()
    assert dump(engine) == before, "a refusal changed the database"
    text = str(caught.value)
    for word in words:
        assert word in text, text
    assert caught.value.hint, "every refusal says what to do"
    return caught.value


def test_unknown_task_instance_model_and_user(ready):
    engine, iid, task = ready
    _refused(engine, NotFound, lambda: engine.complete("nope", "anna", {}), "no open task")
    _refused(engine, NotFound, lambda: engine.show("nope"), "no instance")
    _refused(engine, NotFound, lambda: engine.start("nope", "anna"), "no process model")
    _refused(engine, NotFound, lambda: engine.claim(task, "ghost"), "no user")


def test_wrong_lane_and_other_authority(ready):
    engine, iid, task = ready
    _refused(engine, Forbidden, lambda: engine.complete(task, "lars", {"item": "x", "amount": 1}),
             "Indkøb", "lars")
    _refused(engine, Forbidden, lambda: engine.claim(task, "lars"), "Indkøb")
    # another authority's instance does not exist for them
    _refused(engine, NotFound, lambda: engine.complete(task, "sara", {"item": "x", "amount": 1}))
    _refused(engine, NotFound, lambda: engine.show(iid, user="sara"))
    assert engine.tasks(user="sara") == []


def test_auditors_change_nothing(ready):
    engine, iid, task = ready
    engine.add_user("rikke", "Rigsrevisionen", [], audits=["Region Hovedstaden"])
    assert engine.show(iid, user="rikke")["id"] == iid  # they may read
    _refused(engine, Forbidden, lambda: engine.start("purchase_request", "rikke"), "read-only")
    _refused(engine, Forbidden, lambda: engine.claim(task, "rikke"), "read-only")
    _refused(engine, Forbidden, lambda: engine.cancel(iid, "rikke", "svindel"), "read-only")


def test_claimed_by_someone_else(ready):
    engine, iid, task = ready
    engine.claim(task, "anna")
    _refused(engine, Forbidden, lambda: engine.complete(task, "bo", {"item": "x", "amount": 1}),
             "claimed by anna")
    _refused(engine, Conflict, lambda: engine.claim(task, "bo"), "claimed by anna")
    _refused(engine, Forbidden, lambda: engine.unclaim(task, "bo"), "claimed by anna")
    engine.unclaim(task, "anna")
    _refused(engine, Conflict, lambda: engine.unclaim(task, "anna"), "not claimed")
    assert [e["kind"] for e in engine.history(iid)] == ["started", "claimed", "unclaimed"]


def test_data_failing_the_schema(ready):
    engine, iid, task = ready
    err = _refused(engine, InvalidData, lambda: engine.complete(task, "anna", {"item": "x"}),
                   "amount")
    assert "amount" in err.errors
    err = _refused(engine, InvalidData,
                   lambda: engine.complete(task, "anna", {"item": "x", "amount": -1}))
    assert "amount" in err.errors
    err = _refused(engine, InvalidData, lambda: engine.complete(
        task, "anna", {"item": "x", "amount": 1, "award": "me"}), "no field 'award'")
    _refused(engine, InvalidData, lambda: engine.complete(task, "anna", ["not", "an", "object"]))


def test_stale_submission(ready):
    engine, iid, task = ready
    version = engine.task_form(task, "anna")["version"]
    engine.claim(task, "anna")  # the instance moved on since the form was opened
    _refused(engine, Conflict, lambda: engine.complete(
        task, "anna", {"item": "x", "amount": 1}, expected_version=version), "changed")


def test_a_script_failing_at_run_time_names_the_element(ready):
    engine, _iid, _task = ready
    iid = engine.start("failing", "anna")
    task = engine.tasks(user="anna", instance_id=iid)[0].id
    err = _refused(engine, ScriptError, lambda: engine.complete(task, "anna", {"count": 0}),
                   "Divider")
    assert err.element == "divide"


def _broken(tmp_path, model, old, new):
    folder = tmp_path / model
    shutil.copytree(DATA / model, folder)
    bpmn = folder / f"{model}.bpmn"
    bpmn.write_text(bpmn.read_text().replace(old, new, 1))
    return folder


@pytest.mark.parametrize("old, new, words", [
    ('<bpmn:process id="timer"', '<bpmn:process id="timer" <<', ["not well-formed XML"]),
    ('sourceRef="start" targetRef="notify"', 'sourceRef="start" targetRef="nowhere"',
     ["nowhere"]),
    ('<bpmn:process id="timer"', '<bpmn:process id="other"', ["no process with id 'timer'"]),
    ('value="notify.schema.json"', 'value="missing.schema.json"', ["missing.schema.json"]),
    ('"P10D"', "__import__('os').system('id')", ["script refused", "__import__"]),
])
def test_broken_models_are_not_deployed(ready, tmp_path, old, new, words):
    engine, _iid, _task = ready
    folder = _broken(tmp_path, "timer", old, new)
    err = _refused(engine, ModelError, lambda: engine.deploy(folder))
    text = " ".join(str(p) for p in err.problems)
    for word in words:
        assert word in text, text


def test_rule_violation_from_a_script_rolls_back(engine, tmp_path):
    def refuse(amount):
        raise RuleViolation(f"{amount} is over the ceiling", hint="lower it")

    from engine.runtime import Engine

    strict = Engine(engine.database_url, DATA, engine.clock, helpers={"refuse": refuse})
    folder = _broken(tmp_path, "failing", "ratio = 100 / count", "refuse(count)")
    strict.deploy(folder)
    strict.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    iid = strict.start("failing", "anna")
    task = strict.tasks(instance_id=iid)[0].id
    err = _refused(strict, RuleViolation, lambda: strict.complete(task, "anna", {"count": 7}),
                   "7 is over the ceiling")
    assert err.element == "divide"

"""Who may read and who may work: one rule each, the same in lists and in checks."""
from __future__ import annotations

import itertools

import pytest

from engine import access
from engine.access import Actor
from engine.errors import Forbidden, NotFound
from engine.models import Instance, OpenTask

HOVEDSTADEN, SJAELLAND, RIGSREVISIONEN = 1, 2, 3


def _people() -> list[Actor]:
    return [
        Actor("anna", "Anna", HOVEDSTADEN, "Region Hovedstaden", ("Indkøb",), ()),
        Actor("eva", "Eva", HOVEDSTADEN, "Region Hovedstaden", ("Evaluering",), ()),
        Actor("olaf", "Olaf", SJAELLAND, "Region Sjælland", ("Indkøb", "Evaluering"), ()),
        Actor("audrey", "Audrey", RIGSREVISIONEN, "Rigsrevisionen", ("Indkøb",),
              ("Region Hovedstaden",), (HOVEDSTADEN,)),
    ]


def _refused(who: Actor, instance: Instance, task: OpenTask) -> bool:
    try:
        access.check_may_work_on(who, instance, task)
        access.check_not_claimed_by_other(who, task)
    except (Forbidden, NotFound):
        return True
    return False


@pytest.mark.parametrize("lane,assignee", itertools.product(
    ("Indkøb", "Evaluering", None), (None, "anna", "eva", "olaf")))
def test_may_work_on_says_yes_exactly_when_the_checks_refuse_nothing(lane, assignee):
    instance = Instance(id="i1", authority_id=HOVEDSTADEN)
    task = OpenTask(id="t1", instance_id="i1", authority_id=HOVEDSTADEN, lane=lane,
                    assignee=assignee, title="Opgave")
    for who in _people():
        assert access.may_work_on(who, task) is not _refused(who, instance, task), who.name


def test_auditors_may_work_on_nothing():
    audrey = _people()[3]
    task = OpenTask(id="t1", instance_id="i1", authority_id=RIGSREVISIONEN, lane="Indkøb",
                    assignee=None, title="Opgave")
    assert access.may_work_on(audrey, task) is False


def _deployed(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("olaf", "Region Sjælland", ["Indkøb"])
    engine.add_user("rita", "Rigsrevisionen", ["Indkøb"])
    engine.add_user("audrey", "Rigsrevisionen", ["Indkøb"], audits=["Region Hovedstaden"])
    return {name: engine.start("purchase_request", name) for name in ("anna", "olaf", "rita")}


def test_an_auditor_lists_exactly_the_instances_they_may_open(engine):
    """The issue's case: an instance of the auditor's own authority was listed and then
    answered 404. An auditor reads the authorities they audit, in the list and when
    opening one alike."""
    started = _deployed(engine)
    listed = {i["id"] for i in engine.instances(user="audrey")}
    assert listed == {started["anna"]}
    for owner, iid in started.items():
        if iid in listed:
            assert engine.show(iid, user="audrey")["id"] == iid
            assert engine.history(iid, user="audrey")
        else:
            with pytest.raises(NotFound) as refused:
                engine.show(iid, user="audrey")
            assert refused.value.hint == "see the instances of your authority", owner


@pytest.mark.parametrize("user", ["anna", "olaf", "rita", "audrey"])
def test_everyone_opens_what_they_are_listed_and_nothing_else(engine, user):
    started = _deployed(engine)
    listed = {i["id"] for i in engine.instances(user=user)}
    assert listed
    for iid in started.values():
        try:
            engine.show(iid, user=user)
            opened = True
        except NotFound:
            opened = False
        assert opened is (iid in listed), (user, iid)


def test_each_task_says_whether_the_user_may_work_on_it(engine):
    started = _deployed(engine)
    (task,) = engine.tasks(user="anna")
    assert task.may_work is True
    assert engine.task_form(task.id, "anna")["task"].may_work is True
    assert engine.task_form(task.id, "audrey")["task"].may_work is False
    engine.add_user("bo", "Region Hovedstaden", ["Jura"])  # not in the task's lane
    assert engine.task_form(task.id, "bo")["task"].may_work is False
    with pytest.raises(NotFound):
        engine.task_form(task.id, "olaf")
    assert engine.tasks(instance_id=started["anna"])[0].may_work is None  # nobody asked

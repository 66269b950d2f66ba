"""The audit hash chain detects an edited event row."""
from __future__ import annotations

from sqlalchemy import update

from engine.models import Event
from tests.audit.conftest import guard_off
from tests.helpers import complete_next


def test_an_edited_event_breaks_the_chain(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("lars", "Region Hovedstaden", ["Ledelse"])
    iid = engine.start("purchase_request", "anna")
    complete_next(engine, "anna", "register", {"item": "Robot", "amount": 250000})
    assert engine.verify(iid).ok
    history = engine.history(iid)
    assert [e["kind"] for e in history] == ["started", "completed"]
    assert history[1]["data"] == {"item": "Robot", "amount": 250000}
    with guard_off(engine) as conn:  # an administrator drops the guard and edits a record
        conn.execute(update(Event).where(Event.instance_id == iid, Event.seq == 2)
                     .values(data={"item": "Robot", "amount": 25000}))
    report = engine.verify(iid)
    assert not report.ok and report.first_bad_seq == 2
    assert "edited" in report.reason


def test_the_audit_keeps_a_deep_copy_of_the_submitted_data(engine):
    engine.deploy()
    engine.add_user("lars", "Region Hovedstaden", ["Evaluering"])
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    iid = engine.start("assessments", "anna", {"applicants": [{"name": "A"}]})
    task = engine.tasks(user="lars")[0]
    submitted = {"assessment": {"name": "A", "qualified": True}}
    engine.complete(task.id, "lars", submitted)
    submitted["assessment"]["qualified"] = False  # the caller's object changes later
    assert engine.history(iid)[-1]["data"]["assessment"]["qualified"] is True
    assert engine.verify(iid).ok

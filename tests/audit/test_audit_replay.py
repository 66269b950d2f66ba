"""Replay re-executes the log on the pinned model version and must reproduce every
recorded step and the stored state; any difference is reported with its seq."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text, update

from engine import replay
from engine.models import Event, Instance
from tests.audit import scenarios


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
def test_a_scenario_replays_identically_at_every_step(deployed, clock, name):
    iid = scenarios.SCENARIOS[name](deployed, clock)
    report = replay.replay(deployed, iid)
    assert report.identical, report.lines()
    assert report.state_checked and report.chain.ok
    assert report.replayed == report.last_seq == deployed.show(iid)["events"]
    assert all(step.matches for step in replay.steps(deployed, iid))
    for seq in range(1, report.last_seq, max(1, report.last_seq // 12)):  # prefixes
        partial = replay.replay(deployed, iid, to_seq=seq)
        assert partial.identical and partial.replayed == seq and not partial.state_checked


def test_a_tampered_stored_state_is_reported(deployed, clock):
    iid = scenarios.purchase_request(deployed, clock)
    with deployed.sql.begin() as conn:  # the instance row is not append-only
        state = conn.scalar(select(Instance.state).where(Instance.id == iid))
        assert '"amount": 250000' in state or '"amount":250000' in state
        tampered = state.replace("250000", "25000")
        conn.execute(update(Instance).where(Instance.id == iid).values(state=tampered))
    report = replay.replay(deployed, iid)
    assert not report.identical
    # the chain is intact, but its last event recorded another state (issue 9)
    assert not report.chain.ok and "stored state" in report.chain.reason
    assert report.divergence.seq is None  # the stored state, not an event
    assert "amount" in report.divergence.data
    assert any("stored state" in line for line in report.lines())


def test_a_tampered_status_is_reported(deployed, clock):
    iid = scenarios.timer(deployed, clock)
    with deployed.sql.begin() as conn:
        conn.execute(update(Instance).where(Instance.id == iid).values(status="running"))
    report = replay.replay(deployed, iid)
    assert not report.identical and "status" in report.divergence.reason


def test_an_edited_event_diverges_at_its_seq(deployed, clock, tamper):
    iid = scenarios.purchase_request(deployed, clock)
    with tamper() as conn:  # the amount changes: the DMN and gateway would go another way
        conn.execute(update(Event).where(Event.instance_id == iid, Event.seq == 4)
                     .values(data={"item": "Robot", "amount": 500}))
    report = replay.replay(deployed, iid)
    assert report.divergence.seq == 4
    assert "approve" in report.divergence.tasks or report.divergence.data
    assert not report.chain.ok and report.chain.first_bad_seq == 4


def test_an_event_naming_a_task_that_is_not_open_is_reported(deployed, clock, tamper):
    iid = scenarios.purchase_request(deployed, clock)
    with tamper() as conn:
        conn.execute(update(Event).where(Event.instance_id == iid, Event.seq == 5)
                     .values(task_spec="register"))
    report = replay.replay(deployed, iid)
    assert report.divergence.seq == 5 and "not open" in report.divergence.reason


def test_an_instance_of_1000_events_replays(deployed, clock):
    iid = scenarios.many_events(deployed, clock, 1000)
    report = replay.replay(deployed, iid)
    assert report.identical and report.replayed == report.last_seq == 1000


def test_steps_give_the_patch_and_the_element_states(deployed, clock):
    iid = scenarios.timer(deployed, clock)
    steps = replay.steps(deployed, iid)
    assert [s.kind for s in steps] == ["started", "completed", "timer_fired", "completed"]
    notify = steps[1]
    assert notify.patch == [{"op": "add", "path": "/notified", "value": "2026-03-02"}]
    assert "notify" in notify.completed and notify.waiting == ["wait"]
    assert notify.active == []
    assert steps[2].active == ["sign"] and "wait" in steps[2].completed
    assert steps[-1].instance_data["signed"] is True
    json.dumps([s.as_dict() for s in steps])  # the UI sends them as JSON


def test_steps_mask_sealed_data(deployed, clock):
    iid = scenarios.partnership(deployed, clock)
    steps = replay.steps(deployed, iid)
    assert steps[0].actor == "anna" and steps[2].task == "Beskriv behov og udbudsmateriale"
    # the test model seals nothing: what was submitted is shown as it was
    assert steps[2].data["need"].startswith("Intelligent")


def test_replay_by_an_auditor_and_not_by_another_authority(deployed, clock):
    iid = scenarios.caller(deployed, clock)
    assert replay.replay(deployed, iid, user="revisor").identical
    deployed.add_user("ole", "Region Sjælland", ["Indkøb"])
    from engine.errors import NotFound

    with pytest.raises(NotFound):
        replay.replay(deployed, iid, user="ole")


def test_the_guard_refuses_to_change_or_delete_events(deployed, clock):
    iid = scenarios.caller(deployed, clock)
    for statement in ("UPDATE events SET actor = 'mallory'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"):
            with deployed.sql.begin() as conn:
                conn.execute(text(statement))
    assert deployed.verify(iid).ok

"""A stored state edited without an event is caught by ``verify`` (issue 9, defect 9):
each event records the digest of the state it left, the chain's last one must match."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy import select, update

from engine import audit
from engine.cli import main
from engine.models import Event, Instance
from tests.audit import scenarios


def _edit_state(engine, iid: str) -> None:
    """What an attacker with the application's database account could do: change the
    amount users see, touching only the instance row."""
    with engine.sql.begin() as conn:
        state = conn.scalar(select(Instance.state).where(Instance.id == iid))
        assert '"amount": 250000' in state or '"amount":250000' in state
        edited = state.replace("250000", "2500000")
        conn.execute(update(Instance).where(Instance.id == iid).values(state=edited))


def _cli(engine, *args) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), obj=engine)
    return result.exit_code, result.output


def test_a_state_only_edit_is_caught_by_verify_and_replay(deployed, clock):
    iid = scenarios.purchase_request(deployed, clock)
    other = scenarios.timer(deployed, clock)
    assert deployed.show(iid)["data"]["amount"] == 250000
    _edit_state(deployed, iid)
    deployed.store._cache.clear()
    assert deployed.show(iid)["data"]["amount"] == 2500000  # what users now see

    report = deployed.verify(iid)
    last = deployed.show(iid)["events"]
    assert not report.ok and report.first_bad_seq == last
    assert "stored state" in report.reason
    assert deployed.verify(other).ok

    code, out = _cli(deployed, "verify", "--all", "--json")
    found = json.loads(out)
    assert code == 1 and found["problems"] == [
        {"instance": iid, "first_bad_seq": last, "reason": report.reason}]
    code, out = _cli(deployed, "verify", "--all", "--jobs", "2", "--json")
    assert code == 1 and json.loads(out) == found

    for jobs in ("1", "2"):
        code, out = _cli(deployed, "replay", "--all", "--jobs", jobs, "--json")
        replayed = json.loads(out)
        assert code == 1 and replayed["instances"] == 2, out
        assert [p["instance"] for p in replayed["problems"]] == [iid]
        assert any("stored state" in line for line in replayed["problems"][0]["lines"])


def test_replay_all_passes_an_untouched_database(deployed, clock):
    for run in (scenarios.purchase_request, scenarios.timer, scenarios.caller):
        run(deployed, clock)
    code, out = _cli(deployed, "replay", "--all")
    assert code == 0 and "3 instance(s)" in out and "identical" in out, out
    code, out = _cli(deployed, "replay", "--all", "--jobs", "2", "--json")
    assert code == 0 and json.loads(out)["ok"], out
    code, out = _cli(deployed, "replay")
    assert code == 1 and "--all" in out


def test_events_without_a_digest_verify_as_before(deployed, clock):
    """Events written before the digest existed: the chain is checked as it was, and
    the stored state is not compared (there is nothing to compare it with)."""
    iid = scenarios.purchase_request(deployed, clock)
    with deployed.uow() as uow:
        rows = uow.session.scalars(select(Event).where(Event.instance_id == iid)
                                   .order_by(Event.id)).all()
        prev, old = audit.GENESIS, []
        for row in rows:
            digest = audit.event_hash(prev, iid, row.seq, row.kind, row.actor, row.at,
                                      row.task_id, row.task_spec, row.task_nth, row.data,
                                      row.snapshot)
            old.append(audit._Row(iid, row.seq, row.kind, row.actor, row.at, row.task_id,
                                  row.task_spec, row.task_nth,
                                  audit.canonical(row.data) if row.data is not None else None,
                                  audit.canonical(row.snapshot), prev, digest, None))
            assert audit._raw_hash(prev, iid, old[-1]) == digest  # the fast path agrees
            prev = digest
        assert all(row.state_digest for row in rows)  # new events carry one
    assert audit.check_chain(iid, old, len(old), prev, "anything").ok
    tampered = old[:2] + [old[2]._replace(actor="mallory")] + old[3:]
    assert audit.check_chain(iid, tampered, len(old), prev).first_bad_seq == 3
    at = datetime(2026, 3, 2, tzinfo=UTC)
    args = ("0" * 64, iid, 1, "started", "anna", at, None, None, None, {"a": 1}, None)
    assert audit.event_hash(*args) != audit.event_hash(*args, "0" * 64)
    assert audit._quick_hash(*args, "ab" * 32) == audit.event_hash(*args, "ab" * 32)

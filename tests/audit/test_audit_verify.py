"""``opiflow verify`` finds every kind of tampering with the first bad seq, even when
the attacker switched off the database guard first."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, update

import engine.audit_cli  # noqa: F401  (adds the commands to the group)
from engine import audit
from engine.cli import main
from engine.models import Event, Instance
from tests.audit import scenarios


def _rows(conn, iid):
    return conn.execute(select(Event).where(Event.instance_id == iid)
                        .order_by(Event.seq)).mappings().all()


def _edit(conn, iid):
    conn.execute(update(Event).where(Event.instance_id == iid, Event.seq == 4)
                 .values(actor="mallory"))
    return 4


def _delete(conn, iid):
    conn.execute(Event.__table__.delete().where(Event.instance_id == iid, Event.seq == 3))
    return 3


def _delete_last(conn, iid):
    conn.execute(Event.__table__.delete().where(Event.instance_id == iid, Event.seq == 5))
    return 5


def _insert(conn, iid):
    """A forged event slipped in as seq 3, with a valid hash, later ones renumbered."""
    rows = _rows(conn, iid)
    for row in reversed(rows[2:]):
        conn.execute(update(Event).where(Event.id == row["id"]).values(seq=row["seq"] + 1))
    forged = {k: v for k, v in rows[2].items() if k != "id"}
    forged.update(actor="mallory", prev_hash=rows[1]["hash"])
    forged["hash"] = audit.event_hash(rows[1]["hash"], iid, 3, forged["kind"], "mallory",
                                      forged["at"], forged["task_id"], forged["task_spec"],
                                      forged["task_nth"], forged["data"], forged["snapshot"],
                                      forged["state_digest"])
    conn.execute(insert(Event).values(**forged))
    return 3


def _append(conn, iid):
    """A forged event added at the end with a valid hash (the instance row not updated)."""
    last = _rows(conn, iid)[-1]
    forged = {k: v for k, v in last.items() if k != "id"}
    forged.update(seq=6, kind="claimed", prev_hash=last["hash"])
    forged["hash"] = audit.event_hash(last["hash"], iid, 6, "claimed", forged["actor"],
                                      forged["at"], forged["task_id"], forged["task_spec"],
                                      forged["task_nth"], forged["data"], forged["snapshot"],
                                      forged["state_digest"])
    conn.execute(insert(Event).values(**forged))
    return 6


def _reorder(conn, iid):
    """Events 2 and 3 swap places."""
    rows = _rows(conn, iid)
    a, b = rows[1], rows[2]
    conn.execute(update(Event).where(Event.id == a["id"]).values(seq=-1))
    conn.execute(update(Event).where(Event.id == b["id"]).values(seq=2))
    conn.execute(update(Event).where(Event.id == a["id"]).values(seq=3))
    return 2


@pytest.mark.parametrize("attack", [_edit, _delete, _delete_last, _insert, _append,
                                    _reorder], ids=lambda f: f.__name__.strip("_"))
def test_tampering_is_found_with_the_first_bad_seq(deployed, clock, tamper, attack):
    iid = scenarios.purchase_request(deployed, clock)
    other = scenarios.caller(deployed, clock)
    with tamper() as conn:
        bad_seq = attack(conn, iid)
    report = deployed.verify(iid)
    assert not report.ok and report.first_bad_seq == bad_seq, report
    runner = CliRunner()
    result = runner.invoke(main, ["verify", iid], obj=deployed)
    assert result.exit_code == 1 and f"broken at event {bad_seq}" in result.output
    result = runner.invoke(main, ["verify", "--all", "--json"], obj=deployed)
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert found["problems"] == [{"instance": iid, "first_bad_seq": bad_seq,
                                  "reason": report.reason}]
    result = runner.invoke(main, ["verify", "--all", "--jobs", "2", "--json"], obj=deployed)
    assert result.exit_code == 1 and json.loads(result.output) == found  # same verdict
    assert deployed.verify(other).ok


def test_verify_all_passes_an_untouched_database(deployed, clock):
    for run in (scenarios.purchase_request, scenarios.assessments, scenarios.timer,
                scenarios.caller, scenarios.partnership):
        run(deployed, clock)
    result = CliRunner().invoke(main, ["verify", "--all"], obj=deployed)
    assert result.exit_code == 0, result.output
    assert "5 instance(s)" in result.output and "verified" in result.output


def test_verify_all_reports_a_deleted_instance_row(deployed, clock):
    iid = scenarios.timer(deployed, clock)
    with deployed.sql.begin() as conn:
        conn.execute(Instance.__table__.delete().where(Instance.id == iid))
    with deployed.uow() as uow:
        (report,) = list(audit.verify_all(uow.session))
    assert not report.ok and "does not exist" in report.reason


def test_verify_needs_an_instance_or_all(deployed):
    result = CliRunner().invoke(main, ["verify"], obj=deployed)
    assert result.exit_code == 1 and "--all" in result.output


def test_replay_command(deployed, clock, tamper):
    iid = scenarios.purchase_request(deployed, clock)
    runner = CliRunner()
    result = runner.invoke(main, ["replay", iid], obj=deployed)
    assert result.exit_code == 0 and "identical" in result.output
    result = runner.invoke(main, ["replay", iid, "--to", "3", "--json"], obj=deployed)
    assert result.exit_code == 0 and json.loads(result.output)["replayed"] == 3
    with tamper() as conn:
        _edit(conn, iid)
    result = runner.invoke(main, ["replay", iid], obj=deployed)
    assert result.exit_code == 1 and "broken at event 4" in result.output
    result = runner.invoke(main, ["replay", "nope"], obj=deployed)
    assert result.exit_code == 1 and "no instance nope" in result.output


def test_the_fast_encoder_never_changes_a_verdict(deployed, clock):
    """Floats print differently in orjson (1e16 vs 1e+16): the exact encoder decides."""
    iid = deployed.start("purchase_request", "anna", {"title": "Floats", "big": 1e16,
                                                       "small": 1.5e-7, "ok": 0.1})
    assert deployed.verify(iid).ok
    with deployed.uow() as uow:
        (report,) = [r for r in audit.verify_all(uow.session) if r.instance_id == iid]
    assert report.ok
    from datetime import UTC, datetime

    at = datetime(2026, 3, 2, tzinfo=UTC)
    args = ("0" * 64, iid, 1, "started", "anna", at, None, None, None, {"æ": [1, "ø"]},
            {"tasks": {"b": 1, "a": 2}, "data": {}, "completed": False})
    assert audit._quick_hash(*args) == audit.event_hash(*args)

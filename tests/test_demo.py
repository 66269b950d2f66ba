"""`opiflow demo`: partnerships at three stages and a user per role, loaded once."""
from __future__ import annotations

from datetime import date

from engine import demo
from engine.config import ROOT


def test_demo_loads_three_stages_once(engine):
    engine.deploy(ROOT / "workflows")
    first = demo.load(engine.database_url, ROOT / "workflows", today=date(2026, 11, 23))
    assert [line.split(": ")[1] for line in first] == [
        "Forhandling, runde 2", "Udviklingsfase 2", "Indkøbskontrakt", "Egne anskaffelser"]
    again = demo.load(engine.database_url, ROOT / "workflows", today=date(2026, 11, 23))
    assert all(line.endswith("already there") for line in again)
    instances = engine.instances()
    assert len(instances) == 6  # three partnerships, the joint process and its two children
    assert all(engine.verify(i["id"]).ok for i in instances)
    instances = engine.instances(model="innovation_partnership")
    purchase = next(i for i in instances if i["phase"] == "Indkøbskontrakt")
    data = engine.show(purchase["id"])["data"]
    assert len(data["call_offs"]) == 2 and len(data["fee_ledger"]) == 4
    # every role has a demo user with work to do or something to read
    assert engine.tasks(user="indkob") and engine.tasks(user="ledelse")
    assert engine.instances(user="revisor") and not engine.instances(user="sjaelland")
    assert "password: demo" in demo.login_help(engine)


def test_demo_has_the_joint_scaling_process_with_its_children(engine):
    from engine import demo_joint

    engine.deploy(ROOT / "workflows")
    demo.load(engine.database_url, ROOT / "workflows", today=date(2026, 11, 23))
    (joint,) = engine.joint_processes("copi")
    assert joint["title"] == demo_joint.TITLE
    page = engine.joint_process(joint["id"], "copi")
    roles = sorted(p["role"] for p in page["parties"])
    assert roles == ["declined", "declined", "participant", "signatory", "signatory",
                     "signatory"]
    assert [c["authority"] for c in page["children"]] == ["Aalborg Kommune", "Aarhus Kommune"]
    assert page["data"]["suppliers"] and page["data"]["questions"]
    assert [t.title for t in engine.tasks(user="nordjylland")] == [
        "Oplys fakta om egen anskaffelse"]

"""The audit log names each parallel task's subject ("Vurder egnethed: Alfa Care") in
the history tab and in the audit view's event list, numbered the same in both."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from engine import demo
from webui import create_app

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def selected(engine, clock, tmp_path):
    engine.deploy(WORKFLOWS)
    demo.add_users(engine)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t", "UPLOAD_FOLDER": str(tmp_path / "up")})
    d = demo.Driver(engine, clock)
    d.at("2026-01-05")
    d.start("indkob", "Revisionsspor")
    demo._through_selection(d, date(2026, 1, 5), "Overvågning.", 1)
    client = app.test_client()
    client.post("/login", data={"username": "indkob", "password": demo.PASSWORD})
    return engine, client, d.iid


def test_the_history_names_each_assessments_applicant(selected):
    engine, _client, iid = selected
    tasks = [e["task"] for e in engine.history(iid) if e["kind"] == "completed"]
    assert [t for t in tasks if t.startswith("Vurder egnethed")] == [
        f"Vurder egnethed: {name}" for name in demo.APPLICANTS]
    assert "Beskriv behovet" in tasks  # a task about no one keeps its title


def test_a_claim_names_the_subject_too(engine, clock, tmp_path):
    engine.deploy(WORKFLOWS)
    demo.add_users(engine)
    d = demo.Driver(engine, clock)
    d.at("2026-01-05")
    d.start("indkob", "Krav")
    t0 = date(2026, 1, 5)
    d.at(t0)
    d.do("Beskriv behovet", "indkob", {
        "authority": demo.REGION, "authority_kind": "sub_central", "need": "Behov.",
        "not_on_market": True, "justification": "Ingen.", "estimated_value": 220_660_000})
    d.do("Udarbejd udbudsmateriale", "indkob", {"tender_documents": demo._docs(1)})
    d.do("Godkend udbudsmateriale", "jura", {"tender_documents_approved": True,
                                             "legal_comment": ""})
    d.at("2026-01-12")
    d.do("Send udbudsbekendtgørelse", "indkob", {"notice_dispatched": "2026-01-12",
                                                 "application_deadline": "2026-02-19"})
    d.tick("2026-02-20")
    d.do("Registrer ansøgninger", "indkob", {"applicants": [
        {"name": name, "received": "2026-02-15", "espd": demo.ESPD}
        for name in demo.APPLICANTS[:3]]})
    task = next(t for t in d.open("Vurder egnethed") if t.item == "Beta Health")
    engine.claim(task.id, "evaluator")
    last = engine.history(d.iid)[-1]
    assert (last["kind"], last["task"]) == ("claimed", "Vurder egnethed: Beta Health")


def test_history_and_audit_view_show_the_subject_with_the_same_numbers(selected):
    engine, client, iid = selected
    history = client.get(f"/instances/{iid}/history").get_data(as_text=True)
    assert "«Vurder egnethed: Alfa Care»" in history
    numbered = dict(re.findall(r'step=(\d+)">Hændelse \1</a>: <strong>[^<]*</strong>\s*'
                               r'«([^»]*)»', history))
    audit = client.get(f"/audit/{iid}").get_data(as_text=True)
    listed = audit[audit.index('id="event-list"'):audit.index("</details>",
                                                              audit.index('id="event-list"'))]
    in_audit = dict(re.findall(r'<li value="(\d+)">[^\n]*?Hændelse \1(?:</a>|</strong>): '
                               r'[^«<]*«([^»]*)»', listed))
    assert "Vurder egnethed: Eta Systems" in numbered.values()
    assert len(in_audit) == len(numbered) > 10
    for seq, task in numbered.items():
        assert in_audit.get(seq) == task, (seq, task)
    seq = next(s for s, t in numbered.items() if t == "Vurder egnethed: Gamma Med")
    step = client.get(f"/audit/{iid}?step={seq}").get_data(as_text=True)
    assert "<td>Vurder egnethed: Gamma Med</td>" in step

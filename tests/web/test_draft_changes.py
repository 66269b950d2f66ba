"""Legal's review of reworked tender documents shows what changed since the draft it
reviewed last (field, before, after); the first review has nothing to compare."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from engine import demo
from webui import create_app

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def drafted(engine, clock, tmp_path):
    engine.deploy(WORKFLOWS)
    demo.add_users(engine)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t", "UPLOAD_FOLDER": str(tmp_path / "up")})
    d = demo.Driver(engine, clock)
    d.at("2026-01-05")
    d.start("indkob", "Udkast")
    d.do("Beskriv behovet", "indkob", {
        "authority": demo.REGION, "authority_kind": "sub_central", "need": "Behov.",
        "not_on_market": True, "justification": "Ingen.", "estimated_value": 220_660_000})
    d.do("Udarbejd udbudsmateriale", "indkob", {"tender_documents": demo._docs(1)})
    client = app.test_client()
    client.post("/login", data={"username": "jura", "password": demo.PASSWORD})
    return engine, client, d


def review_page(client, d) -> str:
    (task,) = d.open("Godkend udbudsmateriale")
    return client.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_the_first_review_shows_no_changes(drafted):
    _engine, client, d = drafted
    assert "Ændret siden sidste udkast" not in review_page(client, d)


def test_the_review_after_rework_shows_each_changed_field(drafted):
    engine, client, d = drafted
    d.do("Godkend udbudsmateriale", "jura", {"tender_documents_approved": False,
                                             "legal_comment": "Vægtene skal ændres."})
    docs = copy.deepcopy(demo._docs(1))
    docs["evaluation_model"]["weights"] = {"quality": 60, "price": 40}
    d.do("Udarbejd udbudsmateriale", "indkob", {"tender_documents": docs})
    html = review_page(client, d)
    table = html[html.index('id="draft-changes"'):html.index("</table>",
                                                              html.index('id="draft-changes"'))]
    rows = [r for r in table.split("<tr>")[2:]]
    assert len(rows) == 2
    assert "Evalueringsmodel › Vægte › Kvalitet</td><td>70</td><td>60</td>" in rows[0]
    assert "Evalueringsmodel › Vægte › Pris</td><td>30</td><td>40</td>" in rows[1]
    (task,) = d.open("Godkend udbudsmateriale")
    assert engine.task_form(task.id, "jura")["changes"] == [
        {"field": ["evaluation_model", "weights", "quality"], "before": 70, "after": 60},
        {"field": ["evaluation_model", "weights", "price"], "before": 30, "after": 40}]


def test_a_resubmission_without_changes_says_so(drafted):
    _engine, client, d = drafted
    d.do("Godkend udbudsmateriale", "jura", {"tender_documents_approved": False,
                                             "legal_comment": "Se igen."})
    d.do("Udarbejd udbudsmateriale", "indkob", {"tender_documents": demo._docs(1)})
    html = review_page(client, d)
    assert "Intet er ændret siden sidste udkast." in html
    assert 'id="draft-changes"' not in html

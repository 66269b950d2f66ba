"""The auditors' web pages: step through the history beside the diagram, see the
verification status, download the exports; and change nothing, anywhere."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import update

from engine.models import Event
from engine.passwords import hash_password
from tests.audit import scenarios
from tests.helpers import dump
from webui import create_app

PASSWORD = "korrekt hest batteri"


@pytest.fixture
def web(deployed, tmp_path):
    secret = hash_password(PASSWORD)
    deployed.add_user("revisor", "Rigsrevisionen", [], audits=["Region Hovedstaden"],
                      password_hash=secret)
    deployed.add_user("anna", "Region Hovedstaden", ["Indkøb"], password_hash=secret)
    deployed.add_user("ole", "Region Sjælland", ["Indkøb"], password_hash=secret)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": deployed, "SECRET_KEY": "test",
                      "WTF_CSRF_ENABLED": False, "OPIFLOW_SCHEDULER": "off",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    return app


def _client(app, user: str):
    client = app.test_client()
    response = client.post("/login", data={"username": user, "password": PASSWORD})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    return client


def test_an_auditor_steps_through_the_history(web, deployed, clock):
    iid = scenarios.timer(deployed, clock)
    client = _client(web, "revisor")
    page = client.get(f"/audit/{iid}").get_data(as_text=True)
    assert "Verificeret" in page and "Hændelse 4 af 4" in page
    page = client.get(f"/audit/{iid}?step=2").get_data(as_text=True)
    assert "Hændelse 2 af 4" in page and "Send underretning" in page
    states = json.loads(re.search(r'id="element-states">(.*?)</script>', page, re.S)[1])
    assert states["notify"] == "completed" and states["wait"] == "waiting"
    assert '"path": "/notified"' in page  # the JSON Patch of the step
    assert f'/audit/{iid}?step=1' in page and f'/audit/{iid}?step=3' in page
    assert "Hændelse 1 af 4" in client.get(f"/audit/{iid}?step=-5").get_data(as_text=True)
    english = client.get("/language/en")
    assert english.status_code in (302, 303)
    assert "Event 4 of 4" in client.get(f"/audit/{iid}").get_data(as_text=True)


@pytest.mark.parametrize("fmt, media, start", [
    ("xes", "application/xml", b"<?xml"), ("csv", "text/csv", b"case_id"),
    ("ocds", "application/json", b"{"), ("report-html", "text/html", b"<!doctype html>"),
    ("report-pdf", "application/pdf", b"%PDF")])
def test_downloads(web, deployed, clock, fmt, media, start):
    iid = scenarios.partnership(deployed, clock)
    response = _client(web, "revisor").get(f"/audit/{iid}/export/{fmt}")
    assert response.status_code == 200 and response.mimetype == media
    assert response.data.startswith(start)
    assert iid in response.headers["Content-Disposition"]


def test_the_status_names_the_first_bad_event(web, deployed, clock, tamper):
    iid = scenarios.purchase_request(deployed, clock)
    with tamper() as conn:
        conn.execute(update(Event).where(Event.instance_id == iid, Event.seq == 4)
                     .values(actor="mallory"))
    page = _client(web, "revisor").get(f"/audit/{iid}").get_data(as_text=True)
    assert "IKKE verificeret: første fejl ved hændelse 4" in page


def test_another_authority_sees_nothing(web, deployed, clock):
    iid = scenarios.caller(deployed, clock)
    client = _client(web, "ole")
    assert client.get(f"/audit/{iid}").status_code == 404
    assert client.get(f"/audit/{iid}/export/xes").status_code == 404
    assert client.get(f"/audit/{iid}/export/nonsense").status_code == 404


def test_auditors_change_nothing(web, deployed, clock):
    """Every route that takes a write method refuses an auditor, and nothing changes."""
    iid = scenarios.purchase_request(deployed, clock)
    open_id = deployed.start("purchase_request", "anna", {"title": "Åben"})
    task = deployed.tasks(instance_id=open_id)[0]
    values = {"instance_id": open_id, "task_id": task.id}
    client = _client(web, "revisor")
    before = dump(deployed)
    tried = []
    for rule in web.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.endpoint in ("auth.login", "auth.logout", "auth.language"):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", values.get(name, "x"))
            path = re.sub(rf"<[^>]*:{name}>", values.get(name, "x"), path)
        for method in methods:
            response = client.open(path, method=method, data={
                "approved": "true", "title": "x", "reason": "x", "data": "{}"})
            tried.append((method, path, response.status_code))
            # the auditor's own account (API tokens, notification choices) is theirs to
            # change; sent this nonsense, those pages refuse it as invalid (422)
            own = rule.endpoint in ("tokens.create", "inbox.settings")
            assert response.status_code in ((403, 404, 405, 422) if own else
                                            (403, 404, 405)), tried[-1]
    assert len(tried) >= 3, tried
    assert dump(deployed) == before
    assert deployed.verify(iid).ok

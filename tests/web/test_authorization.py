"""Every route for every role: who may see and do what, and that refusals show nothing
and change nothing. The open task is 'Registrer endelige tilbud' in the lane Evaluering."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.helpers import dump

from .conftest import TENDERS, form_fields, open_task, run_to

ROLES = ["anonymous", "eva", "anna", "jens", "lea", "olaf", "audrey"]
SAME_AUTHORITY = {"eva", "anna", "jens", "lea"}
PDF = b"%PDF-1.4 bekendtgoerelse"
SHA = hashlib.sha256(PDF).hexdigest()
DOC = {"notice_document": {"filename": "notice.pdf", "sha256": SHA, "size": len(PDF)}}


@pytest.fixture
def setup(app, web_engine, clock):
    iid = run_to(web_engine, clock, "register_tenders", documents=DOC)
    folder = Path(app.config["UPLOAD_FOLDER"]) / iid
    folder.mkdir(parents=True)
    (folder / SHA).write_bytes(PDF)
    return iid, open_task(web_engine, "register_tenders", iid).id


def get_routes(iid: str, tid: str) -> list[str]:
    return ["/tasks", f"/tasks/{tid}", "/instances", f"/instances/{iid}",
            f"/instances/{iid}/diagram", f"/instances/{iid}/diagram.bpmn",
            f"/instances/{iid}/evaluation", f"/instances/{iid}/history",
            f"/instances/{iid}/files/{SHA}"]


def expected_get(role: str, route: str) -> int:
    if role == "anonymous":
        return 302
    if route in ("/tasks", "/instances"):
        return 200
    if role == "olaf":
        return 404  # another authority's partnership does not exist for them
    return 200  # the authority's staff, and the auditor who audits it (read-only)


def expected_post(role: str, action: str) -> int:
    if role == "anonymous":
        return 302  # to the login page
    if role == "audrey":
        return 403  # auditors change nothing
    if action == "new":
        return 302
    if role == "olaf":
        return 404
    return 302 if role == "eva" else 403  # only the lane Evaluering


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_role(role, client, auth, web_engine, setup):
    iid, tid = setup
    if role != "anonymous":
        assert auth.login(role).status_code == 302
    for route in get_routes(iid, tid):
        response = client.get(route)
        assert response.status_code == expected_get(role, route), (role, route)
        body = response.get_data()
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
        if response.status_code in (403, 404):
            assert b"Medtech" not in body and PDF not in body  # no data leaks
    before = dump(web_engine)
    posts = [("claim", f"/tasks/{tid}/claim", {}), ("unclaim", f"/tasks/{tid}/unclaim", {}),
             ("complete", f"/tasks/{tid}", {**form_fields(TENDERS), "instance_id": iid}),
             ("new", "/instances/new", {})]
    for action, route, data in posts:
        response = client.post(route, data=data)
        assert response.status_code == expected_post(role, action), (role, action,
                                                                     response.get_data()[:500])
        if response.status_code == 302 and role == "anonymous":
            assert "/login" in response.headers["Location"]
    after = dump(web_engine)
    if expected_post(role, "claim") != 302 and expected_post(role, "new") != 302:
        assert after == before  # every refusal left the database as it was
    if role == "eva":
        assert not [t for t in web_engine.tasks(instance_id=iid)
                    if t.name == "register_tenders"]


def test_claimed_task_cannot_be_completed_by_another(client, auth, web_engine, setup):
    iid, tid = setup
    web_engine.add_user("erik", "Region Hovedstaden", ["Evaluering"])
    web_engine.claim(tid, "erik")
    auth.login("eva")
    page = client.get(f"/tasks/{tid}").get_data(as_text=True)
    assert "Kun erik kan afslutte den" in page and 'action="/tasks/' + tid + '"' not in page
    before = dump(web_engine)
    response = client.post(f"/tasks/{tid}", data={**form_fields(TENDERS), "instance_id": iid})
    assert response.status_code == 403
    assert "Kun erik kan afslutte den" in response.get_data(as_text=True)
    assert dump(web_engine) == before


def test_sealed_tenders_show_as_sealed_until_the_deadline(client, auth, web_engine, clock,
                                                          setup):
    from datetime import datetime

    iid, tid = setup
    web_engine.complete(tid, "eva", TENDERS)
    auth.login("lea")
    page = client.get(f"/instances/{iid}/evaluation").get_data(as_text=True)
    assert "forseglede indtil" in page and "Medtech" not in page
    history = client.get(f"/instances/{iid}/history").get_data(as_text=True)
    assert "Medtech" not in history
    clock.set(datetime(2026, 3, 21, 9, 0))
    page = client.get(f"/instances/{iid}/evaluation").get_data(as_text=True)
    assert "Medtech" in page and "forseglede" not in page


def test_an_auditor_is_not_shown_what_they_may_not_open(client, auth, web_engine):
    """An instance of the auditor's own authority (not one they audit): it was listed
    and then answered 404; now it is neither listed nor opened."""
    web_engine.add_user("rita", "Rigsrevisionen", ["Indkøb"])
    own = web_engine.start("innovation_partnership", "rita", {"title": "Revisionens egen"})
    audited = web_engine.start("innovation_partnership", "anna", {"title": "Regionens"})
    auth.login("audrey")
    listing = client.get("/instances").get_data(as_text=True)
    assert audited in listing and own not in listing
    assert client.get(f"/instances/{audited}").status_code == 200
    assert client.get(f"/instances/{own}").status_code == 404

"""The web UI's authorization matrix (tests/web/test_authorization.py) through the API:
every route for every role, refusals show nothing and change nothing."""
from __future__ import annotations

import pytest

from tests.helpers import dump
from tests.web.conftest import TENDERS, open_task, run_to
from tests.web.test_authorization import ROLES

PROBLEM = "application/problem+json"


@pytest.fixture
def setup(web_engine, clock):
    iid = run_to(web_engine, clock, "register_tenders")
    return iid, open_task(web_engine, "register_tenders", iid).id


def get_routes(iid: str, tid: str) -> list[str]:
    return ["/tasks", "/instances", "/models", f"/tasks/{tid}", f"/instances/{iid}",
            f"/instances/{iid}/history", f"/instances/{iid}/verify",
            f"/instances/{iid}/replay", f"/instances/{iid}/exports/csv"]


def expected_get(role: str, route: str) -> int:
    if role == "anonymous":
        return 401
    if route in ("/tasks", "/instances", "/models"):
        return 200
    if role == "olaf":
        return 404  # another authority's partnership does not exist for them
    return 200


def expected_post(role: str, action: str) -> int:
    if role == "anonymous":
        return 401
    if role == "audrey":
        return 403  # auditors change nothing
    if action == "new":
        return 201
    if role == "olaf":
        return 404
    return 200 if role == "eva" else 403  # only the lane Evaluering


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_role(role, api, web_engine, setup):
    iid, tid = setup
    caller = api.as_(None if role == "anonymous" else role)
    for route in get_routes(iid, tid):
        response = caller.get(route)
        assert response.status_code == expected_get(role, route), (role, route)
        body = response.get_data()
        if response.status_code >= 400:
            assert response.content_type == PROBLEM
            assert b"Medtech" not in body and iid.encode() not in body  # no data leaks
    listed = caller.get("/instances")
    if role in ("olaf", "anonymous"):
        assert iid.encode() not in listed.get_data()
    before = dump(web_engine)
    posts = [("claim", f"/tasks/{tid}/claim", {}), ("unclaim", f"/tasks/{tid}/unclaim", {}),
             ("complete", f"/tasks/{tid}/complete", {"data": TENDERS}),
             ("new", "/instances", {"model": "innovation_partnership"})]
    for action, route, data in posts:
        if action == "new" and role != "eva":
            assert dump(web_engine) == before  # every refusal left the database as it was
        response = caller.post(route, json=data)
        assert response.status_code == expected_post(role, action), (role, action,
                                                                     response.get_json())
        if response.status_code >= 400:
            problem = response.get_json()
            assert response.content_type == PROBLEM and problem["status"] == \
                response.status_code
            assert "Medtech" not in str(problem)
    if expected_post(role, "new") != 201:
        assert dump(web_engine) == before
    if role == "eva":
        assert not [t for t in web_engine.tasks(instance_id=iid)
                    if t.name == "register_tenders"]


def test_a_claimed_task_cannot_be_completed_by_another(api, web_engine, setup):
    _iid, tid = setup
    web_engine.add_user("erik", "Region Hovedstaden", ["Evaluering"])
    web_engine.claim(tid, "erik")
    before = dump(web_engine)
    response = api.as_("eva").post(f"/tasks/{tid}/complete", json={"data": TENDERS})
    assert response.status_code == 403
    problem = response.get_json()
    assert problem["detail"].endswith("is claimed by erik")
    assert problem["hint"] == "ask erik to unclaim it before you complete it"
    assert dump(web_engine) == before


def test_sealed_tenders_are_masked(api, web_engine, clock, setup):
    from datetime import datetime

    iid, tid = setup
    web_engine.complete(tid, "eva", TENDERS)
    shown = api.as_("lea").get(f"/instances/{iid}").get_json()
    data = shown["data"]
    assert data["final_tenders"]["sealed"] is True and data["tender_scores"]["sealed"]
    assert data["evaluation"]["sealed"] is True  # as the evaluation page hides it
    assert "6000000" not in str(shown) and "price_points" not in str(shown)
    history = api.as_("lea").get(f"/instances/{iid}/history").get_json()
    assert "6000000" not in str(history) and "Medtech" not in str(history)
    clock.set(datetime(2026, 3, 21, 9, 0))
    opened = api.as_("lea").get(f"/instances/{iid}").get_json()["data"]
    assert opened["final_tenders"][0]["price"] == 6000000
    assert opened["evaluation"][0]["rank"] == 1


def test_a_session_may_use_the_api_but_changes_need_the_csrf_token(app, web_engine, setup):
    from tests.web.conftest import Auth

    _iid, tid = setup
    client = app.test_client()
    Auth(client).login("eva")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.get("/api/v1/tasks").status_code == 200
    before = dump(web_engine)
    refused = client.post(f"/api/v1/tasks/{tid}/claim")
    assert refused.status_code == 400 and refused.content_type == PROBLEM
    assert refused.get_json()["type"] == "urn:opiflow:problem:csrf"
    assert dump(web_engine) == before

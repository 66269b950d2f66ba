"""The REST API: the same verbs as the web UI, JSON in and out, problem+json errors,
and every change audited with the user and the token's name."""
from __future__ import annotations

from tests.helpers import dump
from tests.web.conftest import NEED, open_task

PROBLEM = "application/problem+json"


def test_start_and_complete_the_first_task(api, web_engine):
    started = api.as_("anna").post("/instances", json={"model": "innovation_partnership",
                                                       "data": {"title": "Hjemmemonitorering"}})
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    assert body["title"] == "Hjemmemonitorering" and body["status"] == "running"
    assert started.headers["Location"].endswith(f"/api/v1/instances/{body['id']}")
    task = next(t for t in body["open_tasks"] if t["name"] == "describe_need")
    form = api.as_("anna").get(f"/tasks/{task['id']}").get_json()
    assert form["schema"]["type"] == "object" and form["task"]["id"] == task["id"]
    done = api.as_("anna").post(f"/tasks/{task['id']}/complete",
                                json={"data": NEED, "expected_version": form["version"]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["data"]["need"] == NEED["need"]
    events = api.as_("anna").get(f"/instances/{body['id']}/history").get_json()
    assert [e["kind"] for e in events] == ["started", "completed"]
    assert {e["actor"] for e in events} == {"anna (token: sagssystem)"}
    verified = api.as_("anna").get(f"/instances/{body['id']}/verify").get_json()
    assert verified["ok"] is True and verified["events"] == 2


def test_a_stale_expected_version_is_refused_and_changes_nothing(api, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    task = open_task(web_engine, "describe_need", iid)
    before = dump(web_engine)
    response = api.as_("anna").post(f"/tasks/{task.id}/complete",
                                    json={"data": NEED, "expected_version": 0})
    assert response.status_code == 409
    assert response.content_type == PROBLEM
    problem = response.get_json()
    assert problem["status"] == 409 and problem["type"] == "urn:opiflow:problem:conflict"
    assert problem["detail"] == "the task changed since you opened it"
    assert problem["hint"]
    assert dump(web_engine) == before


def test_invalid_form_data_names_the_field(api, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    task = open_task(web_engine, "describe_need", iid)
    response = api.as_("anna").post(f"/tasks/{task.id}/complete",
                                    json={"data": {**NEED, "estimated_value": "mange"}})
    assert response.status_code == 422 and response.content_type == PROBLEM
    problem = response.get_json()
    assert "estimated_value" in problem["errors"]
    assert problem["type"] == "urn:opiflow:problem:invalid-data"


def test_a_body_that_is_not_an_object_is_refused(api, web_engine):
    response = api.as_("anna").post("/instances", data="[1, 2]",
                                    content_type="application/json")
    assert response.status_code == 422 and response.content_type == PROBLEM
    assert response.get_json()["hint"].startswith("send Content-Type")
    expected = api.as_("anna").post("/tasks/x/complete", json={"expected_version": "3"})
    assert expected.status_code == 422
    assert expected.get_json()["field"] == "expected_version"


def test_unknown_paths_and_methods_answer_problem_json(api):
    missing = api.as_("anna").get("/nothing-here")
    assert missing.status_code == 404 and missing.content_type == PROBLEM
    wrong = api.as_("anna").get("/tasks/x/claim")
    assert wrong.status_code == 405 and wrong.content_type == PROBLEM


def test_claim_and_unclaim(api, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    task = open_task(web_engine, "describe_need", iid)
    claimed = api.as_("anna").post(f"/tasks/{task.id}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "anna"
    mine = api.as_("anna").get("/tasks?mine=true").get_json()
    assert [t["id"] for t in mine] == [task.id]
    assert api.as_("anna").post(f"/tasks/{task.id}/unclaim").get_json()["assignee"] is None
    assert api.as_("anna").get("/tasks?mine=true").get_json() == []
    kinds = [e["kind"] for e in web_engine.history(iid)]
    assert kinds == ["started", "claimed", "unclaimed"]


def test_the_task_list_takes_the_web_filters(api, web_engine):
    first = web_engine.start("innovation_partnership", "anna", {})
    web_engine.start("innovation_partnership", "anna", {})
    everything = api.as_("anna").get("/tasks").get_json()
    assert len(everything) == 2
    only = api.as_("anna").get(f"/tasks?instance={first}").get_json()
    assert [t["instance_id"] for t in only] == [first]
    assert api.as_("anna").get("/tasks?model=nothing").get_json() == []


def test_models_and_versions(api):
    models = api.as_("anna").get("/models").get_json()
    assert [m["model"] for m in models] == ["innovation_partnership"]
    versions = api.as_("anna").get("/models/innovation_partnership/versions").get_json()
    assert versions[-1]["version"] == models[0]["version"]
    missing = api.as_("anna").get("/models/nothing/versions")
    assert missing.status_code == 404 and missing.content_type == PROBLEM


def test_exports_and_replay(api, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    csv = api.as_("anna").get(f"/instances/{iid}/exports/csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert iid in csv.get_data(as_text=True)
    assert api.as_("anna").get(f"/instances/{iid}/exports/zip").status_code == 404
    replayed = api.as_("audrey").get(f"/instances/{iid}/replay").get_json()
    assert replayed["result"] == "identical" and replayed["chain"]["ok"] is True


def test_cancel_needs_a_reason(api, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    refused = api.as_("anna").post(f"/instances/{iid}/cancel", json={})
    assert refused.status_code == 422 and refused.get_json()["field"] == "reason"
    done = api.as_("anna").post(f"/instances/{iid}/cancel", json={"reason": "Behovet faldt bort"})
    assert done.get_json()["status"] == "cancelled"


def test_docs_page_and_document_are_served_without_login(api):
    doc = api.get("/openapi.json")
    assert doc.status_code == 200 and doc.get_json()["openapi"] == "3.1.0"
    page = api.get("/docs")
    assert page.status_code == 200 and b"/api/v1/tasks/{task_id}/complete" in page.data
    assert b"cdn" not in page.data.lower()


def test_a_refusal_keeps_english_with_its_message_id_and_params(api, web_engine):
    """The API speaks English; a client that translates gets the message id and params."""
    iid = web_engine.start("innovation_partnership", "anna", {})
    task = open_task(web_engine, "describe_need", iid)
    refused = api.as_("anna").post(f"/tasks/{task.id}/unclaim")
    assert refused.status_code == 409 and refused.content_type == PROBLEM
    body = refused.get_json()
    assert body["detail"] == f"the task '{task.title}' is not claimed"
    assert body["message_id"] == "the task '{title}' is not claimed"
    assert body["params"] == {"title": task.title}
    assert body["hint"] == "there is nothing to unclaim"

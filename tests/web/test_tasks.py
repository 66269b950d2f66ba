"""Working on tasks through the web: list, claim, complete, errors, stale forms, CSRF."""
from __future__ import annotations

import hashlib
import re

from tests.helpers import dump
from webui import create_app

from .conftest import NEED, TENDER_DOCUMENTS, csrf_token, form_fields, open_task, run_to


def test_task_list_shows_mine_and_claimable_with_due_dates(client, auth, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    auth.login("anna")
    page = client.get("/tasks").get_data(as_text=True)
    assert "Kan tages af din gruppe" in page and "Beskriv behovet" in page
    assert "Overskredet" in page  # due 1 March, the clock says 2 March
    assert "1. marts 2026" in page
    task = open_task(web_engine, "describe_need", iid)
    assert client.post(f"/tasks/{task.id}/claim").status_code == 302
    page = client.get("/tasks").get_data(as_text=True)
    mine = page.split("Mine opgaver")[1].split("Kan tages af din gruppe")[0]
    assert "Beskriv behovet" in mine and "Sæt fri" in mine
    assert client.post(f"/tasks/{task.id}/unclaim", data={"next": "/tasks"}).headers[
        "Location"] == "/tasks"
    assert open_task(web_engine, "describe_need", iid).assignee is None


def test_task_list_filters(client, auth, web_engine, clock):
    first = web_engine.start("innovation_partnership", "anna", {})
    second = run_to(web_engine, clock, "tender_docs")
    auth.login("anna")
    page = client.get(f"/tasks?instance={first}").get_data(as_text=True)
    assert "Beskriv behovet" in page and "Udarbejd udbudsmateriale" not in page
    page = client.get(f"/tasks?instance={second}&model=innovation_partnership").get_data(
        as_text=True)
    assert "Udarbejd udbudsmateriale" in page and "Beskriv behovet" not in page
    page = client.get("/tasks?phase=Behov&sort=created").get_data(as_text=True)
    assert "Beskriv behovet" in page


def test_complete_with_an_error_keeps_the_input_and_shows_it_at_the_field(
        client, auth, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    task = open_task(web_engine, "describe_need", iid)
    auth.login("anna")
    form = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Beskriv behovet, og begrund" in form  # the instructions, above the form
    version = re.search(r'name="expected_version" value="(\d+)"', form).group(1)
    before = dump(web_engine)
    bad = {"need": "Et behov", "justification": "", "estimated_value": "to millioner",
           "expected_version": version, "instance_id": iid}
    response = client.post(f"/tasks/{task.id}", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and dump(web_engine) == before
    assert 'id="f-estimated_value-error"' in page and "Skriv et tal" in page
    assert 'value="to millioner"' in page and ">Et behov</textarea>" in page
    assert 'aria-invalid="true"' in page and "Formularen kunne ikke sendes" in page
    bad["estimated_value"] = "2.500.000"
    page = client.post(f"/tasks/{task.id}", data=bad).get_data(as_text=True)
    assert 'id="f-justification-error"' in page  # the schema's required field
    good = {**bad, "justification": "Findes ikke", "not_on_market": "on"}
    response = client.post(f"/tasks/{task.id}", data=good)
    assert response.status_code == 302
    data = web_engine.show(iid)["data"]
    assert data["estimated_value"] == 2500000 and data["not_on_market"] is True
    assert open_task(web_engine, "approve_need", iid)


def test_a_stale_form_gets_a_clear_message_and_changes_nothing(client, auth, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    web_engine.add_user("anders", "Region Hovedstaden", ["Indkøb"])
    task = open_task(web_engine, "describe_need", iid)
    auth.login("anna")
    form = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    version = re.search(r'name="expected_version" value="(\d+)"', form).group(1)
    web_engine.complete(task.id, "anders", NEED)  # someone else was quicker
    before = dump(web_engine)
    response = client.post(f"/tasks/{task.id}", data={
        **form_fields(NEED), "expected_version": version, "instance_id": iid})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "afsluttet eller ændret af en anden" in page and "intet er ændret" in page
    assert dump(web_engine) == before


def test_a_form_older_than_the_instance_is_refused(client, auth, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    web_engine.add_user("anders", "Region Hovedstaden", ["Indkøb"])
    task = open_task(web_engine, "describe_need", iid)
    auth.login("anna")
    form = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    version = re.search(r'name="expected_version" value="(\d+)"', form).group(1)
    web_engine.claim(task.id, "anders")
    web_engine.unclaim(task.id, "anders")  # the instance moved on
    before = dump(web_engine)
    response = client.post(f"/tasks/{task.id}", data={
        **form_fields(NEED), "expected_version": version, "instance_id": iid})
    assert response.status_code == 409 and dump(web_engine) == before


def test_rows_are_added_with_a_button_and_nothing_is_sent(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "tender_docs")
    task = open_task(web_engine, "tender_docs", iid)
    auth.login("anna")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert page.count('name="tender_documents.minimum_requirements.0.id"') == 1
    before = dump(web_engine)
    data = {"tender_documents.minimum_requirements.__rows": "1",
            "tender_documents.minimum_requirements.0.id": "M1",
            "_add": "tender_documents.minimum_requirements"}
    page = client.post(f"/tasks/{task.id}", data=data).get_data(as_text=True)
    assert 'name="tender_documents.minimum_requirements.1.id"' in page
    assert 'value="M1"' in page and dump(web_engine) == before


def test_a_document_is_uploaded_and_listed_on_the_overview(client, auth, web_engine, clock):
    import io

    iid = run_to(web_engine, clock, "tender_docs")
    task = open_task(web_engine, "tender_docs", iid)
    auth.login("anna")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    pdf = b"%PDF-1.4 udbudsbekendtgoerelse"
    fields = {**form_fields(TENDER_DOCUMENTS), "instance_id": iid,
              "notice_document": (io.BytesIO(pdf), "bekendtgørelse.pdf")}
    response = client.post(f"/tasks/{task.id}", data=fields,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    sha = hashlib.sha256(pdf).hexdigest()
    assert web_engine.show(iid)["data"]["notice_document"] == {
        "filename": "bekendtgørelse.pdf", "sha256": sha, "size": len(pdf)}
    overview = client.get(f"/instances/{iid}").get_data(as_text=True)
    assert "bekendtgørelse.pdf" in overview and "Låst" in overview
    download = client.get(f"/instances/{iid}/files/{sha}")
    assert download.status_code == 200 and download.data == pdf
    assert client.get(f"/instances/{iid}/files/{'0' * 64}").status_code == 404


def test_an_invented_file_reference_is_refused(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "tender_docs")
    task = open_task(web_engine, "tender_docs", iid)
    auth.login("anna")
    fake = '{"filename": "x.pdf", "sha256": "' + "a" * 64 + '", "size": 1}'
    response = client.post(f"/tasks/{task.id}", data={
        **form_fields(TENDER_DOCUMENTS), "instance_id": iid, "notice_document.__stored": fake})
    assert response.status_code == 422 and "Vedhæft den igen" in response.get_data(
        as_text=True)


def test_a_rule_violation_is_shown_at_its_field(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "tender_docs")
    task = open_task(web_engine, "tender_docs", iid)
    auth.login("anna")
    fields = form_fields(TENDER_DOCUMENTS)
    fields["tender_documents.evaluation_model.weights.price"] = "40"
    fields["tender_documents.minimum_requirements.0.id"] = ""
    fields["tender_documents.minimum_requirements.0.text"] = ""
    response = client.post(f"/tasks/{task.id}", data={**fields, "instance_id": iid})
    assert response.status_code == 422
    assert 'id="f-tender_documents-minimum_requirements-error"' in response.get_data(
        as_text=True)


def test_start_a_new_partnership(client, auth, web_engine):
    auth.login("anna")
    page = client.get("/instances").get_data(as_text=True)
    assert "Start nyt innovationspartnerskab" in page and "Titel på det nye" in page
    response = client.post("/instances/new", data={"title": "  "})  # a title is asked for
    assert response.headers["Location"].endswith("/instances")
    assert web_engine.instances() == []
    response = client.post("/instances/new", data={"title": "Færre fald i eget hjem"})
    assert response.status_code == 302
    iid = response.headers["Location"].rsplit("/", 1)[1]
    shown = web_engine.show(iid)
    assert (shown["model"], shown["title"]) == ("innovation_partnership",
                                                "Færre fald i eget hjem")
    listing = client.get("/instances").get_data(as_text=True)
    assert "Færre fald i eget hjem" in listing and "Innovationspartnerskab" in listing
    tasks = client.get("/tasks").get_data(as_text=True)
    assert "Færre fald i eget hjem" in tasks and f">{iid[:8]}<" not in tasks
    page = client.get(f"/instances/{iid}").get_data(as_text=True)
    assert "Beskriv behovet" in page and "Indkøb" in page


def test_every_post_needs_a_csrf_token(web_engine, tmp_path):
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": web_engine, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": True, "UPLOAD_FOLDER": str(tmp_path)})
    client = app.test_client()
    iid = web_engine.start("innovation_partnership", "anna", {})
    task = open_task(web_engine, "describe_need", iid)
    from .conftest import PASSWORD

    assert client.post("/login", data={"username": "anna", "password": PASSWORD}
                       ).status_code == 400
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": "anna", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    before = dump(web_engine)
    for url in (f"/tasks/{task.id}/claim", f"/tasks/{task.id}", "/instances/new",
                f"/tasks/{task.id}/unclaim", "/logout"):
        response = client.post(url, data={**form_fields(NEED), "instance_id": iid})
        assert response.status_code == 400, url
        assert "sikkerhedsnøgle" in response.get_data(as_text=True)
    assert dump(web_engine) == before
    token = csrf_token(client.get("/tasks").get_data(as_text=True))
    assert client.post(f"/tasks/{task.id}/claim", data={"csrf_token": token}
                       ).status_code == 302


def test_login_logout_and_session_expiry(client, auth, web_engine, app):
    assert client.get("/tasks").headers["Location"].startswith("/login")
    assert auth.login("anna", "forkert").status_code == 401
    assert auth.login("nobody").status_code == 401
    assert auth.login("anna").status_code == 302
    assert client.get("/tasks").status_code == 200
    with client.session_transaction() as session:
        session["seen"] -= app.permanent_session_lifetime.total_seconds() + 1
    response = client.get("/tasks")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login("anna")
    auth.logout()
    assert client.get("/tasks").status_code == 302


def test_login_redirects_only_within_the_site(client, web_engine):
    from .conftest import PASSWORD

    for target, expected in (("/instances", "/instances"), ("https://evil.example/", "/tasks"),
                             ("//evil.example/", "/tasks")):
        response = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                               "next": target})
        assert response.headers["Location"] == expected


def test_errors_show_plain_pages_without_traces(client, auth, web_engine, app, monkeypatch):
    auth.login("anna")
    assert client.get("/instances/nope").status_code == 404
    assert client.get("/tasks/nope").status_code == 404

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(web_engine, "instances", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/instances")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Noget gik galt" in page
    assert "secret internals" not in page and "Traceback" not in page

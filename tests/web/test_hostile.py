"""Hostile input gets a 4xx page with a message and changes nothing: not the database,
not the upload folder. Authorization comes before the form is read, and a file is
stored only when its submission is accepted."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.helpers import dump

from .conftest import NEED, TENDER_DOCUMENTS, form_fields, open_task, run_to


def files_in(app) -> list[str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


@pytest.fixture
def need_task(web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    return iid, open_task(web_engine, "describe_need", iid).id


@pytest.fixture
def docs_task(web_engine, clock):
    iid = run_to(web_engine, clock, "tender_docs")
    return iid, open_task(web_engine, "tender_docs", iid).id


def refused(client, app, web_engine, send, status: int, text: str) -> None:
    """``send()`` is answered ``status`` with ``text`` on the page; nothing changed."""
    before, stored = dump(web_engine), files_in(app)
    response = send()
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert text in page
    assert dump(web_engine) == before
    assert files_in(app) == stored


NEED_CASES = {  # field: (value, status, what the page says)
    "estimated_value": ("9" * 5000, 422, "Tallet har for mange cifre"),
    "need": ("x" * 200_000, 413, "Et felt er for langt"),
}


@pytest.mark.parametrize("field", sorted(NEED_CASES))
def test_oversized_values_are_refused(client, auth, app, web_engine, need_task, field):
    iid, tid = need_task
    value, status, text = NEED_CASES[field]
    auth.login("anna")
    refused(client, app, web_engine, lambda: client.post(
        f"/tasks/{tid}", data={**form_fields(NEED), "instance_id": iid, field: value}),
        status, text)


def test_an_amount_that_would_be_infinite_is_refused(client, auth, app, web_engine,
                                                     need_task):
    iid, tid = need_task
    auth.login("anna")
    huge = "1" + "0" * 400 + ",5"  # float() of this is inf: PostgreSQL refuses it in JSON
    refused(client, app, web_engine, lambda: client.post(
        f"/tasks/{tid}", data={**form_fields(NEED), "instance_id": iid,
                               "estimated_value": huge}), 422, "for mange cifre")


def test_too_many_fields_are_refused(client, auth, app, web_engine, need_task):
    iid, tid = need_task
    auth.login("anna")
    extra = {f"x{i}": "1" for i in range(1500)}
    refused(client, app, web_engine, lambda: client.post(
        f"/tasks/{tid}", data={**form_fields(NEED), "instance_id": iid, **extra}),
        413, "for mange felter")


@pytest.mark.parametrize("where", ["field", "login", "task id", "query"])
def test_a_nul_byte_is_refused(client, auth, app, web_engine, need_task, where):
    iid, tid = need_task
    if where == "login":
        send = lambda: client.post("/login", data={"username": "an\x00na",  # noqa: E731
                                                   "password": "x"})
    else:
        auth.login("anna")
        send = {
            "field": lambda: client.post(f"/tasks/{tid}", data={
                **form_fields(NEED), "instance_id": iid, "need": "a\x00b"}),
            "task id": lambda: client.get(f"/tasks/{tid}%00"),
            "query": lambda: client.get("/tasks?instance=a%00b&model=x"),
        }[where]
    refused(client, app, web_engine, send, 400, "NUL")


def test_english_message_with_the_switch(client, auth, app, web_engine, need_task):
    iid, tid = need_task
    auth.login("anna")
    client.get("/language/en")
    refused(client, app, web_engine, lambda: client.get("/tasks?model=a%00b"), 400,
            "cannot be used (NUL)")


def test_a_deep_json_file_reference_is_refused(client, auth, app, web_engine, docs_task):
    iid, tid = docs_task
    auth.login("anna")
    deep = "[" * 40_000 + "]" * 40_000  # RecursionError in json.loads before
    refused(client, app, web_engine, lambda: client.post(f"/tasks/{tid}", data={
        **form_fields(TENDER_DOCUMENTS), "instance_id": iid,
        "notice_document.__stored": deep}), 422, "Vedhæft den igen")


def test_a_notified_date_in_year_9999_is_refused(client, auth, app, web_engine, clock):
    from datetime import datetime

    iid = run_to(web_engine, clock, "award_decision")
    clock.set(datetime(2026, 3, 23, 10, 0))
    tid = open_task(web_engine, "award_decision", iid).id
    auth.login("lea")
    refused(client, app, web_engine, lambda: client.post(f"/tasks/{tid}", data={
        "instance_id": iid, "award.winner": "Sundhed ApS", "award.notified": "31-12-9999"}),
        422, "mellem år 1900 og 2999")


def test_the_engine_refuses_a_year_9999_in_a_deadline_rule():
    from engine.errors import RuleViolation
    from engine.rules import deadlines

    with pytest.raises(RuleViolation) as caught:  # OverflowError before
        deadlines.check_application_deadline("9999-12-31", "9999-12-31")
    assert caught.value.field == "dispatch" and caught.value.hint


@pytest.mark.parametrize("user", ["eva", "anna"])  # outside the lane, in the lane
def test_a_huge_row_count_is_refused_fast(client, auth, app, web_engine, docs_task, user):
    iid, tid = docs_task
    auth.login(user)
    fields = {**form_fields(TENDER_DOCUMENTS), "instance_id": iid,
              "tender_documents.minimum_requirements.__rows": "1000000000"}
    status, text = (403, "Du har ikke adgang") if user == "eva" else (413, "højst 500")
    refused(client, app, web_engine, lambda: client.post(f"/tasks/{tid}", data=fields),
            status, text)
    fields["_add"] = "tender_documents.minimum_requirements"  # and when adding a row
    refused(client, app, web_engine, lambda: client.post(f"/tasks/{tid}", data=fields),
            status, text)


def test_row_counts_are_bounded_in_all_tables_together():
    from werkzeug.datastructures import MultiDict

    from webui.forms import MAX_ROWS, too_many_rows

    tables = MultiDict({f"a.{i}.b.__rows": str(MAX_ROWS) for i in range(4)})
    assert too_many_rows(tables) is None
    tables.add("a.4.b.__rows", "1")  # 2,001 rows in all: tables inside tables multiply
    assert too_many_rows(tables) == "a.4.b"
    assert too_many_rows(MultiDict({"a.__rows": "-1"})) == "a"
    assert too_many_rows(MultiDict({"a.__rows": "1", "_remove": "a.99999999"})) == "a.99999999"


def test_an_upload_over_the_limit_gets_a_413_page(web_engine, tmp_path, need_task):
    from webui import create_app

    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": web_engine, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "up"),
                      "MAX_CONTENT_LENGTH": 1024 * 1024})
    client = app.test_client()
    from .conftest import PASSWORD

    client.post("/login", data={"username": "anna", "password": PASSWORD})
    iid, tid = need_task
    refused(client, app, web_engine, lambda: client.post(
        f"/tasks/{tid}", data={**form_fields(NEED), "instance_id": iid,
                               "f": (io.BytesIO(b"x" * 2_000_000), "big.pdf")},
        content_type="multipart/form-data"), 413, "højst 1 MB")


# ------------------------------------------------------------------ uploads (defect 8)
def upload(fields: dict, content: bytes) -> dict:
    return {**fields, "notice_document": (io.BytesIO(content), "bekendtgørelse.pdf")}


def test_an_outsider_s_upload_is_not_stored(client, auth, app, web_engine, docs_task):
    iid, tid = docs_task
    auth.login("eva")  # Evaluering: not the lane of tender_docs
    fields = {**form_fields(TENDER_DOCUMENTS), "instance_id": iid}
    refused(client, app, web_engine, lambda: client.post(
        f"/tasks/{tid}", data=upload(fields, b"%PDF outsider"),
        content_type="multipart/form-data"), 403, "Du har ikke adgang")


def test_a_refused_submission_stores_no_file(client, auth, app, web_engine, docs_task):
    iid, tid = docs_task
    auth.login("anna")
    fields = {**form_fields(TENDER_DOCUMENTS), "instance_id": iid}
    fields["tender_documents.minimum_requirements.0.id"] = ""  # a rule needs one
    fields["tender_documents.minimum_requirements.0.text"] = ""
    refused(client, app, web_engine, lambda: client.post(
        f"/tasks/{tid}", data=upload(fields, b"%PDF refused"),
        content_type="multipart/form-data"), 422, "Vedhæft filen igen")


def test_a_file_is_stored_only_once_the_completion_commits(client, auth, app, web_engine,
                                                           docs_task, monkeypatch):
    iid, tid = docs_task
    auth.login("anna")
    fields = {**form_fields(TENDER_DOCUMENTS), "instance_id": iid}
    from engine.errors import Conflict

    def busy(*args, **kwargs):
        raise Conflict("someone else changed this instance at the same time")

    monkeypatch.setattr(web_engine, "complete", busy)  # the completion fails at commit
    refused(client, app, web_engine, lambda: client.post(
        f"/tasks/{tid}", data=upload(fields, b"%PDF conflict"),
        content_type="multipart/form-data"), 409, "Nogen kom før dig")
    monkeypatch.undo()
    response = client.post(f"/tasks/{tid}", data=upload(fields, b"%PDF accepted"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    sha = web_engine.show(iid)["data"]["notice_document"]["sha256"]
    assert files_in(app) == [iid, f"{iid}/{sha}"]
    assert (Path(app.config["UPLOAD_FOLDER"]) / iid / sha).read_bytes() == b"%PDF accepted"

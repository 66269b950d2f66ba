"""The partnership page's letters (Breve) and its cancel verb (Annuller udbud): who sees
the button, the mandatory reason refused next to its field, a stale form, CSRF, and the
letters as HTML (with charset) and PDF."""
from __future__ import annotations

import pytest

from tests.helpers import dump
from tests.test_innovation_partnership import THREE, Scenario, docs, qualified
from webui import create_app

from .conftest import csrf_token

REASON = "Regionen har omprioriteret budgettet, og behovet dækkes ikke i denne periode."


@pytest.fixture
def procedure(web_engine, clock) -> str:
    """A procedure of the real model with three applicants selected and invited."""
    s = Scenario(web_engine, clock)
    s.tender(docs(), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()
    return s.iid


def version(web_engine, iid: str) -> str:
    return str(web_engine.show(iid)["lock_version"])


@pytest.mark.parametrize("role, may", [("anna", True), ("lea", True), ("eva", False),
                                       ("jens", False), ("audrey", False)])
def test_the_cancel_button_only_for_those_who_may_cancel(client, auth, procedure, role, may):
    auth.login(role)
    page = client.get(f"/instances/{procedure}").get_data(as_text=True)
    assert ("Annuller udbud" in page) is may
    form = client.get(f"/instances/{procedure}/cancel")
    assert form.status_code == (200 if may else 403)


@pytest.mark.parametrize("role, status", [("eva", 403), ("jens", 403), ("audrey", 403),
                                          ("olaf", 404)])
def test_others_cannot_cancel_and_nothing_changes(client, auth, web_engine, procedure,
                                                  role, status):
    auth.login(role)
    before = dump(web_engine)
    response = client.post(f"/instances/{procedure}/cancel",
                           data={"reason": REASON,
                                 "expected_version": version(web_engine, procedure)})
    assert response.status_code == status
    assert dump(web_engine) == before


@pytest.mark.parametrize("reason, words", [
    ("", "Skriv begrundelsen for at annullere udbuddet"),
    ("   \r\n  ", "Skriv begrundelsen for at annullere udbuddet"),
    ("Bortfaldet\x1b[2J", "usynlige kontroltegn"),
    ("x" * 4001, "for lang (højst 4000 tegn)"),
])
def test_a_missing_or_bad_reason_is_refused_next_to_the_field(client, auth, web_engine,
                                                              procedure, reason, words):
    auth.login("anna")
    before = dump(web_engine)
    response = client.post(f"/instances/{procedure}/cancel",
                           data={"reason": reason,
                                 "expected_version": version(web_engine, procedure)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert words in page  # the message and what to do, in Danish
    assert 'id="reason-error"' in page and 'aria-invalid="true"' in page
    assert dump(web_engine) == before


def test_a_nul_byte_is_refused_before_the_view_and_nothing_changes(client, auth, web_engine,
                                                                   procedure):
    auth.login("anna")
    before = dump(web_engine)
    response = client.post(f"/instances/{procedure}/cancel",
                           data={"reason": "Bortfaldet\x00", "expected_version":
                                 version(web_engine, procedure)})
    assert response.status_code == 400
    assert "tegn, der ikke kan bruges (NUL)" in response.get_data(as_text=True)
    assert dump(web_engine) == before


def test_the_refusal_in_english_on_request(client, auth, web_engine, procedure):
    auth.login("anna")
    client.get("/language/en")
    response = client.post(f"/instances/{procedure}/cancel",
                           data={"reason": " ", "expected_version": version(web_engine,
                                                                            procedure)})
    assert response.status_code == 422
    assert "Write the reason for cancelling the procedure" in response.get_data(as_text=True)


def test_cancel_from_the_page_sends_letters_to_every_participant(client, auth, web_engine,
                                                                 procedure):
    auth.login("lea")
    response = client.post(f"/instances/{procedure}/cancel",
                           data={"reason": REASON,
                                 "expected_version": version(web_engine, procedure)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/instances/{procedure}/letters")
    assert web_engine.show(procedure)["status"] == "cancelled"
    listing = client.get(f"/instances/{procedure}/letters").get_data(as_text=True)
    assert "Udbuddet er annulleret" in listing and "Annuller udbud" not in listing
    cancelled = [r for r in web_engine.letters(procedure) if r["kind"] == "cancellation"]
    assert sorted(r["addressee"] for r in cancelled) == sorted(THREE)
    page = client.get(f"/instances/{procedure}/letters/{cancelled[0]['id']}")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert REASON in page.get_data(as_text=True)
    pdf = client.get(f"/instances/{procedure}/letters/{cancelled[0]['id']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_a_stale_form_is_a_conflict_and_cancels_nothing(client, auth, web_engine, procedure):
    auth.login("anna")
    old = version(web_engine, procedure)
    # someone else changes the procedure while the form is open: claims its next task
    web_engine.claim(web_engine.tasks(instance_id=procedure)[0].id, "anna")
    assert version(web_engine, procedure) != old
    before = dump(web_engine)
    response = client.post(f"/instances/{procedure}/cancel",
                           data={"reason": REASON, "expected_version": old})
    assert response.status_code == 409
    assert "blev ændret af en anden" in response.get_data(as_text=True)
    assert dump(web_engine) == before


def test_an_ended_procedure_cannot_be_cancelled_again(client, auth, web_engine, procedure):
    web_engine.cancel(procedure, "lea", REASON)
    auth.login("anna")
    assert "Annuller udbud" not in client.get(f"/instances/{procedure}").get_data(
        as_text=True)
    assert client.get(f"/instances/{procedure}/cancel").status_code == 403
    response = client.post(f"/instances/{procedure}/cancel", data={"reason": REASON})
    assert response.status_code == 409


def test_the_cancel_form_needs_its_csrf_token(web_engine, procedure, tmp_path):
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": web_engine, "SECRET_KEY": "test",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "anna", "password": "korrekt hest batteri",
                                "csrf_token": csrf_token(login)})
    form = client.get(f"/instances/{procedure}/cancel").get_data(as_text=True)
    before = dump(web_engine)
    refused = client.post(f"/instances/{procedure}/cancel", data={"reason": REASON})
    assert refused.status_code == 400 and dump(web_engine) == before
    done = client.post(f"/instances/{procedure}/cancel",
                       data={"reason": REASON, "csrf_token": csrf_token(form),
                             "expected_version": version(web_engine, procedure)})
    assert done.status_code == 302
    assert web_engine.show(procedure)["status"] == "cancelled"


@pytest.mark.parametrize("role, status", [("eva", 200), ("audrey", 200), ("olaf", 404)])
def test_the_letters_tab_for_staff_and_auditors(client, auth, web_engine, procedure, role,
                                                status):
    [first, *_] = web_engine.letters(procedure)
    auth.login(role)
    listing = client.get(f"/instances/{procedure}/letters")
    assert listing.status_code == status
    for route in (f"/instances/{procedure}/letters/{first['id']}",
                  f"/instances/{procedure}/letters/{first['id']}.pdf"):
        response = client.get(route)
        assert response.status_code == status
        if status == 404:
            assert b"Alfa Care" not in response.data
    if status == 200:
        assert "Breve til deltagerne" in listing.get_data(as_text=True)
        assert "Jeres ansøgning er udvalgt" in listing.get_data(as_text=True)


def test_a_letter_is_found_only_under_its_own_procedure(client, auth, web_engine, procedure):
    [first, *_] = web_engine.letters(procedure)
    other = web_engine.start("innovation_partnership", "anna", {"title": "Et andet"})
    auth.login("anna")
    assert client.get(f"/instances/{other}/letters/{first['id']}").status_code == 404
    assert client.get(f"/instances/{procedure}/letters/999999").status_code == 404


def test_the_reason_texts_of_the_engine_are_in_the_catalogue():
    from engine.rules import cancellation
    from webui.cancel import REASON_TEXTS

    assert REASON_TEXTS == (cancellation.BLANK, cancellation.TOO_LONG, cancellation.CONTROL)

"""Logging in: lockout per user name and per address, the same work for unknown names,
sessions that end on the server at logout, a Secure-cookie setting; and the security
headers on every page."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import passwords
from webui import create_app
from webui.security import HEADERS

from .conftest import PASSWORD, open_task


def login(client, name: str, password: str = PASSWORD):
    return client.post("/login", data={"username": name, "password": password})


def test_five_wrong_passwords_lock_the_user_until_the_lockout_ends(client, web_engine,
                                                                   clock):
    for _ in range(5):
        assert login(client, "anna", "forkert").status_code == 401
    response = login(client, "anna")  # the right password, but locked: 40 before
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "For mange forkerte adgangskoder" in page and "Prøv igen efter" in page
    assert client.get("/tasks").status_code == 302  # not logged in
    assert login(client, "eva").status_code == 302  # another user is not locked
    clock.set(clock() + timedelta(minutes=16))
    assert login(client, "anna").status_code == 302  # the lockout has ended


def test_a_locked_login_checks_no_password(client, web_engine, monkeypatch):
    for _ in range(5):
        login(client, "anna", "forkert")
    from engine import logins

    calls = []
    monkeypatch.setattr(logins, "password_matches", lambda *a: calls.append(a) or True)
    assert login(client, "anna").status_code == 429 and calls == []
    monkeypatch.undo()
    assert login(client, "anna").status_code == 429  # and says no to the right one


def test_one_address_is_locked_after_many_names(client, web_engine):
    for i in range(20):  # four times the per-name limit, spread over names
        assert login(client, f"gæt{i % 4}", "forkert").status_code == 401
    assert login(client, "eva").status_code == 429


def test_an_unknown_user_costs_a_full_password_check(client, web_engine, monkeypatch):
    verified = []
    real = passwords._HASHER

    class Spy:
        def verify(self, stored, password):
            verified.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(passwords, "_HASHER", Spy())
    assert login(client, "ingen-sådan-bruger", "hvadsomhelst").status_code == 401
    assert verified == [passwords.dummy_hash()]
    assert passwords.dummy_hash().startswith("$argon2id$")
    assert login(client, "anna", "forkert").status_code == 401  # a known user: one too
    assert len(verified) == 2 and verified[1] != passwords.dummy_hash()
    assert not passwords.check_password(None, "")  # the dummy never lets anyone in


def test_a_copied_cookie_is_refused_after_logout(app, web_engine):
    first = app.test_client()
    assert login(first, "anna").status_code == 302
    cookie = first.get_cookie("session").value
    copy = app.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/tasks").status_code == 200  # the copy works while logged in
    first.post("/logout")
    response = copy.get("/tasks")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    iid = web_engine.start("innovation_partnership", "anna", {})
    tid = open_task(web_engine, "describe_need", iid).id
    assert copy.post(f"/tasks/{tid}/claim").status_code == 302
    assert open_task(web_engine, "describe_need", iid).assignee is None


@pytest.mark.parametrize("value", ["on", "off"])
def test_secure_cookies_setting(web_engine, tmp_path, monkeypatch, value):
    monkeypatch.setenv("OPIFLOW_SECURE_COOKIES", value)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": web_engine, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path)})
    response = login(app.test_client(), "anna")
    cookie = response.headers["Set-Cookie"]
    assert ("; Secure" in cookie) == (value == "on"), cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_every_page_has_the_security_headers(client, auth, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    tid = open_task(web_engine, "describe_need", iid).id
    pages = ["/login", "/nowhere", "/static/style.css",
             "/bpmn-js/bpmn-navigated-viewer.production.min.js"]
    for url in pages:
        response = client.get(url)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (url, name)
    auth.login("anna")
    pages = ["/tasks", f"/tasks/{tid}", "/instances", f"/instances/{iid}",
             f"/instances/{iid}/diagram", f"/instances/{iid}/evaluation",
             f"/instances/{iid}/history", "/tasks?model=%00"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (url, name)
    policy = HEADERS["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_the_diagram_file_is_a_download_that_runs_nothing(client, auth, web_engine):
    iid = web_engine.start("innovation_partnership", "anna", {})
    auth.login("anna")
    response = client.get(f"/instances/{iid}/diagram.bpmn")
    assert response.status_code == 200 and response.data.startswith(b"<?xml")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"].startswith("application/xml")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_behind_a_trusted_proxy_the_person_s_address_counts(web_engine, tmp_path):
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": web_engine, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path),
                      "OPIFLOW_TRUSTED_PROXIES": 1})
    client = app.test_client()

    def from_address(address: str, name: str, password: str = PASSWORD):
        return client.post("/login", data={"username": name, "password": password},
                           headers={"X-Forwarded-For": address})

    for i in range(20):
        assert from_address("10.0.0.1", f"gæt{i % 4}", "forkert").status_code == 401
    assert from_address("10.0.0.1", "eva").status_code == 429
    assert from_address("10.0.0.2", "eva").status_code == 302  # another person: not locked

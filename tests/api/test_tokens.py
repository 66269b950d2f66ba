"""Personal API tokens: made and revoked in the web UI, stored hashed, refused when
revoked or expired, acting as their user and named in the audit log."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import ApiToken
from engine.tokens import digest
from tests.helpers import dump
from tests.web.conftest import Auth

PROBLEM = "application/problem+json"


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_user_makes_a_token_in_the_web_ui_and_sees_it_once(app, web_engine):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    Auth(client).login("anna")
    page = client.post("/account/tokens", data={"name": "sagssystem", "expires_at": ""})
    assert page.status_code == 200
    secret = re.search(r'<code id="new-secret">([^<]+)</code>', page.get_data(as_text=True))
    assert secret, "the new secret is shown"
    secret = secret.group(1)
    with web_engine.uow() as uow:
        stored = uow.session.scalars(select(ApiToken.secret_hash)).one()
    assert stored == digest(secret) and secret not in str(dump(web_engine))
    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and "sagssystem" in again
    other = app.test_client()
    me = other.get("/api/v1/me", headers=_bearer(secret)).get_json()
    assert me["name"] == "anna" and me["token"] == "sagssystem"
    assert me["authority"] == "Region Hovedstaden" and me["groups"] == ["Indkøb"]


def test_a_token_name_must_be_given_and_unique(app, web_engine):
    client = app.test_client()
    Auth(client).login("anna")
    before = dump(web_engine)
    empty = client.post("/account/tokens", data={"name": " "})
    assert empty.status_code == 422 and "Giv nøglen et navn" in empty.get_data(as_text=True)
    past = client.post("/account/tokens", data={"name": "x", "expires_at": "2020-01-01"})
    assert past.status_code == 422 and "Udløbsdatoen" in past.get_data(as_text=True)
    assert dump(web_engine) == before
    web_engine.create_token("anna", "sagssystem")
    taken = client.post("/account/tokens", data={"name": "sagssystem"})
    assert taken.status_code == 422


def test_a_revoked_token_is_refused(app, web_engine):
    secret = web_engine.create_token("anna", "sagssystem")
    client = app.test_client()
    assert client.get("/api/v1/tasks", headers=_bearer(secret)).status_code == 200
    Auth(client).login("anna")
    token_id = web_engine.tokens("anna")[0].id
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    Auth(client).logout()
    refused = client.get("/api/v1/tasks", headers=_bearer(secret))
    assert refused.status_code == 401 and refused.content_type == PROBLEM
    problem = refused.get_json()
    assert problem["detail"] == "the token 'sagssystem' has been revoked"
    assert problem["hint"] == "create a new token"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_one_cannot_revoke_another_users_token(app, web_engine):
    web_engine.create_token("anna", "sagssystem")
    token_id = web_engine.tokens("anna")[0].id
    client = app.test_client()
    Auth(client).login("eva")
    before = dump(web_engine)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert dump(web_engine) == before


def test_an_expired_token_is_refused(app, web_engine, clock):
    secret = web_engine.create_token("anna", "sagssystem",
                                     expires_at=clock() + timedelta(days=1))
    client = app.test_client()
    assert client.get("/api/v1/tasks", headers=_bearer(secret)).status_code == 200
    clock.set(clock() + timedelta(days=2))
    refused = client.get("/api/v1/tasks", headers=_bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["detail"] == "the token 'sagssystem' has expired"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic YW5uYTpoZXN0", "Bearer "])
def test_a_bad_authorization_header_is_refused(app, web_engine, header):
    before = dump(web_engine)
    response = app.test_client().post("/api/v1/instances", headers={"Authorization": header},
                                      json={})
    assert response.status_code == 401 and response.content_type == PROBLEM
    assert response.get_json()["hint"]
    assert dump(web_engine) == before


def test_a_token_of_one_authority_sees_nothing_of_another(api, web_engine):
    ours = web_engine.start("innovation_partnership", "anna", {"title": "Hovedstadens"})
    theirs = web_engine.start("innovation_partnership", "olaf", {"title": "Sjællands"})
    olaf = api.as_("olaf")
    assert [i["id"] for i in olaf.get("/instances").get_json()] == [theirs]
    assert {t["instance_id"] for t in olaf.get("/tasks").get_json()} == {theirs}
    task = web_engine.tasks(instance_id=ours)[0].id
    for path in (f"/instances/{ours}", f"/instances/{ours}/history", f"/tasks/{task}",
                 f"/instances/{ours}/exports/ocds", f"/instances/{ours}/verify"):
        response = olaf.get(path)
        assert response.status_code == 404, path
        assert "Hovedstadens" not in response.get_data(as_text=True)
    before = dump(web_engine)
    assert olaf.post(f"/tasks/{task}/claim").status_code == 404
    assert olaf.post(f"/instances/{ours}/cancel", json={"reason": "x"}).status_code == 404
    assert dump(web_engine) == before


def test_every_change_names_the_user_and_the_token_and_the_chain_holds(api, web_engine):
    started = api.as_("anna").post("/instances", json={}).get_json()
    task = started["open_tasks"][0]["id"]
    api.as_("anna").post(f"/tasks/{task}/claim")
    web_engine.unclaim(task, "anna")  # the web UI or the command line: no token
    actors = [e["actor"] for e in web_engine.history(started["id"])]
    assert actors == ["anna (token: sagssystem)", "anna (token: sagssystem)", "anna"]
    assert web_engine.verify(started["id"]).ok
    assert web_engine.show(started["id"])["started_by"] == "anna"


def test_the_token_page_is_in_the_user_menu(app, web_engine):
    client = app.test_client()
    Auth(client).login("anna")
    page = client.get("/tasks").get_data(as_text=True)
    assert 'href="/account/tokens"' in page
    assert client.get("/account/tokens").status_code == 200
    Auth(client).logout()
    assert client.get("/account/tokens").status_code == 302

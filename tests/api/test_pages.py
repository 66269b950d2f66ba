"""The pages this area adds (API tokens, inbox, API docs) name every control, have one
h1 and a skip link, and read in Danish and in English."""
from __future__ import annotations

from tests.web.conftest import Auth
from tests.web.test_accessibility import check, unnamed


def test_every_control_is_named(app, web_engine):
    client = app.test_client()
    Auth(client).login("anna")
    for url in ("/account/tokens", "/inbox", "/api/v1/docs"):
        check(client, url)
    check(client, "/account/tokens", "post", {"name": ""}, expect=(422,))
    check(client, "/account/tokens", "post", {"name": "sagssystem"})
    check(client, "/inbox/settings", "post", {"email": "x y", "delivery": "inbox"},
          expect=(422,))


def test_the_pages_read_in_english(app, web_engine):
    client = app.test_client()
    Auth(client).login("anna")
    client.get("/language/en")
    tokens = client.get("/account/tokens").get_data(as_text=True)
    assert "My API tokens" in tokens and "Mine API-nøgler" not in tokens
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "What do you want to be told?" in inbox and unnamed(inbox) == []

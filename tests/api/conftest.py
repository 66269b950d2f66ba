"""Fixtures for the REST API: the web UI's app and people, each with an API token."""
from __future__ import annotations

import pytest

from tests.web import conftest as web
from tests.web.conftest import PEOPLE

app, web_engine = web.app, web.web_engine  # the web UI's fixtures, shared


class Api:
    """Calls /api/v1 with a person's token: ``api.as_("eva").get("/tasks")``."""

    def __init__(self, client, tokens: dict[str, str], user: str | None = None):
        self.client, self.tokens, self.user = client, tokens, user

    def as_(self, user: str | None) -> Api:
        return Api(self.client, self.tokens, user)

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.tokens[self.user]}"} if self.user else {}

    def get(self, path: str, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers(), **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post("/api/v1" + path, headers=self.headers(), json=json,
                                **kwargs)


@pytest.fixture
def tokens(web_engine) -> dict[str, str]:
    return {name: web_engine.create_token(name, "sagssystem") for name in PEOPLE}


@pytest.fixture
def api(app, tokens) -> Api:
    return Api(app.test_client(), tokens)

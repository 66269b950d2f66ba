"""In a real browser: make an API token from the user menu, copy it, use it with the API,
revoke it, and see the API refuse it; the docs page opens too."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.web.test_browser import chromium, login, server, shot  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def _api(base: str, secret: str, path: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}/api/v1{path}",
                                     headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_make_use_and_revoke_a_token(chromium, server):  # noqa: F811 - fixtures
    base, engine, _clock = server
    page = chromium.new_page()
    login(page, base, "anna")
    page.get_by_role("link", name="Mine API-nøgler").click()
    page.get_by_label("Navn").fill("sagssystem")
    page.get_by_role("button", name="Opret API-nøgle").click()
    secret = page.locator("#new-secret").inner_text()
    shot(page, "api-token-made")
    assert secret.startswith("opi_")
    status, me = _api(base, secret, "/me")
    assert status == 200 and me["name"] == "anna" and me["token"] == "sagssystem"
    page.get_by_role("button", name="Tilbagekald sagssystem").click()
    assert page.get_by_text("API-nøglen er tilbagekaldt").is_visible()
    status, problem = _api(base, secret, "/me")
    assert status == 401 and problem["detail"] == "the token 'sagssystem' has been revoked"
    page.goto(f"{base}/api/v1/docs")
    assert page.get_by_role("heading", name="POST /api/v1/tasks/{task_id}/complete").is_visible()

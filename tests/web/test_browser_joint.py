"""Joint public scaling in a real browser: the facilitator invites, two participants each
answer in their own task list, one joins with its demand and one declines; the
facilitator sees both answers and the demand; the one that declined no longer sees the
process. On SQLite and PostgreSQL. Screenshots go to test-output/screenshots/."""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest

from engine import demo_joint as dj
from engine.clock import FixedClock
from engine.demo import USERS
from engine.runtime import Engine
from webui import create_app

from .conftest import PASSWORD, password_hash
from .test_browser import chromium, shot  # noqa: F401 - the browser fixture

WORKFLOWS = Path(__file__).parent.parent.parent / "workflows"
pytestmark = pytest.mark.browser


@pytest.fixture
def joint_server(database_url, tmp_path):
    from werkzeug.serving import make_server

    clock = FixedClock(datetime(2023, 3, 15, 9, 0))
    engine = Engine(database_url, workflows_dir=WORKFLOWS, clock_fn=clock)
    engine.init_db()
    engine.deploy()
    for user in USERS:
        engine.add_user(user.name, user.authority, list(user.groups), full_name=user.full_name,
                        password_hash=password_hash())
    app = create_app({"OPIFLOW_ENGINE": engine, "SECRET_KEY": "browser-test",
                      "OPIFLOW_SCHEDULER": "off", "UPLOAD_FOLDER": str(tmp_path / "up")})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", engine, clock
    srv.shutdown()
    thread.join(5)
    engine.sql.dispose()


def login(page, base: str, name: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Brugernavn").fill(name)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{base}/tasks")


def test_facilitator_and_two_participants(chromium, joint_server):  # noqa: F811
    base, engine, clock = joint_server
    d = dj.JointDriver(engine, clock)
    d.start()
    d.do("Registrer innovationsbehovet", "copi", dj.need())
    page = chromium.new_page(viewport={"width": 1280, "height": 900})

    # the facilitator invites two authorities in the browser
    login(page, base, "copi")
    page.get_by_role("link", name="Inviter myndigheder").click()
    page.get_by_label("Inviterede myndigheder").fill("Aalborg Kommune\nVejle Kommune")
    page.get_by_label("Inviteret den").fill("2023-03-15")
    page.get_by_role("button", name="Afslut opgaven").click()
    page.wait_for_url(f"{base}/joint/{d.iid}")
    assert "Inviteret" in page.locator("#parties").inner_text()
    shot(page, "joint-01-invited")

    # Aalborg joins with its demand, from its own task list
    login(page, base, "aalborg")
    page.get_by_role("link", name="Svar på invitationen").click()
    page.get_by_label("Vi deltager").check()
    page.get_by_label("Anslået antal enheder om året").fill("1200")
    page.get_by_label("Anslået budget om året").fill("25.000.000")
    page.get_by_role("button", name="Afslut opgaven").click()
    page.wait_for_url(f"{base}/joint/{d.iid}")
    assert "Du ser forløbet som deltager" in page.inner_text("main")
    shot(page, "joint-02-participant")

    # Vejle declines, first forgetting the reason: the refusal is shown at the field
    login(page, base, "vejle")
    page.get_by_role("link", name="Svar på invitationen").click()
    page.get_by_role("button", name="Afslut opgaven").click()
    assert "hvorfor" in page.inner_text("main").lower()
    page.get_by_label("Hvis I ikke deltager: hvorfor?").fill("Ikke prioriteret i år.")
    page.get_by_role("button", name="Afslut opgaven").click()
    page.wait_for_url(f"{base}/**")
    response = page.goto(f"{base}/joint/{d.iid}")
    assert response.status == 404
    assert dj.TITLE not in page.inner_text("main")
    page.goto(f"{base}/joint")
    assert dj.TITLE not in page.inner_text("main")

    # the facilitator sees both answers and the demand gathered
    login(page, base, "copi")
    page.goto(f"{base}/joint/{d.iid}")
    parties = page.locator("#parties").inner_text()
    assert "Aalborg Kommune" in parties and "Takket nej" in parties
    assert "1.200" in parties and "25.000.000" in parties
    assert "Fælles behovsafdækning" in page.inner_text("main")  # what waits next
    shot(page, "joint-03-facilitator")

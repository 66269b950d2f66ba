"""End to end in a real browser (Debian's Chromium through Playwright): log in, claim a
task, submit the form with an error, see it at the field, fix it, complete, see the next
task and the diagram marking move. Screenshots go to test-output/screenshots/."""
from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine.runtime import Engine
from webui import create_app

from .conftest import DATA, PASSWORD, add_people, run_to

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path):
    """The app on a SQLite file, served by werkzeug on a free port in a thread."""
    from werkzeug.serving import make_server

    clock = FixedClock(datetime(2026, 3, 2, 9, 0))
    engine = Engine(f"sqlite:///{tmp_path / 'browser.db'}", workflows_dir=DATA, clock_fn=clock)
    engine.init_db()
    engine.deploy(DATA)
    add_people(engine)
    app = create_app({"OPIFLOW_ENGINE": engine, "SECRET_KEY": "browser-test",
                      "OPIFLOW_SCHEDULER": "off", "UPLOAD_FOLDER": str(tmp_path / "up")})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", engine, clock
    srv.shutdown()
    thread.join(5)
    engine.sql.dispose()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Brugernavn").fill(name)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{base}/tasks")


def marker(page, element: str) -> str:
    page.wait_for_selector("#canvas[data-ready='true']")
    return page.eval_on_selector(f"g.djs-element[data-element-id='{element}']",
                                 "el => el.getAttribute('class')")


def test_claim_fix_an_error_complete_and_see_the_process_move(chromium, server):
    base, engine, clock = server
    late = run_to(engine, clock, "sign_contract")  # a partnership far along, for pictures
    iid = engine.start("innovation_partnership", "anna", {})
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login")
    shot(page, "01-login")
    login(page, base, "anna")

    row = page.locator("tr", has=page.get_by_role("link", name="Beskriv behovet")).filter(
        has_text=iid[:8])
    row.get_by_role("button", name="Tag opgaven").click()
    page.wait_for_selector("text=Du har overtaget opgaven.")
    page.goto(f"{base}/tasks")
    assert "Beskriv behovet" in page.locator("table.tasks").first.inner_text()
    shot(page, "02-task-list")

    page.goto(f"{base}/instances/{iid}/diagram")
    assert "state-active" in marker(page, "describe_need")
    page.goto(f"{base}/tasks")
    page.locator("table.tasks").first.get_by_role("link", name="Beskriv behovet").click()
    page.get_by_label("Behov").first.fill("Overvågning af patienter i eget hjem")
    page.get_by_label("Anslået samlet værdi").fill("mange penge")
    page.get_by_role("button", name="Afslut opgaven").click()
    error = page.locator("#f-estimated_value-error")
    assert "Skriv et tal" in error.inner_text()
    assert page.get_by_label("Anslået samlet værdi").input_value() == "mange penge"
    assert "Overvågning" in page.get_by_label("Behov").first.input_value()
    assert page.locator("#f-justification-error").is_visible()
    shot(page, "03-form-with-errors")

    page.get_by_label("Anslået samlet værdi").fill("2.500.000")
    page.get_by_label("Hvorfor findes løsningen ikke på markedet?").fill(
        "Ingen løsning på markedet måler det, vi skal bruge.")
    page.get_by_label("Løsningen findes ikke allerede på markedet").check()
    page.get_by_role("button", name="Afslut opgaven").click()
    page.wait_for_url(f"{base}/instances/{iid}")
    assert "Godkend behovet" in page.locator("#h-waiting + table").inner_text()
    assert "2.500.000" in page.inner_text("main")
    shot(page, "04-overview-after-complete")

    page.goto(f"{base}/instances/{iid}/diagram")
    assert "state-completed" in marker(page, "describe_need")
    assert "state-active" in marker(page, "approve_need")
    assert page.locator(".bjs-powered-by").count() == 1  # the bpmn.io watermark stays
    shot(page, "05-diagram")

    page.get_by_role("button", name="Log ud").click()
    login(page, base, "lea")
    assert "Godkend behovet" in page.locator("table.tasks").nth(1).inner_text()

    for name, url in (("06-overview-late", f"/instances/{late}"),
                      ("07-evaluation", f"/instances/{late}/evaluation"),
                      ("08-history", f"/instances/{late}/history"),
                      ("09-diagram-late", f"/instances/{late}/diagram"),
                      ("10-partnerships", "/instances")):
        page.goto(base + url)
        if "diagram" in url:
            page.wait_for_selector("#canvas[data-ready='true']")
        shot(page, name)
    page.get_by_role("link", name="English").click()
    page.goto(f"{base}/tasks")
    assert "My tasks" in page.inner_text("main")
    shot(page, "11-tasks-english")
    page.close()


def test_big_form_without_javascript(chromium, server):
    """Rows are added with a plain submit button: JavaScript is off."""
    base, engine, clock = server
    iid = run_to(engine, clock, "tender_docs")
    context = chromium.new_context(java_script_enabled=False,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, base, "anna")
    page.locator("table.tasks").get_by_role("link", name="Udarbejd udbudsmateriale").first.click()
    assert page.locator("[name='tender_documents.minimum_requirements.1.id']").count() == 0
    page.locator("[name='tender_documents.minimum_requirements.0.id']").fill("M1")
    page.get_by_role("button", name="Tilføj række (Mindstekrav)").click()
    assert page.locator("[name='tender_documents.minimum_requirements.1.id']").count() == 1
    assert page.locator("[name='tender_documents.minimum_requirements.0.id']").input_value() \
        == "M1"
    page.keyboard.press("Tab")
    shot(page, "12-tender-documents-form")
    assert iid
    context.close()

"""In a real browser: a deployed BPMN carrying an XHTML <script> never runs on the app's
origin, and every page (the bpmn-js viewer included) works under the Content-Security-
Policy without a single refusal of our own scripts or styles."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Error as PlaywrightError

from .conftest import DATA
from .test_browser import chromium, login, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PAYLOAD = ('<html:script xmlns:html="http://www.w3.org/1999/xhtml">'
           'window.opener = null; document.title = "PWNED"; alert("xss");'
           '</html:script>')


def hostile_model(tmp_path):
    """The test model with a script element in a task's extension elements (the BPMN
    schema allows any element there, so it passes validation)."""
    folder = tmp_path / "hostile" / "innovation_partnership"
    shutil.copytree(DATA / "innovation_partnership", folder)
    bpmn = folder / "innovation_partnership.bpmn"
    text = bpmn.read_text()
    assert "<bpmn:extensionElements>" in text
    bpmn.write_text(text.replace("<bpmn:extensionElements>",
                                 "<bpmn:extensionElements>" + PAYLOAD, 1))
    return folder


def watch(page) -> tuple[list[str], list[str]]:
    dialogs: list[str] = []
    refusals: list[str] = []

    def dialog(d) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.on("console", lambda m: refusals.append(m.text)
            if "Content Security Policy" in m.text else None)
    return dialogs, refusals


def test_a_script_in_a_deployed_diagram_does_not_run(chromium, server,  # noqa: F811
                                                     tmp_path):
    base, engine, _clock = server
    engine.deploy(hostile_model(tmp_path))
    iid = engine.start("innovation_partnership", "anna", {})
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    dialogs, refusals = watch(page)
    login(page, base, "anna")

    page.goto(f"{base}/instances/{iid}/diagram")  # the viewer draws it, runs nothing
    page.wait_for_selector("#canvas[data-ready='true']")
    assert page.locator("g.djs-element[data-element-id='describe_need']").count() == 1

    downloads = []
    page.on("download", lambda d: downloads.append(d))
    try:  # opened directly, it is a download, never a page of ours
        page.goto(f"{base}/instances/{iid}/diagram.bpmn")
        shown = True
    except PlaywrightError as err:
        shown = "Download is starting" not in str(err)
    assert dialogs == [] and page.title() != "PWNED"
    assert not shown and len(downloads) == 1
    assert "PWNED" in downloads[0].path().read_text()  # the file is the model as is
    assert refusals == []
    context.close()


def test_every_page_works_under_the_content_security_policy(chromium, server):  # noqa: F811
    base, engine, _clock = server
    iid = engine.start("innovation_partnership", "anna", {})
    page = chromium.new_page()
    dialogs, refusals = watch(page)
    login(page, base, "anna")
    for url in ("/tasks", "/instances", f"/instances/{iid}", f"/instances/{iid}/history",
                f"/instances/{iid}/evaluation", f"/audit/{iid}"):
        response = page.goto(base + url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(f"{base}/instances/{iid}/diagram")
    page.wait_for_selector("#canvas[data-ready='true']")
    assert page.locator(".bjs-powered-by").count() == 1
    assert refusals == [] and dialogs == []
    page.close()

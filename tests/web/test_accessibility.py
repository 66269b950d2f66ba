"""Every input, select and textarea on every page has an accessible name, and every page
has a skip link, one h1 and a language."""
from __future__ import annotations

from html.parser import HTMLParser

from .conftest import NEED, TENDER_DOCUMENTS, TENDERS, open_task

LABELLED_BY_TYPE = {"hidden", "submit", "button", "reset", "image"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.h1 = 0
        self.lang = None
        self.skip = False
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag == "a" and a.get("href") == "#main":
            self.skip = True
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea"):
            if tag == "input" and a.get("type", "text") in LABELLED_BY_TYPE:
                return
            self.controls.append({**a, "tag": tag, "wrapped": self._label_depth > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1


def unnamed(html: str) -> list[dict]:
    page = Page()
    page.feed(html)
    assert page.lang in ("da", "en") and page.skip and page.h1 == 1
    missing = []
    for c in page.controls:
        named = (c.get("id") in page.label_for or c.get("aria-label") or c["wrapped"]
                 or (c.get("aria-labelledby") and all(
                     i in page.ids for i in c["aria-labelledby"].split())))
        if not named:
            missing.append(c)
    return missing


def check(client, url, method="get", data=None, expect=(200,)):
    response = client.get(url) if method == "get" else client.post(url, data=data)
    assert response.status_code in expect, (url, response.status_code)
    html = response.get_data(as_text=True)
    assert unnamed(html) == [], url
    return html


def test_every_page_names_every_control(client, auth, web_engine, clock):
    from datetime import datetime

    check(client, "/login")
    iid = web_engine.start("innovation_partnership", "anna", {})
    steps = [("describe_need", "anna", NEED), ("approve_need", "lea", {"need_approved": True}),
             ("tender_docs", "anna", TENDER_DOCUMENTS), ("register_tenders", "eva", TENDERS),
             ("award_decision", "lea", {"award": {"winner": "Sundhed ApS",
                                                  "notified": "2026-03-23"}})]
    for spec, user, data in steps:
        auth.login(user)
        for url in ("/tasks", "/instances", f"/instances/{iid}", f"/instances/{iid}/diagram",
                    f"/instances/{iid}/evaluation", f"/instances/{iid}/history"):
            check(client, url)
        task = open_task(web_engine, spec, iid)
        check(client, f"/tasks/{task.id}")
        # the form with errors (nothing filled in) and with a row added
        empty = client.post(f"/tasks/{task.id}", data={"instance_id": iid})
        if empty.status_code == 422:
            assert unnamed(empty.get_data(as_text=True)) == []
        if spec == "tender_docs":
            check(client, f"/tasks/{task.id}", "post", {
                "_add": "tender_documents.minimum_requirements",
                "tender_documents.minimum_requirements.__rows": "1"})
        if spec == "award_decision":
            clock.set(datetime(2026, 3, 23, 9, 0))
        if empty.status_code == 422:
            web_engine.complete(task.id, user, data)
        else:  # a form of check boxes only is complete when sent empty
            assert empty.status_code == 302
        auth.logout()
    auth.login("audrey")
    check(client, f"/instances/{iid}")
    check(client, "/instances/nope", expect=(404,))

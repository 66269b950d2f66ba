"""Danish by default, English on request; the catalogue covers every UI text."""
from __future__ import annotations

import ast
import re
from datetime import date, datetime
from pathlib import Path

from webui import overview
from webui.catalogue import ENGLISH

WEBUI = Path(__file__).resolve().parents[2] / "webui"


OTHERS = ("audit",)  # the auditor's area keeps its own words


def ui_texts() -> set[str]:
    texts: set[str] = set()
    for path in WEBUI.rglob("*.html"):
        if path.relative_to(WEBUI / "templates").parts[0] in OTHERS:
            continue
        texts |= {m[1] for m in re.findall(r'''_\(\s*(["'])(.*?)\1''', path.read_text())}
    for path in WEBUI.glob("*.py"):
        if path.stem in OTHERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "gettext") \
                    and node.args and isinstance(node.args[0], ast.Constant):
                texts.add(node.args[0].value)
    texts |= set(overview.LABELS.values())
    texts |= {"Vinder", "Evalueret", "Endeligt tilbud modtaget", "Tilbudsgiver",
              "Ikke udvalgt", "Udgået", "Opfordret", "Ansøger"}
    return texts


def test_every_text_has_an_english_translation():
    missing = sorted(t for t in ui_texts() if t not in ENGLISH)
    assert missing == []


def test_danish_by_default_english_on_request(client, auth, web_engine):
    auth.login("anna")
    page = client.get("/tasks").get_data(as_text=True)
    assert '<html lang="da">' in page and "Mine opgaver" in page
    response = client.get("/language/en?next=/tasks")
    assert response.headers["Location"] == "/tasks"
    page = client.get("/tasks").get_data(as_text=True)
    assert '<html lang="en">' in page and "My tasks" in page and "Dansk" in page
    client.get("/language/da")
    assert "Mine opgaver" in client.get("/tasks").get_data(as_text=True)


def test_danish_formats(app):
    from webui import i18n

    with app.test_request_context():
        assert i18n.money(165000) == "165.000\u00a0kr."
        assert i18n.money(165000.5) == "165.000,5\u00a0kr."
        assert i18n.number(1234567.891) == "1.234.567,89"
        assert i18n.points(7.6) == "7,60"
        assert i18n.day("2026-04-07") == "7. april 2026"
        assert i18n.day(date(2026, 12, 24)) == "24. december 2026"
        assert i18n.moment("2026-04-07T07:00:00+00:00") == "7. april 2026 kl. 09.00"
        assert i18n.moment(datetime(2026, 1, 5, 12, 30)) == "5. januar 2026 kl. 12.30"
        assert i18n.money(None) == "–" and i18n.day(None) == "–"


def test_form_errors_in_plain_words():
    from webui.forms import friendly

    assert friendly("'need' is a required property") == "Skal udfyldes."
    assert friendly("-1 is less than the minimum of 0") == "Skal være mindst 0."
    assert friendly("12 is greater than the maximum of 10") == "Må højst være 10."
    assert friendly("0 is less than or equal to the minimum of 0") == "Skal være større end 0."
    assert friendly("[] should be non-empty") == "Skal udfyldes."
    assert friendly("a rule said no") == "a rule said no"


def test_form_texts_are_in_the_catalogue():
    from webui import forms

    texts = {text for _p, text, _g in forms._MESSAGES}
    source = (WEBUI / "forms.py").read_text()
    texts |= set(re.findall(r'out\.errors\[name\] = "([^"]+)"', source))
    assert sorted(t for t in texts if t not in ENGLISH) == []

"""Danish by default, English on request; the catalogue covers every UI text."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from webui import messages


@pytest.mark.parametrize("domain", sorted(messages.DOMAINS))
def test_every_string_is_translated(domain):
    """Every _("...") of the UI has its English in en/messages.po, every engine message
    and hint its Danish in da/engine.po. Fix with `make translations`, then translate
    what it lists."""
    assert messages.missing(domain) == []


def test_the_extraction_finds_ui_strings_and_engine_messages():
    ui = messages.extracted("messages")
    assert {"Opgaver", "Mine opgaver", "Udført", "Ansøgningsfrist", "Skal udfyldes."} <= ui
    engine = messages.extracted("engine")
    assert "The fee for phase {phase} is already booked." in engine
    assert "Each phase is paid once." in engine


def test_mo_files_are_compiled_when_missing_or_older(tmp_path):
    target = messages.compile_all(tmp_path)
    mo = target / "en" / "LC_MESSAGES" / "messages.mo"
    assert mo.exists() and (target / "da" / "LC_MESSAGES" / "engine.mo").exists()
    before = mo.stat().st_mtime_ns
    messages.compile_all(tmp_path)
    assert mo.stat().st_mtime_ns == before  # up to date: not written again


def test_old_dictionary_entries_are_taken_into_the_catalogue(tmp_path):
    old = tmp_path / "catalogue.py"
    old.write_text('ENGLISH = {"Opgaver": "Tasks"}\nENGLISH.update({"Ny": "New"})\n')
    assert messages.legacy_entries(old) == {"Opgaver": "Tasks", "Ny": "New"}


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
    assert texts <= messages.extracted("messages")

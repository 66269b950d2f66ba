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


def test_engine_messages_are_ids_with_params():
    """A refusal's message and hint are literal templates ({name} filled from keyword
    params), never f-strings: an f-string cannot be looked up in the catalogue."""
    import ast

    root = messages.ROOT
    found = []
    for path in sorted((root / "engine").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for call, message, hint in messages.error_calls(tree):
            for node in (message, hint):
                if isinstance(node, ast.JoinedStr | ast.BinOp):
                    found.append(f"{path.relative_to(root)}:{call.lineno}")
    assert found == []


@pytest.mark.parametrize("lang,domain", [("en", "messages"), ("da", "engine")])
def test_translations_use_only_their_message_ids_placeholders(lang, domain):
    import string

    def names(text):
        try:
            return {p[1] for p in string.Formatter().parse(text) if p[1]}
        except ValueError:
            return set()

    wrong = [m.id for m in messages.read(lang, domain)
             if m.id and m.string and not names(m.string) <= names(m.id)]
    assert wrong == []


def test_an_engine_refusal_in_danish_with_danish_formats(app):
    from datetime import date

    from engine.errors import Money, RuleViolation
    from webui import i18n

    err = RuleViolation("The call-off of {value} exceeds the contract ceiling: only "
                        "{remaining} of {limit} remains.", hint="Call off at most {remaining2}.",
                        value=Money(30000000), remaining=Money(2500000.5),
                        limit=Money(22000000), remaining2=Money(2500000.5))
    assert str(err).startswith("The call-off of 30000000 DKK exceeds")
    with app.test_request_context():
        assert i18n.error_message(err) == ("Afkaldet på 30.000.000\u00a0kr. overskrider "
                                           "kontraktloftet: der er kun 2.500.000,5\u00a0kr. "
                                           "tilbage af 22.000.000\u00a0kr.")
        late = RuleViolation("The call-off on {day} is after the contract ended on {end}.",
                             day=date(2026, 12, 10), end="2026-11-30")
        assert i18n.error_message(late) == ("Afkaldet 10. december 2026 ligger efter "
                                            "kontraktens udløb 30. november 2026.")
        plain = RuleViolation("A message no catalogue knows, {n} times.", n=1234567)
        assert i18n.error_message(plain) == "A message no catalogue knows, 1.234.567 times."
        phrase = RuleViolation("The tender documents do not state {what}.",
                               what="the evaluation model")
        assert i18n.error_message(phrase) == "Udbudsmaterialet angiver ikke evalueringsmodellen."

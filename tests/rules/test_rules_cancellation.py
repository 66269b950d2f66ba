"""The cancellation reason (engine/rules/cancellation.py, UBL § 171 stk. 1): each refusal
pinned whole (message id, params, field, hint, the web form's Danish text) and the
boundaries of length and control characters accepted."""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from engine.rules import cancellation
from engine.rules.cancellation import check_reason

BLANK = ("Skriv begrundelsen for at annullere udbuddet. Den sendes til alle deltagere.",)
TOO_LONG = ("Begrundelsen er for lang (højst 4000 tegn). Skriv den kortere; uddybning kan "
            "vedlægges sagen.")
CONTROL = "Begrundelsen indeholder usynlige kontroltegn. Skriv den igen som almindelig tekst."


def refused(reason):
    with pytest.raises(InvalidData) as err:
        check_reason(reason)
    e = err.value
    return e.template, e.hint_template, e.field, e.params, e.errors


def test_the_limits_are_4000_characters_and_tab_newline_return():
    assert cancellation.MAXIMUM_REASON == 4000
    assert cancellation.ALLOWED_CONTROLS == frozenset({"\n", "\r", "\t"})


@pytest.mark.parametrize("reason", ["", " \n\t ", None, 42, ["Behovet er bortfaldet"]])
def test_a_missing_reason_is_refused_whole(reason):
    assert refused(reason) == (
        "a cancellation needs a reason",
        "say why the procedure is cancelled: every participant is told (UBL § 171)",
        "reason", {}, {"reason": BLANK[0]})


def test_a_reason_of_4001_characters_is_refused_whole():
    template, hint, field, params, errors = refused("x" * 4001)
    assert (template, hint, field) == (
        "the reason is {length} characters; at most {maximum} are kept",
        "shorten the reason; attach details to the case", "reason")
    assert params == {"length": 4001, "maximum": 4000}
    assert errors == {"reason": TOO_LONG}
    with pytest.raises(InvalidData) as err:
        check_reason("x" * 4001)
    assert err.value.message == "the reason is 4001 characters; at most 4000 are kept"


def test_the_length_counts_the_stripped_text():
    assert check_reason("  " + "x" * 4000 + "\n\n") == "x" * 4000


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_a_control_character_is_refused_whole(char):
    assert refused(f"Behovet{char} er bortfaldet") == (
        "the reason contains control characters", "write the reason as plain text",
        "reason", {}, {"reason": CONTROL})


@pytest.mark.parametrize("text", ["Behovet er bortfaldet", "Behov ~ bortfaldet",
                                  "Behovet er\tbortfaldet", "Linje 1\nLinje 2\r\nLinje 3",
                                  "Æblet \x80 é ø å \xa0 €"])
def test_spaces_tabs_newlines_and_letters_beyond_ascii_are_accepted(text):
    assert check_reason(text) == text


def test_the_reason_is_returned_stripped():
    assert check_reason(" \t Behovet er bortfaldet.\n ") == "Behovet er bortfaldet."

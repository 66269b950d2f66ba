"""What binds in negotiation (C-216/17, C-23/20) and specific consent (Dir. art. 31(4))."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules.negotiation import check_disclosures, check_requirement_changes

LOCKED = {"minimum_requirements": [{"id": "M1", "text": "x"}],
          "evaluation_model": {"quality_criteria": [{"id": "K1"}]}}


def change(requirement: str, kind: str = "other") -> list[dict]:
    return [{"requirement": requirement, "kind": kind, "description": "Hæves."}]


@pytest.mark.parametrize("requirement, words", [
    ("ceiling", "contract ceiling"), ("Kontraktloft", "contract ceiling"),
    ("purchase.max_cost", "maximum cost"), ("Maksimal  pris", "maximum cost"),
    ("contract_end", "duration"), ("Varighed", "duration"), ("løbetid", "duration"),
])
def test_binding_purchase_terms_cannot_change_even_as_other(requirement, words):
    with pytest.raises(RuleViolation, match=words) as err:
        check_requirement_changes(LOCKED, change(requirement))
    assert err.value.field == "requirement"
    assert "stay as published" in err.value.hint
    assert "C-216/17" in err.value.message


@pytest.mark.parametrize("requirement", ["Svartid", "Leveringstid for prototypen",
                                         "Loftlampe"])
def test_other_requirements_may_change(requirement):
    check_requirement_changes(LOCKED, change(requirement))


OTHERS = ["Beta Health", "Gamma Med"]
GOOD = {"information": "Alarmgrænserne i løsningsbeskrivelsen version 2",
        "recipients": ["Beta Health"], "consented_on": "2025-11-17",
        "consent_by": "Anne Hansen, direktør"}


@pytest.mark.parametrize("disclosures, field, words", [
    (True, "disclosures", "general yes/no"),
    ([dict(GOOD, information="alt")], "disclosures[0].information", "specific information"),
    ([dict(GOOD, information="   ")], "disclosures[0].information", "specific information"),
    ([dict(GOOD, recipients=[])], "disclosures[0].recipients", "no recipient"),
    ([dict(GOOD, recipients=["alle tilbudsgivere"])], "disclosures[0].recipients",
     "not a recipient"),
    ([dict(GOOD, recipients=["Alfa Care"])], "disclosures[0].recipients",
     "not another bidder"),
    ([dict(GOOD, recipients=["Omega"])], "disclosures[0].recipients", "not another bidder"),
    ([dict(GOOD, consent_by="")], "disclosures[0].consent_by", "who consented"),
    ([dict(GOOD, consented_on="2025-11-18")], "disclosures[0].consented_on", "future"),
    ([GOOD, dict(GOOD, consented_on="nej")], "disclosures[1].consented_on", "date"),
])
def test_a_consent_must_name_the_information_and_the_recipients(disclosures, field, words):
    with pytest.raises(RuleViolation, match=words) as err:
        check_disclosures(disclosures, "Alfa Care", OTHERS, "2025-11-17")
    assert err.value.field == field
    assert err.value.hint


def test_a_specific_consent_given_today_is_accepted():
    check_disclosures([GOOD, dict(GOOD, recipients=OTHERS)], "Alfa Care", OTHERS,
                      "2025-11-17")
    check_disclosures([], "Alfa Care", OTHERS, "2025-11-17")


# ------------------------------- the whole vocabulary, pinned: every name a change may use
CEILING = ["ceiling", "purchase.ceiling", "contract ceiling", "maximum value", "max value",
           "max_value", "kontraktloft", "loft", "rammeloft", "maksimal værdi",
           "maksimale værdi", "kontraktens maksimale værdi", "rammeaftalens værdi",
           "maksimal omsætning"]
MAX_COST = ["max_cost", "purchase.max_cost", "maximum cost", "max cost", "maksimal pris",
            "maksimalpris", "maksimal omkostning", "maksimale omkostninger", "pris loft",
            "prisloft"]
DURATION = ["contract_end", "purchase.contract_end", "contract end", "duration", "end date",
            "varighed", "kontraktens varighed", "løbetid", "kontraktperiode", "slutdato",
            "kontraktens udløb"]
IPR = ["ipr", "ipr_terms", "ipr_terms.on_termination", "ipr_terms.on_purchase", "ipr terms",
       "intellectual property", "immaterielle rettigheder", "rettigheder", "ophavsret",
       "brugsret"]
REMUNERATION = ["participant_remuneration", "remuneration", "vederlag", "honorering",
                "deltagerhonorering", "vederlag til deltagerne", "honorering af deltagerne"]
MODEL = ["evaluation_model", "scale_max", "weights", "quality_criteria", "price_model",
         "tie_break", "award_criteria"]


@pytest.mark.parametrize("name, what", [
    *[(n, "the contract ceiling") for n in CEILING],
    *[(n, "the maximum cost") for n in MAX_COST],
    *[(n, "the purchase contract's duration") for n in DURATION],
])
def test_every_name_of_a_binding_purchase_term(name, what):
    with pytest.raises(RuleViolation) as err:
        check_requirement_changes(LOCKED, change(name.upper()))
    assert err.value.message == (
        f"{name.upper()!r} is {what}, fixed by the tender documents: it cannot be changed "
        "in negotiation, not even as an 'other' change (EU Court C-216/17, C-23/20).")
    assert err.value.hint == ("Drop this change; the purchase's maximum value, duration "
                              "and maximum cost stay as published.")


@pytest.mark.parametrize("name, what", [
    *[(n, "the IPR terms") for n in IPR],
    *[(n, "the remuneration to participants") for n in REMUNERATION],
])
def test_every_name_of_a_term_locked_with_the_documents(name, what):
    with pytest.raises(RuleViolation) as err:
        check_requirement_changes(LOCKED, change(f" {name} "))
    assert err.value.message == (
        f"{name!r} is {what}, stated in the tender documents and locked with them when the "
        "notice was published: it cannot be changed in negotiation.")
    assert err.value.field == "requirement"


@pytest.mark.parametrize("name", MODEL)
def test_every_key_of_the_evaluation_model(name):
    with pytest.raises(RuleViolation) as err:
        check_requirement_changes(LOCKED, change(name))
    assert err.value.message == (
        f"{name!r} is part of the award criteria or the evaluation model, which cannot be "
        "changed after the notice (Dir. Art. 31(3)).")
    assert err.value.hint == "Drop this change; the published evaluation model stays as it is."


@pytest.mark.parametrize("changes, field, message, hint", [
    ("x", "changes", "The changes must be a list.", ""),
    (["x"], "changes", "A change must be an object, got 'x'.", ""),
    ([{"kind": "other"}], "requirement", "A change does not say which requirement it "
                                         "changes.", ""),
    ([{"requirement": "Svartid", "kind": None}], "kind",
     "Unknown kind of change None for 'Svartid'.", "Use 'minimum', 'criterion' or 'other'."),
    ([{"requirement": "M1", "kind": "other"}], "requirement",
     "The minimum requirement 'M1' cannot be changed: minimum requirements are not "
     "negotiated (Dir. Art. 31(3)).",
     "Drop this change; only other requirements may be adjusted."),
    ([{"requirement": "Svartid", "kind": "minimum"}], "requirement",
     "The minimum requirement 'Svartid' cannot be changed: minimum requirements are not "
     "negotiated (Dir. Art. 31(3)).",
     "Drop this change; only other requirements may be adjusted."),
    ([{"requirement": "K1", "kind": "other"}], "requirement",
     "'K1' is part of the award criteria or the evaluation model, which cannot be changed "
     "after the notice (Dir. Art. 31(3)).",
     "Drop this change; the published evaluation model stays as it is."),
    ([{"requirement": " Svartid ", "kind": "other", "description": " "}], "description",
     "The change to 'Svartid' has no description.",
     "Describe the change: it is sent in writing to every remaining bidder."),
])
def test_each_refusal_of_a_change_in_words(changes, field, message, hint):
    with pytest.raises(RuleViolation) as err:
        check_requirement_changes(LOCKED, changes)
    assert (err.value.field, err.value.message, err.value.hint) == (field, message, hint)


def test_a_locked_part_that_is_not_a_dict_locks_only_the_model_keys():
    check_requirement_changes(None, change("M1"))
    check_requirement_changes({"minimum_requirements": ["M1"],
                               "evaluation_model": {"quality_criteria": ["K1"]}},
                              change("K1"))
    with pytest.raises(RuleViolation):
        check_requirement_changes(None, change("weights"))


@pytest.mark.parametrize("disclosures, field, message, hint", [
    (True, "disclosures", "A general yes/no to sharing is not a consent (Dir. art. 31(4)).",
     "Register each disclosure: the specific information, the bidders it is shared with, "
     "and when and by whom consent was given."),
    ({"x": 1}, "disclosures", "The disclosures must be a list.", ""),
    (["x"], "disclosures[0]", "disclosures[0] must be an object.", ""),
    ([dict(GOOD, information="123456789")], "disclosures[0].information",
     "The disclosure no. 1 does not name the specific information ('123456789').",
     "Name exactly what is shared, e.g. 'the alarm thresholds in version 2 of the solution "
     "description'."),
    ([dict(GOOD, information=None)], "disclosures[0].information",
     "The disclosure no. 1 does not name the specific information ('blank').", None),
    ([dict(GOOD, recipients="Beta Health")], "disclosures[0].recipients",
     "The disclosure no. 1 names no recipient.",
     "Name the bidders the information is shared with."),
    ([dict(GOOD, recipients=["All"])], "disclosures[0].recipients",
     "'All' is not a recipient: consent is given to a specific disclosure "
     "(Dir. art. 31(4)).", "Name the bidders: Beta Health, Gamma Med."),
    ([dict(GOOD, recipients=["Alfa Care"])], "disclosures[0].recipients",
     "'Alfa Care' is not another bidder still taking part.",
     "Recipients can be: Beta Health, Gamma Med."),
    ([dict(GOOD, consent_by=None)], "disclosures[0].consent_by",
     "The disclosure no. 1 does not say who consented.",
     "Name the person at the bidder who gave consent."),
    ([dict(GOOD, consented_on=None)], "disclosures[0].consented_on", None, None),
    ([dict(GOOD, consented_on="2025-11-18")], "disclosures[0].consented_on",
     "The consent date 2025-11-18 is in the future.",
     "Register the consent when it has been given."),
])
def test_each_refusal_of_a_disclosure_in_words(disclosures, field, message, hint):
    with pytest.raises(RuleViolation) as err:
        check_disclosures(disclosures, "Alfa Care", OTHERS, "2025-11-17")
    assert err.value.field == field
    if message is not None:
        assert err.value.message == message
    if hint is not None:
        assert err.value.hint == hint


@pytest.mark.parametrize("word", ["alle", "all", "everyone", "alle tilbudsgivere",
                                  "all bidders", "de andre", "the others", "andre"])
def test_every_general_recipient_is_refused(word):
    with pytest.raises(RuleViolation, match="is not a recipient"):
        check_disclosures([dict(GOOD, recipients=[f" {word.upper()} "])], "Alfa Care",
                          OTHERS, "2025-11-17")


@pytest.mark.parametrize("information", ["alt", "everything", "all", "løsningen",
                                         "tilbuddet", "x" * 9])
def test_vague_information_is_refused(information):
    with pytest.raises(RuleViolation, match="does not name the specific information"):
        check_disclosures([dict(GOOD, information=information.upper())], "Alfa Care", OTHERS,
                          "2025-11-17")


def test_ten_characters_name_the_information_and_nobody_remaining_is_said():
    check_disclosures([dict(GOOD, information="x" * 10)], "Alfa Care", OTHERS, "2025-11-17")
    with pytest.raises(RuleViolation) as err:
        check_disclosures([dict(GOOD, recipients=["alle"])], "Alfa Care", [], "2025-11-17")
    assert err.value.hint == "No other bidder is still taking part."
    with pytest.raises(RuleViolation) as err:
        check_disclosures([dict(GOOD)], "Alfa Care", [], "2025-11-17")
    assert err.value.hint == "No other bidder is still taking part."


def test_a_wrong_day_is_named():
    with pytest.raises(RuleViolation) as err:
        check_disclosures([], "Alfa Care", OTHERS, "17/11")
    assert err.value.field == "today"


@pytest.mark.parametrize("information", ["everything", "All  information",
                                         "alle oplysninger", "Hele løsningen",
                                         "hele tilbuddet", "the whole solution",
                                         "The whole tender"])
def test_everything_by_another_name_is_refused(information):
    with pytest.raises(RuleViolation, match="does not name the specific information"):
        check_disclosures([dict(GOOD, information=information)], "Alfa Care", OTHERS,
                          "2025-11-17")

"""Verification before award (UBL §§ 135-138, 151-152, 159, 169): each rule broken once,
in words, and met at its boundary."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules.verification import (
    check_conformity,
    check_declaration,
    check_may_qualify,
    check_winner_documentation,
    conforming_bidders,
    rejected_by_conformity,
)

ESPD = {"mandatory_exclusion": False, "voluntary_exclusion": False,
        "meets_minimum_levels": True}
BIDDERS = ["Alfa", "Beta"]
OK = {"bidder": "Alfa", "conforming": True}
LOW = {"bidder": "Beta", "conforming": False, "abnormally_low": True,
       "reason": "Prisen er ikke forklaret.", "explanation_requested_on": "2026-03-04"}
DOCUMENTED = {"exclusion_documented": True, "suitability_documented": True,
              "checked_on": "2026-03-20"}


def test_a_complete_declaration_is_accepted():
    check_declaration("Alfa", ESPD)
    check_may_qualify("Alfa", ESPD)
    check_may_qualify("Alfa", dict(ESPD, voluntary_exclusion=True,
                                   self_cleaning="Ny ledelse og compliance-program."))


@pytest.mark.parametrize("espd, field, message, hint", [
    (None, "espd", "'Alfa' has no declaration of exclusion grounds and suitability (ESPD).",
     "Register what the applicant declared in its ESPD: exclusion grounds, self-cleaning "
     "and the minimum suitability levels (UBL §§ 135-138, 148)."),
    ({k: v for k, v in ESPD.items() if k != "mandatory_exclusion"},
     "espd.mandatory_exclusion", "The ESPD of 'Alfa' does not say whether a "
                                 "mandatory exclusion ground applies (yes or no).",
     "Answer every question of the declaration."),
    (dict(ESPD, voluntary_exclusion="nej"), "espd.voluntary_exclusion",
     "The ESPD of 'Alfa' does not say whether a voluntary exclusion ground applies "
     "(yes or no).", None),
    (dict(ESPD, meets_minimum_levels=None), "espd.meets_minimum_levels",
     "The ESPD of 'Alfa' does not say whether it meets the minimum suitability "
     "levels (yes or no).", None),
])
def test_an_incomplete_declaration_is_refused(espd, field, message, hint):
    with pytest.raises(RuleViolation) as err:
        check_declaration("Alfa", espd)
    assert (err.value.field, err.value.message) == (field, message)
    if hint:
        assert err.value.hint == hint


@pytest.mark.parametrize("espd, message, hint", [
    (dict(ESPD, mandatory_exclusion=True),
     "'Alfa' declared an exclusion ground and no self-cleaning: it cannot be found "
     "qualified (UBL §§ 135-138).",
     "Reject the applicant with the reason, or register the self-cleaning measures it "
     "documented (UBL § 138)."),
    (dict(ESPD, voluntary_exclusion=True, self_cleaning="  "),
     "'Alfa' declared an exclusion ground and no self-cleaning: it cannot be found "
     "qualified (UBL §§ 135-138).", None),
    (dict(ESPD, meets_minimum_levels=False),
     "'Alfa' declared that it does not meet the published minimum suitability levels: it "
     "cannot be found qualified.", "Reject the applicant with the reason."),
    (None, "'Alfa' has no declaration of exclusion grounds and suitability (ESPD).", None),
])
def test_an_applicant_that_may_not_qualify_is_refused(espd, message, hint):
    with pytest.raises(RuleViolation) as err:
        check_may_qualify("Alfa", espd)
    assert err.value.field == "assessment.qualified" and err.value.message == message
    if hint:
        assert err.value.hint == hint


def test_the_conformity_check_returns_the_tenders_to_rank():
    assert check_conformity([OK, dict(OK, bidder="Beta")], BIDDERS, "2026-03-10") == BIDDERS
    assert check_conformity([OK, LOW], BIDDERS, "2026-03-04") == ["Alfa"]  # asked today
    kept_low = dict(LOW, conforming=True, reason="")
    assert check_conformity([OK, kept_low], BIDDERS, "2026-03-10") == BIDDERS
    assert check_conformity([dict(OK, bidder=" Alfa "), dict(LOW, bidder="Beta ")],
                            BIDDERS, "2026-03-10") == ["Alfa"]


@pytest.mark.parametrize("rows, field, message, hint", [
    ("x", "conformity", "The conformity check must be a list.", ""),
    ([OK], "conformity", "Judge every final tender exactly once: Alfa, Beta.",
     "One row per final tender, nobody else."),
    ([OK, OK], "conformity", "Judge every final tender exactly once: Alfa, Beta.", None),
    ([OK, "Beta"], "conformity", "Judge every final tender exactly once: Alfa, Beta.", None),
    ([OK, dict(LOW, reason=" ")], "conformity[1].reason",
     "The tender from 'Beta' is rejected without a reason.",
     "Name the minimum requirement it does not meet (or why it is abnormally low): the "
     "reason goes to the bidder."),
    ([OK, dict(LOW, conforming=None, reason=None)], "conformity[1].reason",
     "The tender from 'Beta' is rejected without a reason.", None),
    ([OK, dict(LOW, explanation_requested_on=None)], "conformity[1].explanation_requested_on",
     "The abnormally low tender from 'Beta' cannot be rejected before the bidder has been "
     "asked to explain the price (UBL § 169).",
     "Ask the bidder to explain, record the date, and assess the explanation before "
     "rejecting."),
    ([OK, dict(LOW, explanation_requested_on="2026-03-11")],
     "conformity[1].explanation_requested_on",
     "The request for explanation is dated in the future.",
     "Record the request when it has been sent."),
    ([OK, dict(LOW, explanation_requested_on="11/3")],
     "conformity[1].explanation_requested_on", None, None),
    ([dict(OK, conforming=False, reason="M1 ikke opfyldt."), LOW], "conformity",
     "No conforming tender remains to be ranked.",
     "The procedure cannot be awarded: cancel it with the reason."),
])
def test_the_conformity_check_refuses(rows, field, message, hint):
    with pytest.raises(RuleViolation) as err:
        check_conformity(rows, BIDDERS, "2026-03-10")
    assert err.value.field == field
    if message:
        assert err.value.message == message
    if hint is not None:
        assert err.value.hint == hint


def test_a_non_conforming_tender_that_is_not_abnormally_low_needs_no_request():
    row = {"bidder": "Beta", "conforming": False, "reason": "M2 er ikke opfyldt.",
           "abnormally_low": "ja"}  # only True counts
    assert check_conformity([OK, row], BIDDERS, "2026-03-10") == ["Alfa"]


def test_the_conformity_results_for_the_record():
    rows = [OK, LOW, {"bidder": "Gamma", "conforming": "ja", "reason": 7}]
    assert conforming_bidders(rows) == ["Alfa"]
    assert rejected_by_conformity(rows) == [
        {"bidder": "Beta", "reason": "Prisen er ikke forklaret.", "abnormally_low": True,
         "explanation_requested_on": "2026-03-04"},
        {"bidder": "Gamma", "reason": "", "abnormally_low": False,
         "explanation_requested_on": None}]


def test_the_winners_documentation_checked_on_the_day_of_the_award_is_accepted():
    check_winner_documentation("Alfa", DOCUMENTED, "2026-03-20", "2026-03-20")


@pytest.mark.parametrize("documentation, field, message", [
    (None, "award.documentation.exclusion_documented",
     "The documentation from 'Alfa' for that no exclusion ground applies has not been "
     "checked."),
    (dict(DOCUMENTED, exclusion_documented="ja"), "award.documentation.exclusion_documented",
     "The documentation from 'Alfa' for that no exclusion ground applies has not been "
     "checked."),
    (dict(DOCUMENTED, suitability_documented=False),
     "award.documentation.suitability_documented",
     "The documentation from 'Alfa' for the minimum suitability levels has not been "
     "checked."),
    (dict(DOCUMENTED, checked_on="2026-03-21"), "award.documentation.checked_on",
     "The documentation was checked on 2026-03-21, after the award decision or in the "
     "future."),
    (dict(DOCUMENTED, checked_on=None), "award.documentation.checked_on", None),
])
def test_the_winners_documentation_is_refused(documentation, field, message):
    with pytest.raises(RuleViolation) as err:
        check_winner_documentation("Alfa", documentation, "2026-03-20", "2026-03-25")
    assert err.value.field == field
    if message:
        assert err.value.message == message
        assert err.value.hint in (
            "Ask the intended winner for the documentation (UBL § 151), check it, and "
            "record it before the award decision.",
            "The documentation is checked before the award decision is notified.")


def test_documentation_checked_after_today_is_refused():
    with pytest.raises(RuleViolation) as err:
        check_winner_documentation("Alfa", dict(DOCUMENTED, checked_on="2026-03-21"),
                                   "2026-03-25", "2026-03-20")
    assert err.value.field == "award.documentation.checked_on"
    for notified, today, field in (("x", "2026-03-25", "award.notified"),):
        with pytest.raises(RuleViolation) as err:
            check_winner_documentation("Alfa", DOCUMENTED, notified, today)
        assert err.value.field == field


def test_a_rejected_tender_before_a_conforming_one_does_not_stop_the_check():
    assert check_conformity([LOW, OK], BIDDERS, "2026-03-10") == ["Alfa"]
    with pytest.raises(RuleViolation) as err:
        check_conformity([OK, LOW], BIDDERS, "10. marts")
    assert err.value.field == "today"

"""Negotiation: locked requirements and criteria, resubmission, final tenders."""
import pytest

from engine.errors import RuleViolation
from engine.rules.negotiation import (
    check_award_on_initial,
    check_final_tender_not_negotiated,
    check_requirement_changes,
    check_resubmission_deadline,
)

LOCKED = {
    "minimum_requirements": [{"id": "mk1", "text": "CE-mærket"},
                             {"id": "mk2", "text": "Drift 24/7"}],
    "evaluation_model": {"quality_criteria": [{"id": "losning", "weight": 100}]},
}


def test_other_changes_are_allowed():
    check_requirement_changes(LOCKED, [
        {"requirement": "interface", "kind": "other",
         "description": "Integration via HL7 FHIR i stedet for HL7 v2"},
    ])
    check_requirement_changes(LOCKED, [])


@pytest.mark.parametrize("change, field, words", [
    ({"requirement": "mk1", "kind": "minimum", "description": "x"}, "requirement", "minimum"),
    ({"requirement": "mk2", "kind": "other", "description": "relabelled"}, "requirement",
     "minimum"),
    ({"requirement": "losning", "kind": "criterion", "description": "x"}, "requirement",
     "award criteria"),
    ({"requirement": "losning", "kind": "other", "description": "x"}, "requirement",
     "award criteria"),
    ({"requirement": "weights", "kind": "other", "description": "80/20"}, "requirement",
     "evaluation model"),
    ({"requirement": "price_model", "kind": "other", "description": "x"}, "requirement",
     "evaluation model"),
    ({"requirement": "interface", "kind": "other", "description": " "}, "description",
     "no description"),
    ({"requirement": "interface", "kind": "other"}, "description", "no description"),
    ({"requirement": "interface", "kind": "wish", "description": "x"}, "kind", "wish"),
    ({"requirement": "", "kind": "other", "description": "x"}, "requirement", "which"),
])
def test_locked_changes_are_refused(change, field, words):
    with pytest.raises(RuleViolation) as e:
        check_requirement_changes(LOCKED, [change])
    assert e.value.field == field
    assert words in e.value.message


@pytest.mark.parametrize("round_date, deadline, ok", [
    ("2026-05-04", "2026-05-18", True),
    ("2026-05-04", "2026-05-05", True),
    ("2026-05-04", "2026-05-04", False),
    ("2026-05-04", "2026-05-01", False),
])
def test_resubmission_deadline(round_date, deadline, ok):
    if ok:
        check_resubmission_deadline(round_date, deadline)
    else:
        with pytest.raises(RuleViolation) as e:
            check_resubmission_deadline(round_date, deadline)
        assert e.value.field == "resubmission_deadline"


def test_award_on_initial_needs_reservation():
    check_award_on_initial(True)
    with pytest.raises(RuleViolation) as e:
        check_award_on_initial(False)
    assert e.value.field == "award_on_initial_reserved"


def test_final_tender_is_not_negotiated():
    check_final_tender_not_negotiated(False)
    with pytest.raises(RuleViolation):
        check_final_tender_not_negotiated(True)


@pytest.mark.parametrize("key, words", [
    ("participant_remuneration", "the remuneration to participants"),
    ("Vederlag", "the remuneration to participants"),
    ("ipr_terms.on_termination", "the IPR terms"),
    ("IPR", "the IPR terms"),
    ("immaterielle  rettigheder", "the IPR terms"),
])
def test_remuneration_and_ipr_are_locked_with_the_documents(key, words):
    with pytest.raises(RuleViolation) as e:
        check_requirement_changes(LOCKED, [{"requirement": key, "kind": "other",
                                            "description": "Ændres til fordel for os."}])
    assert e.value.field == "requirement"
    assert words in e.value.message and "locked" in e.value.message
    assert "stay as published" in e.value.hint


def test_a_requirement_merely_mentioning_ipr_is_not_locked():
    check_requirement_changes(LOCKED, [{"requirement": "IPR-dokumentation i tilbuddet",
                                        "kind": "other", "description": "Kortere bilag."}])


def test_the_other_negotiation_refusals_in_words():
    with pytest.raises(RuleViolation) as e:
        check_resubmission_deadline("2026-05-04", "2026-05-04")
    assert e.value.message == ("The resubmission deadline 2026-05-04 is not after the "
                               "negotiation round on 2026-05-04.")
    assert e.value.hint == "Give the bidders time to resubmit: set a later deadline."
    for bad, field in ((("x", "2026-05-05"), "round_date"),
                       (("2026-05-04", "x"), "resubmission_deadline")):
        with pytest.raises(RuleViolation) as e:
            check_resubmission_deadline(*bad)
        assert e.value.field == field
    for reserved in (False, None, 1, "true"):
        with pytest.raises(RuleViolation) as e:
            check_award_on_initial(reserved)
        assert e.value.message == ("The contract cannot be awarded on the initial tenders: "
                                   "the tender documents did not reserve that right.")
        assert e.value.hint == "Negotiate with the bidders and ask for final tenders."
    with pytest.raises(RuleViolation) as e:
        check_final_tender_not_negotiated(True)
    assert (e.value.message, e.value.field) == ("A final tender cannot be negotiated.",
                                                "final")
    assert e.value.hint == "Evaluate the final tenders with the published model."

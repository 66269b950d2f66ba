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

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

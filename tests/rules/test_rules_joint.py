"""Joint public scaling rules: equal treatment in the market dialogue, dated thresholds,
the demand gathered, the answers."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules import joint
from engine.rules.validators import VALIDATORS

SUPPLIERS = [{"name": "Abena A/S", "cvr": "12345678"},
             {"name": "Sensor Care ApS", "cvr": "23456789"},
             {"name": "Dry Tech ApS", "cvr": "34567890"}]
ALL = [s["name"] for s in SUPPLIERS]


def qa(**changes) -> dict:
    return {"question": "Skal løsningen virke med eksisterende bleer?",
            "asked_by": "Sensor Care ApS", "answer": "Ja, det er et ønske.",
            "published_to": ALL, **changes}


def test_an_answer_published_to_all_registered_suppliers_passes():
    joint.check_equal_treatment(SUPPLIERS, [qa(), qa(answer="", published_to=[])])


def test_an_answer_to_one_supplier_only_is_refused():
    with pytest.raises(RuleViolation, match="Sensor Care") as err:
        joint.check_equal_treatment(SUPPLIERS, [qa(published_to=["Abena A/S"])])
    assert err.value.field == "questions"
    assert "all registered suppliers" in err.value.hint
    assert "Dry Tech ApS" in str(err.value)


def test_an_answer_to_an_unregistered_supplier_is_refused():
    with pytest.raises(RuleViolation, match="not registered") as err:
        joint.check_equal_treatment(SUPPLIERS, [qa(published_to=[*ALL, "Ukendt ApS"])])
    assert err.value.field == "questions"


def test_a_question_from_an_unregistered_supplier_is_refused():
    with pytest.raises(RuleViolation, match="not registered") as err:
        joint.check_equal_treatment(SUPPLIERS, [qa(asked_by="Ukendt ApS")])
    assert err.value.hint == "Register the supplier first."


@pytest.mark.parametrize("suppliers, match", [
    ([{"name": "Abena A/S", "cvr": "1234"}], "8 digits"),
    ([{"name": "", "cvr": "12345678"}], "has no name"),
    ([SUPPLIERS[0], {"name": "Abena A/S", "cvr": "99999999"}], "registered twice"),
    ([SUPPLIERS[0], {"name": "Andet A/S", "cvr": "12345678"}], "registered twice"),
])
def test_suppliers_are_registered_once_with_a_cvr_number(suppliers, match):
    with pytest.raises(RuleViolation, match=match) as err:
        joint.check_suppliers(suppliers)
    assert err.value.field == "suppliers"


def test_the_market_dialogue_validator_applies_equal_treatment():
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["market_dialogue"]({}, {"suppliers": SUPPLIERS, "dialogues": [],
                                           "questions": [qa(published_to=["Abena A/S"])]},
                                      None)
    assert err.value.field == "questions"


@pytest.mark.parametrize("kind, day, expected", [
    ("stat", "2024-01-01", 1_064_177),
    ("region", "2025-06-30", 1_644_638),
    ("kommune", "2026-11-30", 1_644_638),  # in force until the next period is added
])
def test_thresholds_are_dated_configuration(kind, day, expected):
    assert joint.threshold(kind, day) == expected


def test_the_threshold_is_reached_at_the_figure_itself():
    assert joint.above_threshold(1_644_638, "kommune", "2024-05-01")
    assert not joint.above_threshold(1_644_637, "kommune", "2024-05-01")
    assert joint.above_threshold(1_100_000, "stat", "2024-05-01")
    assert not joint.above_threshold(1_100_000, "region", "2024-05-01")


def test_a_day_before_any_configured_period_is_refused():
    with pytest.raises(RuleViolation, match="no threshold value") as err:
        joint.threshold("kommune", "2023-12-31")
    assert err.value.field == "decided_on"
    assert "engine/rules/joint.py" in err.value.hint


def test_an_unknown_kind_of_authority_is_refused():
    with pytest.raises(RuleViolation, match="Unknown kind") as err:
        joint.threshold("forsyning", "2024-05-01")
    assert err.value.field == "authority_kind"


def test_the_demand_counts_only_those_who_joined():
    answers = {"Aalborg": {"join": True, "units_per_year": 1200, "budget_per_year": 25},
               "Aarhus": {"join": True, "units_per_year": 1500},
               "Vejle": {"join": False, "units_per_year": 999, "reason": "Nej"}}
    assert joint.total_demand(answers) == {"participants": 2, "units_per_year": 2700,
                                           "budget_per_year": 25}


def test_joining_without_a_demand_or_declining_without_a_reason_is_refused():
    with pytest.raises(RuleViolation) as err:
        joint.check_answer({"join": True})
    assert err.value.field == "units_per_year"
    with pytest.raises(RuleViolation) as err:
        joint.check_answer({"join": False, "reason": " "})
    assert err.value.field == "reason"
    joint.check_answer({"join": True, "budget_per_year": 1})
    joint.check_answer({"join": False, "reason": "Ikke prioriteret."})

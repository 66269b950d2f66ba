"""Joint public scaling's rules, pinned: whole results and every refusal in words."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules import joint

SUPPLIERS = [{"name": "Alfa", "cvr": "12345678"}, {"name": " Beta ", "cvr": " 87654321 "}]


def refusal(fn, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as err:
        fn(*args)
    return err.value


def test_the_configuration():
    assert joint.THRESHOLDS == ({"from": "2024-01-01", "stat": 1_064_177,
                                 "region": 1_644_638, "kommune": 1_644_638},)
    assert joint.AUTHORITY_KINDS == {"stat": "statslig myndighed", "region": "region",
                                     "kommune": "kommune"}
    assert joint.ROLES == ("need_owner", "invited", "participant", "signatory", "declined",
                           "left")
    assert joint.READING_ROLES == ("need_owner", "invited", "participant", "signatory")


@pytest.mark.parametrize("kind, amount", [("stat", 1_064_177), ("region", 1_644_638),
                                          ("kommune", 1_644_638)])
def test_thresholds_by_kind(kind, amount):
    assert joint.threshold(kind, "2024-01-01") == amount
    assert joint.above_threshold(amount, kind, "2030-01-01") is True
    assert joint.above_threshold(amount - 1, kind, "2030-01-01") is False
    assert joint.above_threshold(0, kind, "2030-01-01") is False


def test_the_newest_period_that_has_begun_applies():
    from unittest import mock

    periods = ({"from": "2024-01-01", "stat": 1}, {"from": "2026-01-01", "stat": 2})
    with mock.patch.object(joint, "THRESHOLDS", periods):
        assert joint.threshold("stat", "2025-12-31") == 1
        assert joint.threshold("stat", "2026-01-01") == 2
        assert joint.threshold("stat", "2027-01-01") == 2


def test_threshold_refusals_in_words(danish):
    err = refusal(joint.threshold, "amt", "2025-01-01")
    assert (danish(err)[0], err.field, danish(err)[1]) == ("Ukendt type myndighed: 'amt'.",
                                                  "authority_kind",
                                                  "Vælg stat, region eller kommune.")
    err = refusal(joint.threshold, "stat", "2023-12-31")
    assert (danish(err)[0], err.field) == ("Der er ingen tærskelværdi for 31. december 2023.",
                                        "decided_on")
    assert danish(err)[1] == ("Tærskelværdierne gælder fra 1. januar 2024; tilføj den relevante "
                        "periode i engine/rules/joint.py.")
    assert refusal(joint.threshold, "stat", "i går").field == "decided_on"
    for value in (None, -1):
        err = refusal(joint.above_threshold, value, "stat", "2025-01-01")
        assert (danish(err)[0], err.field, danish(err)[1]) == (
            "Den anslåede værdi skal være 0 kr. eller mere.", "estimated_value",
            "Angiv værdien ekskl. moms.")


def test_the_demand_in_full():
    answers = {"A": {"join": True, "units_per_year": "10", "budget_per_year": 5},
               "B": {"join": True, "units_per_year": None},
               "C": {"join": False, "units_per_year": 99, "budget_per_year": 99}}
    assert joint.total_demand(answers) == {"participants": 2, "units_per_year": 10,
                                           "budget_per_year": 5}
    assert joint.total_demand({}) == {"participants": 0, "units_per_year": 0,
                                      "budget_per_year": 0}


def test_answers(danish):
    joint.check_answer({"join": True, "units_per_year": 1})
    joint.check_answer({"join": True, "budget_per_year": 1})
    joint.check_answer({"join": False, "reason": "Intet behov."})
    err = refusal(joint.check_answer, {"join": True, "units_per_year": 0})
    assert (danish(err)[0], err.field, danish(err)[1]) == (
        "En myndighed, der deltager, skal anslå sin efterspørgsel.", "units_per_year",
        "Angiv antal enheder om året og/eller budget om året.")
    err = refusal(joint.check_answer, {"join": False, "reason": "  "})
    assert (danish(err)[0], err.field, danish(err)[1]) == (
        "Skriv kort, hvorfor myndigheden ikke deltager.", "reason",
        "Begrundelsen hjælper facilitatoren med næste invitation.")


def test_suppliers_in_full(danish):
    assert joint.check_suppliers(SUPPLIERS) == ["Alfa", "Beta"]
    assert joint.check_suppliers([]) == []
    for bad, message, hint in (
        ([{"name": " ", "cvr": "12345678"}], "En leverandør mangler navn.",
         "Skriv leverandørens navn."),
        ([{"name": "Alfa", "cvr": "1234567"}], "CVR-nummeret for Alfa skal være 8 cifre.",
         "Fx 12345678."),
        ([{"name": "Alfa", "cvr": "1234567x"}], "CVR-nummeret for Alfa skal være 8 cifre.",
         None),
        ([{"name": "Alfa", "cvr": "123456789"}], "CVR-nummeret for Alfa skal være 8 cifre.",
         None),
        ([{"name": "Alfa"}], "CVR-nummeret for Alfa skal være 8 cifre.", None),
        ([SUPPLIERS[0], {"name": "Alfa", "cvr": "11111111"}],
         "Alfa (CVR 11111111) er registreret to gange.",
         "Registrer hver leverandør én gang."),
        ([SUPPLIERS[0], {"name": "Gamma", "cvr": "12345678"}],
         "Gamma (CVR 12345678) er registreret to gange.", None),
    ):
        err = refusal(joint.check_suppliers, bad)
        assert err.field == "suppliers" and danish(err)[0] == message
        if hint:
            assert danish(err)[1] == hint


def test_equal_treatment_in_words(danish):
    both = ["Alfa", "Beta"]
    joint.check_equal_treatment(SUPPLIERS, [
        {"asked_by": "Alfa", "answer": "Ja.", "published_to": [" Alfa", "Beta "]},
        {"asked_by": "", "answer": " ", "published_to": []},  # not answered yet
        {"asked_by": "Beta", "answer": None}])
    err = refusal(joint.check_equal_treatment, SUPPLIERS,
                  [{"asked_by": "Alfa", "answer": "Ja.", "published_to": both},
                   {"asked_by": "Omega", "answer": "Nej.", "published_to": both}])
    assert (danish(err)[0], err.field, danish(err)[1]) == (
        "Spørgsmål 2 er stillet af Omega, som ikke er registreret.", "questions",
        "Registrer leverandøren først.")
    err = refusal(joint.check_equal_treatment, SUPPLIERS,
                  [{"answer": "Ja.", "published_to": [*both, "Omega", "Delta"]}])
    assert (danish(err)[0], err.field, danish(err)[1]) == (
        "Svaret på spørgsmål 1 er sendt til Delta, Omega, som ikke er registreret.",
        "questions", "Offentliggør kun til registrerede leverandører, og til dem alle.")
    err = refusal(joint.check_equal_treatment, SUPPLIERS,
                  [{"answer": "Ja.", "published_to": ["Beta"]}])
    assert (danish(err)[0], err.field, danish(err)[1]) == (
        "Svaret på spørgsmål 1 er ikke offentliggjort for Alfa: et svar må aldrig gives "
        "til én leverandør alene (ligebehandling).", "questions",
        "Offentliggør spørgsmålet og svaret for alle registrerede leverandører.")
    err = refusal(joint.check_equal_treatment, SUPPLIERS, [{"answer": "Ja."}])
    assert "for Alfa, Beta:" in danish(err)[0]

"""Conflicts of interest (UBL § 4, Dir. art. 24): evaluators and the advisers named in a
procedure declare; a declared conflict states the measures taken and excludes the person
from the assessment it concerns."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules.impartiality import (
    check_advisers_declared,
    check_declaration,
    check_not_excluded,
    conflicts,
    declarations,
    declare,
    name_adviser,
)

TODAY = "2025-10-20"
BIDDERS = ["Alfa Care", "Beta Health"]
ADVISER = {"person": "Per Rådgiver", "organisation": "Rådgivning A/S"}
CONFLICT = {"person": "eva", "role": "evaluator", "conflict": True, "with": "Alfa Care",
            "description": "Tidligere ansat hos Alfa Care.",
            "measures": "Eva vurderer ikke Alfa Care; Lea overtager."}


def test_an_adviser_is_named_undeclared_and_then_declares():
    register = name_adviser([], ADVISER, TODAY)
    assert register == [{"person": "Per Rådgiver", "role": "adviser",
                         "organisation": "Rådgivning A/S", "named_on": TODAY,
                         "declaration": None}]
    with pytest.raises(RuleViolation, match="Per Rådgiver named in the procedure have not "
                                            "declared") as err:
        check_advisers_declared(register)
    assert err.value.field == "impartiality.advisers" and "before the assessment" in \
        err.value.hint
    declared = declare(register, {"person": "Per Rådgiver", "role": "adviser",
                                  "conflict": False}, BIDDERS, TODAY)
    assert declared[0]["declaration"] == {"declared_on": TODAY, "conflict": False}
    check_advisers_declared(declared)
    check_advisers_declared([])
    check_advisers_declared(None)


@pytest.mark.parametrize("adviser, register, field, words", [
    ("Per", [], "adviser", "must be an object"),
    (dict(ADVISER, person=" "), [], "adviser.person", "no name"),
    (dict(ADVISER, organisation=""), [], "adviser.organisation", "no organisation"),
    (ADVISER, [{"person": "Per Rådgiver", "role": "adviser"}], "adviser.person",
     "already named"),
])
def test_naming_an_adviser_is_refused(adviser, register, field, words):
    with pytest.raises(RuleViolation, match=words) as err:
        name_adviser(register, adviser, TODAY)
    assert err.value.field == field


def test_a_declared_conflict_records_the_measures_and_excludes_from_that_bidder():
    register = declare([], CONFLICT, BIDDERS, TODAY)
    assert register == [{"person": "eva", "role": "evaluator", "organisation": "",
                         "named_on": TODAY, "declaration": {
                             "declared_on": TODAY, "conflict": True, "with": "Alfa Care",
                             "description": CONFLICT["description"],
                             "measures": CONFLICT["measures"]}}]
    with pytest.raises(RuleViolation, match="with 'Alfa Care' and is excluded") as err:
        check_not_excluded("eva", "Alfa Care", register)
    assert err.value.field == "impartiality.person" and "unclaim" in err.value.hint
    with pytest.raises(RuleViolation, match="excluded"):
        check_not_excluded("eva", None, register)  # a task judging every tender
    check_not_excluded("eva", "Beta Health", register)  # another bidder: accepted
    check_not_excluded("lea", "Alfa Care", register)  # another person: accepted
    assert conflicts(register) == [{"person": "eva", "role": "evaluator",
                                    "with": "Alfa Care", "declared_on": TODAY,
                                    "description": CONFLICT["description"],
                                    "measures": CONFLICT["measures"]}]


def test_a_conflict_with_the_procedure_excludes_from_every_assessment():
    register = declare([], dict(CONFLICT, **{"with": ""}), BIDDERS, TODAY)
    with pytest.raises(RuleViolation, match="in this procedure"):
        check_not_excluded("eva", "Beta Health", register)


def test_a_later_declaration_replaces_the_earlier_one():
    register = declare([], dict(CONFLICT, conflict=False), BIDDERS, TODAY)
    check_not_excluded("eva", "Alfa Care", register)
    assert conflicts(register) == []
    register = declare(register, CONFLICT, BIDDERS, TODAY)
    assert len(register) == 1 and register[0]["declaration"]["conflict"] is True


@pytest.mark.parametrize("declaration, register, field, words, hint", [
    ("ja", [], "declaration", "must be an object", None),
    (dict(CONFLICT, person=""), [], "declaration.person", "names nobody", "evaluator"),
    (dict(CONFLICT, role="chef"), [], "declaration.role", "Unknown role 'chef'",
     "evaluator or adviser"),
    (dict(CONFLICT, role="adviser"), [], "declaration.person",
     "not named as an adviser", "Name the adviser"),
    (CONFLICT, [{"person": "eva", "role": "adviser"}], "declaration.role",
     "registered as adviser, not evaluator", "role"),
    (dict(CONFLICT, conflict="ja"), [], "declaration.conflict", "whether there is",
     "no conflict"),
    (dict(CONFLICT, declared_on="2025-10-21"), [], "declaration.declared_on",
     "in the future", "when it is made"),
    (dict(CONFLICT, **{"with": "Gamma"}), [], "declaration.with",
     "'Gamma' is not an applicant", "Alfa Care, Beta Health"),
    (dict(CONFLICT, description="Ansat."), [], "declaration.description",
     "does not state what the conflict is", "procurement report"),
    (dict(CONFLICT, measures=" Ingen "), [], "declaration.measures",
     "does not state the measures taken", "excluded from the assessment"),
])
def test_a_declaration_is_refused(declaration, register, field, words, hint):
    with pytest.raises(RuleViolation, match=words) as err:
        declare(register, declaration, BIDDERS, TODAY)
    assert err.value.field == field
    if hint:
        assert hint in err.value.hint


def test_the_shortest_description_and_measures_are_accepted():
    register = declare([], dict(CONFLICT, description="x" * 15, measures="y" * 15,
                                declared_on="2025-10-20"), BIDDERS, TODAY)
    assert register[0]["declaration"]["measures"] == "y" * 15


def test_the_assessment_declaration_is_required_and_a_conflict_excludes():
    check_declaration({"conflict": False}, "Alfa")
    with pytest.raises(RuleViolation, match="before assessing") as err:
        check_declaration({"conflict": "nej"}, "Alfa", "assessment.impartiality")
    assert err.value.field == "assessment.impartiality.conflict"
    with pytest.raises(RuleViolation, match="You declared a conflict") as err:
        check_declaration({"conflict": True}, "Alfa")
    assert err.value.field == "impartiality.conflict" and "unclaim" in err.value.hint


def test_the_summary_of_assessment_declarations():
    rows = [{"impartiality": {"conflict": False}}, {"impartiality": None}, "x",
            {"impartiality": {"conflict": True}}]
    assert declarations(rows) == {"assessments": 3, "declared": 2,
                                  "conflicts": [{"conflict": True}]}


def test_the_refusals_in_full_words():
    cases = [
        (name_adviser, ([], "Per", TODAY), "adviser", "The adviser must be an object.", ""),
        (name_adviser, ([], dict(ADVISER, person=None), TODAY), "adviser.person",
         "The adviser has no name.", "Name the person who advises on the assessment."),
        (name_adviser, ([], dict(ADVISER, organisation=" "), TODAY), "adviser.organisation",
         "The adviser 'Per Rådgiver' has no organisation.",
         "Name the firm or body the adviser comes from."),
        (name_adviser, (name_adviser([], ADVISER, TODAY), ADVISER, TODAY), "adviser.person",
         "'Per Rådgiver' is already named in the procedure.",
         "Register the person's declaration instead."),
        (declare, ([], 1, BIDDERS, TODAY), "declaration", "The declaration must be an object.",
         ""),
        (declare, ([], dict(CONFLICT, person=None), BIDDERS, TODAY), "declaration.person",
         "The declaration names nobody.", "Name the evaluator or adviser who declares."),
        (declare, ([], dict(CONFLICT, role=None), BIDDERS, TODAY), "declaration.role",
         "Unknown role None for 'eva'.", "Use evaluator or adviser."),
        (declare, ([], dict(CONFLICT, role="adviser"), BIDDERS, TODAY), "declaration.person",
         "'eva' is not named as an adviser in the procedure.",
         "Name the adviser (with the organisation) first, then register the declaration."),
        (declare, (name_adviser([], dict(ADVISER, person="eva"), TODAY), CONFLICT, BIDDERS,
                   TODAY), "declaration.role", "'eva' is registered as adviser, not evaluator.",
         "Use the role the person has in the procedure."),
        (declare, ([], dict(CONFLICT, conflict=None), BIDDERS, TODAY), "declaration.conflict",
         "The declaration of 'eva' does not say whether there is a conflict of interest "
         "(yes or no).", "Answer: no conflict, or a conflict with its description."),
        (declare, ([], dict(CONFLICT, declared_on="2025-10-21"), BIDDERS, TODAY),
         "declaration.declared_on", "The declaration is dated 2025-10-21, in the future.",
         "Register the declaration when it is made."),
        (declare, ([], dict(CONFLICT, **{"with": "Omega"}), BIDDERS, TODAY),
         "declaration.with", "'Omega' is not an applicant or bidder in the procedure.",
         "Name one of: Alfa Care, Beta Health; or leave it empty for a conflict with the "
         "procedure as a whole."),
        (declare, ([], dict(CONFLICT, **{"with": "Omega"}), [], TODAY), "declaration.with",
         None, "Name one of: none yet; or leave it empty for a conflict with the procedure "
               "as a whole."),
        (declare, ([], dict(CONFLICT, description=None), BIDDERS, TODAY),
         "declaration.description",
         "The declared conflict of 'eva' does not state what the conflict is.",
         "Describe the conflict and the measures taken (e.g. the person is excluded from "
         "the assessment and replaced) in a few words: it goes into the procurement report "
         "(UBL § 4, Dir. art. 24)."),
        (check_not_excluded, ("eva", "Beta Health", declare([], dict(CONFLICT, **{"with": ""}),
                                                             BIDDERS, TODAY)),
         "impartiality.person",
         "'eva' declared a conflict of interest in this procedure and is excluded from this "
         "assessment (UBL § 4, Dir. art. 24).",
         "Give the task back (unclaim it) so that an evaluator without a conflict takes it."),
        (check_advisers_declared, ([{"person": "A", "role": "adviser"},
                                    {"person": "B", "role": "adviser", "declaration": None},
                                    {"person": "C", "role": "evaluator"}],),
         "impartiality.advisers",
         "The adviser(s) A, B named in the procedure have not declared whether they have a "
         "conflict of interest (UBL § 4).",
         "Register each adviser's declaration before the assessment."),
        (check_declaration, (None, "Alfa"), "impartiality.conflict",
         "Declare whether you have a conflict of interest with 'Alfa' before assessing "
         "(UBL § 4).", "Answer the declaration: no conflict, or describe the conflict."),
        (check_declaration, ({"conflict": True}, "Alfa", "a"), "a.conflict",
         "You declared a conflict of interest with 'Alfa': you are excluded from this "
         "assessment (UBL § 4, Dir. art. 24).",
         "Give the task back (unclaim it) so that an evaluator without a conflict takes it, "
         "and tell the procurement lead, who records the measure."),
    ]
    for fn, args, field, message, hint in cases:
        with pytest.raises(RuleViolation) as err:
            fn(*args)
        assert err.value.field == field
        if message is not None:
            assert err.value.message == message
        assert err.value.hint == hint
    with pytest.raises(RuleViolation) as err:
        name_adviser([], ADVISER, "x")
    assert err.value.field == "today"
    with pytest.raises(RuleViolation) as err:
        declare([], CONFLICT, BIDDERS, "x")
    assert err.value.field == "today"


def test_the_register_tolerates_odd_rows_and_keeps_the_others():
    register = ["x", {"person": "lea", "role": "evaluator", "declaration": None}]
    named = name_adviser(register, ADVISER, TODAY)
    assert [p["person"] for p in named] == ["lea", "Per Rådgiver"]
    assert name_adviser(None, ADVISER, TODAY)[0]["person"] == "Per Rådgiver"
    declared = declare(named, dict(CONFLICT, person="lea"), BIDDERS, TODAY)
    assert declared[1] == named[1] and declared[0]["declaration"]["conflict"] is True
    assert conflicts(declared) == [{"person": "lea", "role": "evaluator", "with": "Alfa Care",
                                    "declared_on": TODAY,
                                    "description": CONFLICT["description"],
                                    "measures": CONFLICT["measures"]}]
    whole = declare([], dict(CONFLICT, **{"with": None}), BIDDERS, TODAY)
    assert conflicts(whole)[0]["with"] == ""
    assert conflicts(None) == [] and conflicts([{"person": "x", "declaration": "ja"}]) == []
    check_not_excluded("eva", "Alfa Care", ["x", {"person": "eva", "declaration": None}])

"""Prequalification and reduction (UBL §§ 75, 146), pinned: whole results and every
refusal in words."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules.selection import (
    DEFAULT_RULES,
    MINIMUM_FINAL_STAGE,
    MINIMUM_INVITED,
    TIE_BREAKS,
    apply_tie_decision,
    check_minimum_levels,
    check_selection_rules,
    reduce_bidders,
    reduction_notices,
    select_candidates,
)

RULES = {"rd_weight": 50, "minimum_levels": {"suitability": 4}, "tie_break": "decide"}


def refusal(fn, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as err:
        fn(*args)
    return err.value


def q(name, suitability, rd) -> dict:
    return {"applicant": name, "qualified": True, "suitability": suitability,
            "rd_capacity": rd}


def test_the_constants():
    assert (MINIMUM_INVITED, MINIMUM_FINAL_STAGE) == (3, 2)
    assert TIE_BREAKS == ("rd_capacity", "suitability", "decide")
    assert DEFAULT_RULES == {"rd_weight": 50, "minimum_levels": {},
                             "tie_break": "rd_capacity"}


def test_the_rules_come_back_checked():
    assert check_selection_rules(dict(RULES, extra=1)) == RULES
    assert check_selection_rules({"rd_weight": 0.5, "tie_break": "suitability"}) == {
        "rd_weight": 0.5, "minimum_levels": {}, "tie_break": "suitability"}
    assert check_selection_rules(dict(RULES, minimum_levels={"suitability": 0,
                                                             "rd_capacity": 10}))


@pytest.mark.parametrize("rules, field, message, hint", [
    (None, "selection", "The tender documents do not state the selection rules.",
     "State the weight of R&D/innovation capacity, the minimum suitability levels and the "
     "tie-break (UBL § 75 stk. 2)."),
    (dict(RULES, rd_weight=100), "selection.rd_weight",
     "The weight of R&D/innovation capacity must be above 0 and below 100 %, got 100 "
     "(UBL § 75 stk. 2).",
     "Publish the share of the selection score given to R&D capacity, e.g. 50."),
    (dict(RULES, rd_weight=True), "selection.rd_weight", None, None),
    (dict(RULES, rd_weight="50"), "selection.rd_weight", None, None),
    (dict(RULES, minimum_levels={"pris": 3}), "selection.minimum_levels",
     "minimum_levels may only name suitability and rd_capacity.",
     "Publish the minimum levels as numbers from 0 to 10."),
    (dict(RULES, minimum_levels=[3]), "selection.minimum_levels", None, None),
    (dict(RULES, minimum_levels={"rd_capacity": -1}), "selection.minimum_levels.rd_capacity",
     "The minimum level for rd_capacity must be from 0 to 10, got -1.",
     "Publish a level on the 0-10 scale."),
    (dict(RULES, minimum_levels={"rd_capacity": True}),
     "selection.minimum_levels.rd_capacity", None, None),
    (dict(RULES, minimum_levels={"rd_capacity": 10.5}),
     "selection.minimum_levels.rd_capacity", None, None),
    (dict(RULES, tie_break="lodtrækning"), "selection.tie_break",
     "Unknown selection tie-break 'lodtrækning'.",
     "Publish 'rd_capacity', 'suitability' (the higher ranks first) or 'decide' (the "
     "authority decides with a recorded reason)."),
])
def test_the_rules_are_refused_in_words(rules, field, message, hint):
    err = refusal(check_selection_rules, rules)
    assert err.field == field
    if message:
        assert err.message == message
    if hint:
        assert err.hint == hint


def test_minimum_levels():
    check_minimum_levels(q("A", 4, 0), "A", RULES)
    check_minimum_levels(q("A", 0, 0), "A", None)
    check_minimum_levels({"qualified": True}, "A", RULES)
    err = refusal(check_minimum_levels, q("A", 3.5, 9), "A", RULES)
    assert (err.field, err.message, err.hint) == (
        "suitability", "'A' has suitability 3.5, below the published minimum level 4: it "
                       "cannot be found qualified.",
        "Reject the applicant with the reason, or correct the rating.")


def test_a_selection_in_full():
    result = select_candidates([q("A", 9, 9), q("B", 8, 6), q("C", 6, 8), q("D", 5, 5),
                                {"applicant": "E", "qualified": False, "reason": "Uegnet."}],
                               3, {"rd_weight": 25, "tie_break": "rd_capacity"})
    assert result["invited"] == ["A", "B", "C"]
    assert result["ranking"] == [
        {"applicant": "A", "suitability": 9.0, "rd_capacity": 9.0, "score": 9.0, "rank": 1,
         "invited": True},
        {"applicant": "B", "suitability": 8.0, "rd_capacity": 6.0, "score": 7.5, "rank": 2,
         "invited": True},
        {"applicant": "C", "suitability": 6.0, "rd_capacity": 8.0, "score": 6.5, "rank": 3,
         "invited": True},
        {"applicant": "D", "suitability": 5.0, "rd_capacity": 5.0, "score": 5.0, "rank": 4,
         "invited": False}]
    assert result["rejected"] == [
        {"applicant": "E", "reason": "Uegnet."},
        {"applicant": "D", "reason": "Kvalificeret, men ikke blandt de 3 bedst egnede "
                                     "ansøgere (nr. 4 efter egnethed og "
                                     "innovationskapacitet)."}]
    assert result["cancel"] is False and result["fewer_than_minimum"] is False
    assert result["tie"] is None


def test_nobody_or_too_few_qualified():
    nobody = select_candidates([{"applicant": "E", "qualified": False, "reason": "x"}], 5)
    assert nobody == {"invited": [], "rejected": [{"applicant": "E", "reason": "x"}],
                      "ranking": [], "cancel": True, "fewer_than_minimum": True,
                      "tie": None}
    two = select_candidates([q("A", 5, 5), q("B", 5, 4)], 5)
    assert two["fewer_than_minimum"] is True and two["invited"] == ["A", "B"]
    three = select_candidates([q("A", 5, 5), q("B", 5, 4), q("C", 1, 1)], 5)
    assert three["fewer_than_minimum"] is False


def test_the_published_tie_break_settles_equal_scores():
    by_rd = select_candidates([q("A", 8, 6), q("B", 6, 8), q("C", 1, 1)], 3,
                              {"rd_weight": 50, "tie_break": "rd_capacity"})
    assert [r["applicant"] for r in by_rd["ranking"]][:2] == ["B", "A"]
    assert [r["rank"] for r in by_rd["ranking"]] == [1, 2, 3]
    by_suitability = select_candidates([q("A", 6, 8), q("B", 8, 6), q("C", 1, 1)], 3,
                                       {"rd_weight": 50, "tie_break": "suitability"})
    assert [r["applicant"] for r in by_suitability["ranking"]][:2] == ["B", "A"]


def test_a_tie_at_the_cut_off_goes_to_the_authority():
    result = select_candidates([q("A", 9, 9), q("B", 8, 8), q("C", 7, 7), q("D", 7, 7),
                                q("E", 4, 1)], 3, RULES)
    assert result["tie"] == {"applicants": ["C", "D"], "places": 1}
    assert result["invited"] == ["A", "B"]
    assert [r["invited"] for r in result["ranking"]] == [True, True, None, None, False]
    assert [r["rank"] for r in result["ranking"]] == [1, 2, 3, 3, 5]
    assert result["rejected"] == [{"applicant": "E", "reason": "Kvalificeret, men ikke "
                                   "blandt de 3 bedst egnede ansøgere (nr. 5 efter egnethed "
                                   "og innovationskapacitet)."}]
    decided = apply_tie_decision(result, {"chosen": ["D"], "reason": "D har klinisk test."})
    assert decided["invited"] == ["A", "B", "D"]
    assert decided["tie_decision"] == {"chosen": ["D"], "reason": "D har klinisk test."}
    assert decided["rejected"][-1] == {
        "applicant": "C", "reason": "Lige med D ved grænsen for antallet af opfordrede; "
                                    "ordregiverens begrundede valg: D har klinisk test."}
    assert [r["invited"] for r in decided["ranking"]] == [True, True, False, True, False]
    assert result["invited"] == ["A", "B"]  # not changed


def test_no_tie_at_exactly_the_maximum():
    result = select_candidates([q("A", 9, 9), q("B", 8, 8), q("C", 7, 7)], 3, RULES)
    assert result["tie"] is None and result["invited"] == ["A", "B", "C"]
    assert apply_tie_decision(result, None) == result
    assert apply_tie_decision(result, {"chosen": []}) == result


@pytest.mark.parametrize("assessments, max_invited, field, message", [
    ([q("A", 5, 5)], 2, "max_invited", "At most 2 invited is too few: an innovation "
                                       "partnership must invite at least 3 (UBL § 75 stk. 1)."),
    ([q("A", 5, 5)], "5", "max_invited", "max_invited must be a whole number, got '5'."),
    ([q("A", 5, 5)], True, "max_invited", "max_invited must be a whole number, got True."),
    ("A", 5, "assessments", "The assessments must be a list."),
    ([{"qualified": True}], 5, "applicant", "Assessment no. 1 has no applicant name."),
    (["A"], 5, "applicant", "Assessment no. 1 has no applicant name."),
    ([q("A", 5, 5), q("A", 4, 4)], 5, "applicant", "The applicant 'A' is assessed twice."),
    ([{"applicant": "A", "qualified": "ja"}], 5, "qualified",
     "Say whether 'A' is qualified (true or false)."),
    ([{"applicant": "A", "qualified": False, "reason": " "}], 5, "reason",
     "The unqualified applicant 'A' has no reason."),
    ([{"applicant": "A", "qualified": True, "rd_capacity": 5}], 5, "suitability",
     "The qualified applicant 'A' has no suitability."),
    ([q("A", 11, 5)], 5, "suitability", "suitability of 'A' is 11, outside 0..10."),
    ([q("A", 5, -1)], 5, "rd_capacity", "rd_capacity of 'A' is -1, outside 0..10."),
])
def test_a_selection_is_refused_in_words(assessments, max_invited, field, message):
    err = refusal(select_candidates, assessments, max_invited)
    assert (err.field, err.message) == (field, message)


def test_the_edges_of_the_scale_are_accepted():
    result = select_candidates([q("A", 0, 10), q("B", 10, 0)], 3)
    assert [r["score"] for r in result["ranking"]] == [5.0, 5.0]


@pytest.mark.parametrize("decision, field, message", [
    ({"chosen": ["C", "D"], "reason": "x" * 20}, "tie_decision.chosen",
     "C, D are equal at the cut-off on every published criterion: choose exactly 1 of them."),
    ({"chosen": ["E"], "reason": "x" * 20}, "tie_decision.chosen", None),
    ({"chosen": ["C", "C"], "reason": "x" * 20}, "tie_decision.chosen", None),
    ({"chosen": ["C"], "reason": "x" * 14}, "tie_decision.reason",
     "The decision on the tie at the cut-off has no reason."),
    ({"chosen": ["C"]}, "tie_decision.reason", None),
])
def test_a_tie_decision_is_refused_in_words(decision, field, message):
    tied = select_candidates([q("A", 9, 9), q("B", 8, 8), q("C", 7, 7), q("D", 7, 7)], 3,
                             RULES)
    err = refusal(apply_tie_decision, tied, decision)
    assert err.field == field
    if message:
        assert err.message == message
    if field.endswith("chosen"):
        assert err.hint == ("The published tie-break does not settle it; the list order "
                            "never does. Choose, and record why.")
    else:
        assert err.hint == ("Write why these applicants were chosen: the reason is recorded "
                            "and sent to those not chosen.")


def test_a_decision_without_a_tie_is_refused():
    err = refusal(apply_tie_decision, {"tie": None}, {"chosen": ["A"]})
    assert (err.message, err.field, err.hint) == ("There is no tie at the cut-off to decide.",
                                                  "tie_decision",
                                                  "Leave the tie decision empty.")


@pytest.mark.parametrize("args, field, message, hint", [
    ((["A", "B", "C"], 2, False), "reduction_between_rounds",
     "Bidders cannot be reduced between rounds: the tender documents did not announce it "
     "(UBL § 146).", "Continue the negotiation with all remaining bidders."),
    (("A", 2, True), "ranked_bidders", "The ranking must be a list of bidder names, best "
                                       "first.", ""),
    ((["A", " "], 1, True), "ranked_bidders", None, None),
    ((["A", "A", "B"], 2, True), "ranked_bidders", "A bidder appears twice in the ranking.",
     "Use the ranking from the evaluation model."),
    ((["A", "B", "C"], 2.0, True), "keep", "keep must be a whole number, got 2.0.", ""),
    ((["A", "B", "C"], True, True), "keep", None, None),
    ((["A", "B", "C"], 3, True), "keep", "Cannot keep 3 of 3 bidders.",
     "Keep at least 2 and fewer than 3."),
    ((["A", "B", "C"], 0, True), "keep", "Cannot keep 0 of 3 bidders.", None),
    ((["A", "B", "C"], 1, True), "keep",
     "Keeping 1 bidder leaves no genuine competition for the final stage (Dir. art. 66, "
     "UBL § 146).",
     "Keep at least 2 bidders; fewer go on only when fewer than two conforming tenders "
     "remain, and then the reason is recorded (reduction_reason)."),
    ((["A", "B", "C"], 2, True, [1, 2]), "ranks", "Every ranked bidder needs its rank.", ""),
    ((["A", "B", "C", "D"], 2, True, [1, 2, 2, 4]), "keep",
     "B, C are equal under the published model at the cut-off: keeping 2 would settle the "
     "tie by list order.", "Keep all the tied bidders (3), or fewer above the tie."),
])
def test_a_reduction_is_refused_in_words(args, field, message, hint):
    err = refusal(reduce_bidders, *args)
    assert err.field == field
    if message:
        assert err.message == message
    if hint is not None:
        assert err.hint == hint


def test_a_reduction_in_full():
    assert reduce_bidders(["A", "B", "C", "D"], 3, True, [1, 2, 2, 4]) == {
        "kept": ["A", "B", "C"], "removed": ["D"]}
    assert reduce_bidders(["A", "B", "C"], 2, True) == {"kept": ["A", "B"], "removed": ["C"]}
    ranking = [{"bidder": "A", "rank": 1, "total": 8.5}, {"bidder": "B", "rank": 2,
                                                         "total": 7.125}]
    assert reduction_notices(ranking, ["A"]) == [{
        "bidder": "B", "continuing": ["A"],
        "reason": "Tilbuddet blev nr. 2 med 7,12 point efter de offentliggjorte "
                  "tildelingskriterier; de 1 bedste fortsætter: A (UBL § 146)."}]

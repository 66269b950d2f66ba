"""Selection and reduction by the published rules (UBL §§ 75, 145-146, 171; Dir. art. 66):
the R&D weight and minimum levels come from the documents, a tie at the cut-off is never
settled by list order, and the final stage keeps at least two bidders."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules.selection import (
    apply_tie_decision,
    reduce_bidders,
    reduction_notices,
    select_candidates,
)


def ok(name, suitability, rd_capacity):
    return {"applicant": name, "qualified": True, "suitability": suitability,
            "rd_capacity": rd_capacity}


def rules(rd_weight=50, tie_break="decide", **levels) -> dict:
    return {"rd_weight": rd_weight, "minimum_levels": levels, "tie_break": tie_break}


FOUR = [ok("A", 9, 3), ok("B", 4, 8), ok("C", 6, 6), ok("D", 5, 5)]


@pytest.mark.parametrize("rd_weight, invited", [
    (20, ["A", "C", "D"]),   # A 7.8, C 6, B 4.8, D 5 -> A, C, D
    (80, ["B", "C", "D"]),   # B 7.2, C 6, D 5, A 4.2
])
def test_the_published_rd_weight_decides_the_ranking(rd_weight, invited):
    result = select_candidates(FOUR, 3, rules(rd_weight))
    assert result["invited"] == invited and result["tie"] is None


def test_a_qualified_applicant_below_a_published_minimum_level_is_refused():
    with pytest.raises(RuleViolation, match="below the published minimum level") as err:
        select_candidates([ok("A", 3.5, 9)], 3, rules(suitability=4))
    assert err.value.field == "suitability" and "Reject the applicant" in err.value.hint


def test_the_minimum_level_itself_is_accepted():
    assert select_candidates([ok("A", 4, 4)], 3, rules(suitability=4, rd_capacity=4)
                             )["invited"] == ["A"]


SIX = [ok("A", 9, 9), ok("B", 8, 8), ok("C", 8, 7), ok("D", 7, 7), ok("E", 6, 6),
       ok("F", 6, 6)]


def test_a_tie_at_the_cut_off_is_reported_never_settled_by_list_order():
    result = select_candidates(SIX, 5, rules(tie_break="decide"))
    assert result["invited"] == ["A", "B", "C", "D"]
    assert result["tie"] == {"applicants": ["E", "F"], "places": 1}
    assert {r["applicant"] for r in result["rejected"]} == set()
    assert [r["invited"] for r in result["ranking"]][-2:] == [None, None]
    assert result["ranking"][-1]["rank"] == result["ranking"][-2]["rank"] == 5


def test_the_published_tie_break_settles_a_tie_it_can():
    six = [*SIX[:4], ok("E", 7, 5), ok("F", 5, 7)]  # both 6; F has more R&D capacity
    result = select_candidates(six, 5, rules(tie_break="rd_capacity"))
    assert result["invited"] == ["A", "B", "C", "D", "F"] and result["tie"] is None


@pytest.mark.parametrize("decision, field, words", [
    (None, "tie_decision.chosen", "choose exactly 1"),
    ({"chosen": ["E", "F"], "reason": "Begge er lige gode."}, "tie_decision.chosen",
     "choose exactly 1"),
    ({"chosen": ["A"], "reason": "Begge er lige gode."}, "tie_decision.chosen", "exactly"),
    ({"chosen": ["F"], "reason": "F."}, "tie_decision.reason", "no reason"),
])
def test_the_authoritys_tie_decision_must_choose_the_places_and_say_why(decision, field,
                                                                         words):
    with pytest.raises(RuleViolation, match=words) as err:
        apply_tie_decision(select_candidates(SIX, 5, rules()), decision)
    assert err.value.field == field and err.value.hint


def test_a_reasoned_tie_decision_is_applied_and_recorded():
    reason = "F har den stærkeste kliniske reference i ansøgningen."
    result = apply_tie_decision(select_candidates(SIX, 5, rules()),
                                {"chosen": ["F"], "reason": reason})
    assert result["invited"] == ["A", "B", "C", "D", "F"]
    assert result["tie_decision"] == {"chosen": ["F"], "reason": reason}
    [lost] = result["rejected"]
    assert lost["applicant"] == "E" and reason in lost["reason"]


def test_no_tie_no_decision():
    result = select_candidates(SIX[:5], 5, rules())
    assert apply_tie_decision(result, {"chosen": [], "reason": ""})["invited"] == \
        result["invited"]
    with pytest.raises(RuleViolation, match="no tie") as err:
        apply_tie_decision(result, {"chosen": ["E"], "reason": "Fordi det er sådan."})
    assert err.value.field == "tie_decision"


def test_reduction_never_leaves_fewer_than_two():
    with pytest.raises(RuleViolation, match="genuine competition") as err:
        reduce_bidders(["A", "B", "C"], 1, True, [1, 2, 3])
    assert err.value.field == "keep" and "at least 2" in err.value.hint


def test_reduction_to_exactly_two_is_accepted():
    assert reduce_bidders(["A", "B", "C"], 2, True, [1, 2, 3]) == {
        "kept": ["A", "B"], "removed": ["C"]}


def test_reduction_never_cuts_through_a_tie():
    with pytest.raises(RuleViolation, match="settle the tie by list order") as err:
        reduce_bidders(["A", "B", "C", "D"], 2, True, [1, 2, 2, 4])
    assert err.value.field == "keep" and "(3)" in err.value.hint
    assert reduce_bidders(["A", "B", "C", "D"], 3, True, [1, 2, 2, 4])["removed"] == ["D"]


def test_each_reduced_bidder_gets_its_own_reasons_and_the_names_continuing():
    ranking = [{"bidder": "A", "rank": 1, "total": 8.5}, {"bidder": "B", "rank": 2,
               "total": 7.25}, {"bidder": "C", "rank": 3, "total": 6.0}]
    [notice] = reduction_notices(ranking, ["A", "B"])
    assert notice["bidder"] == "C" and notice["continuing"] == ["A", "B"]
    assert "nr. 3 med 6,00 point" in notice["reason"] and "8.5" not in notice["reason"]

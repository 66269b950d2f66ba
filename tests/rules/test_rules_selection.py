"""Prequalification (UBL § 75) and reduction between rounds (UBL § 146)."""
import pytest

from engine.errors import RuleViolation
from engine.rules.selection import reduce_bidders, select_candidates


def ok(name, suitability, rd_capacity):
    return {"applicant": name, "qualified": True, "suitability": suitability,
            "rd_capacity": rd_capacity}


def no(name, reason="Opfylder ikke kravet om omsætning"):
    return {"applicant": name, "qualified": False, "reason": reason}


def test_invites_the_best_up_to_the_maximum():
    # scores = mean(suitability, rd_capacity):
    # A 8, B (9+5)/2 = 7, C (5+9)/2 = 7 (higher R&D -> before B), D 6, E 5, F 4, G 3
    result = select_candidates([
        ok("A", 8, 8), ok("B", 9, 5), ok("C", 5, 9), no("X"), ok("D", 6, 6),
        ok("E", 5, 5), ok("F", 4, 4), ok("G", 3, 3),
    ], max_invited=5)
    assert result["invited"] == ["A", "C", "B", "D", "E"]
    assert result["cancel"] is False and result["fewer_than_minimum"] is False
    rejected = {r["applicant"]: r["reason"] for r in result["rejected"]}
    assert rejected["X"] == "Opfylder ikke kravet om omsætning"
    assert "5 bedst egnede" in rejected["F"] and "nr. 6" in rejected["F"]
    assert "nr. 7" in rejected["G"]
    assert [r["applicant"] for r in result["ranking"]] == ["A", "C", "B", "D", "E", "F", "G"]
    assert result["ranking"][1] == {"applicant": "C", "suitability": 5.0, "rd_capacity": 9.0,
                                    "score": 7.0, "rank": 2, "invited": True}


def test_full_tie_goes_to_the_earlier_application():
    result = select_candidates([ok("Late", 6, 6), ok("Early", 7, 5), ok("Third", 6, 6),
                                ok("Fourth", 6, 6)], max_invited=3)
    # all score 6; "Late" and "Third" and "Fourth" have R&D 6 > 5, in application order
    assert result["invited"] == ["Late", "Third", "Fourth"]
    assert [r["applicant"] for r in result["rejected"]] == ["Early"]


@pytest.mark.parametrize("assessments, invited, cancel, fewer", [
    ([ok("A", 5, 5), ok("B", 6, 6), no("C"), no("D")], ["B", "A"], False, True),
    ([ok("A", 5, 5)], ["A"], False, True),
    ([no("A"), no("B")], [], True, True),
    ([], [], True, True),
    ([ok("A", 1, 1), ok("B", 2, 2), ok("C", 3, 3)], ["C", "B", "A"], False, False),
])
def test_fewer_than_three_qualified(assessments, invited, cancel, fewer):
    result = select_candidates(assessments, max_invited=5)
    assert result["invited"] == invited
    assert result["cancel"] is cancel
    assert result["fewer_than_minimum"] is fewer


def test_never_invites_the_unqualified_even_with_high_scores():
    high = dict(no("Star"), suitability=10, rd_capacity=10)
    result = select_candidates([high, ok("A", 2, 2)], max_invited=3)
    assert result["invited"] == ["A"]


@pytest.mark.parametrize("assessments, max_invited, field", [
    ([ok("A", 5, 5)], 2, "max_invited"),
    ([ok("A", 5, 5)], True, "max_invited"),
    ([ok("A", 5, 5)], 3.0, "max_invited"),
    ([ok("A", 5, 5), ok("A", 6, 6)], 3, "applicant"),
    ([no("A", reason="")], 3, "reason"),
    ([{"applicant": "A", "qualified": False}], 3, "reason"),
    ([ok("A", 11, 5)], 3, "suitability"),
    ([ok("A", 5, -1)], 3, "rd_capacity"),
    ([{"applicant": "A", "qualified": True, "suitability": 5}], 3, "rd_capacity"),
    ([ok("A", "5", 5)], 3, "suitability"),
    ([{"applicant": "A", "qualified": "yes", "suitability": 5, "rd_capacity": 5}], 3,
     "qualified"),
    ([ok("", 5, 5)], 3, "applicant"),
])
def test_invalid_assessments_are_refused(assessments, max_invited, field):
    with pytest.raises(RuleViolation) as e:
        select_candidates(assessments, max_invited)
    assert e.value.field == field


def test_reduce_bidders_keeps_the_best():
    assert reduce_bidders(["B", "A", "D", "C"], 2, announced=True) == {
        "kept": ["B", "A"], "removed": ["D", "C"]}


@pytest.mark.parametrize("ranked, keep, announced, field", [
    (["B", "A", "C"], 2, False, "reduction_between_rounds"),
    (["B", "A", "C"], 3, True, "keep"),
    (["B", "A", "C"], 0, True, "keep"),
    (["B", "A", "C"], True, True, "keep"),
    (["B", "A", "B"], 1, True, "ranked_bidders"),
    (["B", ""], 1, True, "ranked_bidders"),
])
def test_reduce_bidders_refusals(ranked, keep, announced, field):
    with pytest.raises(RuleViolation) as e:
        reduce_bidders(ranked, keep, announced)
    assert e.value.field == field

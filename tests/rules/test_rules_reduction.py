"""The end of a negotiation round (UBL §§ 146, 171): non-conforming revised tenders are
rejected with a reason; never fewer than two go on unless fewer than two conforming
tenders remain, and then only with a recorded reason."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules.reduction import fewer_than_two_conforming, round_outcome
from tests.test_innovation_partnership import TENDER_DOCUMENTS

MODEL = TENDER_DOCUMENTS["evaluation_model"]
THREE = ["Alfa", "Beta", "Gamma"]
REASON = "Kun Alfa opfylder fortsat mindstekravene efter runden."


def tender(bidder, price=150_000_000, score=None, **extra) -> dict:
    row = {"bidder": bidder, "price": price, **extra}
    if score is not None:
        row["scores"] = [{"criterion": "K1", "score": score}, {"criterion": "K2",
                                                                "score": score}]
    return row


def out(bidder, reason="Mindstekrav M2 er ikke opfyldt.") -> dict:
    return tender(bidder, conforming=False, reason=reason)


def outcome(tenders, reduce=False, keep=None, announced=True, reason="", remaining=THREE):
    return round_outcome(MODEL, tenders, remaining, reduce, keep, announced, reason)


def test_without_reduction_everyone_conforming_goes_on():
    result = outcome([tender(b) for b in THREE])
    assert result == {"ranking": [], "kept": THREE, "removed": [], "rejected": [],
                      "reduction_reason": "", "notices": []}


def test_a_non_conforming_tender_is_rejected_with_its_reason_and_told_who_continues():
    result = outcome([tender("Alfa"), out("Beta"), tender("Gamma")])
    assert result["kept"] == ["Alfa", "Gamma"] and result["removed"] == ["Beta"]
    assert result["rejected"] == [{"bidder": "Beta", "reason": "Mindstekrav M2 er ikke "
                                                               "opfyldt."}]
    [notice] = result["notices"]
    assert notice["bidder"] == "Beta" and notice["continuing"] == ["Alfa", "Gamma"]
    assert "ikke konditionsmæssigt: Mindstekrav M2" in notice["reason"]
    assert "Fortsætter: Alfa, Gamma." in notice["reason"]


def test_a_non_conforming_tender_needs_a_reason():
    with pytest.raises(RuleViolation, match="without a reason") as err:
        outcome([tender("Alfa"), out("Beta", reason=" "), tender("Gamma")])
    assert err.value.field == "revised_tenders[1].reason" and "UBL § 171" in err.value.hint


def test_one_conforming_tender_left_needs_a_recorded_reason():
    tenders = [tender("Alfa"), out("Beta"), out("Gamma")]
    with pytest.raises(RuleViolation, match="Only 1 conforming tender remains") as err:
        outcome(tenders)
    assert err.value.field == "reduction_reason"
    assert "genuine competition" in err.value.message and "procurement report" in \
        err.value.hint
    with pytest.raises(RuleViolation, match="no reason is recorded"):
        outcome(tenders, reason="For kort.")  # 9 characters


def test_one_conforming_tender_left_is_accepted_with_the_reason():
    result = outcome([tender("Alfa"), out("Beta"), out("Gamma")], reason=REASON[:15])
    assert result["kept"] == ["Alfa"] and result["removed"] == ["Beta", "Gamma"]
    assert result["reduction_reason"] == REASON[:15]
    assert [n["bidder"] for n in result["notices"]] == ["Beta", "Gamma"]
    reduced = outcome([tender("Alfa", score=9), out("Beta"), out("Gamma")], reduce=True,
                      keep=1, reason=f"  {REASON}  ")
    assert reduced["kept"] == ["Alfa"] and reduced["reduction_reason"] == REASON


def test_no_conforming_tender_left_is_refused():
    with pytest.raises(RuleViolation, match="No conforming tender remains") as err:
        outcome([out(b) for b in THREE], reason=REASON)
    assert err.value.field == "revised_tenders" and "cancel" in err.value.hint


def test_reduction_to_one_of_three_conforming_is_refused_even_with_a_reason():
    tenders = [tender("Alfa", score=9), tender("Beta", score=5), tender("Gamma", score=7)]
    with pytest.raises(RuleViolation, match="genuine competition") as err:
        outcome(tenders, reduce=True, keep=1, reason=REASON)
    assert err.value.field == "keep" and "reduction_reason" in err.value.hint


def test_reduction_to_exactly_two_is_accepted_by_the_award_criteria():
    tenders = [tender("Alfa", score=9), tender("Beta", score=5), tender("Gamma", score=7)]
    result = outcome(tenders, reduce=True, keep=2)
    assert result["kept"] == ["Alfa", "Gamma"] and result["removed"] == ["Beta"]
    assert [r["bidder"] for r in result["ranking"]] == ["Alfa", "Gamma", "Beta"]
    [notice] = result["notices"]
    assert notice["bidder"] == "Beta" and "nr. 3" in notice["reason"]


def test_reduction_with_a_non_conforming_tender_ranks_only_the_conforming():
    tenders = [tender("Alfa", score=9), out("Beta"), tender("Gamma", score=7),
               tender("Delta", score=8)]
    result = outcome(tenders, reduce=True, keep=2, remaining=["Alfa", "Beta", "Gamma",
                                                              "Delta"])
    assert result["kept"] == ["Alfa", "Delta"]
    assert result["removed"] == ["Beta", "Gamma"]
    assert [n["bidder"] for n in result["notices"]] == ["Beta", "Gamma"]


@pytest.mark.parametrize("kwargs, tenders, field, words", [
    ({"reduce": True, "keep": 2, "announced": False}, None, "reduction_between_rounds",
     "did not announce"),
    ({"reduce": True, "keep": None}, None, "keep_bidders", "how many"),
    ({"reduce": True, "keep": 2}, [tender("Alfa", score=9), tender("Beta", score=5)],
     "revised_tenders", "missing: Gamma"),
])
def test_reduction_refusals(kwargs, tenders, field, words):
    rows = tenders or [tender("Alfa", score=9), tender("Beta", score=5),
                       tender("Gamma", score=7)]
    with pytest.raises(RuleViolation, match=words) as err:
        outcome(rows, **kwargs)
    assert err.value.field == field


@pytest.mark.parametrize("tenders, remaining, expected", [
    ([tender("Alfa"), out("Beta")], ["Alfa", "Beta"], True),
    ([tender("Alfa"), tender("Beta")], ["Alfa", "Beta"], False),
    ([tender("Alfa"), out("Beta")], THREE, False),  # Gamma sent none: still in
    ([], ["Alfa"], True),
])
def test_fewer_than_two_conforming(tenders, remaining, expected):
    assert fewer_than_two_conforming(tenders, remaining) is expected

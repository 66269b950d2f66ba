"""Several partners (UBL § 74 stk. 2 nr. 3) and the targets fixed in each partner's
contract (Dir. art. 31(2)): every rule broken (field, words, hint) and its boundary
accepted."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from engine.errors import RuleViolation
from engine.rules import partnership as rules
from engine.rules.purchase import record_call_off
from engine.rules.tender_documents import check_tender_documents
from tests.test_innovation_partnership import TENDER_DOCUMENTS as VALID

PLAN = [{"phase": 1, "targets": "Prototype\nDatasikkerhed", "duration_days": 90, "fee": 165000},
        {"phase": 2, "targets": "Klinisk test", "duration_days": 90, "fee": 165000}]
DOCS = {"several_partners": True, "max_partners": 2,
        "development": {"phases": 2, "fee_per_phase": 165000, "termination_allowed": True,
                        "partner_reduction_allowed": True, "phase_plan": PLAN}}
EVALUATION = [{"bidder": "Alfa", "rank": 1}, {"bidder": "Beta", "rank": 2},
              {"bidder": "Gamma", "rank": 3}]
TODAY = date(2026, 8, 1)


def docs(**changes) -> dict:
    result = copy.deepcopy(DOCS)
    for key, value in changes.items():
        if key in result["development"]:
            result["development"][key] = value
        else:
            result[key] = value
    return result


# ------------------------------------------------------------ tender documents
@pytest.mark.parametrize("changes,field,words,hint", [
    ({"several_partners": False}, "max_partners", "one partner but allow up to 2",
     "set the maximum number of partners to 1"),
    ({"max_partners": 1}, "max_partners", "several partners but allow only one",
     "at least 2"),
    ({"max_partners": 0}, "max_partners", "at least 1", "maximum number"),
    ({"phase_plan": PLAN[:1]}, "development.phase_plan", "the contract has 2 phases",
     "numbered 1 to 2"),
    ({"phase_plan": [PLAN[0], dict(PLAN[1], targets=" ")]},
     "development.phase_plan[1].targets", "no intermediate targets", "one per line"),
    ({"phase_plan": [PLAN[0], dict(PLAN[1], duration_days=0)]},
     "development.phase_plan[1].duration_days", "no duration", "duration in days"),
    ({"phase_plan": [PLAN[0], dict(PLAN[1], fee=165001)]}, "development.phase_plan",
     "above the agreed total of 330000 DKK", "Lower the phase fees"),
])
def test_partner_terms_in_the_tender_documents_are_refused(changes, field, words, hint):
    with pytest.raises(RuleViolation) as err:
        rules.check_partner_terms(docs(**changes))
    assert err.value.field == field and words in err.value.message
    assert hint in (err.value.hint or "")


@pytest.mark.parametrize("changes", [
    {},  # several partners, at most 2; phase fees exactly the agreed total
    {"several_partners": False, "max_partners": 1, "phase_plan": []},
    {"phase_plan": [PLAN[0], dict(PLAN[1], fee=100000)]},
])
def test_partner_terms_boundaries_are_accepted(changes):
    rules.check_partner_terms(docs(**changes))


def test_the_whole_tender_documents_check_includes_the_partner_terms():
    several = dict(copy.deepcopy(VALID), several_partners=True)
    with pytest.raises(RuleViolation) as err:
        check_tender_documents(several)
    assert err.value.field == "max_partners"
    check_tender_documents(dict(several, max_partners=3))


# ------------------------------------------------------------------------ award
@pytest.mark.parametrize("partners,documents,words,hint", [
    (["Alfa", "Beta", "Gamma"], docs(), "more than the 2", "at most 2"),
    (["Alfa", "Beta"], docs(several_partners=False, max_partners=1),
     "provide for one partner", "ranked first only"),
    (["Alfa", "Omega"], docs(), "not among the conforming tenders", "ranked, conforming"),
    (["Alfa", "Gamma"], docs(), "must follow the ranking", "ranked 1 to n"),
    (["Beta", "Alfa"], docs(), "must follow the ranking", "in rank order"),
    (["Alfa", "Alfa"], docs(), "named twice", "once"),
])
def test_the_award_follows_the_ranking_and_the_maximum(partners, documents, words, hint):
    with pytest.raises(RuleViolation) as err:
        rules.check_partners(partners, EVALUATION, documents)
    assert err.value.field == "award.partners" and words in err.value.message
    assert hint in (err.value.hint or "")


@pytest.mark.parametrize("partners,documents", [
    (["Alfa", "Beta"], docs()),  # exactly the maximum, ranks 1..2
    (["Alfa"], docs(several_partners=False, max_partners=1)),  # the default: one
])
def test_partners_in_rank_order_up_to_the_maximum_are_accepted(partners, documents):
    rules.check_partners(partners, EVALUATION, documents)


def test_partners_tied_on_rank_may_come_in_either_order():
    tied = [{"bidder": "Alfa", "rank": 1}, {"bidder": "Beta", "rank": 1}]
    rules.check_partners(["Beta", "Alfa"], tied, docs())


def test_the_award_names_the_winner_alone_by_default():
    assert rules.awarded({"winner": "Alfa"}) == ["Alfa"]
    assert rules.awarded({"winner": "Alfa", "partners": ["Alfa", "Beta"]}) == ["Alfa", "Beta"]


# -------------------------------------------------------------------- contracts
def test_each_partner_gets_the_plan_or_its_negotiated_terms():
    terms = [{"partner": "Beta", "phase": 2, "targets": "Eget delmål", "fee": 100000}]
    opened = rules.open_partnerships(["Alfa", "Beta"], docs(), terms, "2026-04-08")
    assert opened["Alfa"]["contract"][0] == {"phase": 1, "targets": ["Prototype",
                                                                     "Datasikkerhed"],
                                             "duration_days": 90, "fee": 165000}
    assert opened["Beta"]["contract"][1]["targets"] == ["Eget delmål"]
    assert opened["Beta"]["contract"][1]["fee"] == 100000
    assert [p["rank"] for p in opened.values()] == [1, 2]


@pytest.mark.parametrize("row,field,words", [
    ({"partner": "Gamma", "phase": 1}, "contract_terms[0].partner", "not one of the partners"),
    ({"partner": "Beta", "phase": 3}, "contract_terms[0].phase", "no phase 3"),
    ({"partner": "Beta", "phase": 1, "targets": " "}, "contract_terms[0].targets",
     "no intermediate targets"),
    ({"partner": "Beta", "phase": 1, "fee": 165001}, "contract_terms", "above the agreed total"),
])
def test_negotiated_contract_terms_are_refused(row, field, words):
    with pytest.raises(RuleViolation) as err:
        rules.check_contract_terms([row], ["Alfa", "Beta"], docs())
    assert err.value.field == field and words in err.value.message
    assert err.value.hint


def test_negotiated_fees_up_to_the_agreed_total_are_accepted():
    rules.check_contract_terms([{"partner": "Beta", "phase": 1, "fee": 165000,
                                 "targets": "Prototype"}], ["Alfa", "Beta"], docs())


# ------------------------------------------------------------- milestone review
def opened(names=("Alfa", "Beta")) -> dict:
    return rules.open_partnerships(list(names), docs(), [], "2026-04-08")


def submitted(decision="approve", met=(True, True), targets=("Prototype", "Datasikkerhed"),
              **extra) -> dict:
    return {"intermediate_targets": [{"target": t, "met": m}
                                     for t, m in zip(targets, met, strict=False)],
            "phase_decision": decision, "decision_reason": "Vurderet.", **extra}


@pytest.mark.parametrize("documents,names,data,field,words,hint", [
    (docs(), ("Alfa", "Beta"), submitted(targets=("Prototype",)), "intermediate_targets",
     "does not record the contract's target(s) 'Datasikkerhed'", "each as met or not met"),
    (docs(), ("Alfa", "Beta"), submitted(met=(True, False)), "intermediate_targets",
     "never paid", "rework"),
    (docs(), ("Alfa", "Beta"), submitted("rework", met=(True, False)), "rework_deadline",
     "needs a new deadline", "nothing is paid"),
    (docs(), ("Alfa", "Beta"), submitted("rework", rework_deadline="2026-08-01"),
     "rework_deadline", "not after today", "after today"),
    (docs(partner_reduction_allowed=False), ("Alfa", "Beta"), submitted("terminate"),
     "phase_decision", "did not announce", "rework"),
    (docs(termination_allowed=False), ("Alfa",), submitted("terminate"),
     "termination_allowed", "did not announce", "next phase"),
])
def test_milestone_review_refusals(documents, names, data, field, words, hint):
    with pytest.raises(RuleViolation) as err:
        rules.check_review(documents, opened(names), "Alfa", 1, data, TODAY)
    assert err.value.field == field and words in err.value.message
    assert hint in (err.value.hint or "")


@pytest.mark.parametrize("documents,names,data", [
    (docs(), ("Alfa", "Beta"), submitted()),  # every contract target met
    (docs(), ("Alfa", "Beta"), submitted("rework", met=(True, False),
                                         rework_deadline="2026-08-02")),  # the day after
    (docs(), ("Alfa", "Beta"), submitted("terminate", met=(False, False))),
    (docs(partner_reduction_allowed=False), ("Alfa",), submitted("terminate")),
])
def test_milestone_review_boundaries_are_accepted(documents, names, data):
    rules.check_review(documents, opened(names), "Alfa", 1, data, TODAY)


def test_a_review_round_pays_approved_phases_only_and_ends_one_partner():
    start = opened()
    reviews = [{"partner": "Alfa", "decision": "rework", "rework_deadline": "2026-09-01",
                "targets": [{"target": "Prototype", "met": False}], "reason": "Ikke nået"},
               {"partner": "Beta", "decision": "terminate", "targets": [], "reason": "Stop"}]
    result = rules.close_reviews(start, 1, reviews, docs())
    after = result["partnerships"]
    assert result["pending"] is True and rules.to_review(after, 1) == ["Alfa"]
    assert after["Alfa"]["fee_ledger"] == [] and after["Beta"]["status"] == "ended"
    assert start["Beta"]["status"] == "active"  # what was given is not changed
    approved = rules.close_reviews(after, 1, [{"partner": "Alfa", "decision": "approve",
                                               "targets": [{"target": "Prototype",
                                                            "met": True}]}], docs())
    assert approved["pending"] is False
    assert approved["partnerships"]["Alfa"]["fee_ledger"] == [{"phase": 1, "amount": 165000}]
    summary = rules.phase_summary(approved["partnerships"], 1)
    assert summary["all_ended"] is False and summary["decisions"] == {"Alfa": "approve",
                                                                      "Beta": "terminate"}
    assert summary["fee_ledger"] == [{"phase": 1, "amount": 165000, "partner": "Alfa"}]
    assert rules.remaining_partners(approved["partnerships"]) == ["Alfa"]


# ------------------------------------------------------- purchase, shared ceiling
def test_the_purchase_option_is_decided_per_partner():
    decided = rules.decide_purchases(
        [{"partner": "Alfa", "performance_met": True, "offered_price": 150_000_000},
         {"partner": "Beta", "performance_met": True, "offered_price": 250_000_000}],
        200_000_000)
    assert decided["exercise"] is True and decided["purchasing"] == ["Alfa"]
    assert decided["partners"]["Beta"]["exercise"] is False


@pytest.mark.parametrize("partner,purchasing,words", [
    ("", ["Alfa", "Beta"], "which partner"),
    ("Beta", ["Alfa"], "no purchase contract"),
])
def test_a_call_off_names_a_partner_with_a_purchase_contract(partner, purchasing, words):
    with pytest.raises(RuleViolation) as err:
        rules.call_off_partner(partner, {"purchasing": purchasing})
    assert err.value.field == "call_off_partner" and words in err.value.message
    assert err.value.hint


def test_the_only_purchasing_partner_is_the_default():
    assert rules.call_off_partner("", {"purchasing": ["Alfa"]}) == "Alfa"
    assert rules.call_off_partner("Beta", {"purchasing": ["Alfa", "Beta"]}) == "Beta"


def test_all_partners_call_offs_share_one_ceiling():
    calls = record_call_off([], 150, "2027-01-01", 220, "2030-12-31", "Alfa")
    calls = record_call_off(calls, 70, "2027-02-01", 220, "2030-12-31", "Beta")  # exactly
    with pytest.raises(RuleViolation) as err:
        record_call_off(calls, 1, "2027-03-01", 220, "2030-12-31", "Alfa")
    assert err.value.field == "amount" and "ceiling" in err.value.message
    assert "at most 0" in err.value.hint
    status = rules.ceiling_by_partner(calls, 220)
    assert status["used"] == 220 and status["remaining"] == 0
    assert status["partners"] == {"Alfa": 150, "Beta": 70}


def test_a_review_is_due_after_the_phases_durations_or_at_the_rework_deadline():
    start = opened()
    assert rules.review_due(start, "Alfa", 1) == "2026-07-07"  # 8 April + 90 days
    assert rules.review_due(start, "Alfa", 2) == "2026-10-05"  # + 90 more
    again = rules.close_reviews(start, 1, [{"partner": "Alfa", "decision": "rework",
                                            "rework_deadline": "2026-09-01"}], docs())
    assert rules.review_due(again["partnerships"], "Alfa", 1) == "2026-09-01"
    unknown = rules.open_partnerships(["Alfa"], docs(phase_plan=[]), [], "2026-04-08")
    assert rules.review_due(unknown, "Alfa", 1) == ""


def test_ending_the_last_remaining_partner_ends_the_partnership():
    """Once only one partner is left, ending its contract ends the partnership: the
    announced termination applies, not the reduction of partners."""
    left = rules.close_reviews(opened(), 1, [{"partner": "Beta", "decision": "terminate"},
                                             {"partner": "Alfa", "decision": "approve",
                                              "targets": [{"target": "Prototype", "met": True},
                                                          {"target": "Datasikkerhed",
                                                           "met": True}]}],
                               docs())["partnerships"]
    data = submitted("terminate", targets=("Klinisk test",), met=(False,))
    rules.check_review(docs(partner_reduction_allowed=False), left, "Alfa", 2, data, TODAY)
    with pytest.raises(RuleViolation) as err:
        rules.check_review(docs(partner_reduction_allowed=False, termination_allowed=False),
                           left, "Alfa", 2, data, TODAY)
    assert err.value.field == "termination_allowed" and "did not announce" in err.value.message

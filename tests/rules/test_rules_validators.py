"""Every validator in engine/rules/validators.py, table-driven: each refusal with its
field and words, and the boundary value accepted. A validator added to VALIDATORS
without rows here fails ``test_every_validator_is_covered``."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from engine.errors import RuleViolation
from engine.rules.validators import VALIDATORS
from tests.test_innovation_partnership import DOCUMENTED, ESPD, TENDER_DOCUMENTS

TODAY = date(2026, 3, 26)
DOCS = copy.deepcopy(TENDER_DOCUMENTS)


def docs_with(section: str, **values) -> dict:
    result = copy.deepcopy(DOCS)
    result[section].update(values)
    return result


NEED = {"authority": "Region H", "authority_kind": "sub_central", "need": "Overvågning",
        "justification": "Markedsdialogen viste intet.", "not_on_market": True,
        "estimated_value": 220_660_000}
AWARD = {"winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
         "negotiation_account": "Tre runder med mikrosprint med alle.",
         "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}
APPROVE = {"phase_decision": "approve", "intermediate_targets": [
    {"target": "Prototype afprøvet", "met": True}]}
TIED = {"invited": ["A"], "rejected": [], "tie": {"applicants": ["E", "F"], "places": 1},
        "ranking": [{"applicant": n, "invited": None} for n in "AEF"]}
INVITED = {"invitations_sent": "2025-10-20", "initial_tender_deadline": "2025-11-10",
           "rejections_sent": True}
EXCLUDED = dict(ESPD, mandatory_exclusion=True)
APPLIED = {"applicant": "A", "applicants": [{"name": "A", "espd": EXCLUDED}]}
NONE = {"conflict": False}
QUALIFIED = {"assessment": {"qualified": True, "suitability": 5, "rd_capacity": 5,
                            "impartiality": NONE}}
FINAL = {"final_tenders": [{"bidder": b} for b in ("Alfa Care", "Beta Health")]}
LOW = {"bidder": "Beta Health", "conforming": False, "reason": "Prisen er ikke forklaret.",
       "abnormally_low": True}
EVALUATION = [{"bidder": "Alfa Care", "rank": 1}, {"bidder": "Beta Health", "rank": 2}]
SCORES = [{"criterion": "K1", "score": 7}, {"criterion": "K2", "score": 10}]
ROUND = {"negotiated_on": "2025-11-17", "minutes": "Gennemgang.",
         "requirement_changes": [], "changes_sent_to_all": False,
         "resubmission_deadline": "2025-11-18"}
BIDDERS = ["Alfa Care", "Beta Health", "Gamma Med"]


def revised(*rows, reduce=False, keep=None) -> dict:
    data = {"revised_tenders": [
        {"bidder": b, "price": p, **({"scores": [{"criterion": "K1", "score": s},
                                                {"criterion": "K2", "score": s}]}
                                     if s is not None else {})} for b, p, s in rows],
        "reduce_after_round": reduce, "close_negotiation": False}
    if keep is not None:
        data["keep_bidders"] = keep
    return data


ALL3 = (("Alfa Care", 150, 9), ("Beta Health", 140, 5), ("Gamma Med", 160, 7))
UNDECLARED = [{"person": "Per", "role": "adviser", "organisation": "R A/S",
               "declaration": None}]
DECLARED = [dict(UNDECLARED[0], declaration={"declared_on": "2026-03-20",
                                             "conflict": False})]


def NOT_CONFORMING(count: int, reason: str = "") -> dict:  # noqa: N802 - a table row
    """The last ``count`` of the three revised tenders found not conforming."""
    data = revised(*ALL3)
    for row in data["revised_tenders"][3 - count:]:
        row.update(conforming=False, reason="Mindstekrav M2 er ikke opfyldt.")
    if reason:
        data["reduction_reason"] = reason
    return data


ROUND_DATA = {"round_bidders": BIDDERS, "tender_documents": DOCS}
PHASE = {"tender_documents": DOCS, "phase_no": 2, "fee_ledger": [{"phase": 1,
                                                                 "amount": 165000}]}
PURCHASE = {"tender_documents": DOCS, "call_offs": [{"amount": 219_000_000,
                                                     "date": "2027-01-01"}]}
SPRINT = {"held_on": "2025-11-17", "summary": "Sprint"}
DISCLOSURE = {"information": "Alarmgrænserne i version 2", "recipients": ["Beta Health"],
              "consented_on": "2026-03-26", "consent_by": "Anne Hansen"}

# (validator, data, submitted, field, words)
REFUSED = [
    ("need", {}, dict(NEED, not_on_market=False), "not_on_market", "not already available"),
    ("need", {}, dict(NEED, justification="  "), "justification", "Say why"),
    ("need", {}, dict(NEED, estimated_value=100, estimated_development_value=60,
                      estimated_purchase_value=41), "estimated_value", "5(10)"),
    ("tender_documents", {}, {"tender_documents": docs_with("purchase", ceiling=0)},
     "purchase.ceiling", "greater than 0"),
    ("tender_documents", {"estimated_value": 220_659_999}, {"tender_documents": DOCS},
     "purchase.ceiling", "below the development"),
    ("tender_documents_approval", {}, {"tender_documents_approved": False,
                                       "legal_comment": " "}, "legal_comment",
     "not approved"),
    ("notice", {}, {"notice_dispatched": "2025-09-15", "application_deadline": "2025-10-14"},
     "application_deadline", "at least 30 days"),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": "2025-10-17", "espd": ESPD}]}, "applicants",
     "after the deadline"),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": "2025-10-01", "espd": ESPD},
                     {"name": "A", "received": "2025-10-02", "espd": ESPD}]}, "applicants",
     "more than once"),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": " ", "received": "2025-10-01", "espd": ESPD}]}, "applicants",
     "no applicant"),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": "2025-10-01"}]}, "applicants[0].espd",
     "no declaration"),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": "2025-10-01", "espd": {
         "mandatory_exclusion": False}}]}, "applicants[0].espd.voluntary_exclusion",
     "does not say"),
    ("suitability", APPLIED, {"assessment": {"qualified": False, "reason": "x"}},
     "assessment.impartiality.conflict", "before assessing"),
    ("suitability", APPLIED, {"assessment": {"qualified": False, "reason": "x",
                                             "impartiality": {"conflict": True}}},
     "assessment.impartiality.conflict", "excluded"),
    ("tender_score", {"tender_documents": DOCS, "bidder": "B"}, {"tender_score": {
        "scores": SCORES, "impartiality": {"conflict": True, "description": "Min bror."}}},
     "tender_score.impartiality.conflict", "excluded"),
    ("suitability", APPLIED, QUALIFIED, "assessment.qualified", "no self-cleaning"),
    ("suitability", {"applicant": "A", "applicants": [
        {"name": "A", "espd": dict(ESPD, meets_minimum_levels=False)}]}, QUALIFIED,
     "assessment.qualified", "minimum suitability levels"),
    ("suitability", {"applicant": "A", "applicants": [{"name": "A"}]}, QUALIFIED,
     "assessment.qualified", "no declaration"),
    ("suitability", {"applicant": "A"}, {"assessment": {"qualified": False,
                                                        "impartiality": NONE}},
     "reason", "no reason"),
    ("suitability", {"applicant": "A"}, {"assessment": {"qualified": True, "suitability": 5,
                                                  "impartiality": NONE}},
     "rd_capacity", "no rd_capacity"),
    ("invitations", {}, {"invitations_sent": "2025-10-20", "initial_tender_deadline":
                         "2025-10-20", "rejections_sent": True}, "initial_tender_deadline",
     "after the invitations"),
    ("invitations", {"selection": {"rejected": [{"applicant": "Z", "reason": "r"}]}},
     {"invitations_sent": "2025-10-20", "initial_tender_deadline": "2025-11-10",
      "rejections_sent": False}, "rejections_sent", "told why"),
    ("invitations", {"selection": TIED}, dict(INVITED, tie_decision={
        "chosen": ["E"], "reason": "x"}), "tie_decision.reason", "no reason"),
    ("invitations", {"selection": TIED}, INVITED, "tie_decision.chosen", "choose exactly 1"),
    ("initial_tenders", {"bidders": BIDDERS}, {"initial_tenders": [
        {"bidder": "Omega", "price": 1}], "award_on_initial": False}, "initial_tenders",
     "not one of the bidders"),
    ("initial_tenders", {"bidders": BIDDERS, "tender_documents": DOCS},
     {"initial_tenders": [{"bidder": "Alfa Care", "price": 1}], "award_on_initial": True},
     "award_on_initial_reserved", "did not reserve"),
    ("micro_sprint", {"bidder": "Alfa Care", "round_bidders": BIDDERS},
     {"sprint": dict(SPRINT, disclosures=[dict(DISCLOSURE, recipients=["alle"])])},
     "disclosures[0].recipients", "not a recipient"),
    ("negotiation_round", {"tender_documents": DOCS}, dict(ROUND, requirement_changes=[
        {"requirement": "M1", "kind": "other", "description": "x"}]), "requirement",
     "minimum requirement"),
    ("negotiation_round", {"tender_documents": DOCS}, dict(ROUND, requirement_changes=[
        {"requirement": "Kontraktloft", "kind": "other", "description": "x"}]),
     "requirement", "contract ceiling"),
    ("negotiation_round", {"tender_documents": DOCS}, dict(ROUND, requirement_changes=[
        {"requirement": "Svartid", "kind": "other", "description": "x"}]),
     "changes_sent_to_all", "every remaining bidder"),
    ("negotiation_round", {"tender_documents": DOCS},
     dict(ROUND, resubmission_deadline="2025-11-17"), "resubmission_deadline",
     "not after the negotiation round"),
    ("revised_tenders", ROUND_DATA, revised(("Omega", 1, None)), "revised_tenders",
     "not one of the bidders"),
    ("revised_tenders", {"round_bidders": BIDDERS,
                         "tender_documents": docs_with("negotiation",
                                                       reduction_between_rounds=False)},
     revised(*ALL3, reduce=True, keep=2), "reduction_between_rounds", "did not announce"),
    ("revised_tenders", ROUND_DATA, revised(*ALL3[:2], reduce=True, keep=1),
     "revised_tenders", "missing: Gamma Med"),
    ("revised_tenders", ROUND_DATA, revised(*ALL3, reduce=True), "keep_bidders",
     "how many"),
    ("revised_tenders", ROUND_DATA, revised(*ALL3, reduce=True, keep=3), "keep",
     "Cannot keep 3"),
    ("revised_tenders", ROUND_DATA, revised(*ALL3, reduce=True, keep=1), "keep",
     "genuine competition"),
    ("revised_tenders", ROUND_DATA, NOT_CONFORMING(2), "reduction_reason",
     "Only 1 conforming tender remains"),
    ("revised_tenders", ROUND_DATA, dict(NOT_CONFORMING(1), revised_tenders=[
        dict(t, reason="") for t in NOT_CONFORMING(1)["revised_tenders"]]),
     "revised_tenders[2].reason", "without a reason"),
    ("suitability", dict(APPLIED, applicants=[{"name": "A", "espd": ESPD}],
                         impartiality_declarations=UNDECLARED), QUALIFIED,
     "impartiality.advisers", "have not declared"),
    ("tender_score", {"tender_documents": DOCS, "impartiality_declarations": UNDECLARED},
     {"tender_score": {"scores": SCORES, "impartiality": NONE}}, "impartiality.advisers",
     "have not declared"),
    ("conformity", dict(FINAL, impartiality_declarations=UNDECLARED),
     {"conformity": [{"bidder": "Alfa Care", "conforming": True},
                     {"bidder": "Beta Health", "conforming": True}]},
     "impartiality.advisers", "have not declared"),
    ("final_invitation", {}, {"final_invitation_sent": "2026-02-16",
                              "final_tender_deadline": "2026-02-16"},
     "final_tender_deadline", "after the invitation"),
    ("final_tenders", {"bidders": BIDDERS, "final_tender_deadline": "2026-03-02"},
     {"final_tenders": [{"bidder": "Alfa Care", "price": 1, "received": "2026-03-03"}]},
     "final_tenders", "after the deadline"),
    ("final_tenders", {"bidders": BIDDERS, "final_tender_deadline": "2026-03-02"},
     {"final_tenders": [{"bidder": "Omega", "price": 1, "received": "2026-03-01"}]},
     "final_tenders", "not one of the bidders"),
    ("conformity", FINAL, {"conformity": [{"bidder": "Alfa Care", "conforming": True}]},
     "conformity", "exactly once"),
    ("conformity", FINAL, {"conformity": [{"bidder": "Alfa Care", "conforming": True},
                                          {"bidder": "Beta Health", "conforming": False}]},
     "conformity[1].reason", "without a reason"),
    ("conformity", FINAL, {"conformity": [{"bidder": "Alfa Care", "conforming": True}, LOW]},
     "conformity[1].explanation_requested_on", "asked to explain"),
    ("conformity", FINAL, {"conformity": [{"bidder": "Alfa Care", "conforming": True}, dict(
        LOW, explanation_requested_on="2026-03-27")]},
     "conformity[1].explanation_requested_on", "future"),
    ("conformity", FINAL, {"conformity": [dict(LOW, bidder="Alfa Care", abnormally_low=False),
                                          dict(LOW, abnormally_low=False)]},
     "conformity", "No conforming tender"),
    ("tender_score", {"tender_documents": DOCS},
     {"tender_score": {"scores": SCORES[:1], "impartiality": NONE}}, "tender_score.scores",
     "exactly once"),
    ("tender_score", {"tender_documents": DOCS}, {"tender_score": {"scores": [
        SCORES[0], {"criterion": "K2", "score": 11}], "impartiality": NONE}}, "scores.K2",
     "outside the scale"),
    ("evaluation_approval", {}, {"evaluation_approved": False, "management_comment": ""},
     "management_comment", "sent back"),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, winner="Beta Health")},
     "award.winner", "not ranked first"),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, notified="2026-03-27")},
     "award.notified", "in the future"),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, documentation=dict(
        DOCUMENTED, suitability_documented=False))},
     "award.documentation.suitability_documented", "has not been checked"),
    ("award", {"evaluation": EVALUATION}, {"award": {
        k: v for k, v in AWARD.items() if k != "documentation"}},
     "award.documentation.exclusion_documented", "has not been checked"),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, documentation=dict(
        DOCUMENTED, checked_on="2026-03-27"))}, "award.documentation.checked_on", "after"),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, advantages="TBD")},
     "award.advantages", "placeholder"),
    ("partnership_contract", {"standstill_end": "2026-04-07"},
     {"contract_signed": "2026-04-07", "signed_by": "X"}, "contract_signed", "standstill"),
    ("partnership_contract", {"standstill_end": "2026-04-07", "complaints": [
         {"complainant": "B", "filed_on": "2026-04-07", "subject": "K1",
          "suspension": "pending"}]},
     {"contract_signed": "2026-04-08", "signed_by": "X"}, "complaints[0].suspension",
     "decided on suspension"),
    ("milestone_review", dict(PHASE, tender_documents=docs_with(
        "development", termination_allowed=False)), {"phase_decision": "terminate"},
     "termination_allowed", "did not announce"),
    ("milestone_review", dict(PHASE, fee_ledger=[{"phase": 2, "amount": 165000}]),
     APPROVE, "phase", "already booked"),
    ("milestone_review", PHASE, dict(APPROVE, intermediate_targets=[
        {"target": "Prototype afprøvet", "met": True}, {"target": "Klinisk test",
                                                         "met": False}]),
     "intermediate_targets", "'Klinisk test' were not met"),
    ("call_off", PURCHASE, {"call_off_amount": 1_000_001, "call_off_date": "2028-01-01"},
     "amount", "ceiling"),
    ("call_off", PURCHASE, {"call_off_amount": 1, "call_off_date": "2031-01-01"}, "date",
     "after the contract ended"),
]

# (validator, data, submitted): the boundary, accepted
ACCEPTED = [
    ("revised_tenders", ROUND_DATA, NOT_CONFORMING(1)),
    ("revised_tenders", ROUND_DATA, NOT_CONFORMING(2, "Kun Alfa Care opfylder kravene.")),
    ("suitability", {"applicant": "A", "applicants": [{"name": "A", "espd": ESPD}],
                     "impartiality_declarations": DECLARED}, QUALIFIED),
    ("tender_score", {"tender_documents": DOCS, "impartiality_declarations": DECLARED},
     {"tender_score": {"scores": SCORES, "impartiality": NONE}}),
    ("need", {}, dict(NEED, estimated_value=101, estimated_development_value=60,
                      estimated_purchase_value=41)),
    ("need", {}, NEED),
    ("tender_documents", {"estimated_value": 220_660_000}, {"tender_documents": DOCS}),
    ("tender_documents", {}, {"tender_documents": DOCS}),
    ("tender_documents_approval", {}, {"tender_documents_approved": True,
                                       "legal_comment": ""}),
    ("notice", {}, {"notice_dispatched": "2025-09-15", "application_deadline": "2025-10-15"}),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": "2025-10-16", "espd": ESPD}]}),
    ("suitability", {"applicant": "A", "applicants": [{"name": "A", "espd": ESPD}]},
     {"assessment": {"qualified": True, "suitability": 0, "impartiality": NONE,
                                                        "rd_capacity": 10}}),
    ("invitations", {"selection": {"rejected": []}}, {
        "invitations_sent": "2025-10-20", "initial_tender_deadline": "2025-10-21",
        "rejections_sent": False}),
    ("invitations", {"selection": TIED}, dict(INVITED, tie_decision={
        "chosen": ["F"], "reason": "Den stærkeste kliniske reference."})),
    ("initial_tenders", {"bidders": BIDDERS, "tender_documents": docs_with(
        "negotiation", award_on_initial_reserved=True)},
     {"initial_tenders": [{"bidder": "Alfa Care", "price": 1}], "award_on_initial": True}),
    ("micro_sprint", {"bidder": "Alfa Care", "round_bidders": BIDDERS},
     {"sprint": dict(SPRINT, disclosures=[DISCLOSURE])}),
    ("micro_sprint", {"bidder": "Alfa Care", "round_bidders": BIDDERS}, {"sprint": SPRINT}),
    ("negotiation_round", {"tender_documents": DOCS}, ROUND),
    ("revised_tenders", ROUND_DATA, revised(*ALL3)),
    ("revised_tenders", ROUND_DATA, revised(*ALL3, reduce=True, keep=2)),
    ("final_invitation", {}, {"final_invitation_sent": "2026-02-16",
                              "final_tender_deadline": "2026-02-17"}),
    ("final_tenders", {"bidders": BIDDERS, "final_tender_deadline": "2026-03-02"},
     {"final_tenders": [{"bidder": "Alfa Care", "price": 1, "received": "2026-03-02"}]}),
    ("suitability", {"applicant": "A", "applicants": [{"name": "A", "espd": dict(
        EXCLUDED, self_cleaning="Ny ledelse og compliance-program, dokumenteret.")}]},
     QUALIFIED),
    ("suitability", APPLIED, {"assessment": {"qualified": False, "reason": "Udelukket.",
                                     "impartiality": NONE}}),
    ("conformity", FINAL, {"conformity": [{"bidder": "Alfa Care", "conforming": True},
                                          dict(LOW, explanation_requested_on="2026-03-26")]}),
    ("conformity", FINAL, {"conformity": [{"bidder": "Alfa Care", "conforming": True},
                                          {"bidder": "Beta Health", "conforming": True}]}),
    ("tender_score", {"tender_documents": DOCS}, {"tender_score": {
        "scores": SCORES, "impartiality": NONE}}),
    ("evaluation_approval", {}, {"evaluation_approved": True, "management_comment": ""}),
    ("award", {"evaluation": EVALUATION}, {"award": AWARD}),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, documentation=dict(
        DOCUMENTED, checked_on="2026-03-26"))}),
    ("partnership_contract", {"standstill_end": "2026-04-07"},
     {"contract_signed": "2026-04-08", "signed_by": "X"}),
    ("partnership_contract", {"standstill_end": "2026-04-07", "complaints": [
         {"complainant": "B", "filed_on": "2026-04-07", "subject": "K1",
          "suspension": "refused", "decided_on": "2026-04-08"}]},
     {"contract_signed": "2026-04-08", "signed_by": "X"}),
    ("milestone_review", PHASE, APPROVE),
    ("milestone_review", PHASE, {"phase_decision": "terminate"}),
    ("call_off", PURCHASE, {"call_off_amount": 1_000_000, "call_off_date": "2030-12-31"}),
    ("call_off", PURCHASE, {"call_off_amount": 0, "call_off_date": "2031-06-01"}),
]


@pytest.mark.parametrize("name, data, submitted, field, words", REFUSED,
                         ids=[f"{r[0]}-{r[3]}-{i}" for i, r in enumerate(REFUSED)])
def test_validator_refuses(name, data, submitted, field, words):
    before = copy.deepcopy((data, submitted))
    with pytest.raises(RuleViolation) as err:
        VALIDATORS[name](data, submitted, TODAY)
    assert err.value.field == field
    assert words in str(err.value)
    assert (data, submitted) == before  # a validator never changes anything


@pytest.mark.parametrize("name, data, submitted", ACCEPTED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(ACCEPTED)])
def test_validator_accepts_the_boundary(name, data, submitted):
    before = copy.deepcopy((data, submitted))
    assert VALIDATORS[name](data, submitted, TODAY) is None
    assert (data, submitted) == before


def test_every_validator_is_covered():
    """Every validator of the innovation partnership; the joint scaling process's own
    validators have their tests in tests/rules/test_rules_joint.py."""
    from engine.rules.joint_validators import JOINT_VALIDATORS

    own = set(VALIDATORS) - set(JOINT_VALIDATORS)
    assert own == {r[0] for r in REFUSED}
    assert own == {r[0] for r in ACCEPTED}


def test_every_refusal_tells_the_user_what_to_do():
    assert [(r[0], r[3]) for r in REFUSED if not _hint(r)] == []


def _hint(row) -> str:
    name, data, submitted, *_ = row
    try:
        VALIDATORS[name](copy.deepcopy(data), copy.deepcopy(submitted), TODAY)
    except RuleViolation as e:
        return e.hint
    return ""


# ------------------------------------------ the validators' own refusals, in full words
WORDS = [
    ("need", {}, dict(NEED, not_on_market=False), (
        "An innovation partnership may only be used to develop a solution that is not "
        "already available on the market (UBL § 73).",
        "Confirm that no solution on the market covers the need, or choose another "
        "procedure (e.g. a tender with market dialogue).")),
    ("need", {}, dict(NEED, justification=None), (
        "Say why no solution on the market covers the need.",
        "It goes into the procurement report (UBL § 174).")),
    ("tender_documents_approval", {}, {"tender_documents_approved": False,
                                       "legal_comment": ""}, (
        "Say why the tender documents are not approved.",
        "The comment goes back to procurement.")),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": "2025-10-17", "espd": ESPD}]}, (
        "The application from 'A' came on 2025-10-17, after the deadline 2025-10-16.",
        "Late applications cannot be considered: leave it out.")),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": " ", "received": "2025-10-01", "espd": ESPD}]}, (
        "A row has no applicant name.", "Write the name of each applicant.")),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": "2025-10-01", "espd": ESPD},
                     {"name": "A", "received": "2025-10-01", "espd": ESPD}]}, (
        "'A' appears more than once.", "Register one row per applicant.")),
    ("initial_tenders", {"bidders": BIDDERS, "tender_documents": DOCS},
     {"initial_tenders": [{"bidder": "Omega", "price": 1}], "award_on_initial": False}, (
        "'Omega' is not one of the bidders still taking part: Alfa Care, Beta Health, "
        "Gamma Med.",
        "Only invited bidders who are still in the procedure can tender; never add anyone "
        "who did not apply or was not selected.")),
    ("invitations", {"selection": {"rejected": []}}, dict(INVITED, invitations_sent=
                                                         "2025-11-10"), (
        "The deadline for initial tenders must come after the invitations.",
        "Set a deadline after the day the invitations are sent.")),
    ("invitations", {"selection": {"rejected": [{"applicant": "D", "reason": "x"},
                                                {"applicant": "E", "reason": "y"}]}},
     dict(INVITED, rejections_sent=False), (
        "Rejected applicants must be told why: D, E.",
        "Send the rejections with their reasons (see the selection) and tick the box.")),
    ("negotiation_round", {"tender_documents": DOCS}, dict(ROUND, requirement_changes=[
        {"requirement": "Svartid", "kind": "other", "description": "x"}]), (
        "Changed requirements must be sent in writing to every remaining bidder.",
        "Send the changes to all bidders still taking part and tick the box.")),
    ("final_invitation", {}, {"final_invitation_sent": "2026-02-16",
                              "final_tender_deadline": "2026-02-15"}, (
        "The deadline for final tenders must come after the invitation.",
        "Set a deadline after the day the invitation is sent.")),
    ("final_tenders", {"bidders": BIDDERS, "final_tender_deadline": "2026-03-02"},
     {"final_tenders": [{"bidder": "Alfa Care", "price": 1, "received": "2026-03-03"}]}, (
        "The final tender from 'Alfa Care' came after the deadline 2026-03-02.",
        "Late tenders are rejected: leave it out.")),
    ("tender_score", {"tender_documents": DOCS}, {"tender_score": {
        "scores": SCORES[:1], "impartiality": NONE}}, (
        "Score each sub-criterion exactly once: K1, K2.",
        "Give one score per sub-criterion of the published model.")),
    ("evaluation_approval", {}, {"evaluation_approved": False,
                                 "management_comment": " "}, (
        "Say why the evaluation is sent back.",
        "Write what the evaluators must look at again.")),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, winner="Beta Health")}, (
        "'Beta Health' is not ranked first in the approved evaluation.",
        "The winner is Alfa Care.")),
    ("award", {"evaluation": [*EVALUATION, {"bidder": "Gamma Med", "rank": 1}]},
     {"award": dict(AWARD, winner="Beta Health")}, (
        "'Beta Health' is not ranked first in the approved evaluation.",
        "The winner is Alfa Care, Gamma Med.")),
    ("award", {}, {"award": AWARD}, (
        "'Alfa Care' is not ranked first in the approved evaluation.",
        "The winner is the tender ranked first.")),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, notified="2026-03-27",
                                                         documentation=dict(
                                                             DOCUMENTED,
                                                             checked_on="2026-03-20"))}, (
        "The notification date is in the future.",
        "Register the notification when it has been sent.")),
    ("partnership_contract", {"standstill_end": "2026-04-07"},
     {"contract_signed": "2026-04-07", "signed_by": "X"}, (
        "The contract cannot be signed before the standstill period ends on 2026-04-07.",
        "Sign it on the next day or later.")),
]


@pytest.mark.parametrize("name, data, submitted, words", WORDS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(WORDS)])
def test_validator_refusals_in_words(name, data, submitted, words):
    with pytest.raises(RuleViolation) as err:
        VALIDATORS[name](data, submitted, TODAY)
    assert (err.value.message, err.value.hint) == words


def test_a_reduction_not_announced_is_refused_before_anything_else():
    data = {"round_bidders": BIDDERS, "tender_documents": docs_with(
        "negotiation", reduction_between_rounds="yes")}
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["revised_tenders"](data, revised(*ALL3, reduce=True, keep=2), TODAY)
    assert err.value.field == "reduction_between_rounds"


def test_the_assessment_names_the_applicant_it_is_about():
    data = {"applicant": "Alfa", "applicants": [{"name": "Alfa", "espd": ESPD}]}
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["suitability"](data, {"assessment": dict(QUALIFIED["assessment"],
                                                            impartiality=None)}, TODAY)
    assert "'Alfa'" in err.value.message
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["suitability"]({}, {"assessment": dict(QUALIFIED["assessment"],
                                                          impartiality=None)}, TODAY)
    assert "'ansøgeren'" in err.value.message
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["tender_score"]({"tender_documents": DOCS}, {"tender_score": {
            "scores": SCORES, "impartiality": None}}, TODAY)
    assert "'tilbudsgiveren'" in err.value.message
    assert err.value.field == "tender_score.impartiality.conflict"


def test_a_milestone_review_books_against_the_agreed_total():
    data = dict(PHASE, fee_ledger=[{"phase": 1, "amount": 165000},
                                   {"phase": 3, "amount": 165000},
                                   {"phase": 4, "amount": 165000}])
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["milestone_review"](dict(data, tender_documents=docs_with(
            "development", phases=3)), APPROVE, TODAY)
    assert err.value.field == "amount" and "above the agreed total of 495000" in \
        err.value.message
    VALIDATORS["milestone_review"](dict(PHASE, fee_ledger=None), APPROVE, TODAY)


# ------------------------------------------------- a wrong day names its own field
BAD = "31/12"
DAYS = [
    ("applications", {"application_deadline": BAD},
     {"applicants": [{"name": "A", "received": "2025-10-16", "espd": ESPD}]},
     "application_deadline"),
    ("applications", {"application_deadline": "2025-10-16"},
     {"applicants": [{"name": "A", "received": BAD, "espd": ESPD}]}, "received"),
    ("invitations", {"selection": {"rejected": []}}, dict(INVITED, invitations_sent=BAD),
     "invitations_sent"),
    ("invitations", {"selection": {"rejected": []}},
     dict(INVITED, initial_tender_deadline=BAD), "initial_tender_deadline"),
    ("final_invitation", {}, {"final_invitation_sent": BAD,
                              "final_tender_deadline": "2026-02-17"}, "final_invitation_sent"),
    ("final_invitation", {}, {"final_invitation_sent": "2026-02-16",
                              "final_tender_deadline": BAD}, "final_tender_deadline"),
    ("final_tenders", {"bidders": BIDDERS, "final_tender_deadline": BAD},
     {"final_tenders": [{"bidder": "Alfa Care", "price": 1, "received": "2026-03-02"}]},
     "final_tender_deadline"),
    ("final_tenders", {"bidders": BIDDERS, "final_tender_deadline": "2026-03-02"},
     {"final_tenders": [{"bidder": "Alfa Care", "price": 1, "received": BAD}]}, "received"),
    ("award", {"evaluation": EVALUATION}, {"award": dict(AWARD, notified=BAD, documentation=
                                                         dict(DOCUMENTED))}, "award.notified"),
    ("partnership_contract", {"standstill_end": BAD},
     {"contract_signed": "2026-04-08", "signed_by": "X"}, "standstill_end"),
    ("partnership_contract", {"standstill_end": "2026-04-07"},
     {"contract_signed": BAD, "signed_by": "X"}, "contract_signed"),
]


@pytest.mark.parametrize("name, data, submitted, field", DAYS,
                         ids=[f"{r[0]}-{r[3]}" for r in DAYS])
def test_a_wrong_day_is_refused_naming_its_field(name, data, submitted, field):
    with pytest.raises(RuleViolation) as err:
        VALIDATORS[name](data, submitted, TODAY)
    assert err.value.field == field


def test_the_validators_name_whom_they_judge():
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["applications"]({"application_deadline": "2025-10-16"}, {
            "applicants": [{"name": "Alfa", "received": "2025-10-01"}]}, TODAY)
    assert "'Alfa'" in err.value.message and err.value.field == "applicants[0].espd"
    data = {"applicant": "Alfa", "applicants": [{"name": "Alfa", "espd": EXCLUDED}]}
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["suitability"](data, QUALIFIED, TODAY)
    assert err.value.message.startswith("'Alfa' declared an exclusion ground")
    published = dict(data, applicants=[{"name": "Alfa", "espd": ESPD}],
                     tender_documents={"selection": {"rd_weight": 50, "tie_break": "decide",
                                                     "minimum_levels": {"suitability": 6}}})
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["suitability"](published, QUALIFIED, TODAY)
    assert err.value.field == "suitability" and "minimum level 6" in err.value.message
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["tender_score"]({"tender_documents": DOCS, "bidder": "Beta"},
                                   {"tender_score": {"scores": SCORES,
                                                     "impartiality": {"conflict": True}}},
                                   TODAY)
    assert "'Beta'" in err.value.message
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["micro_sprint"]({"bidder": "Alfa Care", "round_bidders": BIDDERS},
                                   {"sprint": dict(SPRINT, disclosures=[dict(
                                       DISCLOSURE, recipients=["Alfa Care"])])}, TODAY)
    assert err.value.message == "'Alfa Care' is not another bidder still taking part."
    assert err.value.hint == "Recipients can be: Beta Health, Gamma Med."
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["micro_sprint"]({"round_bidders": BIDDERS}, {"sprint": dict(
            SPRINT, disclosures=[dict(DISCLOSURE, recipients=["Omega"])])}, TODAY)
    assert err.value.hint == "Recipients can be: Alfa Care, Beta Health, Gamma Med."


def test_the_award_texts_and_the_phase_are_named():
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["award"]({"evaluation": EVALUATION}, {"award": dict(
            AWARD, negotiation_account="Kort.")}, TODAY)
    assert err.value.message.startswith("The account of the negotiations is missing")
    assert err.value.field == "award.negotiation_account"
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["award"]({"evaluation": EVALUATION}, {"award": dict(
            AWARD, advantages="Kort.")}, TODAY)
    assert err.value.message.startswith("The winner's advantages is missing")
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["milestone_review"](dict(PHASE, phase_no=3), dict(
            APPROVE, intermediate_targets=[]), TODAY)
    assert err.value.message == "Phase 3 has no intermediate targets recorded."
    with pytest.raises(RuleViolation) as err:
        VALIDATORS["milestone_review"](dict(PHASE, phase_no=3, tender_documents=docs_with(
            "development", termination_allowed=False)), {"phase_decision": "terminate"},
            TODAY)
    assert "after phase 3" in err.value.message

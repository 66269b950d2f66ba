"""Validators a user task names in its ``validate`` property.

Each is called before the task completes as ``fn(data, submitted, today)``: ``data`` is
the task's current data, ``submitted`` the form data (already checked against the form's
JSON Schema), ``today`` the engine's date. A validator raises ``RuleViolation`` (naming
the form field) to refuse the submission; it never changes anything.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from engine.errors import N_, RuleViolation

from . import (
    award as award_rules,
)
from . import (
    complaints,
    deadlines,
    impartiality,
    negotiation,
    partnership,
    purchase,
    reduction,
    scoring,
    selection,
    tender_documents,
    verification,
)
from .deadlines import as_date

Validator = Callable[[dict, dict, date], None]


def _names(rows: list[dict], key: str, field: str, allowed: list[str] | None = None,
           what: str = N_("bidder")) -> list[str]:
    """The names in ``rows[*][key]``: each once and, if given, one of ``allowed``."""
    names = [str(row.get(key, "")).strip() for row in rows]
    for name in names:
        if not name:
            raise RuleViolation("A row has no {what} name.",
                                hint="Write the name of each {what}.", field=field, what=what)
        if names.count(name) > 1:
            raise RuleViolation("{name!r} appears more than once.",
                                hint="Register one row per {what}.", field=field,
                                name=name, what=what)
        if allowed is not None and name not in allowed:
            raise RuleViolation(
                "{name!r} is not one of the {whom} still taking part: {names}.",
                hint="Only invited bidders who are still in the procedure can tender; "
                     "never add anyone who did not apply or was not selected.",
                field=field, name=name, names=allowed,
                whom=N_("applicants") if what == "applicant" else N_("bidders"))
    return names


# ------------------------------------------------------------------- the tender
def need(data: dict, submitted: dict, today: date) -> None:
    """UBL § 73: only for something not already on the market; the reason is recorded."""
    if submitted.get("not_on_market") is not True:
        raise RuleViolation(
            "An innovation partnership may only be used to develop a solution that is not "
            "already available on the market (UBL § 73).",
            hint="Confirm that no solution on the market covers the need, or choose another "
                 "procedure (e.g. a tender with market dialogue).", field="not_on_market")
    if not str(submitted.get("justification") or "").strip():
        raise RuleViolation("Say why no solution on the market covers the need.",
                            hint="It goes into the procurement report (UBL § 174).",
                            field="justification")
    parts = (submitted.get("estimated_development_value"),
             submitted.get("estimated_purchase_value"))
    if all(p is not None for p in parts):
        award_rules.check_estimated_value(submitted["estimated_value"], *parts)


def tender_documents_check(data: dict, submitted: dict, today: date) -> None:
    """UBL §§ 74 stk. 2, 160: everything stated before the notice."""
    tender_documents.check_tender_documents(submitted["tender_documents"])
    if data.get("estimated_value") is not None:
        docs = tender_documents.with_defaults(submitted["tender_documents"])
        award_rules.check_estimated_value(data["estimated_value"],
                                          tender_documents.total_fees(docs),
                                          docs["purchase"]["ceiling"], field="purchase.ceiling")


def tender_documents_approval(data: dict, submitted: dict, today: date) -> None:
    if not submitted["tender_documents_approved"] and not submitted["legal_comment"].strip():
        raise RuleViolation("Say why the tender documents are not approved.",
                            hint="The comment goes back to procurement.",
                            field="legal_comment")


def notice(data: dict, submitted: dict, today: date) -> None:
    """UBL § 74 stk. 4-5: at least 30 days for requests to participate."""
    deadlines.check_application_deadline(submitted["notice_dispatched"],
                                         submitted["application_deadline"])


def applications(data: dict, submitted: dict, today: date) -> None:
    rows = submitted["applicants"]
    _names(rows, "name", "applicants", what=N_("applicant"))
    deadline = as_date(data["application_deadline"], "application_deadline")
    for i, row in enumerate(rows):
        verification.check_declaration(row["name"], row.get("espd"), f"applicants[{i}].espd")
    for row in rows:
        if as_date(row["received"], "received") > deadline:
            raise RuleViolation(
                "The application from {name!r} came on {received}, after the "
                "deadline {deadline}.",
                hint="Late applications cannot be considered: leave it out.",
                field="applicants",
                name=row['name'], received=row['received'], deadline=deadline)


def suitability(data: dict, submitted: dict, today: date) -> None:
    """UBL § 75: qualified applicants are rated, rejected ones get a reason."""
    assessment = dict(submitted["assessment"], applicant=data.get("applicant") or "ansøgeren")
    impartiality.check_advisers_declared(data.get("impartiality_declarations"))
    impartiality.check_declaration(assessment.get("impartiality"), assessment["applicant"],
                                   "assessment.impartiality")
    selection.select_candidates([assessment], selection.MINIMUM_INVITED,
                                (data.get("tender_documents") or {}).get("selection"))
    if assessment["qualified"] is True:
        declared = {a.get("name"): a.get("espd") for a in data.get("applicants") or []}
        verification.check_may_qualify(assessment["applicant"],
                                       declared.get(assessment["applicant"]))


def invitations(data: dict, submitted: dict, today: date) -> None:
    sent = as_date(submitted["invitations_sent"], "invitations_sent")
    deadline = as_date(submitted["initial_tender_deadline"], "initial_tender_deadline")
    if deadline <= sent:
        raise RuleViolation("The deadline for initial tenders must come after the invitations.",
                            hint="Set a deadline after the day the invitations are sent.",
                            field="initial_tender_deadline")
    decided = selection.apply_tie_decision(data.get("selection") or {"rejected": []},
                                           submitted.get("tie_decision"))
    rejected = decided.get("rejected") or []
    if rejected and submitted["rejections_sent"] is not True:
        names = ", ".join(r["applicant"] for r in rejected)
        raise RuleViolation(
            "Rejected applicants must be told why: {names}.",
            hint="Send the rejections with their reasons (see the selection) and tick the box.",
            field="rejections_sent", names=names)


def initial_tenders(data: dict, submitted: dict, today: date) -> None:
    _names(submitted["initial_tenders"], "bidder", "initial_tenders", data.get("bidders"))
    if submitted["award_on_initial"]:
        reserved = data["tender_documents"]["negotiation"]["award_on_initial_reserved"]
        negotiation.check_award_on_initial(reserved)


def negotiation_round(data: dict, submitted: dict, today: date) -> None:
    """Dir. Art. 31(3): minimum requirements and award criteria are never negotiated;
    other changes go in writing to every remaining bidder with time to resubmit."""
    changes = submitted["requirement_changes"]
    negotiation.check_requirement_changes(
        tender_documents.locked_part(data["tender_documents"]), changes)
    if changes and submitted["changes_sent_to_all"] is not True:
        raise RuleViolation(
            "Changed requirements must be sent in writing to every remaining bidder.",
            hint="Send the changes to all bidders still taking part and tick the box.",
            field="changes_sent_to_all")
    negotiation.check_resubmission_deadline(submitted["negotiated_on"],
                                            submitted["resubmission_deadline"])


def micro_sprint(data: dict, submitted: dict, today: date) -> None:
    """Dir. Art. 31(4): confidential information shared only with specific consent."""
    bidder = str(data.get("bidder") or "")
    others = [b for b in data.get("round_bidders") or [] if b != bidder]
    negotiation.check_disclosures(submitted["sprint"].get("disclosures", []), bidder,
                                  others, today)


def _scoring_rows(tenders: list[dict]) -> list[dict]:
    return [{"bidder": t["bidder"], "price": t["price"],
             "scores": {s["criterion"]: s["score"] for s in t.get("scores") or []}}
            for t in tenders]


def revised_tenders(data: dict, submitted: dict, today: date) -> None:
    """UBL § 146: reduce between rounds only if announced, by the award criteria, never
    below two unless fewer conforming tenders remain (then with the reason recorded)."""
    remaining = data["round_bidders"]
    tenders = submitted["revised_tenders"]
    _names(tenders, "bidder", "revised_tenders", remaining)
    docs = data["tender_documents"]
    reduce = submitted["reduce_after_round"] is True
    reduction.round_outcome(docs["evaluation_model"], tenders, remaining, reduce,
                            submitted.get("keep_bidders"),
                            docs["negotiation"]["reduction_between_rounds"],
                            submitted.get("reduction_reason", ""))


def final_invitation(data: dict, submitted: dict, today: date) -> None:
    sent = as_date(submitted["final_invitation_sent"], "final_invitation_sent")
    deadline = as_date(submitted["final_tender_deadline"], "final_tender_deadline")
    if deadline <= sent:
        raise RuleViolation("The deadline for final tenders must come after the invitation.",
                            hint="Set a deadline after the day the invitation is sent.",
                            field="final_tender_deadline")


def final_tenders(data: dict, submitted: dict, today: date) -> None:
    rows = submitted["final_tenders"]
    _names(rows, "bidder", "final_tenders", data.get("bidders"))
    deadline = as_date(data["final_tender_deadline"], "final_tender_deadline")
    for row in rows:
        if as_date(row["received"], "received") > deadline:
            raise RuleViolation(
                "The final tender from {bidder!r} came after the deadline "
                "{deadline}.", hint="Late tenders are rejected: leave it out.",
                field="final_tenders", bidder=row['bidder'], deadline=deadline)


def conformity(data: dict, submitted: dict, today: date) -> None:
    """UBL §§ 159, 169: non-conforming tenders rejected with reasons before ranking; an
    abnormally low one only after a request for explanation."""
    impartiality.check_advisers_declared(data.get("impartiality_declarations"))
    bidders = [t["bidder"] for t in data.get("final_tenders") or []]
    verification.check_conformity(submitted["conformity"], bidders, today)


def tender_score(data: dict, submitted: dict, today: date) -> None:
    """Every sub-criterion scored once, on the published scale."""
    impartiality.check_advisers_declared(data.get("impartiality_declarations"))
    impartiality.check_declaration(submitted["tender_score"].get("impartiality"),
                                   data.get("bidder") or "tilbudsgiveren",
                                   "tender_score.impartiality")
    model = data["tender_documents"]["evaluation_model"]
    rows = submitted["tender_score"]["scores"]
    given = [r["criterion"] for r in rows]
    expected = [c["id"] for c in model["quality_criteria"]]
    if sorted(given) != sorted(expected):
        raise RuleViolation(
            "Score each sub-criterion exactly once: {names}.",
            hint="Give one score per sub-criterion of the published model.",
            field="tender_score.scores", names=expected)
    scoring.parse_tenders(scoring.parse_model(model), [
        {"bidder": "tender", "price": 1, "scores": {r["criterion"]: r["score"] for r in rows}}])


def evaluation_approval(data: dict, submitted: dict, today: date) -> None:
    if not submitted["evaluation_approved"] and not submitted["management_comment"].strip():
        raise RuleViolation("Say why the evaluation is sent back.",
                            hint="Write what the evaluators must look at again.",
                            field="management_comment")


def award(data: dict, submitted: dict, today: date) -> None:
    """Dir. Art. 67: the best price-quality ratio under the published model wins."""
    decision = submitted["award"]
    best = [r["bidder"] for r in data.get("evaluation") or [] if r["rank"] == 1]
    if decision["winner"] not in best:
        raise RuleViolation(
            "{winner!r} is not ranked first in the approved evaluation.",
            hint="The winner is {names}." if best else
                 "The winner is the tender ranked first.",
            field="award.winner", winner=decision['winner'], names=best)
    partnership.check_partners(partnership.awarded(decision), data.get("evaluation") or [],
                               tender_documents.with_defaults(
                                   data.get("tender_documents") or {}))
    verification.check_winner_documentation(decision["winner"], decision.get("documentation"),
                                            decision["notified"], today)
    award_rules.check_real_text(decision["advantages"], "award.advantages",
                                N_("The winner's advantages"))
    award_rules.check_real_text(decision["negotiation_account"], "award.negotiation_account",
                                N_("The account of the negotiations"))
    if as_date(decision["notified"], "award.notified") > today:
        raise RuleViolation("The notification date is in the future.",
                            hint="Register the notification when it has been sent.",
                            field="award.notified")


def partnership_contract(data: dict, submitted: dict, today: date) -> None:
    """KNL § 3: no contract before the standstill period has ended."""
    signed = as_date(submitted["contract_signed"], "contract_signed")
    standstill = as_date(data["standstill_end"], "standstill_end")
    if signed <= standstill:
        raise RuleViolation(
            "The contract cannot be signed before the standstill period ends on"
            " {standstill}.", field="contract_signed",
            hint="Sign it on the next day or later.", standstill=standstill)
    # the complaints registered on the procedure (Engine.register_complaint)
    complaints.check_signing(data.get("complaints") or [], standstill, signed)
    if submitted.get("contract_terms"):
        partners = data.get("partners") or partnership.awarded(data.get("award") or {})
        partnership.check_contract_terms(submitted["contract_terms"], partners,
                                         tender_documents.with_defaults(
                                             data["tender_documents"]))


def milestone_review(data: dict, submitted: dict, today: date) -> None:
    """Dir. Art. 31(2): each contract target recorded as met or not; a phase is paid
    only if all are met; rework needs a new deadline; ending a contract only if announced;
    fees never above the agreed total."""
    partnership.check_review(tender_documents.with_defaults(data["tender_documents"]),
                             data.get("partnerships"), data.get("partner"), data["phase_no"],
                             submitted, today, data.get("fee_ledger") or [])


def call_off(data: dict, submitted: dict, today: date) -> None:
    """Call-offs never exceed the ceiling and stop at the contract's end date."""
    if submitted["call_off_amount"] > 0:
        terms = data["tender_documents"]["purchase"]
        decided = data.get("purchase") or {}
        partner = partnership.call_off_partner(submitted.get("call_off_partner"), decided) \
            if "purchasing" in decided else None
        purchase.record_call_off(data.get("call_offs") or [], submitted["call_off_amount"],
                                 submitted["call_off_date"], terms["ceiling"],
                                 terms["contract_end"], partner)


VALIDATORS: dict[str, Validator] = {
    "need": need,
    "tender_documents": tender_documents_check,
    "tender_documents_approval": tender_documents_approval,
    "notice": notice,
    "applications": applications,
    "suitability": suitability,
    "invitations": invitations,
    "initial_tenders": initial_tenders,
    "micro_sprint": micro_sprint,
    "negotiation_round": negotiation_round,
    "revised_tenders": revised_tenders,
    "final_invitation": final_invitation,
    "final_tenders": final_tenders,
    "conformity": conformity,
    "tender_score": tender_score,
    "evaluation_approval": evaluation_approval,
    "award": award,
    "partnership_contract": partnership_contract,
    "milestone_review": milestone_review,
    "call_off": call_off,
}

from .joint_validators import JOINT_VALIDATORS  # noqa: E402 - the joint scaling process's

VALIDATORS.update(JOINT_VALIDATORS)

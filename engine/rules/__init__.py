"""Pure domain rules (no database, no SpiffWorkflow).

``SCRIPT_HELPERS`` are the functions BPMN scripts, gateway conditions and timer
expressions may call, under plain names. They take and return JSON-like data (dicts,
lists, numbers, ISO date strings): task data is serialized, so a ``date`` never goes
into it. Helper names must not be used as task data keys (the script environment
refuses the clash), which is why the standstill helper is ``calculate_standstill_end``:
``standstill_end`` is the data key the process stores.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from . import (
    award,
    complaints,
    deadlines,
    fees,
    joint,
    negotiation,
    partnership,
    purchase,
    reduction,
    scoring,
    selection,
    tender_documents,
    thresholds,
    verification,
)


def _iso(fn: Callable[..., date]) -> Callable[..., str]:
    """``fn`` returning its date as an ISO string, for task data."""

    def wrapper(*args, **kwargs) -> str:
        return fn(*args, **kwargs).isoformat()

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


SCRIPT_HELPERS: dict[str, Callable] = {
    # deadlines
    "check_application_deadline": deadlines.check_application_deadline,
    "earliest_application_deadline": _iso(deadlines.earliest_application_deadline),
    "calculate_standstill_end": _iso(deadlines.standstill_end),
    "earliest_contract_signature": _iso(deadlines.earliest_contract_signature),
    "end_of_day": deadlines.end_of_day,
    # tender documents
    "check_tender_documents": tender_documents.check_tender_documents,
    "locked_part": tender_documents.locked_part,
    "total_fees": tender_documents.total_fees,
    # selection and negotiation
    "select_candidates": selection.select_candidates,
    "reduce_bidders": selection.reduce_bidders,
    "reduction_notices": selection.reduction_notices,
    "apply_tie_decision": selection.apply_tie_decision,
    "round_outcome": reduction.round_outcome,
    "fewer_than_two_conforming": reduction.fewer_than_two_conforming,
    "check_requirement_changes": negotiation.check_requirement_changes,
    "check_resubmission_deadline": negotiation.check_resubmission_deadline,
    "check_award_on_initial": negotiation.check_award_on_initial,
    # award and thresholds
    "compose_award_notification": award.award_notification,
    "threshold_check": thresholds.threshold_check,
    # complaints
    "register_complaints": complaints.register,
    # verification
    "conforming_bidders": verification.conforming_bidders,
    "rejected_by_conformity": verification.rejected_by_conformity,
    # evaluation
    "score_tenders": scoring.score_tenders,
    # development phases
    "book_fee": fees.book_fee,
    "fees_paid": fees.fees_paid,
    "fees_remaining": fees.fees_remaining,
    "check_termination": fees.check_termination,
    # several partners: one contract, phases and fee ledger each
    "awarded_partners": partnership.awarded,
    "open_partnerships": partnership.open_partnerships,
    "partners_to_review": partnership.to_review,
    "close_reviews": partnership.close_reviews,
    "phase_review_due": partnership.review_due,
    "phase_summary": partnership.phase_summary,
    "combined_ledger": partnership.combined_ledger,
    "remaining_partners": partnership.remaining_partners,
    "decide_purchases": partnership.decide_purchases,
    "purchasing_partner": partnership.call_off_partner,
    # purchase
    "purchase_decision": purchase.purchase_decision,
    "check_purchase_option": purchase.check_purchase_option,
    "record_call_off": purchase.record_call_off,
    "ceiling_used": purchase.ceiling_used,
    "ceiling_remaining": purchase.ceiling_remaining,
    # joint public scaling
    "above_threshold": joint.above_threshold,
    "eu_threshold": joint.threshold,
    "total_demand": joint.total_demand,
}

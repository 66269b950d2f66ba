"""The fee ledger (Dir. art. 31(2)), pinned: whole results and every refusal in words."""
from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import RuleViolation
from engine.rules.fees import (
    amount_or_none,
    as_amount,
    book_fee,
    check_phase_approval,
    check_termination,
    fee_status,
    fees_paid,
    fees_remaining,
    plain,
    positive_amount,
)

LEDGER = [{"phase": 1, "amount": 165000}]


def refusal(fn, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as err:
        fn(*args, **kwargs)
    return err.value


def test_amounts():
    assert as_amount(0.1) == Decimal("0.1") and as_amount(5) == Decimal(5)
    assert as_amount(Decimal("2.5")) == Decimal("2.5")
    err = refusal(as_amount, "5", "price")
    assert (err.message, err.field, err.hint) == (
        "price must be a number, got '5'.", "price",
        "Enter the amount in DKK as a plain number, e.g. 165000.")
    assert refusal(as_amount, None).field == "amount"
    err = refusal(as_amount, float("inf"), "price")
    assert (err.message, err.field) == ("price must be a finite number, got inf.", "price")
    assert amount_or_none("x") is None and amount_or_none(3) == 3
    assert positive_amount(0.01) == Decimal("0.01")
    err = refusal(positive_amount, 0, "fee")
    assert (err.message, err.field, err.hint) == ("fee must be greater than 0, got 0.", "fee",
                                                  "Enter an amount above 0 DKK.")
    assert refusal(positive_amount, -1).field == "amount"
    assert plain(Decimal("5.0")) == 5 and isinstance(plain(Decimal("5.0")), int)
    assert plain(Decimal("5.5")) == 5.5


def test_paid_and_remaining():
    ledger = [{"phase": 1, "amount": 165000}, {"phase": 2, "amount": 0.5}]
    assert fees_paid(ledger) == 165000.5 and fees_paid([]) == 0
    assert fees_remaining(ledger, 660000) == 494999.5
    assert refusal(fees_remaining, ledger, "x").field == "total_agreed"
    assert refusal(fees_paid, [{"phase": 1}]).field == "amount"


def test_booking_up_to_the_total_and_the_last_phase():
    booked = book_fee(LEDGER, 4, 495000, 660000, 4)
    assert booked == [*LEDGER, {"phase": 4, "amount": 495000}]
    assert LEDGER == [{"phase": 1, "amount": 165000}]  # a new list
    assert book_fee([], 1, 1, 1, 1) == [{"phase": 1, "amount": 1}]


@pytest.mark.parametrize("args, field, message, hint", [
    ((LEDGER, 2, 165000, 660000, 0), "phases",
     "phases must be a whole number of at least 1, got 0.", ""),
    ((LEDGER, 2, 165000, 660000, True), "phases",
     "phases must be a whole number of at least 1, got True.", ""),
    ((LEDGER, 2, 165000, 660000, 4.0), "phases",
     "phases must be a whole number of at least 1, got 4.0.", ""),
    ((LEDGER, 5, 165000, 660000, 4), "phase", "There is no phase 5: the phases are 1 to 4.",
     "Book the fee for one of the agreed phases."),
    ((LEDGER, 0, 165000, 660000, 4), "phase", "There is no phase 0: the phases are 1 to 4.",
     None),
    ((LEDGER, True, 165000, 660000, 4), "phase",
     "There is no phase True: the phases are 1 to 4.", None),
    ((LEDGER, "2", 165000, 660000, 4), "phase",
     "There is no phase '2': the phases are 1 to 4.", None),
    ((LEDGER, 2, 0, 660000, 4), "amount", "amount must be greater than 0, got 0.", None),
    ((LEDGER, 2, 165000, 0, 4), "total_agreed",
     "total_agreed must be greater than 0, got 0.", None),
    ((LEDGER, 1, 165000, 660000, 4), "phase", "The fee for phase 1 is already booked.",
     "Each phase is paid once."),
    ((LEDGER, 2, 495001, 660000, 4), "amount",
     "Booking 495001 DKK would bring the fees to 660001 DKK, above the agreed total of "
     "660000 DKK.", "At most 495000 DKK remains to be paid."),
])
def test_booking_refusals_in_words(args, field, message, hint):
    err = refusal(book_fee, *args)
    assert (err.field, err.message) == (field, message)
    if hint is not None:
        assert err.hint == hint


def test_termination():
    check_termination(True, 1)
    err = refusal(check_termination, False, 2)
    assert (err.message, err.field, err.hint) == (
        "The partnership cannot be terminated after phase 2: the tender documents did not "
        "announce that possibility (Dir. Art. 31(2)).", "termination_allowed",
        "Continue with the next phase, or seek legal advice.")
    assert refusal(check_termination, "yes", 2).field == "termination_allowed"
    for phase in (0, True, "1"):
        err = refusal(check_termination, True, phase)
        assert err.field == "phase"
        assert err.message == f"Termination comes after a completed phase, got phase " \
                              f"{phase!r}."


def test_phase_approval():
    check_phase_approval([{"target": "A", "met": True}], 1)
    err = refusal(check_phase_approval, [], 2)
    assert (err.message, err.field, err.hint) == (
        "Phase 2 has no intermediate targets recorded.", "intermediate_targets",
        "Record each of the phase's targets as met or not met.")
    assert refusal(check_phase_approval, None, 2).field == "intermediate_targets"
    err = refusal(check_phase_approval, [{"target": "A", "met": True},
                                         {"target": "B", "met": "ja"},
                                         {"target": "C"}], 3)
    assert err.message == (
        "Phase 3 cannot be approved: the intermediate target(s) 'B', 'C' were not met, and "
        "a phase whose targets are not all met is never paid (Dir. art. 31(2)).")
    assert err.hint == ("Terminate (if the tender documents announced it), or let the "
                        "partner rework the phase and review it again.")
    assert "target(s) 'x' were" in refusal(check_phase_approval, ["x"], 1).message


def test_fee_status_in_full():
    assert fee_status([{"phase": 1, "amount": 165000}, "x", {"phase": 2}], 4, 165000) == {
        "ledger": [{"phase": 1, "amount": 165000}, {"phase": 2}], "paid": 165000,
        "total": 660000, "phases": 4, "fee_per_phase": 165000, "remaining": 495000,
        "phases_paid": 2}
    assert fee_status([], 4, None) is None
    assert fee_status("x", 4, None) is None
    unknown = fee_status(LEDGER, "4", None)
    assert unknown["total"] is None and unknown["remaining"] is None
    assert unknown["paid"] == 165000
    assert fee_status([], True, 10)["total"] is None
    assert fee_status([], 2, 10)["remaining"] == 20

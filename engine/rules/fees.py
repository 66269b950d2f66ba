"""The fee ledger for the development phases (Dir. Art. 31(2)).

One instalment per approved phase; the fees paid never exceed the agreed total.
Ledgers are plain lists of {"phase": int, "amount": number} (BPMN data); functions
return new lists and never change the one passed in. Sums are exact (Decimal).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.errors import Money, RuleViolation

Amount = int | float


def as_amount(value: Any, field: str = "amount") -> Decimal:
    """A money amount (int or float, not bool) as an exact Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise RuleViolation("{what} must be a number, got {value!r}.",
                            hint="Enter the amount in DKK as a plain number, e.g. 165000.",
                            field=field, what=field, value=value)
    if isinstance(value, float) and not math.isfinite(value):
        raise RuleViolation("{what} must be a finite number, got {value!r}.", field=field,
                            what=field, value=value)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def amount_or_none(value: Any) -> Decimal | None:
    """A money amount as an exact Decimal, or None when ``value`` is not one (for
    reading data that may be incomplete: nothing is guessed)."""
    try:
        return as_amount(value)
    except RuleViolation:
        return None


def positive_amount(value: Any, field: str = "amount") -> Decimal:
    amount = as_amount(value, field)
    if amount <= 0:
        raise RuleViolation("{what} must be greater than 0, got {value!r}.",
                            hint="Enter an amount above 0 DKK.", field=field,
                            what=field, value=value)
    return amount


def plain(amount: Decimal) -> Amount:
    """A Decimal back as int when whole, else float (for JSON and BPMN data)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _sum(entries: list[dict]) -> Decimal:
    return sum((as_amount(e.get("amount"), "amount") for e in entries), Decimal(0))


def fees_paid(ledger: list[dict]) -> Amount:
    return plain(_sum(ledger))


def fees_remaining(ledger: list[dict], total: Amount) -> Amount:
    return plain(as_amount(total, "total_agreed") - _sum(ledger))


def book_fee(ledger: list[dict], phase: int, amount: Amount, total_agreed: Amount,
             phases: int) -> list[dict]:
    """Book the fee instalment for an approved phase; returns a new ledger."""
    if isinstance(phases, bool) or not isinstance(phases, int) or phases < 1:
        raise RuleViolation("phases must be a whole number of at least 1, got "
                            "{phases!r}.",
                            field="phases", phases=phases)
    if isinstance(phase, bool) or not isinstance(phase, int) or not 1 <= phase <= phases:
        raise RuleViolation("There is no phase {phase!r}: the phases are 1 to {phases}.",
                            hint="Book the fee for one of the agreed phases.", field="phase",
                            phase=phase, phases=phases)
    value = positive_amount(amount, "amount")
    total = positive_amount(total_agreed, "total_agreed")
    if any(e.get("phase") == phase for e in ledger):
        raise RuleViolation("The fee for phase {phase} is already booked.",
                            hint="Each phase is paid once.", field="phase", phase=phase)
    paid = _sum(ledger)
    if paid + value > total:
        raise RuleViolation(
            "Booking {value} would bring the fees to {amount}, above the agreed"
            " total of {total}.",
            hint="At most {amount2} remains to be paid.", field="amount",
            value=Money(plain(value)), amount=Money(plain(paid + value)),
            total=Money(plain(total)), amount2=Money(plain(total - paid)))
    return [*ledger, {"phase": phase, "amount": amount}]


def check_termination(allowed: bool, phase: int) -> None:
    """Terminating after a phase needs the possibility announced in the tender documents."""
    if allowed is not True:
        raise RuleViolation(
            "The partnership cannot be terminated after phase {phase}: the "
            "tender documents did not announce that possibility (Dir. Art. "
            "31(2)).",
            hint="Continue with the next phase, or seek legal advice.",
            field="termination_allowed", phase=phase)
    if isinstance(phase, bool) or not isinstance(phase, int) or phase < 1:
        raise RuleViolation("Termination comes after a completed phase, got phase "
                            "{phase!r}.",
                            field="phase", phase=phase)


def check_phase_approval(targets: list[dict], phase: int) -> None:
    """Dir. Art. 31(2): a phase is approved (and its fee paid) only if every
    intermediate target was met; the review records each target as met or not."""
    if not isinstance(targets, list) or not targets:
        raise RuleViolation("Phase {phase} has no intermediate targets recorded.",
                            hint="Record each of the phase's targets as met or not met.",
                            field="intermediate_targets", phase=phase)
    missed = [str(t.get("target")) if isinstance(t, dict) else str(t) for t in targets
              if not isinstance(t, dict) or t.get("met") is not True]
    if missed:
        raise RuleViolation(
            "Phase {phase} cannot be approved: the intermediate target(s) "
            "{names} were not met, and a phase whose targets are not all met is "
            "never paid (Dir. art. 31(2)).",
            hint="Terminate (if the tender documents announced it), or let the partner "
                 "rework the phase and review it again.",
            field="intermediate_targets", phase=phase,
            names=[repr(m) for m in missed])


def fee_status(ledger: Any, phases: Any, fee_per_phase: Any) -> dict | None:
    """The fees paid and left of the agreed total (phases x fee per phase), as the
    overview shows them. None when no fee is agreed and nothing is booked. What is not
    known stays None (an unknown total leaves what is left unknown); entries without
    an amount count for nothing."""
    entries = [e for e in ledger if isinstance(e, Mapping)] if isinstance(ledger, list) \
        else []
    fee = amount_or_none(fee_per_phase)
    if not entries and fee is None:
        return None
    paid = sum((a for e in entries if (a := amount_or_none(e.get("amount"))) is not None),
               Decimal(0))
    count = phases if isinstance(phases, int) and not isinstance(phases, bool) else None
    total = fee * count if fee is not None and count is not None else None
    return {"ledger": entries, "paid": paid, "total": total, "phases": phases,
            "fee_per_phase": fee, "remaining": None if total is None else total - paid,
            "phases_paid": len(entries)}

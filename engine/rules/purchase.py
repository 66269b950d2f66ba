"""The purchase option and call-offs under the contract ceiling (Dir. Art. 31(2)).

The option is exercised only if the solution meets the agreed performance levels and
does not exceed the agreed maximum cost. Call-offs never exceed the ceiling and stop at
the contract's end date. Call-off lists are plain lists of {"amount", "date"} (ISO).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from engine.errors import Money, RuleViolation
from engine.rules.deadlines import as_date
from engine.rules.fees import Amount, amount_or_none, as_amount, plain, positive_amount


def purchase_decision(performance_met: bool, price: Amount, max_cost: Amount) -> dict:
    """{"exercise": bool, "reason": str}: may the purchase option be exercised?"""
    cost = positive_amount(price, "price")
    limit = positive_amount(max_cost, "max_cost")
    if performance_met is not True:
        return {"exercise": False,
                "reason": "The solution does not meet the agreed performance levels."}
    if cost > limit:
        return {"exercise": False,
                "reason": f"The price {plain(cost)} DKK exceeds the agreed maximum cost "
                          f"of {plain(limit)} DKK."}
    return {"exercise": True,
            "reason": f"The agreed performance levels are met and the price {plain(cost)} DKK "
                      f"is within the maximum cost of {plain(limit)} DKK."}


def check_purchase_option(performance_met: bool, price: Amount, max_cost: Amount) -> None:
    """Refuse to exercise the purchase option when its conditions are not met."""
    decision = purchase_decision(performance_met, price, max_cost)
    if not decision["exercise"]:
        raise RuleViolation(
            "The purchase option cannot be exercised: {reason}",
            hint="End the partnership without purchase, or record the performance test again.",
            field="performance_met" if performance_met is not True else "price",
            reason=decision['reason'])


def _used(call_offs: list[dict]) -> Decimal:
    return sum((as_amount(c.get("amount"), "amount") for c in call_offs), Decimal(0))


def ceiling_used(call_offs: list[dict]) -> Amount:
    return plain(_used(call_offs))


def ceiling_remaining(call_offs: list[dict], ceiling: Amount) -> Amount:
    return plain(as_amount(ceiling, "ceiling") - _used(call_offs))


def record_call_off(call_offs: list[dict], amount: Amount, on: date | str, ceiling: Amount,
                    end_date: date | str, partner: str | None = None) -> list[dict]:
    """Record a call-off under the contract; returns a new list. With several partners
    the ceiling is shared: ``call_offs`` holds every partner's call-offs (each naming
    its ``partner``) and their sum never exceeds it."""
    value = positive_amount(amount, "amount")
    limit = positive_amount(ceiling, "ceiling")
    day = as_date(on, "date")
    end = as_date(end_date, "contract_end")
    if day > end:
        raise RuleViolation(
            "The call-off on {day} is after the contract ended on {end}.",
            hint="No call-offs can be made after the contract's end date.", field="date",
            day=day, end=end)
    remaining = limit - _used(call_offs)
    if value > remaining:
        raise RuleViolation(
            "The call-off of {value} exceeds the contract ceiling: only "
            "{remaining} of {limit} remains.",
            hint="Call off at most {remaining2}.", field="amount",
            value=Money(plain(value)), remaining=Money(plain(remaining)),
            limit=Money(plain(limit)), remaining2=Money(plain(remaining)))
    entry = {"amount": amount, "date": day.isoformat()}
    if partner:
        entry["partner"] = partner
    return [*call_offs, entry]


def ceiling_status(call_offs: Any, ceiling: Any, contract_end: Any = None) -> dict | None:
    """The call-offs against the contract ceiling, as the overview shows them: used,
    left and the share used. None when there is no ceiling and no call-off. An unknown
    ceiling leaves what is left unknown (None); call-offs without an amount count for
    nothing."""
    made = [c for c in call_offs if isinstance(c, Mapping)] if isinstance(call_offs, list) \
        else []
    limit = amount_or_none(ceiling)
    if not made and limit is None:
        return None
    used = sum((a for c in made if (a := amount_or_none(c.get("amount"))) is not None),
               Decimal(0))
    return {"call_offs": made, "used": used, "ceiling": limit,
            "remaining": None if limit is None else limit - used,
            "contract_end": contract_end,
            "percent": float(used / limit * 100) if limit else None}

"""The purchase option and call-offs (Dir. art. 31(2)), pinned: whole results and every
refusal in words."""
from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import RuleViolation
from engine.rules.purchase import (
    ceiling_remaining,
    ceiling_status,
    ceiling_used,
    check_purchase_option,
    purchase_decision,
    record_call_off,
)


def refusal(fn, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as err:
        fn(*args)
    return err.value


def test_the_decision_in_words():
    assert purchase_decision(True, 200, 200) == {
        "exercise": True, "reason": "The agreed performance levels are met and the price "
                                    "200 DKK is within the maximum cost of 200 DKK."}
    assert purchase_decision(True, 200.5, 200) == {
        "exercise": False, "reason": "The price 200.5 DKK exceeds the agreed maximum cost "
                                     "of 200 DKK."}
    assert purchase_decision("ja", 1, 200) == {
        "exercise": False, "reason": "The solution does not meet the agreed performance "
                                     "levels."}
    assert refusal(purchase_decision, True, 0, 1).field == "price"
    assert refusal(purchase_decision, True, 1, 0).field == "max_cost"


def test_the_option_refusals():
    check_purchase_option(True, 200, 200)
    err = refusal(check_purchase_option, False, 1, 200)
    assert (err.field, err.message, err.hint) == (
        "performance_met", "The purchase option cannot be exercised: The solution does not "
                           "meet the agreed performance levels.",
        "End the partnership without purchase, or record the performance test again.")
    assert refusal(check_purchase_option, True, 201, 200).field == "price"


def test_used_and_remaining():
    call_offs = [{"amount": 100, "date": "2028-01-01"}, {"amount": 0.5}]
    assert ceiling_used(call_offs) == 100.5 and ceiling_used([]) == 0
    assert ceiling_remaining(call_offs, 1000) == 899.5
    assert refusal(ceiling_remaining, [], "x").field == "ceiling"
    assert refusal(ceiling_used, [{"date": "x"}]).field == "amount"


def test_a_call_off_up_to_the_ceiling_on_the_last_day():
    made = record_call_off([{"amount": 900}], 100, "2030-12-31", 1000, "2030-12-31")
    assert made == [{"amount": 900}, {"amount": 100, "date": "2030-12-31"}]


@pytest.mark.parametrize("args, field, message, hint", [
    (([], 0, "2028-01-01", 1000, "2030-12-31"), "amount",
     "amount must be greater than 0, got 0.", None),
    (([], 1, "2028-01-01", 0, "2030-12-31"), "ceiling",
     "ceiling must be greater than 0, got 0.", None),
    (([], 1, "x", 10, "2030-12-31"), "date", None, None),
    (([], 1, "2028-01-01", 10, "x"), "contract_end", None, None),
    (([], 1, "2031-01-01", 10, "2030-12-31"), "date",
     "The call-off on 2031-01-01 is after the contract ended on 2030-12-31.",
     "No call-offs can be made after the contract's end date."),
    (([{"amount": 900}], 100.5, "2028-01-01", 1000, "2030-12-31"), "amount",
     "The call-off of 100.5 DKK exceeds the contract ceiling: only 100 DKK of 1000 DKK "
     "remains.", "Call off at most 100 DKK."),
])
def test_call_off_refusals_in_words(args, field, message, hint):
    err = refusal(record_call_off, *args)
    assert err.field == field
    if message:
        assert err.message == message
    if hint:
        assert err.hint == hint


def test_the_ceiling_status_in_full():
    assert ceiling_status([{"amount": 55}, "x", {"date": "y"}], 220, "2030-12-31") == {
        "call_offs": [{"amount": 55}, {"date": "y"}], "used": Decimal(55),
        "ceiling": Decimal(220), "remaining": Decimal(165), "contract_end": "2030-12-31",
        "percent": 25.0}
    assert ceiling_status([], None) is None and ceiling_status("x", None) is None
    unknown = ceiling_status([{"amount": 5}], None)
    assert unknown["remaining"] is None and unknown["percent"] is None
    assert unknown["contract_end"] is None and unknown["used"] == 5
    assert ceiling_status([], 0)["percent"] is None

"""The fee ledger, the purchase option and call-offs under the ceiling."""
import pytest

from engine.errors import RuleViolation
from engine.rules.fees import book_fee, check_termination, fees_paid, fees_remaining
from engine.rules.purchase import (
    ceiling_remaining,
    ceiling_used,
    check_purchase_option,
    purchase_decision,
    record_call_off,
)

TOTAL = 4 * 165000  # 660 000 DKK, the case


def test_book_fees_for_all_phases():
    ledger: list[dict] = []
    for phase in (1, 2, 3, 4):
        before = list(ledger)
        ledger = book_fee(ledger, phase, 165000, TOTAL, 4)
        assert before == ledger[:-1]  # a new list; the old one is untouched
    assert ledger[-1] == {"phase": 4, "amount": 165000}
    assert fees_paid(ledger) == 660000
    assert fees_remaining(ledger, TOTAL) == 0


def test_fee_sums_are_exact():
    ledger = book_fee([], 1, 0.1, 0.3, 3)
    ledger = book_fee(ledger, 2, 0.2, 0.3, 3)
    assert fees_paid(ledger) == 0.3  # not 0.30000000000000004
    assert fees_remaining(ledger, 0.3) == 0


PAID_TWO = [{"phase": 1, "amount": 165000}, {"phase": 2, "amount": 165000}]


@pytest.mark.parametrize("ledger, phase, amount, field, words", [
    (PAID_TWO, 2, 165000, "phase", "already booked"),
    (PAID_TWO, 5, 165000, "phase", "no phase 5"),
    (PAID_TWO, 0, 165000, "phase", "no phase 0"),
    (PAID_TWO, True, 165000, "phase", "no phase"),
    (PAID_TWO, 3, 0, "amount", "greater than 0"),
    (PAID_TWO, 3, -1, "amount", "greater than 0"),
    (PAID_TWO, 3, "165000", "amount", "number"),
    (PAID_TWO, 3, 330001, "amount", "above the agreed total"),
])
def test_book_fee_refusals(ledger, phase, amount, field, words):
    with pytest.raises(RuleViolation) as e:
        book_fee(ledger, phase, amount, TOTAL, 4)
    assert e.value.field == field
    assert words in e.value.message


def test_book_fee_exactly_to_the_total_is_allowed():
    assert fees_paid(book_fee(PAID_TWO, 3, 330000, TOTAL, 4)) == TOTAL


def test_over_total_says_what_remains():
    with pytest.raises(RuleViolation) as e:
        book_fee(PAID_TWO, 3, 330001, TOTAL, 4)
    assert "330000" in e.value.hint


def test_termination_only_if_announced():
    check_termination(True, 2)
    with pytest.raises(RuleViolation) as e:
        check_termination(False, 2)
    assert e.value.field == "termination_allowed"
    with pytest.raises(RuleViolation):
        check_termination(True, 0)


@pytest.mark.parametrize("met, price, max_cost, exercise, words", [
    (True, 9_000_000, 10_000_000, True, "met"),
    (True, 10_000_000, 10_000_000, True, "within"),
    (False, 9_000_000, 10_000_000, False, "performance levels"),
    (True, 10_000_001, 10_000_000, False, "exceeds the agreed maximum cost"),
])
def test_purchase_option(met, price, max_cost, exercise, words):
    decision = purchase_decision(met, price, max_cost)
    assert decision["exercise"] is exercise
    assert words in decision["reason"]
    if exercise:
        check_purchase_option(met, price, max_cost)
    else:
        with pytest.raises(RuleViolation) as e:
            check_purchase_option(met, price, max_cost)
        assert words in e.value.message
        assert e.value.field == ("price" if met else "performance_met")


CEILING = 220_000_000
END = "2030-12-31"


def test_call_offs_up_to_the_ceiling():
    calls = record_call_off([], 100_000_000, "2027-01-10", CEILING, END)
    calls = record_call_off(calls, 120_000_000, "2030-12-31", CEILING, END)  # last day
    assert calls == [{"amount": 100_000_000, "date": "2027-01-10"},
                     {"amount": 120_000_000, "date": "2030-12-31"}]
    assert ceiling_used(calls) == CEILING
    assert ceiling_remaining(calls, CEILING) == 0


@pytest.mark.parametrize("amount, on, field, words", [
    (0, "2027-01-10", "amount", "greater than 0"),
    (-5, "2027-01-10", "amount", "greater than 0"),
    (20_000_001, "2027-01-10", "amount", "only 20000000 DKK"),
    (1000, "2031-01-01", "date", "after the contract ended"),
    (1000, "31/12/2030", "date", "must be a date"),
])
def test_call_off_refusals(amount, on, field, words):
    calls = [{"amount": 200_000_000, "date": "2027-01-10"}]
    with pytest.raises(RuleViolation) as e:
        record_call_off(calls, amount, on, CEILING, END)
    assert e.value.field == field
    assert words in e.value.message

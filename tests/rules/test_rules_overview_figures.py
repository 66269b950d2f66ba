"""The figures the partnership overview shows: fees paid and left, the ceiling used and
left, the procedure's dates. Unknown figures stay unknown (None); nothing is guessed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.rules.deadlines import procedure_dates
from engine.rules.fees import fee_status
from engine.rules.purchase import ceiling_status

LEDGER = [{"phase": 1, "amount": 165000}, {"phase": 2, "amount": 165000.5}]


@pytest.mark.parametrize("ledger,phases,fee,paid,total,remaining", [
    (LEDGER, 4, 165000, Decimal("330000.5"), Decimal(660000), Decimal("329999.5")),
    ([], 4, 165000, Decimal(0), Decimal(660000), Decimal(660000)),
    (LEDGER, None, 165000, Decimal("330000.5"), None, None),  # phases unknown
    (LEDGER, "4", 165000, Decimal("330000.5"), None, None),   # not a whole number
    (LEDGER, 4, None, Decimal("330000.5"), None, None),       # no fee agreed
    ([{"phase": 1, "amount": None}, "x"], 2, 10, Decimal(0), Decimal(20), Decimal(20)),
])
def test_fee_status(ledger, phases, fee, paid, total, remaining):
    status = fee_status(ledger, phases, fee)
    assert (status["paid"], status["total"], status["remaining"]) == (paid, total, remaining)


@pytest.mark.parametrize("ledger,fee", [(None, None), ([], None), ("x", True)])
def test_no_fee_status_before_a_fee_is_agreed_or_booked(ledger, fee):
    assert fee_status(ledger, 4, fee) is None


@pytest.mark.parametrize("call_offs,ceiling,used,remaining,percent", [
    ([{"amount": 55000000}], 220000000, Decimal(55000000), Decimal(165000000), 25.0),
    ([], 100, Decimal(0), Decimal(100), 0.0),
    ([{"amount": 10}], None, Decimal(10), None, None),       # no ceiling known
    ([1, {"amount": None}, {"amount": 5}], "?", Decimal(5), None, None),
    ([{"amount": 150}], 100, Decimal(150), Decimal(-50), 150.0),  # shown as it stands
])
def test_ceiling_status(call_offs, ceiling, used, remaining, percent):
    status = ceiling_status(call_offs, ceiling, "2030-12-31")
    assert (status["used"], status["remaining"], status["percent"]) == \
        (used, remaining, percent)
    assert status["contract_end"] == "2030-12-31"


def test_no_ceiling_status_before_a_contract():
    assert ceiling_status(None, None) is None


def test_procedure_dates_in_the_order_the_procedure_meets_them():
    data = {"standstill_end": "2026-04-07", "application_deadline": date(2026, 3, 2),
            "final_tender_deadline": "2026-03-20T12:00:00+01:00",
            "initial_tender_deadline": {"sealed": True, "until": "2026-03-01"},
            "contract_signed": "snart", "resubmission_deadline": None}
    assert procedure_dates(data, "2030-12-31") == [
        ("application_deadline", date(2026, 3, 2)),
        ("final_tender_deadline", "2026-03-20T12:00:00+01:00"),
        ("standstill_end", "2026-04-07"), ("contract_end", "2030-12-31")]
    assert procedure_dates({}, None) == []

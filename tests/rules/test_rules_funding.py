"""Funding across the value chain: splitting drawdowns over sources, refusals, the chain."""
from __future__ import annotations

from datetime import date

import pytest

from engine.errors import RuleViolation
from engine.rules import funding

OWN = {"id": 1, "name": "Egen ramme", "kind": "own", "amount": 400_000,
       "phases": ["development"], "share": 50, "deadline": None}
POOL = {"id": 2, "name": "Puljen", "kind": "national", "amount": 300_000,
        "phases": ["development"], "share": 50, "deadline": "2027-12-31"}
DAY = date(2027, 1, 1)


def test_a_fee_is_split_by_the_shares():
    parts = funding.allocate([OWN, POOL], [], "development", 165_000, DAY)
    assert parts == [{"source": 1, "phase": "development", "amount": 82_500},
                     {"source": 2, "phase": "development", "amount": 82_500}]


def test_a_source_without_a_share_pays_the_rest_up_to_what_it_has():
    rest = {**POOL, "share": None, "amount": 100_000}
    parts = funding.allocate([OWN, rest], [], "development", 165_000, DAY)
    assert [p["amount"] for p in parts] == [82_500, 82_500]


@pytest.mark.parametrize("spent, ok", [(217_500, True), (217_501, False)])
def test_a_source_is_never_exceeded(spent, ok):
    done = [{"source": 2, "phase": "development", "amount": spent}]
    if ok:  # exactly what is left: accepted
        assert funding.allocate([OWN, POOL], done, "development", 165_000, DAY)[1][
            "amount"] == 82_500
    else:
        with pytest.raises(RuleViolation) as err:
            funding.allocate([OWN, POOL], done, "development", 165_000, DAY)
        assert err.value.field == "funding" and "Puljen" in err.value.message
        assert "Raise the grant" in err.value.hint


def test_shares_that_do_not_cover_the_amount_are_refused():
    with pytest.raises(RuleViolation) as err:
        funding.allocate([OWN], [], "development", 165_000, DAY)
    assert err.value.field == "funding" and "82500 DKK" in err.value.message


def test_a_source_past_its_last_day_is_refused():
    with pytest.raises(RuleViolation) as err:
        funding.allocate([OWN, POOL], [], "development", 165_000, date(2028, 1, 1))
    assert err.value.field == "funding" and "2027-12-31" in err.value.message


def test_an_unfunded_phase_allocates_nothing_and_is_not_funded():
    assert funding.allocate([OWN, POOL], [], "implementation", 1_000, DAY) == []
    assert funding.is_funded([OWN, POOL], [], "development") is True
    assert funding.is_funded([OWN, POOL], [], "implementation") is False
    spent_all = [{"source": 1, "phase": "development", "amount": 400_000},
                 {"source": 2, "phase": "development", "amount": 300_000}]
    assert funding.is_funded([OWN, POOL], spent_all, "development") is False


def test_the_value_chain_shows_funded_spent_and_available():
    done = [{"source": 1, "phase": "development", "amount": 82_500},
            {"source": 2, "phase": "development", "amount": 82_500}]
    chain = {r["phase"]: r for r in funding.value_chain([OWN, POOL], done)}
    assert list(chain) == list(funding.PHASES)
    assert chain["development"] == {"phase": "development", "sources": ["Egen ramme", "Puljen"],
                                    "spent": 165_000, "available": 535_000, "funded": True}
    assert chain["implementation"]["funded"] is False


@pytest.mark.parametrize("change, field", [
    ({"name": " "}, "name"), ({"kind": "lottery"}, "kind"), ({"amount": 0}, "amount"),
    ({"amount": "many"}, "amount"), ({"phases": []}, "phases"), ({"phases": ["moon"]}, "phases"),
    ({"share": 150}, "share"), ({"share": True}, "share"),
])
def test_a_source_as_entered_is_checked(change, field):
    with pytest.raises(RuleViolation) as err:
        funding.check_source({**OWN, **change})
    assert err.value.field == field and err.value.hint


def test_shares_of_one_phase_add_up_to_at_most_100():
    funding.check_shares([OWN, POOL])
    with pytest.raises(RuleViolation) as err:
        funding.check_shares([OWN, POOL, {**POOL, "id": 3, "share": 1}])
    assert err.value.field == "share"


def test_the_drawdowns_a_process_made_are_read_from_its_data():
    data = {"fee_ledger": [{"phase": 1, "amount": 165_000}],
            "call_offs": [{"amount": 27_500_000, "date": "2028-01-01", "description": "Q1"}]}
    assert [(d["key"], d["phase"], d["amount"]) for d in funding.drawdowns_in(data)] == [
        ("fee:1", "development", 165_000), ("call_off:1", "purchase", 27_500_000)]

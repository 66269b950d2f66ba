"""Funding across the value chain, pinned: whole results and every refusal in words."""
from __future__ import annotations

from datetime import date

import pytest

from engine.errors import RuleViolation
from engine.rules import funding

ENTERED = {"name": "  Innovationspuljen ", "kind": "national", "amount": 300_000,
           "phases": ["purchase", "development"], "share": 50, "deadline": "2027-12-31",
           "conditions": "Afrapporteres årligt."}
OWN = {"id": 1, "name": "Egen ramme", "kind": "own", "amount": 400_000,
       "phases": ["development"], "share": None, "deadline": None}
POOL = {"id": 2, "name": "Puljen", "kind": "national", "amount": 300_000,
        "phases": ["development", "purchase"], "share": 50, "deadline": "2027-12-31"}
DAY = date(2027, 1, 1)


def test_a_source_as_entered_comes_back_whole_and_in_the_chain_order():
    assert funding.check_source(ENTERED) == {
        "name": "Innovationspuljen", "kind": "national", "amount": 300_000,
        "phases": ["development", "purchase"], "share": 50, "deadline": "2027-12-31",
        "conditions": "Afrapporteres årligt."}
    plain = funding.check_source({"name": "x" * 250, "kind": "own", "amount": 1,
                                  "phases": ["need"]})
    assert plain == {"name": "x" * 200, "kind": "own", "amount": 1, "phases": ["need"],
                     "share": None, "deadline": None, "conditions": ""}
    assert funding.check_source(dict(ENTERED, share=100))["share"] == 100
    assert funding.check_source(dict(ENTERED, share=0.5))["share"] == 0.5
    assert funding.check_source(dict(ENTERED, conditions="y" * 1200))["conditions"] == \
        "y" * 1000


@pytest.mark.parametrize("kind", funding.KINDS)
def test_every_kind_of_source_is_known(kind):
    assert funding.check_source(dict(ENTERED, kind=kind))["kind"] == kind


def test_the_kinds_and_phases_are_the_published_lists():
    assert funding.KINDS == ("own", "national", "eu", "foundation")
    assert funding.PHASES == ("need", "procurement", "development", "purchase",
                              "implementation", "dissemination")


@pytest.mark.parametrize("change, field, message, hint", [
    ({"name": " "}, "name", "En finansieringskilde skal have et navn.",
     "Skriv fx 'Egen ramme' eller 'Innovationspuljen'."),
    ({"kind": "lån"}, "kind", "Ukendt type finansiering: 'lån'.",
     "Vælg egen ramme, national pulje, EU-midler eller privat fond."),
    ({"amount": 0}, "amount", "Beløbet skal være større end 0.", "Angiv bevillingen i kr."),
    ({"amount": "mange"}, "amount", None, None),
    ({"phases": []}, "phases", "Kilden skal nævne de faser i værdikæden, den må betale for.",
     "Vælg en eller flere af: behov, udbud, udvikling, køb, implementering, "
     "udbredelse."),
    ({"phases": ["development", "drift"]}, "phases", None, None),
    ({"share": 0}, "share", "Andelen skal være mellem 0 og 100 %, ikke '0'.",
     "Lad feltet stå tomt, hvis kilden betaler det hele."),
    ({"share": 100.5}, "share", "Andelen skal være mellem 0 og 100 %, ikke '100,5'.", None),
    ({"share": True}, "share", "Andelen skal være mellem 0 og 100 %, ikke 'Ja'.", None),
    ({"share": "50"}, "share", "Andelen skal være mellem 0 og 100 %, ikke '50'.", None),
])
def test_a_source_is_refused_in_words(change, field, message, hint, danish):
    with pytest.raises(RuleViolation) as err:
        funding.check_source(dict(ENTERED, **change))
    assert err.value.field == field
    if message:
        assert danish(err.value)[0] == message
    if hint:
        assert danish(err.value)[1] == hint


def test_an_impossible_last_day_is_refused():
    with pytest.raises(ValueError):
        funding.check_source(dict(ENTERED, deadline="2027-02-30"))


def test_shares_up_to_100_per_phase(danish):
    funding.check_shares([POOL, dict(POOL, id=3, share=50), OWN])
    funding.check_shares([dict(POOL, share=None), dict(POOL, share=None)])
    with pytest.raises(RuleViolation) as err:
        funding.check_shares([POOL, dict(POOL, id=3, share=50.01)])
    assert danish(err.value)[0] == "Kildernes andele af fasen 'udvikling' er over 100 %."
    assert err.value.field == "share"
    assert danish(err.value)[1] == "Ret andelene, så de tilsammen giver højst 100 %."
    with pytest.raises(RuleViolation, match="'purchase'"):
        funding.check_shares([dict(POOL, phases=["purchase"]),
                              dict(POOL, phases=["purchase"], share=51)])


@pytest.mark.parametrize("amount, text", [
    (0, "0 kr."), (82_500, "82.500 kr."), (82_500.5, "82.500,50 kr."),
    (1_000_000, "1.000.000 kr."), (-1_500.25, "-1.500,25 kr."), (0.05, "0,05 kr."),
])
def test_kroner(amount, text):
    assert funding.kr(amount) == text


def test_spent_sums_one_source():
    drawdowns = [{"source": 1, "amount": 10}, {"source": 2, "amount": 5},
                 {"source": 1, "amount": 2.5}]
    assert funding.spent(1, drawdowns) == 12.5
    assert funding.spent(3, drawdowns) == 0


def test_a_share_is_paid_first_and_the_rest_falls_on_the_others_in_order():
    parts = funding.allocate([OWN, POOL, dict(OWN, id=3, name="Reserve")], [],
                             "development", 100_000.01, DAY)
    assert parts == [{"source": 2, "phase": "development", "amount": 50_000},
                     {"source": 1, "phase": "development", "amount": 50_000.01}]


def test_the_rest_moves_to_the_next_source_when_one_is_used_up():
    used = [{"source": 1, "phase": "development", "amount": 390_000}]
    parts = funding.allocate([OWN, dict(OWN, id=3, name="Reserve")], used, "development",
                             25_000, DAY)
    assert parts == [{"source": 1, "phase": "development", "amount": 10_000},
                     {"source": 3, "phase": "development", "amount": 15_000}]
    nothing_left = [{"source": 1, "phase": "development", "amount": 400_000}]
    assert funding.allocate([OWN, dict(OWN, id=3)], nothing_left, "development", 5,
                            DAY) == [{"source": 3, "phase": "development", "amount": 5}]


def test_nothing_is_allocated_for_zero_or_an_unfunded_phase():
    assert funding.allocate([OWN], [], "development", 0, DAY) == []
    assert funding.allocate([OWN], [], "purchase", 10, DAY) == []


def test_an_uncovered_amount_is_refused_in_words(danish):
    with pytest.raises(RuleViolation) as err:
        funding.allocate([dict(OWN, amount=100)], [], "development", 150.5, DAY)
    assert danish(err.value)[0] == ("Finansieringen af fasen 'udvikling' rækker ikke: "
                                 "50,5\u00a0kr. af 150,5\u00a0kr. er ikke dækket.")
    assert err.value.field == "funding"
    assert danish(err.value)[1] == ("Tilføj en finansieringskilde til fasen eller forhøj en "
                              "bevilling, før fasen godkendes.")


def test_an_exceeded_share_and_a_passed_last_day_are_refused_in_words(danish):
    used = [{"source": 2, "phase": "development", "amount": 260_000}]
    with pytest.raises(RuleViolation) as err:
        funding.allocate([POOL, OWN], used, "development", 100_000, DAY)
    assert danish(err.value)[0] == ("'Puljen' kan ikke bære 50.000\u00a0kr.: der er "
                                    "40.000\u00a0kr. tilbage af 300.000\u00a0kr.")
    assert danish(err.value)[1] == ("Forhøj bevillingen, tilføj en kilde eller ændr "
                                    "fordelingen, før fasen godkendes.")
    assert funding.allocate([POOL, OWN], [], "development", 100_000,
                            date(2027, 12, 31))[0]["amount"] == 50_000  # the last day
    with pytest.raises(RuleViolation) as err:
        funding.allocate([POOL, OWN], [], "development", 100_000, date(2028, 1, 1))
    assert danish(err.value)[0] == "'Puljen' skulle være brugt senest 31. december 2027."
    assert err.value.field == "funding"
    assert danish(err.value)[1] == ("Aftal en forlængelse med bevillingsgiver eller brug en anden "
                              "kilde.")


def test_the_value_chain_in_full():
    drawdowns = [{"source": 2, "phase": "development", "amount": 100_000},
                 {"source": 1, "phase": "development", "amount": 50_000}]
    spent_pool = [{"source": 2, "phase": "purchase", "amount": 300_000}]
    rows = funding.value_chain([OWN, POOL], drawdowns)
    assert rows[2] == {"phase": "development", "sources": ["Egen ramme", "Puljen"],
                       "spent": 150_000, "available": 550_000, "funded": True}
    assert rows[3] == {"phase": "purchase", "sources": ["Puljen"], "spent": 0,
                       "available": 200_000, "funded": True}
    assert rows[0] == {"phase": "need", "sources": [], "spent": 0, "available": 0,
                       "funded": False}
    assert [r["phase"] for r in rows] == list(funding.PHASES)
    used_up = funding.value_chain([POOL], spent_pool)
    assert used_up[3]["funded"] is False and used_up[3]["available"] == 0
    assert funding.is_funded([OWN, POOL], drawdowns, "purchase") is True
    assert funding.is_funded([POOL], spent_pool, "purchase") is False
    assert funding.is_funded([OWN], [], "need") is False


def test_an_unknown_phase_is_refused_in_words(danish):
    with pytest.raises(RuleViolation) as err:
        funding.is_funded([OWN], [], "drift")
    assert (danish(err.value)[0], err.value.field) == ("Ukendt fase i værdikæden: 'drift'.",
                                                       "phase")
    assert danish(err.value)[1] == ("Brug en af: behov, udbud, udvikling, køb, implementering, "
                                    "udbredelse.")


def test_the_drawdowns_in_the_data_in_full():
    data = {"fee_ledger": [{"phase": 1, "amount": 165_000}, "x", {"phase": 2}],
            "call_offs": [{"amount": 5, "description": "d" * 100}, {"amount": 7}, None]}
    assert funding.drawdowns_in(data) == [
        {"key": "fee:1", "phase": "development", "amount": 165_000,
         "what": "Honorar, udviklingsfase 1"},
        {"key": "call_off:1", "phase": "purchase", "amount": 5,
         "what": "Afkald 1: " + "d" * 80},
        {"key": "call_off:2", "phase": "purchase", "amount": 7, "what": "Afkald 2: "}]
    assert funding.drawdowns_in({}) == []
    assert funding.drawdowns_in({"fee_ledger": None, "call_offs": None}) == []

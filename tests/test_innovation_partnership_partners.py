"""Several partners (UBL § 74 stk. 2 nr. 3, Dir. art. 31(1)-(2)) and intermediate targets
fixed in the contract (Dir. art. 31(2)), run on the real innovation partnership model.

Two partners are awarded in rank order; each has its own contract, phases, targets and
fee ledger. One is ended after phase 1 while the other goes on through every phase and
the purchase option; call-offs of all partners share one ceiling.
"""
from __future__ import annotations

import pytest

from tests.helpers import ColdEngine
from tests.test_innovation_partnership import DOCUMENTED, Scenario, docs


@pytest.fixture
def scenario(engine, clock) -> Scenario:
    return Scenario(engine, clock)


PLAN = [{"phase": 1, "targets": "Prototype afprøvet\nDatasikkerhed godkendt",
         "duration_days": 120, "fee": 165000},
        {"phase": 2, "targets": "Klinisk afprøvning", "duration_days": 120, "fee": 165000},
        {"phase": 3, "targets": "Skalering til tre hospitaler", "duration_days": 90,
         "fee": 165000}]


def two_partner_docs(**development) -> dict:
    return docs(several_partners=True, max_partners=2,
                negotiation={"rounds": 1},
                development={"phases": 3, "termination_allowed": True,
                             "partner_reduction_allowed": True, "phase_plan": PLAN,
                             **development})


def award(s, partners: list[str]) -> dict:
    return {"award": {"winner": partners[0], "partners": partners,
                      "advantages": "Bedste kliniske værdi.",
                      "negotiation_account": "En runde med mikrosprint.",
                      "notified": "2026-03-26", "electronic": True,
                      "documentation": DOCUMENTED}}


def review(decision: str, met=(True, True), targets=("Prototype afprøvet",
                                                     "Datasikkerhed godkendt"), **extra) -> dict:
    return {"intermediate_targets": [{"target": t, "met": m} for t, m in zip(targets, met,
                                                                             strict=False)],
            "phase_decision": decision, "decision_reason": "Vurderet mod kontraktens delmål.",
            **extra}


def awarded_and_signed(s, documents: dict, terms=None) -> list[str]:
    s.to_development_until_award(documents)
    ranking = [r["bidder"] for r in s.data()["evaluation"]]
    s.at("2026-03-26")
    s.refused("Tildelingsbeslutning og underretning", "lea", award(s, ranking), "more than")
    s.refused("Tildelingsbeslutning og underretning", "lea",
              award(s, [ranking[0], ranking[2]]), "follow the ranking")
    err = s.refused("Tildelingsbeslutning og underretning", "lea",
                    award(s, [ranking[0], "Omega Ltd"]), "not among the conforming")
    assert err.field == "award.partners" and "ranked" in err.hint
    s.do("Tildelingsbeslutning og underretning", "lea", award(s, ranking[:2]))
    s.tick("2026-04-08", 8)
    if terms is None:
        s.sign("2026-04-08")
    else:
        contract = {"contract_signed": "2026-04-08", "signed_by": "Regionsdirektør"}
        err = s.refused("Underskriv partnerskabskontrakt", "jens",
                        dict(contract, contract_terms=[dict(terms(ranking[2]))]),
                        "not one of the partners awarded")
        assert err.field == "contract_terms[0].partner"
        s.do("Underskriv partnerskabskontrakt", "jens",
             dict(contract, contract_terms=[terms(ranking[1])]))
    return ranking[:2]


def test_two_partners_one_ended_after_phase_one_the_other_through_purchase(engine, clock):
    s = Scenario(engine, clock)
    first, second = awarded_and_signed(s, two_partner_docs())
    data = s.data()
    assert data["partners"] == [first, second]
    contracts = data["partnerships"]
    assert [p["targets"] for p in contracts[first]["contract"]] == [
        ["Prototype afprøvet", "Datasikkerhed godkendt"], ["Klinisk afprøvning"],
        ["Skalering til tre hospitaler"]]
    assert contracts[second]["contract"][0]["duration_days"] == 120
    assert sorted(t.item for t in s.open("Delmålsvurdering")) == sorted([first, second])
    # due when phase 1's duration (120 days from signing) has run
    assert {t.due_at.date().isoformat() for t in s.open("Delmålsvurdering")} == {"2026-08-06"}

    # phase 1: every contract target recorded; a missed target is never paid
    s.at("2026-08-01")
    err = s.refused("Delmålsvurdering", "lea", review("approve", targets=["Prototype afprøvet"]),
                    "does not record", item=first)
    assert err.field == "intermediate_targets" and "every intermediate target" in err.hint
    err = s.refused("Delmålsvurdering", "lea", review("approve", met=(True, False)),
                    "never paid", item=first)
    assert err.field == "intermediate_targets"
    err = s.refused("Delmålsvurdering", "lea", review("rework", met=(True, False)),
                    "new deadline", item=first)
    assert err.field == "rework_deadline"
    s.do("Delmålsvurdering", "lea", review("rework", met=(True, False),
                                           rework_deadline="2026-09-15"), item=first)
    s.do("Delmålsvurdering", "lea", review("terminate", met=(False, False)), item=second)
    data = s.data()
    assert data["partnerships"][second]["status"] == "ended"
    assert data["partnerships"][second]["fee_ledger"] == []
    assert data["partnerships"][first]["fee_ledger"] == []  # rework: nothing paid
    [again] = s.open("Delmålsvurdering")  # back to the phase, due at the new deadline
    assert again.item == first and again.due_at.date().isoformat() == "2026-09-15"

    # continued from a cold engine (a new Engine for every verb) mid-way
    s.engine = ColdEngine(engine)
    s.at("2026-09-10")
    s.do("Delmålsvurdering", "lea", review("approve"), item=first)
    data = s.data()
    assert data["partnerships"][first]["fee_ledger"] == [{"phase": 1, "amount": 165000}]
    assert data["status_phase"] == "Udviklingsfase 2"
    for phase, target in ((2, "Klinisk afprøvning"), (3, "Skalering til tre hospitaler")):
        assert [t.item for t in s.open("Delmålsvurdering")] == [first]
        s.at(f"2026-{9 + phase:02d}-01")
        s.do("Delmålsvurdering", "lea", review("approve", met=(True,), targets=(target,)),
             item=first)
    data = s.data()
    assert data["partnerships"][first]["fee_ledger"] == [
        {"phase": n, "amount": 165000} for n in (1, 2, 3)]
    assert data["partnerships"][second]["ended_after_phase"] == 1
    assert [r["decision"] for r in data["partnerships"][first]["reviews"]] == [
        "rework", "approve", "approve", "approve"]

    # the purchase option for the remaining partner only, within the one ceiling
    assert [t.item for t in s.open("Beslut købsoption")] == [first]
    s.at("2027-03-01")
    s.do("Beslut købsoption", "lea", {"performance_met": True, "offered_price": 180_000_000},
         item=first)
    assert s.data()["purchase"]["purchasing"] == [first]
    s.call_off(200_000_000, "2027-06-01")
    s.refused("Registrer afkald", "ida", {"call_off_amount": 1_000_000,
                                          "call_off_date": "2027-07-01",
                                          "call_off_description": "Hos den ophørte",
                                          "call_off_partner": second,
                                          "contract_closed": False}, "no purchase contract")
    s.refused("Registrer afkald", "ida", {"call_off_amount": 20_000_001,
                                          "call_off_date": "2027-07-01",
                                          "call_off_description": "For meget",
                                          "contract_closed": False}, "ceiling")
    s.call_off(20_000_000, "2027-07-01", closed=True)
    shown = s.show()
    assert shown["status"] == "completed"
    assert [(c["partner"], c["amount"]) for c in shown["data"]["call_offs"]] == [
        (first, 200_000_000), (first, 20_000_000)]

    from engine.export import report
    from webui.overview import overview

    rows = {p["partner"]: p for p in overview(shown)["partners"]}
    assert rows[second]["status"] == "ended" and rows[second]["ended_after_phase"] == 1
    assert rows[first]["fees"]["paid"] == 495000
    ctx = report.context(engine, s.iid)
    assert [p["partner"] for p in ctx["partners"]] == [first, second]
    html = report.html(ctx)
    assert "ophørt efter fase 1" in html and "købsoption udnyttet" in html
    assert report.pdf(ctx).startswith(b"%PDF")


def test_both_partners_buy_within_one_shared_ceiling(scenario):
    s = scenario
    negotiated = {"phase": 1, "targets": "Prototype afprøvet\nDatasikkerhed godkendt",
                  "duration_days": 60, "fee": 150000}
    first, second = awarded_and_signed(s, two_partner_docs(
        phases=1, phase_plan=[dict(PLAN[0], fee=165000)]),
        terms=lambda name: dict(negotiated, partner=name))
    contracts = s.data()["partnerships"]
    assert contracts[second]["contract"] == [{"phase": 1, "targets": [
        "Prototype afprøvet", "Datasikkerhed godkendt"], "duration_days": 60, "fee": 150000}]
    assert contracts[first]["contract"][0]["fee"] == 165000  # the tender documents' plan
    s.at("2026-08-01")
    for partner in (first, second):
        s.do("Delmålsvurdering", "lea", review("approve"), item=partner)
    ledgers = {n: p["fee_ledger"] for n, p in s.data()["partnerships"].items()}
    assert ledgers == {first: [{"phase": 1, "amount": 165000}],
                       second: [{"phase": 1, "amount": 150000}]}
    s.at("2026-09-01")
    for partner in (first, second):
        s.do("Beslut købsoption", "lea", {"performance_met": True,
                                          "offered_price": 150_000_000}, item=partner)
    assert sorted(s.data()["purchase"]["purchasing"]) == sorted([first, second])
    s.at("2026-10-01")
    row = {"call_off_date": "2026-10-01", "call_off_description": "Monitoreringer",
           "contract_closed": False}
    err = s.refused("Registrer afkald", "ida", dict(row, call_off_amount=1_000_000),
                    "which partner")
    assert err.field == "call_off_partner"
    s.do("Registrer afkald", "ida", dict(row, call_off_amount=150_000_000,
                                         call_off_partner=first))
    s.do("Registrer afkald", "ida", dict(row, call_off_amount=70_000_000,
                                         call_off_partner=second))
    err = s.refused("Registrer afkald", "ida", dict(row, call_off_amount=1,
                                                    call_off_partner=first), "ceiling")
    assert err.field == "amount"
    calls = s.data()["call_offs"]
    assert sum(c["amount"] for c in calls) == 220_000_000  # exactly the ceiling: accepted


def test_ending_one_partner_is_refused_unless_announced(scenario):
    s = scenario
    first, second = awarded_and_signed(s, two_partner_docs(partner_reduction_allowed=False))
    s.at("2026-08-01")
    err = s.refused("Delmålsvurdering", "lea", review("terminate", met=(False, False)),
                    "did not announce", item=second)
    assert err.field == "phase_decision" and "rework" in err.hint

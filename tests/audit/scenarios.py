"""Scenario drivers for the audit tests and the benchmark: each runs one instance through
the engine's verbs (as people would) and returns its id."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.conftest import DATA
from tests.helpers import complete_next

AUDIT_DATA = Path(__file__).parent / "data"


def set_up(engine) -> None:
    """Deploy the fixture models and add the staff and an auditor."""
    engine.deploy(DATA)
    engine.deploy(AUDIT_DATA)
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("lars", "Region Hovedstaden", ["Ledelse", "Evaluering", "Jura"])
    engine.add_user("revisor", "Rigsrevisionen", [], audits=["Region Hovedstaden"])


def _later(clock, **delta) -> None:
    clock.set(clock() + timedelta(**delta))


def purchase_request(engine, clock) -> str:
    iid = engine.start("purchase_request", "anna", {"title": "Robotter"})
    task = engine.tasks(instance_id=iid)[0]
    engine.claim(task.id, "anna")
    engine.unclaim(task.id, "anna")
    _later(clock, hours=2)
    complete_next(engine, "anna", "register", {"item": "Robot", "amount": 250000}, iid)
    _later(clock, days=1)
    complete_next(engine, "lars", "approve", {"approved": True}, iid)
    return iid


def assessments(engine, clock) -> str:
    applicants = [{"name": n} for n in ("A", "B", "C", "D")]
    iid = engine.start("assessments", "anna", {"applicants": applicants})
    for task in reversed(engine.tasks(instance_id=iid)):  # out of order
        name = engine.task_form(task.id, "lars")["data"]["applicant"]["name"]
        _later(clock, minutes=30)
        engine.complete(task.id, "lars", {"assessment": {"name": name,
                                                         "qualified": name != "B"}})
    return iid


def timer(engine, clock) -> str:
    iid = engine.start("timer", "anna")
    complete_next(engine, "anna", "notify", {"notified": "2026-03-02"}, iid)
    _later(clock, days=10, minutes=1)
    engine.tick(clock())  # the standstill ends
    complete_next(engine, "anna", "sign", {"signed": True}, iid)
    return iid


def caller(engine, clock) -> str:
    iid = engine.start("caller", "anna")
    complete_next(engine, "lars", "review", {"comment": "i orden"}, iid)
    _later(clock, hours=1)
    complete_next(engine, "anna", "after", {"ok": True}, iid)
    return iid


TENDER_DOCUMENTS = {
    "minimum_requirements": ["Måling 24/7 i eget hjem", "CE-mærkning senest ved køb"],
    "evaluation_model": {
        "scale_max": 10, "weights": {"quality": 70, "price": 30},
        "quality_criteria": [{"id": "K1", "name": "Klinisk værdi", "weight": 60},
                             {"id": "K2", "name": "Brugervenlighed", "weight": 40}],
        "price_model": {"kind": "fixed_anchor", "p_max_points": 600000,
                        "p_zero_points": 1200000},
        "tie_break": "highest quality"},
    "max_invited": 5,
    "negotiation": {"rounds": 2, "reduce_between_rounds": False,
                    "micro_sprints": True},
    "development": {"phases": 4, "fee_per_phase": 165000, "termination_allowed": True},
    "purchase": {"performance_levels": "100 patientmonitoreringer 365 dage om året",
                 "max_cost": 220000000, "contract_end": "2030-12-31",
                 "ceiling": 220000000},
    "ipr": "Leverandøren beholder IPR; regionen får brugsret",
}

PARTNERSHIP = [
    ("prepare", {
        "need": "Intelligent monitorering af patienter i eget hjem",
        "justification": "Markedsdialogen viste, at ingen løsning på markedet kan "
                         "monitorere patienter døgnet rundt i eget hjem.",
        "estimated_value": 220660000,
        "authority": "Region Hovedstaden",
        "tender_documents": TENDER_DOCUMENTS,
        "application_deadline": "2026-04-06"}),
    ("select", {
        "applicants": ["MedTech A/S", "CareSense ApS", "Nordic Health AB",
                       "Homely IoT ApS", "Pulse Analytics A/S"],
        "selection": {"invited": ["MedTech A/S", "CareSense ApS", "Nordic Health AB"],
                      "rejected": [{"applicant": "Homely IoT ApS",
                                    "reason": "Ingen dokumenteret F&U-kapacitet"},
                                   {"applicant": "Pulse Analytics A/S",
                                    "reason": "Mangler referencer på sundhedsområdet"}]}}),
    ("negotiate", {
        "bidders": ["MedTech A/S", "CareSense ApS", "Nordic Health AB"],
        "rounds": [
            {"round": 1, "negotiated_on": "2026-05-04", "bidders": ["MedTech A/S",
             "CareSense ApS", "Nordic Health AB"],
             "minutes": "Mikrosprint med hver tilbudsgiver; krav til alarmer justeret",
             "requirement_changes": [{"requirement": "Alarmer", "kind": "other",
                                      "description": "Alarmer prioriteres i tre niveauer"}],
             "changes_sent_to_all": True},
            {"round": 2, "negotiated_on": "2026-06-01", "bidders": ["MedTech A/S",
             "CareSense ApS", "Nordic Health AB"],
             "minutes": "Forhandling om pris og implementering"}]}),
    ("evaluate", {
        "final_tenders": [{"bidder": "MedTech A/S", "price": 640000},
                          {"bidder": "CareSense ApS", "price": 610000},
                          {"bidder": "Nordic Health AB", "price": 700000}],
        "evaluation": [
            {"bidder": "MedTech A/S", "quality_points": 8.6, "price_points": 9.33,
             "total": 8.82, "rank": 1},
            {"bidder": "CareSense ApS", "quality_points": 7.4, "price_points": 9.83,
             "total": 8.13, "rank": 2},
            {"bidder": "Nordic Health AB", "quality_points": 7.9, "price_points": 8.33,
             "total": 8.03, "rank": 3}]}),
    ("award", {
        "award": {"winner": "MedTech A/S",
                  "advantages": "Højeste kliniske værdi og en pris tæt på den laveste",
                  "negotiation_account": "To runder; alle tre deltog; kravene til "
                                         "alarmer blev præciseret skriftligt til alle",
                  "notified": "2026-07-01", "electronic": True},
        "standstill_end": "2026-07-13"}),
    ("develop", {
        "fee_ledger": [{"phase": 1, "amount": 165000}, {"phase": 2, "amount": 165000},
                       {"phase": 3, "amount": 165000}, {"phase": 4, "amount": 165000}],
        "status_phase": "development"}),
    ("purchase", {
        "call_offs": [{"amount": 12500000, "date": "2027-09-01"},
                      {"amount": 13100000, "date": "2028-09-01"}],
        "status_phase": "purchase"}),
]


def partnership(engine, clock) -> str:
    """A whole innovation partnership on the test model (tests/audit/data)."""
    iid = engine.start("partnership", "anna", {"title": "Intelligent monitorering"})
    for spec, data in PARTNERSHIP:
        if spec == "develop":  # the standstill timer fires first
            _later(clock, days=11)
            engine.tick(clock())
        task = next(t for t in engine.tasks(instance_id=iid) if t.name == spec)
        engine.claim(task.id, "anna")
        _later(clock, days=7)
        engine.complete(task.id, "anna", data)
    return iid


def many_events(engine, clock, count: int = 1000) -> str:
    """An instance with ``count`` events: claims and unclaims, then the completions."""
    iid = engine.start("purchase_request", "anna", {"title": "Mange hændelser"})
    task = engine.tasks(instance_id=iid)[0]
    for _ in range((count - 3) // 2):
        engine.claim(task.id, "anna")
        engine.unclaim(task.id, "anna")
        _later(clock, minutes=1)
    complete_next(engine, "anna", "register", {"item": "Robot", "amount": 250000}, iid)
    if (count - 3) % 2:
        approve = engine.tasks(instance_id=iid)[0]
        engine.claim(approve.id, "lars")
    complete_next(engine, "lars", "approve", {"approved": True}, iid)
    return iid




def innovation_partnership(engine, clock) -> str:
    """The whole innovation partnership (workflows/innovation_partnership) as in
    tests/test_innovation_partnership.py's full procedure: seven applicants, five
    invited, three negotiation rounds, sealed final tenders, evaluation, award,
    standstill, four development phases, the purchase option and four call-offs."""
    from tests.test_innovation_partnership import (
        DOCUMENTED,
        SEVEN,
        Scenario,
        qualified,
        unqualified,
    )

    s = Scenario(engine, clock)
    s.tender()
    ratings = [(9, 9), (8, 9), (8, 8), (7, 8), (7, 7), (6, 6)]
    assessments = {name: qualified(*r) for name, r in zip(SEVEN, ratings, strict=False)}
    assessments["Eta Systems"] = unqualified()
    s.prequalify(assessments)
    s.invite()
    prices = {b: 150_000_000 + i * 10_000_000 for i, b in enumerate(SEVEN[:5])}
    s.initial_tenders(prices)
    for i, day in enumerate(["2025-11-17", "2025-12-08", "2026-01-12"]):
        prices = {b: p - 5_000_000 for b, p in prices.items()}
        s.negotiation_round(day, prices, changes=[
            {"requirement": "Svartid", "kind": "other",
             "description": f"Svartiden ændres (runde {i + 1})."}])
    s.final_tenders(prices)
    s.tick("2026-03-03", 8)
    s.evaluate({b: {"K1": 9 - i, "K2": 8 - i} for i, b in enumerate(SEVEN[:5])})
    s.at("2026-03-26")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
        "negotiation_account": "Tre runder med mikrosprint; svartiden blev ændret.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}})
    s.tick("2026-04-08", 0)
    s.do("Underskriv partnerskabskontrakt", "jens",
         {"contract_signed": "2026-04-08", "signed_by": "Regionsdirektør"})
    for phase in range(1, 5):
        s.at(f"2026-{3 + phase * 2:02d}-01")
        s.phase("approve")
    s.at("2027-03-01")
    s.do("Beslut købsoption", "lea", {"performance_met": True, "offered_price": 180_000_000})
    for year in (2027, 2028, 2029, 2030):
        s.call_off(55_000_000, f"{year}-06-01")
    s.tick("2031-01-01", 0)
    return s.iid


SCENARIOS = {"purchase_request": purchase_request, "assessments": assessments,
             "timer": timer, "caller": caller, "partnership": partnership,
             "innovation_partnership": innovation_partnership}

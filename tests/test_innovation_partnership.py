"""The innovation partnership model (workflows/innovation_partnership) run by the engine.

A scenario driver completes "the next open task titled X as user Y with data Z" and moves
the clock; every refusal is checked to change nothing (same data, same open tasks).
"""
from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import pytest

from engine.demo import Driver
from engine.errors import RuleViolation
from tests.helpers import ColdEngine

MODEL = Path(__file__).parent.parent / "workflows" / "innovation_partnership"
AUTHORITY = "Region Hovedstaden"
USERS = {"ida": "Indkøb", "eva": "Evaluering", "jens": "Jura", "lea": "Ledelse"}

TENDER_DOCUMENTS = {
    "minimum_requirements": [
        {"id": "M1", "text": "Løsningen overvåger patientens vitale værdier kontinuerligt."},
        {"id": "M2", "text": "Alle data behandles og opbevares i EU."},
    ],
    "evaluation_model": {
        "scale_max": 10,
        "weights": {"quality": 70, "price": 30},
        "quality_criteria": [{"id": "K1", "name": "Klinisk værdi", "weight": 60},
                             {"id": "K2", "name": "Brugervenlighed", "weight": 40}],
        "price_model": {"kind": "fixed_anchor", "price_for_max": 100_000_000,
                        "price_for_zero": 300_000_000},
        "tie_break": "quality",
    },
    "max_invited": 5,
    "several_partners": False,
    "negotiation": {"rounds": 3, "reduction_between_rounds": True,
                    "award_on_initial_reserved": False},
    "development": {"phases": 4, "fee_per_phase": 165000, "termination_allowed": True},
    "purchase": {"performance_levels": "100 patientmonitoreringer, 365 dage om året i 4 år",
                 "max_cost": 200_000_000, "contract_end": "2030-12-31",
                 "ceiling": 220_000_000},
    "ipr": "Leverandøren ejer rettighederne; regionen får en tidsubegrænset brugsret.",
    "selection": {"rd_weight": 50, "minimum_levels": {"suitability": 4, "rd_capacity": 4},
                  "tie_break": "rd_capacity"},
    "participant_remuneration": "Deltagerne honoreres med 165.000 kr. pr. godkendt fase.",
    "ipr_terms": {"on_termination": "Regionen beholder brugsret til resultaterne af "
                                    "godkendte faser.",
                  "on_purchase": "Regionen får tidsubegrænset brugsret til løsningen."},
}
SEVEN = ["Alfa Care", "Beta Health", "Gamma Med", "Delta Sense", "Epsilon IT", "Zeta Lab",
         "Eta Systems"]


ESPD = {"mandatory_exclusion": False, "voluntary_exclusion": False,
        "meets_minimum_levels": True}
DOCUMENTED = {"exclusion_documented": True, "suitability_documented": True,
              "checked_on": "2026-03-20"}


def docs(**changes) -> dict:
    """The case's tender documents with some sections changed."""
    result = copy.deepcopy(TENDER_DOCUMENTS)
    for section, values in changes.items():
        if isinstance(values, dict):
            result[section].update(values)
        else:
            result[section] = values
    return result


NO_CONFLICT = {"conflict": False}


def qualified(suitability: float, rd: float) -> dict:
    return {"qualified": True, "suitability": suitability, "rd_capacity": rd,
            "impartiality": NO_CONFLICT}


def unqualified(reason: str = "Mangler erfaring med klinisk udvikling.") -> dict:
    return {"qualified": False, "reason": reason, "impartiality": NO_CONFLICT}


class Scenario(Driver):
    """One procedure, driven task by task (the verbs come from the demo's driver)."""

    def __init__(self, engine, clock):
        super().__init__(engine, clock)
        engine.deploy(MODEL)
        for user, group in USERS.items():
            engine.add_user(user, AUTHORITY, [group])
        self.at("2025-09-01")
        self.start("ida", "Intelligent monitorering")

    def show(self) -> dict:
        return self.engine.show(self.iid)

    def state(self) -> tuple:
        shown = self.show()
        return shown["data"], sorted(t["id"] for t in shown["open_tasks"]), shown["events"]

    def refused(self, title: str, user: str, data: dict, match: str,
                item: str | None = None) -> RuleViolation:
        before = self.state()
        with pytest.raises(RuleViolation, match=match) as err:
            self.do(title, user, data, item)
        assert self.state() == before
        return err.value

    def refused_register(self, act, match: str) -> RuleViolation:
        """``act`` (an engine verb outside the task flow) is refused and changes nothing."""
        before = self.state()
        with pytest.raises(RuleViolation, match=match) as err:
            act()
        assert self.state() == before
        return err.value

    # ------------------------------------------------------------------ stages
    def tender(self, documents: dict | None = None, applicants=SEVEN,
               declared: dict[str, dict] | None = None) -> None:
        """From the need to the registered applications (``declared``: ESPDs by name)."""
        self.do("Beskriv behovet", "ida", {
            "authority": AUTHORITY, "authority_kind": "sub_central",
            "need": "Sammenhængende overvågning af indlagte patienter.",
            "justification": "Markedsdialogen viste, at ingen løsning dækker behovet.",
            "not_on_market": True, "estimated_value": 220_660_000})
        self.do("Udarbejd udbudsmateriale", "ida", {"tender_documents": documents or docs()})
        self.do("Godkend udbudsmateriale", "jens", {"tender_documents_approved": True,
                                                    "legal_comment": ""})
        self.at("2025-09-15")
        self.do("Send udbudsbekendtgørelse", "ida", {"notice_dispatched": "2025-09-15",
                                                    "application_deadline": "2025-10-16"})
        self.tick("2025-10-17")
        self.do("Registrer ansøgninger", "ida", {"applicants": [
            {"name": name, "received": "2025-10-1" + str(i % 6),
             "espd": (declared or {}).get(name, ESPD)}
            for i, name in enumerate(applicants)]})

    def prequalify(self, assessments: dict[str, dict]) -> None:
        for name, assessment in assessments.items():
            self.do("Vurder egnethed", "eva", {"assessment": assessment}, item=name)

    def invite(self) -> None:
        self.at("2025-10-20")
        self.do("Send opfordring til at afgive tilbud", "ida", {
            "invitations_sent": "2025-10-20", "initial_tender_deadline": "2025-11-10",
            "rejections_sent": True})

    def initial_tenders(self, prices: dict[str, int], award_on_initial=False) -> None:
        self.at("2025-11-10")
        self.do("Registrer første tilbud", "ida", {
            "initial_tenders": [{"bidder": b, "price": p, "solution": "Skitse"}
                                for b, p in prices.items()],
            "award_on_initial": award_on_initial})

    def negotiation_round(self, day: str, prices: dict[str, int], changes=(),
                          reduce_to: int | None = None, scores=None, close=False) -> None:
        self.at(day)
        for bidder in prices:
            self.do("Gennemfør mikrosprint", "ida", {"sprint": {
                "held_on": day, "summary": f"Sprint med {bidder}"}}, item=bidder)
        self.do("Forhandlingsrunde", "ida", self.meeting(day, changes))
        self.do("Registrer reviderede tilbud", "ida",
                self.revised(prices, reduce_to, scores, close))

    @staticmethod
    def meeting(day: str, changes=()) -> dict:
        return {"negotiated_on": day, "minutes": "Krav og tilbud gennemgået.",
                "requirement_changes": list(changes), "changes_sent_to_all": True,
                "resubmission_deadline": day[:8] + "28"}

    @staticmethod
    def revised(prices, reduce_to=None, scores=None, close=False) -> dict:
        rows = []
        for bidder, price in prices.items():
            row = {"bidder": bidder, "price": price, "solution": "Revideret"}
            if scores:
                row["scores"] = [{"criterion": k, "score": v} for k, v in scores[bidder].items()]
            rows.append(row)
        data = {"revised_tenders": rows, "reduce_after_round": reduce_to is not None,
                "close_negotiation": close}
        if reduce_to is not None:
            data["keep_bidders"] = reduce_to
        return data

    def final_tenders(self, prices: dict[str, int]) -> None:
        self.at("2026-02-16")
        self.do("Opfordr til endelige tilbud", "ida", {"final_invitation_sent": "2026-02-16",
                                                      "final_tender_deadline": "2026-03-02"})
        self.do("Modtag endelige tilbud", "ida", {"final_tenders": [
            {"bidder": b, "price": p, "solution": "Endelig", "received": "2026-02-27"}
            for b, p in prices.items()]})

    def evaluate(self, scores: dict[str, dict[str, float]], day="2026-03-10",
                 rejected: dict[str, dict] | None = None) -> None:
        """Check conformity (``rejected`` maps a bidder to its rejection), then score."""
        self.at(day)
        rejected = rejected or {}
        self.do("Kontroller tilbuddenes konditionsmæssighed", "eva", {"conformity": [
            {"bidder": b, "conforming": True} if b not in rejected else
            {"bidder": b, "conforming": False, **rejected[b]}
            for b in [*scores, *rejected]]})
        for bidder, by_criterion in scores.items():
            self.do("Evaluer tilbud", "eva", {"tender_score": {
                "scores": [{"criterion": k, "score": v} for k, v in by_criterion.items()],
                "justification": "Vurderet efter underkriterierne.",
                "impartiality": NO_CONFLICT}}, item=bidder)
        self.do("Godkend evaluering", "lea", {"evaluation_approved": True,
                                              "management_comment": ""})

    def award_and_sign(self, winner: str, notified="2026-03-26") -> None:
        self.at(notified)
        self.do("Tildelingsbeslutning og underretning", "lea", {"award": {
            "winner": winner, "advantages": "Bedste kliniske værdi.",
            "negotiation_account": "Tre runder med mikrosprint.", "notified": notified,
            "electronic": True, "documentation": DOCUMENTED}})
        end = self.data()["standstill_end"]
        next_day = datetime.fromisoformat(end).date().toordinal() + 1
        day = datetime.fromordinal(next_day).date().isoformat()
        self.tick(day, 8)
        self.sign(day)

    def sign(self, day: str) -> None:
        self.do("Underskriv partnerskabskontrakt", "jens", {
            "contract_signed": day, "signed_by": "Regionsdirektør"})

    def phase(self, decision="approve") -> None:
        self.do("Delmålsvurdering", "lea", {
            "intermediate_targets": [{"target": "Prototype afprøvet", "met": True}],
            "phase_decision": decision, "decision_reason": "Delmålene er nået."})

    def call_off(self, amount: int, day: str, closed=False) -> None:
        self.at(day)
        self.do("Registrer afkald", "ida", {"call_off_amount": amount, "call_off_date": day,
                                            "call_off_description": "Monitoreringer",
                                            "contract_closed": closed})

    def to_development_until_award(self, documents=None, rounds=1) -> None:
        """A short procedure (3 applicants, ``rounds`` rounds) up to the award decision."""
        three = {"Alfa Care": 150_000_000, "Beta Health": 140_000_000,
                 "Gamma Med": 160_000_000}
        self.tender(documents or docs(negotiation={"rounds": rounds}), list(three))
        self.prequalify({name: qualified(8, 8) for name in three})
        self.invite()
        self.initial_tenders(three)
        for i in range(rounds):
            self.negotiation_round(f"2025-{11 + i // 2:02d}-{12 + (i % 2) * 5}", three)
        self.final_tenders(three)
        self.tick("2026-03-03")
        self.evaluate({"Alfa Care": {"K1": 9, "K2": 8}, "Beta Health": {"K1": 7, "K2": 7},
                       "Gamma Med": {"K1": 6, "K2": 6}})

    def to_development(self, documents=None, rounds=1) -> None:
        """A short procedure (3 applicants, ``rounds`` rounds) up to the first phase."""
        self.to_development_until_award(documents, rounds)
        self.award_and_sign("Alfa Care")


@pytest.fixture
def scenario(engine, clock) -> Scenario:
    return Scenario(engine, clock)


# ==================================================================== full scenario
def test_full_procedure_from_need_to_contract_end(scenario):
    full_procedure(scenario)


def test_full_procedure_with_every_step_in_a_new_process(engine, clock):
    """Every verb on a new engine with a cold model registry, as when each step comes
    from another web worker, a command-line call or after a restart: every loop and
    multi-instance activity of the model is finished by a process that did not create
    its children."""
    full_procedure(Scenario(ColdEngine(engine), clock))


def full_procedure(s: Scenario) -> None:
    s.tender()
    assert s.data()["status_phase"] == "Prækvalifikation"
    assert "tender_documents" in s.show()["locked"]
    ratings = [(9, 9), (8, 9), (8, 8), (7, 8), (7, 7), (6, 6)]
    assessments = {name: qualified(*r) for name, r in zip(SEVEN, ratings, strict=False)}
    assessments["Eta Systems"] = unqualified()
    s.prequalify(assessments)

    selection = s.data()["selection"]
    assert selection["invited"] == SEVEN[:5]
    assert {r["applicant"] for r in selection["rejected"]} == {"Zeta Lab", "Eta Systems"}
    assert all(r["reason"] for r in selection["rejected"])
    assert s.data()["bidders"] == SEVEN[:5]

    s.invite()
    prices = {b: 150_000_000 + i * 10_000_000 for i, b in enumerate(SEVEN[:5])}
    s.initial_tenders(prices)
    for i, day in enumerate(["2025-11-17", "2025-12-08", "2026-01-12"]):
        assert s.data()["status_phase"] == f"Forhandling, runde {i + 1}"
        prices = {b: p - 5_000_000 for b, p in prices.items()}
        s.negotiation_round(day, prices, changes=[
            {"requirement": "Svartid", "kind": "other",
             "description": f"Svartiden ændres (runde {i + 1})."}])
    data = s.data()
    assert [r["round"] for r in data["rounds"]] == [1, 2, 3]
    assert all(r["bidders"] == SEVEN[:5] for r in data["rounds"])
    assert data["status_phase"] == "Endelige tilbud"

    s.final_tenders(prices)
    sealed = s.data()["final_tenders"]
    assert isinstance(sealed, dict) and sealed.get("until", "").startswith("2026-03-02T23:59:59")
    s.tick("2026-03-02", 12)
    assert s.open("Evaluer tilbud") == []  # the deadline has not passed
    s.tick("2026-03-03", 8)
    assert len(s.open("Kontroller tilbuddenes konditionsmæssighed")) == 1
    assert s.data()["final_tenders"][0]["bidder"] == "Alfa Care"  # unsealed

    scores = {b: {"K1": 9 - i, "K2": 8 - i} for i, b in enumerate(SEVEN[:5])}
    s.evaluate(scores)
    evaluation = s.data()["evaluation"]
    assert evaluation[0]["bidder"] == "Alfa Care" and evaluation[0]["rank"] == 1

    s.at("2026-03-26")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
        "negotiation_account": "Tre runder med mikrosprint; svartiden blev ændret.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}})
    data = s.data()
    assert data["standstill_end"] == "2026-04-07"  # 5 April is a Sunday, 6 April Easter Monday
    assert "udløber den 7. april 2026" in data["award_notification"]["text"]
    assert data["threshold"]["below"] is False
    s.tick("2026-04-07", 23)
    assert s.open("Underskriv partnerskabskontrakt") == []
    s.tick("2026-04-08", 0)
    s.refused("Underskriv partnerskabskontrakt", "jens",
              {"contract_signed": "2026-04-07", "signed_by": "Regionsdirektør"},
              "standstill")
    s.do("Underskriv partnerskabskontrakt", "jens",
         {"contract_signed": "2026-04-08", "signed_by": "Regionsdirektør"})

    for phase in range(1, 5):
        assert s.data()["status_phase"] == f"Udviklingsfase {phase}"
        s.at(f"2026-{3 + phase * 2:02d}-01")
        s.phase("approve")
    data = s.data()
    assert data["fee_ledger"] == [{"phase": p, "amount": 165000} for p in range(1, 5)]
    assert [p["decision"] for p in data["development_phases"]] == ["approve"] * 4

    s.at("2027-03-01")
    s.do("Beslut købsoption", "lea", {"performance_met": True, "offered_price": 180_000_000})
    assert s.data()["purchase"]["exercise"] is True
    assert s.data()["status_phase"] == "Indkøbskontrakt"

    for year in (2027, 2028, 2029, 2030):
        s.call_off(55_000_000, f"{year}-06-01")
    assert sum(c["amount"] for c in s.data()["call_offs"]) == 220_000_000
    s.refused("Registrer afkald", "ida", {"call_off_amount": 1, "call_off_date": "2030-07-01",
                                          "call_off_description": "En mere",
                                          "contract_closed": False}, "ceiling")
    s.tick("2030-12-31", 12)
    assert s.open("Registrer afkald")  # still open on the last day
    s.tick("2031-01-01", 0)
    shown = s.show()
    assert shown["status"] == "completed"
    assert shown["open_tasks"] == []
    assert shown["data"]["status_phase"] == "Kontrakt udløbet"
    assert len(shown["data"]["call_offs"]) == 4
    for key in ("need", "justification", "estimated_value", "authority", "tender_documents",
                "application_deadline", "applicants", "assessments", "selection", "bidders",
                "rounds", "final_tenders", "evaluation", "award", "standstill_end",
                "fee_ledger", "call_offs", "status_phase"):
        assert key in shown["data"], key


# ========================================================================= branches
def test_tender_documents_go_back_to_procurement_until_legal_approves(scenario):
    s = scenario
    s.do("Beskriv behovet", "ida", {
        "authority": AUTHORITY, "authority_kind": "sub_central",
        "need": "Overvågning af patienter.", "justification": "Ingen.",
        "not_on_market": True, "estimated_value": 220_660_000})
    unbalanced = docs()
    unbalanced["evaluation_model"]["weights"] = {"quality": 60, "price": 30}
    s.refused("Udarbejd udbudsmateriale", "ida", {"tender_documents": unbalanced},
              "sum to 90")
    s.do("Udarbejd udbudsmateriale", "ida", {"tender_documents": docs(
        negotiation={"rounds": 2})})
    s.refused("Godkend udbudsmateriale", "jens", {"tender_documents_approved": False,
                                                  "legal_comment": ""}, "not approved")
    s.do("Godkend udbudsmateriale", "jens", {"tender_documents_approved": False,
                                             "legal_comment": "Brug tre runder."})
    s.do("Udarbejd udbudsmateriale", "ida", {"tender_documents": docs()})
    s.do("Godkend udbudsmateriale", "jens", {"tender_documents_approved": True,
                                             "legal_comment": ""})
    data = s.data()
    assert [r["approved"] for r in data["tender_document_reviews"]] == [False, True]
    assert data["tender_documents"] == docs()
    s.refused("Send udbudsbekendtgørelse", "ida", {"notice_dispatched": "2025-09-15",
                                                  "application_deadline": "2025-10-14"},
              "at least 30 days")


def test_need_already_met_by_the_market_is_refused(scenario):
    scenario.refused("Beskriv behovet", "ida", {
        "authority": AUTHORITY, "authority_kind": "sub_central",
        "need": "Et nyt journalsystem.",
        "justification": "Findes allerede.", "not_on_market": False,
        "estimated_value": 5_000_000}, "not already available")


def test_fewer_than_three_qualified_continue_alone(scenario):
    s = scenario
    s.tender(applicants=SEVEN[:4])
    s.prequalify({"Alfa Care": qualified(8, 7), "Beta Health": unqualified(),
                  "Gamma Med": qualified(6, 9), "Delta Sense": unqualified("For lille.")})
    data = s.data()
    assert data["selection"]["fewer_than_minimum"] is True
    assert data["bidders"] == ["Gamma Med", "Alfa Care"]
    assert {r["applicant"]: r["reason"] for r in data["selection"]["rejected"]} == {
        "Beta Health": "Mangler erfaring med klinisk udvikling.", "Delta Sense": "For lille."}
    assert s.open("Send opfordring til at afgive tilbud")
    s.invite()
    s.refused("Registrer første tilbud", "ida", {
        "initial_tenders": [{"bidder": "Beta Health", "price": 1_000_000}],
        "award_on_initial": False}, "not one of the bidders")


def test_nobody_qualified_cancels_the_tender(scenario):
    s = scenario
    s.tender(applicants=SEVEN[:3])
    s.prequalify({name: unqualified() for name in SEVEN[:3]})
    shown = s.show()
    assert shown["status"] == "completed"
    assert shown["open_tasks"] == []
    assert shown["data"]["status_phase"] == "Aflyst"
    assert shown["data"]["selection"]["cancel"] is True


THREE = {"Alfa Care": 150_000_000, "Beta Health": 140_000_000, "Gamma Med": 160_000_000}


def to_initial_tenders(s: Scenario, documents: dict) -> None:
    s.tender(documents, list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()


def test_award_on_the_initial_tenders_when_reserved(scenario):
    s = scenario
    to_initial_tenders(s, docs(negotiation={"award_on_initial_reserved": True}))
    s.initial_tenders(THREE, award_on_initial=True)
    data = s.data()
    assert data["final_tenders"] == data["initial_tenders"]
    assert data["rounds"] == []
    assert len(s.open("Kontroller tilbuddenes konditionsmæssighed")) == 1


def test_award_on_the_initial_tenders_is_refused_unless_reserved(scenario):
    s = scenario
    to_initial_tenders(s, docs())
    s.at("2025-11-10")
    s.refused("Registrer første tilbud", "ida", {
        "initial_tenders": [{"bidder": b, "price": p} for b, p in THREE.items()],
        "award_on_initial": True}, "did not reserve")


SCORES = {"Alfa Care": {"K1": 9, "K2": 8}, "Beta Health": {"K1": 5, "K2": 5},
          "Gamma Med": {"K1": 7, "K2": 7}}


def test_reduction_between_rounds_by_the_award_criteria_when_announced(scenario):
    s = scenario
    to_initial_tenders(s, docs(negotiation={"rounds": 2}))
    s.initial_tenders(THREE)
    s.negotiation_round("2025-11-17", THREE, reduce_to=2, scores=SCORES)
    first = s.data()["rounds"][0]
    assert first["removed"] == ["Beta Health"]
    assert first["bidders_after"] == ["Alfa Care", "Gamma Med"]
    assert len(s.open("Gennemfør mikrosprint")) == 2
    kept = {b: THREE[b] for b in first["bidders_after"]}
    s.negotiation_round("2025-12-08", kept)
    assert s.data()["bidders"] == ["Alfa Care", "Gamma Med"]
    assert s.open("Opfordr til endelige tilbud")


def test_reduction_between_rounds_is_refused_unless_announced(scenario):
    s = scenario
    to_initial_tenders(s, docs(negotiation={"reduction_between_rounds": False}))
    s.initial_tenders(THREE)
    s.at("2025-11-17")
    for bidder in THREE:
        s.do("Gennemfør mikrosprint", "ida", {"sprint": {"held_on": "2025-11-17",
                                                        "summary": "Sprint"}}, item=bidder)
    s.do("Forhandlingsrunde", "ida", s.meeting("2025-11-17"))
    s.refused("Registrer reviderede tilbud", "ida", s.revised(THREE, 2, SCORES),
              "did not announce")


def test_minimum_requirements_and_criteria_are_not_negotiated(scenario):
    s = scenario
    to_initial_tenders(s, docs())
    s.initial_tenders(THREE)
    s.at("2025-11-17")
    for bidder in THREE:
        s.do("Gennemfør mikrosprint", "ida", {"sprint": {"held_on": "2025-11-17",
                                                        "summary": "Sprint"}}, item=bidder)
    s.refused("Forhandlingsrunde", "ida", s.meeting("2025-11-17", [
        {"requirement": "M1", "kind": "other", "description": "Kun om dagen."}]),
        "minimum requirement")
    s.refused("Forhandlingsrunde", "ida", s.meeting("2025-11-17", [
        {"requirement": "K2", "kind": "other", "description": "Vægt 50."}]),
        "award criteria")
    unsent = dict(s.meeting("2025-11-17", [{"requirement": "Svartid", "kind": "other",
                                            "description": "5 sek."}]),
                  changes_sent_to_all=False)
    s.refused("Forhandlingsrunde", "ida", unsent, "every remaining bidder")


def test_final_tenders_are_sealed_and_late_ones_refused(scenario):
    s = scenario
    to_initial_tenders(s, docs(negotiation={"rounds": 1}))
    s.initial_tenders(THREE)
    s.negotiation_round("2025-11-17", THREE)
    s.at("2026-02-16")
    s.do("Opfordr til endelige tilbud", "ida", {"final_invitation_sent": "2026-02-16",
                                               "final_tender_deadline": "2026-03-02"})
    s.refused("Modtag endelige tilbud", "ida", {"final_tenders": [
        {"bidder": "Alfa Care", "price": 1, "received": "2026-03-03"}]}, "after the deadline")


def test_termination_after_phase_two_when_announced(scenario):
    s = scenario
    s.to_development()
    s.phase("approve")
    s.phase("approve")
    s.phase("terminate")
    shown = s.show()
    assert shown["status"] == "completed"
    assert shown["data"]["status_phase"] == "Partnerskab ophørt"
    assert shown["data"]["fee_ledger"] == [{"phase": 1, "amount": 165000},
                                           {"phase": 2, "amount": 165000}]


def test_termination_is_refused_unless_announced(scenario):
    s = scenario
    s.to_development(docs(negotiation={"rounds": 1}, development={"termination_allowed": False}))
    s.phase("approve")
    s.phase("approve")
    s.refused("Delmålsvurdering", "lea", {
        "intermediate_targets": [{"target": "Prototype", "met": False}],
        "phase_decision": "terminate", "decision_reason": "Delmål ikke nået."},
        "did not announce")


def test_no_purchase_above_the_maximum_cost(scenario):
    s = scenario
    s.to_development()
    for _ in range(4):
        s.phase("approve")
    s.do("Beslut købsoption", "lea", {"performance_met": True, "offered_price": 250_000_000})
    shown = s.show()
    assert shown["status"] == "completed"
    assert shown["data"]["purchase"]["exercise"] is False
    assert shown["data"]["status_phase"] == "Afsluttet uden køb"


def test_call_offs_stop_at_the_ceiling_and_the_end_date(scenario):
    s = scenario
    s.to_development()
    for _ in range(4):
        s.phase("approve")
    s.do("Beslut købsoption", "lea", {"performance_met": True, "offered_price": 180_000_000})
    s.call_off(200_000_000, "2027-06-01")
    s.at("2028-01-10")
    s.refused("Registrer afkald", "ida", {"call_off_amount": 30_000_000,
                                          "call_off_date": "2028-01-10",
                                          "call_off_description": "For meget",
                                          "contract_closed": False}, "ceiling")
    s.refused("Registrer afkald", "ida", {"call_off_amount": 1_000_000,
                                          "call_off_date": "2031-01-02",
                                          "call_off_description": "For sent",
                                          "contract_closed": False}, "after the contract ended")
    s.call_off(20_000_000, "2028-01-10", closed=True)
    shown = s.show()
    assert shown["status"] == "completed"
    assert shown["data"]["status_phase"] == "Indkøbskontrakt afsluttet"
    assert [c["amount"] for c in shown["data"]["call_offs"]] == [200_000_000, 20_000_000]


# ========================================================================== layout
def test_every_bpmn_has_a_shape_per_flow_node_and_an_edge_per_flow():
    from lxml import etree

    from engine.specs import FLOW_NODES, NS

    files = sorted((MODEL.parent).rglob("*.bpmn"))
    assert files
    for path in files:
        tree = etree.parse(str(path))
        shapes = {s.get("bpmnElement") for s in tree.iterfind(".//bpmndi:BPMNShape", NS)}
        edges = {e.get("bpmnElement") for e in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
        nodes = {n.get("id") for tag in (*FLOW_NODES, "lane", "participant")
                 for n in tree.iterfind(f".//bpmn:{tag}", NS)}
        flows = {f.get("id") for f in tree.iterfind(".//bpmn:sequenceFlow", NS)}
        assert nodes - shapes == set(), path.name
        assert flows - edges == set(), path.name
        di = {"di": "http://www.omg.org/spec/DD/20100524/DI"}
        for edge in tree.iterfind(".//bpmndi:BPMNEdge", NS):
            assert len(edge.findall("di:waypoint", di)) >= 2, edge.get("bpmnElement")

"""The innovation partnership as a procurement lawyer runs it (issue 10): the rules a
real procedure needs beyond the first version, each broken once (refused, nothing
changed) and met at its boundary (accepted)."""
from __future__ import annotations

import pytest

from tests.test_innovation_partnership import (
    AUTHORITY,
    DOCUMENTED,
    THREE,
    Scenario,
    docs,
    qualified,
)


@pytest.fixture
def scenario(engine, clock) -> Scenario:
    return Scenario(engine, clock)


def need(value: int = 220_660_000, **extra) -> dict:
    return {"authority": AUTHORITY, "authority_kind": "sub_central",
            "need": "Overvågning af patienter.", "justification": "Findes ikke.",
            "not_on_market": True, "estimated_value": value, **extra}


# ============================================================== item 6: the award
def test_estimated_value_must_cover_development_and_the_maximum_purchase(scenario):
    s = scenario
    s.refused("Beskriv behovet", "ida", need(100, estimated_development_value=660_000,
                                             estimated_purchase_value=220_000_000),
              r"art\. 5\(10\)")
    s.do("Beskriv behovet", "ida", need(220_659_999))
    err = s.refused("Udarbejd udbudsmateriale", "ida", {"tender_documents": docs()},
                    r"below the development")
    assert err.field == "purchase.ceiling" and "raise the estimate" in err.hint


def test_a_zero_price_weight_is_refused_in_the_tender_documents(scenario):
    s = scenario
    s.do("Beskriv behovet", "ida", need())
    zero = docs()
    zero["evaluation_model"]["weights"] = {"quality": 100, "price": 0}
    err = s.refused("Udarbejd udbudsmateriale", "ida", {"tender_documents": zero},
                    "best price-quality ratio")
    assert err.field == "evaluation_model.weights.price"


def test_threshold_flag_and_boundary_estimate_accepted(scenario):
    s = scenario
    s.do("Beskriv behovet", "ida", need(1_000_000))  # below the threshold: flagged only
    cheap = docs(development={"fee_per_phase": 100_000}, purchase={"ceiling": 600_000,
                                                                   "max_cost": 500_000})
    s.do("Udarbejd udbudsmateriale", "ida", {"tender_documents": cheap})  # 400k + 600k
    s.do("Godkend udbudsmateriale", "jens", {"tender_documents_approved": True,
                                             "legal_comment": ""})
    s.at("2025-09-15")
    s.do("Send udbudsbekendtgørelse", "ida", {"notice_dispatched": "2025-09-15",
                                             "application_deadline": "2025-10-16"})
    flag = s.data()["threshold"]
    assert flag["below"] is True and flag["threshold"] == 1_644_638
    assert flag["date"] == "2025-09-15"


def test_award_notification_states_the_standstill_end(scenario):
    s = scenario
    s.to_development_until_award()
    s.at("2026-03-26")
    s.refused("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "-", "negotiation_account": "En runde.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}},
        "placeholder")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
        "negotiation_account": "En runde med mikrosprint med alle tre tilbudsgivere.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}})
    data = s.data()
    letter = data["award_notification"]
    assert letter["standstill_end"] == data["standstill_end"] == "2026-04-07"
    assert "Stand still-perioden udløber den 7. april 2026" in letter["text"]
    assert "Klagenævnet for Udbud" in letter["complaint_deadlines"]


# ============================================== item 5: what may not change in negotiation
def to_first_round(s: Scenario) -> None:
    s.tender(docs(negotiation={"rounds": 1}), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()
    s.initial_tenders(THREE)
    s.at("2025-11-17")


def sprint(disclosures) -> dict:
    return {"sprint": {"held_on": "2025-11-17", "summary": "Sprint med demonstration.",
                       "disclosures": disclosures}}


def test_ceiling_duration_and_maximum_cost_are_not_negotiated(scenario):
    s = scenario
    to_first_round(s)
    for bidder in THREE:
        s.do("Gennemfør mikrosprint", "ida", sprint([]), item=bidder)
    for term in ("Kontraktloft", "max_cost", "Kontraktens varighed"):
        err = s.refused("Forhandlingsrunde", "ida", s.meeting("2025-11-17", [
            {"requirement": term, "kind": "other", "description": "Hæves med 10 %."}]),
            "cannot be changed in negotiation")
        assert err.field == "requirement" and "stay as published" in err.hint
    s.do("Forhandlingsrunde", "ida", s.meeting("2025-11-17", [
        {"requirement": "Svartid", "kind": "other", "description": "5 sekunder."}]))


def test_disclosure_needs_consent_to_the_specific_information_and_recipient(scenario):
    s = scenario
    to_first_round(s)
    general = [{"information": "Alle oplysninger", "recipients": ["alle"],
                "consented_on": "2025-11-17", "consent_by": "Direktøren"}]
    err = s.refused("Gennemfør mikrosprint", "ida", sprint(general),
                    "does not name the specific information", item="Alfa Care")
    assert err.field == "disclosures[0].information" and "Name exactly" in err.hint
    named = [dict(general[0], information="Alarmgrænserne i løsningsbeskrivelsen v2")]
    err = s.refused("Gennemfør mikrosprint", "ida", sprint(named), "not a recipient",
                    item="Alfa Care")
    assert err.field == "disclosures[0].recipients" and "Beta Health" in err.hint
    specific = [{"information": "Alarmgrænserne i løsningsbeskrivelsen v2",
                 "recipients": ["Beta Health", "Gamma Med"], "consented_on": "2025-11-17",
                 "consent_by": "Anne Hansen, direktør"}]
    s.do("Gennemfør mikrosprint", "ida", sprint(specific), item="Alfa Care")
    for bidder in ("Beta Health", "Gamma Med"):
        s.do("Gennemfør mikrosprint", "ida", sprint([]), item=bidder)
    s.do("Forhandlingsrunde", "ida", s.meeting("2025-11-17"))
    s.do("Registrer reviderede tilbud", "ida", s.revised(THREE))
    sprints = s.data()["rounds"][0]["micro_sprints"]
    assert sprints["Alfa Care"]["disclosures"] == specific


# ============================================== item 2: verification before award
def to_final_tenders(s: Scenario) -> None:
    to_first_round(s)
    s.negotiation_round("2025-11-17", THREE)
    s.final_tenders(THREE)
    s.tick("2026-03-03")
    s.at("2026-03-10")


def test_non_conforming_final_tender_is_rejected_before_ranking(scenario):
    s = scenario
    to_final_tenders(s)
    row = {"bidder": "Beta Health", "conforming": False, "abnormally_low": True,
           "reason": "Prisen er ikke forklaret tilfredsstillende."}
    ok = [{"bidder": b, "conforming": True} for b in ("Alfa Care", "Gamma Med")]
    err = s.refused("Kontroller tilbuddenes konditionsmæssighed", "eva",
                    {"conformity": [*ok, row]}, "asked to explain")
    assert err.field == "conformity[2].explanation_requested_on" and "UBL § 169" in err.message
    err = s.refused("Kontroller tilbuddenes konditionsmæssighed", "eva",
                    {"conformity": [*ok, dict(row, reason="", abnormally_low=False)]},
                    "without a reason")
    assert err.field == "conformity[2].reason"
    reason = "Mindstekrav M2 er ikke opfyldt: data behandles uden for EU."
    s.evaluate({"Alfa Care": {"K1": 9, "K2": 8}, "Gamma Med": {"K1": 6, "K2": 6}},
               rejected={"Beta Health": {"reason": reason}})
    data = s.data()
    assert [r["bidder"] for r in data["evaluation"]] == ["Alfa Care", "Gamma Med"]
    assert data["rejected_tenders"] == [{"bidder": "Beta Health", "reason": reason,
                                         "abnormally_low": False,
                                         "explanation_requested_on": None}]
    assert [t["bidder"] for t in data["ranked_tenders"]] == ["Alfa Care", "Gamma Med"]


def test_award_needs_the_winners_documentation_checked_first(scenario):
    s = scenario
    s.to_development_until_award()
    s.at("2026-03-26")
    award = {"winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
             "negotiation_account": "En runde med mikrosprint med alle tre.",
             "notified": "2026-03-26", "electronic": True,
             "documentation": {"exclusion_documented": False,
                               "suitability_documented": True, "checked_on": "2026-03-20"}}
    err = s.refused("Tildelingsbeslutning og underretning", "lea", {"award": award},
                    "has not been checked")
    assert err.field == "award.documentation.exclusion_documented" and "§ 151" in err.hint
    award["documentation"].update(exclusion_documented=True, checked_on="2026-03-26")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": award})
    assert s.data()["award"]["documentation"]["checked_on"] == "2026-03-26"


def test_an_applicant_with_an_exclusion_ground_is_not_found_qualified(scenario):
    s = scenario
    excluded = {"mandatory_exclusion": True, "voluntary_exclusion": False,
                "meets_minimum_levels": True}
    s.tender(docs(), list(THREE), declared={"Gamma Med": excluded})
    assert s.data()["applicants"][2]["espd"] == excluded
    s.prequalify({"Alfa Care": qualified(8, 8), "Beta Health": qualified(7, 7)})
    err = s.refused("Vurder egnethed", "eva", {"assessment": qualified(9, 9)},
                    "no self-cleaning", item="Gamma Med")
    assert err.field == "assessment.qualified" and "§ 138" in err.hint
    s.do("Vurder egnethed", "eva", {"assessment": {
        "qualified": False, "reason": "Obligatorisk udelukkelsesgrund (UBL § 135).",
        "impartiality": {"conflict": False}}},
        item="Gamma Med")
    assert s.data()["selection"]["invited"] == ["Alfa Care", "Beta Health"]


# ======================================================= item 7: complaints
def award_notified(s: Scenario) -> None:
    s.to_development_until_award()
    s.at("2026-03-26")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
        "negotiation_account": "En runde med mikrosprint med alle tre tilbudsgivere.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}})


def test_a_complaint_within_the_standstill_blocks_signing_until_suspension_is_decided(
        scenario):
    from engine.export import report
    from tests.helpers import ColdEngine

    s = scenario
    complaint = {"complainant": "Beta Health", "filed_on": "2026-03-20",
                 "subject": "Pointgivningen på K1."}
    s.to_development_until_award()
    err = s.refused_register(lambda: s.engine.register_complaint(s.iid, "ida", complaint),
                             "only after the award decision has been notified")
    assert err.field == "complaint" and "award notification" in err.hint
    s.at("2026-03-26")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
        "negotiation_account": "En runde med mikrosprint med alle tre tilbudsgivere.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}})
    assert "Klagenævnet for Udbud" in s.data()["award_notification"]["text"]
    s.at("2026-04-07")  # the last day of the standstill: within it (boundary)
    typed = dict(complaint, filed_on="2026-04-07", within_standstill=False)
    err = s.refused_register(lambda: s.engine.register_complaint(s.iid, "ida", typed),
                             "no field 'within_standstill'")
    assert err.field == "complaint.within_standstill"
    [row] = s.engine.register_complaint(s.iid, "ida", dict(complaint, filed_on="2026-04-07"))
    assert row["within_standstill"] is True and row["suspension"] == "pending"
    s.tick("2026-04-08", 8)
    signing = {"contract_signed": "2026-04-08", "signed_by": "Regionsdirektør"}
    err = s.refused("Underskriv partnerskabskontrakt", "jens", signing,
                    "until Klagenævnet for Udbud has decided on suspension")
    assert err.field == "complaints[0].suspension" and "record it" in err.hint
    s.at("2026-04-20")
    cold = ColdEngine(s.engine)  # a later process records the Board's decision
    cold.decide_complaint(s.iid, "ida", 1, {"suspension": "granted",
                                            "decided_on": "2026-04-20"})
    s.refused("Underskriv partnerskabskontrakt", "jens",
              dict(signing, contract_signed="2026-04-20"), "granted the complaint")
    s.at("2026-05-04")
    [decided] = cold.decide_complaint(s.iid, "ida", 1, {
        "suspension": "refused", "decided_on": "2026-05-04",
        "outcome": "Klagenævnet ophævede den opsættende virkning."})
    s.do("Underskriv partnerskabskontrakt", "jens", dict(signing, contract_signed="2026-05-04"))
    data = s.data()
    assert data["complaints"] == [decided] and decided["within_standstill"] is True
    assert data["status_phase"] == "Udviklingsfase 1"
    s.at("2026-05-10")  # after the standstill: recorded, blocks nothing
    late = s.engine.register_complaint(s.iid, "ida", dict(complaint, filed_on="2026-05-10",
                                                         complainant="Gamma Med"))
    assert late[1]["within_standstill"] is False
    kinds = [e["kind"] for e in s.engine.history(s.iid)]
    assert kinds.count("complaint_registered") == 2 and kinds.count("complaint_decided") == 2
    ctx = report.context(s.engine, s.iid)
    assert ctx["verification"]["ok"], ctx["verification"]["text"]
    html = report.html(ctx)
    assert "Klagenævnet ophævede den opsættende virkning." in html and "Gamma Med" in html


def test_a_decision_on_a_complaint_needs_a_known_complaint_and_a_real_decision(scenario):
    s = scenario
    s.engine.add_user("audrey", "Rigsrevisionen", [], audits=[AUTHORITY])
    award_notified(s)
    s.at("2026-03-30")
    err = s.refused_register(lambda: s.engine.decide_complaint(
        s.iid, "ida", 1, {"suspension": "refused", "decided_on": "2026-03-30"}),
        "no complaint no. 1")
    assert err.field == "complaint" and "Register the complaint first" in err.hint
    s.engine.register_complaint(s.iid, "ida", {"complainant": "Beta Health",
                                               "filed_on": "2026-03-30", "subject": "K1."})
    err = s.refused_register(lambda: s.engine.decide_complaint(
        s.iid, "ida", 1, {"suspension": "pending", "decided_on": "2026-03-30"}),
        "Unknown decision on suspension")
    assert err.field == "decision.suspension" and "granted or refused" in err.hint
    with pytest.raises(Exception) as denied:
        s.engine.register_complaint(s.iid, "audrey", {"complainant": "X",
                                                       "filed_on": "2026-03-30",
                                                       "subject": "Y"})
    assert "read-only" in str(denied.value)


# ======================================================= item 11: cancellation
def test_a_cancelled_procedure_states_its_reason_in_the_report(scenario):
    from engine.errors import InvalidData
    from engine.export import report

    s = scenario
    s.tender(docs(), list(THREE))
    with pytest.raises(InvalidData) as err:
        s.engine.cancel(s.iid, "ida", "  ")
    assert err.value.field == "reason" and err.value.hint
    assert s.show()["status"] == "running"
    reason = "Behovet er bortfaldet efter regionens omprioritering."
    s.engine.cancel(s.iid, "ida", reason)
    assert s.show()["status"] == "cancelled"
    ctx = report.context(s.engine, s.iid)
    assert ctx["cancellation"] == reason
    assert reason in report.html(ctx)
    assert report.pdf(ctx).startswith(b"%PDF")


def test_cancel_from_the_command_line_needs_a_reason(database_url, monkeypatch):
    from click.testing import CliRunner

    from engine.cli import main
    from tests.conftest import DATA

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(DATA))
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert run("init-db").exit_code == 0 and run("deploy").exit_code == 0
    run("users", "add", "anna", "--authority", "Region Hovedstaden", "--groups", "Indkøb")
    iid = run("start", "purchase_request", "--as", "anna", "--data",
              '{"title": "CLI"}').output.strip()
    missing = run("cancel", iid, "--as", "anna")
    assert missing.exit_code != 0 and "--reason" in missing.output + missing.stderr
    blank = run("cancel", iid, "--as", "anna", "--reason", " ")
    assert blank.exit_code != 0 and "needs a reason" in blank.stderr
    done = run("cancel", iid, "--as", "anna", "--reason", "Behovet er bortfaldet.")
    assert done.exit_code == 0 and "cancelled" in done.output
    assert '"status": "cancelled"' in run("show", iid, "--json").output


# =============================================== items 3-4: selection and reduction
def test_a_tie_at_the_cut_off_is_decided_by_the_authority_with_a_reason(scenario):
    from tests.test_innovation_partnership import SEVEN

    s = scenario
    published = docs(selection={"tie_break": "decide"})
    s.tender(published)
    ratings = [(9, 9), (8, 9), (8, 8), (7, 8), (6, 6), (6, 6), (5, 5)]
    s.prequalify({n: qualified(*r) for n, r in zip(SEVEN, ratings, strict=True)})
    selection = s.data()["selection"]
    assert selection["tie"] == {"applicants": ["Epsilon IT", "Zeta Lab"], "places": 1}
    assert s.data()["bidders"] == SEVEN[:4]
    invite = {"invitations_sent": "2025-10-20", "initial_tender_deadline": "2025-11-10",
              "rejections_sent": True}
    s.at("2025-10-20")
    err = s.refused("Send opfordring til at afgive tilbud", "ida", invite, "choose exactly 1")
    assert err.field == "tie_decision.chosen" and "list order never does" in err.hint
    reason = "Zeta Lab har dokumenteret klinisk afprøvning; Epsilon IT har ikke."
    s.do("Send opfordring til at afgive tilbud", "ida",
         dict(invite, tie_decision={"chosen": ["Zeta Lab"], "reason": reason}))
    data = s.data()
    assert data["bidders"] == [*SEVEN[:4], "Zeta Lab"]
    assert data["selection"]["tie_decision"] == {"chosen": ["Zeta Lab"], "reason": reason}
    lost = {r["applicant"]: r["reason"] for r in data["selection"]["rejected"]}
    assert reason in lost["Epsilon IT"]


def test_reduction_keeps_at_least_two_and_tells_the_reduced_why(scenario):
    s = scenario
    s.tender(docs(negotiation={"rounds": 2}), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()
    s.initial_tenders(THREE)
    s.at("2025-11-17")
    for bidder in THREE:
        s.do("Gennemfør mikrosprint", "ida", sprint([]), item=bidder)
    s.do("Forhandlingsrunde", "ida", s.meeting("2025-11-17"))
    scores = {"Alfa Care": {"K1": 9, "K2": 8}, "Beta Health": {"K1": 5, "K2": 5},
              "Gamma Med": {"K1": 7, "K2": 7}}
    err = s.refused("Registrer reviderede tilbud", "ida", s.revised(THREE, 1, scores),
                    "genuine competition")
    assert err.field == "keep"
    s.do("Registrer reviderede tilbud", "ida", s.revised(THREE, 2, scores))
    first = s.data()["rounds"][0]
    assert first["bidders_after"] == ["Alfa Care", "Gamma Med"]
    [notice] = first["reduction_notices"]
    assert notice["bidder"] == "Beta Health"
    assert notice["continuing"] == ["Alfa Care", "Gamma Med"]
    assert "nr. 3" in notice["reason"]


# ================================== item 8: targets; item 12: remuneration and IPR
def test_a_phase_with_a_missed_target_is_never_paid(scenario):
    s = scenario
    s.to_development()
    err = s.refused("Delmålsvurdering", "lea", {
        "intermediate_targets": [{"target": "Prototype afprøvet", "met": True},
                                 {"target": "Klinisk test gennemført", "met": False}],
        "phase_decision": "approve", "decision_reason": "Næsten nået."},
        "never paid")
    assert err.field == "intermediate_targets" and "rework" in err.hint
    s.phase("approve")
    assert s.data()["fee_ledger"] == [{"phase": 1, "amount": 165000}]


def test_remuneration_and_ipr_on_termination_and_purchase_are_stated_up_front(scenario):
    s = scenario
    s.do("Beskriv behovet", "ida", need())
    silent = docs()
    silent["ipr_terms"]["on_termination"] = "  "  # the form takes it, the rule does not
    err = s.refused("Udarbejd udbudsmateriale", "ida", {"tender_documents": silent},
                    "IPR terms if the partnership is terminated")
    assert err.field == "ipr_terms.on_termination" and "before the notice" in err.hint
    s.do("Udarbejd udbudsmateriale", "ida", {"tender_documents": docs()})
    assert s.open("Godkend udbudsmateriale")


# ======================================================= item 10: conflicts of interest
def test_an_evaluator_with_a_conflict_is_excluded_from_the_assessment(scenario):
    from engine.export import report

    s = scenario
    s.tender(docs(), list(THREE))
    conflict = dict(qualified(8, 8), impartiality={"conflict": True,
                                                   "description": "Tidligere ansat."})
    err = s.refused("Vurder egnethed", "eva", {"assessment": conflict}, "excluded",
                    item="Alfa Care")
    assert err.field == "assessment.impartiality.conflict" and "unclaim" in err.hint
    silent = {k: v for k, v in qualified(8, 8).items() if k != "impartiality"}
    s.refused("Vurder egnethed", "eva", {"assessment": silent}, "before assessing",
              item="Alfa Care")
    s.prequalify({name: qualified(8, 8) for name in THREE})
    ctx = report.context(s.engine, s.iid)
    assert ctx["conflicts"].startswith("3 af 3 vurderinger har en erklæring")
    assert "ingen interessekonflikt erklæret" in report.html(ctx)


def test_advisers_declare_and_a_declared_conflict_excludes_with_measures_reported(scenario):
    from engine.export import report

    s = scenario
    s.engine.add_user("ole", AUTHORITY, ["Evaluering"])
    s.tender(docs(), list(THREE))
    ctx = report.context(s.engine, s.iid)
    assert ctx["declared_conflicts"] == [] and "Ingen interessekonflikter erklæret." in \
        report.html(ctx)
    s.engine.name_adviser(s.iid, "ida", {"person": "Per Rådgiver",
                                         "organisation": "Udbudsrådgivning A/S"})
    err = s.refused("Vurder egnethed", "eva", {"assessment": qualified(8, 8)},
                    "have not declared", item="Beta Health")
    assert err.field == "impartiality.advisers" and "before the assessment" in err.hint
    s.engine.declare_impartiality(s.iid, "ida", {"person": "Per Rådgiver", "role": "adviser",
                                                 "conflict": False})
    measures = "Eva vurderer ikke Alfa Care; Ole overtager vurderingen."
    err = s.refused_register(lambda: s.engine.declare_impartiality(s.iid, "ida", {
        "person": "eva", "role": "evaluator", "conflict": True, "with": "Alfa Care",
        "description": "Eva var ansat hos Alfa Care til 2024."}),
        "does not state the measures taken")
    assert err.field == "declaration.measures"
    s.engine.declare_impartiality(s.iid, "ida", {
        "person": "eva", "role": "evaluator", "conflict": True, "with": "Alfa Care",
        "description": "Eva var ansat hos Alfa Care til 2024.", "measures": measures})
    err = s.refused("Vurder egnethed", "eva", {"assessment": qualified(8, 8)},
                    "excluded from this assessment", item="Alfa Care")
    assert err.field == "impartiality.person" and "unclaim" in err.hint
    [alfa] = [t for t in s.engine.tasks(instance_id=s.iid) if t.item == "Alfa Care"]
    err = s.refused_register(lambda: s.engine.claim(alfa.id, "eva"), "excluded")
    assert err.field == "impartiality.person"
    s.do("Vurder egnethed", "ole", {"assessment": qualified(8, 8)}, item="Alfa Care")
    s.do("Vurder egnethed", "eva", {"assessment": qualified(8, 8)}, item="Beta Health")
    s.do("Vurder egnethed", "eva", {"assessment": qualified(8, 8)}, item="Gamma Med")
    assert s.data()["selection"]["invited"] == list(THREE)
    ctx = report.context(s.engine, s.iid)
    assert ctx["verification"]["ok"], ctx["verification"]["text"]
    [conflict] = ctx["declared_conflicts"]
    assert conflict["person"] == "eva" and conflict["measures"] == measures
    html = report.html(ctx)
    assert measures in html and "Ingen interessekonflikter erklæret." not in html
    assert "Per Rådgiver (rådgiver, Udbudsrådgivning A/S): ingen interessekonflikt" in html
    assert report.pdf(ctx).startswith(b"%PDF")


# ======================================== item 4: fewer than two conforming tenders
def test_one_conforming_tender_left_goes_on_only_with_the_reason_recorded(scenario):
    from engine.export import report

    s = scenario
    s.tender(docs(negotiation={"rounds": 2}), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()
    s.initial_tenders(THREE)
    s.at("2025-11-17")
    for bidder in THREE:
        s.do("Gennemfør mikrosprint", "ida", sprint([]), item=bidder)
    s.do("Forhandlingsrunde", "ida", s.meeting("2025-11-17"))
    revised = s.revised(THREE)
    for row in revised["revised_tenders"][1:]:
        row.update(conforming=False, reason=f"{row['bidder']} opfylder ikke mindstekrav M2.")
    err = s.refused("Registrer reviderede tilbud", "ida", revised,
                    "Only 1 conforming tender remains")
    assert err.field == "reduction_reason" and "procurement report" in err.hint
    reason = "Kun Alfa Care opfylder mindstekravene; regionen fortsætter for at sikre " \
             "udviklingen af løsningen."
    s.do("Registrer reviderede tilbud", "ida", dict(revised, reduction_reason=reason))
    first = s.data()["rounds"][0]
    assert first["bidders_after"] == ["Alfa Care"]
    assert first["removed"] == ["Beta Health", "Gamma Med"]
    assert first["reduction_reason"] == reason
    assert [n["bidder"] for n in first["reduction_notices"]] == ["Beta Health", "Gamma Med"]
    ctx = report.context(s.engine, s.iid)
    [reduced] = ctx["reduced"]
    assert reduced["reduction_reason"] == reason
    assert [t["bidder"] for t in ctx["rejected_tenders"]] == ["Beta Health", "Gamma Med"]
    html = report.html(ctx)
    assert reason in html and "Beta Health opfylder ikke mindstekrav M2." in html


# ============================ item 13: the report's subcontracting and low tenders
def test_the_report_gives_the_winners_subcontracting_and_kept_low_tenders(scenario):
    from engine.export import report

    s = scenario
    to_first_round(s)
    s.negotiation_round("2025-11-17", THREE)
    s.at("2026-02-16")
    s.do("Opfordr til endelige tilbud", "ida", {"final_invitation_sent": "2026-02-16",
                                                "final_tender_deadline": "2026-03-02"})
    s.do("Modtag endelige tilbud", "ida", {"final_tenders": [
        {"bidder": "Alfa Care", "price": 150_000_000, "received": "2026-02-27",
         "subcontracting_share": 30, "subcontractors": "Sensorfabrikken ApS"},
        {"bidder": "Beta Health", "price": 60_000_000, "received": "2026-02-27"},
        {"bidder": "Gamma Med", "price": 160_000_000, "received": "2026-02-27",
         "subcontracting_share": 10}]})
    s.tick("2026-03-03")
    s.at("2026-03-10")
    s.do("Kontroller tilbuddenes konditionsmæssighed", "eva", {"conformity": [
        {"bidder": "Alfa Care", "conforming": True},
        {"bidder": "Beta Health", "conforming": True, "abnormally_low": True,
         "explanation_requested_on": "2026-03-04", "explanation_received_on": "2026-03-09",
         "explanation_accepted": True,
         "reason": "Prisen er forklaret med en eksisterende platform."},
        {"bidder": "Gamma Med", "conforming": True}]})
    for bidder, score in (("Alfa Care", 9), ("Beta Health", 5), ("Gamma Med", 6)):
        s.do("Evaluer tilbud", "eva", {"tender_score": {
            "scores": [{"criterion": "K1", "score": score}, {"criterion": "K2",
                                                             "score": score}],
            "justification": "Vurderet.", "impartiality": {"conflict": False}}},
             item=bidder)
    s.do("Godkend evaluering", "lea", {"evaluation_approved": True,
                                       "management_comment": ""})
    ctx = report.context(s.engine, s.iid)
    assert ctx["subcontracting"] == []  # no winner yet
    s.at("2026-03-26")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
        "negotiation_account": "En runde med mikrosprint med alle tre tilbudsgivere.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}})
    ctx = report.context(s.engine, s.iid)
    assert ctx["subcontracting"] == [{"bidder": "Alfa Care", "share": "30 %",
                                      "subcontractors": "Sensorfabrikken ApS"}]
    assert ctx["abnormally_low"] == [{
        "bidder": "Beta Health", "requested": "2026-03-04", "received": "2026-03-09",
        "reason": "Prisen er forklaret med en eksisterende platform."}]
    html = report.html(ctx)
    assert "Sensorfabrikken ApS" in html and "eksisterende platform" in html
    assert report.pdf(ctx).startswith(b"%PDF")


def test_complaints_and_declarations_from_the_command_line(database_url, monkeypatch):
    import json

    from click.testing import CliRunner

    from engine.cli import main
    from tests.conftest import DATA

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(DATA))
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert run("init-db").exit_code == 0 and run("deploy").exit_code == 0
    run("users", "add", "anna", "--authority", "Region Hovedstaden", "--groups", "Indkøb")
    iid = run("start", "purchase_request", "--as", "anna", "--data",
              '{"title": "CLI"}').output.strip()
    early = run("complaint", "add", iid, "--as", "anna", "--complainant", "Beta",
                "--filed-on", "2026-04-01", "--subject", "K1")
    assert early.exit_code == 1 and "only after the award decision" in early.stderr
    assert run("complaint", "list", iid, "--as", "anna").output.strip() == "no complaints"
    named = run("impartiality", "adviser", iid, "--as", "anna", "--person", "Per",
                "--organisation", "Rådgivning A/S")
    assert named.exit_code == 0 and "Per (adviser): has not declared" in named.output
    vague = run("impartiality", "declare", iid, "--as", "anna", "--person", "Per",
                "--role", "adviser", "--conflict", "--description", "Ejer aktier i en "
                "tilbudsgiver.")
    assert vague.exit_code == 1 and "measures taken" in vague.stderr
    declared = run("impartiality", "declare", iid, "--as", "anna", "--person", "Per",
                   "--role", "adviser", "--no-conflict", "--json")
    assert declared.exit_code == 0
    [per] = json.loads(declared.output)
    assert per["declaration"]["conflict"] is False

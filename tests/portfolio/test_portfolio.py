"""The portfolio: fee instalments drawn from the funding 50/50, refusals that change
nothing, funded() in a gateway, lessons across departments and authorities, the figures
on the demo data, and who may see what."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from engine import demo
from engine.errors import Forbidden, InvalidData, NotFound, RuleViolation
from tests.conftest import DATA
from tests.helpers import dump

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
OWN = {"name": "Regionens ramme", "kind": "own", "amount": 400_000,
       "phases": ["development"], "share": 50}
POOL = {"name": "National pulje", "kind": "national", "amount": 300_000,
        "phases": ["development"], "share": 50}


@pytest.fixture
def partnership(engine, clock):
    """An innovation partnership with its partnership contract signed, funded 50/50."""
    engine.deploy(WORKFLOWS)
    demo.add_users(engine)
    today = date(2027, 1, 1)
    t0 = today - timedelta(days=330)
    d = demo.Driver(engine, clock)
    d.at(t0)
    d.start("indkob", "Finansieret partnerskab")
    engine.add_funding_source(d.iid, "indkob", OWN)
    engine.add_funding_source(d.iid, "indkob", POOL)
    bidders = demo._through_selection(d, t0, "Digital genoptræning.", 1)
    signed = demo._to_contract(d, t0, bidders)
    return d, signed


def test_each_fee_instalment_is_drawn_from_both_sources_in_their_share(partnership, engine):
    d, signed = partnership
    for n in (1, 2, 3):
        demo._phase(d, signed + timedelta(days=90 * n), f"Delmål {n}")
    view = engine.funding(d.iid, user="indkob")
    by_source = {s["name"]: s for s in view["sources"]}
    assert by_source["Regionens ramme"]["spent"] == 3 * 82_500
    assert by_source["National pulje"]["spent"] == 3 * 82_500
    assert by_source["National pulje"]["left"] == 300_000 - 3 * 82_500
    assert [(x["what"], x["amount"]) for x in view["drawdowns"]][:2] == [
        ("Honorar, udviklingsfase 1", 82_500), ("Honorar, udviklingsfase 1", 82_500)]
    # phase 4 would take the pool to 330,000 of 300,000: refused, nothing saved
    before = dump(engine)
    with pytest.raises(RuleViolation) as err:
        demo._phase(d, signed + timedelta(days=360), "Delmål 4")
    assert err.value.field == "funding"
    assert "National pulje" in err.value.message and "52500 DKK" in err.value.message
    assert "before the phase is approved" in err.value.hint
    assert dump(engine) == before
    assert len(engine.funding(d.iid)["drawdowns"]) == 6
    assert d.data()["fee_ledger"] == [{"phase": n, "amount": 165_000} for n in (1, 2, 3)]


def test_an_unfunded_phase_is_warned_about(partnership, engine, client_factory):
    d, _signed = partnership
    view = engine.funding(d.iid, user="indkob")
    assert "implementation" in view["unfunded"] and "development" not in view["unfunded"]
    client = client_factory(engine)
    client.post("/login", data={"username": "indkob", "password": demo.PASSWORD})
    page = client.get(f"/instances/{d.iid}/funding").get_data(as_text=True)
    assert "ingen finansiering" in page and "Implementering" in page


def test_a_gateway_condition_sees_funded(engine):
    engine.deploy(DATA)
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    funded = engine.start("funded", "anna")
    engine.add_funding_source(funded, "anna", {"name": "Driftsbudget", "kind": "own",
                                               "amount": 1_000_000,
                                               "phases": ["implementation"]})
    unfunded = engine.start("funded", "anna")
    for iid in (funded, unfunded):
        (task,) = engine.tasks(instance_id=iid)
        engine.complete(task.id, "anna", {"note": "klar"})
    assert [t.name for t in engine.tasks(instance_id=funded)] == ["implement"]
    assert engine.show(unfunded)["status"] == "completed"


def test_lessons_are_found_across_departments_not_across_authorities(engine):
    engine.add_user("ida", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("eva", "Region Hovedstaden", ["Evaluering"])
    engine.add_user("lea", "Region Hovedstaden", ["Ledelse"])
    engine.add_user("soren", "Region Sjælland", ["Indkøb"])
    engine.add_lesson("ida", {"phase": "Udviklingsfase 1", "subject": "delmål",
                              "hard": "Delmålene var for vage.",
                              "learned": "Skriv målbare delmål i kontrakten.", "dear": ""})
    assert [x["subject"] for x in engine.lessons("eva", "målbare")] == ["delmål"]
    assert engine.lessons("eva", "findes ikke") == []
    assert engine.lessons("soren", "målbare", other_authorities=True) == []
    with pytest.raises(Forbidden) as err:
        engine.share_lessons("ida", True)  # not management
    assert "Ledelse" in str(err.value)
    engine.share_lessons("lea", True)
    found = engine.lessons("soren", "målbare", other_authorities=True)
    assert [(x["authority"], x["author"]) for x in found] == [("Region Hovedstaden", "")]
    assert engine.lessons("soren", "målbare") == []  # only when asked for


def test_an_empty_lesson_is_refused(engine):
    engine.add_user("ida", "Region Hovedstaden", ["Indkøb"])
    before = dump(engine)
    with pytest.raises(InvalidData) as err:
        engine.add_lesson("ida", {"phase": "x", "hard": " ", "learned": "", "dear": ""})
    assert err.value.field == "learned" and err.value.hint
    assert dump(engine) == before


def test_the_portfolio_of_the_demo_matches_figures_counted_by_hand(database_url):
    from engine.clock import FixedClock
    from engine.runtime import Engine

    engine = Engine(database_url, WORKFLOWS,
                    clock_fn=FixedClock(datetime(2026, 11, 30, 12, 0)))
    engine.init_db()
    engine.deploy()
    demo.load(database_url, WORKFLOWS, today=date(2026, 11, 30))
    shown = engine.portfolio("indkob")
    f = shown["figures"]
    # three partnerships: in negotiation, in development (phase 1 approved), under the
    # purchase contract (4 phases approved, purchase exercised, two call-offs of 27.5 M)
    assert f["procedures"] == 3
    assert f["per_status"] == {"running": 3}
    assert f["reached_purchase"] == 1 and f["reached_implementation"] == 1
    assert f["share_purchase"] == 33.3
    assert f["fees_paid"] == 165_000 + 4 * 165_000
    assert f["ceiling"] == 3 * 220_000_000 and f["ceiling_used"] == 2 * 27_500_000
    assert f["applicants_avg"] == 7.0 and f["bidders_avg"] == 5.0
    assert f["spent_per_outcome"] == {"purchase": 4 * 165_000 + 55_000_000,
                                      "running": 165_000}
    assert shown["funding"] == [
        {"kind": "own", "amount": 3 * 220_400_000, "spent": 5 * 82_500 + 55_000_000,
         "left": 3 * 220_400_000 - 5 * 82_500 - 55_000_000},
        {"kind": "national", "amount": 3 * 330_000, "spent": 5 * 82_500,
         "left": 3 * 330_000 - 5 * 82_500}]
    report = {(r["procedure"], r["source"]): r for r in engine.funding_report("indkob")}
    pool = report[("Sensorbaseret faldforebyggelse (demo)", "National innovationspulje")]
    assert (pool["spent"], pool["left"]) == (4 * 82_500, 0)
    assert len(pool["payments"]) == 4
    operating = report[("Sensorbaseret faldforebyggelse (demo)", "Regionens driftsbudget")]
    assert operating["spent"] == 55_000_000
    # another authority's staff see none of it; the auditor of the region sees it all
    assert engine.portfolio("sjaelland")["figures"]["procedures"] == 0
    assert engine.portfolio("sjaelland")["funding"] == []
    assert engine.funding_report("sjaelland") == []
    assert engine.portfolio("revisor")["figures"]["procedures"] == 3
    engine.sql.dispose()


def test_only_the_authority_and_its_auditors_see_the_funding(partnership, engine,
                                                             client_factory):
    d, _signed = partnership
    with pytest.raises(NotFound):
        engine.funding(d.iid, user="sjaelland")
    before = dump(engine)
    with pytest.raises(NotFound):
        engine.add_funding_source(d.iid, "sjaelland", OWN)
    with pytest.raises(Forbidden):
        engine.add_funding_source(d.iid, "revisor", OWN)
    assert dump(engine) == before
    client = client_factory(engine)
    client.post("/login", data={"username": "sjaelland", "password": demo.PASSWORD})
    assert client.get(f"/instances/{d.iid}/funding").status_code == 404
    page = client.get("/portfolio").get_data(as_text=True)
    page += client.get("/portfolio/funding").get_data(as_text=True)
    assert "Finansieret partnerskab" not in page and "Regionens ramme" not in page
    client.post("/logout")
    client.post("/login", data={"username": "revisor", "password": demo.PASSWORD})
    assert client.get(f"/instances/{d.iid}/funding").status_code == 200
    assert client.post(f"/instances/{d.iid}/funding", data={"name": "x"}).status_code == 403
    assert dump(engine) == before


def test_the_portfolio_page_has_charts_tables_and_csv(partnership, engine, client_factory):
    client = client_factory(engine)
    client.post("/login", data={"username": "indkob", "password": demo.PASSWORD})
    page = client.get("/portfolio").get_data(as_text=True)
    assert page.count("<svg") >= 3 and "Finansiering pr. type" in page
    report = client.get("/portfolio/funding").get_data(as_text=True)
    assert "Regionens ramme" in report and "Finansieret partnerskab" in report
    csv = client.get("/portfolio/funding.csv")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Regionens ramme;Egen ramme;Finansieret partnerskab;400000" in csv.get_data(
        as_text=True)
    assert client.get("/portfolio/nothing.csv").status_code == 404


@pytest.fixture
def client_factory(tmp_path):
    from webui import create_app

    def make(engine):
        app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine,
                          "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test",
                          "UPLOAD_FOLDER": str(tmp_path / "uploads")})
        return app.test_client()

    return make


def test_a_lesson_is_written_from_the_procedure_page(partnership, engine, client_factory):
    d, _signed = partnership
    client = client_factory(engine)
    client.post("/login", data={"username": "indkob", "password": demo.PASSWORD})
    page = client.get(f"/instances/{d.iid}").get_data(as_text=True)
    assert "Svært, lært og kært" in page
    phase = engine.show(d.iid)["phase"]
    response = client.post("/lessons", data={
        "instance_id": d.iid, "phase": phase, "subject": "kontrakt",
        "learned": "Aftal delmål med klinikerne før kontrakten.",
        "back": f"/instances/{d.iid}"})
    assert response.headers["Location"].endswith(f"/instances/{d.iid}")
    (lesson,) = engine.lessons("evaluator", "klinikerne")
    assert (lesson["phase"], lesson["procedure"]) == (phase, "Finansieret partnerskab")

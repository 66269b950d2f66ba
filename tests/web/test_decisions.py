"""Decision tasks show what is decided, on the real innovation partnership: legal sees the
tender documents, procurement sees legal's comments, the award form shows the ranking
with rank 1 preselected, the purchase decision is an explicit yes or no, a comment is
needed only to reject, and the need form starts with the user's authority."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from engine import demo
from tests.helpers import dump
from webui import create_app

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def web(engine, clock, tmp_path):
    engine.deploy(WORKFLOWS)
    demo.add_users(engine)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t", "UPLOAD_FOLDER": str(tmp_path / "up")})
    d = demo.Driver(engine, clock)
    d.at("2026-01-05")
    d.start("indkob", "Beslutninger")
    return engine, app.test_client(), d


def login(client, name):
    client.post("/logout")
    client.post("/login", data={"username": name, "password": demo.PASSWORD})


def page(client, engine, d, title) -> tuple[str, str]:
    (found,) = d.open(title)
    return found.id, client.get(f"/tasks/{found.id}").get_data(as_text=True)


def test_the_need_form_starts_with_the_users_authority(web):
    engine, client, d = web
    login(client, "indkob")
    _id, html = page(client, engine, d, "Beskriv behovet")
    assert 'value="Region Hovedstaden"' in html


def test_legal_sees_the_documents_and_procurement_sees_legals_comments(web):
    engine, client, d = web
    d.do("Beskriv behovet", "indkob", {
        "authority": "Region Hovedstaden", "authority_kind": "sub_central",
        "need": "Overvågning.", "justification": "Ingen.",
        "not_on_market": True, "estimated_value": 220_660_000})
    d.do("Udarbejd udbudsmateriale", "indkob", {"tender_documents": demo._docs(1)})
    login(client, "jura")
    tid, html = page(client, engine, d, "Godkend udbudsmateriale")
    assert "Grundlaget for beslutningen" in html and "Udbudsmaterialet" in html
    assert "Alle data behandles og opbevares i EU." in html  # a minimum requirement
    version = engine.task_form(tid, "jura")["version"]
    before = dump(engine)
    refused = client.post(f"/tasks/{tid}", data={"expected_version": version})
    assert refused.status_code == 422  # neither yes nor no... and no comment to reject
    assert dump(engine) == before
    rejected = client.post(f"/tasks/{tid}", data={"expected_version": version,
                                                  "legal_comment": "IPR-afsnittet mangler."})
    assert rejected.status_code == 302
    login(client, "indkob")
    _tid, html = page(client, engine, d, "Udarbejd udbudsmateriale")
    assert "Juras gennemgang" in html and "IPR-afsnittet mangler." in html
    d.do("Udarbejd udbudsmateriale", "indkob", {"tender_documents": demo._docs(1)})
    login(client, "jura")
    tid, _html = page(client, engine, d, "Godkend udbudsmateriale")
    approved = client.post(f"/tasks/{tid}", data={
        "expected_version": engine.task_form(tid, "jura")["version"],
        "tender_documents_approved": "on", "legal_comment": ""})
    assert approved.status_code == 302  # approving needs no comment
    assert d.open("Send udbudsbekendtgørelse")


def test_the_award_shows_the_ranking_and_preselects_rank_one(web):
    engine, client, d = web
    t0 = date(2026, 1, 5)
    bidders = demo._through_selection(d, t0, "Digital genoptræning.", 1)
    day = lambda n: t0 + timedelta(days=n)  # noqa: E731
    prices = {b: 150_000_000 + i * 8_000_000 for i, b in enumerate(bidders)}
    d.at(day(70))
    d.do("Registrer første tilbud", "indkob", {
        "initial_tenders": [{"bidder": b, "price": p, "solution": "Skitse"}
                            for b, p in prices.items()], "award_on_initial": False})
    demo._round(d, day(80), prices)
    d.at(day(100))
    d.do("Opfordr til endelige tilbud", "indkob", {"final_invitation_sent": str(day(100)),
                                                   "final_tender_deadline": str(day(114))})
    d.do("Modtag endelige tilbud", "indkob", {"final_tenders": [
        {"bidder": b, "price": p, "solution": "Endelig", "received": str(day(112))}
        for b, p in prices.items()]})
    d.tick(day(115))
    d.do("Kontroller tilbuddenes konditionsmæssighed", "evaluator", {"conformity": [
        {"bidder": b, "conforming": True} for b in bidders]})
    login(client, "evaluator")
    for i, bidder in enumerate(bidders):  # the scoring form has a row per sub-criterion
        (found,) = [t for t in d.open("Evaluer tilbud") if t.item == bidder]
        html = client.get(f"/tasks/{found.id}").get_data(as_text=True)
        assert "Klinisk værdi" in html and "Brugervenlighed" in html
        assert 'value="K1"' in html and 'value="K2"' in html
        response = client.post(f"/tasks/{found.id}", data={
            "expected_version": engine.task_form(found.id, "evaluator")["version"],
            "tender_score.scores.__rows": "2",
            "tender_score.scores.0.criterion": "K1",
            "tender_score.scores.0.score": str(9 - i),
            "tender_score.scores.1.criterion": "K2",
            "tender_score.scores.1.score": str(8 - i),
            "tender_score.justification": "Vurderet."})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    login(client, "ledelse")
    _tid, html = page(client, engine, d, "Godkend evaluering")
    assert "Evalueringen" in html and "Placering" in html
    d.do("Godkend evaluering", "ledelse", {"evaluation_approved": True,
                                           "management_comment": ""})
    _tid, html = page(client, engine, d, "Tildelingsbeslutning og underretning")
    assert "Samlet point" in html and bidders[0] in html
    winner = html[html.index('name="award.winner"'):]
    winner = winner[:winner.index("</select>")]  # picked from the ranking, rank 1 chosen
    assert f'<option value="{bidders[0]}" selected>' in winner
    assert all(f'<option value="{b}"' in winner for b in bidders)
    table = client.get(f"/instances/{d.iid}/evaluation").get_data(as_text=True)
    row = table[table.index(bidders[0], table.index("<tbody")):]
    assert "<td class=\"num\">9</td>" in row[:600]  # the sub-criterion scores, not "–"


def test_the_purchase_decision_is_an_explicit_choice(web):
    engine, client, d = web
    today = date(2026, 1, 5) + timedelta(days=900)
    t0 = today - timedelta(days=900)
    bidders = demo._through_selection(d, t0, "Faldforebyggelse.", 1)
    signed = demo._to_contract(d, t0, bidders)
    for n in range(1, 5):
        demo._phase(d, signed + timedelta(days=90 * n), f"Delmål {n}")
    d.at(signed + timedelta(days=400))
    login(client, "ledelse")
    tid, html = page(client, engine, d, "Beslut købsoption")
    assert 'type="radio"' in html and "Købsoptionens vilkår" in html
    assert "Præstationsniveauer" in html and "Maksimal pris" in html
    version = engine.task_form(tid, "ledelse")["version"]
    before = dump(engine)
    response = client.post(f"/tasks/{tid}", data={"expected_version": version,
                                                  "offered_price": "180.000.000"})
    assert response.status_code == 422 and dump(engine) == before  # no silent "no"
    response = client.post(f"/tasks/{tid}", data={"expected_version": version,
                                                  "performance_met": "true",
                                                  "offered_price": "180.000.000"})
    assert response.status_code == 302
    assert engine.show(d.iid)["data"]["purchase"]["exercise"] is True

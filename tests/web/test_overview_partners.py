"""The partnership page shows each partner's contract, phases and fees (several partners,
UBL § 74 stk. 2 nr. 3), in Danish and in English."""
from __future__ import annotations

from engine import demo
from tests.test_innovation_partnership import Scenario
from tests.test_innovation_partnership_partners import awarded_and_signed, review, two_partner_docs
from webui import create_app, overview


def test_the_page_shows_each_partners_contract_phases_and_fees(engine, clock, tmp_path):
    s = Scenario(engine, clock)
    demo.add_users(engine)
    first, second = awarded_and_signed(s, two_partner_docs())
    s.at("2026-08-01")
    s.do("Delmålsvurdering", "lea", review("approve"), item=first)
    s.do("Delmålsvurdering", "lea", review("terminate", met=(False, False)), item=second)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t", "UPLOAD_FOLDER": str(tmp_path / "up")})
    client = app.test_client()
    client.post("/login", data={"username": "ledelse", "password": demo.PASSWORD})
    page = client.get(f"/instances/{s.iid}").get_data(as_text=True)
    assert "Partnere og partnerskabskontrakter" in page
    assert f"1. {first}: kontrakten løber" in page
    assert f"2. {second}: kontrakten ophørt efter fase 1" in page
    assert "Prototype afprøvet; Datasikkerhed godkendt" in page  # the contract's targets
    assert "165.000\u00a0kr." in page  # the phase fee and the fee paid
    rows = {p["partner"]: p for p in overview.overview(engine.show(s.iid))["partners"]}
    assert rows[first]["fees"]["paid"] == 165000 and rows[first]["fees"]["total"] == 495000
    assert rows[second]["fees"]["paid"] == 0
    fees = overview.overview(engine.show(s.iid))["fees"]  # both contracts together
    assert fees["paid"] == 165000 and fees["total"] == 990000 and fees["phases"] == 6


def test_no_partner_panel_before_the_contracts():
    assert overview.overview({"data": {"partnerships": "?"}})["partners"] == []
    odd = {"partnerships": {"A": {"rank": 1, "status": "active", "contract": "x"}, "B": 3}}
    [row] = overview.partners(odd)
    assert row["partner"] == "A" and row["contract"] == [] and row["fees"] is None

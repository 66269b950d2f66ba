"""Complaints on the partnership's page: staff register them after the award
notification and record Klagenævnet's decision; auditors only read."""
from __future__ import annotations

from .conftest import run_to


def test_staff_register_a_complaint_and_the_boards_decision(client, auth, web_engine,
                                                             clock):
    iid = run_to(web_engine, clock, "sign_contract")
    standstill = web_engine.show(iid)["data"]["standstill_end"]
    auth.login("anna")
    page = client.get(f"/instances/{iid}/complaints")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Klager til Klagenævnet for Udbud" in html and "Ingen klager registreret." in html
    refused = client.post(f"/instances/{iid}/complaints", data={
        "complainant": "Medtech A/S", "filed_on": "", "subject": "Evalueringen af K1"})
    assert refused.status_code == 422
    assert "must be a date" in refused.get_data(as_text=True)
    assert web_engine.show(iid)["data"].get("complaints") in (None, [])
    added = client.post(f"/instances/{iid}/complaints", data={
        "complainant": "Medtech A/S", "filed_on": standstill,
        "subject": "Evalueringen af K1"})
    assert added.status_code == 302
    [row] = web_engine.show(iid)["data"]["complaints"]
    assert row["within_standstill"] is True and row["suspension"] == "pending"
    html = client.get(f"/instances/{iid}/complaints").get_data(as_text=True)
    assert "Klagen er registreret." in html and "Afventer afgørelse" in html
    decided = client.post(f"/instances/{iid}/complaints/1/decision", data={
        "suspension": "refused", "decided_on": "2026-04-08",
        "outcome": "Ikke tillagt opsættende virkning."})
    assert decided.status_code == 302
    [row] = web_engine.show(iid)["data"]["complaints"]
    assert row["suspension"] == "refused" and row["decided_on"] == "2026-04-08"
    history = [e["kind"] for e in web_engine.history(iid)]
    assert history[-2:] == ["complaint_registered", "complaint_decided"]


def test_auditors_read_complaints_but_cannot_register(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "sign_contract")
    auth.login("audrey")
    page = client.get(f"/instances/{iid}/complaints").get_data(as_text=True)
    assert "Ingen klager registreret." in page and "Registrer en klage" not in page
    denied = client.post(f"/instances/{iid}/complaints", data={
        "complainant": "X", "filed_on": "2026-04-07", "subject": "Y"})
    assert denied.status_code == 403
    assert web_engine.show(iid)["data"].get("complaints") in (None, [])

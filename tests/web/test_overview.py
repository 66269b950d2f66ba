"""The partnership overview and evaluation pages, early and late in a partnership."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from webui import overview
from webui.instances import evaluation_view

from .conftest import open_task, run_to


def test_overview_of_an_empty_partnership_degrades_gracefully():
    view = overview.overview({"data": {}, "open_tasks": [], "waiting": []})
    assert view["bidders"] == [] and view["fees"] is None and view["ceiling"] is None
    assert view["tender_documents"] is None and view["deadlines"] == []
    assert view["documents"] == [] and view["waiting"] == []


def test_overview_survives_odd_shapes():
    odd = {"tender_documents": "?", "fee_ledger": "x", "call_offs": [1, {"amount": None}],
           "selection": ["a"], "applicants": [None, "Solo"], "evaluation": {"a": 1},
           "award": 7, "standstill_end": {"sealed": True, "until": "2026-05-01"}}
    view = overview.overview({"data": odd})
    assert view["bidders"] == [{"name": "Solo", "status": "Ansøger", "rank": None,
                                "reason": ""}]
    assert view["ceiling"]["used"] == 0 and view["deadlines"] == []
    assert view["sealed"] == [{"key": "standstill_end", "until": "2026-05-01"}]


def test_fees_ceiling_bidders_and_deadlines():
    data = {
        "tender_documents": {"development": {"phases": 4, "fee_per_phase": 165000},
                             "purchase": {"ceiling": 220000000, "contract_end": "2030-12-31"}},
        "fee_ledger": [{"phase": 1, "amount": 165000}, {"phase": 2, "amount": 165000}],
        "call_offs": [{"amount": 55000000, "date": "2028-01-10"}],
        "applicants": [{"name": "A"}, {"name": "B"}, {"name": "C"}, {"name": "D"}],
        "selection": {"invited": ["A", "B", "C"], "rejected": [{"applicant": "D",
                                                                "reason": "uegnet"}]},
        "bidders": ["A", "B"],
        "evaluation": [{"bidder": "A", "rank": 1}, {"bidder": "B", "rank": 2}],
        "award": {"winner": "A"},
        "application_deadline": "2026-04-07", "standstill_end": "2026-04-07",
    }
    view = overview.overview({"data": data})
    assert view["fees"]["paid"] == 330000 and view["fees"]["total"] == 660000
    assert view["fees"]["remaining"] == 330000
    assert view["ceiling"]["remaining"] == Decimal(165000000)
    assert view["ceiling"]["percent"] == 25.0
    status = {b["name"]: (b["status"], b["rank"]) for b in view["bidders"]}
    assert status == {"A": ("Vinder", 1), "B": ("Evalueret", 2), "C": ("Udgået", None),
                      "D": ("Ikke udvalgt", None)}
    assert [d["key"] for d in view["deadlines"]] == ["application_deadline",
                                                     "standstill_end", "contract_end"]


def test_overview_page_late_in_a_partnership(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "sign_contract")
    auth.login("jens")
    page = client.get(f"/instances/{iid}").get_data(as_text=True)
    assert "Underskriv kontrakt" in page and "Jura" in page  # waiting, and for whom
    assert "Medtech A/S" in page and "Vinder" in page
    assert "165.000\u00a0kr." in page and "220.000.000\u00a0kr." in page
    assert "7. april 2026" in page  # the standstill end, in Danish
    tid = open_task(web_engine, "sign_contract", iid).id
    web_engine.complete(tid, "jens", {"contract_signed": "2026-04-08"})
    page = client.get(f"/instances/{iid}").get_data(as_text=True)
    assert "330.000\u00a0kr." in page  # fees paid
    assert "55.000.000\u00a0kr." in page and "165.000.000\u00a0kr." in page  # ceiling


def test_overview_shows_the_timer_being_waited_for(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "award_decision")
    tid = open_task(web_engine, "award_decision", iid).id
    web_engine.complete(tid, "lea", {"award": {"winner": "Medtech A/S",
                                               "notified": "2026-03-23"}})
    auth.login("lea")
    page = client.get(f"/instances/{iid}").get_data(as_text=True)
    assert "Stand still udløber" in page and "systemet (tidsfrist)" in page


def test_evaluation_page(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "award_decision")
    clock.set(datetime(2026, 3, 23, 9, 0))  # after the final tender deadline
    auth.login("eva")
    page = client.get(f"/instances/{iid}/evaluation").get_data(as_text=True)
    assert "Klinisk værdi" in page and "Sundhed ApS" in page
    assert "rangordensombytning" in page  # proportional is a relative price model
    assert "P = 10 × laveste pris / pris" in page  # the formula in words, in Danish
    rows = page.split("<tbody>")[1]
    assert rows.index("Sundhed ApS") < rows.index("Medtech A/S")  # rank 1 first


def test_evaluation_view_without_a_model_or_tenders():
    view = evaluation_view({})
    assert view["rows"] == [] and view["description"] is None and not view["relative"]
    bad = evaluation_view({"tender_documents": {"evaluation_model": {"scale_max": 10}}})
    assert bad["model_problem"]
    fixed = evaluation_view({"tender_documents": {"evaluation_model": {
        "scale_max": 10, "weights": {"quality": 70, "price": 30},
        "quality_criteria": [{"id": "K1", "name": "Kvalitet", "weight": 100}],
        "price_model": {"kind": "fixed_anchor", "price_for_max": 1, "price_for_zero": 2},
        "tie_break": "price"}}, "evaluation": [{"bidder": "A", "rank": 1}],
        "tender_scores": {"A": {"bidder": "A", "scores": [{"criterion": "K1", "score": 5}]}}})
    assert not fixed["relative"] and fixed["rows"][0]["scores"] == {"K1": 5}


def test_history_says_who_did_what(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "approve_need")
    auth.login("lea")
    page = client.get(f"/instances/{iid}/history").get_data(as_text=True)
    assert "Startet" in page and "Udført" in page and "«Beskriv behovet»" in page
    assert "anna" in page and "2. marts 2026" in page


def test_diagram_marks_elements(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "approve_need")
    auth.login("lea")
    page = client.get(f"/instances/{iid}/diagram").get_data(as_text=True)
    assert '"describe_need": "completed"' in page and '"approve_need": "active"' in page
    assert "bpmn-navigated-viewer.production.min.js" in page
    js = client.get("/bpmn-js/bpmn-navigated-viewer.production.min.js")
    assert js.status_code == 200 and len(js.data) > 100000
    assert client.get("/bpmn-js/assets/bpmn-js.css").status_code == 200
    assert client.get("/bpmn-js/bpmn-modeler.development.js").status_code == 404
    assert client.get("/bpmn-js/../../package.json").status_code == 404
    xml = client.get(f"/instances/{iid}/diagram.bpmn")
    assert xml.mimetype == "application/xml" and b"describe_need" in xml.data

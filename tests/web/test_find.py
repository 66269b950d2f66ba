"""Finding things: procedures by title, bidder, CVR number and phase; tasks by lane and
due date."""
from __future__ import annotations

from datetime import datetime

from .conftest import run_to


def test_procedures_are_found_by_title_bidder_cvr_and_phase(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "award_decision")
    other = web_engine.start("innovation_partnership", "anna", {"title": "Robotstøvsugere"})
    from engine.models import ProcedureFacts

    with web_engine.uow() as uow:  # an application with a CVR number, as the real form has
        facts = uow.session.get(ProcedureFacts, iid)
        facts.search_text += " | 12345678"
        uow.commit()
    auth.login("anna")
    title = web_engine.show(iid)["title"]

    def found(q: str) -> set[str]:
        return {r["id"] for r in web_engine.instances(user="anna", search=q)}

    assert found("sundhed") == {iid}            # a bidder (final tenders)
    assert found("12345678") == {iid}           # a CVR number
    assert found("robotstøv") == {other}        # the title
    assert found(web_engine.show(iid)["phase"].split()[0]) >= {iid}
    assert found("ingen-sådan") == set()
    assert web_engine.instances(user="olaf", search="sundhed") == []  # another authority
    page = client.get("/instances?q=Sundhed").get_data(as_text=True)
    assert title in page and "Robotstøvsugere" not in page


def test_tasks_filter_by_lane_and_due_date(client, auth, web_engine, clock):
    run_to(web_engine, clock, "tender_docs")
    web_engine.add_user("ulla", "Region Hovedstaden", ["Indkøb", "Ledelse"])
    lanes = {t.lane for t in web_engine.tasks(user="ulla")}
    assert lanes == {"Indkøb"}
    assert web_engine.tasks(user="ulla", lane="Ledelse") == []
    assert len(web_engine.tasks(user="ulla", lane="Indkøb")) == 1
    far = datetime(2030, 1, 1, tzinfo=clock().tzinfo)
    due = [t for t in web_engine.tasks(user="ulla") if t.due_at]
    assert len(web_engine.tasks(user="ulla", due_before=far)) == len(due)
    auth.login("anna")
    page = client.get("/tasks?lane=Indkøb&due=week").get_data(as_text=True)
    assert 'id="filter-lane"' in page and 'id="filter-due"' in page

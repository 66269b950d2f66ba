"""The incidents page and the instance overview show a failed timer to the authority's
staff; the right group retries or resolves it; other authorities see nothing."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import DATA
from tests.helpers import dump


@pytest.fixture
def poisoned(web_engine):
    web_engine.deploy(DATA)
    iid = web_engine.start("timer_failing", "anna")
    task = web_engine.tasks(instance_id=iid)[0]
    web_engine.complete(task.id, "anna", {"notified": "2026-03-02"})
    assert web_engine.tick(datetime(2026, 3, 20, 9, 0)) == []
    [incident] = web_engine.incidents(instance_id=iid)
    return iid, incident["id"]


def test_staff_see_and_resolve_an_incident(client, auth, web_engine, poisoned):
    iid, incident_id = poisoned
    auth.login("anna")
    page = client.get("/incidents").get_data(as_text=True)
    assert "Fejlede frister" in page and "compute" in page and "division by zero" in page
    assert "Prøv igen nu" in page and "Marker som løst" in page
    overview = client.get(f"/instances/{iid}").get_data(as_text=True)
    assert 'id="h-incidents"' in overview and "division by zero" in overview

    before = dump(web_engine)
    refused = client.post(f"/incidents/{incident_id}/resolve", data={"note": " "})
    assert refused.status_code == 422 and "bemærkning" in refused.get_data(as_text=True)
    assert dump(web_engine) == before

    done = client.post(f"/incidents/{incident_id}/resolve",
                       data={"note": "modellen rettes", "next": f"/instances/{iid}"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/instances/{iid}")
    last = web_engine.history(iid)[-1]
    assert (last["kind"], last["actor"]) == ("incident_resolved", "anna")
    assert "Ingen fejlede frister." in client.get("/incidents").get_data(as_text=True)
    history = client.get(f"/instances/{iid}/history").get_data(as_text=True)
    assert "Tidsfristen fejlede" in history and "Markerede fejlen som løst" in history


def test_only_the_right_people_see_and_act(client, auth, web_engine, poisoned):
    iid, incident_id = poisoned
    before = dump(web_engine)
    auth.login("olaf")  # another authority: sees nothing, may do nothing
    assert "division by zero" not in client.get("/incidents").get_data(as_text=True)
    assert client.post(f"/incidents/{incident_id}/retry").status_code == 404
    auth.logout()
    auth.login("eva")  # same authority, not in Indkøb or designer: reads, may not act
    page = client.get("/incidents").get_data(as_text=True)
    assert "division by zero" in page and "Prøv igen nu" not in page
    refused = client.post(f"/incidents/{incident_id}/retry")
    assert refused.status_code == 403 and "Indkøb" in refused.get_data(as_text=True)
    auth.logout()
    auth.login("audrey")  # the auditor reads, changes nothing
    assert "division by zero" in client.get("/incidents").get_data(as_text=True)
    assert client.post(f"/incidents/{incident_id}/resolve",
                       data={"note": "x"}).status_code == 403
    assert dump(web_engine) == before


def test_english_on_request(client, auth, poisoned):
    auth.login("anna")
    client.get("/language/en?next=/incidents")
    page = client.get("/incidents").get_data(as_text=True)
    assert "Failed timers" in page and "Retry now" in page

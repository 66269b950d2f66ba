"""Who sees what of a joint process, as a matrix: the facilitator, a participant with a
child procurement, a participant without one, a declined authority, an authority never
invited and an auditor of the facilitator, against every page and export of the joint
process and of the children. A refusal is a 404 that shows none of the data and changes
nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import demo_joint as dj
from engine.demo import USERS
from tests.helpers import dump
from webui import create_app

from .conftest import PASSWORD, password_hash

WORKFLOWS = Path(__file__).parent.parent.parent / "workflows"
VIEWERS = ("copi", "aalborg", "odense", "vejle", "sjaelland", "revisor_copi")


@pytest.fixture
def joint_app(engine, clock, tmp_path):
    engine.deploy(WORKFLOWS)
    for user in USERS:
        engine.add_user(user.name, user.authority, list(user.groups), full_name=user.full_name,
                        password_hash=password_hash(), audits=list(user.audits))
    engine.add_user("revisor_copi", "Rigsrevisionen", [], full_name="Revisor",
                    password_hash=password_hash(), audits=["CO-PI"])
    driver = dj.JointDriver(engine, clock)
    driver.at(dj.STARTED)
    driver.start()
    dj.build(driver)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "test", "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "OPIFLOW_SCHEDULER": "off"})
    children = {i["authority"]: i for i in engine.instances(model="innovation_partnership")}
    return app, engine, driver.iid, children


def pages(joint: str, aalborg: str, aarhus: str) -> dict[str, str]:
    return {
        "joint page": f"/joint/{joint}",
        "joint overview": f"/instances/{joint}",
        "joint history": f"/instances/{joint}/history",
        "joint diagram": f"/instances/{joint}/diagram",
        "joint audit": f"/audit/{joint}",
        "joint ocds": f"/audit/{joint}/export/ocds",
        "joint xes": f"/audit/{joint}/export/xes",
        "joint csv": f"/audit/{joint}/export/csv",
        "aalborg child": f"/instances/{aalborg}",
        "aalborg child history": f"/instances/{aalborg}/history",
        "aalborg child ocds": f"/audit/{aalborg}/export/ocds",
        "aalborg child csv": f"/audit/{aalborg}/export/csv",
        "aarhus child": f"/instances/{aarhus}",
        "aarhus child ocds": f"/audit/{aarhus}/export/ocds",
    }


OPEN = {  # viewer -> the pages that open (every other one is a 404)
    "copi": {"joint page", "joint overview", "joint history", "joint diagram", "joint audit",
             "joint ocds", "joint xes", "joint csv"},
    "revisor_copi": {"joint page", "joint overview", "joint history", "joint diagram",
                     "joint audit", "joint ocds", "joint xes", "joint csv"},
    "aalborg": {"joint page", "aalborg child", "aalborg child history", "aalborg child ocds",
                "aalborg child csv"},
    "odense": {"joint page"},
    "vejle": set(),
    "sjaelland": set(),
}


def test_the_access_matrix(joint_app):
    app, engine, joint, children = joint_app
    aalborg = children["Aalborg Kommune"]["id"]
    aarhus = children["Aarhus Kommune"]["id"]
    secrets = {"joint": dj.TITLE, "aalborg child": children["Aalborg Kommune"]["title"],
               "aarhus child": children["Aarhus Kommune"]["title"]}
    before = dump(engine)
    for viewer in VIEWERS:
        client = app.test_client()
        assert client.post("/login", data={"username": viewer, "password": PASSWORD}
                           ).status_code == 302
        for name, url in pages(joint, aalborg, aarhus).items():
            response = client.get(url)
            # the page links to itself (the language switch): that is not the data
            body = response.get_data(as_text=True).replace(url, "")
            if name in OPEN[viewer]:
                assert response.status_code == 200, (viewer, name, response.status_code)
            else:
                assert response.status_code == 404, (viewer, name, response.status_code)
                for secret in secrets.values():
                    assert secret not in body, (viewer, name, secret)
                assert joint not in body and aarhus not in body, (viewer, name)
        listing = client.get("/joint").get_data(as_text=True)
        assert (dj.TITLE in listing) == ("joint page" in OPEN[viewer]), viewer
    assert dump(engine) == before


def test_the_facilitator_sees_every_party_and_each_childs_phase_not_its_content(joint_app):
    app, _engine, joint, children = joint_app
    client = app.test_client()
    client.post("/login", data={"username": "copi", "password": PASSWORD})
    body = client.get(f"/joint/{joint}").get_data(as_text=True)
    for name in dj.INVITED:
        assert name in body
    assert "Takket nej" in body and "Underskriver" in body
    assert "80.000.000\u00a0kr." in body  # the demand gathered, in Danish
    assert "Udbudsmateriale" in body  # Aalborg's child phase, read from the child
    for child in children.values():
        assert child["id"] not in body and child["title"] not in body


def test_a_participant_sees_its_own_child_and_not_the_others(joint_app):
    app, _engine, joint, children = joint_app
    client = app.test_client()
    client.post("/login", data={"username": "aalborg", "password": PASSWORD})
    body = client.get(f"/joint/{joint}").get_data(as_text=True)
    assert children["Aalborg Kommune"]["id"] in body
    assert children["Aarhus Kommune"]["id"] not in body
    assert children["Aarhus Kommune"]["title"] not in body


def test_nobody_completes_another_authoritys_task_from_the_web(joint_app):
    app, engine, joint, _children = joint_app
    (task,) = engine.tasks(user="nordjylland")
    before = dump(engine)
    for viewer in ("copi", "aalborg", "vejle", "sjaelland", "revisor_copi"):
        client = app.test_client()
        client.post("/login", data={"username": viewer, "password": PASSWORD})
        assert client.get(f"/tasks/{task.id}").status_code in (403, 404), viewer
        response = client.post(f"/tasks/{task.id}", data={"market": "kendt"})
        assert response.status_code in (403, 404), viewer
        assert "Region Nordjylland" not in response.get_data(as_text=True)
    assert dump(engine) == before


def test_another_procedure_is_followed_by_the_facilitator_not_by_other_participants(
        joint_app):
    app, engine, joint, _children = joint_app
    driver = dj.JointDriver(engine, engine.clock, joint)
    driver.do("Oplys fakta om egen anskaffelse", "nordjylland", dj.facts(
        market="kendt", development=False, develop_and_buy=False, dialogue="ingen",
        authority_kind="region", decided_on="2025-06-02"))
    driver.do("Registrer egen anskaffelse", "nordjylland", {"procurement": {
        "planned_start": "2025-09-01", "planned_award": "2026-03-01", "finished": False}})
    client = app.test_client()
    client.post("/login", data={"username": "copi", "password": PASSWORD})
    children = client.get(f"/joint/{joint}").get_data(as_text=True)
    assert "Offentligt udbud" in children and "Planlagt tildeling 1. marts 2026" in children
    client = app.test_client()
    client.post("/login", data={"username": "aalborg", "password": PASSWORD})
    assert "Offentligt udbud" not in client.get(f"/joint/{joint}").get_data(as_text=True)

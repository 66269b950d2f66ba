"""Joint public scaling (seed 002's incontinence case) from start to the signatories' own
procurements, on every database: parties, demand, declaration, child procurements, the
choice of path by the designer's DMN, and the refusals."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import demo_joint as dj
from engine.demo import USERS
from engine.errors import Forbidden, NotFound, RuleViolation
from engine.export import render
from engine.runtime import Engine
from tests.helpers import dump

WORKFLOWS = Path(__file__).parent.parent / "workflows"


def add_users(engine) -> None:
    for user in USERS:
        engine.add_user(user.name, user.authority, list(user.groups), audits=list(user.audits))
    engine.add_user("revisor_copi", "Rigsrevisionen", [], audits=["CO-PI"])


@pytest.fixture
def joint_engine(database_url, clock):
    engine = Engine(database_url, workflows_dir=WORKFLOWS, clock_fn=clock)
    engine.init_db()
    engine.deploy()
    add_users(engine)
    yield engine
    engine.sql.dispose()


@pytest.fixture
def driver(joint_engine, clock) -> dj.JointDriver:
    d = dj.JointDriver(joint_engine, clock)
    d.at(dj.STARTED)
    d.start()
    return d


def test_the_whole_joint_process_from_need_to_own_procurements(driver):
    engine = driver.engine
    dj.build(driver)
    page = engine.joint_process(driver.iid, "copi")
    roles = {p["authority"]: p["role"] for p in page["parties"]}
    assert roles == {"Aalborg Kommune": "signatory", "Aarhus Kommune": "signatory",
                     "Odense Kommune": "participant", "Region Nordjylland": "signatory",
                     "Vejle Kommune": "declined", "Esbjerg Kommune": "declined"}
    data = page["data"]
    assert data["demand"] == {"participants": 4, "units_per_year": 3900,
                              "budget_per_year": 80_000_000}
    assert data["declaration"]["legally_binding"] is False
    assert data["declaration"]["signatories"] == list(dj.SIGNING)
    # two children, each owned by its authority, started at different times
    children = {c["authority"]: c for c in page["children"]}
    assert set(children) == {"Aalborg Kommune", "Aarhus Kommune"}
    assert children["Aalborg Kommune"]["created_at"] < children["Aarhus Kommune"]["created_at"]
    assert children["Aalborg Kommune"]["phase"] == "Udbudsmateriale"  # read from the child
    assert all(c["id"] is None for c in page["children"])  # the facilitator cannot open them
    # the child is prefilled from the joint need description and linked back
    aalborg = engine.instances(user="aalborg", model="innovation_partnership")
    assert len(aalborg) == 1
    child = engine.show(aalborg[0]["id"], "aalborg")["data"]
    assert child["joint_process"] == driver.iid
    assert child["need"].startswith("En løsning, der viser")
    # Region Nordjylland decides later, on another path: recorded with dates and outcome
    driver.at("2025-06-02")
    driver.do("Oplys fakta om egen anskaffelse", "nordjylland", dj.facts(
        market="usikker", development=False, develop_and_buy=False, dialogue="løsning",
        authority_kind="region", decided_on="2025-06-02"))
    driver.do("Registrer egen anskaffelse", "nordjylland", {"procurement": {
        "planned_start": "2025-09-01", "planned_award": "2026-03-01", "finished": False}})
    assert engine.show(driver.iid, "copi")["status"] == "running"
    following = engine.joint_process(driver.iid, "copi")["own_procurements"]
    assert following["Region Nordjylland"]["planned_award"] == "2026-03-01"
    assert not following["Region Nordjylland"]["finished"]
    # the same task comes back until the procurement is finished (a standard loop)
    driver.at("2026-03-10")
    driver.do("Registrer egen anskaffelse", "nordjylland", {"procurement": {
        "planned_start": "2025-09-01", "planned_award": "2026-03-01",
        "actual_start": "2025-09-15", "actual_award": "2026-03-09",
        "outcome": "Kontrakt med Sensor Care ApS", "finished": True}})
    shown = engine.show(driver.iid, "copi")
    assert shown["status"] == "completed"
    record = shown["data"]["own_procurements"]["Region Nordjylland"]
    assert (record["procedure"], record["actual_award"], record["child"]) == (
        "Udbud med forhandling", "2026-03-09", False)
    assert record["outcome"] == "Kontrakt med Sensor Care ApS"
    assert shown["data"]["own_procurements"]["Aalborg Kommune"]["procedure_code"] == \
        "innovation_partnership"


def test_each_authority_answers_in_its_own_task_list(driver):
    engine = driver.engine
    driver.do("Registrer innovationsbehovet", "copi", dj.need())
    driver.do("Inviter myndigheder", "copi", {"invited_authorities": list(dj.INVITED),
                                              "invited_on": dj.STARTED})
    assert [t.title for t in engine.tasks(user="aalborg")] == ["Svar på invitationen"]
    assert [t.item for t in engine.tasks(user="vejle")] == ["Vejle Kommune"]
    assert engine.tasks(user="copi") == []  # the facilitator does not answer for them
    assert engine.tasks(user="sjaelland") == []  # not invited
    form = engine.task_form(engine.tasks(user="aalborg")[0].id, "aalborg")
    assert form["schema"]["title"] == "Svar på invitationen"


def test_the_facilitator_cannot_answer_for_a_participant(driver):
    engine = driver.engine
    driver.do("Registrer innovationsbehovet", "copi", dj.need())
    driver.do("Inviter myndigheder", "copi", {"invited_authorities": list(dj.INVITED),
                                              "invited_on": dj.STARTED})
    task = engine.tasks(user="aalborg")[0]
    before = dump(engine)
    for user in ("copi", "aarhus", "sjaelland", "revisor_copi"):
        with pytest.raises((NotFound, Forbidden)) as err:
            engine.complete(task.id, user, {"answer": {"join": True, "units_per_year": 1}})
        assert "rev" in user or err.type is NotFound
    assert dump(engine) == before


def test_a_declined_authority_sees_nothing_after_declining(driver):
    engine = driver.engine
    driver.do("Registrer innovationsbehovet", "copi", dj.need())
    driver.do("Inviter myndigheder", "copi", {"invited_authorities": list(dj.INVITED),
                                              "invited_on": dj.STARTED})
    assert engine.joint_process(driver.iid, "vejle")["view"] == "participant"
    driver.do("Svar på invitationen", "vejle", {"answer": {"join": False, "reason": "Nej."}})
    with pytest.raises(NotFound):
        engine.joint_process(driver.iid, "vejle")
    assert engine.joint_processes("vejle") == []
    assert engine.tasks(user="vejle") == []
    assert [j["id"] for j in engine.joint_processes("aalborg")] == [driver.iid]


def test_joining_without_a_demand_is_refused_and_changes_nothing(driver):
    engine = driver.engine
    driver.do("Registrer innovationsbehovet", "copi", dj.need())
    driver.do("Inviter myndigheder", "copi", {"invited_authorities": list(dj.INVITED),
                                              "invited_on": dj.STARTED})
    before = dump(engine)
    with pytest.raises(RuleViolation) as err:
        driver.do("Svar på invitationen", "odense", {"answer": {"join": True}})
    assert err.value.field == "units_per_year"
    assert dump(engine) == before


def test_an_answer_to_one_supplier_only_is_refused_and_changes_nothing(driver):
    engine = driver.engine
    dialogue = dj.market_dialogue()
    dialogue["questions"][0]["published_to"] = ["Sensor Care ApS"]
    driver.do("Registrer innovationsbehovet", "copi", dj.need())
    driver.do("Inviter myndigheder", "copi", {"invited_authorities": ["Aalborg Kommune"],
                                              "invited_on": dj.STARTED})
    driver.do("Svar på invitationen", "aalborg", {"answer": {"join": True,
                                                              "units_per_year": 10}})
    driver.do("Fælles behovsafdækning", "copi", {"workshops": [
        {"held_on": "2023-06-01", "title": "Workshop", "outcomes": "Behovet er konkret."}]})
    before = dump(engine)
    with pytest.raises(RuleViolation, match="one supplier alone") as err:
        driver.do("Fælles markedsdialog", "copi", dialogue)
    assert err.value.field == "questions"
    assert "all registered suppliers" in err.value.hint
    assert dump(engine) == before


def test_a_participant_never_sees_another_participants_child(driver):
    engine = driver.engine
    dj.build(driver)
    aarhus_child = engine.instances(user="aarhus", model="innovation_partnership")[0]["id"]
    with pytest.raises(NotFound):
        engine.show(aarhus_child, "aalborg")
    page = engine.joint_process(driver.iid, "aalborg")
    assert [c["authority"] for c in page["children"]] == ["Aalborg Kommune"]
    assert page["children"][0]["id"] is not None
    assert set(page["own_procurements"]) == {"Aalborg Kommune"}
    aarhus_row = next(p for p in page["parties"] if p["authority"] == "Aarhus Kommune")
    assert aarhus_row["child"] is None


def test_the_joint_process_exports_a_planning_release_and_children_link_to_it(driver):
    import json

    engine = driver.engine
    dj.build(driver)
    joint = json.loads(render(engine, "ocds", [driver.iid]))
    (planning,) = joint["releases"]
    assert planning["tag"] == ["planning"]
    assert planning["planning"]["budget"]["amount"]["amount"] == 62_000_000
    assert {p["name"] for p in planning["parties"] if "buyer" in p["roles"]} == set(dj.SIGNING)
    children = [i["id"] for i in engine.instances(model="innovation_partnership")]
    package = json.loads(render(engine, "ocds", children))
    for release in package["releases"]:
        (related,) = release["relatedProcesses"]
        assert related["relationship"] == ["planning"]
        assert related["identifier"] == planning["ocid"]


def test_a_designer_edits_the_decision_table_and_the_process_follows(joint_engine, clock,
                                                                      tmp_path):
    """The deployed DMN decides: with rule 1 edited in a copy of the model (no code
    change), the same facts no longer lead to an innovation partnership."""
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    dmn = folder / "joint_scaling" / "path_choice.dmn"
    head, rule_1 = dmn.read_text().split('<rule id="rule_1">')
    rule_1 = rule_1.replace('"Innovationspartnerskab"</text>', '"Udbud med forhandling"</text>',
                            1).replace('"innovation_partnership"', '"negotiated"', 1)
    dmn.write_text(head + '<rule id="rule_1">' + rule_1)
    joint_engine.deploy(folder)
    d = dj.JointDriver(joint_engine, clock)
    d.at(dj.STARTED)
    d.start()
    dj.through_declaration(d)
    d.at("2024-09-02")
    d.do("Oplys fakta om egen anskaffelse", "aalborg", dj.facts())
    assert [t.title for t in joint_engine.tasks(user="aalborg")] == [
        "Registrer egen anskaffelse"]


def test_the_scenario_from_a_cold_engine_at_every_step_replays_and_verifies(joint_engine,
                                                                            clock):
    """Every verb on a new engine with a cold model registry (a second worker, a CLI
    call): the multi-instance answers, the call activity per signatory and the child
    start all continue; afterwards every instance replays identically and its audit
    chain verifies."""
    from engine.replay import replay
    from tests.helpers import ColdEngine

    cold = ColdEngine(joint_engine)
    d = dj.JointDriver(cold, clock)
    d.at(dj.STARTED)
    d.start()
    dj.build(d)
    page = joint_engine.joint_process(d.iid, "copi")
    assert len(page["children"]) == 2
    for instance in joint_engine.instances():
        assert joint_engine.verify(instance["id"]).ok
        report = replay(joint_engine, instance["id"])
        assert report.identical and report.replayed == report.last_seq, report


def test_a_partnership_is_not_a_joint_process(joint_engine):
    iid = joint_engine.start("innovation_partnership", "indkob", {})
    with pytest.raises(NotFound, match="not a joint process"):
        joint_engine.joint_process(iid, "indkob")

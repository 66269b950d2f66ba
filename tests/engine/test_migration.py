"""Moving running instances to a newer model version: a compatible change migrates and
the instance completes on the new version; an incompatible one is refused with the reason
and changes nothing; replay and verify still hold across the migration. Only designers
of the instance's authority may do it."""
from __future__ import annotations

import pytest

from engine import replay, specs
from engine.errors import Forbidden, NotFound
from tests.conftest import DATA
from tests.helpers import ColdEngine, dump

ROUNDS = "rounds.bpmn"


@pytest.fixture
def deployed(engine):
    engine.deploy(DATA / "rounds")
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("dina", "Region Hovedstaden", ["designer"])
    engine.add_user("dirk", "Region Sjælland", ["designer"])
    return engine


def version_with(engine, old: str, new: str, closing: tuple[str, str] | None = None) -> str:
    files = specs.read_files(DATA / "rounds")
    assert old in files[ROUNDS]
    text = files[ROUNDS]
    start = text.index(old)
    if closing:  # the element's end tag too (the first one after it)
        end = text.index(closing[0], start)
        text = text[:end] + closing[1] + text[end + len(closing[0]):]
    files[ROUNDS] = text.replace(old, new)
    result = engine.save_model("rounds", files, "dina")
    assert result["deployed"], result["problems"]
    return result["version"]


def one_round(engine, iid, done=False):
    (task,) = engine.tasks(instance_id=iid)
    engine.complete(task.id, "anna", {"done": done, "items": ["x"]})


def test_a_compatible_change_migrates_and_the_instance_completes(deployed):
    iid = deployed.start("rounds", "anna")
    old = deployed.show(iid)["version"]
    one_round(deployed, iid)
    new = version_with(deployed, 'name="Gennemgå punkt"', 'name="Gennemgå punktet grundigt"')
    preview = deployed.migrate(iid, new, "dina", dry_run=True)
    assert preview["possible"] and preview["refusals"] == []
    assert "Gennemgå punktet grundigt (review)" in preview["changed"]
    assert deployed.show(iid)["version"] == old  # a dry run changes nothing
    done = deployed.migrate(iid, new, "dina", reason="Tydeligere opgavenavn")
    assert done["migrated"] and deployed.show(iid)["version"] == new
    event = deployed.history(iid)[-1]
    assert (event["kind"], event["actor"]) == ("migrated", "dina")
    assert event["data"] == {"from_version": old, "to_version": new,
                             "reason": "Tydeligere opgavenavn"}
    cold = ColdEngine(deployed)  # continued by another process after the migration
    one_round(cold, iid, done=True)
    (task,) = cold.tasks(instance_id=iid)
    assert task.title == "Gennemgå punktet grundigt"
    cold.complete(task.id, "anna", {"verdict": "ok"})
    assert cold.show(iid)["status"] == "completed"
    assert replay.replay(deployed, iid).identical
    assert deployed.verify(iid).ok


def test_an_incompatible_change_is_refused_with_the_reason_and_changes_nothing(deployed):
    iid = deployed.start("rounds", "anna")
    new = version_with(deployed, '<bpmn:userTask id="round" name="Gennemfør runde">',
                       '<bpmn:manualTask id="round" name="Gennemfør runde">',
                       closing=("</bpmn:userTask>", "</bpmn:manualTask>"))
    before = dump(deployed)
    result = deployed.migrate(iid, new, "dina", reason="prøv")
    assert result["possible"] is False and not result.get("migrated")
    assert any("Gennemfør runde" in r and "another kind" in r for r in result["refusals"])
    assert dump(deployed) == before


def test_only_designers_of_the_authority_migrate(deployed):
    iid = deployed.start("rounds", "anna")
    new = version_with(deployed, 'name="Gennemgå punkt"', 'name="Punkt"')
    before = dump(deployed)
    with pytest.raises(Forbidden):
        deployed.migrate(iid, new, "anna", reason="x")
    with pytest.raises(NotFound):
        deployed.migrate(iid, new, "dirk", reason="x")
    assert dump(deployed) == before


def test_a_designer_cannot_see_or_change_another_authoritys_versions(deployed):
    mine = version_with(deployed, 'name="Gennemgå punkt"', 'name="Punkt"')
    with pytest.raises(NotFound):
        deployed.model_files("rounds", mine, "dirk")
    assert all(not v["own"] for m in deployed.designer_models("dirk")
               for v in m["versions"])
    files = specs.read_files(DATA / "rounds")
    with pytest.raises(NotFound):
        deployed.save_model("rounds", files, "dirk")
    # a new instance in another authority still starts on the version from the files
    deployed.add_user("sune", "Region Sjælland", ["Indkøb"])
    iid = deployed.start("rounds", "sune")
    assert deployed.show(iid)["version"] != mine


def test_an_invalid_model_is_kept_as_a_draft_and_never_deployed(deployed):
    files = specs.read_files(DATA / "rounds")
    files[ROUNDS] = files[ROUNDS].replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="review.schema.json" />',
        "")
    versions = len(deployed.designer_models("dina")[0]["versions"])
    result = deployed.save_model("rounds", files, "dina")
    assert result["deployed"] is False
    assert [(p["element"], p["message"]) for p in result["problems"]] == [
        ("review", "the user task names no form")]
    assert len(deployed.designer_models("dina")[0]["versions"]) == versions
    assert deployed.model_draft(result["draft"], "dina")["problems"] == result["problems"]


def test_export_model_writes_the_files_back(deployed, tmp_path):
    written = deployed.export_model("rounds", None, tmp_path / "out")
    assert sorted(p.name for p in written) == ["review.schema.json", "round.schema.json",
                                               "rounds.bpmn"]
    assert specs.read_files(tmp_path / "out") == specs.read_files(DATA / "rounds")

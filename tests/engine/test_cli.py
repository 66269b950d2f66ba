"""The `opiflow` command end to end, on a real database file."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from engine.cli import main
from tests.conftest import DATA


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(DATA))
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output + result.stderr
        return result

    return invoke


def test_a_task_from_deploy_to_completion(run, tmp_path):
    run("init-db")
    assert "new version" in run("deploy").output
    assert "unchanged" in run("deploy").output
    models = json.loads(run("models", "--json").output)
    assert {m["model"] for m in models} >= {"purchase_request", "timer"}
    run("users", "add", "anna", "--authority", "Region Hovedstaden", "--groups", "Indkøb")
    iid = run("start", "purchase_request", "--as", "anna", "--data", '{"title": "CLI"}')\
        .output.strip()
    tasks = json.loads(run("tasks", "--as", "anna", "--json").output)
    assert [t["name"] for t in tasks] == ["register"]
    run("claim", tasks[0]["id"], "--as", "anna")
    data = tmp_path / "data.json"
    data.write_text('{"item": "Robot", "amount": 500}')
    out = run("complete", tasks[0]["id"], "--as", "anna", "--data", f"@{data}").output
    assert "completed" in out
    shown = json.loads(run("show", iid, "--json").output)
    assert shown["status"] == "completed" and shown["data"]["category"] == "small"
    listed = json.loads(run("instances", "--status", "completed", "--json").output)
    assert [i["id"] for i in listed] == [iid]
    assert "0 instance(s) moved" in run("tick", "--now", "2030-01-01T00:00").output


def test_refusals_exit_non_zero_with_one_line(run):
    run("init-db")
    run("deploy")
    result = run("start", "nope", "--as", "anna", ok=False)
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    result = run("complete", "nope", "--as", "anna", "--data", "{not json", ok=False)
    assert "not valid JSON" in result.stderr
    assert "not an ISO time" in run("tick", "--now", "tomorrow", ok=False).stderr


def test_validate_lists_every_problem(run, tmp_path):
    import shutil

    folder = tmp_path / "timer"
    shutil.copytree(DATA / "timer", folder)
    bpmn = folder / "timer.bpmn"
    text = bpmn.read_text()
    text = text.replace('value="sign.schema.json"', 'value="nope.schema.json"')
    text = text.replace('<bpmndi:BPMNEdge id="f4_di"', '<bpmndi:BPMNEdge id="f4_di_x" ')
    text = text.replace('bpmnElement="f4"', 'bpmnElement="f4_gone"')
    bpmn.write_text(text)
    (folder / "forms" / "notify.schema.json").write_text('{"type": "object", "required": 5}')
    result = run("validate", folder, "--json", ok=False)
    problems = json.loads(result.output)
    found = {(p["file"], p["element"]) for p in problems}
    assert ("forms/notify.schema.json", None) in found
    assert len(problems) >= 2
    assert all(p["fix"] for p in problems)
    assert run("validate", DATA).output.strip() == "no problems found"


def test_scoring_command(run, tmp_path):
    model = tmp_path / "model.json"
    tenders = tmp_path / "tenders.json"
    model.write_text(json.dumps({
        "scale_max": 10, "weights": {"quality": 70, "price": 30},
        "quality_criteria": [{"id": "losning", "name": "Løsning", "weight": 100}],
        "price_model": {"kind": "fixed_anchor", "price_for_max": 500000,
                        "price_for_zero": 1500000}, "tie_break": "quality"}))
    tenders.write_text(json.dumps([
        {"bidder": "A", "price": 650000, "scores": {"losning": 8}},
        {"bidder": "B", "price": 500000, "scores": {"losning": 6}}]))
    results = json.loads(run("score", "--model", model, "--tenders", tenders, "--json").output)
    # A: Q 8, P = 10·(1.5M−0.65M)/(1.5M−0.5M) = 8.5, T = 0.7·8 + 0.3·8.5 = 8.15
    # B: Q 6, P 10, T = 0.7·6 + 0.3·10 = 7.2
    assert [(r["bidder"], r["rank"]) for r in results] == [("A", 1), ("B", 2)]
    assert results[0]["total"] == pytest.approx(8.15)
    assert "8.15" in run("score", "--model", model, "--tenders", tenders).output
    tenders.write_text(json.dumps([{"bidder": "A", "price": 0, "scores": {"losning": 8}}]))
    assert "price" in run("score", "--model", model, "--tenders", tenders, ok=False).stderr


def test_every_setting_is_in_the_readme():
    from engine.config import ROOT, SETTINGS

    readme = (ROOT / "README.md").read_text()
    missing = [s.name for s in SETTINGS if s.name not in readme]
    assert not missing, f"settings not documented in README.md: {missing}"

"""Joint public scaling from the command line: the facilitator and each authority do
their part with `opiflow tasks` and `opiflow complete`; `opiflow joint` shows where it
stands as each of them may see it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import demo_joint as dj
from engine.cli import main

WORKFLOWS = Path(__file__).parent.parent.parent / "workflows"


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(WORKFLOWS))
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output + result.stderr
        return result

    return invoke


def test_the_joint_scenario_from_the_command_line(run, tmp_path):
    run("init-db")
    run("deploy")
    run("users", "add", "copi", "--authority", "CO-PI", "--groups", "Facilitator")
    for authority, user in dj.INVITED.items():
        run("users", "add", user, "--authority", authority, "--groups", "Deltager,Indkøb")
    run("users", "add", "sjaelland", "--authority", "Region Sjælland", "--groups", "Indkøb")
    iid = run("start", "joint_scaling", "--as", "copi", "--data",
              json.dumps({"title": dj.TITLE})).output.strip()

    def do(title: str, user: str, data: dict) -> None:
        tasks = json.loads(run("tasks", "--as", user, "--json").output)
        task = next(t for t in tasks if t["title"] == title)
        path = tmp_path / "data.json"
        path.write_text(json.dumps(data, ensure_ascii=False))
        run("complete", task["id"], "--as", user, "--data", f"@{path}")

    do("Registrer innovationsbehovet", "copi", dj.need())
    do("Inviter myndigheder", "copi", {"invited_authorities": list(dj.INVITED),
                                       "invited_on": dj.STARTED})
    for authority, user in dj.INVITED.items():
        joins = authority in dj.JOINING
        do("Svar på invitationen", user, {"answer": {
            "join": joins, **({"units_per_year": 100} if joins else {"reason": "Nej tak."})}})
    do("Fælles behovsafdækning", "copi", {"workshops": [
        {"held_on": "2023-06-01", "title": "Workshop", "outcomes": "Fælles udfordringer."}]})
    # an answer to one supplier only is refused with one line, and nothing changes
    unequal = dj.market_dialogue()
    unequal["questions"][1]["published_to"] = ["Abena A/S"]
    path = tmp_path / "unequal.json"
    path.write_text(json.dumps(unequal, ensure_ascii=False))
    (task,) = json.loads(run("tasks", "--as", "copi", "--json").output)
    refused = run("complete", task["id"], "--as", "copi", "--data", f"@{path}", ok=False)
    assert "one supplier alone" in refused.stderr and "Traceback" not in refused.stderr
    do("Fælles markedsdialog", "copi", dj.market_dialogue())
    do("Fælles behovsbeskrivelse", "copi", {"version": 1, "need_description": "Behovet.",
                                            "requirements": [{"id": "K1", "text": "Krav"}]})
    for authority in dj.JOINING:
        do("Bekræft behovsbeskrivelsen", dj.INVITED[authority],
           {"confirmation": {"confirmed": True}})
    for authority in dj.JOINING:
        do("Underskriv hensigtserklæringen", dj.INVITED[authority],
           {"signature": {"signed": authority in dj.SIGNING}})
    do("Offentliggør hensigtserklæringen", "copi", {"published_on": "2024-04-15",
                                                    "published_where": "co-pi.dk"})
    do("Oplys fakta om egen anskaffelse", "aalborg", dj.facts())
    do("Start eget innovationspartnerskab", "aalborg", {
        "partnership_title": "Inkontinens i Aalborg", "start_on": "2024-09-02"})

    seen = run("joint", iid, "--as", "copi").output
    assert "party: Vejle Kommune: declined" in seen
    assert "party: Aalborg Kommune: signatory  (signed)" in seen
    assert "child: Aalborg Kommune: innovation_partnership running" in seen
    assert "demand: 4 authorities, 400 units" in seen
    page = json.loads(run("joint", iid, "--as", "aalborg", "--json").output)
    (child,) = page["children"]
    assert page["view"] == "participant" and child["id"]
    assert json.loads(run("show", child["id"], "--json").output)["data"][
        "joint_process"] == iid
    for outsider in ("vejle", "sjaelland"):
        result = run("joint", iid, "--as", outsider, ok=False)
        assert result.stderr.startswith("error: ") and dj.TITLE not in result.stderr

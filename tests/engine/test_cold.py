"""Loops and multi-instance activities continued by another process: a new engine with a
cold model registry (as a second web worker, a command-line call or a restart has) must
finish what the first one started."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.runtime import Engine
from tests.conftest import DATA


@pytest.fixture
def deployed(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.add_user("lars", "Region Hovedstaden", ["Ledelse", "Evaluering", "Jura"])
    return engine


def cold(engine) -> Engine:
    """Another engine on the same database, as a second process would have it: its
    model registry starts empty."""
    return Engine(engine.database_url, workflows_dir=DATA, clock_fn=engine.clock)


def test_a_parallel_multi_instance_finishes_in_another_process(deployed):
    iid = deployed.start("assessments", "anna",
                         {"applicants": [{"name": n} for n in ("A", "B", "C")]})
    for task in deployed.tasks(user="lars", instance_id=iid):
        other = cold(deployed)
        other.complete(task.id, "lars", {"assessment": {"name": task.item,
                                                        "qualified": task.item != "B"}})
        other.sql.dispose()
    shown = cold(deployed).show(iid)
    assert shown["status"] == "completed"
    assert shown["data"]["qualified"] == ["A", "C"]


def test_a_standard_loop_and_a_sequential_multi_instance_finish_in_other_processes(deployed):
    iid = deployed.start("rounds", "anna")
    for n in range(3):
        (task,) = cold(deployed).tasks(instance_id=iid)
        assert task.name == "round [child]"
        cold(deployed).complete(task.id, "anna", {"done": n == 2, "items": ["x", "y"]})
    for expected in ("x", "y"):
        (task,) = cold(deployed).tasks(instance_id=iid)
        assert (task.name, task.item) == ("review [child]", expected)
        cold(deployed).complete(task.id, "anna", {"verdict": f"ok {expected}"})
    shown = cold(deployed).show(iid)
    assert shown["status"] == "completed", shown["open_tasks"]
    assert shown["data"]["reviewed"] == ["ok x", "ok y"]
    assert [e["kind"] for e in deployed.history(iid)] == ["started"] + ["completed"] * 5


def test_a_loop_is_continued_from_the_command_line(deployed, tmp_path):
    """A real second process: `opiflow complete` on a loop started in this one."""
    iid = deployed.start("rounds", "anna")
    env = {**os.environ, "DATABASE_URL": deployed.database_url,
           "OPIFLOW_WORKFLOWS": str(DATA)}
    for done in (False, True):
        (task,) = deployed.tasks(instance_id=iid)
        result = subprocess.run(
            [str(Path(sys.executable).parent / "opiflow"), "complete", task.id, "--as", "anna",
             "--data", json.dumps({"done": done, "items": ["x"]})],
            env=env, capture_output=True, text=True, cwd=Path(__file__).parents[2])
        assert result.returncode == 0, result.stderr
    (task,) = deployed.tasks(instance_id=iid)
    assert (task.name, task.item) == ("review [child]", "x")

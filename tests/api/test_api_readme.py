"""The README's curl example runs against a real server and does what it says."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine import demo
from webui import create_app

ROOT = Path(__file__).parent.parent.parent


def _example() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## The REST API"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return "\n".join(line for line in block.splitlines()
                     if not line.startswith(("TOKEN=", "API=")))


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="curl, jq")
def test_the_readme_example_starts_a_procedure_and_completes_its_first_task(engine):
    engine.deploy(ROOT / "workflows")
    demo.add_users(engine)
    token = engine.create_token("indkob", "readme")
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "SECRET_KEY": "test"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", _example()],
                             capture_output=True, text=True, timeout=60, env={
                                 "PATH": "/usr/bin:/bin", "TOKEN": token,
                                 "API": f"http://127.0.0.1:{server.server_port}/api/v1"})
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr
    [instance] = engine.instances()
    assert instance["title"] == "Hjemmemonitorering"
    kinds = [(e["kind"], e["actor"]) for e in engine.history(instance["id"])]
    assert kinds == [("started", "indkob (token: readme)"),
                     ("completed", "indkob (token: readme)")]
    completed = json.loads(run.stdout)
    assert completed["data"]["need"] == "Overvågning af patienter i eget hjem"
    assert "Overvågning" in run.stdout  # Danish letters as they are

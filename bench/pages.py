"""Benchmark: the staff pages on the demo data, through the Flask test client. Prints
figures; asserts nothing.

    .venv/bin/python bench/pages.py [--runs 20]

Loads the demo (three partnerships) into a fresh SQLite database, logs in as the
procurement officer and times each page: median and max of the runs after one warm-up.
Target for the task list: under 100 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import demo  # noqa: E402
from engine.runtime import Engine  # noqa: E402

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
PAGES = ["/tasks", "/tasks?lane=Indkøb&due=week", "/instances", "/instances?q=alfa",
         "/portfolio", "/lessons"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = Engine(url, WORKFLOWS)
        engine.init_db()
        engine.deploy()
        demo.load(url, WORKFLOWS, today=date.today())
        from webui import create_app

        app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "SECRET_KEY": "b",
                          "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": f"{tmp}/up"})
        client = app.test_client()
        client.post("/login", data={"username": "indkob", "password": demo.PASSWORD})
        for page in PAGES:
            assert client.get(page).status_code == 200, page
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get(page)
                times.append((time.perf_counter() - t) * 1000)
            print(f"{page:<32} median {statistics.median(times):6.1f} ms   "
                  f"max {max(times):6.1f} ms")
        engine.sql.dispose()


if __name__ == "__main__":
    main()

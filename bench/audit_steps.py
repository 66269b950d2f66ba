"""Benchmark: the auditor's step-through on a long partnership. Prints figures; asserts
nothing.

    .venv/bin/python bench/audit_steps.py [--steps 10]

Builds the demo's partnership under its purchase contract (need to call-offs) on SQLite,
then times one step page (GET /audit/<id>?step=N through the Flask test client):
  before: what each step cost when every page replayed the whole history twice
          (steps with patches, then the verifying replay), measured by calling the same
          two functions per step;
  after:  the page as it is now: the first view replays once, each later step reads the
          kept steps and checks the hash chain again.
Target: at most 300 ms per step on a 100-event instance.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import demo  # noqa: E402
from engine import replay as replaying  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.runtime import Engine  # noqa: E402

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"


def build(url: str) -> tuple[Engine, str]:
    today = date(2026, 11, 30)
    clock = FixedClock(datetime(2024, 1, 1, 9, 0))
    engine = Engine(url, WORKFLOWS, clock_fn=clock)
    engine.init_db()
    engine.deploy()
    demo.add_users(engine)
    d = demo.Driver(engine, clock)
    d.at(today - timedelta(days=1000))
    d.start("indkob", "Benchmark")
    demo.in_purchase(d, today)
    for n in range(3, 52):  # more call-offs: about 100 events in all
        day = today + timedelta(days=7 * n)
        d.at(day)
        d.do("Registrer afkald", "indkob", {
            "call_off_amount": 1_000_000, "call_off_date": str(day),
            "call_off_description": "Ekstra", "contract_closed": False})
    return engine, d.iid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine, iid = build(f"sqlite:///{tmp}/bench.db")
        events = engine.show(iid)["events"]
        from webui import create_app

        app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "SECRET_KEY": "b",
                          "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": f"{tmp}/up"})
        client = app.test_client()
        client.post("/login", data={"username": "revisor", "password": demo.PASSWORD})
        seqs = [1 + (events - 1) * k // max(args.steps - 1, 1) for k in range(args.steps)]

        before = []
        for _seq in seqs[:3]:
            t = time.perf_counter()
            replaying.steps(engine, iid, user="revisor")
            replaying.replay(engine, iid, user="revisor")
            before.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assert client.get(f"/audit/{iid}?step={seqs[0]}").status_code == 200
        first = (time.perf_counter() - t) * 1000
        after = []
        for seq in seqs:
            t = time.perf_counter()
            assert client.get(f"/audit/{iid}?step={seq}").status_code == 200
            after.append((time.perf_counter() - t) * 1000)
        print(f"instance with {events} events")
        print(f"before: per step {statistics.median(before):.0f} ms (median of {len(before)})")
        print(f"after:  first view {first:.0f} ms, then per step median "
              f"{statistics.median(after):.0f} ms, max {max(after):.0f} ms "
              f"({len(after)} steps; target <= 300 ms)")
        engine.sql.dispose()


if __name__ == "__main__":
    main()

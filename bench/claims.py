"""Benchmark: what comparing the open-task row costs a completion and a claim (issue 9,
defect 4). Prints figures side by side in one run; asserts nothing.

    .venv/bin/python bench/claims.py [--runs 3] [--database-url URL]

"without" runs the same verbs with the row compare switched off (the code before the
fix: the row read once and trusted), "with" is the code as it is. The runs alternate
instance by instance, so both see the same database and caches.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import claims  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.runtime import Engine  # noqa: E402

DATA = Path(__file__).parent / "data"
MODEL = "bench_steps"
ITEMS = [{"n": i} for i in range(5)]


def one_instance(engine: Engine, compare: bool, claim_times: list, complete_times: list):
    hold, take = claims.hold_for_completion, claims.take
    if not compare:
        claims.hold_for_completion = lambda s, row, who: None
        claims.take = lambda s, row, who: setattr(row, "assignee", who.name)
    try:
        iid = engine.start(MODEL, "bench", {"items": ITEMS})
        while open_tasks := engine.tasks(instance_id=iid, limit=1):
            started = time.perf_counter()
            engine.claim(open_tasks[0].id, "bench")
            claim_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            engine.complete(open_tasks[0].id, "bench", {"note": "ok", "result": "ok"})
            complete_times.append(time.perf_counter() - started)
    finally:
        claims.hold_for_completion, claims.take = hold, take


def ms(values: list[float]) -> str:
    return (f"mean {statistics.mean(values) * 1000:.2f} ms, "
            f"median {statistics.median(values) * 1000:.2f} ms, n={len(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        engine = Engine(url, DATA, FixedClock(datetime(2026, 3, 2, 9, 0)))
        engine.init_db()
        engine.deploy(DATA / MODEL)
        engine.add_user("bench", "Region 0", ["Indkøb"])
        print(f"database: {engine.sql.url.render_as_string(hide_password=True)}")
        times = {True: ([], []), False: ([], [])}
        one_instance(engine, True, [], [])  # warm caches
        for _ in range(args.runs):
            for compare in (False, True):
                one_instance(engine, compare, *times[compare])
        for label, compare in (("without the row compare", False),
                               ("with the row compare   ", True)):
            claim_times, complete_times = times[compare]
            print(f"{label}: claim {ms(claim_times)}; complete {ms(complete_times)}")
        engine.sql.dispose()


if __name__ == "__main__":
    main()

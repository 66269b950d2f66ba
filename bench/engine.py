"""Benchmark: the cost of one task completion through opiflow vs. bare SpiffWorkflow,
and one task-list query with 10,000 and 100,000 running instances. Prints figures;
asserts nothing.

    .venv/bin/python bench/engine.py [--instances 10000,100000] [--database-url URL]

The model has 5 parallel multi-instance user tasks and 50 sequential ones. opiflow's
step is the whole verb: load the row, deserialize, validate the form, complete, run
engine steps, serialize, write the row, the open-task index and one audit event, commit.
The bare step is deserialize, complete, engine steps, serialize, in memory, with
SpiffWorkflow's own serializer (it converts the spec on every save and load; opiflow
reuses the specs of a version it has parsed, see engine/workflow.py).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from engine.clock import FixedClock  # noqa: E402
from engine.models import Authority, Instance, OpenTask  # noqa: E402
from engine.runtime import Engine  # noqa: E402

DATA = Path(__file__).parent / "data"
MODEL = "bench_steps"
ITEMS = [{"n": i} for i in range(5)]


def opiflow_steps(engine: Engine, runs: int) -> list[float]:
    """Seconds per completion, over every task of ``runs`` instances."""
    times = []
    for _ in range(runs):
        iid = engine.start(MODEL, "bench", {"items": ITEMS})
        while True:
            open_tasks = engine.tasks(instance_id=iid, limit=1)
            if not open_tasks:
                break
            started = time.perf_counter()
            engine.complete(open_tasks[0].id, "bench", {"note": "ok", "result": "ok"})
            times.append(time.perf_counter() - started)
    return times


def bare_steps(engine: Engine, runs: int) -> list[float]:
    """SpiffWorkflow alone: its own parser and serializer, no opiflow code in the loop."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DATA / MODEL / f"{MODEL}.bpmn"))
    spec = parser.get_spec(MODEL)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    times = []
    for _ in range(runs):
        wf = BpmnWorkflow(spec, script_engine=engine.script_engine)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update({"items": ITEMS})
        wf.do_engine_steps()
        state = serializer.serialize_json(wf)
        while True:
            started = time.perf_counter()
            wf = serializer.deserialize_json(state)
            wf.script_engine = engine.script_engine
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].data.update({"note": "ok", "result": "ok"})
            ready[0].run()
            wf.do_engine_steps()
            state = serializer.serialize_json(wf)
            times.append(time.perf_counter() - started)
    return times


def fill(engine: Engine, instances: int, authorities: int = 20, start: int = 0) -> None:
    """Insert ``instances`` running instances with one open task each, in bulk (their
    stored state is a stub: the task list reads only the open-task index)."""
    template = engine.start(MODEL, "bench", {"items": ITEMS})
    with engine.uow() as uow:
        s = uow.session
        row = s.get(Instance, template)
        for n in range(1, authorities):
            if s.scalar(select(Authority.id).where(Authority.name == f"Region {n}")) is None:
                s.add(Authority(name=f"Region {n}"))
        s.flush()
        ids = list(s.scalars(select(Authority.id).order_by(Authority.id)))
        now = row.created_at
        batch_i, batch_t = [], []
        for n in range(start, start + instances):
            iid = str(uuid.uuid4())
            auth = ids[n % len(ids)]
            batch_i.append(dict(id=iid, model=MODEL, model_version=row.model_version,
                                authority_id=auth, title=f"bench {n}", status="running",
                                phase="", state="{}", lock_version=1, created_at=now,
                                updated_at=now, started_by="bench", last_seq=0, last_hash=""))
            batch_t.append(dict(id=str(uuid.uuid4()), instance_id=iid, authority_id=auth,
                                model=MODEL, spec="parallel", title="Parallel", lane="Indkøb",
                                form="step.schema.json", created_at=now, phase="",
                                due_at=now if n % 3 else None))
        s.execute(insert(Instance), batch_i)
        s.execute(insert(OpenTask), batch_t)
        uow.commit()


def ms(values: list[float]) -> str:
    return (f"mean {statistics.mean(values) * 1000:.2f} ms, "
            f"median {statistics.median(values) * 1000:.2f} ms, n={len(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="10000,100000",
                        help="running instances to measure the task list at, ascending")
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
        bare_steps(engine, 1)  # warm caches (parser, compiled scripts)
        ours = opiflow_steps(engine, args.runs)
        bare = bare_steps(engine, args.runs)
        print(f"opiflow task completion (load, complete, steps, save, index, audit, commit): "
              f"{ms(ours)}")
        print(f"bare SpiffWorkflow (deserialize, complete, steps, serialize): {ms(bare)}")
        print(f"ratio opiflow / bare: means {statistics.mean(ours) / statistics.mean(bare):.2f}"
              f", medians {statistics.median(ours) / statistics.median(bare):.2f}"
              f"  (target <= 1.2)")
        filled = 0
        for count in (int(n) for n in args.instances.split(",")):
            fill(engine, count - filled, start=filled)
            filled = count
            for label, kwargs in [("task list, one user, first page of 50", {"limit": 50}),
                                  ("task list, one user, all their tasks", {})]:
                times = []
                for _ in range(20):
                    started = time.perf_counter()
                    rows = engine.tasks(user="bench", **kwargs)
                    times.append(time.perf_counter() - started)
                print(f"{label} ({len(rows)} rows, {count} running instances): "
                      f"{ms(times)}  (target < 20 ms)")


if __name__ == "__main__":
    main()

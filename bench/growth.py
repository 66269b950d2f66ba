"""Benchmark: does one task completion get dearer as an instance's history grows?

Prints, for opiflow and for bare SpiffWorkflow side by side, the cost of one completion
and the stored state's size after 10, 100, 1,000 and 2,000 completed tasks on a
one-task standard loop (tests/data/rounds), and draws both as a PNG. Asserts nothing.

    .venv/bin/python bench/growth.py [--png test-output/growth.png] [--database-url URL]
                                     [--checkpoints 10,100,1000,2000] [--samples 5]
                                     [--unpruned] [--call-offs 10,50,100,200]

``--unpruned`` adds opiflow with the pruning of engine/pruning.py switched off (the
state as earlier releases kept it, less the embedded spec): the before, in the same run.
``--call-offs`` also measures the real purchase contract of the innovation partnership
(the demo's partnership in its purchase phase), pruned and unpruned, after that many
call-offs ("Registrer afkald": a loop over an embedded sub-process).

opiflow's completion is the whole verb (load the row, deserialize, validate, complete,
run the engine steps, serialize, write the row, the open-task index and one audit event,
commit). The bare step is SpiffWorkflow's own deserialize, complete, engine steps,
serialize, in memory, with its own parser and serializer (the spec stays in every state).
The PNG needs matplotlib: `pip install -e '.[bench]'`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine import pruning  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.models import Instance  # noqa: E402
from engine.runtime import Engine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MODEL = "rounds"
ROUND = {"done": False}


@contextmanager
def unpruned():
    """opiflow with engine/pruning.py switched off."""
    original = pruning.prune
    pruning.prune = lambda dct, carried: None
    try:
        yield
    finally:
        pruning.prune = original


def stored_size(engine: Engine, iid: str) -> int:
    with engine.uow() as uow:
        return len(uow.session.get(Instance, iid).state.encode())


def opiflow_growth(engine: Engine, checkpoints: list[int], samples: int,
                   label: str = "opiflow") -> list[tuple]:
    """(completed tasks, median ms of the next ``samples`` completions, stored bytes)."""
    iid = engine.start(MODEL, "bench")
    done, rows = 0, []

    def step() -> float:
        (task,) = engine.tasks(instance_id=iid)
        started = time.perf_counter()
        engine.complete(task.id, "bench", ROUND)
        return time.perf_counter() - started

    for point in checkpoints:
        while done < point:
            step()
            done += 1
        size = stored_size(engine, iid)
        times = [step() for _ in range(samples)]
        done += samples
        rows.append((point, statistics.median(times) * 1000, size))
        print(f"  {label:<17} {point:>5} tasks: {rows[-1][1]:8.2f} ms  {size / 1000:9.1f} kB",
              flush=True)
    return rows


def call_off_growth(url: str, checkpoints: list[int], samples: int,
                    label: str) -> list[tuple]:
    """The purchase contract: (call-offs, median ms of one call-off, stored bytes)."""
    from engine import demo

    today = date(2026, 11, 30)
    clock = FixedClock(datetime(2026, 11, 30, 9, 0))
    engine = Engine(url, ROOT / "workflows", clock)
    engine.init_db()
    engine.deploy()
    demo.add_users(engine)
    driver = demo.Driver(engine, clock)
    driver.at(today - timedelta(days=1000))
    driver.start("indkob", f"{label} call-offs")
    demo.in_purchase(driver, today)
    done, rows = 2, []

    def call_off() -> float:
        nonlocal done
        day = today + timedelta(days=done)
        driver.at(day)
        (task,) = driver.open("Registrer afkald")
        started = time.perf_counter()
        engine.complete(task.id, "indkob", {
            "call_off_amount": 10_000, "call_off_date": str(day),
            "call_off_description": "Monitoreringer", "contract_closed": False})
        done += 1
        return time.perf_counter() - started

    for point in checkpoints:
        while done < point:
            call_off()
        size = stored_size(engine, driver.iid)
        times = [call_off() for _ in range(samples)]
        rows.append((point, statistics.median(times) * 1000, size))
        print(f"  {label:<17} {point:>5} call-offs: {rows[-1][1]:8.2f} ms "
              f"{size / 1000:9.1f} kB", flush=True)
    engine.sql.dispose()
    return rows


def bare_growth(script_engine, checkpoints: list[int], samples: int) -> list[tuple]:
    """The same for SpiffWorkflow alone; the rounds between checkpoints run in memory."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DATA / MODEL / f"{MODEL}.bpmn"))
    spec = parser.get_spec(MODEL)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    wf = BpmnWorkflow(spec, script_engine=script_engine)
    wf.do_engine_steps()
    done, rows = 0, []

    def complete(workflow) -> None:
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(ROUND)
        task.run()
        workflow.do_engine_steps()

    for point in checkpoints:
        while done < point:
            complete(wf)
            done += 1
        state = serializer.serialize_json(wf)
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            wf = serializer.deserialize_json(state)
            wf.script_engine = script_engine
            complete(wf)
            state = serializer.serialize_json(wf)
            times.append(time.perf_counter() - started)
        done += samples
        size = len(serializer.serialize_json(wf).encode())
        rows.append((point, statistics.median(times) * 1000, size))
        print(f"  {'bare SpiffWorkflow':<17} {point:>5} tasks: {rows[-1][1]:8.2f} ms  "
              f"{size / 1000:9.1f} kB", flush=True)
    return rows


def draw(series: dict[str, list[tuple]], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no PNG: matplotlib is missing (pip install -e '.[bench]')")
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for label, rows in series.items():
        xs = [r[0] for r in rows]
        left.plot(xs, [r[1] for r in rows], marker="o", label=label)
        right.plot(xs, [r[2] / 1000 for r in rows], marker="o", label=label)
    for axis, title, unit in ((left, "one completion", "ms (median)"),
                              (right, "stored state", "kB")):
        axis.set_xscale("log")
        axis.set_xlabel("completed tasks on a one-task loop")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, alpha=0.3)
        axis.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"PNG: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoints", default="10,100,1000,2000")
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--png", default=str(ROOT / "test-output" / "growth.png"))
    parser.add_argument("--unpruned", action="store_true")
    parser.add_argument("--call-offs", default="")
    args = parser.parse_args()
    checkpoints = [int(p) for p in args.checkpoints.split(",")]
    series: dict[str, list[tuple]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        engine = Engine(url, DATA, FixedClock(datetime(2026, 3, 2, 9, 0)))
        engine.init_db()
        engine.deploy(DATA / MODEL)
        engine.add_user("bench", "Region 0", ["Indkøb"])
        print(f"database: {engine.sql.url.render_as_string(hide_password=True)}")
        print(f"model: {MODEL} (a standard loop over one user task), median of "
              f"{args.samples} completions at each point")
        series["opiflow"] = opiflow_growth(engine, checkpoints, args.samples)
        if args.unpruned:
            with unpruned():
                series["opiflow, unpruned"] = opiflow_growth(
                    engine, checkpoints, args.samples, "opiflow, unpruned")
        series["bare SpiffWorkflow"] = bare_growth(engine.script_engine, checkpoints,
                                                   args.samples)
        engine.sql.dispose()
        calls: dict[str, list[tuple]] = {}
        if args.call_offs:
            points = [int(p) for p in args.call_offs.split(",")]
            print("purchase contract (innovation_partnership), one call-off per completion:")
            calls["opiflow"] = call_off_growth(f"sqlite:///{tmp}/calls.db", points,
                                               args.samples, "opiflow")
            with unpruned():
                calls["opiflow, unpruned"] = call_off_growth(
                    f"sqlite:///{tmp}/calls.db", points, args.samples, "opiflow, unpruned")
    table("tasks", series)
    ours = series["opiflow"]
    first, last = ours[0], ours[-1]
    print(f"opiflow after {last[0]} vs after {first[0]}: time x{last[1] / first[1]:.2f} "
          f"(target <= 1.5), size x{last[2] / first[2]:.2f} (target <= 2)")
    if calls:
        table("call-offs", calls)
    draw(series, Path(args.png))


def table(unit: str, series: dict[str, list[tuple]]) -> None:
    print(f"{unit:>9} | " + " | ".join(f"{label:>26}" for label in series))
    print(f"{'':>9} | " + " | ".join(f"{'ms':>12} {'kB':>13}" for _ in series))
    for i, (n, *_rest) in enumerate(next(iter(series.values()))):
        print(f"{n:>9} | " + " | ".join(f"{rows[i][1]:12.2f} {rows[i][2] / 1000:13.1f}"
                                        for rows in series.values()))


if __name__ == "__main__":
    main()

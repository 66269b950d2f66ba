"""Benchmark: the cost of one model script call before and after the script budget, the
cost a worker process would add instead, and how long a runaway takes to be stopped.
Prints figures; asserts nothing.

    .venv/bin/python bench/scripts.py [--calls 20000]

"before" is the environment as it was without a budget: RestrictedPython's default
policy and guards, the same scope handling (inlined below). "after" is
engine.scripting.RestrictedEnvironment: the budget transformer, guarded operators and
builtins, the per-call budget and the check that what a script leaves can be stored.
"worker process" is the round trip alone (send the task data, evaluate a constant,
send the data back) to one process of a multiprocessing pool: the floor of option (a).
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from RestrictedPython import compile_restricted_eval, compile_restricted_exec  # noqa: E402
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter  # noqa: E402
from RestrictedPython.Guards import (  # noqa: E402
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)

from engine import scripting  # noqa: E402
from engine.script_budget import BudgetExceeded, Limits  # noqa: E402


class Unbudgeted:
    """The environment before the budget (engine/scripting.py as it was)."""

    def __init__(self):
        builtins = dict(safe_builtins)
        builtins.update(scripting._EXTRA_BUILTINS)
        self.globals = {
            "__builtins__": builtins, "_getattr_": safer_getattr,
            "_getitem_": default_guarded_getitem, "_getiter_": default_guarded_getiter,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence, "_write_": full_write_guard,
            "_inplacevar_": lambda op, a, b: a + b if op == "+=" else a * b,
        }
        self.codes = {}

    def _code(self, text, mode):
        key = (text, mode)
        if key not in self.codes:
            compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
            self.codes[key] = compiler(text.strip() if mode == "eval" else text).code
        return self.codes[key]

    def evaluate(self, expression, context):
        scope = dict(self.globals)
        scope.update(context)
        return eval(self._code(expression, "eval"), scope)  # noqa: S307

    def execute(self, script, context):
        scope = dict(self.globals)
        scope.update(context)
        exec(self._code(script, "exec"), scope)  # noqa: S102
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key in self.globals or key.startswith("_") or callable(value):
                continue
            context[key] = value


def task_data() -> dict:
    """Task data of the size an innovation partnership carries mid-procedure."""
    applicants = [{"name": f"Firma {i}", "cvr": f"{10000000 + i}", "qualified": i % 3 != 0,
                   "contact": {"email": f"a{i}@example.dk", "phone": "12345678"}}
                  for i in range(12)]
    data = {f"field_{i}": f"værdi {i}" for i in range(30)}
    data.update(applicants=applicants, category="large", amount=2_500_000,
                assessments_by_applicant={a["name"]: {"score": 7, "note": "ok"}
                                          for a in applicants},
                tender_documents={"negotiation": {"rounds": 3},
                                  "development": {"phases": 2, "fee_per_phase": 500_000}})
    return data


WORK = [
    ("gateway condition", "eval", 'category == "large"'),
    ("DMN input entry", "eval", "(amount) == (2500000)"),
    ("model script", "exec",
     'assessments = [dict(assessments_by_applicant[a["name"]], applicant=a["name"]) '
     'for a in applicants]\nqualified = sorted(a["name"] for a in applicants '
     'if a["qualified"])\nround_numbers = list(range(1, tender_documents["negotiation"]'
     '["rounds"] + 1))'),
    ("loop of 10,000 steps", "exec",
     "total = 0\nfor i in range(10000):\n    total += i * 2\n"),
]


def per_call(env, mode, text, calls) -> float:
    """Median microseconds per call over five runs."""
    data = task_data()
    run = env.evaluate if mode == "eval" else env.execute
    run(text, dict(data))  # compile once, as the engine's cache does
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            run(text, dict(data))
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def _worker_eval(context):
    return context  # the data comes back: scripts change it in place


def worker_round_trip(calls) -> float:
    data = task_data()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pool.apply(_worker_eval, (data,))
        start = time.perf_counter()
        for _ in range(calls):
            pool.apply(_worker_eval, (data,))
        return (time.perf_counter() - start) / calls * 1e6


RUNAWAYS = [
    "while True: pass",
    "x = 10**10**10",
    "x = sum(range(10**13))",
    "x = str(10**10**9)",
    "x = 'a' * 10**10",
    "x = [0] * 10**9",
    "x = [[i * j for i in range(10**4)] for j in range(10**4)]",
    "items = []\nwhile True:\n    items.append('a' * 10**6)",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    before, after = Unbudgeted(), scripting.RestrictedEnvironment({})
    print(f"cost per script call, µs (median of 5 x {args.calls:,} calls)")
    print(f"{'work':24} {'before':>10} {'after':>10} {'change':>8}")
    for name, mode, text in WORK:
        calls = args.calls if "loop" not in name else max(args.calls // 200, 20)
        old, new = per_call(before, mode, text, calls), per_call(after, mode, text, calls)
        print(f"{name:24} {old:10.1f} {new:10.1f} {new / old:7.2f}x")
    trips = max(args.calls // 10, 200)
    print(f"{'worker process (option a)':24} {'':>10} {worker_round_trip(trips):10.1f}"
          "   round trip alone, no script run")
    limits = Limits(2.0, 64)
    env = scripting.RestrictedEnvironment({}, limits)
    print(f"\ntime until a runaway is stopped (budget {limits.seconds:g} s, "
          f"{limits.memory // 2**20} MB)")
    for script in RUNAWAYS:
        start = time.perf_counter()
        try:
            env.execute(script, {})
            outcome = "NOT STOPPED"
        except BudgetExceeded as err:
            outcome = str(err)[:60]
        print(f"{script.replace(chr(10), '; '):48.48} {time.perf_counter() - start:7.3f} s  "
              f"{outcome}")


if __name__ == "__main__":
    main()

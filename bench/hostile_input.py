"""Hostile input before and after, side by side in one run (prints figures, never asserts).

The "before" code is read from git (webui/forms.py and engine/passwords.py at BASE) and
run beside the current code on the same input:

1. a form whose row count says 10^4 .. 10^9 rows (``NAME.__rows``): time to parse;
2. a 5,000-digit number and an amount that becomes infinity: what a save would meet;
3. a wrong password for a known and for an unknown user name: time per answer.

    .venv/bin/python bench/hostile_input.py [--base 51497df]
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.datastructures import MultiDict  # noqa: E402

from engine import passwords  # noqa: E402
from webui import forms  # noqa: E402

SCHEMA = json.loads((ROOT / "tests/web/data/innovation_partnership/forms/"
                     "tender_documents.schema.json").read_text())
ROWS = "tender_documents.minimum_requirements.__rows"


def old_module(base: str, path: str, name: str) -> types.ModuleType:
    source = subprocess.run(["git", "show", f"{base}:{path}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType(name)
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(source, f"{base}:{path}", "exec"), module.__dict__)  # noqa: S102
    return module


def timed(fn) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        outcome = fn()
    except Exception as err:  # the figure is what happened, whatever it was
        outcome = f"{type(err).__name__}"
    return (time.perf_counter() - start) * 1000, str(outcome)[:60]


def new_parse(form):
    if forms.too_many_rows(form) is not None:
        return "refused (413) before parsing"
    return f"{len(forms.parse(SCHEMA, form).errors)} errors"


def bench_rows(old) -> None:
    print("1. row count of one table (parse only; the web adds the request around it)")
    print(f"   {'rows':>14} {'before ms':>12} {'after ms':>10}  after")
    per_row = 0.0  # ms, from the largest count measured: 10^9 is extrapolated
    for power in (4, 5, 6, 9):
        form = MultiDict({ROWS: str(10 ** power)})
        if power < 9:
            before, _ = timed(lambda form=form: old.parse(SCHEMA, form))
            before_text = f"{before:12.1f}"
            per_row = before / 10 ** power
        else:
            before_text = f"{'~' + format(per_row * 10 ** 9 / 1000 / 60, '.0f'):>8} min"
        after, outcome = timed(lambda form=form: new_parse(form))
        print(f"   {10 ** power:>14,} {before_text} {after:10.2f}  {outcome}")


def bench_numbers(old) -> None:
    print("2. numbers: what the save meets")
    for label, text in (("5,000 digits", "9" * 5000), ("becomes infinity",
                                                      "1" + "0" * 400 + ",5")):
        form = MultiDict({"tender_documents.development.fee_per_phase": text})

        def before(form=form):
            data = old.parse(SCHEMA, form).data
            value = data["tender_documents"]["development"]["fee_per_phase"]
            if isinstance(value, float) and not math.isfinite(value):
                return "inf reaches the database (PostgreSQL refuses it: 500)"
            return json.dumps(data)[:20]

        _ms, was = timed(before)
        _ms, now = timed(lambda form=form: forms.parse(SCHEMA, form).errors)
        print(f"   {label:>16}: before {was}; after {now}")


def bench_login(old) -> None:
    print("3. a wrong password (ms per answer, mean of 5)")
    stored = passwords.hash_password("korrekt hest batteri")
    for label, module in (("before", old), ("after", passwords)):
        known = sum(timed(lambda m=module: m.check_password(stored, "forkert"))[0]
                    for _ in range(5)) / 5
        unknown = sum(timed(lambda m=module: m.check_password(None, "forkert"))[0]
                      for _ in range(5)) / 5
        print(f"   {label:>6}: known user {known:7.1f}  unknown user {unknown:7.1f}  "
              f"ratio {known / max(unknown, 0.001):6.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="51497df", help="the commit to compare with")
    args = parser.parse_args()
    old_forms = old_module(args.base, "webui/forms.py", "old_forms")
    old_passwords = old_module(args.base, "engine/passwords.py", "old_passwords")
    bench_rows(old_forms)
    bench_numbers(old_forms)
    bench_login(old_passwords)


if __name__ == "__main__":
    main()

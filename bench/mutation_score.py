"""The mutation score of the domain rules, per file and in total, from mutmut's results.

Run after ``mutmut run`` (``make mutation`` does both). A mutant is *reached* when at
least one selected test runs the function it sits in; the score is killed / reached
(timeouts count as killed: the test noticed). Prints figures; asserts nothing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255, 37}   # killed, timed out, caught by type check
SURVIVED = {0}
NOT_REACHED = {5, 33}


def scores(root: Path) -> list[tuple[str, int, int, int, int]]:
    """(file, killed, survived, not reached, other) per mutated rule file."""
    rows = []
    for meta in sorted((root / "engine" / "rules").glob("*.py.meta")):
        codes = list(json.loads(meta.read_text())["exit_code_by_key"].values())
        if not codes:
            continue
        killed = sum(c in KILLED for c in codes)
        survived = sum(c in SURVIVED for c in codes)
        unreached = sum(c in NOT_REACHED for c in codes)
        rows.append((meta.name.removesuffix(".meta"), killed, survived, unreached,
                     len(codes) - killed - survived - unreached))
    return rows


def main(root: str = "mutants") -> None:
    rows = scores(Path(root))
    print(f"{'file':24} {'killed':>7} {'survived':>9} {'unreached':>10} {'other':>6} "
          f"{'score':>7}")
    total = [0, 0, 0, 0]
    for name, killed, survived, unreached, other in rows:
        reached = killed + survived
        score = f"{100 * killed / reached:.1f} %" if reached else "-"
        print(f"{name:24} {killed:7} {survived:9} {unreached:10} {other:6} {score:>7}")
        for i, n in enumerate((killed, survived, unreached, other)):
            total[i] += n
    reached = total[0] + total[1]
    score = f"{100 * total[0] / reached:.1f} %" if reached else "-"
    print(f"{'total':24} {total[0]:7} {total[1]:9} {total[2]:10} {total[3]:6} {score:>7}")


if __name__ == "__main__":
    main(*sys.argv[1:])

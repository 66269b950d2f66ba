"""Conflicts of interest (UBL § 4, Dir. art. 24).

Every evaluator declares, with each assessment, whether they have a conflict of
interest with the applicant or bidder assessed. The declaration goes into the audit log
with the assessment, so it is tied to the person who completed the task. A declared
conflict excludes that person from the assessment: the submission is refused and the
task goes to another evaluator.

A declaration is {"conflict": bool, "description": str}.
"""
from __future__ import annotations

from typing import Any

from engine.errors import RuleViolation


def check_declaration(declaration: Any, subject: str, field: str = "impartiality") -> None:
    """Refuse an assessment without a declaration, or by a person with a conflict."""
    if not isinstance(declaration, dict) or not isinstance(declaration.get("conflict"), bool):
        raise RuleViolation(
            "Declare whether you have a conflict of interest with {subject!r} "
            "before assessing (UBL § 4).",
            hint="Answer the declaration: no conflict, or describe the conflict.",
            field=f"{field}.conflict", subject=subject)
    if declaration["conflict"]:
        raise RuleViolation(
            "You declared a conflict of interest with {subject!r}: you are "
            "excluded from this assessment (UBL § 4, Dir. art. 24).",
            hint="Give the task back (unclaim it) so that an evaluator without a conflict "
                 "takes it, and tell the procurement lead, who records the measure.",
            field=f"{field}.conflict", subject=subject)


def declarations(assessments: list[dict]) -> dict[str, Any]:
    """A summary for the record: how many assessments carried a declaration, and any
    that declared a conflict (none can have been accepted)."""
    rows = [a.get("impartiality") for a in assessments if isinstance(a, dict)]
    declared = [d for d in rows if isinstance(d, dict)]
    return {"assessments": len(rows), "declared": len(declared),
            "conflicts": [d for d in declared if d.get("conflict")]}

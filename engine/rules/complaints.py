"""Complaints to Klagenævnet for Udbud (klagenævnsloven §§ 3, 6, 7, 12).

A complaint about the award decision filed within the standstill period has suspensive
effect: the contract may not be signed until the Board has decided whether the
complaint keeps that effect (KNL § 12, stk. 1-2). If the Board grants suspension, the
contract is not signed until the Board decides the case; if it refuses, signing may go
ahead. A complaint filed after the standstill does not suspend by itself.

A complaint is {"complainant": str, "filed_on": date, "subject": str,
"suspension": "pending" | "granted" | "refused", "decided_on": date | None,
"outcome": str}; "within_standstill" is computed, never typed in.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.errors import N_, RuleViolation
from engine.rules.deadlines import as_date

SUSPENSION = ("pending", "granted", "refused")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def register(complaints: Any, standstill_end: date | str) -> list[dict]:
    """The complaints checked and marked within or after the standstill; a new list."""
    if not isinstance(complaints, list):
        raise RuleViolation("The complaints must be a list.", field="complaints")
    end = as_date(standstill_end, "standstill_end")
    result = []
    for i, item in enumerate(complaints):
        field = f"complaints[{i}]"
        if not isinstance(item, dict):
            raise RuleViolation("{what} must be an object.", field=field, what=field)
        for key, what in (("complainant", N_("who complained")),
                          ("subject", N_("what about"))):
            if not _text(item.get(key)):
                raise RuleViolation("Complaint no. {n} does not say {what}.",
                                    hint="Register the complainant and the subject from "
                                         "the complaint.", field=f"{field}.{key}",
                                         n=i + 1, what=what)
        filed = as_date(item.get("filed_on") or "", f"{field}.filed_on")
        suspension = item.get("suspension", "pending")
        if suspension not in SUSPENSION:
            raise RuleViolation("Unknown suspension decision {suspension!r}.",
                                hint="Use pending, granted or refused.",
                                field=f"{field}.suspension", suspension=suspension)
        decided = item.get("decided_on")
        if suspension != "pending":
            decided = as_date(decided or "", f"{field}.decided_on").isoformat()
        result.append({**item, "filed_on": filed.isoformat(), "suspension": suspension,
                       "decided_on": decided, "within_standstill": filed <= end})
    return result


def check_signing(complaints: Any, standstill_end: date | str, signed: date | str) -> None:
    """KNL § 12: refuse signing while a complaint filed within the standstill waits for
    the Board's decision on suspension, or after the Board granted suspension."""
    day = as_date(signed, "contract_signed")
    for i, item in enumerate(register(complaints, standstill_end)):
        if not item["within_standstill"]:
            continue
        who = item["complainant"]
        if item["suspension"] == "pending" or as_date(item["decided_on"]) > day:
            raise RuleViolation(
                "The complaint from {who!r} was filed within the standstill "
                "period: the contract cannot be signed until Klagenævnet for "
                "Udbud has decided on suspension (klagenævnsloven § 12).",
                hint="Wait for the Board's decision on suspension and record it, with its "
                     "date, before signing.",
                field=f"complaints[{i}].suspension", who=who)
        if item["suspension"] == "granted":
            raise RuleViolation(
                "Klagenævnet for Udbud granted the complaint from {who!r} "
                "suspensive effect: the contract cannot be signed until the Board"
                " decides the case.",
                hint="Record the Board's decision on the case, or cancel the award.",
                field=f"complaints[{i}].suspension", who=who)

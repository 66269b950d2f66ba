"""Complaints to Klagenævnet for Udbud (klagenævnsloven §§ 3, 6, 7, 12).

A complaint about the award decision filed within the standstill period has suspensive
effect: the contract may not be signed until the Board has decided whether the
complaint keeps that effect (KNL § 12, stk. 1-2). If the Board grants suspension, the
contract is not signed until the Board decides the case; if it refuses, signing may go
ahead. A complaint filed after the standstill does not suspend by itself.

A complaint is {"complainant": str, "filed_on": date, "subject": str,
"suspension": "pending" | "granted" | "refused", "decided_on": date | None,
"outcome": str}; "within_standstill" is computed, never typed in.

A complaint is registered on its own (:func:`add`), at any time after the award
notification, and the Board's decision on suspension is recorded later (:func:`decide`).
Both return a new list: the procedure's register of complaints, which the signing check
(:func:`check_signing`) and the procurement report read.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.errors import N_, RuleViolation
from engine.rules.deadlines import as_date

SUSPENSION = ("pending", "granted", "refused")
FIELDS = ("complainant", "filed_on", "subject", "suspension", "decided_on", "outcome")


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


def add(complaints: Any, complaint: Any, standstill_end: date | str | None,
        today: date | str) -> list[dict]:
    """The register with ``complaint`` added: registered after the award notification
    (``standstill_end`` is known), filed no later than ``today``; its
    ``within_standstill`` is computed from the standstill end, never typed in."""
    if not standstill_end:
        raise RuleViolation(
            "A complaint can be registered only after the award decision has been "
            "notified: there is no standstill period yet.",
            hint="Register the complaint once the award notification has been sent; "
                 "before that, answer the bidder's questions in writing.",
            field="complaint")
    if not isinstance(complaint, dict):
        raise RuleViolation("The complaint must be an object.", field="complaint")
    unknown = sorted(set(complaint) - set(FIELDS))
    if unknown:
        raise RuleViolation("A complaint has no field {name!r}.",
                            hint="Use: {fields}.", field=f"complaint.{unknown[0]}",
                            name=unknown[0], fields=list(FIELDS))
    entry = {key: complaint[key] for key in FIELDS if complaint.get(key) is not None}
    entry.setdefault("suspension", "pending")
    existing = complaints if isinstance(complaints, list) else []
    checked = register([*existing, entry], standstill_end)
    new = checked[-1]
    if as_date(new["filed_on"]) > as_date(today, "today"):
        raise RuleViolation("The complaint is dated {filed_on}, in the future.",
                            hint="Register the complaint when it has been filed.",
                            field="complaint.filed_on", filed_on=new["filed_on"])
    return checked


def decide(complaints: Any, number: Any, decision: Any, standstill_end: date | str,
           today: date | str) -> list[dict]:
    """The register with Klagenævnet's decision on suspension (and, when known, the
    outcome of the case) recorded for complaint no. ``number`` (counted from 1)."""
    existing = complaints if isinstance(complaints, list) else []
    if isinstance(number, bool) or not isinstance(number, int) \
            or not 1 <= number <= len(existing):
        raise RuleViolation(
            "There is no complaint no. {number!r}.",
            hint="Choose one of the {count} registered complaints (1-{count})."
                 if existing else "Register the complaint first.",
            field="complaint", number=number, count=len(existing))
    if not isinstance(decision, dict):
        raise RuleViolation("The decision must be an object.", field="decision")
    suspension = decision.get("suspension")
    if suspension not in ("granted", "refused"):
        raise RuleViolation(
            "Unknown decision on suspension {suspension!r}.",
            hint="Record what Klagenævnet for Udbud decided: granted or refused.",
            field="decision.suspension", suspension=suspension)
    decided = as_date(decision.get("decided_on") or "", "decision.decided_on")
    if decided > as_date(today, "today"):
        raise RuleViolation("The decision is dated {decided_on}, in the future.",
                            hint="Record the decision when it has been made.",
                            field="decision.decided_on", decided_on=decided.isoformat())
    item = existing[number - 1]
    if decided < as_date(item.get("filed_on") or "", "filed_on"):
        raise RuleViolation(
            "The decision ({decided_on}) is dated before the complaint was filed "
            "({filed_on}).",
            hint="Check the date of Klagenævnet's decision.", field="decision.decided_on",
            decided_on=decided.isoformat(), filed_on=item["filed_on"])
    changed = dict(item, suspension=suspension, decided_on=decided.isoformat())
    outcome = decision.get("outcome")
    if isinstance(outcome, str) and outcome.strip():
        changed["outcome"] = outcome.strip()
    rows = [*existing[:number - 1], changed, *existing[number:]]
    return register(rows, standstill_end)

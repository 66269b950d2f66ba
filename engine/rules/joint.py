"""Joint public scaling (fællesoffentlig skalering): the rules of the shared steps.

Pure functions on JSON-like data. The thresholds are dated configuration: each period
applies from its first day until the next period begins (KFST publishes new figures
every two years).
"""
from __future__ import annotations

from datetime import date

from engine.errors import RuleViolation

from .deadlines import as_date

# Thresholds for supplies and services, DKK ex. VAT (KFST). Add a row when new figures
# are published; a period runs until the next one starts.
THRESHOLDS: tuple[dict, ...] = (
    {"from": "2024-01-01", "stat": 1_064_177, "region": 1_644_638, "kommune": 1_644_638},
)
AUTHORITY_KINDS = {"stat": "statslig myndighed", "region": "region", "kommune": "kommune"}

ROLES = ("need_owner", "invited", "participant", "signatory", "declined", "left")
READING_ROLES = ("need_owner", "invited", "participant", "signatory")


def threshold(kind: str, on: str | date) -> int:
    """The EU threshold for an authority of ``kind`` on the day ``on``."""
    if kind not in AUTHORITY_KINDS:
        raise RuleViolation(
            "Unknown kind of authority: {kind!r}.", field="authority_kind",
            hint="Choose state, region or municipality.", kind=kind)
    day = as_date(on, "decided_on")
    periods = [p for p in THRESHOLDS if date.fromisoformat(p["from"]) <= day]
    if not periods:
        raise RuleViolation(
            "There is no threshold value for {day}.", field="decided_on",
            hint="The threshold values apply from 1 January 2024; add the period in "
                 "engine/rules/joint.py.", day=day)
    return max(periods, key=lambda p: p["from"])[kind]


def above_threshold(value: float, kind: str, on: str | date) -> bool:
    """Whether an estimated value (DKK ex. VAT) reaches the threshold (UBL § 6)."""
    if value is None or value < 0:
        raise RuleViolation("The estimated value must be 0 DKK or more.",
                            field="estimated_value", hint="Give the value excluding VAT.")
    return value >= threshold(kind, on)


def total_demand(answers: dict) -> dict:
    """The demand gathered from the authorities that joined: units per year and budget."""
    joined = [a for a in answers.values() if a.get("join")]
    return {"participants": len(joined),
            "units_per_year": sum(int(a.get("units_per_year") or 0) for a in joined),
            "budget_per_year": sum(int(a.get("budget_per_year") or 0) for a in joined)}


def check_answer(answer: dict) -> None:
    """An authority that joins states its estimated demand; one that declines says why."""
    if answer.get("join"):
        if not answer.get("units_per_year") and not answer.get("budget_per_year"):
            raise RuleViolation(
                "An authority that takes part must estimate its demand.",
                field="units_per_year",
                hint="Give the units per year and/or the budget per year.")
    elif not str(answer.get("reason") or "").strip():
        raise RuleViolation("Say briefly why the authority does not take part.",
                            field="reason",
                            hint="The reason helps the facilitator with the next invitation.")


def check_suppliers(suppliers: list[dict]) -> list[str]:
    """Registered suppliers: each once, with a Danish CVR number (8 digits)."""
    names: list[str] = []
    cvrs: set[str] = set()
    for supplier in suppliers:
        name = str(supplier.get("name") or "").strip()
        cvr = str(supplier.get("cvr") or "").strip()
        if not name:
            raise RuleViolation("A supplier has no name.", field="suppliers",
                                hint="Write the supplier's name.")
        if not (len(cvr) == 8 and cvr.isdigit()):
            raise RuleViolation("The CVR number of {name} must be 8 digits.",
                                field="suppliers", hint="E.g. 12345678.", name=name)
        if name in names or cvr in cvrs:
            raise RuleViolation("{name} (CVR {cvr}) is registered twice.",
                                field="suppliers", hint="Register each supplier once.",
                                name=name, cvr=cvr)
        names.append(name)
        cvrs.add(cvr)
    return names


def check_equal_treatment(suppliers: list[dict], questions: list[dict]) -> None:
    """Everything shared in the market dialogue is shared with all registered suppliers
    alike: an answer given to some suppliers only is refused (UBL § 2, § 39-40)."""
    names = check_suppliers(suppliers)
    for n, qa in enumerate(questions, start=1):
        asked_by = str(qa.get("asked_by") or "").strip()
        if asked_by and asked_by not in names:
            raise RuleViolation(
                "Question {n} is asked by {asked_by}, who is not registered.",
                field="questions", hint="Register the supplier first.", n=n, asked_by=asked_by)
        if not str(qa.get("answer") or "").strip():
            continue
        published = {str(s).strip() for s in qa.get("published_to") or []}
        missing = [s for s in names if s not in published]
        unknown = sorted(published - set(names))
        if unknown:
            raise RuleViolation(
                "The answer to question {n} is sent to {names}, who are not "
                "registered.", field="questions",
                hint="Publish only to registered suppliers, and to all of them.",
                n=n, names=unknown)
        if missing:
            raise RuleViolation(
                "The answer to question {n} is not published to {names}: an "
                "answer is never given to one supplier alone (equal treatment).",
                field="questions",
                hint="Publish the question and the answer to all registered suppliers.",
                n=n, names=missing)

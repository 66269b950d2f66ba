"""Conflicts of interest (UBL § 4, Dir. art. 24).

Every evaluator declares, with each assessment, whether they have a conflict of
interest with the applicant or bidder assessed. The declaration goes into the audit log
with the assessment, so it is tied to the person who completed the task. A declared
conflict excludes that person from the assessment: the submission is refused and the
task goes to another evaluator.

A declaration is {"conflict": bool, "description": str}.

Besides the declaration with each assessment, the procedure keeps a register of the
people who take part in the assessment (:func:`declare`, :func:`name_adviser`):
evaluators and the external advisers named in the procedure. Each entry is
{"person", "role": "evaluator" | "adviser", "organisation", "named_on",
"declaration": None | {"declared_on", "conflict", "with", "description", "measures"}}.
A declared conflict must state the measures taken; it excludes the person from the
assessment tasks about the bidder it names ("with"), or all of them when it names
none (:func:`check_not_excluded`). An adviser named in the procedure declares before
any assessment is accepted (:func:`check_advisers_declared`).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.errors import N_, RuleViolation
from engine.rules.deadlines import as_date

ROLES = ("evaluator", "adviser")
ROLE_NAMES = {"evaluator": N_("evaluator"), "adviser": N_("adviser")}  # in a refusal
MINIMUM_TEXT = 15  # characters: a description or a measure says something
# the validators of the tasks that assess an applicant or a bidder
ASSESSMENT_TASKS = ("suitability", "tender_score", "conformity")


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


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _people(register: Any) -> list[dict]:
    return [p for p in register if isinstance(p, dict)] if isinstance(register, list) else []


def name_adviser(register: Any, adviser: Any, today: date | str) -> list[dict]:
    """The register with an external adviser named in the procedure (not yet declared)."""
    if not isinstance(adviser, dict):
        raise RuleViolation("The adviser must be an object.", field="adviser")
    person = _text(adviser.get("person"))
    if not person:
        raise RuleViolation("The adviser has no name.",
                            hint="Name the person who advises on the assessment.",
                            field="adviser.person")
    organisation = _text(adviser.get("organisation"))
    if not organisation:
        raise RuleViolation("The adviser {person!r} has no organisation.",
                            hint="Name the firm or body the adviser comes from.",
                            field="adviser.organisation", person=person)
    people = _people(register)
    if any(p.get("person") == person for p in people):
        raise RuleViolation("{person!r} is already named in the procedure.",
                            hint="Register the person's declaration instead.",
                            field="adviser.person", person=person)
    return [*people, {"person": person, "role": "adviser", "organisation": organisation,
                      "named_on": as_date(today, "today").isoformat(), "declaration": None}]


def declare(register: Any, declaration: Any, bidders: list[str], today: date | str
            ) -> list[dict]:
    """The register with ``declaration`` recorded for its person.

    ``declaration`` is {"person", "role", "conflict": bool, "with": bidder or "",
    "description", "measures", "declared_on"}. An evaluator not yet in the register is
    added; an adviser must have been named first. A conflict needs a description and the
    measures taken; "with" names a bidder or applicant of the procedure (or nobody: a
    conflict with the procedure as a whole)."""
    if not isinstance(declaration, dict):
        raise RuleViolation("The declaration must be an object.", field="declaration")
    person = _text(declaration.get("person"))
    if not person:
        raise RuleViolation("The declaration names nobody.",
                            hint="Name the evaluator or adviser who declares.",
                            field="declaration.person")
    role = declaration.get("role")
    if role not in ROLES:
        raise RuleViolation("Unknown role {role!r} for {person!r}.",
                            hint="Use evaluator or adviser.", field="declaration.role",
                            role=role, person=person)
    people = _people(register)
    found = [p for p in people if p.get("person") == person]
    if role == "adviser" and not found:
        raise RuleViolation(
            "{person!r} is not named as an adviser in the procedure.",
            hint="Name the adviser (with the organisation) first, then register the "
                 "declaration.", field="declaration.person", person=person)
    if found and found[0].get("role") != role:
        registered = str(found[0].get("role"))
        raise RuleViolation("{person!r} is registered as {registered}, not {role}.",
                            hint="Use the role the person has in the procedure.",
                            field="declaration.role", person=person,
                            registered=ROLE_NAMES.get(registered, registered),
                            role=ROLE_NAMES[role])
    conflict = declaration.get("conflict")
    if not isinstance(conflict, bool):
        raise RuleViolation("The declaration of {person!r} does not say whether there is "
                            "a conflict of interest (yes or no).",
                            hint="Answer: no conflict, or a conflict with its description.",
                            field="declaration.conflict", person=person)
    day = as_date(today, "today")
    declared_on = as_date(declaration.get("declared_on") or day, "declaration.declared_on")
    if declared_on > day:
        raise RuleViolation("The declaration is dated {declared_on}, in the future.",
                            hint="Register the declaration when it is made.",
                            field="declaration.declared_on",
                            declared_on=declared_on.isoformat())
    with_whom = _text(declaration.get("with"))
    entry: dict[str, Any] = {"declared_on": declared_on.isoformat(), "conflict": conflict}
    if conflict:
        if with_whom and with_whom not in bidders:
            raise RuleViolation(
                "{name!r} is not an applicant or bidder in the procedure.",
                hint="Name one of: {bidders}; or leave it empty for a conflict with the "
                     "procedure as a whole.",
                field="declaration.with", name=with_whom,
                bidders=list(bidders) or N_("none yet"))
        for key, what in (("description", N_("what the conflict is")),
                          ("measures", N_("the measures taken"))):
            if len(_text(declaration.get(key))) < MINIMUM_TEXT:
                raise RuleViolation(
                    "The declared conflict of {person!r} does not state {what}.",
                    hint="Describe the conflict and the measures taken (e.g. the person is "
                         "excluded from the assessment and replaced) in a few words: it "
                         "goes into the procurement report (UBL § 4, Dir. art. 24).",
                    field=f"declaration.{key}", person=person, what=what)
        entry.update({"with": with_whom, "description": _text(declaration["description"]),
                      "measures": _text(declaration["measures"])})
    if found:
        return [dict(p, declaration=entry) if p is found[0] else p for p in people]
    return [*people, {"person": person, "role": role, "organisation": "",
                      "named_on": declared_on.isoformat(), "declaration": entry}]


def check_not_excluded(person: str, subject: str | None, register: Any) -> None:
    """UBL § 4: a person who declared a conflict with ``subject`` (or with the whole
    procedure) does not take part in assessing it. ``subject`` None: a task that judges
    every tender (the conformity check), from which any declared conflict excludes."""
    for p in _people(register):
        declared = p.get("declaration") or {}
        if p.get("person") != person or not declared.get("conflict"):
            continue
        with_whom = declared.get("with") or ""
        if not with_whom or subject is None or with_whom == subject:
            raise RuleViolation(
                "{person!r} declared a conflict of interest with {name!r} and is excluded "
                "from this assessment (UBL § 4, Dir. art. 24)." if with_whom else
                "{person!r} declared a conflict of interest in this procedure and is "
                "excluded from this assessment (UBL § 4, Dir. art. 24).",
                hint="Give the task back (unclaim it) so that an evaluator without a "
                     "conflict takes it.", field="impartiality.person", person=person,
                name=with_whom)


def check_advisers_declared(register: Any) -> None:
    """Every adviser named in the procedure has declared before an assessment counts."""
    missing = [p["person"] for p in _people(register)
               if p.get("role") == "adviser" and not p.get("declaration")]
    if missing:
        raise RuleViolation(
            "The adviser(s) {advisers} named in the procedure have not declared "
            "whether they have a conflict of interest (UBL § 4).",
            hint="Register each adviser's declaration before the assessment.",
            field="impartiality.advisers", advisers=missing)


def conflicts(register: Any) -> list[dict]:
    """The declared conflicts and the measures taken, for the record and the report."""
    return [{"person": p["person"], "role": p.get("role"),
             "with": (p.get("declaration") or {}).get("with") or "",
             "declared_on": p["declaration"].get("declared_on"),
             "description": p["declaration"].get("description"),
             "measures": p["declaration"].get("measures")}
            for p in _people(register)
            if isinstance(p.get("declaration"), dict) and p["declaration"].get("conflict")]

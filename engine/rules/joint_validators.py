"""Validators of the joint scaling process's tasks (see :mod:`engine.rules.validators`)."""
from __future__ import annotations

from datetime import date

from engine.errors import RuleViolation

from . import joint
from .deadlines import as_date


def joint_need(data: dict, submitted: dict, today: date) -> None:
    """Step 1: a need with no known solution on the market."""
    if submitted.get("solution_on_market") is True:
        raise RuleViolation(
            "Fællesoffentlig skalering er til behov, som ingen kendt løsning på markedet "
            "dækker.", field="solution_on_market",
            hint="Findes løsningen, kan hver myndighed købe den i et klassisk udbud.")


def joint_invitations(data: dict, submitted: dict, today: date) -> None:
    """Step 2: each invited authority once, never the facilitator itself."""
    names = [str(n).strip() for n in submitted["invited_authorities"]]
    for name in names:
        if not name:
            raise RuleViolation("En inviteret myndighed mangler navn.",
                                field="invited_authorities", hint="Skriv myndighedens navn.")
        if names.count(name) > 1:
            raise RuleViolation(f"{name} er inviteret to gange.", field="invited_authorities",
                                hint="Inviter hver myndighed én gang.")
        if name == data.get("facilitator"):
            raise RuleViolation(f"{name} faciliterer forløbet og inviteres ikke.",
                                field="invited_authorities",
                                hint="Inviter de myndigheder, der har behovet.")


def joint_answer(data: dict, submitted: dict, today: date) -> None:
    joint.check_answer(submitted["answer"])


def market_dialogue(data: dict, submitted: dict, today: date) -> None:
    """Step 4: questions and answers reach every registered supplier alike."""
    joint.check_equal_treatment(submitted["suppliers"], submitted.get("questions") or [])


def joint_need_description(data: dict, submitted: dict, today: date) -> None:
    ids = [r["id"] for r in submitted["requirements"]]
    for rid in ids:
        if ids.count(rid) > 1:
            raise RuleViolation(f"Kravet {rid} står to gange.", field="requirements",
                                hint="Giv hvert krav sit eget nummer.")
    if int(submitted["version"]) <= int(data.get("need_description_version") or 0):
        raise RuleViolation("En ny behovsbeskrivelse skal have et højere versionsnummer.",
                            field="version", hint="Tæl versionsnummeret op.")


def confirmation(data: dict, submitted: dict, today: date) -> None:
    answer = submitted["confirmation"]
    if not answer["confirmed"] and not str(answer.get("reason") or "").strip():
        raise RuleViolation("Skriv, hvorfor myndigheden forlader samarbejdet.", field="reason",
                            hint="Begrundelsen indgår i forløbets dokumentation.")


def path_facts(data: dict, submitted: dict, today: date) -> None:
    """Step 7: the facts the path choice decides on; the threshold must be known."""
    joint.above_threshold(submitted["estimated_value"], submitted["authority_kind"],
                          submitted["decided_on"])


def own_procurement(data: dict, submitted: dict, today: date) -> None:
    """Step 7, another procedure than an innovation partnership: dates in order."""
    record = submitted["procurement"]
    for start, end in (("planned_start", "planned_award"), ("actual_start", "actual_award")):
        if record.get(start) and record.get(end) and \
                as_date(record[end], end) < as_date(record[start], start):
            raise RuleViolation("Tildelingen kan ikke ligge før starten.", field=end,
                                hint="Ret en af de to datoer.")


JOINT_VALIDATORS = {
    "joint_need": joint_need,
    "joint_invitations": joint_invitations,
    "joint_answer": joint_answer,
    "market_dialogue": market_dialogue,
    "joint_need_description": joint_need_description,
    "joint_confirmation": confirmation,
    "path_facts": path_facts,
    "own_procurement": own_procurement,
}

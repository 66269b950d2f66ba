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
            "Joint public scaling is for needs that no known solution on the market "
            "meets.", field="solution_on_market",
            hint="If the solution exists, each authority can buy it in a classic tender.")


def joint_invitations(data: dict, submitted: dict, today: date) -> None:
    """Step 2: each invited authority once, never the facilitator itself."""
    names = [str(n).strip() for n in submitted["invited_authorities"]]
    for name in names:
        if not name:
            raise RuleViolation("An invited authority has no name.",
                                field="invited_authorities", hint="Write the authority's name.")
        if names.count(name) > 1:
            raise RuleViolation("{name} is invited twice.", field="invited_authorities",
                                hint="Invite each authority once.", name=name)
        if name == data.get("facilitator"):
            raise RuleViolation("{name} facilitates the process and is not invited.",
                                field="invited_authorities",
                                hint="Invite the authorities that have the need.", name=name)


def joint_answer(data: dict, submitted: dict, today: date) -> None:
    joint.check_answer(submitted["answer"])


def market_dialogue(data: dict, submitted: dict, today: date) -> None:
    """Step 4: questions and answers reach every registered supplier alike."""
    joint.check_equal_treatment(submitted["suppliers"], submitted.get("questions") or [])


def joint_need_description(data: dict, submitted: dict, today: date) -> None:
    ids = [r["id"] for r in submitted["requirements"]]
    for rid in ids:
        if ids.count(rid) > 1:
            raise RuleViolation("The requirement {rid} appears twice.", field="requirements",
                                hint="Give each requirement its own number.", rid=rid)
    if int(submitted["version"]) <= int(data.get("need_description_version") or 0):
        raise RuleViolation("A new need description must have a higher version number.",
                            field="version", hint="Count the version number up.")


def confirmation(data: dict, submitted: dict, today: date) -> None:
    answer = submitted["confirmation"]
    if not answer["confirmed"] and not str(answer.get("reason") or "").strip():
        raise RuleViolation("Say why the authority leaves the cooperation.", field="reason",
                            hint="The reason becomes part of the process's record.")


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
            raise RuleViolation("The award cannot come before the start.", field=end,
                                hint="Correct one of the two dates.")


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

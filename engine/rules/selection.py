"""Prequalification (UBL § 75) and reducing bidders between rounds (UBL § 146).

Ranking of qualified applicants: the selection score is the plain mean of
``suitability`` and ``rd_capacity`` (both 0..10), so R&D/innovation capacity always
weighs half (UBL § 75 stk. 2). Equal scores: the higher ``rd_capacity`` ranks first;
still equal: the earlier application (the order of the list) ranks first.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.errors import RuleViolation
from engine.rules.scoring import exact_number

MINIMUM_INVITED = 3  # UBL § 75 stk. 1
SCALE_MAX = 10


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _rating(item: dict, key: str, applicant: str) -> Fraction:
    if key not in item:
        raise RuleViolation(f"The qualified applicant {applicant!r} has no {key}.",
                            hint=f"Give {key} a value from 0 to {SCALE_MAX}.", field=key)
    value = exact_number(item[key], key)
    if not 0 <= value <= SCALE_MAX:
        raise RuleViolation(f"{key} of {applicant!r} is {item[key]!r}, outside 0..{SCALE_MAX}.",
                            hint=f"Use a value from 0 to {SCALE_MAX}.", field=key)
    return value


def _check_max_invited(max_invited: Any) -> int:
    if isinstance(max_invited, bool) or not isinstance(max_invited, int):
        raise RuleViolation(f"max_invited must be a whole number, got {max_invited!r}.",
                            field="max_invited")
    if max_invited < MINIMUM_INVITED:
        raise RuleViolation(
            f"At most {max_invited} invited is too few: an innovation partnership must "
            f"invite at least {MINIMUM_INVITED} (UBL § 75 stk. 1).",
            hint=f"Set the maximum number of invited to {MINIMUM_INVITED} or more.",
            field="max_invited")
    return max_invited


def select_candidates(assessments: list[dict], max_invited: int) -> dict:
    """Choose whom to invite to tender from the suitability assessments.

    Returns {"invited": [names, best first], "rejected": [{"applicant", "reason"}],
    "ranking": [{"applicant", "suitability", "rd_capacity", "score", "rank",
    "invited"}] (qualified applicants only), "cancel": bool (nobody qualified),
    "fewer_than_minimum": bool (fewer than 3 qualified)}.
    """
    max_invited = _check_max_invited(max_invited)
    if not isinstance(assessments, list):
        raise RuleViolation("The assessments must be a list.", field="assessments")
    seen: set[str] = set()
    qualified: list[tuple[Fraction, Fraction, int, str, Fraction]] = []
    rejected: list[dict] = []
    for order, item in enumerate(assessments):
        applicant = _text(item.get("applicant")) if isinstance(item, dict) else ""
        if not applicant:
            raise RuleViolation(f"Assessment no. {order + 1} has no applicant name.",
                                field="applicant")
        if applicant in seen:
            raise RuleViolation(f"The applicant {applicant!r} is assessed twice.",
                                hint="Keep one assessment per applicant.", field="applicant")
        seen.add(applicant)
        if not isinstance(item.get("qualified"), bool):
            raise RuleViolation(f"Say whether {applicant!r} is qualified (true or false).",
                                field="qualified")
        if not item["qualified"]:
            reason = _text(item.get("reason"))
            if not reason:
                raise RuleViolation(
                    f"The unqualified applicant {applicant!r} has no reason.",
                    hint="Rejected applicants are told why: write the reason.",
                    field="reason")
            rejected.append({"applicant": applicant, "reason": reason})
            continue
        suitability = _rating(item, "suitability", applicant)
        rd_capacity = _rating(item, "rd_capacity", applicant)
        qualified.append(((suitability + rd_capacity) / 2, rd_capacity, order, applicant,
                          suitability))

    qualified.sort(key=lambda q: (-q[0], -q[1], q[2]))
    ranking = []
    invited = []
    for rank, (mean, rd_capacity, _order, applicant, suitability) in enumerate(qualified, 1):
        is_invited = rank <= max_invited
        ranking.append({"applicant": applicant, "suitability": float(suitability),
                        "rd_capacity": float(rd_capacity), "score": float(mean),
                        "rank": rank, "invited": is_invited})
        if is_invited:
            invited.append(applicant)
        else:
            rejected.append({
                "applicant": applicant,
                "reason": (f"Kvalificeret, men ikke blandt de {max_invited} bedst egnede "
                           f"ansøgere (nr. {rank} efter egnethed og innovationskapacitet)."),
            })
    return {
        "invited": invited,
        "rejected": rejected,
        "ranking": ranking,
        "cancel": not qualified,
        "fewer_than_minimum": len(qualified) < MINIMUM_INVITED,
    }


def reduce_bidders(ranked_bidders: list[str], keep: int, announced: bool) -> dict:
    """Keep the best ``keep`` bidders between negotiation rounds.

    ``ranked_bidders`` must be ranked by the award criteria (the scoring result), best
    first. Refused unless the tender documents announced reduction (UBL § 146).
    Returns {"kept": [...], "removed": [...]}.
    """
    if announced is not True:
        raise RuleViolation(
            "Bidders cannot be reduced between rounds: the tender documents did not "
            "announce it (UBL § 146).",
            hint="Continue the negotiation with all remaining bidders.",
            field="reduction_between_rounds")
    if not isinstance(ranked_bidders, list) or not all(
            isinstance(b, str) and b.strip() for b in ranked_bidders):
        raise RuleViolation("The ranking must be a list of bidder names, best first.",
                            field="ranked_bidders")
    if len(set(ranked_bidders)) != len(ranked_bidders):
        raise RuleViolation("A bidder appears twice in the ranking.",
                            hint="Use the ranking from the evaluation model.",
                            field="ranked_bidders")
    if isinstance(keep, bool) or not isinstance(keep, int):
        raise RuleViolation(f"keep must be a whole number, got {keep!r}.", field="keep")
    if not 1 <= keep < len(ranked_bidders):
        raise RuleViolation(
            f"Cannot keep {keep} of {len(ranked_bidders)} bidders.",
            hint=f"Keep at least 1 and fewer than {len(ranked_bidders)}.", field="keep")
    return {"kept": ranked_bidders[:keep], "removed": ranked_bidders[keep:]}

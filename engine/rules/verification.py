"""Verification before award (UBL §§ 135-138, 145, 151-152, 159, 169; Dir. art. 56-57, 59).

At application each applicant declares (the ESPD's content) whether a mandatory
(§§ 135-136) or voluntary (§ 137) exclusion ground applies, the self-cleaning measures
taken (§ 138), and whether it meets the minimum suitability levels published in the
notice. Before the award decision the intended winner's documentation is checked
(§§ 151-152). After the final tenders are opened, each is checked for conformity: one
that misses a minimum requirement is rejected, with the reason, before it is ranked
(§ 159); an abnormally low one is first asked to explain (§ 169).

Shapes (BPMN data)::

    espd = {"mandatory_exclusion": bool, "voluntary_exclusion": bool,
            "self_cleaning": str, "meets_minimum_levels": bool}
    conformity row = {"bidder": str, "conforming": bool, "reason": str,
                      "abnormally_low": bool, "explanation_requested_on": date,
                      "explanation_received_on": date, "explanation_accepted": bool}
    documentation = {"exclusion_documented": bool, "suitability_documented": bool,
                     "checked_on": date}
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.errors import N_, RuleViolation
from engine.rules.deadlines import as_date

ESPD_FLAGS = ("mandatory_exclusion", "voluntary_exclusion", "meets_minimum_levels")
ESPD_QUESTIONS = {  # what each flag of the ESPD answers
    "mandatory_exclusion": N_("whether a mandatory exclusion ground applies"),
    "voluntary_exclusion": N_("whether a voluntary exclusion ground applies"),
    "meets_minimum_levels": N_("whether it meets the minimum suitability levels")}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def check_declaration(applicant: str, espd: Any, field: str = "espd") -> None:
    """The applicant's ESPD declaration is complete."""
    if not isinstance(espd, dict):
        raise RuleViolation(
            "{applicant!r} has no declaration of exclusion grounds and "
            "suitability (ESPD).",
            hint="Register what the applicant declared in its ESPD: exclusion grounds, "
                 "self-cleaning and the minimum suitability levels (UBL §§ 135-138, 148).",
            field=field, applicant=applicant)
    for flag in ESPD_FLAGS:
        if not isinstance(espd.get(flag), bool):
            raise RuleViolation("The ESPD of {applicant!r} does not say {flag} (yes or "
                                "no).",
                                hint="Answer every question of the declaration.",
                                field=f"{field}.{flag}", applicant=applicant,
                                flag=ESPD_QUESTIONS[flag])


def check_may_qualify(applicant: str, espd: Any) -> None:
    """An applicant may be found qualified only if its declaration allows it."""
    check_declaration(applicant, espd, "assessment.qualified")
    excluded = espd["mandatory_exclusion"] or espd["voluntary_exclusion"]
    if excluded and not _text(espd.get("self_cleaning")):
        raise RuleViolation(
            "{applicant!r} declared an exclusion ground and no self-cleaning: "
            "it cannot be found qualified (UBL §§ 135-138).",
            hint="Reject the applicant with the reason, or register the self-cleaning "
                 "measures it documented (UBL § 138).",
            field="assessment.qualified", applicant=applicant)
    if not espd["meets_minimum_levels"]:
        raise RuleViolation(
            "{applicant!r} declared that it does not meet the published minimum"
            " suitability levels: it cannot be found qualified.",
            hint="Reject the applicant with the reason.", field="assessment.qualified",
            applicant=applicant)


def check_conformity(rows: Any, bidders: list[str], today: date | str) -> list[str]:
    """Every final tender judged once; returns the bidders whose tenders are ranked.

    Refused: a non-conforming tender without a reason; an abnormally low tender rejected
    before its explanation was requested (§ 169); no tender left to rank."""
    day = as_date(today, "today")
    if not isinstance(rows, list):
        raise RuleViolation("The conformity check must be a list.", field="conformity")
    names = [_text(r.get("bidder")) if isinstance(r, dict) else "" for r in rows]
    if sorted(names) != sorted(bidders):
        raise RuleViolation(
            "Judge every final tender exactly once: {names}.",
            hint="One row per final tender, nobody else.", field="conformity",
            names=bidders)
    kept = []
    for i, row in enumerate(rows):
        field = f"conformity[{i}]"
        bidder = names[i]
        low = row.get("abnormally_low") is True
        if row.get("conforming") is not True:
            if not _text(row.get("reason")):
                raise RuleViolation(
                    "The tender from {bidder!r} is rejected without a reason.",
                    hint="Name the minimum requirement it does not meet (or why it is "
                         "abnormally low): the reason goes to the bidder.",
                    field=f"{field}.reason", bidder=bidder)
            if low:
                requested = row.get("explanation_requested_on")
                if not requested:
                    raise RuleViolation(
                        "The abnormally low tender from {bidder!r} cannot be rejected"
                        " before the bidder has been asked to explain the price (UBL "
                        "§ 169).",
                        hint="Ask the bidder to explain, record the date, and assess the "
                             "explanation before rejecting.",
                        field=f"{field}.explanation_requested_on", bidder=bidder)
                if as_date(requested, f"{field}.explanation_requested_on") > day:
                    raise RuleViolation("The request for explanation is dated in the future.",
                                        hint="Record the request when it has been sent.",
                                        field=f"{field}.explanation_requested_on")
            continue
        kept.append(bidder)
    if not kept:
        raise RuleViolation(
            "No conforming tender remains to be ranked.",
            hint="The procedure cannot be awarded: cancel it with the reason.",
            field="conformity")
    return kept


def check_winner_documentation(winner: str, documentation: Any, notified: date | str,
                               today: date | str) -> None:
    """UBL §§ 151-152: the intended winner's documentation is checked before award."""
    if not isinstance(documentation, dict):
        documentation = {}
    for key, what in (("exclusion_documented", N_("that no exclusion ground applies")),
                      ("suitability_documented", N_("the minimum suitability levels"))):
        if documentation.get(key) is not True:
            raise RuleViolation(
                "The documentation from {winner!r} for {what} has not been "
                "checked.",
                hint="Ask the intended winner for the documentation (UBL § 151), check it, "
                     "and record it before the award decision.",
                field=f"award.documentation.{key}", winner=winner, what=what)
    checked = as_date(documentation.get("checked_on"), "award.documentation.checked_on")
    if checked > as_date(notified, "award.notified") or checked > as_date(today):
        raise RuleViolation(
            "The documentation was checked on {checked}, after the award "
            "decision or in the future.",
            hint="The documentation is checked before the award decision is notified.",
            field="award.documentation.checked_on", checked=checked)


def conforming_bidders(rows: list[dict]) -> list[str]:
    """The bidders whose final tenders are ranked (judged conforming)."""
    return [r["bidder"] for r in rows if r.get("conforming") is True]


def rejected_by_conformity(rows: list[dict]) -> list[dict]:
    """The rejected final tenders and why, for the record and the report (§ 174)."""
    return [{"bidder": r["bidder"], "reason": _text(r.get("reason")),
             "abnormally_low": r.get("abnormally_low") is True,
             "explanation_requested_on": r.get("explanation_requested_on")}
            for r in rows if r.get("conforming") is not True]

"""Negotiation rules (Dir. Art. 31(3); UBL §§ 73-74).

Initial and later tenders are negotiated, the final tender is not. Minimum
requirements, award criteria, sub-criteria, weights and the evaluation model are
locked once the notice is published; other requirements may change, in writing to
every remaining bidder, with a new deadline to resubmit.
"""
from __future__ import annotations

from datetime import date

from engine.errors import N_, RuleViolation
from engine.rules.deadlines import as_date

CHANGE_KINDS = ("minimum", "criterion", "other")
# The purchase's maximum value, duration and maximum cost stated in the documents bind
# (EU Court C-216/17 Antitrust and Coopservice, C-23/20 Simonsen & Weel): the names a
# change may give them, in English and Danish, compared without case.
BINDING_PURCHASE_TERMS: dict[str, str] = {
    **dict.fromkeys(("ceiling", "purchase.ceiling", "contract ceiling", "maximum value",
                     "max value", "max_value", "kontraktloft", "loft", "rammeloft",
                     "maksimal værdi", "maksimale værdi", "kontraktens maksimale værdi",
                     "rammeaftalens værdi", "maksimal omsætning"), "the contract ceiling"),
    **dict.fromkeys(("max_cost", "purchase.max_cost", "maximum cost", "max cost",
                     "maksimal pris", "maksimalpris", "maksimal omkostning",
                     "maksimale omkostninger", "pris loft", "prisloft"), "the maximum cost"),
    **dict.fromkeys(("contract_end", "purchase.contract_end", "contract end", "duration",
                     "end date", "varighed", "kontraktens varighed", "løbetid",
                     "kontraktperiode", "slutdato", "kontraktens udløb"),
                    "the purchase contract's duration"),
}
# Stated in the tender documents and locked with them (tender_documents.LOCKED_KEYS):
# what participants are paid and the IPR terms are not renegotiated either.
LOCKED_TERMS: dict[str, str] = {
    **dict.fromkeys(("ipr", "ipr_terms", "ipr_terms.on_termination", "ipr_terms.on_purchase",
                     "ipr terms", "intellectual property", "immaterielle rettigheder",
                     "rettigheder", "ophavsret", "brugsret"), "the IPR terms"),
    **dict.fromkeys(("participant_remuneration", "remuneration", "vederlag", "honorering",
                     "deltagerhonorering", "vederlag til deltagerne",
                     "honorering af deltagerne"), "the remuneration to participants"),
}
# names of "everything" that are long enough to pass for specific information
VAGUE = frozenset({"everything", "all information", "alle oplysninger", "hele løsningen",
                   "hele tilbuddet", "the whole solution", "the whole tender"})
GENERAL_RECIPIENTS = frozenset({"alle", "all", "everyone", "alle tilbudsgivere",
                                "all bidders", "de andre", "the others", "andre"})
# Keys of the evaluation model: changing any of them changes the award criteria.
MODEL_KEYS = frozenset({"evaluation_model", "scale_max", "weights", "quality_criteria",
                        "price_model", "tie_break", "award_criteria"})


def _locked_keys(locked: dict) -> tuple[set[str], set[str]]:
    """(minimum requirement ids, award criterion keys) from ``locked_part(docs)``."""
    minimum = {str(r.get("id")) for r in locked.get("minimum_requirements") or []
               if isinstance(r, dict)}
    model = locked.get("evaluation_model") or {}
    criteria = {str(c.get("id")) for c in model.get("quality_criteria") or []
                if isinstance(c, dict)}
    return minimum, criteria | MODEL_KEYS


def check_requirement_changes(locked: dict, changes: list[dict]) -> None:
    """Refuse changes to locked requirements; check the allowed ones are described.

    ``locked`` is ``tender_documents.locked_part(docs)``. Each change is
    {"requirement": key, "kind": "minimum"|"criterion"|"other", "description": str}.
    A change labelled "other" whose key is a minimum requirement or an award
    criterion is refused as well.
    """
    if not isinstance(changes, list):
        raise RuleViolation("The changes must be a list.", field="changes")
    minimum, criteria = _locked_keys(locked if isinstance(locked, dict) else {})
    for change in changes:
        if not isinstance(change, dict):
            raise RuleViolation("A change must be an object, got {change!r}.", field="changes",
                                change=change)
        key = str(change.get("requirement") or "").strip()
        kind = change.get("kind")
        if not key:
            raise RuleViolation("A change does not say which requirement it changes.",
                                field="requirement")
        if kind not in CHANGE_KINDS:
            raise RuleViolation("Unknown kind of change {kind!r} for {key!r}.",
                                hint="Use 'minimum', 'criterion' or 'other'.", field="kind",
                                kind=kind, key=key)
        if kind == "minimum" or key in minimum:
            raise RuleViolation(
                "The minimum requirement {key!r} cannot be changed: minimum "
                "requirements are not negotiated (Dir. Art. 31(3)).",
                hint="Drop this change; only other requirements may be adjusted.",
                field="requirement", key=key)
        if kind == "criterion" or key in criteria:
            raise RuleViolation(
                "{key!r} is part of the award criteria or the evaluation model, "
                "which cannot be changed after the notice (Dir. Art. 31(3)).",
                hint="Drop this change; the published evaluation model stays as it is.",
                field="requirement", key=key)
        name = " ".join(key.lower().split())
        locked_term = LOCKED_TERMS.get(name)
        if locked_term:
            raise RuleViolation(
                "{key!r} is {term}, stated in the tender documents and locked with "
                "them when the notice was published: it cannot be changed in negotiation.",
                hint="Drop this change; the remuneration to participants and the IPR terms "
                     "on termination and on purchase stay as published.",
                field="requirement", key=key, term=locked_term)
        binding = BINDING_PURCHASE_TERMS.get(name)
        if binding:
            raise RuleViolation(
                "{key!r} is {binding}, fixed by the tender documents: it cannot "
                "be changed in negotiation, not even as an 'other' change (EU "
                "Court C-216/17, C-23/20).",
                hint="Drop this change; the purchase's maximum value, duration and maximum "
                     "cost stay as published.",
                field="requirement", key=key, binding=binding)
        if not str(change.get("description") or "").strip():
            raise RuleViolation(
                "The change to {key!r} has no description.",
                hint="Describe the change: it is sent in writing to every remaining bidder.",
                field="description", key=key)


def check_resubmission_deadline(round_date: date | str, deadline: date | str) -> None:
    """The new deadline to resubmit must come after the round that changed things."""
    round_date = as_date(round_date, "round_date")
    deadline = as_date(deadline, "resubmission_deadline")
    if deadline <= round_date:
        raise RuleViolation(
            "The resubmission deadline {deadline} is not after the negotiation "
            "round on {round_date}.",
            hint="Give the bidders time to resubmit: set a later deadline.",
            field="resubmission_deadline",
            deadline=deadline, round_date=round_date)


def check_award_on_initial(reserved: bool) -> None:
    """Awarding on the initial tender needs the right reserved in the tender documents."""
    if reserved is not True:
        raise RuleViolation(
            "The contract cannot be awarded on the initial tenders: the tender documents "
            "did not reserve that right.",
            hint="Negotiate with the bidders and ask for final tenders.",
            field="award_on_initial_reserved")


def check_final_tender_not_negotiated(final: bool) -> None:
    """Refuse to open negotiation on a final tender."""
    if final:
        raise RuleViolation(
            "A final tender cannot be negotiated.",
            hint="Evaluate the final tenders with the published model.",
            field="final")


def check_disclosures(disclosures: list[dict], bidder: str, others: list[str],
                      today: date | str) -> None:
    """Dir. art. 31(4): a bidder's confidential information is shared only with its
    consent to that specific disclosure: which information, to whom, given when.

    Each disclosure is {"information": str, "recipients": [bidder names],
    "consented_on": "YYYY-MM-DD", "consent_by": str}. A general yes, or a consent
    to "all", is refused.
    """
    if isinstance(disclosures, bool):
        raise RuleViolation(
            "A general yes/no to sharing is not a consent (Dir. art. 31(4)).",
            hint="Register each disclosure: the specific information, the bidders it is "
                 "shared with, and when and by whom consent was given.",
            field="disclosures")
    if not isinstance(disclosures, list):
        raise RuleViolation("The disclosures must be a list.", field="disclosures")
    day = as_date(today, "today")
    for i, item in enumerate(disclosures):
        field = f"disclosures[{i}]"
        if not isinstance(item, dict):
            raise RuleViolation("{what} must be an object.", field=field, what=field)
        information = str(item.get("information") or "").strip()
        if len(information) < 10 or " ".join(information.lower().split()) in VAGUE:
            raise RuleViolation(
                "The disclosure no. {n} does not name the specific "
                "information ({value!r}).",
                hint="Name exactly what is shared, e.g. 'the alarm thresholds in version 2 "
                     "of the solution description'.",
                field=f"{field}.information", n=i + 1,
                value=information or N_("blank"))
        recipients = item.get("recipients")
        if not isinstance(recipients, list) or not recipients:
            raise RuleViolation("The disclosure no. {n} names no recipient.",
                                hint="Name the bidders the information is shared with.",
                                field=f"{field}.recipients", n=i + 1)
        for name in recipients:
            text = str(name or "").strip()
            if text.lower() in GENERAL_RECIPIENTS:
                raise RuleViolation(
                    "{text!r} is not a recipient: consent is given to a specific "
                    "disclosure (Dir. art. 31(4)).",
                    hint="Name the bidders: {names}." if others else
                         "No other bidder is still taking part.",
                    field=f"{field}.recipients", text=text, names=others)
            if text == bidder or text not in others:
                raise RuleViolation(
                    "{text!r} is not another bidder still taking part.",
                    hint="Recipients can be: {names}." if others else
                         "No other bidder is still taking part.",
                    field=f"{field}.recipients", text=text, names=others)
        if not str(item.get("consent_by") or "").strip():
            raise RuleViolation("The disclosure no. {n} does not say who consented.",
                                hint="Name the person at the bidder who gave consent.",
                                field=f"{field}.consent_by", n=i + 1)
        consented = as_date(item.get("consented_on") or "", f"{field}.consented_on")
        if consented > day:
            raise RuleViolation("The consent date {consented} is in the future.",
                                hint="Register the consent when it has been given.",
                                field=f"{field}.consented_on", consented=consented)

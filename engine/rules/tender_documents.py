"""The tender documents, checked as a whole before legal approval (UBL §§ 73-74, 160).

Shape (the BPMN forms use it)::

    {"minimum_requirements": [{"id": str, "text": str}, ...],
     "evaluation_model": <scoring MODEL dict>,
     "max_invited": int (default 5, >= 3),
     "several_partners": bool, "max_partners": int (default 1; >= 2 with several),
     "negotiation": {"rounds": int >= 1, "reduction_between_rounds": bool,
                     "award_on_initial_reserved": bool},
     "development": {"phases": int >= 1 (default 4), "fee_per_phase": number > 0
                     (default 165000), "termination_allowed": bool,
                     "partner_reduction_allowed": bool (end one partner's contract),
                     "phase_plan": [{"phase", "targets", "duration_days", "fee"}]},
     "purchase": {"performance_levels": str, "max_cost": number > 0,
                  "contract_end": "YYYY-MM-DD", "ceiling": number > 0 (default 220000000)},
     "ipr": str, "participant_remuneration": str,
     "ipr_terms": {"on_termination": str, "on_purchase": str},
     "selection": {"rd_weight": percent (1..99), "minimum_levels": {"suitability": n,
                   "rd_capacity": n}, "tie_break": "rd_capacity"|"suitability"|"decide"}}

Once the notice is published, ``locked_part(docs)`` is frozen (Dir. Art. 31(3)).
"""
from __future__ import annotations

import copy
from typing import Any

from engine.errors import N_, Message, RuleViolation
from engine.rules.deadlines import as_date
from engine.rules.fees import Amount, plain, positive_amount
from engine.rules.partnership import check_partner_terms
from engine.rules.scoring import parse_model
from engine.rules.selection import MINIMUM_INVITED, check_selection_rules

DEFAULTS: dict[str, Any] = {"max_invited": 5, "max_partners": 1}
SECTION_DEFAULTS: dict[str, dict[str, Any]] = {
    "development": {"phases": 4, "fee_per_phase": 165000},
    "purchase": {"ceiling": 220000000},
}
# Locked once the notice is published (Dir. art. 31(3)): the minimum requirements and the
# evaluation model, and what the participants were promised: their remuneration (UBL § 74
# stk. 2 nr. 5) and the IPR terms, on termination and on purchase (Dir. art. 31(2)).
LOCKED_KEYS = ("minimum_requirements", "evaluation_model", "participant_remuneration",
               "ipr", "ipr_terms")


def with_defaults(docs: dict) -> dict:
    """A copy of ``docs`` with the defaults filled in where a key is missing."""
    result = copy.deepcopy(docs)
    for key, value in DEFAULTS.items():
        result.setdefault(key, value)
    for section, defaults in SECTION_DEFAULTS.items():
        if isinstance(result.get(section), dict):
            for key, value in defaults.items():
                result[section].setdefault(key, value)
    return result


def _missing(field: str, what: str | Message) -> RuleViolation:
    return RuleViolation("The tender documents do not state {what}.",
                         hint="It must be stated before the notice is published.",
                         field=field, what=what)


def _get(d: dict, key: str, field: str, what: str | Message) -> Any:
    if key not in d or d[key] is None:
        raise _missing(field, what)
    return d[key]


def _section(docs: dict, key: str, what: str) -> dict:
    value = _get(docs, key, key, what)
    if not isinstance(value, dict):
        raise RuleViolation("{key} must be an object.", field=key, key=key)
    return value


def _flag(d: dict, key: str, field: str, what: str) -> bool:
    value = _get(d, key, field, what)
    if not isinstance(value, bool):
        raise RuleViolation("{what} must be true or false, got {value!r}.", field=field,
                            what=field, value=value)
    return value


def _count(d: dict, key: str, field: str, what: str, minimum: int) -> int:
    value = _get(d, key, field, what)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RuleViolation("{what} must be a whole number of at least {minimum}, got "
                            "{value!r}.", field=field,
                            what=field, minimum=minimum, value=value)
    return value


def _text(d: dict, key: str, field: str, what: str | Message) -> str:
    value = _get(d, key, field, what)
    if not isinstance(value, str) or not value.strip():
        raise _missing(field, what)
    return value


def _check_minimum_requirements(items: Any) -> None:
    if not isinstance(items, list) or not items:
        raise RuleViolation("The tender documents state no minimum requirements.",
                            hint="Add at least one minimum requirement.",
                            field="minimum_requirements")
    seen: set[str] = set()
    for i, item in enumerate(items):
        field = f"minimum_requirements[{i}]"
        if not isinstance(item, dict):
            raise RuleViolation("{what} must be an object with id and text.", field=field,
                                what=field)
        rid = _text(item, "id", f"{field}.id",
                    Message("an id for minimum requirement no. {n}", {"n": i + 1}))
        _text(item, "text", f"{field}.text",
              Message("the text of minimum requirement {rid!r}", {"rid": rid}))
        if rid in seen:
            raise RuleViolation("The minimum requirement id {rid!r} is used twice.",
                                hint="Give every minimum requirement its own id.",
                                field="minimum_requirements", rid=rid)
        seen.add(rid)


def _check_evaluation_model(model: Any) -> None:
    try:
        parse_model(model)
    except RuleViolation as e:
        params = {k: v for k, v in e.params.items() if k not in ("text", "field")}
        raise RuleViolation("Evaluation model: {text}", hint=e.hint_template,
                            field=f"evaluation_model.{e.field}" if e.field
                            else "evaluation_model",
                            text=Message(e.template, e.params), **params) from e


def check_tender_documents(docs: dict) -> None:
    """Refuse tender documents that leave out anything the law requires up front."""
    if not isinstance(docs, dict):
        raise RuleViolation("The tender documents must be an object.", field="docs")
    docs = with_defaults(docs)
    _check_minimum_requirements(_get(docs, "minimum_requirements", "minimum_requirements",
                                     N_("the minimum requirements")))
    _check_evaluation_model(_get(docs, "evaluation_model", "evaluation_model",
                                 N_("the evaluation model")))
    _count(docs, "max_invited", "max_invited", N_("the maximum number invited"), MINIMUM_INVITED)
    _flag(docs, "several_partners", "several_partners",
          N_("whether there will be one or several partners"))

    negotiation = _section(docs, "negotiation", N_("the negotiation plan"))
    _count(negotiation, "rounds", "negotiation.rounds", N_("the number of negotiation rounds"), 1)
    _flag(negotiation, "reduction_between_rounds", "negotiation.reduction_between_rounds",
          N_("whether bidders may be reduced between rounds"))
    _flag(negotiation, "award_on_initial_reserved", "negotiation.award_on_initial_reserved",
          N_("whether the right to award on the initial tenders is reserved"))

    development = _section(docs, "development", N_("the development phases"))
    _count(development, "phases", "development.phases", N_("the number of phases"), 1)
    positive_amount(development["fee_per_phase"], "development.fee_per_phase")
    _flag(development, "termination_allowed", "development.termination_allowed",
          N_("whether the partnership may be terminated after a phase"))

    purchase = _section(docs, "purchase", N_("the purchase terms"))
    _text(purchase, "performance_levels", "purchase.performance_levels",
          N_("the performance levels for the purchase"))
    positive_amount(_get(purchase, "max_cost", "purchase.max_cost", N_("the maximum cost")),
                    "purchase.max_cost")
    as_date(_get(purchase, "contract_end", "purchase.contract_end", N_("the contract end date")),
            "purchase.contract_end")
    positive_amount(purchase["ceiling"], "purchase.ceiling")

    check_partner_terms(docs)

    _text(docs, "ipr", "ipr", N_("the IPR arrangement"))
    _text(docs, "participant_remuneration", "participant_remuneration",
          N_("whether and how participants are remunerated (UBL § 74 stk. 2)"))
    ipr_terms = _section(docs, "ipr_terms", N_("the IPR terms on termination and on purchase"))
    _text(ipr_terms, "on_termination", "ipr_terms.on_termination",
          N_("the IPR terms if the partnership is terminated"))
    _text(ipr_terms, "on_purchase", "ipr_terms.on_purchase",
          N_("the IPR terms when the solution is purchased"))
    check_selection_rules(docs.get("selection"))


def total_fees(docs: dict) -> Amount:
    """The agreed total fee: phases x fee per phase (defaults applied)."""
    development = with_defaults(docs).get("development")
    if not isinstance(development, dict):
        development = {}
    fee = positive_amount(development.get("fee_per_phase"), "development.fee_per_phase")
    return plain(fee * development["phases"])  # a dict with a fee has its phases (defaults)


def locked_part(docs: dict) -> dict:
    """The parts locked once the notice is published: a deep copy."""
    return {key: copy.deepcopy(docs.get(key)) for key in LOCKED_KEYS}

"""Several partners and the partnership contracts (UBL § 74 stk. 2 nr. 3; Dir. art. 31(1)-(2)).

The tender documents say whether one or several partnership contracts are concluded
(``several_partners``), the maximum number of partners (``max_partners``, 1 by default)
and whether an individual partner's contract may be ended after a phase
(``development.partner_reduction_allowed``). The award names the partners in rank order.

Each partner gets its own contract: the phases with their intermediate targets, duration
and fee (from ``development.phase_plan`` in the tender documents, or the negotiated
``contract_terms`` given at signing), its own phase history and fee ledger. Shapes (BPMN
data, JSON-like)::

    partnerships = {partner: {"partner": str, "rank": int, "status": "active"|"ended",
                              "signed": "YYYY-MM-DD", "contract": [{"phase": int,
                              "targets": [str], "duration_days": int|None, "fee": n}],
                              "reviews": [review], "fee_ledger": [{"phase", "amount"}],
                              "ended_after_phase": int|None, "phase_done": int}}
    review = {"partner", "phase", "decision": "approve"|"rework"|"terminate",
              "targets": [{"target", "met", ...}], "reason", "rework_deadline"}

Functions return new values and never change what they are given: task data is copied
shallowly between tasks.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from engine.errors import N_, Money, RuleViolation
from engine.rules.deadlines import as_date
from engine.rules.fees import (
    amount_or_none,
    as_amount,
    book_fee,
    check_phase_approval,
    check_termination,
    plain,
    positive_amount,
)

DECISIONS = ("approve", "rework", "terminate")


# ------------------------------------------------------------------ tender documents
def max_partners(docs: Mapping) -> int:
    value = docs.get("max_partners", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def target_list(text: Any) -> list[str]:
    """Intermediate targets written one per line (or given as a list)."""
    if isinstance(text, list):
        return [str(t).strip() for t in text if str(t).strip()]
    if not isinstance(text, str):
        return []
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def check_partner_terms(docs: Mapping) -> None:
    """One or several partners, the maximum, and the phase plan, stated consistently."""
    several = docs.get("several_partners")
    most = docs.get("max_partners", 1)
    if isinstance(most, bool) or not isinstance(most, int) or most < 1:
        raise RuleViolation("max_partners must be a whole number of at least 1, got "
                            "{most!r}.",
                            hint="State the maximum number of partnership contracts.",
                            field="max_partners", most=most)
    if several is not True and most > 1:
        raise RuleViolation(
            "The tender documents say there is one partner but allow up to {most}.",
            hint="Tick 'several partners', or set the maximum number of partners to 1.",
            field="max_partners", most=most)
    if several is True and most < 2:
        raise RuleViolation(
            "The tender documents say there may be several partners but allow only one.",
            hint="State the maximum number of partners (at least 2), or untick "
                 "'several partners' (UBL § 74 stk. 2 nr. 3).",
            field="max_partners")
    development = docs.get("development") or {}
    reduction = development.get("partner_reduction_allowed", False)
    if not isinstance(reduction, bool):
        raise RuleViolation(
            "development.partner_reduction_allowed must be true or false, got "
            "{reduction!r}.",
            field="development.partner_reduction_allowed", reduction=reduction)
    plan = development.get("phase_plan")
    if plan not in (None, []):
        check_phase_plan(plan, development.get("phases"), agreed_total(docs),
                         "development.phase_plan")


def agreed_total(docs: Mapping) -> Decimal:
    """The agreed total fee per partner: phases x fee per phase."""
    development = docs.get("development") or {}
    phases = development.get("phases", 4)
    fee = positive_amount(development.get("fee_per_phase", 165000), "development.fee_per_phase")
    return fee * (phases if isinstance(phases, int) and not isinstance(phases, bool) else 0)


def check_phase_plan(plan: Any, phases: Any, total: Decimal, field: str) -> None:
    """Each phase once, in order, with its targets, duration and a fee; fees within the
    agreed total."""
    if not isinstance(plan, list) or not all(isinstance(p, Mapping) for p in plan):
        raise RuleViolation("The phase plan must be a list of phases.", field=field)
    numbers = [p.get("phase") for p in plan]
    if numbers != list(range(1, len(plan) + 1)) or len(plan) != phases:
        raise RuleViolation(
            "The phase plan lists phases {numbers}, but the contract has {phases} phases.",
            hint="List each phase once, numbered 1 to {phases}.", field=field,
            numbers=numbers, phases=phases)
    for p in plan:
        where = f"{field}[{p['phase'] - 1}]"
        if not target_list(p.get("targets")):
            raise RuleViolation("Phase {phase} has no intermediate targets.",
                                hint="Write the phase's targets, one per line (Dir. art. "
                                     "31(2)).", field=f"{where}.targets", phase=p["phase"])
        days = p.get("duration_days")
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise RuleViolation("Phase {phase} has no duration, got {days!r}.",
                                hint="Give the phase's duration in days.",
                                field=f"{where}.duration_days", phase=p["phase"], days=days)
        positive_amount(p.get("fee"), f"{where}.fee")
    fees = sum((as_amount(p["fee"]) for p in plan), Decimal(0))
    if fees > total:
        raise RuleViolation(
            "The phases' fees add up to {fees}, above the agreed total of {total}.",
            hint="Lower the phase fees or raise the fee per phase.", field=field,
            fees=Money(plain(fees)), total=Money(plain(total)))


# ------------------------------------------------------------------------ award
def awarded(award: Mapping) -> list[str]:
    """The partners the award names, in rank order (the winner alone by default)."""
    names = [str(p).strip() for p in award.get("partners") or [] if str(p).strip()]
    return names or [str(award.get("winner", "")).strip()]


def check_partners(partners: list[str], evaluation: list[dict], docs: Mapping) -> None:
    """The award follows the ranking: partners are the conforming tenders ranked 1..n,
    in rank order, no more than the documents allow."""
    field = "award.partners"
    if len(set(partners)) != len(partners):
        raise RuleViolation("A partner is named twice.", hint="Name each partner once.",
                            field=field)
    most = max_partners(docs)
    if len(partners) > 1 and docs.get("several_partners") is not True:
        raise RuleViolation(
            "The tender documents provide for one partner, but the award names "
            "{count}.",
            hint="Award to the tender ranked first only (UBL § 74 stk. 2 nr. 3).",
            field=field, count=len(partners))
    if len(partners) > most:
        raise RuleViolation(
            "The award names {count} partners, more than the {most} the tender "
            "documents allow.", hint="Name at most {most} partners, in rank order.",
            field=field, count=len(partners), most=most)
    ranked = sorted((r for r in evaluation if isinstance(r, Mapping)),
                    key=lambda r: r.get("rank", 0))
    ranks: dict[str, int] = {str(r.get("bidder")): r.get("rank", 0) for r in ranked}
    for name in partners:
        if name not in ranks:
            raise RuleViolation(
                "{name!r} is not among the conforming tenders ranked in the evaluation.",
                hint="Only a ranked, conforming tender can become a partner.", field=field,
                name=name)
    expected = [str(r.get("bidder")) for r in ranked][:len(partners)]
    in_order = [ranks[p] for p in partners] == sorted(ranks[p] for p in partners)
    if not in_order or sorted(ranks[p] for p in partners) != [ranks[e] for e in expected]:
        raise RuleViolation(
            "The partners must follow the ranking: {partners} is not {expected}.",
            hint="Award to the tenders ranked 1 to n, in rank order (best price-quality "
                 "ratio, Dir. art. 67).", field=field, partners=partners, expected=expected)


# -------------------------------------------------------------------- contracts
def contract_for(docs: Mapping, partner: str, terms: list[dict] | None = None) -> list[dict]:
    """A partner's phases: the tender documents' plan, with the negotiated terms for
    this partner (rows {"partner", "phase", "targets", "duration_days", "fee"})."""
    development = docs.get("development") or {}
    phases = development.get("phases", 4)
    fee = development.get("fee_per_phase", 165000)
    plan = {p.get("phase"): p for p in development.get("phase_plan") or []
            if isinstance(p, Mapping)}
    own = {t.get("phase"): t for t in terms or [] if isinstance(t, Mapping)
           and str(t.get("partner", "")).strip() == partner}
    result = []
    for n in range(1, phases + 1):
        row = {**plan.get(n, {}), **{k: v for k, v in own.get(n, {}).items()
                                     if v not in (None, "", [])}}
        result.append({"phase": n, "targets": target_list(row.get("targets")),
                       "duration_days": row.get("duration_days"),
                       "fee": row.get("fee", fee)})
    return result


def check_contract_terms(terms: list[dict], partners: list[str], docs: Mapping) -> None:
    """Negotiated contract terms: for an awarded partner, an agreed phase, with targets
    and a fee; each partner's fees within the agreed total."""
    field = "contract_terms"
    phases = (docs.get("development") or {}).get("phases", 4)
    seen = set()
    for i, row in enumerate(terms):
        partner = str(row.get("partner", "")).strip()
        if partner not in partners:
            raise RuleViolation("{partner!r} is not one of the partners awarded: "
                                "{partners}.",
                                hint="Give contract terms only for the awarded partners.",
                                field=f"{field}[{i}].partner", partner=partner,
                                partners=partners)
        phase = row.get("phase")
        if isinstance(phase, bool) or not isinstance(phase, int) or not 1 <= phase <= phases:
            raise RuleViolation("There is no phase {phase!r}: the phases are 1 to {phases}.",
                                hint="Use one of the phases in the tender documents.",
                                field=f"{field}[{i}].phase", phase=phase, phases=phases)
        if (partner, phase) in seen:
            raise RuleViolation("Phase {phase} of {partner!r} is given twice.",
                                hint="One row per partner and phase.", field=field,
                                phase=phase, partner=partner)
        seen.add((partner, phase))
        if "targets" in row and not target_list(row.get("targets")):
            raise RuleViolation("Phase {phase} of {partner!r} has no intermediate targets.",
                                hint="Write the targets, one per line.",
                                field=f"{field}[{i}].targets", phase=phase, partner=partner)
        if row.get("fee") is not None:
            positive_amount(row["fee"], f"{field}[{i}].fee")
    total = agreed_total(docs)
    for partner in partners:
        fees = sum((as_amount(p["fee"]) for p in contract_for(docs, partner, terms)),
                   Decimal(0))
        if fees > total:
            raise RuleViolation(
                "The fees in {partner}'s contract add up to {fees}, above the agreed "
                "total of {total}.",
                hint="The fees in the tender documents bind: lower the phase fees.",
                field=field, partner=partner, fees=Money(plain(fees)),
                total=Money(plain(total)))


def open_partnerships(partners: list[str], docs: Mapping, terms: list[dict] | None,
                      signed: date | str) -> dict:
    """One partnership contract per awarded partner, in rank order."""
    day = as_date(signed, "contract_signed").isoformat()
    return {p: {"partner": p, "rank": n, "status": "active", "signed": day,
                "contract": contract_for(docs, p, terms), "reviews": [], "fee_ledger": [],
                "ended_after_phase": None, "phase_done": 0}
            for n, p in enumerate(partners, start=1)}


# ---------------------------------------------------------------- development
def to_review(partnerships: Mapping, phase: int) -> list[str]:
    """The partners whose review of ``phase`` is still open (active, phase not done)."""
    return [name for name, p in partnerships.items()
            if p.get("status") == "active" and p.get("phase_done", 0) < phase]


def review_due(partnerships: Mapping, partner: str, phase: int) -> str:
    """When a partner's review of ``phase`` is due: the newest rework deadline for the
    phase, else the signing day plus the durations of phases 1..phase; "" when a
    duration is not known."""
    own = partnerships.get(partner) or {}
    reworks = [r.get("rework_deadline") for r in own.get("reviews") or []
               if r.get("phase") == phase and r.get("rework_deadline")]
    if reworks:
        return str(reworks[-1])
    days = [c.get("duration_days") for c in own.get("contract") or []
            if isinstance(c.get("phase"), int) and c["phase"] <= phase]
    if not own.get("signed") or len(days) < phase or not all(isinstance(d, int) for d in days):
        return ""
    return date.fromordinal(as_date(own["signed"]).toordinal() + sum(days)).isoformat()


def _phase_terms(partnership: Mapping, phase: int) -> dict:
    for row in partnership.get("contract") or []:
        if row.get("phase") == phase:
            return dict(row)
    return {"phase": phase, "targets": [], "fee": None}


def check_review(docs: Mapping, partnerships: Mapping | None, partner: str | None,
                 phase: int, submitted: Mapping, today: date,
                 ledger: list[dict] | None = None) -> None:
    """Dir. art. 31(2): the review records each contract target as met or not met; a
    phase is paid only if all are met; not approved means rework with a new deadline and
    nothing paid; ending a contract needs the possibility announced."""
    development = docs.get("development") or {}
    decision = submitted.get("phase_decision")
    own = (partnerships or {}).get(partner) if partner else None
    several = len(partnerships or {}) > 1
    targets = submitted.get("intermediate_targets") or []
    if own is not None:
        agreed = _phase_terms(own, phase)["targets"]
        recorded = [str(t.get("target", "")).strip() for t in targets if isinstance(t, Mapping)]
        missing = [t for t in agreed if t not in recorded]
        if missing:
            raise RuleViolation(
                "The review of phase {phase} does not record the contract's target(s) "
                "{targets} as met or not met.",
                hint="Record every intermediate target in the partnership contract, each "
                     "as met or not met.", field="intermediate_targets", phase=phase,
                targets=[repr(m) for m in missing])
    if decision == "terminate":
        active = [n for n, p in (partnerships or {}).items() if p.get("status") == "active"]
        if several and len(active) > 1:  # ending one contract while others go on
            if development.get("partner_reduction_allowed") is not True:
                raise RuleViolation(
                    "The contract with {partner} cannot be ended after phase {phase}: the "
                    "tender documents did not announce that individual partners' contracts "
                    "may be ended (Dir. art. 31(2)).",
                    hint="Approve or send the phase back for rework, or seek legal advice.",
                    field="phase_decision", partner=partner, phase=phase)
        else:  # the last (or only) partner: the partnership itself ends
            check_termination(development.get("termination_allowed") is True, phase)
        return
    if decision == "rework":
        deadline = submitted.get("rework_deadline")
        if not deadline:
            raise RuleViolation("A phase sent back for rework needs a new deadline.",
                                hint="Give the date by which the partner must meet the "
                                     "targets; nothing is paid until then.",
                                field="rework_deadline")
        if as_date(deadline, "rework_deadline") <= today:
            raise RuleViolation("The new deadline {deadline} is not after today.",
                                hint="Give a deadline after today.", field="rework_deadline",
                                deadline=deadline)
        return
    check_phase_approval(list(targets), phase)
    if own is not None:
        fee = _phase_terms(own, phase)["fee"]
        book_fee(own.get("fee_ledger") or [], phase, fee, plain(agreed_total(docs)),
                 development.get("phases", 4))
    else:
        book_fee(ledger or [], phase, development.get("fee_per_phase", 165000),
                 plain(agreed_total(docs)), development.get("phases", 4))


def close_reviews(partnerships: Mapping, phase: int, reviews: Any, docs: Mapping) -> dict:
    """Apply one round of milestone reviews: approve books the phase fee, rework keeps
    the partner in the phase (nothing paid), terminate ends that partner's contract.
    Returns {"partnerships": new dict, "pending": bool (a rework is still open)}."""
    result = copy.deepcopy(dict(partnerships))
    development = docs.get("development") or {}
    rows = reviews.values() if isinstance(reviews, Mapping) else reviews or []
    by_partner = {str(r.get("partner")): r for r in rows if isinstance(r, Mapping)}
    for name in to_review(result, phase):
        review = by_partner.get(name)
        if not isinstance(review, Mapping):
            continue
        own = result[name]
        record = {"partner": name, "phase": phase, "decision": review.get("decision"),
                  "targets": copy.deepcopy(review.get("targets") or []),
                  "reason": review.get("reason", ""),
                  "rework_deadline": review.get("rework_deadline") or None}
        own["reviews"] = [*own["reviews"], record]
        if record["decision"] == "approve":
            check_phase_approval(record["targets"], phase)
            own["fee_ledger"] = book_fee(own["fee_ledger"], phase,
                                         _phase_terms(own, phase)["fee"],
                                         plain(agreed_total(docs)),
                                         development.get("phases", 4))
            own["phase_done"] = phase
        elif record["decision"] == "terminate":
            own["status"] = "ended"
            own["ended_after_phase"] = phase
            own["phase_done"] = phase
    return {"partnerships": result, "pending": bool(to_review(result, phase))}


def phase_summary(partnerships: Mapping, phase: int) -> dict:
    """The phase record the development loop keeps (and stops on when no partner is
    left). With one partner it reads as before: its decision, targets and ledger."""
    last = {}
    for name, p in partnerships.items():
        mine = [r for r in p.get("reviews") or [] if r.get("phase") == phase]
        if mine:
            last[name] = mine[-1]
    active = [n for n, p in partnerships.items() if p.get("status") == "active"]
    decisions = {n: r.get("decision") for n, r in last.items()}
    first: Mapping = next(iter(last.values()), {})
    return {"phase": phase,
            "decision": "approve" if active else "terminate",
            "decisions": decisions,
            "targets": first.get("targets", []) if len(partnerships) == 1 else [],
            "reason": first.get("reason", "") if len(partnerships) == 1 else "",
            "fee_ledger": combined_ledger(partnerships),
            "partnerships": copy.deepcopy(dict(partnerships)),
            "all_ended": not active}


def combined_ledger(partnerships: Mapping) -> list[dict]:
    """Every partner's fees in one ledger (the partner named when there are several)."""
    several = len(partnerships) > 1
    rows = []
    for name, p in partnerships.items():
        for entry in p.get("fee_ledger") or []:
            rows.append({**entry, "partner": name} if several else dict(entry))
    return rows


def remaining_partners(partnerships: Mapping) -> list[str]:
    return [n for n, p in partnerships.items() if p.get("status") == "active"]


# ---------------------------------------------------------------- purchase
def decide_purchases(offers: Any, max_cost: Any) -> dict:
    """The purchase option, decided per remaining partner: {"exercise": any,
    "reason", "partners": {name: {"exercise", "reason", "offered_price"}}}. With one
    partner "reason" is that partner's reason."""
    from engine.rules.purchase import purchase_decision

    rows = list(offers.values()) if isinstance(offers, Mapping) else list(offers or [])
    by_partner = {}
    for row in rows:
        decision = purchase_decision(row.get("performance_met"), row.get("offered_price"),
                                     max_cost)
        by_partner[str(row.get("partner"))] = dict(decision,
                                                   offered_price=row.get("offered_price"))
    chosen = [n for n, d in by_partner.items() if d["exercise"]]
    if len(by_partner) == 1:
        reason = next(iter(by_partner.values()))["reason"]
    else:
        reason = "; ".join(f"{n}: {d['reason']}" for n, d in by_partner.items())
    return {"exercise": bool(chosen), "reason": reason, "partners": by_partner,
            "purchasing": chosen}


def call_off_partner(partner: Any, purchase: Mapping) -> str:
    """The partner a call-off is made from: one whose purchase option was exercised
    (the only one, when there is one)."""
    chosen = list(purchase.get("purchasing") or [])
    name = str(partner or "").strip()
    if not name:
        if len(chosen) == 1:
            return chosen[0]
        raise RuleViolation("Say which partner the call-off is made from.",
                            hint="One of: {chosen}.", field="call_off_partner",
                            chosen=chosen)
    if name not in chosen:
        raise RuleViolation(
            "{name!r} has no purchase contract: the purchase option was exercised for "
            "{chosen}.",
            hint="Call off only from a partner whose purchase option was exercised.",
            field="call_off_partner", name=name, chosen=chosen or N_("nobody"))
    return name


def ceiling_by_partner(call_offs: Any, ceiling: Any) -> dict:
    """The call-offs per partner under the one shared ceiling: {"used", "remaining",
    "partners": {name: amount}} (Decimals)."""
    made = [c for c in call_offs if isinstance(c, Mapping)] if isinstance(call_offs, list) \
        else []
    per: dict[str, Decimal] = {}
    for c in made:
        amount = amount_or_none(c.get("amount")) or Decimal(0)
        per[str(c.get("partner", ""))] = per.get(str(c.get("partner", "")), Decimal(0)) + amount
    used = sum(per.values(), Decimal(0))
    limit = amount_or_none(ceiling)
    return {"used": used, "remaining": None if limit is None else limit - used,
            "partners": per}

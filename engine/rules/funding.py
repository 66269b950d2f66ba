"""Funding across the value chain (seed 000: fund every link from idea to implementation).

A procedure's funding sources each have an amount, the phases of the value chain they may
pay for, an optional share of each drawdown in those phases (co-financing, e.g. 50/50
between the authority and a national pool) and an optional last day of use. The process
books drawdowns itself (fee instalments, call-offs); these functions split a drawdown
over the sources and refuse one that a source cannot carry. Pure: plain dicts in and out,
exact sums (Decimal).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from engine.errors import N_, Money, RuleViolation

from .fees import as_amount, plain

# the value chain, in order (seed 000, Table 1: pre-commercial, procurement,
# implementation, dissemination; the innovation partnership's own phases in between)
PHASES = ("need", "procurement", "development", "purchase", "implementation",
          "dissemination")
KINDS = ("own", "national", "eu", "foundation")
# the phases' names as a refusal shows them (translated with it)
PHASE_NAMES = {"need": N_("need"), "procurement": N_("procurement"),
               "development": N_("development"), "purchase": N_("purchase"),
               "implementation": N_("implementation"), "dissemination": N_("dissemination")}


def check_source(source: dict) -> dict:
    """A funding source as entered; refused with the field and what to do."""
    name = str(source.get("name") or "").strip()
    if not name:
        raise RuleViolation("A funding source must have a name.", field="name",
                            hint="Write e.g. 'Own budget' or 'The innovation fund'.")
    if source.get("kind") not in KINDS:
        raise RuleViolation("Unknown kind of funding: {kind!r}.",
                            field="kind", hint="Choose own budget, national fund, EU funds or "
                            "private foundation.", kind=source.get('kind'))
    amount = as_amount(source.get("amount"), "amount")
    if amount <= 0:
        raise RuleViolation("The amount must be greater than 0.", field="amount",
                            hint="Give the grant in DKK.")
    phases = list(source.get("phases") or [])
    unknown = [p for p in phases if p not in PHASES]
    if not phases or unknown:
        raise RuleViolation("The source must name the phases of the value chain it may pay "
                            "for.", field="phases", hint="Choose one or more of: {names}.",
                            names=list(PHASE_NAMES.values()))
    share = source.get("share")
    if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)
                              or not 0 < share <= 100):
        raise RuleViolation("The share must be between 0 and 100 %, not {share!r}.",
                            field="share", hint="Leave the field empty if the source pays "
                            "for all of it.", share=share)
    deadline = source.get("deadline")
    if deadline:
        date.fromisoformat(str(deadline))
    return {"name": name[:200], "kind": source["kind"], "amount": plain(amount),
            "phases": [p for p in PHASES if p in phases],
            "share": share, "deadline": str(deadline) if deadline else None,
            "conditions": str(source.get("conditions") or "")[:1000]}


def check_shares(sources: list[dict]) -> None:
    """The shares of the sources paying for one phase add up to at most 100 %."""
    for phase in PHASES:
        shares = [s.get("share") or 0 for s in sources if phase in s["phases"]]
        if sum(Decimal(str(x)) for x in shares) > 100:
            raise RuleViolation("The sources' shares of the phase '{phase}' are over 100 %.",
                                field="share", hint="Correct the shares so that together "
                                "they make at most 100 %.", phase=PHASE_NAMES[phase])


def kr(amount: Any) -> str:
    """An amount as a Danish reader writes it: 82.500 kr., 82.500,50 kr."""
    value = Decimal(str(amount))
    whole = f"{abs(int(value)):,}".replace(",", ".")
    cents = abs(value - int(value))
    text = whole + (f",{int(cents * 100):02d}" if cents else "")
    return ("-" if value < 0 else "") + text + " kr."


def spent(source_id: Any, drawdowns: list[dict]) -> Decimal:
    return sum((as_amount(d["amount"]) for d in drawdowns if d.get("source") == source_id),
               Decimal(0))


def allocate(sources: list[dict], drawdowns: list[dict], phase: str, amount: Any,
             on: date) -> list[dict]:
    """Split a drawdown of ``amount`` in ``phase`` over the sources that pay for it.

    Sources with a share pay that share; what is left falls on sources without a share,
    in order, up to what each has left. Refused when a source would be exceeded, a
    source's last day of use has passed, or the sources cannot carry the whole amount.
    Returns the new drawdowns ({"source", "phase", "amount"}); none when nothing funds
    the phase (the caller warns: an unfunded phase is not refused)."""
    total = as_amount(amount, "amount")
    paying = [s for s in sources if phase in s["phases"]]
    if not paying or total <= 0:
        return []
    parts: list[tuple[dict, Decimal]] = []
    rest = total
    for source in paying:
        if source.get("share"):
            part = (total * Decimal(str(source["share"])) / 100).quantize(Decimal("0.01"))
            parts.append((source, part))
            rest -= part
    for source in paying:
        if rest <= 0:
            break
        if not source.get("share"):
            left = as_amount(source["amount"]) - spent(source["id"], drawdowns)
            part = min(left, rest)
            if part > 0:
                parts.append((source, part))
                rest -= part
    if rest > 0:
        raise RuleViolation(
            "The funding of the phase '{phase}' does not suffice: {rest} of "
            "{total} is not covered.", field="funding",
            hint="Add a funding source to the phase or raise a grant before the phase is "
                 "approved.",
            phase=PHASE_NAMES.get(phase, phase), rest=Money(plain(rest)),
            total=Money(plain(total)))
    for source, part in parts:
        left = as_amount(source["amount"]) - spent(source["id"], drawdowns)
        if part > left:
            raise RuleViolation(
                "'{name}' cannot carry {part}: {left} of {amount} is left.",
                field="funding", hint="Raise the grant, add a source or change the split "
                "before the phase is approved.",
                name=source['name'], part=Money(plain(part)), left=Money(plain(left)),
                amount=Money(source['amount']))
        if source.get("deadline") and on > date.fromisoformat(source["deadline"]):
            raise RuleViolation(
                "'{name}' had to be used by {deadline}.",
                field="funding", hint="Agree an extension with the grantor or use another "
                "source.", name=source['name'], deadline=source['deadline'])
    return [{"source": s["id"], "phase": phase, "amount": plain(p)} for s, p in parts]


def value_chain(sources: list[dict], drawdowns: list[dict]) -> list[dict]:
    """Per phase: what is funded (amounts of the sources that may pay for it, shared
    sources counted once per phase), spent and left, and whether it is funded at all."""
    rows = []
    for phase in PHASES:
        paying = [s for s in sources if phase in s["phases"]]
        available = sum((as_amount(s["amount"]) - spent(s["id"], drawdowns)
                         for s in paying), Decimal(0))
        used = sum((as_amount(d["amount"]) for d in drawdowns if d["phase"] == phase),
                   Decimal(0))
        rows.append({"phase": phase, "sources": [s["name"] for s in paying],
                     "spent": plain(used), "available": plain(available),
                     "funded": bool(paying) and available > 0})
    return rows


def is_funded(sources: list[dict], drawdowns: list[dict], phase: str) -> bool:
    if phase not in PHASES:
        raise RuleViolation("Unknown phase of the value chain: {phase!r}.", field="phase",
                            hint="Use one of: {names}.", phase=phase,
                            names=list(PHASE_NAMES.values()))
    return next(r["funded"] for r in value_chain(sources, drawdowns) if r["phase"] == phase)


def drawdowns_in(data: dict) -> list[dict]:
    """What the process itself has spent, read from its data: each fee instalment
    (development) and each call-off (purchase), with a key that names it once."""
    result = []
    for entry in data.get("fee_ledger") or []:
        if isinstance(entry, dict) and "amount" in entry:
            result.append({"key": f"fee:{entry.get('phase')}", "phase": "development",
                           "amount": entry["amount"],
                           "what": f"Honorar, udviklingsfase {entry.get('phase')}"})
    for n, entry in enumerate(data.get("call_offs") or [], start=1):
        if isinstance(entry, dict) and "amount" in entry:
            result.append({"key": f"call_off:{n}", "phase": "purchase",
                           "amount": entry["amount"],
                           "what": f"Afkald {n}: {str(entry.get('description') or '')[:80]}"})
    return result

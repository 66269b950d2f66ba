"""The authority's view across its procedures: funding and drawdowns per procedure,
lessons ("svært, lært og kært") and the portfolio figures.

Drawdowns are booked by the process itself: every save of an instance reads what its
data has spent (fee instalments, call-offs; engine.rules.funding.drawdowns_in) and books
what is new on the procedure's funding sources, in the same transaction, so a phase that
a source cannot carry is refused and nothing is saved. The figures the portfolio counts
per procedure are kept in ``procedure_facts`` on the same save, so the portfolio never
deserializes a workflow.
"""
from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, or_, select

from .errors import InvalidData
from .models import (
    Authority,
    Drawdown,
    FundingSource,
    Instance,
    Lesson,
    PhaseChange,
    ProcedureFacts,
)
from .rules import funding as rules

# the funding of the instance whose steps run now, for the script helper funded()
_CURRENT: ContextVar[tuple[list, list]] = ContextVar("funding", default=([], []))


def funded(phase: str) -> bool:
    """Script helper: whether the value chain's ``phase`` has money left for this
    procedure (``funded("implementation")`` in a gateway condition)."""
    return rules.is_funded(*_CURRENT.get(), phase)


@contextlib.contextmanager
def scope(s, instance_id: str | None) -> Iterator[None]:
    """Let funded() see this instance's funding while its steps run."""
    token = _CURRENT.set((sources(s, instance_id), drawdowns(s, instance_id))
                         if instance_id else ([], []))
    try:
        yield
    finally:
        _CURRENT.reset(token)


# ------------------------------------------------------------------- reading rows
def _number(value) -> int | float:
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)


def sources(s, instance_id: str) -> list[dict]:
    rows = s.scalars(select(FundingSource).where(FundingSource.instance_id == instance_id)
                     .order_by(FundingSource.id))
    return [{"id": r.id, "name": r.name, "kind": r.kind, "amount": _number(r.amount),
             "phases": list(r.phases or []),
             "share": _number(r.share) if r.share is not None else None,
             "deadline": r.deadline, "conditions": r.conditions} for r in rows]


def drawdowns(s, instance_id: str) -> list[dict]:
    rows = s.scalars(select(Drawdown).where(Drawdown.instance_id == instance_id)
                     .order_by(Drawdown.id))
    return [{"source": r.source_id, "phase": r.phase, "amount": _number(r.amount),
             "key": r.key, "what": r.what, "at": r.at} for r in rows]


# ------------------------------------------------------------------ on every save
def record(s, instance: Instance, data: dict, old_phase: str, now: datetime) -> None:
    """Keep the facts, the phase history and the drawdowns in step with ``data``."""
    if instance.phase and instance.phase != old_phase:
        s.add(PhaseChange(instance_id=instance.id, phase=instance.phase, at=now))
    _book(s, instance, data, now)
    _facts(s, instance, data)


def _book(s, instance: Instance, data: dict, now: datetime) -> None:
    spent = rules.drawdowns_in(data)
    if not spent:
        return
    booked = set(s.scalars(select(Drawdown.key).where(Drawdown.instance_id == instance.id)))
    new = [d for d in spent if d["key"] not in booked]
    if not new:
        return
    funds, done = sources(s, instance.id), drawdowns(s, instance.id)
    day = now.date()
    for entry in new:
        parts = rules.allocate(funds, done, entry["phase"], entry["amount"], day)
        if not parts:  # an unfunded phase: booked on no source, shown as missing
            parts = [{"source": None, "phase": entry["phase"], "amount": entry["amount"]}]
        for part in parts:
            s.add(Drawdown(instance_id=instance.id, source_id=part["source"],
                           key=entry["key"], phase=part["phase"], amount=part["amount"],
                           what=entry["what"][:300], at=now))
            done.append(part)


def _facts(s, instance: Instance, data: dict) -> None:
    def total(entries) -> Decimal:
        return sum((Decimal(str(e.get("amount") or 0)) for e in entries or []
                    if isinstance(e, dict)), Decimal(0))

    def part(container: dict, key: str) -> dict:
        value = container.get(key)
        return value if isinstance(value, dict) else {}

    purchase = part(part(data, "tender_documents"), "purchase")
    decision = part(data, "purchase")
    call_offs = data.get("call_offs") if isinstance(data.get("call_offs"), list) else []
    values = dict(
        authority_id=instance.authority_id,
        applicants=len(data.get("applicants") or []) if isinstance(
            data.get("applicants"), list) else 0,
        bidders=len(data.get("bidders") or []) if isinstance(data.get("bidders"), list) else 0,
        fees_paid=total(data.get("fee_ledger")),
        ceiling=Decimal(str(purchase.get("ceiling") or 0)),
        ceiling_used=total(call_offs),
        reached_purchase=bool(decision.get("exercise")),
        reached_implementation=bool(call_offs),
        search_text=_search_text(data))
    row = s.get(ProcedureFacts, instance.id)
    if row is None:
        s.add(ProcedureFacts(instance_id=instance.id, **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)


def _search_text(data: dict) -> str:
    """The parties' names and CVR numbers, lower case, for finding the procedure."""
    words: list[str] = []
    for key in ("applicants", "bidders", "final_tenders", "initial_tenders"):
        for item in data.get(key) or [] if isinstance(data.get(key), list) else []:
            if isinstance(item, dict):
                words += [str(item.get(k)) for k in ("name", "bidder", "cvr") if item.get(k)]
            elif isinstance(item, str):
                words.append(item)
    award = data.get("award")
    if isinstance(award, dict) and award.get("winner"):
        words.append(str(award["winner"]))
    return " | ".join(dict.fromkeys(words)).lower()[:20000]


# ----------------------------------------------------------------------- funding
def add_source(s, instance: Instance, entered: dict, user: str, now: datetime) -> dict:
    source = rules.check_source(entered)
    rules.check_shares([*sources(s, instance.id), {**source, "id": None}])
    row = FundingSource(instance_id=instance.id, created_by=user, created_at=now,
                        **source)
    s.add(row)
    s.flush()
    return {**source, "id": row.id}


def funding_view(s, instance: Instance) -> dict:
    funds, done = sources(s, instance.id), drawdowns(s, instance.id)
    chain = rules.value_chain(funds, done)
    for row in chain:
        row["unfunded_spent"] = _number(sum(
            (Decimal(str(d["amount"])) for d in done
             if d["phase"] == row["phase"] and d["source"] is None), Decimal(0)))
    for source in funds:
        source["spent"] = _number(rules.spent(source["id"], done))
        source["left"] = _number(Decimal(str(source["amount"])) - Decimal(str(source["spent"])))
    return {"sources": funds, "drawdowns": done, "chain": chain,
            "unfunded": [r["phase"] for r in chain if not r["funded"]]}


def funding_report(s, authority_ids: list[int]) -> list[dict]:
    """Per source: what it paid for, when, on which procedure, and what is left."""
    rows = s.execute(
        select(FundingSource.id, FundingSource.name, FundingSource.kind,
               FundingSource.amount, FundingSource.instance_id, Instance.title)
        .join(Instance, Instance.id == FundingSource.instance_id)
        .where(Instance.authority_id.in_(authority_ids))
        .order_by(Instance.title, FundingSource.id)).all()
    paid: dict[int, list] = defaultdict(list)
    for source_id, what, phase, amount, at in s.execute(
            select(Drawdown.source_id, Drawdown.what, Drawdown.phase, Drawdown.amount,
                   Drawdown.at)
            .join(Instance, Instance.id == Drawdown.instance_id)
            .where(Instance.authority_id.in_(authority_ids), Drawdown.source_id.is_not(None))
            .order_by(Drawdown.at, Drawdown.id)):
        paid[source_id].append({"what": what, "phase": phase, "amount": _number(amount),
                                "at": at})
    report = []
    for source_id, name, kind, amount, instance_id, title in rows:
        spent = sum((Decimal(str(p["amount"])) for p in paid[source_id]), Decimal(0))
        report.append({"source": name, "kind": kind, "procedure": title,
                       "instance_id": instance_id, "amount": _number(amount),
                       "spent": _number(spent), "left": _number(Decimal(amount) - spent),
                       "payments": paid[source_id]})
    return report


def funding_by_kind(s, authority_ids: list[int]) -> list[dict]:
    """Granted, spent and left per kind of source (own, national, EU, foundation)."""
    granted = dict(s.execute(
        select(FundingSource.kind, func.sum(FundingSource.amount))
        .join(Instance, Instance.id == FundingSource.instance_id)
        .where(Instance.authority_id.in_(authority_ids))
        .group_by(FundingSource.kind)).all())
    spent = dict(s.execute(
        select(FundingSource.kind, func.sum(Drawdown.amount))
        .join(FundingSource, FundingSource.id == Drawdown.source_id)
        .join(Instance, Instance.id == Drawdown.instance_id)
        .where(Instance.authority_id.in_(authority_ids))
        .group_by(FundingSource.kind)).all())
    return [{"kind": kind, "amount": _number(granted[kind]),
             "spent": _number(spent.get(kind) or 0),
             "left": _number(Decimal(granted[kind]) - Decimal(spent.get(kind) or 0))}
            for kind in rules.KINDS if kind in granted]


# ----------------------------------------------------------------------- lessons
LESSON_FIELDS = ("hard", "learned", "dear")


def add_lesson(s, authority_id: int, author: str, department: str, entered: dict,
               now: datetime, instance_id: str | None = None) -> None:
    texts = {k: str(entered.get(k) or "").strip()[:4000] for k in LESSON_FIELDS}
    if not any(texts.values()):
        raise InvalidData("A lesson needs at least one of the fields hard, learned or "
                          "dear.", field="learned",
                          hint="Write briefly what was hard, what you learned, or what "
                          "worked well.")
    s.add(Lesson(authority_id=authority_id, instance_id=instance_id,
                 phase=str(entered.get("phase") or "")[:100],
                 subject=str(entered.get("subject") or "")[:200], author=author,
                 department=department[:200], at=now, **texts))


def search_lessons(s, authority_id: int, words: str = "", phase: str = "",
                   other_authorities: bool = False, limit: int = 200) -> list[dict]:
    """Lessons of the authority; with ``other_authorities`` also those of authorities
    that share theirs."""
    query = select(Lesson, Authority.name, Instance.title).join(
        Authority, Authority.id == Lesson.authority_id).outerjoin(
        Instance, Instance.id == Lesson.instance_id)
    if other_authorities:
        query = query.where(or_(Lesson.authority_id == authority_id,
                                Authority.shares_lessons.is_(True)))
    else:
        query = query.where(Lesson.authority_id == authority_id)
    for word in words.split()[:10]:
        pattern = f"%{word.lower()[:100]}%"
        query = query.where(or_(*(func.lower(c).like(pattern) for c in (
            Lesson.hard, Lesson.learned, Lesson.dear, Lesson.subject, Lesson.phase))))
    if phase:
        query = query.where(func.lower(Lesson.phase).like(f"%{phase.lower()[:100]}%"))
    rows = s.execute(query.order_by(Lesson.at.desc(), Lesson.id.desc()).limit(limit)).all()
    return [{"id": lesson.id, "authority": authority, "procedure": title or "",
             "instance_id": lesson.instance_id if lesson.authority_id == authority_id
             else None, "phase": lesson.phase, "subject": lesson.subject,
             "hard": lesson.hard, "learned": lesson.learned, "dear": lesson.dear,
             "author": lesson.author if lesson.authority_id == authority_id else "",
             "department": lesson.department, "at": lesson.at}
            for lesson, authority, title in rows]


def set_sharing(s, authority_id: int, shared: bool) -> None:
    s.get(Authority, authority_id).shares_lessons = bool(shared)


# ---------------------------------------------------------------------- figures
def phase_group(phase: str) -> str:
    """'Forhandling, runde 2' and 'Udviklingsfase 3' count as one phase each."""
    return re.sub(r"[\s,]*(runde\s*)?\d+$", "", phase or "").strip() or "–"


def figures(s, authority_ids: list[int], now: datetime) -> dict:
    """The portfolio of the given authorities, computed from the index tables."""
    rows = s.execute(
        select(Instance.id, Instance.model, Instance.phase, Instance.status,
               ProcedureFacts.applicants, ProcedureFacts.bidders, ProcedureFacts.fees_paid,
               ProcedureFacts.ceiling, ProcedureFacts.ceiling_used,
               ProcedureFacts.reached_purchase, ProcedureFacts.reached_implementation)
        .outerjoin(ProcedureFacts, ProcedureFacts.instance_id == Instance.id)
        .where(Instance.authority_id.in_(authority_ids))).all()
    per_model: dict[str, int] = defaultdict(int)
    per_phase: dict[str, int] = defaultdict(int)
    per_status: dict[str, int] = defaultdict(int)
    procedures = []
    fees = ceiling = used = Decimal(0)
    purchase = implementation = 0
    for (iid, model, phase, status, applicants, bidders, paid, cap, cap_used,
         reached_purchase, reached_implementation) in rows:
        per_model[model] += 1
        per_status[status] += 1
        if status == "running":
            per_phase[phase_group(phase)] += 1
        if applicants is not None:
            fees += Decimal(paid or 0)
            ceiling += Decimal(cap or 0)
            used += Decimal(cap_used or 0)
            purchase += bool(reached_purchase)
            implementation += bool(reached_implementation)
            procedures.append({"id": iid, "applicants": applicants, "bidders": bidders})
    total = len(rows)
    return {
        "procedures": total,
        "per_model": dict(sorted(per_model.items())),
        "per_status": dict(sorted(per_status.items())),
        "per_phase": dict(sorted(per_phase.items(), key=lambda kv: (-kv[1], kv[0]))),
        "cycle_days": _cycle_days(s, [r[0] for r in rows], now),
        "applicants_avg": _avg([p["applicants"] for p in procedures if p["applicants"]]),
        "bidders_avg": _avg([p["bidders"] for p in procedures if p["bidders"]]),
        "reached_purchase": purchase,
        "reached_implementation": implementation,
        "share_purchase": round(100 * purchase / total, 1) if total else 0.0,
        "share_implementation": round(100 * implementation / total, 1) if total else 0.0,
        "fees_paid": _number(fees), "ceiling": _number(ceiling),
        "ceiling_used": _number(used),
        "spent_per_outcome": _spent_per_outcome(s, authority_ids),
    }


def _avg(values: list[int]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _cycle_days(s, instance_ids: list[str], now: datetime) -> dict[str, float]:
    """Average days a procedure spends in each phase (the current one counts up to now)."""
    if not instance_ids:
        return {}
    spans: dict[str, list[float]] = defaultdict(list)
    history: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    query = (select(PhaseChange.instance_id, PhaseChange.phase, PhaseChange.at)
             .order_by(PhaseChange.instance_id, PhaseChange.at, PhaseChange.id))
    if len(instance_ids) < 500:
        query = query.where(PhaseChange.instance_id.in_(instance_ids))
    wanted = set(instance_ids)
    for iid, phase, at in s.execute(query):
        if iid in wanted:
            history[iid].append((phase, at))
    for entries in history.values():
        for (phase, start), (_next, end) in zip(entries, [*entries[1:], (None, now)],
                                                strict=True):
            spans[phase_group(phase)].append((end - start).total_seconds() / 86400)
    return {phase: round(sum(days) / len(days), 1) for phase, days in sorted(spans.items())}


def _spent_per_outcome(s, authority_ids: list[int]) -> dict[str, int | float]:
    rows = s.execute(
        select(Instance.status, ProcedureFacts.reached_purchase,
               func.coalesce(func.sum(Drawdown.amount), 0))
        .join(Drawdown, Drawdown.instance_id == Instance.id)
        .outerjoin(ProcedureFacts, ProcedureFacts.instance_id == Instance.id)
        .where(Instance.authority_id.in_(authority_ids))
        .group_by(Instance.status, ProcedureFacts.reached_purchase)).all()
    result: dict[str, Decimal] = defaultdict(Decimal)
    for status, reached, amount in rows:
        outcome = "purchase" if reached else ("running" if status == "running"
                                              else "no_purchase")
        result[outcome] += Decimal(amount or 0)
    return {k: _number(v) for k, v in sorted(result.items())}


def forget_instance(s, instance_id: str) -> None:
    """Remove the portfolio rows of an instance (tests and tooling)."""
    for table in (Drawdown, FundingSource, PhaseChange, ProcedureFacts):
        s.execute(delete(table).where(table.instance_id == instance_id))

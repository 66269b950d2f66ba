"""What the partnership overview shows, read from an instance's data.

Pure functions over the dict ``Engine.show`` returns. Every key may be missing (a
partnership early in its life has none of them): each part then says so instead of
failing. Sealed values arrive masked as ``{"sealed": True, "until": ...}``.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.access import SEALED
from engine.rules.deadlines import procedure_dates
from engine.rules.fees import amount_or_none, fee_status
from engine.rules.purchase import ceiling_status

from .files import documents
from .i18n import N_

LABELS = {  # the Danish label of each date engine.rules.deadlines.procedure_dates gives
    "application_deadline": N_("Ansøgningsfrist"),
    "initial_tender_deadline": N_("Frist for første tilbud"),
    "resubmission_deadline": N_("Frist for reviderede tilbud"),
    "final_tender_deadline": N_("Frist for endelige tilbud"),
    "standstill_end": N_("Stand still-perioden udløber"),
    "contract_signed": N_("Partnerskabskontrakt underskrevet"),
    "contract_end": N_("Kontraktens slutdato"),
}


def is_sealed(value) -> bool:
    return isinstance(value, Mapping) and value.get(SEALED) is True


def _dict(value) -> dict:
    return value if isinstance(value, Mapping) and not is_sealed(value) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def name_of(item) -> str:
    """A bidder or applicant as a name, whether stored as text or as a row."""
    if isinstance(item, Mapping):
        for key in ("name", "bidder", "applicant"):
            if item.get(key):
                return str(item[key])
        return ""
    return str(item) if item is not None else ""


def bidders(data: Mapping) -> list[dict]:
    """Each applicant or bidder with where they stand, best known status first."""
    selection = _dict(data.get("selection"))
    invited = {name_of(x) for x in _list(selection.get("invited"))}
    rejected = {name_of(x): x for x in _list(selection.get("rejected"))}
    current = {name_of(x) for x in _list(data.get("bidders"))}
    ranks = {name_of(r): r for r in _list(data.get("evaluation")) if isinstance(r, Mapping)}
    if is_sealed(data.get("final_tenders")):
        ranks = {}  # results computed from sealed tenders stay hidden with them
    winner = name_of(_dict(data.get("award")).get("winner"))
    finals = data.get("final_tenders")
    final_names = {name_of(t) for t in _list(finals)}
    names: list[str] = []
    for group in (_list(data.get("applicants")), _list(selection.get("invited")),
                  list(rejected), _list(data.get("bidders")), _list(finals),
                  list(ranks)):
        for item in group:
            name = name_of(item)
            if name and name not in names:
                names.append(name)
    rows = []
    for name in names:
        if winner and name == winner:
            status = N_("Vinder")
        elif name in ranks:
            status = N_("Evalueret")
        elif name in final_names:
            status = N_("Endeligt tilbud modtaget")
        elif name in current:
            status = N_("Tilbudsgiver")
        elif name in rejected:
            status = N_("Ikke udvalgt")
        elif current and name in invited:
            status = N_("Udgået")
        elif name in invited:
            status = N_("Opfordret")
        else:
            status = N_("Ansøger")
        reason = rejected[name].get("reason", "") if isinstance(rejected.get(name),
                                                                  Mapping) else ""
        rank = ranks.get(name, {}).get("rank")
        rows.append({"name": name, "status": status, "rank": rank, "reason": reason})
    return rows


def fees(data: Mapping) -> dict | None:
    """Fees paid against the agreed total (engine.rules.fees)."""
    development = _dict(_dict(data.get("tender_documents")).get("development"))
    status = fee_status(data.get("fee_ledger"), development.get("phases"),
                        development.get("fee_per_phase"))
    several = partners(data)
    if status is not None and len(several) > 1:  # the fees of every partner's contract
        total = sum((p["fees"]["total"] for p in several if p["fees"]
                     and p["fees"]["total"] is not None), Decimal(0))
        status = dict(status, total=total, remaining=total - status["paid"],
                      phases=sum(len(p["contract"]) for p in several))
    return status


def ceiling(data: Mapping) -> dict | None:
    """Call-offs against the contract ceiling (engine.rules.purchase)."""
    purchase = _dict(_dict(data.get("tender_documents")).get("purchase"))
    return ceiling_status(data.get("call_offs"), purchase.get("ceiling"),
                          purchase.get("contract_end"))


def partners(data: Mapping) -> list[dict]:
    """Each partner's contract (phases, targets, fees), reviews and status, in rank
    order (engine.rules.partnership); empty before the contracts are signed."""
    rows = []
    contracts = _dict(data.get("partnerships"))
    purchase = _dict(_dict(data.get("purchase")).get("partners"))
    for name, p in contracts.items():
        if not isinstance(p, Mapping):
            continue
        phases = [c for c in _list(p.get("contract")) if isinstance(c, Mapping)]
        fee = fee_status(p.get("fee_ledger"), len(phases) or None,
                         phases[0].get("fee") if phases else None)
        if fee is not None and phases:
            total = sum((amount_or_none(c.get("fee")) or Decimal(0) for c in phases),
                        Decimal(0))
            fee = dict(fee, total=total, remaining=total - fee["paid"])
        rows.append({"partner": name, "rank": p.get("rank"), "status": p.get("status"),
                     "signed": p.get("signed"), "ended_after_phase": p.get("ended_after_phase"),
                     "contract": phases,
                     "reviews": [r for r in _list(p.get("reviews")) if isinstance(r, Mapping)],
                     "fees": fee, "purchase": _dict(purchase.get(name))})
    return sorted(rows, key=lambda r: r["rank"] if isinstance(r["rank"], int) else 0)


def deadlines(data: Mapping) -> list[dict]:
    """The procedure's dates (engine.rules.deadlines), with their Danish labels."""
    contract_end = _dict(_dict(data.get("tender_documents")).get("purchase")).get(
        "contract_end")
    return [{"key": key, "label": LABELS[key], "value": value}
            for key, value in procedure_dates(data, contract_end)]


def tender_documents(data: Mapping, locked: list[str]) -> dict | None:
    docs = data.get("tender_documents")
    if not isinstance(docs, Mapping):
        return None
    if is_sealed(docs):
        return {"sealed": docs}
    return {"docs": docs, "locked": "tender_documents" in locked,
            "minimum_requirements": [r for r in _list(docs.get("minimum_requirements"))
                                     if isinstance(r, Mapping)],
            "evaluation_model": _dict(docs.get("evaluation_model")),
            "development": _dict(docs.get("development")),
            "purchase": _dict(docs.get("purchase")),
            "negotiation": _dict(docs.get("negotiation")),
            "max_invited": docs.get("max_invited"), "ipr": docs.get("ipr")}


def sealed_values(data: Mapping) -> list[dict]:
    return [{"key": k, "until": v.get("until")} for k, v in data.items() if is_sealed(v)]


def waiting(shown: Mapping) -> list[dict]:
    """Open human tasks and the timers the instance waits for."""
    rows = [{"kind": "task", "title": t.get("title"), "item": t.get("item"),
             "lane": t.get("lane"),
             "assignee": t.get("assignee"), "due_at": t.get("due_at"), "id": t.get("id")}
            for t in shown.get("open_tasks") or ()]
    for event in shown.get("waiting") or ():
        kind = str(event.get("type", ""))
        if kind.endswith("TimerEventDefinition") or kind == "TimeDateEventDefinition":
            value = event.get("value")
            when = value.get("next") if isinstance(value, Mapping) else value
            rows.append({"kind": "timer", "title": event.get("name") or "", "due_at": when})
    return rows


def overview(shown: Mapping) -> dict[str, Any]:
    data = shown.get("data") or {}
    return {
        "summary": {k: data.get(k) for k in ("need", "justification", "estimated_value",
                                             "authority")},
        "waiting": waiting(shown),
        "bidders": bidders(data),
        "tender_documents": tender_documents(data, list(shown.get("locked") or ())),
        "deadlines": deadlines(data),
        "fees": fees(data),
        "ceiling": ceiling(data),
        "partners": partners(data),
        "documents": list(documents(data)),
        "sealed": sealed_values(data),
        "award": _dict(data.get("award")),
    }

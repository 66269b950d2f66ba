"""The procurement report (udbudsrapport, Udbudsloven § 174), produced from the record.

:func:`context` gathers what § 174 asks for from the instance data and the audit log,
with the record's verification status (hash chain and replay); :func:`html` renders it
with a standalone Jinja2 template (no Flask needed), :func:`pdf` with fpdf2. A section
whose data the record lacks says so instead of disappearing.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..clock import LOCAL_ZONE
from . import case as load_case
from .ocds import award_criteria_details

TEMPLATES = Path(__file__).parent / "templates"
MISSING = "Ikke registreret"

# The report's sections: (key, number, title). The § 174 items each have one.
SECTIONS = (
    ("authority", "1", "Ordregiver, kontraktens genstand og værdi (§ 174, stk. 1, nr. 1)"),
    ("justification", "2", "Begrundelse for innovationspartnerskab (§ 174, stk. 1, nr. 7; "
                           "§ 73)"),
    ("documents", "3", "Udbudsmateriale og evalueringsmodel (§ 160)"),
    ("selection", "4", "Udvælgelse: udvalgte og forbigåede ansøgere med begrundelse "
                       "(§ 174, stk. 1, nr. 2-3)"),
    ("negotiation", "5", "Forhandlingernes forløb (§ 171, stk. 4)"),
    ("evaluation", "6", "Evaluering af de endelige tilbud"),
    ("award", "7", "Tildeling: den valgte tilbudsgiver og begrundelsen (§ 174, stk. 1, nr. 5)"),
    ("standstill", "8", "Standstill-periode (klagenævnsloven § 3)"),
    ("contract", "9", "Udviklingsforløb, køb og afkald"),
    ("record", "10", "Dokumentation: verifikation af sagens log"),
    ("law", "11", "Reducerede og afviste tilbudsgivere, klager og aflysning "
                  "(direktivets art. 84)"),
    ("letters", "12", "Underretninger til ansøgere og tilbudsgivere (§ 171)"),
)


def context(engine, instance_id: str, user: str | None = None) -> dict:
    """Everything the report shows, as plain values."""
    from ..replay import replay

    case = load_case(engine, instance_id, user)
    data = case.data
    documents = _dict(data.get("tender_documents"))
    replayed = replay(engine, instance_id, user=user)
    selection = _dict(data.get("selection"))
    return {
        "instance": case.summary,
        "generated_at": _local(engine.now()),
        "authority": data.get("authority") or case.summary.get("authority"),
        "title": case.summary.get("title"),
        "need": data.get("need"),
        "estimated_value": _money(data.get("estimated_value")),
        "justification": data.get("justification"),
        "not_on_market": data.get("not_on_market"),
        "minimum_requirements": [_text(r) for r in documents.get("minimum_requirements") or []],
        "evaluation_model": award_criteria_details(documents),
        "max_invited": documents.get("max_invited"),
        "negotiation_plan": _plan(_dict(documents.get("negotiation"))),
        "development_plan": _dict(documents.get("development")),
        "purchase_terms": _dict(documents.get("purchase")),
        "ipr": documents.get("ipr"),
        "notice_dispatched": data.get("notice_dispatched"),
        "application_deadline": data.get("application_deadline"),
        "applicants": [_text(a) for a in _list(data.get("applicants"))],
        "invited": [_text(a) for a in _list(selection.get("invited"))],
        "rejected": [{"applicant": _text(r.get("applicant")), "reason": r.get("reason")}
                     for r in _list(selection.get("rejected")) if isinstance(r, dict)],
        "ranking": [r for r in _list(selection.get("ranking")) if isinstance(r, dict)],
        "selection_cancelled": bool(selection.get("cancel")),
        "rounds": [_round(r) for r in _list(data.get("rounds")) if isinstance(r, dict)],
        "negotiation_account": _dict(data.get("award")).get("negotiation_account"),
        "final_tenders": [t for t in _list(data.get("final_tenders")) if isinstance(t, dict)],
        "final_tenders_sealed": isinstance(data.get("final_tenders"), dict),
        "evaluation": [_score_row(r) for r in _list(data.get("evaluation"))
                       if isinstance(r, dict)],
        "award": _dict(data.get("award")),
        "standstill_end": data.get("standstill_end"),
        "contract_signed": data.get("contract_signed"),
        "phases": [p for p in _list(data.get("development_phases")) if isinstance(p, dict)],
        "fee_ledger": [{"phase": f.get("phase"), "amount": _money(f.get("amount"))}
                       for f in _list(data.get("fee_ledger")) if isinstance(f, dict)],
        "purchase": _dict(data.get("purchase")),
        "call_offs": [{"date": c.get("date"), "amount": _money(c.get("amount")),
                       "description": c.get("description")}
                      for c in _list(data.get("call_offs")) if isinstance(c, dict)],
        "status": case.summary.get("status"),
        "phase": data.get("status_phase"),
        "verification": _verification(case.chain, replayed),
        "events": [{"seq": e.seq, "at": _local(e.at), "actor": e.actor, "kind": e.kind,
                    "task": e.task or ""} for e in case.events],
        "reduced": _reduced(data),
        "rejected_tenders": _rejected_tenders(data),
        "abnormally_low": _abnormally_low(data),
        "subcontracting": _subcontracting(data),
        "complaints": [c for c in _list(data.get("complaints")) if isinstance(c, dict)],
        "cancellation": _cancellation(data, case.events),
        "letters": _letters(engine, instance_id, user),
        "conflicts": _conflicts(data),
        "partners": _partners(data),
        "declared_conflicts": _declared_conflicts(data),
        "declarations": _declarations(data),
        "sections": SECTIONS,
        "missing": MISSING,
    }


NO_CONFLICTS = "Ingen interessekonflikter erklæret."


def _conflicts(data: dict) -> str | None:
    """What the evaluators declared with each assessment (UBL § 4)."""
    from ..rules.impartiality import declarations

    rows = [*_list(data.get("assessments")), *_dict(data.get("tender_scores")).values()]
    summary = declarations(rows)
    if not summary["declared"]:
        return None
    return (f"{summary['declared']} af {summary['assessments']} vurderinger har en erklæring; "
            "ingen interessekonflikt erklæret med en vurdering. En erklæret konflikt "
            "udelukker personen fra vurderingen (systemet afviser vurderingen).")


# ------------------------------------------- issue 10: the § 174 report's added items
def _declared_conflicts(data: dict) -> list[dict]:
    """The conflicts of interest declared in the procedure and the measures taken."""
    from ..rules.impartiality import conflicts

    return conflicts(data.get("impartiality_declarations"))


def _declarations(data: dict) -> list[dict]:
    """Every evaluator and adviser in the register and what they declared."""
    rows = []
    for p in _list(data.get("impartiality_declarations")):
        if not isinstance(p, dict):
            continue
        d = p.get("declaration") if isinstance(p.get("declaration"), dict) else None
        rows.append({"person": p.get("person"),
                     "role": {"adviser": "rådgiver", "evaluator": "evaluator"}.get(
                         str(p.get("role")), p.get("role")),
                     "organisation": p.get("organisation") or "",
                     "declared": (("interessekonflikt" if d.get("conflict") else
                                   "ingen interessekonflikt") + f" ({d.get('declared_on')})")
                     if d else "ikke erklæret"})
    return rows


def _reduced(data: dict) -> list[dict]:
    """Bidders who did not go on after a negotiation round, each with the reason it was
    given (UBL §§ 146, 171), and the recorded reason when fewer than two went on."""
    rows = []
    for r in _list(data.get("rounds")):
        if not isinstance(r, dict) or not r.get("removed") and not r.get("reduction_reason"):
            continue
        reasons = {str(n.get("bidder")): n.get("reason")
                   for n in _list(r.get("reduction_notices")) if isinstance(n, dict)}
        rows.append({"round": r.get("round"), "removed": ", ".join(_list(r.get("removed"))),
                     "continuing": ", ".join(_list(r.get("bidders_after"))),
                     "reasons": [f"{b}: {reasons[str(b)]}" if reasons.get(str(b)) else str(b)
                                 for b in _list(r.get("removed"))],
                     "reduction_reason": r.get("reduction_reason") or ""})
    return rows


def _rejected_tenders(data: dict) -> list[dict]:
    """Tenders rejected as not conforming (or abnormally low), in the rounds and at the
    final tender, with the reason (UBL §§ 159, 169)."""
    rows = []
    for r in _list(data.get("rounds")):
        if isinstance(r, dict):
            rows += [dict(t, stage=f"runde {r.get('round')}")
                     for t in _list(r.get("rejected_tenders")) if isinstance(t, dict)]
    rows += [dict(t, stage="endeligt tilbud") for t in _list(data.get("rejected_tenders"))
             if isinstance(t, dict)]
    return rows


def _abnormally_low(data: dict) -> list[dict]:
    """Final tenders found abnormally low and kept after the bidder's explanation (§ 169)."""
    return [{"bidder": r.get("bidder"), "requested": r.get("explanation_requested_on"),
             "received": r.get("explanation_received_on"),
             "reason": r.get("reason") or "Forklaringen blev accepteret."}
            for r in _list(data.get("conformity"))
            if isinstance(r, dict) and r.get("abnormally_low") is True
            and r.get("conforming") is True]


def _subcontracting(data: dict) -> list[dict]:
    """The winner's share of subcontracting, if its final tender states it
    (Dir. art. 84(1)(e))."""
    award = _dict(data.get("award"))
    winners = [w for w in [award.get("winner"), *_list(award.get("partners"))]
               if isinstance(w, str) and w]
    rows = []
    for t in _list(data.get("final_tenders")):
        if isinstance(t, dict) and t.get("bidder") in winners:
            share = t.get("subcontracting_share")
            rows.append({"bidder": t["bidder"],
                         "share": (f"{_points(share)} %" if share is not None
                                   else "Ikke oplyst"),
                         "subcontractors": t.get("subcontractors") or ""})
    return rows


def _partners(data: dict) -> list[dict]:
    """Each partner in rank order with its outcome (UBL § 74 stk. 2 nr. 3): the phases
    approved and paid, a contract ended after a phase, the purchase option."""
    decided = _dict(_dict(data.get("purchase")).get("partners"))
    rows = []
    for name, p in _dict(data.get("partnerships")).items():
        if not isinstance(p, dict):
            continue
        paid = sum(f.get("amount") or 0 for f in _list(p.get("fee_ledger"))
                   if isinstance(f, dict))
        if p.get("status") == "ended":
            outcome = f"kontrakten ophørt efter fase {p.get('ended_after_phase')}"
        elif name in decided:
            outcome = ("købsoption udnyttet" if _dict(decided[name]).get("exercise")
                       else "købsoption ikke udnyttet")
        else:
            outcome = "kontrakten løber"
        rows.append({"partner": name, "rank": p.get("rank"), "signed": p.get("signed"),
                     "phases_paid": len(_list(p.get("fee_ledger"))), "paid": _money(paid),
                     "reworks": sum(1 for r in _list(p.get("reviews"))
                                    if isinstance(r, dict) and r.get("decision") == "rework"),
                     "outcome": outcome})
    return sorted(rows, key=lambda r: r["rank"] if isinstance(r["rank"], int) else 0)


def _cancellation(data: dict, events) -> str | None:
    """The recorded reason a procedure was cancelled (Dir. art. 84(1)(h)), if it was."""
    for e in reversed(events):
        if e.kind == "cancelled" and isinstance(e.data, dict) and e.data.get("reason"):
            return str(e.data["reason"])
    return data.get("cancellation_reason")


# ---------------------------------------------------------------- letters
def _letters(engine, instance_id: str, user: str | None) -> list[dict]:
    """The letters sent to the participants (engine/letters), oldest first."""
    from ..rules.award import danish_date

    return [{"id": r["id"], "dated": danish_date(r["dated"]), "kind": r["kind_label"],
             "addressee": r["addressee"], "subject": r["subject"],
             "event_seq": r["event_seq"]}
            for r in engine.letters(instance_id, user=user)]


def _verification(chain, replayed) -> dict:
    ok = chain.ok and replayed.identical
    if ok:
        text = (f"Verificeret: hash-kæden over {chain.events} hændelser er intakt, og en "
                "genafspilning af loggen på den fastlåste modelversion giver nøjagtig den "
                "registrerede tilstand efter hver hændelse.")
    elif not chain.ok:
        text = (f"IKKE verificeret: hash-kæden er brudt ved hændelse {chain.first_bad_seq} "
                f"({chain.reason}).")
    else:
        div = replayed.divergence
        where = f"hændelse {div.seq}" if div.seq is not None else "den gemte tilstand"
        text = f"IKKE verificeret: genafspilningen afviger ved {where} ({div.reason})."
    return {"ok": ok, "text": text, "events": chain.events,
            "first_bad_seq": chain.first_bad_seq if not chain.ok else (
                replayed.divergence.seq if replayed.divergence else None)}


def html(ctx: dict) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(["html"]))
    env.filters["money"] = lambda v: _money(v) or MISSING
    return env.get_template("report.html").render(**ctx)


def pdf(ctx: dict) -> bytes:
    from .report_pdf import render

    return render(ctx)


# ---------------------------------------------------------------- values
def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _text(value) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or value.get("name") or value.get("applicant")
                   or value.get("id") or value)
    return "" if value is None else str(value)


def _money(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None if value in (None, "") else str(value)
    return f"{value:,.0f} kr.".replace(",", ".")


def _local(at: datetime) -> str:
    return at.astimezone(LOCAL_ZONE).strftime("%d-%m-%Y %H:%M")


def _plan(plan: dict) -> str | None:
    if not plan:
        return None
    parts = []
    if plan.get("rounds"):
        parts.append(f"{plan['rounds']} forhandlingsrunder")
    reduce = plan.get("reduction_between_rounds", plan.get("reduce_between_rounds"))
    if reduce is not None:
        parts.append("reduktion af tilbudsgivere mellem runderne er " +
                     ("forbeholdt" if reduce else "ikke forbeholdt"))
    if plan.get("award_on_initial_reserved") is not None:
        parts.append("tildeling på grundlag af de første tilbud er " +
                     ("forbeholdt" if plan["award_on_initial_reserved"] else "ikke forbeholdt"))
    return "; ".join(parts) or None


def _round(r: dict) -> dict:
    changes = [c.get("description") or c.get("requirement") for c in _list(
        r.get("requirement_changes")) if isinstance(c, dict)]
    return {"round": r.get("round"), "date": r.get("negotiated_on") or r.get("date"),
            "bidders": ", ".join(_text(b) for b in _list(r.get("bidders")))
            or r.get("bidders"),
            "sprints": len(_dict(r.get("micro_sprints"))),
            "minutes": r.get("minutes") or r.get("summary"),
            "changes": [c for c in changes if c],
            "sent_to_all": r.get("changes_sent_to_all")}


def _score_row(r: dict) -> dict:
    return {"rank": r.get("rank"), "bidder": _text(r.get("bidder")),
            "quality": _points(r.get("quality_points")),
            "price": _points(r.get("price_points")), "total": _points(r.get("total"))}


def _points(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value).replace(".", ",")  # as computed: exact, not re-rounded
    return "" if value is None else str(value)


def as_date(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)

"""What each letter says (UBL § 171): pure functions, no database, no workflow.

Each ``*_letter`` function takes only what its addressee may read: its own result,
the names of those selected, continuing or awarded, and what the authority wrote for
everyone (the winner's advantages, the account of the negotiations, a cancellation's
reason). Another bidder's price, scores or tender never reach it. The ``*_letters``
functions pick those values out of the procedure's data, one addressee at a time.

A letter is a plain dict: {"kind", "batch", "addressee", "sender", "procedure",
"dated" (ISO date), "subject", "paragraphs" [text], "facts" [[label, text]],
"legal" text}; dates and amounts in it are already Danish ("10. december 2026",
"22.000.000 kr.").
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from engine.rules.award import COMPLAINT_DEADLINES, danish_amount, danish_date
from engine.rules.deadlines import as_date

KINDS = {"selection": "Udvælgelse", "reduction": "Reduktion af tilbudsgivere",
         "award": "Tildeling", "cancellation": "Annullering"}
SELECTION_COMPLAINT_DAYS = 20  # KNL § 7 stk. 1


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _names(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) < 2:
        return "".join(names) or "ingen"
    return ", ".join(names[:-1]) + " og " + names[-1]


def _points(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:.2f}".replace(".", ",")


def heading(data: dict, authority: str, procedure: str) -> dict:
    """Who sends and about which procedure (the same in every letter of a procedure)."""
    return {"sender": _text(data.get("authority")) or authority,
            "procedure": _text(procedure) or _text(data.get("need")) or "udbuddet"}


def _letter(head: dict, kind: str, addressee: str, dated: date | str, subject: str,
            paragraphs: list[str], facts: list[list[str]], legal: str,
            batch: str = "") -> dict:
    return {"kind": kind, "batch": batch, "addressee": addressee,
            "sender": head["sender"], "procedure": head["procedure"],
            "dated": as_date(dated).isoformat(), "subject": subject,
            "paragraphs": [p for p in paragraphs if p], "facts": facts, "legal": legal}


# ------------------------------------------------------------------ selection
def selection_complaint_deadline(dated: date | str) -> date:
    """KNL § 7 stk. 1: 20 calendar days from the day after the notification was sent
    (no extension for weekends or holidays is assumed: the earliest possible date)."""
    return as_date(dated) + timedelta(days=SELECTION_COMPLAINT_DAYS)


def selection_letter(head: dict, addressee: str, selected: bool, reason: str,
                     selected_names: list[str], dated: date | str,
                     tender_deadline: str | None = None) -> dict:
    """To one applicant: selected or not, why, and who was selected."""
    who = _names(selected_names)
    if selected:
        subject = f"Jeres ansøgning er udvalgt: {head['procedure']}"
        paragraphs = [
            f"{head['sender']} har afsluttet prækvalifikationen i udbuddet «{head['procedure']}» "
            "(innovationspartnerskab, udbudslovens §§ 73-79). Jeres ansøgning om deltagelse er "
            "udvalgt, og I opfordres hermed til at afgive første tilbud.",
            (f"Fristen for første tilbud er den {danish_date(tender_deadline)}."
             if tender_deadline else ""),
            f"Følgende ansøgere er udvalgt til at afgive tilbud: {who}.",
        ]
    else:
        deadline = danish_date(selection_complaint_deadline(dated))
        subject = f"Jeres ansøgning er ikke udvalgt: {head['procedure']}"
        paragraphs = [
            f"{head['sender']} har afsluttet prækvalifikationen i udbuddet «{head['procedure']}» "
            "(innovationspartnerskab, udbudslovens §§ 73-79). Jeres ansøgning om deltagelse er "
            "desværre ikke udvalgt.",
            f"Begrundelse: {reason}",
            f"Følgende ansøgere er udvalgt til at afgive tilbud: {who}.",
            "Klage over, at I ikke er udvalgt, skal være indgivet til Klagenævnet for Udbud "
            f"senest den {deadline}, dvs. 20 kalenderdage regnet fra dagen efter, at denne "
            "underretning er afsendt (klagenævnslovens § 7, stk. 1).",
        ]
    facts = [["Udvalgt", "ja" if selected else "nej"], ["Udvalgte ansøgere", who]]
    return _letter(head, "selection", addressee, dated, subject, paragraphs, facts,
                   "Underretning efter udbudslovens § 171, stk. 1-2.")


def selection_letters(head: dict, data: dict) -> list[dict]:
    """One letter to every applicant, from the final selection (tie decision applied)."""
    selection = _dict(data.get("selection"))
    invited = [n for n in _list(selection.get("invited")) if isinstance(n, str)]
    reasons = {_text(r.get("applicant")): _text(r.get("reason"))
               for r in _list(selection.get("rejected")) if isinstance(r, dict)}
    dated = str(data.get("invitations_sent"))
    applicants = [_text(a.get("name")) if isinstance(a, dict) else _text(a)
                  for a in _list(data.get("applicants"))]
    for name in [*invited, *reasons]:
        if name not in applicants:
            applicants.append(name)
    return [selection_letter(head, name, name in invited, reasons.get(name, ""), invited,
                             dated, data.get("initial_tender_deadline"))
            for name in applicants if name]


# ------------------------------------------------------------------ reduction
def reduction_letter(head: dict, addressee: str, reason: str, continuing: list[str],
                     round_no: Any, dated: date | str) -> dict:
    """To one reduced bidder: why (its own rank and points) and who continues."""
    who = _names(continuing)
    paragraphs = [
        f"{head['sender']} har efter forhandlingsrunde {round_no} i udbuddet "
        f"«{head['procedure']}» reduceret antallet af tilbudsgivere på grundlag af de "
        "offentliggjorte tildelingskriterier, som udbudsmaterialet forbeholdt "
        "(udbudslovens § 146). Jeres tilbud går ikke videre til de næste forhandlinger.",
        f"Begrundelse: {reason}",
        f"Følgende tilbudsgivere fortsætter: {who}.",
    ]
    return _letter(head, "reduction", addressee, dated,
                   f"Jeres tilbud går ikke videre: {head['procedure']}", paragraphs,
                   [["Forhandlingsrunde", str(round_no)], ["Fortsætter", who]],
                   "Underretning efter udbudslovens § 171, stk. 1-2, og § 146.",
                   batch=f"runde-{round_no}")


def reduction_letters(head: dict, round_record: dict, dated: date | str) -> list[dict]:
    """One letter to every bidder reduced after this round."""
    kept = [n for n in _list(round_record.get("bidders_after")) if isinstance(n, str)]
    notices = {_text(n.get("bidder")): _text(n.get("reason"))
               for n in _list(round_record.get("reduction_notices")) if isinstance(n, dict)}
    return [reduction_letter(head, name, notices.get(name) or
                             "Tilbuddet var ikke blandt de bedste efter tildelingskriterierne.",
                             kept, round_record.get("round"), dated)
            for name in _list(round_record.get("removed")) if isinstance(name, str)]


# ---------------------------------------------------------------------- award
def award_letter(head: dict, addressee: str, winners: list[str], advantages: str,
                 negotiation_account: str, notified: date | str, standstill_end: date | str,
                 complaint_deadlines: str, own: dict | None, fees: str | None = None) -> dict:
    """To one bidder: who won and why (the winner's advantages), the standstill end, the
    account of the negotiations, the complaint deadlines, and its own result only."""
    won = addressee in winners
    who = _names(winners)
    standstill = danish_date(standstill_end)
    own = own or {}
    if own.get("rejected"):
        result = f"Jeres tilbud blev afvist før evalueringen. Begrundelse: {own['rejected']}"
    elif own.get("rank") is not None:
        result = (f"Jeres endelige tilbud blev nr. {own['rank']} med {_points(own['total'])} "
                  f"point efter den offentliggjorte evalueringsmodel"
                  + (f" (tilbudt pris {own['price']})." if own.get("price") else "."))
    else:
        result = ""
    if won:
        subject = f"Meddelelse om tildeling: {head['procedure']}"
        opening = (f"{head['sender']} har besluttet at indgå innovationspartnerskab med jer i "
                   f"udbuddet «{head['procedure']}», da jeres tilbud har det bedste forhold "
                   "mellem pris og kvalitet efter den offentliggjorte evalueringsmodel.")
    else:
        subject = f"Meddelelse om tildelingsbeslutning: {head['procedure']}"
        opening = (f"{head['sender']} har besluttet at indgå innovationspartnerskab med {who} "
                   f"i udbuddet «{head['procedure']}», som har afgivet tilbuddet med det bedste "
                   "forhold mellem pris og kvalitet efter den offentliggjorte evalueringsmodel. "
                   "Jeres tilbud er derfor ikke valgt.")
    paragraphs = [
        opening,
        result,
        f"Det vindende tilbuds egenskaber og relative fordele: {advantages}",
        f"Forhandlingernes forløb: {negotiation_account}",
        f"Stand still-perioden udløber den {standstill}; kontrakten indgås tidligst dagen "
        "efter (klagenævnslovens § 3).",
        (f"Partnerskabskontrakten omfatter et honorar på {fees}, jf. udbudsmaterialet."
         if won and fees else ""),
        complaint_deadlines,
    ]
    facts = [["Valgt tilbudsgiver" if len(winners) < 2 else "Valgte tilbudsgivere", who],
             ["Underretning", danish_date(notified)],
             ["Stand still-perioden udløber", standstill]]
    return _letter(head, "award", addressee, notified, subject, paragraphs, facts,
                   "Underretning efter udbudslovens § 171, stk. 1-4, og klagenævnslovens "
                   "§§ 3 og 7.")


def _winners(award: dict) -> list[str]:
    """The awarded bidder(s): ``winner``, or the partners in rank order when the
    documents allow several (names or rows naming the bidder)."""
    partners = [_text(p) if isinstance(p, str) else _text(_dict(p).get("bidder")
                                                           or _dict(p).get("name"))
                for p in _list(award.get("partners") or award.get("winners"))]
    partners = [p for p in partners if p]
    return partners or [w for w in [_text(award.get("winner"))] if w]


def _fees(documents: dict) -> str | None:
    development = _dict(documents.get("development"))
    phases, fee = development.get("phases"), development.get("fee_per_phase")
    if isinstance(phases, int) and isinstance(fee, int | float) and not isinstance(fee, bool):
        return f"{phases} × {danish_amount(fee)} ({danish_amount(phases * fee)} i alt)"
    return None


def award_letters(head: dict, data: dict) -> list[dict]:
    """One letter to every bidder in the final stage (and each whose final tender was
    rejected before ranking), each with its own result only."""
    award = _dict(data.get("award"))
    notification = _dict(data.get("award_notification"))
    winners = _winners(award)
    standstill_end = str(data.get("standstill_end") or notification.get("standstill_end"))
    deadlines = _text(notification.get("complaint_deadlines")) or \
        COMPLAINT_DEADLINES.format(standstill=danish_date(standstill_end))
    evaluation = {_text(r.get("bidder")): r for r in _list(data.get("evaluation"))
                  if isinstance(r, dict)}
    prices = {_text(t.get("bidder")): t.get("price") for t in _list(data.get("final_tenders"))
              if isinstance(t, dict)}
    rejected = {_text(t.get("bidder")): _text(t.get("reason"))
                for t in _list(data.get("rejected_tenders")) if isinstance(t, dict)}
    addressees: list[str] = []
    for name in [*_list(data.get("bidders")), *evaluation, *rejected, *winners]:
        if isinstance(name, str) and name and name not in addressees:
            addressees.append(name)
    letters = []
    for name in addressees:
        row = evaluation.get(name, {})
        price = prices.get(name)
        own = {"rank": row.get("rank"), "total": row.get("total"),
               "price": danish_amount(price) if isinstance(price, int | float)
               and not isinstance(price, bool) else None,
               "rejected": rejected.get(name)}
        letters.append(award_letter(head, name, winners, _text(award.get("advantages")),
                                    _text(award.get("negotiation_account")),
                                    str(award.get("notified")), standstill_end, deadlines, own,
                                    _fees(_dict(data.get("tender_documents")))))
    return letters


# --------------------------------------------------------------- cancellation
def cancellation_letter(head: dict, addressee: str, reason: str, dated: date | str) -> dict:
    """To one participant: the procedure is cancelled, and why."""
    paragraphs = [
        f"{head['sender']} har besluttet at annullere udbuddet «{head['procedure']}» "
        "(innovationspartnerskab). Der indgås ingen kontrakt på grundlag af udbuddet.",
        f"Begrundelse: {reason}",
        "Vi takker for jeres deltagelse og interesse.",
    ]
    return _letter(head, "cancellation", addressee, dated,
                   f"Udbuddet er annulleret: {head['procedure']}", paragraphs,
                   [["Annulleret", danish_date(dated)]],
                   "Underretning efter udbudslovens § 171, stk. 1.")


def participants(data: dict) -> list[str]:
    """Every applicant and bidder known so far, in the order they came in (final
    tenders name no one new: they may still be sealed, and their bidders are known)."""
    names: list[str] = []
    tenders = _list(data.get("initial_tenders"))
    for item in [*_list(data.get("applicants")), *_list(data.get("bidders")), *tenders]:
        name = _text(item.get("name") or item.get("bidder")) if isinstance(item, dict) \
            else _text(item)
        if name and name not in names:
            names.append(name)
    return names


def cancellation_letters(head: dict, data: dict, reason: str,
                         dated: date | str) -> list[dict]:
    return [cancellation_letter(head, name, reason, dated) for name in participants(data)]

"""The award decision and its notification (Dir. art. 5(10), 31(1), 67; UBL § 171;
KNL §§ 3, 7, 12).

The notification is produced after the standstill end is computed, so the letter states
it; its texts (the winner's advantages, the account of the negotiations) must be real
text, not blanks or placeholders.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.errors import N_, Money, RuleViolation
from engine.rules.deadlines import as_date
from engine.rules.fees import as_amount, plain

# placeholders long enough to pass the length check (shorter ones never do)
PLACEHOLDERS = frozenset({"udfyldes senere", "se vedlagte bilag", "to be completed",
                          "to be confirmed", "tekst følger senere"})
MINIMUM_TEXT = 15  # characters: shorter is not an account of anything
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")


def danish_date(value: date | str) -> str:
    """10. december 2026."""
    d = as_date(value)
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def danish_amount(value: Any) -> str:
    """22.000.000 kr. (whole kroner; øre with a comma)."""
    amount = as_amount(value)
    whole = int(amount)
    text = f"{whole:,}".replace(",", ".")
    if amount != whole:
        text += "," + f"{amount - whole:.2f}"[2:]
    return text + " kr."


def check_real_text(value: Any, field: str, what: str) -> str:
    """``value`` as a stripped text that says something; refuse blanks and placeholders."""
    text = value.strip() if isinstance(value, str) else ""
    if len(text) < MINIMUM_TEXT or text.lower().strip(" .") in PLACEHOLDERS:
        raise RuleViolation(
            "{what} is missing or only a placeholder ({value!r}).",
            hint="Write it in full (at least {minimum} characters): it goes into the "
                 "letter to every bidder (UBL § 171).",
            field=field, what=what, value=text or N_("blank"), minimum=MINIMUM_TEXT)
    return text


def check_estimated_value(estimated_value: Any, development_value: Any,
                          purchase_value: Any, field: str = "estimated_value") -> None:
    """Dir. art. 5(10): the estimated value of an innovation partnership is at least the
    R&D activities in all phases plus the maximum value of the supplies or services to be
    purchased at the end."""
    total = as_amount(estimated_value, "estimated_value")
    development = as_amount(development_value, "development_value")
    purchase = as_amount(purchase_value, "purchase_value")
    if total < development + purchase:
        raise RuleViolation(
            "The estimated value {total} is below the development "
            "({development}) plus the maximum purchase value ({purchase}) = "
            "{amount} (Dir. art. 5(10)).",
            hint="The estimated value of an innovation partnership covers all phases and the "
                 "maximum purchase: raise the estimate, or lower the fees or the ceiling.",
            field=field,
            total=Money(plain(total)), development=Money(plain(development)),
            purchase=Money(plain(purchase)), amount=Money(plain(development + purchase)))


COMPLAINT_DEADLINES = (
    "Klage over tildelingsbeslutningen indgives til Klagenævnet for Udbud. Klagen har kun "
    "opsættende virkning, hvis den indgives inden stand still-periodens udløb den "
    "{standstill}, og ordregiveren samtidig underrettes skriftligt (klagenævnsloven § 12, "
    "stk. 1 og § 6, stk. 4). Klage skal i øvrigt være indgivet senest 45 kalenderdage "
    "efter, at ordregiveren har offentliggjort bekendtgørelse om indgåelse af kontrakt, "
    "eller senest 30 kalenderdage efter, at ordregiveren har underrettet de berørte "
    "tilbudsgivere om kontraktens indgåelse med en kort redegørelse for begrundelsen "
    "(klagenævnsloven § 7, stk. 2)."
)


def award_notification(award: dict, standstill_end: date | str) -> dict[str, Any]:
    """The award notification (UBL § 171) as data and Danish text.

    Produced after ``standstill_end`` is computed, so the letter states it."""
    winner = str(award.get("winner") or "").strip()
    if not winner:
        raise RuleViolation("The award names no winner.", field="award.winner")
    advantages = check_real_text(award.get("advantages"), "award.advantages",
                                 N_("The winner's advantages"))
    account = check_real_text(award.get("negotiation_account"), "award.negotiation_account",
                              N_("The account of the negotiations"))
    standstill = danish_date(standstill_end)
    deadlines = COMPLAINT_DEADLINES.format(standstill=standstill)
    text = (f"Tildelingsbeslutning. Ordregiveren har besluttet at indgå "
            f"innovationspartnerskab med {winner}, som har afgivet tilbuddet med det bedste "
            f"forhold mellem pris og kvalitet efter den offentliggjorte evalueringsmodel "
            f"(underretning {danish_date(award['notified'])}). "
            f"Det vindende tilbuds egenskaber og relative fordele: {advantages} "
            f"Forhandlingernes forløb: {account} "
            f"Stand still-perioden udløber den {standstill}; kontrakten indgås tidligst "
            f"dagen efter (klagenævnsloven § 3). {deadlines}")
    return {"winner": winner, "advantages": advantages, "negotiation_account": account,
            "notified": as_date(award["notified"]).isoformat(),
            "standstill_end": as_date(standstill_end).isoformat(),
            "complaint_deadlines": deadlines, "text": text}

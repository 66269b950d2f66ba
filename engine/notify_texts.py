"""The words of notifications, in Danish and English, with Danish formats
("21. marts 2026 kl. 23.59"; in English "21 March 2026 at 23:59")."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_datetime

from .clock import LOCAL_ZONE

TEXTS: dict[str, dict[str, Any]] = {
    "da": {
        "claimable": ("Ny opgave til {lane}: {task}",
                      "Opgaven «{task}» i «{title}» kan nu tages af gruppen {lane}.{due_line}"
                      "\n\nÅbn opgaven: {link}"),
        "due_tomorrow": ("Frist i morgen: {task}",
                         "Opgaven «{task}» i «{title}» skal være løst senest {due}."
                         "\n\nÅbn opgaven: {link}"),
        "overdue": ("Fristen er overskredet: {task}",
                    "Fristen for opgaven «{task}» i «{title}» var {due}."
                    "\n\nÅbn opgaven: {link}"),
        "deadline": ("En frist er udløbet: {title}",
                     "En frist i «{title}» udløb {at}. Partnerskabet er nu i fasen «{phase}»."
                     "\n\nSe partnerskabet: {link}"),
        "phase": ("Ny fase: {title}",
                  "«{title}», som du startede, er nu i fasen «{phase}» (siden {at})."
                  "\n\nSe partnerskabet: {link}"),
        "due_line": "\nFrist: {due}.",
        "digest": "Dine beskeder fra opiflow {day}",
        "digest_intro": "Det her er sket siden sidst:",
    },
    "en": {
        "claimable": ("New task for {lane}: {task}",
                      "The task «{task}» in «{title}» can now be claimed by the group "
                      "{lane}.{due_line}\n\nOpen the task: {link}"),
        "due_tomorrow": ("Due tomorrow: {task}",
                         "The task «{task}» in «{title}» is due {due}."
                         "\n\nOpen the task: {link}"),
        "overdue": ("Overdue: {task}",
                    "The task «{task}» in «{title}» was due {due}."
                    "\n\nOpen the task: {link}"),
        "deadline": ("A deadline has ended: {title}",
                     "A deadline in «{title}» ended {at}. The partnership is now in the "
                     "phase «{phase}».\n\nSee the partnership: {link}"),
        "phase": ("New phase: {title}",
                  "«{title}», which you started, is now in the phase «{phase}» (since {at})."
                  "\n\nSee the partnership: {link}"),
        "due_line": "\nDue: {due}.",
        "digest": "Your opiflow messages {day}",
        "digest_intro": "This has happened since the last digest:",
    },
}


def format_moment(at: datetime, language: str) -> str:
    local = at.astimezone(LOCAL_ZONE)
    if language == "en":
        return format_datetime(local, "d MMMM y 'at' HH:mm", locale="en_DK")
    return format_datetime(local, "d. MMMM y 'kl.' HH.mm", locale="da_DK")


def _day(at: datetime, language: str) -> str:
    local = at.astimezone(LOCAL_ZONE)
    pattern = "d MMMM y" if language == "en" else "d. MMMM y"
    return format_datetime(local, pattern, locale="en_DK" if language == "en" else "da_DK")


def render(kind: str, language: str, values: dict) -> tuple[str, str]:
    """(subject, body) of one notification in ``language`` (da unless en)."""
    texts = TEXTS["en" if language == "en" else "da"]
    shown = {k: format_moment(v, language) if isinstance(v, datetime) else v
             for k, v in values.items()}
    shown["due_line"] = texts["due_line"].format(**shown) if values.get("due") else ""
    subject, body = texts[kind]
    return str(subject).format(**shown), str(body).format(**shown)


def digest_text(language: str, items: list[tuple[str, str]], now: datetime
                ) -> tuple[str, str]:
    texts = TEXTS["en" if language == "en" else "da"]
    parts: list[str] = [str(texts["digest_intro"])]
    parts += [f"\n— {subject}\n{body}" for subject, body in items]
    return str(texts["digest"]).format(day=_day(now, language)), "\n".join(parts)

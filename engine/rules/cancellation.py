"""Cancelling a procedure (UBL § 171 stk. 1; Dir. art. 55(1), 84(1)(h)).

A procedure is cancelled only with a stated reason: it goes into the audit log, the
procurement report and the letter to every participant. The reason is real text: not
blank, not longer than a letter can carry, no control characters (a NUL byte is refused
by PostgreSQL and hides text from a reader).
"""
from __future__ import annotations

from typing import Any

from engine.errors import InvalidData

MAXIMUM_REASON = 4000  # characters
ALLOWED_CONTROLS = frozenset("\n\r\t")

# the Danish text shown next to the field in the web form (the addressee's language)
BLANK = "Skriv begrundelsen for at annullere udbuddet. Den sendes til alle deltagere."
TOO_LONG = (f"Begrundelsen er for lang (højst {MAXIMUM_REASON} tegn). Skriv den kortere; "
            "uddybning kan vedlægges sagen.")
CONTROL = ("Begrundelsen indeholder usynlige kontroltegn. Skriv den igen som almindelig "
           "tekst.")


def check_reason(reason: Any) -> str:
    """The cancellation reason, stripped; InvalidData on field ``reason`` otherwise."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidData("a cancellation needs a reason", field="reason",
                          hint="say why the procedure is cancelled: every participant "
                               "is told (UBL § 171)", errors={"reason": BLANK})
    if len(text) > MAXIMUM_REASON:
        raise InvalidData("the reason is {length} characters; at most {maximum} are kept",
                          field="reason", hint="shorten the reason; attach details to the case",
                          errors={"reason": TOO_LONG}, length=len(text),
                          maximum=MAXIMUM_REASON)
    if any(ord(c) < 32 and c not in ALLOWED_CONTROLS or ord(c) == 127 for c in text):
        raise InvalidData("the reason contains control characters", field="reason",
                          hint="write the reason as plain text", errors={"reason": CONTROL})
    return text

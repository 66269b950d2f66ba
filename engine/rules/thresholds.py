"""EU thresholds as dated configuration (Dir. 2014/24/EU art. 4; UBL § 6).

The thresholds change every two years (set by the Commission, published in DKK by
Konkurrence- og Forbrugerstyrelsen). Each period below is valid from ``valid_from`` to
``valid_to`` (both included); a new period is added here, never by editing an old one,
so a procedure is always judged by the figures valid on its date.

Kinds of authority: ``state`` (central government authorities, Dir. annex I) and
``sub_central`` (regions, municipalities and other public bodies). Only supplies and
services are configured: an innovation partnership buys development (services) and the
resulting supplies or services.

The estimated value is judged on the day the notice is sent (Dir. art. 5(2)).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.errors import RuleViolation
from engine.rules.deadlines import as_date
from engine.rules.fees import as_amount, plain

AUTHORITY_KINDS = {"state": "statslig ordregiver",
                   "sub_central": "region, kommune eller anden offentlig ordregiver"}

# (valid_from, valid_to, {kind: DKK ex. VAT for supplies and services}); DOMAIN.md figures.
THRESHOLD_PERIODS: tuple[tuple[str, str, dict[str, int]], ...] = (
    ("2024-01-01", "2025-12-31", {"state": 1_064_177, "sub_central": 1_644_638}),
)


def threshold(kind: str, on: date | str,
              periods: tuple = THRESHOLD_PERIODS) -> dict[str, Any] | None:
    """The threshold for ``kind`` on ``on``: {"amount", "valid_from", "valid_to"}, or None
    when no configured period covers the date."""
    if kind not in AUTHORITY_KINDS:
        raise RuleViolation("Unknown kind of authority {kind!r}.",
                            hint="Use one of: {names}.",
                            field="authority_kind", kind=kind, names=list(AUTHORITY_KINDS))
    day = as_date(on, "date")
    for valid_from, valid_to, amounts in periods:
        if as_date(valid_from) <= day <= as_date(valid_to):
            return {"amount": amounts[kind], "valid_from": valid_from, "valid_to": valid_to}
    return None


def threshold_check(kind: str | None, estimated_value: Any, on: date | str,
                    periods: tuple = THRESHOLD_PERIODS) -> dict[str, Any]:
    """Compare the estimated value with the threshold valid on ``on``.

    Returns {"kind", "date", "estimated_value", "threshold", "below": bool | None,
    "note"}; ``below`` is None when the kind is not stated or no period is configured
    for the date: the flag then says so instead of guessing. A value below the
    threshold is flagged, not refused: the authority may still choose the procedure,
    but the EU rules (and the notice in the EU's Official Journal) do not apply as such.
    """
    value = as_amount(estimated_value, "estimated_value")
    day = as_date(on, "date").isoformat()
    result: dict[str, Any] = {"kind": kind, "date": day, "estimated_value": plain(value),
                              "threshold": None, "below": None}
    if not kind:
        result["note"] = "Ordregivertypen er ikke angivet: tærskelværdien er ikke kontrolleret."
        return result
    found = threshold(kind, day, periods)
    if found is None:
        result["note"] = (f"Ingen tærskelværdi er konfigureret for {day}: "
                          "tilføj perioden i engine/rules/thresholds.py.")
        return result
    result["threshold"] = found["amount"]
    result["below"] = value < found["amount"]
    result["note"] = ("Den anslåede værdi er under tærskelværdien: udbudsdirektivets "
                      "procedureregler gælder ikke som sådan; overvej procedurevalget."
                      if result["below"] else "Den anslåede værdi er over tærskelværdien.")
    return result

"""Complaints to Klagenævnet for Udbud block signing (KNL § 12)."""
from __future__ import annotations

import pytest

from engine.errors import RuleViolation
from engine.rules.complaints import check_signing, register

END = "2026-04-07"


def complaint(filed="2026-04-07", suspension="pending", decided=None) -> dict:
    row = {"complainant": "Beta Health", "filed_on": filed, "subject": "Evalueringen af K1",
           "suspension": suspension}
    if decided:
        row["decided_on"] = decided
    return row


def test_within_the_standstill_is_computed_to_the_day():
    rows = register([complaint("2026-04-07"), complaint("2026-04-08")], END)
    assert [r["within_standstill"] for r in rows] == [True, False]


@pytest.mark.parametrize("row, field, words", [
    (complaint(), "complaints[0].suspension", "decided on suspension"),
    (complaint(suspension="refused", decided="2026-04-20"), "complaints[0].suspension",
     "decided on suspension"),
    (complaint(suspension="granted", decided="2026-04-14"), "complaints[0].suspension",
     "granted"),
    (dict(complaint(), complainant=" "), "complaints[0].complainant", "who complained"),
    (complaint(suspension="refused"), "complaints[0].decided_on", "must be a date"),
    (complaint(suspension="maybe"), "complaints[0].suspension", "Unknown"),
])
def test_signing_is_refused(row, field, words):
    with pytest.raises(RuleViolation, match=words) as err:
        check_signing([row], END, "2026-04-15")
    assert err.value.field == field and err.value.hint


@pytest.mark.parametrize("rows", [
    [],
    [complaint(suspension="refused", decided="2026-04-15")],  # decided the same day
    [complaint("2026-04-08")],  # after the standstill: no suspension by itself
])
def test_signing_is_allowed(rows):
    check_signing(rows, END, "2026-04-15")

"""Time limits: the application deadline, the standstill period, working days.

Periods are counted as in EU Regulation 1182/71 (which UBL and KNL follow): a period
expressed in days starts on the day after the event (the notice is sent, the award
decision is notified) and ends at the end of its last day. If that last day is a
Saturday, a Sunday or a Danish public holiday, the period runs to the end of the next
working day (Art. 3(4)). Danish public holidays come from the ``holidays`` package
(country "DK"; Store Bededag is not a holiday from 2024).

Dates are always passed in; nothing here reads the clock.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from engine.errors import RuleViolation

APPLICATION_PERIOD_DAYS = 30  # UBL § 74 stk. 4-5
STANDSTILL_DAYS_ELECTRONIC = 10  # KNL § 3 stk. 1 nr. 1
STANDSTILL_DAYS_OTHER = 15  # KNL § 3 stk. 1 nr. 2
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
MIN_YEAR, MAX_YEAR = 1900, 2999  # dates a procurement can have
# the dates a partnership sets (data keys), in the order the procedure meets them
PROCEDURE_DATES = ("application_deadline", "initial_tender_deadline",
                   "resubmission_deadline", "final_tender_deadline", "standstill_end",
                   "contract_signed")


def as_date(value: date | str, field: str = "date") -> date:
    """Return ``value`` as a date; accepts a date or an ISO string "YYYY-MM-DD".
    Years outside 1900-2999 are refused: periods counted from 9999-12-31 overflow."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise RuleViolation(
                "{what} must lie between the years {first} and {last}, got {value}.",
                hint="Check the year.", field=field,
                what=field, first=str(MIN_YEAR), last=str(MAX_YEAR), value=value)
        return value
    raise RuleViolation(
        "{what} must be a date, got {value!r}.",
        hint="Give the date as YYYY-MM-DD, e.g. 2026-03-26.",
        field=field, what=field, value=value)


@lru_cache(maxsize=64)
def _danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def is_public_holiday(d: date | str) -> bool:
    """True if ``d`` is a Danish public holiday (helligdag)."""
    d = as_date(d)
    return d in _danish_holidays(d.year)


def is_working_day(d: date | str) -> bool:
    """True if ``d`` is neither a Saturday, a Sunday nor a Danish public holiday."""
    d = as_date(d)
    return d.weekday() < 5 and not is_public_holiday(d)


def next_working_day(d: date | str) -> date:
    """``d`` itself if it is a working day, otherwise the first working day after it."""
    d = as_date(d)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def period_end(start_event: date | str, days: int) -> date:
    """The last day of a period of ``days`` days counted from the day after the event.

    Days D+1 .. D+days, so the nominal last day is D+days; moved to the next working
    day when it falls on a Saturday, Sunday or public holiday.
    """
    return next_working_day(as_date(start_event) + timedelta(days=days))


def earliest_application_deadline(dispatch: date | str) -> date:
    """The earliest allowed deadline for requests to participate.

    30 days counted from the day after the notice is sent (UBL § 74 stk. 4-5): the
    30th day is dispatch + 30. A deadline may not end the period early, so when that
    day is not a working day the earliest deadline is the next working day
    (Reg. 1182/71 Art. 3(4)).
    """
    return period_end(as_date(dispatch, "dispatch"), APPLICATION_PERIOD_DAYS)


def check_application_deadline(dispatch: date | str, deadline: date | str) -> None:
    """Refuse an application deadline that gives applicants fewer than 30 days."""
    dispatch = as_date(dispatch, "dispatch")
    deadline = as_date(deadline, "application_deadline")
    earliest = earliest_application_deadline(dispatch)
    if deadline < earliest:
        raise RuleViolation(
            "The application deadline {deadline} is too early: with the notice "
            "sent on {dispatch} applicants must have at least "
            "{days} days (UBL § 74 stk. 4).",
            hint="Set the deadline to {earliest} or later.",
            field="application_deadline",
            deadline=deadline, dispatch=dispatch, days=APPLICATION_PERIOD_DAYS,
            earliest=earliest)


def standstill_end(notified: date | str, electronic: bool = True) -> date:
    """The last day of the standstill period after the award decision is notified.

    10 calendar days (15 if not notified electronically) from the day after
    notification; moved to the next working day if it ends on a Saturday, Sunday or
    public holiday.
    """
    days = STANDSTILL_DAYS_ELECTRONIC if electronic else STANDSTILL_DAYS_OTHER
    return period_end(as_date(notified, "notified"), days)


def earliest_contract_signature(notified: date | str, electronic: bool = True) -> date:
    """The first day the contract may be signed: the day after the standstill ends."""
    return standstill_end(notified, electronic) + timedelta(days=1)


def end_of_day(d: date | str) -> str:
    """ISO datetime for 23:59:59 Copenhagen time on ``d`` (for BPMN timer events)."""
    moment = datetime.combine(as_date(d), time(23, 59, 59), tzinfo=COPENHAGEN)
    return moment.isoformat()


def is_date(value: Any) -> bool:
    """Whether ``value`` is a date, a datetime or ISO text of either."""
    if isinstance(value, date):
        return True
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def procedure_dates(data: Mapping, contract_end: Any = None) -> list[tuple[str, Any]]:
    """(data key, date) of each date the procedure has set so far, in the order the
    procedure meets them, then the contract's end date. Values that are not dates
    (a sealed value, something malformed) are left out."""
    found = [(key, data.get(key)) for key in PROCEDURE_DATES if is_date(data.get(key))]
    if is_date(contract_end):
        found.append(("contract_end", contract_end))
    return found

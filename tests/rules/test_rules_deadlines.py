"""Deadlines against the real Danish calendar (the ``holidays`` package, country DK)."""
from datetime import date

import pytest

from engine.errors import RuleViolation
from engine.rules.deadlines import (
    as_date,
    check_application_deadline,
    earliest_application_deadline,
    earliest_contract_signature,
    end_of_day,
    is_working_day,
    next_working_day,
    standstill_end,
)

D = date.fromisoformat


@pytest.mark.parametrize("notified, electronic, end, why", [
    ("2026-01-12", True, "2026-01-22", "Mon + 10 = Thu 22 Jan, a plain weekday"),
    ("2026-01-14", True, "2026-01-26", "day 10 = Sat 24 Jan -> Mon 26"),
    ("2026-01-15", True, "2026-01-26", "day 10 = Sun 25 Jan -> Mon 26"),
    ("2026-03-26", True, "2026-04-07", "day 10 = Easter Sunday 5 Apr, Easter Monday -> Tue 7"),
    ("2026-03-23", True, "2026-04-07",
     "day 10 = Maundy Thursday 2 Apr, Good Friday, Sat, Easter Sun, Easter Mon -> Tue 7"),
    ("2026-12-15", True, "2026-12-28",
     "day 10 = Christmas Day Fri 25 Dec, 26 Dec Sat, Sun -> Mon 28"),
    ("2025-12-16", True, "2025-12-29", "day 10 = 2nd Christmas Day Fri 26 Dec -> Mon 29"),
    ("2025-12-22", True, "2026-01-02", "day 10 = New Year's Day Thu 1 Jan 2026 -> Fri 2"),
    ("2026-05-04", True, "2026-05-15", "day 10 = Kristi Himmelfartsdag Thu 14 May -> Fri 15"),
    ("2026-05-14", True, "2026-05-26", "day 10 = Pinsedag Sun 24 May, 2. pinsedag -> Tue 26"),
    ("2026-05-15", True, "2026-05-26", "day 10 = 2. pinsedag Mon 25 May -> Tue 26"),
    ("2026-01-12", False, "2026-01-27", "not electronic: 15 days, Tue 27 Jan"),
    ("2026-01-16", False, "2026-02-02", "not electronic: day 15 = Sat 31 Jan -> Mon 2 Feb"),
    ("2026-01-25", True, "2026-02-04", "month boundary: Sun 25 Jan + 10 = Wed 4 Feb"),
    ("2024-02-19", True, "2024-02-29", "leap day 2024 is a Thursday"),
    ("2028-02-19", True, "2028-02-29", "leap day 2028 is a Tuesday"),
    ("2023-04-25", True, "2023-05-08", "Store Bededag Fri 5 May 2023 still a holiday -> Mon 8"),
    ("2024-04-16", True, "2024-04-26", "Store Bededag abolished: Fri 26 Apr 2024 is a workday"),
    ("2026-05-26", True, "2026-06-05", "Grundlovsdag is not a public holiday in `holidays`"),
    ("2026-12-14", True, "2026-12-24", "Juleaftensdag is not a public holiday in `holidays`"),
])
def test_standstill_end(notified, electronic, end, why):
    assert standstill_end(D(notified), electronic) == D(end), why
    assert standstill_end(notified, electronic) == D(end)  # ISO strings too


def test_contract_may_be_signed_the_day_after_standstill():
    assert earliest_contract_signature(D("2026-03-26")) == D("2026-04-08")
    assert earliest_contract_signature("2026-01-12", electronic=False) == D("2026-01-28")


@pytest.mark.parametrize("dispatch, earliest, why", [
    ("2026-01-05", "2026-02-04", "Mon 5 Jan + 30 = Wed 4 Feb"),
    ("2025-12-10", "2026-01-09", "year boundary: Fri 9 Jan 2026"),
    ("2026-01-30", "2026-03-02", "30 Jan + 30 = Sun 1 Mar (February has 28 days) -> Mon 2"),
    ("2028-01-30", "2028-02-29", "leap year: 30 Jan + 30 = Tue 29 Feb 2028"),
    ("2024-01-30", "2024-02-29", "leap year: 30 Jan + 30 = Thu 29 Feb 2024"),
    ("2026-03-06", "2026-04-07", "day 30 = Easter Sunday 5 Apr, Easter Monday -> Tue 7"),
    ("2026-11-25", "2026-12-28", "day 30 = Christmas Day Fri 25 Dec -> Mon 28"),
])
def test_earliest_application_deadline(dispatch, earliest, why):
    assert earliest_application_deadline(D(dispatch)) == D(earliest), why
    check_application_deadline(dispatch, earliest)  # the exact earliest day is accepted
    check_application_deadline(D(dispatch), date.fromordinal(D(earliest).toordinal() + 7))


@pytest.mark.parametrize("dispatch, too_early", [
    ("2026-01-05", "2026-02-03"),  # one day short of 30
    ("2026-01-05", "2026-01-05"),
    ("2026-03-06", "2026-04-06"),  # Easter Monday would end the period early
    ("2026-01-30", "2026-03-01"),  # the Sunday itself
])
def test_too_early_application_deadline_is_refused(dispatch, too_early):
    with pytest.raises(RuleViolation) as e:
        check_application_deadline(dispatch, too_early)
    assert e.value.field == "application_deadline"
    assert earliest_application_deadline(dispatch).isoformat() in e.value.hint


@pytest.mark.parametrize("day, working", [
    ("2026-01-22", True),   # Thursday
    ("2026-01-24", False),  # Saturday
    ("2026-01-25", False),  # Sunday
    ("2026-01-01", False),  # New Year's Day
    ("2026-04-02", False),  # Maundy Thursday
    ("2026-04-03", False),  # Good Friday
    ("2026-04-06", False),  # Easter Monday
    ("2026-05-14", False),  # Ascension Day
    ("2026-05-25", False),  # Whit Monday
    ("2026-12-25", False),
    ("2026-12-26", False),
    ("2024-04-26", True),   # would have been Store Bededag
    ("2023-05-05", False),  # Store Bededag 2023
])
def test_is_working_day(day, working):
    assert is_working_day(D(day)) is working


def test_next_working_day():
    assert next_working_day(D("2026-01-22")) == D("2026-01-22")
    assert next_working_day(D("2026-04-02")) == D("2026-04-07")


@pytest.mark.parametrize("day, iso", [
    ("2026-01-15", "2026-01-15T23:59:59+01:00"),  # winter time
    ("2026-07-01", "2026-07-01T23:59:59+02:00"),  # summer time
    ("2026-03-29", "2026-03-29T23:59:59+02:00"),  # the day summer time starts
    ("2026-10-25", "2026-10-25T23:59:59+01:00"),  # the day it ends
])
def test_end_of_day(day, iso):
    assert end_of_day(D(day)) == iso
    assert end_of_day(day) == iso


@pytest.mark.parametrize("value", ["26-03-2026", "2026-02-30", "", None, 20260326])
def test_as_date_refuses_non_dates(value):
    with pytest.raises(RuleViolation) as e:
        as_date(value, "deadline")
    assert e.value.field == "deadline"


def test_as_date_accepts_dates_and_iso():
    assert as_date("2026-03-26") == D("2026-03-26")
    assert as_date(D("2026-03-26")) == D("2026-03-26")


def test_the_days_checked_are_named():
    for fn, args, field in ((earliest_application_deadline, ("15/9",), "dispatch"),
                            (check_application_deadline, ("15/9", "2025-10-16"), "dispatch"),
                            (check_application_deadline, ("2025-09-15", "16/10"),
                             "application_deadline")):
        with pytest.raises(RuleViolation) as err:
            fn(*args)
        assert err.value.field == field

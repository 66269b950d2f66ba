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


# ----------------------------------------------- registering a complaint as its own act
from engine.rules.complaints import add, decide  # noqa: E402

NEW = {"complainant": "Beta Health", "filed_on": "2026-04-07", "subject": "Evalueringen"}


def test_a_complaint_is_added_with_within_standstill_computed():
    [row] = add([], NEW, END, "2026-04-07")
    assert row == dict(NEW, suspension="pending", decided_on=None, within_standstill=True)
    rows = add([row], dict(NEW, filed_on="2026-04-08"), END, "2026-04-08")
    assert [r["within_standstill"] for r in rows] == [True, False]
    assert rows[0] == row  # the earlier complaint unchanged


@pytest.mark.parametrize("existing, complaint, end, today, field, words, hint", [
    ([], NEW, None, "2026-04-07", "complaint", "only after the award decision",
     "award notification"),
    ([], NEW, "", "2026-04-07", "complaint", "only after the award decision",
     "award notification"),
    ([], "klage", END, "2026-04-07", "complaint", "must be an object", None),
    ([], dict(NEW, within_standstill=True), END, "2026-04-07",
     "complaint.within_standstill", "no field 'within_standstill'", "complainant"),
    ([], dict(NEW, filed_on="2026-04-08"), END, "2026-04-07", "complaint.filed_on",
     "in the future", "when it has been filed"),
    ([], dict(NEW, subject=" "), END, "2026-04-07", "complaints[0].subject", "what about",
     "complainant and the subject"),
    ([dict(NEW)], dict(NEW, complainant=""), END, "2026-04-07",
     "complaints[1].complainant", "Complaint no. 2 does not say who complained",
     "complainant"),
])
def test_adding_a_complaint_is_refused(existing, complaint, end, today, field, words, hint):
    with pytest.raises(RuleViolation, match=words) as err:
        add(existing, complaint, end, today)
    assert err.value.field == field
    if hint:
        assert hint in err.value.hint


def test_a_decision_is_recorded_on_the_numbered_complaint():
    rows = add(add([], NEW, END, "2026-04-07"), dict(NEW, complainant="Gamma"), END,
               "2026-04-07")
    decided = decide(rows, 2, {"suspension": "refused", "decided_on": "2026-04-07",
                               "outcome": "  Klagen blev afvist.  "}, END, "2026-04-07")
    assert decided[0] == rows[0]
    assert decided[1] == dict(rows[1], suspension="refused", decided_on="2026-04-07",
                              outcome="Klagen blev afvist.")
    granted = decide(decided, 1, {"suspension": "granted", "decided_on": "2026-04-07",
                                  "outcome": " "}, END, "2026-04-07")
    assert granted[0]["suspension"] == "granted" and "outcome" not in granted[0]


@pytest.mark.parametrize("number, decision, field, words, hint", [
    (0, {"suspension": "refused", "decided_on": "2026-04-10"}, "complaint",
     "no complaint no. 0", "(1-1)"),
    (2, {"suspension": "refused", "decided_on": "2026-04-10"}, "complaint",
     "no complaint no. 2", "(1-1)"),
    (True, {"suspension": "refused", "decided_on": "2026-04-10"}, "complaint",
     "no complaint no. True", "(1-1)"),
    ("1", {"suspension": "refused", "decided_on": "2026-04-10"}, "complaint",
     "no complaint no. '1'", "(1-1)"),
    (1, "refused", "decision", "must be an object", None),
    (1, {"suspension": "pending", "decided_on": "2026-04-10"}, "decision.suspension",
     "Unknown decision on suspension 'pending'", "granted or refused"),
    (1, {"suspension": "refused"}, "decision.decided_on", "must be a date", None),
    (1, {"suspension": "refused", "decided_on": "2026-04-11"}, "decision.decided_on",
     "in the future", "when it has been made"),
    (1, {"suspension": "refused", "decided_on": "2026-04-06"}, "decision.decided_on",
     "before the complaint was filed", "Check the date"),
])
def test_recording_a_decision_is_refused(number, decision, field, words, hint):
    rows = add([], NEW, END, "2026-04-07")
    with pytest.raises(RuleViolation, match=words) as err:
        decide(rows, number, decision, END, "2026-04-10")
    assert err.value.field == field
    if hint:
        assert hint in err.value.hint


def test_a_decision_without_complaints_says_to_register_first():
    with pytest.raises(RuleViolation) as err:
        decide([], 1, {"suspension": "refused", "decided_on": "2026-04-10"}, END,
               "2026-04-10")
    assert err.value.hint == "Register the complaint first."


def test_a_decision_on_the_day_the_complaint_was_filed_is_accepted():
    rows = decide(add([], NEW, END, "2026-04-07"), 1,
                  {"suspension": "refused", "decided_on": "2026-04-07"}, END, "2026-04-07")
    assert rows[0]["decided_on"] == "2026-04-07"
    check_signing(rows, END, "2026-04-08")


def test_the_refusals_of_a_new_complaint_in_full_words():
    cases = [
        ((None, NEW, None, "2026-04-07"), "complaint",
         "A complaint can be registered only after the award decision has been notified: "
         "there is no standstill period yet.",
         "Register the complaint once the award notification has been sent; before that, "
         "answer the bidder's questions in writing."),
        ((None, "x", END, "2026-04-07"), "complaint", "The complaint must be an object.", ""),
        ((None, dict(NEW, outcome_x=1), END, "2026-04-07"), "complaint.outcome_x",
         "A complaint has no field 'outcome_x'.",
         "Use: complainant, filed_on, subject, suspension, decided_on, outcome."),
        ((None, dict(NEW, filed_on="2026-04-08"), END, "2026-04-07"), "complaint.filed_on",
         "The complaint is dated 2026-04-08, in the future.",
         "Register the complaint when it has been filed."),
    ]
    for args, field, message, hint in cases:
        with pytest.raises(RuleViolation) as err:
            add(*args)
        assert (err.value.field, err.value.message, err.value.hint) == (field, message, hint)
    with pytest.raises(RuleViolation) as err:
        add([], NEW, END, "7. april")
    assert err.value.field == "today"


def test_a_register_that_is_not_a_list_starts_empty():
    assert add(None, NEW, END, "2026-04-07") == add([], NEW, END, "2026-04-07")
    assert add("x", NEW, END, "2026-04-07")[0]["complainant"] == "Beta Health"
    with pytest.raises(RuleViolation) as err:
        decide(None, 1, {"suspension": "refused", "decided_on": "2026-04-07"}, END,
               "2026-04-07")
    assert err.value.field == "complaint"


def test_the_refusals_of_a_decision_in_full_words():
    rows = add([], NEW, END, "2026-04-07")
    cases = [
        ((rows, 1, "x"), "decision", "The decision must be an object.", ""),
        ((rows, 1, {"suspension": "maybe", "decided_on": "2026-04-08"}),
         "decision.suspension", "Unknown decision on suspension 'maybe'.",
         "Record what Klagenævnet for Udbud decided: granted or refused."),
        ((rows, 1, {"suspension": "granted", "decided_on": "2026-04-11"}),
         "decision.decided_on", "The decision is dated 2026-04-11, in the future.",
         "Record the decision when it has been made."),
        ((rows, 1, {"suspension": "granted", "decided_on": "2026-04-06"}),
         "decision.decided_on",
         "The decision (2026-04-06) is dated before the complaint was filed (2026-04-07).",
         "Check the date of Klagenævnet's decision."),
        ((rows, 3, {}), "complaint", "There is no complaint no. 3.",
         "Choose one of the 1 registered complaints (1-1)."),
    ]
    for (existing, number, decision), field, message, hint in cases:
        with pytest.raises(RuleViolation) as err:
            decide(existing, number, decision, END, "2026-04-10")
        assert (err.value.field, err.value.message, err.value.hint) == (field, message, hint)
    with pytest.raises(RuleViolation) as err:
        decide(rows, 1, {"suspension": "granted", "decided_on": "2026-04-08"}, END, "x")
    assert err.value.field == "today"
    broken = [dict(rows[0], filed_on="x")]
    with pytest.raises(RuleViolation) as err:
        decide(broken, 1, {"suspension": "granted", "decided_on": "2026-04-08"}, END,
               "2026-04-10")
    assert err.value.field == "filed_on"


def test_the_register_refusals_in_full_words():
    cases = [
        (("x", END), "complaints", "The complaints must be a list.", ""),
        (([], "x"), "standstill_end", None, None),
        ((["x"], END), "complaints[0]", "complaints[0] must be an object.", ""),
        (([dict(NEW, subject=None)], END), "complaints[0].subject",
         "Complaint no. 1 does not say what about.",
         "Register the complainant and the subject from the complaint."),
        (([dict(NEW, filed_on=None)], END), "complaints[0].filed_on", None, None),
        (([dict(NEW, suspension="x")], END), "complaints[0].suspension",
         "Unknown suspension decision 'x'.", "Use pending, granted or refused."),
        (([dict(NEW, suspension="granted")], END), "complaints[0].decided_on", None, None),
    ]
    for args, field, message, hint in cases:
        with pytest.raises(RuleViolation) as err:
            register(*args)
        assert err.value.field == field
        if message is not None:
            assert err.value.message == message
        if hint is not None:
            assert err.value.hint == hint


def test_the_signing_refusals_in_full_words():
    late_then_early = [complaint("2026-04-08"), complaint("2026-04-07")]
    with pytest.raises(RuleViolation) as err:
        check_signing(late_then_early, END, "2026-04-15")
    assert err.value.field == "complaints[1].suspension"
    assert err.value.message == (
        "The complaint from 'Beta Health' was filed within the standstill period: the "
        "contract cannot be signed until Klagenævnet for Udbud has decided on suspension "
        "(klagenævnsloven § 12).")
    assert err.value.hint == ("Wait for the Board's decision on suspension and record it, "
                              "with its date, before signing.")
    with pytest.raises(RuleViolation) as err:
        check_signing([complaint(suspension="granted", decided="2026-04-10")], END,
                      "2026-04-15")
    assert err.value.message == (
        "Klagenævnet for Udbud granted the complaint from 'Beta Health' suspensive effect: "
        "the contract cannot be signed until the Board decides the case.")
    assert err.value.hint == "Record the Board's decision on the case, or cancel the award."
    with pytest.raises(RuleViolation) as err:
        check_signing([], END, "15. april")
    assert err.value.field == "contract_signed"

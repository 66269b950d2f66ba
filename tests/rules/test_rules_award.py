"""Award rules: best price-quality ratio, estimated value, thresholds, the notification."""
from __future__ import annotations

import copy

import pytest

from engine.errors import RuleViolation
from engine.rules.award import (
    award_notification,
    check_estimated_value,
    check_real_text,
    danish_amount,
    danish_date,
)
from engine.rules.scoring import parse_model
from engine.rules.thresholds import THRESHOLD_PERIODS, threshold, threshold_check

MODEL = {"scale_max": 10, "weights": {"quality": 70, "price": 30},
         "quality_criteria": [{"id": "K1", "name": "Klinisk værdi", "weight": 100}],
         "price_model": {"kind": "proportional"}, "tie_break": "quality"}


def weights(quality, price) -> dict:
    model = copy.deepcopy(MODEL)
    model["weights"] = {"quality": quality, "price": price}
    return model


@pytest.mark.parametrize("quality, price, field", [(100, 0, "weights.price"),
                                                    (0, 100, "weights.quality")])
def test_a_zero_weight_on_price_or_quality_is_refused(quality, price, field):
    with pytest.raises(RuleViolation, match="best price-quality ratio") as err:
        parse_model(weights(quality, price))
    assert err.value.field == field
    assert "above 0" in err.value.hint


@pytest.mark.parametrize("quality, price", [(99, 1), (1, 99), (70, 30)])
def test_any_positive_weights_are_a_price_quality_ratio(quality, price):
    model = parse_model(weights(quality, price))
    assert model.quality_weight * 100 == quality and model.price_weight * 100 == price


def test_estimated_value_below_development_plus_purchase_is_refused():
    with pytest.raises(RuleViolation, match=r"art\. 5\(10\)") as err:
        check_estimated_value(220_659_999, 660_000, 220_000_000, field="purchase.ceiling")
    assert err.value.field == "purchase.ceiling"
    assert "raise the estimate" in err.value.hint


def test_estimated_value_equal_to_development_plus_purchase_is_accepted():
    check_estimated_value(220_660_000, 660_000, 220_000_000)
    check_estimated_value(300_000_000, 660_000, 220_000_000)


@pytest.mark.parametrize("kind, amount", [("state", 1_064_177), ("sub_central", 1_644_638)])
def test_thresholds_are_dated_and_by_kind_of_authority(kind, amount):
    assert threshold(kind, "2024-01-01")["amount"] == amount
    assert threshold(kind, "2025-12-31")["amount"] == amount
    assert threshold(kind, "2023-12-31") is None
    assert threshold(kind, "2026-01-01") is None


def test_a_value_below_the_threshold_is_flagged():
    flag = threshold_check("sub_central", 1_644_637, "2025-06-01")
    assert flag["below"] is True and flag["threshold"] == 1_644_638
    assert "under tærskelværdien" in flag["note"]


def test_a_value_at_the_threshold_is_not_below_it():
    flag = threshold_check("sub_central", 1_644_638, "2025-06-01")
    assert flag["below"] is False
    assert threshold_check("state", 1_064_177, "2025-06-01")["below"] is False
    assert threshold_check("state", 1_064_176, "2025-06-01")["below"] is True


def test_a_date_without_a_configured_period_is_said_not_guessed():
    flag = threshold_check("state", 5_000_000, "2031-01-01")
    assert flag["below"] is None and flag["threshold"] is None
    assert "Ingen tærskelværdi" in flag["note"]
    later = (*THRESHOLD_PERIODS, ("2031-01-01", "2032-12-31", {"state": 6_000_000,
                                                               "sub_central": 7_000_000}))
    assert threshold_check("state", 5_000_000, "2031-01-01", later)["below"] is True
    assert threshold_check(None, 5_000_000, "2025-01-01")["below"] is None


def test_an_unknown_kind_of_authority_is_refused():
    with pytest.raises(RuleViolation, match="Unknown kind") as err:
        threshold_check("county", 5_000_000, "2025-01-01")
    assert err.value.field == "authority_kind" and "sub_central" in err.value.hint


@pytest.mark.parametrize("text", ["", "   ", "-", "TBD", "...", "Se bilag", "Kort."])
def test_blank_or_placeholder_award_texts_are_refused(text):
    with pytest.raises(RuleViolation, match="placeholder") as err:
        check_real_text(text, "award.advantages", "The winner's advantages")
    assert err.value.field == "award.advantages"
    assert "UBL § 171" in err.value.hint


def test_a_real_award_text_is_accepted():
    assert check_real_text("  Bedste kliniske værdi.  ", "f", "X") == "Bedste kliniske værdi."


AWARD = {"winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
         "negotiation_account": "Tre runder med mikrosprint; svartiden blev ændret.",
         "notified": "2026-03-26", "electronic": True}


def test_the_notification_states_the_standstill_end_and_the_complaint_deadlines():
    letter = award_notification(AWARD, "2026-04-07")
    assert letter["standstill_end"] == "2026-04-07"
    assert "udløber den 7. april 2026" in letter["text"]
    assert "26. marts 2026" in letter["text"]
    assert "Bedste kliniske værdi og pris." in letter["text"]
    assert "Tre runder med mikrosprint" in letter["text"]
    assert "§ 7, stk. 2" in letter["complaint_deadlines"]
    assert "7. april 2026" in letter["complaint_deadlines"]


def test_the_notification_refuses_blank_texts():
    with pytest.raises(RuleViolation) as err:
        award_notification(dict(AWARD, negotiation_account=" "), "2026-04-07")
    assert err.value.field == "award.negotiation_account"


def test_danish_dates_and_amounts():
    assert danish_date("2026-12-10") == "10. december 2026"
    assert danish_amount(22_000_000) == "22.000.000 kr."
    assert danish_amount(1234.5) == "1.234,50 kr."

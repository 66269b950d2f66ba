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


# ------------------------------------------------ whole results, not only a key or two
def test_threshold_gives_the_whole_period():
    assert threshold("state", "2025-06-01") == {"amount": 1_064_177,
                                                "valid_from": "2024-01-01",
                                                "valid_to": "2025-12-31"}
    with pytest.raises(RuleViolation) as err:
        threshold("state", "not a day")
    assert err.value.field == "date"
    with pytest.raises(RuleViolation) as err:
        threshold_check("state", "many", "2025-06-01")
    assert err.value.field == "estimated_value"
    with pytest.raises(RuleViolation) as err:
        threshold_check("state", 5, "1. juni")
    assert err.value.field == "date"


def test_the_threshold_check_as_a_whole():
    assert threshold_check("sub_central", 1_644_637, "2025-06-01") == {
        "kind": "sub_central", "date": "2025-06-01", "estimated_value": 1_644_637,
        "threshold": 1_644_638, "below": True,
        "note": "Den anslåede værdi er under tærskelværdien: udbudsdirektivets "
                "procedureregler gælder ikke som sådan; overvej procedurevalget."}
    assert threshold_check("state", 2_000_000, "2025-06-01") == {
        "kind": "state", "date": "2025-06-01", "estimated_value": 2_000_000,
        "threshold": 1_064_177, "below": False,
        "note": "Den anslåede værdi er over tærskelværdien."}
    assert threshold_check(None, 2_000_000, "2025-06-01") == {
        "kind": None, "date": "2025-06-01", "estimated_value": 2_000_000, "threshold": None,
        "below": None,
        "note": "Ordregivertypen er ikke angivet: tærskelværdien er ikke kontrolleret."}
    assert threshold_check("", 2_000_000, "2025-06-01")["below"] is None
    assert threshold_check("state", 2_000_000, "2031-01-01") == {
        "kind": "state", "date": "2031-01-01", "estimated_value": 2_000_000,
        "threshold": None, "below": None,
        "note": "Ingen tærskelværdi er konfigureret for 2031-01-01: tilføj perioden i "
                "engine/rules/thresholds.py."}


def test_an_unknown_kind_lists_the_kinds():
    with pytest.raises(RuleViolation) as err:
        threshold("county", "2025-01-01")
    assert err.value.message == "Unknown kind of authority 'county'."
    assert err.value.hint == "Use one of: state, sub_central."


def test_the_whole_notification():
    letter = award_notification(dict(AWARD, winner="  Alfa Care "), "2026-04-07")
    assert set(letter) == {"winner", "advantages", "negotiation_account", "notified",
                           "standstill_end", "complaint_deadlines", "text"}
    assert letter["winner"] == "Alfa Care"
    assert letter["advantages"] == AWARD["advantages"]
    assert letter["negotiation_account"] == AWARD["negotiation_account"]
    assert letter["notified"] == "2026-03-26"
    assert letter["text"].startswith(
        "Tildelingsbeslutning. Ordregiveren har besluttet at indgå innovationspartnerskab "
        "med Alfa Care, som har afgivet tilbuddet med det bedste forhold mellem pris og "
        "kvalitet efter den offentliggjorte evalueringsmodel (underretning 26. marts 2026). "
        "Det vindende tilbuds egenskaber og relative fordele: Bedste kliniske værdi og "
        "pris. Forhandlingernes forløb: Tre runder med mikrosprint; svartiden blev ændret. "
        "Stand still-perioden udløber den 7. april 2026; kontrakten indgås tidligst dagen "
        "efter (klagenævnsloven § 3). Klage over tildelingsbeslutningen indgives til "
        "Klagenævnet for Udbud.")
    assert letter["text"].endswith(letter["complaint_deadlines"])
    assert letter["complaint_deadlines"].startswith(
        "Klage over tildelingsbeslutningen indgives til Klagenævnet for Udbud. Klagen har "
        "kun opsættende virkning, hvis den indgives inden stand still-periodens udløb den "
        "7. april 2026, og ordregiveren samtidig underrettes skriftligt")


@pytest.mark.parametrize("winner", ["", "  ", None])
def test_a_notification_without_a_winner_is_refused(winner):
    with pytest.raises(RuleViolation) as err:
        award_notification(dict(AWARD, winner=winner), "2026-04-07")
    assert err.value.field == "award.winner" and err.value.message == \
        "The award names no winner."


def test_the_advantages_are_checked_in_the_notification():
    with pytest.raises(RuleViolation) as err:
        award_notification(dict(AWARD, advantages="TBD"), "2026-04-07")
    assert err.value.field == "award.advantages"
    assert err.value.message == "The winner's advantages is missing or only a placeholder " \
                                "('TBD')."
    assert err.value.hint == ("Write it in full (at least 15 "
                              "characters): it goes into the letter to every bidder "
                              "(UBL § 171).")


@pytest.mark.parametrize("text", ["x" * 15, "Ingen ændringer.", " " * 3 + "y" * 15])
def test_texts_of_fifteen_characters_are_real(text):
    assert check_real_text(text, "f", "X") == text.strip()


@pytest.mark.parametrize("text", ["x" * 14, 42, None, "udfyldes", "Følger."])
def test_shorter_or_other_texts_are_not(text):
    with pytest.raises(RuleViolation) as err:
        check_real_text(text, "f", "X")
    assert err.value.field == "f"


def test_the_estimated_value_refusal_in_full():
    with pytest.raises(RuleViolation) as err:
        check_estimated_value(100, 60, 41)
    assert err.value.field == "estimated_value"
    assert err.value.message == ("The estimated value 100 DKK is below the development (60 "
                                 "DKK) plus the maximum purchase value (41 DKK) = 101 DKK "
                                 "(Dir. art. 5(10)).")
    for args, field in (((None, 1, 1), "estimated_value"), ((1, "x", 1), "development_value"),
                        ((1, 1, "x"), "purchase_value")):
        with pytest.raises(RuleViolation) as err:
            check_estimated_value(*args)
        assert err.value.field == field


@pytest.mark.parametrize("value, text", [
    (0, "0 kr."), (999, "999 kr."), (1000, "1.000 kr."), (1234.05, "1.234,05 kr."),
    (22_000_000.0, "22.000.000 kr."),
])
def test_danish_amounts(value, text):
    assert danish_amount(value) == text


@pytest.mark.parametrize("day, text", [("2026-01-01", "1. januar 2026"),
                                       ("2026-05-31", "31. maj 2026")])
def test_danish_dates(day, text):
    assert danish_date(day) == text


def test_the_threshold_check_names_a_wrong_day():
    with pytest.raises(RuleViolation) as err:
        threshold_check(None, 5, "x")
    assert err.value.field == "date"


def test_the_estimated_value_hint_in_full():
    with pytest.raises(RuleViolation) as err:
        check_estimated_value(100, 60, 41)
    assert err.value.hint == ("The estimated value of an innovation partnership covers all "
                              "phases and the maximum purchase: raise the estimate, or lower "
                              "the fees or the ceiling.")


@pytest.mark.parametrize("text", ["Udfyldes senere.", "SE VEDLAGTE BILAG", "To be completed",
                                  "to be confirmed...", " Tekst følger senere. "])
def test_long_placeholders_are_refused(text):
    with pytest.raises(RuleViolation) as err:
        check_real_text(text, "award.advantages", "The winner's advantages")
    assert err.value.message == (f"The winner's advantages is missing or only a placeholder "
                                 f"({text.strip()!r}).")


def test_a_blank_text_is_named_blank_and_the_account_is_checked():
    with pytest.raises(RuleViolation) as err:
        check_real_text(None, "f", "X")
    assert err.value.message == "X is missing or only a placeholder ('blank')."
    with pytest.raises(RuleViolation) as err:
        award_notification(dict(AWARD, negotiation_account="Kort."), "2026-04-07")
    assert err.value.message == ("The account of the negotiations is missing or only a "
                                 "placeholder ('Kort.').")
    assert err.value.hint.startswith("Write it in full (at least 15 characters)")

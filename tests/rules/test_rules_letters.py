"""The letters' content (engine/letters/content.py, UBL § 171) and the cancellation
reason (engine/rules/cancellation.py): pure functions, no database."""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from engine.letters import content
from engine.rules.cancellation import MAXIMUM_REASON, check_reason

HEAD = {"sender": "Region Hovedstaden", "procedure": "Intelligent monitorering"}


def text(letter: dict) -> str:
    return " ".join([letter["subject"], *letter["paragraphs"], letter["legal"],
                     *(f"{k} {v}" for k, v in letter["facts"])])


# ------------------------------------------------------------------ selection
def test_a_rejected_applicant_is_told_why_who_was_selected_and_the_complaint_deadline():
    letter = content.selection_letter(HEAD, "Zeta Lab", False, "Mangler referencer.",
                                      ["Alfa Care", "Beta Health", "Gamma Med"],
                                      "2025-10-20")
    words = text(letter)
    assert letter["kind"] == "selection" and letter["dated"] == "2025-10-20"
    assert "ikke udvalgt" in letter["subject"]
    assert "Begrundelse: Mangler referencer." in words
    assert "Alfa Care, Beta Health og Gamma Med" in words
    # KNL § 7 stk. 1: 20 calendar days from the day after the notification
    assert "senest den 9. november 2025" in words and "§ 7, stk. 1" in words
    assert "§ 171" in letter["legal"]


def test_a_selected_applicant_gets_the_tender_deadline_in_danish():
    letter = content.selection_letter(HEAD, "Alfa Care", True, "", ["Alfa Care", "Beta"],
                                      "2025-10-20", "2025-11-10")
    words = text(letter)
    assert "er udvalgt" in letter["subject"]
    assert "Fristen for første tilbud er den 10. november 2025." in words
    assert "Begrundelse" not in words and "Klagenævnet" not in words


def test_selection_letters_go_to_every_applicant_with_their_own_reason():
    data = {"applicants": [{"name": n} for n in ("A", "B", "C", "D")],
            "selection": {"invited": ["A", "B", "C"],
                          "rejected": [{"applicant": "D", "reason": "Under minimum."}]},
            "invitations_sent": "2025-10-20", "initial_tender_deadline": "2025-11-10"}
    letters = {lt["addressee"]: lt for lt in content.selection_letters(HEAD, data)}
    assert sorted(letters) == ["A", "B", "C", "D"]
    assert "Under minimum." in text(letters["D"])
    assert all("Under minimum." not in text(letters[n]) for n in "ABC")


# ------------------------------------------------------------------ reduction
def test_a_reduced_bidder_gets_its_reason_and_the_names_continuing():
    record = {"round": 2, "removed": ["Beta"], "bidders_after": ["Alfa", "Gamma"],
              "reduction_notices": [{"bidder": "Beta", "continuing": ["Alfa", "Gamma"],
                                     "reason": "Tilbuddet blev nr. 3 med 5,60 point."}]}
    [letter] = content.reduction_letters(HEAD, record, "2025-12-08")
    words = text(letter)
    assert letter["addressee"] == "Beta" and letter["batch"] == "runde-2"
    assert "forhandlingsrunde 2" in words and "§ 146" in words
    assert "nr. 3 med 5,60 point" in words
    assert "Følgende tilbudsgivere fortsætter: Alfa og Gamma." in words


# ---------------------------------------------------------------------- award
AWARD_DATA = {
    "award": {"winner": "Alfa", "advantages": "Bedste kliniske værdi og brugervenlighed.",
              "negotiation_account": "To runder med mikrosprint med alle tilbudsgivere.",
              "notified": "2026-03-26", "electronic": True},
    "standstill_end": "2026-04-07",
    "bidders": ["Alfa", "Beta", "Gamma"],
    "evaluation": [{"bidder": "Alfa", "rank": 1, "total": 8.12},
                   {"bidder": "Beta", "rank": 2, "total": 7.5}],
    "final_tenders": [{"bidder": "Alfa", "price": 22_000_000},
                      {"bidder": "Beta", "price": 23_500_000},
                      {"bidder": "Gamma", "price": 1_000}],
    "rejected_tenders": [{"bidder": "Gamma", "reason": "Opfylder ikke mindstekrav M2."}],
    "tender_documents": {"development": {"phases": 4, "fee_per_phase": 165000}},
}


def test_the_award_letter_states_every_statutory_item():
    letters = {lt["addressee"]: lt for lt in content.award_letters(HEAD, AWARD_DATA)}
    assert sorted(letters) == ["Alfa", "Beta", "Gamma"]
    beta = text(letters["Beta"])
    assert "indgå innovationspartnerskab med Alfa" in beta            # the winner's name
    assert "Bedste kliniske værdi og brugervenlighed." in beta       # relative advantages
    assert "To runder med mikrosprint" in beta                       # the negotiations
    assert "Stand still-perioden udløber den 7. april 2026" in beta  # standstill end
    assert "klagenævnsloven § 7, stk. 2" in beta and "45 kalenderdage" in beta
    assert "nr. 2 med 7,50 point" in beta and "23.500.000 kr." in beta  # its own result
    assert letters["Beta"]["dated"] == "2026-03-26"


def test_the_award_letter_never_carries_another_bidders_price_or_points():
    letters = {lt["addressee"]: lt for lt in content.award_letters(HEAD, AWARD_DATA)}
    beta, gamma = text(letters["Beta"]), text(letters["Gamma"])
    assert "22.000.000" not in beta and "8,12" not in beta
    assert "23.500.000" not in gamma and "7,50" not in gamma
    assert "Opfylder ikke mindstekrav M2." in gamma
    assert "Opfylder ikke mindstekrav M2." not in beta


def test_the_winner_is_told_it_won_and_the_fee_in_danish_amounts():
    alfa = {lt["addressee"]: lt for lt in content.award_letters(HEAD, AWARD_DATA)}["Alfa"]
    words = text(alfa)
    assert alfa["subject"].startswith("Meddelelse om tildeling:")
    assert "indgå innovationspartnerskab med jer" in words
    assert "4 × 165.000 kr. (660.000 kr. i alt)" in words


def test_several_partners_are_named_in_rank_order():
    data = dict(AWARD_DATA, award=dict(AWARD_DATA["award"], partners=["Alfa", "Beta"]))
    letters = {lt["addressee"]: lt for lt in content.award_letters(HEAD, data)}
    assert "Valgte tilbudsgivere Alfa og Beta" in text(letters["Gamma"])
    assert "med jer" in text(letters["Beta"])


# --------------------------------------------------------------- cancellation
def test_every_participant_gets_the_cancellation_reason():
    data = {"applicants": [{"name": "A"}, {"name": "B"}], "bidders": ["A"],
            "initial_tenders": [{"bidder": "C"}], "final_tenders": [{"bidder": "D"}]}
    letters = content.cancellation_letters(HEAD, data, "Behovet er bortfaldet.",
                                           "2026-12-10")
    assert [lt["addressee"] for lt in letters] == ["A", "B", "C"]
    words = text(letters[0])
    assert "Begrundelse: Behovet er bortfaldet." in words
    assert "Annulleret 10. december 2026" in words and "annullere udbuddet" in words


def test_no_participants_no_letters():
    assert content.cancellation_letters(HEAD, {}, "Behovet er bortfaldet.", "2026-12-10") \
        == []


# ------------------------------------------------------ the cancellation reason
@pytest.mark.parametrize("reason, words", [
    ("", "needs a reason"),
    ("   \n\t ", "needs a reason"),
    (None, "needs a reason"),
    (42, "needs a reason"),
    ("x" * (MAXIMUM_REASON + 1), "at most"),
    ("Behovet\x00 er bortfaldet", "control characters"),
    ("Behovet\x1b[31m er bortfaldet", "control characters"),
])
def test_a_cancellation_reason_is_refused(reason, words):
    with pytest.raises(InvalidData, match=words) as err:
        check_reason(reason)
    assert err.value.field == "reason" and err.value.hint
    assert err.value.errors["reason"]  # the Danish text the web form shows


@pytest.mark.parametrize("reason", ["x", "x" * MAXIMUM_REASON,
                                    "Behovet er bortfaldet.\nSe notatet af 3. maj.\t"])
def test_a_cancellation_reason_at_the_boundary_is_accepted(reason):
    assert check_reason("  " + reason + "  ") == reason.strip()

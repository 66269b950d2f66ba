"""The innovation partnership as a procurement lawyer runs it (issue 10): the rules a
real procedure needs beyond the first version, each broken once (refused, nothing
changed) and met at its boundary (accepted)."""
from __future__ import annotations

import pytest

from tests.test_innovation_partnership import (
    AUTHORITY,
    Scenario,
    docs,
)


@pytest.fixture
def scenario(engine, clock) -> Scenario:
    return Scenario(engine, clock)


def need(value: int = 220_660_000, **extra) -> dict:
    return {"authority": AUTHORITY, "authority_kind": "sub_central",
            "need": "Overvågning af patienter.", "justification": "Findes ikke.",
            "not_on_market": True, "estimated_value": value, **extra}


# ============================================================== item 6: the award
def test_estimated_value_must_cover_development_and_the_maximum_purchase(scenario):
    s = scenario
    s.refused("Beskriv behovet", "ida", need(100, estimated_development_value=660_000,
                                             estimated_purchase_value=220_000_000),
              r"art\. 5\(10\)")
    s.do("Beskriv behovet", "ida", need(220_659_999))
    err = s.refused("Udarbejd udbudsmateriale", "ida", {"tender_documents": docs()},
                    r"below the development")
    assert err.field == "purchase.ceiling" and "raise the estimate" in err.hint


def test_a_zero_price_weight_is_refused_in_the_tender_documents(scenario):
    s = scenario
    s.do("Beskriv behovet", "ida", need())
    zero = docs()
    zero["evaluation_model"]["weights"] = {"quality": 100, "price": 0}
    err = s.refused("Udarbejd udbudsmateriale", "ida", {"tender_documents": zero},
                    "best price-quality ratio")
    assert err.field == "evaluation_model.weights.price"


def test_threshold_flag_and_boundary_estimate_accepted(scenario):
    s = scenario
    s.do("Beskriv behovet", "ida", need(1_000_000))  # below the threshold: flagged only
    cheap = docs(development={"fee_per_phase": 100_000}, purchase={"ceiling": 600_000,
                                                                   "max_cost": 500_000})
    s.do("Udarbejd udbudsmateriale", "ida", {"tender_documents": cheap})  # 400k + 600k
    s.do("Godkend udbudsmateriale", "jens", {"tender_documents_approved": True,
                                             "legal_comment": ""})
    s.at("2025-09-15")
    s.do("Send udbudsbekendtgørelse", "ida", {"notice_dispatched": "2025-09-15",
                                             "application_deadline": "2025-10-16"})
    flag = s.data()["threshold"]
    assert flag["below"] is True and flag["threshold"] == 1_644_638
    assert flag["date"] == "2025-09-15"


def test_award_notification_states_the_standstill_end(scenario):
    s = scenario
    s.to_development_until_award()
    s.at("2026-03-26")
    s.refused("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "-", "negotiation_account": "En runde.",
        "notified": "2026-03-26", "electronic": True}}, "placeholder")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care", "advantages": "Bedste kliniske værdi og pris.",
        "negotiation_account": "En runde med mikrosprint med alle tre tilbudsgivere.",
        "notified": "2026-03-26", "electronic": True}})
    data = s.data()
    letter = data["award_notification"]
    assert letter["standstill_end"] == data["standstill_end"] == "2026-04-07"
    assert "Stand still-perioden udløber den 7. april 2026" in letter["text"]
    assert "Klagenævnet for Udbud" in letter["complaint_deadlines"]

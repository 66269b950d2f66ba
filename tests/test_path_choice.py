"""The path (seed 001, Figur 9) and procedure (Boks 1) each signatory's own procurement
takes: the decision table workflows/joint_scaling/path_choice.dmn, which a designer edits."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.decisions import decide

DMN = Path(__file__).parent.parent / "workflows" / "joint_scaling" / "path_choice.dmn"
IP, OPI = "Innovationspartnerskab", "Innovationskonkurrence eller udbudsfrit OPI"
MD, KU = "Udbud med markedsdialog", "Klassisk udbud"
BELOW = "Under tærskelværdien: intet EU-udbud"


def facts(market="kendt", development=False, develop_and_buy=False, dialogue="ingen",
          over_threshold=True, limit_bidders=False) -> dict:
    return dict(market=market, development=development, develop_and_buy=develop_and_buy,
                dialogue=dialogue, over_threshold=over_threshold, limit_bidders=limit_bidders)


CASES = [  # (facts, path, procedure, code): Figur 9's four ways, Boks 1's procedures
    # a known solution, no dialogue: classic tender, open or restricted (min. 5)
    (facts(), KU, "Offentligt udbud", "open"),
    (facts(limit_bidders=True), KU, "Begrænset udbud", "restricted"),
    # functional requirements can open a classic tender to adaptations (Boks 1, note *)
    (facts(development=True), KU, "Offentligt udbud", "open"),
    # not sure what the market offers: market dialogue before the tender
    (facts(market="usikker"), MD, "Offentligt udbud", "open"),
    (facts(market="usikker", limit_bidders=True), MD, "Begrænset udbud", "restricted"),
    # dialogue on the solution (the tender can be adjusted): negotiation (3-5)
    (facts(market="usikker", dialogue="løsning"), MD, "Udbud med forhandling", "negotiated"),
    # dialogue on requirements: competitive dialogue (3-5)
    (facts(market="usikker", dialogue="krav"), MD, "Konkurrencepræget dialog",
     "competitive_dialogue"),
    (facts(market="kendt", development=True, dialogue="krav og løsning"), MD,
     "Konkurrencepræget dialog", "competitive_dialogue"),
    # nothing on the market, develop and buy in one contract: innovation partnership
    (facts(market="findes ikke", development=True, develop_and_buy=True,
           dialogue="krav og løsning"), IP, "Innovationspartnerskab", "innovation_partnership"),
    (facts(market="findes ikke", development=True, develop_and_buy=True, dialogue="ingen",
           limit_bidders=True), IP, "Innovationspartnerskab", "innovation_partnership"),
    # development without a purchase: innovation competition or tender-free OPI
    (facts(market="findes ikke", development=True, dialogue="løsning"), OPI,
     "Projektkonkurrence eller udbudsfrit OPI", "opi"),
    # under the threshold no EU procedure is required
    (facts(over_threshold=False), KU, BELOW, "below_threshold"),
    (facts(market="usikker", dialogue="løsning", over_threshold=False), MD, BELOW,
     "below_threshold"),
    (facts(market="findes ikke", development=True, develop_and_buy=True,
           over_threshold=False), OPI, BELOW, "below_threshold"),
    # nothing on the market but nothing to develop: ask the market first
    (facts(market="findes ikke"), MD, "Offentligt udbud", "open"),
]


@pytest.mark.parametrize("given, path, procedure, code", CASES)
def test_the_table_chooses_path_and_procedure(given, path, procedure, code):
    assert decide(DMN.read_text(), "path_choice", given) == {
        "path": path, "procedure": procedure, "procedure_code": code}


def test_there_are_at_least_twelve_cases():
    assert len(CASES) >= 12


def test_a_designer_edits_a_rule_and_the_outcome_changes_without_code(tmp_path):
    """Rule 10 (a known solution, no dialogue) is changed to a restricted procedure in a
    copy of the file: the same facts now give the new outcome."""
    text = DMN.read_text()
    before = decide(text, "path_choice", facts())
    marker = '<rule id="rule_10">'
    head, rule_10 = text.split(marker)
    rule_10 = rule_10.replace('"Offentligt udbud"', '"Begrænset udbud"', 1).replace(
        '"open"', '"restricted"', 1)
    copy = tmp_path / "path_choice.dmn"
    copy.write_text(head + marker + rule_10)
    after = decide(copy.read_text(), "path_choice", facts())
    assert before["procedure"] == "Offentligt udbud"
    assert after == {"path": KU, "procedure": "Begrænset udbud", "procedure_code": "restricted"}

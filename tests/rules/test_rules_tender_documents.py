"""The tender documents as a whole, before legal approval."""
import copy

import pytest

from engine.errors import RuleViolation
from engine.rules.tender_documents import (
    check_tender_documents,
    locked_part,
    total_fees,
    with_defaults,
)

DOCS = {
    "minimum_requirements": [{"id": "mk1", "text": "CE-mærket medicinsk udstyr"},
                             {"id": "mk2", "text": "Data opbevares i EU"}],
    "evaluation_model": {
        "scale_max": 10,
        "weights": {"quality": 70, "price": 30},
        "quality_criteria": [{"id": "losning", "name": "Løsningens kvalitet", "weight": 60},
                             {"id": "impl", "name": "Implementering", "weight": 40}],
        "price_model": {"kind": "fixed_anchor", "price_for_max": 500000,
                        "price_for_zero": 1500000},
        "tie_break": "quality",
    },
    "max_invited": 5,
    "several_partners": False,
    "negotiation": {"rounds": 2, "reduction_between_rounds": True,
                    "award_on_initial_reserved": False},
    "development": {"phases": 4, "fee_per_phase": 165000, "termination_allowed": True},
    "purchase": {"performance_levels": "100 monitoreringer, 365 dage om året",
                 "max_cost": 50000000, "contract_end": "2030-12-31", "ceiling": 220000000},
    "selection": {"rd_weight": 50, "minimum_levels": {"suitability": 4},
                  "tie_break": "decide"},
    "participant_remuneration": "Deltagerne honoreres med 165.000 kr. pr. godkendt fase.",
    "ipr_terms": {"on_termination": "Regionen beholder brugsret til resultaterne af "
                                    "godkendte faser.",
                  "on_purchase": "Regionen får tidsubegrænset brugsret til løsningen."},
    "ipr": "Ordregiver får brugsret; leverandøren beholder ejendomsretten",
}


def test_the_case_is_accepted():
    check_tender_documents(DOCS)


def test_defaults_fill_in():
    docs = copy.deepcopy(DOCS)
    del docs["max_invited"]
    del docs["development"]["phases"]
    del docs["development"]["fee_per_phase"]
    del docs["purchase"]["ceiling"]
    check_tender_documents(docs)
    full = with_defaults(docs)
    assert full["max_invited"] == 5
    assert full["development"]["phases"] == 4
    assert full["development"]["fee_per_phase"] == 165000
    assert full["purchase"]["ceiling"] == 220000000
    assert "ceiling" not in docs["purchase"]  # the input is not changed
    assert total_fees(docs) == 660000


def edit(path, value):
    docs = copy.deepcopy(DOCS)
    *parents, last = path
    target = docs
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return docs


DELETE = object()


@pytest.mark.parametrize("docs, field", [
    (edit(["minimum_requirements"], []), "minimum_requirements"),
    (edit(["minimum_requirements"], DELETE), "minimum_requirements"),
    (edit(["minimum_requirements", 1, "id"], "mk1"), "minimum_requirements"),
    (edit(["minimum_requirements", 1, "text"], ""), "minimum_requirements[1].text"),
    (edit(["minimum_requirements", 0], "CE"), "minimum_requirements[0]"),
    (edit(["evaluation_model"], DELETE), "evaluation_model"),
    (edit(["evaluation_model", "weights", "price"], 40), "evaluation_model.weights"),
    (edit(["evaluation_model", "tie_break"], "coin"), "evaluation_model.tie_break"),
    (edit(["max_invited"], 2), "max_invited"),
    (edit(["several_partners"], DELETE), "several_partners"),
    (edit(["several_partners"], "no"), "several_partners"),
    (edit(["negotiation"], DELETE), "negotiation"),
    (edit(["negotiation", "rounds"], 0), "negotiation.rounds"),
    (edit(["negotiation", "reduction_between_rounds"], DELETE),
     "negotiation.reduction_between_rounds"),
    (edit(["negotiation", "award_on_initial_reserved"], None),
     "negotiation.award_on_initial_reserved"),
    (edit(["development", "phases"], 0), "development.phases"),
    (edit(["development", "fee_per_phase"], 0), "development.fee_per_phase"),
    (edit(["development", "termination_allowed"], DELETE), "development.termination_allowed"),
    (edit(["purchase", "performance_levels"], " "), "purchase.performance_levels"),
    (edit(["purchase", "max_cost"], -1), "purchase.max_cost"),
    (edit(["purchase", "max_cost"], DELETE), "purchase.max_cost"),
    (edit(["purchase", "contract_end"], "2030"), "purchase.contract_end"),
    (edit(["purchase", "ceiling"], 0), "purchase.ceiling"),
    (edit(["selection"], DELETE), "selection"),
    (edit(["selection", "rd_weight"], 0), "selection.rd_weight"),
    (edit(["selection", "rd_weight"], 100), "selection.rd_weight"),
    (edit(["selection", "minimum_levels", "suitability"], 11),
     "selection.minimum_levels.suitability"),
    (edit(["selection", "tie_break"], "list_order"), "selection.tie_break"),
    (edit(["participant_remuneration"], DELETE), "participant_remuneration"),
    (edit(["ipr_terms"], DELETE), "ipr_terms"),
    (edit(["ipr_terms", "on_termination"], " "), "ipr_terms.on_termination"),
    (edit(["ipr_terms", "on_purchase"], DELETE), "ipr_terms.on_purchase"),
    (edit(["ipr"], ""), "ipr"),
    (edit(["ipr"], DELETE), "ipr"),
])
def test_incomplete_documents_are_refused(docs, field):
    with pytest.raises(RuleViolation) as e:
        check_tender_documents(docs)
    assert e.value.field == field


def test_locked_part_is_a_copy_of_requirements_model_remuneration_and_ipr():
    locked = locked_part(DOCS)
    assert set(locked) == {"minimum_requirements", "evaluation_model",
                           "participant_remuneration", "ipr", "ipr_terms"}
    assert locked["evaluation_model"] == DOCS["evaluation_model"]
    assert locked["ipr_terms"] == DOCS["ipr_terms"]
    assert locked["participant_remuneration"] == DOCS["participant_remuneration"]
    locked["evaluation_model"]["weights"]["quality"] = 0
    locked["ipr_terms"]["on_purchase"] = "changed"
    assert DOCS["evaluation_model"]["weights"]["quality"] == 70
    assert DOCS["ipr_terms"]["on_purchase"] != "changed"


# ------------------------------------------- each refusal says exactly what is missing
@pytest.mark.parametrize("docs, field, message", [
    (edit(["minimum_requirements"], DELETE), "minimum_requirements",
     "The tender documents do not state the minimum requirements."),
    (edit(["minimum_requirements"], []), "minimum_requirements",
     "The tender documents state no minimum requirements."),
    (edit(["minimum_requirements", 0, "id"], " "), "minimum_requirements[0].id",
     "The tender documents do not state an id for minimum requirement no. 1."),
    (edit(["minimum_requirements", 1, "text"], None), "minimum_requirements[1].text",
     "The tender documents do not state the text of minimum requirement 'mk2'."),
    (edit(["minimum_requirements", 1, "id"], "mk1"), "minimum_requirements",
     "The minimum requirement id 'mk1' is used twice."),
    (edit(["minimum_requirements", 0], "CE"), "minimum_requirements[0]",
     "minimum_requirements[0] must be an object with id and text."),
    (edit(["evaluation_model"], DELETE), "evaluation_model",
     "The tender documents do not state the evaluation model."),
    (edit(["max_invited"], 2), "max_invited",
     "max_invited must be a whole number of at least 3, got 2."),
    (edit(["max_invited"], True), "max_invited",
     "max_invited must be a whole number of at least 3, got True."),
    (edit(["max_invited"], 4.0), "max_invited",
     "max_invited must be a whole number of at least 3, got 4.0."),
    (edit(["several_partners"], DELETE), "several_partners",
     "The tender documents do not state whether there will be one or several partners."),
    (edit(["several_partners"], 1), "several_partners",
     "several_partners must be true or false, got 1."),
    (edit(["negotiation"], DELETE), "negotiation",
     "The tender documents do not state the negotiation plan."),
    (edit(["negotiation"], "2 runder"), "negotiation", "negotiation must be an object."),
    (edit(["negotiation", "rounds"], DELETE), "negotiation.rounds",
     "The tender documents do not state the number of negotiation rounds."),
    (edit(["negotiation", "rounds"], 0), "negotiation.rounds",
     "negotiation.rounds must be a whole number of at least 1, got 0."),
    (edit(["negotiation", "reduction_between_rounds"], DELETE),
     "negotiation.reduction_between_rounds",
     "The tender documents do not state whether bidders may be reduced between rounds."),
    (edit(["negotiation", "award_on_initial_reserved"], DELETE),
     "negotiation.award_on_initial_reserved",
     "The tender documents do not state whether the right to award on the initial tenders "
     "is reserved."),
    (edit(["development"], DELETE), "development",
     "The tender documents do not state the development phases."),
    (edit(["development", "phases"], 0), "development.phases",
     "development.phases must be a whole number of at least 1, got 0."),
    (edit(["development", "termination_allowed"], DELETE),
     "development.termination_allowed",
     "The tender documents do not state whether the partnership may be terminated after a "
     "phase."),
    (edit(["purchase"], DELETE), "purchase",
     "The tender documents do not state the purchase terms."),
    (edit(["purchase", "performance_levels"], DELETE), "purchase.performance_levels",
     "The tender documents do not state the performance levels for the purchase."),
    (edit(["purchase", "max_cost"], DELETE), "purchase.max_cost",
     "The tender documents do not state the maximum cost."),
    (edit(["purchase", "contract_end"], DELETE), "purchase.contract_end",
     "The tender documents do not state the contract end date."),
    (edit(["ipr"], DELETE), "ipr", "The tender documents do not state the IPR arrangement."),
    (edit(["ipr"], 7), "ipr", "The tender documents do not state the IPR arrangement."),
    (edit(["participant_remuneration"], " "), "participant_remuneration",
     "The tender documents do not state whether and how participants are remunerated "
     "(UBL § 74 stk. 2)."),
    (edit(["ipr_terms"], DELETE), "ipr_terms",
     "The tender documents do not state the IPR terms on termination and on purchase."),
    (edit(["ipr_terms", "on_termination"], DELETE), "ipr_terms.on_termination",
     "The tender documents do not state the IPR terms if the partnership is terminated."),
    (edit(["ipr_terms", "on_purchase"], ""), "ipr_terms.on_purchase",
     "The tender documents do not state the IPR terms when the solution is purchased."),
    ("docs", "docs", "The tender documents must be an object."),
])
def test_each_refusal_in_words(docs, field, message):
    with pytest.raises(RuleViolation) as e:
        check_tender_documents(docs)
    assert (e.value.field, e.value.message) == (field, message)
    if message.startswith("The tender documents do not state"):
        assert e.value.hint == "It must be stated before the notice is published."


def test_an_evaluation_model_refusal_names_the_model_field():
    with pytest.raises(RuleViolation) as e:
        check_tender_documents(edit(["evaluation_model", "tie_break"], "coin"))
    assert e.value.message.startswith("Evaluation model: ")
    assert e.value.field == "evaluation_model.tie_break" and e.value.hint


def test_the_smallest_accepted_documents():
    docs = edit(["max_invited"], 3)
    docs["negotiation"]["rounds"] = 1
    docs["development"]["phases"] = 1
    check_tender_documents(docs)
    assert total_fees(docs) == 165000


def test_defaults_do_not_override_what_is_stated():
    docs = edit(["max_invited"], 7)
    docs["development"].update(phases=2, fee_per_phase=100)
    docs["purchase"]["ceiling"] = 1000
    full = with_defaults(docs)
    assert (full["max_invited"], full["development"]["phases"],
            full["development"]["fee_per_phase"], full["purchase"]["ceiling"]) == \
        (7, 2, 100, 1000)
    assert total_fees(docs) == 200
    assert with_defaults({"development": "x"}) == {"development": "x", "max_invited": 5,
                                                   "max_partners": 1}
    assert total_fees({"development": {"fee_per_phase": 10}}) == 40
    for docs in ({}, {"development": "fire faser"}, {"development": None}):
        with pytest.raises(RuleViolation) as e:
            total_fees(docs)
        assert e.value.field == "development.fee_per_phase"

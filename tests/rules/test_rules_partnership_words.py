"""Several partners and their contracts (engine/rules/partnership.py): every refusal
pinned whole (message id, params, field, hint) and every result pinned whole, with the
boundary values on both sides. Complements test_rules_partnership.py."""
from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from engine.errors import Money, RuleViolation
from engine.rules import partnership as rules

PLAN = [{"phase": 1, "targets": "Prototype\nDatasikkerhed", "duration_days": 90, "fee": 165000},
        {"phase": 2, "targets": "Klinisk test", "duration_days": 60, "fee": 165000}]
DOCS = {"several_partners": True, "max_partners": 2,
        "development": {"phases": 2, "fee_per_phase": 165000, "termination_allowed": True,
                        "partner_reduction_allowed": True, "phase_plan": PLAN}}
EVALUATION = [{"bidder": "Alfa", "rank": 1}, {"bidder": "Beta", "rank": 2},
              {"bidder": "Gamma", "rank": 3}]
TODAY = date(2026, 8, 1)
MET = [{"target": "Prototype", "met": True}, {"target": "Datasikkerhed", "met": True}]


def docs(**changes) -> dict:
    result = copy.deepcopy(DOCS)
    for key, value in changes.items():
        if key in result["development"]:
            result["development"][key] = value
        else:
            result[key] = value
    return result


def refused(fn, *args, **kwargs) -> tuple:
    """(message id, hint id, field, params) of the refusal ``fn`` raises."""
    with pytest.raises(RuleViolation) as err:
        fn(*args, **kwargs)
    e = err.value
    return e.template, e.hint_template, e.field, e.params


def partnerships(**extra) -> dict:
    return rules.open_partnerships(["Alfa", "Beta"], docs(**extra), None, "2026-01-05")


# ------------------------------------------------------------ tender documents
@pytest.mark.parametrize("given, expected", [
    ({}, 1), ({"max_partners": 3}, 3), ({"max_partners": True}, 1),
    ({"max_partners": "3"}, 1), ({"max_partners": 2.0}, 1)])
def test_max_partners_is_a_whole_number_or_one(given, expected):
    assert rules.max_partners(given) == expected


@pytest.mark.parametrize("given, expected", [
    ([" Prototype ", "", "  ", 3], ["Prototype", "3"]),
    ("- Prototype\n• Test\n\n\tKlinisk test \n --", ["Prototype", "Test", "Klinisk test"]),
    (None, []), (42, []), ("", [])])
def test_targets_are_read_one_per_line(given, expected):
    assert rules.target_list(given) == expected


@pytest.mark.parametrize("most", [0, -1, True, False, "2", 2.0, None])
def test_a_maximum_that_is_not_a_whole_number_of_at_least_1_is_refused(most):
    assert refused(rules.check_partner_terms, {"max_partners": most}) == (
        "max_partners must be a whole number of at least 1, got {most!r}.",
        "State the maximum number of partnership contracts.", "max_partners",
        {"most": most})


@pytest.mark.parametrize("several", [False, None, "yes", 1])
def test_one_partner_but_a_maximum_above_one_is_refused(several):
    assert refused(rules.check_partner_terms,
                   {"several_partners": several, "max_partners": 2}) == (
        "The tender documents say there is one partner but allow up to {most}.",
        "Tick 'several partners', or set the maximum number of partners to 1.",
        "max_partners", {"most": 2})


def test_several_partners_but_a_maximum_of_one_is_refused():
    assert refused(rules.check_partner_terms, {"several_partners": True}) == (
        "The tender documents say there may be several partners but allow only one.",
        "State the maximum number of partners (at least 2), or untick 'several partners' "
        "(UBL § 74 stk. 2 nr. 3).", "max_partners", {})


@pytest.mark.parametrize("reduction", ["yes", None, 1, "false"])
def test_a_reduction_that_is_not_true_or_false_is_refused(reduction):
    assert refused(rules.check_partner_terms, docs(partner_reduction_allowed=reduction)) == (
        "development.partner_reduction_allowed must be true or false, got {reduction!r}.",
        "", "development.partner_reduction_allowed", {"reduction": reduction})


@pytest.mark.parametrize("terms", [
    {}, {"max_partners": 1}, {"several_partners": False, "max_partners": 1},
    {"several_partners": True, "max_partners": 2}, {"development": None},
    {"development": {"phases": 3, "phase_plan": []}},
    {"development": {"phases": 3, "phase_plan": None}},
    {"development": {"partner_reduction_allowed": True}},
    {"development": {"partner_reduction_allowed": False}},
])
def test_partner_terms_at_the_boundary_are_accepted(terms):
    assert rules.check_partner_terms(terms) is None


def test_the_tender_documents_phase_plan_is_checked_against_phases_and_total():
    assert rules.check_partner_terms(docs()) is None
    assert refused(rules.check_partner_terms, docs(phases=3)) == (
        "The phase plan lists phases {numbers}, but the contract has {phases} phases.",
        "List each phase once, numbered 1 to {phases}.", "development.phase_plan",
        {"numbers": [1, 2], "phases": 3})
    assert refused(rules.check_partner_terms, docs(fee_per_phase=100000))[2:] == (
        "development.phase_plan",
        {"fees": Money(330000), "total": Money(200000)})


@pytest.mark.parametrize("development, total", [
    ({}, Decimal(660000)), ({"phases": 2, "fee_per_phase": 100}, Decimal(200)),
    ({"phases": 3}, Decimal(495000)), ({"fee_per_phase": 1}, Decimal(4)),
    ({"phases": True}, Decimal(0)), ({"phases": "3"}, Decimal(0)),
    ({"phases": 1, "fee_per_phase": 0.5}, Decimal("0.5"))])
def test_the_agreed_total_is_phases_times_the_fee(development, total):
    assert rules.agreed_total({"development": development}) == total
    assert rules.agreed_total({"development": None, "x": 1}) == Decimal(660000)


def test_an_agreed_total_without_a_positive_fee_is_refused():
    assert refused(rules.agreed_total, {"development": {"fee_per_phase": 0}}) == (
        "{what} must be greater than 0, got {value!r}.", "Enter an amount above 0 DKK.",
        "development.fee_per_phase", {"what": "development.fee_per_phase", "value": 0})


# --------------------------------------------------------------- the phase plan
@pytest.mark.parametrize("plan", [None, "1, 2", {"phase": 1}, [PLAN[0], "phase 2"]])
def test_a_phase_plan_that_is_not_a_list_of_phases_is_refused(plan):
    assert refused(rules.check_phase_plan, plan, 2, Decimal(330000), "plan") == (
        "The phase plan must be a list of phases.", "", "plan", {})


@pytest.mark.parametrize("plan, phases, numbers", [
    ([PLAN[1], PLAN[0]], 2, [2, 1]), ([PLAN[0], PLAN[0]], 2, [1, 1]),
    (PLAN, 3, [1, 2]), (PLAN, 1, [1, 2]), ([dict(PLAN[0], phase=0), PLAN[1]], 2, [0, 2]),
    ([], 2, [])])
def test_a_phase_plan_out_of_order_or_count_is_refused(plan, phases, numbers):
    assert refused(rules.check_phase_plan, plan, phases, Decimal(10**9), "plan") == (
        "The phase plan lists phases {numbers}, but the contract has {phases} phases.",
        "List each phase once, numbered 1 to {phases}.", "plan",
        {"numbers": numbers, "phases": phases})


@pytest.mark.parametrize("index, change, field, result", [
    (0, {"targets": None}, "plan[0].targets",
     ("Phase {phase} has no intermediate targets.",
      "Write the phase's targets, one per line (Dir. art. 31(2)).", {"phase": 1})),
    (1, {"targets": " -\n"}, "plan[1].targets",
     ("Phase {phase} has no intermediate targets.",
      "Write the phase's targets, one per line (Dir. art. 31(2)).", {"phase": 2})),
    (1, {"duration_days": 0}, "plan[1].duration_days",
     ("Phase {phase} has no duration, got {days!r}.", "Give the phase's duration in days.",
      {"phase": 2, "days": 0})),
    (0, {"duration_days": True}, "plan[0].duration_days",
     ("Phase {phase} has no duration, got {days!r}.", "Give the phase's duration in days.",
      {"phase": 1, "days": True})),
    (1, {"duration_days": "90"}, "plan[1].duration_days",
     ("Phase {phase} has no duration, got {days!r}.", "Give the phase's duration in days.",
      {"phase": 2, "days": "90"})),
    (1, {"duration_days": None}, "plan[1].duration_days",
     ("Phase {phase} has no duration, got {days!r}.", "Give the phase's duration in days.",
      {"phase": 2, "days": None})),
    (1, {"fee": 0}, "plan[1].fee",
     ("{what} must be greater than 0, got {value!r}.", "Enter an amount above 0 DKK.",
      {"what": "plan[1].fee", "value": 0})),
])
def test_a_phase_without_targets_duration_or_fee_is_refused(index, change, field, result):
    plan = copy.deepcopy(PLAN)
    plan[index].update(change)
    message, hint, params = result
    assert refused(rules.check_phase_plan, plan, 2, Decimal(330000), "plan") == (
        message, hint, field, params)


def test_phase_fees_above_the_total_are_refused_and_at_the_total_accepted():
    plan = [dict(PLAN[0], duration_days=1), dict(PLAN[1], fee=165000.5)]
    assert rules.check_phase_plan(plan, 2, Decimal("330000.5"), "plan") is None
    assert refused(rules.check_phase_plan, plan, 2, Decimal(330000), "plan") == (
        "The phases' fees add up to {fees}, above the agreed total of {total}.",
        "Lower the phase fees or raise the fee per phase.", "plan",
        {"fees": Money(330000.5), "total": Money(330000)})


# ------------------------------------------------------------------------ award
def test_a_partner_named_twice_is_refused():
    assert refused(rules.check_partners, ["Alfa", "Alfa"], EVALUATION, docs()) == (
        "A partner is named twice.", "Name each partner once.", "award.partners", {})


@pytest.mark.parametrize("several", [False, None, "yes"])
def test_several_partners_without_several_in_the_documents_are_refused(several):
    assert refused(rules.check_partners, ["Alfa", "Beta"], EVALUATION,
                   docs(several_partners=several)) == (
        "The tender documents provide for one partner, but the award names {count}.",
        "Award to the tender ranked first only (UBL § 74 stk. 2 nr. 3).", "award.partners",
        {"count": 2})


@pytest.mark.parametrize("partners, most", [(["Alfa", "Beta", "Gamma"], 2),
                                            (["Alfa", "Beta"], 1)])
def test_more_partners_than_the_maximum_are_refused(partners, most):
    terms = {"several_partners": True, "max_partners": most} if most > 1 \
        else {"several_partners": True}
    assert refused(rules.check_partners, partners, EVALUATION, terms) == (
        "The award names {count} partners, more than the {most} the tender documents "
        "allow.", "Name at most {most} partners, in rank order.", "award.partners",
        {"count": len(partners), "most": most})


def test_a_partner_not_ranked_is_refused():
    assert refused(rules.check_partners, ["Alfa", "Delta"], EVALUATION, docs()) == (
        "{name!r} is not among the conforming tenders ranked in the evaluation.",
        "Only a ranked, conforming tender can become a partner.", "award.partners",
        {"name": "Delta"})


@pytest.mark.parametrize("partners, expected", [
    (["Beta", "Alfa"], ["Alfa", "Beta"]), (["Alfa", "Gamma"], ["Alfa", "Beta"]),
    (["Beta"], ["Alfa"]), (["Beta", "Gamma"], ["Alfa", "Beta"])])
def test_partners_out_of_rank_are_refused(partners, expected):
    evaluation = [EVALUATION[2], "noise", EVALUATION[1], EVALUATION[0]]
    terms = docs(max_partners=3)
    assert refused(rules.check_partners, partners, evaluation, terms) == (
        "The partners must follow the ranking: {partners} is not {expected}.",
        "Award to the tenders ranked 1 to n, in rank order (best price-quality ratio, "
        "Dir. art. 67).", "award.partners", {"partners": partners, "expected": expected})


@pytest.mark.parametrize("partners, terms", [
    (["Alfa"], {}), (["Alfa"], {"several_partners": False, "max_partners": 1}),
    (["Alfa", "Beta"], DOCS), (["Alfa", "Beta", "Gamma"], {"several_partners": True,
                                                            "max_partners": 3})])
def test_partners_in_rank_order_within_the_maximum_are_accepted(partners, terms):
    evaluation = [EVALUATION[2], EVALUATION[0], 7, EVALUATION[1]]
    assert rules.check_partners(partners, evaluation, terms) is None


def test_a_tender_without_a_rank_ranks_before_the_others():
    evaluation = [{"bidder": "Alfa", "rank": 1}, {"bidder": "Nul"}]
    assert rules.check_partners(["Nul"], evaluation, {}) is None
    assert refused(rules.check_partners, ["Alfa"], evaluation, {})[3] == {
        "partners": ["Alfa"], "expected": ["Nul"]}


# -------------------------------------------------------------------- contracts
def test_a_contract_without_a_plan_has_the_default_four_phases_and_fee():
    assert rules.contract_for({}, "Alfa") == [
        {"phase": n, "targets": [], "duration_days": None, "fee": 165000}
        for n in (1, 2, 3, 4)]


def test_a_contract_follows_the_plan_with_the_partners_own_terms():
    terms = [{"partner": " Alfa ", "phase": 2, "targets": "Feltforsøg", "fee": 100000,
              "duration_days": None},
             {"partner": "Alfa", "phase": 1, "targets": [], "fee": "", "duration_days": 30},
             {"partner": "Beta", "phase": 1, "targets": "Andet", "fee": 1},
             "noise"]
    plan = [PLAN[0], "noise", {"phase": 3, "targets": "Skalering"}]
    terms_docs = {"development": {"phases": 3, "fee_per_phase": 120000, "phase_plan": plan}}
    assert rules.contract_for(terms_docs, "Alfa", terms) == [
        {"phase": 1, "targets": ["Prototype", "Datasikkerhed"], "duration_days": 30,
         "fee": 165000},
        {"phase": 2, "targets": ["Feltforsøg"], "duration_days": None, "fee": 100000},
        {"phase": 3, "targets": ["Skalering"], "duration_days": None, "fee": 120000}]
    assert rules.contract_for(terms_docs, "Beta", terms)[0] == {
        "phase": 1, "targets": ["Andet"], "duration_days": 90, "fee": 1}


def test_a_term_without_a_partner_belongs_to_no_one():
    terms = [{"phase": 1, "fee": 5}]
    assert rules.contract_for(docs(), "", terms)[0]["fee"] == 5
    assert rules.contract_for(docs(), "Alfa", terms)[0]["fee"] == 165000


def test_contract_terms_for_a_partner_not_awarded_are_refused():
    terms = [{"partner": "Alfa", "phase": 1}, {"partner": " Gamma ", "phase": 1}]
    assert refused(rules.check_contract_terms, terms, ["Alfa", "Beta"], docs()) == (
        "{partner!r} is not one of the partners awarded: {partners}.",
        "Give contract terms only for the awarded partners.", "contract_terms[1].partner",
        {"partner": "Gamma", "partners": ["Alfa", "Beta"]})
    assert refused(rules.check_contract_terms, [{"phase": 1}], ["Alfa"], docs())[3] == {
        "partner": "", "partners": ["Alfa"]}


@pytest.mark.parametrize("phase, phases", [(0, 2), (3, 2), (5, 4), (True, 2), ("1", 2),
                                           (None, 2), (1.0, 2)])
def test_contract_terms_for_a_phase_outside_the_plan_are_refused(phase, phases):
    terms_docs = docs(phases=phases) if phases == 2 else {"development": {}}
    terms = [{"partner": "Alfa", "phase": 1}, {"partner": "Alfa", "phase": phase}]
    assert refused(rules.check_contract_terms, terms, ["Alfa"], terms_docs) == (
        "There is no phase {phase!r}: the phases are 1 to {phases}.",
        "Use one of the phases in the tender documents.", "contract_terms[1].phase",
        {"phase": phase, "phases": phases})


def test_contract_terms_given_twice_are_refused():
    terms = [{"partner": "Alfa", "phase": 2}, {"partner": "Beta", "phase": 2},
             {"partner": "Alfa ", "phase": 2}]
    assert refused(rules.check_contract_terms, terms, ["Alfa", "Beta"], docs()) == (
        "Phase {phase} of {partner!r} is given twice.", "One row per partner and phase.",
        "contract_terms", {"phase": 2, "partner": "Alfa"})


@pytest.mark.parametrize("targets", ["", " \n ", [], None, ["  "]])
def test_contract_terms_with_empty_targets_are_refused(targets):
    terms = [{"partner": "Alfa", "phase": 1},
             {"partner": "Beta", "phase": 2, "targets": targets}]
    assert refused(rules.check_contract_terms, terms, ["Alfa", "Beta"], docs()) == (
        "Phase {phase} of {partner!r} has no intermediate targets.",
        "Write the targets, one per line.", "contract_terms[1].targets",
        {"phase": 2, "partner": "Beta"})


@pytest.mark.parametrize("fee", [0, -1, "100", True])
def test_contract_terms_with_a_fee_not_above_0_are_refused(fee):
    terms = [{"partner": "Alfa", "phase": 1}, {"partner": "Alfa", "phase": 2, "fee": fee}]
    assert refused(rules.check_contract_terms, terms, ["Alfa"], docs())[2] == \
        "contract_terms[1].fee"


def test_a_partners_fees_above_the_agreed_total_are_refused():
    terms = [{"partner": "Alfa", "phase": 1, "fee": 165000},
             {"partner": "Beta", "phase": 2, "fee": 165001}]
    assert refused(rules.check_contract_terms, terms, ["Alfa", "Beta"], docs()) == (
        "The fees in {partner}'s contract add up to {fees}, above the agreed total of "
        "{total}.", "The fees in the tender documents bind: lower the phase fees.",
        "contract_terms", {"partner": "Beta", "fees": Money(330001), "total": Money(330000)})


@pytest.mark.parametrize("terms", [
    [], [{"partner": "Alfa", "phase": 1}, {"partner": "Alfa", "phase": 2}],
    [{"partner": "Alfa", "phase": 1, "fee": None, "targets": "Ny prototype"},
     {"partner": "Beta", "phase": 1, "fee": 100000}, {"partner": "Alfa", "phase": 2}],
    [{"partner": "Alfa", "phase": 1, "fee": 164999.5},
     {"partner": "Alfa", "phase": 2, "fee": 165000.5}]])
def test_contract_terms_at_the_boundary_are_accepted(terms):
    assert rules.check_contract_terms(terms, ["Alfa", "Beta"], docs()) is None


def test_contract_terms_default_to_four_phases():
    terms = [{"partner": "Alfa", "phase": 4}]
    assert rules.check_contract_terms(terms, ["Alfa"], {"development": None}) is None


def test_open_partnerships_gives_each_partner_a_contract_in_rank_order():
    terms = [{"partner": "Beta", "phase": 2, "fee": 100000}]
    result = rules.open_partnerships(["Alfa", "Beta"], docs(), terms, date(2026, 1, 5))
    assert list(result) == ["Alfa", "Beta"]
    assert result["Beta"] == {
        "partner": "Beta", "rank": 2, "status": "active", "signed": "2026-01-05",
        "contract": [{"phase": 1, "targets": ["Prototype", "Datasikkerhed"],
                      "duration_days": 90, "fee": 165000},
                     {"phase": 2, "targets": ["Klinisk test"], "duration_days": 60,
                      "fee": 100000}],
        "reviews": [], "fee_ledger": [], "ended_after_phase": None, "phase_done": 0}
    assert result["Alfa"]["rank"] == 1 and result["Alfa"]["contract"][1]["fee"] == 165000
    assert rules.open_partnerships([], docs(), None, "2026-01-05") == {}


def test_open_partnerships_refuses_a_signing_day_that_is_no_date():
    assert refused(rules.open_partnerships, ["Alfa"], docs(), None, "snart")[2] == \
        "contract_signed"


# ---------------------------------------------------------------- development
def test_to_review_names_the_active_partners_whose_phase_is_not_done():
    ps = partnerships()
    ps["Alfa"]["phase_done"] = 1
    assert rules.to_review(ps, 1) == ["Beta"]
    assert rules.to_review(ps, 2) == ["Alfa", "Beta"]
    ps["Beta"]["status"] = "ended"
    assert rules.to_review(ps, 2) == ["Alfa"]
    assert rules.to_review({"X": {"status": "active"}}, 1) == ["X"]
    assert rules.to_review({"X": {"status": "active"}}, 0) == []


def test_review_due_adds_the_durations_or_takes_the_newest_rework_deadline():
    ps = partnerships()
    assert rules.review_due(ps, "Alfa", 1) == "2026-04-05"   # + 90 days
    assert rules.review_due(ps, "Alfa", 2) == "2026-06-04"   # + 150 days
    ps["Alfa"]["reviews"] = [{"phase": 1, "rework_deadline": "2026-05-01"},
                             {"phase": 1, "rework_deadline": ""},
                             {"phase": 2, "rework_deadline": "2026-09-01"},
                             {"phase": 1, "rework_deadline": "2026-05-20"}]
    assert rules.review_due(ps, "Alfa", 1) == "2026-05-20"
    ps["Beta"]["contract"][1]["duration_days"] = None
    assert rules.review_due(ps, "Beta", 1) == "2026-04-05"
    assert rules.review_due(ps, "Beta", 2) == ""
    assert rules.review_due(ps, "Beta", 3) == ""
    assert rules.review_due(ps, "Gamma", 1) == ""
    assert rules.review_due({"X": {"contract": [{"phase": 1, "duration_days": 1}]}},
                            "X", 1) == ""


def review(decision="approve", targets=MET, **extra) -> dict:
    return {"phase_decision": decision, "intermediate_targets": targets, **extra}


def test_a_review_that_leaves_out_a_contract_target_is_refused():
    targets = [{"target": " Prototype ", "met": True}, "noise"]
    assert refused(rules.check_review, docs(), partnerships(), "Alfa", 1,
                   review("rework", targets), TODAY) == (
        "The review of phase {phase} does not record the contract's target(s) {targets} "
        "as met or not met.",
        "Record every intermediate target in the partnership contract, each as met or not "
        "met.", "intermediate_targets", {"phase": 1, "targets": ["'Datasikkerhed'"]})


def test_a_review_without_partnerships_records_no_contract_targets():
    assert rules.check_review(docs(), None, "Alfa", 1,
                              review("rework", [], rework_deadline="2026-08-02"),
                              TODAY) is None
    assert rules.check_review(docs(), partnerships(), None, 1,
                              review("rework", [], rework_deadline="2026-08-02"),
                              TODAY) is None


def test_ending_one_partners_contract_needs_reduction_announced():
    assert refused(rules.check_review, docs(partner_reduction_allowed=False),
                   partnerships(), "Beta", 1, review("terminate"), TODAY) == (
        "The contract with {partner} cannot be ended after phase {phase}: the tender "
        "documents did not announce that individual partners' contracts may be ended "
        "(Dir. art. 31(2)).",
        "Approve or send the phase back for rework, or seek legal advice.",
        "phase_decision", {"partner": "Beta", "phase": 1})
    assert refused(rules.check_review, docs(partner_reduction_allowed="yes",
                                            termination_allowed=True),
                   partnerships(), "Beta", 1, review("terminate"), TODAY)[2] == \
        "phase_decision"
    assert rules.check_review(docs(termination_allowed=False), partnerships(), "Beta", 1,
                              review("terminate"), TODAY) is None


def test_ending_the_last_partner_ends_the_partnership_and_needs_termination_announced():
    ps = partnerships()
    ps["Alfa"]["status"] = "ended"
    terms = docs(termination_allowed=False, partner_reduction_allowed=True)
    assert refused(rules.check_review, terms, ps, "Beta", 1, review("terminate"),
                   TODAY)[2:] == ("termination_allowed", {"phase": 1})
    assert refused(rules.check_review, docs(termination_allowed="yes"), None, None, 2,
                   review("terminate"), TODAY)[2:] == ("termination_allowed", {"phase": 2})
    one = rules.open_partnerships(["Alfa"], docs(), None, "2026-01-05")
    assert refused(rules.check_review, terms, one, "Alfa", 1, review("terminate"),
                   TODAY)[2] == "termination_allowed"
    assert rules.check_review(docs(), ps, "Beta", 1, review("terminate"), TODAY) is None
    assert rules.check_review(docs(), None, None, 1, review("terminate", []),
                              TODAY) is None


@pytest.mark.parametrize("deadline", [None, "", 0])
def test_rework_without_a_deadline_is_refused(deadline):
    assert refused(rules.check_review, docs(), partnerships(), "Alfa", 1,
                   review("rework", rework_deadline=deadline), TODAY) == (
        "A phase sent back for rework needs a new deadline.",
        "Give the date by which the partner must meet the targets; nothing is paid until "
        "then.", "rework_deadline", {})


@pytest.mark.parametrize("deadline", ["2026-08-01", "2026-07-31", date(2026, 8, 1)])
def test_rework_with_a_deadline_not_after_today_is_refused(deadline):
    assert refused(rules.check_review, docs(), partnerships(), "Alfa", 1,
                   review("rework", rework_deadline=deadline), TODAY) == (
        "The new deadline {deadline} is not after today.", "Give a deadline after today.",
        "rework_deadline", {"deadline": deadline})


def test_rework_the_day_after_today_is_accepted_and_a_bad_date_refused():
    assert rules.check_review(docs(), partnerships(), "Alfa", 1,
                              review("rework", rework_deadline="2026-08-02"), TODAY) is None
    assert refused(rules.check_review, docs(), partnerships(), "Alfa", 1,
                   review("rework", rework_deadline="snart"), TODAY)[2] == "rework_deadline"


def test_approval_needs_every_target_met():
    targets = [MET[0], {"target": "Datasikkerhed", "met": False}]
    assert refused(rules.check_review, docs(), partnerships(), "Alfa", 1,
                   review("approve", targets), TODAY)[2:] == (
        "intermediate_targets", {"phase": 1, "names": ["'Datasikkerhed'"]})
    assert refused(rules.check_review, docs(), None, None, 1, review(None, None),
                   TODAY)[2:] == ("intermediate_targets", {"phase": 1})


def test_approval_books_the_partners_own_fee_within_the_agreed_total():
    ps = partnerships()
    ps["Alfa"]["contract"][1]["fee"] = 200000
    ps["Alfa"]["fee_ledger"] = [{"phase": 1, "amount": 165000}]
    targets = [{"target": "Klinisk test", "met": True}]
    assert refused(rules.check_review, docs(), ps, "Alfa", 2, review("approve", targets),
                   TODAY)[2:] == ("amount", {
        "value": Money(200000), "amount": Money(365000), "total": Money(330000),
        "amount2": Money(165000)})
    ps["Alfa"]["contract"][1]["fee"] = 165000
    assert rules.check_review(docs(), ps, "Alfa", 2, review("approve", targets),
                              TODAY) is None
    ps["Alfa"]["fee_ledger"] = [{"phase": 2, "amount": 1}]
    assert refused(rules.check_review, docs(), ps, "Alfa", 2, review("approve", targets),
                   TODAY)[2:] == ("phase", {"phase": 2})
    assert refused(rules.check_review, docs(), ps, "Alfa", 3,
                   review("approve", [{"target": "x", "met": True}]), TODAY)[3] == {
        "phase": 3, "phases": 2}


def test_approval_without_a_partnership_books_the_fee_per_phase_in_the_ledger():
    targets = [{"target": "x", "met": True}]
    assert rules.check_review(docs(), None, None, 2, review("approve", targets),
                              TODAY) is None
    assert refused(rules.check_review, docs(), None, None, 2, review("approve", targets),
                   TODAY, [{"phase": 2, "amount": 1}])[2:] == ("phase", {"phase": 2})
    assert refused(rules.check_review, docs(), None, None, 2, review("approve", targets),
                   TODAY, [{"phase": 1, "amount": 165001}])[3] == {
        "value": Money(165000), "amount": Money(330001), "total": Money(330000),
        "amount2": Money(164999)}
    assert refused(rules.check_review, {"development": {}}, None, None, 5,
                   review("approve", targets), TODAY)[3] == {"phase": 5, "phases": 4}
    assert refused(rules.check_review, {}, None, None, 1, review("approve", targets),
                   TODAY, [{"phase": 2, "amount": 660000}])[3]["value"] == Money(165000)


def test_approval_of_a_partner_counts_the_default_four_phases():
    terms = {"development": {"fee_per_phase": 10}}
    ps = rules.open_partnerships(["Alfa"], terms, None, "2026-01-05")
    targets = [{"target": "x", "met": True}]
    assert rules.check_review(terms, ps, "Alfa", 4, review("approve", targets),
                              TODAY) is None
    assert refused(rules.check_review, terms, ps, "Alfa", 5, review("approve", targets),
                   TODAY)[3] == {"phase": 5, "phases": 4}


# ------------------------------------------------------------- closing reviews
def test_close_reviews_applies_approve_rework_and_terminate():
    ps = rules.open_partnerships(["Alfa", "Beta", "Gamma"], docs(), None, "2026-01-05")
    before = copy.deepcopy(ps)
    targets = [dict(t) for t in MET]
    reviews = {"a": {"partner": "Alfa", "decision": "approve", "targets": targets,
                     "reason": "Godt"},
               "b": {"partner": "Beta", "decision": "rework", "targets": [],
                     "rework_deadline": "2026-09-01"},
               "c": {"partner": "Gamma", "decision": "terminate", "rework_deadline": ""},
               "d": "noise"}
    out = rules.close_reviews(ps, 1, reviews, docs())
    assert ps == before  # the given partnerships are not changed
    assert out["pending"] is True
    alfa, beta, gamma = (out["partnerships"][n] for n in ("Alfa", "Beta", "Gamma"))
    assert alfa["reviews"] == [{"partner": "Alfa", "phase": 1, "decision": "approve",
                                "targets": MET, "reason": "Godt", "rework_deadline": None}]
    assert alfa["reviews"][0]["targets"] is not targets
    assert (alfa["fee_ledger"], alfa["phase_done"], alfa["status"],
            alfa["ended_after_phase"]) == ([{"phase": 1, "amount": 165000}], 1, "active", None)
    assert beta["reviews"] == [{"partner": "Beta", "phase": 1, "decision": "rework",
                                "targets": [], "reason": "",
                                "rework_deadline": "2026-09-01"}]
    assert (beta["fee_ledger"], beta["phase_done"], beta["status"],
            beta["ended_after_phase"]) == ([], 0, "active", None)
    assert gamma["reviews"] == [{"partner": "Gamma", "phase": 1, "decision": "terminate",
                                 "targets": [], "reason": "", "rework_deadline": None}]
    assert (gamma["fee_ledger"], gamma["phase_done"], gamma["status"],
            gamma["ended_after_phase"]) == ([], 1, "ended", 1)


def test_close_reviews_skips_partners_done_or_without_a_review():
    ps = partnerships()
    ps["Alfa"]["phase_done"] = 1
    reviews = [{"partner": "Alfa", "decision": "terminate"}, None]
    out = rules.close_reviews(ps, 1, reviews, docs())
    assert out == {"partnerships": ps, "pending": True}
    out = rules.close_reviews(ps, 1, [{"partner": "Beta", "decision": "approve",
                                      "targets": MET}], docs())
    assert out["pending"] is False
    assert out["partnerships"]["Alfa"] == ps["Alfa"]
    assert out["partnerships"]["Beta"]["phase_done"] == 1
    assert rules.close_reviews(ps, 1, None, docs()) == {"partnerships": ps, "pending": True}


def test_close_reviews_books_the_partners_own_fee_and_refuses_unmet_targets():
    ps = rules.open_partnerships(["Alfa"], docs(), [{"partner": "Alfa", "phase": 1,
                                                     "fee": 1000.5}], "2026-01-05")
    out = rules.close_reviews(ps, 1, [{"partner": "Alfa", "decision": "approve",
                                      "targets": MET}], docs())
    assert out["partnerships"]["Alfa"]["fee_ledger"] == [{"phase": 1, "amount": 1000.5}]
    unmet = [MET[0], {"target": "Datasikkerhed", "met": False}]
    assert refused(rules.close_reviews, ps, 1, [{"partner": "Alfa", "decision": "approve",
                                                "targets": unmet}], docs())[2:] == (
        "intermediate_targets", {"phase": 1, "names": ["'Datasikkerhed'"]})
    ps["Alfa"]["fee_ledger"] = [{"phase": 2, "amount": 329999.5}]
    assert refused(rules.close_reviews, ps, 1, [{"partner": "Alfa", "decision": "approve",
                                                "targets": MET}], docs())[3] == {
        "value": Money(1000.5), "amount": Money(331000), "total": Money(330000),
        "amount2": Money(0.5)}
    four = rules.open_partnerships(["Alfa"], {}, None, "2026-01-05")
    out = rules.close_reviews(four, 4, [{"partner": "Alfa", "decision": "approve",
                                        "targets": MET}], {})
    assert out["partnerships"]["Alfa"]["fee_ledger"] == [{"phase": 4, "amount": 165000}]


# ---------------------------------------------------------------- phase summary
def test_the_phase_summary_of_one_partner_reads_as_before():
    ps = rules.open_partnerships(["Alfa"], docs(), None, "2026-01-05")
    ps["Alfa"]["reviews"] = [
        {"phase": 1, "decision": "rework", "targets": ["old"], "reason": "Mangler"},
        {"phase": 2, "decision": "approve", "targets": ["other"], "reason": "x"},
        {"phase": 1, "decision": "approve", "targets": MET, "reason": "Godt"}]
    ps["Alfa"]["fee_ledger"] = [{"phase": 1, "amount": 165000}]
    assert rules.phase_summary(ps, 1) == {
        "phase": 1, "decision": "approve", "decisions": {"Alfa": "approve"},
        "targets": MET, "reason": "Godt", "fee_ledger": [{"phase": 1, "amount": 165000}],
        "partnerships": ps, "all_ended": False}
    ps["Alfa"]["reviews"] = [{"phase": 1, "decision": "terminate"}]
    ps["Alfa"]["status"] = "ended"
    summary = rules.phase_summary(ps, 1)
    assert summary == {
        "phase": 1, "decision": "terminate", "decisions": {"Alfa": "terminate"},
        "targets": [], "reason": "", "fee_ledger": [{"phase": 1, "amount": 165000}],
        "partnerships": ps, "all_ended": True}
    assert summary["partnerships"] is not ps
    summary["partnerships"]["Alfa"]["reviews"].append("x")
    assert ps["Alfa"]["reviews"] == [{"phase": 1, "decision": "terminate"}]
    assert rules.phase_summary(ps, 3)["decisions"] == {}


def test_the_phase_summary_of_several_partners_names_each_decision_and_fee():
    ps = partnerships()
    ps["Alfa"]["reviews"] = [{"phase": 1, "decision": "approve", "targets": MET,
                              "reason": "Godt"}]
    ps["Alfa"]["fee_ledger"] = [{"phase": 1, "amount": 165000}]
    ps["Beta"]["reviews"] = [{"phase": 1, "decision": "terminate", "targets": [],
                              "reason": "Ude"}]
    ps["Beta"]["status"] = "ended"
    assert rules.phase_summary(ps, 1) == {
        "phase": 1, "decision": "approve",
        "decisions": {"Alfa": "approve", "Beta": "terminate"},
        "targets": [], "reason": "",
        "fee_ledger": [{"phase": 1, "amount": 165000, "partner": "Alfa"}],
        "partnerships": ps, "all_ended": False}
    ps["Alfa"]["status"] = "ended"
    summary = rules.phase_summary(ps, 1)
    assert (summary["decision"], summary["all_ended"]) == ("terminate", True)
    assert rules.remaining_partners(ps) == []
    assert rules.phase_summary({}, 1) == {
        "phase": 1, "decision": "terminate", "decisions": {}, "targets": [], "reason": "",
        "fee_ledger": [], "partnerships": {}, "all_ended": True}


def test_the_phase_summary_of_one_partner_without_a_review_has_no_targets():
    ps = rules.open_partnerships(["Alfa"], docs(), None, "2026-01-05")
    assert rules.phase_summary(ps, 1) == {
        "phase": 1, "decision": "approve", "decisions": {}, "targets": [], "reason": "",
        "fee_ledger": [], "partnerships": ps, "all_ended": False}


# -------------------------------------------------------------------- purchase
def test_purchases_are_decided_per_partner():
    offers = {"a": {"partner": "Alfa", "performance_met": True, "offered_price": 900},
              "b": {"partner": "Beta", "performance_met": True, "offered_price": 1001},
              "c": {"partner": "Gamma", "performance_met": False, "offered_price": 10}}
    result = rules.decide_purchases(offers, 1000)
    assert result == {
        "exercise": True,
        "reason": "Alfa: The agreed performance levels are met and the price 900 DKK is "
                  "within the maximum cost of 1000 DKK.; Beta: The price 1001 DKK exceeds "
                  "the agreed maximum cost of 1000 DKK.; Gamma: The solution does not meet "
                  "the agreed performance levels.",
        "partners": {
            "Alfa": {"exercise": True, "offered_price": 900,
                     "reason": "The agreed performance levels are met and the price 900 "
                               "DKK is within the maximum cost of 1000 DKK."},
            "Beta": {"exercise": False, "offered_price": 1001,
                     "reason": "The price 1001 DKK exceeds the agreed maximum cost of "
                               "1000 DKK."},
            "Gamma": {"exercise": False, "offered_price": 10,
                      "reason": "The solution does not meet the agreed performance "
                                "levels."}},
        "purchasing": ["Alfa"]}


def test_a_purchase_with_one_partner_gives_that_partners_reason():
    offers = [{"partner": "Alfa", "performance_met": True, "offered_price": 1000}]
    assert rules.decide_purchases(offers, 1000) == {
        "exercise": True,
        "reason": "The agreed performance levels are met and the price 1000 DKK is within "
                  "the maximum cost of 1000 DKK.",
        "partners": {"Alfa": {"exercise": True, "offered_price": 1000,
                              "reason": "The agreed performance levels are met and the "
                                        "price 1000 DKK is within the maximum cost of 1000 "
                                        "DKK."}},
        "purchasing": ["Alfa"]}
    offers[0]["performance_met"] = "yes"
    result = rules.decide_purchases(offers, 1000)
    assert (result["exercise"], result["purchasing"], result["reason"]) == (
        False, [], "The solution does not meet the agreed performance levels.")
    assert rules.decide_purchases(None, 1000) == {
        "exercise": False, "reason": "", "partners": {}, "purchasing": []}
    assert refused(rules.decide_purchases, offers, 0)[2] == "max_cost"


def test_the_call_off_partner_is_the_only_one_purchased_from_or_named():
    purchase = {"purchasing": ["Alfa"]}
    assert rules.call_off_partner(None, purchase) == "Alfa"
    assert rules.call_off_partner(" ", purchase) == "Alfa"
    assert rules.call_off_partner(" Alfa ", purchase) == "Alfa"
    assert rules.call_off_partner("Beta", {"purchasing": ["Alfa", "Beta"]}) == "Beta"


@pytest.mark.parametrize("chosen", [["Alfa", "Beta"], [], None])
def test_a_call_off_without_a_partner_among_several_or_none_is_refused(chosen):
    assert refused(rules.call_off_partner, "", {"purchasing": chosen}) == (
        "Say which partner the call-off is made from.", "One of: {chosen}.",
        "call_off_partner", {"chosen": chosen or []})


@pytest.mark.parametrize("chosen, shown", [(["Alfa"], ["Alfa"]), ([], "nobody"),
                                           (None, "nobody")])
def test_a_call_off_from_a_partner_without_a_purchase_contract_is_refused(chosen, shown):
    assert refused(rules.call_off_partner, "Beta", {"purchasing": chosen}) == (
        "{name!r} has no purchase contract: the purchase option was exercised for "
        "{chosen}.", "Call off only from a partner whose purchase option was exercised.",
        "call_off_partner", {"name": "Beta", "chosen": shown})


def test_the_ceiling_is_shared_and_call_offs_counted_per_partner():
    call_offs = [{"partner": "Alfa", "amount": 100}, {"partner": "Beta", "amount": 50.5},
                 {"partner": "Alfa", "amount": 25}, {"amount": 1}, "noise",
                 {"partner": "Beta", "amount": "x"}]
    assert rules.ceiling_by_partner(call_offs, 1000) == {
        "used": Decimal("176.5"), "remaining": Decimal("823.5"),
        "partners": {"Alfa": Decimal(125), "Beta": Decimal("50.5"), "": Decimal(1)}}
    assert rules.ceiling_by_partner(call_offs, None)["remaining"] is None
    assert rules.ceiling_by_partner(call_offs, "x")["remaining"] is None
    assert rules.ceiling_by_partner({"a": {"partner": "Alfa", "amount": 1}}, 10) == {
        "used": Decimal(0), "remaining": Decimal(10), "partners": {}}
    assert rules.ceiling_by_partner([], 0) == {"used": Decimal(0), "remaining": Decimal(0),
                                               "partners": {}}


@pytest.mark.parametrize("award, partners", [
    ({"partners": [" Alfa ", "", "  ", "Beta"], "winner": "Gamma"}, ["Alfa", "Beta"]),
    ({"partners": [], "winner": " Gamma "}, ["Gamma"]),
    ({"partners": None, "winner": "Gamma"}, ["Gamma"]),
    ({"partners": ["  "]}, [""]), ({}, [""])])
def test_the_award_names_its_partners_or_the_winner_alone(award, partners):
    assert rules.awarded(award) == partners


def test_a_review_of_a_phase_missing_from_the_contract_has_no_targets_and_no_fee():
    ps = partnerships()
    ps["Alfa"]["contract"] = ps["Alfa"]["contract"][:1]
    assert refused(rules.check_review, docs(), ps, "Alfa", 2,
                   review("approve", [{"target": "x", "met": True}]), TODAY)[2:] == (
        "amount", {"what": "amount", "value": None})
    assert rules.check_review(docs(), ps, "Alfa", 2,
                              review("rework", [], rework_deadline="2026-08-02"),
                              TODAY) is None


def test_a_bullet_or_letter_x_inside_a_target_is_kept():
    assert rules.target_list("X-ray\nXX\n- Xenon -") == ["X-ray", "XX", "Xenon"]


def test_partners_without_a_rank_and_with_one_are_compared_without_error():
    evaluation = [{"bidder": "Alfa", "rank": 1}, {"bidder": "Nul"}]
    assert rules.check_partners(["Nul", "Alfa"], evaluation, DOCS) is None


def test_review_due_takes_the_rework_deadline_of_the_phase_asked_for():
    ps = partnerships()
    ps["Alfa"]["reviews"] = [{"phase": 2, "rework_deadline": "2026-09-01"},
                             {"phase": 1, "rework_deadline": "2026-05-20"}]
    assert rules.review_due(ps, "Alfa", 2) == "2026-09-01"
    assert rules.review_due(ps, "Alfa", 1) == "2026-05-20"


def test_a_review_without_a_partner_name_checks_no_contract():
    ps = {"": {"status": "active", "contract": [{"phase": 1, "targets": ["Prototype"]}]}}
    assert rules.check_review(docs(), ps, "", 1,
                              review("rework", [], rework_deadline="2026-08-02"),
                              TODAY) is None


@pytest.mark.parametrize("target", ["None", "XXXX"])
def test_a_recorded_target_without_a_name_matches_no_contract_target(target):
    ps = partnerships()
    ps["Alfa"]["contract"][0]["targets"] = [target]
    assert refused(rules.check_review, docs(), ps, "Alfa", 1,
                   review("rework", [{"met": True}], rework_deadline="2026-08-02"),
                   TODAY)[3] == {"phase": 1, "targets": [repr(target)]}


def test_approval_without_a_partnership_uses_the_documents_fee_and_phases():
    targets = [{"target": "x", "met": True}]
    terms = docs(fee_per_phase=100)
    assert refused(rules.check_review, terms, None, None, 2, review("approve", targets),
                   TODAY, [{"phase": 1, "amount": 150}])[3] == {
        "value": Money(100), "amount": Money(250), "total": Money(200),
        "amount2": Money(50)}
    assert refused(rules.check_review, docs(), None, None, 3, review("approve", targets),
                   TODAY)[3] == {"phase": 3, "phases": 2}


def test_close_reviews_books_only_the_phases_in_the_documents():
    ps = partnerships()
    assert refused(rules.close_reviews, ps, 3, [{"partner": "Alfa", "decision": "approve",
                                                "targets": MET}], docs())[2:] == (
        "phase", {"phase": 3, "phases": 2})


def test_close_reviews_goes_on_past_a_partner_without_a_review():
    ps = partnerships()
    targets = [dict(t) for t in MET]
    out = rules.close_reviews(ps, 1, [{"partner": "Beta", "decision": "approve",
                                      "targets": targets}], docs())
    assert out["partnerships"]["Alfa"] == ps["Alfa"]
    beta = out["partnerships"]["Beta"]
    assert (beta["phase_done"], beta["fee_ledger"]) == (1, [{"phase": 1, "amount": 165000}])
    assert beta["reviews"][0]["targets"] == MET
    assert beta["reviews"][0]["targets"][0] is not targets[0]
    assert out["pending"] is True


def test_call_offs_without_a_partner_add_up_and_sums_are_decimals():
    result = rules.ceiling_by_partner([{"amount": 1}, {"amount": 2}], 10)
    assert result == {"used": Decimal(3), "remaining": Decimal(7), "partners": {"": Decimal(3)}}
    empty = rules.ceiling_by_partner([], None)
    assert isinstance(empty["used"], Decimal) and empty["remaining"] is None
    assert rules.ceiling_by_partner(None, 10) == {
        "used": Decimal(0), "remaining": Decimal(10), "partners": {}}


def test_close_reviews_counts_the_default_four_phases():
    four = rules.open_partnerships(["Alfa"], {}, None, "2026-01-05")
    assert refused(rules.close_reviews, four, 5, [{"partner": "Alfa", "decision": "approve",
                                                  "targets": MET}], {})[2:] == (
        "phase", {"phase": 5, "phases": 4})

"""Each of the designer's model checks, broken on purpose: the problem names the exact
file and element and says what to do."""
from __future__ import annotations

import pytest

from engine import specs
from tests.conftest import DATA

PURCHASE = "purchase_request/purchase_request.bpmn"


def files(model: str) -> dict[str, str]:
    return specs.read_files(DATA / model)


def problems(model: str, files_: dict, groups=None) -> list[specs.Problem]:
    return specs.check(model, files_, groups=groups)


def edited(model: str, path: str, old: str, new: str) -> dict[str, str]:
    result = files(model)
    assert old in result[path], old
    result[path] = result[path].replace(old, new)
    return result


def only(found: list[specs.Problem], element: str, words: str = "") -> specs.Problem:
    hits = [p for p in found if p.element == element and words in p.message]
    assert len(hits) == 1, found
    return hits[0]


@pytest.mark.parametrize("model", ["purchase_request", "caller", "rounds", "assessments"])
def test_the_fixture_models_pass(model):
    assert problems(model, files(model), groups=["Indkøb", "Ledelse", "Evaluering", "Jura"]) == []


def test_a_gateway_flow_without_condition_or_default():
    broken = edited("purchase_request", "purchase_request.bpmn",
                    '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" '
                    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">category == "small"'
                    '</bpmn:conditionExpression>', "")
    problem = only(problems("purchase_request", broken), "f7", "without a condition")
    assert problem.file == "purchase_request.bpmn"
    assert "without a condition" in problem.message and "Stort beløb?" in problem.message
    assert "default flow" in problem.fix


def test_a_default_flow_needs_no_condition():
    broken = edited("purchase_request", "purchase_request.bpmn",
                    '<bpmn:exclusiveGateway id="gw" name="Stort beløb?">',
                    '<bpmn:exclusiveGateway id="gw" name="Stort beløb?" default="f7">')
    broken = {k: v.replace('category == "small"</bpmn:conditionExpression>',
                           '</bpmn:conditionExpression>') for k, v in broken.items()}
    assert [p for p in problems("purchase_request", broken) if p.element == "f7"] == []


def test_a_called_decision_that_does_not_exist():
    broken = edited("purchase_request", "purchase_request.bpmn",
                    "<spiffworkflow:calledDecisionId>category_decision",
                    "<spiffworkflow:calledDecisionId>no_such_decision")
    found = problems("purchase_request", broken)
    assert any("no_such_decision" in str(p) for p in found), found


def test_a_called_process_that_does_not_exist():
    broken = edited("caller", "caller.bpmn", 'calledElement="sub_review"',
                    'calledElement="sub_missing"')
    found = problems("caller", broken)
    assert any(p.element == "call" or "sub_missing" in str(p) for p in found), found


def test_a_loop_built_with_a_back_edge():
    broken = edited("purchase_request", "purchase_request.bpmn",
                    '<bpmn:sequenceFlow id="f6" sourceRef="approve" targetRef="end_large" />',
                    '<bpmn:sequenceFlow id="f6" sourceRef="approve" targetRef="end_large" />'
                    '<bpmn:sequenceFlow id="back" sourceRef="gw" targetRef="register">'
                    '<bpmn:conditionExpression>category == "other"</bpmn:conditionExpression>'
                    '</bpmn:sequenceFlow>')
    problem = only(problems("purchase_request", broken), "back", "goes back")
    assert "goes back to an earlier element" in problem.message
    assert "standard loop" in problem.fix


def test_a_lane_that_is_no_group():
    found = problems("purchase_request", files("purchase_request"), groups=["Indkøb"])
    problem = only(found, "Lane_1")
    assert "'Ledelse' is no group" in problem.message and "Indkøb" in problem.fix


def test_a_user_task_without_a_form_is_marked_on_its_element():
    broken = edited("purchase_request", "purchase_request.bpmn",
                    '<spiffworkflow:property name="formJsonSchemaFilename" '
                    'value="approve.schema.json" />', "")
    problem = only(problems("purchase_request", broken), "approve")
    assert problem.message == "the user task names no form"


def test_an_element_nothing_leads_to():
    broken = edited("purchase_request", "purchase_request.bpmn",
                    '<bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="categorise" />',
                    "")
    problem = only(problems("purchase_request", broken), "categorise", "never runs")
    assert "connect it" in problem.fix

"""Evaluate a DMN decision on its own, as the business rule task would: the designer's
table, the restricted script environment, the facts as task data. For tests and for
showing a designer what a table decides."""
from __future__ import annotations

from types import SimpleNamespace

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from . import scripting
from .errors import ModelError, ScriptError


def decide(dmn_text: str, decision_id: str, facts: dict, script_engine=None) -> dict:
    """The outputs of the first matching rule of ``decision_id`` for ``facts`` ({} when no
    rule matches)."""
    if script_engine is None:
        from .rules import SCRIPT_HELPERS

        script_engine = scripting.script_engine(SCRIPT_HELPERS)
    parser = SpiffBpmnParser(validator=BpmnValidator())
    try:
        parser.add_dmn_str(dmn_text.encode("utf-8"), filename=f"{decision_id}.dmn")
        table = parser.get_engine(decision_id, None)
    except Exception as err:  # the parser's errors vary: XML, schema, unknown id
        raise ModelError("the decision {decision_id} cannot be read: {err}",
                         hint="open the DMN file and fix the table",
                         decision_id=decision_id, err=err) from err
    task = SimpleNamespace(data=dict(facts), workflow=SimpleNamespace(
        script_engine=script_engine), task_spec=SimpleNamespace(bpmn_id=decision_id,
                                                                bpmn_name=decision_id))
    try:
        return table.result(task)
    except SpiffWorkflowException as err:
        raise ScriptError("the decision {decision_id} failed: {err}",
                          hint="a process designer must fix the table's expressions",
                          decision_id=decision_id, err=err) from err

"""The steps each verb applies to a workflow, and replay applies again: begin, submit,
fire timers, run.

Each step runs with the clock frozen at the event's time, so a replay at the recorded
time does exactly what the verb did. SpiffWorkflow errors come out as ``engine.errors``
exceptions naming the BPMN element. No database here.
"""
from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import clock, forms, scripting, specs
from . import workflow as wfl
from .errors import OpiflowError, RuleViolation, ScriptError


def begin(script_engine, parsed: specs.ParsedModel, data: dict | None,
          now: datetime) -> BpmnWorkflow:
    """A new workflow with the start data, run to its first waiting point."""
    wf = wfl.new(parsed, script_engine)
    for task in wf.get_tasks(state=wfl.TaskState.READY):
        task.data.update(copy.deepcopy(data or {}))
    run(wf, now)
    return wf


def submit(wf: BpmnWorkflow, task, submitted: dict, now: datetime) -> None:
    """Complete ``task`` with checked form data and run the engine steps after it."""
    with clock.frozen_at(now):
        task.data.update(copy.deepcopy(submitted))
        _record_locks_and_seals(wf, task, wfl.properties(task.task_spec), submitted)
        try:
            task.run()
        except SpiffWorkflowException as err:
            raise translate(err) from err
    run(wf, now)


def fire_timers(wf: BpmnWorkflow, now: datetime) -> None:
    """Fire the timers due at ``now`` and run on."""
    with clock.frozen_at(now):
        wf.refresh_timers()
    run(wf, now)


def cancel(wf: BpmnWorkflow, now: datetime) -> None:
    with clock.frozen_at(now):
        wf.cancel()


# acts recorded outside the task flow, at any time: event kind -> data key of the register
REGISTERED = {"complaint_registered": "complaints", "complaint_decided": "complaints",
              "adviser_named": "impartiality_declarations",
              "impartiality_declared": "impartiality_declarations"}


def register(wf: BpmnWorkflow, kind: str, entry: dict, now: datetime) -> None:
    """Record an act in the procedure's registers (a complaint, Klagenævnet's decision on
    suspension, an adviser named, a declaration of impartiality), checked by its rule."""
    from .rules import complaints, impartiality

    key = REGISTERED[kind]
    data = wfl.current_data(wf)
    today = now.astimezone(clock.LOCAL_ZONE).date()
    current = data.get(key) if isinstance(data.get(key), list) else []
    if kind == "complaint_registered":
        value = complaints.add(current, entry.get("complaint"), data.get("standstill_end"),
                               today)
    elif kind == "complaint_decided":
        value = complaints.decide(current, entry.get("number"), entry.get("decision"),
                                  data.get("standstill_end") or "", today)
    elif kind == "adviser_named":
        value = impartiality.name_adviser(current, entry.get("adviser"), today)
    else:
        value = impartiality.declare(current, entry.get("declaration"), participants(data),
                                     today)
    wfl.set_register(wf, key, value)


def participants(data: dict) -> list[str]:
    """The applicants' and bidders' names in the procedure's data."""
    names = [str(a.get("name")) for a in data.get("applicants") or [] if isinstance(a, dict)]
    names += [str(b) for b in data.get("bidders") or [] if isinstance(b, str)]
    return list(dict.fromkeys(n for n in names if n))


def check_not_excluded(wf: BpmnWorkflow, task, person: str) -> None:
    """UBL § 4: a person who declared a conflict does not complete the assessment tasks
    about it (the tasks whose validator is an assessment)."""
    from .rules import impartiality

    if wfl.properties(task.task_spec).get("validate") in impartiality.ASSESSMENT_TASKS:
        impartiality.check_not_excluded(
            person, wfl.item(task),
            wfl.registers(wf).get("impartiality_declarations"))


def run(wf: BpmnWorkflow, now: datetime) -> None:
    """The engine steps (scripts, gateways, events) up to the next waiting point."""
    with clock.frozen_at(now):
        try:
            wf.do_engine_steps()
        except SpiffWorkflowException as err:
            raise translate(err) from err


def checked_submission(parsed: specs.ParsedModel, wf: BpmnWorkflow, task,
                       data: dict | None) -> dict:
    """The form data, checked against the task's form and the locked keys."""
    form = specs.form_name(task.task_spec)
    schema = specs.find_form(parsed.forms, form or "")
    if schema is None:
        raise ScriptError("the task {title} has no form",
                          hint="a process designer must add formJsonSchemaFilename",
                          title=wfl.title(task))
    submitted = forms.validate(schema, data if data is not None else {}, form=form or "")
    meta = wfl.meta(wf)
    for key, value in submitted.items():
        if key in meta["locked"] and value != meta["locked"][key]:
            raise RuleViolation(
                "'{key}' is locked: it was published with the tender documents "
                "and may not change (Dir. 2014/24/EU art. 31(3))", field=key,
                hint="submit the published value, or cancel and re-tender", key=key)
    return submitted


def validate(task, submitted: dict, now: datetime, wf: BpmnWorkflow | None = None) -> None:
    """The domain validator the task names, if any (raises its refusal). It sees the
    task's data and the procedure's registers (complaints, declarations)."""
    validator = wfl.properties(task.task_spec).get("validate")
    if validator:
        from .rules.validators import VALIDATORS

        data = {**task.data, **(wfl.registers(wf) if wf is not None else {})}
        VALIDATORS[validator](copy.deepcopy(data), submitted,
                              now.astimezone(clock.LOCAL_ZONE).date())


def check_choices(parsed: specs.ParsedModel, task, submitted: dict) -> None:
    """Values the form picks from the procedure's lists (bidders, applicants, criteria)
    must be on them; checked after the domain rules, whose refusals say more."""
    schema = specs.find_form(parsed.forms, specs.form_name(task.task_spec) or "")
    if schema:
        forms.check_options(schema, submitted, task.data)


def _record_locks_and_seals(wf: BpmnWorkflow, task, props: dict, submitted: dict) -> None:
    meta = wfl.meta(wf)
    for key in filter(None, (k.strip() for k in props.get("locks", "").split(","))):
        if key in task.data:
            meta["locked"][key] = copy.deepcopy(task.data[key])
    if props.get("sealedUntil"):
        until = evaluate(wf.script_engine, task, props["sealedUntil"])
        for key in submitted:
            meta["sealed"][key] = _iso(until)


def evaluate(script_engine, task, expression: str) -> Any:
    """A model expression (a due date, a seal) evaluated over the task's data."""
    try:
        return script_engine.evaluate(task, expression)
    except SpiffWorkflowException as err:
        raise translate(err) from err


def due_at(script_engine, task) -> datetime | None:
    """When a human task is due, from its ``due`` property (None if it has none)."""
    due = wfl.properties(task.task_spec).get("due")
    return as_datetime(evaluate(script_engine, task, due)) if due else None


def as_datetime(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return clock.aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, 59,
                        tzinfo=clock.LOCAL_ZONE)
    text = str(value)
    if len(text) == 10:
        return as_datetime(date.fromisoformat(text))
    return clock.aware(datetime.fromisoformat(text))


def _iso(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def translate(err: SpiffWorkflowException) -> OpiflowError:
    """Turn a SpiffWorkflow error into ours, naming the BPMN element."""
    task_spec = getattr(err, "task_spec", None)
    element = getattr(task_spec, "bpmn_id", None) or getattr(task_spec, "name", None)
    name = getattr(task_spec, "bpmn_name", None) or element or "the model"
    inner = err.__cause__ or err.__context__
    while inner is not None:
        if isinstance(inner, OpiflowError):
            inner.element = inner.element or element
            return inner
        if isinstance(inner, scripting.ScriptRefused):
            return ScriptError("the script in '{name}' was refused: {inner}",
                               element=element, hint=inner.hint, name=name, inner=inner)
        inner = inner.__cause__ or inner.__context__
    return ScriptError("'{name}' failed: {err}", element=element,
                       hint="a process designer must fix the element; nothing was saved",
                       name=name, err=err)

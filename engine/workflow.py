"""Operations on one SpiffWorkflow workflow: create, (de)serialize, read its state.

No database here: :mod:`engine.runtime` loads and saves; this module only knows the
workflow object.
"""
from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from . import pruning
from .audit import canonical
from .clock import aware
from .errors import NotFound
from .registry import ModelRegistry

META = "_opiflow"  # workflow-level data the engine keeps: locked and sealed keys


class _CachedSpecConverter(BpmnWorkflowConverter):
    """Serializes workflows as SpiffWorkflow does, with three differences.

    - The spec is stored by reference: a workflow of a model version the engine's
      registry holds names (model, version) instead of embedding the spec JSON (the
      model_versions table holds the files; loading parses that version, or reuses it).
      States that embed the spec, as earlier releases wrote them, still load.
    - What the future does not need is left out (:mod:`engine.pruning`): finished,
      merged iterations of loops and multi-instance activities and their sub-workflows.
    - A loaded workflow reuses the parsed specs instead of converting them again."""

    def to_dict(self, workflow):
        models = _MODELS.get()
        key = models.version_of(workflow.spec) if models is not None else None
        if key is None:
            dct = super().to_dict(workflow)
        else:
            dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
            dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
            dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
            dct[_VERSION_KEY] = list(key)
        pruning.prune(dct, getattr(workflow, pruning.ATTR, {}))
        return dct

    def from_dict(self, dct):
        pruned, dropped = pruning.restore(dct)
        models = _MODELS.get()
        key = dct.pop(_VERSION_KEY, None)
        parsed = models.get(*key) if models is not None and key else None
        if parsed is None:
            if "spec" not in dct and key:
                raise NotFound("the model version {key} {key2} is not loaded in this "
                               "process", hint="load the instance through the engine",
                               key=key[0], key2=key[1][:12])
            workflow = super().from_dict(dct)
        else:
            dct.pop("spec", None)
            dct.pop("subprocess_specs", None)
            workflow = self.target_class(parsed.spec, parsed.subprocess_specs,
                                         deserializing=True)
            workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
            workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
            self.set_default_attributes(workflow, dct)
            self.subprocesses_from_dict(dct["subprocesses"], workflow)
            workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        pruning.expand(lambda tid: get_task(workflow, tid), dropped)
        setattr(workflow, pruning.ATTR, pruned)
        return workflow


_VERSION_KEY = "opiflow_model_version"
# the registry of the engine that is saving or loading (see dumps and loads)
_MODELS: ContextVar[ModelRegistry | None] = ContextVar("opiflow_models", default=None)


def _serializer() -> BpmnWorkflowSerializer:
    registry = BpmnWorkflowSerializer.configure({**SPIFF_CONFIG,
                                                 BpmnWorkflow: _CachedSpecConverter})
    registry.register(date, lambda v: {"value": v.isoformat()},
                      lambda v: date.fromisoformat(v["value"]))
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _serializer()


@dataclass(frozen=True)
class TaskRef:
    """A task as the audit log names it: its id, spec, title and which of the ready
    tasks of that spec it was (``nth``), so a replay can find it again."""

    id: str
    spec: str
    title: str
    nth: int | None
    item: str | None = None  # the applicant or bidder a multi-instance task is for


def new(parsed, script_engine) -> BpmnWorkflow:
    return BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=script_engine)


def dumps(wf: BpmnWorkflow, models: ModelRegistry | None = None) -> str:
    """The workflow as JSON, pruned (engine.pruning); ``models``: the engine's registry:
    when it holds the workflow's model version, the spec is stored by reference."""
    token = _MODELS.set(models)
    try:
        return SERIALIZER.serialize_json(wf)
    finally:
        _MODELS.reset(token)


def loads(text: str, script_engine, models: ModelRegistry | None = None) -> BpmnWorkflow:
    """A workflow from JSON; with ``models`` (the engine's registry) the parsed specs of
    the model version are reused when the registry holds it. A state that names its
    version instead of embedding the spec needs a registry that holds that version."""
    token = _MODELS.set(models)
    try:
        wf = SERIALIZER.deserialize_json(text)
    finally:
        _MODELS.reset(token)
    wf.script_engine = script_engine  # not serialized: re-attach every time
    return wf


def stored_meta(state: str) -> dict:
    """The engine's locked and sealed keys, read straight from a stored state (workflow
    data is stored whole; task data is stored as deltas, so read tasks via loads())."""
    data = json.loads(state).get("data", {})
    return data.get(META) or {"locked": {}, "sealed": {}}


def all_tasks(wf: BpmnWorkflow):
    yield from wf.tasks.values()
    for sub in wf.subprocesses.values():
        yield from sub.tasks.values()


def _path(task) -> tuple:
    """The task's position in the tree (child indexes from the root), for a stable order."""
    steps = []
    while task is not None:
        parent = task.parent
        if parent is None:
            wf = task.workflow
            parent_id = getattr(wf, "parent_task_id", None)
            if parent_id is None:
                break
            steps.append(-1)
            task = wf.top_workflow.get_task_from_id(parent_id)
            continue
        steps.append(parent.children.index(task))
        task = parent
    return tuple(reversed(steps))


def ready_human_tasks(wf: BpmnWorkflow) -> list:
    tasks = [t for t in all_tasks(wf) if t.state == TaskState.READY and t.task_spec.manual]
    return sorted(tasks, key=_path)


def ref(wf: BpmnWorkflow, task) -> TaskRef:
    same = [t for t in ready_human_tasks(wf) if t.task_spec.name == task.task_spec.name]
    nth = next((i for i, t in enumerate(same) if t.id == task.id), 0)
    return TaskRef(str(task.id), task.task_spec.name, title(task), nth, item(task))


def find(wf: BpmnWorkflow, spec: str, nth: int):
    same = [t for t in ready_human_tasks(wf) if t.task_spec.name == spec]
    return same[nth] if nth < len(same) else None


def get_task(wf: BpmnWorkflow, task_id: str):
    from uuid import UUID

    try:
        key = UUID(str(task_id))
    except ValueError:
        return None
    task = wf.get_task_from_id(key)
    if task is None:
        for sub in wf.subprocesses.values():
            task = sub.get_task_from_id(key)
            if task is not None:
                break
    return task


def title(task) -> str:
    return task.task_spec.bpmn_name or task.task_spec.name


def label(title: str | None, item: str | None) -> str | None:
    """A task as lists name it: "Vurder egnethed: Alfa Care" (the title alone for a
    task that is not about one item)."""
    return f"{title}: {item}" if title and item else title


def item(task) -> str | None:
    """The item a multi-instance task is for (the applicant, the bidder), if any. A task
    inside a multi-instance sub-process is for that sub-process's item (the partner whose
    phase is reviewed); numbered items (rounds, phases) name nothing and are passed over."""
    while task is not None:
        parent = task.parent
        if parent is None:
            wf = task.workflow
            parent_id = getattr(wf, "parent_task_id", None)
            task = wf.top_workflow.get_task_from_id(parent_id) if parent_id else None
            continue
        ref = getattr(parent.task_spec, "input_item", None)
        if ref is not None:
            value = task.data.get(ref.bpmn_id)
            if isinstance(value, dict):
                value = next((value[k] for k in ("name", "bidder", "applicant") if k in value),
                             None)
            if value is not None and not isinstance(value, int | float):
                return str(value)[:200]
        task = parent
    return None


def subject(task) -> dict:
    """The data of the item a multi-instance task is about (the application being
    assessed, the tender being scored), to show beside the form; {} for other tasks."""
    parent_spec = task.parent.task_spec if task.parent is not None else None
    ref = getattr(parent_spec, "input_item", None)
    if ref is None:
        return {}
    value = task.data.get(ref.bpmn_id)
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items() if not str(k).startswith("_")}
    return {} if value is None else {ref.bpmn_id: value}


def basis(data: dict, task_spec) -> dict:
    """What a decision task shows beside its form (the ``shows`` property: data keys or
    dotted paths, e.g. "tender_documents.purchase,fee_ledger"), read from ``data``."""
    result = {}
    for key in (k.strip() for k in properties(task_spec).get("shows", "").split(",")):
        value: object = data
        for part in key.split(".") if key else ():
            value = value.get(part) if isinstance(value, dict) else None
        if key and value not in (None, "", [], {}):
            result[key] = value
    return result


def changes(data: dict, task_spec) -> list[dict] | None:
    """What changed since the earlier version a decision task compares with (the
    ``changes`` property "CURRENT since EARLIER", dotted paths into ``data``, where
    -1 is a list's last entry: "tender_documents since
    tender_document_reviews.-1.tender_documents"); None when there is no earlier
    version, e.g. at the first review."""
    from .data_diff import changed_fields

    spec = properties(task_spec).get("changes", "")
    current, _since, earlier = spec.partition(" since ")
    if not current.strip() or not earlier.strip():
        return None
    before = _at(data, earlier.strip())
    return None if before is None else changed_fields(before, _at(data, current.strip()))


def _at(data: object, path: str) -> object:
    value = data
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.lstrip("-").isdigit() \
                and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def properties(task_spec) -> dict:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {})


def instructions(task_spec) -> str:
    return (getattr(task_spec, "extensions", None) or {}).get("instructionsForEndUser") or ""


def meta(wf: BpmnWorkflow) -> dict:
    return wf.data.setdefault(META, {"locked": {}, "sealed": {}})


def registers(wf: BpmnWorkflow) -> dict:
    """What is recorded about a procedure outside its task flow, at any time (complaints,
    declarations of impartiality), by data key: kept with the workflow, read as data."""
    return dict((wf.data.get(META) or {}).get("registers") or {})


def set_register(wf: BpmnWorkflow, key: str, value) -> None:
    meta(wf).setdefault("registers", {})[key] = value


def current_data(wf: BpmnWorkflow) -> dict:
    """The instance's data as a person would read it: the last completed task's data,
    updated with each ready task's data; the whole workflow data once it has ended; and
    the registers (see :func:`registers`)."""
    data: dict = {}
    if wf.last_task is not None:
        data.update(wf.last_task.data)
    for task in ready_human_tasks(wf):
        data.update(task.data)
    if wf.is_completed():
        data.update(wf.data)
    data.update(registers(wf))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def snapshot(wf: BpmnWorkflow, data: dict | None = None) -> dict:
    """A compact record of the state after an event: task states per spec and a digest of
    each data key. Replay compares it after every event. ``data`` is current_data(wf),
    when the caller has it already."""
    tasks: dict[str, dict[str, int]] = {}
    for task in all_tasks(wf):
        if task.state < TaskState.READY:
            continue  # predicted branches vary with nothing the user did
        counts = tasks.setdefault(task.task_spec.name, {})
        state = TaskState.get_name(task.state)
        counts[state] = counts.get(state, 0) + 1
    pruning.add_counts(tasks, getattr(wf, pruning.ATTR, {}))
    data = {key: hashlib.sha256(canonical(value).encode()).hexdigest()[:16]
            for key, value in (current_data(wf) if data is None else data).items()}
    return {"tasks": tasks, "data": data, "completed": wf.is_completed()}


def next_timer(wf: BpmnWorkflow) -> datetime | None:
    """When the earliest waiting timer is due (None when nothing waits on time)."""
    times = []
    for pending in wf.waiting_events():
        value = pending.value
        if "Time" in pending.event_type and isinstance(value, str):
            try:
                times.append(aware(datetime.fromisoformat(value)))
            except ValueError:
                continue
        elif isinstance(value, dict) and "next" in value:
            times.append(aware(datetime.fromisoformat(value["next"])))
    return min(times) if times else None


def phase(data: dict) -> str:
    """The phase label a model keeps in ``status_phase`` (from current_data)."""
    return str(data.get("status_phase", ""))[:100]

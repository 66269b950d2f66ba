"""The BPMN of an instance's model version, and which elements are done, active or waiting.

Read-only: the model files come from the deployed version the instance is pinned to; the
element states from the instance's stored workflow (deserialized, never saved). Callers
check access first (``Engine.show(instance_id, user=...)``).
"""
from __future__ import annotations

from lxml import etree
from sqlalchemy import select

from engine import specs
from engine import workflow as wfl
from engine.models import Instance, ModelVersion
from engine.runtime import Engine

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# the order decides which state wins when one element has several tasks
STATES = (("active", wfl.TaskState.READY | wfl.TaskState.STARTED),
          ("error", wfl.TaskState.ERROR),
          ("waiting", wfl.TaskState.WAITING),
          ("completed", wfl.TaskState.COMPLETED))


def _load(engine: Engine, instance_id: str) -> tuple[Instance, dict[str, str]]:
    with engine.uow() as uow:
        instance = uow.session.get(Instance, instance_id)
        if instance is None:
            raise LookupError(instance_id)
        files = uow.session.scalar(select(ModelVersion.files).where(
            ModelVersion.model == instance.model,
            ModelVersion.version == instance.model_version))
        uow.session.expunge(instance)
    return instance, files or {}


def bpmn_files(engine: Engine, instance_id: str) -> dict[str, str]:
    """The model version's BPMN files, the main process's file first."""
    instance, files = _load(engine, instance_id)
    names = sorted((n for n in files if n.endswith(".bpmn")),
                   key=lambda n: (n.rsplit("/", 1)[-1] != f"{instance.model}.bpmn", n))
    return {n: files[n] for n in names}


def _containers(xml: str) -> set[str]:
    """Ids of the processes and sub-processes a BPMN file defines."""
    root = etree.fromstring(xml.encode())
    return {el.get("id") for tag in ("process", "subProcess")
            for el in root.iter(f"{{{BPMN_NS}}}{tag}") if el.get("id")}


def element_states(engine: Engine, instance_id: str, xml: str) -> dict[str, str]:
    """{bpmn element id: completed|active|waiting|error} for the elements of one file."""
    instance, files = _load(engine, instance_id)
    wf = wfl.loads(instance.state, engine.script_engine, specs.parse(instance.model, files))
    containers = _containers(xml)
    found: dict[str, int] = {}
    for task in wfl.all_tasks(wf):
        spec = task.task_spec
        element = getattr(spec, "bpmn_id", None)
        if not element or getattr(task.workflow.spec, "name", None) not in containers:
            continue
        found[element] = found.get(element, 0) | task.state
    result = {}
    for element, mask in found.items():
        for name, state in STATES:
            if mask & state:
                result[element] = name
                break
    return result

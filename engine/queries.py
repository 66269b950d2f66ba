"""What the engine shows: task lists, instances, where an instance stands, a task's
form, an instance's history. Read only: nothing here changes or commits anything.

Each query takes the actor asking (None: no access check, as the command line and the
scheduler read) and checks what they may read with ``engine.access``.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from . import access, audit, specs, store
from . import workflow as wfl
from .access import Actor
from .models import Authority, Instance, OpenTask, ProcedureFacts


@dataclass(frozen=True)
class TaskInfo:
    """An open human task as task lists show it (read from the index, not the workflow)."""

    id: str
    instance_id: str
    model: str
    name: str
    title: str
    lane: str | None
    assignee: str | None
    due_at: datetime | None
    created_at: datetime
    phase: str
    form: str | None
    item: str | None = None
    may_work: bool | None = None  # whether the user asking may claim and complete it

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items()}


def info(row: OpenTask, actor: Actor | None = None) -> TaskInfo:
    """The task as lists show it; with ``actor``, whether they may work on it."""
    return TaskInfo(row.id, row.instance_id, row.model, row.spec, row.title, row.lane,
                    row.assignee, row.due_at, row.created_at, row.phase, row.form, row.item,
                    access.may_work_on(actor, row) if actor is not None else None)


def tasks(s: Session, actor: Actor | None, instance_id: str | None = None,
          model: str | None = None, phase: str | None = None, mine_only: bool = False,
          limit: int | None = None, lane: str | None = None,
          due_before: datetime | None = None) -> list[TaskInfo]:
    """Open tasks from the index. With an actor: the tasks they may work on (their
    authority, their lanes) or that are assigned to them, soonest due first."""
    query = select(OpenTask)
    if actor is not None:
        query = query.where(OpenTask.authority_id == actor.authority_id)
        if mine_only:
            query = query.where(OpenTask.assignee == actor.name)
        else:
            query = query.where((OpenTask.assignee == actor.name) | (
                OpenTask.lane.in_(actor.groups)))
    if instance_id:
        query = query.where(OpenTask.instance_id == instance_id)
    if model:
        query = query.where(OpenTask.model == model)
    if phase:
        query = query.where(OpenTask.phase == phase)
    if lane:
        query = query.where(OpenTask.lane == lane)
    if due_before is not None:
        query = query.where(OpenTask.due_at <= due_before)
    query = query.order_by(OpenTask.due_at.is_(None), OpenTask.due_at,
                           OpenTask.created_at, OpenTask.id).limit(limit)
    return [info(row, actor) for row in s.scalars(query)]


def instances(s: Session, actor: Actor | None, model: str | None = None,
              status: str | None = None, search: str | None = None) -> list[dict]:
    query = select(Instance, Authority.name).join(
        Authority, Authority.id == Instance.authority_id)
    for word in (search or "").lower().split()[:8]:  # title, phase, bidders, CVR numbers
        pattern = f"%{word[:100]}%"
        query = query.where(or_(func.lower(Instance.title).like(pattern),
                                func.lower(Instance.phase).like(pattern),
                                Instance.id.in_(select(ProcedureFacts.instance_id).where(
                                    func.lower(ProcedureFacts.search_text).like(pattern)))))
    if actor is not None:
        query = query.where(access.reading(actor).where(Instance.authority_id))
    if model:
        query = query.where(Instance.model == model)
    if status:
        query = query.where(Instance.status == status)
    rows = s.execute(query.order_by(Instance.created_at.desc())).all()
    return [access.summary(i, authority) for i, authority in rows]


def titles(s: Session, actor: Actor | None, instance_ids: list[str]) -> dict[str, str]:
    """{instance id: title} of the given instances the actor may read."""
    if not instance_ids:
        return {}
    query = select(Instance.id, Instance.title).where(Instance.id.in_(instance_ids))
    if actor is not None:
        query = query.where(access.reading(actor).where(Instance.authority_id))
    return {iid: title for iid, title in s.execute(query)}


def readable(s: Session, actor: Actor | None, instance_id: str) -> Instance:
    """The instance, if the actor may read it (NotFound otherwise)."""
    instance = store.instance(s, instance_id)
    if actor is not None:
        access.check_may_read(actor, instance)
    return instance


def show(s: Session, loaded: store.Store, actor: Actor | None, instance_id: str,
         now: datetime) -> dict:
    """Where an instance stands: status, phase, open tasks, data (sealed data masked)."""
    instance = readable(s, actor, instance_id)
    _parsed, wf = loaded.read(s, instance)
    open_tasks = [info(r).as_dict() for r in s.scalars(
        select(OpenTask).where(OpenTask.instance_id == instance.id)
        .order_by(OpenTask.created_at, OpenTask.id))]
    result = access.summary(instance, _authority(s, instance))
    meta = wfl.meta(wf)
    result.update(
        open_tasks=open_tasks,
        data=access.mask_sealed(copy.deepcopy(wfl.current_data(wf)), meta, now),
        sealed=dict(meta["sealed"]),
        locked=sorted(meta["locked"]),
        waiting=[{"name": p.name, "type": p.event_type, "value": p.value}
                 for p in wf.waiting_events()],
        events=instance.last_seq)
    return result


def task_form(s: Session, loaded: store.Store, actor: Actor, task_id: str,
              now: datetime) -> dict:
    """What a person needs to complete a task: the task, its form schema, the
    instructions and the task's current data (sealed data masked)."""
    row, instance = store.open_task(s, task_id)
    access.check_may_read(actor, instance, row)
    parsed, wf = loaded.read(s, instance)
    task = wfl.get_task(wf, task_id)
    schema = specs.find_form(parsed.forms, row.form or "") or {}
    return {"task": info(row, actor), "schema": schema, "version": instance.lock_version,
            "instructions": wfl.instructions(task.task_spec) if task else "",
            "data": access.mask_sealed(copy.deepcopy(task.data) if task else {},
                                       wfl.meta(wf), now),
            "subject": access.mask_sealed(wfl.subject(task), wfl.meta(wf), now)
            if task else {},
            "basis": wfl.basis(access.mask_sealed(task.data, wfl.meta(wf), now),
                               task.task_spec) if task else {},
            "changes": wfl.changes(access.mask_sealed(task.data, wfl.meta(wf), now),
                                   task.task_spec) if task else None,
            "instance": access.summary(instance, _authority(s, instance))}


def history(s: Session, actor: Actor | None, instance_id: str,
            now: datetime) -> list[dict]:
    instance = readable(s, actor, instance_id)
    meta = wfl.stored_meta(instance.state)
    return [{"seq": e.seq, "kind": e.kind, "actor": e.actor, "at": e.at.isoformat(),
             "task": wfl.label(e.task_title, e.task_item), "task_spec": e.task_spec,
             "data": access.mask_sealed(e.data or {}, meta, now), "hash": e.hash}
            for e in audit.history(s, instance_id)]


def _authority(s: Session, instance: Instance) -> str:
    authority = s.get(Authority, instance.authority_id)
    return authority.name if authority is not None else ""


# the order decides which state an element shows when it has several tasks
_ELEMENT_STATES = (("active", wfl.TaskState.READY | wfl.TaskState.STARTED),
                   ("error", wfl.TaskState.ERROR),
                   ("waiting", wfl.TaskState.WAITING),
                   ("completed", wfl.TaskState.COMPLETED))


def diagram(s: Session, loaded: store.Store, actor: Actor | None,
            instance_id: str) -> dict:
    """The BPMN files of the model version the instance is pinned to (the main
    process's file first) and, per process, the state of each element:
    {"files": {name: xml}, "states": {process id: {element id: completed|active|
    waiting|error}}}."""
    instance = readable(s, actor, instance_id)
    files = store.model_files(s, instance.model, instance.model_version)
    names = sorted((n for n in files if n.endswith(".bpmn")),
                   key=lambda n: (n.rsplit("/", 1)[-1] != f"{instance.model}.bpmn", n))
    _parsed, wf = loaded.read(s, instance)
    masks: dict[str, dict[str, int]] = {}
    for task in wfl.all_tasks(wf):
        element = getattr(task.task_spec, "bpmn_id", None)
        process = getattr(task.workflow.spec, "name", None)
        if element and process:
            found = masks.setdefault(process, {})
            found[element] = found.get(element, 0) | task.state
    states = {process: {element: next(name for name, state in _ELEMENT_STATES
                                      if mask & state)
                        for element, mask in found.items()
                        if any(mask & state for _name, state in _ELEMENT_STATES)}
              for process, found in masks.items()}
    return {"files": {n: files[n] for n in names}, "states": states}

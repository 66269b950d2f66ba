"""Loading and saving instances: the instance row, its workflow, the open-task index,
the audit append, and the one commit path.

A verb loads an instance (``load``: a fresh workflow it may change), changes it with
``engine.steps``, and saves it (``save``: the state, the open-task index, one audit
event, and the letters the step decides: engine/letters); ``commit`` ends the unit of
work and turns every storage error into a ``Conflict`` (someone else changed the same
thing at the same time) or a clear error.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import audit, joint, portfolio, specs, steps
from . import workflow as wfl
from .db import UnitOfWork
from .errors import Conflict, NotFound, StorageError
from .letters import records as letters
from .models import Instance, ModelVersion, OpenTask
from .registry import ModelRegistry

READ_CACHE_SIZE = 32  # workflows kept for reading, per engine
# PostgreSQL: serialization failure, deadlock, lock not available
CONFLICT_STATES = ("40001", "40P01", "55P03")

Loaded = tuple[specs.ParsedModel, BpmnWorkflow]


@contextmanager
def storage_errors() -> Iterator[None]:
    """Storage errors raised inside become a Conflict (or a StorageError)."""
    try:
        yield
    except StaleDataError as err:
        raise Conflict("someone else changed this instance at the same time",
                       hint="reload and try again") from err
    except IntegrityError as err:
        raise Conflict("someone else made the same change at the same time",
                       hint="reload and try again") from err
    except OperationalError as err:
        if "locked" in str(err).lower() or _sqlstate(err) in CONFLICT_STATES:
            raise Conflict("the database is busy with another change to the same thing",
                           hint="try again") from err
        raise StorageError("the database could not be reached or refused the change",
                           hint="try again; if it persists, tell the administrator") from err
    except DBAPIError as err:
        if _sqlstate(err) in CONFLICT_STATES:
            raise Conflict("someone else changed the same thing at the same time",
                           hint="reload and try again") from err
        raise


def _sqlstate(err: DBAPIError) -> str | None:
    return getattr(err.orig, "sqlstate", None)


def commit(uow: UnitOfWork) -> None:
    """The one way a verb commits: a storage error becomes a Conflict or a clear error."""
    with storage_errors():
        uow.commit()


def instance(s: Session, instance_id: str) -> Instance:
    found = s.get(Instance, instance_id)
    if found is None:
        raise NotFound("no instance {instance_id}", hint="see `opiflow instances`",
                       instance_id=instance_id)
    return found


def open_task(s: Session, task_id: str) -> tuple[OpenTask, Instance]:
    row = s.get(OpenTask, str(task_id))
    if row is None:
        raise NotFound("no open task {task_id}",
                       hint="it may be completed already; see `opiflow tasks`", task_id=task_id)
    return row, instance(s, row.instance_id)


def model_files(s: Session, model: str, version: str) -> dict[str, str]:
    files = s.scalar(select(ModelVersion.files).where(
        ModelVersion.model == model, ModelVersion.version == version))
    if files is None:
        raise NotFound("the model version {model} {version} is missing",
                       hint="it must never be deleted while instances use it",
                       model=model, version=version[:12])
    return files


class Store:
    """Loads and saves the instances of one engine, with its model registry and a
    cache of recently read workflows."""

    def __init__(self, models: ModelRegistry, script_engine):
        self.models = models
        self.script_engine = script_engine
        self._cache: OrderedDict[tuple[str, int], Loaded] = OrderedDict()
        self._cache_lock = threading.Lock()

    def parsed(self, s: Session, model: str, version: str) -> specs.ParsedModel:
        """The model version (parsed once per engine, while the registry holds it)."""
        held = self.models.get(model, version)
        return held if held is not None else self.models.parse(
            model, model_files(s, model, version))

    def load(self, s: Session, instance: Instance) -> Loaded:
        """A fresh workflow to change (never shared)."""
        parsed = self.parsed(s, instance.model, instance.model_version)
        return parsed, wfl.loads(instance.state, self.script_engine, self.models)

    def read(self, s: Session, instance: Instance) -> Loaded:
        """A workflow to read only, shared between readers of the same instance version:
        pages that show a form or an overview do not rebuild the workflow each time."""
        key = (instance.id, instance.lock_version)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        loaded = self.load(s, instance)
        self.remember(key, loaded)
        return loaded

    def remember(self, key: tuple[str, int], loaded: Loaded) -> None:
        with self._cache_lock:
            self._cache[key] = loaded
            self._cache.move_to_end(key)
            while len(self._cache) > READ_CACHE_SIZE:
                self._cache.popitem(last=False)

    def save(self, s: Session, instance: Instance, wf: BpmnWorkflow, now: datetime,
             kind: str, actor: str, task: wfl.TaskRef | None = None,
             data: dict | None = None, snapshot: dict | None = None) -> None:
        """Write the workflow to the instance row, sync the open-task index and append
        the event to the audit log (nothing is committed here)."""
        current = wfl.current_data(wf)
        instance.state = wfl.dumps(wf, self.models)
        instance.updated_at = now
        instance.next_timer_at = wfl.next_timer(wf)
        old_phase, instance.phase = instance.phase, wfl.phase(current)
        if instance.title == default_title(instance.model, instance.id):
            need = str(current.get("need") or "").strip()
            if need:  # an untitled procedure is named after its need once it is described
                instance.title = need.splitlines()[0][:120]
        if wf.is_completed() and instance.status == "running":
            instance.status = "completed"
        self.sync_open_tasks(s, instance, wf, now)
        portfolio.record(s, instance, current, old_phase, now)
        audit.append(s, instance, kind, actor, now, task=task, data=data,
                     snapshot=snapshot or wfl.snapshot(wf, current))
        joint.after_save(self, s, instance, wf, task, actor, now, current)
        letters.after_save(s, instance, kind, actor, now, data, current)

    def sync_open_tasks(self, s: Session, instance: Instance, wf: BpmnWorkflow,
                        now: datetime) -> None:
        """The open-task index of the instance: one row per ready human task."""
        existing = {r.id: r for r in s.scalars(
            select(OpenTask).where(OpenTask.instance_id == instance.id))} \
            if instance.last_seq else {}
        ready = {str(t.id): t for t in wfl.ready_human_tasks(wf)}
        for task_id, row in existing.items():
            if task_id not in ready:
                s.delete(row)
            else:
                row.phase = instance.phase
        for task_id, task in ready.items():
            if task_id in existing:
                continue
            s.add(OpenTask(id=task_id, instance_id=instance.id,
                           authority_id=joint.task_authority(self.script_engine, s, task,
                                                             instance),
                           model=instance.model,
                           spec=task.task_spec.name, title=wfl.title(task)[:300],
                           item=wfl.item(task),
                           lane=task.task_spec.lane, form=specs.form_name(task.task_spec),
                           due_at=steps.due_at(self.script_engine, task),
                           created_at=now, phase=instance.phase))


def default_title(model: str, instance_id: str) -> str:
    return f"{model} {instance_id[:8]}"

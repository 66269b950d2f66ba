"""The engine's verbs: deploy, start, claim, unclaim, complete, cancel, tick.

Each verb is one unit of work: load the instance row, deserialize its workflow with the
model version it is pinned to, check and apply the change, serialize, and write the
instance row (its version + 1), the open-task index and one audit event in one
transaction. A verb that refuses raises an ``engine.errors`` exception and the
transaction rolls back, so the database is exactly as it was.
"""
from __future__ import annotations

import copy
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from . import access, audit, clock, config, forms, logins, scripting, specs
from . import workflow as wfl
from .db import UnitOfWork, make_sql_engine
from .errors import (
    Conflict,
    Forbidden,
    InvalidData,
    NotFound,
    OpiflowError,
    RuleViolation,
    ScriptError,
)
from .models import Authority, Instance, ModelVersion, OpenTask, User

READ_CACHE_SIZE = 32  # workflows kept for reading, per process
ACTOR_SECONDS = 5.0  # how long a user's groups and authority are remembered


@dataclass(frozen=True)
class Deployed:
    model: str
    version: str
    created: bool


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

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items()}


def _info(row: OpenTask) -> TaskInfo:
    return TaskInfo(row.id, row.instance_id, row.model, row.spec, row.title, row.lane,
                    row.assignee, row.due_at, row.created_at, row.phase, row.form, row.item)


class Engine:
    """The facade: the rest of opiflow (CLI, web UI, scheduler) calls only these verbs."""

    def __init__(self, database_url: str | None = None, workflows_dir: str | Path | None = None,
                 clock_fn: Callable[[], datetime] | None = None,
                 helpers: dict[str, Callable] | None = None):
        from .rules import SCRIPT_HELPERS

        self.database_url = database_url or config.get("DATABASE_URL")
        self.workflows_dir = Path(workflows_dir or config.get("OPIFLOW_WORKFLOWS"))
        self.sql = make_sql_engine(self.database_url)
        self.sessions = sessionmaker(self.sql, expire_on_commit=False, autoflush=False)
        self.clock = clock_fn or clock.system_clock
        self._cache: OrderedDict = OrderedDict()  # (instance id, version) -> (parsed, wf)
        self._cache_lock = threading.Lock()
        self._actors: dict[str, tuple[float, access.Actor]] = {}
        self.script_engine = scripting.script_engine(
            SCRIPT_HELPERS if helpers is None else helpers)
        clock.install()

    # ----------------------------------------------------------------- setup
    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def now(self) -> datetime:
        return clock.aware(self.clock())

    def init_db(self) -> None:
        """Create or upgrade the schema (Alembic migrations)."""
        from .migrate import upgrade

        upgrade(self.sql)

    def deploy(self, path: str | Path | None = None) -> list[Deployed]:
        """Deploy every model folder under ``path`` (default: the workflows folder).

        All or nothing: if any model has a problem, nothing is deployed."""
        folders = specs.model_folders(Path(path or self.workflows_dir))
        if not folders:
            raise NotFound(f"no process model folders under {path or self.workflows_dir}",
                           hint="a model is a folder holding NAME.bpmn")
        problems = []
        loaded = []
        for folder in folders:
            files = specs.read_files(folder)
            problems += specs.check(folder.name, files)
            loaded.append((folder.name, files))
        if problems:
            raise specs.ModelError(f"{len(problems)} problem(s) in the models; nothing was "
                                   "deployed", problems=problems,
                                   hint="run `opiflow validate` and fix each one")
        results = []
        with self.uow() as uow:
            for name, files in loaded:
                version = specs.content_hash(files)
                exists = uow.session.scalar(select(ModelVersion.id).where(
                    ModelVersion.model == name, ModelVersion.version == version))
                if not exists:
                    uow.session.add(ModelVersion(model=name, version=version, files=files,
                                                 deployed_at=self.now()))
                results.append(Deployed(name, version, not exists))
            uow.commit()
        return results

    def models(self) -> list[dict]:
        with self.uow() as uow:
            rows = uow.session.execute(
                select(ModelVersion.model, ModelVersion.version, ModelVersion.deployed_at)
                .order_by(ModelVersion.model, ModelVersion.id)).all()
        latest: dict[str, dict] = {}
        for model, version, at in rows:
            entry = latest.setdefault(model, {"model": model, "versions": 0})
            entry.update(version=version, deployed_at=at.isoformat(),
                         versions=entry["versions"] + 1)
        return list(latest.values())

    def add_user(self, name: str, authority: str, groups: list[str] | tuple = (),
                 *, full_name: str = "", password_hash: str | None = None,
                 audits: list[str] | tuple = ()) -> None:
        """Create a user (and their authority if new), or update an existing one."""
        if not name.strip() or not authority.strip():
            raise InvalidData("a user needs a name and an authority")
        with self.uow() as uow:
            s = uow.session
            auth = s.scalar(select(Authority).where(Authority.name == authority))
            if auth is None:
                auth = Authority(name=authority)
                s.add(auth)
                s.flush()
            user = s.scalar(select(User).where(User.name == name))
            if user is None:
                user = User(name=name)
                s.add(user)
            user.authority_id, user.groups = auth.id, sorted(set(groups))
            user.full_name, user.audits = full_name or user.full_name or name, list(audits)
            if password_hash:
                user.password_hash = password_hash
            uow.commit()
        self._actors.pop(name, None)

    def user(self, name: str) -> access.Actor:
        with self.uow() as uow:
            return self._actor(uow.session, name)

    def _actor(self, s, name: str) -> access.Actor:
        """The user with their authority and groups, remembered for ACTOR_SECONDS so a
        page does not look the same user up several times; changes made through this
        engine apply at once, changes from another process within ACTOR_SECONDS."""
        now = time.monotonic()
        hit = self._actors.get(name)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = access.actor(s, name)
        self._actors[name] = (now + ACTOR_SECONDS, found)
        return found

    # ------------------------------------------------------------- instances
    def start(self, model: str, user: str, data: dict | None = None) -> str:
        """Start an instance of the newest version of ``model``; returns its id."""
        if data is not None and not isinstance(data, dict):
            raise InvalidData("start data must be a JSON object")
        with self.uow() as uow:
            s = uow.session
            actor = self._actor(s, user)
            if actor.is_auditor:
                raise Forbidden("auditors have read-only access and cannot start a procedure",
                                hint="ask the procurement staff")
            version = s.scalar(select(ModelVersion).where(ModelVersion.model == model)
                               .order_by(ModelVersion.id.desc()).limit(1))
            if version is None:
                raise NotFound(f"no process model named {model}",
                               hint="deploy it first (opiflow deploy) or see opiflow models")
            parsed = specs.parse(model, version.files)
            now = self.now()
            wf = self._begin(parsed, data, now)
            iid = str(uuid.uuid4())
            title = str((data or {}).get("title") or _default_title(model, iid))[:300]
            instance = Instance(id=iid, model=model, model_version=version.version,
                                authority_id=actor.authority_id, title=title,
                                status="running", created_at=now, updated_at=now,
                                started_by=actor.name, last_seq=0, last_hash="", state="")
            s.add(instance)
            self._save(s, instance, wf, parsed, now, "started", actor.name, data=data or {})
            uow.commit()
        return iid

    def tasks(self, user: str | None = None, instance_id: str | None = None,
              model: str | None = None, phase: str | None = None,
              mine_only: bool = False, limit: int | None = None) -> list[TaskInfo]:
        """Open tasks from the index. With ``user``: the tasks they may work on (their
        authority, their lanes) or that are assigned to them, soonest due first."""
        query = select(OpenTask)
        with self.uow() as uow:
            if user is not None:
                actor = self._actor(uow.session, user)
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
            query = query.order_by(OpenTask.due_at.is_(None), OpenTask.due_at,
                                   OpenTask.created_at, OpenTask.id).limit(limit)
            return [_info(row) for row in uow.session.scalars(query)]

    def claim(self, task_id: str, user: str) -> None:
        self._assign(task_id, user, claim=True)

    def unclaim(self, task_id: str, user: str) -> None:
        self._assign(task_id, user, claim=False)

    def _assign(self, task_id: str, user: str, claim: bool) -> None:
        with self.uow() as uow:
            s = uow.session
            actor = self._actor(s, user)
            row, instance = self._open_task(s, task_id)
            access.check_may_work_on(actor, instance, row)
            if claim:
                access.check_not_claimed_by_other(actor, row)
                if row.assignee == actor.name:
                    return  # already theirs: nothing changes, no event
                row.assignee = actor.name
            else:
                if row.assignee is None:
                    raise Conflict(f"the task '{row.title}' is not claimed",
                                   hint="there is nothing to unclaim")
                access.check_not_claimed_by_other(actor, row, action="unclaim")
                row.assignee = None
            now = self.now()
            instance.updated_at = now  # bumps lock_version: serializes the audit chain
            ref = wfl.TaskRef(row.id, row.spec, row.title, None)
            audit.append(s, instance, "claimed" if claim else "unclaimed", actor.name, now,
                         task=ref)
            self._commit(uow)

    def complete(self, task_id: str, user: str, data: dict | None,
                 expected_version: int | None = None) -> str:
        """Complete a human task with form data; returns the instance id."""
        with self.uow() as uow:
            s = uow.session
            actor = self._actor(s, user)
            row, instance = self._open_task(s, task_id)
            access.check_may_work_on(actor, instance, row)
            access.check_not_claimed_by_other(actor, row)
            if expected_version is not None and expected_version != instance.lock_version:
                raise Conflict("the task changed since you opened it",
                               hint="reload the page and check the task before submitting")
            parsed, wf = self._load(s, instance)
            task = wfl.get_task(wf, task_id)
            if task is None or task.state != wfl.TaskState.READY:
                raise Conflict(f"the task '{row.title}' is no longer open",
                               hint="reload the task list")
            submitted = self._checked_submission(parsed, wf, task, data)
            now = self.now()
            ref = wfl.ref(wf, task)
            validator = wfl.properties(task.task_spec).get("validate")
            if validator:
                from .rules.validators import VALIDATORS

                VALIDATORS[validator](copy.deepcopy(task.data), submitted,
                                      now.astimezone(clock.LOCAL_ZONE).date())
            self._submit(wf, task, submitted, now)
            self._save(s, instance, wf, parsed, now, "completed", actor.name, task=ref,
                       data=submitted)
            self._commit(uow)
            self._remember((instance.id, instance.lock_version), (parsed, wf))
            return instance.id

    def cancel(self, instance_id: str, user: str, reason: str) -> None:
        if not (reason or "").strip():
            raise InvalidData("a cancellation needs a reason", field="reason",
                              hint="say why the procedure is cancelled")
        with self.uow() as uow:
            s = uow.session
            actor = self._actor(s, user)
            instance = self._instance(s, instance_id)
            access.check_may_manage(actor, instance)
            if instance.status != "running":
                raise Conflict(f"the instance is {instance.status}, not running")
            parsed, wf = self._load(s, instance)
            wf.cancel()
            now = self.now()
            self._save(s, instance, wf, parsed, now, "cancelled", actor.name,
                       data={"reason": reason})
            instance.status = "cancelled"
            self._commit(uow)

    def tick(self, now: datetime | None = None) -> list[str]:
        """Fire every due timer; returns the ids of the instances that moved.

        Due instances are taken one at a time with ``FOR UPDATE SKIP LOCKED`` (on
        PostgreSQL), so several nodes never fire one timer twice."""
        now = clock.aware(now) if now else self.now()
        moved, seen = [], set()
        while True:
            with self.uow() as uow:
                s = uow.session
                query = (select(Instance).where(Instance.status == "running",
                                                Instance.next_timer_at <= now)
                         .order_by(Instance.next_timer_at).limit(1)
                         .with_for_update(skip_locked=True))
                if seen:
                    query = query.where(Instance.id.not_in(seen))
                instance = s.scalar(query)
                if instance is None:
                    return moved
                seen.add(instance.id)
                parsed, wf = self._load(s, instance)
                before = wfl.snapshot(wf)
                self._fire_timers(wf, now)
                after = wfl.snapshot(wf)
                fired = after != before
                if fired:
                    self._save(s, instance, wf, parsed, now, "timer_fired", "system",
                               snapshot=after)
                else:
                    instance.next_timer_at = wfl.next_timer(wf)
                try:
                    self._commit(uow)
                except Conflict:
                    continue  # someone else moved it first; it is looked at next tick
                if fired:
                    moved.append(instance.id)

    # ----------------------------------------------------------------- reading
    def instances(self, model: str | None = None, status: str | None = None,
                  user: str | None = None) -> list[dict]:
        with self.uow() as uow:
            s = uow.session
            query = select(Instance, Authority.name).join(
                Authority, Authority.id == Instance.authority_id)
            if user:
                query = query.where(Instance.authority_id.in_(
                    access.readable_authorities(s, self._actor(s, user))))
            if model:
                query = query.where(Instance.model == model)
            if status:
                query = query.where(Instance.status == status)
            rows = s.execute(query.order_by(Instance.created_at.desc())).all()
            return [access.summary(i, authority) for i, authority in rows]

    def show(self, instance_id: str, user: str | None = None) -> dict:
        """Where an instance stands: status, phase, open tasks, data (sealed data masked)."""
        with self.uow() as uow:
            s = uow.session
            instance = self._instance(s, instance_id)
            if user:
                access.check_may_read(self._actor(s, user), instance)
            _parsed, wf = self._read(s, instance)
            authority = s.get(Authority, instance.authority_id).name
            open_tasks = [_info(r).as_dict() for r in s.scalars(
                select(OpenTask).where(OpenTask.instance_id == instance.id)
                .order_by(OpenTask.created_at, OpenTask.id))]
            result = access.summary(instance, authority)
            result.update(
                open_tasks=open_tasks,
                data=access.mask_sealed(copy.deepcopy(wfl.current_data(wf)), wfl.meta(wf),
                                        self.now()),
                sealed={k: v for k, v in wfl.meta(wf)["sealed"].items()},
                locked=sorted(wfl.meta(wf)["locked"]),
                waiting=[{"name": p.name, "type": p.event_type, "value": p.value}
                         for p in wf.waiting_events()],
                events=instance.last_seq)
            return result

    def task_form(self, task_id: str, user: str) -> dict:
        """What a person needs to complete a task: the task, its form schema, the
        instructions and the task's current data (sealed data masked)."""
        with self.uow() as uow:
            s = uow.session
            actor = self._actor(s, user)
            row, instance = self._open_task(s, task_id)
            access.check_may_read(actor, instance)
            parsed, wf = self._read(s, instance)
            task = wfl.get_task(wf, task_id)
            schema = specs.find_form(parsed.forms, row.form or "") or {}
            return {"task": _info(row), "schema": schema, "version": instance.lock_version,
                    "instructions": wfl.instructions(task.task_spec) if task else "",
                    "data": access.mask_sealed(copy.deepcopy(task.data) if task else {},
                                               wfl.meta(wf), self.now()),
                    "instance": access.summary(instance, s.get(
                        Authority, instance.authority_id).name)}

    def history(self, instance_id: str, user: str | None = None) -> list[dict]:
        with self.uow() as uow:
            s = uow.session
            instance = self._instance(s, instance_id)
            if user:
                access.check_may_read(self._actor(s, user), instance)
            now, meta = self.now(), wfl.stored_meta(instance.state)
            return [{"seq": e.seq, "kind": e.kind, "actor": e.actor, "at": e.at.isoformat(),
                     "task": e.task_title, "task_spec": e.task_spec,
                     "data": access.mask_sealed(e.data or {}, meta, now), "hash": e.hash}
                    for e in audit.history(s, instance_id)]

    def verify(self, instance_id: str) -> audit.ChainReport:
        with self.uow() as uow:
            self._instance(uow.session, instance_id)
            return audit.verify_instance(uow.session, instance_id)

    # ----------------------------------------------------------------- inside
    def _instance(self, s, instance_id: str) -> Instance:
        instance = s.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"no instance {instance_id}", hint="see `opiflow instances`")
        return instance

    def _open_task(self, s, task_id: str) -> tuple[OpenTask, Instance]:
        row = s.get(OpenTask, str(task_id))
        if row is None:
            raise NotFound(f"no open task {task_id}",
                           hint="it may be completed already; see `opiflow tasks`")
        return row, self._instance(s, row.instance_id)

    def _parsed(self, s, instance: Instance):
        """The model version the instance is pinned to (parsed once per process)."""
        parsed = specs.cached(instance.model, instance.model_version)
        if parsed is None:
            files = s.scalar(select(ModelVersion.files).where(
                ModelVersion.model == instance.model,
                ModelVersion.version == instance.model_version))
            parsed = specs.parse(instance.model, files)
        return parsed

    def _load(self, s, instance: Instance):
        """A fresh workflow to change (never shared)."""
        parsed = self._parsed(s, instance)
        return parsed, wfl.loads(instance.state, self.script_engine)

    def _read(self, s, instance: Instance):
        """A workflow to read only, shared between readers of the same instance version:
        pages that show a form or an overview do not rebuild the workflow each time."""
        key = (instance.id, instance.lock_version)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        loaded = self._load(s, instance)
        self._remember(key, loaded)
        return loaded

    def _remember(self, key, loaded) -> None:
        with self._cache_lock:
            self._cache[key] = loaded
            self._cache.move_to_end(key)
            while len(self._cache) > READ_CACHE_SIZE:
                self._cache.popitem(last=False)

    def _checked_submission(self, parsed, wf, task, data) -> dict:
        form = specs.form_name(task.task_spec)
        schema = specs.find_form(parsed.forms, form or "")
        if schema is None:
            raise ScriptError(f"the task {wfl.title(task)} has no form",
                              hint="a process designer must add formJsonSchemaFilename")
        submitted = forms.validate(schema, data if data is not None else {}, form=form)
        meta = wfl.meta(wf)
        for key, value in submitted.items():
            if key in meta["locked"] and value != meta["locked"][key]:
                raise RuleViolation(
                    f"'{key}' is locked: it was published with the tender documents and "
                    "may not change (Dir. 2014/24/EU art. 31(3))", field=key,
                    hint="submit the published value, or cancel and re-tender")
        return submitted

    def _record_locks_and_seals(self, wf, task, props: dict, submitted: dict) -> None:
        meta = wfl.meta(wf)
        for key in filter(None, (k.strip() for k in props.get("locks", "").split(","))):
            if key in task.data:
                meta["locked"][key] = copy.deepcopy(task.data[key])
        if props.get("sealedUntil"):
            until = self._evaluate(task, props["sealedUntil"])
            for key in submitted:
                meta["sealed"][key] = _iso(until)

    def _evaluate(self, task, expression: str):
        try:
            return self.script_engine.evaluate(task, expression)
        except SpiffWorkflowException as err:
            raise _translate(err) from err

    # The steps each verb applies to a workflow; replay applies the same ones.
    def _begin(self, parsed, data: dict | None, now: datetime):
        """A new workflow with the start data, run to its first waiting point."""
        wf = wfl.new(parsed, self.script_engine)
        for task in wf.get_tasks(state=wfl.TaskState.READY):
            task.data.update(copy.deepcopy(data or {}))
        self._run(wf, now)
        return wf

    def _submit(self, wf, task, submitted: dict, now: datetime) -> None:
        """Complete ``task`` with checked form data and run the engine steps after it."""
        with clock.frozen_at(now):
            task.data.update(copy.deepcopy(submitted))
            self._record_locks_and_seals(wf, task, wfl.properties(task.task_spec), submitted)
            try:
                task.run()
            except SpiffWorkflowException as err:
                raise _translate(err) from err
        self._run(wf, now)

    def _fire_timers(self, wf, now: datetime) -> None:
        with clock.frozen_at(now):
            wf.refresh_timers()
        self._run(wf, now)

    def _run(self, wf, now: datetime) -> None:
        with clock.frozen_at(now):
            try:
                wf.do_engine_steps()
            except SpiffWorkflowException as err:
                raise _translate(err) from err

    def _save(self, s, instance: Instance, wf, parsed, now: datetime, kind: str,
              actor: str, task=None, data=None, snapshot=None) -> None:
        current = wfl.current_data(wf)
        instance.state = wfl.dumps(wf)
        instance.updated_at = now
        instance.next_timer_at = wfl.next_timer(wf)
        instance.phase = wfl.phase(current)
        if instance.title == _default_title(instance.model, instance.id):
            need = str(current.get("need") or "").strip()
            if need:  # an untitled procedure is named after its need once it is described
                instance.title = need.splitlines()[0][:120]
        if wf.is_completed() and instance.status == "running":
            instance.status = "completed"
        self._sync_open_tasks(s, instance, wf, now)
        audit.append(s, instance, kind, actor, now, task=task, data=data,
                     snapshot=snapshot or wfl.snapshot(wf, current))

    def _sync_open_tasks(self, s, instance: Instance, wf, now: datetime) -> None:
        existing = {r.id: r for r in s.scalars(
            select(OpenTask).where(OpenTask.instance_id == instance.id))} if instance.last_seq \
            else {}
        ready = {str(t.id): t for t in wfl.ready_human_tasks(wf)}
        for task_id, row in existing.items():
            if task_id not in ready:
                s.delete(row)
            else:
                row.phase = instance.phase
        for task_id, task in ready.items():
            if task_id in existing:
                continue
            due = wfl.properties(task.task_spec).get("due")
            s.add(OpenTask(id=task_id, instance_id=instance.id,
                           authority_id=instance.authority_id, model=instance.model,
                           spec=task.task_spec.name, title=wfl.title(task)[:300],
                           item=wfl.item(task),
                           lane=task.task_spec.lane, form=specs.form_name(task.task_spec),
                           due_at=_as_datetime(self._evaluate(task, due)) if due else None,
                           created_at=now, phase=instance.phase))

    def _commit(self, uow: UnitOfWork) -> None:
        try:
            uow.commit()
        except StaleDataError as err:
            raise Conflict("someone else changed this instance at the same time",
                           hint="reload and try again") from err
        except IntegrityError as err:
            raise Conflict("someone else changed this instance at the same time",
                           hint="reload and try again") from err
        except OperationalError as err:
            if "locked" in str(err).lower():
                raise Conflict("the database is busy with another change to this instance",
                               hint="try again") from err
            raise

    # ---------------------------------------------------------------- logins
    def log_in(self, name: str, password: str, address: str,
               policy: logins.LoginPolicy | None = None) -> str | None:
        """A new web session id, or None for a wrong name or password (counted);
        raises logins.LockedOut while the name or address is locked."""
        with self.uow() as uow:
            session_id = logins.log_in(uow.session, name, password, address, self.now(),
                                       policy or logins.LoginPolicy())
            uow.commit()
            return session_id

    def session_active(self, session_id: str | None, name: str) -> bool:
        with self.uow() as uow:
            return logins.is_active(uow.session, session_id, name)

    def log_out(self, session_id: str | None) -> None:
        with self.uow() as uow:
            logins.log_out(uow.session, session_id)
            uow.commit()


def _default_title(model: str, instance_id: str) -> str:
    return f"{model} {instance_id[:8]}"


def _iso(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _as_datetime(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return clock.aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, 59,
                        tzinfo=clock.LOCAL_ZONE)
    text = str(value)
    if len(text) == 10:
        return _as_datetime(date.fromisoformat(text))
    return clock.aware(datetime.fromisoformat(text))


def _translate(err: SpiffWorkflowException) -> OpiflowError:
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
            return ScriptError(f"the script in '{name}' was refused: {inner}",
                               element=element,
                               hint="a process designer must fix the element's script")
        inner = inner.__cause__ or inner.__context__
    return ScriptError(f"'{name}' failed: {err}", element=element,
                       hint="a process designer must fix the element; nothing was saved")

"""The engine's verbs: deploy, start, claim, unclaim, complete, cancel, tick, and what
the rest of opiflow reads (tasks, instances, show, history).

``Engine`` is the facade the command line, the web UI and the scheduler call; each verb
is one unit of work. The work is done in modules that each do one job:

- ``engine.steps``: the steps applied to a workflow (begin, submit, fire timers, run),
  the same ones replay applies;
- ``engine.store``: load and save an instance (its row, workflow, open-task index and
  audit event) and the one commit path that turns storage errors into a Conflict;
- ``engine.queries``: task lists, instances, where an instance stands, history;
- ``engine.users``: users and the actor cache; ``engine.access``: who may do what;
- ``engine.versions``: deploying and listing models; ``engine.registry``: the parsed
  model versions this engine holds.
- ``engine.timers``: firing due timers, one instance per unit of work;
  ``engine.incidents``: timers that failed (back-off, retry, resolve);
  ``engine.claims``: claims and completions compare the open-task row in the database.

A verb that refuses raises an ``engine.errors`` exception and the transaction rolls
back, so the database is exactly as it was.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from . import (
    access,
    audit,
    claims,
    clock,
    config,
    designer,
    joint,
    logins,
    portfolio,
    queries,
    scripting,
    steps,
    store,
    users,
    versions,
)
from . import workflow as wfl
from .db import UnitOfWork, make_sql_engine
from .errors import Conflict, Forbidden, InvalidData, NotFound
from .models import Instance, ModelVersion
from .queries import TaskInfo
from .registry import ModelRegistry
from .versions import Deployed

__all__ = ["Deployed", "Engine", "TaskInfo"]


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
        self.script_engine = scripting.script_engine(
            {**SCRIPT_HELPERS, "funded": portfolio.funded} if helpers is None else helpers)
        self.registry = ModelRegistry()  # a new engine starts with an empty registry
        self.store = store.Store(self.registry, self.script_engine)
        self.users = users.Users()
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
        loaded = versions.read_checked(Path(path or self.workflows_dir))
        with self.uow() as uow:
            results = versions.deploy(uow.session, loaded, self.now())
            store.commit(uow)
        return results

    def models(self) -> list[dict]:
        with self.uow() as uow:
            return versions.listing(uow.session)

    def add_user(self, name: str, authority: str, groups: list[str] | tuple = (),
                 *, full_name: str = "", password_hash: str | None = None,
                 audits: list[str] | tuple = ()) -> None:
        """Create a user (and their authority if new), or update an existing one."""
        with self.uow() as uow:
            with store.storage_errors():
                self.users.add(uow.session, name, authority, groups, full_name=full_name,
                               password_hash=password_hash, audits=audits)
            store.commit(uow)
        self.users.forget(name)

    def user(self, name: str) -> access.Actor:
        with self.uow() as uow:
            return self.users.actor(uow.session, name)

    def _who(self, s: Session, user: str | None) -> access.Actor | None:
        return self.users.actor(s, user) if user else None

    # ------------------------------------------------------------- instances
    def start(self, model: str, user: str, data: dict | None = None) -> str:
        """Start an instance of the newest version of ``model``; returns its id."""
        if data is not None and not isinstance(data, dict):
            raise InvalidData("start data must be a JSON object")
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            if actor.is_auditor:
                raise Forbidden("auditors have read-only access and cannot start a procedure",
                                hint="ask the procurement staff")
            version = versions.newest(s, model, actor.authority_id)
            parsed = self.registry.parse(model, version.files)
            now = self.now()
            wf = steps.begin(self.script_engine, parsed, data, now)
            iid = str(uuid.uuid4())
            title = str((data or {}).get("title") or store.default_title(model, iid))[:300]
            instance = Instance(id=iid, model=model, model_version=version.version,
                                authority_id=actor.authority_id, title=title,
                                status="running", created_at=now, updated_at=now,
                                started_by=actor.name, last_seq=0, last_hash="", state="")
            s.add(instance)
            self.store.save(s, instance, wf, now, "started", actor.name, data=data or {})
            store.commit(uow)
        return iid

    def tasks(self, user: str | None = None, instance_id: str | None = None,
              model: str | None = None, phase: str | None = None,
              mine_only: bool = False, limit: int | None = None, lane: str | None = None,
              due_before: datetime | None = None) -> list[TaskInfo]:
        """Open tasks from the index. With ``user``: the tasks they may work on (their
        authority, their lanes) or that are assigned to them, soonest due first."""
        with self.uow() as uow:
            return queries.tasks(uow.session, self._who(uow.session, user), instance_id,
                                 model, phase, mine_only, limit, lane, due_before)

    def claim(self, task_id: str, user: str) -> None:
        self._assign(task_id, user, claim=True)

    def unclaim(self, task_id: str, user: str) -> None:
        self._assign(task_id, user, claim=False)

    def _assign(self, task_id: str, user: str, claim: bool) -> None:
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            row, instance = store.open_task(s, task_id)
            access.check_may_work_on(actor, instance, row)
            if claim:
                if row.assignee == actor.name:
                    return  # already theirs: nothing changes, no event
                _parsed, wf = self.store.read(s, instance)
                task = wfl.get_task(wf, task_id)
                if task is not None:  # a declared conflict excludes from assessing (UBL § 4)
                    steps.check_not_excluded(wf, task, actor.name)
                claims.take(s, row, actor)
            else:
                if row.assignee is None:
                    raise Conflict("the task '{title}' is not claimed",
                                   hint="there is nothing to unclaim", title=row.title)
                access.check_not_claimed_by_other(actor, row, action="unclaim")
                claims.release(s, row, actor)
            now = self.now()
            instance.updated_at = now  # bumps lock_version: serializes the audit chain
            ref = wfl.TaskRef(row.id, row.spec, row.title, None, row.item)
            audit.append(s, instance, "claimed" if claim else "unclaimed", actor.name, now,
                         task=ref)
            store.commit(uow)

    def complete(self, task_id: str, user: str, data: dict | None,
                 expected_version: int | None = None) -> str:
        """Complete a human task with form data; returns the instance id."""
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            row, instance = store.open_task(s, task_id)
            access.check_may_work_on(actor, instance, row)
            access.check_not_claimed_by_other(actor, row)
            if expected_version is not None and expected_version != instance.lock_version:
                raise Conflict("the task changed since you opened it",
                               hint="reload the page and check the task before submitting")
            parsed, wf = self.store.load(s, instance)
            task = wfl.get_task(wf, task_id)
            if task is None or task.state != wfl.TaskState.READY:
                raise Conflict("the task '{title}' is no longer open",
                               hint="reload the task list", title=row.title)
            submitted = steps.checked_submission(parsed, wf, task, data)
            now = self.now()
            ref = wfl.ref(wf, task)
            steps.check_not_excluded(wf, task, actor.name)
            steps.validate(task, submitted, now, wf)
            steps.check_choices(parsed, task, submitted)
            with portfolio.scope(s, instance.id):
                steps.submit(wf, task, submitted, now)
            claims.hold_for_completion(s, row, actor)
            self.store.save(s, instance, wf, now, "completed", actor.name, task=ref,
                            data=submitted)
            store.commit(uow)
            self.store.remember((instance.id, instance.lock_version), (parsed, wf))
            return instance.id

    def cancel(self, instance_id: str, user: str, reason: str,
               expected_version: int | None = None) -> None:
        """Cancel a running procedure with its reason (rules/cancellation.py): recorded
        in the audit log, stated in the report, and sent in a letter to every
        participant known so far (engine/letters), all in this unit of work."""
        from .rules.cancellation import check_reason

        reason = check_reason(reason)
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            instance = store.instance(s, instance_id)
            access.check_may_cancel(actor, instance)
            if instance.status != "running":
                raise Conflict("the instance is {status}, not running",
                               status=instance.status)
            if expected_version is not None and expected_version != instance.lock_version:
                raise Conflict("the procedure changed since you opened the form",
                               hint="reload the page and check the procedure first")
            _parsed, wf = self.store.load(s, instance)
            now = self.now()
            steps.cancel(wf, now)
            self.store.save(s, instance, wf, now, "cancelled", actor.name,
                            data={"reason": reason})
            instance.status = "cancelled"
            store.commit(uow)

    def may_cancel(self, instance_id: str, user: str) -> bool:
        """Whether ``user`` may cancel the instance (engine/access.py)."""
        with self.uow() as uow:
            s = uow.session
            instance = queries.readable(s, self.users.actor(s, user), instance_id)
            return access.may_cancel(self.users.actor(s, user), instance)

    # ----------------------------------------------------------------- letters
    def letters(self, instance_id: str, user: str | None = None) -> list[dict]:
        """The letters sent to the procedure's participants (UBL § 171), oldest first."""
        from .letters import records

        with self.uow() as uow:
            s = uow.session
            queries.readable(s, self._who(s, user), instance_id)
            return records.listing(s, instance_id)

    def letter(self, letter_id: int, user: str | None = None) -> dict:
        """One letter with its content and whether it still matches its audit event."""
        from .letters import records

        with self.uow() as uow:
            s = uow.session
            row = records.one(s, letter_id)
            try:
                queries.readable(s, self._who(s, user), row.instance_id)
            except NotFound as err:  # another authority's letter does not exist
                raise NotFound("no letter {id}", hint="see the procedure's letters",
                               id=str(letter_id)) from err
            return records.read(s, row)

    # -------------------------------------------------------------- registers
    def register_complaint(self, instance_id: str, user: str, complaint: dict) -> list[dict]:
        """Register a complaint to Klagenævnet for Udbud (any time after the award
        notification); returns the procedure's complaints."""
        return self._register(instance_id, user, "complaint_registered",
                              {"complaint": complaint})

    def decide_complaint(self, instance_id: str, user: str, number: int,
                         decision: dict) -> list[dict]:
        """Record Klagenævnet's decision on suspension (and the outcome) for complaint
        no. ``number``; returns the procedure's complaints."""
        return self._register(instance_id, user, "complaint_decided",
                              {"number": number, "decision": decision})

    def name_adviser(self, instance_id: str, user: str, adviser: dict) -> list[dict]:
        """Name an external adviser in the procedure (who must then declare)."""
        return self._register(instance_id, user, "adviser_named", {"adviser": adviser})

    def declare_impartiality(self, instance_id: str, user: str,
                             declaration: dict) -> list[dict]:
        """Record an evaluator's or adviser's declaration of impartiality, with the
        measures taken for a declared conflict (UBL § 4)."""
        return self._register(instance_id, user, "impartiality_declared",
                              {"declaration": declaration})

    def _register(self, instance_id: str, user: str, kind: str, entry: dict) -> list[dict]:
        """One act recorded in the procedure's registers: checked by its rule, saved with
        the workflow and audit-logged, in one unit of work."""
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            instance = store.instance(s, instance_id)
            access.check_may_manage(actor, instance)
            _parsed, wf = self.store.load(s, instance)
            now = self.now()
            steps.register(wf, kind, entry, now)
            self.store.save(s, instance, wf, now, kind, actor.name, data=entry)
            store.commit(uow)
            return list(wfl.registers(wf)[steps.REGISTERED[kind]])

    def tick(self, now: datetime | None = None) -> list[str]:
        """Fire every due timer; returns the ids of the instances that moved.

        Each instance fires in its own unit of work; one that fails gets an incident
        and never stops the others (engine/timers.py)."""
        from . import timers

        return timers.tick(self, clock.aware(now) if now else self.now())

    # ----------------------------------------------------------------- reading
    def instances(self, model: str | None = None, status: str | None = None,
                  user: str | None = None, search: str | None = None) -> list[dict]:
        """Instances the user may read; ``search`` matches words in the title, the phase,
        the bidders' and applicants' names and their CVR numbers."""
        with self.uow() as uow:
            return queries.instances(uow.session, self._who(uow.session, user), model,
                                     status, search)

    def titles(self, instance_ids: list[str], user: str | None = None) -> dict[str, str]:
        with self.uow() as uow:
            return queries.titles(uow.session, self._who(uow.session, user),
                                  list(instance_ids))

    def show(self, instance_id: str, user: str | None = None) -> dict:
        """Where an instance stands: status, phase, open tasks, data (sealed data masked)."""
        with self.uow() as uow:
            return queries.show(uow.session, self.store, self._who(uow.session, user),
                                instance_id, self.now())

    def task_form(self, task_id: str, user: str) -> dict:
        """What a person needs to complete a task: the task, its form schema, the
        instructions and the task's current data (sealed data masked)."""
        with self.uow() as uow:
            return queries.task_form(uow.session, self.store,
                                     self.users.actor(uow.session, user), task_id, self.now())

    def history(self, instance_id: str, user: str | None = None) -> list[dict]:
        with self.uow() as uow:
            return queries.history(uow.session, self._who(uow.session, user), instance_id,
                                   self.now())

    def verify(self, instance_id: str) -> audit.ChainReport:
        with self.uow() as uow:
            store.instance(uow.session, instance_id)
            return audit.verify_instance(uow.session, instance_id)

    def diagram(self, instance_id: str, user: str | None = None) -> dict:
        """The instance's BPMN files and the state of each element, per process."""
        with self.uow() as uow:
            return queries.diagram(uow.session, self.store, self._who(uow.session, user),
                                   instance_id)

    def check_password(self, name: str, password: str) -> bool:
        """Whether ``password`` is the user's (False for an unknown user)."""
        with self.uow() as uow:
            return users.password_matches(uow.session, name, password)

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

    # -------------------------------------------------------------- portfolio
    def add_funding_source(self, instance_id: str, user: str, source: dict) -> dict:
        """Add a funding source to a procedure (staff of its authority)."""
        with self.uow() as uow:
            s = uow.session
            instance = store.instance(s, instance_id)
            access.check_may_manage(self.users.actor(s, user), instance)
            added = portfolio.add_source(s, instance, source, user, self.now())
            store.commit(uow)
            return added

    def funding(self, instance_id: str, user: str | None = None) -> dict:
        with self.uow() as uow:
            s = uow.session
            instance = queries.readable(s, self._who(s, user), instance_id)
            return portfolio.funding_view(s, instance)

    def add_lesson(self, user: str, lesson: dict, instance_id: str | None = None) -> None:
        """Record "svært, lært og kært" for the user's authority (and a procedure)."""
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            if actor.is_auditor:
                raise Forbidden("auditors can only read", hint="ask the procurement team")
            if instance_id:
                access.check_may_manage(actor, store.instance(s, instance_id))
            portfolio.add_lesson(s, actor.authority_id, actor.name,
                                 ", ".join(actor.groups), lesson, self.now(), instance_id)
            store.commit(uow)

    def lessons(self, user: str, words: str = "", phase: str = "",
                other_authorities: bool = False) -> list[dict]:
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            return portfolio.search_lessons(s, actor.authority_id, words, phase,
                                            other_authorities)

    def share_lessons(self, user: str, shared: bool) -> None:
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            if actor.is_auditor or "Ledelse" not in actor.groups:
                raise Forbidden("only management can share the authority's lessons",
                                hint="ask someone in the group Ledelse")
            portfolio.set_sharing(s, actor.authority_id, shared)
            store.commit(uow)

    def portfolio(self, user: str) -> dict:
        """The figures across every procedure the user may read."""
        with self.uow() as uow:
            s = uow.session
            ids = list(access.reading(self.users.actor(s, user)).authority_ids)
            return {"figures": portfolio.figures(s, ids, self.now()),
                    "funding": portfolio.funding_by_kind(s, ids)}

    def funding_report(self, user: str) -> list[dict]:
        """Per funding source: what it paid for, when, on which procedure, what is left."""
        with self.uow() as uow:
            s = uow.session
            ids = list(access.reading(self.users.actor(s, user)).authority_ids)
            return portfolio.funding_report(s, ids)

    # --------------------------------------------------------------- designers
    def designer_models(self, user: str) -> list[dict]:
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            designer.check_designer(actor)
            return designer.models(s, actor)

    def model_files(self, model: str, version: str, user: str) -> dict:
        """A version's files and where it stands (designers)."""
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            designer.check_designer(actor)
            row = designer.version(s, actor, model, version)
            return {"model": row.model, "version": row.version, "files": row.files,
                    "deployed_at": row.deployed_at, "deployed_by": row.deployed_by,
                    "instances": [i.id for i in designer.instances_on(s, actor, row.model,
                                                                      row.version)]}

    def save_model(self, model: str, files: dict, user: str) -> dict:
        """Validate a model edited in the browser: a new version, or a draft."""
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            designer.check_designer(actor)
            result = designer.save(s, actor, model, files, self.now())
            store.commit(uow)
            return result

    def model_draft(self, draft_id: int, user: str) -> dict:
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            designer.check_designer(actor)
            row = designer.draft(s, actor, draft_id)
            return {"id": row.id, "model": row.model, "files": row.files,
                    "problems": row.problems, "saved_by": row.saved_by,
                    "saved_at": row.saved_at}

    def compare_versions(self, model: str, old: str, new: str, user: str):
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            designer.check_designer(actor)
            return designer.compare(s, actor, model, old, new)

    def export_model(self, model: str, version: str | None, folder: str | Path) -> list:
        """Write a deployed version (default: the newest) back as files."""
        with self.uow() as uow:
            query = select(ModelVersion).where(ModelVersion.model == model)
            if version:
                query = query.where(ModelVersion.version.startswith(version))
            row = uow.session.scalar(query.order_by(ModelVersion.id.desc()).limit(1))
            if row is None:
                raise NotFound("no version {version} of the model {model}" if version
                               else "no version of the model {model}",
                               hint="see `opiflow models`", version=version, model=model)
            return designer.export(row.files, Path(folder))

    def migrate(self, instance_id: str, to_version: str, user: str, reason: str = "",
                dry_run: bool = False) -> dict:
        """Move a running instance to another version of its model (designers)."""
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            designer.check_designer(actor)
            result = designer.migrate(self, s, actor, store.instance(s, instance_id),
                                      to_version, reason, dry_run, self.now())
            if result.get("migrated"):
                store.commit(uow)
            return result

    def migrate_all(self, model: str, from_version: str, to_version: str, user: str,
                    reason: str = "", dry_run: bool = False) -> list[dict]:
        """Every running instance of the user's authority on ``from_version``; each in
        its own unit of work (one refused instance does not stop the others)."""
        with self.uow() as uow:
            s = uow.session
            actor = self.users.actor(s, user)
            designer.check_designer(actor)
            old = designer.version(s, actor, model, from_version)
            ids = [i.id for i in designer.instances_on(s, actor, model, old.version)]
        return [self.migrate(iid, to_version, user, reason, dry_run) for iid in ids]

    # ------------------------------------------------------------- API tokens
    def create_token(self, user: str, name: str, expires_at: datetime | None = None) -> str:
        """A new personal API token for ``user``; returns its secret (shown once)."""
        from . import tokens

        with self.uow() as uow:
            secret = tokens.create(uow.session, user, name, self.now(), expires_at)
            store.commit(uow)
        return secret

    def tokens(self, user: str) -> list:
        from . import tokens

        with self.uow() as uow:
            return tokens.listed(uow.session, user)

    def revoke_token(self, user: str, token_id: int) -> None:
        from . import tokens

        with self.uow() as uow:
            tokens.revoke(uow.session, user, token_id, self.now())
            store.commit(uow)

    def token_user(self, secret: str) -> tuple[str, str]:
        """(user name, token name) for a valid token secret; refuses others (401)."""
        from . import tokens

        with self.uow() as uow:
            return tokens.authenticate(uow.session, secret, self.now())

    def model_versions(self, model: str) -> list[dict]:
        """Every deployed version of ``model``, oldest first."""
        from .errors import NotFound
        from .models import ModelVersion

        with self.uow() as uow:
            rows = uow.session.execute(
                select(ModelVersion.version, ModelVersion.deployed_at)
                .where(ModelVersion.model == model).order_by(ModelVersion.id)).all()
        if not rows:
            raise NotFound("no process model named {model}", hint="see the models", model=model)
        return [{"model": model, "version": v, "deployed_at": at.isoformat()}
                for v, at in rows]

    # ---------------------------------------------------------- notifications
    def notify(self, now: datetime | None = None, mailer=None,
               base_url: str | None = None) -> tuple[int, int]:
        """Make due notifications and e-mail them: (made, e-mails sent). Exactly once
        however many processes call it (engine/notify.py)."""
        from . import notify

        return notify.run(self, clock.aware(now) if now else None,
                          mailer if mailer is not None else notify.Mailer.from_settings(),
                          base_url)

    def inbox(self, user: str) -> list:
        from . import notify

        with self.uow() as uow:
            return notify.inbox(uow.session, user)

    def mark_read(self, user: str, notification_id: int) -> None:
        from . import notify

        with self.uow() as uow:
            notify.mark_read(uow.session, user, notification_id, self.now())
            store.commit(uow)

    def notification_preferences(self, user: str):
        from . import notify

        with self.uow() as uow:
            self.users.actor(uow.session, user)
            return notify.preferences(uow.session, user)

    def set_notification_preferences(self, user: str, chosen) -> None:
        from . import notify

        with self.uow() as uow:
            notify.set_preferences(uow.session, user, chosen)
            store.commit(uow)

    # --------------------------------------------------------------- webhooks
    def add_webhook(self, authority: str, url: str, kinds: list[str]) -> tuple[int, str]:
        """A webhook for ``authority``'s events of ``kinds``: (id, signing secret)."""
        from . import webhooks

        with self.uow() as uow:
            made = webhooks.add(uow.session, authority, url, kinds)
            store.commit(uow)
        return made

    def deliver_webhooks(self, now: datetime | None = None, poster=None) -> int:
        """Queue and POST due webhook deliveries; returns how many succeeded."""
        from . import webhooks

        return webhooks.run(self, clock.aware(now) if now else self.now(),
                            poster or webhooks.post)

    def webhook_deliveries(self, webhook_id: int) -> list:
        from . import webhooks

        with self.uow() as uow:
            return webhooks.deliveries(uow.session, webhook_id)
    # ------------------------------------------------------------ joint processes
    def joint_process(self, instance_id: str, user: str) -> dict:
        """The joint process page as ``user`` may see it (see engine.joint.page)."""
        with self.uow() as uow:
            s = uow.session
            return joint.page(s, self.users.actor(s, user), store.instance(s, instance_id))

    def joint_processes(self, user: str) -> list[dict]:
        """The joint processes ``user``'s authority runs or takes part in."""
        with self.uow() as uow:
            return joint.listing(uow.session, self.users.actor(uow.session, user))
    # ------------------------------------------------------------- incidents
    def incidents(self, user: str | None = None, instance_id: str | None = None,
                  include_resolved: bool = False) -> list[dict]:
        from . import incidents

        return incidents.listing(self, user, instance_id, include_resolved)

    def retry_incident(self, incident_id: int, user: str) -> dict:
        from . import incidents

        return incidents.retry(self, incident_id, user)

    def resolve_incident(self, incident_id: int, user: str, note: str) -> dict:
        from . import incidents

        return incidents.resolve(self, incident_id, user, note)

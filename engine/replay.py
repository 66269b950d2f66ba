"""Replay: re-execute an instance's audit log against its pinned model version.

A fresh workflow is built from the model version the instance started on, and every
event is applied again at its recorded time (the clock is frozen at ``event.at``), the
way the engine's verbs applied it. After each event the workflow's snapshot is compared
with the one the event recorded; at the end, the replayed workflow is compared with the
stored instance state. The first difference is reported: the seq, and which task states
or data keys differ.

The replay first runs in memory (fast). Only if that run diverges is it repeated with a
serialize/deserialize between events, as the engine's verbs do (task data is copied
shallowly in memory, but not across a round trip), and that faithful run is reported:
so an identical result is quick and a divergence is never an artefact of the fast path.

:func:`steps` gives the same replay event by event for the auditors' step-through: the
data, what changed (a JSON Patch) and which BPMN elements were completed, active or
waiting after each event.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import jsonpatch
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select

from . import access, audit, clock, migration, specs, store
from . import steps as workflow_steps
from . import workflow as wfl
from .errors import NotFound, OpiflowError
from .models import Authority, Event, Instance

CHANGES_WORKFLOW = ("started", "completed", "timer_fired", "cancelled", "migrated",
                    *workflow_steps.REGISTERED)
# events that record an act without changing the workflow (claims, timer incidents,
# letters made at a step: engine/letters)
KEEPS_WORKFLOW = ("claimed", "unclaimed", "incident", "incident_retried", "incident_resolved",
                  "letter")


@dataclass(frozen=True)
class Divergence:
    """Where the replay and the record first differ. ``seq`` is None for the stored
    instance state (compared after the last event)."""

    seq: int | None
    reason: str
    tasks: dict[str, dict] = field(default_factory=dict)  # spec -> recorded/replayed
    data: dict[str, str] = field(default_factory=dict)    # key -> what differs

    def as_dict(self) -> dict:
        return {"seq": self.seq, "reason": self.reason, "tasks": self.tasks,
                "data": self.data}

    def lines(self) -> list[str]:
        where = f"event {self.seq}" if self.seq is not None else "the stored state"
        lines = [f"diverges at {where}: {self.reason}"]
        lines += [f"  task {spec}: recorded {d['recorded']}, replayed {d['replayed']}"
                  for spec, d in sorted(self.tasks.items())]
        lines += [f"  data {key}: {what}" for key, what in sorted(self.data.items())]
        return lines


@dataclass(frozen=True)
class ReplayReport:
    instance_id: str
    model: str
    version: str
    replayed: int            # events applied
    last_seq: int            # events in the log
    state_checked: bool      # the stored instance state was compared too
    divergence: Divergence | None
    chain: audit.ChainReport

    @property
    def identical(self) -> bool:
        return self.divergence is None

    def as_dict(self) -> dict:
        return {"instance": self.instance_id, "model": self.model, "version": self.version,
                "replayed": self.replayed, "events": self.last_seq,
                "state_checked": self.state_checked,
                "result": "identical" if self.identical else "diverged",
                "divergence": self.divergence.as_dict() if self.divergence else None,
                "chain": {"ok": self.chain.ok, "first_bad_seq": self.chain.first_bad_seq,
                          "reason": self.chain.reason}}

    def lines(self) -> list[str]:
        head = (f"instance {self.instance_id} ({self.model} {self.version[:12]}): "
                f"replayed {self.replayed} of {self.last_seq} event(s)")
        body = (["identical" + (" (and the stored state matches)" if self.state_checked
                                else "")]
                if self.divergence is None else self.divergence.lines())
        chain = ("hash chain: verified" if self.chain.ok else
                 f"hash chain: broken at event {self.chain.first_bad_seq}: "
                 f"{self.chain.reason}")
        return [head, *body, chain]


@dataclass(frozen=True)
class Step:
    """One event of the history as the step-through shows it."""

    seq: int
    kind: str
    actor: str
    at: datetime
    task: str | None          # the task's title, with its subject ("…: Alfa Care")
    task_spec: str | None
    data: dict                # the data submitted with the event
    patch: list[dict]         # JSON Patch from the instance data before to after
    instance_data: dict       # the instance data after the event
    completed: list[str]      # BPMN element ids completed so far
    active: list[str]         # ready or started (human tasks waiting for someone)
    waiting: list[str]        # waiting on a timer, message or join
    matches: bool             # the replayed state equals the recorded snapshot

    def as_dict(self) -> dict:
        result = dict(self.__dict__)
        result["at"] = self.at.isoformat()
        return result


@dataclass
class _Record:
    instance: Instance
    authority: str
    parsed: specs.ParsedModel
    events: list[Event]
    versions: dict = field(default_factory=dict)  # version -> ParsedModel


class _Mismatch(Exception):
    """The log cannot be applied: the task it names is not there, or a step failed."""


def load(engine, instance_id: str, user: str | None = None) -> _Record:
    """The instance row, its pinned model version (parsed) and its events by seq."""
    with engine.uow() as uow:
        s = uow.session
        instance = s.get(Instance, instance_id)
        if instance is None:
            raise NotFound("no instance {instance_id}", hint="see `opiflow instances`",
                           instance_id=instance_id)
        if user:
            access.check_may_read(engine.users.actor(s, user), instance)
        authority = s.scalar(select(Authority.name).where(
            Authority.id == instance.authority_id))
        events = list(s.scalars(select(Event).where(Event.instance_id == instance_id)
                                .order_by(Event.seq)))
        # an instance migrated to another version started on the first one it left
        migrations = [e.data or {} for e in events if e.kind == "migrated"]
        first = str(migrations[0].get("from_version") if migrations
                    else instance.model_version)
        versions = {first, *(str(m.get("to_version")) for m in migrations)}
        files = {v: store.model_files(s, instance.model, v) for v in versions}
        s.expunge_all()
    parsed = {v: engine.registry.parse(instance.model, f) for v, f in files.items()}
    return _Record(instance, authority, parsed[first], events, parsed)


class _Replayer:
    """Applies events one by one to a fresh workflow, as the engine's verbs did."""

    def __init__(self, engine, parsed, versions: dict | None = None):
        self.engine = engine
        self.parsed = parsed
        self.versions = versions or {}
        self.wf = None

    def apply(self, event: Event) -> None:
        try:
            self._apply(event)
        except (OpiflowError, SpiffWorkflowException) as err:
            raise _Mismatch(f"re-executing the {event.kind} event failed: {err}") from err

    def _apply(self, event: Event) -> None:
        kind, at = event.kind, clock.aware(event.at)
        if kind == "started":
            self.wf = workflow_steps.begin(self.engine.script_engine, self.parsed, event.data, at)
        elif self.wf is None:
            raise _Mismatch(f"the log does not begin with 'started' but with '{kind}'")
        elif kind == "completed":
            self._complete(event, at)
        elif kind == "timer_fired":
            workflow_steps.fire_timers(self.wf, at)
        elif kind == "migrated":
            new = self.versions.get((event.data or {}).get("to_version"))
            if new is None:
                raise _Mismatch("the version the instance was migrated to is missing")
            migration.apply(self.wf, new)
            self.parsed = new
        elif kind == "cancelled":
            workflow_steps.cancel(self.wf, at)
        elif kind in workflow_steps.REGISTERED:
            workflow_steps.register(self.wf, kind, event.data or {}, at)
        elif kind not in KEEPS_WORKFLOW:
            raise _Mismatch(f"unknown event kind '{kind}'")

    def _complete(self, event: Event, at: datetime) -> None:
        """As Engine.complete, less the checks that refused nothing when it ran (form
        schema, locks, validators): the record holds the data that passed them."""
        task = wfl.find(self.wf, event.task_spec or "", event.task_nth or 0)
        if task is None:
            ready = [t.task_spec.name for t in wfl.ready_human_tasks(self.wf)]
            raise _Mismatch(f"the task '{event.task_title or event.task_spec}' "
                            f"(no. {(event.task_nth or 0) + 1} of its kind) is not open in "
                            f"the replay; open: {', '.join(ready) or 'none'}")
        workflow_steps.submit(self.wf, task, event.data or {}, at)

    def round_trip(self) -> None:
        """Serialize and deserialize, as between two verbs."""
        models = self.engine.registry
        self.wf = wfl.loads(wfl.dumps(self.wf, models), self.engine.script_engine, models)


def compare(recorded: dict | None, replayed: dict, seq: int | None,
            reason: str = "the replayed state differs from the recorded snapshot"
            ) -> Divergence | None:
    """The difference between two snapshots (None when equal)."""
    if recorded == replayed:
        return None
    recorded = recorded or {}
    tasks = {}
    rec_tasks, rep_tasks = recorded.get("tasks", {}), replayed.get("tasks", {})
    for spec in sorted(set(rec_tasks) | set(rep_tasks)):
        if rec_tasks.get(spec) != rep_tasks.get(spec):
            tasks[spec] = {"recorded": rec_tasks.get(spec, {}),
                           "replayed": rep_tasks.get(spec, {})}
    data = {}
    rec_data, rep_data = recorded.get("data", {}), replayed.get("data", {})
    for key in sorted(set(rec_data) | set(rep_data)):
        if key not in rec_data:
            data[key] = "only in the replay"
        elif key not in rep_data:
            data[key] = "only in the record"
        elif rec_data[key] != rep_data[key]:
            data[key] = "different values"
    if recorded.get("completed") != replayed.get("completed"):
        reason += (f"; recorded completed={recorded.get('completed')}, "
                   f"replayed completed={replayed.get('completed')}")
    return Divergence(seq, reason, tasks, data)


def _compare_stored(record: _Record, wf, engine) -> Divergence | None:
    """The replayed workflow against the stored instance state (tampering with the
    ``instances`` row shows here)."""
    try:
        stored = wfl.loads(record.instance.state, engine.script_engine, engine.registry)
    except Exception as err:  # any damage to the stored JSON is a finding, not a crash
        return Divergence(None, f"the stored state cannot be read: {err}")
    reason = "the stored instance state differs from the replay"
    found = compare(wfl.snapshot(stored), wfl.snapshot(wf), None, reason)
    if found:
        return found
    if wfl.current_data(stored) != wfl.current_data(wf):
        return Divergence(None, reason + " (data)")
    if wfl.meta(stored) != wfl.meta(wf):
        return Divergence(None, "the stored locked or sealed keys differ from the replay")
    changes = [e.kind for e in record.events if e.kind in CHANGES_WORKFLOW]
    expected = ("cancelled" if changes and changes[-1] == "cancelled"
                else "completed" if wf.is_completed() else "running")
    if record.instance.status != expected:
        return Divergence(None, f"the stored status is {record.instance.status}, "
                                f"the replay ends {expected}")
    return None


def _run(engine, record: _Record, to_seq: int | None,
         on_step: Callable[[Event, dict, object, bool], None] | None = None,
         stop: bool = True, faithful: bool = False) -> tuple[int, Divergence | None, object]:
    """Apply the events up to ``to_seq``; stop at the first divergence (or, with
    ``stop=False``, only when an event cannot be applied at all). ``faithful``: a
    serialize/deserialize round trip after every event that changes the workflow."""
    replayer = _Replayer(engine, record.parsed, record.versions)
    count, first = 0, None
    for event in record.events:
        if to_seq is not None and event.seq > to_seq:
            break
        before: dict = _plain(wfl.current_data(replayer.wf)) if on_step and replayer.wf else {}
        try:
            replayer.apply(event)
        except _Mismatch as err:
            return count, first or Divergence(event.seq, str(err)), replayer.wf
        count += 1
        found = None
        if event.kind in CHANGES_WORKFLOW:
            found = compare(event.snapshot, wfl.snapshot(replayer.wf), event.seq)
        if on_step:
            on_step(event, before, replayer.wf, found is None)
        first = first or found
        if first and stop:
            return count, first, replayer.wf
        if faithful and event.kind in CHANGES_WORKFLOW:
            replayer.round_trip()
    return count, first, replayer.wf


def replay(engine, instance_id: str, to_seq: int | None = None,
           user: str | None = None) -> ReplayReport:
    """Replay an instance's log (up to ``to_seq``) and compare it at every step."""
    record = load(engine, instance_id, user)
    last_seq = record.events[-1].seq if record.events else 0
    state_checked = to_seq is None or to_seq >= last_seq
    count, divergence = _replay(engine, record, to_seq, state_checked, faithful=False)
    if divergence is not None:  # confirm it the way the engine ran
        count, divergence = _replay(engine, record, to_seq, state_checked, faithful=True)
    instance = record.instance
    chain = audit.check_chain(instance_id, sorted(record.events, key=lambda e: e.id),
                              instance.last_seq, instance.last_hash,
                              audit.state_digest(instance.state))
    return ReplayReport(instance_id, instance.model, instance.model_version, count,
                        last_seq, state_checked, divergence, chain)


def _replay(engine, record: _Record, to_seq: int | None, check_state: bool,
            faithful: bool) -> tuple[int, Divergence | None]:
    count, divergence, wf = _run(engine, record, to_seq, faithful=faithful)
    if divergence is None and check_state:
        if wf is None:
            return count, Divergence(None, "the log has no events")
        divergence = _compare_stored(record, wf, engine)
    return count, divergence


def steps(engine, instance_id: str, user: str | None = None,
          now: datetime | None = None) -> list[Step]:
    """Every event with the data it carried, what it changed and the element states
    after it. Data still sealed at ``now`` (default: the engine's clock) is masked."""
    record = load(engine, instance_id, user)
    now = clock.aware(now) if now else engine.now()
    for faithful in (False, True):
        result = _steps(engine, record, now, faithful)
        if all(step.matches for step in result):
            break
    return result


def _steps(engine, record: _Record, now: datetime, faithful: bool) -> list[Step]:
    result: list[Step] = []

    def on_step(event: Event, before: dict, wf, matches: bool) -> None:
        after = _plain(wfl.current_data(wf))
        meta = wfl.meta(wf)
        before_m = access.mask_sealed(before, meta, now)
        after_m = access.mask_sealed(after, meta, now)
        completed, active, waiting = element_states(wf)
        result.append(Step(
            event.seq, event.kind, event.actor, event.at,
            wfl.label(event.task_title, event.task_item),
            event.task_spec, access.mask_sealed(event.data or {}, meta, now),
            jsonpatch.make_patch(before_m, after_m).patch, after_m,
            completed, active, waiting, matches))

    _run(engine, record, None, on_step, stop=False, faithful=faithful)
    return result


def element_states(wf) -> tuple[list[str], list[str], list[str]]:
    """BPMN element ids that are completed, active (ready/started) and waiting."""
    completed, active, waiting = set(), set(), set()
    for task in wfl.all_tasks(wf):
        element = getattr(task.task_spec, "bpmn_id", None)
        if not element:
            continue
        if task.state == wfl.TaskState.COMPLETED:
            completed.add(element)
        elif task.state in (wfl.TaskState.READY, wfl.TaskState.STARTED):
            active.add(element)
        elif task.state == wfl.TaskState.WAITING:
            waiting.add(element)
    return sorted(completed), sorted(active), sorted(waiting)


def _plain(value) -> dict:
    """A JSON-shaped deep copy (dates as ISO text), as the patch and the UI need it."""
    return json.loads(json.dumps(value, default=_iso))


def _iso(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def replay_all(engine, instance_ids: Iterator[str]) -> Iterator[ReplayReport]:
    for instance_id in instance_ids:
        yield replay(engine, instance_id)

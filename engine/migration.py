"""Moving a running instance to a newer version of its model.

A preview says what changes: elements added, removed and changed, and what happens to
the tasks the instance stands on. A migration is refused when a task the instance stands
on (open, waiting or under way) is gone from the new version or has become another kind
of element; otherwise the workflow takes the new specs (SpiffWorkflow's diff and migrate
utilities) and its open and waiting branches are predicted again. The engine records the
act as a "migrated" event with who and why, and replay applies the same step.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from . import workflow as wfl

# the task states an instance "stands on": what a migration must keep meaning
STANDING = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass
class Plan:
    """What migrating one instance would do."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    moved: list[str] = field(default_factory=list)  # standing tasks carried over
    refusals: list[str] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.refusals

    def as_dict(self) -> dict:
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "moved": self.moved, "refusals": self.refusals, "possible": self.possible}


def _label(spec) -> str:
    name = getattr(spec, "bpmn_name", None) or ""
    ident = getattr(spec, "bpmn_id", None) or spec.name
    return f"{name} ({ident})" if name and name != ident else str(ident)


def _diffs(wf, new):
    registry = wfl.SERIALIZER.registry
    return diff_workflow(registry, wf, new.spec, new.subprocess_specs)


def plan(wf, new) -> Plan:
    """The preview of moving ``wf`` to the parsed model version ``new``."""
    top, subs = _diffs(wf, new)
    result = Plan()
    pairs = [(wf, top)] + [(wf.subprocesses[sp_id], diff) for sp_id, diff in subs.items()]
    for workflow, diff in pairs:
        if diff is None:
            result.refusals.append(
                f"the called process of the running subprocess "
                f"'{workflow.spec.name}' is gone from the new version")
            continue
        for task in workflow.get_tasks(state=STANDING, skip_subprocesses=True):
            spec = task.task_spec
            if spec.name.startswith("__") or spec.name in ("Root", "Start", "End"):
                continue
            target = diff.alignment.get(task)
            if task in diff.removed or target is None:
                result.refusals.append(f"the task '{_label(spec)}' that the instance stands "
                                       "on is gone from the new version")
            elif type(target) is not type(spec):
                result.refusals.append(f"the task '{_label(spec)}' that the instance stands "
                                       "on has become another kind of element")
            else:
                result.moved.append(_label(spec))
    spec_diff = top and _spec_diff(wf, new)
    if spec_diff is not None:
        result.added = sorted(_label(s) for s in spec_diff.added if not _internal(s))
        result.removed = sorted(_label(s) for s in spec_diff.removed if not _internal(s))
        result.changed = {_label(spec_diff.alignment.get(s) or s):
                          sorted(set(c) - {"inputs", "outputs"})
                          for s, c in spec_diff.changed.items()
                          if not _internal(s) and set(c) - {"inputs", "outputs"}}
    return result


def _spec_diff(wf, new):
    from SpiffWorkflow.bpmn.util.diff import SpecDiff

    return SpecDiff(wfl.SERIALIZER.registry, wf.spec, new.spec)


def _internal(spec) -> bool:
    return spec.name in ("Root", "Start", "End") or spec.name.endswith(".EndJoin")


def apply(wf, new) -> None:
    """Give ``wf`` the specs of ``new`` (after plan() found it possible)."""
    top, subs = _diffs(wf, new)
    for sp_id, diff in subs.items():
        sub = wf.subprocesses[sp_id]
        migrate_workflow(diff, sub, new.subprocess_specs[sub.spec.name])
    migrate_workflow(top, wf, new.spec)
    wf.subprocess_specs = new.subprocess_specs

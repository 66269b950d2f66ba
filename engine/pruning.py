"""What a stored workflow state keeps: what the future needs, not the history.

SpiffWorkflow keeps every completed task in the tree. On a loop or a multi-instance
activity each finished iteration stays a child of the activity, and an iteration of an
embedded sub-process or call activity keeps its whole finished sub-workflow (with a copy
of the data at that time). So a stored state, and the cost of loading and saving it,
grows with the instance's history. The audit log holds the history; the state need not.

:func:`prune` works on the serialized dict (the live workflow is never changed) and drops
each iteration of a loop or multi-instance activity that its activity has merged already
and whose subtree has finished, together with the sub-workflows under it. It keeps the
workflow's last completed task (the data a person reads comes from it) and never touches
a task that is ready, started or waiting.

What SpiffWorkflow reads later is kept: the activity's ``internal_data['merged']`` list is
read only for its length (the next iteration's number, a loop maximum) and for its last
entry right after a merge, so the dropped ids are stored as a count and restored as
placeholders before them (after SpiffWorkflow has read the dict: restoring a long list
item by item is what made loading grow with history). The dropped tasks are counted per
task spec and state (those :func:`engine.workflow.snapshot` counts), so a snapshot means
the same before and after a prune and replay (which never prunes in memory) still
compares exactly.
"""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

PRUNED_KEY = "opiflow_pruned"          # in the top dict: {spec: {state name: count}}
MERGED_KEY = "opiflow_merged_dropped"  # in an activity's internal_data: ids dropped
ATTR = "opiflow_pruned"                # on a loaded workflow: the counts it carries
PLACEHOLDER = ""                       # stands for a dropped id in 'merged'

_FINISHED = TaskState.COMPLETED | TaskState.CANCELLED | TaskState.ERROR
_ACTIVE = TaskState.WAITING | TaskState.READY | TaskState.STARTED


def prune(dct: dict, carried: dict[str, dict[str, int]]) -> None:
    """Drop merged, finished iterations (and their sub-workflows) from a serialized
    top-level workflow ``dct`` in place; record the counts (``carried`` plus the new
    ones) under PRUNED_KEY. Lists and dicts shared with the live workflow are replaced,
    never changed."""
    counts = {spec: dict(states) for spec, states in carried.items()}
    subprocesses = dct.get("subprocesses", {})
    workflows = [dct, *subprocesses.values()]
    dropped_tasks: set[str] = set()
    for workflow in workflows:
        dropped_tasks |= _prune_workflow(workflow, counts)
    # the sub-workflows of dropped tasks go too, and theirs in turn
    queue = [tid for tid in dropped_tasks if tid in subprocesses]
    while queue:
        sub = subprocesses.pop(queue.pop())
        for tid, task in sub["tasks"].items():
            _count(counts, task)
            if tid in subprocesses:
                queue.append(tid)
    if counts:
        dct[PRUNED_KEY] = counts


def _prune_workflow(workflow: dict, counts: dict) -> set[str]:
    tasks: dict[str, dict] = workflow["tasks"]
    keep = {workflow.get("last_task"), workflow.get("root")}
    dropped: set[str] = set()
    for tid, task in list(tasks.items()):
        if tid not in tasks:
            continue
        merged = (task.get("internal_data") or {}).get("merged")
        if not merged:
            continue
        merged_ids = set(merged)
        children = []
        for child_id in task["children"]:
            subtree = _finished_subtree(tasks, child_id) \
                if child_id in merged_ids and child_id not in keep else None
            if subtree is None:
                children.append(child_id)
                continue
            for gone in subtree:
                _count(counts, tasks.pop(gone))
            dropped |= subtree
        if len(children) == len(task["children"]):
            continue
        survivors = set(children)
        kept = [m for m in merged if m in survivors]
        internal = dict(task["internal_data"])
        internal["merged"] = kept
        internal[MERGED_KEY] = len(merged) - len(kept)
        task["internal_data"] = internal
        task["children"] = children
    return dropped


def _finished_subtree(tasks: dict[str, dict], root: str) -> set[str] | None:
    """The ids of the subtree under ``root`` if it has finished (nothing in it ready,
    started or waiting, and ``root`` itself completed or cancelled); else None."""
    task = tasks.get(root)
    if task is None or not task["state"] & _FINISHED:
        return None
    found, queue = set(), [root]
    while queue:
        tid = queue.pop()
        task = tasks.get(tid)
        if task is None:
            continue
        if task["state"] & _ACTIVE:
            return None
        found.add(tid)
        queue.extend(task["children"])
    return found


def _count(counts: dict, task: dict) -> None:
    if task["state"] < TaskState.READY:
        return  # predicted branches: the snapshot does not count them either
    states = counts.setdefault(task["task_spec"], {})
    name = TaskState.get_name(task["state"])
    states[name] = states.get(name, 0) + 1


def restore(dct: dict) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Take out, in place, what SpiffWorkflow must not read from ``dct``: the counts of
    pruned tasks (for the loaded workflow to carry, ATTR) and, per activity id, how
    many merged ids were dropped (for :func:`expand`, once the workflow is built)."""
    dropped = {}
    for workflow in (dct, *dct.get("subprocesses", {}).values()):
        for tid, task in workflow.get("tasks", {}).items():
            internal = task.get("internal_data")
            if internal and MERGED_KEY in internal:
                dropped[tid] = internal.pop(MERGED_KEY)
    return dct.pop(PRUNED_KEY, None) or {}, dropped


def expand(tasks_by_id, dropped: dict[str, int]) -> None:
    """Give each activity's 'merged' list its dropped ids back, as placeholders before
    the ids it kept, so SpiffWorkflow counts the iterations as it did before the prune.
    ``tasks_by_id``: a function from a task id to the task (or None)."""
    for tid, count in dropped.items():
        task = tasks_by_id(tid)
        if task is not None:
            task.internal_data["merged"] = [PLACEHOLDER] * count + list(
                task.internal_data.get("merged", []))


def add_counts(counts: dict[str, dict[str, int]], carried: dict[str, dict[str, int]]) -> None:
    """Add the pruned tasks a workflow carries to snapshot counts, in place."""
    for spec, states in carried.items():
        mine = counts.setdefault(spec, {})
        for state, n in states.items():
            mine[state] = mine.get(state, 0) + n

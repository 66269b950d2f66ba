"""Joint processes across authorities (joint public scaling).

A joint process belongs to its facilitator (``instances.authority_id``). Other
authorities take part through ``joint_parties``: the model says who they are with two
user-task properties, evaluated on the task like any other expression:

- ``authority``: the name of the authority whose staff work on this task (e.g. the
  multi-instance item ``invited_authority``); the open-task index stores its id, so the
  task appears in that authority's task list and nowhere else;
- ``parties``: after the task completes, a dict {authority name: role} recorded in
  ``joint_parties`` (roles in :data:`engine.rules.joint.ROLES`).

A task with ``startsInstance`` (a model name) starts, when it completes, an instance of
that model owned by the task's authority, with the data of ``childData`` and the key
``joint_process``, and links it as that authority's child procurement. All of it happens
in the completing transaction: a refusal leaves nothing behind.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from . import steps, versions
from . import workflow as wfl
from .errors import NotFound, ScriptError
from .models import Authority, Instance, JointParty, JointSummary, OpenTask
from .rules.joint import READING_ROLES, ROLES


def authority_id(s, name: str) -> int:
    """The id of the authority named ``name``; an authority invited before any of its
    staff has a user is created here."""
    name = str(name).strip()
    if not name:
        raise ScriptError("a joint task names no authority",
                          hint="a process designer must fix the task's authority property")
    found = s.scalar(select(Authority.id).where(Authority.name == name))
    if found is None:
        row = Authority(name=name[:200])
        s.add(row)
        s.flush()
        found = row.id
    return found


def task_authority(script_engine, s, task, instance: Instance) -> int:
    """The authority whose staff work on ``task``: its ``authority`` property, or the
    instance's own authority."""
    expression = wfl.properties(task.task_spec).get("authority")
    if not expression:
        return instance.authority_id
    return authority_id(s, steps.evaluate(script_engine, task, expression))


def after_save(store, s, instance: Instance, wf, task_ref, actor: str, now: datetime,
               current: dict | None = None) -> None:
    """Record the parties a completed task names, start the child it asks for and keep
    the joint page's summary in step (``current`` is current_data(wf), when known)."""
    if not is_joint(wf):
        return
    store_summary(s, instance, wf, now, current)
    if task_ref is None:
        return
    task = wfl.get_task(wf, task_ref.id)
    if task is None:
        return
    props = wfl.properties(task.task_spec)
    if props.get("parties"):
        roles = steps.evaluate(store.script_engine, task, props["parties"])
        if not isinstance(roles, dict):
            raise ScriptError("the parties of '{title}' are not a dict",
                              hint="write {{authority: role, ...}}", title=task_ref.title)
        for name, role in roles.items():
            set_role(s, instance, authority_id(s, name), str(role), now)
    if props.get("startsInstance"):
        data = steps.evaluate(store.script_engine, task, props["childData"]) \
            if props.get("childData") else {}
        owner = task_authority(store.script_engine, s, task, instance)
        child = start_child(store, s, props["startsInstance"], owner, actor,
                            dict(data or {}, joint_process=instance.id), now)
        party = s.get(JointParty, (instance.id, owner)) or set_role(
            s, instance, owner, "signatory", now)
        party.child_id, party.updated_at = child, now


def is_joint(wf) -> bool:
    """Whether the workflow's model has tasks for other authorities (parsed specs are
    shared per model version, so the answer is kept on the spec)."""
    known = getattr(wf.spec, "_opiflow_joint", None)
    if known is None:
        known = any("parties" in wfl.properties(t) or "authority" in wfl.properties(t)
                    for spec in (wf.spec, *wf.subprocess_specs.values())
                    for t in spec.task_specs.values())
        wf.spec._opiflow_joint = known
    return known


SUMMARY_KEYS = ("title", "facilitator", "need", "target_group", "current_cost",
                "estimated_demand", "need_owners", "scaling_partners", "demand", "workshops",
                "dialogues", "suppliers", "questions", "version", "need_description",
                "requirements", "declaration", "signatories", "participants", "declined",
                "left")
GATHERED = ("answers_by_authority", "confirmations", "signatures", "own_procurements")


def store_summary(s, instance: Instance, wf, now: datetime, data: dict | None = None) -> None:
    data = wfl.current_data(wf) if data is None else data
    summary = {k: data[k] for k in SUMMARY_KEYS if k in data}
    summary.update(zip(GATHERED, _collected(wf, data, GATHERED), strict=True))
    for name, record in _in_progress(wf).items():  # recorded, but not finished yet
        summary["own_procurements"].setdefault(name, record)
    row = s.get(JointSummary, instance.id)
    if row is None:
        s.add(JointSummary(instance_id=instance.id, data=summary, updated_at=now))
    else:
        row.data, row.updated_at = summary, now


def set_role(s, instance: Instance, authority: int, role: str, now: datetime) -> JointParty:
    if role not in ROLES:
        raise ScriptError("unknown role {role!r} in a joint process",
                          hint="use one of {names}", role=role, names=ROLES)
    party = s.get(JointParty, (instance.id, authority))
    if party is None:
        party = JointParty(instance_id=instance.id, authority_id=authority, role=role,
                           updated_at=now)
        s.add(party)
    party.role, party.updated_at = role, now
    return party


def start_child(store, s, model: str, owner: int, actor: str, data: dict,
                now: datetime) -> str:
    """Start an instance of ``model`` owned by the authority ``owner`` (``store`` is the
    engine's :class:`engine.store.Store`)."""
    version = versions.newest(s, model)
    parsed = store.models.parse(model, version.files)
    wf = steps.begin(store.script_engine, parsed, data, now)
    iid = str(uuid.uuid4())
    child = Instance(id=iid, model=model, model_version=version.version,
                     authority_id=owner, title=str(data.get("title") or model)[:300],
                     status="running", created_at=now, updated_at=now, started_by=actor,
                     last_seq=0, last_hash="", state="")
    s.add(child)
    store.save(s, child, wf, now, "started", actor, data=data)
    return iid


# ------------------------------------------------------------------ reading
def role_of(s, instance_id: str, authority: int) -> str | None:
    return s.scalar(select(JointParty.role).where(JointParty.instance_id == instance_id,
                                                  JointParty.authority_id == authority))


def may_read(role: str | None) -> bool:
    return role in READING_ROLES


def parties(s, instance_id: str) -> list[tuple[JointParty, str]]:
    """Every party of a joint process with its authority's name, by name."""
    return list(s.execute(select(JointParty, Authority.name).join(
        Authority, Authority.id == JointParty.authority_id)
        .where(JointParty.instance_id == instance_id).order_by(Authority.name)).all())


def children(s, instance_id: str) -> list[tuple[Instance, str]]:
    """The child procurements of a joint process with their owners' names."""
    return list(s.execute(select(Instance, Authority.name).join(
        JointParty, JointParty.child_id == Instance.id).join(
        Authority, Authority.id == Instance.authority_id)
        .where(JointParty.instance_id == instance_id).order_by(Instance.created_at)).all())


def parent_of(s, child_id: str) -> str | None:
    return s.scalar(select(JointParty.instance_id).where(JointParty.child_id == child_id))


# ------------------------------------------------------------------ the joint page
def page(s, who, instance: Instance) -> dict:
    """What the joint process page shows ``who``: the process, every party with its
    answer, demand and signature, and the child procurements with where each stands
    (read from the child). The facilitator sees every child's phase and dates, never its
    content; a participant sees its own child only."""
    from . import access

    view = access.joint_view(s, who, instance)
    row = s.get(JointSummary, instance.id)
    if row is None:
        raise NotFound("{id} is not a joint process",
                       hint="open it from the list of partnerships instead", id=instance.id)
    data = dict(row.data)
    answers, confirmations, signatures, own_procurements = (
        data.pop(key, None) or {} for key in GATHERED)
    kids = {c.id: (c, owner) for c, owner in children(s, instance.id)}
    rows = []
    for party, name in parties(s, instance.id):
        child = kids.get(party.child_id) if party.child_id else None
        if child is not None and view != "facilitator" and child[0].authority_id != \
                who.authority_id:
            child = None
        rows.append({"authority": name, "role": party.role, "answer": answers.get(name),
                     "confirmation": confirmations.get(name), "signature": signatures.get(name),
                     "child": _child(child[0], child[1], who) if child else None,
                     "own": party.authority_id == who.authority_id})
    shown_children = [_child(c, owner, who) for c, owner in kids.values()
                      if view == "facilitator" or c.authority_id == who.authority_id]
    if view != "facilitator":
        own_procurements = {k: v for k, v in own_procurements.items() if k == who.authority}
    owner = s.get(Authority, instance.authority_id).name
    waiting = s.execute(select(OpenTask.title, OpenTask.id, Authority.name, OpenTask.authority_id)
                        .join(Authority, Authority.id == OpenTask.authority_id)
                        .where(OpenTask.instance_id == instance.id)
                        .order_by(Authority.name, OpenTask.title)).all()
    return {"view": view, "id": instance.id, "title": instance.title, "status": instance.status,
            "phase": instance.phase, "owner": owner, "created_at": instance.created_at,
            "updated_at": instance.updated_at,
            "data": data,
            "parties": rows, "children": shown_children, "own_procurements": own_procurements,
            "waiting": [{"title": t, "task_id": i if a == who.authority_id else None,
                         "authority": n} for t, i, n, a in waiting
                        if view == "facilitator" or a == who.authority_id]}


def _collected(wf, data: dict, keys: tuple[str, ...]) -> list[dict]:
    """The answers a multi-instance task has gathered so far (its output dict grows as
    each authority answers, in the multi-instance task's own data until all are in)."""
    found: dict[str, dict] = {}
    for key in keys:
        value = data.get(key)
        found[key] = value if isinstance(value, dict) else {}
    for task in wfl.all_tasks(wf):
        for key in keys:
            value = task.data.get(key)
            if isinstance(value, dict) and len(value) > len(found[key]):
                found[key] = value
    return [found[key] for key in keys]


def _in_progress(wf) -> dict[str, dict]:
    """The latest record of each signatory's own procurement that is still being
    followed (its task comes back until the procurement is finished)."""
    latest: dict[str, tuple[float, dict]] = {}
    for task in wfl.all_tasks(wf):
        record, name = task.data.get("procurement"), task.data.get("signatory")
        if task.state != wfl.TaskState.COMPLETED or not isinstance(record, dict) or not name:
            continue
        if name not in latest or task.last_state_change > latest[name][0]:
            latest[name] = (task.last_state_change, dict(
                record, authority=name, path=task.data.get("path"),
                procedure=task.data.get("procedure"),
                decided_on=task.data.get("decided_on"), child=False))
    return {name: record for name, (_at, record) in latest.items()}


def _child(child: Instance, owner: str, who) -> dict:
    return {"id": child.id if child.authority_id == who.authority_id else None,
            "title": child.title, "authority": owner, "model": child.model,
            "status": child.status, "phase": child.phase, "created_at": child.created_at,
            "updated_at": child.updated_at}


def listing(s, who) -> list[dict]:
    """The joint processes ``who`` may open: their own (an auditor: those of the
    authorities audited) and those their authority takes part in (never one it declined
    or left)."""
    from .access import reading

    owned = select(Instance.id).where(reading(who).where(Instance.authority_id),
                                      Instance.model == "joint_scaling")
    shared = select(JointParty.instance_id).where(JointParty.authority_id == who.authority_id,
                                                  JointParty.role.in_(READING_ROLES))
    rows = s.execute(select(Instance, Authority.name).join(
        Authority, Authority.id == Instance.authority_id).where(
        Instance.id.in_(owned.union(shared))).order_by(Instance.created_at.desc())).all()
    return [{"id": i.id, "title": i.title, "status": i.status, "phase": i.phase,
             "owner": name, "updated_at": i.updated_at,
             "facilitator": i.authority_id == who.authority_id} for i, name in rows]

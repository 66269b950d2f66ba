"""Who may see and do what.

Staff see the instances of their own authority; a task's lane names the group that may
claim and complete it; a task claimed by one user cannot be completed by another.
Auditors read the instances of the authorities they audit and change nothing.
Sealed data (final tenders before their deadline) is masked for everyone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .clock import aware
from .errors import Forbidden, NotFound
from .models import Authority, Instance, OpenTask, User

SEALED = "sealed"


@dataclass(frozen=True)
class Actor:
    name: str
    full_name: str
    authority_id: int
    authority: str
    groups: tuple[str, ...]
    audits: tuple[str, ...]

    @property
    def is_auditor(self) -> bool:
        return bool(self.audits)


def actor(session, name: str) -> Actor:
    row = session.execute(select(User, Authority.name).join(
        Authority, Authority.id == User.authority_id).where(User.name == name)).first()
    if row is None:
        raise NotFound(f"no user named {name}", hint="add them with `opiflow users add`")
    user, authority = row
    return Actor(user.name, user.full_name or user.name, user.authority_id, authority,
                 tuple(user.groups or ()), tuple(user.audits or ()))


def readable_authorities(session, who: Actor) -> list[int]:
    ids = [who.authority_id]
    if who.audits:
        ids += session.scalars(select(Authority.id).where(Authority.name.in_(who.audits)))
    return ids


def check_may_read(who: Actor, instance: Instance) -> None:
    if instance.authority_id == who.authority_id and not who.is_auditor:
        return
    if who.is_auditor:
        from sqlalchemy.orm import object_session

        names = object_session(instance).scalar(
            select(Authority.name).where(Authority.id == instance.authority_id))
        if names in who.audits:
            return
    # the instance of another authority does not exist for this user
    raise NotFound(f"no instance {instance.id}", hint="see the instances of your authority")


def check_may_manage(who: Actor, instance: Instance) -> None:
    if who.is_auditor:
        raise Forbidden("auditors have read-only access", hint="ask the procurement staff")
    if instance.authority_id != who.authority_id:
        raise NotFound(f"no instance {instance.id}", hint="see the instances of your authority")


def check_may_work_on(who: Actor, instance: Instance, task: OpenTask) -> None:
    check_may_manage(who, instance)
    if task.lane and task.lane not in who.groups and task.assignee != who.name:
        raise Forbidden(f"the task '{task.title}' belongs to the group {task.lane}; "
                        f"{who.name} is not in it",
                        hint=f"ask someone in {task.lane}, or an administrator to add you")


def check_not_claimed_by_other(who: Actor, task: OpenTask, action: str = "complete") -> None:
    if task.assignee and task.assignee != who.name:
        raise Forbidden(f"the task '{task.title}' is claimed by {task.assignee}",
                        field="assignee",
                        hint=f"ask {task.assignee} to unclaim it before you {action} it")


def summary(instance: Instance, authority: str) -> dict:
    return {"id": instance.id, "model": instance.model, "version": instance.model_version,
            "title": instance.title, "status": instance.status, "phase": instance.phase,
            "authority": authority, "started_by": instance.started_by,
            "created_at": instance.created_at.isoformat(),
            "updated_at": instance.updated_at.isoformat(),
            "next_timer_at": instance.next_timer_at.isoformat()
            if instance.next_timer_at else None,
            "lock_version": instance.lock_version}


def mask_sealed(data: dict, meta: dict, now: datetime) -> dict:
    """``data`` with every key still sealed replaced by a notice of when it opens."""
    sealed = meta.get("sealed", {})
    if not sealed:
        return data
    result = dict(data)
    for key, until in sealed.items():
        if key in result and aware(datetime.fromisoformat(until)) > now:
            result[key] = {SEALED: True, "until": until}
    return result

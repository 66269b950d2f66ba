"""Who may see and do what.

Staff see the instances of their own authority; a task's lane names the group that may
claim and complete it; a task claimed by one user cannot be completed by another.
Auditors read the instances of the authorities they audit and change nothing.
Sealed data (final tenders before their deadline) is masked for everyone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

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
    audited: tuple[int, ...] = ()  # the ids of the authorities in ``audits``

    @property
    def is_auditor(self) -> bool:
        return bool(self.audits)


def actor(session: Session, name: str) -> Actor:
    row = session.execute(select(User, Authority.name).join(
        Authority, Authority.id == User.authority_id).where(User.name == name)).first()
    if row is None:
        raise NotFound("no user named {name}", hint="add them with `opiflow users add`",
                       name=name)
    user, authority = row
    audits = tuple(user.audits or ())
    audited = tuple(session.scalars(select(Authority.id).where(Authority.name.in_(audits))
                                    .order_by(Authority.id))) if audits else ()
    return Actor(user.name, user.full_name or user.name, user.authority_id, authority,
                 tuple(user.groups or ()), audits, audited)


@dataclass(frozen=True)
class Reading:
    """What one user may read, as a SQL filter and as a check of one instance: staff
    read the instances of their own authority, auditors those of the authorities they
    audit (and not their own: an auditor runs no procedures)."""

    authority_ids: tuple[int, ...]

    def where(self, authority_id: ColumnElement[int] | InstrumentedAttribute[int]
              ) -> ColumnElement[bool]:
        """The SQL condition on an ``authority_id`` column (instances, open tasks)."""
        return authority_id.in_(self.authority_ids)

    def allows(self, instance: Instance) -> bool:
        return instance.authority_id in self.authority_ids


def reading(who: Actor) -> Reading:
    """The one rule of what ``who`` may read (lists filter with it, checks use it)."""
    return Reading(who.audited if who.is_auditor else (who.authority_id,))


def check_may_read(who: Actor, instance: Instance, task: OpenTask | None = None) -> None:
    """Staff read their authority's instances; auditors those they audit. An open task
    that belongs to a participant authority of a joint process (its invitation, its own
    procurement) is read by that authority's staff only, not by the facilitator."""
    if task is not None and task.authority_id != instance.authority_id:
        # a participant authority's task in a joint process: for its own staff only
        if not who.is_auditor and task.authority_id == who.authority_id:
            return
        raise NotFound("no open task {id}", hint="see your own task list", id=task.id)
    if reading(who).allows(instance):
        return
    # the instance of another authority does not exist for this user
    raise NotFound("no instance {id}", hint="see the instances of your authority",
                   id=instance.id)


def check_may_manage(who: Actor, instance: Instance) -> None:
    if who.is_auditor:
        raise Forbidden("auditors have read-only access", hint="ask the procurement staff")
    if instance.authority_id != who.authority_id:
        raise NotFound("no instance {id}", hint="see the instances of your authority",
                       id=instance.id)


CANCELLING_GROUPS = ("Indkøb", "Ledelse", "Facilitator")


def may_cancel(who: Actor, instance: Instance) -> bool:
    """Staff of the instance's authority who lead procedures (procurement, management,
    a joint process's facilitator) may cancel one; evaluators, lawyers and auditors
    may not."""
    return not who.is_auditor and instance.authority_id == who.authority_id and \
        bool(set(CANCELLING_GROUPS) & set(who.groups))


def check_may_cancel(who: Actor, instance: Instance) -> None:
    check_may_manage(who, instance)
    if not may_cancel(who, instance):
        raise Forbidden("{name} may not cancel a procedure: only the groups {groups} may",
                        hint="ask procurement or management to cancel it", name=who.name,
                        groups=list(CANCELLING_GROUPS))


def check_may_work_on(who: Actor, instance: Instance, task: OpenTask) -> None:
    if who.is_auditor or task.authority_id != who.authority_id:
        check_may_manage(who, instance)
    if task.authority_id != who.authority_id:
        raise NotFound("no open task {id}", hint="see your own task list", id=task.id)
    if task.lane and task.lane not in who.groups and task.assignee != who.name:
        raise Forbidden("the task '{title}' belongs to the group {lane}; {name} is "
                        "not in it",
                        hint="ask someone in {lane}, or an administrator to add you",
                        title=task.title, lane=task.lane, name=who.name)


def joint_view(session, who: Actor, instance: Instance) -> str:
    """How ``who`` sees a joint process: "facilitator" (its owner, or an auditor of the
    owner: every party and each child's phase and dates), "participant" (an authority
    taking part: the process and its own child only); anyone else: it does not exist."""
    from . import joint

    if instance.authority_id == who.authority_id and not who.is_auditor:
        return "facilitator"
    if who.is_auditor:
        check_may_read(who, instance)
        return "facilitator"
    if joint.may_read(joint.role_of(session, instance.id, who.authority_id)):
        return "participant"
    raise NotFound("no joint process {id}",
                   hint="a joint process is shown to its facilitator and participants",
                   id=instance.id)


def may_work_on(who: Actor, task: OpenTask) -> bool:
    """Whether ``who`` may claim and complete ``task``: yes exactly when
    ``check_may_work_on`` and ``check_not_claimed_by_other`` refuse nothing (staff of
    the task's authority, in its lane or assigned to it, and not claimed by another)."""
    if who.is_auditor or task.authority_id != who.authority_id:
        return False
    if task.assignee:
        return task.assignee == who.name
    return not task.lane or task.lane in who.groups


def check_not_claimed_by_other(who: Actor, task: OpenTask, action: str = "complete") -> None:
    if task.assignee and task.assignee != who.name:
        raise Forbidden("the task '{title}' is claimed by {assignee}",
                        field="assignee",
                        hint="ask {assignee} to unclaim it before you {action} it",
                        title=task.title, assignee=task.assignee, action=action)


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

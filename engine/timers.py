"""Firing due timers: one instance at a time, each in its own unit of work.

A due instance is taken with ``FOR UPDATE SKIP LOCKED`` (on PostgreSQL), so several
tickers never fire one timer twice. If firing fails (a script after the timer raises, a
step cannot be saved), that unit of work is rolled back and the failure is recorded as
an incident on that instance alone (engine/incidents.py): its next look is moved to the
retry time, so it is never picked first again and never stops another instance's timer.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_, select

from . import incidents, portfolio, steps, store
from . import workflow as wfl
from .errors import Conflict
from .models import Incident, Instance

log = logging.getLogger("opiflow.timers")


@dataclass(frozen=True)
class Outcome:
    """What happened to one due instance."""

    instance_id: str
    fired: bool
    error: str | None = None


def tick(engine, now: datetime) -> list[str]:
    """Fire every timer due at ``now``; returns the ids of the instances that moved."""
    moved: list[str] = []
    seen: set[str] = set()
    while (outcome := fire_next(engine, now, seen)) is not None:
        if outcome.fired:
            moved.append(outcome.instance_id)
    return moved


def fire_next(engine, now: datetime, seen: set[str],
              only: str | None = None) -> Outcome | None:
    """Fire the next due instance not in ``seen`` (or only the instance ``only``);
    None when nothing more is due."""
    with engine.uow() as uow:
        s = uow.session
        query = (select(Instance).where(Instance.status == "running",
                                        Instance.next_timer_at <= now, ~_waiting(now))
                 .order_by(Instance.next_timer_at, Instance.id).limit(1)
                 .with_for_update(skip_locked=True))
        if only is not None:
            query = query.where(Instance.id == only)
        if seen:
            query = query.where(Instance.id.not_in(seen))
        instance = s.scalar(query)
        if instance is None:
            return None
        instance_id, version = instance.id, instance.lock_version
        seen.add(instance_id)
        try:
            fired = _fire(engine, s, instance, now)
            store.commit(uow)
        except Conflict:
            return Outcome(instance_id, False)  # someone else moved it first
        except Exception as err:  # noqa: BLE001 - a model's failure is this instance's alone
            failure = err  # a step, or saving what it produced (e.g. data the database refuses)
        else:
            return Outcome(instance_id, fired)
    log.warning("the timer of instance %s failed: %s", instance_id, failure)
    return Outcome(instance_id, False,
                   incidents.record_failure(engine, instance_id, version, now, failure))


def _waiting(now: datetime):
    """An open incident whose retry is not due yet (or that waits for a person): the
    back-off holds even when a completed task has put the instance's timer back."""
    return exists().where(Incident.instance_id == Instance.id,
                          Incident.resolved_at.is_(None),
                          or_(Incident.next_retry_at.is_(None), Incident.next_retry_at > now))


def _fire(engine, s, instance: Instance, now: datetime) -> bool:
    _parsed, wf = engine.store.load(s, instance)
    before = wfl.snapshot(wf)
    with portfolio.scope(s, instance.id):  # drawdowns the process books (engine/portfolio)
        steps.fire_timers(wf, now)
    after = wfl.snapshot(wf)
    fired = after != before
    if fired:
        engine.store.save(s, instance, wf, now, "timer_fired", "system", snapshot=after)
    else:
        instance.next_timer_at = wfl.next_timer(wf)
    incidents.settle(s, instance, now, fired)
    return fired

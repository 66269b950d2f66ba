"""Incidents: instances whose timers led into a failing step.

The first failure opens an incident (the element, the error, when) and writes an
"incident" event to the instance's audit log. The instance is tried again by itself
after OPIFLOW_INCIDENT_BACKOFF_SECONDS, doubling each time, at most
OPIFLOW_INCIDENT_RETRIES times; after that it waits for a person. A later success
resolves the incident ("system"). Members of OPIFLOW_INCIDENT_GROUPS in the instance's
authority may retry it at once or resolve it with a note; each act is an audit event.
Staff of the authority (and its auditors) see the incidents; nobody else does.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from . import access, audit, config, store
from . import workflow as wfl
from .errors import Conflict, Forbidden, InvalidData, NotFound, OpiflowError
from .models import Incident, Instance

ERROR_CHARS = 2000  # an error message is kept to this length


def settings() -> tuple[int, int, tuple[str, ...]]:
    """(retries, first back-off in seconds, groups that may act)."""
    groups = tuple(g.strip() for g in config.get("OPIFLOW_INCIDENT_GROUPS").split(",")
                   if g.strip())
    return (int(config.number("OPIFLOW_INCIDENT_RETRIES", zero=True)),
            int(config.number("OPIFLOW_INCIDENT_BACKOFF_SECONDS")), groups)


def open_incident(s, instance_id: str) -> Incident | None:
    return s.scalar(select(Incident).where(Incident.instance_id == instance_id,
                                           Incident.resolved_at.is_(None))
                    .order_by(Incident.id.desc()).limit(1))


def describe(err: BaseException) -> tuple[str | None, str]:
    """The element and the message of a failure, as staff and designers read them."""
    if isinstance(err, OpiflowError):
        return err.element, str(err)[:ERROR_CHARS]
    return None, f"{type(err).__name__}: {err}"[:ERROR_CHARS]


def record_failure(engine, instance_id: str, version: int, now: datetime,
                   err: BaseException) -> str:
    """Open or update the instance's incident and move its next look to the retry time
    (or to never, once the retries are spent). Returns the error message."""
    element, message = describe(err)
    with engine.uow() as uow:
        s = uow.session
        instance = s.scalar(select(Instance).where(Instance.id == instance_id)
                            .with_for_update())
        if instance is None or instance.lock_version != version:
            return message  # it moved meanwhile (another ticker, a person): theirs now
        retries, backoff, _groups = settings()
        incident = open_incident(s, instance_id)
        if incident is None:
            incident = Incident(instance_id=instance_id, authority_id=instance.authority_id,
                                element=element, error=message, opened_at=now,
                                failed_at=now, attempts=0)
            s.add(incident)
            s.flush()
            audit.append(s, instance, "incident", "system", now,
                         data={"incident": incident.id, "element": element,
                               "error": message})
        incident.attempts += 1
        incident.failed_at, incident.element, incident.error = now, element, message
        incident.next_retry_at = (now + timedelta(seconds=backoff * 2 ** (incident.attempts - 1))
                                  if incident.attempts <= retries else None)
        instance.next_timer_at = incident.next_retry_at
        try:
            store.commit(uow)
        except Conflict:
            pass  # someone else changed the instance: it is looked at again next tick
    return message


def settle(s, instance: Instance, now: datetime, fired: bool) -> None:
    """After a firing that did not fail: a timer that fired resolves the open incident."""
    incident = open_incident(s, instance.id) if fired else None
    if incident is not None:
        incident.resolved_at, incident.resolved_by = now, "system"
        incident.resolution = "the timer fired on a later attempt"
        incident.next_retry_at = None


def as_dict(incident: Incident, instance: Instance | None = None) -> dict:
    result = {"id": incident.id, "instance_id": incident.instance_id,
              "element": incident.element, "error": incident.error,
              "opened_at": incident.opened_at.isoformat(),
              "failed_at": incident.failed_at.isoformat(), "attempts": incident.attempts,
              "next_retry_at": _iso(incident.next_retry_at),
              "resolved_by": incident.resolved_by, "resolved_at": _iso(incident.resolved_at),
              "resolution": incident.resolution, "open": incident.resolved_at is None}
    if instance is not None:
        result.update(title=instance.title, model=instance.model, status=instance.status)
    return result


def listing(engine, user: str | None = None, instance_id: str | None = None,
            include_resolved: bool = False) -> list[dict]:
    """Incidents, newest first; with ``user``, only those of authorities they may read."""
    with engine.uow() as uow:
        s = uow.session
        query = select(Incident, Instance).join(Instance, Instance.id == Incident.instance_id)
        if user is not None:
            query = query.where(access.reading(engine.users.actor(s, user)).where(
                Incident.authority_id))
        if instance_id is not None:
            query = query.where(Incident.instance_id == instance_id)
        if not include_resolved:
            query = query.where(Incident.resolved_at.is_(None))
        rows = s.execute(query.order_by(Incident.opened_at.desc(), Incident.id.desc())).all()
        return [as_dict(incident, instance) for incident, instance in rows]


def may_act(actor: access.Actor) -> bool:
    return not actor.is_auditor and bool(set(settings()[2]) & set(actor.groups))


def _for_act(engine, s, incident_id: int, user: str) -> tuple[access.Actor, Incident,
                                                              Instance]:
    actor = engine.users.actor(s, user)
    incident = s.get(Incident, int(incident_id)) if str(incident_id).isdigit() else None
    instance = s.get(Instance, incident.instance_id) if incident else None
    if incident is None or instance is None:
        raise NotFound("no incident {incident_id}", hint="see `opiflow incidents`",
                       incident_id=incident_id)
    try:
        access.check_may_read(actor, instance)  # another authority's: it does not exist
    except NotFound:
        raise NotFound("no incident {incident_id}", hint="see `opiflow incidents`",
                       incident_id=incident_id) from None
    access.check_may_manage(actor, instance)
    if not may_act(actor):
        groups = " or ".join(settings()[2]) or "(none configured)"
        raise Forbidden("{name} may not retry or resolve incidents",
                        field="groups", hint="ask someone in {groups}",
                        name=actor.name, groups=groups)
    if incident.resolved_at is not None:
        raise Conflict("incident {id} was resolved by {resolved_by}",
                       hint="reload the list of incidents",
                       id=incident.id, resolved_by=incident.resolved_by)
    return actor, incident, instance


def retry(engine, incident_id: int, user: str) -> dict:
    """Try the instance's timers again now (audited); returns the incident afterwards."""
    from .timers import fire_next

    now = engine.now()
    with engine.uow() as uow:
        s = uow.session
        actor, incident, instance = _for_act(engine, s, incident_id, user)
        if instance.status != "running":
            raise Conflict("the instance is {status}; there is nothing to retry",
                           hint="resolve the incident instead", status=instance.status)
        instance.next_timer_at = incident.next_retry_at = now
        instance.updated_at = now
        audit.append(s, instance, "incident_retried", actor.name, now,
                     data={"incident": incident.id})
        store.commit(uow)
        instance_id = instance.id
    fire_next(engine, now, set(), only=instance_id)
    return _reload(engine, incident_id)


def resolve(engine, incident_id: int, user: str, note: str) -> dict:
    """Close the incident with a note (audited). A running instance's timers go back on
    the workflow's own schedule: if the cause is still there, a new incident opens."""
    note = (note or "").strip()
    if not note:
        raise InvalidData("resolving an incident needs a note", field="note",
                          hint="say what was done, e.g. the model was fixed or the "
                               "procedure cancelled")
    now = engine.now()
    with engine.uow() as uow:
        s = uow.session
        actor, incident, instance = _for_act(engine, s, incident_id, user)
        incident.resolved_at, incident.resolved_by = now, actor.name
        incident.resolution, incident.next_retry_at = note[:300], None
        if instance.status == "running":
            _parsed, wf = engine.store.load(s, instance)
            instance.next_timer_at = wfl.next_timer(wf)
        instance.updated_at = now
        audit.append(s, instance, "incident_resolved", actor.name, now,
                     data={"incident": incident.id, "note": note[:300]})
        store.commit(uow)
    return _reload(engine, incident_id)


def _reload(engine, incident_id: int) -> dict:
    with engine.uow() as uow:
        incident = uow.session.get(Incident, int(incident_id))
        return as_dict(incident, uow.session.get(Instance, incident.instance_id))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None

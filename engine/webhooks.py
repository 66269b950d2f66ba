"""Outgoing webhooks: an authority's systems are told of the audit events they chose.

Each webhook belongs to one authority and names the event kinds it wants (``started``,
``completed``, ``timer_fired``, ...). Every such event of that authority's instances,
written after the webhook was added, is POSTed once as JSON, signed with the webhook's
secret (``X-Opiflow-Signature: sha256=<HMAC-SHA256 of the body>``). A failed delivery is
tried again after 1, 5, 30, 120 and 720 minutes, then given up; every attempt is kept
in the delivery log. (webhook, event) is unique, so two schedulers deliver once.
Data still sealed is masked in the payload, as everywhere else.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from . import access, audit
from . import workflow as wfl
from .errors import InvalidData, NotFound
from .models import Authority, Event, Instance, Webhook, WebhookDelivery

BACKOFF_MINUTES = (1, 5, 30, 120, 720)  # after the 1st, 2nd, ... failure; then given up
KINDS = ("started", "completed", "claimed", "unclaimed", "timer_fired", "cancelled")
TIMEOUT = 10
LEASE = timedelta(minutes=10)  # a claimed attempt is retried after this if its process dies

# a function that POSTs: (url, body, headers) -> HTTP status; raises OSError on failure
Poster = Callable[[str, bytes, dict], int]


@dataclass(frozen=True)
class DeliveryInfo:
    id: int
    webhook_id: int
    event_id: int
    status: str  # pending, delivered, failed (given up)
    attempts: int
    last_result: str
    next_attempt_at: datetime | None
    delivered_at: datetime | None


def post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def add(s, authority: str, url: str, kinds: list[str]) -> tuple[int, str]:
    """Add a webhook; returns (id, secret): the receiver checks signatures with it."""
    if not url.startswith(("https://", "http://")):
        raise InvalidData("the webhook URL must start with https://", field="url",
                          hint="e.g. https://sag.example.dk/opiflow")
    unknown = [k for k in kinds if k not in KINDS]
    if not kinds or unknown:
        raise InvalidData("choose event kinds among {names}", field="kinds",
                          hint="e.g. --kinds completed,timer_fired", names=KINDS)
    owner = s.scalar(select(Authority).where(Authority.name == authority))
    if owner is None:
        raise NotFound("no authority named {authority}", hint="see `opiflow users`",
                       authority=authority)
    secret = secrets.token_hex(32)
    since = s.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
    hook = Webhook(authority_id=owner.id, url=url, secret=secret, kinds=list(kinds),
                   after_event_id=since, active=True)
    s.add(hook)
    s.flush()
    return hook.id, secret


def _payload(s, event: Event, instance: Instance, authority: str, now: datetime) -> dict:
    meta = wfl.stored_meta(instance.state)
    return {"event": {"instance_id": event.instance_id, "seq": event.seq,
                      "kind": event.kind, "actor": event.actor,
                      "at": event.at.isoformat(), "task": event.task_title,
                      "task_spec": event.task_spec,
                      "data": access.mask_sealed(event.data or {}, meta, now),
                      "hash": event.hash},
            "instance": access.summary(instance, authority)}


def queue(s, now: datetime) -> list[WebhookDelivery]:
    """Deliveries for the chosen events not queued yet (unsaved)."""
    new = []
    for hook in s.scalars(select(Webhook).where(Webhook.active.is_(True))):
        queued = select(WebhookDelivery.event_id).where(WebhookDelivery.webhook_id == hook.id)
        events = s.scalars(select(Event.id).join(Instance, Instance.id == Event.instance_id)
                           .where(Instance.authority_id == hook.authority_id,
                                  Event.id > hook.after_event_id,
                                  Event.kind.in_(hook.kinds), Event.id.not_in(queued))
                           .order_by(Event.id))
        new += [WebhookDelivery(webhook_id=hook.id, event_id=eid, status="pending",
                                attempts=0, last_result="", next_attempt_at=now)
                for eid in events]
    return new


def _attempt(engine, delivery_id: int, now: datetime, poster: Poster) -> bool:
    """One attempt at one due delivery, if this process claims it first."""
    with engine.uow() as uow:
        s = uow.session
        row = s.get(WebhookDelivery, delivery_id)
        if row is None or row.status != "pending" or row.next_attempt_at > now:
            return False
        attempts = row.attempts + 1
        # the claim: the next attempt is moved out of reach while this one runs, so a
        # second scheduler finds nothing due (and the row is retried if this one dies)
        claimed = s.execute(update(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
            WebhookDelivery.attempts == attempts - 1,
            WebhookDelivery.next_attempt_at <= now).values(
            attempts=attempts, next_attempt_at=now + LEASE))
        if claimed.rowcount != 1:
            return False
        hook = s.get(Webhook, row.webhook_id)
        event = s.get(Event, row.event_id)
        instance = s.get(Instance, event.instance_id)
        authority = s.get(Authority, instance.authority_id).name
        body = audit.canonical(_payload(s, event, instance, authority, now)).encode()
        url, secret = hook.url, hook.secret
        ref = f"{event.instance_id}/{event.seq}"
        uow.commit()
    headers = {"Content-Type": "application/json", "User-Agent": "opiflow-webhooks",
               "X-Opiflow-Event": ref,
               "X-Opiflow-Signature": signature(secret, body)}
    try:
        status = poster(url, body, headers)
        result, ok = f"HTTP {status}", 200 <= status < 300
    except OSError as err:
        result, ok = f"error: {err}"[:300], False
    with engine.uow() as uow:
        values: dict = {"last_result": result}
        if ok:
            values.update(status="delivered", delivered_at=now, next_attempt_at=None)
        elif attempts > len(BACKOFF_MINUTES):
            values.update(status="failed", next_attempt_at=None)
        else:
            values["next_attempt_at"] = now + timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
        uow.session.execute(update(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id).values(**values))
        uow.commit()
    return ok


def run(engine, now: datetime, poster: Poster = post) -> int:
    """Queue new deliveries and attempt every due one; returns how many succeeded."""
    with engine.uow() as uow:
        rows = queue(uow.session, now)
    for row in rows:  # each in its own transaction: (webhook, event) is unique
        with engine.uow() as uow:
            uow.session.add(row)
            try:
                uow.commit()
            except IntegrityError:  # another scheduler queued it first
                continue
    with engine.uow() as uow:
        due = list(uow.session.scalars(select(WebhookDelivery.id).where(
            WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.id)))
    return sum(_attempt(engine, d, now, poster) for d in due)


def deliveries(s, webhook_id: int) -> list[DeliveryInfo]:
    return [DeliveryInfo(d.id, d.webhook_id, d.event_id, d.status, d.attempts, d.last_result,
                         d.next_attempt_at, d.delivered_at)
            for d in s.scalars(select(WebhookDelivery).where(
                WebhookDelivery.webhook_id == webhook_id).order_by(WebhookDelivery.id))]

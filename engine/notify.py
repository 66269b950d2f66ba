"""Notifications: an in-app inbox and e-mail, made by a scan the scheduler runs.

What people are told (each user chooses which, and how: at once, a daily digest, or the
inbox only):
- ``claimable``: a task became claimable by your group;
- ``due_tomorrow`` / ``overdue``: a task of yours or your group's is due tomorrow, or late;
- ``deadline``: a deadline or standstill of a procedure you started ended (a timer fired);
- ``phase``: a procedure you started moved to another phase.

Exactly once: every notification has a key (``claimable:<task>``, ``due:<task>:<day>``,
...) and (user, key) is unique in the table, so two schedulers scanning at once make one
row; the e-mail goes to whoever claims the row (``emailed_at`` set where it was empty).
"""
from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from . import config
from .clock import LOCAL_ZONE
from .errors import InvalidData, NotFound
from .models import (
    Event,
    Instance,
    Notification,
    NotificationSettings,
    OpenTask,
    User,
)
from .notify_texts import format_moment, render

log = logging.getLogger("opiflow.notify")
KINDS = ("claimable", "due_tomorrow", "overdue", "deadline", "phase")
DELIVERIES = ("immediate", "digest", "inbox")
LOOKBACK = timedelta(days=2)  # events older than this are not looked at again
IMMEDIATE_WITHIN = timedelta(days=1)  # older unsent rows wait for no e-mail


@dataclass(frozen=True)
class Preferences:
    email: str | None
    language: str
    kinds: tuple[str, ...]
    delivery: str

    def as_dict(self) -> dict:
        return {"email": self.email, "language": self.language, "kinds": list(self.kinds),
                "delivery": self.delivery}


@dataclass
class Draft:
    user: str
    key: str
    kind: str
    instance_id: str
    task_id: str | None
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    sender: str
    tls: str = "off"
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls) -> Mailer | None:
        host = config.get("OPIFLOW_SMTP_HOST")
        if not host:
            return None
        return cls(host, int(config.get("OPIFLOW_SMTP_PORT")), config.get("OPIFLOW_SMTP_FROM"),
                   config.get("OPIFLOW_SMTP_TLS"), config.get("OPIFLOW_SMTP_USER"),
                   config.get("OPIFLOW_SMTP_PASSWORD"))

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        smtp_class = smtplib.SMTP_SSL if self.tls == "ssl" else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=10) as smtp:
            if self.tls == "starttls":
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


# ------------------------------------------------------------------ preferences
def default_preferences() -> Preferences:
    return Preferences(None, config.get("OPIFLOW_LANGUAGE"), KINDS, "immediate")


def preferences(s, user: str) -> Preferences:
    row = s.execute(select(NotificationSettings).join(
        User, User.id == NotificationSettings.user_id).where(User.name == user)).scalar()
    if row is None:
        return default_preferences()
    return Preferences(row.email, row.language, tuple(row.kinds), row.delivery)


def set_preferences(s, user: str, chosen: Preferences) -> None:
    if chosen.delivery not in DELIVERIES:
        raise InvalidData("delivery must be one of {names}",
                          field="delivery", hint="choose immediate, digest or inbox",
                          names=DELIVERIES)
    if chosen.language not in ("da", "en"):
        raise InvalidData("language must be da or en", field="language", hint="choose da")
    unknown = [k for k in chosen.kinds if k not in KINDS]
    if unknown:
        raise InvalidData("unknown notification kinds: {names}",
                          field="kinds", hint="choose among {kinds}",
                          names=unknown, kinds=KINDS)
    email = (chosen.email or "").strip() or None
    if email and ("@" not in email or " " in email or len(email) > 200):
        raise InvalidData("the e-mail address is not valid", field="email",
                          hint="write it as name@example.dk, or leave it empty")
    owner = s.scalar(select(User).where(User.name == user))
    if owner is None:
        raise NotFound("no user named {user}", hint="add them with `opiflow users add`",
                       user=user)
    row = s.get(NotificationSettings, owner.id)
    if row is None:
        row = NotificationSettings(user_id=owner.id)
        s.add(row)
    row.email, row.language, row.delivery = email, chosen.language, chosen.delivery
    row.kinds = [k for k in KINDS if k in chosen.kinds]


# ------------------------------------------------------------------------- scan
def _members(s) -> dict[tuple[int, str], list[str]]:
    """(authority id, group) -> the staff in it (auditors are told nothing)."""
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for user in s.scalars(select(User).order_by(User.name)):
        if user.audits:
            continue
        for group in user.groups or ():
            found[(user.authority_id, group)].append(user.name)
    return found


def _task_drafts(s, now: datetime) -> list[Draft]:
    members = _members(s)
    tomorrow = (now.astimezone(LOCAL_ZONE) + timedelta(days=1)).date()
    drafts = []
    for task, title in s.execute(select(OpenTask, Instance.title).join(
            Instance, Instance.id == OpenTask.instance_id)
            .order_by(OpenTask.created_at, OpenTask.id)):
        group = members.get((task.authority_id, task.lane), []) if task.lane else []
        values = {"task": task.title, "title": title,
                  "lane": task.lane or "", "due": task.due_at}
        people = [task.assignee] if task.assignee else group
        if not task.assignee:
            drafts += [Draft(u, f"claimable:{task.id}", "claimable", task.instance_id,
                             task.id, values) for u in group]
        if task.due_at is None:
            continue
        if task.due_at < now:
            drafts += [Draft(u, f"overdue:{task.id}", "overdue", task.instance_id, task.id,
                             values) for u in people]
        elif task.due_at.astimezone(LOCAL_ZONE).date() == tomorrow:
            drafts += [Draft(u, f"due:{task.id}:{tomorrow}", "due_tomorrow",
                             task.instance_id, task.id, values) for u in people]
    return drafts


def _event_drafts(s, now: datetime) -> list[Draft]:
    """Timers that fired and phase changes, from the audit log of the last days."""
    rows = s.execute(select(Event.instance_id, Event.seq, Event.kind, Event.actor, Event.at,
                            Event.snapshot, Instance.title, Instance.phase,
                            Instance.started_by)
                     .join(Instance, Instance.id == Event.instance_id)
                     .where(Event.at >= now - LOOKBACK)
                     .order_by(Event.instance_id, Event.seq)).all()
    drafts: list[Draft] = []
    last_change: dict[str, Draft] = {}
    previous: dict[str, str | None] = {}
    for row in rows:
        values = {"title": row.title, "phase": row.phase, "at": row.at}
        if row.kind == "timer_fired":
            drafts.append(Draft(row.started_by, f"deadline:{row.instance_id}:{row.seq}",
                                "deadline", row.instance_id, None, values))
        digest = ((row.snapshot or {}).get("data") or {}).get("status_phase")
        before = previous.get(row.instance_id, digest)
        previous[row.instance_id] = digest
        starter_did_it = row.actor.split(" ", 1)[0] == row.started_by
        if digest != before and row.seq > 1 and not starter_did_it:
            last_change[row.instance_id] = Draft(
                row.started_by, f"phase:{row.instance_id}:{row.seq}", "phase",
                row.instance_id, None, values)
    return drafts + list(last_change.values())  # only the latest change: today's phase


def _link(draft: Draft, base_url: str) -> str:
    if draft.task_id and draft.kind in ("claimable", "due_tomorrow", "overdue"):
        return f"{base_url}/tasks/{draft.task_id}"
    return f"{base_url}/instances/{draft.instance_id}"


def make(s, now: datetime, base_url: str) -> list[Notification]:
    """The notifications due and not made yet (unsaved), in each user's language."""
    drafts = _task_drafts(s, now) + _event_drafts(s, now)
    if not drafts:
        return []
    users = {d.user for d in drafts}
    made = set(s.execute(select(Notification.user_name, Notification.key)
                         .where(Notification.user_name.in_(users))).all())
    chosen = {u: preferences(s, u) for u in users}
    new = []
    for draft in drafts:
        if (draft.user, draft.key) in made or draft.kind not in chosen[draft.user].kinds:
            continue
        made.add((draft.user, draft.key))
        link = _link(draft, base_url)
        subject, body = render(draft.kind, chosen[draft.user].language,
                               {**draft.values, "link": link})
        new.append(Notification(user_name=draft.user, key=draft.key, kind=draft.kind,
                                instance_id=draft.instance_id, task_id=draft.task_id,
                                subject=subject[:300], body=body, link=link,
                                created_at=now))
    return new


# --------------------------------------------------------------------- delivery
def _claim(s, ids: list[int], now: datetime) -> list[Notification]:
    """The rows of ``ids`` this process may e-mail: those whose ``emailed_at`` it set."""
    claimed = []
    for nid in ids:
        done = s.execute(update(Notification).where(Notification.id == nid,
                                                    Notification.emailed_at.is_(None))
                         .values(emailed_at=now))
        if done.rowcount == 1:
            claimed.append(nid)
    return list(s.scalars(select(Notification).where(Notification.id.in_(claimed))
                          .order_by(Notification.id))) if claimed else []


def pending_mail(s, now: datetime) -> tuple[list[tuple[str, list[int]]], list[str]]:
    """(e-mail address, row ids) to send at once, and the users whose digest is due."""
    immediate: dict[str, list[int]] = defaultdict(list)
    digests = []
    local = now.astimezone(LOCAL_ZONE)
    digest_due = local.hour >= int(config.get("OPIFLOW_DIGEST_HOUR"))
    rows = s.execute(select(Notification.id, Notification.user_name, Notification.created_at)
                     .where(Notification.emailed_at.is_(None))
                     .order_by(Notification.id)).all()
    users = {r.user_name for r in rows}
    chosen = {u: preferences(s, u) for u in users}
    for nid, user, created in rows:
        wants = chosen[user]
        if not wants.email:
            continue
        if wants.delivery == "immediate" and created >= now - IMMEDIATE_WITHIN:
            immediate[user].append(nid)
        elif wants.delivery == "digest" and digest_due and user not in digests:
            digests.append(user)
    return list(immediate.items()), digests


def deliver(engine, now: datetime, mailer: Mailer | None) -> int:
    """E-mail what is due; returns the number of e-mails sent."""
    if mailer is None:
        return 0
    sent = 0
    with engine.uow() as uow:
        immediate, digests = pending_mail(uow.session, now)
    for user, ids in immediate:
        for nid in ids:
            sent += _send(engine, now, mailer, user, [nid], digest=False)
    for user in digests:
        with engine.uow() as uow:
            s = uow.session
            today = str(now.astimezone(LOCAL_ZONE).date())
            owner = s.scalar(select(User.id).where(User.name == user))
            done = s.execute(update(NotificationSettings).where(
                NotificationSettings.user_id == owner,
                (NotificationSettings.last_digest_on.is_(None))
                | (NotificationSettings.last_digest_on < today))
                .values(last_digest_on=today))
            if done.rowcount != 1:
                continue  # another scheduler sends today's digest
            ids = list(s.scalars(select(Notification.id).where(
                Notification.user_name == user, Notification.emailed_at.is_(None))))
            uow.commit()
        sent += _send(engine, now, mailer, user, ids, digest=True)
    return sent


def _send(engine, now: datetime, mailer: Mailer, user: str, ids: list[int],
          digest: bool) -> int:
    from .notify_texts import digest_text

    with engine.uow() as uow:
        rows = [(r.id, r.subject, r.body) for r in _claim(uow.session, ids, now)]
        wants = preferences(uow.session, user)
        uow.commit()
    if not rows or not wants.email:
        return 0
    if digest:
        subject, body = digest_text(wants.language, [(r[1], r[2]) for r in rows], now)
    else:
        subject, body = rows[0][1], rows[0][2]
    try:
        mailer.send(wants.email, subject, body)
    except (OSError, smtplib.SMTPException):
        log.exception("could not e-mail %s; it is tried again at the next run", user)
        with engine.uow() as uow:
            uow.session.execute(update(Notification).where(
                Notification.id.in_([r[0] for r in rows])).values(emailed_at=None))
            uow.commit()
        return 0
    return 1


def run(engine, now: datetime | None = None, mailer: Mailer | None = None,
        base_url: str | None = None) -> tuple[int, int]:
    """Make the notifications that are due and e-mail them: (made, e-mails sent)."""
    now = now or engine.now()
    with engine.uow() as uow:
        rows = make(uow.session, now, (base_url or config.get("OPIFLOW_BASE_URL")).rstrip("/"))
    made = 0
    for row in rows:  # each in its own transaction: (user, key) is unique
        with engine.uow() as uow:
            uow.session.add(row)
            try:
                uow.commit()
                made += 1
            except IntegrityError:  # another scheduler made it first
                continue
    return made, deliver(engine, now, mailer)


@dataclass(frozen=True)
class Message:
    """One notification as the inbox shows it."""

    id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None


def inbox(s, user: str, limit: int = 100) -> list[Message]:
    rows = s.scalars(select(Notification).where(Notification.user_name == user)
                     .order_by(Notification.created_at.desc(), Notification.id.desc())
                     .limit(limit))
    return [Message(r.id, r.kind, r.subject, r.body, r.link, r.created_at, r.read_at,
                    r.emailed_at) for r in rows]


def mark_read(s, user: str, notification_id: int, now: datetime) -> None:
    row = s.get(Notification, notification_id)
    if row is None or row.user_name != user:
        raise NotFound("no notification {notification_id}", hint="see your inbox",
                       notification_id=notification_id)
    if row.read_at is None:
        row.read_at = now


__all__ = ["KINDS", "DELIVERIES", "Mailer", "Preferences", "run", "format_moment"]

"""Logging in to the web UI: lockout, constant-time checks and server-side sessions.

- Wrong passwords are counted per user name and per address in ``login_failures``
  (in the database, so every worker sees them). ``attempts`` wrong passwords for a
  name within ``minutes`` lock that name; four times as many lock the address. A
  lockout ends when the failures are ``minutes`` old; locked logins are not checked.
- An unknown user name costs the same argon2 verification as a known one (a dummy
  hash), so answer times do not tell which names exist.
- Each login makes a row in ``web_sessions``; the cookie carries its id and every
  request checks that it still exists. Logging out deletes it: a copied cookie dies.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .errors import OpiflowError
from .models import LoginFailure, WebSession
from .users import password_matches

ADDRESS_FACTOR = 4


@dataclass(frozen=True)
class LoginPolicy:
    attempts: int = 5
    minutes: int = 15


class LockedOut(OpiflowError):
    """Too many wrong passwords for this user name or from this address."""

    status = 429

    def __init__(self, until: datetime):
        super().__init__("too many wrong passwords: logins are paused",
                         hint=f"try again after {until.isoformat(timespec='minutes')}")
        self.until = until


def log_in(s: Session, name: str, password: str, address: str, now: datetime,
           policy: LoginPolicy) -> str | None:
    """A new session id if ``password`` is right for ``name``; None if not (the
    failure is recorded). Raises LockedOut while the name or address is locked."""
    name, address = name[:100], (address or "-")[:64]
    _check_not_locked(s, name, address, now, policy)
    if not password_matches(s, name, password):  # a dummy hash when the user is unknown
        window = now - timedelta(minutes=policy.minutes)
        s.execute(delete(LoginFailure).where(LoginFailure.at < window))
        s.add(LoginFailure(user_name=name, address=address, at=now))
        return None
    s.execute(delete(LoginFailure).where(LoginFailure.user_name == name))
    session_id = secrets.token_urlsafe(32)
    s.add(WebSession(id=session_id, user_name=name, created_at=now))
    return session_id


def _check_not_locked(s: Session, name: str, address: str, now: datetime,
                      policy: LoginPolicy) -> None:
    window = now - timedelta(minutes=policy.minutes)
    for column, value, limit in ((LoginFailure.user_name, name, policy.attempts),
                                 (LoginFailure.address, address,
                                  policy.attempts * ADDRESS_FACTOR)):
        recent = select(LoginFailure.at).where(column == value, LoginFailure.at >= window)
        count = s.scalar(select(func.count()).select_from(recent.subquery())) or 0
        if count >= limit:
            # unlocked when all but limit-1 of the recent failures have aged out
            times = s.scalars(recent.order_by(LoginFailure.at.desc()).limit(limit)).all()
            raise LockedOut(times[-1] + timedelta(minutes=policy.minutes))


def is_active(s: Session, session_id: str | None, name: str) -> bool:
    if not session_id or not isinstance(session_id, str) or len(session_id) > 64:
        return False
    row = s.get(WebSession, session_id)
    return row is not None and row.user_name == name


def log_out(s: Session, session_id: str | None) -> None:
    if session_id and isinstance(session_id, str):
        s.execute(delete(WebSession).where(WebSession.id == session_id))

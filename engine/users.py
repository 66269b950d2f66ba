"""Users, their authority and groups, and the actors a verb acts as.

An actor (``access.Actor``) is remembered for ACTOR_SECONDS, so a page does not look the
same user up several times; changes made through this engine apply at once, changes
from another process within ACTOR_SECONDS.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import access
from .errors import InvalidData
from .models import Authority, User
from .passwords import check_password

ACTOR_SECONDS = 5.0  # how long a user's groups and authority are remembered


class Users:
    """The users of one engine, with its actor cache."""

    def __init__(self) -> None:
        self._actors: dict[str, tuple[float, access.Actor]] = {}
        self._lock = threading.Lock()

    def actor(self, s: Session, name: str) -> access.Actor:
        """The user with their authority and groups; raises NotFound."""
        now = time.monotonic()
        with self._lock:
            hit = self._actors.get(name)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = access.actor(s, name)
        with self._lock:
            self._actors[name] = (now + ACTOR_SECONDS, found)
        return found

    def forget(self, name: str) -> None:
        with self._lock:
            self._actors.pop(name, None)

    def add(self, s: Session, name: str, authority: str, groups: Iterable[str] = (), *,
            full_name: str = "", password_hash: str | None = None,
            audits: Iterable[str] = ()) -> None:
        """Create a user (and their authority if new), or update an existing one
        (nothing is committed here; ``forget`` the user once it is)."""
        if not name.strip() or not authority.strip():
            raise InvalidData("a user needs a name and an authority")
        auth = s.scalar(select(Authority).where(Authority.name == authority))
        if auth is None:
            auth = Authority(name=authority)
            s.add(auth)
            s.flush()
        user = s.scalar(select(User).where(User.name == name))
        if user is None:
            user = User(name=name)
            s.add(user)
        user.authority_id, user.groups = auth.id, sorted(set(groups))
        user.full_name, user.audits = full_name or user.full_name or name, list(audits)
        if password_hash:
            user.password_hash = password_hash


def password_matches(s: Session, name: str, password: str) -> bool:
    """Whether ``password`` is the user's (False for an unknown user)."""
    stored = s.scalar(select(User.password_hash).where(User.name == name))
    return check_password(stored, password)

"""Personal API tokens: a user creates and revokes them; a token acts as its user.

Only the sha256 of a token's random secret is stored; the secret is shown once, when the
token is made. While a request runs on a token, :func:`acting` names it, and every audit
event written in that request records the actor as ``"anna (token: sagssystem)"``.
"""
from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .errors import InvalidData, NotFound, OpiflowError
from .models import ApiToken, User

PREFIX = "opi_"
NAME_LENGTH = 60
_acting: ContextVar[str | None] = ContextVar("opiflow_token", default=None)


class Unauthorized(OpiflowError):
    """No valid token: unknown, revoked or expired."""

    status = 401


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items()}


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _user(s, name: str) -> User:
    user = s.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound("no user named {name}", hint="add them with `opiflow users add`",
                       name=name)
    return user


def create(s, user: str, name: str, now: datetime,
           expires_at: datetime | None = None) -> str:
    """Add a token for ``user``; returns its secret (the only time it is known)."""
    name = (name or "").strip()
    if not name or len(name) > NAME_LENGTH:
        raise InvalidData("a token needs a name of 1 to {NAME_LENGTH} characters",
                          field="name", hint="name it after the system that uses it, "
                                             "e.g. sagssystem", NAME_LENGTH=NAME_LENGTH)
    if expires_at is not None and expires_at <= now:
        raise InvalidData("the expiry date has passed", field="expires_at",
                          hint="choose a date in the future, or none")
    owner = _user(s, user)
    taken = s.scalars(select(ApiToken).where(ApiToken.user_id == owner.id,
                                             ApiToken.name == name,
                                             ApiToken.revoked_at.is_(None)))
    if any(t.expires_at is None or t.expires_at > now for t in taken):
        raise InvalidData("you already have a token named {name}", field="name",
                          hint="choose another name, or revoke the old token first", name=name)
    secret = PREFIX + secrets.token_urlsafe(32)
    s.add(ApiToken(user_id=owner.id, name=name, secret_hash=digest(secret), created_at=now,
                   expires_at=expires_at))
    return secret


def listed(s, user: str) -> list[TokenInfo]:
    owner = _user(s, user)
    rows = s.scalars(select(ApiToken).where(ApiToken.user_id == owner.id)
                     .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [TokenInfo(t.id, t.name, t.created_at, t.expires_at, t.revoked_at) for t in rows]


def revoke(s, user: str, token_id: int, now: datetime) -> None:
    owner = _user(s, user)
    token = s.get(ApiToken, token_id)
    if token is None or token.user_id != owner.id:  # another's token does not exist
        raise NotFound("no token {token_id}", hint="see your tokens", token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = now


def authenticate(s, secret: str, now: datetime) -> tuple[str, str]:
    """(user name, token name) for a valid secret; :class:`Unauthorized` otherwise."""
    row = s.execute(select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
                    .where(ApiToken.secret_hash == digest(secret or ""))).first()
    if row is None:
        raise Unauthorized("the token is not valid", hint="create a token under "
                                                          "Mine API-nøgler and send it as "
                                                          "'Authorization: Bearer TOKEN'")
    token, user = row
    if token.revoked_at is not None:
        raise Unauthorized(f"the token '{token.name}' has been revoked",
                           hint="create a new token")
    if token.expires_at is not None and token.expires_at <= now:
        raise Unauthorized(f"the token '{token.name}' has expired", hint="create a new token")
    return user, token.name


@contextlib.contextmanager
def acting(token_name: str | None) -> Iterator[None]:
    """Within this block, audit events name the token the user acts through."""
    reset = _acting.set(token_name)
    try:
        yield
    finally:
        _acting.reset(reset)


def set_acting(token_name: str | None):
    """Like :func:`acting` for callers that cannot use a block (a web request's hooks);
    returns what to hand to :func:`reset_acting`."""
    return _acting.set(token_name)


def reset_acting(handle) -> None:
    _acting.reset(handle)


def actor_label(actor: str) -> str:
    """The actor as the audit log records it: ``anna (token: sagssystem)`` via a token."""
    name = _acting.get()
    if not name or actor == "system":
        return actor
    return f"{actor} (token: {name})"[:100]

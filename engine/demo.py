"""Demo data: users for every role and innovation partnerships at different stages.

``opiflow demo`` loads it; loading it twice changes nothing (users are upserted and the
partnerships are recognised by their titles).
"""
from __future__ import annotations

from dataclasses import dataclass

from .passwords import hash_password

PASSWORD = "demo"  # demo accounts only; real accounts get their own passwords
REGION = "Region Hovedstaden"


@dataclass(frozen=True)
class DemoUser:
    name: str
    full_name: str
    authority: str
    groups: tuple[str, ...]
    role: str
    audits: tuple[str, ...] = ()


USERS = (
    DemoUser("indkob", "Ida Indkøb", REGION, ("Indkøb",), "udbudskonsulent"),
    DemoUser("evaluator", "Erik Evaluator", REGION, ("Evaluering",), "evaluator"),
    DemoUser("jura", "Julie Jurist", REGION, ("Jura",), "jurist"),
    DemoUser("ledelse", "Lars Ledelse", REGION, ("Ledelse",), "ledelse"),
    DemoUser("alle", "Anna Alle-roller", REGION, ("Indkøb", "Evaluering", "Jura", "Ledelse"),
             "alle roller"),
    DemoUser("revisor", "Rikke Revisor", "Rigsrevisionen", (), "revisor", (REGION,)),
    DemoUser("sjaelland", "Søren Sjælland", "Region Sjælland", ("Indkøb",),
             "udbudskonsulent i en anden region"),
)


def add_users(engine) -> None:
    hashed = hash_password(PASSWORD)
    for user in USERS:
        engine.add_user(user.name, user.authority, list(user.groups), full_name=user.full_name,
                        password_hash=hashed, audits=list(user.audits))


def login_help(engine) -> str:
    """How to log in to the demo, if the demo users exist."""
    from sqlalchemy import select

    from .models import User

    with engine.uow() as uow:
        names = set(uow.session.scalars(select(User.name)))
    present = [u for u in USERS if u.name in names]
    if not present:
        return "No demo users: run `opiflow demo` to add them."
    lines = [f"Log in with one of these demo users (password: {PASSWORD}):"]
    lines += [f"  {u.name:<10} {u.full_name} ({u.role}, {u.authority})" for u in present]
    return "\n".join(lines)

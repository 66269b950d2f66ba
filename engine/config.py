"""Every setting opiflow reads, declared once with its default and help text.

Settings come from environment variables. ``opiflow settings`` and the README list them;
a test fails when one is undocumented.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'opiflow.db'}",
            "SQLAlchemy database URL. SQLite file under instance/ by default; "
            "postgresql+psycopg://host/db for a shared deployment."),
    Setting("OPIFLOW_WORKFLOWS", str(ROOT / "workflows"),
            "Folder of process models, one sub-folder per model (BPMN, DMN, forms/)."),
    Setting("OPIFLOW_SECRET_KEY", "",
            "Secret for signing web sessions. Empty: a random key made once and kept in "
            "instance/secret_key (shared by every worker on the host)."),
    Setting("OPIFLOW_TIMER_SECONDS", "30",
            "How often the web process looks for due timers (seconds)."),
    Setting("OPIFLOW_SCHEDULER", "on",
            "'on' runs the timer scheduler in the web process, 'off' leaves it to "
            "`opiflow tick` (e.g. from cron)."),
    Setting("OPIFLOW_SESSION_MINUTES", "480",
            "Minutes of inactivity after which a web session expires."),
    Setting("OPIFLOW_LANGUAGE", "da", "Default language of the web UI: da or en."),
    Setting("OPIFLOW_UPLOAD_MB", "50",
            "Largest request the web UI accepts (megabytes, all attached files together); "
            "larger ones are refused with 413 and nothing is stored."),
    Setting("OPIFLOW_SECURE_COOKIES", "off",
            "'on' marks the session cookie Secure (sent over HTTPS only): set it whenever "
            "the app is served over HTTPS."),
    Setting("OPIFLOW_LOGIN_ATTEMPTS", "5",
            "Wrong passwords for one user name before logins for it are locked; an address "
            "is locked after four times as many."),
    Setting("OPIFLOW_LOGIN_LOCKOUT_MINUTES", "15",
            "How long wrong passwords count and a lockout lasts (minutes)."),
    Setting("OPIFLOW_TRUSTED_PROXIES", "0",
            "How many reverse proxies (nginx, a load balancer) stand in front of the web "
            "app: their X-Forwarded-For/-Proto headers are then believed, so the login "
            "lockout counts the person's address, not the proxy's."),
)


def get(name: str) -> str:
    """The value of a declared setting: the environment, else its default."""
    for setting in SETTINGS:
        if setting.name == name:
            return os.environ.get(name, setting.default)
    raise KeyError(f"{name} is not a declared setting (engine/config.py)")

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
    Setting("OPIFLOW_INCIDENT_RETRIES", "5",
            "How many times a failing timer is tried again by itself (with back-off) "
            "before it waits for a person to retry or resolve its incident."),
    Setting("OPIFLOW_INCIDENT_BACKOFF_SECONDS", "60",
            "The wait before the first automatic retry of a failing timer; it doubles "
            "with each further attempt (60, 120, 240, ... seconds)."),
    Setting("OPIFLOW_INCIDENT_GROUPS", "Indkøb,designer",
            "Groups (comma-separated) whose members may retry or resolve the incidents "
            "of their own authority's instances."),
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
    Setting("OPIFLOW_SCRIPT_SECONDS", "2",
            "Time budget of one model script, condition, DMN cell or timer expression "
            "(seconds of processor time; four times this on the wall clock); a script "
            "that runs longer is stopped and refused."),
    Setting("OPIFLOW_SCRIPT_MEMORY_MB", "64",
            "Memory budget of one model script (MB): a value bigger than this is refused "
            "before it is built, and so is a script that grows the process by more."),
    Setting("OPIFLOW_MEMORY_LIMIT_MB", "0",
            "Address-space limit of the whole process (MB), set when the engine starts: "
            "a backstop behind the script budget (an allocation over it fails as 'out of "
            "memory'). 0: no limit. Leave room for threads and libraries, e.g. 4096."),
    Setting("OPIFLOW_MODEL_MAX_FILES", "200",
            "At most this many files (BPMN, DMN, JSON) in one model folder."),
    Setting("OPIFLOW_MODEL_MAX_FILE_KB", "2048",
            "At most this many KB in one model file."),
    Setting("OPIFLOW_MODEL_MAX_KB", "8192",
            "At most this many KB in all the files of one model together."),
    Setting("OPIFLOW_MODEL_MAX_ELEMENTS", "10000",
            "At most this many XML elements in one BPMN or DMN file (parsing time grows "
            "faster than the element count)."),
    Setting("OPIFLOW_BASE_URL", "http://127.0.0.1:5000",
            "The web app's address as users reach it: links in notifications use it."),
    Setting("OPIFLOW_SMTP_HOST", "",
            "SMTP server for notification e-mails. Empty: no e-mail, the in-app inbox only. "
            "For development: `python -m aiosmtpd -n -l localhost:8025` and localhost."),
    Setting("OPIFLOW_SMTP_PORT", "25", "SMTP port (587 for STARTTLS, 465 for SSL)."),
    Setting("OPIFLOW_SMTP_TLS", "off", "off, starttls or ssl."),
    Setting("OPIFLOW_SMTP_USER", "", "SMTP login name (empty: no login)."),
    Setting("OPIFLOW_SMTP_PASSWORD", "", "SMTP password."),
    Setting("OPIFLOW_SMTP_FROM", "opiflow@localhost", "The sender of notification e-mails."),
    Setting("OPIFLOW_DIGEST_HOUR", "7",
            "Danish local hour after which the daily digest of notifications is sent."),
)


def number(name: str, zero: bool = False) -> float:
    """A declared setting that must be a positive number (or 0 if ``zero``: off); a
    clear refusal if it is not."""
    from .errors import OpiflowError

    value = get(name)
    try:
        result = float(value)
    except ValueError:
        result = -1
    if not (result > 0 or (zero and result == 0)):
        raise OpiflowError("the setting {name}={value!r} is not a positive number",
                           hint="set {name} to a number such as {next}",
                                name=name, value=value,
                                next=next(s.default for s in SETTINGS if s.name == name))
    return result


def get(name: str) -> str:
    """The value of a declared setting: the environment, else its default."""
    for setting in SETTINGS:
        if setting.name == name:
            return os.environ.get(name, setting.default)
    raise KeyError(f"{name} is not a declared setting (engine/config.py)")

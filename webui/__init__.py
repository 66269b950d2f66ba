"""The staff web UI: ``create_app(config)`` builds a Flask app around one Engine.

Run it with ``flask --app webui run``, ``python -m webui`` or
``gunicorn 'webui:create_app()'``. Without OPIFLOW_SECRET_KEY, a random key is made
once and kept in instance/secret_key, so all workers share it.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, redirect, url_for

from engine import config as settings


def _defaults() -> dict:
    secret = settings.get("OPIFLOW_SECRET_KEY")
    return {
        "SECRET_KEY": secret or None,  # None: a key kept in instance/secret_key
        "DATABASE_URL": settings.get("DATABASE_URL"),
        "OPIFLOW_WORKFLOWS": settings.get("OPIFLOW_WORKFLOWS"),
        "OPIFLOW_TIMER_SECONDS": int(settings.get("OPIFLOW_TIMER_SECONDS")),
        "OPIFLOW_SCHEDULER": settings.get("OPIFLOW_SCHEDULER"),
        "OPIFLOW_SESSION_MINUTES": int(settings.get("OPIFLOW_SESSION_MINUTES")),
        "OPIFLOW_LANGUAGE": settings.get("OPIFLOW_LANGUAGE"),
        "OPIFLOW_START_MODEL": "innovation_partnership",
        "OPIFLOW_ENGINE": None,  # an Engine to use instead of building one (tests)
        "OPIFLOW_CLOCK": None,  # a clock function for the Engine built here
        "NODE_MODULES": str(Path(__file__).resolve().parent.parent / "node_modules"),
        "UPLOAD_FOLDER": None,  # default: <instance folder>/uploads
        "MAX_CONTENT_LENGTH": int(settings.get("OPIFLOW_UPLOAD_MB")) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.get("OPIFLOW_SECURE_COOKIES") == "on",
        "OPIFLOW_LOGIN_ATTEMPTS": int(settings.get("OPIFLOW_LOGIN_ATTEMPTS")),
        "OPIFLOW_LOGIN_LOCKOUT_MINUTES": int(settings.get("OPIFLOW_LOGIN_LOCKOUT_MINUTES")),
        "OPIFLOW_TRUSTED_PROXIES": int(settings.get("OPIFLOW_TRUSTED_PROXIES")),
    }


def _instance_secret(path: Path) -> str:
    """A random key made once and kept under instance/, so every worker (and a restart)
    signs sessions with the same key when OPIFLOW_SECRET_KEY is not set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        key = secrets.token_hex(32)
        out.write(key)
    return key


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(_defaults())
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        minutes=int(app.config["OPIFLOW_SESSION_MINUTES"]))
    proxies = int(app.config["OPIFLOW_TRUSTED_PROXIES"])
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")

    from engine.runtime import Engine

    engine = app.config["OPIFLOW_ENGINE"] or Engine(
        app.config["DATABASE_URL"], workflows_dir=app.config["OPIFLOW_WORKFLOWS"],
        clock_fn=app.config["OPIFLOW_CLOCK"])
    app.extensions["opiflow"] = engine

    from flask_wtf.csrf import CSRFProtect

    CSRFProtect(app)  # kept in app.extensions["csrf"]

    from . import auth, errors, i18n, scheduler, security

    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)

    from . import assets, audit, designer, incidents, instances, joint, portfolio, tasks

    app.register_blueprint(auth.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(instances.bp)
    app.register_blueprint(assets.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(incidents.bp)
    app.register_blueprint(designer.bp)
    app.register_blueprint(portfolio.bp)
    from . import api, inbox, tokens

    api.init_app(app)
    app.register_blueprint(tokens.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(joint.bp)
    from . import cancel, complaints, letters

    app.register_blueprint(letters.bp)
    app.register_blueprint(cancel.bp)
    app.register_blueprint(complaints.bp)
    # (other areas register their blueprints here)

    app.add_url_rule("/", "index", lambda: redirect(url_for("tasks.index")))
    scheduler.init_app(app)
    return app

"""The REST API under /api/v1: JSON in and out, the same engine verbs as the web UI.

A caller authenticates with a personal API token (``Authorization: Bearer TOKEN``) or,
from a browser, with the web session (then every change needs the CSRF token in the
``X-CSRFToken`` header). A token acts as its user: the engine checks authority, lanes
and assignees exactly as for the web UI, and every audit event names the token.
Errors are ``application/problem+json`` (RFC 9457) with the engine's field and hint.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from engine import tokens
from engine.errors import Forbidden
from engine.tokens import Unauthorized

from ..auth import WebUser, engine
from .problems import problem_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = {"api.openapi", "api.docs"}  # readable without logging in
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@bp.before_request
def authenticate() -> None:
    g.acting = tokens.set_acting(None)
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("the Authorization header must be 'Bearer TOKEN'",
                               hint="create a token under Mine API-nøgler")
        user, token_name = engine().token_user(secret.strip())
        g._login_user = WebUser(engine().user(user))  # Flask-Login's current user
        g.api_token = token_name
        tokens.reset_acting(g.pop("acting"))
        g.acting = tokens.set_acting(token_name)
        return
    if request.endpoint in PUBLIC:
        return
    if not current_user.is_authenticated:
        raise Unauthorized("log in or send a token", hint="send 'Authorization: Bearer "
                                                          "TOKEN'; create a token under "
                                                          "Mine API-nøgler")
    if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED",
                                                                     True):
        current_app.extensions["csrf"].protect()  # a browser session: the CSRF token


@bp.before_request
def read_only_auditors() -> None:
    """As on the web pages: auditors change nothing, whatever they send."""
    if request.method not in SAFE_METHODS and current_user.is_authenticated \
            and current_user.is_auditor:
        raise Forbidden("auditors have read-only access", hint="ask the procurement staff")


@bp.teardown_request
def _stop_acting(_exc) -> None:
    handle = g.pop("acting", None)
    if handle is not None:
        try:
            tokens.reset_acting(handle)
        except ValueError:  # set in another context: nothing of ours to undo
            pass


def init_app(app) -> None:
    from . import routes  # noqa: F401 - registers the views on bp

    app.extensions["csrf"].exempt(bp)  # checked above, for session callers only
    app.json.ensure_ascii = False  # Danish letters as they are, in UTF-8
    app.register_blueprint(bp)


__all__ = ["bp", "init_app", "problem_response"]

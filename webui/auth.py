"""Logging in and out with local accounts (argon2), and who the current user is.

Sessions expire after OPIFLOW_SESSION_MINUTES of inactivity: the cookie's lifetime is
renewed on every request, and the server also checks the time of the last request
kept in the signed session, so an old cookie replayed later is refused too. Each login
is a server-side session (engine/logins.py) checked on every request, so a cookie
copied before logging out is refused after it. Wrong passwords lock the user name
(and the address) for a while: OPIFLOW_LOGIN_ATTEMPTS, OPIFLOW_LOGIN_LOCKOUT_MINUTES.
"""
from __future__ import annotations

import functools
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from engine.access import Actor
from engine.errors import NotFound
from engine.logins import LockedOut, LoginPolicy

from .i18n import LANGUAGES, moment
from .i18n import gettext as _

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class WebUser(UserMixin):
    """The logged-in person: the engine's Actor, as Flask-Login wants it."""

    def __init__(self, actor: Actor):
        self.actor = actor

    def get_id(self) -> str:
        return self.actor.name

    name = property(lambda self: self.actor.name)
    full_name = property(lambda self: self.actor.full_name)
    authority = property(lambda self: self.actor.authority)
    groups = property(lambda self: self.actor.groups)
    is_auditor = property(lambda self: self.actor.is_auditor)


def engine():
    return current_app.extensions["opiflow"]


@login_manager.user_loader
def load_user(name: str) -> WebUser | None:
    """The user of this session, if the session has not been logged out."""
    if not engine().session_active(session.get("sid"), name):
        return None
    try:
        return WebUser(engine().user(name))
    except NotFound:
        return None


def staff_required(view):
    """Only staff may change anything: auditors (and anonymous users) may not."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.is_auditor:
            abort(403, _("Revisorer har kun læseadgang."))
        return view(*args, **kwargs)

    return wrapped


def _policy() -> LoginPolicy:
    return LoginPolicy(attempts=int(current_app.config["OPIFLOW_LOGIN_ATTEMPTS"]),
                       minutes=int(current_app.config["OPIFLOW_LOGIN_LOCKOUT_MINUTES"]))


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a login to another site."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("tasks.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        name = (request.form.get("username") or "").strip()
        try:
            session_id = engine().log_in(name, request.form.get("password") or "",
                                         request.remote_addr or "", _policy()) \
                if name else None
        except LockedOut as err:
            session_id, status = None, 429
            error = _("For mange forkerte adgangskoder. Prøv igen efter {when}.",
                      when=moment(err.until))
        if session_id:
            _end_session()
            session["sid"] = session_id
            login_user(load_user(name))
            session.permanent = True
            session["seen"] = time.time()
            return redirect(safe_next(request.form.get("next")))
        if error is None:
            error, status = _("Forkert brugernavn eller adgangskode."), 401
    return render_template("auth/login.html", error=error,
                           next=request.values.get("next", "")), status


def _end_session() -> None:
    """Forget the session here and on the server (a copy of the cookie dies with it)."""
    engine().log_out(session.get("sid"))
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.post("/logout")
def logout():
    logout_user()
    _end_session()
    flash(_("Du er logget ud."))
    return redirect(url_for("auth.login"))


@bp.get("/language/<lang>")
def language(lang: str):
    """Switch the UI language (a plain link: it changes nothing but the display)."""
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_next(request.args.get("next")))


def _expire_idle_sessions() -> None:
    seen = session.get("seen")
    if seen is None or "_user_id" not in session:
        return
    limit = current_app.permanent_session_lifetime.total_seconds()
    if time.time() - seen > limit:
        _end_session()
        flash(_("Din session er udløbet. Log ind igen."))
    elif time.time() - seen > 30:  # do not rewrite the cookie on every request
        session["seen"] = time.time()


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    app.before_request(_expire_idle_sessions)

"""Personal API tokens: each user makes and revokes their own under "Mine API-nøgler".

The secret is shown once, right after it is made; only its sha256 is stored.
"""
from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.clock import LOCAL_ZONE
from engine.errors import InvalidData

from .auth import engine
from .i18n import gettext as _

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _expiry(text: str) -> datetime | None:
    """The end of the chosen day (Danish time), or None for a token without expiry."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as err:
        raise InvalidData("the expiry is not a date", field="expires_at",
                          hint="write it as YYYY-MM-DD, or leave it empty") from err
    return datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL_ZONE)


def _messages() -> dict[str, tuple[str, str]]:
    return {
        "name": ("name", _("Giv nøglen et navn på 1 til 60 tegn, som ikke bruges af en "
                           "anden aktiv nøgle, fx sagssystem.")),
        "expires_at": ("expires_at", _("Udløbsdatoen skal være en dato efter i dag "
                                       "(ÅÅÅÅ-MM-DD), eller tom.")),
    }


def _page(secret: str | None = None, error: tuple[str, str] | None = None,
          status: int = 200):
    return render_template("tokens/index.html", tokens=engine().tokens(current_user.name),
                           now=engine().now(), secret=secret, error=error,
                           form=request.form), status


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("")
@login_required
def create():
    try:
        secret = engine().create_token(current_user.name, request.form.get("name", ""),
                                       _expiry(request.form.get("expires_at", "")))
    except InvalidData as err:
        return _page(error=_messages().get(err.field or "", _messages()["name"]), status=422)
    return _page(secret=secret)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    engine().revoke_token(current_user.name, token_id)
    flash(_("API-nøglen er tilbagekaldt. Den virker ikke længere."))
    return redirect(url_for("tokens.index"))

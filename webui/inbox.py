"""The in-app inbox of notifications, and each user's choice of what they are told and
how (at once by e-mail, a daily digest, or the inbox only)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import InvalidData
from engine.notify import DELIVERIES, KINDS, Preferences

from .auth import engine, safe_next
from .i18n import gettext as _

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


def kind_labels() -> dict[str, str]:
    return {"claimable": _("En opgave kan tages af min gruppe"),
            "due_tomorrow": _("En opgave har frist i morgen"),
            "overdue": _("En opgave har overskredet sin frist"),
            "deadline": _("En frist eller standstill-periode i et partnerskab, jeg startede, "
                          "er udløbet"),
            "phase": _("Et partnerskab, jeg startede, skifter fase")}


def delivery_labels() -> dict[str, str]:
    return {"immediate": _("Straks pr. e-mail"), "digest": _("En daglig oversigt pr. e-mail"),
            "inbox": _("Kun her i indbakken")}


def _page(error: InvalidData | None = None, status: int = 200):
    return render_template(
        "inbox/index.html", messages=engine().inbox(current_user.name),
        chosen=engine().notification_preferences(current_user.name), kinds=kind_labels(),
        deliveries=delivery_labels(), error=error), status


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    engine().mark_read(current_user.name, notification_id)
    link = next((m.link for m in engine().inbox(current_user.name)
                 if m.id == notification_id), "")
    path = urlsplit(link).path  # only our own pages
    return redirect(safe_next(path or url_for("inbox.index")))


@bp.post("/settings")
@login_required
def settings():
    form = request.form
    chosen = Preferences(form.get("email", ""), form.get("language", "da"),
                         tuple(k for k in KINDS if form.get(f"kind_{k}")),
                         form.get("delivery", ""))
    if chosen.delivery not in DELIVERIES:
        chosen = Preferences(chosen.email, chosen.language, chosen.kinds, "?")
    try:
        engine().set_notification_preferences(current_user.name, chosen)
    except InvalidData as err:
        return _page(error=err, status=422)
    flash(_("Dine valg for beskeder er gemt."))
    return redirect(url_for("inbox.index"))

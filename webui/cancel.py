"""Cancelling a procedure from its page: a form with the mandatory reason.

The engine decides who may cancel (engine/access.py ``check_may_cancel``) and what a
reason must be (engine/rules/cancellation.py); this view shows the form, the refusal
next to the field, or the conflict when the procedure changed meanwhile."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidData

from .auth import engine, staff_required
from .i18n import N_
from .i18n import gettext as _
from .instances import get_instance

bp = Blueprint("cancel", __name__, url_prefix="/instances")

# The Danish texts the engine puts next to the reason field (BLANK, TOO_LONG, CONTROL in
# engine/rules/cancellation.py), marked here so that the catalogue holds their English.
REASON_TEXTS = (
    N_("Skriv begrundelsen for at annullere udbuddet. Den sendes til alle deltagere."),
    N_("Begrundelsen er for lang (højst 4000 tegn). Skriv den kortere; uddybning kan "
       "vedlægges sagen."),
    N_("Begrundelsen indeholder usynlige kontroltegn. Skriv den igen som almindelig "
       "tekst."),
)

@bp.app_template_global("may_cancel")
def may_cancel(inst: dict) -> bool:
    """Whether the current user sees the cancel button on this procedure's page."""
    return inst.get("status") == "running" and not current_user.is_auditor and \
        engine().may_cancel(inst["id"], current_user.name)


def _form(inst: dict, reason: str = "", error: str = "", status: int = 200):
    return render_template("instances/cancel.html", inst=inst, tab="cancel",
                           reason=reason, error=error), status


@bp.get("/<instance_id>/cancel")
@staff_required
def form(instance_id: str):
    inst = get_instance(instance_id)
    if not may_cancel(inst):
        abort(403, _("Kun Indkøb og Ledelse kan annullere et udbud, og kun mens det er i "
                     "gang."))
    return _form(inst)


@bp.post("/<instance_id>/cancel")
@staff_required
def cancel(instance_id: str):
    inst = get_instance(instance_id)
    reason = request.form.get("reason") or ""
    try:
        expected = int(request.form.get("expected_version", ""))
    except ValueError:
        expected = None
    try:
        engine().cancel(instance_id, current_user.name, reason, expected_version=expected)
    except InvalidData as err:
        if err.field != "reason":
            raise
        return _form(inst, reason, _(err.errors.get("reason") or err.message), 422)
    except Conflict as err:
        return render_template(
            "tasks/stale.html", instance_id=instance_id, detail=err.message,
            message=_("Udbuddet blev ændret af en anden, mens du havde formularen åben. "
                      "Det er ikke annulleret; se hvor det står nu, og prøv igen.")), 409
    flash(_("Udbuddet er annulleret. Alle deltagere har fået et brev med begrundelsen."))
    return redirect(url_for("letters.index", instance_id=instance_id))

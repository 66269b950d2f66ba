"""The procedure's letters (UBL § 171): the list, each letter as a page and as a PDF.

Staff of the authority and its auditors read them (the engine checks it; anything else
is 404). The letter itself is the addressee's Danish document, whatever the UI's
language."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from engine.letters import render

from .auth import engine
from .i18n import N_, _
from .instances import get_instance

bp = Blueprint("letters", __name__, url_prefix="/instances")

# the kinds of letter, as the list names them (the letters themselves stay Danish)
KINDS = {"selection": N_("Udvælgelse"), "reduction": N_("Reduktion af tilbudsgivere"),
         "award": N_("Tildeling"), "cancellation": N_("Annullering")}


@bp.app_template_global()
def letter_kind(kind: str) -> str:
    return _(KINDS[kind]) if kind in KINDS else kind


@bp.get("/<instance_id>/letters")
@login_required
def index(instance_id: str):
    shown = get_instance(instance_id)
    rows = engine().letters(instance_id, user=current_user.name)
    return render_template("instances/letters.html", inst=shown, tab="letters", rows=rows)


def _letter(instance_id: str, letter_id: int) -> dict:
    row = engine().letter(letter_id, user=current_user.name)
    if row["instance_id"] != instance_id:
        from engine.errors import NotFound

        raise NotFound(f"no letter {letter_id}", hint="see the procedure's letters")
    return row


@bp.get("/<instance_id>/letters/<int:letter_id>")
@login_required
def page(instance_id: str, letter_id: int):
    row = _letter(instance_id, letter_id)
    return current_app.response_class(render.html(row), mimetype="text/html",
                                      content_type="text/html; charset=utf-8")


@bp.get("/<instance_id>/letters/<int:letter_id>.pdf")
@login_required
def pdf(instance_id: str, letter_id: int):
    row = _letter(instance_id, letter_id)
    response = current_app.response_class(render.pdf(row), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=brev-{letter_id}.pdf"
    return response

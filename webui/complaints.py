"""Complaints to Klagenævnet for Udbud on a partnership's page: registered at any time
after the award notification, and the Board's decision on suspension recorded later
(klagenævnsloven §§ 7, 12). Staff of the authority register; everyone who may read the
partnership sees them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import OpiflowError

from .auth import engine, staff_required
from .i18n import gettext as _
from .instances import get_instance

bp = Blueprint("complaints", __name__, url_prefix="/instances")

SUSPENSION = {"pending": "Afventer afgørelse", "granted": "Opsættende virkning tillagt",
              "refused": "Opsættende virkning ikke tillagt"}


def _page(instance_id: str, error: OpiflowError | None = None, status: int = 200):
    inst = get_instance(instance_id)
    return render_template("instances/complaints.html", inst=inst, tab="complaints",
                           complaints=inst["data"].get("complaints") or [],
                           standstill_end=inst["data"].get("standstill_end"),
                           suspension=SUSPENSION, error=error, form=request.form), status


@bp.get("/<instance_id>/complaints")
@login_required
def page(instance_id: str):
    return _page(instance_id)


@bp.post("/<instance_id>/complaints")
@staff_required
def add(instance_id: str):
    get_instance(instance_id)
    entered = {"complainant": request.form.get("complainant", "")[:300],
               "filed_on": request.form.get("filed_on", "")[:10],
               "subject": request.form.get("subject", "")[:2000]}
    try:
        engine().register_complaint(instance_id, current_user.name, entered)
    except OpiflowError as err:
        return _page(instance_id, err, 422)
    flash(_("Klagen er registreret."))
    return redirect(url_for("complaints.page", instance_id=instance_id))


@bp.post("/<instance_id>/complaints/<int:number>/decision")
@staff_required
def decide(instance_id: str, number: int):
    get_instance(instance_id)
    decision = {"suspension": request.form.get("suspension", "")[:20],
                "decided_on": request.form.get("decided_on", "")[:10],
                "outcome": request.form.get("outcome", "")[:2000]}
    try:
        engine().decide_complaint(instance_id, current_user.name, number, decision)
    except OpiflowError as err:
        return _page(instance_id, err, 422)
    flash(_("Klagenævnets afgørelse er registreret."))
    return redirect(url_for("complaints.page", instance_id=instance_id))

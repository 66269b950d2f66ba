"""Incidents: instances whose timers failed. Staff and designers of the authority see
them (auditors too); members of OPIFLOW_INCIDENT_GROUPS retry or resolve them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import incidents as rules

from .auth import engine, safe_next, staff_required
from .i18n import gettext as _

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


@bp.app_template_global("may_act_on_incidents")
def may_act() -> bool:
    return not current_user.is_auditor and bool(
        set(rules.settings()[2]) & set(current_user.groups))


@bp.app_template_global()
def instance_incidents(instance_id: str) -> list[dict]:
    """The open incidents of one instance (for its overview)."""
    return engine().incidents(user=current_user.name, instance_id=instance_id)


@bp.get("")
@login_required
def index():
    everything = request.args.get("all") == "1"
    rows = engine().incidents(user=current_user.name, include_resolved=everything)
    return render_template("incidents/list.html", rows=rows, everything=everything,
                           may_act=may_act())


@bp.post("/<incident_id>/retry")
@staff_required
def retry(incident_id: str):
    after = engine().retry_incident(incident_id, current_user.name)
    flash(_("Tidsfristen er udløst, og fejlen er løst.") if not after["open"]
          else _("Forsøgt igen: fejlen består."))
    return _back()


@bp.post("/<incident_id>/resolve")
@staff_required
def resolve(incident_id: str):
    engine().resolve_incident(incident_id, current_user.name, request.form.get("note", ""))
    flash(_("Fejlen er markeret som løst."))
    return _back()


def _back():
    target = request.form.get("next")
    return redirect(safe_next(target) if target else url_for("incidents.index"))

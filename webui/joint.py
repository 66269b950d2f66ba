"""Joint processes (joint public scaling): the list and the joint page.

The engine decides what each user sees: the facilitator every party and each child
procurement's phase and dates; a participant the process and its own child only;
anyone else (a declined authority, one never invited) a 404."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .auth import engine, staff_required
from .i18n import gettext as _

bp = Blueprint("joint", __name__, url_prefix="/joint")
MODEL = "joint_scaling"


@bp.get("")
@login_required
def index():
    return render_template("joint/list.html", rows=engine().joint_processes(current_user.name))


@bp.post("/new")
@staff_required
def start():
    instance_id = engine().start(MODEL, current_user.name, {})
    flash(_("Et nyt fælles forløb er startet."))
    return redirect(url_for("joint.page", instance_id=instance_id))


@bp.get("/<instance_id>")
@login_required
def page(instance_id: str):
    shown = engine().joint_process(instance_id, current_user.name)
    return render_template("joint/page.html", joint=shown)

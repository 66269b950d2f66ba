"""The portfolio: funding and the value chain per procedure, lessons ("svært, lært og
kært") and the figures across the authority's procedures, each chart with its numbers as
a table and a CSV download. Views are thin: the engine computes, the view renders."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import OpiflowError

from .auth import engine, safe_next, staff_required
from .i18n import N_, error_message, error_text, model_name
from .i18n import gettext as _
from .instances import get_instance

bp = Blueprint("portfolio", __name__)

PHASE_NAMES = {"need": N_("Behov"), "procurement": N_("Udbud"), "development": N_("Udvikling"),
               "purchase": N_("Køb"), "implementation": N_("Implementering"),
               "dissemination": N_("Spredning")}
KIND_NAMES = {"own": N_("Egen ramme"), "national": N_("National pulje"), "eu": N_("EU-midler"),
              "foundation": N_("Privat fond")}
OUTCOMES = {"purchase": N_("Endte i køb"), "no_purchase": N_("Endte uden køb"),
            "running": N_("I gang")}
STATUS_NAMES = {"running": N_("I gang"), "completed": N_("Afsluttet"), "cancelled": N_("Aflyst")}


def _charts(figures: dict) -> dict[str, tuple[str, str, list[tuple[str, float]]]]:
    """Every chart of the page: (title, unit, rows of label and value)."""
    return {
        "phases": (_("Procedurer i gang pr. fase"), _("antal"),
                   list(figures["per_phase"].items())),
        "models": (_("Procedurer pr. procestype"), _("antal"),
                   [(model_name(k), v) for k, v in figures["per_model"].items()]),
        "status": (_("Procedurer pr. status"), _("antal"),
                   [(_(STATUS_NAMES.get(k, k)), v) for k, v in figures["per_status"].items()]),
        "cycle": (_("Gennemsnitlig tid i hver fase"), _("dage"),
                  list(figures["cycle_days"].items())),
        "outcomes": (_("Brugt pr. udfald"), _("kr."),
                     [(_(OUTCOMES.get(k, k)), v)
                      for k, v in figures["spent_per_outcome"].items()]),
    }


@bp.get("/portfolio")
@login_required
def index():
    shown = engine().portfolio(current_user.name)
    return render_template("portfolio/index.html", figures=shown["figures"],
                           charts=_charts(shown["figures"]), funding=shown["funding"],
                           kinds=KIND_NAMES, phases=PHASE_NAMES)


@bp.get("/portfolio/funding")
@login_required
def report():
    return render_template("portfolio/report.html",
                           funding=engine().funding_report(current_user.name),
                           kinds=KIND_NAMES)


@bp.get("/portfolio/<chart>.csv")
@login_required
def chart_csv(chart: str):
    if chart == "funding":
        header = [_("Kilde"), _("Type"), _("Procedure"), _("Beløb"), _("Brugt"),
                  _("Tilbage")]
        rows = [[f["source"], _(KIND_NAMES.get(f["kind"], f["kind"])), f["procedure"],
                 f["amount"], f["spent"], f["left"]]
                for f in engine().funding_report(current_user.name)]
    else:
        charts = _charts(engine().portfolio(current_user.name)["figures"])
        if chart not in charts:
            return Response(_("Ukendt diagram."), status=404, mimetype="text/plain")
        title, unit, data = charts[chart]
        header, rows = [title, unit], [[label, value] for label, value in data]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": f"attachment; filename={chart}.csv"})


@bp.route("/instances/<instance_id>/funding", methods=["GET", "POST"])
@login_required
def funding(instance_id: str):
    inst = get_instance(instance_id)
    error = None
    if request.method == "POST":
        if current_user.is_auditor:
            return Response(_("Revisorer har kun læseadgang."), status=403)
        entered = {"name": request.form.get("name", ""), "kind": request.form.get("kind"),
                   "amount": _amount(request.form.get("amount", "")),
                   "phases": request.form.getlist("phases"),
                   "share": _amount(request.form.get("share", "")) or None,
                   "deadline": request.form.get("deadline") or None,
                   "conditions": request.form.get("conditions", "")}
        try:
            engine().add_funding_source(instance_id, current_user.name, entered)
        except OpiflowError as err:
            error = err
        else:
            flash(_("Finansieringskilden er tilføjet."))
            return redirect(url_for("portfolio.funding", instance_id=instance_id))
    view = engine().funding(instance_id, user=current_user.name)
    unfunded_names = [_(PHASE_NAMES[p]) for p in view["unfunded"]]
    return render_template("portfolio/funding.html", inst=inst, view=view, tab="funding",
                           unfunded_names=unfunded_names,
                           kinds=KIND_NAMES, phases=PHASE_NAMES, error=error,
                           form=request.form), 422 if error else 200


def _amount(text: str):
    cleaned = text.replace(".", "").replace(" ", "").replace(",", ".").strip()[:30]
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


@bp.route("/lessons", methods=["GET"])
@login_required
def lessons():
    words = request.args.get("q", "")[:200]
    phase = request.args.get("phase", "")[:100]
    wide = request.args.get("wide") == "1"
    found = engine().lessons(current_user.name, words, phase, other_authorities=wide)
    return render_template("portfolio/lessons.html", lessons=found, q=words, phase=phase,
                           wide=wide)


@bp.post("/lessons")
@staff_required
def add_lesson():
    instance_id = request.form.get("instance_id") or None
    try:
        engine().add_lesson(current_user.name, {
            k: request.form.get(k, "")[:4000]
            for k in ("phase", "subject", "hard", "learned", "dear")},
            instance_id=instance_id)
    except OpiflowError as err:
        flash(_("Erfaringen blev ikke gemt: {why}", why=error_text(err)))
    else:
        flash(_("Erfaringen er gemt."))
    back = request.form.get("back")
    return redirect(safe_next(back) if back else url_for("portfolio.lessons"))


@bp.post("/lessons/sharing")
@staff_required
def sharing():
    try:
        engine().share_lessons(current_user.name, request.form.get("shared") == "1")
    except OpiflowError as err:
        return Response(error_message(err), status=err.status)
    flash(_("Indstillingen for deling er gemt."))
    return redirect(url_for("portfolio.lessons"))

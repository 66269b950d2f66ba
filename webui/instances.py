"""Partnerships: the list, starting one, the overview, diagram, evaluation and history.

Every view passes the current user to the engine, which shows each user only their
authority's instances (auditors: the authorities they audit); anything else is 404.
"""
from __future__ import annotations

import html
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from engine.errors import OpiflowError
from engine.rules import scoring

from . import diagram, files
from . import overview as ov
from .auth import engine, staff_required
from .i18n import engine_text, error_text
from .i18n import gettext as _

bp = Blueprint("instances", __name__, url_prefix="/instances")


def get_instance(instance_id: str) -> dict:
    """The instance as the current user may see it (404 otherwise): the shared loader."""
    return engine().show(instance_id, user=current_user.name)


@bp.get("")
@login_required
def index():
    status = request.args.get("status") or None
    q = (request.args.get("q") or "")[:200]
    rows = engine().instances(status=status, user=current_user.name, search=q or None)
    return render_template("instances/list.html", rows=rows, status=status, q=q,
                           start_model=current_app.config["OPIFLOW_START_MODEL"])


@bp.post("/new")
@staff_required
def start():
    title = " ".join((request.form.get("title") or "").split())[:300]
    if not title:
        flash(_("Giv partnerskabet en titel, fx 'Intelligent patientmonitorering'."))
        return redirect(url_for("instances.index"))
    instance_id = engine().start(current_app.config["OPIFLOW_START_MODEL"],
                                 current_user.name, {"title": title})
    flash(_("Et nyt innovationspartnerskab er startet."))
    return redirect(url_for("instances.overview", instance_id=instance_id))


@bp.get("/<instance_id>")
@login_required
def overview(instance_id: str):
    shown = get_instance(instance_id)
    return render_template("instances/overview.html", inst=shown,
                           view=ov.overview(shown), tab="overview", now=engine().now())


def _process_title(xml: str) -> str:
    """The name a BPMN file gives its process (what people call the diagram)."""
    match = re.search(r'<(?:\w+:)?process\b[^>]*\bname="([^"]+)"', xml)
    return html.unescape(match.group(1)) if match else ""


@bp.get("/<instance_id>/diagram")
@login_required
def diagram_page(instance_id: str):
    shown = get_instance(instance_id)
    model_files = diagram.bpmn_files(engine(), instance_id)
    names = list(model_files)
    if not names:
        abort(404)
    chosen = request.args.get("file") if request.args.get("file") in names else names[0]
    xml = model_files[chosen]
    return render_template("instances/diagram.html", inst=shown, tab="diagram",
                           files=names, chosen=chosen, titles={
                               name: _process_title(text) or name
                               for name, text in model_files.items()},
                           states=diagram.element_states(engine(), instance_id, xml))


@bp.get("/<instance_id>/diagram.bpmn")
@login_required
def diagram_xml(instance_id: str):
    get_instance(instance_id)
    model_files = diagram.bpmn_files(engine(), instance_id)
    name = request.args.get("file") or next(iter(model_files), "")
    if name not in model_files:
        abort(404)
    # a download, never a page: a model's XHTML <script> must not run on our origin
    response = current_app.response_class(model_files[name], mimetype="application/xml")
    response.headers["Content-Disposition"] = "attachment; filename=diagram.bpmn"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<instance_id>/evaluation")
@login_required
def evaluation(instance_id: str):
    shown = get_instance(instance_id)
    return render_template("instances/evaluation.html", inst=shown, tab="evaluation",
                           **evaluation_view(shown.get("data") or {}))


def evaluation_view(data: dict) -> dict:
    """Per tender: sub-criterion scores, quality, price and total points, rank; the model
    in words and whether it is relative (rank reversal)."""
    docs = data.get("tender_documents") if isinstance(data.get("tender_documents"),
                                                      dict) else {}
    model_dict = docs.get("evaluation_model") if isinstance(docs, dict) else None
    model = description = None
    relative = False
    problem = ""
    if isinstance(model_dict, dict):
        try:
            model = scoring.parse_model(model_dict)
            description = " ".join(engine_text(part.template, part.params)
                                   for part in scoring.describe_model_parts(model))
            relative = scoring.is_relative(model)
        except OpiflowError as err:
            problem = error_text(err)
    criteria = [{"id": c.id, "name": c.name, "weight": float(c.weight * 100)}
                for c in (model.criteria if model else ())]
    tenders = data.get("final_tenders")
    sealed = ov.is_sealed(tenders)
    prices = {ov.name_of(t): t.get("price") for t in
              (tenders if isinstance(tenders, list) else ()) if isinstance(t, dict)}
    scores = _scores(data.get("tender_scores"))
    rows = []
    for result in data.get("evaluation") if isinstance(data.get("evaluation"), list) else ():
        if not isinstance(result, dict):
            continue
        bidder = ov.name_of(result)
        rows.append({**result, "bidder": bidder, "price": prices.get(bidder),
                     "scores": scores.get(bidder, {})})
    rows.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0))
    if sealed:  # results computed from sealed tenders stay hidden with them
        rows = []
    return {"criteria": criteria, "rows": rows, "description": description,
            "relative": relative, "model_problem": problem, "sealed": tenders if sealed
            else None, "model": model_dict, "tenders": prices}


def _scores(value) -> dict[str, dict[str, object]]:
    """{bidder: {criterion id: score}} from the score sheets, keyed or listed."""
    pairs = value.items() if isinstance(value, dict) else (
        (None, item) for item in value) if isinstance(value, list) else ()
    result = {}
    for key, item in pairs:  # keyed by bidder (the evaluation's output) or listed
        if not isinstance(item, dict):
            continue
        raw = item.get("scores")
        if isinstance(raw, list):
            raw = {s.get("criterion"): s.get("score") for s in raw if isinstance(s, dict)}
        if isinstance(raw, dict):
            result[ov.name_of(item) or str(key or "")] = raw
    return result


@bp.get("/<instance_id>/history")
@login_required
def history(instance_id: str):
    shown = get_instance(instance_id)
    events = engine().history(instance_id, user=current_user.name)
    return render_template("instances/history.html", inst=shown, tab="history",
                           events=list(reversed(events)))


@bp.get("/<instance_id>/files/<sha256>")
@login_required
def document(instance_id: str, sha256: str):
    shown = get_instance(instance_id)
    names = {doc["sha256"]: doc["filename"] for _key, doc in files.documents(shown["data"])}
    path = files.path_of(instance_id, sha256)
    if sha256 not in names or path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=names[sha256])

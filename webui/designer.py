"""The designers' area: models and versions, a version's diagram, forms and decision
tables, the editor (bpmn-js Modeler with opiflow's task properties, forms with a live
preview rendered by the task forms' own code), drafts with their problems marked,
comparing two versions, and migrating running instances. Only the ``designer`` group
of an authority gets in; the engine decides every check."""
from __future__ import annotations

import json
import re

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from engine.errors import OpiflowError

from . import forms
from .auth import engine
from .i18n import error_hint, error_message, error_text
from .i18n import gettext as _

bp = Blueprint("designer", __name__, url_prefix="/designer")
MAX_BODY = 5 * 1024 * 1024  # one model saved from the editor


def _designer_only():
    if current_user.is_auditor or "designer" not in current_user.groups:
        abort(403, _("Kun procesdesignere har adgang til designområdet."))


@bp.before_request
@login_required
def _check():
    _designer_only()


@bp.get("")
def index():
    return render_template("designer/index.html",
                           models=engine().designer_models(current_user.name))


def _split(files: dict) -> dict:
    return {"bpmn": sorted(k for k in files if k.endswith(".bpmn")),
            "dmn": sorted(k for k in files if k.endswith(".dmn")),
            "forms": sorted(k for k in files if k.endswith(".json"))}


@bp.get("/<model>/<version>")
def version(model: str, version: str):
    shown = engine().model_files(model, version, current_user.name)
    versions = next((m["versions"] for m in engine().designer_models(current_user.name)
                     if m["model"] == model), [])
    return render_template("designer/version.html", shown=shown, parts=_split(shown["files"]),
                           tables=_dmn_tables(shown["files"]), versions=versions)


@bp.get("/<model>/<version>/file")
def file(model: str, version: str):
    shown = engine().model_files(model, version, current_user.name)
    name = request.args.get("name", "")
    if name not in shown["files"]:
        abort(404)
    return shown["files"][name], 200, {
        "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}


@bp.get("/<model>/edit")
def edit(model: str):
    draft_id = request.args.get("draft", type=int)
    if draft_id:
        draft = engine().model_draft(draft_id, current_user.name)
        files, problems, base = draft["files"], draft["problems"], None
    else:
        base = request.args.get("from", "")
        files = engine().model_files(model, base, current_user.name)["files"]
        problems = []
    return render_template("designer/edit.html", model=model, files=files,
                           parts=_split(files), problems=problems, base=base)


@bp.post("/<model>/save")
def save(model: str):
    if (request.content_length or 0) > MAX_BODY:
        return jsonify(error=_("Modellen er for stor til at blive gemt.")), 413
    body = request.get_json(silent=True)
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, dict):
        return jsonify(error=_("Der kom ingen filer med.")), 400
    try:
        result = engine().save_model(model, files, current_user.name)
    except OpiflowError as err:
        return jsonify(error=error_message(err), hint=error_hint(err),
                       field=err.field), err.status
    if result.get("draft"):
        result["url"] = url_for("designer.edit", model=model, draft=result["draft"])
    elif result.get("version"):
        result["url"] = url_for("designer.version", model=model, version=result["version"])
    return jsonify(result)


@bp.post("/form-preview")
def form_preview():
    try:
        schema = json.loads(request.get_data(as_text=True)[:MAX_BODY] or "{}")
        fields = forms.build(schema if isinstance(schema, dict) else {})
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        problem = _("Formularen kan ikke vises: tjek JSON-skemaet.")
        return f'<p class="error">{problem}</p>'
    return render_template("designer/_preview.html", fields=fields)


@bp.get("/<model>/compare")
def compare(model: str):
    old, new = request.args.get("old", ""), request.args.get("new", "")
    comparison = engine().compare_versions(model, old, new, current_user.name)
    return render_template("designer/compare.html", model=model, old=old, new=new,
                           comparison=comparison, marks=comparison.ids)


@bp.route("/instances/<instance_id>/migrate", methods=["GET", "POST"])
def migrate(instance_id: str):
    shown = engine().show(instance_id, user=current_user.name)
    versions = next((m["versions"] for m in engine().designer_models(current_user.name)
                     if m["model"] == shown["model"]), [])
    result = None
    if request.method == "POST":
        dry_run = request.form.get("action") != "migrate"
        try:
            result = engine().migrate(instance_id, request.form.get("to", ""),
                                      current_user.name, request.form.get("reason", ""),
                                      dry_run=dry_run)
        except OpiflowError as err:
            flash(_("Flytningen blev afvist: {why}", why=error_text(err)))
        else:
            if result.get("migrated"):
                flash(_("Instansen er flyttet til den nye version."))
                return redirect(url_for("instances.overview", instance_id=instance_id))
    return render_template("designer/migrate.html", inst=shown, versions=versions,
                           result=result, form=request.form)


_DMN = re.compile(r"\s+")


def _dmn_tables(files: dict) -> list[dict]:
    """The decision tables of a model as rows of text, for reading."""
    from lxml import etree

    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    tables = []
    for name, text in sorted(files.items()):
        if not name.endswith(".dmn"):
            continue
        try:
            tree = etree.fromstring(text.encode(), etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            continue
        for decision in tree.iterfind(".//dmn:decision", ns):
            table = decision.find("dmn:decisionTable", ns)
            if table is None:
                continue
            inputs = [i.get("label") or _DMN.sub(" ", "".join(i.itertext())).strip()
                      for i in table.iterfind("dmn:input", ns)]
            outputs = [o.get("label") or o.get("name") or ""
                       for o in table.iterfind("dmn:output", ns)]
            rows = [[_DMN.sub(" ", "".join(c.itertext())).strip()
                     for c in [*r.iterfind("dmn:inputEntry", ns),
                               *r.iterfind("dmn:outputEntry", ns)]]
                    for r in table.iterfind("dmn:rule", ns)]
            tables.append({"file": name, "name": decision.get("name") or decision.get("id"),
                           "hit_policy": table.get("hitPolicy", "UNIQUE"),
                           "columns": inputs + outputs, "inputs": len(inputs), "rows": rows})
    return tables

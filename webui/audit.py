"""The auditors' pages: step through an instance's history, see its verification status
and download its exports. Read-only: no route here changes anything, for anyone.

Every view first asks the engine for the instance as the current user may see it (staff:
their authority; auditors: the authorities they audit), so anything else is a 404.
"""
from __future__ import annotations

import html
import json
import re
from collections import OrderedDict

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from engine import export
from engine import replay as replaying

from . import diagram
from .auth import engine
from .i18n import field_label

bp = Blueprint("audit", __name__, url_prefix="/audit")

DOWNLOADS = {  # format: (file suffix, media type)
    "xes": ("xes", "application/xml"),
    "csv": ("csv", "text/csv"),
    "ocds": ("ocds.json", "application/json"),
    "report-html": ("html", "text/html"),
    "report-pdf": ("pdf", "application/pdf"),
}
@bp.get("/<instance_id>")
@login_required
def steps(instance_id: str):
    """The history one event at a time (``?step=SEQ``; the last by default)."""
    shown = engine().show(instance_id, user=current_user.name)  # 404 unless readable
    history, replayed, names, diagram_file = _view(instance_id, shown)
    if not history:
        abort(404)
    seq = request.args.get("step", type=int) or history[-1].seq
    seq = min(max(seq, history[0].seq), history[-1].seq)
    index = next(i for i, s in enumerate(history) if s.seq == seq)
    step = history[index]
    before = history[index - 1].instance_data if index else {}
    report = Verdict(engine().verify(instance_id), replayed)
    return render_template(
        "audit/steps.html", inst=shown, step=step, history=history, report=report,
        states=_marker_states(step), downloads=DOWNLOADS,
        diagram_file=diagram_file, names=names, changes=changes(before, step),
        nav={"first": history[0].seq, "last": history[-1].seq,
             "previous": max(seq - 1, history[0].seq),
             "next": min(seq + 1, history[-1].seq)})


class Verdict:
    """The chain checked now, with the replay's verdict (kept while the log is unchanged)."""

    def __init__(self, chain, replayed):
        self.chain = chain
        self.divergence = replayed.divergence
        self.identical = replayed.identical


VIEWS_KEPT = 16  # instances whose replayed history a worker keeps


def _view(instance_id: str, shown: dict):
    """The replayed steps, the replay's verdict, element names and the diagram file, kept
    per worker while the instance's log and its sealed data are unchanged: replaying a
    100-event history takes seconds, stepping through it must not."""
    now = engine().now().isoformat()
    sealed = tuple(sorted(k for k, until in (shown.get("sealed") or {}).items()
                          if str(until) > now))
    key = (instance_id, shown["lock_version"], shown["events"], sealed)
    views = current_app.extensions.setdefault("opiflow_audit_views", OrderedDict())
    hit = views.get(key)
    if hit is None:
        history = replaying.steps(engine(), instance_id, user=current_user.name)
        replayed = replaying.replay(engine(), instance_id, user=current_user.name)
        files = diagram.bpmn_files(engine(), instance_id)
        hit = views[key] = (history, replayed, element_names(files),
                            next(iter(files), None))
        while len(views) > VIEWS_KEPT:
            views.popitem(last=False)
    views.move_to_end(key)
    return hit


def element_names(files: dict[str, str]) -> dict[str, str]:
    """BPMN element id -> its name, for lists people read."""
    names = {}
    for text in files.values():
        for ident, name in re.findall(r'<bpmn:\w+ id="([^"]+)" name="([^"]*)"', text):
            names[ident] = html.unescape(name)
    return names


def changes(before: dict, step) -> list[dict]:
    """The step's JSON Patch as rows a person reads: field, before, after."""
    rows = []
    for op in step.patch:
        path = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        rows.append({"field": " › ".join(p if p.isdigit() else field_label(p) for p in path),
                     "op": op["op"],
                     "before": _at(before, path) if op["op"] != "add" else None,
                     "after": _at(step.instance_data, path) if op["op"] != "remove" else None})
    return rows


def _at(data, path: list[str]):
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _marker_states(step) -> dict[str, str]:
    """{element: state} for the diagram's markers; active wins over waiting over done."""
    states = {element: "completed" for element in step.completed}
    states.update({element: "waiting" for element in step.waiting})
    states.update({element: "active" for element in step.active})
    return states


@bp.get("/<instance_id>/export/<fmt>")
@login_required
def download(instance_id: str, fmt: str):
    if fmt not in DOWNLOADS:
        abort(404)
    engine().show(instance_id, user=current_user.name)  # 404 unless readable
    content = export.render(engine(), fmt, [instance_id])
    suffix, media_type = DOWNLOADS[fmt]
    return Response(content, mimetype=media_type, headers={
        "Content-Disposition": f'attachment; filename="{instance_id}.{suffix}"'})


@bp.app_template_filter("pretty_json")
def pretty_json(value) -> str:
    """JSON for people: indented, Danish letters as they are; <, > and & escaped."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return Markup(html.escape(text, quote=False))


def step_url(instance_id: str, seq: int) -> str:
    return url_for("audit.steps", instance_id=instance_id, step=seq)

"""The auditors' pages: step through an instance's history, see its verification status
and download its exports. Read-only: no route here changes anything, for anyone.

Every view first asks the engine for the instance as the current user may see it (staff:
their authority; auditors: the authorities they audit), so anything else is a 404.
"""
from __future__ import annotations

import html
import json

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from engine import export
from engine import replay as replaying

from . import diagram
from .auth import engine
from .i18n import language

bp = Blueprint("audit", __name__, url_prefix="/audit")

DOWNLOADS = {  # format: (file suffix, media type)
    "xes": ("xes", "application/xml"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "ocds": ("ocds.json", "application/json"),
    "report-html": ("html", "text/html; charset=utf-8"),
    "report-pdf": ("pdf", "application/pdf"),
}
# the texts of these pages in English (Danish is the default)
ENGLISH = {
    "Revision": "Audit",
    "Hændelse {seq} af {count}": "Event {seq} of {count}",
    "Første": "First", "Forrige": "Previous", "Næste": "Next", "Sidste": "Last",
    "Gå til hændelse": "Go to event", "Vis": "Show",
    "Hvem": "Who", "Hvornår": "When", "Hvad": "What", "Opgave": "Task",
    "Indsendte data": "Data submitted", "Ændringer (JSON Patch)": "Changes (JSON Patch)",
    "Sagens data efter hændelsen": "The case's data after the event",
    "Udført": "Completed", "Aktiv (klar)": "Active (ready)", "Venter": "Waiting",
    "Verificeret": "Verified",
    "IKKE verificeret: første fejl ved hændelse {seq}": "NOT verified: first fault at "
                                                       "event {seq}",
    "IKKE verificeret: den gemte tilstand afviger fra genafspilningen":
        "NOT verified: the stored state differs from the replay",
    "Hash-kæde": "Hash chain", "Genafspilning": "Replay",
    "identisk": "identical", "afviger": "diverges",
    "Hent": "Download", "Procesdiagram": "Process diagram",
    "Diagrammet kræver JavaScript.": "The diagram needs JavaScript.",
    "Tilstanden efter denne hændelse svarer ikke til den registrerede.":
        "The state after this event does not match the recorded one.",
    "Procedurerapport (HTML)": "Procurement report (HTML)",
    "Procedurerapport (PDF)": "Procurement report (PDF)",
    "Ingen ændringer": "No changes",
}


def tr(text: str, **values) -> str:
    if language() == "en":
        text = ENGLISH.get(text, text)
    return text.format(**values) if values else text


@bp.get("/<instance_id>")
@login_required
def steps(instance_id: str):
    """The history one event at a time (``?step=SEQ``; the last by default)."""
    shown = engine().show(instance_id, user=current_user.name)
    history = replaying.steps(engine(), instance_id, user=current_user.name)
    if not history:
        abort(404)
    seq = request.args.get("step", type=int) or history[-1].seq
    seq = min(max(seq, history[0].seq), history[-1].seq)
    step = next(s for s in history if s.seq == seq)
    report = replaying.replay(engine(), instance_id, user=current_user.name)
    files = list(diagram.bpmn_files(engine(), instance_id))
    return render_template(
        "audit/steps.html", inst=shown, step=step, history=history, report=report,
        states=_marker_states(step), tr=tr, downloads=DOWNLOADS,
        diagram_file=files[0] if files else None,
        nav={"first": history[0].seq, "last": history[-1].seq,
             "previous": max(seq - 1, history[0].seq),
             "next": min(seq + 1, history[-1].seq)})


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

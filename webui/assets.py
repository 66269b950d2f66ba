"""bpmn-js, served from the project's node_modules (the machine has no CDN access)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__)

# the viewer, the modeler (designers' editor) and their CSS/fonts
SCRIPTS = ("bpmn-navigated-viewer.production.min.js", "bpmn-modeler.production.min.js")


@bp.get("/bpmn-js/<path:filename>")
def bpmn_js(filename: str):
    """Only the viewer, the modeler and their CSS/fonts: nothing else under node_modules
    is served."""
    if not (filename in SCRIPTS or filename.startswith("assets/")):
        abort(404)
    dist = Path(current_app.config["NODE_MODULES"]) / "bpmn-js" / "dist"
    return send_from_directory(dist, filename, max_age=3600)


DMN_SCRIPTS = ("dmn-modeler.production.min.js",)


@bp.get("/dmn-js/<path:filename>")
def dmn_js(filename: str):
    """The decision table editor (designers) and its CSS/fonts, from node_modules."""
    if not (filename in DMN_SCRIPTS or filename.startswith("assets/")):
        abort(404)
    dist = Path(current_app.config["NODE_MODULES"]) / "dmn-js" / "dist"
    return send_from_directory(dist, filename, max_age=3600)

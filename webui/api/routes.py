"""The API's views: parse the request, call one engine verb as the current user, answer
JSON. Every check is the engine's, so the API refuses exactly what the web UI refuses."""
from __future__ import annotations

from flask import Response, current_app, g, jsonify, render_template, request, url_for
from flask_login import current_user

from engine import export
from engine import replay as replaying
from engine.errors import InvalidData, NotFound

from ..audit import DOWNLOADS
from ..auth import engine
from ..overview import is_sealed
from . import bp
from .openapi import document

STATUSES = ("running", "completed", "cancelled")


def _body() -> dict:
    """The request's JSON object (an empty body counts as ``{}``)."""
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidData("the request body must be a JSON object",
                          hint="send Content-Type: application/json and an object {...}")
    return body


def _object(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidData(f"'{key}' must be a JSON object", field=key,
                          hint=f"send {key} as {{...}}")
    return value


def _query(name: str, allowed: tuple[str, ...] | None = None) -> str | None:
    """One query parameter, once, and (with ``allowed``) one of those values."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise InvalidData(f"'{name}' was given {len(values)} times", field=name,
                          hint="give it once")
    value = values[0] if values else None
    if value is not None and allowed is not None and value not in allowed:
        raise InvalidData(f"'{name}' must be one of {', '.join(allowed)}", field=name,
                          hint=f"e.g. {name}={allowed[0]}")
    return value or None


def _me() -> str:
    return current_user.name


def _shown(instance_id: str) -> dict:
    """The instance as the overview shows it: sealed data masked, and, as on the web
    pages, the evaluation computed from sealed final tenders hidden with them."""
    shown = engine().show(instance_id, user=_me())
    shown["data"] = _masked(shown.get("data") or {})
    return shown


def _masked(data: dict) -> dict:
    if is_sealed(data.get("final_tenders")) and "evaluation" in data:
        return {**data, "evaluation": data["final_tenders"]}
    return data


def _task_dict(info) -> dict:
    return info.as_dict() if hasattr(info, "as_dict") else dict(info)


# ------------------------------------------------------------------ the document
@bp.get("/openapi.json")
def openapi():
    return jsonify(document(request.url_root.rstrip("/")))


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec_url=url_for("api.openapi"),
                           doc=document(request.url_root.rstrip("/")))


@bp.get("/me")
def me():
    user = current_user
    return jsonify({"name": user.name, "full_name": user.full_name,
                    "authority": user.authority, "groups": list(user.groups),
                    "audits": list(user.actor.audits),
                    "token": g.get("api_token")})


# ---------------------------------------------------------------------- models
@bp.get("/models")
def models():
    return jsonify(engine().models())


@bp.get("/models/<model>/versions")
def model_versions(model: str):
    return jsonify(engine().model_versions(model))


# ------------------------------------------------------------------- instances
@bp.get("/instances")
def instances():
    return jsonify(engine().instances(model=_query("model"),
                                      status=_query("status", STATUSES), user=_me()))


@bp.post("/instances")
def start():
    body = _body()
    model = body.get("model", current_app.config["OPIFLOW_START_MODEL"])
    if not isinstance(model, str) or not model:
        raise InvalidData("'model' must be the name of a process model", field="model",
                          hint="see GET /api/v1/models")
    instance_id = engine().start(model, _me(), _object(body, "data"))
    response = jsonify(_shown(instance_id))
    response.status_code = 201
    response.headers["Location"] = url_for("api.instance", instance_id=instance_id)
    return response


@bp.get("/instances/<instance_id>")
def instance(instance_id: str):
    return jsonify(_shown(instance_id))


@bp.post("/instances/<instance_id>/cancel")
def cancel(instance_id: str):
    reason = _body().get("reason")
    engine().cancel(instance_id, _me(), reason if isinstance(reason, str) else "")
    return jsonify(_shown(instance_id))


@bp.get("/instances/<instance_id>/history")
def history(instance_id: str):
    return jsonify(engine().history(instance_id, user=_me()))


@bp.get("/instances/<instance_id>/verify")
def verify(instance_id: str):
    engine().show(instance_id, user=_me())  # 404 unless readable
    report = engine().verify(instance_id)
    return jsonify({"instance": instance_id, "ok": report.ok, "events": report.events,
                    "first_bad_seq": report.first_bad_seq, "reason": report.reason})


@bp.get("/instances/<instance_id>/replay")
def replay(instance_id: str):
    return jsonify(replaying.replay(engine(), instance_id, user=_me()).as_dict())


@bp.get("/instances/<instance_id>/exports/<fmt>")
def export_file(instance_id: str, fmt: str):
    if fmt not in DOWNLOADS:
        raise NotFound(f"no export format {fmt}", hint=", ".join(DOWNLOADS))
    engine().show(instance_id, user=_me())  # 404 unless readable
    content = export.render(engine(), fmt, [instance_id])
    suffix, media_type = DOWNLOADS[fmt]
    return Response(content, mimetype=media_type, headers={
        "Content-Disposition": f'attachment; filename="{instance_id}.{suffix}"'})


# ----------------------------------------------------------------------- tasks
@bp.get("/tasks")
def tasks():
    found = engine().tasks(user=_me(), instance_id=_query("instance"),
                           model=_query("model"), phase=_query("phase"),
                           mine_only=_query("mine", ("true", "false")) == "true")
    return jsonify([t.as_dict() for t in found])


@bp.get("/tasks/<task_id>")
def task(task_id: str):
    info = engine().task_form(task_id, _me())
    return jsonify({**info, "task": _task_dict(info["task"]), "data": _masked(info["data"])})


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str):
    engine().claim(task_id, _me())
    return jsonify(_task_dict(engine().task_form(task_id, _me())["task"]))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str):
    engine().unclaim(task_id, _me())
    return jsonify(_task_dict(engine().task_form(task_id, _me())["task"]))


@bp.post("/tasks/<task_id>/complete")
def complete(task_id: str):
    body = _body()
    expected = body.get("expected_version")
    if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool)):
        raise InvalidData("'expected_version' must be a whole number", field="expected_version",
                          hint="send the version GET /tasks/{id} gave, or leave it out")
    instance_id = engine().complete(task_id, _me(), _object(body, "data"),
                                    expected_version=expected)
    return jsonify(_shown(instance_id))


# ----------------------------------------------------------------------- inbox
@bp.get("/inbox")
def inbox():
    return jsonify([{"id": m.id, "kind": m.kind, "subject": m.subject, "body": m.body,
                     "link": m.link, "created_at": m.created_at.isoformat(),
                     "read": m.read_at is not None} for m in engine().inbox(_me())])

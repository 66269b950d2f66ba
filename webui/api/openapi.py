"""The API's OpenAPI 3.1 document, written out here and kept in step with the routes by
tests/web/test_api_openapi.py (every route documented, every documented path served)."""
from __future__ import annotations

import copy

from ..audit import DOWNLOADS

NULLABLE_STRING = {"type": ["string", "null"]}
PROBLEM = {"$ref": "#/components/schemas/Problem"}
ERRORS = {  # status: when
    400: "The request could not be used (not JSON, a missing CSRF token, or a character "
         "that cannot be used, such as NUL, in the address or the data)",
    401: "No valid token or session",
    403: "The user may not do this (auditor, wrong lane, claimed by another)",
    404: "Not found, or not visible to this user",
    409: "Someone else changed it first, or it is no longer open",
    422: "The data fails the form or a procurement rule",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): {"description": ERRORS[code],
                        "content": {"application/problem+json": {"schema": PROBLEM}}}
            for code in codes}


def _path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string"}}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _op(summary: str, ok: dict, errors: tuple[int, ...], *, tag: str, params=(),
        body: dict | None = None, ok_code: int = 200, public: bool = False) -> dict:
    # any request can be refused before it reaches its view (webui/security.py: a NUL
    # byte or an oversized value), so every operation documents 400
    operation = {"summary": summary, "tags": [tag], "parameters": list(params),
                 "responses": {str(ok_code): ok, **_errors(*sorted({400, *errors}))}}
    if body is not None:
        operation["requestBody"] = {"required": False, "content": {
            "application/json": {"schema": body}}}
    if public:
        operation["security"] = []
    return operation


INSTANCE = _path_param("instance_id", "The instance's id")
TASK = _path_param("task_id", "The open task's id")
READ = (401, 404)
CHANGE = (400, 401, 403, 404, 409, 422)

SCHEMAS = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status"],
        "description": "RFC 9457 problem details, with the engine's field and hint",
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "field": {"type": "string", "description": "the form field that is wrong"},
            "hint": {"type": "string", "description": "what to do"},
            "element": {"type": "string", "description": "the BPMN element"},
            "errors": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "field -> message"},
            "message_id": {"type": "string", "description": "the English message "
                           "template (the gettext id) that detail fills in"},
            "params": {"type": "object", "description": "the template's parameters "
                       "(amounts in DKK as numbers, dates as ISO dates)"}}},
    "Me": {"type": "object", "required": ["name", "authority", "groups"], "properties": {
        "name": {"type": "string"}, "full_name": {"type": "string"},
        "authority": {"type": "string"}, "groups": {"type": "array", "items": {
            "type": "string"}},
        "audits": {"type": "array", "items": {"type": "string"}},
        "token": NULLABLE_STRING}},
    "Model": {"type": "object", "required": ["model", "version"], "properties": {
        "model": {"type": "string"}, "version": {"type": "string"},
        "deployed_at": {"type": "string"}, "versions": {"type": "integer"}}},
    "ModelVersion": {"type": "object", "required": ["model", "version"], "properties": {
        "model": {"type": "string"}, "version": {"type": "string"},
        "deployed_at": {"type": "string"}}},
    "Instance": {"type": "object", "required": ["id", "model", "status", "lock_version"],
                 "properties": {
                     "id": {"type": "string"}, "model": {"type": "string"},
                     "version": {"type": "string"}, "title": {"type": "string"},
                     "status": {"enum": ["running", "completed", "cancelled"]},
                     "phase": {"type": "string"}, "authority": {"type": "string"},
                     "started_by": {"type": "string"}, "created_at": {"type": "string"},
                     "updated_at": {"type": "string"}, "next_timer_at": NULLABLE_STRING,
                     "lock_version": {"type": "integer"}}},
    "InstanceDetail": {"allOf": [_ref("Instance"), {"type": "object", "properties": {
        "open_tasks": {"type": "array", "items": _ref("Task")},
        "data": {"type": "object", "description": "sealed data masked"},
        "sealed": {"type": "object"}, "locked": {"type": "array"},
        "waiting": {"type": "array"}, "events": {"type": "integer"}}}]},
    "Task": {"type": "object", "required": ["id", "instance_id", "title"], "properties": {
        "id": {"type": "string"}, "instance_id": {"type": "string"},
        "model": {"type": "string"}, "name": {"type": "string"},
        "title": {"type": "string"}, "lane": NULLABLE_STRING, "assignee": NULLABLE_STRING,
        "due_at": NULLABLE_STRING, "created_at": {"type": "string"},
        "phase": {"type": "string"}, "form": NULLABLE_STRING, "item": NULLABLE_STRING}},
    "TaskForm": {"type": "object", "required": ["task", "schema", "version"], "properties": {
        "task": _ref("Task"),
        "schema": {"type": "object", "description": "the form's JSON Schema"},
        "version": {"type": "integer", "description": "send as expected_version"},
        "instructions": {"type": "string"}, "data": {"type": "object"},
        "instance": _ref("Instance")}},
    "Event": {"type": "object", "required": ["seq", "kind", "actor", "at"], "properties": {
        "seq": {"type": "integer"}, "kind": {"type": "string"},
        "actor": {"type": "string", "description": "e.g. 'anna (token: sagssystem)'"},
        "at": {"type": "string"}, "task": NULLABLE_STRING, "task_spec": NULLABLE_STRING,
        "data": {"type": "object"}, "hash": {"type": "string"}}},
    "Verification": {"type": "object", "required": ["ok", "events"], "properties": {
        "instance": {"type": "string"}, "ok": {"type": "boolean"},
        "events": {"type": "integer"}, "first_bad_seq": {"type": ["integer", "null"]},
        "reason": {"type": "string"}}},
    "Replay": {"type": "object", "required": ["result", "chain"], "properties": {
        "instance": {"type": "string"}, "model": {"type": "string"},
        "version": {"type": "string"}, "replayed": {"type": "integer"},
        "events": {"type": "integer"}, "state_checked": {"type": "boolean"},
        "result": {"enum": ["identical", "diverged"]},
        "divergence": {"type": ["object", "null"]}, "chain": {"type": "object"}}},
    "Message": {"type": "object", "required": ["id", "kind", "subject", "link"],
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"enum": ["claimable", "due_tomorrow", "overdue", "deadline",
                                      "phase"]},
                    "subject": {"type": "string"}, "body": {"type": "string"},
                    "link": {"type": "string"}, "created_at": {"type": "string"},
                    "read": {"type": "boolean"}}},
    "StartRequest": {"type": "object", "properties": {
        "model": {"type": "string", "minLength": 1,
                  "description": "default: innovation_partnership"},
        "data": {"type": "object", "description": "start data, e.g. a title"}}},
    "CompleteRequest": {"type": "object", "properties": {
        "data": {"type": "object", "description": "the form data (its JSON Schema: GET "
                                                  "/tasks/{task_id})"},
        "expected_version": {"type": ["integer", "null"],
                             "description": "the version read with the form; a change "
                                            "since then is refused with 409"}}},
    "CancelRequest": {"type": "object", "required": ["reason"], "properties": {
        "reason": {"type": "string", "minLength": 1, "pattern": "\\S"}}},
}


def _paths() -> dict:
    task_list = {"type": "array", "items": _ref("Task")}
    exports = {media.split(";")[0]: {"schema": {
        "type": "object" if media == "application/json" else "string"}}
        for _suffix, media in DOWNLOADS.values()}
    return {
        "/api/v1/openapi.json": {"get": _op(
            "This document", _json({"type": "object"}, "The OpenAPI document"), (),
            tag="api", public=True)},
        "/api/v1/docs": {"get": _op(
            "This document as a web page",
            {"description": "HTML", "content": {"text/html": {"schema": {
                "type": "string"}}}}, (), tag="api", public=True)},
        "/api/v1/me": {"get": _op("Who the token acts as", _json(_ref("Me"), "The user"),
                                  (401,), tag="api")},
        "/api/v1/inbox": {"get": _op(
            "The user's notifications, newest first (the inbox)",
            _json({"type": "array", "items": _ref("Message")}, "Messages"), (401,),
            tag="api")},
        "/api/v1/models": {"get": _op(
            "Deployed process models (newest version of each)",
            _json({"type": "array", "items": _ref("Model")}, "The models"), (401,),
            tag="models")},
        "/api/v1/models/{model}/versions": {"get": _op(
            "Every deployed version of a model",
            _json({"type": "array", "items": _ref("ModelVersion")}, "The versions"), READ,
            tag="models", params=[_path_param("model", "The model's name")])},
        "/api/v1/instances": {
            "get": _op("The instances the user may see (their authority; auditors: the "
                       "authorities they audit)",
                       _json({"type": "array", "items": _ref("Instance")}, "Instances"),
                       (401, 422), tag="instances", params=[
                           _query("model", "Only this model"),
                           _query("status", "Only this status",
                                  {"enum": ["running", "completed", "cancelled"]})]),
            "post": _op("Start a procedure", _json(_ref("InstanceDetail"), "Started"),
                        CHANGE, tag="instances", body=_ref("StartRequest"), ok_code=201)},
        "/api/v1/instances/{instance_id}": {"get": _op(
            "Where an instance stands (as the overview shows it; sealed data masked)",
            _json(_ref("InstanceDetail"), "The instance"), READ, tag="instances",
            params=[INSTANCE])},
        "/api/v1/instances/{instance_id}/cancel": {"post": _op(
            "Cancel a running procedure, with a reason",
            _json(_ref("InstanceDetail"), "Cancelled"), CHANGE, tag="instances",
            params=[INSTANCE], body=_ref("CancelRequest"))},
        "/api/v1/instances/{instance_id}/history": {"get": _op(
            "The audit events, oldest first",
            _json({"type": "array", "items": _ref("Event")}, "Events"), READ, tag="audit",
            params=[INSTANCE])},
        "/api/v1/instances/{instance_id}/verify": {"get": _op(
            "Check the hash chain of the audit log", _json(_ref("Verification"), "Result"),
            READ, tag="audit", params=[INSTANCE])},
        "/api/v1/instances/{instance_id}/replay": {"get": _op(
            "Re-execute the log: identical, or where it diverges",
            _json(_ref("Replay"), "Result"), READ, tag="audit", params=[INSTANCE])},
        "/api/v1/instances/{instance_id}/exports/{fmt}": {"get": _op(
            "An export of the record: XES, CSV, OCDS, the procurement report",
            {"description": "The file", "content": exports}, READ, tag="audit",
            params=[INSTANCE, {"name": "fmt", "in": "path", "required": True,
                               "schema": {"enum": list(DOWNLOADS)}}])},
        "/api/v1/tasks": {"get": _op(
            "Open tasks the user may work on (their lanes) or that are assigned to them",
            _json(task_list, "Tasks, soonest due first"), (401, 422), tag="tasks", params=[
                _query("instance", "Only this instance's"), _query("model", "Only this "
                                                                   "model's"),
                _query("phase", "Only tasks in this phase"),
                _query("mine", "Only tasks assigned to me", {"enum": ["true", "false"]})])},
        "/api/v1/tasks/{task_id}": {"get": _op(
            "A task with its form (JSON Schema), instructions, data and version",
            _json(_ref("TaskForm"), "The task"), READ, tag="tasks", params=[TASK])},
        "/api/v1/tasks/{task_id}/claim": {"post": _op(
            "Claim a task", _json(_ref("Task"), "Claimed"), CHANGE, tag="tasks",
            params=[TASK])},
        "/api/v1/tasks/{task_id}/unclaim": {"post": _op(
            "Give a claimed task back to its group", _json(_ref("Task"), "Unclaimed"),
            CHANGE, tag="tasks", params=[TASK])},
        "/api/v1/tasks/{task_id}/complete": {"post": _op(
            "Complete a task with its form data (also call-offs and every other step the "
            "process offers as a task)", _json(_ref("InstanceDetail"),
                                               "The instance after the task"),
            CHANGE, tag="tasks", params=[TASK], body=_ref("CompleteRequest"))},
    }


def document(server: str = "") -> dict:
    """The OpenAPI document (``server``: the base URL it is served from)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "opiflow API", "version": "1",
                 "description": "Innovation partnerships and other innovative public "
                                "procurement as BPMN workflows. Authenticate with a "
                                "personal API token: 'Authorization: Bearer TOKEN'. The API "
                                "calls the same engine verbs as the web UI, so every rule, "
                                "refusal and audit event is the same."},
        "servers": [{"url": server or "/"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {"schemas": copy.deepcopy(SCHEMAS), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "A personal API token (Mine API-nøgler)"}}},
    }

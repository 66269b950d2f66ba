"""The task list, claiming, and completing a task with its form."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.errors import Conflict, InvalidData, NotFound, OpiflowError
from engine.forms import validate as validate_form

from . import forms
from .auth import engine, safe_next, staff_required
from .errors import error_page
from .files import documents, path_of, receive, received, storing_received
from .i18n import engine_text, error_message, error_text
from .i18n import gettext as _

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


@bp.get("")
@login_required
def index():
    """My tasks and my groups' claimable tasks, from the open-task index only."""
    args = request.args
    now = engine().now()
    due = {"overdue": now, "week": now + timedelta(days=7)}.get(args.get("due", ""))
    filtered = any(args.get(k) for k in ("model", "instance", "phase", "lane", "due"))
    every = engine().tasks(user=current_user.name)  # also the filter choices
    tasks = engine().tasks(user=current_user.name, instance_id=args.get("instance") or None,
                           model=args.get("model") or None, phase=args.get("phase") or None,
                           lane=args.get("lane") or None, due_before=due) \
        if filtered else list(every)
    if args.get("sort") == "created":
        tasks.sort(key=lambda t: t.created_at)
    groups = {
        "mine": [t for t in tasks if t.assignee == current_user.name],
        "claimable": [t for t in tasks if t.assignee is None],
        "others": [t for t in tasks if t.assignee not in (None, current_user.name)],
    }
    titled = _titles(every)
    return render_template(
        "tasks/list.html", groups=groups, now=now, filters=args,
        models=sorted({t.model for t in every}),
        phases=sorted({t.phase for t in every if t.phase}),
        lanes=sorted({t.lane for t in every if t.lane}),
        instances=titled, titles=dict(titled))


def _titles(tasks) -> list[tuple[str, str]]:
    """(instance id, title) of the procedures the tasks belong to, by title."""
    wanted = sorted({t.instance_id for t in tasks})
    titles = engine().titles(wanted, user=current_user.name)
    return sorted(((iid, titles.get(iid) or iid[:8]) for iid in wanted),
                  key=lambda pair: pair[1].lower())


def is_overdue(task, now: datetime) -> bool:
    return task.due_at is not None and task.due_at < now


@bp.app_template_global()
def overdue(task, now) -> bool:
    return is_overdue(task, now)


@bp.post("/<task_id>/claim")
@staff_required
def claim(task_id: str):
    engine().claim(task_id, current_user.name)
    flash(_("Du har overtaget opgaven."))
    return redirect(safe_next(request.form.get("next")
                              or url_for("tasks.form", task_id=task_id)))


@bp.post("/<task_id>/unclaim")
@staff_required
def unclaim(task_id: str):
    engine().unclaim(task_id, current_user.name)
    flash(_("Opgaven er sat fri, så andre i gruppen kan tage den."))
    return redirect(safe_next(request.form.get("next")))


def _check_may_work_on(task) -> None:
    if task.may_work:
        return
    if task.assignee:
        abort(403, _("Opgaven er taget af {name}. Kun {name} kan afslutte den.",
                     name=task.assignee))
    abort(403, _("Du kan ikke arbejde på denne opgave: den hører til en anden gruppe "
                 "eller er taget af en anden."))


@bp.get("/<task_id>")
@login_required
def form(task_id: str):
    info = _with_choices(engine().task_form(task_id, current_user.name))
    context = {"$user": {"name": current_user.name, "authority": current_user.authority}}
    fields = forms.build(info["schema"], forms.prefilled(info["schema"], info["data"], context))
    return _render(info, fields, {})


def _with_choices(info: dict) -> dict:
    """The task's form with the lists its fields are picked from (bidders, applicants,
    criteria) taken from the procedure's data."""
    return {**info, "schema": forms.with_options(info["schema"], info["data"])}


def _render(info: dict, fields, errors: dict, status: int = 200):
    left = forms.place_errors(fields, errors, translate=_)
    task = info["task"]
    return render_template(
        "tasks/form.html", info=info, task=task, fields=fields, form_errors=left,
        error_fields=[f for f in forms.all_fields(fields) if f.error],
        may_work=task.may_work, multipart=forms.uses_files(info["schema"]),
        now=engine().now()), status


@bp.post("/<task_id>")
@staff_required
def complete(task_id: str):
    instance_id = request.form.get("instance_id", "")
    try:
        info = _with_choices(engine().task_form(task_id, current_user.name))
    except NotFound:
        return _gone(instance_id)
    _check_may_work_on(info["task"])  # who may, before anything is read
    if forms.too_many_rows(request.form) is not None:
        abort(413, _("En tabel i formularen har flere rækker, end der kan modtages "
                     "(højst {n}).", n=forms.MAX_ROWS))
    schema = info["schema"]
    add, remove = request.form.get("_add"), request.form.get("_remove")
    if add or remove:  # a row more or less: show the form again, nothing is sent
        change = ("add", add) if add else ("remove", remove)
        return _render(info, forms.build(schema, info["data"], raw=request.form,
                                         change=change), {})
    parsed = forms.parse(schema, request.form, request.files, store=receive,
                         prefill=info["data"])
    _check_documents(info, parsed)
    if parsed.errors:  # also say what else the schema finds, so all is fixed in one go
        try:
            validate_form(schema, parsed.data)
        except InvalidData as err:
            for key, message in err.errors.items():
                parsed.errors.setdefault(parsed.form_key(key), message)
        return _invalid(info, parsed.errors)
    try:
        expected = int(request.form.get("expected_version", ""))
    except ValueError:
        expected = None
    try:
        with storing_received(info["instance"]["id"]):
            engine().complete(task_id, current_user.name, parsed.data,
                              expected_version=expected)
    except NotFound:
        return _gone(instance_id)
    except Conflict as err:
        return _stale(info["instance"]["id"], err)
    except InvalidData as err:
        return _invalid(info, {parsed.form_key(k): engine_text(v) for k, v in err.errors.items()}
                        or {err.field or "": error_message(err)})
    except OpiflowError as err:
        if err.status != 422:
            raise
        return _invalid(info, {parsed.form_key(err.field or ""): _with_hint(err)})
    flash(_("Opgaven «{title}» er afsluttet.", title=info["task"].title))
    page = "joint.page" if info["instance"]["model"] == "joint_scaling" else "instances.overview"
    return redirect(url_for(page, instance_id=info["instance"]["id"]))


def _check_documents(info: dict, parsed: forms.Parsed) -> None:
    """A file reference kept from an earlier attempt must name a file we stored."""
    known = {doc["sha256"] for _key, doc in documents(info["data"])} | received()
    for key, doc in documents(parsed.data):
        if doc["sha256"] not in known and path_of(info["instance"]["id"],
                                                  str(doc["sha256"])) is None:
            parsed.errors[key] = _("Filen findes ikke længere. Vedhæft den igen.")


def _with_hint(err: OpiflowError) -> str:
    return error_text(err)


def _invalid(info: dict, errors: dict):
    fields = forms.build(info["schema"], info["data"], raw=request.form)
    for f in forms.all_fields(fields):  # a refused submission stores no file
        sent = request.files.get(f.name)
        if f.kind == "file" and sent is not None and sent.filename and not f.error:
            f.error = _("Vedhæft filen igen: filer gemmes først, når opgaven bliver "
                        "afsluttet.")
    return _render(info, fields, errors, status=422)


def _gone(instance_id: str):
    """The task is no longer open: if the user may see its instance, someone else
    completed it; otherwise it simply does not exist for them."""
    try:
        engine().show(instance_id, user=current_user.name) if instance_id else None
    except OpiflowError:
        instance_id = ""
    if not instance_id:
        return error_page(404, _("Det, du leder efter, findes ikke, eller du har ikke "
                                 "adgang til det."))
    return _stale(instance_id, None)


def _stale(instance_id: str, err: Conflict | None):
    message = _("Opgaven blev afsluttet eller ændret af en anden, mens du havde den "
                "åben. Dine ændringer er ikke gemt, og intet er ændret.")
    return render_template("tasks/stale.html", instance_id=instance_id, message=message,
                           detail=error_message(err) if err else ""), 409

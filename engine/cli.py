"""The ``opiflow`` command.

Every command that returns data has ``--json``; every refusal exits non-zero with a
one-line reason (and what to do) on stderr.
"""
from __future__ import annotations

import functools
import json
import sys
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from . import config
from .errors import ModelError, OpiflowError


def _engine(ctx: click.Context):
    from .runtime import Engine

    if ctx.obj is None:
        ctx.obj = Engine()
    return ctx.obj


def _fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def refusals(fn):
    """Turn an engine refusal into a one-line reason and a non-zero exit."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ModelError as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            _fail(str(err))
        except OpiflowError as err:
            _fail(str(err))
        except SQLAlchemyError as err:
            reason = str(getattr(err, "orig", err)).splitlines()[0]
            _fail(f"the database refused: {reason}. Is it set up? Run `opiflow init-db`, "
                  "and check DATABASE_URL")

    return wrapper


def _load_data(value: str | None):
    if value is None:
        return None
    try:
        text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    except OSError as err:
        _fail(f"cannot read {value[1:]}: {err.strerror}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        _fail(f"--data is not valid JSON: {err}. Give a JSON object or @FILE")


def _out(as_json: bool, value, text_lines):
    if as_json:
        click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))
    else:
        for line in text_lines:
            click.echo(line)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """opiflow: innovation partnerships and innovative procurement as BPMN workflows."""


@main.command("init-db")
@click.pass_context
@refusals
def init_db(ctx):
    """Create or upgrade the database schema."""
    engine = _engine(ctx)
    engine.init_db()
    click.echo(f"database ready: {engine.sql.url.render_as_string(hide_password=True)}")


@main.command()
@click.argument("path", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def deploy(ctx, path, as_json):
    """Deploy every model folder under PATH (default: the workflows folder)."""
    results = _engine(ctx).deploy(path)
    _out(as_json, [r.__dict__ for r in results],
         [f"{r.model}: {r.version[:12]} ({'new version' if r.created else 'unchanged'})"
          for r in results])


@main.command()
@click.argument("path", required=False)
@click.option("--groups", default=None,
              help="Comma-separated groups that lanes must name (default: not checked).")
@click.option("--json", "as_json", is_flag=True)
@refusals
def validate(path, groups, as_json):
    """Check models without deploying: every problem with file, element and what to do."""
    from . import specs

    root = Path(path or config.get("OPIFLOW_WORKFLOWS"))
    if not root.is_dir():
        _fail(f"{root} is not a folder: give a model folder or a folder of models")
    known = [g.strip() for g in groups.split(",") if g.strip()] if groups else None
    problems = []
    for folder in specs.model_folders(root):
        try:
            files = specs.read_files(folder)
        except ModelError as err:
            problems += [(folder.name, p) for p in err.problems]
            continue
        problems += [(folder.name, p) for p in specs.check(folder.name, files, groups=known)]
    _out(as_json, [{"model": m, **p.__dict__} for m, p in problems],
         [f"{m}/{p}" for m, p in problems] or ["no problems found"])
    if problems:
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def models(ctx, as_json):
    """The deployed models and their newest versions."""
    rows = _engine(ctx).models()
    _out(as_json, rows, [f"{r['model']}  {r['version'][:12]}  ({r['versions']} version(s))"
                         for r in rows] or ["no models deployed"])


@main.group()
def users():
    """Manage users."""


@users.command("add")
@click.argument("name")
@click.option("--authority", required=True, help="The authority the user works for.")
@click.option("--groups", default="", help="Comma-separated groups (lane names).")
@click.option("--audits", default="", help="Auditors: comma-separated authorities audited.")
@click.option("--password", default=None, help="A password for the web UI.")
@click.pass_context
@refusals
def users_add(ctx, name, authority, groups, audits, password):
    """Add or update a user."""
    from .passwords import hash_password

    split = [g.strip() for g in groups.split(",") if g.strip()]
    audited = [a.strip() for a in audits.split(",") if a.strip()]
    _engine(ctx).add_user(name, authority, split, audits=audited,
                          password_hash=hash_password(password) if password else None)
    click.echo(f"user {name} ({authority}; groups: {', '.join(split) or '-'})")


@main.group()
def webhooks():
    """An authority's outgoing webhooks (signed JSON POSTs of chosen audit events)."""


@webhooks.command("add")
@click.option("--authority", required=True)
@click.option("--url", required=True)
@click.option("--kinds", required=True, help="Comma-separated event kinds, e.g. "
                                             "completed,timer_fired")
@click.pass_context
@refusals
def webhooks_add(ctx, authority, url, kinds):
    """Add a webhook; prints its id and the secret that signs its payloads."""
    hook, secret = _engine(ctx).add_webhook(authority, url, [
        k.strip() for k in kinds.split(",") if k.strip()])
    click.echo(f"webhook {hook}; signing secret (keep it for the receiver): {secret}")


@webhooks.command("log")
@click.argument("webhook_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def webhooks_log(ctx, webhook_id, as_json):
    """The delivery log of a webhook: each event, its attempts and result."""
    rows = _engine(ctx).webhook_deliveries(webhook_id)
    _out(as_json, [{**r.__dict__, "next_attempt_at": str(r.next_attempt_at or ""),
                    "delivered_at": str(r.delivered_at or "")} for r in rows],
         [f"event {r.event_id}: {r.status} after {r.attempts} attempt(s): {r.last_result}"
          for r in rows] or ["no deliveries yet"])


@main.command()
@click.argument("model")
@click.option("--as", "user", required=True)
@click.option("--data", default=None, help="JSON object or @FILE")
@click.pass_context
@refusals
def start(ctx, model, user, data):
    """Start an instance of MODEL; prints its id."""
    click.echo(_engine(ctx).start(model, user, _load_data(data)))


@main.command()
@click.option("--instance", default=None)
@click.option("--as", "user", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def tasks(ctx, instance, user, as_json):
    """Open tasks (those USER may work on, with --as)."""
    rows = _engine(ctx).tasks(user=user, instance_id=instance)
    _out(as_json, [t.as_dict() for t in rows],
         [f"{t.id}  {t.title}  [{t.lane}]  {t.assignee or '-'}  "
          f"due {t.due_at.date().isoformat() if t.due_at else '-'}  {t.instance_id[:8]}"
          for t in rows] or ["no open tasks"])


@main.command()
@click.argument("task")
@click.option("--as", "user", required=True)
@click.pass_context
@refusals
def claim(ctx, task, user):
    """Claim TASK."""
    _engine(ctx).claim(task, user)
    click.echo(f"claimed by {user}")


@main.command()
@click.argument("task")
@click.option("--as", "user", required=True)
@click.pass_context
@refusals
def unclaim(ctx, task, user):
    """Give TASK back to its group."""
    _engine(ctx).unclaim(task, user)
    click.echo("unclaimed")


@main.command()
@click.argument("task")
@click.option("--as", "user", required=True)
@click.option("--data", required=True, help="JSON object or @FILE")
@click.pass_context
@refusals
def complete(ctx, task, user, data):
    """Complete TASK with form data."""
    engine = _engine(ctx)
    instance = engine.complete(task, user, _load_data(data))
    shown = engine.show(instance)
    click.echo(f"completed; instance {instance} is {shown['status']}"
               + "".join(f"\n  next: {t['title']} [{t['lane']}] {t['id']}"
                         for t in shown["open_tasks"]))


@main.command()
@click.argument("instance")
@click.option("--as", "user", required=True)
@click.option("--reason", required=True, help="Why the procedure is cancelled (the report "
                                             "and the letters state it).")
@click.pass_context
@refusals
def cancel(ctx, instance, user, reason):
    """Cancel INSTANCE, with the reason (recorded in the audit log and the report)."""
    _engine(ctx).cancel(instance, user, reason)
    click.echo(f"cancelled; instance {instance}")


@main.command()
@click.option("--model", default=None)
@click.option("--status", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def instances(ctx, model, status, as_json):
    """Instances, newest first."""
    rows = _engine(ctx).instances(model=model, status=status)
    _out(as_json, rows, [f"{r['id']}  {r['model']}  {r['status']}  {r['phase'] or '-'}  "
                         f"{r['title']}" for r in rows] or ["no instances"])


@main.command()
@click.argument("instance")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def show(ctx, instance, as_json):
    """Where INSTANCE stands: status, phase, open tasks, waiting timers, data."""
    info = _engine(ctx).show(instance)
    lines = [f"{info['title']} ({info['model']} {info['version'][:12]})",
             f"status: {info['status']}   phase: {info['phase'] or '-'}   "
             f"authority: {info['authority']}   events: {info['events']}"]
    lines += [f"open: {t['title']} [{t['lane']}] {t['assignee'] or 'unclaimed'}  {t['id']}"
              for t in info["open_tasks"]]
    lines += [f"waiting: {w['name'] or w['type']} until {w['value']}" for w in info["waiting"]]
    _out(as_json, info, lines)


@main.command()
@click.argument("instance")
@click.option("--as", "user", default=None, help="Read as this user (their access applies).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def letters(ctx, instance, user, as_json):
    """The letters sent to INSTANCE's participants (UBL § 171), oldest first."""
    rows = _engine(ctx).letters(instance, user=user)
    _out(as_json, rows, [f"{r['id']}  {r['dated']}  {r['kind']:<12}  {r['addressee']}  "
                         f"{r['subject']}" for r in rows] or ["no letters"])


@main.command()
@click.argument("letter_id", type=int)
@click.option("--as", "user", default=None, help="Read as this user (their access applies).")
@click.option("--pdf", "pdf_file", default=None, type=click.Path(dir_okay=False),
              help="Write the letter as PDF to this file.")
@click.option("--html", "html_file", default=None, type=click.Path(dir_okay=False),
              help="Write the letter as HTML to this file.")
@click.pass_context
@refusals
def letter(ctx, letter_id, user, pdf_file, html_file):
    """One letter: its text, or written as PDF or HTML (--pdf FILE, --html FILE)."""
    from .letters import render

    row = _engine(ctx).letter(letter_id, user=user)
    for name, make in ((pdf_file, render.pdf), (html_file, render.html)):
        if not name:
            continue
        made = make(row)
        try:
            Path(name).write_bytes(made if isinstance(made, bytes) else made.encode("utf-8"))
        except OSError as err:
            _fail(f"cannot write {name}: {err.strerror}")
        click.echo(f"letter {letter_id} written to {name}")
    if pdf_file or html_file:
        return
    text = row["content"]
    click.echo(f"{text['sender']} til {text['addressee']}, {text['dated']}")
    click.echo(text["subject"])
    for paragraph in text["paragraphs"]:
        click.echo("\n" + paragraph)
    click.echo("\n" + text["legal"])
    if not row["intact"]:
        click.echo(f"warning: letter {letter_id} no longer matches its audit event "
                   f"{row['event_seq']}", err=True)


@main.command()
@click.option("--now", "now", default=None, help="ISO time to fire timers at (default: now)")
@click.pass_context
@refusals
def tick(ctx, now):
    """Fire every timer that is due."""
    at = None
    if now:
        try:
            at = datetime.fromisoformat(now)
        except ValueError:
            _fail(f"--now {now} is not an ISO time, e.g. 2027-04-07T09:00")
    engine = _engine(ctx)
    moved = engine.tick(at)
    click.echo(f"{len(moved)} instance(s) moved" + "".join(f"\n  {i}" for i in moved))
    failing = engine.incidents()
    if failing:
        click.echo(f"{len(failing)} instance(s) with a failed timer: see `opiflow incidents`",
                   err=True)


@main.command()
@click.argument("role")
@click.option("--database", default=None, help="Default: the database of DATABASE_URL.")
def grants(role, database):
    """The SQL that gives the application's PostgreSQL ROLE only what it needs (run it
    as the owner after `opiflow init-db`; see docs/audit.md)."""
    from sqlalchemy.engine import make_url

    from .roles import grant_statements

    try:
        name = database or make_url(config.get("DATABASE_URL")).database
        lines = grant_statements(role, name or "")
    except ValueError as err:
        _fail(f"{err}. Give plain names, e.g. opiflow grants opiflow_app")
    for line in lines:
        click.echo(line + ";")


@main.command()
@click.pass_context
@refusals
def notify(ctx):
    """Make due notifications (inbox) and e-mail them; run it with tick from cron."""
    made, sent = _engine(ctx).notify()
    posted = _engine(ctx).deliver_webhooks()
    click.echo(f"{made} notification(s) made, {sent} e-mail(s) sent, "
               f"{posted} webhook delivery(ies)")


@main.command()
def settings():
    """The settings (environment variables), their values and what they do."""
    for setting in config.SETTINGS:
        click.echo(f"{setting.name}={config.get(setting.name)}\n    {setting.help}")



@main.command()
@click.option("--model", "model_file", required=True, type=click.Path(dir_okay=False),
              help="The evaluation model (JSON).")
@click.option("--tenders", "tenders_file", required=True, type=click.Path(dir_okay=False),
              help="The tenders (JSON list).")
@click.option("--json", "as_json", is_flag=True, help="Unrounded results, sorted by rank.")
@refusals
def score(model_file, tenders_file, as_json):
    """Apply an evaluation model to tenders (the code the process itself uses)."""
    from .rules import scoring

    if not Path(model_file).exists() or not Path(tenders_file).exists():
        _fail(f"{model_file if not Path(model_file).exists() else tenders_file} does not exist")
    model = scoring.parse_model(_load_data("@" + model_file))
    results = scoring.score(model, scoring.parse_tenders(model, _load_data("@" + tenders_file)))
    if as_json:
        click.echo(json.dumps(scoring.results_as_json(results), indent=2, ensure_ascii=False))
    else:
        click.echo(scoring.format_table(model, results))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port):
    """Run the web app (development server; use gunicorn 'webui:create_app()' in production)."""
    from webui import create_app

    app = create_app()
    click.echo(f"opiflow is running at http://{host}:{port}/  (Ctrl-C stops it)")
    from .demo import login_help

    click.echo(login_help(app.extensions["opiflow"]))
    app.run(host=host, port=port, use_reloader=False)
from engine import audit_cli, complaints_cli, designer_cli, incidents_cli  # noqa: E402,F401


@main.command()
@refusals
def demo():
    """Load the demo users and partnerships (loading twice duplicates nothing)."""
    from .demo import load, login_help
    from .runtime import Engine

    for line in load():
        click.echo(line)
    click.echo(login_help(Engine()))


@main.command("joint")
@click.argument("instance")
@click.option("--as", "user", required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def joint_process(ctx, instance, user, as_json):
    """A joint process as USER's authority sees it: parties, demand, own procurements."""
    page = _engine(ctx).joint_process(instance, user)
    data = page["data"]
    lines = [f"{page['title']} (facilitator: {page['owner']}; seen as {page['view']})",
             f"status: {page['status']}   phase: {page['phase'] or '-'}"]
    if data.get("demand"):
        demand = data["demand"]
        lines.append(f"demand: {demand['participants']} authorities, "
                     f"{demand['units_per_year']} units and {demand['budget_per_year']} kr. "
                     "a year")
    for party in page["parties"]:
        signed = (party["signature"] or {}).get("signed")
        lines.append(f"party: {party['authority']}: {party['role']}"
                     + ("  (signed)" if signed else ""))
    for child in page["children"]:
        lines.append(f"child: {child['authority']}: {child['model']} {child['status']} "
                     f"{child['phase'] or '-'} since {child['created_at']:%Y-%m-%d}"
                     + (f"  {child['id']}" if child["id"] else ""))
    for name, record in page["own_procurements"].items():
        if not record.get("child"):
            lines.append(f"own procurement: {name}: {record['procedure']} "
                         f"(planned start {record.get('planned_start')})")
    _out(as_json, page, lines)

"""``opiflow incidents``: list timer incidents, retry or resolve one."""
from __future__ import annotations

import sys

import click

from .cli import _engine, _out, main, refusals


def _line(i: dict) -> str:
    state = ("open, next try " + (i["next_retry_at"] or "when a person retries")
             if i["open"] else f"resolved by {i['resolved_by']}: {i['resolution']}")
    return (f"{i['id']}  {i['instance_id'][:8]}  {i['title']}  element {i['element'] or '-'}"
            f"  attempts {i['attempts']}  {state}\n    {i['error']}")


@main.group(invoke_without_command=True)
@click.option("--as", "user", default=None, help="Only what USER's authority may see.")
@click.option("--instance", default=None)
@click.option("--all", "everything", is_flag=True, help="Resolved incidents too.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def incidents(ctx, user, instance, everything, as_json):
    """Instances whose timers failed (open ones; --all for resolved too).

    Exits 1 when any listed incident is open, so cron can alert on it."""
    if ctx.invoked_subcommand is not None:
        return
    rows = _engine(ctx).incidents(user=user, instance_id=instance,
                                  include_resolved=everything)
    _out(as_json, rows, [_line(i) for i in rows] or ["no incidents"])
    if any(i["open"] for i in rows):
        sys.exit(1)


@incidents.command("retry")
@click.argument("incident")
@click.option("--as", "user", required=True)
@click.pass_context
@refusals
def retry(ctx, incident, user):
    """Try INCIDENT's timers again now."""
    after = _engine(ctx).retry_incident(incident, user)
    click.echo("the timer fired; the incident is resolved" if not after["open"]
               else f"still open (attempts {after['attempts']}): {after['error']}")


@incidents.command("resolve")
@click.argument("incident")
@click.option("--as", "user", required=True)
@click.option("--note", required=True, help="What was done about it.")
@click.pass_context
@refusals
def resolve(ctx, incident, user, note):
    """Close INCIDENT with a note."""
    _engine(ctx).resolve_incident(incident, user, note)
    click.echo(f"incident {incident} resolved")

"""The auditors' commands: ``opiflow replay``, ``opiflow verify``, ``opiflow export``.

Each exits non-zero when the record is not what it should be (a divergence, a broken
chain), so they can run from cron or CI.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import func, select

from . import audit
from .cli import _engine, _fail, _out, main, refusals
from .models import Event

PROGRESS_FROM = 50_000  # events: show a progress bar for runs at least this long


@click.command()
@click.argument("instance", required=False)
@click.option("--all", "everything", is_flag=True, help="Every instance in the database.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="With --all: processes to replay in parallel (e.g. one per core).")
@click.option("--to", "to_seq", type=int, default=None,
              help="Replay up to and including this event (seq).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def replay(ctx, instance, everything, jobs, to_seq, as_json):
    """Re-execute INSTANCE's log (or --all) on its model version and compare every step.

    Exits 1 if a replay diverges from the record or the stored state."""
    from .replay import replay as run_replay

    if bool(instance) == bool(everything):
        _fail("give an INSTANCE or --all")
    if everything:
        if to_seq is not None:
            _fail("--to is for one instance")
        _replay_all(_engine(ctx), jobs, as_json)
        return
    report = run_replay(_engine(ctx), instance, to_seq)
    _out(as_json, report.as_dict(), report.lines())
    if not report.identical or not report.chain.ok:
        sys.exit(1)


def _replay_all(engine, jobs: int, as_json: bool) -> None:
    from .replay_all import replay_all

    verdicts = replay_all(engine, jobs)
    bad = [v for v in verdicts if not v.ok]
    events = sum(v.events for v in verdicts)
    lines = ([line for v in bad for line in v.lines]
             + [f"{len(verdicts)} instance(s), {events} event(s) replayed: "
                + ("identical" if not bad else f"{len(bad)} instance(s) NOT identical")])
    _out(as_json, {"instances": len(verdicts), "events": events, "ok": not bad,
                   "problems": [v.as_dict() for v in bad]}, lines)
    if bad:
        sys.exit(1)


@click.command()
@click.argument("instance", required=False)
@click.option("--all", "everything", is_flag=True, help="Every instance in the database.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="With --all: processes to verify in parallel (e.g. one per core).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def verify(ctx, instance, everything, jobs, as_json):
    """Check the hash chain of INSTANCE (or --all): edited, deleted, inserted or
    reordered events are reported with the first bad event. Exits 1 if any."""
    if bool(instance) == bool(everything):
        _fail("give an INSTANCE or --all")
    engine = _engine(ctx)
    if instance:
        reports = [engine.verify(instance)]
    elif jobs > 1:
        reports = audit.verify_all_parallel(engine.database_url, jobs)
    else:
        reports = _verify_all(engine, show_progress=not as_json or sys.stderr.isatty())
    bad = [r for r in reports if not r.ok]
    events = sum(r.events for r in reports)
    lines = ([f"{r.instance_id}: broken at event {r.first_bad_seq}: {r.reason}" for r in bad]
             + [f"{len(reports)} instance(s), {events} event(s) checked: "
                + ("verified" if not bad else f"{len(bad)} instance(s) NOT verified")])
    _out(as_json, {"instances": len(reports), "events": events, "ok": not bad,
                   "problems": [{"instance": r.instance_id, "first_bad_seq": r.first_bad_seq,
                                 "reason": r.reason} for r in bad]}, lines)
    if bad:
        sys.exit(1)


def _verify_all(engine, show_progress: bool) -> list[audit.ChainReport]:
    with engine.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count(Event.id))) or 0
        if not show_progress or total < PROGRESS_FROM:
            return list(audit.verify_all(s))
        with click.progressbar(length=total, label="verifying", file=sys.stderr,
                               show_pos=True) as bar:
            return list(audit.verify_all(s, progress=bar.update))


FORMATS = ("xes", "csv", "ocds", "report-html", "report-pdf")


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@click.argument("instance", required=False)
@click.option("--all", "everything", is_flag=True, help="Every instance (xes, csv, ocds).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write ('-' for standard output, text formats only).")
@click.pass_context
@refusals
def export(ctx, fmt, instance, everything, output):
    """Export INSTANCE (or --all) as FORMAT: xes, csv, ocds, report-html, report-pdf."""
    from . import export as exports

    if bool(instance) == bool(everything):
        _fail("give an INSTANCE or --all")
    if everything and fmt.startswith("report"):
        _fail("a procurement report is for one instance: give its id")
    engine = _engine(ctx)
    ids = [instance] if instance else exports.all_instance_ids(engine)
    content = exports.render(engine, fmt, ids, only_procurements=everything)
    if output == "-":
        if isinstance(content, bytes):
            _fail("a PDF cannot go to standard output: give -o FILE")
        click.echo(content, nl=False)
        return
    path = Path(output)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    click.echo(f"{fmt}: {len(ids)} instance(s) written to {path}", err=True)


for _command in (replay, verify, export):
    main.add_command(_command)

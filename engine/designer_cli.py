"""The designers' commands: ``opiflow export-model`` and ``opiflow migrate``."""
from __future__ import annotations

import click

from .cli import _engine, _fail, _out, main, refusals


@click.command("export-model")
@click.argument("model")
@click.option("--version", default=None, help="A version (or its first characters); "
              "default: the newest.")
@click.option("-o", "--output", required=True, help="The folder to write the files to.")
@click.pass_context
@refusals
def export_model(ctx, model, version, output):
    """Write a deployed version of MODEL back as files (to commit to workflows/)."""
    written = _engine(ctx).export_model(model, version, output)
    click.echo(f"{model}: {len(written)} file(s) written to {output}")


@click.command()
@click.argument("instance", required=False)
@click.option("--from-version", default=None,
              help="Every running instance on this version (of --model).")
@click.option("--model", default=None, help="The model, with --from-version.")
@click.option("--to", "to_version", required=True, help="The version to move to.")
@click.option("--as", "user", required=True)
@click.option("--reason", default="", help="Why (recorded in the audit log).")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def migrate(ctx, instance, from_version, model, to_version, user, reason, dry_run, as_json):
    """Move INSTANCE (or every instance on --from-version) to another model version."""
    engine = _engine(ctx)
    if bool(instance) == bool(from_version):
        _fail("give either INSTANCE or --from-version (with --model)")
    if from_version and not model:
        _fail("--from-version needs --model")
    if not dry_run and not reason.strip():
        _fail("a migration needs --reason (it is recorded in the audit log)")
    results = ([engine.migrate(instance, to_version, user, reason, dry_run)] if instance
               else engine.migrate_all(model, from_version, to_version, user, reason,
                                       dry_run))
    lines = []
    for r in results:
        verdict = ("migrated" if r.get("migrated") else "would migrate" if r["possible"]
                   else "refused")
        lines.append(f"{r['instance']} {r['title']}: {verdict} "
                     f"{r['from'][:12]} -> {r['to'][:12]}")
        lines += [f"  refused: {x}" for x in r["refusals"]]
        lines += [f"  changed: {k} ({', '.join(v)})" for k, v in r["changed"].items()]
        lines += [f"  added: {x}" for x in r["added"]] + [f"  removed: {x}"
                                                         for x in r["removed"]]
    _out(as_json, results, lines or ["no running instances on that version"])
    if any(not r["possible"] for r in results):
        raise SystemExit(1)


for _command in (export_model, migrate):
    main.add_command(_command)

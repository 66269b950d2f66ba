"""``opiflow complaint`` and ``opiflow impartiality``: what is recorded about a procedure
outside its task flow, at any time: complaints to Klagenævnet for Udbud and the Board's
decisions on suspension (KNL §§ 7, 12); advisers named in the procedure and the
declarations of impartiality of evaluators and advisers (UBL § 4)."""
from __future__ import annotations

import click

from .cli import _engine, _out, main, refusals


def _complaint_line(i: int, c: dict) -> str:
    when = "within the standstill" if c.get("within_standstill") else "after the standstill"
    decided = f" on {c['decided_on']}" if c.get("decided_on") else ""
    line = (f"{i}. {c.get('complainant')} filed {c.get('filed_on')} ({when}): "
            f"{c.get('subject')}; suspension {c.get('suspension')}{decided}")
    return line + (f"; outcome: {c['outcome']}" if c.get("outcome") else "")


@main.group()
def complaint():
    """Complaints to Klagenævnet for Udbud about a procedure."""


@complaint.command("add")
@click.argument("instance")
@click.option("--as", "user", required=True)
@click.option("--complainant", required=True, help="Who complained.")
@click.option("--filed-on", required=True, help="The day the complaint was filed (ISO).")
@click.option("--subject", required=True, help="What the complaint is about.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def complaint_add(ctx, instance, user, complainant, filed_on, subject, as_json):
    """Register a complaint (any time after the award notification); whether it was
    filed within the standstill is computed from the standstill end."""
    rows = _engine(ctx).register_complaint(instance, user, {
        "complainant": complainant, "filed_on": filed_on, "subject": subject})
    _out(as_json, rows, [_complaint_line(i, c) for i, c in enumerate(rows, 1)])


@complaint.command("decide")
@click.argument("instance")
@click.argument("number", type=int)
@click.option("--as", "user", required=True)
@click.option("--suspension", required=True, type=click.Choice(["granted", "refused"]),
              help="Klagenævnet's decision on suspension.")
@click.option("--decided-on", required=True, help="The day of the decision (ISO).")
@click.option("--outcome", default=None, help="The outcome of the case, when known.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def complaint_decide(ctx, instance, number, user, suspension, decided_on, outcome, as_json):
    """Record Klagenævnet's decision on suspension for complaint NUMBER."""
    rows = _engine(ctx).decide_complaint(instance, user, number, {
        "suspension": suspension, "decided_on": decided_on, "outcome": outcome})
    _out(as_json, rows, [_complaint_line(i, c) for i, c in enumerate(rows, 1)])


@complaint.command("list")
@click.argument("instance")
@click.option("--as", "user", required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def complaint_list(ctx, instance, user, as_json):
    """The complaints registered on INSTANCE."""
    rows = _engine(ctx).show(instance, user=user)["data"].get("complaints") or []
    _out(as_json, rows, [_complaint_line(i, c) for i, c in enumerate(rows, 1)]
         or ["no complaints"])


def _person_line(p: dict) -> str:
    d = p.get("declaration")
    if not d:
        state = "has not declared"
    elif d.get("conflict"):
        state = (f"declared a conflict ({d.get('with') or 'the procedure'}) on "
                 f"{d.get('declared_on')}; measures: {d.get('measures')}")
    else:
        state = f"declared no conflict on {d.get('declared_on')}"
    return f"{p.get('person')} ({p.get('role')}): {state}"


@main.group()
def impartiality():
    """Advisers named in a procedure and declarations of impartiality (UBL § 4)."""


@impartiality.command("adviser")
@click.argument("instance")
@click.option("--as", "user", required=True)
@click.option("--person", required=True)
@click.option("--organisation", required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def impartiality_adviser(ctx, instance, user, person, organisation, as_json):
    """Name an external adviser in the procedure; they declare before any assessment."""
    rows = _engine(ctx).name_adviser(instance, user, {"person": person,
                                                      "organisation": organisation})
    _out(as_json, rows, [_person_line(p) for p in rows])


@impartiality.command("declare")
@click.argument("instance")
@click.option("--as", "user", required=True)
@click.option("--person", required=True, help="The evaluator's user name or the adviser.")
@click.option("--role", required=True, type=click.Choice(["evaluator", "adviser"]))
@click.option("--conflict/--no-conflict", required=True)
@click.option("--with", "with_whom", default="", help="The bidder the conflict concerns "
              "(empty: the procedure as a whole).")
@click.option("--description", default="")
@click.option("--measures", default="", help="The measures taken for a declared conflict.")
@click.option("--declared-on", default=None, help="The day of the declaration (ISO).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@refusals
def impartiality_declare(ctx, instance, user, person, role, conflict, with_whom,
                         description, measures, declared_on, as_json):
    """Record a declaration; a declared conflict needs the measures taken and excludes
    the person from the assessment tasks it concerns."""
    declaration = {"person": person, "role": role, "conflict": conflict, "with": with_whom,
                   "description": description, "measures": measures}
    if declared_on:
        declaration["declared_on"] = declared_on
    rows = _engine(ctx).declare_impartiality(instance, user, declaration)
    _out(as_json, rows, [_person_line(p) for p in rows])

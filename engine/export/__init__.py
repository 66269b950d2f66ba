"""Exports of the record: XES and CSV event logs (process mining), OCDS 1.1 release
packages (open contracting) and the procurement report (UBL § 174, HTML and PDF).

Everything is read from the database as it stands; data still sealed (final tenders
before their opening) is masked, as everywhere else.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import access, audit
from ..errors import NotFound
from ..models import Event, Instance


@dataclass(frozen=True)
class LogEvent:
    """One audit event as the exports need it (no hashes, no snapshots)."""

    instance_id: str
    seq: int
    kind: str
    actor: str
    at: datetime
    task: str | None
    task_spec: str | None
    data: dict
    digests: dict | None = None  # data key -> digest after the event (None: unchanged)

    @property
    def activity(self) -> str:
        return self.task or self.kind


@dataclass(frozen=True)
class Case:
    """One instance with everything the OCDS export and the report read."""

    summary: dict            # access.summary: id, model, title, status, authority, ...
    data: dict               # the instance data now (sealed data masked)
    events: list[LogEvent]
    chain: audit.ChainReport

    @property
    def id(self) -> str:
        return self.summary["id"]

    def first_time(self, key: str) -> datetime | None:
        """When ``key`` first appeared in the instance data (submitted or computed)."""
        times = self.change_times(key)
        return times[0] if times else None

    def change_times(self, key: str) -> list[datetime]:
        """The times of the events after which ``key`` had a new value (the recorded
        snapshots keep a digest of every data key)."""
        times, last = [], None
        for event in self.events:
            if event.digests is None:
                continue
            digest = event.digests.get(key)
            if digest is not None and digest != last and digest not in _EMPTY:
                times.append(event.at)
            last = digest
        return times


def _digest(value) -> str:
    return hashlib.sha256(audit.canonical(value).encode()).hexdigest()[:16]


_EMPTY_VALUES: tuple[object, ...] = (None, "", [], {})
_EMPTY = {_digest(v) for v in _EMPTY_VALUES}  # a key set up empty is not a change


def all_instance_ids(engine) -> list[str]:
    with engine.uow() as uow:
        return list(uow.session.scalars(select(Instance.id).order_by(Instance.created_at,
                                                                     Instance.id)))


def log_events(engine, instance_ids: list[str], batch: int = 5000) -> Iterator[LogEvent]:
    """The events of these instances, by instance (in the order given) then seq."""
    with engine.uow() as uow:
        for instance_id in instance_ids:
            query = (select(Event.instance_id, Event.seq, Event.kind, Event.actor, Event.at,
                            Event.task_title, Event.task_spec, Event.data)
                     .where(Event.instance_id == instance_id).order_by(Event.seq)
                     .execution_options(yield_per=batch))
            for row in uow.session.execute(query):
                yield LogEvent(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                               row[7] or {})


def case(engine, instance_id: str, user: str | None = None) -> Case:
    shown = engine.show(instance_id, user)
    summary = {k: v for k, v in shown.items() if k not in ("data", "open_tasks", "waiting")}
    now = engine.now()
    sealed = {"sealed": shown.get("sealed", {})}
    with engine.uow() as uow:
        s = uow.session
        events = [LogEvent(e.instance_id, e.seq, e.kind, e.actor, e.at, e.task_title,
                           e.task_spec, access.mask_sealed(e.data or {}, sealed, now),
                           (e.snapshot or {}).get("data") if e.snapshot else None)
                  for e in audit.history(s, instance_id)]
        chain = audit.verify_instance(s, instance_id)
    return Case(summary, shown["data"], events, chain)


def render(engine, fmt: str, instance_ids: list[str],
           only_procurements: bool = False) -> str | bytes:
    """The export of these instances in ``fmt`` (xes, csv, ocds, report-html,
    report-pdf). With ``only_procurements``, OCDS leaves out instances that are not
    procurements (no need, no tender documents)."""
    if fmt == "xes":
        from . import xes

        return xes.render(log_events(engine, instance_ids), instance_titles(engine,
                                                                            instance_ids))
    if fmt == "csv":
        from . import csv

        return csv.render(log_events(engine, instance_ids))
    if fmt == "ocds":
        import json

        from . import ocds

        cases = [case(engine, i) for i in instance_ids]
        if only_procurements:
            cases = [c for c in cases if ocds.is_procurement(c)]
        if not cases:
            raise NotFound("no procurement to export",
                           hint="OCDS describes instances with a need and tender documents")
        package = ocds.release_package(cases, published=engine.now())
        ocds.check(package)
        return json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("report-html", "report-pdf"):
        from . import report

        (instance_id,) = instance_ids
        context = report.context(engine, instance_id)
        return report.html(context) if fmt == "report-html" else report.pdf(context)
    raise ValueError(f"unknown export format {fmt}")


def instance_titles(engine, instance_ids: list[str]) -> dict[str, dict]:
    with engine.uow() as uow:
        query = select(Instance.id, Instance.title, Instance.model)
        if len(instance_ids) <= 500:
            query = query.where(Instance.id.in_(instance_ids))
        rows = uow.session.execute(query).all()
    return {i: {"title": title, "model": model} for i, title, model in rows}

"""``opiflow replay --all [--jobs N]``: replay every instance's log, in parallel processes.

The instances are split into contiguous spans of ids (as ``verify --all --jobs``); each
process replays its spans on its own engine and database connection. An instance that
cannot be replayed at all (its model version is missing) is reported, not skipped.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import OpiflowError
from .models import Instance


@dataclass(frozen=True)
class Verdict:
    """One instance's replay, in short."""

    instance_id: str
    ok: bool
    events: int
    lines: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"instance": self.instance_id, "ok": self.ok, "events": self.events,
                "lines": list(self.lines)}


def replay_one(engine, instance_id: str) -> Verdict:
    from .replay import replay

    try:
        report = replay(engine, instance_id)
    except OpiflowError as err:
        return Verdict(instance_id, False, 0, (f"cannot be replayed: {err}",))
    return Verdict(instance_id, report.identical and report.chain.ok, report.last_seq,
                   tuple(report.lines()))


def instance_spans(engine, parts: int) -> list[tuple[str | None, str | None]]:
    with Session(engine.sql) as session:
        ids = list(session.scalars(select(Instance.id).order_by(Instance.id)))
    parts = max(1, min(parts, len(ids)))
    cuts = [ids[len(ids) * n // parts] for n in range(1, parts)] if ids else []
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def replay_span(engine, span: tuple[str | None, str | None]) -> list[Verdict]:
    low, high = span
    query = select(Instance.id).order_by(Instance.id)
    if low is not None:
        query = query.where(Instance.id >= low)
    if high is not None:
        query = query.where(Instance.id < high)
    with Session(engine.sql) as session:
        ids = list(session.scalars(query))
    return [replay_one(engine, instance_id) for instance_id in ids]


def replay_all(engine, jobs: int = 1) -> list[Verdict]:
    """Every instance replayed; in ``jobs`` processes when more than one. In id order."""
    if jobs <= 1:
        return replay_span(engine, (None, None))
    from concurrent.futures import ProcessPoolExecutor

    spans = instance_spans(engine, jobs * 4)
    args = [(engine.database_url, str(engine.workflows_dir), span) for span in spans]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [v for chunk in pool.map(_replay_span_in_process, args) for v in chunk]


def _replay_span_in_process(args) -> list[Verdict]:
    from .runtime import Engine

    database_url, workflows_dir, span = args
    engine = Engine(database_url, workflows_dir=workflows_dir)
    try:
        return replay_span(engine, span)
    finally:
        engine.sql.dispose()

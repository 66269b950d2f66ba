"""The audit log: append-only events, each hash-chained to the previous one.

An event's hash covers the previous hash and every recorded field, so editing,
deleting, inserting or reordering events breaks the chain at the first bad ``seq``.
Each event also records the SHA-256 of the instance's stored state after it
(``state_digest``, part of the hash), so a stored state edited without an event is
found too: it no longer matches the digest of the chain's last event. Events written
before the digest existed have none; they hash and verify exactly as before.
"""
from __future__ import annotations

import copy
import hashlib
import itertools
import json
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from .models import Event, Instance
from .tokens import actor_label

try:  # optional: a faster JSON encoder for verifying many events
    import orjson
except ImportError:  # pragma: no cover - the exact encoder is used instead
    orjson = None  # type: ignore[assignment]

GENESIS = "0" * 64


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def utc_text(at: datetime | str) -> str:
    """A timestamp as the chain hashes it: UTC, naive ISO (databases differ on zones).
    Also takes the text SQLite stores ('YYYY-MM-DD HH:MM:SS.ffffff', naive UTC)."""
    if isinstance(at, str):
        text = at.replace(" ", "T", 1)
        if len(text) == 26 and "+" not in text:  # the stored form: skip parsing
            return text[:-7] if text.endswith(".000000") else text
        at = datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat()


def state_digest(state: str | None) -> str:
    """The SHA-256 of an instance's stored (serialized) state."""
    return hashlib.sha256((state or "").encode("utf-8")).hexdigest()


def event_hash(prev_hash: str, instance_id: str, seq: int, kind: str, actor: str,
               at: datetime, task_id, task_spec, task_nth, data, snapshot,
               digest: str | None = None) -> str:
    fields = [instance_id, seq, kind, actor, utc_text(at), task_id, task_spec, task_nth,
              data, snapshot]
    if digest is not None:  # older events have no state digest: hashed as before
        fields.append(digest)
    body = canonical(fields)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _quick_hash(prev_hash: str, instance_id: str, seq: int, kind: str, actor: str,
                at: datetime, task_id, task_spec, task_nth, data, snapshot,
                digest: str | None = None) -> str:
    """:func:`event_hash` with orjson: the same bytes for JSON-loaded values (sorted
    keys, compact, UTF-8), except some floats' notation; callers confirm a mismatch
    with :func:`event_hash`, so this only makes verification fast, never different."""
    if orjson is None:
        return event_hash(prev_hash, instance_id, seq, kind, actor, at, task_id, task_spec,
                          task_nth, data, snapshot, digest)
    fields = [instance_id, seq, kind, actor, utc_text(at), task_id, task_spec, task_nth,
              data, snapshot]
    if digest is not None:
        fields.append(digest)
    try:
        body = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # a value orjson does not take (e.g. an integer over 64 bits)
        return ""
    return hashlib.sha256(prev_hash.encode("utf-8") + body).hexdigest()


def _raw_hash(prev_hash: str, instance_id: str, row) -> str:
    """:func:`event_hash` from the JSON text as stored, without parsing it: the engine
    writes JSON columns in canonical form, so for an untouched event the stored text is
    exactly what was hashed. Rows read as objects, or text in any other form, return ""
    and are checked the slow, exact way."""
    data_text: Any = getattr(row, "data_text", False)
    if data_text is False or orjson is None:
        return ""
    try:
        head = orjson.dumps([instance_id, row.seq, row.kind, row.actor, utc_text(row.at),
                             row.task_id, row.task_spec, row.task_nth])
    except TypeError:
        return ""
    digest = getattr(row, "state_digest", None)
    tail = b"]" if digest is None else b',"' + digest.encode("ascii") + b'"]'
    body = b"".join((head[:-1], b",", (data_text or "null").encode("utf-8"), b",",
                     (row.snapshot_text or "null").encode("utf-8"), tail))
    return hashlib.sha256(prev_hash.encode("utf-8") + body).hexdigest()


def append(session: Session, instance: Instance, kind: str, actor: str, at: datetime, *,
           task=None, data=None, snapshot=None) -> Event:
    """Add the instance's next event to the session (the caller's transaction commits it).

    ``task`` is an ``engine.runtime.TaskRef``-like object with id, spec, title, nth.
    ``data`` is deep-copied: later changes to the workflow never reach the record.
    """
    seq = instance.last_seq + 1
    actor = actor_label(actor)  # "anna (token: sagssystem)" when acting via an API token
    data = copy.deepcopy(data)
    at = at.astimezone(UTC)
    task_id, spec, title, nth = (task.id, task.spec, task.title, task.nth) if task else (
        None, None, None, None)
    item = getattr(task, "item", None)
    stored = state_digest(instance.state)  # the state as it is saved with this event
    digest = event_hash(instance.last_hash or GENESIS, instance.id, seq, kind, actor, at,
                        task_id, spec, nth, data, snapshot, stored)
    event = Event(instance_id=instance.id, seq=seq, kind=kind, actor=actor, at=at,
                  task_id=task_id, task_spec=spec, task_title=title, task_nth=nth,
                  task_item=item[:200] if item else None,
                  data=data, snapshot=snapshot, prev_hash=instance.last_hash or GENESIS,
                  hash=digest, state_digest=stored)
    session.add(event)
    instance.last_seq = seq
    instance.last_hash = digest
    return event


@dataclass(frozen=True)
class ChainReport:
    instance_id: str
    events: int
    first_bad_seq: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def check_chain(instance_id: str, rows, head_seq: int | None = None,
                head_hash: str | None = None,
                head_state: str | None = None) -> ChainReport:
    """Check one instance's events (ordered by id, i.e. as written).

    ``rows`` are ``Event`` objects or tuples in the same field order. The instance row's
    head (last_seq, last_hash) catches events deleted from the end of the log;
    ``head_state`` (the digest of the stored state, :func:`state_digest`) must be the
    one the last event recorded, when that event recorded one.
    """
    prev, expected_seq, count, last_state = GENESIS, 1, 0, None
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            return ChainReport(instance_id, count, expected_seq,
                               f"expected event {expected_seq}, found {row.seq} "
                               "(an event was deleted, inserted or reordered)")
        if row.prev_hash != prev:
            return ChainReport(instance_id, count, row.seq,
                               "the link to the previous event is broken")
        last_state = getattr(row, "state_digest", None)
        digest = _raw_hash(prev, instance_id, row)
        if digest != row.hash:
            digest = _quick_hash(prev, instance_id, row.seq, row.kind, row.actor, row.at,
                                 row.task_id, row.task_spec, row.task_nth, row.data,
                                 row.snapshot, last_state)
        if digest != row.hash:  # the exact encoder decides (floats may print differently)
            digest = event_hash(prev, instance_id, row.seq, row.kind, row.actor, row.at,
                                row.task_id, row.task_spec, row.task_nth, row.data,
                                row.snapshot, last_state)
        if digest != row.hash:
            return ChainReport(instance_id, count, row.seq,
                               "the event's content does not match its hash (edited)")
        prev, expected_seq = row.hash, expected_seq + 1
    last = expected_seq - 1
    if head_seq is not None and head_seq != last:  # the first event missing or extra
        return ChainReport(instance_id, count, min(head_seq, last) + 1,
                           f"the instance records {head_seq} events, the log has "
                           f"{last} (events were deleted or added)")
    if head_seq is not None and head_hash and head_hash != prev:
        return ChainReport(instance_id, count, last,
                           "the last event is not the one the instance records "
                           "(it was replaced)")
    if head_state is not None and last_state is not None and head_state != last_state:
        return ChainReport(instance_id, count, last,
                           "the stored state is not the one the last event recorded "
                           "(the instance was edited outside the engine)")
    return ChainReport(instance_id, count, None, "verified")


def verify_instance(session: Session, instance_id: str) -> ChainReport:
    instance = session.get(Instance, instance_id)
    rows = session.scalars(select(Event).where(Event.instance_id == instance_id)
                           .order_by(Event.id)).all()
    head = ((instance.last_seq, instance.last_hash, state_digest(instance.state))
            if instance else (None, None, None))
    return check_chain(instance_id, rows, *head)


def history(session: Session, instance_id: str) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.instance_id == instance_id)
                                .order_by(Event.seq)))


def verify_all(session: Session, batch: int = 20_000,
               progress: Callable[[int], None] | None = None,
               span: tuple[str | None, str | None] = (None, None)) -> Iterator[ChainReport]:
    """Check every instance's chain, streaming the events ordered by (instance, id).

    ``progress(n)`` is called with the number of events read since the last call.
    Events of an instance that has no ``instances`` row are reported too. ``span``
    limits the check to instance ids from ``span[0]`` (inclusive) to ``span[1]``."""
    low, high = span
    head_query = select(Instance.id, Instance.last_seq, Instance.last_hash, Instance.state)
    query = (select(Event.instance_id, Event.seq, Event.kind, Event.actor, Event.at,
                    Event.task_id, Event.task_spec, Event.task_nth,
                    cast(Event.data, Text), cast(Event.snapshot, Text),
                    Event.prev_hash, Event.hash, Event.state_digest)
             .order_by(Event.instance_id, Event.id))
    if low is not None:
        head_query = head_query.where(Instance.id >= low)
        query = query.where(Event.instance_id >= low)
    if high is not None:
        head_query = head_query.where(Instance.id < high)
        query = query.where(Event.instance_id < high)
    # the stored states are hashed as they stream by: only their digests are kept
    heads = {iid: (seq, digest, state_digest(state))
             for iid, seq, digest, state in _raw_rows(session, head_query, 500)}
    rows = map(_Row._make, _raw_rows(session, query, batch))
    if progress is not None:
        rows = _counted(rows, batch, progress)
    for instance_id, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        if instance_id not in heads:
            yield ChainReport(instance_id, sum(1 for _ in group), 1,
                              "events of an instance that does not exist (its row was "
                              "deleted)")
            continue
        yield check_chain(instance_id, group, *heads.pop(instance_id))
    for instance_id, head in heads.items():  # instances whose events are all gone
        yield check_chain(instance_id, [], *head)


def verify_all_parallel(database_url: str, jobs: int) -> list[ChainReport]:
    """:func:`verify_all` split over ``jobs`` processes, each checking a contiguous span
    of instance ids on its own connection (the chains of different instances are
    independent). Returns the reports in instance order."""
    from concurrent.futures import ProcessPoolExecutor

    from .db import make_sql_engine

    sql = make_sql_engine(database_url)
    with Session(sql) as session:
        ids = list(session.scalars(select(Instance.id).order_by(Instance.id)))
    sql.dispose()
    parts = max(1, min(jobs * 4, len(ids)))
    cuts = [ids[len(ids) * n // parts] for n in range(1, parts)] if ids else []
    spans = list(zip([None, *cuts], [*cuts, None], strict=True))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunks = pool.map(_verify_span, [database_url] * len(spans), spans)
        return [report for chunk in chunks for report in chunk]


def _verify_span(database_url: str, span) -> list[ChainReport]:
    from .db import make_sql_engine

    sql = make_sql_engine(database_url)
    try:
        with Session(sql) as session:
            return list(verify_all(session, span=span))
    finally:
        sql.dispose()


def _raw_rows(session: Session, query, batch: int):
    """The query's rows as plain DB-API tuples, fetched in batches: a million events
    through SQLAlchemy's result rows cost more than checking them."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # a session's connection is open while it is used
    cursor = dbapi.cursor()
    try:
        params = compiled.params
        if connection.dialect.name == "sqlite":
            cursor.execute(str(compiled), [params[k] for k in compiled.positiontup or ()])
        else:
            cursor.execute(str(compiled), params)
        while chunk := cursor.fetchmany(batch):
            yield from chunk
    finally:
        cursor.close()


class _Row(NamedTuple):
    instance_id: str
    seq: int
    kind: str
    actor: str
    at: datetime
    task_id: str | None
    task_spec: str | None
    task_nth: int | None
    data_text: str | None
    snapshot_text: str | None
    prev_hash: str
    hash: str
    state_digest: str | None

    @property
    def data(self):
        return _loads(self.data_text)

    @property
    def snapshot(self):
        return _loads(self.snapshot_text)


def _loads(text: str | None):
    if text is None:
        return None
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _counted(rows, every: int, progress: Callable[[int], None]):
    count = 0
    for row in rows:
        yield row
        count += 1
        if count == every:
            progress(count)
            count = 0
    progress(count)

"""Benchmarks for the audit tools (prints figures, never asserts).

1. Replay with comparison of the full innovation partnership history (target <= 1 s).
2. ``verify --all`` over 1,000,000 events (target <= 10 s) in a scratch SQLite file and,
   if reachable, a scratch PostgreSQL database (events bulk-loaded with executemany/COPY).

    .venv/bin/python bench/audit.py [--events 1000000] [--per-instance 1000] [--no-pg]
                                    [--state-kb 50]

``verify --all`` also hashes each instance's stored state (issue 9: a state edited without
an event); ``--state-kb`` sizes those states, and the time that check adds is printed
beside the total.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from engine import audit  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.runtime import Engine  # noqa: E402

PG_URL = os.environ.get("OPIFLOW_BENCH_POSTGRES",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/opiflow_bench")
SPECS = ["register", "categorise", "vat", "gw", "approve", "notify", "wait", "sign",
         "review", "assess"]
KEYS = ["title", "item", "amount", "category", "amount_with_vat", "approved", "notified",
        "signed", "comment", "status_phase"]


def bench_replay() -> None:
    from engine import replay
    from tests.audit import scenarios

    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(datetime(2026, 3, 2, 9, 0))
        engine = Engine(f"sqlite:///{tmp}/bench.db", workflows_dir=scenarios.DATA,
                        clock_fn=clock)
        engine.init_db()
        scenarios.set_up(engine)
        note = ""
        try:
            iid = scenarios.innovation_partnership(engine, clock)
        except AssertionError as err:
            note = f" (workflows/innovation_partnership did not run: {err}; " \
                   "the test partnership model instead)"
            iid = scenarios.partnership(engine, clock)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            report = replay.replay(engine, iid)
            times.append(time.perf_counter() - start)
        assert report.identical  # a sanity check of the run, not of the timing
        start = time.perf_counter()
        steps = replay.steps(engine, iid)
        steps_time = time.perf_counter() - start
        print(f"replay + comparison, {report.last_seq} events{note}: "
              f"median {statistics.median(times):.3f} s, best {min(times):.3f} s "
              f"(target <= 1 s); steps() with patches {steps_time:.3f} s "
              f"for {len(steps)} steps")


def _events(instances: int, per_instance: int):
    """Rows (instance_id, seq, kind, actor, at, task_id, spec, title, nth, data,
    snapshot, prev_hash, hash) with a valid chain, and the instance heads."""
    at0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    heads = {}
    for i in range(instances):
        iid = f"00000000-0000-4000-8000-{i:012d}"
        prev = audit.GENESIS
        for seq in range(1, per_instance + 1):
            kind = "started" if seq == 1 else ("claimed", "unclaimed", "completed")[seq % 3]
            at = at0 + timedelta(minutes=seq)
            spec = SPECS[seq % len(SPECS)]
            data = {"item": "Robot", "amount": seq} if kind != "claimed" else None
            snapshot = {"tasks": {s: {"COMPLETED": 1} for s in SPECS[: 1 + seq % 8]},
                        "data": {k: f"{seq:016x}" for k in KEYS}, "completed": False}
            digest = audit._quick_hash(prev, iid, seq, kind, "anna", at, None, spec, 0, data,
                                      snapshot)
            yield (iid, seq, kind, "anna", at, None, spec, spec.title(), 0, data, snapshot,
                   prev, digest)
            prev = digest
        heads[iid] = (per_instance, prev)
    _events.heads = heads


STATE_KB = 50  # the size of each instance's stored state (set by --state-kb)


def _instance_rows(heads, sqlite: bool):
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    at = now.replace(tzinfo=None).isoformat(" ") if sqlite else now
    state = audit.canonical({"pad": "x" * (STATE_KB * 1024)})
    return [(iid, "purchase_request", "v1", 1, "bench", "running", "", state, 1, None, at, at,
             "anna", seq, digest) for iid, (seq, digest) in heads.items()]


INSTANCE_COLUMNS = ("id, model, model_version, authority_id, title, status, phase, state, "
                    "lock_version, next_timer_at, created_at, updated_at, started_by, "
                    "last_seq, last_hash")
EVENT_COLUMNS = ("instance_id, seq, kind, actor, at, task_id, task_spec, task_title, "
                 "task_nth, data, snapshot, prev_hash, hash")


def load_sqlite(path: Path, instances: int, per_instance: int) -> Engine:
    engine = Engine(f"sqlite:///{path}")
    engine.init_db()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO authorities (id, name) VALUES (1, 'Bench')")
    rows = ((iid, seq, kind, actor, at.replace(tzinfo=None).isoformat(" ", "microseconds"),
             tid, spec, title, nth, audit.canonical(data) if data is not None else None,
             audit.canonical(snap), prev, digest)
            for iid, seq, kind, actor, at, tid, spec, title, nth, data, snap, prev, digest
            in _events(instances, per_instance))
    conn.executemany(f"INSERT INTO events ({EVENT_COLUMNS}) VALUES "
                     f"({', '.join('?' * 13)})", rows)
    conn.executemany(f"INSERT INTO instances ({INSTANCE_COLUMNS}) VALUES "
                     f"({', '.join('?' * 15)})", _instance_rows(_events.heads, True))
    conn.commit()
    conn.close()
    return engine


def load_postgres(instances: int, per_instance: int) -> Engine | None:
    import psycopg
    from sqlalchemy import create_engine

    base, _, name = PG_URL.rpartition("/")
    try:
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
    except Exception as err:  # not reachable: the SQLite figure stands alone
        print(f"PostgreSQL not reachable ({str(err).splitlines()[0]}): skipped")
        return None
    engine = Engine(PG_URL)
    engine.init_db()
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO authorities (id, name) VALUES (1, 'Bench')")
        with cur.copy(f"COPY events ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for row in _events(instances, per_instance):
                row = list(row)
                row[9] = audit.canonical(row[9]) if row[9] is not None else None
                row[10] = audit.canonical(row[10])
                copy.write_row(row)
        with cur.copy(f"COPY instances ({INSTANCE_COLUMNS}) FROM STDIN") as copy:
            for row in _instance_rows(_events.heads, False):
                copy.write_row(row)
        cur.execute("ANALYZE events")
    return engine


def time_verify(label: str, engine: Engine, total: int) -> None:
    for jobs in sorted({1, os.cpu_count() or 1}):
        start = time.perf_counter()
        if jobs == 1:
            with engine.uow() as uow:
                reports = list(audit.verify_all(uow.session))
        else:
            reports = audit.verify_all_parallel(engine.database_url, jobs)
        elapsed = time.perf_counter() - start
        bad = sum(1 for r in reports if not r.ok)
        if jobs == 1:
            print(f"  of which reading and hashing the stored states: {_state_check(engine)}")
        events = sum(r.events for r in reports)
        print(f"verify --all --jobs {jobs} on {label}: {events:,} events in "
              f"{len(reports):,} instances, {elapsed:.2f} s ({events / elapsed:,.0f} "
              f"events/s; target <= 10 s for 1,000,000); problems: {bad}")
        assert events == total


def _state_check(engine: Engine) -> str:
    """The part of ``verify --all`` the state digests add: every instance's stored state
    read and hashed, as ``audit.verify_all`` does before it reads the events."""
    from sqlalchemy import select

    from engine.models import Instance

    start = time.perf_counter()
    with engine.uow() as uow:
        rows = audit._raw_rows(uow.session, select(Instance.id, Instance.state), 500)
        sizes = [len(state) for _iid, state in rows if audit.state_digest(state)]
    elapsed = time.perf_counter() - start
    return (f"{len(sizes):,} states, {sum(sizes) / 2**20:,.0f} MB, {elapsed:.2f} s "
            f"({elapsed * 1e6 / max(1, len(sizes)):,.0f} µs per instance)")


def main() -> None:
    global STATE_KB
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--per-instance", type=int, default=1000)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-replay", action="store_true")
    parser.add_argument("--state-kb", type=int, default=STATE_KB)
    args = parser.parse_args()
    STATE_KB = args.state_kb
    if not args.no_replay:
        bench_replay()
    instances = args.events // args.per_instance
    total = instances * args.per_instance
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        engine = load_sqlite(Path(tmp) / "verify.db", instances, args.per_instance)
        print(f"generated {total:,} chained events into SQLite in "
              f"{time.perf_counter() - start:.1f} s")
        time_verify("SQLite", engine, total)
        engine.sql.dispose()
    if not args.no_pg:
        start = time.perf_counter()
        engine = load_postgres(instances, args.per_instance)
        if engine is not None:
            print(f"generated {total:,} chained events into PostgreSQL (COPY) in "
                  f"{time.perf_counter() - start:.1f} s")
            time_verify("PostgreSQL", engine, total)
            engine.sql.dispose()


if __name__ == "__main__":
    main()

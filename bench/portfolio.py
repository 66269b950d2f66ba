"""Benchmark: the portfolio over many procedures. Prints figures; asserts nothing.

    .venv/bin/python bench/portfolio.py [--procedures 1000] [--database-url URL]

Fills a fresh database with N procedures of one authority (each with its facts, four
phase changes, two funding sources and four drawdowns), then times the engine's
portfolio figures and the whole /portfolio page through the Flask test client (login
once, then GET), median and max of 20 runs. Target: the page in at most 300 ms at 1,000.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from engine.clock import FixedClock  # noqa: E402
from engine.models import (  # noqa: E402
    Authority,
    Drawdown,
    FundingSource,
    Instance,
    PhaseChange,
    ProcedureFacts,
)
from engine.passwords import hash_password  # noqa: E402
from engine.runtime import Engine  # noqa: E402

PHASES = ["Prækvalifikation", "Forhandling, runde 1", "Udviklingsfase 1", "Indkøbskontrakt"]


def fill(engine: Engine, n: int) -> None:
    engine.add_user("ida", "Region Hovedstaden", ["Indkøb"], password_hash=hash_password("x"))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.sql.begin() as conn:
        authority = conn.scalar(select(Authority.id))
        instances, facts, changes, sources, drawdowns = [], [], [], [], []
        for i in range(n):
            iid = str(uuid.uuid4())
            at = start + timedelta(days=i % 300)
            instances.append(dict(id=iid, model="innovation_partnership", model_version="x",
                                  authority_id=authority, title=f"Partnerskab {i}",
                                  status="running" if i % 3 else "completed",
                                  phase=PHASES[i % 4], state="{}", lock_version=1,
                                  created_at=at, updated_at=at, started_by="ida",
                                  last_seq=1, last_hash=""))
            facts.append(dict(instance_id=iid, authority_id=authority, applicants=7,
                              bidders=5, fees_paid=330_000, ceiling=220_000_000,
                              ceiling_used=27_500_000 * (i % 3),
                              reached_purchase=i % 3 == 0, reached_implementation=i % 6 == 0))
            changes += [dict(instance_id=iid, phase=p, at=at + timedelta(days=40 * k))
                        for k, p in enumerate(PHASES)]
            for k in range(2):
                sources.append(dict(instance_id=iid, name=f"Kilde {k}", kind="own",
                                    amount=400_000, phases=["development"], share=50,
                                    conditions="", created_by="ida", created_at=at))
        conn.execute(insert(Instance), instances)
        conn.execute(insert(ProcedureFacts), facts)
        conn.execute(insert(PhaseChange), changes)
        conn.execute(insert(FundingSource), sources)
        ids = conn.execute(select(FundingSource.id, FundingSource.instance_id)).all()
        for source_id, iid in ids:
            for k in (1, 2):
                drawdowns.append(dict(instance_id=iid, source_id=source_id, key=f"fee:{k}",
                                      phase="development", amount=82_500,
                                      what=f"Honorar, udviklingsfase {k}", at=start))
        conn.execute(insert(Drawdown), drawdowns)


def timed(fn, runs: int = 20) -> tuple[float, float]:
    fn()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        engine = Engine(url, clock_fn=FixedClock(datetime(2026, 11, 30, 12, 0)))
        engine.init_db()
        fill(engine, args.procedures)
        from webui import create_app

        app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "SECRET_KEY": "b",
                          "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": f"{tmp}/up"})
        client = app.test_client()
        client.post("/login", data={"username": "ida", "password": "x"})
        assert client.get("/portfolio").status_code == 200
        figures = timed(lambda: engine.portfolio("ida"))
        page = timed(lambda: client.get("/portfolio"))
        print(f"procedures: {args.procedures} ({url.split(':')[0]})")
        print(f"portfolio figures (engine): median {figures[0]:.1f} ms, max {figures[1]:.1f} ms")
        print(f"/portfolio page (whole request): median {page[0]:.1f} ms, "
              f"max {page[1]:.1f} ms (target <= 300 ms)")
        engine.sql.dispose()


if __name__ == "__main__":
    main()

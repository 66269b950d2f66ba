"""Benchmark: task completions through the REST API next to the web UI's, one run.

    .venv/bin/python bench/api.py [--users 20] [--seconds 20] [--workers 2] [--threads 1]
                                  [--database-url URL]

The same server (gunicorn on PostgreSQL), model (bench/data/bench_steps) and people as
bench/web.py. First the web UI's figure (bench/web.py's person: task list, form, submit,
follow the redirect), then the API's: each person holds an API token and, per task,
lists the partnership's open tasks, reads the task's form for its version and completes
it with JSON (``expected_version`` included). Prints completions per second, p50/p99
latency and errors for both; asserts nothing.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import web  # noqa: E402 - bench/web.py: preparation, server and the web UI's person

from engine.runtime import Engine  # noqa: E402


def tokens_for(url: str, work: dict[str, list[str]]) -> dict[str, str]:
    engine = Engine(url, workflows_dir=ROOT / "bench" / "data")
    made = {name: engine.create_token(name, "bench") for name in work}
    engine.sql.dispose()
    return made


def api_person(name: str, token: str, instances: list[str], port: int, until: float,
               results: web.Results) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body=None):
        nonlocal conn
        start = time.perf_counter()
        try:
            conn.request(method, "/api/v1" + path, headers=headers,
                         body=json.dumps(body) if body is not None else None)
            response = conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            results.error(f"{method} connection")
            return 0, None, 0.0
        took = time.perf_counter() - start
        with results.lock:
            results.requests.append(took)
        return response.status, json.loads(data or b"null"), took

    queue = list(instances)
    while queue and time.time() < until:
        iid = queue[0]
        status, open_tasks, _ = call("GET", f"/tasks?instance={iid}")
        if status != 200 or not open_tasks:
            if status != 200:
                results.error(f"task list {status}")
            queue.pop(0)  # this partnership is done
            continue
        task = open_tasks[0]["id"]
        status, form, _ = call("GET", f"/tasks/{task}")
        if status != 200:
            results.error(f"form {status}")
            continue
        status, _, took = call("POST", f"/tasks/{task}/complete", {
            "data": {"note": "ok", "result": "ja"}, "expected_version": form["version"]})
        if status == 200:
            with results.lock:
                results.completions.append(took)
        else:
            results.error(f"complete {status}")
    conn.close()


def run(args, kind: str) -> tuple[web.Results, float]:
    url, work = web.prepare(args.database_url, args.users, args.per_user)
    tokens = tokens_for(url, work) if kind == "api" else {}
    port = web.free_port()
    server = web.serve(url, port, args.workers, args.threads)
    try:
        results = web.Results()
        until = time.time() + args.seconds
        started = time.perf_counter()
        if kind == "api":
            people = [threading.Thread(target=api_person, args=(
                name, tokens[name], iids, port, until, results)) for name, iids in
                work.items()]
        else:
            people = [threading.Thread(target=web.person, args=(
                name, iids, port, until, results)) for name, iids in work.items()]
        for p in people:
            p.start()
        for p in people:
            p.join()
        return results, time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


def line(kind: str, results: web.Results, elapsed: float) -> str:
    done = results.completions
    mean = statistics.fmean(done) * 1000 if done else float("nan")
    return (f"{kind:<7} {len(done):>6} {len(done) / elapsed:>9.1f} "
            f"{web.percentile(done, 50) * 1000:>8.1f} {web.percentile(done, 99) * 1000:>8.1f} "
            f"{mean:>8.1f} {len(results.requests) / elapsed:>9.1f} "
            f"{sum(results.errors.values()):>6} {results.errors or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--per-user", type=int, default=6, help="partnerships per person")
    parser.add_argument("--database-url", default=os.environ.get(
        "OPIFLOW_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    figures = []
    for kind in ("web", "api"):
        print(f"{kind}: {args.users} users x {args.per_user} partnerships of {web.MODEL} ...")
        figures.append((kind, *run(args, kind)))
    print(f"\ngunicorn {args.workers} worker(s) x {args.threads} thread(s), PostgreSQL, "
          f"{args.users} users, {args.seconds:.0f} s each")
    print("        completed  per sec  p50 ms   p99 ms  mean ms  req/sec errors")
    for kind, results, elapsed in figures:
        print(line(kind, results, elapsed))


if __name__ == "__main__":
    main()

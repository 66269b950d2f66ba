"""Benchmark: task completions through the web UI, served by gunicorn on PostgreSQL.

    .venv/bin/python bench/web.py [--users 20] [--seconds 20] [--workers 2] [--threads 1]
                                  [--database-url URL]

N simulated people (threads) each log in and then, for a bounded time (measured from when
all have logged in), do what a person does to complete a task: open the task list of
their partnership, open the first task's form, submit it (CSRF token and expected
version included) and follow the redirect. Each works on partnerships of their own, so
the figures measure the server, not conflicts. Prints completions per second, p50/p99
latency, errors and the server's CPU time per completion; asserts nothing.

The database is PostgreSQL in a schema of its own (``bench_web``, dropped and created
again), the model is bench/data/bench_steps (5 parallel + 50 sequential user tasks).
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from engine.passwords import hash_password  # noqa: E402
from engine.runtime import Engine  # noqa: E402

SCHEMA = "bench_web"
MODEL = "bench_steps"
PASSWORD = "bench-password"
ITEMS = [{"n": i} for i in range(5)]
TASK_LINK = re.compile(r'href="/tasks/([0-9a-f-]{36})"')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="expected_version" value="(\d+)"')


def prepare(base_url: str, users: int, per_user: int) -> tuple[str, dict[str, list[str]]]:
    """A clean schema with the model deployed, the users and their partnerships."""
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    url = f"{base_url}?options=-csearch_path%3D{SCHEMA}"
    engine = Engine(url, workflows_dir=ROOT / "bench" / "data")
    engine.init_db()
    engine.deploy()
    secret = hash_password(PASSWORD)
    work: dict[str, list[str]] = {}
    for i in range(users):
        name = f"bench{i:02d}"
        engine.add_user(name, "Benchmark-kommune", ["Indkøb"], password_hash=secret)
        work[name] = [engine.start(MODEL, name, {"items": ITEMS}) for _ in range(per_user)]
    engine.sql.dispose()
    return url, work


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "OPIFLOW_SECRET_KEY": "bench-secret",
           "OPIFLOW_SCHEDULER": "on", "OPIFLOW_WORKFLOWS": str(ROOT / "bench" / "data")}
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers),
           "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--log-level",
           "warning", "webui:create_app()"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


class Browser:
    """Just enough of a browser: one keep-alive connection and the session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None):
        body = urlencode(form) if form is not None else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read().decode()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, response.getheader("Location"), data


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.completions: list[float] = []  # latency of each completing POST
        self.requests: list[float] = []
        self.errors: dict[str, int] = {}

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def person(name: str, instances: list[str], port: int, clock: dict, results: Results,
           ready: threading.Barrier):
    browser = Browser(port)

    def timed(method, path, form=None):
        start = time.perf_counter()
        answer = browser.request(method, path, form)
        took = time.perf_counter() - start
        with results.lock:
            results.requests.append(took)
        return answer, took

    (status, _, page), _ = timed("GET", "/login")
    (status, _, _), _ = timed("POST", "/login", {"username": name, "password": PASSWORD,
                                                 "csrf_token": TOKEN.search(page).group(1)})
    if status != 302:
        results.error(f"login {status}")
    ready.wait()  # everybody is logged in: the measured time starts
    if status != 302:
        return
    queue = list(instances)
    until = clock["until"]
    while queue and time.time() < until:
        iid = queue[0]
        (status, _, page), _ = timed("GET", f"/tasks?instance={iid}")
        match = TASK_LINK.search(page) if status == 200 else None
        if match is None:
            if status != 200:
                results.error(f"task list {status}")
            queue.pop(0)  # this partnership is done
            continue
        task = match.group(1)
        (status, _, form), _ = timed("GET", f"/tasks/{task}")
        if status != 200:
            results.error(f"form {status}")
            continue
        data = {"csrf_token": TOKEN.search(form).group(1), "note": "ok", "result": "ja",
                "expected_version": VERSION.search(form).group(1), "instance_id": iid}
        (status, location, _), took = timed("POST", f"/tasks/{task}", data)
        if status == 302:
            with results.lock:
                results.completions.append(took)
            timed("GET", location)  # the page a person lands on after completing
        else:
            results.error(f"complete {status}")


def cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by the processes of a process group (the
    gunicorn master and workers), from /proc: a figure that other load on the machine
    does not inflate the way it does latency. 0.0 where /proc is missing."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


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

    print(f"preparing {args.users} users x {args.per_user} partnerships of {MODEL} ...")
    url, work = prepare(args.database_url, args.users, args.per_user)
    port = free_port()
    server = serve(url, port, args.workers, args.threads)
    try:
        results = Results()
        clock: dict = {}

        def begin() -> None:  # once every person has logged in
            clock.update(cpu=cpu_seconds(server.pid), started=time.perf_counter(),
                         until=time.time() + args.seconds)

        ready = threading.Barrier(len(work), action=begin)
        people = [threading.Thread(target=person,
                                   args=(name, iids, port, clock, results, ready))
                  for name, iids in work.items()]
        for p in people:
            p.start()
        for p in people:
            p.join()
        elapsed = time.perf_counter() - clock["started"]
        cpu = cpu_seconds(server.pid) - clock["cpu"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    done = results.completions
    print(f"gunicorn {args.workers} worker(s) x {args.threads} thread(s), PostgreSQL, "
          f"{args.users} users, {elapsed:.1f} s")
    print(f"completed tasks:      {len(done)}  ({len(done) / elapsed:.1f} per second)")
    print(f"completion latency:   p50 {percentile(done, 50) * 1000:.1f} ms, "
          f"p99 {percentile(done, 99) * 1000:.1f} ms, "
          f"mean {statistics.fmean(done) * 1000 if done else float('nan'):.1f} ms")
    print(f"all requests:         {len(results.requests)}  ({len(results.requests) / elapsed:.1f}"
          f" per second), p50 {percentile(results.requests, 50) * 1000:.1f} ms, "
          f"p99 {percentile(results.requests, 99) * 1000:.1f} ms")
    print(f"errors:               {sum(results.errors.values())} {results.errors or ''}")
    if done and cpu:
        per = cpu / len(done)
        print(f"server CPU (gunicorn): {cpu:.1f} s, {per * 1000:.1f} ms per completion (its "
              f"four requests); with 2 free cores that is at most {2 / per:.0f} completions "
              f"per second (PostgreSQL's own CPU not included); load average now "
              f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

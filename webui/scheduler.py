"""Timers fire in the web process: an APScheduler job calls ``Engine.tick()``.

One ticking scheduler per deployment:
- never in the development server's reloader parent (only where WERKZEUG_RUN_MAIN=true
  when the reloader is on);
- every process (e.g. each gunicorn worker) runs a light job every
  OPIFLOW_TIMER_SECONDS, but only the holder of the timer lock ticks: an ``fcntl`` file
  lock under the instance folder (one host) and, on PostgreSQL, also
  ``pg_try_advisory_lock`` held on a dedicated connection (several hosts). The lock is
  kept for the process's life; when that process dies the lock is released and another
  takes over at its next run.
- off when OPIFLOW_SCHEDULER=off and in tests (TESTING).
``Engine.tick`` claims due instances with FOR UPDATE SKIP LOCKED, so even two tickers
would not fire one timer twice.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from pathlib import Path

from sqlalchemy import text

log = logging.getLogger("opiflow.scheduler")
ADVISORY_KEY = 0x6F706966  # "opif"


class TimerLock:
    """Held by at most one process per deployment; ``acquire()`` never blocks."""

    def __init__(self, path: Path, sql_engine):
        self.path, self.sql = path, sql_engine
        self._file = None
        self._conn = None
        self._mutex = threading.Lock()

    def acquire(self) -> bool:
        with self._mutex:
            return self._file_lock() and self._database_lock()

    def _file_lock(self) -> bool:
        if self._file is not None:
            return True
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held open while locked
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def _database_lock(self) -> bool:
        if self.sql.dialect.name != "postgresql":
            return True
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection (and with it the lock) is gone
                log.warning("lost the timer lock's database connection; retrying")
                self._drop_connection()
        conn = self.sql.connect()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        conn.commit()
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def _drop_connection(self) -> None:
        try:
            self._conn.invalidate()
        except Exception:  # already broken
            pass
        self._conn = None

    def release(self) -> None:
        with self._mutex:
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"),
                                       {"k": ADVISORY_KEY})
                    self._conn.close()
                except Exception:
                    pass
                self._conn = None
            if self._file is not None:
                self._file.close()
                self._file = None


def should_run(config: dict, environ=os.environ) -> bool:
    if config.get("TESTING") or str(config.get("OPIFLOW_SCHEDULER")).lower() == "off":
        return False
    if environ.get("WERKZEUG_RUN_MAIN") == "true":
        return True  # the development server's serving child
    reloading = environ.get("FLASK_DEBUG", "").lower() in ("1", "true")
    return not reloading  # with the reloader on, this is its parent: the child ticks


def tick_job(engine, lock: TimerLock) -> None:
    if not lock.acquire():
        return
    try:
        moved = engine.tick()
        if moved:
            log.info("timers fired for %d instance(s): %s", len(moved), ", ".join(moved))
    except Exception:
        log.exception("the timer job failed; it runs again at the next interval")
    try:
        made, sent = engine.notify()  # exactly once: (user, key) is unique
        posted = engine.deliver_webhooks()  # once: (webhook, event) is unique
        if made or sent or posted:
            log.info("%d notification(s) made, %d e-mail(s) sent, %d webhook delivery(ies)",
                     made, sent, posted)
    except Exception:
        log.exception("the notification job failed; it runs again at the next interval")


def init_app(app) -> None:
    if not should_run(app.config):
        return
    from apscheduler.schedulers.background import BackgroundScheduler

    engine = app.extensions["opiflow"]
    lock = TimerLock(Path(app.instance_path) / "opiflow-timers.lock", engine.sql)
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(tick_job, "interval", args=(engine, lock),
                      seconds=int(app.config["OPIFLOW_TIMER_SECONDS"]),
                      id="opiflow-tick", max_instances=1, coalesce=True)
    scheduler.start()
    app.extensions["opiflow_scheduler"] = scheduler

    def stop() -> None:
        scheduler.shutdown(wait=False)
        lock.release()

    atexit.register(stop)

"""The engine's clock. Rules, scripts and timers read it; nothing calls datetime.now().

SpiffWorkflow's timer events read the wall clock themselves (``datetime.now`` in
``SpiffWorkflow/bpmn/specs/event_definitions/timer.py``). :func:`install` swaps that
module's ``datetime`` name for a subclass whose ``now()`` reads the clock of the
current context, so every timer sees the engine's time (tests and replays move it).
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: for tests, demos and replay."""

    def __init__(self, at: datetime):
        self.at = aware(at)

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = aware(at)


def aware(at: datetime) -> datetime:
    """``at`` with a time zone: naive values are read as Danish local time."""
    return at if at.tzinfo else at.replace(tzinfo=LOCAL_ZONE)


_current: ContextVar[datetime | None] = ContextVar("opiflow_now", default=None)


def now() -> datetime:
    """The time of the step being run (the engine's clock), else the wall clock."""
    return _current.get() or system_clock()


@contextlib.contextmanager
def frozen_at(at: datetime) -> Iterator[None]:
    """Run a workflow step with the clock frozen at ``at`` (one time per event)."""
    token = _current.set(aware(at))
    try:
        yield
    finally:
        _current.reset(token)


class _EngineDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # noqa: D102 - same contract as datetime.now
        current = now()
        return current.astimezone(tz) if tz else current.astimezone(LOCAL_ZONE).replace(
            tzinfo=None)


def install() -> None:
    """Make SpiffWorkflow's timers read the engine clock (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _EngineDatetime

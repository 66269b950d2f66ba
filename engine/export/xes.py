"""XES (IEEE 1849-2016) event logs for process mining (pm4py, ProM, Disco, Celonis).

A trace per instance (``concept:name`` = the instance id), an event per audit event with
``concept:name`` (the task's title, else the event kind), ``time:timestamp``,
``org:resource`` (who acted) and ``lifecycle:transition``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import groupby
from xml.sax.saxutils import quoteattr

NAMESPACE = "http://www.xes-standard.org/"
EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)
# the audit event kinds on the standard lifecycle model's transitions
LIFECYCLE = {
    "started": "start",
    "claimed": "start",
    "unclaimed": "suspend",
    "completed": "complete",
    "timer_fired": "complete",
    "cancelled": "ate_abort",
    "complaint_registered": "complete",
    "complaint_decided": "complete",
    "adviser_named": "complete",
    "impartiality_declared": "complete",
}


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def render(events: Iterable, instances: dict[str, dict] | None = None) -> str:
    """The XES document for ``events`` (LogEvent-like, grouped by instance, by seq)."""
    return "".join(lines(events, instances or {}))


def lines(events: Iterable, instances: dict[str, dict]) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<log xes.version="1849-2016" xes.features="" xmlns="{NAMESPACE}">\n'
    for name, prefix, uri in EXTENSIONS:
        yield f'  <extension name="{name}" prefix="{prefix}" uri="{uri}"/>\n'
    yield '  <global scope="trace">\n'
    yield '    <string key="concept:name" value="__INVALID__"/>\n'
    yield '  </global>\n'
    yield '  <global scope="event">\n'
    yield '    <string key="concept:name" value="__INVALID__"/>\n'
    yield '    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>\n'
    yield '    <string key="org:resource" value="__INVALID__"/>\n'
    yield '    <string key="lifecycle:transition" value="complete"/>\n'
    yield '  </global>\n'
    yield '  <classifier name="Activity" keys="concept:name"/>\n'
    yield ('  <classifier name="Activity and transition" '
           'keys="concept:name lifecycle:transition"/>\n')
    yield '  <string key="concept:name" value="opiflow audit log"/>\n'
    for instance_id, trace_events in groupby(events, key=lambda e: e.instance_id):
        info = instances.get(instance_id, {})
        yield "  <trace>\n"
        yield f"    {_attr('string', 'concept:name', instance_id)}\n"
        for key in ("title", "model"):
            if info.get(key):
                yield f"    {_attr('string', key, info[key])}\n"
        for e in trace_events:
            transition = LIFECYCLE.get(e.kind, "unknown")
            yield ("    <event>\n"
                   f"      {_attr('string', 'concept:name', e.activity)}\n"
                   f"      {_attr('date', 'time:timestamp', timestamp(e.at))}\n"
                   f"      {_attr('string', 'org:resource', e.actor)}\n"
                   f"      {_attr('string', 'lifecycle:transition', transition)}\n"
                   f"      {_attr('int', 'seq', str(e.seq))}\n"
                   f"      {_attr('string', 'kind', e.kind)}\n"
                   "    </event>\n")
        yield "  </trace>\n"
    yield "</log>\n"


def _attr(tag: str, key: str, value: str) -> str:
    return f"<{tag} key={quoteattr(key)} value={quoteattr(value)}/>"

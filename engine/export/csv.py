"""A flat event log (CSV) for process mining tools and spreadsheets: one row per event."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .xes import LIFECYCLE, timestamp

COLUMNS = ("case_id", "activity", "timestamp", "resource", "lifecycle", "seq", "kind")


def render(events: Iterable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in events:
        writer.writerow((e.instance_id, e.activity, timestamp(e.at), e.actor,
                         LIFECYCLE.get(e.kind, "unknown"), e.seq, e.kind))
    return out.getvalue()

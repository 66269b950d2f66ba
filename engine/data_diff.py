"""What changed between two versions of a document, field by field (the tender documents
as legal reviewed them last time, and as they come back after rework). Pure: no
workflow, no database."""
from __future__ import annotations

from typing import Any

MISSING: Any = None  # how an absent field reads in a row


def changed_fields(before: Any, after: Any) -> list[dict]:
    """One row per changed leaf: {"field": ["evaluation_model", "weights", "price"],
    "before": 30, "after": 40}. Objects are compared key by key (in the order of
    ``after``, then keys that were removed); lists of objects with an "id" are matched
    by it (so a requirement moved up a row is not a change), other lists of objects row
    by row when they have the same length; any other list is one value."""
    rows: list[dict] = []
    _compare(before, after, [], rows)
    return rows


def _compare(before: Any, after: Any, path: list[str], rows: list[dict]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*after, *(k for k in before if k not in after)]:
            _compare(before.get(key, MISSING), after.get(key, MISSING), [*path, str(key)],
                     rows)
        return
    if _by_id(before) and _by_id(after):
        old = {str(item["id"]): item for item in before}
        new = {str(item["id"]): item for item in after}
        for key in [*new, *(k for k in old if k not in new)]:
            _compare(old.get(key, MISSING), new.get(key, MISSING), [*path, key], rows)
        return
    if _objects(before) and _objects(after) and len(before) == len(after):
        for i, (old_item, new_item) in enumerate(zip(before, after, strict=True)):
            _compare(old_item, new_item, [*path, str(i + 1)], rows)
        return
    rows.append({"field": path, "before": before, "after": after})


def _objects(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _by_id(value: Any) -> bool:
    if not _objects(value) or not all("id" in v for v in value):
        return False
    ids = [str(v["id"]) for v in value]
    return len(set(ids)) == len(ids)

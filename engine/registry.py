"""The parsed model versions one engine holds: a bounded, least-recently-used registry.

Parsing a model version takes far longer than one step of a workflow, so each engine
keeps the versions it has parsed, up to ``size`` of them; the one used least recently
goes first. A new engine starts with an empty
registry, as every restarted process or second web worker does.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from . import specs
from .specs import ParsedModel

SIZE = 64  # model versions kept per engine

Key = tuple[str, str]  # (model, version)


@dataclass
class _Entry:
    parsed: ParsedModel


class ModelRegistry:
    """Parsed model versions by (model, version), at most ``size`` of them."""

    def __init__(self, size: int = SIZE):
        self.size = size
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._by_spec: dict[int, Key] = {}  # id(top spec) -> key, for entries held
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, name: str, version: str) -> ParsedModel | None:
        """The parsed version if this registry holds it."""
        with self._lock:
            entry = self._entries.get((name, version))
            if entry is None:
                return None
            self._entries.move_to_end((name, version))
            return entry.parsed

    def parse(self, name: str, files: dict[str, str]) -> ParsedModel:
        """The parsed version of these files, parsed now unless held already; raises
        ModelError listing every problem found."""
        held = self.get(name, specs.content_hash(files))
        if held is not None:
            return held
        parsed = specs.parse(name, files)
        with self._lock:
            key = (parsed.name, parsed.version)
            if key not in self._entries:
                self._entries[key] = _Entry(parsed)
                self._by_spec[id(parsed.spec)] = key
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                _key, dropped = self._entries.popitem(last=False)
                self._by_spec.pop(id(dropped.parsed.spec), None)
            return self._entries[key].parsed

    def version_of(self, spec) -> Key | None:
        """(model, version) if ``spec`` is the top spec of a version this registry holds."""
        with self._lock:
            key = self._by_spec.get(id(spec))
            entry = self._entries.get(key) if key is not None else None
            return key if entry is not None and entry.parsed.spec is spec else None

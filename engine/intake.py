"""Model intake: the bounds a model's files must keep before anything parses them.

A model folder is read only if it holds at most ``OPIFLOW_MODEL_MAX_FILES`` files of at
most ``OPIFLOW_MODEL_MAX_FILE_KB`` each and ``OPIFLOW_MODEL_MAX_KB`` together (checked
from the file sizes, before reading). XML is parsed without entity expansion, network
access or huge trees, and a DOCTYPE is refused; JSON forms are parsed only up to a
depth; DMN input entries are compiled the way the decision engine will run them.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import config, scripting

# A form nested deeper than this is refused (real forms are a few levels deep).
MAX_FORM_DEPTH = 32
_XML_PARSER_OPTIONS = {"resolve_entities": False, "huge_tree": False, "no_network": True,
                       "load_dtd": False, "dtd_validation": False}


@dataclass(frozen=True)
class Limits:
    files: int
    file_bytes: int
    total_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(int(config.number("OPIFLOW_MODEL_MAX_FILES")),
                   int(config.number("OPIFLOW_MODEL_MAX_FILE_KB") * 1024),
                   int(config.number("OPIFLOW_MODEL_MAX_KB") * 1024))


def size_problems(name: str, sizes: dict[str, int], limits: Limits | None = None):
    """(file, message, fix) for each bound the files break; ``sizes`` in bytes."""
    limits = limits or Limits.from_settings()
    found = []
    if len(sizes) > limits.files:
        found.append((name, f"the model has {len(sizes)} files, more than "
                            f"{limits.files}", "split it, or raise OPIFLOW_MODEL_MAX_FILES"))
    for path, size in sizes.items():
        if size > limits.file_bytes:
            found.append((path, f"the file is {_kb(size)}, more than {_kb(limits.file_bytes)}",
                          "make it smaller, or raise OPIFLOW_MODEL_MAX_FILE_KB"))
    total = sum(sizes.values())
    if total > limits.total_bytes:
        found.append((name, f"the model's files are {_kb(total)} together, more than "
                            f"{_kb(limits.total_bytes)}",
                      "make them smaller, or raise OPIFLOW_MODEL_MAX_KB"))
    return found


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB"


def stat_sizes(folder: Path, suffixes: tuple[str, ...]) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_size
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix in suffixes}


class XMLRefused(ValueError):
    """Well-formed XML that a model may not hold; ``fix`` says what to do."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.fix = fix


def parse_xml(text: str, max_elements: int | None = None):
    """The XML root, parsed safely. Raises etree.XMLSyntaxError or XMLRefused."""
    parser = etree.XMLParser(**_XML_PARSER_OPTIONS)
    root = etree.fromstring(text.encode("utf-8"), parser)
    if root.getroottree().docinfo.internalDTD is not None or \
            root.getroottree().docinfo.doctype:
        raise XMLRefused("a DOCTYPE (entity or DTD declarations) is not allowed in a model",
                         "remove the DOCTYPE; a model needs none")
    if max_elements is None:
        max_elements = int(config.number("OPIFLOW_MODEL_MAX_ELEMENTS"))
    count = sum(1 for _ in root.iter())
    if count > max_elements:
        raise XMLRefused(f"the file has {count:,} XML elements, more than {max_elements:,}",
                         "split the model into called processes, or raise "
                         "OPIFLOW_MODEL_MAX_ELEMENTS")
    return root


def load_json(text: str, max_depth: int = MAX_FORM_DEPTH):
    """The parsed JSON. Raises ValueError (incl. JSONDecodeError) if it is not JSON or
    nests deeper than ``max_depth``; the depth is found before parsing."""
    depth = _bracket_depth(text)
    if depth > max_depth:
        raise ValueError(f"it nests {depth} levels deep, more than {max_depth}")
    return json.loads(text)


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def json_depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in
                         (item.values() if isinstance(item, dict) else item))
    return deepest


# The decision engine replaces '?' outside quotes with the input value (SpiffWorkflow's
# DMNEngine.evaluate); entries that are not expressions on their own get the input
# expression in front of them ("amount" + ">= 100").
_QUESTION_MARK = re.compile(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')


def dmn_input_expression(input_expression: str, entry: str) -> str:
    """The expression the decision engine evaluates for one input entry."""
    match = _QUESTION_MARK.sub("dmninputexpr", entry)
    if "dmninputexpr" in match:
        return match
    try:
        ast.parse(match)
    except SyntaxError:
        return input_expression + match
    return f"({input_expression}) == ({match})"


def dmn_entry_problems(path: str, tree, ns: dict[str, str]):
    """(element id, message) for each DMN input entry that does not compile."""
    found = []
    for table in tree.iterfind(".//dmn:decisionTable", ns):
        inputs = [(node.findtext("dmn:inputExpression/dmn:text", "", ns) or "").strip()
                  for node in table.iterfind("dmn:input", ns)]
        for rule in table.iterfind("dmn:rule", ns):
            for index, entry in enumerate(rule.iterfind("dmn:inputEntry", ns)):
                text = (entry.findtext("dmn:text", "", ns) or "").strip()
                if not text or text == "-":
                    continue
                try:
                    reason = scripting.check_expression(dmn_input_expression(
                        inputs[index] if index < len(inputs) else "", text))
                except (RecursionError, MemoryError):
                    reason = "it is nested too deeply to compile"
                if reason:
                    found.append((entry.get("id") or rule.get("id"),
                                  f"DMN input entry '{_short(text)}' refused: {reason}"))
    return found


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size] + "…"

"""Submitted form data, checked against the task's JSON Schema before anything changes.

Before the schema sees it, the data is checked to be of bounded size (depth, rows,
text length, digits) and storable (finite numbers, no NUL characters: PostgreSQL keeps
neither in JSON), so no submission can make the check itself fail or take long.
"""
from __future__ import annotations

import math
import re

from jsonschema import Draft202012Validator, FormatChecker

from .errors import InvalidData

_FORMATS = FormatChecker()
_REQUIRED = re.compile(r"'([^']+)' is a required property")

MAX_DEPTH = 32  # nested objects and lists
MAX_ITEMS = 1000  # entries in one list or object
MAX_TEXT = 100_000  # characters in one text (and one key)
MAX_DIGITS = 30  # digits in one integer


def check_bounds(data: object) -> None:
    """Raise InvalidData naming the first value that is too deep, too long, too large
    or not storable. Iterative: a deeply nested value cannot exhaust the stack."""
    stack: list[tuple[object, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        problem = _problem(value, depth)
        if problem:
            raise InvalidData("{value}: {problem}", field=where or None,
                              errors={where: problem},
                              hint="send smaller, plainer values",
                              value=where or 'the data', problem=problem)
        if isinstance(value, dict):
            for key, item in value.items():
                key = str(key)
                if len(key) > MAX_TEXT or "\x00" in key:
                    raise InvalidData("{value}: a field name is not usable",
                                      field=where or None, hint="use plain field names",
                                      value=where or 'the data')
                stack.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{where}.{i}" if where else str(i), depth + 1))


def _problem(value: object, depth: int) -> str:
    if depth > MAX_DEPTH:
        return f"nested more than {MAX_DEPTH} levels deep"
    if isinstance(value, dict | list) and len(value) > MAX_ITEMS:
        return f"more than {MAX_ITEMS} entries"
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return f"longer than {MAX_TEXT} characters"
        if "\x00" in value:
            return "contains a NUL character"
    if isinstance(value, bool):
        return ""
    if isinstance(value, int) and abs(value) >= 10 ** MAX_DIGITS:
        return f"a number with more than {MAX_DIGITS} digits"
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    return ""


def field_of(error) -> str:
    """The top-level field an error belongs to ('' for the form as a whole)."""
    if error.validator == "required":
        match = _REQUIRED.search(error.message)
        prefix = ".".join(str(p) for p in error.absolute_path)
        name = match.group(1) if match else ""
        return f"{prefix}.{name}" if prefix else name
    return ".".join(str(p) for p in error.absolute_path)


def validate(schema: dict, data: object, *, form: str = "") -> dict:
    """Return ``data`` if it fits ``schema``; else raise InvalidData with one message
    per field. Fields the form does not declare are refused: a form may only set its
    own fields, never other process data."""
    if not isinstance(data, dict):
        raise InvalidData("the submitted data must be a JSON object of form fields",
                          hint="send {\"field\": value, ...}")
    check_bounds(data)
    errors: dict[str, str] = {}
    declared = schema.get("properties", {})
    for key in data:
        if key not in declared:
            errors[key] = f"the form {form} has no field '{key}'"
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        errors.setdefault(field_of(error), error.message)
    if errors:
        summary = "; ".join(f"{k or 'form'}: {v}" for k, v in errors.items())
        raise InvalidData("the form is not valid: {summary}", errors=errors,
                          hint="correct the fields named and submit again", summary=summary)
    return data

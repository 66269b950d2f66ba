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


# ------------------------------------------------------------- choices from the data
# A form field may name the procedure's data it must be picked from ("x-options-from"):
# "bidders" (a list of names), "applicants.name" (one field of each row) or
# {"from": "tender_documents.evaluation_model.quality_criteria", "value": "id",
#  "label": "name"}. The web form shows a list; a value not on it is refused.
OPTIONS = "x-options-from"


def options(spec: dict, data: object) -> list[tuple[str, str]] | None:
    """The (value, label) choices of a field with "x-options-from", read from ``data``
    (the task's data); None when the field has none or the data holds no such list."""
    source = spec.get(OPTIONS) if isinstance(spec, dict) else None
    if isinstance(source, str):
        source = {"from": source}
    if not isinstance(source, dict) or not isinstance(source.get("from"), str):
        return None
    found = _collect(data, source["from"].split("."))
    if found is None:
        return None
    value_key, label_key = source.get("value"), source.get("label")
    result: dict[str, str] = {}
    for item in found:
        if isinstance(item, dict) and value_key:
            value, label = item.get(value_key), item.get(label_key or value_key)
            label = f"{value}: {label}" if label_key and label not in (None, "", value) \
                else value
        else:
            value = label = item
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            result.setdefault(str(value), str(label))
    return list(result.items())


def _collect(value: object, parts: list[str]) -> list | None:
    """The values at a dotted path; a list met on the way is read item by item
    ("applicants.name" -> every applicant's name). None if the path leads nowhere."""
    for i, part in enumerate(parts):
        if isinstance(value, list) and not part.isdigit():
            items = [_collect(item, parts[i:]) for item in value]
            return [v for found in items if found is not None for v in found]
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
        if value is None:
            return None
    if isinstance(value, dict):
        return list(value)
    return value if isinstance(value, list) else [value]


def check_options(schema: dict, submitted: dict, data: object) -> None:
    """Refuse a value that is not among the choices its field is picked from (the
    bidders, applicants or criteria the procedure holds), naming the field."""
    errors: dict[str, str] = {}
    refused: list[tuple[str, object, list[str]]] = []  # (field, value, the choices)
    _check_choices(schema, submitted, data, "", errors, refused)
    if refused:
        where, value, allowed = refused[0]
        raise InvalidData("{where}: {value!r} is not among the choices the procedure holds",
                          field=where, errors=errors,
                          hint="choose one of: {allowed}" if allowed
                          else "nothing can be chosen yet",
                          where=where, value=value, allowed=allowed)


def _check_choices(spec: dict, value: object, data: object, where: str,
                   errors: dict[str, str], refused: list[tuple[str, object, list[str]]]
                   ) -> None:
    if not isinstance(spec, dict):
        return
    choices = options(spec, data)
    if choices is not None and isinstance(value, str | int) and not isinstance(value, bool):
        allowed = [v for v, _label in choices]
        if str(value) not in allowed:
            errors[where] = f"{value!r} is not among the choices the procedure holds"
            refused.append((where, value, allowed))
        return
    if isinstance(value, dict):
        for key, sub in (spec.get("properties") or {}).items():
            if key in value:
                _check_choices(sub, value[key], data, f"{where}.{key}" if where else key,
                               errors, refused)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_choices(spec.get("items") or {}, item, data, f"{where}.{i}", errors,
                           refused)

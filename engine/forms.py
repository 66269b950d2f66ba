"""Submitted form data, checked against the task's JSON Schema before anything changes."""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator, FormatChecker

from .errors import InvalidData

_FORMATS = FormatChecker()
_REQUIRED = re.compile(r"'([^']+)' is a required property")


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
        raise InvalidData(f"the form is not valid: {summary}", errors=errors,
                          hint="correct the fields named and submit again")
    return data

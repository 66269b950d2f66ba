"""The exceptions opiflow raises on purpose.

Every refusal says what was wrong and what to do. A verb that raises one of these
leaves the database exactly as it was: the unit of work rolls back.
"""
from __future__ import annotations

from typing import Any


class Money:
    """An amount in DKK as a message parameter: "22000000 DKK" in English text,
    "22.000.000 kr." on a Danish page. Plain numbers are numbers, not money."""

    def __init__(self, amount: Any):
        self.amount = amount

    def __str__(self) -> str:
        return f"{self.amount} DKK"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and other.amount == self.amount

    def __hash__(self) -> int:
        return hash(("Money", self.amount))

    def __repr__(self) -> str:
        return f"Money({self.amount!r})"


def render(template: str, params: dict[str, Any], show=None) -> str:
    """``template`` (``{name}`` placeholders) with ``params``: as Python prints them
    (the English text; lists joined by commas), or each shown by ``show`` (a page's
    formats). A template that
    does not fit its params is returned as it is, never an error."""
    if not params:
        return template
    try:
        if show is None:
            return template.format(**{k: _listed(v) for k, v in params.items()})
        return template.format(**{k: _Shown(show(v)) for k, v in params.items()})
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return template


def _listed(value: Any) -> Any:
    """A list parameter reads as its items joined by commas: a, b, c."""
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(str(v) for v in items)
    return value


class _Shown(str):
    """A rendered parameter; ``{x!r}`` in a template quotes it like a string."""

    def __format__(self, spec: str) -> str:
        return str(self)


class Message:
    """A message with its params used as a parameter of another message (a refusal
    wrapped with context): English where printed, translated on a page."""

    def __init__(self, template: str, params: dict[str, Any]):
        self.template = template
        self.params = params

    def __str__(self) -> str:
        return render(self.template, self.params)


def N_(text: str) -> str:
    """Marks an English text as a message id where it is not the first argument of an
    error (a phrase passed as a parameter): the web UI translates it with the message."""
    return text


class OpiflowError(Exception):
    """Base class. ``hint`` tells the user what to do; ``field`` names a form field.

    ``message`` and ``hint`` are English templates with ``{name}`` placeholders filled
    from the keyword ``params`` (the message id and its parameters): ``err.message`` is
    the English text; the web UI translates ``err.template`` with Danish formats for
    dates (``date``), amounts (:class:`Money`) and numbers. A message without params is
    its own id.
    """

    status = 400  # the HTTP status the web UI maps this to

    def __init__(self, message: str, *, hint: str = "", field: str | None = None,
                 element: str | None = None, **params: Any):
        self.template = message
        self.hint_template = hint
        self.params = params
        self.message = render(message, params)
        super().__init__(self.message)
        self.hint = render(hint, params)
        self.field = field
        self.element = element

    def __str__(self) -> str:
        parts = [self.message]
        if self.element and self.element not in self.message:
            parts.append(f"(element {self.element})")
        if self.hint:
            parts.append(self.hint)
        return " ".join(parts)


class NotFound(OpiflowError):
    """An unknown model, instance, task or user."""

    status = 404


class Forbidden(OpiflowError):
    """The user may not do this (wrong authority, lane or assignee, or a sealed record)."""

    status = 403


class Conflict(OpiflowError):
    """Someone else changed the instance first (stale or concurrent submission)."""

    status = 409


class InvalidData(OpiflowError):
    """Submitted data fails the task's form schema. ``errors`` maps field -> message."""

    status = 422

    def __init__(self, message: str, *, errors: dict[str, str] | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.errors = errors or {}


class RuleViolation(OpiflowError):
    """A procurement rule is broken (too few bidders, weights not summing to 100, ...)."""

    status = 422


class ModelError(OpiflowError):
    """A process model (BPMN, DMN, form) is malformed or fails validation.

    ``problems`` is a list of :class:`engine.specs.Problem`.
    """

    def __init__(self, message: str, *, problems: list | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.problems = problems or []


class ScriptError(OpiflowError):
    """A script, condition, DMN cell or timer expression in a model failed or was refused."""

    status = 422


class StorageError(OpiflowError):
    """The database refused a change for a reason other than a concurrent one."""

    status = 503

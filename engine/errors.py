"""The exceptions opiflow raises on purpose.

Every refusal says what was wrong and what to do. A verb that raises one of these
leaves the database exactly as it was: the unit of work rolls back.
"""
from __future__ import annotations


class OpiflowError(Exception):
    """Base class. ``hint`` tells the user what to do; ``field`` names a form field."""

    status = 400  # the HTTP status the web UI maps this to

    def __init__(self, message: str, *, hint: str = "", field: str | None = None,
                 element: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
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

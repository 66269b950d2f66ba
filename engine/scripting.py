"""The restricted environment that runs every script in a process model.

Gateway conditions, script tasks, DMN cells and timer expressions are written by
process designers and are untrusted. They are compiled with RestrictedPython
(``compile_restricted_eval`` / ``compile_restricted_exec``) and run with its guards and
safe builtins only, plus the domain helpers we expose. ``__import__``, dunder access
and ``getattr`` are not available; ``().__class__.__mro__`` is refused at compile time.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

from . import clock


class ScriptRefused(Exception):
    """A script that RestrictedPython will not compile (an escape attempt or a typo)."""


_EXTRA_BUILTINS = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in ("all", "any", "dict", "enumerate", "list", "max", "min", "sum", "map",
                 "filter", "reversed", "set", "frozenset")
}

_INPLACE = {
    "+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
    "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE:
        raise ScriptRefused(f"the operator {op} is not allowed in scripts")
    return _INPLACE[op](x, y)


def _now() -> str:
    return clock.now().isoformat()


def _today() -> str:
    return clock.now().astimezone(clock.LOCAL_ZONE).date().isoformat()


def base_globals(helpers: dict[str, Callable]) -> dict[str, Any]:
    builtins = dict(safe_builtins)
    builtins.update(_EXTRA_BUILTINS)
    return {
        "__builtins__": builtins,
        "_getattr_": safer_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplacevar,
        "now": _now,
        "today": _today,
        **helpers,
    }


@functools.lru_cache(maxsize=4096)
def _compile_eval(expression: str):
    result = compile_restricted_eval(expression.strip(), "<expression>")
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


@functools.lru_cache(maxsize=4096)
def _compile_exec(script: str):
    result = compile_restricted_exec(script, "<string>")
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


def check_expression(expression: str) -> str | None:
    """None if ``expression`` compiles in the restricted environment, else the reason."""
    try:
        _compile_eval(expression)
    except (ScriptRefused, SyntaxError) as err:
        return str(err)
    return None


def check_script(script: str) -> str | None:
    try:
        _compile_exec(script)
    except (ScriptRefused, SyntaxError) as err:
        return str(err)
    return None


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates and executes model scripts with RestrictedPython over the task data."""

    def __init__(self, helpers: dict[str, Callable] | None = None):
        super().__init__(base_globals(helpers or {}))

    def evaluate(self, expression, context, external_context=None):
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        return eval(_compile_eval(expression), scope)  # noqa: S307 - restricted code

    def execute(self, script, context, external_context=None):
        clashes = set(context) & (set(self.globals) - {"__builtins__"})
        if clashes:
            raise ScriptRefused(
                f"task data {sorted(clashes)} has the name of a script helper; "
                "rename the field")
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        exec(_compile_exec(script), scope)  # noqa: S102 - restricted code
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key in self.globals or key.startswith("_") or callable(value):
                continue
            if external_context and key in external_context:
                continue
            context[key] = value
        return True

    def call_service(self, context, **kwargs):
        raise ScriptRefused("service tasks are not available in opiflow models")


def script_engine(helpers: dict[str, Callable] | None = None) -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(helpers))

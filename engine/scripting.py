"""The restricted environment that runs every script in a process model.

Gateway conditions, script tasks, DMN cells and timer expressions are written by
process designers and are untrusted. They are compiled with RestrictedPython
(``compile_restricted_eval`` / ``compile_restricted_exec``) and run with its guards and
safe builtins only, plus the domain helpers we expose. ``__import__``, dunder access
and ``getattr`` are not available; ``().__class__.__mro__`` is refused at compile time.

Every call runs within a time and memory budget (:mod:`engine.script_budget`:
``OPIFLOW_SCRIPT_SECONDS``, ``OPIFLOW_SCRIPT_MEMORY_MB``). Whatever a script raises,
``SystemExit`` and other ``BaseException`` subclasses included, comes out as an
``Exception`` the engine reports with the element; and a script may leave in the task
data only values that can be stored (:func:`unstorable`).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

from . import clock, config
from .script_budget import (
    GUARDED_BUILTINS,
    BudgetExceeded,
    BudgetTransformer,
    Limits,
    ScriptRefused,
    cap_process_memory,
    run,
    script_globals,
)

__all__ = ["BudgetExceeded", "RestrictedEnvironment", "ScriptRefused", "check_expression",
           "check_script", "script_engine", "unstorable"]

_EXTRA_BUILTINS = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in ("all", "any", "dict", "enumerate", "list", "max", "min", "sum", "map",
                 "filter", "reversed", "set", "frozenset")
}
# Data deeper than this cannot be stored (the JSON of a task's data stays readable).
MAX_DATA_DEPTH = 64
# ... and hold at most this many values (a list can hold one big list a million times)
MAX_DATA_VALUES = 1_000_000
# ints with more decimal digits than Python converts to text cannot be stored as JSON
MAX_STORED_INT_BITS = 14_000


def _now() -> str:
    return clock.now().isoformat()


def _today() -> str:
    return clock.now().astimezone(clock.LOCAL_ZONE).date().isoformat()


def base_globals(helpers: dict[str, Callable]) -> dict[str, Any]:
    builtins = dict(safe_builtins)
    builtins.update(_EXTRA_BUILTINS)
    builtins.update(GUARDED_BUILTINS)
    return {
        "__builtins__": builtins,
        "_getitem_": default_guarded_getitem,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        **script_globals(),
        "now": _now,
        "today": _today,
        **helpers,
    }


@functools.lru_cache(maxsize=4096)
def _compile_eval(expression: str):
    result = compile_restricted_eval(expression.strip(), "<expression>",
                                     policy=BudgetTransformer)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


@functools.lru_cache(maxsize=4096)
def _compile_exec(script: str):
    result = compile_restricted_exec(script, "<string>", policy=BudgetTransformer)
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


def _reason(err: BaseException) -> str:
    if isinstance(err, RecursionError):
        return "it recursed too deeply"
    return "it ran out of memory"


def check_expression(expression: str) -> str | None:
    """None if ``expression`` compiles in the restricted environment, else the reason."""
    return _compile_problem(_compile_eval, expression)


def check_script(script: str) -> str | None:
    return _compile_problem(_compile_exec, script)


def _compile_problem(compile_fn, text: str) -> str | None:
    try:
        compile_fn(text)
    except (ScriptRefused, SyntaxError, ValueError) as err:
        reason = " ".join(str(err).split())
        return reason if len(reason) <= 300 else reason[:300] + "…"
    except (RecursionError, MemoryError):  # the parser's stack, not the heap
        return "it is nested too deeply to compile"
    return None


_SCALARS = frozenset((str, bool, type(None), date, datetime, timedelta, UUID))


def _scalar_problem(item) -> str | None:
    """Why a value that is not a list or dict cannot be stored (None: it can)."""
    kind = type(item)
    if kind in _SCALARS:
        return None
    if kind is int:
        return "a number too large to store" if item.bit_length() > MAX_STORED_INT_BITS \
            else None
    if kind is float:
        return None if math.isfinite(item) else f"the number {item}, which cannot be stored"
    return f"a value of type {kind.__name__}, which cannot be stored"


def unstorable(value: Any, max_depth: int = MAX_DATA_DEPTH) -> str | None:
    """None if ``value`` can be kept in task data (stored as JSON), else why not."""
    if type(value) not in (dict, list, tuple):
        return _scalar_problem(value)
    stack, count = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return f"data nested deeper than {max_depth} levels"
        count += len(item)
        if count > MAX_DATA_VALUES:
            return f"more than {MAX_DATA_VALUES:,} values, too many to store"
        if type(item) is dict:
            for key in item:
                if type(key) is not str:
                    return f"a key {key!r} that is not text"
            children = item.values()
        else:
            children = item
        for child in children:
            kind = type(child)
            if kind in _SCALARS:
                continue
            if kind is dict or kind is list or kind is tuple:
                stack.append((child, depth + 1))
            elif reason := _scalar_problem(child):
                return reason
    return None


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates and executes model scripts with RestrictedPython over the task data,
    each call within the script budget."""

    def __init__(self, helpers: dict[str, Callable] | None = None,
                 limits: Limits | None = None):
        super().__init__(base_globals(helpers or {}))
        self.limits = limits or Limits(config.number("OPIFLOW_SCRIPT_SECONDS"),
                                       config.number("OPIFLOW_SCRIPT_MEMORY_MB"))
        cap_process_memory(config.number("OPIFLOW_MEMORY_LIMIT_MB", zero=True))

    def _run(self, code, scope):
        try:
            result, budget = run(code, scope, self.limits)
        except ScriptRefused:
            raise
        except (RecursionError, MemoryError) as err:
            raise ScriptRefused(_reason(err)) from None
        except Exception:
            raise
        except BaseException as err:  # SystemExit, KeyboardInterrupt, GeneratorExit
            raise ScriptRefused(f"it raised {type(err).__name__}, which scripts may not "
                                "raise") from None
        if budget.exceeded is not None:  # the script caught the refusal and went on
            raise budget.exceeded
        return result, budget

    def evaluate(self, expression, context, external_context=None):
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        result, budget = self._run(_compile_eval(expression), scope)
        if type(result) not in _SCALARS and (reason := unstorable(result)):
            raise ScriptRefused(f"it gave {reason}")
        if budget.mutated:
            self._check_stored(context, None)
        return result

    def execute(self, script, context, external_context=None):
        clashes = set(context) & (set(self.globals) - {"__builtins__"})
        if clashes:
            raise ScriptRefused(
                f"task data {sorted(clashes)} has the name of a script helper; "
                "rename the field")
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        _, budget = self._run(_compile_exec(script), scope)
        results = {}
        for key, value in scope.items():
            if key in self.globals or key.startswith("_") or callable(value):
                continue
            if external_context and key in external_context:
                continue
            results[key] = value
        # values the script did not touch were stored before; look at the others
        self._check_stored(results, None if budget.mutated else context)
        for key in list(context):
            if key not in scope:
                del context[key]
        context.update(results)
        return True

    @staticmethod
    def _check_stored(values: dict, before: dict | None) -> None:
        """Refuse if a value the script made or changed cannot be stored."""
        for key, value in values.items():
            if before is not None and key in before and before[key] is value:
                continue
            if type(value) not in _SCALARS and (reason := unstorable(value)):
                raise ScriptRefused(f"it left {reason} in '{key}'; nothing was saved")

    def call_service(self, context, **kwargs):
        raise ScriptRefused("service tasks are not available in opiflow models")


def script_engine(helpers: dict[str, Callable] | None = None,
                  limits: Limits | None = None) -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment(helpers, limits))

"""The time and memory budget every model script runs within.

A script, condition, DMN cell or timer expression is compiled with RestrictedPython
and a second AST pass (:class:`BudgetTransformer`) that makes two things true:

- Python-level work checks the clock: every ``while`` body, every function and lambda
  call, and every item a ``for`` loop or comprehension takes (through ``_getiter_``)
  calls :func:`tick`, which refuses once the script has used ``OPIFLOW_SCRIPT_SECONDS``
  of processor time (or four times that on the wall clock), or once the process has
  grown by more than ``OPIFLOW_SCRIPT_MEMORY_MB`` while it ran.
- C-level work cannot run long, because the operations that can build a huge value in
  one step check the size of their result *before* computing it: ``**``, ``*``,
  ``<<``, ``+``, ``%`` (``_pow_``, ``_mul_``, ...), f-string format specs (:func:`format_value`),
  ``range``, ``pow``, ``round``, ``bytes``, ``sum`` and the materializing builtins, and
  the string methods that grow text (:func:`guarded_getattr`).

A thread that runs a runaway script therefore stops within its budget (the check runs
between bounded steps), holds the GIL only for bounded C-level steps, and another
thread's request is served meanwhile. Once a budget is exceeded every later check
refuses too, so a script that catches the refusal cannot keep running.
"""
from __future__ import annotations

import ast
import builtins
import itertools
import operator
import re
import resource
import threading
import time
from typing import Any, NoReturn

from RestrictedPython.Guards import full_write_guard, safer_getattr
from RestrictedPython.transformer import RestrictingNodeTransformer


class ScriptRefused(Exception):
    """A script that RestrictedPython will not compile (an escape attempt or a typo),
    or that was stopped at run time because it broke a rule of the environment."""

    hint = "a process designer must fix the element's script"


class BudgetExceeded(ScriptRefused):
    """A script that ran too long or would have built too big a value."""

    hint = ("a process designer must make the script do less work; the budget is "
            "OPIFLOW_SCRIPT_SECONDS / OPIFLOW_SCRIPT_MEMORY_MB")


# Integers above this many bits are refused (about 30,000 decimal digits): arithmetic
# on them is super-linear, and nothing in a procurement needs them.
MAX_INT_BITS = 100_000
# Modular pow, ``round`` digits: generous for any real use, small enough to be quick.
MAX_POW_MOD_BITS = 8_192
MAX_ROUND_DIGITS = 1_000
_REF = 8  # bytes per list or tuple slot
_ITEM = 56  # bytes per small object (an estimate for split results)
_INT_ITEM = 36  # bytes per new int in a list: the slot and the int
_HASHED_ITEM = 64  # bytes per entry of a new set or dict
_CHECK_SECONDS = 0.02  # how often a running script looks at its time and memory
_WALL_FACTOR = 4
_PAGE = resource.getpagesize()


class Limits:
    """The budget of one script call."""

    __slots__ = ("seconds", "memory")

    def __init__(self, seconds: float, memory_mb: float):
        self.seconds = seconds
        self.memory = int(memory_mb * 2**20)


class Budget:
    """The running budget of one script call on this thread.

    The hot path (:func:`tick`) compares the wall clock with ``next_check`` only;
    every 20 ms the thread's processor time and the process's memory are looked at.
    Processor time, not wall time, is the budget: a script waiting for the GIL while
    other threads serve requests is not refused for it (a wall-clock cap of four times
    the budget still holds)."""

    __slots__ = ("limits", "start", "next_check", "cpu_base", "base_rss", "exceeded",
                 "mutated")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.start = time.monotonic()
        self.next_check = self.start + _CHECK_SECONDS
        self.cpu_base: float | None = None  # set at the first check: short calls never
        self.base_rss: int | None = None    # pay for it
        self.exceeded: BudgetExceeded | None = None
        self.mutated = False  # the script called a method that adds to data in place

    def check(self, now: float) -> None:
        if self.exceeded is not None:
            raise self.exceeded
        cpu = time.thread_time()
        if self.cpu_base is None:  # count the time before the first check as used
            self.cpu_base = cpu - (now - self.start)
        if cpu - self.cpu_base > self.limits.seconds or \
                now - self.start > _WALL_FACTOR * self.limits.seconds:
            self.refuse(f"it ran longer than its budget of {self.limits.seconds:g} s")
        self.next_check = now + _CHECK_SECONDS
        rss = _rss()
        if self.base_rss is None:
            self.base_rss = min(rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        elif rss - self.base_rss > self.limits.memory:
            self.refuse(f"it used more than its memory budget of {_mb(self.limits.memory)}")

    def refuse(self, reason: str):
        self.exceeded = BudgetExceeded(reason)
        self.next_check = float("-inf")  # every later check refuses again
        raise self.exceeded


def cap_process_memory(megabytes: float) -> None:
    """Limit the process's address space (RLIMIT_AS), the backstop behind the budget:
    an allocation over it fails with MemoryError instead of exhausting the host. Only
    ever lowers the limit; 0 leaves it alone."""
    if megabytes <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = int(megabytes * 2**20)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _rss() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except OSError:  # not Linux: the peak is the best we have
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


_LOCAL = threading.local()


def run(code, scope: dict, limits: Limits) -> tuple[Any, Budget]:
    """``eval(code, scope)`` within a new budget on this thread."""
    budget = Budget(limits)
    outer = getattr(_LOCAL, "budget", None)
    _LOCAL.budget = budget
    try:
        return eval(code, scope), budget  # noqa: S307 - restricted code
    finally:
        _LOCAL.budget = outer


def _current() -> Budget | None:
    return getattr(_LOCAL, "budget", None)


_monotonic = time.monotonic


def tick() -> None:
    """Called by compiled scripts at every loop iteration and function call."""
    budget = getattr(_LOCAL, "budget", None)
    if budget is None:
        _outside()
    if _monotonic() > budget.next_check:
        budget.check(_monotonic())


def _outside() -> NoReturn:
    """Script code running after its call ended: a generator's ``finally`` or a
    ``__del__`` run when the script's leftovers are collected. It has no budget."""
    raise BudgetExceeded("script code may not run after its call has ended")


def _refuse_size(what: str, size: int) -> None:
    budget = _current()
    if budget is None:
        return
    if size > budget.limits.memory:
        budget.refuse(f"{what} of about {_mb(size)}, over the memory budget of "
                      f"{_mb(budget.limits.memory)}")


def _refuse_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        reason = (f"it would build a number of about {bits:,} bits, over the budget of "
                  f"{MAX_INT_BITS:,} bits")
        budget = _current()
        if budget is None:
            raise BudgetExceeded(reason)
        budget.refuse(reason)


def _size(value: Any) -> int:
    if isinstance(value, str | bytes | bytearray):
        return len(value)
    if isinstance(value, list | tuple):
        return len(value) * _REF
    return 0


_SEQUENCES = (str, bytes, bytearray, list, tuple)
_INTS = (int, int)
_NUMBERS = frozenset((int, float, bool))


def _repeat(seq, count) -> Any:
    count = operator.index(count)
    if count > 0:
        _refuse_size("it would build a value", _size(seq) * count)
    return seq * count


def guarded_iter(ob):
    """``_getiter_``: every item a for loop or comprehension takes checks the budget."""
    budget = getattr(_LOCAL, "budget", None)
    if budget is None:
        _outside()
    return _ticking(ob, budget)


def _ticking(ob, budget: Budget):
    monotonic = _monotonic
    for item in ob:
        if monotonic() > budget.next_check:
            budget.check(monotonic())
        yield item


def _pow(a, b):
    if type(a) is int and type(b) is int and b > 0 and abs(a) > 1:
        _refuse_bits((abs(a).bit_length() - 1) * b)
    return a ** b


def _mul(a, b):
    kinds = type(a), type(b)
    if kinds == _INTS:
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            _refuse_bits(a.bit_length() + b.bit_length())
        return a * b
    if float in kinds:
        return a * b
    if isinstance(a, _SEQUENCES) and not isinstance(b, _SEQUENCES):
        return _repeat(a, b)
    if isinstance(b, _SEQUENCES) and not isinstance(a, _SEQUENCES):
        return _repeat(b, a)
    if isinstance(a, int) and isinstance(b, int):
        _refuse_bits(a.bit_length() + b.bit_length())
    return a * b


def _lshift(a, b):
    if isinstance(a, int) and isinstance(b, int) and a and b > 0:
        _refuse_bits(a.bit_length() + b)
    return a << b


def _add(a, b):
    if type(a) in _NUMBERS and type(b) in _NUMBERS:
        return a + b
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        _refuse_size("it would build a value", _size(a) + _size(b))
    return a + b


_PERCENT_SPEC = re.compile(rb"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _mod(a, b):
    if isinstance(a, str | bytes):
        raw = a.encode("utf-8", "replace") if isinstance(a, str) else a
        args = b if isinstance(b, tuple) else (b,)
        for arg in args if isinstance(b, tuple) else (b,):
            _check_text_of(arg)
        for width, precision in _PERCENT_SPEC.findall(raw):
            for number in (width, precision):
                if number == b"*":
                    for arg in args:
                        if isinstance(arg, int):
                            _refuse_size("a % format would pad text", abs(arg))
                elif number:
                    _refuse_size("a % format would pad text", int(number))
    return a % b


# the operators that can build a big value in one C-level step, and what compiled
# scripts call instead
_AST_OPS = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_", ast.Add: "_add_",
            ast.Mod: "_mod_"}


def inplace(op: str, a, b):
    """``_inplacevar_``: ``x += y`` and friends, through the same guards."""
    if op == "+=":
        return _add(a, b)
    if op == "*=":
        return _mul(a, b)
    if op == "%=":
        return _mod(a, b)
    if op in _SIMPLE_INPLACE:
        return _SIMPLE_INPLACE[op](a, b)
    raise ScriptRefused(f"the operator {op} is not allowed in scripts")


_SIMPLE_INPLACE = {"-=": operator.sub, "/=": operator.truediv, "//=": operator.floordiv}


def _check_format_spec(spec: str) -> None:
    for number in re.findall(r"\d+", spec):
        _refuse_size("a format spec would pad text", int(number))


_CONTAINERS = frozenset((list, tuple, dict, set, frozenset))


def _check_text_of(value) -> None:
    """Refuse if the text of ``value`` would be over the budget: a list can hold the same
    big string a million times (``[s] * 10**6``), and its text holds every copy."""
    if type(value) not in _CONTAINERS:
        return
    budget = _current()
    if budget is None:
        return
    size = _text_size(value, budget.limits.memory, {}, set())
    if size > budget.limits.memory:
        _refuse_size("its text would be a value", size)


def _text_size(value, limit: int, sizes: dict, open_: set) -> int:
    """About how long the text of a container is; stops counting above ``limit``. A
    container met again counts what it counted the first time (its text repeats); one
    inside itself counts as ``[...]``."""
    key = id(value)
    if key in sizes:
        return sizes[key]
    if key in open_:
        return 5
    open_.add(key)
    size = 2
    children = itertools.chain(value.keys(), value.values()) if type(value) is dict \
        else value
    for child in children:
        kind = type(child)
        if kind is str or kind is bytes:
            size += len(child) + 4
        elif kind in _CONTAINERS:
            size += _text_size(child, limit, sizes, open_) + 2
        else:
            size += 24
        if size > limit:
            break
    open_.discard(key)
    sizes[key] = size
    return size


def text_of(fn):
    """``str``/``repr``/``ascii`` of a container: refuse a text over the budget first."""

    def guarded(*args, **kwargs):
        if args:
            _check_text_of(args[0])
        return fn(*args, **kwargs)

    guarded.__name__ = fn.__name__
    return guarded


_TEXT_CALLS = {"str": "_str_", "repr": "_repr_", "ascii": "_ascii_"}
# calls by these names are compiled to calls of their guarded versions
_CALLS = {**_TEXT_CALLS, **{name: f"_{name}_" for name in
                            ("range", "bytes", "list", "tuple", "set", "frozenset", "dict")}}


def format_value(value, conversion: int, spec: str) -> str:
    """``_format_``: an f-string field (``f"{x:>{width}}"``): the width and the text of
    a container are checked first."""
    _check_text_of(value)
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("s"):
        value = str(value)
    elif conversion == ord("a"):
        value = ascii(value)
    _check_format_spec(spec)
    return format(value, spec)


# ---------------------------------------------------------------- builtins
MAX_RANGE_ITEMS = 10_000_000  # what C code (sum, max, ...) consumes in well under 1 s


def _range(*args):
    args = tuple(operator.index(a) for a in args)
    result = range(*args)
    if len(result) > MAX_RANGE_ITEMS:
        raise BudgetExceeded(f"a range of {len(result):,} items is over the budget of "
                             f"{MAX_RANGE_ITEMS:,}")
    return result


def _guarded_pow(base, exp, mod=None):
    if mod is None:
        return _pow(base, exp)
    for value in (base, exp, mod):
        if isinstance(value, int) and value.bit_length() > MAX_POW_MOD_BITS:
            raise BudgetExceeded(f"pow with a modulus of more than {MAX_POW_MOD_BITS} bits "
                                 "is over the budget")
    return pow(base, exp, mod)


def _round(number, ndigits=None):
    if ndigits is not None and abs(operator.index(ndigits)) > MAX_ROUND_DIGITS:
        raise BudgetExceeded(f"round to more than {MAX_ROUND_DIGITS} digits is over the "
                             "budget")
    return round(number) if ndigits is None else round(number, ndigits)


def _bytes(*args, **kwargs):
    if args and not isinstance(args[0], str | bytes | bytearray) and hasattr(
            type(args[0]), "__index__"):
        _refuse_size("bytes", operator.index(args[0]))
    return bytes(*args, **kwargs)


_CHUNK = 4096


def _sum(iterable, /, start=0):
    if not isinstance(start, int | float | complex):
        raise ScriptRefused("sum adds numbers; build lists and text with a loop or join")
    total = start
    iterator = iter(iterable)
    while True:
        chunk = list(itertools.islice(iterator, _CHUNK))
        if not chunk:
            return total
        for item in chunk:
            if isinstance(item, int) and item.bit_length() > MAX_INT_BITS:
                _refuse_bits(item.bit_length())
        total = sum(chunk, total)
        if not isinstance(total, int | float | complex):
            raise ScriptRefused("sum adds numbers; build lists and text with a loop or join")
        tick()


_SIZED = frozenset((str, bytes, range, list, tuple, dict, set, frozenset))
_FEW = 4096  # fewer items than this cannot reach any budget: no need to look


def _materializing(fn, per_item: int):
    """list(), tuple(), set(), sorted(), ... of a sized value: refuse a huge result."""

    def guarded(*args, **kwargs):
        if args and type(args[0]) in _SIZED and len(args[0]) > _FEW:
            each = max(per_item, _INT_ITEM) if type(args[0]) is range else per_item
            _refuse_size(f"{fn.__name__}()", len(args[0]) * each)
        return fn(*args, **kwargs)

    guarded.__name__ = fn.__name__
    return guarded


MAX_SORT_ITEMS = 1_000_000  # sorting is n log n in one C-level step


def _sorted(iterable, /, *, key=None, reverse=False):
    items = list(guarded_iter(iterable)) if type(iterable) not in _SIZED else iterable
    _check_sort(items)
    return sorted(items, key=key, reverse=reverse)


def _check_sort(items) -> None:
    if len(items) > MAX_SORT_ITEMS:
        raise BudgetExceeded(f"sorting {len(items):,} items is over the budget of "
                             f"{MAX_SORT_ITEMS:,}")


# Functions replace the builtins outright; the types stay types (``isinstance(x, list)``
# works) and calls of them by name are compiled to their guarded versions instead.
GUARDED_BUILTINS = {"pow": _guarded_pow, "round": _round, "sum": _sum, "sorted": _sorted}
_GUARDED_CALLS = {
    "_range_": _range, "_bytes_": _bytes,
    **{f"_{name}_": _materializing(getattr(builtins, name), _REF)
       for name in ("list", "tuple")},
    **{f"_{name}_": _materializing(getattr(builtins, name), _HASHED_ITEM)
       for name in ("set", "frozenset", "dict")},
}


# ---------------------------------------------------------------- string methods
def _str_growth(name: str, text, args, kwargs) -> int:
    """The size of what ``text.name(*args)`` would build, or 0 if it cannot grow."""
    if name in ("center", "ljust", "rjust", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        return operator.index(width)
    if name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        return len(text) * max(operator.index(tabsize), 1)
    if name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if len(new) <= len(old):
            return 0
        hits = len(text) + 1 if not old else text.count(old)
        return len(text) + hits * (len(new) - len(old))
    if name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        return len(text) * longest
    if name in ("split", "rsplit", "splitlines"):
        sep = args[0] if args else kwargs.get("sep")
        parts = text.count(sep) + 1 if sep else len(text) // 2 + 1
        return parts * _ITEM
    return 0


_GROWING = {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "split",
            "rsplit", "splitlines", "join", "translate", "to_bytes", "sort"}


def _to_bytes(method, args, kwargs):
    length = args[0] if args else kwargs.get("length", 1)
    _refuse_size("to_bytes would build a value", operator.index(length))
    return method(*args, **kwargs)


def _join(method, sep, items):
    items = list(guarded_iter(items))
    size = len(sep) * max(len(items) - 1, 0)
    for item in items:
        if isinstance(item, str | bytes | bytearray):
            size += len(item)
    _refuse_size("join would build text", size)
    return method(items)


_ADDING = frozenset(("append", "extend", "insert", "update", "setdefault"))


def guarded_write(ob):
    """``_write_``: item and attribute assignment; the data may now hold anything."""
    budget = getattr(_LOCAL, "budget", None)
    if budget is not None:
        budget.mutated = True
    return full_write_guard(ob)


def guarded_getattr(obj, name, default=None):
    """``_getattr_``: RestrictedPython's ``safer_getattr``; the text methods that can
    build a big value in one step check its size first, and a method that adds to a
    list or dict in place marks the data as changed."""
    value = safer_getattr(obj, name, default)
    if name in _ADDING:
        budget = getattr(_LOCAL, "budget", None)
        if budget is not None:
            budget.mutated = True
    if name not in _GROWING:
        return value
    if name == "sort" and isinstance(obj, list):
        _check_sort(obj)
        return value
    if name == "to_bytes":
        if isinstance(obj, int):
            return lambda *args, **kwargs: _to_bytes(value, args, kwargs)
        if obj is int:
            return lambda number, *args, **kwargs: _to_bytes(
                lambda *a, **k: value(number, *a, **k), args, kwargs)
        return value
    if isinstance(obj, str | bytes | bytearray):
        if name == "join":
            return lambda items: _join(value, obj, items)

        def bound(*args, **kwargs):
            _refuse_size(f"{name} would build a value", _str_growth(name, obj, args, kwargs))
            return value(*args, **kwargs)

        return bound
    if isinstance(obj, type) and issubclass(obj, str | bytes | bytearray):
        def unbound(text, *args, **kwargs):
            if name == "join":
                return _join(lambda items: value(text, items), text, args[0])
            _refuse_size(f"{name} would build a value", _str_growth(name, text, args, kwargs))
            return value(text, *args, **kwargs)

        return unbound
    return value


# ---------------------------------------------------------------- compile
def _tick_call(node) -> ast.Expr:
    return _located(ast.Expr(ast.Call(ast.Name("_tick_", ast.Load()), [], [])), node)


def _located(new, old):
    return ast.fix_missing_locations(ast.copy_location(new, old))


class BudgetTransformer(RestrictingNodeTransformer):
    """RestrictedPython's checks, then: loops and calls tick; big-value operators go
    through ``_binop_``; f-string format specs through ``_format_``."""

    def visit_While(self, node):
        node = super().visit_While(node)
        node.body.insert(0, _tick_call(node))
        return node

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _tick_call(node))
        return node

    def visit_AsyncFunctionDef(self, node):
        node = super().visit_AsyncFunctionDef(node)
        if isinstance(node, ast.AsyncFunctionDef):
            node.body.insert(0, _tick_call(node))
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        node.body = _located(ast.BoolOp(ast.Or(), [
            ast.Call(ast.Name("_tick_", ast.Load()), [], []), node.body]), node.body)
        return node

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        op = _AST_OPS.get(type(node.op))
        if op is None or (op in ("_mul_", "_add_") and isinstance(node.left, ast.Constant)
                          and isinstance(node.right, ast.Constant)
                          and _small(node.left.value) and _small(node.right.value)):
            return node
        return _located(ast.Call(ast.Name(op, ast.Load()), [node.left, node.right], []),
                        node)

    def visit_FormattedValue(self, node):
        node = super().visit_FormattedValue(node)
        spec = node.format_spec or ast.Constant("")
        return _located(ast.FormattedValue(
            value=ast.Call(ast.Name("_format_", ast.Load()),
                           [node.value, ast.Constant(node.conversion), spec], []),
            conversion=-1, format_spec=None), node)

    def visit_Call(self, node):
        node = super().visit_Call(node)
        if not isinstance(node, ast.Call):
            return node
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in _CALLS:  # str(x) -> _str_(x); ``str`` itself stays the type
            node.func = _located(ast.Name(_CALLS[name], ast.Load()), node.func)
        if name not in ("isinstance", "issubclass"):  # map(str, items) -> map(_str_, ...)
            node.args = [_located(ast.Name(_CALLS[arg.id], ast.Load()), arg)
                         if isinstance(arg, ast.Name) and arg.id in _CALLS else arg
                         for arg in node.args]
        return node


def _small(value) -> bool:
    """Constants the compiler folds safely itself (``2 * 3``, ``"a" + "b"``)."""
    if isinstance(value, bool | float):
        return True
    if isinstance(value, int):
        return abs(value) < 2**16
    return isinstance(value, str) and len(value) < 256


def script_globals() -> dict[str, Any]:
    """The names compiled scripts call (none can be named by a script: they start
    with ``_``)."""
    return {
        "_tick_": tick,
        "_pow_": _pow, "_mul_": _mul, "_lshift_": _lshift, "_add_": _add, "_mod_": _mod,
        "_write_": guarded_write,
        "_format_": format_value,
        "_str_": text_of(str), "_repr_": text_of(repr), "_ascii_": text_of(ascii),
        **_GUARDED_CALLS,
        "_getiter_": guarded_iter,
        "_getattr_": guarded_getattr,
        "_inplacevar_": inplace,
    }



"""Scripts in models are untrusted: the escapes fail with a clear error."""
from __future__ import annotations

import pytest

from engine.scripting import RestrictedEnvironment, ScriptRefused

ESCAPES = [
    "__import__('os').system('id')",
    "().__class__.__mro__[1].__subclasses__()",
    "getattr(x, 'y')",
    "open('/etc/passwd').read()",
    "x.__dict__",
    "eval('1')",
    "exec('y = 1')",
    "globals()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "type(x).mro()",
    "vars()",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_escape_attempts_are_refused(expression):
    env = RestrictedEnvironment({})
    with pytest.raises((ScriptRefused, NameError)):
        env.evaluate(expression, {"x": 1})


def test_ordinary_scripts_still_run():
    env = RestrictedEnvironment({"double": lambda v: 2 * v})
    data = {"prices": [3, 1, 2], "points": {}}
    env.execute("lowest = min(prices)\nfor p in prices:\n    points[str(p)] = double(p)\n"
                "total = 0\nfor p in sorted(prices):\n    total += p\n", data)
    assert data == {"prices": [3, 1, 2], "points": {"3": 6, "1": 2, "2": 4},
                    "lowest": 1, "total": 6, "p": 3}
    assert env.evaluate("len([p for p in prices if p > 1]) == 2", data) is True


def test_data_named_like_a_helper_is_refused():
    env = RestrictedEnvironment({"double": lambda v: v})
    with pytest.raises(ScriptRefused, match="double"):
        env.execute("y = 1", {"double": 3})

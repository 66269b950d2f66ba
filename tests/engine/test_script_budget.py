"""Scripts run within a time and memory budget; whatever they raise or leave behind is
refused with the element named, and nothing is saved."""
from __future__ import annotations

import re
import shutil
import threading
from datetime import timedelta

import pytest

from engine.errors import ScriptError
from engine.script_budget import BudgetExceeded, Limits
from engine.scripting import RestrictedEnvironment, ScriptRefused
from tests.conftest import DATA
from tests.helpers import dump

BUDGET = Limits(0.3, 64)
HANG = 120  # seconds: only to fail a test that hangs, never a measurement
NOTIFIED = {"notified": "2026-03-02"}

RUNAWAYS = [
    "while True: pass",
    "while True:\n    continue",
    "x = 10**10**10",
    "x = sum(range(10**13))",
    "x = str(10**10**9)",
    "x = 'a'*10**10",
    "x = [0]*10**9",
    "x = [[i * j for i in range(10**4)] for j in range(10**4)]",
    "x = [[[0 for i in range(10**3)] for j in range(10**3)] for k in range(10**3)]",
    "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(60)",
    "f = lambda n: 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(60)",
    "x = 1 << 10**10",
    "x = pow(10, 10**10)",
    "x = round(5, -10**9)",
    "x = bytes(10**10)",
    "x = f'{1:>{10**10}}'",
    "x = '%*d' % (10**10, 1)",
    "x = '%9999999999d' % 1",
    "s = 'a' * 10**6\nx = s.replace('a', s)",
    "x = ','.join(['a' * 10**7] * 100)",
    "x = 'ab'.center(10**10)",
    "x = str.ljust('a', 10**10)",
    "x = ('a,' * 10**7).split(',')",
    "x = list(range(10**9))",
    "x = sorted('a' * 10**8)",
    "x = 2\nwhile True:\n    x = x * x",
    "x = 'ab'\nwhile True:\n    x += x",
    "items = []\nwhile True:\n    items.append('a' * 10**6)",
    "def g():\n    while True:\n        yield 1\nx = sum(g())",
    "x = max(i for i in range(10**7) for j in range(10**7))",
    "try:\n    while True:\n        pass\nexcept BaseException:\n    pass\nx = 1",
    "s = 'a' * 1000\nx = str([s] * 8 * 10**6)",
    "s = 'a' * 1000\nx = f'{[s] * 8 * 10**6}'",
    "s = 'a' * 1000\nx = '%s' % ([s] * 8 * 10**6,)",
    "s = 'a' * 1000\nx = repr({'k': [[s] * 10**4] * 10**3})",
    "s = 'a' * 1000\nx = list(map(str, [[s] * 8 * 10**6]))",
    "s = ['a' * 1000] * 1000\nfor i in range(3):\n    s = [s] * 1000\nx = str(s)",
    "x = ('a' * 10**7).translate({97: 'b' * 10**7})",
    "x = (1).to_bytes(10**10, 'big')",
    "x = int.to_bytes(1, 10**10, 'big')",
    "x = sorted(list(range(10**6)) * 4)",
    "x = list(range(10**6)) * 2\nx.sort()",
    "x = set(range(5 * 10**6))",
]


@pytest.mark.parametrize("script", RUNAWAYS)
def test_each_runaway_script_is_stopped_within_its_budget(script):
    env = RestrictedEnvironment({}, BUDGET)
    data = {"kept": 1}
    with pytest.raises(BudgetExceeded) as caught:
        env.execute(script, data)
    assert "budget" in str(caught.value)
    assert "OPIFLOW_SCRIPT_SECONDS" in caught.value.hint
    assert data == {"kept": 1}, "a refused script changed the task data"


@pytest.mark.parametrize("expression", [
    "sum(range(10**13)) > 0", "len(str(10**10**9))", "10**10**10", "len('a'*10**10)",
    "len([0]*10**9)", "(lambda: [x for x in range(10**7) for y in range(10**7)])()",
])
def test_runaway_expressions_are_stopped_too(expression):
    env = RestrictedEnvironment({}, BUDGET)
    with pytest.raises(BudgetExceeded):
        env.evaluate(expression, {})


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_script_code_cannot_run_after_its_call():
    """A generator's finally runs when the script's leftovers are collected, after the
    call: it is stopped at once instead of hanging the thread (``__del__`` is refused
    at compile time)."""
    import gc

    env = RestrictedEnvironment({}, BUDGET)
    with pytest.raises(ScriptRefused, match="cannot be stored"):
        env.execute("def g():\n    try:\n        yield 1\n    finally:\n"
                    "        while True:\n            pass\nx = g()\nfor first in x:\n"
                    "    break", {})
    gc.collect()  # would hang here if the generator's loop ran without a budget
    assert env.evaluate("1 + 1", {}) == 2
    with pytest.raises(ScriptRefused, match="__del__"):
        env.execute("class A:\n    def __del__(self):\n        pass", {})


def test_a_refusal_caught_by_the_script_is_still_a_refusal():
    env = RestrictedEnvironment({}, BUDGET)
    with pytest.raises(BudgetExceeded):
        env.execute("try:\n    x = 10**10**10\nexcept Exception:\n    x = 0\n"
                    "while True:\n    try:\n        pass\n    except Exception:\n"
                    "        pass", {})


@pytest.mark.parametrize("script, name", [
    ("raise SystemExit", "SystemExit"),
    ("raise SystemExit(0)", "SystemExit"),
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ("raise GeneratorExit", "GeneratorExit"),
    ("def f():\n    return f()\nf()", "recursed too deeply"),
    ("f = lambda: f()\nf()", "recursed too deeply"),
])
def test_every_exception_a_script_raises_becomes_a_refusal(script, name):
    env = RestrictedEnvironment({}, BUDGET)
    data = {"kept": 1}
    with pytest.raises(ScriptRefused, match=name):
        env.execute(script, data)
    assert data == {"kept": 1}


@pytest.mark.parametrize("script, words", [
    ("x = (i for i in [1, 2])", "generator"),
    ("x = ValueError('no')", "ValueError"),
    ("x = {1, 2}", "set"),
    ("x = float('inf')", "inf"),
    ("x = float('nan')", "nan"),
    ("x = [len]", "builtin_function"),
    ("x = {'a': [1, (i for i in [])]}", "generator"),
    ("x = {1: 'a'}", "not text"),
    ("x = []\nfor i in range(200):\n    x = [x]", "deeper than 64"),
    ("x = 10**5000", "too large"),
    ("x = [[0] * 10**6] * 10**6", "too many to store"),
    ("kept.append(i for i in [1])", "generator"),
    ("kept[0] = ValueError('x')", "ValueError"),
    ("kept.extend([{'a': {2, 3}}])", "set"),
])
def test_values_that_cannot_be_stored_are_refused(script, words):
    env = RestrictedEnvironment({}, BUDGET)
    data = {"kept": [1]}
    with pytest.raises(ScriptRefused) as caught:
        env.execute(script, data)
    assert words in str(caught.value) and "nothing was saved" in str(caught.value)
    assert set(data) == {"kept"}


def test_an_expression_giving_an_unstorable_value_is_refused():
    env = RestrictedEnvironment({}, BUDGET)
    with pytest.raises(ScriptRefused, match="generator"):
        env.evaluate("(i for i in [1])", {})
    with pytest.raises(ScriptRefused, match="builtin_function"):
        env.evaluate("kept.append(len) or True", {"kept": []})


def test_ordinary_work_fits_the_budget():
    env = RestrictedEnvironment({}, BUDGET)
    data = {"prices": [300000, 125000.5, 98000], "weights": {"price": 40, "quality": 60}}
    env.execute(
        "total = sum(prices)\nlowest = min(prices)\n"
        "points = {str(i): round(lowest / p * 10, 2) for i, p in enumerate(prices)}\n"
        "rows = [[0] * 10 for r in range(10)]\nlabel = f'{total:>12,.2f} kr.'\n"
        "text = ', '.join(str(p) for p in sorted(prices))\npadded = 'x'.ljust(20)\n"
        "big = 2 ** 64 * 3\nsquares = list(range(1000))\ncount = 0\n"
        "while count < 10000:\n    count += 1\n"
        "line = '%-10s|%8.2f' % ('a', 1.5)\nkinds = [isinstance(p, str) for p in prices]\n"
        "texts = list(map(str, [1, 2]))\nshown = f'{prices!r} {weights}'\n"
        "loop = [1]\nloop.append(loop)\nlooped = str(loop)\nloop = None\n"
        "word = 'abc'.translate({97: 'AA'})\nsize = len((255).to_bytes(2, 'big'))\n"
        "types = [isinstance(prices, list), isinstance(weights, dict), isinstance(b'', bytes)]\n"
        "keys = sorted(dict.fromkeys(['b', 'a', 'b']))\nsummed = sum(range(10**6))\n", data)
    assert data["total"] == 523000.5 and data["lowest"] == 98000
    assert data["points"]["2"] == 10.0 and data["label"] == "  523,000.50 kr."
    assert data["count"] == 10000 and data["big"] == 3 * 2**64
    assert data["line"] == "a         |    1.50"
    assert data["kinds"] == [False] * 3 and data["texts"] == ["1", "2"]
    assert data["shown"] == "[300000, 125000.5, 98000] {'price': 40, 'quality': 60}"
    assert data["looped"] == "[1, [...]]"
    assert data["word"] == "AAbc" and data["size"] == 2
    assert data["types"] == [True, True, True] and data["keys"] == ["a", "b"]
    assert data["summed"] == 499999500000


# ---------------------------------------------------------------- through the engine
@pytest.fixture(autouse=True)
def short_budget(monkeypatch):
    monkeypatch.setenv("OPIFLOW_SCRIPT_SECONDS", "0.3")


def _model(tmp_path, model, *replacements):
    folder = tmp_path / model
    if not folder.exists():
        shutil.copytree(DATA / model, folder)
    for file in folder.glob("*.*"):
        text = file.read_text()
        for old, new in replacements:
            text = re.sub(old, new, text, count=1, flags=re.DOTALL) if old.startswith("(?") \
                else text.replace(old, new, 1)
        file.write_text(text)
    return folder


def _refused(engine, action, element):
    before = dump(engine)
    with pytest.raises(ScriptError) as caught:
        action()
    assert dump(engine) == before, "a refused script changed the database"
    assert caught.value.element == element, caught.value
    assert caught.value.hint
    return caught.value


@pytest.fixture
def anna(engine):
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    return engine


def _script_first(tmp_path, script):
    """The 'failing' model with its script task right after the start event."""
    return _model(tmp_path, "failing",
                  ('sourceRef="start" targetRef="enter"', 'sourceRef="start" targetRef="divide"'),
                  ('sourceRef="enter" targetRef="divide"', 'sourceRef="enter" targetRef="end"'),
                  ('sourceRef="divide" targetRef="end"', 'sourceRef="divide" targetRef="enter"'),
                  ("ratio = 100 / count", script))


@pytest.mark.parametrize("script", ["while True: pass", "x = 10**10**10",
                                    "raise SystemExit", "x = (i for i in [1])"])
def test_start_refuses_a_runaway_or_failing_first_script(anna, tmp_path, script):
    anna.deploy(_script_first(tmp_path, script))
    err = _refused(anna, lambda: anna.start("failing", "anna"), "divide")
    assert "Divider" in str(err)


def _register(engine):
    iid = engine.start("purchase_request", "anna")
    return engine.tasks(user="anna", instance_id=iid)[0].id


@pytest.mark.parametrize("old, new, element", [
    ('category == "large"', "sum(range(10**13)) &gt; 0", "gw"),
    ('<text>"large"</text>', "<text>10**10**10</text>", "categorise"),
    ("<text>&gt;= 100000</text>", "<text>&gt;= 10**10**10</text>", "categorise"),
    ("amount_with_vat = amount * 1.25", "amount_with_vat = 'a' * 10**10", "vat"),
    ("amount_with_vat = amount * 1.25", "amount_with_vat = [0] * 10**9", "vat"),
    ("amount_with_vat = amount * 1.25", "while True:\n    pass", "vat"),
    ("amount_with_vat = amount * 1.25", "amount_with_vat = ValueError('x')", "vat"),
])
def test_complete_refuses_a_runaway_condition_dmn_cell_or_script(anna, tmp_path, old, new,
                                                                  element):
    anna.deploy(_model(tmp_path, "purchase_request", (old, new)))
    task = _register(anna)
    err = _refused(anna, lambda: anna.complete(task, "anna", {"item": "Robot", "amount": 500000}),
                   element)
    assert "refused" in str(err)


def test_a_runaway_timer_expression_is_refused(anna, tmp_path):
    anna.deploy(_model(tmp_path, "timer", ('"P10D"', "str(10**10**9)")))
    iid = anna.start("timer", "anna")
    task = anna.tasks(user="anna", instance_id=iid)[0].id
    _refused(anna, lambda: anna.complete(task, "anna", NOTIFIED), "wait")


def test_tick_stops_a_runaway_script_after_a_timer(anna, tmp_path, clock):
    anna.deploy(_model(tmp_path, "timer", (
        r'(?s)<bpmn:userTask id="sign".*?</bpmn:userTask>',
        '<bpmn:scriptTask id="sign" name="Underskriv kontrakt"><bpmn:incoming>f3'
        '</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing><bpmn:script>while True: pass'
        '</bpmn:script></bpmn:scriptTask>')))
    iid = anna.start("timer", "anna")
    anna.complete(anna.tasks(user="anna", instance_id=iid)[0].id, "anna", NOTIFIED)
    later = clock() + timedelta(days=11)
    moved = []

    def tick():
        moved.extend(anna.tick(later))

    try:  # the timer's incident handling may record the refusal instead of raising it
        tick()
    except ScriptError as err:
        assert err.element == "sign"
    assert iid not in moved
    assert anna.show(iid, "anna")["status"] == "running"


@pytest.mark.parametrize("script", [
    "while True: pass",
    "x = [[str(i * j) for i in range(10**4)] for j in range(10**4)]",
    "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(60)",
])
def test_another_request_is_served_while_a_runaway_script_runs(anna, tmp_path, script):
    anna.deploy(_script_first(tmp_path, script))
    anna.deploy(DATA / "purchase_request")
    results: dict[str, object] = {}

    def runaway():
        try:
            anna.start("failing", "anna")
            results["runaway"] = "finished"
        except ScriptError as err:
            results["runaway"] = err

    def ordinary():
        task = _register(anna)
        anna.complete(task, "anna", {"item": "Robot", "amount": 500})
        results["ordinary"] = "served"

    first = threading.Thread(target=runaway)
    first.start()
    second = threading.Thread(target=ordinary)
    second.start()
    second.join(HANG)
    first.join(HANG)
    assert results.get("ordinary") == "served"
    assert isinstance(results.get("runaway"), ScriptError)
    assert results["runaway"].element == "divide"
    assert "budget" in str(results["runaway"])


def test_raise_system_exit_in_a_script_fails_opiflow_start_with_one_line(database_url,
                                                                        tmp_path, monkeypatch):
    from click.testing import CliRunner

    from engine.cli import main

    models = tmp_path / "models"
    models.mkdir()
    _script_first(models, "raise SystemExit")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(models))
    runner = CliRunner()
    for args in (["init-db"], ["deploy"], ["users", "add", "anna", "--authority",
                                           "Region Hovedstaden", "--groups", "Indkøb"]):
        assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    result = runner.invoke(main, ["start", "failing", "--as", "anna"], catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "SystemExit" in lines[0] and "Divider" in lines[0]
    assert "Traceback" not in result.output


def test_the_process_memory_limit_is_a_backstop(tmp_path):
    """OPIFLOW_MEMORY_LIMIT_MB caps the process (in a child process: never this one)."""
    import os
    import subprocess
    import sys

    program = (
        "import resource\n"
        "from engine.scripting import RestrictedEnvironment, ScriptRefused\n"
        "env = RestrictedEnvironment({})\n"
        "print(resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20)\n"
        "try:\n"
        "    block = bytearray(3 * 2**30)\n"
        "    print('allocated')\n"
        "except MemoryError:\n"
        "    print('refused')\n")
    env = {**os.environ, "OPIFLOW_MEMORY_LIMIT_MB": "2048"}
    result = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True,
                            text=True, timeout=HANG, cwd=str(DATA.parent.parent))
    assert result.stdout.split() == ["2048", "refused"], result.stdout + result.stderr

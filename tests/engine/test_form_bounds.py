"""Submitted data of unbounded size or that no database can store is refused by the
engine itself (from the web, the command line or any other caller), naming the field."""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from engine.forms import MAX_DEPTH, check_bounds, validate
from tests.helpers import dump
from tests.web.conftest import DATA, NEED, add_people, open_task

SCHEMA = {"type": "object", "properties": {"a": {}, "b": {"type": "number"}}}


def deep(levels: int):
    value: object = "bund"
    for _ in range(levels):
        value = [value]
    return value


CASES = {  # name: (data, the field named, words in the message)
    "deep": ({"a": deep(100_000)}, "a" + ".0" * MAX_DEPTH, "nested more than"),
    "long text": ({"a": "x" * 100_001}, "a", "longer than"),
    "NUL": ({"a": "før\x00efter"}, "a", "NUL"),
    "digits": ({"b": 10 ** 40}, "b", "more than 30 digits"),
    "infinite": ({"b": float("inf")}, "b", "not a finite number"),
    "not a number": ({"b": float("nan")}, "b", "not a finite number"),
    "many rows": ({"a": [1] * 1001}, "a", "more than 1000 entries"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unbounded_or_unstorable_values_are_refused(name):
    data, field, words = CASES[name]
    with pytest.raises(InvalidData) as caught:
        validate(SCHEMA, data, form="test")
    assert caught.value.field == field and words in caught.value.errors[field]
    assert caught.value.hint


def test_ordinary_data_passes():
    check_bounds({"a": [{"x": "tekst", "y": 22_000_000.5, "z": True}] * 500,
                  "b": deep(MAX_DEPTH - 1)})


@pytest.mark.parametrize("value", [float("inf"), "a\x00b", 10 ** 5000],
                         ids=["infinite", "NUL", "5001 digits"])
def test_the_engine_refuses_them_before_saving(engine, value):
    engine.deploy(DATA)
    add_people(engine)
    iid = engine.start("innovation_partnership", "anna", {})
    task = open_task(engine, "describe_need", iid)
    before = dump(engine)
    field = "need" if isinstance(value, str) else "estimated_value"
    with pytest.raises(InvalidData) as caught:  # 500 from PostgreSQL before
        engine.complete(task.id, "anna", {**NEED, field: value})
    assert caught.value.field == field
    assert dump(engine) == before

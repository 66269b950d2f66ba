"""The model registry: each engine owns one, it starts empty, it is bounded, and a
workflow saved by one engine loads in another (whose registry is cold)."""
from __future__ import annotations

from engine import specs, steps
from engine import workflow as wfl
from engine.registry import ModelRegistry
from engine.runtime import Engine
from tests.conftest import DATA


def _files(model: str) -> dict[str, str]:
    return specs.read_files(DATA / model)


def test_a_new_engine_starts_with_an_empty_registry(engine):
    engine.deploy()
    engine.add_user("anna", "Region Hovedstaden", ["Indkøb"])
    engine.start("rounds", "anna")
    assert len(engine.registry) == 1
    other = Engine(engine.database_url, workflows_dir=DATA, clock_fn=engine.clock)
    try:
        assert len(other.registry) == 0
        assert other.registry.get("rounds", specs.content_hash(_files("rounds"))) is None
        assert other.tasks(user="anna")  # reading the index needs no parsed model
        assert len(other.registry) == 0
        other.show(other.instances()[0]["id"])
        assert len(other.registry) == 1
    finally:
        other.sql.dispose()


def test_the_registry_keeps_the_versions_used_most_recently():
    registry = ModelRegistry(size=2)
    rounds = registry.parse("rounds", _files("rounds"))
    loop = registry.parse("loop", _files("loop"))
    assert registry.parse("rounds", _files("rounds")) is rounds  # used again: kept
    registry.parse("timer", _files("timer"))
    assert len(registry) == 2
    assert registry.get("loop", loop.version) is None  # the least recently used went
    assert registry.version_of(loop.spec) is None
    assert registry.version_of(rounds.spec) == ("rounds", rounds.version)


def test_a_workflow_saved_with_one_registry_loads_with_another_or_none(clock):
    script_engine = Engine("sqlite://").script_engine
    first = ModelRegistry()
    parsed = first.parse("rounds", _files("rounds"))
    wf = steps.begin(script_engine, parsed, {}, clock())
    text = wfl.dumps(wf, first)
    assert wfl.loads(text, script_engine, first).spec is parsed.spec  # reused
    second = ModelRegistry()
    cold = wfl.loads(text, script_engine, second)  # not held: rebuilt from the JSON
    plain = wfl.loads(text, script_engine)
    assert cold.spec is not parsed.spec
    assert wfl.snapshot(cold) == wfl.snapshot(plain) == wfl.snapshot(wf)

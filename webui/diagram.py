"""The BPMN of an instance's model version, and which elements are done, active or waiting.

Read-only: the engine gives the files of the deployed version the instance is pinned to
and the element states of its workflow (``Engine.diagram``). Callers check access first
(``Engine.show(instance_id, user=...)``).
"""
from __future__ import annotations

from lxml import etree

from engine.runtime import Engine

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def bpmn_files(engine: Engine, instance_id: str) -> dict[str, str]:
    """The model version's BPMN files, the main process's file first."""
    return engine.diagram(instance_id)["files"]


def _containers(xml: str) -> set[str]:
    """Ids of the processes and sub-processes a BPMN file defines."""
    root = etree.fromstring(xml.encode())
    return {el.get("id") for tag in ("process", "subProcess")
            for el in root.iter(f"{{{BPMN_NS}}}{tag}") if el.get("id")}


def element_states(engine: Engine, instance_id: str, xml: str) -> dict[str, str]:
    """{bpmn element id: completed|active|waiting|error} for the elements of one file."""
    result: dict[str, str] = {}
    for process, states in engine.diagram(instance_id)["states"].items():
        if process in _containers(xml):
            result.update(states)
    return result

"""The designer's checks beyond parsing, on the model's XML: every exclusive gateway
decides (conditions or a default), called decisions and processes exist, loops are never
gateway back-edges (SpiffWorkflow stalls those), and lanes name groups that exist.

Each problem names the file and the element and says what to do; ``specs.check`` runs
these with the other checks, so `opiflow validate`, deploy and the designer's editor
refuse the same things.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from .specs import FLOW_NODES, NS, Problem


def check(trees: dict[str, Any], groups: Iterable[str] | None = None) -> list[Problem]:
    """Problems in the parsed XML trees of one model (path -> root element)."""
    problems: list[Problem] = []
    processes = {p.get("id") for t in _bpmn(trees) for p in t.iterfind(".//bpmn:process", NS)}
    decisions = {d.get("id") for path, t in trees.items() if path.endswith(".dmn")
                 for d in t.iterfind(".//dmn:decision", NS)}
    for path, tree in _bpmn(trees, with_path=True):
        problems += _gateways(path, tree)
        problems += _called(path, tree, processes, decisions)
        problems += _back_edges(path, tree)
        problems += _user_tasks(path, tree)
        problems += _unconnected(path, tree)
        if groups is not None:
            problems += _lanes(path, tree, set(groups))
    return problems


def _bpmn(trees: dict, with_path: bool = False):
    for path, tree in trees.items():
        if path.endswith(".bpmn"):
            yield (path, tree) if with_path else tree


def _gateways(path: str, tree) -> list[Problem]:
    problems = []
    for process in tree.iterfind(".//bpmn:process", NS):
        flows = {f.get("id"): f for f in process.iterfind(".//bpmn:sequenceFlow", NS)}
        for gateway in process.iterfind(".//bpmn:exclusiveGateway", NS):
            outgoing = [flows[o.text] for o in gateway.iterfind("bpmn:outgoing", NS)
                        if o.text in flows]
            if len(outgoing) < 2:
                continue
            default = gateway.get("default")
            for flow in outgoing:
                condition = flow.find("bpmn:conditionExpression", NS)
                if flow.get("id") != default and (
                        condition is None or not (condition.text or "").strip()):
                    problems.append(Problem(
                        path, flow.get("id"),
                        f"the flow leaves the exclusive gateway "
                        f"'{gateway.get('name') or gateway.get('id')}' without a condition",
                        "give the flow a condition, or make it the gateway's default flow"))
    return problems


def _called(path: str, tree, processes: set, decisions: set) -> list[Problem]:
    problems = []
    for call in tree.iterfind(".//bpmn:callActivity", NS):
        called = call.get("calledElement")
        if called and called not in processes:
            problems.append(Problem(path, call.get("id"),
                                    f"the called process '{called}' is not in the model",
                                    "add its BPMN file to the model folder or fix "
                                    "calledElement"))
    for task in tree.iterfind(".//bpmn:businessRuleTask", NS):
        node = task.find(".//spiff:calledDecisionId", NS)
        called = (node.text or "").strip() if node is not None else ""
        if called and called not in decisions:
            problems.append(Problem(path, task.get("id"),
                                    f"the called decision '{called}' is not in the model",
                                    "add its DMN file to the model folder or fix the "
                                    "decision id"))
    return problems


def _back_edges(path: str, tree) -> list[Problem]:
    """A cycle in the sequence flows of one process: a loop built with a gateway."""
    problems = []
    for process in tree.iter(f"{{{NS['bpmn']}}}process", f"{{{NS['bpmn']}}}subProcess"):
        edges: dict[str, list[tuple[str, str]]] = {}
        for flow in process.findall("bpmn:sequenceFlow", NS):
            edges.setdefault(flow.get("sourceRef"), []).append(
                (flow.get("targetRef"), flow.get("id")))
        state: dict[str, int] = {}  # 1 on the current path, 2 done
        for start in list(edges):
            if start in state:
                continue
            stack = [(start, iter(edges.get(start, ())))]
            state[start] = 1
            while stack:
                node, children = stack[-1]
                step = next(children, None)
                if step is None:
                    state[node] = 2
                    stack.pop()
                    continue
                target, flow_id = step
                if state.get(target) == 1:
                    problems.append(Problem(
                        path, flow_id, "the flow goes back to an earlier element: a loop "
                        "built with sequence flows (SpiffWorkflow stalls such loops after "
                        "some hundred rounds)",
                        "model the repetition as a standard loop, a multi-instance activity "
                        "or a called process"))
                elif target not in state:
                    state[target] = 1
                    stack.append((target, iter(edges.get(target, ()))))
    return problems


def _user_tasks(path: str, tree) -> list[Problem]:
    problems = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        named = [p for p in task.iterfind(".//spiff:property", NS)
                 if p.get("name") == "formJsonSchemaFilename" and (p.get("value") or "").strip()]
        if not named:
            problems.append(Problem(path, task.get("id"), "the user task names no form",
                                    "add the property formJsonSchemaFilename"))
    return problems


STARTS = ("startEvent", "boundaryEvent")


def _unconnected(path: str, tree) -> list[Problem]:
    """An element nothing leads to never runs: a designer forgot a flow."""
    problems = []
    for process in tree.iter(f"{{{NS['bpmn']}}}process", f"{{{NS['bpmn']}}}subProcess"):
        targets = {f.get("targetRef") for f in process.findall("bpmn:sequenceFlow", NS)}
        for node in process:
            tag = etree.QName(node).localname
            if tag in FLOW_NODES and tag not in STARTS and node.get("id") not in targets \
                    and not node.get("triggeredByEvent"):
                if tag == "subProcess" and node.get("triggeredByEvent") == "true":
                    continue
                problems.append(Problem(path, node.get("id"),
                                        "no sequence flow leads to the element, so it never "
                                        "runs", "connect it with a sequence flow, or remove it"))
    return problems


def _lanes(path: str, tree, groups: set[str]) -> list[Problem]:
    problems = []
    for lane in tree.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        has_user_task = any(
            tree.find(f".//bpmn:userTask[@id='{ref.text}']", NS) is not None
            for ref in lane.iterfind("bpmn:flowNodeRef", NS))
        if has_user_task and name not in groups:
            problems.append(Problem(path, lane.get("id"),
                                    f"the lane '{name}' is no group of the authority",
                                    "name the lane after an existing group "
                                    f"({', '.join(sorted(groups)) or 'none yet'}) or ask an "
                                    "administrator to create the group"))
    return problems

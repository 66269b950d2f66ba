"""Process models: read a model folder, check it, name its version, parse it.

A model is a folder under ``workflows/``: BPMN and DMN files and JSON Schema forms
(``forms/*.schema.json`` or beside the BPMN). Its version is the SHA-256 of its files'
paths and contents, so deploying unchanged files creates no new version. The main
process's id is the folder name.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from . import intake, scripting
from .errors import ModelError

MODEL_SUFFIXES = (".bpmn", ".dmn", ".json")
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
FLOW_NODES = (
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask",
    "sendTask", "receiveTask", "callActivity", "subProcess", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
)
# properties of a user task that hold restricted Python expressions
EXPRESSION_PROPERTIES = ("due", "sealedUntil")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a model: where, what, and what to do."""

    file: str
    element: str | None
    message: str
    fix: str

    def __str__(self) -> str:  # one line, whatever the message holds
        where = f"{self.file}" + (f" [{self.element}]" if self.element else "")
        return " ".join(f"{where}: {self.message} — {self.fix}".split())


@dataclass
class ParsedModel:
    """A parsed model version: the top spec, its called processes and its forms."""

    name: str
    version: str
    spec: object
    subprocess_specs: dict
    forms: dict[str, dict]


def read_files(folder: Path) -> dict[str, str]:
    """The model's files as {relative path: text}, sorted by path.

    Raises ModelError, before reading anything, if the files break the model size
    bounds (``OPIFLOW_MODEL_MAX_*``), and if one is not UTF-8 text."""
    try:
        sizes = intake.stat_sizes(folder, MODEL_SUFFIXES)
    except OSError as err:
        raise ModelError("the model folder {folder} cannot be read: {strerror}",
                         problems=[Problem(folder.name, None, f"cannot be read: {err}",
                                           "check the folder's permissions")],
                         hint="check the folder's permissions",
                         folder=folder, strerror=err.strerror) from err
    problems = [Problem(path, None, message, fix)
                for path, message, fix in intake.size_problems(folder.name, sizes)]
    files = {}
    if not problems:
        for path in sizes:
            try:
                files[path] = (folder / path).read_text(encoding="utf-8")
            except UnicodeDecodeError as err:
                problems.append(Problem(path, None, f"not UTF-8 text: {err.reason} at byte "
                                        f"{err.start}", "save the file as UTF-8"))
            except OSError as err:
                problems.append(Problem(path, None, f"cannot be read: {err.strerror}",
                                        "check the file's permissions"))
    if problems:
        raise ModelError("the model {name} cannot be read: {problem_list}",
                         problems=problems, hint="fix each problem and try again",
                         name=folder.name, problem_list=problems[0])
    return files


def content_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def model_folders(path: Path) -> list[Path]:
    """``path`` itself if it is a model folder, else its sub-folders that hold BPMN."""
    if any(path.glob("*.bpmn")):
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.bpmn")))


def form_name(task_spec) -> str | None:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}).get(
        "formJsonSchemaFilename")


def find_form(forms: dict[str, dict], name: str) -> dict | None:
    for key in (f"forms/{name}", name):
        if key in forms:
            return forms[key]
    return None


def parse(name: str, files: dict[str, str]) -> ParsedModel:
    """Parse a model's files; raises ModelError listing every problem found. An engine
    keeps what it parsed in its registry (``engine.registry``): call this through it."""
    version = content_hash(files)
    problems = check(name, files)
    if problems:
        raise ModelError("the model {name} has {count} problem(s)", problems=problems,
                         hint="run `opiflow validate` and fix each one",
                         name=name, count=len(problems))
    parser, forms = _parser_for(files)
    parsed = ParsedModel(name, version, parser.get_spec(name),
                         parser.get_subprocess_specs(name), forms)
    connect_loops(parsed.spec, *parsed.subprocess_specs.values())
    return parsed


def connect_loops(*process_specs) -> None:
    """Connect each loop or multi-instance activity to the merge of its children.

    SpiffWorkflow connects them only when the activity creates its first child in this
    process (or when it deserializes the specs from JSON). A process that reuses the
    parsed specs and loads a workflow whose children another process created would
    otherwise never merge them: the loop stalls with no open task and no error."""
    for process in process_specs:
        for task_spec in process.task_specs.values():
            if isinstance(task_spec, LoopTask):
                child = process.task_specs[task_spec.task_spec]
                if not child.completed_event.is_connected(task_spec.merge_child):
                    child.completed_event.connect(task_spec.merge_child)


def _parser_for(files: dict[str, str]) -> tuple[SpiffBpmnParser, dict[str, dict]]:
    parser = SpiffBpmnParser(validator=BpmnValidator())
    forms = {}
    for path, text in files.items():
        if path.endswith(".bpmn"):
            parser.add_bpmn_str(text.encode("utf-8"), filename=path)
        elif path.endswith(".dmn"):
            parser.add_dmn_str(text.encode("utf-8"), filename=path)
        elif path.endswith(".json"):
            try:
                forms[path] = intake.load_json(text)
            except (ValueError, RecursionError):
                forms[path] = {}  # check() reports it; parse() never gets this far
    return parser, forms


def check(name: str, files: dict[str, str], groups=None) -> list[Problem]:
    """Every problem in a model: XML, BPMN parse, forms, lanes, scripts, diagram layout,
    gateways, called elements and back-edge loops (engine.model_checks); lanes are
    checked against ``groups`` when given."""
    from . import model_checks
    from .rules import validators  # the domain validators a task may name

    problems: list[Problem] = [
        Problem(path, None, message, fix) for path, message, fix in intake.size_problems(
            name, {path: len(text.encode("utf-8")) for path, text in files.items()})]
    if problems:
        return problems
    if not any(p.endswith(".bpmn") for p in files):
        return [Problem(name, None, "the folder holds no .bpmn file",
                        "add the process model as NAME.bpmn")]
    trees, xml_problems = {}, []
    for path, text in files.items():
        if path.endswith(".json"):
            problems += _check_form(path, text)
            continue
        try:
            trees[path] = intake.parse_xml(text)
        except etree.XMLSyntaxError as err:
            xml_problems.append(Problem(path, None, f"not well-formed XML: {err}",
                                        "fix the XML at that line (or re-save it from the "
                                        "modeler)"))
        except intake.XMLRefused as err:
            xml_problems.append(Problem(path, None, str(err), err.fix))
    if xml_problems:
        return problems + xml_problems
    problems += model_checks.check(trees, groups)
    parsed = _try_parse(name, files)
    if isinstance(parsed, Problem):
        return problems + [parsed]
    spec, subprocess_specs, forms = parsed
    for spec_ in [spec, *subprocess_specs.values()]:
        problems += _check_user_tasks(spec_, forms, validators.VALIDATORS)
    for path, tree in trees.items():
        problems += _check_scripts(path, tree)
        if path.endswith(".bpmn"):
            problems += _check_layout(path, tree)
    return problems


def _try_parse(name: str, files: dict[str, str]):
    """(spec, subprocess specs, forms), or the Problem that stopped the parser."""
    try:
        parser, forms = _parser_for(files)
        spec = parser.get_spec(name, required=False)
        if spec is None:
            return Problem(name, None, f"no process with id '{name}'",
                           f"give the main process the id of its folder, '{name}'")
        return spec, parser.get_subprocess_specs(name), forms
    except ValidationException as err:
        return Problem(getattr(err, "file_name", "") or name, getattr(err, "id", None),
                       str(err).splitlines()[0], "fix the element in the modeler")
    except Exception as err:  # the parser raises many kinds; each is a model problem
        return Problem(name, None, f"the BPMN does not parse: {err}",
                       "open it in a BPMN modeler and fix the element named")


def _check_form(path: str, text: str) -> list[Problem]:
    try:
        schema = intake.load_json(text)
        Draft202012Validator.check_schema(schema)
    except json.JSONDecodeError as err:
        return [Problem(path, None, f"not valid JSON: {err}", "fix the JSON syntax")]
    except (ValueError, RecursionError) as err:
        return [Problem(path, None, f"the form is too deeply nested: {err}",
                        f"a form may nest at most {intake.MAX_FORM_DEPTH} levels; "
                        "flatten it")]
    except SchemaError as err:
        return [Problem(path, None, f"not a valid JSON Schema: {err.message}",
                        "fix the schema (draft 2020-12)")]
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return [Problem(path, None, "a form schema must have \"type\": \"object\"",
                        "wrap the fields in an object schema with properties")]
    return []


def _check_user_tasks(spec, forms, validators) -> list[Problem]:
    problems = []
    for task_spec in spec.task_specs.values():
        if not getattr(task_spec, "manual", False):
            continue
        file, element = spec.file, task_spec.bpmn_id
        form = form_name(task_spec)
        props = task_spec.extensions.get("properties", {})
        if not task_spec.lane:
            problems.append(Problem(file, element, "the user task is in no lane",
                                    "put it in the lane of the group that does it"))
        if not form:
            continue  # reported from the XML (engine.model_checks), reachable or not
        if find_form(forms, form) is None:
            problems.append(Problem(file, element, f"the form {form} does not exist",
                                    f"add forms/{form} or correct the name"))
        if props.get("validate") and props["validate"] not in validators:
            problems.append(Problem(file, element, f"unknown validator {props['validate']}",
                                    f"use one of {', '.join(sorted(validators))}"))
        for prop in EXPRESSION_PROPERTIES:
            if props.get(prop) and (reason := scripting.check_expression(props[prop])):
                problems.append(Problem(file, element, f"{prop}: {reason}",
                                        "write a plain expression over the task data"))
    return problems


def _check_scripts(path: str, tree) -> list[Problem]:
    problems = []
    checks = [
        (".//bpmn:scriptTask", "bpmn:script", scripting.check_script),
        (".//bpmn:sequenceFlow", "bpmn:conditionExpression", scripting.check_expression),
        (".//bpmn:timerEventDefinition", "bpmn:timeDate", scripting.check_expression),
        (".//bpmn:timerEventDefinition", "bpmn:timeDuration", scripting.check_expression),
        (".//bpmn:timerEventDefinition", "bpmn:timeCycle", scripting.check_expression),
        (".//dmn:inputExpression", "dmn:text", scripting.check_expression),
        (".//dmn:outputEntry", "dmn:text", scripting.check_expression),
    ]
    for owner_path, child, check_fn in checks:
        for owner in tree.iterfind(owner_path, NS):
            node = owner.find(child, NS)
            if node is None or not (node.text or "").strip():
                continue
            reason = check_fn(node.text)
            if reason:
                element = owner.get("id") or owner.getparent().get("id")
                problems.append(Problem(path, element, f"script refused: {reason}",
                                        "use plain expressions and the exposed helpers; "
                                        "imports and names starting with _ are not allowed"))
    problems += [Problem(path, element, message,
                         "write the entry as a value or a comparison such as >= 100 "
                         "over the input")
                 for element, message in intake.dmn_entry_problems(path, tree, NS)]
    for tag in ("spiff:preScript", "spiff:postScript"):
        for node in tree.iterfind(f".//{tag}", NS):
            reason = scripting.check_script(node.text or "")
            if reason:
                problems.append(Problem(path, node.getparent().getparent().get("id"),
                                        f"{tag.split(':')[1]} refused: {reason}",
                                        "use plain statements and the exposed helpers"))
    return problems


def _check_layout(path: str, tree) -> list[Problem]:
    shapes = {s.get("bpmnElement") for s in tree.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {s.get("bpmnElement") for s in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    problems = []
    for tag in FLOW_NODES:
        for node in tree.iterfind(f".//bpmn:{tag}", NS):
            if node.get("id") not in shapes:
                problems.append(Problem(path, node.get("id"), "no diagram shape (BPMNShape)",
                                        "place the element on the diagram in a BPMN modeler"))
    for flow in tree.iterfind(".//bpmn:sequenceFlow", NS):
        if flow.get("id") not in edges:
            problems.append(Problem(path, flow.get("id"), "no diagram edge (BPMNEdge)",
                                    "draw the sequence flow in a BPMN modeler"))
    return problems

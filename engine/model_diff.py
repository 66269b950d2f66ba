"""Compare two versions of a model: the elements added, removed and changed (names,
lanes, conditions, forms, properties, scripts, called elements, timers), read from the
BPMN files, so a designer sees what a new version changes before instances move to it."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .specs import FLOW_NODES, NS

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class Comparison:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # element, name, fields: {f: (a, b)}

    def as_dict(self) -> dict:
        return {"added": self.added, "removed": self.removed,
                "changed": [{**c, "fields": {k: list(v) for k, v in c["fields"].items()}}
                            for c in self.changed]}

    @property
    def ids(self) -> dict[str, list[str]]:
        return {"added": [e["element"] for e in self.added],
                "removed": [e["element"] for e in self.removed],
                "changed": [e["element"] for e in self.changed]}


def elements(files: dict[str, str]) -> dict[str, dict]:
    """element id -> what a designer would compare, over every BPMN file of a model."""
    result: dict[str, dict] = {}
    for path, text in files.items():
        if not path.endswith(".bpmn"):
            continue
        tree = etree.fromstring(text.encode("utf-8"), _PARSER)
        lanes = {ref.text: lane.get("name") or lane.get("id")
                 for lane in tree.iterfind(".//bpmn:lane", NS)
                 for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
        for tag in (*FLOW_NODES, "sequenceFlow"):
            for node in tree.iterfind(f".//bpmn:{tag}", NS):
                ident = node.get("id")
                entry = {"type": tag, "file": path, "name": node.get("name") or "",
                         "lane": lanes.get(ident, "")}
                condition = node.find("bpmn:conditionExpression", NS)
                if condition is not None:
                    entry["condition"] = (condition.text or "").strip()
                script = node.find("bpmn:script", NS)
                if script is not None:
                    entry["script"] = (script.text or "").strip()
                if node.get("calledElement"):
                    entry["called"] = node.get("calledElement")
                for prop in node.iterfind(".//spiff:property", NS):
                    key = prop.get("name")
                    entry["form" if key == "formJsonSchemaFilename" else key] = \
                        prop.get("value") or ""
                for timer in node.iterfind(".//bpmn:timerEventDefinition/*", NS):
                    entry["timer"] = (timer.text or "").strip()
                for ref in ("sourceRef", "targetRef"):
                    if node.get(ref):
                        entry[ref] = node.get(ref)
                result[ident] = entry
    return result


def compare(old_files: dict[str, str], new_files: dict[str, str]) -> Comparison:
    old, new = elements(old_files), elements(new_files)
    result = Comparison()
    for ident in sorted(new.keys() - old.keys()):
        result.added.append({"element": ident, "type": new[ident]["type"],
                             "name": new[ident]["name"]})
    for ident in sorted(old.keys() - new.keys()):
        result.removed.append({"element": ident, "type": old[ident]["type"],
                               "name": old[ident]["name"]})
    for ident in sorted(old.keys() & new.keys()):
        a, b = old[ident], new[ident]
        fields = {k: (a.get(k, ""), b.get(k, "")) for k in sorted(a.keys() | b.keys())
                  if k != "file" and a.get(k, "") != b.get(k, "")}
        if fields:
            result.changed.append({"element": ident, "type": b["type"],
                                   "name": b["name"] or a["name"], "fields": fields})
    forms_old = {p: t for p, t in old_files.items() if p.endswith(".json")}
    forms_new = {p: t for p, t in new_files.items() if p.endswith(".json")}
    for path in sorted(forms_old.keys() | forms_new.keys()):
        if forms_old.get(path) != forms_new.get(path):
            kind = ("added" if path not in forms_old else "removed" if path not in forms_new
                    else None)
            if kind:
                getattr(result, kind).append({"element": path, "type": "form", "name": path})
            else:
                result.changed.append({"element": path, "type": "form", "name": path,
                                       "fields": {"schema": ("…", "…")}})
    return result

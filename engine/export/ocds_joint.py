"""OCDS for joint public scaling: the joint process is a planning release (the shared
need, the demand gathered, the non-binding declaration of intent); each child procurement
points to it in ``relatedProcesses`` with the relationship ``planning``."""
from __future__ import annotations

from . import ocds


def planning_release(case) -> dict:
    data, ocid = case.data, ocds.OCID_PREFIX + case.id
    facilitator = str(data.get("facilitator") or case.summary.get("authority") or "")
    declaration = data.get("declaration") if isinstance(data.get("declaration"), dict) else {}
    signatories = ocds._names(declaration.get("signatories") or data.get("participants"))
    parties = [{**ocds._ref(facilitator, "buyer"), "roles": ["procuringEntity"]}]
    parties += [{**ocds._ref(name, "buyer"), "roles": ["buyer"]} for name in signatories]
    parties += [{**ocds._ref(s["name"]), "roles": ["interestedParty"],
                 "identifier": {"scheme": "DK-CVR", "id": str(s.get("cvr") or "")}}
                for s in data.get("suppliers") or [] if isinstance(s, dict) and s.get("name")]
    demand = declaration.get("demand") or data.get("demand") or {}
    rationale = str(data.get("need") or case.summary.get("title") or "")
    planning: dict[str, object] = {"rationale": rationale}
    budget = ocds._number(demand.get("budget_per_year"))
    if budget:
        planning["budget"] = {
            "description": f"Samlet efterspørgsel om året fra {demand.get('participants', 0)} "
                           f"myndigheder, {demand.get('units_per_year', 0)} enheder. "
                           "Hensigtserklæringen er ikke juridisk bindende.",
            "amount": {"amount": budget, "currency": ocds.CURRENCY}}
    first = case.events[0].at if case.events else None
    at = case.first_time("declaration") or (case.events[-1].at if case.events else first)
    release = {"ocid": ocid, "id": f"{ocid}-planning", "date": ocds._datetime(at),
               "tag": ["planning"], "initiationType": "tender", "language": "da",
               "parties": parties, "buyer": ocds._ref(facilitator, "buyer"),
               "planning": planning,
               "tender": {"id": f"{case.id}-planning", "status": "planning",
                          "title": str(case.summary.get("title") or "")[:300]}}
    if data.get("need_description"):
        release["tender"]["description"] = str(data["need_description"])
    return release


def related_planning(case) -> dict:
    joint_id = str(case.data["joint_process"])
    return {"id": "1", "relationship": ["planning"],
            "title": str(case.data.get("joint_title") or "Fællesoffentlig skalering"),
            "scheme": "ocid", "identifier": ocds.OCID_PREFIX + joint_id}

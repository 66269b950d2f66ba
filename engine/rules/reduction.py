"""The end of a negotiation round: who goes on (UBL §§ 146, 171; Dir. art. 31(3), 66).

A revised tender that misses a minimum requirement is not conforming: it is rejected
with its reason, and its bidder does not go on. Bidders are reduced between rounds only
if the tender documents announced it, and only by the award criteria
(:func:`engine.rules.selection.reduce_bidders`): never to fewer than two, so the final
stage has genuine competition. Fewer than two go on only when fewer than two conforming
tenders remain; the procedure may then continue with the one left, and the reason is
recorded (it goes into the record and the procurement report, UBL § 174).

A revised tender is {"bidder", "price", "scores": [...], "conforming": bool (default
true), "reason": str (why not conforming)}.
"""
from __future__ import annotations

from typing import Any

from engine.errors import RuleViolation
from engine.rules.scoring import score_tenders
from engine.rules.selection import MINIMUM_FINAL_STAGE, reduce_bidders, reduction_notices

MINIMUM_REASON = 15  # characters: shorter is no reason


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def rejected_tenders(tenders: list[dict]) -> list[dict]:
    """The revised tenders judged not conforming, each with its reason."""
    rejected = []
    for i, tender in enumerate(tenders):
        if tender.get("conforming", True) is not False:
            continue
        reason = _text(tender.get("reason"))
        if not reason:
            raise RuleViolation(
                "The revised tender from {bidder!r} is found not conforming "
                "without a reason.",
                hint="Name the minimum requirement it does not meet: the reason goes to the "
                     "bidder (UBL § 171).",
                field=f"revised_tenders[{i}].reason", bidder=tender.get("bidder"))
        rejected.append({"bidder": tender.get("bidder"), "reason": reason})
    return rejected


def fewer_than_two_conforming(tenders: list[dict], remaining: list[str]) -> bool:
    """Whether fewer than two of the remaining bidders still have a conforming tender."""
    out = {t.get("bidder") for t in tenders if t.get("conforming", True) is False}
    return len([b for b in remaining if b not in out]) < MINIMUM_FINAL_STAGE


def round_outcome(model: dict, tenders: list[dict], remaining: list[str], reduce: bool,
                  keep: int | None, announced: bool, reason: Any = "") -> dict:
    """Who goes on after the round, and why the others do not.

    Returns {"ranking": [...] (when reducing), "kept": [...], "removed": [...],
    "rejected": [{"bidder", "reason"}], "reduction_reason": str, "notices": [one per
    bidder that does not go on: its own reason and the names of those continuing]}."""
    result = _outcome(model, tenders, remaining, reduce, keep, announced, reason)
    notices = [{"bidder": r["bidder"], "continuing": list(result["kept"]),
                "reason": f"Tilbuddet er ikke konditionsmæssigt: {r['reason']} "
                          f"Fortsætter: {', '.join(result['kept'])}."}
               for r in result["rejected"]]
    return {**result, "notices": [*notices, *reduction_notices(result["ranking"],
                                                               result["kept"])]}


def _outcome(model: dict, tenders: list[dict], remaining: list[str], reduce: bool,
             keep: int | None, announced: bool, reason: Any) -> dict:
    rejected = rejected_tenders(tenders)
    out = [r["bidder"] for r in rejected]
    conforming = [b for b in remaining if b not in out]
    if not conforming:
        raise RuleViolation(
            "No conforming tender remains.",
            hint="The procedure cannot go on: cancel it with the reason.",
            field="revised_tenders")
    if len(conforming) < MINIMUM_FINAL_STAGE:
        text = _text(reason)
        if len(text) < MINIMUM_REASON:
            raise RuleViolation(
                "Only {count} conforming tender remains ({bidders}): "
                "fewer than the two that genuine competition needs, and no reason is "
                "recorded (UBL § 146, Dir. art. 66).",
                hint="Record why fewer than two conforming tenders remain and why the "
                     "procedure continues (at least {minimum} characters): it goes into the "
                     "record and the procurement report; or cancel the procedure.",
                field="reduction_reason", count=len(conforming), bidders=conforming,
                minimum=MINIMUM_REASON)
        return {"ranking": [], "kept": conforming, "removed": out, "rejected": rejected,
                "reduction_reason": text}
    if not reduce:
        return {"ranking": [], "kept": conforming, "removed": out, "rejected": rejected,
                "reduction_reason": ""}
    if announced is not True:
        reduce_bidders(conforming, 1, announced)  # raises: not announced
    scored = [t for t in tenders if t.get("bidder") in conforming]
    missing = [b for b in conforming if b not in [t.get("bidder") for t in scored]]
    if missing:
        raise RuleViolation(
            "To reduce by the award criteria every remaining bidder needs a scored tender; "
            "missing: {bidders}.",
            hint="Register and score a tender from every remaining bidder, or do not reduce.",
            field="revised_tenders", bidders=missing)
    if keep is None:
        raise RuleViolation("Say how many bidders continue.",
                            hint="Give the number of bidders that go on to the next round.",
                            field="keep_bidders")
    ranking = score_tenders(model, [
        {"bidder": t["bidder"], "price": t["price"],
         "scores": {s["criterion"]: s["score"] for s in t.get("scores") or []}}
        for t in scored])
    reduction = reduce_bidders([r["bidder"] for r in ranking], keep, announced,
                               [r["rank"] for r in ranking])
    return {"ranking": ranking, "kept": reduction["kept"],
            "removed": [*out, *reduction["removed"]], "rejected": rejected,
            "reduction_reason": ""}

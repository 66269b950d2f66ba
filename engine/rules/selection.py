"""Prequalification (UBL § 75) and reducing bidders between rounds (UBL § 146).

The selection rules come from the published tender documents (UBL § 75 stk. 2, § 145),
``docs["selection"]``: {"rd_weight": percent of the score that is R&D/innovation
capacity (1..99), "minimum_levels": {"suitability": n, "rd_capacity": n} (0..10),
"tie_break": "rd_capacity" | "suitability" | "decide"}. The selection score is
(1 - w) x suitability + w x rd_capacity. Equal scores: the published tie-break decides
(the higher R&D capacity or suitability ranks first); a tie it does not settle at the
cut-off is never settled by list order: the selection reports it and the authority
decides, with a recorded reason (:func:`apply_tie_decision`).

Without published rules (``rules=None``) R&D weighs half and ties break on R&D
capacity, then go to the authority.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.errors import RuleViolation
from engine.rules.scoring import exact_number

MINIMUM_INVITED = 3  # UBL § 75 stk. 1
SCALE_MAX = 10


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _rating(item: dict, key: str, applicant: str) -> Fraction:
    if key not in item:
        raise RuleViolation("The qualified applicant {applicant!r} has no {key}.",
                            hint="Give {key} a value from 0 to {scale}.", field=key,
                            applicant=applicant, key=key, scale=SCALE_MAX)
    value = exact_number(item[key], key)
    if not 0 <= value <= SCALE_MAX:
        raise RuleViolation("{key} of {applicant!r} is {item!r}, outside "
                            "0..{scale}.",
                            hint="Use a value from 0 to {scale}.", field=key,
                            key=key, applicant=applicant, item=item[key], scale=SCALE_MAX)
    return value


def _check_max_invited(max_invited: Any) -> int:
    if isinstance(max_invited, bool) or not isinstance(max_invited, int):
        raise RuleViolation("max_invited must be a whole number, got {max_invited!r}.",
                            field="max_invited", max_invited=max_invited)
    if max_invited < MINIMUM_INVITED:
        raise RuleViolation(
            "At most {max_invited} invited is too few: an innovation "
            "partnership must invite at least {minimum} (UBL § 75 stk. "
            "1).",
            hint="Set the maximum number of invited to {minimum} or more.",
            field="max_invited", max_invited=max_invited, minimum=MINIMUM_INVITED)
    return max_invited


DEFAULT_RULES = {"rd_weight": 50, "minimum_levels": {}, "tie_break": "rd_capacity"}
TIE_BREAKS = ("rd_capacity", "suitability", "decide")
MINIMUM_FINAL_STAGE = 2  # Dir. art. 66: genuine competition in the final stage


def check_selection_rules(rules: Any) -> dict:
    """The published selection rules, checked; RuleViolation naming the field."""
    if not isinstance(rules, dict):
        raise RuleViolation("The tender documents do not state the selection rules.",
                            hint="State the weight of R&D/innovation capacity, the minimum "
                                 "suitability levels and the tie-break (UBL § 75 stk. 2).",
                            field="selection")
    weight = rules.get("rd_weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight < 100:
        raise RuleViolation(
            "The weight of R&D/innovation capacity must be above 0 and below "
            "100 %, got {weight!r} (UBL § 75 stk. 2).",
            hint="Publish the share of the selection score given to R&D capacity, e.g. 50.",
            field="selection.rd_weight", weight=weight)
    levels = rules.get("minimum_levels", {})
    if not isinstance(levels, dict) or set(levels) - {"suitability", "rd_capacity"}:
        raise RuleViolation("minimum_levels may only name suitability and rd_capacity.",
                            hint="Publish the minimum levels as numbers from 0 to 10.",
                            field="selection.minimum_levels")
    for key, value in levels.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not 0 <= value <= SCALE_MAX:
            raise RuleViolation("The minimum level for {key} must be from 0 to "
                                "{scale}, got {value!r}.",
                                hint="Publish a level on the 0-10 scale.",
                                field=f"selection.minimum_levels.{key}",
                                key=key, scale=SCALE_MAX, value=value)
    if rules.get("tie_break") not in TIE_BREAKS:
        raise RuleViolation(
            "Unknown selection tie-break {tie_break!r}.",
            hint="Publish 'rd_capacity', 'suitability' (the higher ranks first) or 'decide' "
                 "(the authority decides with a recorded reason).",
            field="selection.tie_break", tie_break=rules.get('tie_break'))
    return {"rd_weight": weight, "minimum_levels": dict(levels),
            "tie_break": rules["tie_break"]}


def check_minimum_levels(item: dict, applicant: str, rules: dict | None) -> None:
    """A qualified applicant meets every published minimum suitability level."""
    levels = check_selection_rules(rules)["minimum_levels"] if rules else {}
    for key, minimum in levels.items():
        if key in item and exact_number(item[key], key) < exact_number(minimum, key):
            raise RuleViolation(
                "{applicant!r} has {key} {item!r}, below the published minimum "
                "level {minimum!r}: it cannot be found qualified.",
                hint="Reject the applicant with the reason, or correct the rating.",
                field=key, applicant=applicant, key=key, item=item[key], minimum=minimum)


def select_candidates(assessments: list[dict], max_invited: int,
                      rules: dict | None = None) -> dict:
    """Choose whom to invite to tender from the suitability assessments.

    Returns {"invited": [names, best first], "rejected": [{"applicant", "reason"}],
    "ranking": [{"applicant", "suitability", "rd_capacity", "score", "rank",
    "invited"}] (qualified applicants only), "cancel": bool (nobody qualified),
    "fewer_than_minimum": bool (fewer than 3 qualified), "tie": None or
    {"applicants": [names], "places": n} (equal at the cut-off on every published
    criterion: the authority decides, see :func:`apply_tie_decision`)}.
    """
    max_invited = _check_max_invited(max_invited)
    published = check_selection_rules(rules) if rules is not None else DEFAULT_RULES
    weight = exact_number(published["rd_weight"], "rd_weight") / 100
    if not isinstance(assessments, list):
        raise RuleViolation("The assessments must be a list.", field="assessments")
    seen: set[str] = set()
    qualified: list[tuple[tuple[Fraction, Fraction], Fraction, int, str, Fraction]] = []
    rejected: list[dict] = []
    for order, item in enumerate(assessments):
        applicant = _text(item.get("applicant")) if isinstance(item, dict) else ""
        if not applicant:
            raise RuleViolation("Assessment no. {n} has no applicant name.",
                                field="applicant", n=order + 1)
        if applicant in seen:
            raise RuleViolation("The applicant {applicant!r} is assessed twice.",
                                hint="Keep one assessment per applicant.", field="applicant",
                                applicant=applicant)
        seen.add(applicant)
        if not isinstance(item.get("qualified"), bool):
            raise RuleViolation("Say whether {applicant!r} is qualified (true or false).",
                                field="qualified", applicant=applicant)
        if not item["qualified"]:
            reason = _text(item.get("reason"))
            if not reason:
                raise RuleViolation(
                    "The unqualified applicant {applicant!r} has no reason.",
                    hint="Rejected applicants are told why: write the reason.",
                    field="reason", applicant=applicant)
            rejected.append({"applicant": applicant, "reason": reason})
            continue
        suitability = _rating(item, "suitability", applicant)
        rd_capacity = _rating(item, "rd_capacity", applicant)
        check_minimum_levels(item, applicant, rules)
        score = (1 - weight) * suitability + weight * rd_capacity
        breaker = {"rd_capacity": rd_capacity, "suitability": suitability}.get(
            str(published["tie_break"]), Fraction(0))
        qualified.append(((score, breaker), rd_capacity, order, applicant, suitability))

    qualified.sort(key=lambda q: (-q[0][0], -q[0][1], q[2]))  # order only keeps it stable
    keys = [q[0] for q in qualified]
    tie: dict[str, Any] | None = None
    if len(qualified) > max_invited and keys[max_invited - 1] == keys[max_invited]:
        cut = keys[max_invited]
        tied = [q[3] for q in qualified if q[0] == cut]
        places = max_invited - sum(1 for k in keys if k > cut)
        tie = {"applicants": tied, "places": places}
    ranking = []
    invited = []
    for i, (key, rd_capacity, _order, applicant, suitability) in enumerate(qualified):
        rank = keys.index(key) + 1  # equal on every published criterion: equal rank
        in_tie = tie is not None and applicant in tie["applicants"]
        is_invited = None if in_tie else i < max_invited
        ranking.append({"applicant": applicant, "suitability": float(suitability),
                        "rd_capacity": float(rd_capacity), "score": float(key[0]),
                        "rank": rank, "invited": is_invited})
        if is_invited:
            invited.append(applicant)
        elif is_invited is False:
            rejected.append({
                "applicant": applicant,
                "reason": (f"Kvalificeret, men ikke blandt de {max_invited} bedst egnede "
                           f"ansøgere (nr. {rank} efter egnethed og innovationskapacitet)."),
            })
    return {
        "invited": invited,
        "rejected": rejected,
        "ranking": ranking,
        "cancel": not qualified,
        "fewer_than_minimum": len(qualified) < MINIMUM_INVITED,
        "tie": tie,
    }


def apply_tie_decision(selection: dict, decision: dict | None) -> dict:
    """The selection with the authority's decision on a tie at the cut-off applied.

    ``decision`` is {"chosen": [names], "reason": str}. With no tie it must choose
    nobody; with a tie it must choose exactly the open places among the tied applicants
    and give a reason (recorded, and sent to those not chosen). Returns a new dict."""
    decision = decision if isinstance(decision, dict) else {}
    chosen = decision.get("chosen") or []
    tie = selection.get("tie")
    if not tie:
        if chosen:
            raise RuleViolation("There is no tie at the cut-off to decide.",
                                hint="Leave the tie decision empty.", field="tie_decision")
        return dict(selection)
    tied = tie["applicants"]
    if sorted(set(chosen)) != sorted(chosen) or any(c not in tied for c in chosen) \
            or len(chosen) != tie["places"]:
        raise RuleViolation(
            "{names} are equal at the cut-off on every published criterion: "
            "choose exactly {places} of them.",
            hint="The published tie-break does not settle it; the list order never does. "
                 "Choose, and record why.", field="tie_decision.chosen",
                 names=tied, places=tie['places'])
    reason = str(decision.get("reason") or "").strip()
    if len(reason) < 15:
        raise RuleViolation("The decision on the tie at the cut-off has no reason.",
                            hint="Write why these applicants were chosen: the reason is "
                                 "recorded and sent to those not chosen.",
                            field="tie_decision.reason")
    invited = [*selection["invited"], *[n for n in tied if n in chosen]]
    rejected = [*selection["rejected"], *[
        {"applicant": n, "reason": f"Lige med {', '.join(c for c in tied if c != n)} ved "
                                   f"grænsen for antallet af opfordrede; ordregiverens "
                                   f"begrundede valg: {reason}"}
        for n in tied if n not in chosen]]
    ranking = [dict(r, invited=r["applicant"] in invited) for r in selection["ranking"]]
    return {**selection, "invited": invited, "rejected": rejected, "ranking": ranking,
            "tie_decision": {"chosen": list(chosen), "reason": reason}}


def reduce_bidders(ranked_bidders: list[str], keep: int, announced: bool,
                   ranks: list[int] | None = None) -> dict:
    """Keep the best ``keep`` bidders between negotiation rounds.

    ``ranked_bidders`` must be ranked by the award criteria (the scoring result), best
    first; ``ranks`` are their ranks (equal ranks: equal under the published model,
    tie-break included). Refused unless the tender documents announced reduction (UBL
    § 146); never below two bidders, so that the final stage has genuine competition
    (Dir. art. 66; fewer only when fewer conforming tenders remain, which is no
    reduction); never through a tie at the cut-off.
    Returns {"kept": [...], "removed": [...]}.
    """
    if announced is not True:
        raise RuleViolation(
            "Bidders cannot be reduced between rounds: the tender documents did not "
            "announce it (UBL § 146).",
            hint="Continue the negotiation with all remaining bidders.",
            field="reduction_between_rounds")
    if not isinstance(ranked_bidders, list) or not all(
            isinstance(b, str) and b.strip() for b in ranked_bidders):
        raise RuleViolation("The ranking must be a list of bidder names, best first.",
                            field="ranked_bidders")
    if len(set(ranked_bidders)) != len(ranked_bidders):
        raise RuleViolation("A bidder appears twice in the ranking.",
                            hint="Use the ranking from the evaluation model.",
                            field="ranked_bidders")
    if isinstance(keep, bool) or not isinstance(keep, int):
        raise RuleViolation("keep must be a whole number, got {keep!r}.", field="keep",
                            keep=keep)
    if not 1 <= keep < len(ranked_bidders):
        raise RuleViolation(
            "Cannot keep {keep} of {count} bidders.",
            hint="Keep at least {minimum} and fewer than {count}.",
            field="keep",
            keep=keep, count=len(ranked_bidders), minimum=MINIMUM_FINAL_STAGE)
    if keep < MINIMUM_FINAL_STAGE:
        raise RuleViolation(
            "Keeping {keep} bidder leaves no genuine competition for the final "
            "stage (Dir. art. 66, UBL § 146).",
            hint="Keep at least {minimum} bidders; fewer go on only when fewer than two "
                 "conforming tenders remain, and then the reason is recorded "
                 "(reduction_reason).",
            field="keep", keep=keep, minimum=MINIMUM_FINAL_STAGE)
    if ranks is not None:
        if len(ranks) != len(ranked_bidders):
            raise RuleViolation("Every ranked bidder needs its rank.", field="ranks")
        if ranks[keep - 1] == ranks[keep]:
            tied = [b for b, r in zip(ranked_bidders, ranks, strict=True)
                    if r == ranks[keep]]
            keep_all = sum(1 for r in ranks if r <= ranks[keep])
            raise RuleViolation(
                "{names} are equal under the published model at the cut-off: "
                "keeping {keep} would settle the tie by list order.",
                hint="Keep all the tied bidders ({keep_all}), or fewer above the "
                     "tie.",
                field="keep", names=tied, keep=keep, keep_all=keep_all)
    return {"kept": ranked_bidders[:keep], "removed": ranked_bidders[keep:]}


def reduction_notices(ranking: list[dict], kept: list[str]) -> list[dict]:
    """UBL § 171: each reduced bidder is told why (its rank and points under the
    published model) and who continues. One notice per bidder, holding only its own
    results and the names of those continuing."""
    notices = []
    for r in ranking:
        if r["bidder"] in kept:
            continue
        points = f"{r['total']:.2f}".replace(".", ",")
        notices.append({"bidder": r["bidder"], "continuing": list(kept), "reason": (
            f"Tilbuddet blev nr. {r['rank']} med {points} point efter de offentliggjorte "
            f"tildelingskriterier; de {len(kept)} bedste fortsætter: {', '.join(kept)} "
            f"(UBL § 146).")})
    return notices

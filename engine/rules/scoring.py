"""The evaluation model: quality points, price points, totals and ranking.

The model is published in the tender documents before the notice and locked after
(Dir. Art. 31(3), UBL § 160). Everything is computed exactly with fractions; values
are turned into floats only when results leave this module, and rounded only for
display. Formulas (M = scale_max, p_i = price of tender i):

- quality  Q_i = sum_k w_k * s_ik            (w_k = criterion weight / 100)
- price    P_i = one of the price models below
- total    T_i = wQ * Q_i + wP * P_i          (wQ, wP = weights / 100)

Price models: ``fixed_anchor`` clamp(M (p0 - p_i) / (p0 - pM), 0, M);
``linear_lowest`` M - M s (p_i - Pmin) / Pmin, floored at 0 if ``floor``;
``proportional`` M Pmin / p_i; ``interpolation`` M - (M - m)(p_i - Pmin)/(Pmax - Pmin),
all equal prices get M.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.errors import N_, Message, RuleViolation

PRICE_MODELS: dict[str, tuple[str, ...]] = {
    "fixed_anchor": ("price_for_max", "price_for_zero"),
    "linear_lowest": ("slope", "floor"),
    "proportional": (),
    "interpolation": ("min_points",),
}
RELATIVE_MODELS = frozenset({"linear_lowest", "proportional", "interpolation"})
TIE_BREAKS = ("quality", "price")


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    weight: Fraction


@dataclass(frozen=True)
class PriceModel:
    kind: str
    params: dict[str, Any]


@dataclass(frozen=True)
class EvaluationModel:
    scale_max: Fraction
    quality_weight: Fraction
    price_weight: Fraction
    criteria: tuple[Criterion, ...]
    price_model: PriceModel
    tie_break: str


@dataclass(frozen=True)
class Tender:
    bidder: str
    price: Fraction
    scores: dict[str, Fraction]


@dataclass(frozen=True)
class Result:
    bidder: str
    quality_points: float
    price_points: float
    total: float
    rank: int
    exact_quality: Fraction = field(repr=False, compare=False, default=Fraction(0))
    exact_price: Fraction = field(repr=False, compare=False, default=Fraction(0))
    exact_total: Fraction = field(repr=False, compare=False, default=Fraction(0))


def exact_number(value: Any, name: str) -> Fraction:
    """``value`` (int, float or Decimal, not bool) as an exact Fraction."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise RuleViolation(
            "{name} must be a number, got {value!r}.",
            hint="Enter a plain number such as 650000 or 7.5.",
            field=name, name=name, value=value
        )
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RuleViolation("{name} must be a finite number, got {value!r}.", field=name,
                                name=name, value=value)
        return Fraction(repr(value))  # 0.1 means one tenth, not its binary neighbour
    if isinstance(value, Decimal) and not value.is_finite():
        raise RuleViolation("{name} must be a finite number, got {value!r}.", field=name,
                            name=name, value=value)
    return Fraction(value)


def _positive(value: Any, name: str) -> Fraction:
    number = exact_number(value, name)
    if number <= 0:
        raise RuleViolation("{name} must be greater than 0, got {value!r}.", field=name,
                            name=name, value=value)
    return number


def _weight(value: Any, name: str) -> Fraction:
    number = exact_number(value, name)
    if number < 0:
        raise RuleViolation(
            "{name} must not be negative, got {value!r}.",
            hint="Weights are percentages from 0 to 100.",
            field=name, name=name, value=value
        )
    return number


def _require(d: Any, key: str, name: str) -> Any:
    if not isinstance(d, dict):
        raise RuleViolation("{name} must be an object (dict), got {d!r}.", field=name,
                            name=name, d=d)
    if key not in d:
        raise RuleViolation(
            "The evaluation model has no {key!r} in {name}.",
            hint="The whole evaluation model must be published (UBL § 160).",
            field=f"{name}.{key}" if name != "evaluation_model" else key, key=key, name=name
        )
    return d[key]


def parse_model(d: dict) -> EvaluationModel:
    """Check a MODEL dict and return an EvaluationModel; RuleViolation if invalid."""
    root = "evaluation_model"
    scale_max = _positive(_require(d, "scale_max", root), "scale_max")

    weights = _require(d, "weights", root)
    q_weight = _weight(_require(weights, "quality", "weights"), "weights.quality")
    p_weight = _weight(_require(weights, "price", "weights"), "weights.price")
    unknown = sorted(set(weights) - {"quality", "price"})
    if unknown:
        raise RuleViolation("Unknown weight(s) {unknown}: only 'quality' and 'price' "
                            "exist.",
                            field="weights", unknown=unknown)
    if q_weight + p_weight != 100:
        raise RuleViolation(
            "The quality and price weights sum to {amount:g}, not 100.",
            hint="Set the weights so that quality + price = 100 (e.g. 70 and 30).",
            field="weights", amount=float(q_weight + p_weight)
        )

    for weight, key, other in ((q_weight, N_("quality"), N_("price")),
                              (p_weight, N_("price"), N_("quality"))):
        if weight == 0:
            raise RuleViolation(
                "The {key} weight is 0: an innovation partnership is awarded on "
                "the best price-quality ratio only, never on {other} alone (Dir. "
                "art. 31(1), art. 67).",
                hint="Give {key} a weight above 0 (e.g. quality 70, price 30).",
                field=f"weights.{key}", key=key, other=other)

    criteria = _parse_criteria(_require(d, "quality_criteria", root))
    price_model = _parse_price_model(_require(d, "price_model", root), scale_max)

    tie_break = _require(d, "tie_break", root)
    if tie_break not in TIE_BREAKS:
        raise RuleViolation(
            "Unknown tie_break {tie_break!r}.",
            hint="Use 'quality' (better quality ranks first) or 'price'.",
            field="tie_break", tie_break=tie_break
        )
    return EvaluationModel(scale_max, q_weight / 100, p_weight / 100, criteria,
                           price_model, tie_break)


def _parse_criteria(items: Any) -> tuple[Criterion, ...]:
    if not isinstance(items, list) or not items:
        raise RuleViolation("The evaluation model needs at least one quality criterion.",
                            hint="Add quality_criteria: [{id, name, weight}, ...].",
                            field="quality_criteria")
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        name = f"quality_criteria[{i}]"
        cid = _require(item, "id", name)
        if not isinstance(cid, str) or not cid.strip():
            raise RuleViolation("{name}.id must be a non-empty text.", field=f"{name}.id",
                                name=name)
        if cid in seen:
            raise RuleViolation("The criterion id {cid!r} is used twice.",
                                hint="Give every quality criterion its own id.",
                                field="quality_criteria", cid=cid)
        seen.add(cid)
        weight = _weight(_require(item, "weight", name), f"{name}.weight")
        criteria.append(Criterion(cid, str(item.get("name") or cid), weight / 100))
    total = sum((c.weight for c in criteria), Fraction(0)) * 100
    if total != 100:
        raise RuleViolation(
            "The quality criterion weights sum to {total:g}, not 100.",
            hint="Adjust the sub-criterion weights so they sum to 100.",
            field="quality_criteria", total=float(total)
        )
    return tuple(criteria)


def _parse_price_model(d: Any, scale_max: Fraction) -> PriceModel:
    kind = _require(d, "kind", "price_model")
    if kind not in PRICE_MODELS:
        raise RuleViolation("Unknown price model {kind!r}.",
                            hint="Use one of: {names}.",
                            field="price_model.kind", kind=kind, names=list(PRICE_MODELS))
    allowed = set(PRICE_MODELS[kind]) | {"kind"}
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise RuleViolation(
            "The price model {kind!r} takes no parameter(s) {unknown}.",
            hint="Its parameters are: {names}." if PRICE_MODELS[kind] else
                 "It takes no parameters.",
            field="price_model", kind=kind, unknown=unknown, names=PRICE_MODELS[kind])
    params: dict[str, Any] = {}
    for key in PRICE_MODELS[kind]:
        value = _require(d, key, "price_model")
        if key == "floor":
            if not isinstance(value, bool):
                raise RuleViolation("price_model.floor must be true or false.",
                                    field="price_model.floor")
            params[key] = value
        elif key == "min_points":
            params[key] = exact_number(value, "price_model.min_points")
        else:
            params[key] = _positive(value, f"price_model.{key}")
    if kind == "fixed_anchor" and params["price_for_max"] >= params["price_for_zero"]:
        raise RuleViolation(
            "price_for_max must be lower than price_for_zero.",
            hint="The price that earns full points must be below the price that earns 0.",
            field="price_model.price_for_max",
        )
    if kind == "interpolation" and not 0 <= params["min_points"] < scale_max:
        raise RuleViolation(
            "min_points must be from 0 up to (not including) scale_max "
            "{scale_max:g}.",
            field="price_model.min_points", scale_max=float(scale_max)
        )
    return PriceModel(kind, params)


def parse_tenders(model: EvaluationModel, items: list) -> list[Tender]:
    """Check the tenders against the model and return them as Tender objects."""
    if not isinstance(items, list) or not items:
        raise RuleViolation("There are no tenders to evaluate.",
                            hint="Register at least one tender before scoring.",
                            field="tenders")
    ids = [c.id for c in model.criteria]
    tenders: list[Tender] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        name = f"tenders[{i}]"
        bidder = _require(item, "bidder", name)
        if not isinstance(bidder, str) or not bidder.strip():
            raise RuleViolation("{name}.bidder must be a non-empty name.", field="bidder",
                                name=name)
        if bidder in seen:
            raise RuleViolation("The bidder {bidder!r} has more than one tender.",
                                hint="Evaluate one (final) tender per bidder.", field="bidder",
                                bidder=bidder)
        seen.add(bidder)
        price = _positive(_require(item, "price", name), "price")
        scores = _require(item, "scores", name)
        if not isinstance(scores, dict):
            raise RuleViolation("The scores of {bidder!r} must be an object.", field="scores",
                                bidder=bidder)
        unknown = sorted(set(scores) - set(ids))
        if unknown:
            raise RuleViolation("{bidder!r} has scores for unknown criteria {unknown}.",
                                hint="The criteria are: {names}.", field="scores",
                                bidder=bidder, unknown=unknown, names=ids)
        exact: dict[str, Fraction] = {}
        for cid in ids:
            if cid not in scores:
                raise RuleViolation("{bidder!r} has no score for the criterion {cid!r}.",
                                    hint="Score every tender on every criterion.",
                                    field=f"scores.{cid}", bidder=bidder, cid=cid)
            s = exact_number(scores[cid], f"scores.{cid}")
            if not 0 <= s <= model.scale_max:
                raise RuleViolation(
                    "{bidder!r} scored {scores!r} on {cid!r}, outside the scale "
                    "0..{scale_max:g}.",
                    hint="Use a score on the published scale.", field=f"scores.{cid}",
                    bidder=bidder, scores=scores[cid], cid=cid, scale_max=float(model.scale_max))
            exact[cid] = s
        tenders.append(Tender(bidder, price, exact))
    return tenders


def quality_points(model: EvaluationModel, tender: Tender) -> Fraction:
    return sum((c.weight * tender.scores[c.id] for c in model.criteria), Fraction(0))


def price_points(model: EvaluationModel, price: Fraction, prices: list[Fraction]) -> Fraction:
    """Price points of ``price`` among all evaluated ``prices``."""
    m = model.scale_max
    p = model.price_model.params
    low, high = min(prices), max(prices)
    kind = model.price_model.kind
    if kind == "fixed_anchor":
        raw = m * (p["price_for_zero"] - price) / (p["price_for_zero"] - p["price_for_max"])
        return min(max(raw, Fraction(0)), m)
    if kind == "linear_lowest":
        raw = m - m * p["slope"] * (price - low) / low
        return max(raw, Fraction(0)) if p["floor"] else raw
    if kind == "proportional":
        return m * low / price
    if high == low:  # interpolation with all prices equal
        return m
    return m - (m - p["min_points"]) * (price - low) / (high - low)


def score(model: EvaluationModel, tenders: list[Tender]) -> list[Result]:
    """Evaluate the tenders; results sorted by rank (1 = best), ties share a rank."""
    if not tenders:
        raise RuleViolation("There are no tenders to evaluate.", field="tenders")
    prices = [t.price for t in tenders]
    rows = []
    for t in tenders:
        q = quality_points(model, t)
        pp = price_points(model, t.price, prices)
        total = model.quality_weight * q + model.price_weight * pp
        tie = q if model.tie_break == "quality" else -t.price  # lower price is better
        rows.append((total, tie, t.bidder, q, pp))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2]))
    results: list[Result] = []
    for i, (total, tie, bidder, q, pp) in enumerate(rows):
        rank = i + 1
        if i and (rows[i - 1][0], rows[i - 1][1]) == (total, tie):
            rank = results[-1].rank
        results.append(Result(bidder, float(q), float(pp), float(total), rank, q, pp, total))
    return results


def results_as_json(results: list[Result]) -> list[dict]:
    return [
        {"bidder": r.bidder, "quality_points": r.quality_points,
         "price_points": r.price_points, "total": r.total, "rank": r.rank}
        for r in results
    ]


def score_tenders(model_dict: dict, tenders_list: list) -> list[dict]:
    """Plain dicts in, plain dicts out: for BPMN scripts."""
    model = parse_model(model_dict)
    return results_as_json(score(model, parse_tenders(model, tenders_list)))


def is_relative(model: EvaluationModel) -> bool:
    """True if a tender's price points depend on the other tenders' prices."""
    return model.price_model.kind in RELATIVE_MODELS


RANK_REVERSAL_WARNING = N_(
    "Warning: the price model {kind!r} is relative: a tender's price points depend on the "
    "other tenders, so adding or removing a tender can swap the order of two others "
    "(rank reversal). A fixed anchor price avoids this.")


def format_table(model: EvaluationModel, results: list[Result]) -> str:
    """A plain-text table of the results, two decimals, best first."""
    width = max([len("Bidder")] + [len(r.bidder) for r in results])
    lines = [f"{'Rank':>4}  {'Bidder':<{width}}  {'Quality':>8}  {'Price':>8}  {'Total':>8}"]
    for r in results:
        lines.append(f"{r.rank:>4}  {r.bidder:<{width}}  {r.quality_points:>8.2f}  "
                     f"{r.price_points:>8.2f}  {r.total:>8.2f}")
    lines.append(f"Weights: quality {_pct(model.quality_weight)}, price "
                 f"{_pct(model.price_weight)}; scale 0-{float(model.scale_max):g}; "
                 f"equal totals: better {model.tie_break} first.")
    if is_relative(model):
        lines.append(RANK_REVERSAL_WARNING.format(kind=model.price_model.kind))
    return "\n".join(lines)


def _pct(weight: Fraction) -> str:
    return f"{float(weight * 100):g} %"


def _num(x: Fraction) -> str:
    return f"{float(x):,.0f}" if x.denominator == 1 else f"{float(x):,g}"


# the price models' names as people read them (translated with the description)
PRICE_MODEL_NAMES = {"fixed_anchor": N_("fixed anchor price"),
                     "linear_lowest": N_("linear from the lowest price"),
                     "proportional": N_("proportional"),
                     "interpolation": N_("interpolation between the lowest and highest price")}


def _amount(x: Fraction) -> int | float:
    """A number for a description's {x:,} placeholder: whole numbers as int."""
    return int(x) if x.denominator == 1 else float(x)


def describe_model_parts(model: EvaluationModel) -> list[Message]:
    """The evaluation model in words, one message (id and params) per sentence: English
    where printed, translated in the UI."""
    m = _amount(model.scale_max)
    parts = [Message("{name} {weight:g} %", {"name": c.name, "weight": float(c.weight * 100)})
             for c in model.criteria]
    p = model.price_model.params
    kind = model.price_model.kind
    if kind == "fixed_anchor":
        price = Message(
            "Price points ({kind}): a price of {best:,} or less gets {m:,} points, a price of "
            "{worst:,} or more gets 0, linear in between: P = {m:,} x ({worst:,} - price) / "
            "({worst:,} - {best:,}).",
            {"best": _amount(p["price_for_max"]), "worst": _amount(p["price_for_zero"])})
    elif kind == "linear_lowest":
        price = Message(
            "Price points ({kind}): the lowest price gets {m:,} points and each tender loses "
            "{m:,} x {slope:,} points per 100 % above the lowest price: P = {m:,} - {m:,} x "
            "{slope:,} x (price - lowest) / lowest, never below 0." if p["floor"] else
            "Price points ({kind}): the lowest price gets {m:,} points and each tender loses "
            "{m:,} x {slope:,} points per 100 % above the lowest price: P = {m:,} - {m:,} x "
            "{slope:,} x (price - lowest) / lowest (may go below 0).",
            {"slope": _amount(p["slope"])})
    elif kind == "proportional":
        price = Message("Price points ({kind}): P = {m:,} x lowest price / price.", {})
    else:
        price = Message(
            "Price points ({kind}): the lowest price gets {m:,} points, the highest "
            "{low:,}, linear in between: P = {m:,} - ({m:,} - {low:,}) x (price - lowest) / "
            "(highest - lowest); if all prices are equal all get {m:,}.",
            {"low": _amount(p["min_points"])})
    price.params.update(kind=PRICE_MODEL_NAMES.get(kind, kind), m=m)
    tie = N_("the better quality") if model.tie_break == "quality" else N_("the lower price")
    result = [
        Message("Each tender gets quality points and price points on a scale from 0 to "
                "{m:,}.", {"m": m}),
        Message("Quality points are the weighted sum of the scores on the sub-criteria "
                "({parts}).", {"parts": parts}),
        price,
        Message("Total = {quality:g} % x quality points + {price:g} % x price points; the "
                "highest total wins.", {"quality": float(model.quality_weight * 100),
                                        "price": float(model.price_weight * 100)}),
        Message("On equal totals {tie} ranks first; if still equal, the tenders share the "
                "rank. Points are computed exactly and rounded to two decimals only for "
                "display.", {"tie": tie})]
    if is_relative(model):
        result.append(Message(RANK_REVERSAL_WARNING, {"kind": PRICE_MODEL_NAMES[kind]}))
    return result


def describe_model(model: EvaluationModel) -> str:
    """The evaluation model in words, for the command line and the tender documents."""
    return " ".join(str(part) for part in describe_model_parts(model))

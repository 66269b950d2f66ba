"""The evaluation model (UBL § 160), pinned: whole texts and every refusal in words."""
from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction

import pytest

from engine.errors import RuleViolation
from engine.rules.scoring import (
    PRICE_MODELS,
    RELATIVE_MODELS,
    TIE_BREAKS,
    describe_model,
    exact_number,
    format_table,
    is_relative,
    parse_model,
    parse_tenders,
    score,
    score_tenders,
)

MODEL = {"scale_max": 10, "weights": {"quality": 70, "price": 30},
         "quality_criteria": [{"id": "K1", "name": "Klinisk værdi", "weight": 60},
                              {"id": "K2", "weight": 40}],
         "price_model": {"kind": "fixed_anchor", "price_for_max": 100, "price_for_zero": 300},
         "tie_break": "quality"}


def model(**changes) -> dict:
    result = copy.deepcopy(MODEL)
    result.update(changes)
    return result


def refusal(fn, *args) -> RuleViolation:
    with pytest.raises(RuleViolation) as err:
        fn(*args)
    return err.value


def test_the_configuration():
    assert PRICE_MODELS == {"fixed_anchor": ("price_for_max", "price_for_zero"),
                            "linear_lowest": ("slope", "floor"), "proportional": (),
                            "interpolation": ("min_points",)}
    assert RELATIVE_MODELS == {"linear_lowest", "proportional", "interpolation"}
    assert TIE_BREAKS == ("quality", "price")


def test_exact_numbers():
    assert exact_number(0.1, "x") == Fraction(1, 10)
    assert exact_number(Decimal("2.5"), "x") == Fraction(5, 2)
    assert exact_number(3, "x") == 3
    err = refusal(exact_number, "3", "price")
    assert (err.message, err.field, err.hint) == (
        "price must be a number, got '3'.", "price",
        "Enter a plain number such as 650000 or 7.5.")
    err = refusal(exact_number, float("nan"), "price")
    assert (err.message, err.field) == ("price must be a finite number, got nan.", "price")
    err = refusal(exact_number, Decimal("Infinity"), "price")
    assert err.message == "price must be a finite number, got Decimal('Infinity')."
    assert refusal(exact_number, True, "p").field == "p"


@pytest.mark.parametrize("d, field, message, hint", [
    ("x", "evaluation_model", "evaluation_model must be an object (dict), got 'x'.", ""),
    ({k: v for k, v in MODEL.items() if k != "scale_max"}, "scale_max",
     "The evaluation model has no 'scale_max' in evaluation_model.",
     "The whole evaluation model must be published (UBL § 160)."),
    (model(scale_max=0), "scale_max", "scale_max must be greater than 0, got 0.", ""),
    (model(weights={"quality": 70}), "weights.price",
     "The evaluation model has no 'price' in weights.", None),
    (model(weights={"quality": -10, "price": 110}), "weights.quality",
     "weights.quality must not be negative, got -10.", "Weights are percentages from 0 to "
                                                       "100."),
    (model(weights={"quality": 70, "price": 30, "risk": 0}), "weights",
     "Unknown weight(s) risk: only 'quality' and 'price' exist.", ""),
    (model(weights={"quality": 70, "price": 20.5}), "weights",
     "The quality and price weights sum to 90.5, not 100.",
     "Set the weights so that quality + price = 100 (e.g. 70 and 30)."),
    (model(weights={"quality": 0, "price": 100}), "weights.quality",
     "The quality weight is 0: an innovation partnership is awarded on the best "
     "price-quality ratio only, never on price alone (Dir. art. 31(1), art. 67).",
     "Give quality a weight above 0 (e.g. quality 70, price 30)."),
    (model(quality_criteria=[]), "quality_criteria",
     "The evaluation model needs at least one quality criterion.",
     "Add quality_criteria: [{id, name, weight}, ...]."),
    (model(quality_criteria=[{"id": " ", "weight": 100}]), "quality_criteria[0].id",
     "quality_criteria[0].id must be a non-empty text.", ""),
    (model(quality_criteria=[{"id": "K1", "weight": 50}, {"id": "K1", "weight": 50}]),
     "quality_criteria", "The criterion id 'K1' is used twice.",
     "Give every quality criterion its own id."),
    (model(quality_criteria=[{"id": "K1"}]), "quality_criteria[0].weight",
     "The evaluation model has no 'weight' in quality_criteria[0].", None),
    (model(quality_criteria=[{"id": "K1", "weight": 99.5}]), "quality_criteria",
     "The quality criterion weights sum to 99.5, not 100.",
     "Adjust the sub-criterion weights so they sum to 100."),
    (model(price_model={"kind": "cheapest"}), "price_model.kind",
     "Unknown price model 'cheapest'.",
     "Use one of: fixed_anchor, linear_lowest, proportional, interpolation."),
    (model(price_model={"kind": "proportional", "slope": 1}), "price_model",
     "The price model 'proportional' takes no parameter(s) slope.",
     "It takes no parameters."),
    (model(price_model={"kind": "interpolation", "min_points": 0, "slope": 1}),
     "price_model", None, "Its parameters are: min_points."),
    (model(price_model={"kind": "linear_lowest", "slope": 1, "floor": "ja"}),
     "price_model.floor", "price_model.floor must be true or false.", ""),
    (model(price_model={"kind": "linear_lowest", "slope": 0, "floor": True}),
     "price_model.slope", "price_model.slope must be greater than 0, got 0.", ""),
    (model(price_model={"kind": "fixed_anchor", "price_for_max": 300,
                        "price_for_zero": 300}), "price_model.price_for_max",
     "price_for_max must be lower than price_for_zero.",
     "The price that earns full points must be below the price that earns 0."),
    (model(price_model={"kind": "interpolation", "min_points": 10}),
     "price_model.min_points",
     "min_points must be from 0 up to (not including) scale_max 10.", ""),
    (model(price_model={"kind": "interpolation", "min_points": -1}),
     "price_model.min_points", None, None),
    (model(tie_break="lot"), "tie_break", "Unknown tie_break 'lot'.",
     "Use 'quality' (better quality ranks first) or 'price'."),
])
def test_a_model_is_refused_in_words(d, field, message, hint):
    err = refusal(parse_model, d)
    assert err.field == field
    if message:
        assert err.message == message
    if hint is not None:
        assert err.hint == hint


def test_the_parsed_model():
    parsed = parse_model(MODEL)
    assert (parsed.scale_max, parsed.quality_weight, parsed.price_weight) == \
        (10, Fraction(7, 10), Fraction(3, 10))
    assert [(c.id, c.name, c.weight) for c in parsed.criteria] == [
        ("K1", "Klinisk værdi", Fraction(3, 5)), ("K2", "K2", Fraction(2, 5))]
    assert parsed.price_model.params == {"price_for_max": 100, "price_for_zero": 300}
    assert parse_model(model(price_model={"kind": "interpolation", "min_points": 0}))
    linear = parse_model(model(price_model={"kind": "linear_lowest", "slope": 0.5,
                                            "floor": False}))
    assert linear.price_model.params == {"slope": Fraction(1, 2), "floor": False}


@pytest.mark.parametrize("items, field, message, hint", [
    ([], "tenders", "There are no tenders to evaluate.",
     "Register at least one tender before scoring."),
    ([{"bidder": " ", "price": 1, "scores": {}}], "bidder",
     "tenders[0].bidder must be a non-empty name.", ""),
    ([{"bidder": "A", "price": 1, "scores": {"K1": 1, "K2": 1}},
      {"bidder": "A", "price": 1, "scores": {"K1": 1, "K2": 1}}], "bidder",
     "The bidder 'A' has more than one tender.", "Evaluate one (final) tender per bidder."),
    ([{"bidder": "A", "price": 0, "scores": {}}], "price",
     "price must be greater than 0, got 0.", ""),
    ([{"bidder": "A", "price": 1, "scores": [1]}], "scores",
     "The scores of 'A' must be an object.", ""),
    ([{"bidder": "A", "price": 1, "scores": {"K1": 1, "K2": 1, "K9": 1}}], "scores",
     "'A' has scores for unknown criteria K9.", "The criteria are: K1, K2."),
    ([{"bidder": "A", "price": 1, "scores": {"K1": 1}}], "scores.K2",
     "'A' has no score for the criterion 'K2'.", "Score every tender on every criterion."),
    ([{"bidder": "A", "price": 1, "scores": {"K1": 10.5, "K2": 1}}], "scores.K1",
     "'A' scored 10.5 on 'K1', outside the scale 0..10.",
     "Use a score on the published scale."),
    ([{"bidder": "A", "price": 1, "scores": {"K1": 1, "K2": -1}}], "scores.K2", None, None),
    ([{"bidder": "A", "scores": {}}], "tenders[0].price",
     "The evaluation model has no 'price' in tenders[0].", None),
])
def test_tenders_are_refused_in_words(items, field, message, hint):
    err = refusal(parse_tenders, parse_model(MODEL), items)
    assert err.field == field
    if message:
        assert err.message == message
    if hint is not None:
        assert err.hint == hint


def test_the_edges_of_the_scale_and_the_anchors():
    rows = score_tenders(MODEL, [
        {"bidder": "A", "price": 100, "scores": {"K1": 10, "K2": 10}},
        {"bidder": "B", "price": 300, "scores": {"K1": 0, "K2": 0}},
        {"bidder": "C", "price": 50, "scores": {"K1": 0, "K2": 0}},
        {"bidder": "D", "price": 400, "scores": {"K1": 5, "K2": 5}}])
    assert rows == [
        {"bidder": "A", "quality_points": 10.0, "price_points": 10.0, "total": 10.0,
         "rank": 1},
        {"bidder": "D", "quality_points": 5.0, "price_points": 0.0, "total": 3.5, "rank": 2},
        {"bidder": "C", "quality_points": 0.0, "price_points": 10.0, "total": 3.0, "rank": 3},
        {"bidder": "B", "quality_points": 0.0, "price_points": 0.0, "total": 0.0, "rank": 4}]
    with pytest.raises(RuleViolation) as err:
        score(parse_model(MODEL), [])
    assert err.value.field == "tenders"


def test_linear_lowest_with_and_without_a_floor():
    tenders = [{"bidder": "A", "price": 100, "scores": {"K1": 0, "K2": 0}},
               {"bidder": "B", "price": 300, "scores": {"K1": 0, "K2": 0}}]
    floored = score_tenders(model(price_model={"kind": "linear_lowest", "slope": 1,
                                               "floor": True}), tenders)
    assert [r["price_points"] for r in floored] == [10.0, 0.0]
    free = score_tenders(model(price_model={"kind": "linear_lowest", "slope": 1,
                                            "floor": False}), tenders)
    assert [r["price_points"] for r in free] == [10.0, -10.0]
    interpolated = score_tenders(model(price_model={"kind": "interpolation",
                                                    "min_points": 2}), [
        *tenders, {"bidder": "C", "price": 200, "scores": {"K1": 0, "K2": 0}}])
    assert [r["price_points"] for r in interpolated] == [10.0, 6.0, 2.0]


def test_the_price_tie_break_ranks_the_lower_price_first():
    tenders = [{"bidder": "A", "price": 200, "scores": {"K1": 10, "K2": 10}},
               {"bidder": "B", "price": 100, "scores": {"K1": 7, "K2": 7}}]
    by_price = model(tie_break="price", price_model={"kind": "fixed_anchor",
                                                     "price_for_max": 100,
                                                     "price_for_zero": 1100})
    rows = score_tenders(by_price, tenders)
    assert [(r["bidder"], r["rank"]) for r in rows] == [("A", 1), ("B", 2)]


def test_the_table_in_full():
    parsed = parse_model(model(price_model={"kind": "proportional"}))
    results = score(parsed, parse_tenders(parsed, [
        {"bidder": "Alfa Care", "price": 100, "scores": {"K1": 9, "K2": 8}},
        {"bidder": "B", "price": 200, "scores": {"K1": 5, "K2": 5}}]))
    assert format_table(parsed, results).splitlines() == [
        "Rank  Bidder      Quality     Price     Total",
        "   1  Alfa Care      8.60     10.00      9.02",
        "   2  B              5.00      5.00      5.00",
        "Weights: quality 70 %, price 30 %; scale 0-10; equal totals: better quality first.",
        "Warning: the price model 'proportional' is relative: a tender's price points depend "
        "on the other tenders, so adding or removing a tender can swap the order of two "
        "others (rank reversal). A fixed anchor price avoids this."]
    fixed = parse_model(MODEL)
    assert "Warning" not in format_table(fixed, score(fixed, parse_tenders(fixed, [
        {"bidder": "A", "price": 100, "scores": {"K1": 9, "K2": 8}}])))
    assert is_relative(parsed) and not is_relative(fixed)


def test_the_model_in_words():
    fixed = describe_model(parse_model(model(price_model={
        "kind": "fixed_anchor", "price_for_max": 100_000, "price_for_zero": 300_000})))
    assert ("Price points (fixed anchor price): a price of 100,000 or less gets 10 points, a price "
            "of 300,000 or more gets 0, linear in between: P = 10 x (300,000 - price) / "
            "(300,000 - 100,000).") in fixed
    assert fixed.startswith("Each tender gets quality points and price points on a scale "
                            "from 0 to 10. Quality points are the weighted sum of the "
                            "scores on the sub-criteria (Klinisk værdi 60 %, K2 40 %).")
    assert fixed.endswith("Total = 70 % x quality points + 30 % x price points; the highest "
                          "total wins. On equal totals the better quality ranks first; if "
                          "still equal, the tenders share the rank. Points are computed "
                          "exactly and rounded to two decimals only for display.")
    linear = describe_model(parse_model(model(tie_break="price", price_model={
        "kind": "linear_lowest", "slope": 0.5, "floor": True})))
    assert ("Price points (linear from the lowest price): the lowest price gets 10 points "
            "and each tender loses 10 x 0.5 points per 100 % above the lowest price: "
            "P = 10 - 10 x 0.5 x (price - lowest) / lowest, never below 0.") in linear
    assert "On equal totals the lower price ranks first" in linear
    assert linear.endswith("A fixed anchor price avoids this.")
    assert "(may go below 0)" in describe_model(parse_model(model(price_model={
        "kind": "linear_lowest", "slope": 1, "floor": False})))
    assert "Price points (proportional): P = 10 x lowest price / price." in describe_model(
        parse_model(model(price_model={"kind": "proportional"})))
    assert ("Price points (interpolation between the lowest and highest price): the "
            "lowest price gets 10 points, the highest 2, linear in between: "
            "P = 10 - (10 - 2) x (price - lowest) / (highest - lowest); "
            "if all prices are equal all get 10.") in describe_model(parse_model(model(
                price_model={"kind": "interpolation", "min_points": 2})))

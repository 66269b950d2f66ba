"""The evaluation model against hand-computed worked examples."""
import copy

import pytest

from engine.errors import RuleViolation
from engine.rules.scoring import (
    describe_model,
    format_table,
    is_relative,
    parse_model,
    parse_tenders,
    results_as_json,
    score,
    score_tenders,
)

MODEL = {
    "scale_max": 10,
    "weights": {"quality": 70, "price": 30},
    "quality_criteria": [
        {"id": "losning", "name": "Løsningens kvalitet", "weight": 50},
        {"id": "impl", "name": "Implementering", "weight": 30},
        {"id": "org", "name": "Organisering", "weight": 20},
    ],
    "price_model": {"kind": "fixed_anchor", "price_for_max": 500000, "price_for_zero": 1500000},
    "tie_break": "quality",
}

TENDERS = [
    # Q = 0.5*8 + 0.3*6 + 0.2*7 = 4 + 1.8 + 1.4 = 7.2
    {"bidder": "A", "price": 650000, "scores": {"losning": 8, "impl": 6, "org": 7}},
    # Q = 0.5*9 + 0.3*8 + 0.2*8 = 4.5 + 2.4 + 1.6 = 8.5
    {"bidder": "B", "price": 900000, "scores": {"losning": 9, "impl": 8, "org": 8}},
    # Q = 5
    {"bidder": "C", "price": 400000, "scores": {"losning": 5, "impl": 5, "org": 5}},
    # Q = 10
    {"bidder": "D", "price": 1600000, "scores": {"losning": 10, "impl": 10, "org": 10}},
]


def model_with(price_model, **changes):
    d = copy.deepcopy(MODEL)
    d["price_model"] = price_model
    d.update(changes)
    return d


def by_bidder(results):
    return {r["bidder"]: r for r in results}


def test_fixed_anchor_worked_example():
    # P = 10 * (1 500 000 - p) / (1 500 000 - 500 000), clamped to 0..10
    # A: 10 * 850 000 / 1 000 000 = 8.5   T = 0.7*7.2 + 0.3*8.5 = 5.04 + 2.55 = 7.59
    # B: 10 * 600 000 / 1 000 000 = 6     T = 0.7*8.5 + 0.3*6   = 5.95 + 1.8  = 7.75
    # C: 400 000 < 500 000 -> 11 clamped to 10   T = 3.5 + 3 = 6.5
    # D: 1 600 000 > 1 500 000 -> -1 clamped to 0   T = 7 + 0 = 7
    results = score_tenders(MODEL, TENDERS)
    assert [r["bidder"] for r in results] == ["B", "A", "D", "C"]
    assert [r["rank"] for r in results] == [1, 2, 3, 4]
    got = by_bidder(results)
    expected = {"A": (7.2, 8.5, 7.59), "B": (8.5, 6, 7.75), "C": (5, 10, 6.5), "D": (10, 0, 7)}
    for bidder, (q, p, t) in expected.items():
        assert got[bidder]["quality_points"] == pytest.approx(q)
        assert got[bidder]["price_points"] == pytest.approx(p)
        assert got[bidder]["total"] == pytest.approx(t)


THREE = [  # prices 650 000 / 900 000 / 1 400 000; P_min = 650 000, P_max = 1 400 000
    {"bidder": "A", "price": 650000, "scores": {"losning": 8, "impl": 6, "org": 7}},
    {"bidder": "B", "price": 900000, "scores": {"losning": 9, "impl": 8, "org": 8}},
    {"bidder": "C", "price": 1400000, "scores": {"losning": 5, "impl": 5, "org": 5}},
]


@pytest.mark.parametrize("price_model, expected", [
    # linear_lowest s=1: P = 10 - 10 * (p - 650 000) / 650 000
    # B: 10 - 10*250/650 = 10 - 50/13 = 80/13;  C: 10 - 10*750/650 = -20/13 -> floor 0
    ({"kind": "linear_lowest", "slope": 1, "floor": True}, {"A": 10, "B": 80 / 13, "C": 0}),
    ({"kind": "linear_lowest", "slope": 1, "floor": False},
     {"A": 10, "B": 80 / 13, "C": -20 / 13}),
    # s = 0.5: B: 10 - 5*250/650 = 10 - 25/13 = 105/13;  C: 10 - 5*750/650 = 55/13
    ({"kind": "linear_lowest", "slope": 0.5, "floor": True},
     {"A": 10, "B": 105 / 13, "C": 55 / 13}),
    # proportional: P = 10 * 650 000 / p.  B: 6500/900 = 65/9;  C: 6500/1400 = 65/14
    ({"kind": "proportional"}, {"A": 10, "B": 65 / 9, "C": 65 / 14}),
    # interpolation m=0: P = 10 - 10 * (p - 650 000) / 750 000.  B: 10 - 10/3 = 20/3; C: 0
    ({"kind": "interpolation", "min_points": 0}, {"A": 10, "B": 20 / 3, "C": 0}),
    # interpolation m=2: P = 10 - 8 * (p - 650 000) / 750 000.  B: 10 - 8/3 = 22/3; C: 2
    ({"kind": "interpolation", "min_points": 2}, {"A": 10, "B": 22 / 3, "C": 2}),
])
def test_relative_price_models_worked_examples(price_model, expected):
    got = by_bidder(score_tenders(model_with(price_model), THREE))
    for bidder, points in expected.items():
        assert got[bidder]["price_points"] == pytest.approx(points)
    # quality points are the same whatever the price model: 7.2, 8.5, 5
    assert got["B"]["total"] == pytest.approx(0.7 * 8.5 + 0.3 * expected["B"])


def test_interpolation_equal_prices_all_get_max():
    same = [dict(t, price=800000) for t in THREE]
    got = score_tenders(model_with({"kind": "interpolation", "min_points": 0}), same)
    assert {r["price_points"] for r in got} == {10.0}


def test_single_tender_relative_gets_max():
    got = score_tenders(model_with({"kind": "interpolation", "min_points": 0}), THREE[:1])
    assert got[0]["price_points"] == 10.0 and got[0]["rank"] == 1


ONE_CRITERION = {
    "scale_max": 10,
    "weights": {"quality": 70, "price": 30},
    "quality_criteria": [{"id": "q", "name": "Kvalitet", "weight": 100}],
    "tie_break": "quality",
}


def tender(bidder, q, price):
    return {"bidder": bidder, "price": price, "scores": {"q": q}}


@pytest.mark.parametrize("price_model, pair, third, order_pair, order_three", [
    # interpolation m=0. A: Q=7 at 100, B: Q=8 at 110.
    # A and B alone: P_A = 10, P_B = 0.  T_A = 4.9 + 3 = 7.9;  T_B = 5.6 + 0 = 5.6 -> A first
    # with C at 200: P_B = 10 - 10*10/100 = 9.  T_B = 5.6 + 2.7 = 8.3 > 7.9 -> B first
    ({"kind": "interpolation", "min_points": 0},
     [tender("A", 7, 100), tender("B", 8, 110)], tender("C", 5, 200), "AB", "BAC"),
    # proportional. A: Q=7.5 at 100, B: Q=8 at 125.
    # alone: P_A = 10, P_B = 10*100/125 = 8.  T_A = 5.25 + 3 = 8.25;  T_B = 5.6 + 2.4 = 8.0
    # with C (Q=0) at 50: P_A = 5, P_B = 4.  T_A = 5.25 + 1.5 = 6.75;  T_B = 5.6 + 1.2 = 6.8
    ({"kind": "proportional"},
     [tender("A", 7.5, 100), tender("B", 8, 125)], tender("C", 0, 50), "AB", "BAC"),
    # linear_lowest s=1, no floor. A: Q=6 at 100, B: Q=8 at 125.
    # alone: P_A = 10, P_B = 10 - 10*25/100 = 7.5.  T_A = 4.2 + 3 = 7.2; T_B = 5.6 + 2.25 = 7.85
    # with C (Q=0) at 50: P_A = 10 - 10*50/50 = 0, P_B = 10 - 10*75/50 = -5, P_C = 10
    # T_A = 4.2 + 0 = 4.2;  T_B = 5.6 - 1.5 = 4.1;  T_C = 0 + 3 = 3 -> A first
    ({"kind": "linear_lowest", "slope": 1, "floor": False},
     [tender("B", 8, 125), tender("A", 6, 100)], tender("C", 0, 50), "BA", "ABC"),
])
def test_rank_reversal_with_relative_models(price_model, pair, third, order_pair,
                                             order_three):
    model = dict(ONE_CRITERION, price_model=price_model)
    assert is_relative(parse_model(model))
    two = "".join(r["bidder"] for r in score_tenders(model, pair))
    three = "".join(r["bidder"] for r in score_tenders(model, [*pair, third]))
    assert two == order_pair
    assert three == order_three
    assert two != three.replace(third["bidder"], "")  # A and B swapped places


def test_fixed_anchor_cannot_reverse_ranks():
    # same data as the interpolation case, anchors 100 -> 10 points, 200 -> 0 points
    # P_A = 10, P_B = 9, P_C = 0 with or without C:  T_A = 7.9, T_B = 8.3, T_C = 3.5
    model = dict(ONE_CRITERION, price_model={"kind": "fixed_anchor", "price_for_max": 100,
                                             "price_for_zero": 200})
    assert not is_relative(parse_model(model))
    pair = [tender("A", 7, 100), tender("B", 8, 110)]
    two = [r["bidder"] for r in score_tenders(model, pair)]
    three = [r["bidder"] for r in score_tenders(model, [*pair, tender("C", 5, 200)])]
    assert two == ["B", "A"]
    assert three == ["B", "A", "C"]


@pytest.mark.parametrize("tie_break, order", [("quality", ["A", "B"]), ("price", ["B", "A"])])
def test_tie_break(tie_break, order):
    # fixed anchors 100 -> 10, 200 -> 0.
    # A: Q=8, price 170 -> P=3:  T = 0.7*8 + 0.3*3 = 5.6 + 0.9 = 6.5
    # B: Q=5, price 100 -> P=10: T = 0.7*5 + 0.3*10 = 3.5 + 3 = 6.5   (equal, exactly)
    model = dict(ONE_CRITERION, tie_break=tie_break,
                 price_model={"kind": "fixed_anchor", "price_for_max": 100,
                              "price_for_zero": 200})
    results = score_tenders(model, [tender("A", 8, 170), tender("B", 5, 100)])
    assert [r["bidder"] for r in results] == order
    assert [r["rank"] for r in results] == [1, 2]
    assert results[0]["total"] == results[1]["total"] == pytest.approx(6.5)


def test_full_tie_shares_rank_ordered_by_name():
    model = dict(ONE_CRITERION, price_model={"kind": "proportional"})
    results = score_tenders(model, [tender("Zeta", 8, 100), tender("Alfa", 8, 100),
                                    tender("Mid", 1, 100)])
    assert [(r["bidder"], r["rank"]) for r in results] == [("Alfa", 1), ("Zeta", 1),
                                                           ("Mid", 3)]


def test_results_are_unrounded_floats():
    model = parse_model(model_with({"kind": "proportional"}))
    results = score(model, parse_tenders(model, THREE))
    rows = results_as_json(results)
    assert set(rows[0]) == {"bidder", "quality_points", "price_points", "total", "rank"}
    b = next(r for r in rows if r["bidder"] == "B")
    assert b["price_points"] == 65 / 9  # 7.222..., not 7.22
    assert all(isinstance(r[k], float) for r in rows
               for k in ("quality_points", "price_points", "total"))


def test_float_scores_are_exact_decimals():
    # 0.1 + 0.2 must tie with 0.3 : scores are read as the decimals written
    model = {**ONE_CRITERION, "weights": {"quality": 90, "price": 10},
             "price_model": {"kind": "proportional"}}
    results = score_tenders(model, [tender("A", 0.3, 100), tender("B", 0.3, 100)])
    assert results[0]["rank"] == results[1]["rank"] == 1


def test_format_table_and_warning():
    model = parse_model(model_with({"kind": "proportional"}))
    text = format_table(model, score(model, parse_tenders(model, THREE)))
    assert "7.22" in text and "rank reversal" in text
    fixed = parse_model(MODEL)
    text = format_table(fixed, score(fixed, parse_tenders(fixed, TENDERS)))
    assert "7.75" in text and "7.59" in text and "rank reversal" not in text
    assert text.splitlines()[1].split()[:2] == ["1", "B"]


@pytest.mark.parametrize("price_model, words", [
    ({"kind": "fixed_anchor", "price_for_max": 500000, "price_for_zero": 1500000},
     ["500,000", "1,500,000", "70 %", "Løsningens kvalitet 50 %"]),
    ({"kind": "linear_lowest", "slope": 1, "floor": True}, ["never below 0", "rank reversal"]),
    ({"kind": "proportional"}, ["lowest price / price", "rank reversal"]),
    ({"kind": "interpolation", "min_points": 0}, ["highest 0", "rank reversal"]),
])
def test_describe_model(price_model, words):
    text = describe_model(parse_model(model_with(price_model)))
    for word in words:
        assert word in text


def change(path, value):
    """A function that sets MODEL[path...] = value (or deletes it when value is DELETE)."""
    def apply(d):
        *parents, last = path
        target = d
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
        return d
    return apply


DELETE = object()


@pytest.mark.parametrize("mutate, field, words", [
    (change(["weights", "quality"], 60), "weights", "sum to 90"),
    (change(["weights", "price"], -30), "weights.price", "negative"),
    (change(["weights", "quality"], DELETE), "weights.quality", "quality"),
    (change(["weights", "speed"], 0), "weights", "speed"),
    (change(["quality_criteria", 0, "weight"], 40), "quality_criteria", "sum to 90"),
    (change(["quality_criteria", 0, "weight"], -50), "quality_criteria[0].weight", "negative"),
    (change(["quality_criteria", 1, "id"], "losning"), "quality_criteria", "twice"),
    (change(["quality_criteria"], []), "quality_criteria", "at least one"),
    (change(["scale_max"], 0), "scale_max", "greater than 0"),
    (change(["scale_max"], -5), "scale_max", "greater than 0"),
    (change(["scale_max"], "10"), "scale_max", "number"),
    (change(["scale_max"], DELETE), "scale_max", "scale_max"),
    (change(["tie_break"], "lottery"), "tie_break", "lottery"),
    (change(["tie_break"], DELETE), "tie_break", "tie_break"),
    (change(["price_model", "kind"], "cheapest"), "price_model.kind", "cheapest"),
    (change(["price_model", "price_for_zero"], DELETE), "price_model.price_for_zero",
     "price_for_zero"),
    (change(["price_model", "price_for_max"], 1500000), "price_model.price_for_max", "lower"),
    (change(["price_model", "price_for_max"], 2000000), "price_model.price_for_max", "lower"),
    (change(["price_model", "price_for_max"], True), "price_model.price_for_max", "number"),
    (change(["price_model", "slope"], 1), "price_model", "slope"),
    (change(["price_model"], {"kind": "linear_lowest", "floor": True}), "price_model.slope",
     "slope"),
    (change(["price_model"], {"kind": "linear_lowest", "slope": 1}), "price_model.floor",
     "floor"),
    (change(["price_model"], {"kind": "linear_lowest", "slope": 0, "floor": True}),
     "price_model.slope", "greater than 0"),
    (change(["price_model"], {"kind": "interpolation"}), "price_model.min_points",
     "min_points"),
    (change(["price_model"], {"kind": "interpolation", "min_points": 10}),
     "price_model.min_points", "min_points"),
])
def test_invalid_model_is_refused(mutate, field, words):
    with pytest.raises(RuleViolation) as e:
        parse_model(mutate(copy.deepcopy(MODEL)))
    assert e.value.field == field
    assert words in e.value.message


def tenders_with(index, key, value):
    items = copy.deepcopy(TENDERS)
    if value is DELETE:
        del items[index][key]
    else:
        items[index][key] = value
    return items


def scores_with(index, criterion, value):
    items = copy.deepcopy(TENDERS)
    if value is DELETE:
        del items[index]["scores"][criterion]
    else:
        items[index]["scores"][criterion] = value
    return items


@pytest.mark.parametrize("items, field, words", [
    ([], "tenders", "no tenders"),
    (scores_with(0, "losning", 11), "scores.losning", "outside the scale"),
    (scores_with(0, "losning", -1), "scores.losning", "outside the scale"),
    (scores_with(0, "losning", DELETE), "scores.losning", "no score"),
    (scores_with(0, "innovation", 5), "scores", "unknown criteria"),
    (scores_with(0, "impl", "7"), "scores.impl", "number"),
    (tenders_with(1, "price", 0), "price", "greater than 0"),
    (tenders_with(1, "price", -100), "price", "greater than 0"),
    (tenders_with(1, "price", "900000"), "price", "number"),
    (tenders_with(1, "price", True), "price", "number"),
    (tenders_with(1, "price", float("nan")), "price", "finite"),
    (tenders_with(1, "price", DELETE), "tenders[1].price", "price"),
    (tenders_with(1, "bidder", "A"), "bidder", "more than one tender"),
    (tenders_with(1, "bidder", ""), "bidder", "non-empty"),
])
def test_invalid_tenders_are_refused(items, field, words):
    with pytest.raises(RuleViolation) as e:
        score_tenders(MODEL, items)
    assert e.value.field == field
    assert words in e.value.message

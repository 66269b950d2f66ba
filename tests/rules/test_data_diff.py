"""What changed between two drafts of the tender documents, field by field."""
from __future__ import annotations

import copy

from engine import demo
from engine.data_diff import changed_fields


def test_unchanged_documents_have_no_changes():
    docs = demo._docs(1)
    assert changed_fields(docs, copy.deepcopy(docs)) == []


def test_changed_added_and_removed_fields_are_listed_with_before_and_after():
    before = demo._docs(1)
    after = copy.deepcopy(before)
    after["evaluation_model"]["weights"] = {"quality": 60, "price": 40}
    after["ipr"] = "Regionen ejer rettighederne."
    after["purchase"]["max_cost"] = 180_000_000
    del after["participant_remuneration"]
    after["notes"] = "Ny"
    rows = changed_fields(before, after)
    assert {".".join(r["field"]): (r["before"], r["after"]) for r in rows} == {
        "evaluation_model.weights.quality": (70, 60),
        "evaluation_model.weights.price": (30, 40),
        "ipr": (before["ipr"], "Regionen ejer rettighederne."),
        "purchase.max_cost": (200_000_000, 180_000_000),
        "notes": (None, "Ny"),
        "participant_remuneration": (before["participant_remuneration"], None),
    }
    assert [".".join(r["field"]) for r in rows][-1] == "participant_remuneration"


def test_rows_with_an_id_are_matched_by_it_not_by_position():
    before = {"minimum_requirements": [{"id": "M1", "text": "CE"}, {"id": "M2", "text": "EU"}]}
    moved = {"minimum_requirements": [{"id": "M2", "text": "EU"}, {"id": "M1", "text": "CE"}]}
    assert changed_fields(before, moved) == []
    edited = {"minimum_requirements": [{"id": "M1", "text": "CE-mærket"},
                                       {"id": "M3", "text": "Ny"}]}
    assert changed_fields(before, edited) == [
        {"field": ["minimum_requirements", "M1", "text"], "before": "CE",
         "after": "CE-mærket"},
        {"field": ["minimum_requirements", "M3"], "before": None,
         "after": {"id": "M3", "text": "Ny"}},
        {"field": ["minimum_requirements", "M2"], "before": {"id": "M2", "text": "EU"},
         "after": None}]


def test_other_lists_are_compared_row_by_row_or_as_one_value():
    assert changed_fields({"rows": [{"a": 1}, {"a": 2}]}, {"rows": [{"a": 1}, {"a": 3}]}) \
        == [{"field": ["rows", "2", "a"], "before": 2, "after": 3}]
    assert changed_fields({"names": ["A", "B"]}, {"names": ["A"]}) == [
        {"field": ["names"], "before": ["A", "B"], "after": ["A"]}]
    assert changed_fields({"rows": [{"a": 1}]}, {"rows": [{"a": 1}, {"a": 2}]}) == [
        {"field": ["rows"], "before": [{"a": 1}], "after": [{"a": 1}, {"a": 2}]}]


def test_a_first_draft_compared_with_nothing_is_all_new():
    assert changed_fields(None, {"ipr": "X"}) == [
        {"field": [], "before": None, "after": {"ipr": "X"}}]

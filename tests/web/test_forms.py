"""Forms from JSON Schema: rendering fields and parsing submissions back to JSON."""
from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from webui import forms

SCHEMA = {
    "type": "object",
    "required": ["item", "amount", "applicants"],
    "properties": {
        "item": {"type": "string", "title": "Vare", "description": "Hvad købes?"},
        "note": {"type": "string", "title": "Note", "x-multiline": True},
        "amount": {"type": "number", "title": "Beløb", "x-money": True},
        "count": {"type": "integer", "title": "Antal"},
        "ratio": {"type": "number", "title": "Andel"},
        "due": {"type": "string", "format": "date", "title": "Frist"},
        "ok": {"type": "boolean", "title": "OK"},
        "kind": {"type": "string", "enum": ["a", "b"], "title": "Art"},
        "tags": {"type": "array", "items": {"type": "string"}, "title": "Mærker"},
        "doc": {"type": "object", "x-file": True, "title": "Dokument"},
        "applicants": {"type": "array", "title": "Ansøgere", "items": {
            "type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "title": "Navn"},
                "cvr": {"type": "string", "title": "CVR"},
                "scores": {"type": "array", "title": "Point", "items": {
                    "type": "object", "properties": {
                        "criterion": {"type": "string", "title": "Kriterium",
                                      "readOnly": True},
                        "score": {"type": "number", "title": "Point"}}}}}}},
        "model": {"type": "object", "title": "Model", "properties": {
            "weights": {"type": "object", "title": "Vægte", "properties": {
                "quality": {"type": "number", "title": "Kvalitet", "default": 70}}}}},
    },
}


@pytest.mark.parametrize("text, expected", [
    ("165.000,50", Decimal("165000.50")), ("165000", Decimal(165000)),
    ("165 000", Decimal(165000)), ("7,5", Decimal("7.5")), ("1.5", Decimal("1.5")),
    ("165.000", Decimal(165000)), ("1.234.567", Decimal(1234567)),
    ("165.000 kr.", Decimal(165000)), ("2.500.000 DKK", Decimal(2500000)),
    ("-3,25", Decimal("-3.25")), ("abc", None), ("1,2,3", None), ("", None)])
def test_numbers_as_people_type_them(text, expected):
    assert forms.parse_number(text) == expected


@pytest.mark.parametrize("text, iso", [("2026-04-07", "2026-04-07"), ("07-04-2026", "2026-04-07"),
                                       ("7.4.2026", "2026-04-07"), ("7/4/2026", "2026-04-07"),
                                       ("31-02-2026", None), ("i morgen", None)])
def test_dates(text, iso):
    day = forms.parse_date(text)
    assert (day.isoformat() if day else None) == iso


def kinds(fields):
    return {f.name: f.kind for f in forms.all_fields(fields)}


def test_every_kind_of_field_is_rendered():
    fields = forms.build(SCHEMA, {"applicants": [{"name": "A", "scores": [
        {"criterion": "K1"}]}]})
    found = kinds(fields)
    assert found["item"] == "text" and found["note"] == "textarea"
    assert found["amount"] == "money" and found["count"] == "integer"
    assert found["ratio"] == "number" and found["due"] == "date" and found["ok"] == "checkbox"
    assert found["kind"] == "select" and found["tags"] == "lines" and found["doc"] == "file"
    assert found["applicants"] == "rows" and found["applicants.0.name"] == "text"
    assert found["applicants.0.scores.0.criterion"] == "readonly"
    assert found["model"] == "fieldset" and found["model.weights.quality"] == "number"
    by_name = {f.name: f for f in forms.all_fields(fields)}
    assert by_name["item"].required and by_name["item"].help == "Hvad købes?"
    assert by_name["model.weights.quality"].value == "70"  # the schema's default
    assert by_name["kind"].options == [("a", "a"), ("b", "b")]


def test_values_show_in_danish_number_format():
    fields = forms.build(SCHEMA, {"amount": 165000.5, "count": 3})
    by_name = {f.name: f for f in forms.all_fields(fields)}
    assert by_name["amount"].value == "165.000,5" and by_name["count"].value == "3"


def submitted(**extra):
    data = MultiDict({"item": " Sensor ", "amount": "165.000,50", "count": "4",
                      "ratio": "0,25", "due": "07-04-2026", "ok": "on", "kind": "b",
                      "tags": "x\n\ny", "applicants.__rows": "3",
                      "applicants.0.name": "Alfa", "applicants.0.scores.__rows": "1",
                      "applicants.0.scores.0.score": "7,5",
                      "applicants.1.name": "", "applicants.1.cvr": "",  # blank: dropped
                      "applicants.2.name": "", "applicants.2.cvr": "12345678",
                      "model.weights.quality": "70"})
    for key, value in extra.items():
        data[key] = value
    return data


def test_parse_types_values_by_schema():
    prefill = {"applicants": [{"scores": [{"criterion": "K1"}]}]}
    parsed = forms.parse(SCHEMA, submitted(), prefill=prefill)
    assert parsed.errors == {}
    d = parsed.data
    assert d["item"] == "Sensor" and d["amount"] == 165000.5 and d["count"] == 4
    assert d["ratio"] == 0.25 and d["due"] == "2026-04-07" and d["ok"] is True
    assert d["kind"] == "b" and d["tags"] == ["x", "y"] and "note" not in d
    assert d["applicants"][0] == {"name": "Alfa", "scores": [{"criterion": "K1",
                                                              "score": 7.5}]}
    assert d["applicants"][1] == {"cvr": "12345678", "scores": []}
    assert d["model"] == {"weights": {"quality": 70}}
    # the engine's error for the second submitted row names the third row of the form
    assert parsed.form_key("applicants.1.name") == "applicants.2.name"
    assert parsed.form_key("applicants.0.name") == "applicants.0.name"


def test_read_only_values_never_come_from_the_browser():
    prefill = {"applicants": [{"scores": [{"criterion": "K1"}]}]}
    form = submitted(**{"applicants.0.scores.0.criterion": "FORGED"})
    parsed = forms.parse(SCHEMA, form, prefill=prefill)
    assert parsed.data["applicants"][0]["scores"][0]["criterion"] == "K1"


def test_unreadable_values_are_errors_and_the_input_is_kept():
    form = submitted(amount="mange penge", count="2,5", due="snart", kind="z")
    parsed = forms.parse(SCHEMA, form)
    assert set(parsed.errors) == {"amount", "count", "due", "kind"}
    fields = forms.build(SCHEMA, {}, raw=form)
    left = forms.place_errors(fields, {**parsed.errors, "unknown": "x"})
    by_name = {f.name: f for f in forms.all_fields(fields)}
    assert by_name["amount"].value == "mange penge" and by_name["amount"].error
    assert left == {"unknown": "x"}


def test_unchecked_box_is_false():
    form = submitted()
    del form["ok"]
    assert forms.parse(SCHEMA, form).data["ok"] is False


def test_rows_are_added_and_removed_without_javascript():
    form = submitted()
    fields = forms.build(SCHEMA, {}, raw=form, change=("add", "applicants"))
    rows = next(f for f in fields if f.name == "applicants").rows
    assert len(rows) == 4
    fields = forms.build(SCHEMA, {}, raw=form, change=("remove", "applicants.0"))
    rows = next(f for f in fields if f.name == "applicants").rows
    assert len(rows) == 2
    assert rows[1][1].name == "applicants.1.cvr" and rows[1][1].value == "12345678"


def test_a_new_form_starts_with_one_blank_row():
    rows = next(f for f in forms.build(SCHEMA) if f.name == "applicants").rows
    assert len(rows) == 1 and rows[0][0].value == ""


def test_file_upload_is_stored_and_referenced():
    class Upload:
        filename = "notice.pdf"

    stored = []

    def store(upload):
        stored.append(upload.filename)
        return {"filename": upload.filename, "sha256": "0" * 64, "size": 3}

    parsed = forms.parse(SCHEMA, submitted(), files={"doc": Upload()}, store=store)
    assert parsed.data["doc"] == {"filename": "notice.pdf", "sha256": "0" * 64, "size": 3}
    assert stored == ["notice.pdf"]
    assert forms.uses_files(SCHEMA)
    assert not forms.uses_files({"type": "object", "properties": {"a": {"type": "string"}}})


def test_data_url_format_is_a_file_field():
    schema = {"type": "object", "properties": {"f": {"type": "string", "format": "data-url"}}}
    assert forms.build(schema)[0].kind == "file"

"""Bidders, applicants and criteria are picked from the lists the procedure holds, never
typed again: the form offers them as a list (rows come one per bidder), and a value not
on the list (a tampered form, or an API call) is refused with the field named and a
hint, changing nothing."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from engine import demo
from engine.errors import InvalidData
from engine.forms import check_options, options
from tests.helpers import dump
from webui import create_app
from webui.forms import NOT_HELD

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
T0 = date(2026, 1, 5)
CRITERIA = {"from": "criteria", "value": "id", "label": "name"}
DATA = {"bidders": ["Alfa Care", "Beta Health"],
        "applicants": [{"name": "Alfa Care"}, {"name": "Beta Health"}, {"name": "Eta"}],
        "criteria": [{"id": "K1", "name": "Klinisk værdi"}, {"id": "K2", "name": "Pris"}]}


# ------------------------------------------------------------------ the pure functions
def test_choices_are_read_from_the_procedures_data():
    assert options({"x-options-from": "bidders"}, DATA) == [
        ("Alfa Care", "Alfa Care"), ("Beta Health", "Beta Health")]
    assert [v for v, _ in options({"x-options-from": "applicants.name"}, DATA)] == [
        "Alfa Care", "Beta Health", "Eta"]
    assert options({"x-options-from": CRITERIA}, DATA) == [
        ("K1", "K1: Klinisk værdi"), ("K2", "K2: Pris")]
    assert options({"x-options-from": "ranking.bidder"}, DATA) is None  # not known yet
    assert options({"type": "string"}, DATA) is None


SCHEMA = {"type": "object", "properties": {
    "winner": {"type": "string", "x-options-from": "bidders"},
    "rows": {"type": "array", "items": {"type": "object", "properties": {
        "criterion": {"type": "string", "x-options-from": CRITERIA}}}},
    "chosen": {"type": "array", "items": {"type": "string",
                                          "x-options-from": "applicants.name"}}}}


def test_a_value_on_the_list_is_accepted():
    check_options(SCHEMA, {"winner": "Beta Health", "rows": [{"criterion": "K2"}],
                           "chosen": ["Eta"]}, DATA)


@pytest.mark.parametrize(("submitted", "field", "hint"), [
    ({"winner": "Omega ApS"}, "winner", "choose one of: Alfa Care, Beta Health"),
    ({"rows": [{"criterion": "K1"}, {"criterion": "K9"}]}, "rows.1.criterion",
     "choose one of: K1, K2"),
    ({"chosen": ["Eta", "Beta Healt"]}, "chosen.1", "choose one of: Alfa Care, Beta Health, Eta"),
])
def test_a_value_not_on_the_list_is_refused_naming_the_field(submitted, field, hint):
    with pytest.raises(InvalidData) as refused:
        check_options(SCHEMA, submitted, DATA)
    assert refused.value.field == field and refused.value.hint == hint
    assert field in refused.value.errors


# ------------------------------------------------------------- on the real partnership
@pytest.fixture
def at_revised_tenders(engine, clock, tmp_path):
    """A partnership in its negotiation round, at "Registrer reviderede tilbud"."""
    engine.deploy(WORKFLOWS)
    demo.add_users(engine)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t", "UPLOAD_FOLDER": str(tmp_path / "up")})
    d = demo.Driver(engine, clock)
    d.at(T0)
    d.start("indkob", "Valg fra lister")
    bidders = demo._through_selection(d, T0, "Overvågning.", 1)
    day = T0 + timedelta(days=70)
    d.at(day)
    d.do("Registrer første tilbud", "indkob", {
        "initial_tenders": [{"bidder": b, "price": 150_000_000} for b in bidders],
        "award_on_initial": False})
    d.at(day + timedelta(days=10))
    for bidder in bidders:
        d.do("Gennemfør mikrosprint", "indkob", {"sprint": {
            "held_on": str(day + timedelta(days=10)), "summary": "Afprøvet."}}, item=bidder)
    d.do("Forhandlingsrunde", "indkob", {
        "negotiated_on": str(day + timedelta(days=10)), "minutes": "Gennemgået.",
        "requirement_changes": [], "changes_sent_to_all": True,
        "resubmission_deadline": str(day + timedelta(days=24))})
    client = app.test_client()
    client.post("/login", data={"username": "indkob", "password": demo.PASSWORD})
    (task,) = d.open("Registrer reviderede tilbud")
    return engine, client, task.id, bidders


def test_the_form_offers_one_row_per_bidder_to_pick_from(at_revised_tenders):
    engine, client, task_id, bidders = at_revised_tenders
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    for i, bidder in enumerate(bidders):
        select = html[html.index(f'name="revised_tenders.{i}.bidder"'):]
        select = select[:select.index("</select>")]
        assert f'<option value="{bidder}" selected>' in select
        assert all(f'<option value="{b}"' in select for b in bidders)
    assert f'name="revised_tenders.{len(bidders)}.bidder"' not in html


def _form(engine, task_id: str, bidders: list[str], first: str) -> dict:
    fields = {"expected_version": str(engine.task_form(task_id, "indkob")["version"]),
              "revised_tenders.__rows": str(len(bidders))}
    for i, bidder in enumerate([first, *bidders[1:]]):
        fields[f"revised_tenders.{i}.bidder"] = bidder
        fields[f"revised_tenders.{i}.price"] = "140.000.000"
        fields[f"revised_tenders.{i}.conforming"] = "on"  # ticked by default on the page
    return fields


def test_a_tampered_bidder_is_refused_in_danish_at_its_field(at_revised_tenders):
    engine, client, task_id, bidders = at_revised_tenders
    before = dump(engine)
    response = client.post(f"/tasks/{task_id}",
                           data=_form(engine, task_id, bidders, "Omega Fake ApS"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html[html.index('id="f-revised_tenders-0-bidder-error"'):]
    assert NOT_HELD in error[:400]
    assert '<a href="#f-revised_tenders-0-bidder">' in html  # in the error summary
    assert dump(engine) == before
    accepted = client.post(f"/tasks/{task_id}",
                           data=_form(engine, task_id, bidders, bidders[0]))
    assert accepted.status_code == 302  # the boundary: every bidder from the list


def test_a_tampered_criterion_through_the_engine_is_refused_with_field_and_hint(
        at_revised_tenders):
    engine, _client, task_id, bidders = at_revised_tenders
    before = dump(engine)
    tenders = [{"bidder": b, "price": 140_000_000} for b in bidders]
    tenders[1]["scores"] = [{"criterion": "K1", "score": 7}, {"criterion": "K7", "score": 7}]
    with pytest.raises(InvalidData) as refused:
        engine.complete(task_id, "indkob", {"revised_tenders": tenders,
                                            "reduce_after_round": False,
                                            "close_negotiation": False})
    assert refused.value.field == "revised_tenders.1.scores.1.criterion"
    assert refused.value.hint == "choose one of: K1, K2"
    assert dump(engine) == before


def test_english_has_the_refusal_too():
    from babel.messages.pofile import read_po

    from webui.messages import po_path

    with open(po_path("en", "messages"), "rb") as f:
        catalog = read_po(f)
    assert catalog[NOT_HELD].string.startswith("The value is not among")

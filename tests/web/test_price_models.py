"""Every price model of the real innovation partnership submitted through the web form:
each shows by its Danish name and sends only its own parameters (the unticked floor box
of another model once made every fixed_anchor submission fail)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from engine import demo
from tests.test_innovation_partnership import TENDER_DOCUMENTS
from webui import create_app

from .conftest import form_fields

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MODELS = {
    "fixed_anchor": {"kind": "fixed_anchor", "price_for_max": 100_000_000,
                     "price_for_zero": 300_000_000},
    "linear_lowest": {"kind": "linear_lowest", "slope": 1, "floor": True},
    "proportional": {"kind": "proportional"},
    "interpolation": {"kind": "interpolation", "min_points": 0},
}
# what a browser without JavaScript sends besides: every other model's visible inputs
OTHERS = {"price_for_max": "", "price_for_zero": "", "slope": "", "min_points": ""}


@pytest.fixture
def partnership(engine, tmp_path):
    engine.deploy(WORKFLOWS)
    demo.add_users(engine)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "t", "UPLOAD_FOLDER": str(tmp_path / "up")})
    client = app.test_client()
    client.post("/login", data={"username": "indkob", "password": demo.PASSWORD})

    def at_tender_documents() -> str:
        iid = engine.start("innovation_partnership", "indkob", {"title": "Prismodel"})
        (task,) = engine.tasks(instance_id=iid)
        engine.complete(task.id, "indkob", {
            "authority": "Region Hovedstaden", "need": "Overvågning af patienter.",
            "justification": "Ingen løsning på markedet.", "not_on_market": True,
            "estimated_value": 220_660_000})
        (task,) = engine.tasks(instance_id=iid)
        assert task.title == "Udarbejd udbudsmateriale"
        return task.id

    return engine, client, at_tender_documents


@pytest.mark.parametrize("kind", list(MODELS))
def test_each_price_model_is_accepted_from_the_web_form(partnership, kind):
    engine, client, at_tender_documents = partnership
    task_id = at_tender_documents()
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Fast ankerpris (anbefales)" in page and "Lineær fra laveste pris" in page
    assert "data-when-field" in page
    documents = copy.deepcopy(TENDER_DOCUMENTS)
    documents["evaluation_model"]["price_model"] = MODELS[kind]
    fields = form_fields({"tender_documents": documents}, "")
    for key, value in OTHERS.items():
        fields.setdefault(f"tender_documents.evaluation_model.price_model.{key}", value)
    info = engine.task_form(task_id, "indkob")
    fields["expected_version"] = str(info["version"])
    response = client.post(f"/tasks/{task_id}", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    iid = info["task"].instance_id
    stored = engine.show(iid)["data"]["tender_documents"]["evaluation_model"]["price_model"]
    assert stored == MODELS[kind]

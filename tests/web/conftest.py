"""Fixtures for the web UI: an app on a fresh database with the test partnership model
(tests/web/data) deployed, and people in every role."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from engine.passwords import hash_password
from webui import create_app

DATA = Path(__file__).parent / "data"
PASSWORD = "korrekt hest batteri"
AUTHORITY = "Region Hovedstaden"
# name: (authority, groups, audits)
PEOPLE = {
    "anna": (AUTHORITY, ["Indkøb"], []),
    "eva": (AUTHORITY, ["Evaluering"], []),
    "jens": (AUTHORITY, ["Jura"], []),
    "lea": (AUTHORITY, ["Ledelse"], []),
    "olaf": ("Region Sjælland", ["Indkøb", "Evaluering", "Jura", "Ledelse"], []),
    "audrey": ("Rigsrevisionen", ["Indkøb", "Ledelse"], [AUTHORITY]),
}


@functools.cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_people(engine) -> None:
    for name, (authority, groups, audits) in PEOPLE.items():
        engine.add_user(name, authority, groups, full_name=name.title(),
                        password_hash=password_hash(), audits=audits)


@pytest.fixture
def web_engine(engine):
    engine.deploy(DATA)
    add_people(engine)
    return engine


@pytest.fixture
def app(web_engine, tmp_path):
    return create_app({"TESTING": True, "OPIFLOW_ENGINE": web_engine,
                       "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test",
                       "UPLOAD_FOLDER": str(tmp_path / "uploads")})


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, name: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": name, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


def open_task(engine, spec: str, instance_id: str | None = None):
    for task in engine.tasks(instance_id=instance_id):
        if task.name == spec:
            return task
    raise AssertionError(f"no open task {spec}")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


NEED = {"need": "Overvågning af patienter i eget hjem", "justification": "Findes ikke",
        "estimated_value": 2500000, "not_on_market": True}
TENDER_DOCUMENTS = {
    "tender_documents": {
        "minimum_requirements": [{"id": "M1", "text": "CE-mærket"}],
        "evaluation_model": {
            "scale_max": 10, "weights": {"quality": 70, "price": 30},
            "quality_criteria": [{"id": "K1", "name": "Klinisk værdi", "weight": 60},
                                 {"id": "K2", "name": "Brugervenlighed", "weight": 40}],
            "price_model": {"kind": "proportional"}, "tie_break": "quality"},
        "development": {"phases": 4, "fee_per_phase": 165000, "termination_allowed": True},
        "purchase": {"max_cost": 50000000, "contract_end": "2030-12-31",
                     "ceiling": 220000000},
        "ipr": "Ordregiver får brugsret"},
    "application_deadline": "2026-04-07", "final_tender_deadline": "2026-03-20",
}
TENDERS = {
    "final_tenders": [{"bidder": "Medtech A/S", "price": 6000000},
                      {"bidder": "Sundhed ApS", "price": 5000000}],
    "tender_scores": [
        {"bidder": "Medtech A/S", "scores": [{"criterion": "K1", "score": 8},
                                             {"criterion": "K2", "score": 7}]},
        {"bidder": "Sundhed ApS", "scores": [{"criterion": "K1", "score": 6},
                                             {"criterion": "K2", "score": 9}]}],
}


def run_to(engine, clock, stop: str, documents: dict | None = None) -> str:
    """Start a partnership and complete its tasks until the task ``stop`` is open."""
    from datetime import datetime

    iid = engine.start("innovation_partnership", "anna", {})
    steps = [("describe_need", "anna", NEED), ("approve_need", "lea", {"need_approved": True}),
             ("tender_docs", "anna", {**TENDER_DOCUMENTS, **(documents or {})}),
             ("register_tenders", "eva", TENDERS),
             ("award_decision", "lea", {"award": {"winner": "Sundhed ApS",
                                                  "notified": "2026-03-23"}})]
    for spec, user, data in steps:
        if spec == stop:
            return iid
        if spec == "award_decision":
            clock.set(datetime(2026, 3, 23, 10, 0))  # the final tenders are unsealed
        engine.complete(open_task(engine, spec, iid).id, user, data)
    if stop == "sign_contract":
        clock.set(datetime(2026, 4, 8, 9, 0))
        engine.tick()
        return iid
    raise AssertionError(stop)


def form_fields(data: dict, prefix: str = "") -> dict:
    """JSON data as the task form would submit it (rows carry their count)."""
    fields: dict = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            fields.update(form_fields(value, name + "."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            fields[f"{name}.__rows"] = str(len(value))
            for i, row in enumerate(value):
                fields.update(form_fields(row, f"{name}.{i}."))
        elif isinstance(value, bool):
            if value:
                fields[name] = "on"
        else:
            fields[name] = str(value)
    return fields


def _web_postgres_url() -> str | None:
    """The suite's own PostgreSQL database, emptied (None when it is not reachable)."""
    from tests.conftest import _postgres_available, _postgres_url

    return _postgres_url() if _postgres_available() else None

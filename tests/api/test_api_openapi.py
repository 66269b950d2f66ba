"""The OpenAPI document: in step with the routes, and every endpoint tested from it with
generated requests (schemathesis): never a 5xx, every response as documented."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from webui.api.openapi import document

EXAMPLES = 5  # generated requests per operation: the whole run stays well under a minute


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            found |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_route_is_documented_and_every_documented_path_exists(app):
    documented = {(path, method) for path, item in document()["paths"].items()
                  for method in item}
    assert _routes(app) == documented


def test_every_operation_says_its_errors_as_problem_json():
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    assert "application/problem+json" in response["content"], (path, method)


@pytest.fixture
def api_schema(app, web_engine, clock, tokens):
    """The document as served, with a real instance and task as examples, so generated
    requests reach real data as well as ids that do not exist."""
    from tests.web.conftest import open_task, run_to

    iid = run_to(web_engine, clock, "register_tenders")
    tid = open_task(web_engine, "register_tenders", iid).id
    raw = app.test_client().get("/api/v1/openapi.json").get_json()
    for item in raw["paths"].values():
        for operation in item.values():
            for param in operation["parameters"]:
                example = {"instance_id": iid, "task_id": tid,
                           "model": "innovation_partnership"}.get(param["name"])
                if example:
                    param["example"] = example
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = app
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_endpoint_from_the_document(case, tokens, web_engine):
    # a task's form data is checked against the form's own JSON Schema, which the model
    # holds and GET /tasks/{task_id} returns: the document cannot describe every form, so
    # a schema-valid body may still be refused (422) by the task's form
    response = case.call_and_validate(headers={"Authorization": f"Bearer {tokens['eva']}"},
                                      excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500

"""A whole innovation partnership (workflows/innovation_partnership) driven through the
API, from the need to the award and the signed partnership contract, on SQLite and
PostgreSQL: the demo's Driver, with every start, read and completion made over HTTP
with the users' tokens (timers fire as the scheduler fires them: ``Engine.tick``)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from engine import demo
from engine.demo import Driver
from webui import create_app

ROOT = Path(__file__).parent.parent.parent


class ApiEngine:
    """What the Driver needs from an Engine, over the REST API."""

    def __init__(self, engine, client, tokens: dict[str, str]):
        self.engine, self.client, self.tokens = engine, client, tokens
        self.calls = 0

    def _call(self, method: str, path: str, user: str, json=None) -> dict:
        self.calls += 1
        response = self.client.open("/api/v1" + path, method=method, json=json, headers={
            "Authorization": f"Bearer {self.tokens[user]}"})
        assert response.status_code in (200, 201), (path, response.get_json())
        return response.get_json()

    def start(self, model: str, user: str, data: dict) -> str:
        return self._call("POST", "/instances", user, {"model": model, "data": data})["id"]

    def tasks(self, instance_id: str) -> list:
        shown = self._call("GET", f"/instances/{instance_id}", "alle")
        return [SimpleNamespace(**t) for t in shown["open_tasks"]]

    def complete(self, task_id: str, user: str, data: dict) -> None:
        version = self._call("GET", f"/tasks/{task_id}", user)["version"]
        self._call("POST", f"/tasks/{task_id}/complete", user,
                   {"data": data, "expected_version": version})

    def show(self, instance_id: str) -> dict:
        return self._call("GET", f"/instances/{instance_id}", "alle")

    def tick(self, now) -> list[str]:
        return self.engine.tick(now)


def test_a_partnership_from_need_to_contract_through_the_api(engine, clock):
    engine.deploy(ROOT / "workflows")
    demo.add_users(engine)
    tokens = {u.name: engine.create_token(u.name, "sagssystem") for u in demo.USERS}
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "SECRET_KEY": "test"})
    api = ApiEngine(engine, app.test_client(), tokens)
    driver = Driver(api, clock)
    t0 = date(2026, 1, 5)
    driver.at(t0)
    iid = driver.start("indkob", "Hjemmemonitorering via API")
    bidders = demo._through_selection(driver, t0, "Overvågning af patienter i eget hjem.", 1)
    signed = demo._to_contract(driver, t0, bidders)

    shown = api.show(iid)
    assert shown["data"]["award"]["winner"] == bidders[0]
    assert shown["data"]["contract_signed"] == str(signed)
    assert signed > t0 + timedelta(days=125)  # after the standstill
    assert [t.name for t in api.tasks(iid)] != []  # now in development
    history = engine.history(iid)
    by_people = [e for e in history if e["kind"] in ("started", "completed")]
    assert by_people and all(e["actor"].endswith("(token: sagssystem)") for e in by_people)
    assert any(e["kind"] == "timer_fired" and e["actor"] == "system" for e in history)
    verified = api._call("GET", f"/instances/{iid}/verify", "revisor")
    assert verified["ok"] is True and verified["events"] == len(history)
    replayed = api._call("GET", f"/instances/{iid}/replay", "revisor")
    assert replayed["result"] == "identical"
    ocds = app.test_client().get(f"/api/v1/instances/{iid}/exports/ocds", headers={
        "Authorization": f"Bearer {tokens['revisor']}"})
    assert ocds.status_code == 200 and bidders[0] in ocds.get_data(as_text=True)

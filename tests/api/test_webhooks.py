"""Outgoing webhooks: each chosen audit event of the authority POSTed once, signed,
retried with back-off after a failure, logged; other authorities' events never sent;
sealed data masked."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from engine.errors import InvalidData
from engine.runtime import Engine
from tests.web.conftest import TENDERS, open_task, run_to


class Receiver:
    """A local HTTP server that answers with the next status in ``answers`` (then 200)."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/opiflow"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[dict]:
        return [json.loads(body)["event"] for _headers, body in self.received]


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.server.shutdown()


def test_chosen_events_are_posted_once_and_signed(web_engine, receiver, clock):
    hook, secret = web_engine.add_webhook("Region Hovedstaden", receiver.url,
                                          ["started", "completed"])
    iid = web_engine.start("innovation_partnership", "anna", {"title": "Hjemmemonitorering"})
    web_engine.claim(open_task(web_engine, "describe_need", iid).id, "anna")  # not chosen
    web_engine.start("innovation_partnership", "olaf", {})  # another authority
    assert web_engine.deliver_webhooks() == 1
    assert web_engine.deliver_webhooks() == 0  # once
    [(headers, body)] = receiver.received
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Opiflow-Signature"] == expected
    payload = json.loads(body)
    assert payload["event"]["kind"] == "started" and payload["instance"]["id"] == iid
    assert payload["instance"]["title"] == "Hjemmemonitorering"
    [logged] = web_engine.webhook_deliveries(hook)
    assert (logged.status, logged.attempts, logged.last_result) == ("delivered", 1, "HTTP 200")


def test_a_failed_delivery_is_retried_with_back_off_and_logged(web_engine, receiver, clock):
    hook, _secret = web_engine.add_webhook("Region Hovedstaden", receiver.url, ["started"])
    receiver.answers = [500, 503]
    web_engine.start("innovation_partnership", "anna", {})
    assert web_engine.deliver_webhooks() == 0
    assert web_engine.deliver_webhooks() == 0  # not due yet: nothing is sent
    assert len(receiver.received) == 1
    clock.set(clock() + timedelta(minutes=1))
    assert web_engine.deliver_webhooks() == 0
    [logged] = web_engine.webhook_deliveries(hook)
    assert (logged.status, logged.attempts, logged.last_result) == ("pending", 2, "HTTP 503")
    clock.set(clock() + timedelta(minutes=4))
    assert web_engine.deliver_webhooks() == 0  # the second back-off is 5 minutes
    clock.set(clock() + timedelta(minutes=2))
    assert web_engine.deliver_webhooks() == 1
    assert len(receiver.received) == 3 and len({b for _h, b in receiver.received}) == 1
    assert web_engine.webhook_deliveries(hook)[0].status == "delivered"


def test_two_schedulers_deliver_once(web_engine, receiver, database_url, clock):
    web_engine.add_webhook("Region Hovedstaden", receiver.url, ["started"])
    for _ in range(3):
        web_engine.start("innovation_partnership", "anna", {})
    other = Engine(database_url, workflows_dir=web_engine.workflows_dir, clock_fn=clock)
    start = threading.Barrier(2)
    threads = [threading.Thread(target=lambda e=e: (start.wait(), e.deliver_webhooks()))
               for e in (web_engine, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.sql.dispose()
    assert sorted(e["seq"] for e in receiver.events()) == [1, 1, 1]
    assert len({e["instance_id"] for e in receiver.events()}) == 3


def test_sealed_data_is_masked_in_the_payload(web_engine, receiver, clock):
    iid = run_to(web_engine, clock, "register_tenders")
    web_engine.add_webhook("Region Hovedstaden", receiver.url, ["completed"])
    web_engine.complete(open_task(web_engine, "register_tenders", iid).id, "eva", TENDERS)
    web_engine.deliver_webhooks()
    [event] = receiver.events()
    assert event["data"]["final_tenders"]["sealed"] is True
    assert "6000000" not in json.dumps(event)


def test_a_bad_webhook_is_refused(web_engine):
    with pytest.raises(InvalidData) as refused:
        web_engine.add_webhook("Region Hovedstaden", "ftp://x", ["started"])
    assert refused.value.field == "url" and refused.value.hint
    with pytest.raises(InvalidData) as refused:
        web_engine.add_webhook("Region Hovedstaden", "https://x", ["nothing"])
    assert refused.value.field == "kinds"


def test_webhooks_from_the_command_line(database_url, monkeypatch, receiver):
    from click.testing import CliRunner

    from engine.cli import main
    from tests.conftest import DATA

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(DATA))
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output + result.stderr
        return result.output

    run("init-db")
    run("deploy")
    run("users", "add", "anna", "--authority", "Region Hovedstaden", "--groups", "Indkøb")
    refused = runner.invoke(main, ["webhooks", "add", "--authority", "Region Hovedstaden",
                                   "--url", "sag.example.dk", "--kinds", "started"])
    assert refused.exit_code != 0 and "https://" in refused.output + refused.stderr
    added = run("webhooks", "add", "--authority", "Region Hovedstaden", "--url", receiver.url,
                "--kinds", "started")
    assert added.startswith("webhook 1; signing secret")
    run("start", "purchase_request", "--as", "anna")
    assert "1 webhook delivery(ies)" in run("notify")
    assert run("webhooks", "log", "1").startswith("event 1: delivered after 1 attempt(s)")

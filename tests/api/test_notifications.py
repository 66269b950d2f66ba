"""Notifications reach people: e-mails to a local SMTP server (in the test process) and
the in-app inbox, exactly once even with two schedulers, as each user chose."""
from __future__ import annotations

import socket
import threading
from datetime import datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from engine.notify import KINDS, Mailer, Preferences
from engine.runtime import Engine
from tests.web.conftest import NEED, TENDER_DOCUMENTS, open_task, run_to

BASE = "https://opiflow.example.dk"


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[tuple[str, str]]:
        return [(str(make_header(decode_header(m["Subject"]))),
                 m.get_payload(decode=True).decode())
                for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, Mailer("127.0.0.1", port, "opiflow@example.dk")
    controller.stop()


def wants(engine, user: str, delivery: str = "immediate", kinds=KINDS, language="da"):
    engine.set_notification_preferences(user, Preferences(f"{user}@example.dk", language,
                                                          tuple(kinds), delivery))


@pytest.fixture
def people(web_engine):
    for user in ("anna", "eva", "lea", "jens", "olaf"):
        wants(web_engine, user)
    return web_engine


def test_a_claimable_task_is_e_mailed_once_with_a_link(people, smtp, clock):
    inbox, mailer = smtp
    iid = people.start("innovation_partnership", "anna", {"title": "Hjemmemonitorering"})
    task = open_task(people, "describe_need", iid)
    people.notify(mailer=mailer, base_url=BASE)
    people.notify(mailer=mailer, base_url=BASE)
    mails = [m for m in inbox.to("anna@example.dk") if m[0].startswith("Ny opgave")]
    assert len(mails) == 1
    subject, body = mails[0]
    assert subject == "Ny opgave til Indkøb: Beskriv behovet"
    assert f"{BASE}/tasks/{task.id}" in body and "«Hjemmemonitorering»" in body
    assert inbox.to("eva@example.dk") == [] and inbox.to("olaf@example.dk") == []
    [row] = [n for n in people.inbox("anna") if n.kind == "claimable"]
    assert row.link == f"{BASE}/tasks/{task.id}" and row.emailed_at is not None


def test_the_inbox_through_the_api(people, api, clock):
    people.start("innovation_partnership", "anna", {"title": "Hjemmemonitorering"})
    people.notify(mailer=None, base_url=BASE)
    messages = api.as_("anna").get("/inbox").get_json()
    assert [m["subject"] for m in messages if m["kind"] == "claimable"] == [
        "Ny opgave til Indkøb: Beskriv behovet"]
    assert api.as_("olaf").get("/inbox").get_json() == []


def test_exactly_once_with_two_schedulers(people, smtp, database_url, clock):
    inbox, mailer = smtp
    for n in range(3):
        people.start("innovation_partnership", "anna", {"title": f"Partnerskab {n}"})
    other = Engine(database_url, workflows_dir=people.workflows_dir, clock_fn=clock)
    start = threading.Barrier(2)
    errors = []

    def scheduler(engine):
        try:
            start.wait()
            engine.notify(mailer=mailer, base_url=BASE)
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=scheduler, args=(e,)) for e in (people, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.sql.dispose()
    assert errors == []
    subjects = [s for s, _ in inbox.to("anna@example.dk")]
    claimable = [s for s in subjects if s.startswith("Ny opgave")]
    assert len(claimable) == 3  # one per partnership, not one per scheduler
    assert len([n for n in people.inbox("anna") if n.kind == "claimable"]) == 3


def test_a_due_reminder_the_day_before(people, smtp, clock):
    inbox, mailer = smtp
    iid = run_to(people, clock, "register_tenders")
    people.notify(mailer=mailer, base_url=BASE)
    before = len(inbox.to("eva@example.dk"))
    clock.set(datetime(2026, 3, 19, 8, 0))
    people.notify(mailer=mailer, base_url=BASE)
    people.notify(mailer=mailer, base_url=BASE)
    due = [m for m in inbox.to("eva@example.dk") if m[0].startswith("Frist i morgen")]
    assert len(due) == 1 and len(inbox.to("eva@example.dk")) == before + 1
    subject, body = due[0]
    assert subject == "Frist i morgen: Registrer endelige tilbud"
    assert "senest 20. marts 2026 kl. 23.59" in body
    assert f"/tasks/{open_task(people, 'register_tenders', iid).id}" in body


def test_the_end_of_the_standstill_is_e_mailed_to_who_started_it(people, smtp, clock):
    inbox, mailer = smtp
    iid = run_to(people, clock, "sign_contract")  # the standstill timer has fired
    people.notify(mailer=mailer, base_url=BASE)
    people.notify(mailer=mailer, base_url=BASE)
    ended = [m for m in inbox.to("anna@example.dk") if m[0].startswith("En frist er udløbet")]
    assert len(ended) == 1
    assert f"{BASE}/instances/{iid}" in ended[0][1] and "udløb 8. april 2026" in ended[0][1]


def test_a_phase_change_is_told_to_who_started_it_in_their_language(people, smtp, clock):
    inbox, mailer = smtp
    wants(people, "anna", language="en")
    iid = people.start("innovation_partnership", "anna", {"title": "Monitoring"})
    people.complete(open_task(people, "describe_need", iid).id, "anna", NEED)
    people.complete(open_task(people, "approve_need", iid).id, "lea", {"need_approved": True})
    people.notify(mailer=mailer, base_url=BASE)
    people.add_user("ida", "Region Hovedstaden", ["Indkøb"])
    people.complete(open_task(people, "tender_docs", iid).id, "ida", TENDER_DOCUMENTS)
    people.notify(mailer=mailer, base_url=BASE)
    people.notify(mailer=mailer, base_url=BASE)
    phases = [m for m in inbox.to("anna@example.dk") if m[0].startswith("New phase")]
    assert len(phases) == 1  # anna's own changes are not told to her
    assert phases[0][0] == "New phase: Monitoring"
    assert "which you started, is now in the phase «Endelige tilbud» (since 2 March 2026 " \
        "at 09:00)" in phases[0][1]


def test_preferences_are_respected(people, smtp, clock):
    inbox, mailer = smtp
    wants(people, "anna", kinds=[k for k in KINDS if k != "claimable"])
    wants(people, "lea", delivery="inbox")
    iid = people.start("innovation_partnership", "anna", {})
    people.complete(open_task(people, "describe_need", iid).id, "anna", NEED)
    people.notify(mailer=mailer, base_url=BASE)
    assert not [m for m in inbox.to("anna@example.dk") if m[0].startswith("Ny opgave")]
    assert inbox.to("lea@example.dk") == []  # the inbox only
    assert [n.kind for n in people.inbox("lea")] == ["claimable"]


def test_a_daily_digest_is_sent_once_after_the_digest_hour(people, smtp, clock):
    inbox, mailer = smtp
    wants(people, "anna", delivery="digest")
    clock.set(datetime(2026, 3, 2, 6, 0))
    people.start("innovation_partnership", "anna", {"title": "Første"})
    people.notify(mailer=mailer, base_url=BASE)
    assert inbox.to("anna@example.dk") == []  # before 7 o'clock
    people.start("innovation_partnership", "anna", {"title": "Anden"})
    clock.set(datetime(2026, 3, 2, 7, 30))
    people.notify(mailer=mailer, base_url=BASE)
    people.notify(mailer=mailer, base_url=BASE)
    [(subject, body)] = inbox.to("anna@example.dk")
    assert subject == "Dine beskeder fra opiflow 2. marts 2026"
    assert "«Første»" in body and "«Anden»" in body


def test_bad_preferences_are_refused(people):
    from engine.errors import InvalidData

    with pytest.raises(InvalidData) as refused:
        people.set_notification_preferences("anna", Preferences("ikke en adresse", "da",
                                                                KINDS, "immediate"))
    assert refused.value.field == "email" and refused.value.hint
    with pytest.raises(InvalidData) as refused:
        people.set_notification_preferences("anna", Preferences(None, "da", KINDS, "hourly"))
    assert refused.value.field == "delivery"


def test_the_inbox_page_shows_messages_and_saves_choices(app, people, clock):
    from tests.web.conftest import Auth

    iid = people.start("innovation_partnership", "anna", {"title": "Hjemmemonitorering"})
    people.notify(mailer=None, base_url=BASE)
    client = app.test_client()
    Auth(client).login("anna")
    page = client.get("/inbox").get_data(as_text=True)
    assert "Ny opgave til Indkøb: Beskriv behovet" in page and 'href="/inbox"' in page
    [message] = [m for m in people.inbox("anna") if m.kind == "claimable"]
    opened = client.post(f"/inbox/{message.id}/read")
    task = open_task(people, "describe_need", iid)
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tasks/{task.id}"
    assert [m.read_at is not None for m in people.inbox("anna") if m.id == message.id] == [
        True]
    refused = client.post("/inbox/settings", data={"email": "ikke en adresse",
                                                   "delivery": "digest", "language": "da"})
    assert refused.status_code == 422 and "E-mailadressen er ikke gyldig" in \
        refused.get_data(as_text=True)
    saved = client.post("/inbox/settings", data={"email": "anna@example.dk",
                                                 "delivery": "digest", "language": "en",
                                                 "kind_overdue": "on"})
    assert saved.status_code == 302
    chosen = people.notification_preferences("anna")
    assert chosen == Preferences("anna@example.dk", "en", ("overdue",), "digest")
    Auth(client).login("eva")
    assert client.post(f"/inbox/{message.id}/read").status_code == 404  # not hers

"""A whole partnership from the need to the award in a real browser (Debian's Chromium
through Playwright), on the real innovation partnership model, by four people in the
BPMN's lanes: procurement (indkob), an evaluator, legal (jura) and management (ledelse).

Seven companies apply, six qualify and five are invited. Every parallel task names its
applicant or bidder in the task list and in the form's heading; legal sees what changed
in the tender documents after rework; bidders are picked from lists the procedure holds;
tenders are scored through one row per published sub-criterion. Every page visited is
kept as a screenshot in test-output/screenshots/roles/NN-name.png.

Only the clock is moved and timers fired outside the browser (what the scheduler does);
every task is completed through its web form."""
from __future__ import annotations

import shutil
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from engine import demo
from engine.clock import FixedClock
from engine.runtime import Engine
from webui import create_app

from .conftest import PASSWORD, password_hash
from .test_browser import chromium  # noqa: F401 - the browser fixture

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots" / "roles"
T0 = date(2026, 1, 5)
TITLE = "Hjemmemonitorering af KOL-patienter"
APPLICANTS = demo.APPLICANTS  # seven: Alfa Care ... Eta Systems
RATINGS = {"Alfa Care": (9, 9), "Beta Health": (8, 9), "Gamma Med": (8, 8),
           "Delta Sense": (7, 8), "Epsilon IT": (7, 7), "Zeta Lab": (6, 6)}  # Eta: not
CRITERIA = {"K1": "Klinisk værdi", "K2": "Brugervenlighed"}

pytestmark = pytest.mark.browser


def day(n: int) -> date:
    return T0 + timedelta(days=n)


@pytest.fixture
def roles_server(tmp_path):
    """The app with the real models and the demo users, on a SQLite file, served by
    werkzeug in a thread; the clock is fixed and moved by the test."""
    from werkzeug.serving import make_server

    clock = FixedClock(datetime(2026, 1, 5, 9, 0))
    engine = Engine(f"sqlite:///{tmp_path / 'roles.db'}", workflows_dir=WORKFLOWS,
                    clock_fn=clock)
    engine.init_db()
    engine.deploy()
    for user in demo.USERS[:4]:  # indkob, evaluator, jura, ledelse
        engine.add_user(user.name, user.authority, list(user.groups),
                        full_name=user.full_name, password_hash=password_hash())
    app = create_app({"OPIFLOW_ENGINE": engine, "SECRET_KEY": "browser-test",
                      "OPIFLOW_SCHEDULER": "off", "UPLOAD_FOLDER": str(tmp_path / "up")})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", engine, clock
    srv.shutdown()
    thread.join(5)
    engine.sql.dispose()


class Walk:
    """One browser page driven through the partnership, a screenshot of every page."""

    def __init__(self, page, base: str, engine, clock):
        self.page, self.base, self.engine, self.clock = page, base, engine, clock
        self.n = 0
        self.iid = ""
        shutil.rmtree(SHOTS, ignore_errors=True)
        SHOTS.mkdir(parents=True)

    def shot(self, name: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(SHOTS / f"{self.n:03d}-{name}.png"), full_page=True)

    def at(self, when: date, hour: int = 9) -> None:
        self.clock.set(datetime(when.year, when.month, when.day, hour, 0))

    def tick(self, when: date) -> None:
        """The scheduler's job: fire the timers due at ``when``."""
        self.at(when)
        self.engine.tick(self.clock())

    def login(self, name: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.base}/login")
        page.get_by_label("Brugernavn").fill(name)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(f"{self.base}/tasks")
        self.shot(f"{name}-tasks")

    def open(self, title: str, subject: str | None = None) -> None:
        """Open a task from the task list by its visible name; a parallel task must
        name its subject there and in the form's heading."""
        page = self.page
        name = f"{title}: {subject}" if subject else title
        if page.url != f"{self.base}/tasks":
            page.goto(f"{self.base}/tasks")
            self.shot("tasks")
        link = page.get_by_role("link", name=name, exact=True)
        assert link.count() == 1, f"{name!r} in the task list: {link.count()} links"
        assert link.is_visible()
        link.click()
        page.wait_for_selector("form.task-form")
        heading = page.locator("h1").inner_text()
        assert heading == name, heading
        if subject:
            assert subject in page.locator("section.subject-data h2").inner_text()

    def rows(self, group: str, count: int) -> None:
        page = self.page
        counter = page.locator(f'input[name="{group}.__rows"]')
        while int(counter.input_value()) < count:
            with page.expect_navigation():
                page.locator(f'button[name="_add"][value="{group}"]').click()
        assert int(counter.input_value()) == count

    def fill(self, data: dict) -> None:
        rows, fields = flat(data)
        for group, count in rows.items():
            self.rows(group, count)
        for name, value in fields.items():
            self.put(name, value)

    def put(self, name: str, value) -> None:
        page = self.page
        control = page.locator(f'[name="{name}"]')
        kind = control.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind == "input:radio":
            page.locator(f'[name="{name}"][value="{"true" if value else "false"}"]').check()
        elif kind == "input:checkbox":
            control.set_checked(bool(value))
        elif kind.startswith("select"):
            control.select_option(str(value))
        else:
            control.fill(str(value))

    def submit(self, name: str) -> None:
        """Complete the open task; it must land on the partnership's page."""
        page = self.page
        self.shot(f"{name}-form")
        with page.expect_navigation():
            page.locator("form.task-form button.primary").click()
        if "/tasks/" in page.url:
            summary = page.locator("#error-summary")
            problem = summary.inner_text() if summary.count() else page.inner_text("main")
            raise AssertionError(f"{name} was refused: {problem}")
        assert page.url == f"{self.base}/instances/{self.iid}", page.url
        self.shot(f"{name}-done")

    def task(self, title: str, data: dict, shot: str, subject: str | None = None) -> None:
        self.open(title, subject)
        self.fill(data)
        self.submit(shot)

    def options(self, name: str) -> list[str]:
        return self.page.locator(f'select[name="{name}"] option').evaluate_all(
            "os => os.map(o => o.value).filter(v => v)")


def flat(data: dict, prefix: str = "") -> tuple[dict[str, int], dict]:
    """Form data as the form's inputs name it: row groups with their row counts (outer
    groups first), and every leaf value."""
    rows: dict[str, int] = {}
    fields: dict = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            more_rows, more = flat(value, name + ".")
            rows.update(more_rows)
            fields.update(more)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            rows[name] = len(value)
            for i, row in enumerate(value):
                more_rows, more = flat(row, f"{name}.{i}.")
                rows.update(more_rows)
                fields.update(more)
        elif isinstance(value, list):
            fields[name] = "\n".join(str(v) for v in value)
        else:
            fields[name] = value
    return rows, fields


def documents(ipr: str, max_cost: int) -> dict:
    docs = demo._docs(1)
    docs["ipr"], docs["purchase"]["max_cost"] = ipr, max_cost
    return {"tender_documents": docs}


def test_four_roles_take_a_partnership_from_the_need_to_the_award(chromium,  # noqa: F811
                                                                     roles_server):
    base, engine, clock = roles_server
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    w = Walk(page, base, engine, clock)
    w.at(day(0))

    # procurement starts the partnership with its title and describes the need
    w.login("indkob")
    page.goto(f"{base}/instances")
    w.shot("partnerships")
    page.get_by_label("Titel på det nye partnerskab").fill(TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Start nyt innovationspartnerskab").click()
    w.iid = page.url.rsplit("/", 1)[-1]
    assert TITLE in page.locator("h1").inner_text()
    w.shot("started")
    w.open("Beskriv behovet")
    assert page.locator("#f-authority").input_value() == demo.REGION  # prefilled
    w.fill({"authority_kind": "sub_central",
            "need": "Hjemmemonitorering af KOL-patienter efter udskrivelse.",
            "justification": "Markedsdialogen viste, at ingen løsning dækker behovet.",
            "not_on_market": True, "estimated_value": 220_660_000})
    w.submit("need")

    # a first draft of the tender documents; legal rejects it with a comment
    first_ipr = "Leverandøren ejer rettighederne."
    w.task("Udarbejd udbudsmateriale", documents(first_ipr, 200_000_000), "documents-1")
    w.login("jura")
    w.open("Godkend udbudsmateriale")
    assert "Alle data behandles og opbevares i EU." in page.inner_text("section.basis")
    assert page.locator("#draft-changes").count() == 0  # the first draft: nothing to compare
    w.fill({"tender_documents_approved": False,
            "legal_comment": "IPR-afsnittet skal sige, hvad regionen får."})
    w.submit("documents-1-rejected")

    # procurement sees legal's comment and reworks the documents
    w.login("indkob")
    w.open("Udarbejd udbudsmateriale")
    assert "IPR-afsnittet skal sige, hvad regionen får." in page.inner_text("main")
    second_ipr = "Leverandøren ejer rettighederne; regionen får en tidsubegrænset brugsret."
    w.fill(documents(second_ipr, 190_000_000))
    w.submit("documents-2")

    # legal sees what changed since the last draft, and approves
    w.login("jura")
    w.open("Godkend udbudsmateriale")
    changes = page.locator("#draft-changes tbody tr")
    table = {changes.nth(i).locator("td").nth(0).inner_text():
             [changes.nth(i).locator("td").nth(k).inner_text() for k in (1, 2)]
             for i in range(changes.count())}
    assert table == {"Immaterielle rettigheder": [first_ipr, second_ipr],
                     "Køb › Maksimal pris": ["200.000.000", "190.000.000"]}, table
    w.fill({"tender_documents_approved": True, "legal_comment": ""})
    w.submit("documents-2-approved")

    # the notice; seven applications come in before the deadline
    w.login("indkob")
    w.at(day(7))
    w.task("Send udbudsbekendtgørelse", {"notice_dispatched": str(day(7)),
                                         "application_deadline": str(day(45))}, "notice")
    w.tick(day(46))
    espd = {"mandatory_exclusion": False, "voluntary_exclusion": False,
            "meets_minimum_levels": True}
    w.task("Registrer ansøgninger", {"applicants": [
        {"name": name, "cvr": str(30_000_000 + i), "received": str(day(40 + i % 5)),
         "espd": espd} for i, name in enumerate(APPLICANTS)]}, "applications")
    waiting = page.locator("#h-waiting + table").inner_text()  # the partnership page
    assert all(f"Vurder egnethed: {name}" in waiting for name in APPLICANTS), waiting

    # the evaluator assesses each applicant in its own task, which names the applicant
    w.login("evaluator")
    for name in APPLICANTS:
        w.open("Vurder egnethed", name)
        if name in RATINGS:
            suitability, rd = RATINGS[name]
            w.fill({"assessment": {"qualified": True, "suitability": suitability,
                                   "rd_capacity": rd}})
        else:
            w.fill({"assessment": {"qualified": False,
                                   "reason": "Mangler erfaring med klinisk udvikling."}})
        w.submit(f"suitability-{name.split()[0].lower()}")
    bidders = engine.show(w.iid)["data"]["bidders"]
    assert len(bidders) == 5 and "Zeta Lab" not in bidders

    # procurement invites, registers the first tenders: the rows come with the bidders
    w.login("indkob")
    w.at(day(50))
    w.task("Send opfordring til at afgive tilbud", {
        "invitations_sent": str(day(50)), "initial_tender_deadline": str(day(70)),
        "rejections_sent": True}, "invitations")
    prices = {b: 150_000_000 + i * 8_000_000 for i, b in enumerate(bidders)}
    w.at(day(70))
    w.open("Registrer første tilbud")
    assert w.options("initial_tenders.0.bidder") == bidders  # picked, never typed
    assert [page.locator(f'[name="initial_tenders.{i}.bidder"]').input_value()
            for i in range(5)] == bidders
    w.fill({"initial_tenders": [{"price": prices[b], "solution": "Skitse"} for b in bidders]})
    w.submit("initial-tenders")

    # one negotiation round: a micro-sprint with each bidder, named in its task
    w.at(day(80))
    for bidder in bidders:
        w.task("Gennemfør mikrosprint", {"sprint": {
            "held_on": str(day(80)),
            "summary": f"Mikrosprint med {bidder}: arbejdsgange afprøvet."}},
            f"sprint-{bidder.split()[0].lower()}", subject=bidder)
    w.task("Forhandlingsrunde", {
        "negotiated_on": str(day(80)), "minutes": "Krav og tilbud gennemgået.",
        "changes_sent_to_all": True, "resubmission_deadline": str(day(94))}, "round")
    w.at(day(94))
    w.open("Registrer reviderede tilbud")
    assert w.options("revised_tenders.0.bidder") == bidders
    w.fill({"revised_tenders": [{"price": prices[b] - 2_000_000} for b in bidders]})
    w.submit("revised-tenders")
    w.at(day(100))
    w.task("Opfordr til endelige tilbud", {"final_invitation_sent": str(day(100)),
                                           "final_tender_deadline": str(day(114))},
           "final-invitation")
    w.open("Modtag endelige tilbud")
    w.fill({"final_tenders": [{"price": prices[b] - 4_000_000, "solution": "Endelig løsning",
                               "received": str(day(112))} for b in bidders]})
    w.submit("final-tenders")
    w.tick(day(115))

    # the evaluator checks conformity and scores each tender on the published criteria
    w.login("evaluator")
    w.open("Kontroller tilbuddenes konditionsmæssighed")
    assert [page.locator(f'[name="conformity.{i}.bidder"]').input_value()
            for i in range(5)] == bidders
    w.submit("conformity")
    for i, bidder in enumerate(bidders):
        w.open("Evaluer tilbud", bidder)
        rows = page.locator("#f-tender_score-scores fieldset.row")
        assert rows.count() == 2  # one row per published sub-criterion
        for n, (ident, name) in enumerate(CRITERIA.items()):
            assert page.locator(f'[name="tender_score.scores.{n}.criterion"]').input_value() \
                == ident
            assert name in rows.nth(n).inner_text()
        w.fill({"tender_score": {"scores": [{"score": 9 - i}, {"score": 8 - i}],
                                 "justification": "Vurderet efter underkriterierne."}})
        w.submit(f"score-{bidder.split()[0].lower()}")

    # management approves the evaluation and awards to the tender ranked first
    w.login("ledelse")
    w.open("Godkend evaluering")
    assert "Placering" in page.inner_text("section.basis")
    w.fill({"evaluation_approved": True, "management_comment": ""})
    w.submit("evaluation-approved")
    w.at(day(125))
    w.open("Tildelingsbeslutning og underretning")
    winner = engine.show(w.iid)["data"]["evaluation"][0]["bidder"]
    assert page.locator('[name="award.winner"]').input_value() == winner  # preselected
    assert w.options("award.winner") == [r["bidder"] for r in
                                         engine.show(w.iid)["data"]["evaluation"]]
    w.fill({"award": {"advantages": "Bedste kliniske værdi og brugervenlighed.",
                      "negotiation_account": "En runde med mikrosprint med hver tilbudsgiver.",
                      "notified": str(day(125)), "electronic": True,
                      "documentation": {"exclusion_documented": True,
                                        "suitability_documented": True,
                                        "checked_on": str(day(122))}}})
    w.submit("award")
    assert engine.show(w.iid)["data"]["award"]["winner"] == winner
    assert "Stand still" in page.inner_text("main")

    # the history and the audit view name each assessment's applicant
    page.goto(f"{base}/instances/{w.iid}/history")
    assert "«Vurder egnethed: Alfa Care»" in page.inner_text("main")
    w.shot("history")
    page.goto(f"{base}/audit/{w.iid}")
    page.locator("#event-list summary").click()
    assert "«Evaluer tilbud: " + winner + "»" in page.locator("#event-list").inner_text()
    w.shot("audit")
    page.close()

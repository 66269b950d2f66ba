"""Demo data: users for every role and innovation partnerships at different stages.

``opiflow demo`` loads it; loading it twice changes nothing (users are upserted and the
partnerships are recognised by their titles).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .clock import FixedClock
from .errors import NotFound
from .passwords import hash_password

PASSWORD = "demo"  # demo accounts only; real accounts get their own passwords
REGION = "Region Hovedstaden"


@dataclass(frozen=True)
class DemoUser:
    name: str
    full_name: str
    authority: str
    groups: tuple[str, ...]
    role: str
    audits: tuple[str, ...] = ()


USERS = (
    DemoUser("indkob", "Ida Indkøb", REGION, ("Indkøb",), "udbudskonsulent"),
    DemoUser("evaluator", "Erik Evaluator", REGION, ("Evaluering",), "evaluator"),
    DemoUser("jura", "Julie Jurist", REGION, ("Jura",), "jurist"),
    DemoUser("ledelse", "Lars Ledelse", REGION, ("Ledelse",), "ledelse"),
    DemoUser("alle", "Anna Alle-roller", REGION, ("Indkøb", "Evaluering", "Jura", "Ledelse"),
             "alle roller"),
    DemoUser("revisor", "Rikke Revisor", "Rigsrevisionen", (), "revisor", (REGION,)),
    DemoUser("sjaelland", "Søren Sjælland", "Region Sjælland", ("Indkøb",),
             "udbudskonsulent i en anden region"),
    # joint public scaling (engine.demo_joint)
    DemoUser("copi", "Camilla CO-PI", "CO-PI", ("Facilitator",), "facilitator"),
    DemoUser("aalborg", "Anders Aalborg", "Aalborg Kommune", ("Deltager", "Indkøb"),
             "behovsejer og deltager"),
    DemoUser("aarhus", "Asta Aarhus", "Aarhus Kommune", ("Deltager", "Indkøb"),
             "behovsejer og deltager"),
    DemoUser("odense", "Ole Odense", "Odense Kommune", ("Deltager",), "deltager"),
    DemoUser("nordjylland", "Nina Nordjylland", "Region Nordjylland", ("Deltager", "Indkøb"),
             "deltager"),
    DemoUser("vejle", "Vera Vejle", "Vejle Kommune", ("Deltager",), "takkede nej"),
    DemoUser("esbjerg", "Emil Esbjerg", "Esbjerg Kommune", ("Deltager",), "takkede nej"),
)


def add_users(engine) -> None:
    hashed = hash_password(PASSWORD)
    for user in USERS:
        engine.add_user(user.name, user.authority, list(user.groups), full_name=user.full_name,
                        password_hash=hashed, audits=list(user.audits))


def login_help(engine) -> str:
    """How to log in to the demo, if the demo users exist."""
    from sqlalchemy import select

    from .models import User

    with engine.uow() as uow:
        names = set(uow.session.scalars(select(User.name)))
    present = [u for u in USERS if u.name in names]
    if not present:
        return "No demo users: run `opiflow demo` to add them."
    lines = [f"Log in with one of these demo users (password: {PASSWORD}):"]
    lines += [f"  {u.name:<10} {u.full_name} ({u.role}, {u.authority})" for u in present]
    return "\n".join(lines)


class Driver:
    """Drives one innovation partnership task by task, moving a fixed clock.

    The demo uses it to build partnerships at different stages; the tests use it too."""

    model = "innovation_partnership"

    def __init__(self, engine, clock: FixedClock):
        self.engine, self.clock = engine, clock
        self.iid: str | None = None

    def start(self, user: str, title: str) -> str:
        self.iid = self.engine.start(self.model, user, {"title": title})
        return self.iid

    def at(self, day: str | date, hour: int = 9) -> None:
        self.clock.set(datetime.fromisoformat(str(day)).replace(hour=hour))

    def tick(self, day: str | date, hour: int = 9) -> None:
        self.at(day, hour)
        self.engine.tick(self.clock())

    def open(self, title: str) -> list:
        return [t for t in self.engine.tasks(instance_id=self.iid) if t.title == title]

    def titles(self) -> list[str]:
        return sorted(t.title for t in self.engine.tasks(instance_id=self.iid))

    def do(self, title: str, user: str, data: dict, item: str | None = None) -> None:
        """Complete the open task ``title`` (for ``item``, in a multi-instance task)."""
        tasks = self.open(title)
        if not tasks:
            raise NotFound("no open task {title!r}; open: {titles}",
                           title=title, titles=self.titles())
        task = tasks[0] if item is None else next((t for t in tasks if t.item == item), None)
        if task is None:
            raise NotFound("no open task {title!r} for {item!r}", title=title, item=item)
        self.engine.complete(task.id, user, data)

    def data(self) -> dict:
        return self.engine.show(self.iid)["data"]


# --------------------------------------------------------------------- the partnerships
def _docs(rounds: int, fee: int = 165000) -> dict:
    return {
        "minimum_requirements": [
            {"id": "M1", "text": "Løsningen overvåger patientens vitale værdier kontinuerligt."},
            {"id": "M2", "text": "Alle data behandles og opbevares i EU."},
        ],
        "evaluation_model": {
            "scale_max": 10, "weights": {"quality": 70, "price": 30},
            "quality_criteria": [{"id": "K1", "name": "Klinisk værdi", "weight": 60},
                                 {"id": "K2", "name": "Brugervenlighed", "weight": 40}],
            "price_model": {"kind": "fixed_anchor", "price_for_max": 100_000_000,
                            "price_for_zero": 300_000_000},
            "tie_break": "quality"},
        "max_invited": 5, "several_partners": False,
        "negotiation": {"rounds": rounds, "reduction_between_rounds": False,
                        "award_on_initial_reserved": False},
        "development": {"phases": 4, "fee_per_phase": fee, "termination_allowed": True},
        "purchase": {"performance_levels": "100 patientmonitoreringer, 365 dage om året i 4 år",
                     "max_cost": 200_000_000, "contract_end": "2030-12-31",
                     "ceiling": 220_000_000},
        "ipr": "Leverandøren ejer rettighederne; regionen får en tidsubegrænset brugsret.",
        "selection": {"rd_weight": 50, "minimum_levels": {"suitability": 4, "rd_capacity": 4},
                      "tie_break": "rd_capacity"},
        "participant_remuneration": "Deltagerne honoreres med 165.000 kr. pr. godkendt fase.",
        "ipr_terms": {"on_termination": "Regionen beholder brugsret til godkendte faser.",
                      "on_purchase": "Regionen får tidsubegrænset brugsret til løsningen."},
    }


ESPD = {"mandatory_exclusion": False, "voluntary_exclusion": False,
        "meets_minimum_levels": True}
APPLICANTS = ["Alfa Care", "Beta Health", "Gamma Med", "Delta Sense", "Epsilon IT",
              "Zeta Lab", "Eta Systems"]


def _through_selection(d: Driver, t0: date, need: str, rounds: int) -> list[str]:
    """From the need to the invitations; returns the invited bidders."""
    day = lambda n: t0 + timedelta(days=n)  # noqa: E731 - a date n days after the start
    d.at(day(0))
    d.do("Beskriv behovet", "indkob", {
        "authority": REGION, "authority_kind": "sub_central", "need": need,
        "not_on_market": True,
        "justification": "Markedsdialogen viste, at ingen løsning på markedet dækker behovet.",
        "estimated_value": 220_660_000})
    d.do("Udarbejd udbudsmateriale", "indkob", {"tender_documents": _docs(rounds)})
    d.do("Godkend udbudsmateriale", "jura", {"tender_documents_approved": True,
                                             "legal_comment": "Godkendt."})
    d.at(day(7))
    d.do("Send udbudsbekendtgørelse", "indkob", {"notice_dispatched": str(day(7)),
                                                 "application_deadline": str(day(45))})
    d.tick(day(46))
    d.do("Registrer ansøgninger", "indkob", {"applicants": [
        {"name": name, "received": str(day(40 + i % 5)), "espd": ESPD}
        for i, name in enumerate(APPLICANTS)]})
    ratings = [(9, 9), (8, 9), (8, 8), (7, 8), (7, 7), (6, 6)]
    for name, (suitability, rd) in zip(APPLICANTS, ratings, strict=False):
        d.do("Vurder egnethed", "evaluator", {"assessment": {
            "qualified": True, "suitability": suitability, "rd_capacity": rd,
            "impartiality": {"conflict": False}}}, item=name)
    d.do("Vurder egnethed", "evaluator", {"assessment": {
        "qualified": False, "reason": "Mangler erfaring med klinisk udvikling.",
        "impartiality": {"conflict": False}}},
        item=APPLICANTS[-1])
    d.at(day(50))
    d.do("Send opfordring til at afgive tilbud", "indkob", {
        "invitations_sent": str(day(50)), "initial_tender_deadline": str(day(70)),
        "rejections_sent": True})
    return d.data()["bidders"]


def _round(d: Driver, day: date, prices: dict[str, int]) -> None:
    d.at(day)
    for bidder in prices:
        d.do("Gennemfør mikrosprint", "indkob", {"sprint": {
            "held_on": str(day), "summary": f"Mikrosprint med {bidder}: arbejdsgange afprøvet."}},
            item=bidder)
    d.do("Forhandlingsrunde", "indkob", {
        "negotiated_on": str(day), "minutes": "Krav og tilbud gennemgået med hver tilbudsgiver.",
        "requirement_changes": [{"requirement": "Svartid", "kind": "other",
                                 "description": "Svartiden på alarmer ændres til 30 sekunder."}],
        "changes_sent_to_all": True, "resubmission_deadline": str(day + timedelta(days=14))})
    d.at(day + timedelta(days=14))
    d.do("Registrer reviderede tilbud", "indkob", {
        "revised_tenders": [{"bidder": b, "price": p, "solution": "Revideret løsning"}
                            for b, p in prices.items()],
        "reduce_after_round": False, "close_negotiation": False})


def _to_contract(d: Driver, t0: date, bidders: list[str]) -> date:
    """Initial tenders, one round, final tenders, evaluation, award, standstill, contract.
    Returns the day the partnership contract was signed."""
    day = lambda n: t0 + timedelta(days=n)  # noqa: E731
    prices = {b: 150_000_000 + i * 8_000_000 for i, b in enumerate(bidders)}
    d.at(day(70))
    d.do("Registrer første tilbud", "indkob", {
        "initial_tenders": [{"bidder": b, "price": p, "solution": "Skitse"}
                            for b, p in prices.items()], "award_on_initial": False})
    _round(d, day(80), prices)
    d.at(day(100))
    d.do("Opfordr til endelige tilbud", "indkob", {"final_invitation_sent": str(day(100)),
                                                   "final_tender_deadline": str(day(114))})
    d.do("Modtag endelige tilbud", "indkob", {"final_tenders": [
        {"bidder": b, "price": p - 4_000_000, "solution": "Endelig løsning",
         "received": str(day(112))} for b, p in prices.items()]})
    d.tick(day(115))
    d.do("Kontroller tilbuddenes konditionsmæssighed", "evaluator", {"conformity": [
        {"bidder": b, "conforming": True} for b in bidders]})
    for i, bidder in enumerate(bidders):
        d.do("Evaluer tilbud", "evaluator", {"tender_score": {
            "scores": [{"criterion": "K1", "score": 9 - i}, {"criterion": "K2", "score": 8 - i}],
            "justification": "Vurderet efter underkriterierne.",
            "impartiality": {"conflict": False}}}, item=bidder)
    d.do("Godkend evaluering", "ledelse", {"evaluation_approved": True,
                                           "management_comment": "Godkendt."})
    d.at(day(125))
    d.do("Tildelingsbeslutning og underretning", "ledelse", {"award": {
        "winner": bidders[0], "advantages": "Bedste kliniske værdi og brugervenlighed.",
        "negotiation_account": "En runde med mikrosprint; svartiden blev skærpet.",
        "notified": str(day(125)), "electronic": True, "documentation": {
            "exclusion_documented": True, "suitability_documented": True,
            "checked_on": str(day(122))}}})
    signed = date.fromisoformat(d.data()["standstill_end"]) + timedelta(days=1)
    d.tick(signed, 8)
    d.do("Underskriv partnerskabskontrakt", "jura", {
        "contract_signed": str(signed), "signed_by": "Regionsdirektør"})
    return signed


def _phase(d: Driver, day: date, target: str) -> None:
    d.at(day)
    d.do("Delmålsvurdering", "ledelse", {
        "intermediate_targets": [{"target": target, "met": True}],
        "phase_decision": "approve", "decision_reason": "Delmålene er nået."})


def in_negotiation(d: Driver, today: date) -> None:
    t0 = today - timedelta(days=110)
    bidders = _through_selection(d, t0, "Intelligent overvågning af indlagte patienter.", 3)
    prices = {b: 150_000_000 + i * 8_000_000 for i, b in enumerate(bidders)}
    d.at(t0 + timedelta(days=70))
    d.do("Registrer første tilbud", "indkob", {
        "initial_tenders": [{"bidder": b, "price": p, "solution": "Skitse"}
                            for b, p in prices.items()], "award_on_initial": False})
    _round(d, t0 + timedelta(days=80), prices)
    d.at(today)


def in_development(d: Driver, today: date) -> None:
    t0 = today - timedelta(days=330)
    bidders = _through_selection(d, t0, "Digital genoptræning i eget hjem.", 1)
    signed = _to_contract(d, t0, bidders)
    _phase(d, signed + timedelta(days=90), "Prototype afprøvet på to afsnit")
    d.at(today)


def in_purchase(d: Driver, today: date) -> None:
    t0 = today - timedelta(days=900)
    bidders = _through_selection(d, t0, "Sensorbaseret faldforebyggelse på plejecentre.", 1)
    signed = _to_contract(d, t0, bidders)
    targets = ["Prototype", "Klinisk afprøvning", "Skalering til tre hospitaler", "Drift"]
    for n, target in enumerate(targets, start=1):
        _phase(d, signed + timedelta(days=90 * n), target)
    purchase_day = signed + timedelta(days=400)
    d.at(purchase_day)
    d.do("Beslut købsoption", "ledelse", {"performance_met": True,
                                           "offered_price": 180_000_000})
    for n in (1, 2):
        day = purchase_day + timedelta(days=60 * n)
        d.at(day)
        d.do("Registrer afkald", "indkob", {
            "call_off_amount": 27_500_000, "call_off_date": str(day),
            "call_off_description": "Monitoreringer, kvartal", "contract_closed": False})
    d.at(today)


# Development paid 50/50 by the region and a national pool; the purchase by the region.
FUNDING = (
    {"name": "Regionens innovationsramme", "kind": "own", "amount": 400_000,
     "phases": ["need", "procurement", "development"], "share": 50,
     "conditions": "Projektleder på 20 % finansieres af rammen."},
    {"name": "National innovationspulje", "kind": "national", "amount": 330_000,
     "phases": ["development"], "share": 50, "deadline": "2031-12-31",
     "conditions": "50 % medfinansiering; bruges inden udgangen af 2031."},
    {"name": "Regionens driftsbudget", "kind": "own", "amount": 220_000_000,
     "phases": ["purchase", "implementation"]},
)


def _fund(engine, iid: str) -> None:
    for source in FUNDING:
        engine.add_funding_source(iid, "indkob", dict(source))


def _lessons(engine, iid: str, title: str) -> None:
    engine.add_lesson("indkob", {
        "phase": "Prækvalifikation", "subject": "markedsdialog",
        "hard": "At beskrive behovet uden at beskrive løsningen.",
        "learned": "Tidlig markedsdialog gav flere og bedre ansøgninger.",
        "dear": f"Mikrosprint med klinikerne ({title})."}, instance_id=iid)


PARTNERSHIPS = (
    ("Intelligent patientmonitorering (demo)", in_negotiation),
    ("Digital genoptræning (demo)", in_development),
    ("Sensorbaseret faldforebyggelse (demo)", in_purchase),
)


def load(database_url: str | None = None, workflows_dir=None,
         today: date | None = None) -> list[str]:
    """Add the demo users and partnerships that are not there yet; returns what it did."""
    from .runtime import Engine

    today = today or date.today()
    clock = FixedClock(datetime.combine(today, datetime.min.time()))
    engine = Engine(database_url, workflows_dir, clock_fn=clock)
    add_users(engine)
    existing = {i["title"] for i in engine.instances() if i["status"] != "cancelled"}
    done = []
    for title, build in PARTNERSHIPS:
        if title in existing:
            done.append(f"{title}: already there")
            continue
        driver = Driver(engine, clock)
        driver.at(today - timedelta(days=1000))
        iid = driver.start("indkob", title)
        _fund(engine, iid)
        try:
            build(driver, today)
        except Exception:
            engine.cancel(iid, "indkob", "the demo could not be built")
            raise
        done.append(f"{title}: {engine.show(iid)['phase']}")
        _lessons(engine, iid, title)
    done.append(_joint(engine, clock, existing, today))
    engine.sql.dispose()
    return done


def _joint(engine, clock: FixedClock, existing: set[str], today: date) -> str:
    """The joint scaling process with its children (once)."""
    from . import demo_joint

    if demo_joint.TITLE in existing:
        return f"{demo_joint.TITLE}: already there"
    driver = demo_joint.JointDriver(engine, clock)
    driver.at(demo_joint.STARTED)
    driver.start()
    try:
        demo_joint.build(driver)
    except Exception:
        engine.cancel(driver.iid, "copi", "the demo could not be built")
        raise
    clock.set(datetime.combine(today, datetime.min.time()))
    return f"{demo_joint.TITLE}: {engine.show(driver.iid)['phase']}"

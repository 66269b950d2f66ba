"""The joint scaling demo, "Sammen om løsninger til inkontinens" (seed 002).

CO-PI facilitates; Aalborg and Aarhus Kommuner own the need; Danish Life Science Cluster
is the scaling partner. Six authorities are invited: four join, two decline. After a
supplier conference with questions and answers, three sign the declaration of intent;
Aalborg and Aarhus start their own innovation partnerships at different times, Region
Nordjylland has not decided yet. The tests drive the same steps.
"""
from __future__ import annotations

from datetime import date, datetime

from .errors import NotFound

TITLE = "Sammen om løsninger til inkontinens"
STARTED = "2023-03-15"
MODEL = "joint_scaling"
FACILITATOR = "CO-PI"
INVITED = {  # authority -> the demo user who answers for it
    "Aalborg Kommune": "aalborg", "Aarhus Kommune": "aarhus", "Odense Kommune": "odense",
    "Region Nordjylland": "nordjylland", "Vejle Kommune": "vejle",
    "Esbjerg Kommune": "esbjerg"}
JOINING = {"Aalborg Kommune": (1200, 25_000_000), "Aarhus Kommune": (1500, 31_000_000),
           "Odense Kommune": (900, 18_000_000), "Region Nordjylland": (300, 6_000_000)}
SIGNING = ("Aalborg Kommune", "Aarhus Kommune", "Region Nordjylland")
SUPPLIERS = [{"name": "Abena A/S", "cvr": "12345678"},
             {"name": "Sensor Care ApS", "cvr": "23456789"},
             {"name": "Dry Tech ApS", "cvr": "34567890"}]


class JointDriver:
    """Completes the joint process's tasks as the user of each authority would."""

    def __init__(self, engine, clock, iid: str | None = None):
        self.engine, self.clock, self.iid = engine, clock, iid

    def at(self, day: str | date) -> None:
        self.clock.set(datetime.fromisoformat(str(day)).replace(hour=10))

    def start(self, user: str = "copi", title: str = TITLE) -> str:
        self.iid = self.engine.start(MODEL, user, {"title": title})
        return self.iid

    def task(self, title: str, user: str, instance_id: str | None = None):
        for task in self.engine.tasks(user=user, instance_id=instance_id or self.iid):
            if task.title == title:
                return task
        raise NotFound("no open task {title!r} for {user}", title=title, user=user)

    def do(self, title: str, user: str, data: dict, instance_id: str | None = None) -> None:
        self.engine.complete(self.task(title, user, instance_id).id, user, data)


def need() -> dict:
    return {"title": TITLE, "facilitator": FACILITATOR,
            "need": "Tidsbesparende løsninger til udredning og pleje af voksne borgere med "
                    "inkontinens i plejebolig.",
            "target_group": "Voksne borgere med inkontinens i plejebolig og personalet.",
            "current_cost": 25_000_000, "estimated_demand": "Ca. 4.000 borgere om året",
            "need_owners": ["Aalborg Kommune", "Aarhus Kommune"],
            "scaling_partners": ["Danish Life Science Cluster"], "solution_on_market": False}


def market_dialogue() -> dict:
    names = [s["name"] for s in SUPPLIERS]
    return {"dialogues": [
        {"held_on": "2023-11-07", "kind": "Regional markedsdialog", "place": "Aalborg",
         "summary": "Lokale leverandører om sensorbleer og dataopsamling."},
        {"held_on": "2023-12-05", "kind": "Leverandørkonference", "place": "Aarhus",
         "summary": "Behovsafdækningens resultater præsenteret for markedet."}],
        "suppliers": SUPPLIERS,
        "questions": [
            {"question": "Skal løsningen kunne bruges med eksisterende bleer?",
             "asked_by": "Sensor Care ApS", "answer": "Ja, det er et ønske, ikke et krav.",
             "published_on": "2023-12-12", "published_to": names},
            {"question": "Hvilke data skal deles med kommunens omsorgssystem?",
             "asked_by": "Abena A/S", "answer": "Tidspunkter for vandladning og bleskift.",
             "published_on": "2023-12-12", "published_to": names}]}


def through_declaration(d: JointDriver) -> None:
    """From the need to the published declaration of intent."""
    d.at(STARTED)
    d.do("Registrer innovationsbehovet", "copi", need())
    d.do("Inviter myndigheder", "copi", {"invited_authorities": list(INVITED),
                                         "invited_on": "2023-03-15"})
    d.at("2023-04-14")
    for authority, user in INVITED.items():
        answer: dict[str, object]
        if authority in JOINING:
            units, budget = JOINING[authority]
            answer = {"join": True, "units_per_year": units, "budget_per_year": budget}
        else:
            answer = {"join": False, "reason": "Området er ikke prioriteret i år."}
        d.do("Svar på invitationen", user, {"answer": answer})
    d.at("2023-09-20")
    d.do("Fælles behovsafdækning", "copi", {"workshops": [
        {"held_on": "2023-06-01", "title": "Workshop om udredning",
         "participants": list(JOINING), "outcomes": "Fire fælles udfordringer.",
         "documents": ["Referat workshop 1"]},
        {"held_on": "2023-08-30", "title": "Screening blandt blebrugere på plejehjem",
         "participants": ["Aalborg Kommune", "Aarhus Kommune"],
         "outcomes": "Businesscase for sensorbleer.", "documents": []}]})
    d.at("2023-12-15")
    d.do("Fælles markedsdialog", "copi", market_dialogue())
    d.at("2024-02-01")
    d.do("Fælles behovsbeskrivelse", "copi", {
        "version": 1, "need_description":
            "En løsning, der viser, hvornår en ble skal skiftes, og giver data til udredning.",
        "requirements": [{"id": "K1", "text": "Virker med de gængse bleer."},
                         {"id": "K2", "text": "Data deles med omsorgssystemet."}]})
    for authority in JOINING:
        d.do("Bekræft behovsbeskrivelsen", INVITED[authority],
             {"confirmation": {"confirmed": True}})
    d.at("2024-04-10")
    for authority in JOINING:
        signed = authority in SIGNING
        d.do("Underskriv hensigtserklæringen", INVITED[authority], {"signature": {
            "signed": signed, **({"signed_on": "2024-04-10"} if signed else {})}})
    d.do("Offentliggør hensigtserklæringen", "copi", {
        "published_on": "2024-04-15", "published_where": "co-pi.dk"})


def facts(**changes) -> dict:
    return {"market": "findes ikke", "development": True, "develop_and_buy": True,
            "dialogue": "krav og løsning", "limit_bidders": False,
            "estimated_value": 40_000_000, "authority_kind": "kommune",
            "decided_on": "2024-09-02", **changes}


def own_partnership(d: JointDriver, authority: str, day: str) -> None:
    """``authority`` decides on an innovation partnership and starts it on ``day``."""
    user = INVITED[authority]
    d.at(day)
    d.do("Oplys fakta om egen anskaffelse", user, facts(decided_on=day))
    d.do("Start eget innovationspartnerskab", user, {
        "partnership_title": f"Inkontinens: innovationspartnerskab ({authority})",
        "start_on": day})


def describe_child_need(d: JointDriver, user: str, day: str) -> None:
    """The first step of a child innovation partnership, from its prefilled need."""
    task = next(t for t in d.engine.tasks(user=user) if t.name == "describe_need")
    prefilled = d.engine.task_form(task.id, user)["data"]
    d.at(day)
    d.engine.complete(task.id, user, {
        "authority": prefilled["authority"], "need": prefilled["need"],
        "authority_kind": prefilled.get("authority_kind") or "sub_central",
        "not_on_market": True, "estimated_value": prefilled["estimated_value"],
        "justification": "Den fælles markedsdialog viste, at ingen løsning dækker behovet."})


def build(d: JointDriver) -> None:
    """The whole demo on a started joint process."""
    through_declaration(d)
    own_partnership(d, "Aalborg Kommune", "2024-09-02")
    describe_child_need(d, "aalborg", "2024-09-20")
    own_partnership(d, "Aarhus Kommune", "2025-02-03")

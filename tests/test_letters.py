"""Letters to the participants (UBL § 171; issue 10 items 9 and 11), on SQLite and
PostgreSQL: made at the deciding step in its unit of work, recorded in the audit log,
read back by a cold engine as HTML and PDF, and never carrying one bidder's
confidential data to another."""
from __future__ import annotations

import json
import re
import zlib

import pytest

from engine.errors import Forbidden, InvalidData
from engine.export import report
from engine.letters import records, render
from engine.replay import replay
from tests.helpers import ColdEngine, dump
from tests.test_innovation_partnership import (
    DOCUMENTED,
    NO_CONFLICT,
    THREE,
    Scenario,
    docs,
    qualified,
    unqualified,
)


@pytest.fixture
def scenario(engine, clock) -> Scenario:
    return Scenario(engine, clock)


def pdf_text(data: bytes) -> str:
    """The text shown by a PDF made with fpdf2 (its page streams, inflated)."""
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        shown += re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", stream)
    return " ".join(s.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
                    for s in shown)


# =========================================== selection → reduction → award letters
FOUR = ["Alfa Care", "Beta Health", "Gamma Med", "Delta Sense"]
# each bidder's confidential values: distinctive, so a leak cannot hide
PRICES = {"initial": [151_111_117, 142_222_227, 163_333_337, 174_444_447],
          "revised": [150_101_013, 141_202_023, 162_303_033, 173_404_043],
          "final": [149_555_019, 140_666_029, 161_777_039, 172_888_049]}
SECRET = {b: f"HEMMELIG-{b.split()[0].upper()}-{i}7{i}" for i, b in enumerate(FOUR)}
ROUND_SCORES = {"Alfa Care": {"K1": 9, "K2": 8}, "Beta Health": {"K1": 5, "K2": 5},
                "Gamma Med": {"K1": 7, "K2": 7}, "Delta Sense": {"K1": 6, "K2": 6}}
REJECTED_REASON = "Zeta Lab mangler klinisk erfaring (ZETA-GRUND-9090)."


def markers(bidder: str) -> list[str]:
    """Everything of ``bidder``'s that no other participant may read."""
    i = FOUR.index(bidder)
    prices = [PRICES[k][i] for k in PRICES]
    return [SECRET[bidder], *map(str, prices),
            *(f"{p:,}".replace(",", ".") for p in prices)]


def tenders(kind: str, bidders: list[str], **extra) -> list[dict]:
    return [{"bidder": b, "price": PRICES[kind][FOUR.index(b)],
             "solution": f"{kind} løsning {SECRET[b]}", **extra} for b in bidders]


def to_award(s: Scenario) -> None:
    """Five applicants (one unqualified), four bidders, one reduced after round 1,
    three final tenders, the award to Alfa Care."""
    s.tender(docs(negotiation={"rounds": 2}), [*FOUR, "Zeta Lab"])
    s.prequalify({**{b: qualified(8 - i * 0.5, 8) for i, b in enumerate(FOUR)},
                  "Zeta Lab": unqualified(REJECTED_REASON)})
    s.invite()
    s.at("2025-11-10")
    s.do("Registrer første tilbud", "ida", {"initial_tenders": tenders("initial", FOUR),
                                            "award_on_initial": False})
    for day, bidders, reduce in (("2025-11-17", FOUR, True),
                                 ("2025-12-08", ["Alfa Care", "Gamma Med", "Delta Sense"],
                                  False)):
        s.at(day)
        for b in bidders:
            s.do("Gennemfør mikrosprint", "ida", {"sprint": {
                "held_on": day, "summary": f"Sprint om {SECRET[b]}"}}, item=b)
        s.do("Forhandlingsrunde", "ida", s.meeting(day))
        rows = tenders("revised", bidders)
        for row in rows:
            row["scores"] = [{"criterion": k, "score": v}
                             for k, v in ROUND_SCORES[row["bidder"]].items()]
        s.do("Registrer reviderede tilbud", "ida", {
            "revised_tenders": rows, "reduce_after_round": reduce,
            "close_negotiation": False, **({"keep_bidders": 3} if reduce else {})})
    final = ["Alfa Care", "Gamma Med", "Delta Sense"]
    s.at("2026-02-16")
    s.do("Opfordr til endelige tilbud", "ida", {"final_invitation_sent": "2026-02-16",
                                                "final_tender_deadline": "2026-03-02"})
    s.do("Modtag endelige tilbud", "ida", {"final_tenders": tenders(
        "final", final, received="2026-02-27")})
    s.tick("2026-03-03")
    s.at("2026-03-10")
    s.do("Kontroller tilbuddenes konditionsmæssighed", "eva", {"conformity": [
        {"bidder": b, "conforming": True} for b in final]})
    for b in final:
        s.do("Evaluer tilbud", "eva", {"tender_score": {
            "scores": [{"criterion": k, "score": v} for k, v in ROUND_SCORES[b].items()],
            "justification": f"Vurderet: {SECRET[b]} er solidt.",
            "impartiality": NO_CONFLICT}}, item=b)
    s.do("Godkend evaluering", "lea", {"evaluation_approved": True, "management_comment": ""})
    s.at("2026-03-26")
    s.do("Tildelingsbeslutning og underretning", "lea", {"award": {
        "winner": "Alfa Care",
        "advantages": "Højeste kliniske værdi og bedste brugervenlighed blandt tilbuddene.",
        "negotiation_account": "To runder med mikrosprint; Beta Health blev reduceret efter "
                               "første runde efter tildelingskriterierne.",
        "notified": "2026-03-26", "electronic": True, "documentation": DOCUMENTED}})


def test_letters_from_selection_to_award_read_back_by_a_cold_engine(scenario):
    s = scenario
    to_award(s)
    cold = ColdEngine(s.engine)
    rows = cold.letters(s.iid, user="eva")
    kinds = [(r["kind"], r["addressee"]) for r in rows]
    assert kinds == [*(("selection", n) for n in [*FOUR, "Zeta Lab"]),
                     ("reduction", "Beta Health"),
                     ("award", "Alfa Care"), ("award", "Gamma Med"),
                     ("award", "Delta Sense")]
    letters = {(r["kind"], r["addressee"]): cold.letter(r["id"], user="eva") for r in rows}
    assert all(lt["intact"] for lt in letters.values())

    zeta = render.html(letters["selection", "Zeta Lab"])
    assert "ZETA-GRUND-9090" in zeta and "Dato: 20. oktober 2025" in zeta
    assert "Alfa Care, Beta Health, Gamma Med og Delta Sense" in zeta
    beta = render.html(letters["reduction", "Beta Health"])
    assert "fortsætter: Alfa Care, Gamma Med og Delta Sense" in beta
    assert "nr. 4" in beta and "§ 146" in beta
    gamma = render.html(letters["award", "Gamma Med"])
    for item in ("innovationspartnerskab med Alfa Care", "Højeste kliniske værdi",
                 "To runder med mikrosprint", "udløber den 7. april 2026",
                 "klagenævnsloven § 7, stk. 2", "161.777.039 kr."):
        assert item in gamma, item
    pdf = render.pdf(letters["award", "Gamma Med"])
    assert pdf.startswith(b"%PDF") and "7. april 2026" in pdf_text(pdf)

    # the audit log records each letter with its digest; replay still holds
    history = cold.history(s.iid)
    logged = [e for e in history if e["kind"] == "letter"]
    assert len(logged) == len(rows)
    assert {e["data"]["digest"] for e in logged} == {r["digest"] for r in rows}
    assert cold.verify(s.iid).ok
    assert replay(s.engine, s.iid).identical


def test_no_letter_carries_another_bidders_confidential_data(scenario):
    """Every letter to bidder A, as stored, as HTML and as PDF text: none of B's prices
    (as entered or in Danish format), solution, sprint or evaluation text."""
    s = scenario
    to_award(s)
    rows = s.engine.letters(s.iid)
    assert {r["addressee"] for r in rows} >= set(FOUR)
    own_seen = 0
    for row in rows:
        letter = s.engine.letter(row["id"])
        texts = [json.dumps(letter["content"], ensure_ascii=False), render.html(letter),
                 pdf_text(render.pdf(letter))]
        for other in FOUR:
            if other == row["addressee"]:
                own_seen += any(m in t for m in markers(other) for t in texts)
                continue
            for marker in markers(other):
                assert all(marker not in t for t in texts), (row["addressee"], marker)
        if row["addressee"] != "Zeta Lab":
            assert all("ZETA-GRUND-9090" not in t for t in texts)
    assert own_seen >= 3  # the award letters do carry each bidder's own final price


def test_letters_commit_with_their_step_or_not_at_all(scenario, monkeypatch):
    s = scenario
    s.tender(docs(), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    before = dump(s.engine)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the letter could not be made")

    monkeypatch.setattr(records.content, "selection_letters", broken)
    with pytest.raises(RuntimeError):
        s.invite()
    assert dump(s.engine) == before  # no invitation, no letter, no event
    monkeypatch.undo()
    s.invite()
    assert [r["kind"] for r in s.engine.letters(s.iid)] == ["selection"] * 3


# ============================================================ cancellation (item 11)
REASON = "Behovet er bortfaldet efter regionens omprioritering af budgettet for 2026."


def test_a_cancelled_procedure_with_its_letters_and_report(scenario):
    s = scenario
    s.tender(docs(), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()
    s.at("2025-10-22")
    before = dump(s.engine)
    for user, reason, refusal in (("eva", REASON, Forbidden), ("jens", REASON, Forbidden),
                                  ("lea", "  \n ", InvalidData),
                                  ("lea", "Bortfaldet\x00", InvalidData),
                                  ("lea", "x" * 4001, InvalidData)):
        with pytest.raises(refusal) as err:
            s.engine.cancel(s.iid, user, reason)
        if refusal is InvalidData:
            assert err.value.field == "reason" and err.value.hint
        assert dump(s.engine) == before
    s.engine.cancel(s.iid, "lea", f"  {REASON}\n")

    cold = ColdEngine(s.engine)
    assert cold.show(s.iid)["status"] == "cancelled"
    rows = [r for r in cold.letters(s.iid) if r["kind"] == "cancellation"]
    assert sorted(r["addressee"] for r in rows) == sorted(THREE)
    assert {r["dated"] for r in rows} == {"2025-10-22"}
    letter = cold.letter(rows[0]["id"])
    page = render.html(letter)
    assert f"Begrundelse: {REASON}" in page and "Dato: 22. oktober 2025" in page
    pdf = render.pdf(letter)
    assert pdf.startswith(b"%PDF") and "Begrundelse" in pdf_text(pdf)

    ctx = report.context(cold, s.iid)
    assert ctx["cancellation"] == REASON
    assert [lt["kind"] for lt in ctx["letters"]].count("Annullering") == 3
    html = report.html(ctx)
    assert REASON in html and "Underretninger til ansøgere og tilbudsgivere" in html
    assert report.pdf(ctx).startswith(b"%PDF")
    assert cold.verify(s.iid).ok
    assert replay(s.engine, s.iid).identical  # the last events are letters, not the cancel


def test_nobody_qualified_ends_the_procedure_with_cancellation_letters(scenario):
    s = scenario
    s.tender(docs(), list(THREE))
    s.prequalify({name: unqualified() for name in THREE})
    assert s.show()["status"] == "completed"
    letters = [s.engine.letter(r["id"]) for r in s.engine.letters(s.iid)]
    assert sorted(lt["addressee"] for lt in letters) == sorted(THREE)
    assert all(lt["kind"] == "cancellation" for lt in letters)
    assert all("Ingen ansøgere opfyldte egnethedskravene." in render.html(lt)
               for lt in letters)


def test_letters_are_read_only_by_the_authority_and_its_auditors(scenario):
    from engine.errors import NotFound

    s = scenario
    s.tender(docs(), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()
    s.engine.add_user("olaf", "Region Sjælland", ["Indkøb"])
    s.engine.add_user("rikke", "Rigsrevisionen", [], audits=["Region Hovedstaden"])
    [first, *_] = s.engine.letters(s.iid, user="rikke")
    assert s.engine.letter(first["id"], user="rikke")["intact"]
    with pytest.raises(NotFound):
        s.engine.letters(s.iid, user="olaf")
    with pytest.raises(NotFound):
        s.engine.letter(first["id"], user="olaf")
    with pytest.raises(NotFound):
        s.engine.letter(10_000)
    with pytest.raises(Forbidden):
        s.engine.cancel(s.iid, "rikke", REASON)


def test_letters_from_the_command_line(scenario, database_url, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from engine.cli import main
    from tests.conftest import DATA

    s = scenario
    s.tender(docs(), list(THREE))
    s.prequalify({name: qualified(8, 8) for name in THREE})
    s.invite()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPIFLOW_WORKFLOWS", str(DATA))
    runner = CliRunner()
    listed = runner.invoke(main, ["letters", s.iid], catch_exceptions=False)
    assert listed.exit_code == 0
    first = listed.output.split()[0]
    assert "selection" in listed.output and "Alfa Care" in listed.output
    out = tmp_path / "brev.pdf"
    written = runner.invoke(main, ["letter", first, "--pdf", str(out)],
                            catch_exceptions=False)
    assert written.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    shown = runner.invoke(main, ["letter", first], catch_exceptions=False)
    assert "Følgende ansøgere er udvalgt" in shown.output
    missing = runner.invoke(main, ["letter", "99999"])
    assert missing.exit_code != 0 and "no letter 99999" in missing.stderr

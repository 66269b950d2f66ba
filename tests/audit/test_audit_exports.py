"""Exports: XES and CSV event logs, the OCDS release package (validated offline against
shared/ocds-1.1, schema and codelists) and the procurement report (UBL § 174)."""
from __future__ import annotations

import copy
import csv
import io
import json

import pytest
from click.testing import CliRunner
from lxml import etree

import engine.audit_cli  # noqa: F401
from engine import export
from engine.cli import main
from engine.export import ocds, report
from tests.audit import scenarios

XES = "{http://www.xes-standard.org/}"


def test_xes_parses_with_the_standard_extensions(deployed, clock):
    first = scenarios.timer(deployed, clock)
    second = scenarios.purchase_request(deployed, clock)
    text = export.render(deployed, "xes", [first, second])
    log = etree.fromstring(text.encode())
    assert log.tag == f"{XES}log" and log.get("xes.version") == "1849-2016"
    extensions = {e.get("prefix"): (e.get("name"), e.get("uri"))
                  for e in log.findall(f"{XES}extension")}
    assert extensions == {
        "concept": ("Concept", "http://www.xes-standard.org/concept.xesext"),
        "time": ("Time", "http://www.xes-standard.org/time.xesext"),
        "org": ("Organizational", "http://www.xes-standard.org/org.xesext"),
        "lifecycle": ("Lifecycle", "http://www.xes-standard.org/lifecycle.xesext")}
    assert {g.get("scope") for g in log.findall(f"{XES}global")} == {"trace", "event"}
    traces = log.findall(f"{XES}trace")
    names = [t.find(f"{XES}string[@key='concept:name']").get("value") for t in traces]
    assert names == [first, second]
    events = traces[0].findall(f"{XES}event")
    attrs = [{a.get("key"): a.get("value") for a in e} for e in events]
    assert [a["lifecycle:transition"] for a in attrs] == ["start", "complete", "complete",
                                                          "complete"]
    assert attrs[1]["concept:name"] == "Send underretning" and attrs[1]["org:resource"] == "anna"
    assert attrs[2]["concept:name"] == "timer_fired" and attrs[2]["org:resource"] == "system"
    assert attrs[0]["time:timestamp"].endswith("+00:00")
    claims = [{a.get("key"): a.get("value") for a in e}
              for e in traces[1].findall(f"{XES}event")][1:3]
    assert [c["lifecycle:transition"] for c in claims] == ["start", "suspend"]


def test_csv_has_a_row_per_event(deployed, clock):
    iid = scenarios.caller(deployed, clock)
    rows = list(csv.DictReader(io.StringIO(export.render(deployed, "csv", [iid]))))
    assert list(rows[0]) == ["case_id", "activity", "timestamp", "resource", "lifecycle",
                             "seq", "kind"]
    assert [r["activity"] for r in rows] == ["started", "Juridisk gennemgang", "Afslut"]
    assert {r["case_id"] for r in rows} == {iid}


def _package(engine, iid):
    return ocds.release_package([export.case(engine, iid)], published=engine.now())


def test_the_ocds_release_package_validates(deployed, clock):
    iid = scenarios.partnership(deployed, clock)
    package = _package(deployed, iid)
    assert ocds.validate(package) == []
    releases = package["releases"]
    assert [r["tag"] for r in releases] == [["tender"], ["award"], ["contract"],
                                            ["implementation"]]
    assert {r["ocid"] for r in releases} == {f"ocds-opiflow-{iid}"}
    tender = releases[1]["tender"]
    assert (tender["procurementMethod"], tender["procurementMethodDetails"],
            tender["awardCriteria"]) == ("selective", "Innovation partnership",
                                         "ratedCriteria")
    assert "quality 70 %, price 30 %" in tender["awardCriteriaDetails"]
    assert tender["value"] == {"amount": 220660000, "currency": "DKK"}
    assert len(releases[1]["bids"]["details"]) == 3
    assert releases[1]["awards"][0]["suppliers"][0]["name"] == "MedTech A/S"
    transactions = releases[3]["contracts"][0]["implementation"]["transactions"]
    assert [t["value"]["amount"] for t in transactions] == [165000] * 4 + [12500000,
                                                                         13100000]


def test_ocds_validation_finds_schema_and_codelist_errors(deployed, clock):
    package = _package(deployed, scenarios.partnership(deployed, clock))
    bad = copy.deepcopy(package)
    bad["releases"][0]["tag"] = ["finished"]                     # closed codelist (enum)
    bad["releases"][0]["tender"]["procurementMethod"] = "negotiated"  # closed codelist
    bad["releases"][1]["parties"][0]["roles"] = ["boss"]          # open codelist
    bad["releases"][1]["tender"]["value"]["currency"] = "XXX1"
    bad["releases"][0]["date"] = "2026-03-02"                     # no time, no zone
    errors = ocds.validate(bad)
    for needle in ("finished", "negotiated", "boss", "XXX1", "date"):
        assert any(needle in e for e in errors), (needle, errors)


def test_an_instance_missing_most_keys_still_validates(deployed, clock):
    iid = deployed.start("partnership", "anna", {"title": "Kun startet"})
    package = _package(deployed, iid)
    assert ocds.validate(package) == []
    assert [r["tag"] for r in package["releases"]] == [["tender"]]


def test_the_ocds_export_command(deployed, clock, tmp_path):
    iid = scenarios.partnership(deployed, clock)
    scenarios.timer(deployed, clock)  # not a procurement: left out of --all
    out = tmp_path / "ocds.json"
    result = CliRunner().invoke(main, ["export", "ocds", "--all", "-o", str(out)],
                                obj=deployed)
    assert result.exit_code == 0, result.output
    package = json.loads(out.read_text())
    assert {r["ocid"] for r in package["releases"]} == {f"ocds-opiflow-{iid}"}
    assert ocds.validate(package) == []


@pytest.mark.parametrize("fmt", ["xes", "csv", "report-html", "report-pdf"])
def test_the_export_command_writes_each_format(deployed, clock, tmp_path, fmt):
    iid = scenarios.partnership(deployed, clock)
    out = tmp_path / f"export.{fmt}"
    result = CliRunner().invoke(main, ["export", fmt, iid, "-o", str(out)], obj=deployed)
    assert result.exit_code == 0, result.output
    content = out.read_bytes()
    assert content.startswith(b"%PDF") if fmt == "report-pdf" else iid.encode() in content


SECTION_174 = [
    "Region Hovedstaden",                                   # the authority
    "Intelligent monitorering af patienter i eget hjem",    # the subject
    "220.660.000 kr.",                                      # the value
    "ingen løsning på markedet",                            # the § 73 justification
    "Homely IoT ApS", "Ingen dokumenteret F&amp;U-kapacitet",  # rejected + reason
    "Nordic Health AB",                                     # invited
    "Mikrosprint med hver tilbudsgiver",                    # the negotiation course
    "To runder; alle tre deltog",                           # the negotiation account
    "8,82",                                                 # evaluation scores
    "MedTech A/S", "Højeste kliniske værdi",                # winner and reasons
    "2026-07-13",                                           # standstill end
    "Verificeret: hash-kæden over 16 hændelser er intakt",  # the record's status
]


def test_the_report_holds_every_section_174_item(deployed, clock):
    iid = scenarios.partnership(deployed, clock)
    html = report.html(report.context(deployed, iid))
    for item in SECTION_174:
        assert item in html, item
    for _key, number, title in report.SECTIONS:
        assert f"{number}. {title}" in html


def test_the_report_says_what_is_missing_and_when_the_record_is_broken(deployed, clock,
                                                                      tamper):
    from sqlalchemy import update

    from engine.models import Event

    iid = scenarios.timer(deployed, clock)
    with tamper() as conn:
        conn.execute(update(Event).where(Event.instance_id == iid, Event.seq == 2)
                     .values(actor="mallory"))
    ctx = report.context(deployed, iid)
    html = report.html(ctx)
    assert report.MISSING in html
    assert "IKKE verificeret: hash-kæden er brudt ved hændelse 2" in html
    assert report.pdf(ctx).startswith(b"%PDF")


def test_the_report_by_an_auditor(deployed, clock):
    iid = scenarios.partnership(deployed, clock)
    assert report.context(deployed, iid, user="revisor")["verification"]["ok"]


def test_the_ocds_tender_is_titled_by_the_procedure_and_suppliers_by_cvr(deployed, clock):
    from types import SimpleNamespace

    iid = scenarios.partnership(deployed, clock)
    tender = _package(deployed, iid)["releases"][0]["tender"]
    assert tender["title"] == "Intelligent monitorering"
    case = SimpleNamespace(id="x", summary={"authority": "Region Hovedstaden"}, data={
        "applicants": [{"name": "MedTech A/S", "cvr": "12 34 56 78"},
                       {"name": "CareSense ApS"}],
        "bidders": ["MedTech A/S", "CareSense ApS"], "award": {"winner": "MedTech A/S"}})
    parties = {p["name"]: p for p in ocds._parties(case, with_bidders=True)}
    assert parties["MedTech A/S"]["id"] == "DK-CVR-12345678"
    assert parties["MedTech A/S"]["identifier"] == {"scheme": "DK-CVR", "id": "12345678",
                                                    "legalName": "MedTech A/S"}
    assert parties["CareSense ApS"]["id"].startswith("DK-ORG-")


def test_downloads_name_one_charset(deployed, clock, tmp_path):
    from webui import create_app

    iid = scenarios.partnership(deployed, clock)
    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": deployed, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "up")})
    client = app.test_client()
    from engine.passwords import hash_password

    deployed.add_user("ivar", "Region Hovedstaden", ["Indkøb"], password_hash=hash_password("x"))
    client.post("/login", data={"username": "ivar", "password": "x"})
    for fmt, expected in (("csv", "text/csv; charset=utf-8"),
                          ("report-html", "text/html; charset=utf-8")):
        response = client.get(f"/audit/{iid}/export/{fmt}")
        assert response.headers["Content-Type"] == expected

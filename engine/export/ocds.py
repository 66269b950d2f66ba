"""OCDS 1.1 release packages for innovation partnerships (Open Contracting Data Standard).

One release per stage the instance has reached, each dated by the audit event that
recorded the stage's data: ``tender`` (the tender documents), ``award`` (the award
decision, with the bids), ``contract`` (the partnership agreement, once development
starts) and ``implementation`` (fee instalments and call-offs as transactions).

The instance data keys are those of ``workflows/innovation_partnership``; a key that is
missing leaves its part out (the release stays valid). :func:`check` validates a package
against the OCDS 1.1.5 schema and codelists kept in ``shared/ocds-1.1`` (offline).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from ..clock import LOCAL_ZONE
from ..errors import OpiflowError

OCID_PREFIX = "ocds-opiflow-"
CURRENCY = "DKK"
BIDS_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                  "ocds_bid_extension/v1.1.5/extension.json")
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def release_package(cases: list, published: datetime, uri: str | None = None,
                    publisher: str | None = None) -> dict:
    """A release package with the releases of every case (``engine.export.Case``)."""
    ids = ",".join(c.id for c in cases)
    digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
    authorities = sorted({_buyer_name(c) for c in cases})
    return {
        "uri": uri or f"urn:opiflow:ocds:{digest}",
        "version": "1.1",
        "extensions": [BIDS_EXTENSION],
        "publishedDate": _datetime(published),
        "publisher": {"name": publisher or (authorities[0] if len(authorities) == 1
                                            else "opiflow")},
        "releases": [r for c in cases for r in releases(c)],
    }


def is_procurement(case) -> bool:
    """Whether the instance is a procurement OCDS can describe (not, say, an internal
    approval): it has a need or tender documents."""
    return bool(case.data.get("tender_documents") or case.data.get("need"))


def releases(case) -> list[dict]:
    """The releases of one instance, oldest stage first."""
    data, ocid = case.data, OCID_PREFIX + case.id
    base = {"ocid": ocid, "initiationType": "tender", "language": "da"}
    result = []
    tender_at = (case.first_time("notice_dispatched") or case.first_time("tender_documents")
                 or case.events[0].at)
    result.append({**base, "id": f"{ocid}-tender", "date": _datetime(tender_at),
                   "tag": ["tenderCancellation" if _cancelled(case) else "tender"],
                   "parties": _parties(case, with_bidders=False), "buyer": _buyer(case),
                   "tender": _tender(case, with_bidders=False)})  # as published
    award = data.get("award") if isinstance(data.get("award"), dict) else None
    if award and award.get("winner"):
        result.append({**base, "id": f"{ocid}-award", "date": _datetime(
                       case.first_time("award") or tender_at), "tag": ["award"],
                       "parties": _parties(case, with_bidders=True), "buyer": _buyer(case),
                       "tender": _tender(case, with_bidders=True), "bids": _bids(case),
                       "awards": [_award(case, award)]})
        started = _signed_at(case)
        if started:
            result.append({**base, "id": f"{ocid}-contract", "date": _datetime(started),
                           "tag": ["contract"], "parties": _parties(case, True),
                           "buyer": _buyer(case), "awards": [_award(case, award)],
                           "contracts": [_contract(case, award, with_transactions=False)]})
            result.append({**base, "id": f"{ocid}-implementation",
                           "date": _datetime(_last_event(case)), "tag": ["implementation"],
                           "parties": _parties(case, True), "buyer": _buyer(case),
                           "contracts": [_contract(case, award, with_transactions=True)]})
    return result


# ---------------------------------------------------------------- the parts
def _buyer_name(case) -> str:
    return str(case.data.get("authority") or case.summary.get("authority") or "")


def _org_id(name: str, role: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unnamed"
    return f"{'DK-AUTH' if role == 'buyer' else 'DK-ORG'}-{slug}"


def _ref(name: str, role: str = "tenderer") -> dict:
    return {"id": _org_id(name, role), "name": name}


def _buyer(case) -> dict:
    return _ref(_buyer_name(case), "buyer")


def _names(value) -> list[str]:
    """Organisation names from a list of names or of {"name"/"bidder"/"applicant": ...}."""
    names = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            item = item.get("name") or item.get("bidder") or item.get("applicant")
        if item and str(item) not in names:
            names.append(str(item))
    return names


def _bidders(case) -> list[str]:
    data = case.data
    return _names(data.get("bidders")) or _names(
        (data.get("selection") or {}).get("invited")) or _names(data.get("final_tenders"))


def _cvr_numbers(case) -> dict[str, str]:
    """name -> CVR number, where the applications gave one (8 digits)."""
    found = {}
    for item in case.data.get("applicants") or []:
        if isinstance(item, dict) and item.get("name"):
            cvr = re.sub(r"\D", "", str(item.get("cvr") or ""))
            if len(cvr) == 8:
                found[str(item["name"])] = cvr
    return found


def _supplier(name: str, cvr: str | None) -> dict:
    """A supplier, identified by its CVR number (org-id.guide's DK-CVR) when known."""
    if not cvr:
        return _ref(name)
    return {"id": f"DK-CVR-{cvr}", "name": name,
            "identifier": {"scheme": "DK-CVR", "id": cvr, "legalName": name}}


def _supplier_ref(case, name: str) -> dict:
    party = _supplier(name, _cvr_numbers(case).get(name))
    return {"id": party["id"], "name": name}


def _parties(case, with_bidders: bool) -> list[dict]:
    parties = [{**_buyer(case), "roles": ["buyer", "procuringEntity"]}]
    if not with_bidders:
        return parties
    winner = str((case.data.get("award") or {}).get("winner") or "")
    cvr = _cvr_numbers(case)
    for name in _bidders(case) or ([winner] if winner else []):
        roles = ["tenderer"] + (["supplier", "payee"] if name == winner else [])
        parties.append({**_supplier(name, cvr.get(name)), "roles": roles})
    if winner:
        parties[0]["roles"].append("payer")
    return parties


def _tender(case, with_bidders: bool) -> dict:
    data = case.data
    documents = data.get("tender_documents") if isinstance(
        data.get("tender_documents"), dict) else {}
    tender: dict[str, Any] = {
        "id": f"{case.id}-tender",
        "title": str(case.summary.get("title") or case.id)[:300],
        "status": _tender_status(case, with_bidders),
        "procurementMethod": "selective",
        "procurementMethodDetails": "Innovation partnership",
        "procurementMethodRationale": str(data.get("justification") or "") or None,
        "mainProcurementCategory": data.get("main_procurement_category")
        if data.get("main_procurement_category") in ("goods", "works") else "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": award_criteria_details(documents),
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": "Requests to participate and tenders are submitted "
                                   "electronically; the final tender is not negotiated.",
    }
    if data.get("need"):
        tender["description"] = str(data["need"])
    amount = _number(data.get("estimated_value"))
    if amount is not None:
        tender["value"] = {"amount": amount, "currency": CURRENCY}
    period: dict[str, Any] = {}
    start = data.get("notice_dispatched") or case.first_time("tender_documents")
    if start:
        period["startDate"] = _datetime(start)
    if data.get("application_deadline"):
        period["endDate"] = _datetime(data["application_deadline"], end_of_day=True)
    if period:
        tender["tenderPeriod"] = period
    if documents.get("max_invited"):
        tender["eligibilityCriteria"] = (
            f"At most {documents['max_invited']} suitable applicants are invited to tender, "
            "judged on their research and development capacity (UBL § 75).")
    if with_bidders and _bidders(case):
        tender["tenderers"] = [_supplier_ref(case, n) for n in _bidders(case)]
        tender["numberOfTenderers"] = len(tender["tenderers"])
    return {k: v for k, v in tender.items() if v is not None}


def award_criteria_details(documents: dict) -> str | None:
    """The published evaluation model in words: weights, sub-criteria, price model."""
    model = documents.get("evaluation_model") if isinstance(
        documents.get("evaluation_model"), dict) else None
    if not model:
        return None
    weights = model.get("weights") or {}
    parts = ["Best price-quality ratio"]
    if weights:
        parts.append(f"quality {weights.get('quality', '?')} %, "
                     f"price {weights.get('price', '?')} %")
    criteria = [f"{c.get('id', '')} {c.get('name', '')} ({c.get('weight', '?')} %)".strip()
                for c in model.get("quality_criteria") or [] if isinstance(c, dict)]
    if criteria:
        parts.append("quality sub-criteria: " + "; ".join(criteria))
    if model.get("scale_max") is not None:
        parts.append(f"scale 0-{model['scale_max']}")
    price = model.get("price_model")
    if price:
        parts.append("price model: " + (price.get("kind") or json.dumps(price))
                     if isinstance(price, dict) else f"price model: {price}")
    if model.get("tie_break"):
        parts.append(f"tie-break: {model['tie_break']}")
    return "; ".join(parts)


def _tender_status(case, after_award: bool) -> str:
    """The tender's status as of the release: active when published, complete once
    awarded, cancelled if the procedure was cancelled, unsuccessful if nobody
    qualified."""
    if _cancelled(case):
        return "cancelled"
    if isinstance(case.data.get("selection"), dict) and case.data["selection"].get("cancel"):
        return "unsuccessful"
    return "complete" if after_award and (case.data.get("award") or {}).get("winner") \
        else "active"


def _signed_at(case):
    """When the partnership contract was signed (its date, else the first sign of it)."""
    return (case.data.get("contract_signed") or case.first_time("contract_signed")
            or case.first_time("fee_ledger") or case.first_time("call_offs"))


def _contract_status(case) -> str:
    data = case.data
    if _cancelled(case):
        return "cancelled"
    if any(data.get(k) for k in ("partnership_terminated", "contract_expired",
                                 "contract_closed")):
        return "terminated"
    return "active"


def _cancelled(case) -> bool:
    return case.summary.get("status") == "cancelled"


def _bids(case) -> dict:
    details = []
    prices = {}
    for item in case.data.get("final_tenders") or []:
        if isinstance(item, dict) and (item.get("bidder") or item.get("name")):
            prices[str(item.get("bidder") or item.get("name"))] = _number(
                item.get("price") if "price" in item else item.get("amount"))
    at = case.first_time("final_tenders")
    for number, name in enumerate(_bidders(case), 1):
        bid: dict[str, Any] = {"id": f"{case.id}-bid-{number}", "status": "valid",
                               "tenderers": [_supplier_ref(case, name)]}
        if at:
            bid["date"] = _datetime(at)
        if prices.get(name) is not None:
            bid["value"] = {"amount": prices[name], "currency": CURRENCY}
        details.append(bid)
    return {"details": details}


def _award(case, award: dict) -> dict:
    winner = str(award["winner"])
    standstill = case.data.get("standstill_end")
    standstill_ends = _datetime(standstill, end_of_day=True) if standstill else None
    last = _datetime(_last_event(case))
    ended = bool(_signed_at(case)) or (
        standstill_ends is not None and last is not None and standstill_ends <= last)
    result: dict[str, Any] = {
        "id": f"{case.id}-award-1", "title": f"Innovation partnership with {winner}",
        "status": "active" if ended else "pending",
        "date": _datetime(case.first_time("award") or _last_event(case)),
        "suppliers": [_supplier_ref(case, winner)]}
    if award.get("advantages"):
        result["description"] = f"The winner's advantages: {award['advantages']}"
    value = _contract_value(case)
    if value is not None:
        result["value"] = {"amount": value, "currency": CURRENCY}
    end = _purchase(case).get("contract_end")
    if end:
        result["contractPeriod"] = {"endDate": _datetime(end, end_of_day=True)}
    return result


def _purchase(case) -> dict:
    documents = case.data.get("tender_documents") or {}
    purchase = documents.get("purchase") if isinstance(documents, dict) else None
    return purchase if isinstance(purchase, dict) else {}


def _contract_value(case) -> float | int | None:
    """Development fees (phases x fee) plus the purchase ceiling, else the estimate."""
    documents = case.data.get("tender_documents") or {}
    development = documents.get("development") if isinstance(documents, dict) else None
    fees: float | int = 0
    if isinstance(development, dict):
        fees = (_number(development.get("phases")) or 0) * (
            _number(development.get("fee_per_phase")) or 0)
    ceiling = _number(_purchase(case).get("ceiling") or _purchase(case).get("max_cost"))
    if ceiling is not None:
        return ceiling + fees
    return _number(case.data.get("estimated_value"))


def _contract(case, award: dict, with_transactions: bool) -> dict:
    winner = str(award["winner"])
    contract: dict[str, Any] = {"id": f"{case.id}-contract-1", "awardID": f"{case.id}-award-1",
                "title": f"Innovation partnership with {winner}",
                "status": _contract_status(case),
                "dateSigned": _datetime(_signed_at(case))}
    value = _contract_value(case)
    if value is not None:
        contract["value"] = {"amount": value, "currency": CURRENCY}
    end = _purchase(case).get("contract_end")
    period: dict[str, Any] = {"startDate": contract["dateSigned"]}
    if end:
        period["endDate"] = _datetime(end, end_of_day=True)
    contract["period"] = period
    if with_transactions:
        contract["implementation"] = {"transactions": _transactions(case, winner)}
    return contract


def _transactions(case, winner: str) -> list[dict]:
    payer, payee = _buyer(case), _supplier_ref(case, winner)
    result = []
    fee_times = case.change_times("fee_ledger")  # one new instalment per change
    for n, fee in enumerate(case.data.get("fee_ledger") or [], 1):
        if not isinstance(fee, dict) or _number(fee.get("amount")) is None:
            continue
        when = fee.get("date") or fee.get("paid") or (
            fee_times[min(n, len(fee_times)) - 1] if fee_times else _last_event(case))
        result.append({"id": f"{case.id}-fee-{n}", "date": _datetime(when),
                       "value": {"amount": _number(fee["amount"]), "currency": CURRENCY},
                       "payer": payer, "payee": payee})
    for n, call_off in enumerate(case.data.get("call_offs") or [], 1):
        if not isinstance(call_off, dict) or _number(call_off.get("amount")) is None:
            continue
        result.append({"id": f"{case.id}-call-off-{n}",
                       "date": _datetime(call_off.get("date") or _last_event(case)),
                       "value": {"amount": _number(call_off["amount"]), "currency": CURRENCY},
                       "payer": payer, "payee": payee})
    return result


# ---------------------------------------------------------------- values
def _last_event(case) -> datetime:
    return case.events[-1].at


def _number(value) -> float | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    try:
        number = float(str(value).replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _datetime(value, end_of_day: bool = False) -> str | None:
    """An OCDS date-time (ISO 8601 with zone); a date is read in Danish time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value) == 10
                     else datetime.fromisoformat(value))
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(23, 59, 59) if end_of_day else time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_ZONE)
    return value.isoformat()


# ---------------------------------------------------------------- validation
class InvalidRelease(OpiflowError):
    """The export does not validate against the OCDS schema or its codelists."""

    status = 500

    def __init__(self, message: str, *, errors: list[str], **kwargs):
        super().__init__(message, **kwargs)
        self.errors = errors


def shared_dir() -> Path:
    """``shared/`` beside the repository (CI has it there); OPIFLOW_SHARED overrides."""
    if os.environ.get("OPIFLOW_SHARED"):
        return Path(os.environ["OPIFLOW_SHARED"])
    return Path(__file__).resolve().parents[2].parent / "shared"


def schema_dir() -> Path | None:
    folder = shared_dir() / "ocds-1.1"
    return folder if (folder / "release-package-schema.json").exists() else None


def check(package: dict) -> None:
    """Refuse a package that does not validate (when the schema is at hand)."""
    folder = schema_dir()
    if folder is None:
        return
    errors = validate(package, folder)
    if errors:
        raise InvalidRelease(f"the OCDS export does not validate: {errors[0]}"
                             + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
                             errors=errors, hint="this is a bug in opiflow: report it")


def validate(package: dict, folder: Path | None = None) -> list[str]:
    """Every schema error and every codelist violation of ``package`` (empty: valid)."""
    folder = folder or schema_dir()
    if folder is None:
        raise FileNotFoundError(f"no OCDS schema in {shared_dir() / 'ocds-1.1'} "
                                "(set OPIFLOW_SHARED)")
    validator, release_schema = _validator(str(folder))
    errors = [f"{'/'.join(str(p) for p in e.absolute_path) or '(package)'}: {e.message}"
              for e in validator.iter_errors(package)]
    codelists = _codelists(str(folder))
    for n, release in enumerate(package.get("releases") or []):
        for path, name, value in _codelist_values(release, release_schema, release_schema,
                                                  f"releases/{n}"):
            if name in codelists and str(value) not in codelists[name]:
                errors.append(f"{path}: '{value}' is not in the {name} codelist")
    return errors


@cache
def _validator(folder: str):
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    root = Path(folder)
    package_schema = json.loads((root / "release-package-schema.json").read_text("utf-8"))
    release_schema = json.loads((root / "release-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(
        RELEASE_SCHEMA_URL, Resource.from_contents(release_schema, default_specification=DRAFT4))
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_is_datetime)
    return Draft4Validator(package_schema, registry=registry,
                           format_checker=checker), release_schema


def _is_datetime(value) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value).tzinfo is not None


@cache
def _codelists(folder: str) -> dict[str, set[str]]:
    lists = {}
    for path in (Path(folder) / "codelists").glob("*.csv"):
        with path.open(encoding="utf-8") as f:
            lists[path.name] = {row["Code"] for row in csv.DictReader(f)}
    return lists


def _codelist_values(value, schema: dict, root: dict, path: str):
    """(path, codelist file, value) for every codelist-constrained value in ``value``."""
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/definitions/"):
            return
        schema = root["definitions"][ref.rsplit("/", 1)[1]]
    if value is None:
        return
    if "codelist" in schema:
        for item in value if isinstance(value, list) else [value]:
            yield path, schema["codelist"], item
        return
    if isinstance(value, dict):
        for key, item in value.items():
            sub = (schema.get("properties") or {}).get(key)
            if sub is not None:
                yield from _codelist_values(item, sub, root, f"{path}/{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for n, item in enumerate(value):
            yield from _codelist_values(item, schema["items"], root, f"{path}/{n}")

"""Joint public scaling (fællesoffentlig skalering): the rules of the shared steps.

Pure functions on JSON-like data. The thresholds are dated configuration: each period
applies from its first day until the next period begins (KFST publishes new figures
every two years).
"""
from __future__ import annotations

from datetime import date

from engine.errors import RuleViolation

from .deadlines import as_date

# Thresholds for supplies and services, DKK ex. VAT (KFST). Add a row when new figures
# are published; a period runs until the next one starts.
THRESHOLDS: tuple[dict, ...] = (
    {"from": "2024-01-01", "stat": 1_064_177, "region": 1_644_638, "kommune": 1_644_638},
)
AUTHORITY_KINDS = {"stat": "statslig myndighed", "region": "region", "kommune": "kommune"}

ROLES = ("need_owner", "invited", "participant", "signatory", "declined", "left")
READING_ROLES = ("need_owner", "invited", "participant", "signatory")


def threshold(kind: str, on: str | date) -> int:
    """The EU threshold for an authority of ``kind`` on the day ``on``."""
    if kind not in AUTHORITY_KINDS:
        raise RuleViolation(
            f"Ukendt type myndighed: {kind!r}.", field="authority_kind",
            hint="Vælg stat, region eller kommune.")
    day = as_date(on, "decided_on")
    periods = [p for p in THRESHOLDS if date.fromisoformat(p["from"]) <= day]
    if not periods:
        raise RuleViolation(
            f"Der er ingen tærskelværdi for {day.isoformat()}.", field="decided_on",
            hint="Tærskelværdierne gælder fra 1. januar 2024; tilføj den relevante periode "
                 "i engine/rules/joint.py.")
    return max(periods, key=lambda p: p["from"])[kind]


def above_threshold(value: float, kind: str, on: str | date) -> bool:
    """Whether an estimated value (DKK ex. VAT) reaches the threshold (UBL § 6)."""
    if value is None or value < 0:
        raise RuleViolation("Den anslåede værdi skal være 0 kr. eller mere.",
                            field="estimated_value", hint="Angiv værdien ekskl. moms.")
    return value >= threshold(kind, on)


def total_demand(answers: dict) -> dict:
    """The demand gathered from the authorities that joined: units per year and budget."""
    joined = [a for a in answers.values() if a.get("join")]
    return {"participants": len(joined),
            "units_per_year": sum(int(a.get("units_per_year") or 0) for a in joined),
            "budget_per_year": sum(int(a.get("budget_per_year") or 0) for a in joined)}


def check_answer(answer: dict) -> None:
    """An authority that joins states its estimated demand; one that declines says why."""
    if answer.get("join"):
        if not answer.get("units_per_year") and not answer.get("budget_per_year"):
            raise RuleViolation(
                "En myndighed, der deltager, skal anslå sin efterspørgsel.",
                field="units_per_year",
                hint="Angiv antal enheder om året og/eller budget om året.")
    elif not str(answer.get("reason") or "").strip():
        raise RuleViolation("Skriv kort, hvorfor myndigheden ikke deltager.", field="reason",
                            hint="Begrundelsen hjælper facilitatoren med næste invitation.")


def check_suppliers(suppliers: list[dict]) -> list[str]:
    """Registered suppliers: each once, with a Danish CVR number (8 digits)."""
    names: list[str] = []
    cvrs: set[str] = set()
    for supplier in suppliers:
        name = str(supplier.get("name") or "").strip()
        cvr = str(supplier.get("cvr") or "").strip()
        if not name:
            raise RuleViolation("En leverandør mangler navn.", field="suppliers",
                                hint="Skriv leverandørens navn.")
        if not (len(cvr) == 8 and cvr.isdigit()):
            raise RuleViolation(f"CVR-nummeret for {name} skal være 8 cifre.",
                                field="suppliers", hint="Fx 12345678.")
        if name in names or cvr in cvrs:
            raise RuleViolation(f"{name} (CVR {cvr}) er registreret to gange.",
                                field="suppliers", hint="Registrer hver leverandør én gang.")
        names.append(name)
        cvrs.add(cvr)
    return names


def check_equal_treatment(suppliers: list[dict], questions: list[dict]) -> None:
    """Everything shared in the market dialogue is shared with all registered suppliers
    alike: an answer given to some suppliers only is refused (UBL § 2, § 39-40)."""
    names = check_suppliers(suppliers)
    for n, qa in enumerate(questions, start=1):
        asked_by = str(qa.get("asked_by") or "").strip()
        if asked_by and asked_by not in names:
            raise RuleViolation(
                f"Spørgsmål {n} er stillet af {asked_by}, som ikke er registreret.",
                field="questions", hint="Registrer leverandøren først.")
        if not str(qa.get("answer") or "").strip():
            continue
        published = {str(s).strip() for s in qa.get("published_to") or []}
        missing = [s for s in names if s not in published]
        unknown = sorted(published - set(names))
        if unknown:
            raise RuleViolation(
                f"Svaret på spørgsmål {n} er sendt til {', '.join(unknown)}, som ikke er "
                "registreret.", field="questions",
                hint="Offentliggør kun til registrerede leverandører, og til dem alle.")
        if missing:
            raise RuleViolation(
                f"Svaret på spørgsmål {n} er ikke offentliggjort for {', '.join(missing)}: "
                "et svar må aldrig gives til én leverandør alene (ligebehandling).",
                field="questions",
                hint="Offentliggør spørgsmålet og svaret for alle registrerede leverandører.")

"""Danish by default, English on request; numbers, money and dates in Danish format.

The UI's own words are written in Danish in the templates and code (``_("Opgaver")``);
their English is in the gettext catalogue ``translations/en/LC_MESSAGES/messages.po``.
The engine's refusals are English message ids with parameters; their Danish is in
``translations/da/LC_MESSAGES/engine.po`` (see :mod:`webui.messages`). Formats follow
the language: ``da_DK`` or ``en_DK`` (English words, Danish conventions: 165.000 kr.,
7 April 2026).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, Domain
from flask_babel import gettext as _babel_gettext

from engine.clock import LOCAL_ZONE
from engine.errors import Message, Money, OpiflowError, render

from . import messages

LANGUAGES = ("da", "en")
LOCALES = {"da": "da_DK", "en": "en_DK"}


def language() -> str:
    chosen = session.get("lang") if request else None
    if chosen in LANGUAGES:
        return chosen
    default = current_app.config.get("OPIFLOW_LANGUAGE", "da")
    return default if default in LANGUAGES else "da"


def gettext(text: str, **values) -> str:
    """``text`` (Danish) in the current language, with ``{name}`` values filled in."""
    if text and has_request_context():
        text = _babel_gettext(text)
    return text.format(**values) if values else text


_ = gettext


def N_(text: str) -> str:
    """Marks ``text`` as a UI string translated where it is shown (``_(value)``)."""
    return text


_ENGINE = Domain(domain="engine")


def engine_text(template: str, params: dict | None = None) -> str:
    """An engine message id (English) in the current language, its parameters in the
    page's formats: dates 10. december 2026, Money 22.000.000 kr., numbers 1.234,5.
    A message the catalogue does not know is shown as written."""
    if not template:
        return ""
    if has_request_context():
        template = _ENGINE.gettext(template)
    text = render(template, params or {}, show=param_text)
    return text.replace("\u00a0kr..", "\u00a0kr.")  # "... 22.000 kr." ends the sentence


def param_text(value) -> str:
    """One message parameter as the page shows it."""
    if isinstance(value, Money):
        return money(value.amount)
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, int | float | Decimal):
        return number(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, str) and len(value) == 10 and as_date(value) is not None:
        return day(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(param_text(v) for v in value)
    if isinstance(value, Message):
        return engine_text(value.template, value.params)
    if isinstance(value, str) and value and has_request_context():
        return _ENGINE.gettext(value)  # a phrase marked N_ in the engine; names stay
    return str(value)


def error_message(err: OpiflowError) -> str:
    return engine_text(getattr(err, "template", err.message), getattr(err, "params", {}))


def error_hint(err: OpiflowError) -> str:
    return engine_text(getattr(err, "hint_template", err.hint), getattr(err, "params", {}))


def error_text(err: OpiflowError) -> str:
    """The message and its hint, as one sentence or two."""
    return f"{error_message(err)} {error_hint(err)}".strip()


def _locale() -> str:
    if "locale" not in g:
        g.locale = LOCALES[language()]
    return g.locale


def number(value, digits: int = 2) -> str:
    """A number, rounded to at most ``digits`` decimals for display: 165.000,5."""
    if value is None or value == "" or isinstance(value, bool):
        return "–"
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=_locale())


def points(value) -> str:
    """Points always with two decimals: 7,35."""
    if value is None or value == "" or isinstance(value, bool):
        return "–"
    return format_decimal(Decimal(str(value)), format="#,##0.00", locale=_locale())


def money(value) -> str:
    """An amount in DKK: 165.000 kr. (øre only when there are any)."""
    if value is None or value == "" or isinstance(value, bool):
        return "–"
    return f"{number(value)}\u00a0kr."


def as_date(value) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    except ValueError:
        return None


def day(value) -> str:
    """A date as people read it: 7. april 2026."""
    parsed = as_date(value)
    if parsed is None:
        return str(value) if value else "–"
    if isinstance(parsed, datetime):
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_ZONE)).astimezone(
            LOCAL_ZONE).date()
    return format_date(parsed, "long", locale=_locale())


def moment(value) -> str:
    """A point in time, Danish local time: 7. april 2026 kl. 09.00."""
    parsed = as_date(value)
    if parsed is None:
        return str(value) if value else "–"
    if not isinstance(parsed, datetime):
        return day(parsed)
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_ZONE)
    word = "kl." if language() == "da" else "at"
    return format_datetime(parsed, f"d. MMMM y '{word}' HH.mm" if language() == "da"
                           else f"d MMMM y '{word}' HH:mm", tzinfo=LOCAL_ZONE,
                           locale=_locale())


def display(value) -> str:
    """A value of any kind as one line for reading (dates and amounts in Danish)."""
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str) and as_date(value) is not None and len(value) == 10:
        return day(value)
    if isinstance(value, list):
        return ", ".join(display(v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display(v)}" for k, v in value.items()) or "–"
    return "–" if value is None or value == "" else str(value)


def pretty(value) -> str:
    """Data as readable JSON (Danish letters kept)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


# the process data's keys as a procurement officer names them (shown in decision tasks)
FIELD_LABELS = {
    "tender_documents": "Udbudsmaterialet", "tender_document_reviews": "Juras gennemgang",
    "evaluation": "Evalueringen", "fee_ledger": "Honorarer udbetalt",
    "tender_documents.purchase": "Købsoptionens vilkår",
    "tender_documents.development": "Udviklingsforløbets vilkår",
    "minimum_requirements": "Mindstekrav", "evaluation_model": "Evalueringsmodel",
    "scale_max": "Højeste point", "weights": "Vægte", "quality": "Kvalitet", "price": "Pris",
    "quality_criteria": "Underkriterier", "price_model": "Prismodel", "kind": "Model",
    "price_for_max": "Pris for fuld point", "price_for_zero": "Pris for 0 point",
    "tie_break": "Ved lighed", "max_invited": "Højst opfordrede", "several_partners":
    "Flere partnere", "negotiation": "Forhandling", "rounds": "Runder",
    "reduction_between_rounds": "Reduktion mellem runder", "award_on_initial_reserved":
    "Tildeling på første tilbud forbeholdt", "development": "Udvikling", "phases": "Faser",
    "fee_per_phase": "Honorar pr. fase", "termination_allowed": "Ophør efter en fase tilladt",
    "purchase": "Køb", "performance_levels": "Præstationsniveauer", "max_cost": "Maksimal pris",
    "contract_end": "Kontrakten udløber", "ceiling": "Kontraktloft",
    "ipr": "Immaterielle rettigheder", "id": "Nr.", "text": "Tekst", "name": "Navn",
    "weight": "Vægt", "version": "Udkast", "approved": "Godkendt", "comment": "Bemærkning",
    "bidder": "Tilbudsgiver", "rank": "Placering", "total": "Samlet point",
    "quality_points": "Kvalitetspoint", "price_points": "Prispoint", "phase": "Fase",
    "amount": "Beløb",
}


def field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return gettext(label) if label else key.rsplit(".", 1)[-1].replace("_", " ")


EVENT_KINDS = {"started": "Startet", "completed": "Udført", "claimed": "Taget",
               "unclaimed": "Sat fri", "cancelled": "Aflyst", "timer_fired": "Tidsfrist udløb",
               "migrated": "Flyttet til ny procesversion",
               "incident": "Tidsfristen fejlede", "incident_retried": "Prøvede tidsfristen igen",
               "incident_resolved": "Markerede fejlen som løst"}


def event_kind(kind: str) -> str:
    """An audit event's kind as a person reads it: Udført, not 'completed'."""
    return gettext(EVENT_KINDS[kind]) if kind in EVENT_KINDS else kind


MODEL_NAMES = {"innovation_partnership": "Innovationspartnerskab",
               "joint_scaling": "Fællesoffentlig skalering"}


def model_name(model: str) -> str:
    """A process model as people call it: Innovationspartnerskab, not its folder name."""
    return gettext(MODEL_NAMES[model]) if model in MODEL_NAMES else model


def init_app(app: Flask) -> None:
    compiled = messages.compile_all(Path(app.instance_path) / "translations")
    Babel(app, locale_selector=language, default_translation_directories=str(compiled))
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(_=gettext, language=language, LANGUAGES=LANGUAGES,
                                 model_name=model_name, event_kind=event_kind,
                                 field_label=field_label, basis_label=field_label)
    app.jinja_env.filters.update(number=number, money=money, day=day, moment=moment,
                                 points=points, pretty=pretty, display=display)

"""Danish by default, English on request; numbers, money and dates in Danish format.

The UI's own words are written in Danish in the templates and code (``_("Opgaver")``);
their English is in the gettext catalogue ``translations/en/LC_MESSAGES/messages.po``.
The engine's refusals are English message ids with parameters; their Danish is in
``translations/da/LC_MESSAGES/engine.po`` (see :mod:`webui.messages`). Formats follow
the language: ``da_DK`` or ``en_DK`` (English words, Danish conventions: 165.000 kr.,
7 April 2026).
"""
from __future__ import annotations

import functools
import json
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
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
    if not has_request_context():  # no page: the English text
        return render(template, params or {})
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
        return "; ".join(f"{field_label(k)}: {display(v)}" for k, v in value.items()) or "–"
    if isinstance(value, str) and value in form_words()[1]:
        return form_words()[1][value]
    return "–" if value is None or value == "" else str(value)


def form_words() -> tuple[dict[str, str], dict[str, str]]:
    """The models' own words for data: {field key: its form title} and {option value:
    its label} from every form of the models folder (the designers' Danish)."""
    folder = ""
    if has_app_context():
        engine = current_app.extensions.get("opiflow")
        folder = str(getattr(engine, "workflows_dir", "") or "")
    return _form_words(folder)


@functools.lru_cache(maxsize=8)
def _form_words(folder: str) -> tuple[dict[str, str], dict[str, str]]:
    labels: dict[str, str] = {}
    options: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and isinstance(sub.get("title"), str):
                    labels.setdefault(key, sub["title"])
            names = node.get("x-enumNames") or node.get("enumNames")
            if isinstance(node.get("enum"), list) and isinstance(names, list):
                for value, name in zip(node["enum"], names, strict=False):
                    if isinstance(value, str) and isinstance(name, str):
                        options.setdefault(value, name)
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    for path in sorted(Path(folder).glob("*/forms/*.json")) if folder else ():
        try:
            walk(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return labels, options


def pretty(value) -> str:
    """Data as readable JSON (Danish letters kept)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


# the process data's keys as a procurement officer names them (shown in decision tasks)
FIELD_LABELS = {
    "tender_documents": N_("Udbudsmaterialet"),
    "tender_document_reviews": N_("Juras gennemgang"),
    "evaluation": N_("Evalueringen"),
    "fee_ledger": N_("Honorarer udbetalt"),
    "tender_documents.purchase": N_("Købsoptionens vilkår"),
    "tender_documents.development": N_("Udviklingsforløbets vilkår"),
    "minimum_requirements": N_("Mindstekrav"),
    "evaluation_model": N_("Evalueringsmodel"),
    "scale_max": N_("Højeste point"),
    "weights": N_("Vægte"),
    "quality": N_("Kvalitet"),
    "price": N_("Pris"),
    "quality_criteria": N_("Underkriterier"),
    "price_model": N_("Prismodel"),
    "kind": N_("Model"),
    "price_for_max": N_("Pris for fuld point"),
    "price_for_zero": N_("Pris for 0 point"),
    "tie_break": N_("Ved lighed"),
    "max_invited": N_("Højst opfordrede"),
    "several_partners": N_("Flere partnere"),
    "negotiation": N_("Forhandling"),
    "rounds": N_("Runder"),
    "reduction_between_rounds": N_("Reduktion mellem runder"),
    "award_on_initial_reserved": N_("Tildeling på første tilbud forbeholdt"),
    "development": N_("Udvikling"),
    "phases": N_("Faser"),
    "fee_per_phase": N_("Honorar pr. fase"),
    "termination_allowed": N_("Ophør efter en fase tilladt"),
    "purchase": N_("Køb"),
    "performance_levels": N_("Præstationsniveauer"),
    "max_cost": N_("Maksimal pris"),
    "contract_end": N_("Kontrakten udløber"),
    "ceiling": N_("Kontraktloft"),
    "ipr": N_("Immaterielle rettigheder"),
    "id": N_("Nr."),
    "text": N_("Tekst"),
    "name": N_("Navn"),
    "weight": N_("Vægt"),
    "version": N_("Udkast"),
    "approved": N_("Godkendt"),
    "comment": N_("Bemærkning"),
    "bidder": N_("Tilbudsgiver"),
    "rank": N_("Placering"),
    "total": N_("Samlet point"),
    "quality_points": N_("Kvalitetspoint"),
    "price_points": N_("Prispoint"),
    "phase": N_("Fase"),
    "amount": N_("Beløb"),
    "answers_by_authority": N_("Svar pr. myndighed"),
    "applicant": N_("Ansøger"),
    "applicant_sheet": N_("Ansøgerark"),
    "application_deadline_at": N_("Ansøgningsfrist"),
    "assessments": N_("Vurderinger"),
    "assessments_by_applicant": N_("Vurderinger pr. ansøger"),
    "award_notification": N_("Underretning om tildeling"),
    "below": N_("Under"),
    "bidders": N_("Tilbudsgivere"),
    "bidders_after": N_("Tilbudsgivere bagefter"),
    "call_offs": N_("Afkald"),
    "cancel": N_("Aflys"),
    "child": N_("Delforløb"),
    "complaint_deadlines": N_("Klagefrister"),
    "confirmation_sheet": N_("Bekræftelsesark"),
    "confirmations": N_("Bekræftelser"),
    "contract_end_at": N_("Kontraktens udløb"),
    "contract_expired": N_("Kontrakten udløbet"),
    "date": N_("Dato"),
    "decision": N_("Beslutning"),
    "declaration": N_("Erklæring"),
    "declined": N_("Takket nej"),
    "demand": N_("Efterspørgsel"),
    "development_phases": N_("Udviklingsfaser"),
    "exercise": N_("Udnyt"),
    "fewer_than_minimum": N_("Færre end minimum"),
    "final_tender_deadline_at": N_("Frist for endelige tilbud"),
    "invitation_sheet": N_("Opfordringsark"),
    "invited": N_("Opfordrede"),
    "joint_process": N_("Fælles forløb"),
    "joint_title": N_("Det fælles forløbs titel"),
    "kept": N_("Går videre"),
    "left": N_("Tilbage"),
    "legally_binding": N_("Juridisk bindende"),
    "micro_sprints": N_("Mikrosprint"),
    "need_description_version": N_("Behovsbeskrivelsens version"),
    "note": N_("Note"),
    "over_threshold": N_("Over tærskelværdien"),
    "own_procurement_record": N_("Egen anskaffelse"),
    "own_procurements": N_("Egne anskaffelser"),
    "partnership_terminated": N_("Partnerskabet ophørt"),
    "path": N_("Vej"),
    "phase_no": N_("Fase nr."),
    "phase_numbers": N_("Fasenumre"),
    "phase_record": N_("Fasens forløb"),
    "procedure": N_("Procedure"),
    "procedure_code": N_("Procedurekode"),
    "procurement_sheet": N_("Indkøbsark"),
    "ranked_tenders": N_("Rangordnede tilbud"),
    "ranking": N_("Rangorden"),
    "reduction": N_("Reduktion"),
    "reduction_notices": N_("Meddelelser om reduktion"),
    "rejected": N_("Afvist"),
    "rejected_tenders": N_("Afviste tilbud"),
    "removed": N_("Udgået"),
    "round": N_("Runde"),
    "round_bidders": N_("Rundens tilbudsgivere"),
    "round_no": N_("Runde nr."),
    "round_numbers": N_("Rundenumre"),
    "round_record": N_("Rundens forløb"),
    "score_sheet": N_("Pointark"),
    "signatories": N_("Underskrivere"),
    "signatory": N_("Underskriver"),
    "signature_sheet": N_("Underskriftsark"),
    "signatures": N_("Underskrifter"),
    "signed_demand": N_("Underskrevet efterspørgsel"),
    "sprint_sheet": N_("Sprintark"),
    "standstill_end": N_("Standstill-perioden udløber"),
    "standstill_end_at": N_("Standstill-perioden udløber"),
    "status_phase": N_("Status og fase"),
    "targets": N_("Delmål"),
    "tender_scores": N_("Tilbuddenes point"),
    "tenders": N_("Tilbud"),
    "threshold": N_("Tærskelværdi"),
    "threshold_value": N_("Tærskelværdi"),
    "tie": N_("Lighed"),
}


def field_label(key: str) -> str:
    """A data key as people name it: our label, else its form's title, else the key."""
    label = FIELD_LABELS.get(key)
    if label:
        return gettext(label)
    last = str(key).rsplit(".", 1)[-1]
    if FIELD_LABELS.get(last):
        return gettext(FIELD_LABELS[last])
    return form_words()[0].get(last) or last.replace("_", " ")


# several partners: a partner's contract terms beside the milestone review, and the keys of
# each partner's contract (shown in the audit's change table)
FIELD_LABELS.update({
    "ended_after_phase": N_("Ophørt efter fase"),
    "ended_after": N_("Ophørt efter"),
    "phase_done": N_("Fase afsluttet"),
    "done": N_("Afsluttet"),
    "all_ended": N_("Alle kontrakter ophørt"),
    "approve": N_("Godkend"),
    "contract": N_("Kontrakt"),
    "decisions": N_("Beslutninger"),
    "partner": N_("Partner"),
    "partners": N_("Partnere"),
    "partnerships": N_("Partnerskabskontrakter"),
    "pending": N_("Afventer"),
    "purchasing": N_("Køber"),
    "reason": N_("Begrundelse"),
    "remaining": N_("Tilbage"),
    "reviews": N_("Vurderinger"),
    "rework": N_("Omarbejdning"),
    "rework_deadline": N_("Frist for omarbejdning"),
    "signed": N_("Underskrevet"),
    "status": N_("Status"),
    "terminate": N_("Ophør"),
    "used": N_("Brugt"),
    "phase_terms": N_("Fasens vilkår i kontrakten"),
    "partner_fees": N_("Partnerens honorarer udbetalt"),
    "duration_days": N_("Varighed (dage)"),
    "fee": N_("Honorar"),
    "max_partners": N_("Højst antal partnere"),
    "phase_plan": N_("Faseplan"),
    "partner_reduction_allowed": N_("En partners kontrakt kan ophøre efter en fase"),
})


EVENT_KINDS = {
    "started": N_("Startet"),
    "completed": N_("Udført"),
    "claimed": N_("Taget"),
    "unclaimed": N_("Sat fri"),
    "cancelled": N_("Aflyst"),
    "timer_fired": N_("Tidsfrist udløb"),
    "migrated": N_("Flyttet til ny procesversion"),
    "incident": N_("Tidsfristen fejlede"),
    "incident_retried": N_("Prøvede tidsfristen igen"),
    "incident_resolved": N_("Markerede fejlen som løst"),
    "letter": N_("Brev dannet"),
    "complaint_registered": N_("Klage registreret"),
    "complaint_decided": N_("Klagenævnets afgørelse registreret"),
    "adviser_named": N_("Rådgiver udpeget"),
    "impartiality_declared": N_("Habilitetserklæring registreret"),
}


def event_kind(kind: str) -> str:
    """An audit event's kind as a person reads it: Udført, not 'completed'."""
    return gettext(EVENT_KINDS[kind]) if kind in EVENT_KINDS else kind


MODEL_NAMES = {
    "innovation_partnership": N_("Innovationspartnerskab"),
    "joint_scaling": N_("Fællesoffentlig skalering"),
}


def model_name(model: str) -> str:
    """A process model as people call it: Innovationspartnerskab, not its folder name."""
    return gettext(MODEL_NAMES[model]) if model in MODEL_NAMES else model


def init_app(app: Flask) -> None:
    try:
        compiled = messages.compile_all(Path(app.instance_path) / "translations")
    except OSError:  # a read-only instance folder: build them in the temporary folder
        compiled = messages.compile_all(Path(tempfile.gettempdir()) / "opiflow-translations")
    Babel(app, locale_selector=language, default_translation_directories=str(compiled))
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(_=gettext, language=language, LANGUAGES=LANGUAGES,
                                 model_name=model_name, event_kind=event_kind,
                                 field_label=field_label, basis_label=field_label)
    app.jinja_env.filters.update(number=number, money=money, day=day, moment=moment,
                                 points=points, pretty=pretty, display=display)

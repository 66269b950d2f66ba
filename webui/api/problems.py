"""Errors as ``application/problem+json`` (RFC 9457): type, title, status, detail, and
the engine's ``field``, ``hint``, ``element`` and per-field ``errors`` when it gave them.

Like the web pages, a 404 says nothing about what the caller may not see.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from flask import Response, current_app, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import InvalidData, Money, OpiflowError

from ..i18n import gettext as _

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def _titles() -> dict[int, str]:
    from ..errors import _titles as page_titles

    titles = page_titles()
    titles[401] = _("Log ind først")
    return titles


def _kind(err: OpiflowError) -> str:
    name = type(err).__name__
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def problem(status: int, detail: str = "", *, kind: str = "", **extra) -> Response:
    body = {"type": f"urn:opiflow:problem:{kind}" if kind else "about:blank",
            "title": _titles().get(status, _("Der opstod en fejl")), "status": status,
            "detail": detail}
    body.update({k: v for k, v in extra.items() if v})
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=MEDIA_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="opiflow"'
    return response


def _params(params: dict) -> dict | None:
    """A message's parameters as JSON values: an amount as its number, a date as an ISO
    date, anything else as it prints unless JSON has it."""
    def value(v):
        if isinstance(v, Money):
            return value(v.amount)
        if isinstance(v, bool | int | float | str) or v is None:
            return v
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, list | tuple | set | frozenset):
            return [value(x) for x in v]
        if isinstance(v, Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
        return str(v)

    return {k: value(v) for k, v in params.items()} or None


def problem_response(err: Exception) -> Response:
    """The problem document for any error raised while serving an API request."""
    if isinstance(err, OpiflowError):
        status = err.status if err.status in (401, 403, 404, 409, 422) else 400
        if status == 404:  # never say more about what one may not see
            return problem(404, _("Det, du leder efter, findes ikke, eller du har ikke "
                                  "adgang til det."), kind="not-found")
        errors = err.errors if isinstance(err, InvalidData) else None
        return problem(status, err.message, kind=_kind(err), field=err.field,
                       hint=err.hint, element=err.element, errors=errors,
                       message_id=err.template,
                       params=_params(err.params))
    if isinstance(err, CSRFError):
        return problem(400, _("Formularen var for gammel eller manglede sin "
                              "sikkerhedsnøgle."), kind="csrf",
                       hint="send the header X-CSRFToken, or use an API token")
    if isinstance(err, HTTPException):
        response = problem(err.code or 500, err.description or "")
        for name, value in err.get_headers():  # e.g. Allow on a 405
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response
    current_app.logger.exception("unexpected API error: %s %s", request.method,
                                 request.path)
    return problem(500, _("Noget gik galt hos os. Intet er ændret af fejlen."),
                   hint=_("Prøv igen om lidt. Fortsætter fejlen, så kontakt "
                          "systemets administrator."))

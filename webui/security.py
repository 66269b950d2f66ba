"""What every request and response goes through: bounded, clean input and safe headers.

Before a view runs, the request is refused (4xx, a page in the user's language) when it
carries a NUL byte anywhere (path, query, form) or more or longer fields than any of our
forms has. Every response says: only this app's own scripts run (no inline scripts),
never inside another site's frame, no content sniffing, no referrer to other sites.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from .i18n import gettext as _
from .i18n import number

MAX_FIELDS = 1000  # fields in one submitted form (the largest form has about 200)
MAX_FIELD_CHARS = 100_000  # characters in one field (about 40 pages of text)

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # bpmn-js and progress bars set style attributes
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class TooLarge(RequestEntityTooLarge):
    """A request with more or longer fields than a form can have (413)."""


def _has_nul(text: str) -> bool:
    return "\x00" in text


def check_request() -> None:
    """Refuse hostile input before any view reads it."""
    if _has_nul(request.path) or any(_has_nul(k) or _has_nul(v) for k, v in
                                     request.args.items(multi=True)):
        raise BadRequest(_("Adressen indeholder et tegn, der ikke kan bruges (NUL)."))
    if request.method != "POST":
        return
    form = request.form
    if len(form) + len(request.files) > MAX_FIELDS:
        raise TooLarge(_("Formularen har for mange felter (højst {n}).",
                         n=number(MAX_FIELDS)))
    for key, value in form.items(multi=True):
        if _has_nul(key) or _has_nul(value):
            raise BadRequest(_("Et felt indeholder et tegn, der ikke kan bruges (NUL)."))
        if len(value) > MAX_FIELD_CHARS:
            raise TooLarge(_("Et felt er for langt (højst {n} tegn).",
                             n=number(MAX_FIELD_CHARS)))


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(add_headers)

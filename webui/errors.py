"""One place that turns errors into pages: what went wrong and what to do, never a trace.

Engine errors carry their HTTP status (404, 403, 409, 422). A page the user may not see
answers 403 or 404 without any of its data. An unexpected error is logged with the
request's context and answered with a plain page.
"""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import OpiflowError

from .i18n import error_hint, error_message
from .i18n import gettext as _


def _titles() -> dict[int, str]:
    return {
        400: _("Forespørgslen kunne ikke bruges"),
        401: _("Log ind først"),
        403: _("Du har ikke adgang"),
        404: _("Siden findes ikke"),
        405: _("Handlingen er ikke tilladt her"),
        409: _("Nogen kom før dig"),
        413: _("Det sendte er for stort"),
        429: _("For mange forsøg"),
        422: _("Oplysningerne kan ikke bruges"),
        500: _("Der opstod en fejl"),
    }


def error_page(status: int, message: str = "", hint: str = ""):
    title = _titles().get(status, _("Der opstod en fejl"))
    return render_template("error.html", status=status, title=title, message=message,
                           hint=hint), status


def _engine_error(err: OpiflowError):
    status = err.status if err.status in (403, 404, 409, 422) else 400
    if status == 404:  # never say more about what one may not see
        return error_page(404, _("Det, du leder efter, findes ikke, eller du har ikke "
                                 "adgang til det."))
    return error_page(status, error_message(err), error_hint(err))


def _http_error(err: HTTPException):
    """Our own description (Danish, from abort or a refusal) is shown; werkzeug's
    English default never is."""
    ours = err.description and err.description != type(err).description
    message = err.description if ours else _default_messages().get(err.code, "")
    return error_page(err.code or 500, message)


def _default_messages() -> dict[int, str]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return {
        413: _("Det sendte fylder for meget (højst {mb} MB i alt). Intet er gemt.",
               mb=limit // (1024 * 1024)),
        429: _("For mange forsøg. Vent lidt, og prøv igen."),
    }


def _csrf_error(err: CSRFError):
    return error_page(400, _("Formularen var for gammel eller manglede sin "
                             "sikkerhedsnøgle."), _("Gå tilbage, genindlæs siden og prøv "
                                                   "igen."))


def _unexpected(err: Exception):
    if isinstance(err, HTTPException):
        return _http_error(err)
    user = current_user.get_id() if current_user and current_user.is_authenticated else "-"
    current_app.logger.exception("unexpected error: %s %s user=%s endpoint=%s",
                                 request.method, request.path, user, request.endpoint)
    return error_page(500, _("Noget gik galt hos os. Intet er ændret af fejlen."),
                      _("Prøv igen om lidt. Fortsætter fejlen, så kontakt "
                        "systemets administrator."))


def _or_problem(handler):
    """API requests get problem+json (webui/api/problems.py); pages get pages."""

    def handle(err):
        from .api.problems import is_api_request, problem_response

        return problem_response(err) if is_api_request() else handler(err)

    return handle


def init_app(app) -> None:
    app.register_error_handler(OpiflowError, _or_problem(_engine_error))
    app.register_error_handler(CSRFError, _or_problem(_csrf_error))
    app.register_error_handler(HTTPException, _or_problem(_http_error))
    app.register_error_handler(Exception, _or_problem(_unexpected))

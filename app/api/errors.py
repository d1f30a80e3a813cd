"""Every API error is {"error": {"code", "message"}} with the contract's status."""

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException

from app.api import bp
from app.lib.strict_json import Refused
from app.services.core import validation as v
from app.services.core.errors import Invalid, ServiceError

HTTP_CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "invalid",
    409: "conflict",
    413: "too_large",
    415: "invalid",
    429: "rate_limited",
}
# Werkzeug's own errors (an unknown URL, a wrong method) in the API's language.
HTTP_MESSAGES = {
    400: lazy_gettext("Requête invalide."),
    404: lazy_gettext("Adresse inconnue dans l'API."),
    405: lazy_gettext("Méthode non autorisée à cette adresse."),
    415: lazy_gettext("Type de contenu non pris en charge."),
    500: lazy_gettext("Erreur interne du serveur : l'opération n'a pas abouti, rien n'a été modifié. Réessayez ou prévenez l'équipe."),
}
NOT_JSON = lazy_gettext("Le corps doit être un objet JSON valide (Content-Type: application/json).")


def error_response(code: str, message: str, status: int, **extra):
    return jsonify({"error": {"code": code, "message": message, **extra}}), status


@bp.app_errorhandler(ServiceError)
def service_error(exc: ServiceError):
    return error_response(exc.code, exc.message, exc.status, **exc.extra)


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if not request.path.startswith("/api/"):
        return exc if (exc.code or 500) < 400 else page_error(exc)
    if exc.code == 413:
        return error_response("too_large", _("Requête trop volumineuse."), 413)
    default = exc.description == type(exc).description
    message = HTTP_MESSAGES.get(exc.code) if default else None
    return error_response(
        HTTP_CODES.get(exc.code, "invalid"), str(message or exc.description or exc.name), exc.code or 400
    )


# A page's error (the API answers JSON): the reader's words, never Werkzeug's English page nor a trace.
PAGE_ERRORS = {
    400: (lazy_gettext("Requête invalide"), lazy_gettext("La demande n'a pas pu être comprise.")),
    403: (lazy_gettext("Accès refusé"), lazy_gettext("Vous n'avez pas accès à cette page.")),
    404: (lazy_gettext("Page introuvable"), lazy_gettext("Cette adresse ne correspond à aucune page de Fabrique.")),
    405: (lazy_gettext("Méthode non autorisée"), lazy_gettext("Cette page ne s'utilise pas ainsi.")),
    413: (lazy_gettext("Envoi trop volumineux"), lazy_gettext("Ce qui a été envoyé dépasse la taille permise.")),
    429: (lazy_gettext("Trop de demandes"), lazy_gettext("Trop de demandes en peu de temps : patientez un instant puis réessayez.")),
    500: (
        lazy_gettext("Erreur interne"),
        lazy_gettext("Une erreur est survenue de notre côté ; rien n'a été modifié. Réessayez ou prévenez l'équipe."),
    ),
}


def page_error(exc: HTTPException):
    code = exc.code if exc.code in PAGE_ERRORS else (500 if (exc.code or 500) >= 500 else 400)
    heading, message = (str(text) for text in PAGE_ERRORS[code])
    try:
        return render_template("error.html", status=code, heading=heading, message=message), exc.code or code
    except Exception:  # the page itself failed (no request context for the menu…): the words alone
        return f"{heading}. {message}", exc.code or code, {"Content-Type": "text/plain; charset=utf-8"}


def json_body() -> dict:
    """The request's JSON object, checked at the edge (validation.payload): finite numbers,
    storable texts, bounded nesting, one client_id rule. Raises Invalid for anything else."""
    if not request.is_json:
        raise Invalid(NOT_JSON)
    try:
        data = current_app.json.loads(request.get_data(cache=True))
    except Refused as exc:  # a non-finite number, nesting too deep
        raise Invalid(str(exc)) from None
    except ValueError:  # not JSON, not UTF-8
        raise Invalid(NOT_JSON) from None
    return v.payload(data)

"""Every API error is {"error": {"code", "message"}} with the contract's status."""

from flask import current_app, jsonify, request
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
    400: "Requête invalide.",
    404: "Adresse inconnue dans l'API.",
    405: "Méthode non autorisée à cette adresse.",
    415: "Type de contenu non pris en charge.",
}
NOT_JSON = "Le corps doit être un objet JSON valide (Content-Type: application/json)."


def error_response(code: str, message: str, status: int, **extra):
    return jsonify({"error": {"code": code, "message": message, **extra}}), status


@bp.app_errorhandler(ServiceError)
def service_error(exc: ServiceError):
    return error_response(exc.code, exc.message, exc.status, **exc.extra)


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if not request.path.startswith("/api/"):
        return exc
    if exc.code == 413:
        return error_response("too_large", "Requête trop volumineuse.", 413)
    default = exc.description == type(exc).description
    message = HTTP_MESSAGES.get(exc.code) if default else None
    return error_response(HTTP_CODES.get(exc.code, "invalid"), message or exc.description or exc.name, exc.code or 400)


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

"""Every API error is {"error": {"code", "message"}} with the contract's status."""

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from app.api import bp
from app.services.core.errors import ServiceError

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
    return error_response(HTTP_CODES.get(exc.code, "invalid"), exc.description or exc.name, exc.code or 400)


def json_body() -> dict:
    """The request's JSON object. Raises Invalid for anything else."""
    from app.services.core.errors import Invalid

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Le corps doit être un objet JSON valide (Content-Type: application/json).")
    return data

"""JSON API /api/v1 (docs/protocol.md §2). Routes are thin: parse, identify, call one service."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from app.http import origin_checker
from app.identity import bearer
from app.services.core.errors import Forbidden

bp = Blueprint("api", __name__)

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@bp.before_request
def refuse_cross_site_writes():
    """A write authenticated by the session cookie must come from one of our pages (the blueprint is csrf-exempt
    for bearer clients): an allowed Origin (or Referer), else the CSRF token in `X-CSRFToken`. Raises Forbidden.

    Reads only the signed cookie, never the database, so it costs nothing before the body is read.
    """
    if request.method not in UNSAFE_METHODS or bearer():
        return  # a bearer token is never sent by a foreign page on its own
    if not (session.get("_user_id") or session.get("guests")):
        return  # no ambient credential: nothing a foreign page could borrow
    source = request.headers.get("Origin") or _origin_of(request.headers.get("Referer"))
    if source and source != "null":
        if origin_checker(current_app.config["ALLOWED_ORIGINS"])(source, request.environ):
            return
    else:
        try:
            return validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except ValidationError:
            pass
    raise Forbidden(
        _("Requête refusée : une modification faite avec votre session doit venir d'une page de Fabrique "
        "(ou porter le jeton CSRF dans l'en-tête X-CSRFToken). Un client de l'API s'authentifie par un jeton Bearer.")
    )


def _origin_of(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


from app.api import (  # noqa: E402, F401
    accounts,
    days,
    errors,
    hybrid,
    minutes,
    present,
    privacy,
    roadmaps,
    team,
    territories,
    workshops,
)

"""Who may open a workshop page: people who have not joined are sent to its join page."""

from flask import abort, redirect, url_for
from flask_login import current_user

from app.identity import request_actor
from app.services.core.actors import Actor
from app.services.core.errors import NotFound, ServiceError
from app.services.core.guards import leads
from app.services.workshop import workshops as service


def page_actor(code: str) -> Actor:
    """The caller's actor for workshop `code`; otherwise aborts with a redirect to /join/CODE."""
    try:
        return request_actor(service.get_workshop(code))
    except ServiceError:
        abort(redirect(url_for("main.join_code", code=service.normalize_code(code))))


def facilitated_workshop(code: str):
    """The workshop `code` if the logged-in user leads it; otherwise aborts with 404 or 403."""
    try:
        workshop = service.get_workshop(code)
    except NotFound:
        abort(404)
    if not leads(current_user, workshop):
        abort(403)
    return workshop

"""The projector's presenter link and the join page's early code check (docs/protocol.md §6)."""

from flask import jsonify, request, url_for

from app.api import bp
from app.api.errors import json_body
from app.identity import find_workshop, request_actor_for_code
from app.services.workshop import presenter


@bp.post("/workshops/<code>/presenter-link")
def presenter_link(code):
    actor = request_actor_for_code(code)
    if request.get_data(cache=True):  # no body needed; one sent is checked like any other
        json_body()
    token = presenter.create_presenter_link(actor)
    url = url_for("main.presenter_view", code=actor.workshop.code, token=token, _external=True)
    return jsonify({"url": url}), 201


@bp.get("/join/<code>")
def join_check(code):
    """Whether a workshop has this code, for the join page to say so before the name is typed.
    The same limiter as the join itself: a wrong code counts as a failed attempt (404, then 429)."""
    workshop = find_workshop(code)
    return jsonify({"exists": True, "code": workshop.code, "title": workshop.title})

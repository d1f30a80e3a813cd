"""Participants' rights (GDPR) over the API: their own data (`me`), or a facilitator acting on request."""

import json

from flask import jsonify, request

from app.api import bp
from app.api.errors import json_body
from app.http import attachment
from app.identity import bearer, request_actor_for_code
from app.services.privacy import rights as privacy


def _client_id():
    """The optional client_id of a JSON body; an empty body is accepted only with a bearer token,
    so no cross-site form can trigger these with a cookie. Raises Invalid."""
    data = {} if not request.get_data() and bearer() else json_body()
    return data.get("client_id")  # json_body holds it to the one client_id rule


def _download(data: dict, code: str, participant_id: int):
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return attachment(body, "json", f"mes-donnees-{code}-{participant_id}.json", no_store=True)


@bp.get("/workshops/<code>/me/export")
def my_export(code):
    actor = request_actor_for_code(code)
    data = privacy.export_participant(actor)
    return _download(data, actor.workshop.code, data["participant"]["id"])


@bp.post("/workshops/<code>/me/anonymise")
def my_anonymise(code):
    actor = request_actor_for_code(code)
    return jsonify(privacy.anonymise_participant(actor, client_id=_client_id()))


@bp.post("/workshops/<code>/me/delete")
def my_delete(code):
    actor = request_actor_for_code(code)
    return jsonify(privacy.delete_contributions(actor, client_id=_client_id()))


@bp.get("/workshops/<code>/participants/<int:pid>/export")
def participant_export(code, pid):
    actor = request_actor_for_code(code)
    return _download(privacy.export_participant(actor, pid), actor.workshop.code, pid)


@bp.post("/workshops/<code>/participants/<int:pid>/anonymise")
def participant_anonymise(code, pid):
    actor = request_actor_for_code(code)
    return jsonify(privacy.anonymise_participant(actor, pid, client_id=_client_id()))


@bp.post("/workshops/<code>/participants/<int:pid>/delete")
def participant_delete(code, pid):
    actor = request_actor_for_code(code)
    return jsonify(privacy.delete_contributions(actor, pid, client_id=_client_id()))

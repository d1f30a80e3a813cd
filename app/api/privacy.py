"""Participants' rights (GDPR) over the API: their own data (`me`), or a facilitator acting on request."""

import json

from flask import jsonify, request

from app.api import bp
from app.api.errors import json_body
from app.http import attachment
from app.identity import bearer, request_actor
from app.services.core.errors import Invalid
from app.services.privacy import rights as privacy
from app.services.workshop.workshops import get_workshop


def _client_id():
    """The optional client_id of a JSON body; an empty body is accepted only with a bearer token,
    so no cross-site form can trigger these with a cookie. Raises Invalid."""
    data = {} if not request.get_data() and bearer() else json_body()
    cid = data.get("client_id")
    if cid is not None and (not isinstance(cid, str) or not 0 < len(cid) <= 64):
        raise Invalid("« client_id » doit être un texte de 1 à 64 caractères.", field="client_id")
    return cid


def _download(data: dict, code: str, participant_id: int):
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return attachment(body, "json", f"mes-donnees-{code}-{participant_id}.json", no_store=True)


@bp.get("/workshops/<code>/me/export")
def my_export(code):
    actor = request_actor(get_workshop(code))
    data = privacy.export_participant(actor)
    return _download(data, actor.workshop.code, data["participant"]["id"])


@bp.post("/workshops/<code>/me/anonymise")
def my_anonymise(code):
    actor = request_actor(get_workshop(code))
    return jsonify(privacy.anonymise_participant(actor, client_id=_client_id()))


@bp.post("/workshops/<code>/me/delete")
def my_delete(code):
    actor = request_actor(get_workshop(code))
    return jsonify(privacy.delete_contributions(actor, client_id=_client_id()))


@bp.get("/workshops/<code>/participants/<int:pid>/export")
def participant_export(code, pid):
    actor = request_actor(get_workshop(code))
    return _download(privacy.export_participant(actor, pid), actor.workshop.code, pid)


@bp.post("/workshops/<code>/participants/<int:pid>/anonymise")
def participant_anonymise(code, pid):
    actor = request_actor(get_workshop(code))
    return jsonify(privacy.anonymise_participant(actor, pid, client_id=_client_id()))


@bp.post("/workshops/<code>/participants/<int:pid>/delete")
def participant_delete(code, pid):
    actor = request_actor(get_workshop(code))
    return jsonify(privacy.delete_contributions(actor, pid, client_id=_client_id()))

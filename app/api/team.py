"""Co-facilitation (docs/protocol.md « Co-animation »): the facilitators of a workshop or a roadmap."""

from flask import jsonify
from flask_babel import gettext as _

from app.api import bp
from app.api.errors import json_body
from app.identity import request_actor_for_code, request_user
from app.services.core.facilitators import add_facilitator, facilitator_dicts, remove_facilitator
from app.services.core.guards import require_facilitator
from app.services.roadmaps.operations import led_roadmap


def _workshop(code: str, what: str):
    actor = request_actor_for_code(code)
    require_facilitator(actor, what)
    return actor.user, actor.workshop


@bp.get("/workshops/<code>/facilitators")
def workshop_facilitators(code):
    _user, workshop = _workshop(code, _("voir les animateurs"))
    return jsonify({"facilitators": facilitator_dicts(workshop)})


@bp.post("/workshops/<code>/facilitators")
def add_workshop_facilitator(code):
    user, workshop = _workshop(code, _("ajouter un co-animateur"))
    colleague = add_facilitator(user, workshop, json_body().get("email"))
    return jsonify({"user": colleague.to_dict(), "facilitators": facilitator_dicts(workshop)}), 201


@bp.delete("/workshops/<code>/facilitators/<int:user_id>")
def remove_workshop_facilitator(code, user_id):
    user, workshop = _workshop(code, _("retirer un co-animateur"))
    remove_facilitator(user, workshop, user_id)
    return jsonify({"facilitators": facilitator_dicts(workshop)})


@bp.get("/roadmaps/<int:roadmap_id>/facilitators")
def roadmap_facilitators(roadmap_id):
    roadmap = led_roadmap(roadmap_id, request_user(), _("voir ses animateurs"))
    return jsonify({"facilitators": facilitator_dicts(roadmap)})


@bp.post("/roadmaps/<int:roadmap_id>/facilitators")
def add_roadmap_facilitator(roadmap_id):
    user = request_user()
    roadmap = led_roadmap(roadmap_id, user, _("ajouter un co-animateur"))
    colleague = add_facilitator(user, roadmap, json_body().get("email"))
    return jsonify({"user": colleague.to_dict(), "facilitators": facilitator_dicts(roadmap)}), 201


@bp.delete("/roadmaps/<int:roadmap_id>/facilitators/<int:user_id>")
def remove_roadmap_facilitator(roadmap_id, user_id):
    user = request_user()
    roadmap = led_roadmap(roadmap_id, user, _("retirer un co-animateur"))
    remove_facilitator(user, roadmap, user_id)
    return jsonify({"facilitators": facilitator_dicts(roadmap)})

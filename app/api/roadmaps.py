"""Roadmap endpoints (docs/protocol.md §2 /api/v1/roadmaps…). Thin: parse, identify, call one service."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.errors import json_body
from app.http import attachment
from app.identity import FACILITATOR_PREFIX, bearer, request_actor_for_code, request_user
from app.services.core.guards import leads
from app.services.roadmaps import housekeeping
from app.services.roadmaps import import_export as roadmap_io
from app.services.roadmaps import operations as service
from app.services.roadmaps.promote import promote_to_action
from app.services.roadmaps.views import trace


def viewer():
    """The facilitator if one is identified, else None (a visitor); a bad facilitator token is still refused."""
    token = bearer()
    if token and not token.startswith(FACILITATOR_PREFIX):
        return None  # a participant's token reads what visitors read
    if token or current_user.is_authenticated:
        return request_user()
    return None


@bp.get("/roadmaps")
def list_roadmaps():
    """Published roadmaps and those the caller leads; `?mine=1`: only those (where they may promote)."""
    user = viewer()
    mine = request.args.get("mine") in ("1", "true")
    items = []
    for roadmap in service.visible_roadmaps(user):
        facilitating = leads(user, roadmap)
        if mine and not facilitating:
            continue
        summary = {**service.roadmap_summary(roadmap), "facilitating": facilitating}
        summary["actions"] = [{"id": a.id, "axis_id": a.axis_id, "title": a.title} for a in roadmap.actions]
        items.append(summary)
    return jsonify({"roadmaps": items})


@bp.post("/roadmaps")
def create_roadmap():
    user = request_user()
    roadmap = service.create_roadmap(user, json_body())
    return jsonify(service.roadmap_dict(roadmap, user)), 201


@bp.get("/roadmaps/<int:roadmap_id>")
def get_roadmap(roadmap_id):
    user = viewer()
    return jsonify(service.roadmap_dict(service.get_roadmap(roadmap_id, user), user))


@bp.patch("/roadmaps/<int:roadmap_id>")
def patch_roadmap(roadmap_id):
    user = request_user()
    roadmap = service.update_roadmap(user, roadmap_id, json_body())
    return jsonify(service.roadmap_dict(roadmap, user))


@bp.post("/roadmaps/<int:roadmap_id>/actions")
def create_action(roadmap_id):
    user = request_user()
    action = service.create_action(user, roadmap_id, json_body())
    return jsonify(service.action_dict(action, user)), 201


@bp.get("/roadmaps/<int:roadmap_id>/actions/<int:action_id>")
def get_action(roadmap_id, action_id):
    user = viewer()
    action = service.get_action(service.get_roadmap(roadmap_id, user), action_id)
    return jsonify(trace(action, user))


@bp.patch("/roadmaps/<int:roadmap_id>/actions/<int:action_id>")
def patch_action(roadmap_id, action_id):
    user = request_user()
    action = service.update_action(user, roadmap_id, action_id, json_body())
    return jsonify(service.action_dict(action, user))


@bp.get("/roadmaps/<int:roadmap_id>/export")
def export_roadmap(roadmap_id):
    user = viewer()
    roadmap = service.get_roadmap(roadmap_id, user)
    body, mimetype, filename = roadmap_io.export_roadmap(
        roadmap, user, request.args.get("format", "json"), request.args.get("sep")
    )
    return attachment(body, mimetype, filename)


@bp.post("/roadmaps/<int:roadmap_id>/import")
def import_roadmap(roadmap_id):
    result = roadmap_io.import_csv(request_user(), roadmap_id, request.get_data(cache=False))
    return jsonify(result)


@bp.delete("/roadmaps/<int:roadmap_id>/actions/<int:action_id>")
def delete_action(roadmap_id, action_id):
    action = housekeeping.delete_action(request_user(), roadmap_id, action_id)
    return jsonify({"deleted": action.id})


@bp.post("/roadmaps/<int:roadmap_id>/actions/<int:action_id>/merge")
def merge_action(roadmap_id, action_id):
    user = request_user()
    target = housekeeping.merge_actions(user, roadmap_id, action_id, json_body().get("into"))
    return jsonify(service.action_dict(target, user))


@bp.post("/roadmaps/<int:roadmap_id>/actions/<int:action_id>/sources")
def link_sources(roadmap_id, action_id):
    """Link ideas, a group or a minutes line of one workshop to this action: `idea.promote` with `action_id`."""
    service.led_roadmap(roadmap_id, request_user(), _("lier des sources à ses actions"))
    data = json_body()
    actor = request_actor_for_code(str(data.get("workshop") or ""))
    payload = {k: data[k] for k in ("idea_id", "idea_ids", "group_id", "minutes_line") if k in data}
    result = promote_to_action(actor, {**payload, "roadmap_id": roadmap_id, "action_id": action_id})
    return jsonify(result), 201

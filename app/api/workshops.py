from flask import jsonify, request, url_for

from app.api import bp
from app.api.errors import json_body
from app.http import attachment
from app.identity import join_limited, login_limited, request_actor_for_code, request_user, token_for_user
from app.services.core import validation as v
from app.services.minutes.operations import minutes_markdown_html
from app.services.workshop import board, exports, ideas, participants, roster
from app.services.workshop import workshops as service


@bp.post("/auth/token")
def auth_token():
    data = json_body()
    user = login_limited(data.get("email"), data.get("password"))
    return jsonify({"token": token_for_user(user), "user": user.to_dict()})


def workshop_json(workshop) -> dict:
    info = service.workshop_info(workshop)
    info["columns"] = service.columns_of(workshop)
    info["join_url"] = url_for("main.join_code", code=workshop.code, _external=True)
    return info


@bp.post("/workshops")
def create_workshop():
    workshop = service.create_workshop(request_user(), json_body())
    return jsonify(workshop_json(workshop)), 201


@bp.get("/workshops/<code>")
def get_workshop(code):
    actor = request_actor_for_code(code)
    return jsonify(board.snapshot(actor))


@bp.patch("/workshops/<code>")
def patch_workshop(code):
    actor = request_actor_for_code(code)
    service.update_workshop(actor, json_body())
    return jsonify(workshop_json(actor.workshop))


@bp.post("/workshops/<code>/participants")
def join(code):
    participant, token = join_limited(code, json_body())
    return jsonify({"participant": participant.to_dict(), "token": token}), 201


@bp.patch("/workshops/<code>/participants/<int:pid>")
def patch_participant(code, pid):
    actor = request_actor_for_code(code)
    return jsonify(participants.update_participant(actor, pid, json_body()))


@bp.get("/workshops/<code>/participants")
def list_participants(code):
    actor = request_actor_for_code(code)
    return jsonify(roster.list_participants(actor))


@bp.delete("/workshops/<code>/participants/<int:pid>")
def remove_participant(code, pid):
    actor = request_actor_for_code(code)
    return jsonify(roster.remove_participant(actor, pid))


@bp.post("/workshops/<code>/duplicate")
def duplicate_workshop(code):
    actor = request_actor_for_code(code)
    data = json_body() if request.get_data(cache=True) else {}
    return jsonify(workshop_json(service.duplicate_workshop(actor, data.get("title")))), 201


@bp.post("/workshops/<code>/ideas")
def post_idea(code):
    actor = request_actor_for_code(code)
    data = json_body()
    result = ideas.create_idea(actor, data.get("column_id"), data.get("text"), data.get("color"), data.get("client_id"))
    return jsonify(v.answer_of(result, "idea")), 201


@bp.get("/workshops/<code>/events")
def events(code):
    actor = request_actor_for_code(code)
    since = v.query_int(request.args.get("since"), "since", default=0)
    return jsonify(board.replay(actor, since))


@bp.get("/workshops/<code>/minutes")
def minutes(code):
    actor = request_actor_for_code(code)
    return jsonify(minutes_markdown_html(actor))


@bp.get("/workshops/<code>/export")
def export(code):
    actor = request_actor_for_code(code)
    fmt = request.args.get("format", "json")
    scope, sep = request.args.get("scope", "ideas"), request.args.get("sep")
    body, mimetype, filename = exports.export_workshop(actor, fmt, scope, sep)
    return attachment(body, mimetype, filename)

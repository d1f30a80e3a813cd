"""Hybrid meetings over REST: device-less tables, equity panel, attendance sheet.

Same services as the Socket.IO `table.*` commands, so the same rules and live events.
"""

from flask import jsonify, request

from app.api import bp
from app.api.errors import json_body
from app.http import attachment
from app.identity import request_actor_for_code
from app.services.core import validation as v
from app.services.workshop import equity, tables


def _actor(code: str):
    return request_actor_for_code(code)


@bp.get("/workshops/<code>/tables")
def list_tables(code):
    return jsonify({"tables": tables.list_tables(_actor(code))})


@bp.post("/workshops/<code>/tables")
def create_table(code):
    actor, data = _actor(code), json_body()
    result = tables.create_table(
        actor, data.get("name"), data.get("size"), client_id=data.get("client_id"), college=data.get("college")
    )
    return jsonify(result), 201


@bp.post("/workshops/<code>/tables/<int:table_id>/ideas")
def post_table_idea(code, table_id):
    actor, data = _actor(code), json_body()
    result = tables.post_for_table(
        actor, table_id, data.get("column_id"), data.get("text"), data.get("color"), client_id=data.get("client_id")
    )
    return jsonify(v.answer_of(result, "idea")), 201


@bp.post("/workshops/<code>/tables/<int:table_id>/votes")
def cast_table_vote(code, table_id):
    actor, data = _actor(code), json_body()
    result = tables.vote_for_table(
        actor, table_id, data.get("idea_id"), data.get("grade"), client_id=data.get("client_id")
    )
    return jsonify(result)


@bp.delete("/workshops/<code>/tables/<int:table_id>/votes/<int:idea_id>")
def retract_table_vote(code, table_id, idea_id):
    return jsonify(tables.retract_for_table(_actor(code), table_id, idea_id))


@bp.get("/workshops/<code>/equity")
def equity_report(code):
    return jsonify(equity.equity_report(_actor(code)))


@bp.get("/workshops/<code>/attendance.csv")
def attendance(code):
    actor = _actor(code)
    body = equity.attendance_csv(actor, request.args.get("sep"))
    return attachment(body, "csv", f"emargement-{actor.workshop.code}.csv")

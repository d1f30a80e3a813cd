"""Territories (docs/protocol.md « Territoires »): anyone lists them, admins create them."""

from flask import jsonify

from app.api import bp
from app.api.errors import json_body
from app.identity import request_user
from app.services.core import territories as service


@bp.get("/territories")
def list_territories():
    return jsonify({"territories": [service.territory_dict(t) for t in service.list_territories()]})


@bp.post("/territories")
def create_territory():
    territory = service.create_territory(request_user(), json_body())
    return jsonify(service.territory_dict(territory)), 201

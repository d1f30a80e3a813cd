"""Co-facilitation (docs/protocol.md « Co-animation », §12.6): the facilitators of a workshop, a roadmap or a day,
one set of routes for the three."""

from flask import jsonify
from flask_babel import lazy_gettext

from app.api import bp
from app.api.errors import json_body
from app.identity import request_actor_for_code, request_user
from app.services.core.facilitators import add_facilitator, facilitator_dicts, remove_facilitator
from app.services.core.guards import require_facilitator
from app.services.days.membership import day_by_id, require_day_lead
from app.services.roadmaps.operations import led_roadmap


def _workshop(what: str, code: str):
    actor = request_actor_for_code(code)
    require_facilitator(actor, what)
    return actor.user, actor.workshop


def _roadmap(what: str, roadmap_id: int):
    user = request_user()
    return user, led_roadmap(roadmap_id, user, what)


def _day(what: str, day_id: int):
    """Co-facilitation of the day (overview, restitution, report) — not of its ateliers (§12.6)."""
    user = request_user()
    day = day_by_id(day_id)
    require_day_lead(user, day, what)
    return user, day


def facilitator_routes(kind: str, rule: str, led) -> None:
    """`GET|POST {rule}/facilitators` and `DELETE {rule}/facilitators/<user_id>` for the thing
    `led(what, key) -> (user, thing)` gives its leads (endpoints `[add_|remove_]{kind}_facilitator[s]`)."""

    def listing(**key):
        _user, thing = led(lazy_gettext("voir les animateurs"), *key.values())
        return jsonify({"facilitators": facilitator_dicts(thing)})

    def add(**key):
        user, thing = led(lazy_gettext("ajouter un co-animateur"), *key.values())
        colleague = add_facilitator(user, thing, json_body().get("email"))
        return jsonify({"user": colleague.to_dict(), "facilitators": facilitator_dicts(thing)}), 201

    def remove(user_id, **key):
        user, thing = led(lazy_gettext("retirer un co-animateur"), *key.values())
        remove_facilitator(user, thing, user_id)
        return jsonify({"facilitators": facilitator_dicts(thing)})

    bp.add_url_rule(f"{rule}/facilitators", f"{kind}_facilitators", listing, methods=["GET"])
    bp.add_url_rule(f"{rule}/facilitators", f"add_{kind}_facilitator", add, methods=["POST"])
    bp.add_url_rule(f"{rule}/facilitators/<int:user_id>", f"remove_{kind}_facilitator", remove, methods=["DELETE"])


facilitator_routes("workshop", "/workshops/<code>", _workshop)
facilitator_routes("roadmap", "/roadmaps/<int:roadmap_id>", _roadmap)
facilitator_routes("day", "/days/<int:day_id>", _day)

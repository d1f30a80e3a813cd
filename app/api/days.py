"""Days and processes (docs/protocol.md §12). Thin: parse, identify, call one service."""

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.errors import json_body
from app.api.minutes import PRINT_CSP, print_page
from app.http import attachment
from app.identity import actor_for, bearer, count_wrong_code, request_user
from app.services.core.errors import NotFound, Unauthorized
from app.services.days import days as service
from app.services.days import processes, report
from app.services.days import restitution as restitution_service  # also registers the closing hook
from app.services.days.membership import day_by_id, plenary_of


def day_json(day) -> dict:
    return dict(service.day_info(day), join_url=url_for("main.day_page", code=day.code, _external=True))


@bp.post("/days")
def create_day():
    day = service.create_day(request_user(), json_body())
    return jsonify(day_json(day)), 201


@bp.get("/days/<int:day_id>")
def get_day(day_id):
    overview = service.day_overview(request_user(), day_id)
    return jsonify(dict(overview, join_url=url_for("main.day_page", code=overview["code"], _external=True)))


@bp.post("/days/<code>/participants")
def join_day(code):
    try:  # a wrong day code counts as a failed join attempt, limited per address (docs/deployment.md)
        service.day_by_code(code)
    except NotFound:
        count_wrong_code()
        raise
    participant, token, workshop = service.join_day(code, json_body())
    board = url_for("main.board_page", code=workshop.code, _external=True)
    return jsonify({"participant": participant.to_dict(), "token": token, "workshop": _workshop(workshop, board)}), 201


def _workshop(workshop, board_url: str) -> dict:
    return {"code": workshop.code, "title": workshop.title, "role": workshop.day_role, "board_url": board_url}


@bp.post("/days/<code>/move")
def move(code):
    participant, workshop = service.move(code, bearer(), json_body())
    board = url_for("main.board_page", code=workshop.code, _external=True)
    return jsonify({"participant": participant.to_dict(), "workshop": _workshop(workshop, board)})


@bp.get("/days/<code>/me")
def my_day(code):
    return jsonify(service.my_day(code, bearer()))


@bp.get("/days/<int:day_id>/restitution")
def get_restitution(day_id):
    day, cards = restitution_service.restitution(day_id)
    _require_plenary_reader(day)
    return jsonify(cards)


@bp.post("/days/<int:day_id>/restitution")
def send_restitution(day_id):
    """A facilitator sends an atelier's card now: `{workshop: CODE}`."""
    data = json_body()
    day, _cards = restitution_service.restitution(day_id)
    card = restitution_service.request_restitution(request_user(), str(data.get("workshop") or ""), day)
    return jsonify(card), 201


def _require_plenary_reader(day) -> None:
    """The day's facilitators, the plenary's facilitators and its participants. Raises Unauthorized, Forbidden."""
    token = bearer()
    if token is None or token.startswith("f."):
        restitution_service.require_reader(request_user(), day)
        return
    plenary = plenary_of(day)
    if plenary is None:
        raise Unauthorized(_("Cette journée n'a pas encore de plénière."))
    actor_for(plenary, token)  # raises unless the token is a participant's of the plenary


@bp.get("/days/<int:day_id>/export")
def export_day(day_id):
    fmt = request.args.get("format", "md")
    body, mimetype, filename = report.export_day(request_user(), day_id, fmt)
    if fmt != "html":
        return attachment(body, mimetype, filename)
    # The printable page (print it or save it as PDF from the browser), as for the minutes.
    response = attachment(print_page(body, _("Journée — %(title)s", title=day_by_id(day_id).title)), mimetype, filename, inline=True, no_store=True)
    response.headers["Content-Security-Policy"] = PRINT_CSP
    return response


@bp.post("/processes")
def create_process():
    process = processes.create_process(request_user(), json_body())
    return jsonify(dict(processes.process_json(process), url=url_for("main.process_page", process_id=process.id))), 201


@bp.post("/processes/<int:process_id>/sessions")
def add_process_session(process_id):
    session = processes.add_session(request_user(), process_id, json_body())
    return jsonify({"position": session.position, "workshop_id": session.workshop_id, "day_id": session.day_id}), 201


@bp.get("/processes/<int:process_id>")
def get_process(process_id):
    return jsonify(processes.process_view(request_user(), process_id))

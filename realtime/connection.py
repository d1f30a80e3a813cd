"""Connecting and leaving: authentication, rooms, presence."""

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from app.extensions import socketio
from app.identity import actor_for
from app.services.core.errors import NotFound, ServiceError
from app.services.workshop import presence
from app.services.workshop.workshops import get_workshop
from models import db
from realtime import broadcast
from realtime import presence as live_presence
from realtime.state import SOCKETS, SocketState


@socketio.on("connect")
def on_connect(auth=None):
    auth = auth if isinstance(auth, dict) else {}
    try:
        code = auth.get("workshop")
        if not isinstance(code, str) or not code:
            raise NotFound("Indiquez le code de l'atelier (auth.workshop).")
        workshop = get_workshop(code)
        token = auth.get("token") if isinstance(auth.get("token"), str) else None
        user = current_user if current_user.is_authenticated else None
        actor = actor_for(workshop, token, user)
        state = SocketState(
            workshop.id, workshop.code, getattr(actor.user, "id", None), actor.participant_id, actor.role
        )
        presence.connect(request.sid, live_presence.PROCESS_ID, actor)
        online = presence.online(workshop.id)
    except ServiceError as exc:
        db.session.rollback()
        raise ConnectionRefusedError(exc.message) from None
    finally:
        db.session.remove()
    SOCKETS[request.sid] = state
    for room in broadcast.rooms_for(state):
        join_room(room)
    broadcast.presence(state.workshop_id, online, sid=request.sid)
    live_presence.ensure_heartbeat()


@socketio.on("disconnect")
def on_disconnect(*_args):
    state = SOCKETS.pop(request.sid, None)
    if state is None:
        return
    try:
        presence.disconnect(request.sid, state.workshop_id)
    finally:
        db.session.remove()

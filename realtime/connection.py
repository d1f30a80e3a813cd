"""Connecting and leaving: authentication, caps, rooms, presence.

Connections are capped per participant (tabs and devices) and per client address (generous: a
whole room may share one NAT), counted among this process's sockets (docs/deployment.md).
"""

import hashlib
from collections import Counter

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from app import i18n
from app.extensions import socketio
from app.identity import actor_for_code
from app.services.core.errors import NotFound, RateLimited, ServiceError
from app.services.workshop import presence
from app.services.workshop.presenter import presenter_actor
from app.services.workshop.workshops import hash_token
from models import db
from realtime import broadcast
from realtime import presence as live_presence
from realtime.state import SOCKETS, SocketState

TOO_MANY_FROM_ADDRESS = lazy_gettext(
    "Trop de connexions ouvertes depuis votre adresse réseau ({limit} au plus) : réessayez plus tard."
)
TOO_MANY_FOR_PARTICIPANT = lazy_gettext(
    "Vous avez déjà {limit} connexions ouvertes à cet atelier (onglets ou appareils) : "
    "fermez-en une pour en ouvrir une autre."
)
_open: Counter = Counter()  # this process's open sockets per ("address", hash) and ("participant", id)


@socketio.on("connect")
def on_connect(auth=None):
    slots: list[tuple] = []
    auth = auth if isinstance(auth, dict) else {}
    i18n.forget()
    i18n.speak(i18n.choose(auth.get("lang")) or i18n.language())
    try:
        state, online = _admit(auth, slots)
    except BaseException:
        _release(slots)
        raise
    state.lang = g.lang
    SOCKETS[request.sid] = state
    for room in broadcast.rooms_for(state):
        join_room(room)
    broadcast.presence(state.workshop_id, online, sid=request.sid)
    live_presence.ensure_heartbeat()


def _admit(auth: dict, slots: list[tuple]) -> tuple[SocketState, dict]:
    """Who connects, within the caps (each slot taken is added to `slots`); the socket enters presence.
    Raises ConnectionRefusedError with the reason."""
    config = current_app.config
    try:
        slots.append(_take(("address", _address()), config["SOCKETS_PER_ADDRESS"], TOO_MANY_FROM_ADDRESS))
        code = auth.get("workshop")
        if not isinstance(code, str) or not code:
            raise NotFound(_("Indiquez le code de l'atelier (auth.workshop)."))
        if "presenter" in auth:
            return _admit_presenter(code, auth["presenter"], tuple(slots))
        token = auth.get("token") if isinstance(auth.get("token"), str) else None
        user = current_user if current_user.is_authenticated else None
        # An unknown code is refused like a real one the caller may not enter: no code oracle.
        actor = actor_for_code(code, token, user)
        workshop = actor.workshop
        if actor.participant_id is not None:
            key, limit = ("participant", actor.participant_id), config["SOCKETS_PER_PARTICIPANT"]
            slots.append(_take(key, limit, TOO_MANY_FOR_PARTICIPANT))
        user_id = getattr(actor.user, "id", None)
        state = SocketState(workshop.id, workshop.code, user_id, actor.participant_id, actor.role, tuple(slots))
        presence.connect(request.sid, live_presence.PROCESS_ID, actor)
        return state, presence.online(workshop.id)
    except ServiceError as exc:
        db.session.rollback()
        raise ConnectionRefusedError(exc.message) from None
    finally:
        db.session.remove()


def _admit_presenter(code: str, token, slots: tuple) -> tuple[SocketState, dict]:
    """A presenter link's socket: read-only, counted in no one's presence, sees the public view. Raises Unauthorized."""
    actor = presenter_actor(code, token)
    workshop = actor.workshop
    state = SocketState(workshop.id, workshop.code, None, None, "presenter", slots, presenter_hash=hash_token(token))
    # Its connection row (no participant, no account: not in the list of who is online) lets a new link
    # find and close it in any process.
    presence.connect(request.sid, live_presence.PROCESS_ID, actor)
    return state, presence.online(workshop.id)


def _address() -> str:
    # Hashed like the join limiter's keys: no address is kept in clear.
    return hashlib.sha256((request.remote_addr or "?").encode()).hexdigest()[:24]


def _take(key: tuple, limit: int, refusal: str) -> tuple:
    """Count one more socket under `key`, or refuse it once `limit` are open. Raises RateLimited."""
    if current_app.config["RATE_LIMITS"] and 0 < limit <= _open[key]:
        raise RateLimited(refusal.format(limit=limit))
    _open[key] += 1
    return key


def _release(slots) -> None:
    for key in slots:
        _open[key] -= 1
        if _open[key] <= 0:
            del _open[key]


@socketio.on("disconnect")
def on_disconnect(*_args):
    """No database work here: engineio runs this handler in whichever greenlet noticed that the
    socket is gone, e.g. one emitting after its own commit (a missed ping is seen on send), whose
    session is not ours to use or close. Presence forgets the socket in a task of its own."""
    state = SOCKETS.pop(request.sid, None)
    if state is None:
        return
    _release(state.slots)
    live_presence.forget(current_app._get_current_object(), request.sid, state.workshop_id)

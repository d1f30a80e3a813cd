"""The only place that emits workshop events.

Committed events are fanned out per audience — facilitators, the author,
everyone else — through the visibility rules. Tallies and presence are
coalesced per workshop so a storm of votes or joins costs each client a
bounded number of frames per second.
"""

import logging
import threading
import uuid

from flask import Flask

from app.extensions import socketio
from app.services import presence
from app.services.actors import Viewer
from app.services.events import Outgoing, add_publisher
from app.services.visibility import view_event
from app.services.votes import flush_tallies
from models import db

log = logging.getLogger("fabrique.broadcast")
PROCESS_ID = uuid.uuid4().hex
TALLY_WINDOW = 0.1
PRESENCE_WINDOW = 0.5
HEARTBEAT_EVERY = 10

_app: Flask | None = None
_lock = threading.Lock()
_dirty_tallies: dict[int, set[int]] = {}
_dirty_presence: set[int] = set()
_heartbeat_started = False


def room(workshop_id: int, audience: str = "all") -> str:
    return f"w:{workshop_id}" if audience == "all" else f"w:{workshop_id}:{audience}"


def participant_room(participant_id: int) -> str:
    return f"p:{participant_id}"


def rooms_for(state) -> list[str]:
    if state.role == "facilitator":
        return [room(state.workshop_id), room(state.workshop_id, "f")]
    return [room(state.workshop_id), room(state.workshop_id, "p"), participant_room(state.participant_id)]


def install(app: Flask) -> None:
    global _app
    _app = app
    add_publisher(publish)


def publish(outbox: list) -> None:
    """Called after a commit with the events and signals it queued."""
    for item in outbox:
        if isinstance(item, Outgoing):
            _fan_out(item)
        elif item.get("kind") == "tally":
            _mark_tally(item["workshop_id"], item["idea_id"])


def _fan_out(out: Outgoing) -> None:
    env = out.envelope
    socketio.emit("event", env, to=room(out.workshop_id, "f"))
    author_id = (env["data"].get("author") or {}).get("id") if env["type"].startswith("idea.") else None
    if author_id is not None:
        # The author may see more (own hidden idea); clients drop the second copy by seq.
        own = view_event(env, out.phase, out.settings, Viewer(False, author_id))
        socketio.emit("event", own, to=participant_room(author_id))
    public = view_event(env, out.phase, out.settings, Viewer(False, None))
    socketio.emit("event", public, to=room(out.workshop_id, "p"))


def _mark_tally(workshop_id: int, idea_id: int) -> None:
    with _lock:
        pending = workshop_id in _dirty_tallies
        _dirty_tallies.setdefault(workshop_id, set()).add(idea_id)
    if not pending:
        socketio.start_background_task(_flush_tallies_later, workshop_id)


def _flush_tallies_later(workshop_id: int) -> None:
    socketio.sleep(TALLY_WINDOW)
    with _lock:
        ideas = _dirty_tallies.pop(workshop_id, set())
    if not ideas:
        return
    with _app.app_context():
        try:
            flush_tallies(workshop_id, ideas)
        except Exception:
            log.exception("tally flush failed for workshop %s", workshop_id)
            db.session.rollback()
        finally:
            db.session.remove()


def presence_changed(workshop_id: int) -> None:
    with _lock:
        pending = workshop_id in _dirty_presence
        _dirty_presence.add(workshop_id)
    if not pending:
        socketio.start_background_task(_presence_later, workshop_id)


def _presence_later(workshop_id: int) -> None:
    socketio.sleep(PRESENCE_WINDOW)
    with _lock:
        _dirty_presence.discard(workshop_id)
    with _app.app_context():
        try:
            data = presence.online(workshop_id)
        finally:
            db.session.remove()
    socketio.emit("presence", data, to=room(workshop_id))


def ensure_heartbeat() -> None:
    global _heartbeat_started
    with _lock:
        if _heartbeat_started:
            return
        _heartbeat_started = True
    socketio.start_background_task(_heartbeat_loop)


def _heartbeat_loop() -> None:
    while True:
        socketio.sleep(HEARTBEAT_EVERY)
        with _app.app_context():
            try:
                presence.heartbeat(PROCESS_ID)
                touched = presence.purge_dead()
            except Exception:
                log.exception("presence heartbeat failed")
                touched = []
            finally:
                db.session.remove()
        for workshop_id in touched:
            presence_changed(workshop_id)

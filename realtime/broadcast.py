"""The only place that emits workshop events.

Committed events are fanned out per audience — facilitators, the author,
everyone else — through the visibility rules. Tallies and presence are
coalesced per workshop so a storm of votes or joins costs each client a
bounded number of frames per second.
"""

import logging
import os
import threading
import uuid

from flask import Flask

from app.extensions import socketio
from app.services.core.actors import Viewer
from app.services.core.unit_of_work import Outgoing, add_publisher
from app.services.core.visibility import view_event
from app.services.workshop import presence
from app.services.workshop.votes import flush_tallies
from models import db

log = logging.getLogger("fabrique.broadcast")
PROCESS_ID = uuid.uuid4().hex
TALLY_WINDOW = 0.1
PRESENCE_WINDOW = 0.5
PRESENCE_CROWD = 100  # people online per PRESENCE_WINDOW of coalescing
# Tests of crash recovery shorten these (with FABRIQUE_STALE_SECONDS in services/presence.py).
HEARTBEAT_EVERY = float(os.environ.get("FABRIQUE_HEARTBEAT_SECONDS", "10"))

_app: Flask | None = None
_lock = threading.Lock()
_dirty_tallies: dict[int, set[int]] = {}
_dirty_presence: set[int] = set()
_tally_flushers: set[int] = set()  # workshops whose tally flusher is running
_presence_sizes: dict[int, int] = {}  # last number of people online, per workshop
_heartbeat_app: Flask | None = None


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
        elif item.get("kind") == "presence":  # hybrid: a table was added, room counts change
            presence_changed(item["workshop_id"])


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
        _dirty_tallies.setdefault(workshop_id, set()).add(idea_id)
        start = workshop_id not in _tally_flushers
        _tally_flushers.add(workshop_id)
    if start:
        socketio.start_background_task(_flush_tallies_loop, workshop_id)


def _flush_tallies_loop(workshop_id: int) -> None:
    """One flusher per workshop and process, so at most one vote.tally per TALLY_WINDOW.

    In a vote storm a flush may wait for the workshop lock longer than the window;
    starting a new timer per window would then stack flushes and burst frames.
    """
    try:
        while True:
            socketio.sleep(TALLY_WINDOW)
            with _lock:
                ideas = _dirty_tallies.pop(workshop_id, set())
                if not ideas:
                    _tally_flushers.discard(workshop_id)
                    return
            _flush_once(workshop_id, ideas)
    except BaseException:
        with _lock:
            _tally_flushers.discard(workshop_id)
        raise


def _flush_once(workshop_id: int, ideas: set[int]) -> None:
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
    # The list goes to everyone, so its cost grows with the square of the room: stretch the
    # window with the crowd (0.5 s up to 100 people, 5 s at 1,000) so a mass arrival costs
    # each client a bounded number of bytes per second.
    socketio.sleep(PRESENCE_WINDOW * max(1.0, _presence_sizes.get(workshop_id, 0) / PRESENCE_CROWD))
    with _lock:
        _dirty_presence.discard(workshop_id)
    with _app.app_context():
        try:
            data = presence.online(workshop_id)
        finally:
            db.session.remove()
    _presence_sizes[workshop_id] = data.get("total", len(data["online"]))
    socketio.emit("presence", data, to=room(workshop_id))


def ensure_heartbeat() -> None:
    global _heartbeat_app
    with _lock:
        if _heartbeat_app is _app:
            return
        _heartbeat_app = _app
    socketio.start_background_task(_heartbeat_loop, _app)


def _heartbeat_loop(app: Flask) -> None:
    # One loop per installed app: a process has one, a test session many, in turn.
    while True:
        socketio.sleep(HEARTBEAT_EVERY)
        if _app is not app:
            return
        with app.app_context():
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

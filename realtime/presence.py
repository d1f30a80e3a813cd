"""Who is online: coalesced presence lists, and this process's heartbeat.

The list goes to everyone, so its cost grows with the square of the room: it
is sent at most once per window, a window stretched with the crowd (0.5 s up
to 100 people, 5 s at 1,000) so a mass arrival costs each client a bounded
number of bytes per second.
"""

import logging
import os
import threading
import uuid

from flask import Flask

from app.extensions import socketio
from app.services.core.outbox import Outbox, subscribe
from app.services.workshop import presence
from models import db
from realtime import broadcast

log = logging.getLogger("fabrique.presence")
PROCESS_ID = uuid.uuid4().hex
WINDOW = 0.5
CROWD = 100  # people online per WINDOW of coalescing
# Tests of crash recovery shorten this (with FABRIQUE_STALE_SECONDS in services/workshop/presence.py).
HEARTBEAT_EVERY = float(os.environ.get("FABRIQUE_HEARTBEAT_SECONDS", "10"))

_app: Flask | None = None
_heartbeat_app: Flask | None = None
_lock = threading.Lock()
_pending: set[int] = set()
_forgetting = 0  # sockets gone whose connection row is being deleted
_sizes: dict[int, int] = {}  # last number of people online, per workshop


def install(app: Flask) -> None:
    global _app
    _app = app
    subscribe(_committed)


def _committed(outbox: Outbox) -> None:
    for workshop_id in outbox.presence:
        changed(workshop_id)


def changed(workshop_id: int) -> None:
    """Someone arrived or left, or a table was added: send the list once the window is over."""
    with _lock:
        pending = workshop_id in _pending
        _pending.add(workshop_id)
    if not pending:
        socketio.start_background_task(_send_later, workshop_id)


def _send_later(workshop_id: int) -> None:
    socketio.sleep(WINDOW * max(1.0, _sizes.get(workshop_id, 0) / CROWD))
    with _lock:
        _pending.discard(workshop_id)
    with _app.app_context():
        try:
            data = presence.online(workshop_id)
        finally:
            db.session.remove()
    _sizes[workshop_id] = data.get("total", len(data["online"]))
    broadcast.presence(workshop_id, data)


def forget(app: Flask, sid: str, workshop_id: int) -> None:
    """A socket is gone: delete its connection in a task with its own app context and session.

    The disconnect handler may run inside another greenlet's work (engineio notices a missed ping
    when something is sent to the socket, e.g. right after a commit); that greenlet's session is
    not ours to use, commit or close (issue 20: vanished phones stayed online forever)."""
    global _forgetting
    with _lock:
        _forgetting += 1
    socketio.start_background_task(_forget, app, sid, workshop_id)


def _forget(app: Flask, sid: str, workshop_id: int) -> None:
    global _forgetting
    try:
        with app.app_context():
            try:
                presence.disconnect(sid, workshop_id)  # announces the new list
            except Exception:
                log.exception("forgetting socket %s failed", sid)
            finally:
                db.session.remove()
    finally:
        with _lock:
            _forgetting -= 1


def busy() -> bool:
    """True while a presence list waits to be sent or a connection to be forgotten (tests wait for
    it before cleaning up)."""
    with _lock:
        return bool(_pending) or _forgetting > 0


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
                presence.purge_dead()  # announces the workshops it touched
            except Exception:
                log.exception("presence heartbeat failed")
            finally:
                db.session.remove()

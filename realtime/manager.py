"""Socket.IO client managers that can leave out every member of a room from a broadcast.

python-socketio can skip sockets (`skip_sid`) but not rooms. An idea's author
must get their own view of the event and not also the public copy; their
sockets may live in any process of a cluster, so the room is resolved into
sockets by each process when it delivers the message, not by the sender.
A `skip_sid` entry made by `skip_room` names such a room.
"""

import socketio

SKIP_ROOM = "room:"


def skip_room(name: str) -> list[str]:
    return [SKIP_ROOM + name]


class _SkipRooms:
    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        skips = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        rooms = [s[len(SKIP_ROOM) :] for s in skips if isinstance(s, str) and s.startswith(SKIP_ROOM)]
        if rooms:
            skips = [s for s in skips if not (isinstance(s, str) and s.startswith(SKIP_ROOM))]
            for name in rooms:
                skips.extend(sid for sid, _eio in self.get_participants(namespace, name))
        return super().emit(event, data, namespace, room=room, skip_sid=skips, callback=callback, to=to, **kwargs)


class LocalManager(_SkipRooms, socketio.Manager):
    """One process."""


class RedisManager(socketio.RedisManager, _SkipRooms):
    """Several processes sharing rooms through Redis: the skip is resolved on delivery
    (`_handle_emit` calls the next `emit` after PubSubManager in this order, which is `_SkipRooms`)."""


class KombuManager(socketio.KombuManager, _SkipRooms):
    """Several processes sharing rooms through a Kombu broker (AMQP…), as Flask-SocketIO allows."""


def client_manager(message_queue: str | None):
    """The manager Flask-SocketIO would pick for this URL, able to skip rooms."""
    if not message_queue:
        return LocalManager()
    if message_queue.startswith(("redis://", "rediss://")):
        return RedisManager(message_queue, channel="flask-socketio")
    return KombuManager(message_queue, channel="flask-socketio")

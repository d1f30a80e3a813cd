"""The only place that emits to sockets (docs/architecture.md). It never touches the database.

Committed events are fanned out per audience through the visibility rules:
facilitators get the full envelope, an idea's author their own view of it,
and every other participant the public view; each socket gets each event
once, so every client sees its `seq` rise by exactly 1. Presence lists and
minutes updates (not in the log) leave from here too.
"""

from flask import Flask

from app.extensions import socketio
from app.services.core.actors import Viewer
from app.services.core.outbox import Outbox, Outgoing, subscribe
from app.services.core.visibility import view_event
from realtime.manager import skip_room


def room(workshop_id: int, audience: str = "all") -> str:
    return f"w:{workshop_id}" if audience == "all" else f"w:{workshop_id}:{audience}"


def participant_room(participant_id: int) -> str:
    return f"p:{participant_id}"


def rooms_for(state) -> list[str]:
    if state.role == "facilitator":
        return [room(state.workshop_id), room(state.workshop_id, "f")]
    if state.role == "presenter":  # a presenter link: the public copies, like a participant with no idea
        return [room(state.workshop_id), room(state.workshop_id, "p")]
    return [room(state.workshop_id), room(state.workshop_id, "p"), participant_room(state.participant_id)]


def install(_app: Flask) -> None:
    subscribe(publish)


def publish(outbox: Outbox) -> None:
    """Called after each commit with what it queued."""
    for out in outbox.events:
        _fan_out(out)
    for workshop_id, update in outbox.minutes:
        minutes_update(workshop_id, update)


# Events listing several ideas' places ({id, author_id, …} in `ideas`): group.merged, group.moved.
GROUP_EVENTS = ("group.merged", "group.moved")


def _fan_out(out: Outgoing) -> None:
    env = out.envelope
    socketio.emit("event", env, to=room(out.workshop_id, "f"))
    public = view_event(env, out.phase, out.settings, Viewer(False, None))
    skip = []
    # The author may see more than the others (their own private or pending idea, `mine`): their own
    # copy, and the public one to everyone but them. A group's move or merge carries several ideas:
    # each author of an idea the public copy leaves out gets theirs (issue 14, docs/protocol.md §7.1).
    for author_id in _authors(out, public):
        own = view_event(env, out.phase, out.settings, Viewer(False, author_id))
        if own == public:
            continue
        socketio.emit("event", own, to=participant_room(author_id))
        skip += skip_room(participant_room(author_id))
    socketio.emit("event", public, to=room(out.workshop_id, "p"), skip_sid=skip or None)


def _authors(out: Outgoing, public: dict) -> list[int]:
    """The participants who may see more of this event than its public copy."""
    if out.author_id is not None:
        return [out.author_id]
    if out.envelope["type"] not in GROUP_EVENTS:
        return []
    shown = {place["id"] for place in public["data"].get("ideas", [])}
    places = out.envelope["data"].get("ideas", [])
    return sorted({p["author_id"] for p in places if p["id"] not in shown and p.get("author_id") is not None})


def presence(workshop_id: int, data: dict, sid: str | None = None) -> None:
    """The list of who is online, to the whole workshop or to one socket that just connected."""
    socketio.emit("presence", data, to=sid or room(workshop_id))


def minutes_awareness(workshop_id: int, update: str, skip_sid: str | None = None) -> None:
    """A y-protocols awareness update (cursors, names), relayed to the workshop's other sockets; never stored."""
    socketio.emit("minutes.awareness", {"update": update}, to=room(workshop_id), skip_sid=skip_sid)


def minutes_update(workshop_id: int, update: str, skip_sid: str | None = None) -> None:
    """A Yjs update of the minutes, relayed to the workshop's other editors (not in the log)."""
    socketio.emit("minutes.update", {"update": update}, to=room(workshop_id), skip_sid=skip_sid)

"""Shared minutes commands (docs/protocol.md §3): Yjs updates are persisted by the service, then relayed;
awareness updates (remote cursors) are only relayed.

Updates are relayed here rather than through the event log: they are not
ordered events, and any client recovers them all with `minutes.sync`.
"""

from flask import request

from app.services.core import validation as v
from app.services.minutes import awareness
from app.services.minutes import operations as minutes
from realtime import broadcast
from realtime.state import command

# A 64 KB update is ~88 KB in base64, plus the JSON envelope.
UPDATE_PAYLOAD = (minutes.MAX_UPDATE_BYTES * 4) // 3 + 1024
AWARENESS_PAYLOAD = awareness.MAX_ENCODED + 512


@command("minutes.sync", writes=False)
def on_minutes_sync(actor, _p, _cid):
    return minutes.sync_minutes(actor)


@command("minutes.update", max_payload=UPDATE_PAYLOAD, cost=0.5)
def on_minutes_update(actor, p, cid):
    result = minutes.apply_update(actor, p.get("update"), client_id=cid)
    if not result.pop("unchanged", False):  # an update the document already had is not relayed
        broadcast.minutes_update(actor.workshop.id, p["update"], skip_sid=request.sid)
    return result


@command("minutes.awareness", max_payload=AWARENESS_PAYLOAD, cost=0.25, writes=False)
def on_minutes_awareness(actor, p, _cid):
    update = awareness.relay_awareness(actor, p.get("update"))
    broadcast.minutes_awareness(actor.workshop.id, update, skip_sid=request.sid)
    return {}


@command("minutes.results")
def on_minutes_results(actor, _p, cid):
    # Relayed after commit (Outbox.minutes); a client_id spent on another command is a conflict.
    v.answer_of(minutes.insert_results(actor, client_id=cid), "update")
    return {}

"""Shared minutes commands (docs/protocol.md §3): Yjs updates are persisted by the service, then relayed.

Updates are relayed here rather than through the event log: they are not
ordered events, and any client recovers them all with `minutes.sync`.
"""

from flask import request

from app.services.core import validation as v
from app.services.minutes import operations as minutes
from realtime import broadcast
from realtime.state import command

# A 64 KB update is ~88 KB in base64, plus the JSON envelope.
UPDATE_PAYLOAD = (minutes.MAX_UPDATE_BYTES * 4) // 3 + 1024


@command("minutes.sync", writes=False)
def on_minutes_sync(actor, _p, _cid):
    return minutes.sync_minutes(actor)


@command("minutes.update", max_payload=UPDATE_PAYLOAD, cost=0.5)
def on_minutes_update(actor, p, cid):
    result = minutes.apply_update(actor, p.get("update"), client_id=cid)
    if not result.pop("unchanged", False):  # an update the document already had is not relayed
        broadcast.minutes_update(actor.workshop.id, p["update"], skip_sid=request.sid)
    return result


@command("minutes.results")
def on_minutes_results(actor, _p, cid):
    result = minutes.insert_results(actor, client_id=cid)
    broadcast.minutes_update(actor.workshop.id, v.answer_of(result, "update"))
    return {}

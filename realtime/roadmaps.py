"""Roadmap commands from the board (docs/protocol.md §3 `idea.promote`): thin, one service call."""

from app.services.roadmaps.promote import promote_to_action
from realtime.state import command


@command("idea.promote")
def on_idea_promote(actor, p, cid):
    return promote_to_action(actor, p, client_id=cid)

"""Roadmap commands from the board (CONTRACT §3 `idea.promote`): thin, one service call."""

from app.services.roadmaps.promote import promote_idea
from realtime.state import command


@command("idea.promote")
def on_idea_promote(actor, p, cid):
    return promote_idea(actor, p, client_id=cid)

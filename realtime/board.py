"""Board commands (docs/protocol.md §3): each validates nothing itself and calls one service."""

from app.services.workshop import board, ideas, session, votes
from realtime.state import command


@command("sync", writes=False)
def on_sync(actor, p, _cid):
    return board.sync(actor, p.get("since", 0))


@command("idea.create")
def on_idea_create(actor, p, cid):
    return ideas.create_idea(actor, p.get("column_id"), p.get("text"), p.get("color"), client_id=cid)


@command("idea.update")
def on_idea_update(actor, p, cid):
    return ideas.update_idea(actor, p.get("idea_id"), p.get("text"), p.get("color"), client_id=cid)


@command("idea.move")
def on_idea_move(actor, p, cid):
    return ideas.move_idea(actor, p.get("idea_id"), p.get("column_id"), p.get("position"), client_id=cid)


@command("idea.delete")
def on_idea_delete(actor, p, cid):
    return ideas.delete_idea(actor, p.get("idea_id"), client_id=cid)


@command("idea.group")
def on_idea_group(actor, p, cid):
    return ideas.group_idea(actor, p.get("idea_id"), p.get("group_id"), p.get("group_label"), client_id=cid)


@command("vote.cast")
def on_vote_cast(actor, p, cid):
    return votes.cast_vote(actor, p.get("idea_id"), p.get("grade"), client_id=cid)


@command("vote.retract")
def on_vote_retract(actor, p, cid):
    return votes.retract_vote(actor, p.get("idea_id"), client_id=cid)


@command("phase.set")
def on_phase_set(actor, p, cid):
    return session.set_phase(actor, p.get("phase"), client_id=cid)


@command("timer.start")
def on_timer_start(actor, p, cid):
    return session.start_timer(actor, p.get("seconds"), client_id=cid)


@command("timer.stop")
def on_timer_stop(actor, _p, cid):
    return session.stop_timer(actor, client_id=cid)


@command("hand.raise")
def on_hand_raise(actor, _p, cid):
    return session.raise_hand(actor, client_id=cid)


@command("hand.lower")
def on_hand_lower(actor, _p, cid):
    return session.lower_hand(actor, client_id=cid)


@command("hand.next")
def on_hand_next(actor, _p, cid):
    return session.next_speaker(actor, client_id=cid)

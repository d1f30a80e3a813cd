"""Board commands (docs/protocol.md §3): each validates nothing itself and calls one service."""

from flask_babel import force_locale, lazy_gettext

from app import i18n
from app.extensions import socketio
from app.services.core.outbox import Outbox, subscribe
from app.services.workshop import board, groups, ideas, participants, roster, session, undo, votes
from realtime.state import SOCKETS, command


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


@command("group.update")
def on_group_update(actor, p, cid):
    return groups.update_group(actor, p.get("group_id"), p.get("label"), client_id=cid)


@command("group.merge")
def on_group_merge(actor, p, cid):
    return groups.merge_group(actor, p.get("group_id"), p.get("into_group_id"), client_id=cid)


@command("group.move")
def on_group_move(actor, p, cid):
    return groups.move_group(actor, p.get("group_id"), p.get("column_id"), client_id=cid)


@command("idea.hide")
def on_idea_hide(actor, p, cid):
    return ideas.hide_idea(actor, p.get("idea_id"), p.get("hidden", True), client_id=cid)


@command("idea.approve")
def on_idea_approve(actor, p, cid):
    return ideas.approve_idea(actor, p.get("idea_id"), client_id=cid)


@command("board.undo")
def on_board_undo(actor, _p, cid):
    return undo.undo_last(actor, client_id=cid)


@command("participant.list", writes=False)
def on_participant_list(actor, _p, _cid):
    return roster.list_participants(actor)


@command("participant.rename")
def on_participant_rename(actor, p, cid):
    return participants.update_participant(actor, p.get("participant_id"), {"name": p.get("name"), "client_id": cid})


@command("participant.remove")
def on_participant_remove(actor, p, cid):
    return roster.remove_participant(actor, p.get("participant_id"), client_id=cid)


REMOVED = lazy_gettext("L'animation vous a retiré de cet atelier : vos idées restent sur le tableau.")


def refuse_sockets(outbox: Outbox) -> None:
    """After the commit that removed a participant: close their sockets, in whichever process holds them
    (through the message queue when there is one)."""
    for sid in outbox.refused if socketio.server is not None else ():
        # Said before the door closes, in that socket's language when this process holds it (`code` for
        # a client that words it itself).
        state = SOCKETS.get(sid)
        with force_locale(state.lang if state is not None else i18n.current()):
            message = str(REMOVED)
        socketio.emit("removed", {"code": "removed", "message": message}, to=sid)
        socketio.server.disconnect(sid, namespace="/")


subscribe(refuse_sockets)


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

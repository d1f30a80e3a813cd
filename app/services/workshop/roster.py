"""The facilitators' participants panel (issue 14): who is there, rename, remove.

Renaming is the `name` rule of PATCH …/participants/PID (app/services/workshop/participants.py);
removing revokes the token and disconnects every socket of the participant at once, in any process.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import NotFound
from app.services.core.guards import require_facilitator, require_open
from app.services.core.lookup import owned
from app.services.core.unit_of_work import presence_changed, record, run_command, sockets_refused
from app.services.workshop.ideas import idea_dict
from app.services.workshop.session import hands_of, leave_queue
from models import Connection, Idea, Participant, Workshop, db, utcnow

UNKNOWN = lazy_gettext("Participant inconnu dans cet atelier.")


def list_participants(actor: Actor) -> dict:
    """{participants:[{id, name, organisation, attendance, online, ideas, …}]}, removed ones left out. Raises Forbidden."""
    require_facilitator(actor, _("voir la liste des participants"))
    workshop = actor.workshop
    online = set(
        db.session.scalars(
            select(Connection.participant_id).where(
                Connection.workshop_id == workshop.id, Connection.participant_id.is_not(None)
            )
        )
    )
    per_author = select(Idea.author_id, func.count(Idea.id)).where(Idea.workshop_id == workshop.id)
    counts = {author: n for author, n in db.session.execute(per_author.group_by(Idea.author_id))}
    stmt = (
        select(Participant)
        .where(Participant.workshop_id == workshop.id, Participant.removed_at.is_(None))
        .order_by(Participant.name, Participant.id)
    )
    rows = []
    for p in db.session.scalars(stmt):
        if p.token_hash is None and not p.is_table:
            continue  # deleted through the privacy path: nobody left to show
        rows.append(dict(p.to_dict(), online=p.id in online, ideas=counts.get(p.id, 0), scribe=p.scribe))
    return {"participants": rows}


def rename(workshop: Workshop, participant: Participant, value) -> None:
    """The `name` rule of the participant patch: their ideas and raised hand carry the new name (events)."""
    name = v.text(value, "name", max_len=80)
    if name == participant.name:
        return
    participant.name = name
    db.session.flush()
    for idea in db.session.scalars(select(Idea).filter_by(author_id=participant.id).order_by(Idea.id)).unique():
        record(workshop, "idea.updated", idea_dict(idea))
    hands = hands_of(workshop)
    queue = [dict(h, name=name) if h.get("id") == participant.id else h for h in hands["queue"]]
    speaking = hands["speaking"]
    if speaking and speaking.get("id") == participant.id:
        speaking = dict(speaking, name=name)
    if queue != hands["queue"] or speaking != hands["speaking"]:
        workshop.hands = dict(workshop.hands or {}, queue=queue, speaking=speaking)
        record(workshop, "hands.changed", {"queue": queue, "speaking": speaking})
    presence_changed(workshop.id)


def remove_participant(actor: Actor, participant_id, client_id=None) -> dict:
    """Remove a participant: token revoked, sockets disconnected, out of the queue; their ideas stay.
    Raises Forbidden, NotFound, PhaseError; emits participant.removed (facilitators), hands.changed."""
    require_facilitator(actor, _("retirer un participant"))

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        participant = owned(Participant, participant_id, workshop.id, UNKNOWN)
        if participant.removed_at is not None or (participant.token_hash is None and not participant.is_table):
            raise NotFound(UNKNOWN)
        participant.token_hash = None
        participant.removed_at = utcnow()
        leave_queue(workshop, participant.id)
        sids = db.session.scalars(select(Connection.sid).filter_by(participant_id=participant.id)).all()
        db.session.execute(Connection.__table__.delete().where(Connection.participant_id == participant.id))
        sockets_refused(sids)
        presence_changed(workshop.id)
        record(workshop, "participant.removed", {"participant_id": participant.id})
        return {"participant_id": participant.id, "removed": True}

    return run_command(actor, client_id, apply)

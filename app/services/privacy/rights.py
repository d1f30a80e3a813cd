"""Participants' rights without an account: export, erase one's name, delete one's contributions.

A name can sit in more places than the participants table: `scrub` (shared
with retention) rewrites the stored JSON so the event log, sync and exports
stop showing it. Each act is itself logged as an event that carries ids and
counts, never a name.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import delete, select

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden
from app.services.core.guards import require_facilitator, require_open
from app.services.core.lookup import owned
from app.services.core.unit_of_work import record, run_command
from app.services.privacy.retention import retention_ends
from app.services.privacy.scrub import ANON_NAME, anonymise_record, redact_ideas, rewrite_json, scrub
from app.services.workshop import votes as vote_service
from app.services.workshop.ideas import idea_dict
from app.services.workshop.session import hands_of, leave_queue
from app.services.workshop.tallies import record_tallies
from models import Idea, Participant, Vote, Workshop, db, utcnow

MINUTES_NOTE = lazy_gettext(
    "Le compte rendu est un texte collectif rédigé par le groupe : il n'est rattaché à aucun participant "
    "et n'est donc pas inclus ici. Demandez à l'animateur de corriger un passage qui vous concerne."
)


def target_participant(actor: Actor, participant_id=None) -> Participant:
    """Oneself, or (facilitators only) a participant of the workshop by id. Raises Forbidden, Invalid, NotFound."""
    if participant_id is None:
        if actor.participant is None:
            raise Forbidden(_("Cette action concerne un participant : indiquez son identifiant."))
        return actor.participant
    require_facilitator(actor, _("agir pour le compte d'un participant"))
    missing = _("Participant inconnu dans cet atelier.")
    return owned(Participant, participant_id, actor.workshop.id, missing, field="participant_id")


def export_participant(actor: Actor, participant_id=None) -> dict:
    """Everything the workshop keeps about one participant, as JSON. Raises Forbidden, Invalid, NotFound."""
    participant = target_participant(actor, participant_id)
    workshop = actor.workshop
    ideas = _ideas_of(participant)
    votes = db.session.execute(
        select(Vote, Idea.text).join(Idea, Idea.id == Vote.idea_id).where(Vote.participant_id == participant.id)
    ).all()
    hands = hands_of(workshop)
    return {
        "generated_at": utcnow().isoformat(),
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "organiser": workshop.organiser,
            "starts_at": workshop.starts_at.isoformat() if workshop.starts_at else None,
            "retention_months": workshop.retention_months,
            "retention_ends": retention_ends(workshop).isoformat(),
        },
        "participant": dict(participant.to_dict(), anonymised=participant.anonymised),
        "ideas": [idea_dict(i) for i in ideas],
        "votes": [_vote_row(vote, text) for vote, text in votes if vote.count or vote.grade is not None],
        "hands": {
            "in_queue": any(h.get("id") == participant.id for h in hands["queue"]),
            "speaking": (hands["speaking"] or {}).get("id") == participant.id,
            "turns_taken": sum(1 for t in hands["turns"] if t.get("id") == participant.id),
        },
        "minutes": str(MINUTES_NOTE),
        "not_kept": _("Ni adresse IP, ni adresse e-mail, ni mot de passe. Le jeton de connexion n'est gardé que haché."),
    }


def _ideas_of(participant: Participant) -> list[Idea]:
    stmt = select(Idea).filter_by(author_id=participant.id).order_by(Idea.id)
    return list(db.session.execute(stmt).unique().scalars())


def _vote_row(vote: Vote, text: str) -> dict:
    row = {"idea_id": vote.idea_id, "idea_text": text}
    row.update({"grade": vote.grade} if vote.grade is not None else {"dots": vote.count})
    return row


def anonymise_participant(actor: Actor, participant_id=None, client_id=None) -> dict:
    """Rename a participant ANON_NAME everywhere. Raises Forbidden, Invalid, NotFound;
    emits idea.updated per idea, hands.changed if queued, privacy.erased."""
    target_id = target_participant(actor, participant_id).id

    def apply(workshop: Workshop) -> dict:
        participant = db.session.get(Participant, target_id)
        count = _erase_name(workshop, participant)
        record(workshop, "privacy.erased", {"participant_id": participant.id, "ideas": count})
        return {"participant_id": participant.id, "ideas": count, "name": ANON_NAME}

    return run_command(actor, client_id, apply)


def _erase_name(workshop: Workshop, participant: Participant) -> int:
    """Anonymise the record, the log, stored answers and the queue; announce the renamed ideas."""
    anonymise_record(participant)
    ids = {participant.id}
    rewrite_json(workshop.id, lambda doc: scrub(doc, ids))
    hands = scrub(workshop.hands or {}, ids)
    if hands != (workshop.hands or {}):
        workshop.hands = hands
        record(workshop, "hands.changed", {"queue": hands.get("queue", []), "speaking": hands.get("speaking")})
    db.session.flush()
    ideas = _ideas_of(participant)
    for idea in ideas:
        record(workshop, "idea.updated", idea_dict(idea))
    return len(ideas)


def delete_contributions(actor: Actor, participant_id=None, client_id=None) -> dict:
    """Delete a participant's ideas, votes and raised hand, and erase their name (open workshops only).
    Raises Forbidden, Invalid, NotFound, PhaseError; emits idea.deleted, vote.tally, hands.changed,
    privacy.deleted."""
    target_id = target_participant(actor, participant_id).id

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        participant = db.session.get(Participant, target_id)
        leave_queue(workshop, participant.id)
        voted = _delete_votes(participant)
        idea_ids = _delete_ideas(workshop, participant)
        db.session.flush()
        record_tallies(workshop, voted - idea_ids)
        _erase_name(workshop, participant)
        rewrite_json(workshop.id, lambda doc: redact_ideas(doc, idea_ids))
        data = {"participant_id": participant.id, "ideas": len(idea_ids), "votes": len(voted)}
        record(workshop, "privacy.deleted", data)
        return data

    return run_command(actor, client_id, apply)


def _delete_votes(participant: Participant) -> set[int]:
    """Remove the participant's own votes and give their budget back; returns the ideas touched."""
    rows = db.session.execute(select(Vote.idea_id).filter_by(participant_id=participant.id)).scalars()
    idea_ids = set(rows)
    db.session.execute(delete(Vote).where(Vote.participant_id == participant.id))
    participant.votes_used = 0
    return idea_ids


def _delete_ideas(workshop: Workshop, participant: Participant) -> set[int]:
    """Delete the participant's ideas, refunding the dots others had put on them; emits idea.deleted each."""
    deleted = set()
    for idea in _ideas_of(participant):
        vote_service.refund_idea(idea)  # as ideas.delete_idea does; the vote rows go with the idea
        data = dict(idea_dict(idea), text="")
        data["author"] = {"id": participant.id, "name": ANON_NAME}
        db.session.delete(idea)
        record(workshop, "idea.deleted", data)
        deleted.add(idea.id)
    db.session.flush()
    return deleted

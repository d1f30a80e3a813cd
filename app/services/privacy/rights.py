"""Participants' rights without an account: export, erase one's name, delete one's contributions.

A name can sit in more places than the participants table: idea events carry
`author {id, name}`, the speaking queue carries names, idempotent command
answers repeat both. `scrub` rewrites those JSON documents in place so the
event log, sync and exports stop showing the name. Each act is itself logged
as an event that carries ids and counts, never a name.
"""

from sqlalchemy import delete, select

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, Invalid, NotFound, PhaseError
from app.services.core.unit_of_work import record, run_command
from app.services.workshop import votes as vote_service
from app.services.workshop.ideas import idea_dict
from app.services.workshop.session import hands_of
from models import CommandResult, Event, Idea, Participant, Vote, Workshop, db, utcnow

ANON_NAME = "participant anonymisé"
# JSON keys under which a participant appears as {id, name, ...}.
PERSON_KEYS = frozenset({"author", "speaking", "queue", "participant", "online"})
MINUTES_NOTE = (
    "Le compte rendu est un texte collectif rédigé par le groupe : il n'est rattaché à aucun participant "
    "et n'est donc pas inclus ici. Demandez à l'animateur de corriger un passage qui vous concerne."
)


def scrub(value, ids: set[int] | None, person: bool = False):
    """A copy of a JSON value where the participants `ids` (all when None) are renamed ANON_NAME."""
    if isinstance(value, list):
        return [scrub(item, ids, person) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: scrub(item, ids, key in PERSON_KEYS) for key, item in value.items()}
    pid = out.get("id")
    is_participant = isinstance(pid, int) and not isinstance(pid, bool) and out.get("role") != "facilitator"
    if person and "name" in out and is_participant and (ids is None or pid in ids):
        out["name"] = ANON_NAME
        if "organisation" in out:
            out["organisation"] = ""
    return out


def redact_ideas(value, idea_ids: set[int]):
    """A copy of a JSON value where the text of the ideas `idea_ids` is blanked (deleted contributions)."""
    if isinstance(value, list):
        return [redact_ideas(item, idea_ids) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: redact_ideas(item, idea_ids) for key, item in value.items()}
    if "column_id" in out and "text" in out and out.get("id") in idea_ids:
        out["text"] = ""
    return out


def rewrite_json(workshop_id: int, fix) -> int:
    """Apply `fix` to every event and stored command answer of a workshop; returns rows changed."""
    changed = 0
    for model, attr in ((Event, "data"), (CommandResult, "response")):
        for row in db.session.execute(select(model).filter_by(workshop_id=workshop_id)).scalars():
            new = fix(getattr(row, attr))
            if new != getattr(row, attr):
                setattr(row, attr, new)
                changed += 1
    return changed


def anonymise_record(participant: Participant) -> None:
    participant.name = ANON_NAME
    participant.organisation = ""
    participant.anonymised = True


def target_participant(actor: Actor, participant_id=None) -> Participant:
    """Oneself, or (facilitators only) a participant of the workshop by id. Raises Forbidden, Invalid, NotFound."""
    if participant_id is None:
        if actor.participant is None:
            raise Forbidden("Cette action concerne un participant : indiquez son identifiant.")
        return actor.participant
    if not actor.is_facilitator:
        raise Forbidden("Seuls les animateurs agissent pour le compte d'un participant.")
    if isinstance(participant_id, bool) or not isinstance(participant_id, int):
        raise Invalid("« participant_id » doit être un identifiant.", field="participant_id")
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != actor.workshop.id:
        raise NotFound("Participant inconnu dans cet atelier.")
    return participant


def export_participant(actor: Actor, participant_id=None) -> dict:
    """Everything the workshop keeps about one participant, as JSON. Raises Forbidden, Invalid, NotFound."""
    from app.services.privacy.retention import retention_ends

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
        "minutes": MINUTES_NOTE,
        "not_kept": "Ni adresse IP, ni adresse e-mail, ni mot de passe. Le jeton de connexion n'est gardé que haché.",
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
        if workshop.phase == "closed":
            raise PhaseError("L'atelier est clos : ses résultats sont figés. Vous pouvez encore effacer votre nom.")
        participant = db.session.get(Participant, target_id)
        _leave_queue(workshop, participant.id)
        voted = _delete_votes(participant)
        idea_ids = _delete_ideas(workshop, participant)
        _announce_tallies(workshop, voted - idea_ids)
        _erase_name(workshop, participant)
        rewrite_json(workshop.id, lambda doc: redact_ideas(doc, idea_ids))
        data = {"participant_id": participant.id, "ideas": len(idea_ids), "votes": len(voted)}
        record(workshop, "privacy.deleted", data)
        return data

    return run_command(actor, client_id, apply)


def _leave_queue(workshop: Workshop, participant_id: int) -> None:
    hands = hands_of(workshop)
    queue = [h for h in hands["queue"] if h.get("id") != participant_id]
    speaking = hands["speaking"]
    if speaking and speaking.get("id") == participant_id:
        speaking = None
    if queue != hands["queue"] or speaking != hands["speaking"]:
        workshop.hands = dict(workshop.hands or {}, queue=queue, speaking=speaking)
        record(workshop, "hands.changed", {"queue": queue, "speaking": speaking})


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


def _announce_tallies(workshop: Workshop, idea_ids: set[int]) -> None:
    if not idea_ids:
        return
    db.session.flush()
    current = vote_service.tallies(workshop, idea_ids)
    rows = [{"idea_id": i, **current.get(i, vote_service.empty_tally(workshop))} for i in sorted(idea_ids)]
    data = {"tallies": rows}
    if len(rows) == 1:
        data.update(rows[0])
    record(workshop, "vote.tally", data)

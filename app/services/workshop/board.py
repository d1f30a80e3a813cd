"""Reading the board: snapshot and catch-up, both filtered by the visibility rules."""

from sqlalchemy import or_, select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.unit_of_work import events_since
from app.services.core.visibility import masked_ideas, view_event, view_idea
from app.services.roadmaps.marks import promoted_actions
from app.services.workshop import votes as vote_service
from app.services.workshop.ideas import idea_dict
from app.services.workshop.session import hands_of
from app.services.workshop.workshops import columns_of, workshop_info
from models import Group, Idea, Workshop, db, utcnow

SYNC_WINDOW = 500


def snapshot(actor: Actor) -> dict:
    """The whole board as this actor may see it (docs/protocol.md §4)."""
    workshop = actor.workshop
    viewer = actor.viewer()
    tallies = vote_service.tallies(workshop)
    promoted = promoted_actions(workshop, actor.is_facilitator)  # the roadmap action a card feeds, if any
    ideas = []
    for idea in _ideas(workshop):
        data = idea_dict(idea)
        data.update(tallies.get(idea.id, vote_service.empty_tally(workshop)))
        data["action"] = promoted.get(idea.id)
        seen = view_idea(data, workshop.phase, workshop.settings, viewer)
        if seen is not None:
            ideas.append(seen)
    hands = hands_of(workshop)
    snap = {
        "workshop": workshop_info(workshop),
        "columns": columns_of(workshop),
        "groups": [g.to_dict() for g in _groups(workshop)],
        "ideas": ideas,
        "hands": {"queue": hands["queue"], "speaking": hands["speaking"]},
        "seq": workshop.last_seq,
        "me": me(actor),
    }
    # Counts only, never who voted for what: everyone may see "27 / 40 ont voté" (the projector shows it).
    snap["participation"] = vote_service.participation(workshop)
    from app.services.days.restitution import plenary_restitution  # noqa: PLC0415 (days import the workshop)

    cards = plenary_restitution(workshop)  # a day's plenary: the ateliers' cards received so far (§12.3)
    if cards is not None:
        snap["restitution"] = cards
    return snap


def me(actor: Actor) -> dict:
    out = {"id": actor.participant_id, "role": actor.role, "name": actor.name}
    if actor.participant is not None:
        out.update(vote_service.ballot(actor.workshop, actor.participant))
        out["attendance"] = actor.participant.attendance
    else:
        out.update(votes_left=None, my_votes={})
    return out


def _ideas(workshop: Workshop) -> list[Idea]:
    stmt = select(Idea).filter_by(workshop_id=workshop.id).order_by(Idea.column_id, Idea.position, Idea.id)
    return list(db.session.execute(stmt).unique().scalars())


def _groups(workshop: Workshop) -> list[Group]:
    return list(db.session.execute(select(Group).filter_by(workshop_id=workshop.id).order_by(Group.id)).scalars())


def _moderated(workshop: Workshop) -> list[dict]:
    """The workshop's hidden and pending ideas, as the visibility rules read them."""
    rows = db.session.execute(
        select(Idea.id, Idea.author_id, Idea.hidden, Idea.pending).where(
            Idea.workshop_id == workshop.id, or_(Idea.hidden.is_(True), Idea.pending.is_(True))
        )
    )
    return [{"id": i, "author": {"id": a}, "hidden": h, "pending": p} for i, a, h, p in rows]


def replay(actor: Actor, since: int, limit: int = SYNC_WINDOW) -> dict:
    """Logged events after `since`, each as this actor may see it: {events, seq}."""
    workshop = actor.workshop
    viewer = actor.viewer()
    envelopes = [e.envelope() for e in events_since(workshop.id, since, limit=limit)]
    masked = masked_ideas(_moderated(workshop) if not viewer.facilitator else [], envelopes, viewer)
    events = [view_event(env, workshop.phase, workshop.settings, viewer, masked) for env in envelopes]
    return {"events": events, "seq": events[-1]["seq"] if events else max(since, workshop.last_seq)}


def sync(actor: Actor, since) -> dict:
    """Catch up after `since`, or a snapshot when since is 0, unknown or too old.

    `now` (server clock) lets clients count the timer down without trusting their own clock.
    """
    workshop = actor.workshop
    db.session.refresh(workshop)
    if not v.is_int(since) or since < 0:
        since = 0
    now = utcnow().isoformat()
    if since == 0 or since > workshop.last_seq or workshop.last_seq - since > SYNC_WINDOW:
        snap = snapshot(actor)
        return {"snapshot": snap, "seq": snap["seq"], "now": now}
    return {**replay(actor, since), "now": now}

"""Voting: dots with a budget and a per-idea cap, or majority judgment grades.

Limits are enforced by conditional UPDATEs and CHECK constraints inside the
command's transaction, so two tabs or two processes can never overspend.
Tallies are anonymous and announced in coalesced `vote.tally` events.
"""

from sqlalchemy import delete, func, select, update

from app.services import validation as v
from app.services.actors import Actor
from app.services.errors import BudgetError, Conflict, Forbidden, Invalid, NotFound, PhaseError
from app.services.events import lock_workshop, notify, record, run_command
from app.services.majority import majority_grade
from models import Idea, Participant, Vote, Workshop, db


def _mj(workshop: Workshop) -> bool:
    return workshop.settings.get("vote_method") == "majority_judgment"


def budget(workshop: Workshop, participant: Participant) -> int:
    return workshop.settings.get("votes_per_participant", 5) * (participant.table_size or 1)


def cap(workshop: Workshop, participant: Participant) -> int:
    return workshop.settings.get("max_votes_per_idea", 3) * (participant.table_size or 1)


def empty_tally(workshop: Workshop) -> dict:
    return {"votes": 0, "profile": [0] * 7, "grade": None} if _mj(workshop) else {"votes": 0}


def tallies(workshop: Workshop, idea_ids=None) -> dict[int, dict]:
    """Anonymous totals per idea: dots, or merit profile and majority grade."""
    if _mj(workshop):
        stmt = select(Vote.idea_id, Vote.grade, func.count()).where(
            Vote.workshop_id == workshop.id, Vote.grade.is_not(None)
        )
        stmt = stmt.group_by(Vote.idea_id, Vote.grade)
    else:
        stmt = select(Vote.idea_id, func.sum(Vote.count)).where(Vote.workshop_id == workshop.id)
        stmt = stmt.group_by(Vote.idea_id)
    if idea_ids is not None:
        stmt = stmt.where(Vote.idea_id.in_(list(idea_ids)))
    out: dict[int, dict] = {}
    for row in db.session.execute(stmt):
        if _mj(workshop):
            entry = out.setdefault(row[0], empty_tally(workshop))
            entry["profile"][row[1]] += row[2]
            entry["votes"] += row[2]
        else:
            out[row[0]] = {"votes": int(row[1] or 0)}
    for entry in out.values():
        if "profile" in entry:
            entry["grade"] = majority_grade(entry["profile"])
    return out


def ballot(workshop: Workshop, participant: Participant) -> dict:
    """What the participant has left and has given: {votes_left, my_votes}."""
    rows = db.session.execute(select(Vote.idea_id, Vote.count, Vote.grade).filter_by(participant_id=participant.id))
    if _mj(workshop):
        mine = {r.idea_id: r.grade for r in rows if r.grade is not None}
        total = db.session.execute(select(func.count(Idea.id)).filter_by(workshop_id=workshop.id)).scalar_one()
        return {"votes_left": max(total - len(mine), 0), "my_votes": mine}
    mine = {r.idea_id: r.count for r in rows if r.count}
    return {"votes_left": budget(workshop, participant) - sum(mine.values()), "my_votes": mine}


def _voter(actor: Actor, on_behalf_of: Participant | None) -> Participant:
    if on_behalf_of is not None:
        if not actor.is_facilitator:
            raise Forbidden("Seuls les animateurs votent pour une table.")
        return on_behalf_of
    if actor.participant is None:
        raise Forbidden("Seuls les participants votent.")
    return actor.participant


def _vote_phase(workshop: Workshop) -> None:
    if workshop.phase != "vote":
        raise PhaseError("Le vote n'est pas ouvert : attendez que l'animateur lance la phase de vote.")


def _target(workshop: Workshop, idea_id) -> Idea:
    if isinstance(idea_id, bool) or not isinstance(idea_id, int):
        raise Invalid("« idea_id » doit être un identifiant d'idée.", field="idea_id")
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.workshop_id != workshop.id:
        raise NotFound("Idée inconnue dans cet atelier.")
    return idea


def cast_vote(actor: Actor, idea_id, grade=None, client_id=None, on_behalf_of=None) -> dict:
    """Give a dot (or a grade). Raises PhaseError, BudgetError, Conflict, Forbidden, NotFound; notifies a tally."""
    voter = _voter(actor, on_behalf_of)

    def apply(workshop: Workshop) -> dict:
        _vote_phase(workshop)
        idea = _target(workshop, idea_id)
        if _mj(workshop):
            _grade(workshop, voter, idea, v.integer(grade, "grade", lo=0, hi=6))
        else:
            _dot(workshop, voter, idea)
        notify("tally", workshop, idea_id=idea.id)
        return ballot(workshop, voter)

    return run_command(actor, client_id, apply)


def _dot(workshop: Workshop, voter: Participant, idea: Idea) -> None:
    spent = db.session.execute(
        update(Participant)
        .where(Participant.id == voter.id, Participant.votes_used < budget(workshop, voter))
        .values(votes_used=Participant.votes_used + 1)
    ).rowcount
    if not spent:
        raise BudgetError("Vous n'avez plus de gommettes.")
    added = db.session.execute(
        update(Vote)
        .where(Vote.participant_id == voter.id, Vote.idea_id == idea.id, Vote.count < cap(workshop, voter))
        .values(count=Vote.count + 1)
    ).rowcount
    if added:
        return
    if db.session.execute(select(Vote.id).filter_by(participant_id=voter.id, idea_id=idea.id)).first():
        raise Conflict(f"Au plus {cap(workshop, voter)} gommettes par idée.")
    db.session.add(Vote(workshop_id=workshop.id, idea_id=idea.id, participant_id=voter.id, count=1))
    db.session.flush()


def _grade(workshop: Workshop, voter: Participant, idea: Idea, grade: int) -> None:
    changed = db.session.execute(
        update(Vote).where(Vote.participant_id == voter.id, Vote.idea_id == idea.id).values(grade=grade)
    ).rowcount
    if not changed:
        db.session.add(Vote(workshop_id=workshop.id, idea_id=idea.id, participant_id=voter.id, grade=grade))
        db.session.flush()


def retract_vote(actor: Actor, idea_id, client_id=None, on_behalf_of=None) -> dict:
    """Take back one dot (or the grade). Raises PhaseError, Conflict, Forbidden, NotFound; notifies a tally."""
    voter = _voter(actor, on_behalf_of)

    def apply(workshop: Workshop) -> dict:
        _vote_phase(workshop)
        idea = _target(workshop, idea_id)
        if _mj(workshop):
            removed = db.session.execute(delete(Vote).filter_by(participant_id=voter.id, idea_id=idea.id)).rowcount
        else:
            removed = db.session.execute(
                update(Vote)
                .where(Vote.participant_id == voter.id, Vote.idea_id == idea.id, Vote.count > 0)
                .values(count=Vote.count - 1)
            ).rowcount
            if removed:
                db.session.execute(
                    update(Participant).where(Participant.id == voter.id).values(votes_used=Participant.votes_used - 1)
                )
        if not removed:
            raise Conflict("Vous n'avez pas voté pour cette idée.")
        notify("tally", workshop, idea_id=idea.id)
        return ballot(workshop, voter)

    return run_command(actor, client_id, apply)


def flush_tallies(workshop_id: int, idea_ids: set[int]) -> None:
    """Announce the exact current tallies of the given ideas in one vote.tally event."""

    workshop = lock_workshop(workshop_id)
    current = tallies(workshop, idea_ids)
    rows = [{"idea_id": i, **current.get(i, empty_tally(workshop))} for i in sorted(idea_ids)]
    data = {"tallies": rows}
    if len(rows) == 1:
        data.update(rows[0])
    record(workshop, "vote.tally", data)
    db.session.commit()


def participation(workshop: Workshop) -> dict:
    """How many have voted — the only per-person figure a facilitator sees."""
    voters = db.session.execute(
        select(func.count(func.distinct(Vote.participant_id))).where(Vote.workshop_id == workshop.id)
    ).scalar_one()
    people = db.session.execute(select(func.count(Participant.id)).filter_by(workshop_id=workshop.id)).scalar_one()
    return {"voters": voters, "participants": people}

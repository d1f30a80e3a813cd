"""Voting: dots with a budget and a per-idea cap, or majority judgment grades.

Limits are enforced by the database inside the command's transaction: the
workshop row lock serialises the writers of one workshop, and on top of it a
conditional UPDATE (`votes_used < budget`, `count < cap`) only succeeds when
the limit still allows it, the unique (participant, idea) row rules out a
second row, and CHECK constraints refuse negative counts. So two tabs, two
processes or a retried client_id can never overspend or count a vote twice.
Tallies are anonymous and announced in coalesced `vote.tally` events.
"""

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select, update

from app.services.core import validation as v
from app.services.core.actors import Actor, Viewer
from app.services.core.errors import BudgetError, Conflict, Forbidden, NotFound, PhaseError
from app.services.core.guards import require_facilitator
from app.services.core.lookup import idea_of
from app.services.core.unit_of_work import participation_changed, run_command, tally_changed
from app.services.core.visibility import seen_ideas
from app.services.workshop import count as counting
from app.services.workshop.colleges import check_colleges_change, colleges_of
from models import Idea, Participant, Vote, Workshop, db

# Settings that define the ballot: fixed while the vote is open.
BALLOT_SETTINGS = ("vote_method", "votes_per_participant", "max_votes_per_idea")


def is_majority(settings: dict) -> bool:
    """Majority judgment (a grade per idea) rather than dots, per the workshop's settings."""
    return counting.is_majority(settings)


def budget(workshop: Workshop, participant: Participant) -> int:
    return workshop.settings.get("votes_per_participant", 5) * (participant.table_size or 1)


def cap(workshop: Workshop, participant: Participant) -> int:
    return workshop.settings.get("max_votes_per_idea", 3) * (participant.table_size or 1)


def empty_tally(workshop: Workshop) -> dict:
    return {"votes": 0, "profile": [0] * 7, "grade": None} if is_majority(workshop.settings) else {"votes": 0}


def tallies(workshop: Workshop, idea_ids=None) -> dict[int, dict]:
    """Anonymous totals per idea (services/workshop/count.py, docs/votes.md): dots, or the merit
    profile where every voter counts and an ungraded idea is « À rejeter », and the majority grade;
    with colleges, the weighted score or grade too.

    A device-less table's grade weighs as many people as the table seats,
    as its dots do through its larger budget.
    """
    counted = counting.count(workshop, idea_ids)
    return {idea_id: counting.public(counted, idea_id) for idea_id in counted.raw}


def ballot(workshop: Workshop, participant: Participant) -> dict:
    """What the participant has left and has given: {votes_left, my_votes}.

    Majority judgment: my_votes maps idea -> grade and votes_left counts the
    ideas this participant may see and has not graded yet.
    """
    rows = db.session.execute(select(Vote.idea_id, Vote.count, Vote.grade).filter_by(participant_id=participant.id))
    if is_majority(workshop.settings):
        mine = {r.idea_id: r.grade for r in rows if r.grade is not None}
        ideas = db.session.execute(
            select(Idea.id, Idea.author_id).filter_by(workshop_id=workshop.id, hidden=False, pending=False)
        ).tuples()
        seen = seen_ideas(list(ideas), workshop.phase, workshop.settings, Viewer(False, participant.id))
        return {"votes_left": len(seen - mine.keys()), "my_votes": mine}
    mine = {r.idea_id: r.count for r in rows if r.count}
    # A budget lowered after votes were cast leaves nothing, never a negative.
    return {"votes_left": max(budget(workshop, participant) - sum(mine.values()), 0), "my_votes": mine}


def _voter(actor: Actor, on_behalf_of: Participant | None) -> Participant:
    if on_behalf_of is not None:
        require_facilitator(actor, _("voter pour une table"))
        if on_behalf_of.workshop_id != actor.workshop.id:
            raise NotFound(_("Table inconnue dans cet atelier."))
        return on_behalf_of
    if actor.participant is None:
        raise Forbidden(_("Seuls les participants votent."))
    return actor.participant


def _vote_phase(workshop: Workshop) -> None:
    if workshop.phase != "vote":
        raise PhaseError(_("Le vote n'est pas ouvert : attendez que l'animateur lance la phase de vote."))


def cast_vote(actor: Actor, idea_id, grade=None, client_id=None, on_behalf_of=None) -> dict:
    """Give a dot (or a grade). Raises PhaseError, BudgetError, Conflict, Forbidden, Invalid, NotFound; marks its tally changed."""
    voter = _voter(actor, on_behalf_of)

    def apply(workshop: Workshop) -> dict:
        _vote_phase(workshop)
        idea = idea_of(workshop, idea_id)
        if idea.hidden or idea.pending:  # moderation (issue 14): not on anyone's board
            raise NotFound(_("Idée inconnue dans cet atelier."))
        was_voter = _has_voted(voter)
        if is_majority(workshop.settings):
            _grade(workshop, voter, idea, v.integer(grade, "grade", lo=0, hi=6))
        else:
            _dot(workshop, voter, idea)
        _changed(workshop, voter, idea, was_voter)
        return ballot(workshop, voter)

    return run_command(actor, client_id, apply)


def _has_voted(voter: Participant) -> bool:
    stmt = select(Vote.id).where(Vote.participant_id == voter.id, (Vote.count > 0) | Vote.grade.is_not(None))
    return db.session.execute(stmt.limit(1)).first() is not None


def _changed(workshop: Workshop, voter: Participant, idea: Idea, was_voter: bool) -> None:
    """Mark what this vote changed. A first vote (or a last retraction) changes the number of
    voters: every idea's profile in majority judgment (the voter counts « À rejeter » where they did
    not grade) and every weighted result with colleges, and the participation figures."""
    tally_changed(workshop, idea.id)
    if was_voter == _has_voted(voter):
        return
    participation_changed(workshop.id)
    if is_majority(workshop.settings) or colleges_of(workshop.settings):
        for other in db.session.execute(select(Idea.id).filter_by(workshop_id=workshop.id)).scalars():
            tally_changed(workshop, other)


def _dot(workshop: Workshop, voter: Participant, idea: Idea) -> None:
    # Each guard is one atomic conditional UPDATE: it re-checks the limit on
    # the row it changes, so it holds even without the workshop lock.
    spent = db.session.execute(
        update(Participant)
        .where(Participant.id == voter.id, Participant.votes_used < budget(workshop, voter))
        .values(votes_used=Participant.votes_used + 1)
    ).rowcount
    if not spent:  # with the ballot as it is: a tab behind another of this voter's shows what is left
        raise BudgetError(_("Vous n'avez plus de gommettes."), **ballot(workshop, voter))
    added = db.session.execute(
        update(Vote)
        .where(Vote.participant_id == voter.id, Vote.idea_id == idea.id, Vote.count < cap(workshop, voter))
        .values(count=Vote.count + 1)
    ).rowcount
    if added:
        return
    if db.session.execute(select(Vote.id).filter_by(participant_id=voter.id, idea_id=idea.id)).first():
        raise Conflict(_("Au plus %(max)s gommettes par idée.", max=cap(workshop, voter)))
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
    """Take back one dot (or the grade). Raises PhaseError, Conflict, Forbidden, Invalid, NotFound; marks its tally changed."""
    voter = _voter(actor, on_behalf_of)

    def apply(workshop: Workshop) -> dict:
        _vote_phase(workshop)
        idea = idea_of(workshop, idea_id)
        removed = _ungrade(voter, idea) if is_majority(workshop.settings) else _undot(voter, idea)
        if not removed:
            raise Conflict(_("Vous n'avez pas voté pour cette idée."))
        _changed(workshop, voter, idea, True)
        return ballot(workshop, voter)

    return run_command(actor, client_id, apply)


def _ungrade(voter: Participant, idea: Idea) -> int:
    stmt = delete(Vote).where(Vote.participant_id == voter.id, Vote.idea_id == idea.id, Vote.grade.is_not(None))
    return db.session.execute(stmt).rowcount


def _undot(voter: Participant, idea: Idea) -> int:
    removed = db.session.execute(
        update(Vote)
        .where(Vote.participant_id == voter.id, Vote.idea_id == idea.id, Vote.count > 0)
        .values(count=Vote.count - 1)
    ).rowcount
    if removed:
        db.session.execute(
            update(Participant).where(Participant.id == voter.id).values(votes_used=Participant.votes_used - 1)
        )
    return removed


def refund_idea(idea: Idea) -> None:
    """Give back the dots spent on an idea about to be deleted (its vote rows go with it); when
    someone voted on nothing else, they stop being a voter: mark what that changes."""
    _leaving_voters(idea)
    rows = db.session.execute(select(Vote.participant_id, Vote.count).where(Vote.idea_id == idea.id, Vote.count > 0))
    for participant_id, count in rows.all():
        db.session.execute(
            update(Participant)
            .where(Participant.id == participant_id)
            .values(votes_used=Participant.votes_used - count)
        )


def _leaving_voters(idea: Idea) -> None:
    cast = (Vote.count > 0) | Vote.grade.is_not(None)
    here = select(Vote.participant_id).where(Vote.idea_id == idea.id, cast)
    elsewhere = select(Vote.participant_id).where(Vote.idea_id != idea.id, Vote.participant_id.in_(here), cast)
    if set(db.session.execute(here).scalars()) <= set(db.session.execute(elsewhere).scalars()):
        return
    workshop = db.session.get(Workshop, idea.workshop_id)
    participation_changed(workshop.id)
    if is_majority(workshop.settings) or colleges_of(workshop.settings):
        for other in db.session.execute(select(Idea.id).where(Idea.workshop_id == workshop.id, Idea.id != idea.id)):
            tally_changed(workshop, other[0])


def check_ballot_change(workshop: Workshop, settings: dict) -> None:
    """The ballot is set before the vote opens. Raises PhaseError, Conflict (colleges once votes exist).

    While voting, method, budget and cap are frozen (changing them would make
    earlier and later voters unequal); once votes exist the method is too,
    since dots and grades do not convert.
    """
    check_colleges_change(workshop, settings)
    changed = [k for k in BALLOT_SETTINGS if settings.get(k) != workshop.settings.get(k)]
    if not changed:
        return
    if workshop.phase == "vote":
        raise PhaseError(
            _("Les règles du vote se fixent avant son ouverture : sortez de la phase de vote pour les changer.")
        )
    if "vote_method" in changed and _any_vote(workshop):
        raise PhaseError(_("Des votes ont déjà été exprimés : la méthode de vote ne peut plus changer."))


def _any_vote(workshop: Workshop) -> bool:
    stmt = select(Vote.id).where(Vote.workshop_id == workshop.id, (Vote.count > 0) | Vote.grade.is_not(None))
    return db.session.execute(stmt.limit(1)).first() is not None


def participation(workshop: Workshop) -> dict:
    """How many people have voted, out of how many are present — the only per-person figure anyone sees.

    {voters, participants, present, room: {voters, present}, remote: {…}} and, with colleges,
    colleges: [{id, name, voters, present}] (plus `unassigned` when someone has no college).
    Present means joined (the attendance sheet); tables count for the people they seat.
    """
    was = func.max(case((Participant.id.in_(counting.voted(workshop.id)), 1), else_=0))
    stmt = (
        select(Participant.attendance, Participant.college, counting.SEATS, was)
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.id)
    )
    colleges = colleges_of(workshop.settings)
    known = {str(c["id"]) for c in colleges}
    tally = {key: {"voters": 0, "present": 0} for key in ("all", "room", "remote", None, *known)}
    for attendance, college, seats, has_voted in db.session.execute(stmt):
        buckets = ("all", "room" if attendance == "room" else "remote", college if college in known else None)
        for key in buckets:
            tally[key]["present"] += int(seats)
            tally[key]["voters"] += int(seats) if has_voted else 0
    out = {"voters": tally["all"]["voters"], "participants": tally["all"]["present"]}
    out.update(present=tally["all"]["present"], room=tally["room"], remote=tally["remote"])
    if colleges:
        out["colleges"] = [{"id": c["id"], "name": c["name"], **tally[str(c["id"])]} for c in colleges]
        if tally[None]["present"]:
            out["unassigned"] = tally[None]
    return out

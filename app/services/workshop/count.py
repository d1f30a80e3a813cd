"""Counting a vote: the one computation behind `vote.tally`, the snapshot, the results page and exports.

The formulas are in docs/votes.md. In short:

- a *voter* is a participant (or a table, for the people it seats) who has
  given at least one dot or one grade;
- majority judgment: every voter counts for every idea, an idea a voter did
  not grade counting as « À rejeter » (`majority.complete`);
- with colleges, college c of weight w_c and n_c voters: an idea's dots score
  is Σ w_c × dots_c / n_c; its weighted merit profile is Σ (w_c / n_c) ×
  profile_c, so each college's ballots together carry its weight, and the
  weighted majority grade is that profile's lower median. Voters without a
  college count in the raw result and in no weighted one.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func, select

from app.lib import majority
from app.services.workshop.colleges import colleges_of, weight_of
from models import Idea, Participant, Vote, Workshop, db

SEATS = func.coalesce(Participant.table_size, 1)
NO_COLLEGE = None


def is_majority(settings: dict) -> bool:
    """Majority judgment (a grade per idea) rather than dots, per the workshop's settings."""
    return settings.get("vote_method") == "majority_judgment"


def voted(workshop_id: int):
    """The participants of this workshop who have voted (a subquery)."""
    return select(Vote.participant_id).where(
        Vote.workshop_id == workshop_id, (Vote.count > 0) | Vote.grade.is_not(None)
    )


@dataclass
class Count:
    """Exact totals of one workshop's vote. Values per idea: dots (int / Fraction) or a profile (list of 7)."""

    mj: bool
    voters: int = 0
    raw: dict = field(default_factory=dict)
    graded: dict = field(default_factory=dict)
    colleges: list[dict] = field(default_factory=list)  # settings' colleges, each with its voters
    by_college: dict = field(default_factory=dict)  # college id -> {idea: value}
    weighted: dict = field(default_factory=dict)  # idea -> value; empty without colleges

    @property
    def is_weighted(self) -> bool:
        return bool(self.colleges)

    def result(self, idea_id: int):
        """What orders this idea: its weighted value with colleges, else its raw one."""
        return (self.weighted if self.is_weighted else self.raw)[idea_id]


def count(workshop: Workshop, idea_ids=None) -> Count:
    """Count the vote of `workshop` for these ideas (all of them by default)."""
    mj = is_majority(workshop.settings)
    wanted = _idea_ids(workshop, idea_ids)
    voters = _voters(workshop)
    out = Count(mj=mj, voters=sum(voters.values()))
    rows = _grades(workshop, wanted) if mj else _dots(workshop, wanted)
    per_college: dict = {}
    for idea_id, college, value in rows:
        per_college.setdefault(college, {}).setdefault(idea_id, _zero(mj))
        if mj:
            grade, seats = value
            per_college[college][idea_id][grade] += seats
        else:
            per_college[college][idea_id] += value
    for idea_id in wanted:
        parts = [per_college.get(c, {}).get(idea_id, _zero(mj)) for c in per_college]
        out.raw[idea_id] = _sum(parts, mj)
        if mj:
            out.graded[idea_id] = sum(out.raw[idea_id])
            out.raw[idea_id] = _pad(out.raw[idea_id], out.voters)
    _weigh(out, workshop, wanted, voters, per_college)
    return out


def _weigh(out: Count, workshop: Workshop, wanted: list[int], voters: dict, per_college: dict) -> None:
    for college in colleges_of(workshop.settings):
        key = str(college["id"])
        n = voters.get(key, 0)
        out.colleges.append({"id": college["id"], "name": college["name"], "weight": college["weight"], "voters": n})
        own = per_college.get(key, {})
        if out.mj:
            out.by_college[key] = {i: _pad(own.get(i, _zero(True)), n) for i in wanted}
        else:
            out.by_college[key] = {i: own.get(i, 0) for i in wanted}
    if not out.colleges:
        return
    scale = {str(c["id"]): weight_of(c) / c["voters"] for c in out.colleges if c["voters"]}
    for idea_id in wanted:
        if out.mj:
            parts = [[g * factor for g in out.by_college[k][idea_id]] for k, factor in scale.items()]
            out.weighted[idea_id] = _sum(parts, True, zero=Fraction(0))
        else:
            out.weighted[idea_id] = sum((out.by_college[k][idea_id] * f for k, f in scale.items()), Fraction(0))


def _pad(profile: list[int], voters: int) -> list[int]:
    # max(): on PostgreSQL two reads of one request may see a vote committed between them.
    return majority.complete(profile, max(voters, sum(profile)))


def _zero(mj: bool):
    return [0] * len(majority.GRADES) if mj else 0


def _sum(parts: list, mj: bool, zero=0):
    if not mj:
        return sum(parts, zero)
    return [sum(column, zero) for column in zip(*parts, strict=True)] if parts else [zero] * len(majority.GRADES)


def _idea_ids(workshop: Workshop, idea_ids) -> list[int]:
    if idea_ids is not None:
        return sorted(set(idea_ids))
    return list(db.session.execute(select(Idea.id).filter_by(workshop_id=workshop.id).order_by(Idea.id)).scalars())


def _voters(workshop: Workshop) -> dict:
    """Seats of the voters per college id (None: no college, or a college no longer in the settings)."""
    known = {str(c["id"]) for c in colleges_of(workshop.settings)}
    stmt = select(Participant.college, func.sum(SEATS)).where(Participant.id.in_(voted(workshop.id)))
    out: dict = {}
    for college, seats in db.session.execute(stmt.group_by(Participant.college)):
        key = college if college in known else NO_COLLEGE
        out[key] = out.get(key, 0) + int(seats)
    return out


def _college_key(workshop: Workshop):
    known = {str(c["id"]) for c in colleges_of(workshop.settings)}
    return lambda college: college if college in known else NO_COLLEGE


def _grades(workshop: Workshop, wanted: list[int]):
    """(idea, college, (grade, seats)): a table's grade weighs as many people as it seats."""
    if not wanted:
        return []
    key = _college_key(workshop)
    stmt = (
        select(Vote.idea_id, Participant.college, Vote.grade, func.sum(SEATS))
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Vote.workshop_id == workshop.id, Vote.grade.is_not(None), Vote.idea_id.in_(wanted))
        .group_by(Vote.idea_id, Participant.college, Vote.grade)
    )
    return [(i, key(c), (g, int(n))) for i, c, g, n in db.session.execute(stmt)]


def _dots(workshop: Workshop, wanted: list[int]):
    """(idea, college, dots): a table's dots already come from its larger budget."""
    if not wanted:
        return []
    key = _college_key(workshop)
    stmt = (
        select(Vote.idea_id, Participant.college, func.sum(Vote.count))
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Vote.workshop_id == workshop.id, Vote.count > 0, Vote.idea_id.in_(wanted))
        .group_by(Vote.idea_id, Participant.college)
    )
    return [(i, key(c), int(n or 0)) for i, c, n in db.session.execute(stmt)]


def public(counted: Count, idea_id: int) -> dict:
    """An idea's tally as clients get it (vote.tally, snapshot): JSON numbers, never who voted.

    Dots: {votes} (+ score with colleges). Majority judgment: {votes, graded, profile, grade};
    with colleges `grade` is the weighted grade, plus raw_grade and weighted_profile (shares).
    """
    raw = counted.raw[idea_id]
    if not counted.mj:
        out = {"votes": raw}
        if counted.is_weighted:
            out["score"] = round(float(counted.weighted[idea_id]), 4)
        return out
    out = {"votes": sum(raw), "graded": counted.graded[idea_id], "profile": raw, "grade": majority.majority_grade(raw)}
    if counted.is_weighted:
        weighted = counted.weighted[idea_id]
        out["raw_grade"] = out["grade"]
        out["grade"] = majority.majority_grade(weighted)
        out["weighted_profile"] = [round(float(s), 4) for s in majority.shares(weighted)]
    return out

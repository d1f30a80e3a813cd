"""Voting services (dots and majority judgment) on each backend: limits, phases, visibility, anonymity, concurrency."""

import json
import random
import threading

import pytest
from sqlalchemy import func, select

from app.services.core import unit_of_work as events_service
from app.services.core.actors import Actor
from app.services.core.errors import BudgetError, Conflict, Forbidden, Invalid, NotFound, PhaseError
from app.services.workshop import board, exports, ideas, results, session, tallies, votes, workshops
from models import CommandResult, Participant, Vote, Workshop, db
from tests.conftest import api_headers


def _tally_marks(published) -> list[int]:
    """The ideas whose tally each committed vote handed to the coalescer, in order."""
    return [i for o in published for ideas in o.tallies.values() for i in sorted(ideas)]


def _ideas(fac, n):
    column = fac.workshop.columns[0].id
    return [ideas.create_idea(fac, column, f"Idée n°{i + 1}")["idea"]["id"] for i in range(n)]


def _voting(make_workshop, facilitator, n_ideas=3, **settings):
    workshop = make_workshop(user=facilitator, settings=settings) if settings else make_workshop(user=facilitator)
    fac = Actor(workshop, user=facilitator)
    ids = _ideas(fac, n_ideas)
    session.set_phase(fac, "vote")
    return workshop, fac, ids


def _used(participant_id):
    db.session.expire_all()
    return db.session.get(Participant, participant_id).votes_used


def _wire(answer):
    """The answer as a client receives it (JSON object keys are strings), like a replayed one."""
    return json.loads(json.dumps(answer))


def _dots(participant_id):
    rows = db.session.execute(select(Vote.idea_id, Vote.count).filter_by(participant_id=participant_id))
    return {i: c for i, c in rows if c}


# --- dots -----------------------------------------------------------------


def test_budget_and_ack(make_workshop, facilitator, join, published):
    workshop, _fac, (a, b, c) = _voting(make_workshop, facilitator)
    alice = join(workshop, "Alice")
    assert votes.cast_vote(alice, a) == {"votes_left": 4, "my_votes": {a: 1}}
    assert _tally_marks(published) == [a]  # after commit: one tally to coalesce
    votes.cast_vote(alice, a)
    votes.cast_vote(alice, b)
    votes.cast_vote(alice, c)
    assert votes.cast_vote(alice, c) == {"votes_left": 0, "my_votes": {a: 2, b: 1, c: 2}}
    with pytest.raises(BudgetError) as err:
        votes.cast_vote(alice, b)
    assert err.value.code == "budget"
    # The refusal says what is left, for a tab that missed votes cast from another one.
    assert {k: err.value.to_dict()[k] for k in ("votes_left", "my_votes")} == {"votes_left": 0, "my_votes": {a: 2, b: 1, c: 2}}
    assert len(_tally_marks(published)) == 5  # a refused vote announces nothing
    assert _used(alice.participant_id) == 5 and _dots(alice.participant_id) == {a: 2, b: 1, c: 2}
    assert board.snapshot(alice)["me"]["votes_left"] == 0


def test_cap_per_idea_spends_nothing_when_refused(make_workshop, facilitator, join):
    workshop, _fac, (a, _b, _c) = _voting(make_workshop, facilitator, votes_per_participant=6, max_votes_per_idea=2)
    alice = join(workshop)
    votes.cast_vote(alice, a)
    votes.cast_vote(alice, a)
    with pytest.raises(Conflict) as err:
        votes.cast_vote(alice, a)
    assert "2 gommettes" in err.value.message
    assert _used(alice.participant_id) == 2
    assert votes.ballot(workshop, alice.participant)["votes_left"] == 4


def test_cast_and_retract_only_during_vote(make_workshop, facilitator, join):
    workshop = make_workshop()
    fac = Actor(workshop, user=facilitator)
    (a,) = _ideas(fac, 1)
    alice = join(workshop)
    for phase in ("setup", "brainstorm", "cluster"):
        session.set_phase(fac, phase)
        with pytest.raises(PhaseError) as err:
            votes.cast_vote(alice, a)
        assert err.value.code == "phase"
    session.set_phase(fac, "vote")
    votes.cast_vote(alice, a)
    for phase in ("discuss", "closed"):
        session.set_phase(fac, phase)
        with pytest.raises(PhaseError):
            votes.cast_vote(alice, a)
        with pytest.raises(PhaseError):
            votes.retract_vote(alice, a)
    assert _dots(alice.participant_id) == {a: 1} and _used(alice.participant_id) == 1


def test_retract_gives_the_dot_back(make_workshop, facilitator, join):
    workshop, _fac, (a, b, _c) = _voting(make_workshop, facilitator)
    alice = join(workshop)
    votes.cast_vote(alice, a)
    votes.cast_vote(alice, a)
    assert votes.retract_vote(alice, a) == {"votes_left": 4, "my_votes": {a: 1}}
    assert votes.retract_vote(alice, a) == {"votes_left": 5, "my_votes": {}}
    with pytest.raises(Conflict):
        votes.retract_vote(alice, a)
    with pytest.raises(Conflict):
        votes.retract_vote(alice, b)
    assert _used(alice.participant_id) == 0


def test_who_may_vote_and_on_what(make_workshop, facilitator, make_user, join):
    workshop, fac, (a, _b, _c) = _voting(make_workshop, facilitator)
    other, _ofac, (foreign,) = _voting(make_workshop, make_user(), n_ideas=1)
    alice = join(workshop)
    with pytest.raises(Forbidden):
        votes.cast_vote(fac, a)
    with pytest.raises(NotFound):
        votes.cast_vote(alice, foreign)
    with pytest.raises(NotFound):
        votes.cast_vote(alice, 10**9)
    for bad in (None, "1", 1.0, True, [a], {"id": a}):
        with pytest.raises(Invalid):
            votes.cast_vote(alice, bad)
    with pytest.raises(Forbidden):
        votes.cast_vote(alice, a, on_behalf_of=alice.participant)
    with pytest.raises(NotFound):  # a facilitator cannot spend another workshop's table
        votes.cast_vote(fac, a, on_behalf_of=join(other, "Intrus").participant)
    assert db.session.execute(select(func.count(Vote.id))).scalar_one() == 0


def test_table_budget_and_cap_scale_with_its_size(make_workshop, facilitator, join):
    workshop, fac, (a, b, _c) = _voting(make_workshop, facilitator, votes_per_participant=2, max_votes_per_idea=1)
    table = Participant(workshop_id=workshop.id, name="Table 4", attendance="room", table_size=3)
    db.session.add(table)
    db.session.commit()
    for _ in range(3):
        votes.cast_vote(fac, a, on_behalf_of=table)
    with pytest.raises(Conflict):
        votes.cast_vote(fac, a, on_behalf_of=table)
    for _ in range(3):
        votes.cast_vote(fac, b, on_behalf_of=table)
    with pytest.raises(BudgetError):
        votes.cast_vote(fac, _c, on_behalf_of=table)
    assert votes.tallies(workshop)[a]["votes"] == 3
    assert votes.participation(workshop) == {
        "voters": 3,
        "participants": 3,
        "present": 3,
        "room": {"voters": 3, "present": 3},
        "remote": {"voters": 0, "present": 0},
    }


def test_same_client_id_counts_once(make_workshop, facilitator, join):
    workshop, _fac, (a, b, _c) = _voting(make_workshop, facilitator)
    alice = join(workshop)
    first = _wire(votes.cast_vote(alice, a, client_id="tab-1:7"))
    assert _wire(votes.cast_vote(alice, a, client_id="tab-1:7")) == first
    assert _wire(votes.cast_vote(alice, b, client_id="tab-1:7")) == first  # a replay, whatever the payload
    assert _dots(alice.participant_id) == {a: 1}
    bob = join(workshop, "Bob")  # client ids are per participant
    assert votes.cast_vote(bob, a, client_id="tab-1:7") == {"votes_left": 4, "my_votes": {a: 1}}
    assert _wire(votes.retract_vote(alice, a, client_id="r1")) == _wire(votes.retract_vote(alice, a, client_id="r1"))
    assert _dots(alice.participant_id) == {}


def test_deleting_an_idea_gives_its_dots_back(make_workshop, facilitator, join):
    workshop, fac, (a, b, _c) = _voting(make_workshop, facilitator)
    alice = join(workshop)
    for idea in (a, a, b):
        votes.cast_vote(alice, idea)
    ideas.delete_idea(fac, a)
    assert _used(alice.participant_id) == 1
    assert votes.ballot(workshop, alice.participant) == {"votes_left": 4, "my_votes": {b: 1}}


def test_ballot_is_fixed_while_the_vote_is_open(make_workshop, facilitator, join):
    workshop, fac, (a, _b, _c) = _voting(make_workshop, facilitator)
    for patch in ({"votes_per_participant": 9}, {"max_votes_per_idea": 1}, {"vote_method": "majority_judgment"}):
        with pytest.raises(PhaseError):
            workshops.update_workshop(fac, {"settings": patch})
    workshops.update_workshop(fac, {"settings": {"reveal_votes": "end"}})  # presentation only: allowed
    votes.cast_vote(join(workshop), a)
    session.set_phase(fac, "discuss")
    workshops.update_workshop(fac, {"settings": {"votes_per_participant": 8}})
    with pytest.raises(PhaseError):
        workshops.update_workshop(fac, {"settings": {"vote_method": "majority_judgment"}})
    db.session.expire_all()
    assert workshop.settings["vote_method"] == "dots" and workshop.settings["votes_per_participant"] == 8


# --- majority judgment -----------------------------------------------------


def test_grades_are_validated(make_workshop, facilitator, join):
    workshop, _fac, (a, _b, _c) = _voting(make_workshop, facilitator, vote_method="majority_judgment")
    alice = join(workshop)
    for bad in (None, -1, 7, "5", 5.0, True, [5]):
        with pytest.raises(Invalid) as err:
            votes.cast_vote(alice, a, grade=bad)
        assert err.value.extra == {"field": "grade"}
    assert db.session.execute(select(func.count(Vote.id))).scalar_one() == 0
    for grade in range(7):
        assert votes.cast_vote(alice, a, grade=grade)["my_votes"] == {a: grade}


def test_majority_judgment_ballot_regrade_and_retract(make_workshop, facilitator, join):
    workshop, _fac, (a, b, c) = _voting(make_workshop, facilitator, vote_method="majority_judgment")
    alice = join(workshop)
    assert board.snapshot(alice)["me"]["votes_left"] == 3  # ideas not graded yet
    assert votes.cast_vote(alice, a, grade=6) == {"votes_left": 2, "my_votes": {a: 6}}
    assert votes.cast_vote(alice, a, grade=2) == {"votes_left": 2, "my_votes": {a: 2}}  # a new grade replaces
    votes.cast_vote(alice, b, grade=4)
    assert votes.tallies(workshop)[a] == {"votes": 1, "graded": 1, "profile": [0, 0, 1, 0, 0, 0, 0], "grade": 2}
    assert votes.retract_vote(alice, a) == {"votes_left": 2, "my_votes": {b: 4}}
    # Alice still voted (on b): her missing grade on a counts as « À rejeter ».
    assert votes.tallies(workshop)[a] == {"votes": 1, "graded": 0, "profile": [1, 0, 0, 0, 0, 0, 0], "grade": 0}
    with pytest.raises(Conflict):
        votes.retract_vote(alice, c)


def test_majority_judgment_ranking_worked_example(make_workshop, facilitator, join):
    workshop, _fac, ids = _voting(make_workshop, facilitator, n_ideas=5, vote_method="majority_judgment")
    a, b, c, d, e = ids
    ballots = {a: [6, 5, 4, 4, 1], b: [5, 5, 4, 2, 2], c: [3, 3, 3, 3, 3], d: [3, 3, 3, 3, 3]}
    people = [join(workshop, f"P{i}") for i in range(5)]
    for idea, grades in ballots.items():
        for person, grade in zip(people, grades, strict=True):
            votes.cast_vote(person, idea, grade=grade)
    fac = Actor(workshop, user=facilitator)
    rows = results.ranking(fac)
    # a and b share « Bien »; removing one median vote leaves a at « Bien » but b at « Passable ».
    assert [(r["idea_id"], r["rank"], r["grade_label"]) for r in rows] == [
        (a, 1, "Bien"),
        (b, 2, "Bien"),
        (c, 3, "Assez bien"),
        (d, 3, "Assez bien"),
        (e, 5, "À rejeter"),  # graded by nobody: five « À rejeter »
    ]
    assert rows[0]["profile"] == [0, 1, 0, 0, 2, 1, 1] and rows[0]["votes"] == 5
    assert rows[0]["explanation"] == (
        "Mention majoritaire : Bien — 80 % des participants ont donné « Bien » ou mieux, 20 % « Assez bien » ou moins."
    )
    assert rows[4]["profile"] == [5, 0, 0, 0, 0, 0, 0] and rows[4]["graded"] == 0


# --- visibility and anonymity -----------------------------------------------


@pytest.mark.parametrize("method", ["dots", "majority_judgment"])
def test_reveal_at_end_hides_tallies_from_participants_on_every_path(method, make_workshop, facilitator, join, client):
    workshop, fac, (a, b, _c) = _voting(make_workshop, facilitator, vote_method=method, reveal_votes="end")
    alice, token = join(workshop, "Alice", with_token=True)
    before = workshop.last_seq
    votes.cast_vote(alice, a, grade=5)
    votes.cast_vote(alice, b, grade=1)
    tallies.announce(workshop.id, {a, b})
    tallies.announce(workshop.id, {a})

    snap = board.snapshot(alice)
    assert all(i["votes"] is None and "profile" not in i and "grade" not in i for i in snap["ideas"])
    assert set(snap["me"]["my_votes"]) == {a, b}  # one's own ballot stays visible
    assert [i["votes"] for i in board.snapshot(fac)["ideas"]][:2] == [1, 1]
    replay = board.sync(alice, before)["events"]
    assert replay and {e["type"] for e in replay} == {"hidden"} and all(e["data"] == {} for e in replay)
    assert {e["type"] for e in board.sync(fac, before)["events"]} == {"vote.tally"}
    rest = client.get(f"/api/v1/workshops/{workshop.code}/events?since={before}", headers=api_headers(token)).json
    assert {e["type"] for e in rest["events"]} == {"hidden"}
    assert "votes" not in json.dumps(rest) and "profile" not in json.dumps(rest)
    rest_snap = client.get(f"/api/v1/workshops/{workshop.code}", headers=api_headers(token)).json
    assert all(i["votes"] is None for i in rest_snap["ideas"])
    assert client.get(f"/api/v1/workshops/{workshop.code}/export", headers=api_headers(token)).status_code == 403
    assert results.ranking(alice) == [] and results.group_ranking(alice) == []
    assert results.results_view(alice)["hidden"] is True

    session.set_phase(fac, "discuss")
    assert [i["votes"] for i in board.snapshot(alice)["ideas"]][:2] == [1, 1]
    assert {e["type"] for e in board.sync(alice, before)["events"]} >= {"vote.tally"}
    assert len(results.ranking(alice)) == 3


def test_live_reveal_shows_tallies_to_everyone(make_workshop, facilitator, join):
    workshop, _fac, (a, _b, _c) = _voting(make_workshop, facilitator)
    alice = join(workshop)
    before = workshop.last_seq
    votes.cast_vote(alice, a)
    tallies.announce(workshop.id, {a})
    (event,) = board.sync(join(workshop, "Bob"), before)["events"]
    assert event["type"] == "vote.tally"
    assert event["data"] == {"idea_id": a, "votes": 1, "tallies": [{"idea_id": a, "votes": 1}]}


@pytest.mark.parametrize("method", ["dots", "majority_judgment"])
def test_tallies_never_say_who_voted(method, make_workshop, facilitator, join, client):
    workshop, fac, (a, b, _c) = _voting(make_workshop, facilitator, vote_method=method)
    zoe = join(workshop, "Zoé Votante-Secrète")
    bob = join(workshop, "Bob")
    for voter in (zoe, zoe, bob):
        votes.cast_vote(voter, a, grade=3)
    votes.cast_vote(zoe, b, grade=6)
    tallies.announce(workshop.id, {a, b})
    log = board.replay(fac, 0)["events"]
    for event in log:
        assert "Zoé" not in json.dumps(event)
    for event in (e for e in log if e["type"] == "vote.tally"):
        for row in event["data"]["tallies"]:
            assert set(row) <= {"idea_id", "votes", "graded", "profile", "grade"}
        assert set(event["data"]) <= {"idea_id", "votes", "graded", "profile", "grade", "tallies"}
    for fmt in ("json", "csv", "md"):
        body, _mime, _name = exports.export_workshop(fac, fmt)
        assert "Zoé" not in body and "Votante" not in body
    snap = board.snapshot(fac)
    assert "Zoé" not in json.dumps(snap["ideas"])
    assert snap["participation"]["voters"] == 2 and snap["participation"]["participants"] == 2
    assert board.snapshot(bob)["participation"] == snap["participation"]  # counts are no secret: "2 / 2 ont voté"
    assert "Zoé" not in json.dumps(snap["participation"])


# --- concurrency ----------------------------------------------------------


def _dot_job(actor, job):
    idea_id, client_id = job
    return client_id, votes.cast_vote(actor, idea_id, client_id=client_id)


def _hammer(app, workshop_id, participant_id, jobs, threads, run=_dot_job):
    """Run the jobs spread over `threads` threads released together, each with its own app context and session.

    Returns (acks, errors): refusals (budget, cap) are acks; any other exception is an error.
    """
    db.session.rollback()  # SQLite: the test's own open transaction would hold the write lock
    barrier = threading.Barrier(threads)
    acks, errors, lock = [], [], threading.Lock()

    def worker(mine):
        with app.app_context():
            try:
                workshop = db.session.get(Workshop, workshop_id)
                actor = Actor(workshop, participant=db.session.get(Participant, participant_id))
                db.session.rollback()
            finally:
                barrier.wait()
            for job in mine:
                try:
                    ack = run(actor, job)
                except (BudgetError, Conflict) as exc:
                    ack = (job[1], exc.code)
                except Exception as exc:  # noqa: BLE001 — anything else is a failure to report
                    with lock:
                        errors.append(repr(exc))
                    continue
                with lock:
                    acks.append(ack)
            db.session.remove()

    pool = [threading.Thread(target=worker, args=(jobs[i::threads],)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(120)
    return acks, errors


def _invariants(participant_id):
    db.session.rollback()
    used = _used(participant_id)
    counted = db.session.execute(select(func.sum(Vote.count)).filter_by(participant_id=participant_id)).scalar()
    assert used == (counted or 0)
    return used


def test_concurrent_casts_never_exceed_budget_or_cap(app, make_workshop, facilitator, join):
    workshop, _fac, ideas_ = _voting(make_workshop, facilitator, votes_per_participant=7, max_votes_per_idea=3)
    alice = join(workshop)
    jobs = [(ideas_[k % 3], None) for k in range(60)]
    acks, errors = _hammer(app, workshop.id, alice.participant_id, jobs, threads=10)
    assert errors == []
    assert sum(1 for _cid, ack in acks if isinstance(ack, dict)) == 7
    assert _invariants(alice.participant_id) == 7
    counts = _dots(alice.participant_id)
    assert sum(counts.values()) == 7 and max(counts.values()) == 3
    left = sorted(ack["votes_left"] for _cid, ack in acks if isinstance(ack, dict))
    assert left == list(range(7))  # each success saw a distinct, serialised state


def test_concurrent_retries_of_the_same_client_ids_count_once(app, make_workshop, facilitator, join):
    workshop, _fac, (a, b, _c) = _voting(make_workshop, facilitator, votes_per_participant=50, max_votes_per_idea=50)
    alice = join(workshop)
    ids = [f"tab{k % 2}:{k}" for k in range(20)]
    jobs = [(a if k % 2 else b, cid) for _ in range(8) for k, cid in enumerate(random.sample(ids, len(ids)))]
    acks, errors = _hammer(app, workshop.id, alice.participant_id, jobs, threads=8)
    assert errors == [] and len(acks) == 160
    answers: dict[str, list] = {}
    for cid, ack in acks:
        answers.setdefault(cid, []).append(ack)
    assert all(
        len({json.dumps(_wire(ack)) for ack in seen}) == 1 for seen in answers.values()
    )  # every retry got the first answer
    assert _invariants(alice.participant_id) == 20
    assert db.session.execute(select(func.count(CommandResult.id))).scalar_one() == 20


def test_budget_holds_in_the_database_even_without_the_workshop_lock(
    app, make_workshop, facilitator, join, monkeypatch
):
    """The conditional UPDATEs alone keep the limits: take the row lock away and hammer."""
    workshop, _fac, ideas_ = _voting(make_workshop, facilitator, votes_per_participant=5, max_votes_per_idea=2)
    alice = join(workshop)

    def unlocked(workshop_id):
        db.session.rollback()
        return db.session.get(Workshop, workshop_id, populate_existing=True)

    monkeypatch.setattr(events_service, "lock_workshop", unlocked)
    jobs = [(ideas_[k % 3], None) for k in range(60)]
    acks, errors = _hammer(app, workshop.id, alice.participant_id, jobs, threads=10)
    # Without the lock two first dots on one idea may race to insert its row: the unique
    # constraint refuses the second (an error, never a double count).
    assert all("IntegrityError" in e for e in errors), errors
    assert _invariants(alice.participant_id) == 5
    assert max(_dots(alice.participant_id).values()) <= 2


def test_concurrent_grades_keep_one_row(app, make_workshop, facilitator, join):
    workshop, _fac, (a, _b, _c) = _voting(make_workshop, facilitator, vote_method="majority_judgment")
    alice = join(workshop)
    jobs = [(a, k % 7) for k in range(40)]
    acks, errors = _hammer(
        app, workshop.id, alice.participant_id, jobs, threads=8, run=lambda actor, job: votes.cast_vote(actor, *job)
    )
    assert errors == [] and len(acks) == 40
    db.session.rollback()
    assert db.session.execute(select(func.count(Vote.id)).filter_by(idea_id=a)).scalar_one() == 1
    assert votes.tallies(workshop)[a]["votes"] == 1

"""Participants' rights (services, both backends): export, erase one's name, delete one's contributions."""

import json

import pytest
from sqlalchemy import select

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, NotFound, PhaseError
from app.services.core.unit_of_work import events_since
from app.services.minutes.operations import current_text
from app.services.privacy import rights as privacy
from app.services.workshop import board, exports, session
from app.services.workshop.votes import tallies
from models import ActionSource, CommandResult, Event, Idea, Participant, Vote, Workshop, db
from tests.unit.privacy_helpers import ALICE, BOB, MINUTES, ORG, find_in_database, populate


@pytest.fixture
def full(workshop, fac, join):
    return populate(workshop, fac, join)


def _log(workshop) -> str:
    return json.dumps([e.envelope() for e in events_since(workshop.id, 0, limit=10_000)], ensure_ascii=False)


def test_self_export_contains_exactly_ones_own_contributions(workshop, full):
    data = privacy.export_participant(full["alice"])
    assert data["participant"]["name"] == ALICE and data["participant"]["organisation"] == ORG
    assert sorted(i["id"] for i in data["ideas"]) == sorted([full["a1"]["id"], full["a2"]["id"]])
    assert all(i["author"]["id"] == full["alice"].participant_id for i in data["ideas"])
    assert sorted((v["idea_id"], v["dots"]) for v in data["votes"]) == sorted(
        [(full["b1"]["id"], 1), (full["a1"]["id"], 1)]
    )
    assert data["hands"] == {"in_queue": True, "speaking": False, "turns_taken": 0}
    assert "collectif" in data["minutes"]
    assert data["workshop"]["code"] == workshop.code and data["workshop"]["retention_months"] == 12
    text = json.dumps(data, ensure_ascii=False)
    assert BOB not in text and "Une monnaie locale" in text  # Bob's idea only as the target of Alice's vote
    bob = privacy.export_participant(full["bob"])
    assert [i["id"] for i in bob["ideas"]] == [full["b1"]["id"]]
    assert sorted((v["idea_id"], v["dots"]) for v in bob["votes"]) == sorted(
        [(full["a1"]["id"], 2), (full["b1"]["id"], 1)]
    )
    assert ALICE not in json.dumps(bob, ensure_ascii=False)


def test_facilitator_exports_on_request_but_participants_cannot_read_each_other(workshop, fac, full):
    data = privacy.export_participant(fac, full["bob"].participant_id)
    assert data["participant"]["name"] == BOB
    with pytest.raises(Forbidden):
        privacy.export_participant(full["alice"], full["bob"].participant_id)
    with pytest.raises(Forbidden):
        privacy.export_participant(fac)  # a facilitator has no contributions as a participant
    with pytest.raises(NotFound):
        privacy.export_participant(fac, 999_999)


def test_participant_of_another_workshop_is_not_found(make_workshop, fac, join, full):
    other = make_workshop(title="Autre atelier")
    stranger = join(other, "Personne d'ailleurs")
    with pytest.raises(NotFound):
        privacy.export_participant(fac, stranger.participant_id)
    with pytest.raises(NotFound):
        privacy.anonymise_participant(fac, stranger.participant_id)
    assert db.session.get(Participant, stranger.participant_id).name == "Personne d'ailleurs"


def test_erasure_removes_the_name_from_events_sync_exports_and_answers(workshop, fac, full):
    alice_id = full["alice"].participant_id
    assert ALICE in _log(workshop)
    seq = workshop.last_seq
    result = privacy.anonymise_participant(full["alice"], client_id="erase-1")
    assert result == {"participant_id": alice_id, "ideas": 2, "name": privacy.ANON_NAME}

    new = events_since(workshop.id, seq)
    types = [e.type for e in new]
    assert types.count("idea.updated") == 2 and "hands.changed" in types and types[-1] == "privacy.erased"
    assert new[-1].data == {"participant_id": alice_id, "ideas": 2}
    assert ALICE not in _log(workshop) and BOB in _log(workshop)
    alice = db.session.get(Participant, alice_id)
    assert (alice.name, alice.organisation, alice.anonymised) == (privacy.ANON_NAME, "", True)
    assert alice.token_hash is not None  # she may go on taking part, anonymously

    bob = Actor(
        db.session.get(Workshop, workshop.id), participant=db.session.get(Participant, full["bob"].participant_id)
    )
    for view in (board.sync(bob, 0), board.replay(bob, 0), board.snapshot(fac), board.replay(fac, 0)):
        text = json.dumps(view, ensure_ascii=False)
        assert ALICE not in text and ORG not in text
    snap = board.snapshot(fac)
    authors = {i["id"]: i["author"]["name"] for i in snap["ideas"]}
    assert authors[full["a1"]["id"]] == privacy.ANON_NAME and authors[full["b1"]["id"]] == BOB
    assert snap["hands"]["queue"][0] == dict(snap["hands"]["queue"][0], id=alice_id, name=privacy.ANON_NAME)
    for fmt in ("json", "csv", "md"):
        body, _, _ = exports.export_workshop(fac, fmt)
        assert ALICE not in body
    answers = db.session.execute(select(CommandResult.response)).scalars()
    assert ALICE not in json.dumps(list(answers), ensure_ascii=False)
    assert find_in_database(ALICE, ORG) == []
    # Provenance keeps the text, which never held a name.
    assert db.session.get(ActionSource, full["source_id"]).text == full["a1"]["text"]


def test_erasure_is_idempotent_per_client_id(workshop, full):
    first = privacy.anonymise_participant(full["alice"], client_id="same")
    seq = db.session.get(Workshop, workshop.id).last_seq
    assert privacy.anonymise_participant(full["alice"], client_id="same") == first
    assert db.session.get(Workshop, workshop.id).last_seq == seq


def test_delete_contributions_removes_ideas_votes_and_hand_and_refunds_others(workshop, fac, full):
    alice_id, bob_id = full["alice"].participant_id, full["bob"].participant_id
    a1, b1 = full["a1"]["id"], full["b1"]["id"]
    assert db.session.get(Participant, bob_id).votes_used == 3
    seq = workshop.last_seq
    result = privacy.delete_contributions(fac, alice_id)
    assert result == {"participant_id": alice_id, "ideas": 2, "votes": 2}

    assert db.session.execute(select(Idea.id).filter_by(author_id=alice_id)).all() == []
    assert db.session.execute(select(Vote.id).filter_by(participant_id=alice_id)).all() == []
    # Bob's two dots on Alice's deleted idea come back to him.
    assert db.session.get(Participant, bob_id).votes_used == 1
    assert db.session.get(Participant, alice_id).votes_used == 0
    w = db.session.get(Workshop, workshop.id)
    assert tallies(w) == {b1: {"votes": 1}}
    new = events_since(workshop.id, seq)
    deleted = [e.data for e in new if e.type == "idea.deleted"]
    assert sorted(d["id"] for d in deleted) == sorted([a1, full["a2"]["id"]])
    assert all(d["text"] == "" and d["author"]["name"] == privacy.ANON_NAME for d in deleted)
    tally = next(e.data for e in new if e.type == "vote.tally")
    assert tally["idea_id"] == b1 and tally["votes"] == 1
    hands = next(e.data for e in new if e.type == "hands.changed")
    assert [h["id"] for h in hands["queue"]] == [bob_id]
    assert new[-1].type == "privacy.deleted" and new[-1].data == result
    log = _log(workshop)
    for gone in (ALICE, ORG, full["a1"]["text"], full["a2"]["text"]):
        assert gone not in log
    assert full["b1"]["text"] in log
    answers = json.dumps(list(db.session.execute(select(CommandResult.response)).scalars()), ensure_ascii=False)
    assert full["a1"]["text"] not in answers and ALICE not in answers
    assert current_text(w) == MINUTES


def test_self_delete_and_the_closed_workshop_rule(workshop, fac, full, join):
    carol = join(workshop, "Carole")
    assert privacy.delete_contributions(carol) == {"participant_id": carol.participant_id, "ideas": 0, "votes": 0}
    session.set_phase(fac, "closed")
    with pytest.raises(PhaseError):
        privacy.delete_contributions(full["alice"])
    assert db.session.execute(select(Idea.id).filter_by(author_id=full["alice"].participant_id)).all() != []
    # The name can still be erased once results are frozen.
    assert privacy.anonymise_participant(full["alice"])["ideas"] == 2


def test_participant_cannot_act_for_someone_else(workshop, full):
    with pytest.raises(Forbidden):
        privacy.anonymise_participant(full["alice"], full["bob"].participant_id)
    with pytest.raises(Forbidden):
        privacy.delete_contributions(full["alice"], full["bob"].participant_id)
    assert db.session.get(Participant, full["bob"].participant_id).name == BOB


def test_privacy_events_carry_no_personal_data(workshop, fac, full):
    privacy.anonymise_participant(full["bob"])
    privacy.delete_contributions(full["alice"])
    rows = db.session.execute(select(Event).where(Event.type.like("privacy.%"))).scalars().all()
    assert {e.type for e in rows} == {"privacy.erased", "privacy.deleted"}
    for e in rows:
        assert set(e.data) <= {"participant_id", "ideas", "votes"}

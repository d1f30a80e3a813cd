"""Device-less tables: registration, proxy ideas, proxy votes within a budget scaled to the table."""

import threading

import pytest
from sqlalchemy import func, select

from app.services.core.actors import Actor
from app.services.core.errors import BudgetError, Conflict, Forbidden, Invalid, NotFound, PhaseError
from app.services.workshop import presence, tables
from app.services.workshop.ideas import create_idea
from app.services.workshop.session import set_phase
from models import Participant, User, Vote, Workshop, db


def _table(fac, name="Table 3", size=6):
    return tables.create_table(fac, name, size)["table"]


def _idea(fac, workshop, text="Une idée"):
    return create_idea(fac, workshop.columns[0].id, text)["idea"]["id"]


def test_create_table_is_a_tokenless_room_participant(fac, workshop):
    table = _table(fac)
    assert table["name"] == "Table 3" and table["size"] == 6 and table["attendance"] == "room"
    assert table["budget"] == 30 and table["votes_left"] == 30
    row = db.session.get(Participant, table["id"])
    assert row.token_hash is None and row.table_size == 6 and row.attendance == "room"
    assert [t["id"] for t in tables.list_tables(fac)] == [table["id"]]


def test_create_table_rules(fac, workshop, join):
    alice = join(workshop, "Alice")
    with pytest.raises(Forbidden):
        tables.create_table(alice, "Table 1", 4)
    for name, size in [("", 4), ("x" * 81, 4), (None, 4), ("T", 0), ("T", 101), ("T", "6"), ("T", True), ("T", 2.5)]:
        with pytest.raises(Invalid):
            tables.create_table(fac, name, size)
    set_phase(fac, "closed")
    with pytest.raises(PhaseError):
        tables.create_table(fac, "Table 1", 4)
    assert db.session.execute(select(func.count(Participant.id))).scalar_one() == 1  # only Alice


def test_create_table_is_idempotent_per_client_id(fac, workshop):
    first = tables.create_table(fac, "Table 1", 4, client_id="t-1")
    again = tables.create_table(fac, "Table 1", 4, client_id="t-1")
    assert first == again
    assert len(tables.list_tables(fac)) == 1


def test_presence_counts_include_table_sizes(fac, workshop, published):
    _table(fac, "Table 1", 6)
    _table(fac, "Table 2", 4)
    # Everyone's presence line is refreshed after each new table.
    assert [o.presence for o in published] == [{workshop.id}] * 2
    counts = presence.online(workshop.id)["counts"]
    assert counts["room"] == 10 and counts["tables"] == 2 and counts["remote"] == 0


def test_table_idea_is_proxy_and_authored_by_the_table(fac, workshop):
    table = _table(fac)
    idea = tables.post_for_table(fac, table["id"], workshop.columns[0].id, "  Idée papier  ", "blue")["idea"]
    assert idea["proxy"] is True and idea["author"] == {"id": table["id"], "name": "Table 3"}
    assert idea["text"] == "Idée papier" and idea["color"] == "blue"


def test_only_facilitators_act_for_tables_and_only_their_tables(fac, workshop, join, make_workshop, make_user):
    table = _table(fac)
    alice = join(workshop, "Alice")
    column = workshop.columns[0].id
    with pytest.raises(Forbidden):
        tables.post_for_table(alice, table["id"], column, "Piratage")
    # A plain participant is not a table, and another workshop's table is unknown here.
    with pytest.raises(NotFound):
        tables.post_for_table(fac, alice.participant_id, column, "Usurpation")
    other_user = make_user(name="Autre")
    other = make_workshop(user=other_user)
    other_table = tables.create_table(Actor(other, user=other_user), "Table X", 3)["table"]
    with pytest.raises(NotFound):
        tables.post_for_table(fac, other_table["id"], column, "Ailleurs")
    with pytest.raises(Forbidden):  # a facilitator of another workshop
        tables.post_for_table(Actor(workshop, user=other_user), table["id"], column, "Intrus")
    for bad in (None, "abc", True, 1.5):
        with pytest.raises(Invalid):
            tables.vote_for_table(fac, bad, 1)


def test_table_votes_scale_with_size_and_never_exceed(fac, workshop):
    table = _table(fac, size=2)  # budget 5 × 2 = 10, cap 3 × 2 = 6 per idea
    ideas = [_idea(fac, workshop, f"Idée {n}") for n in range(3)]
    set_phase(fac, "vote")
    for _ in range(6):
        ballot = tables.vote_for_table(fac, table["id"], ideas[0])
    assert ballot["my_votes"] == {ideas[0]: 6} and ballot["votes_left"] == 4
    with pytest.raises(Conflict):
        tables.vote_for_table(fac, table["id"], ideas[0])
    for _ in range(4):
        ballot = tables.vote_for_table(fac, table["id"], ideas[1])
    assert ballot["votes_left"] == 0
    with pytest.raises(BudgetError):
        tables.vote_for_table(fac, table["id"], ideas[2])
    ballot = tables.retract_for_table(fac, table["id"], ideas[0])
    assert ballot["votes_left"] == 1 and ballot["my_votes"][ideas[0]] == 5
    with pytest.raises(Conflict):
        tables.retract_for_table(fac, table["id"], ideas[2])
    assert db.session.get(Participant, table["id"]).votes_used == 10 - 1


def test_table_vote_needs_the_vote_phase(fac, workshop):
    table = _table(fac)
    idea = _idea(fac, workshop)
    with pytest.raises(PhaseError):
        tables.vote_for_table(fac, table["id"], idea)


def test_table_grade_in_majority_judgment(fac, make_workshop, facilitator):
    workshop = make_workshop(settings={"vote_method": "majority_judgment"})
    fac = Actor(workshop, user=facilitator)
    table = _table(fac, size=4)
    idea = _idea(fac, workshop)
    set_phase(fac, "vote")
    ballot = tables.vote_for_table(fac, table["id"], idea, grade=5)
    assert ballot["my_votes"] == {idea: 5}
    with pytest.raises(Invalid):
        tables.vote_for_table(fac, table["id"], idea, grade=9)


def _concurrent_votes(app, workshop_id, user_id, table_id, idea_ids, attempts):
    """`attempts` threads, each with its own session, spend the table's dots at once."""
    outcomes: list[str] = []
    barrier = threading.Barrier(attempts)

    def worker(n):
        with app.app_context():
            try:
                workshop = db.session.get(Workshop, workshop_id)
                actor = Actor(workshop, user=db.session.get(User, user_id))
                db.session.rollback()  # SQLite begins IMMEDIATE: do not hold the write lock while waiting
                barrier.wait(timeout=30)
                tables.vote_for_table(actor, table_id, idea_ids[n % len(idea_ids)])
                outcomes.append("ok")
            except (BudgetError, Conflict) as exc:
                outcomes.append(exc.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_concurrent_proxy_votes_never_exceed_the_table_budget(app, fac, workshop, facilitator):
    table = _table(fac, size=2)  # budget 10, cap 6 per idea
    ideas = [_idea(fac, workshop, f"Idée {n}") for n in range(3)]
    set_phase(fac, "vote")
    workshop_id, user_id = workshop.id, facilitator.id
    db.session.remove()
    outcomes = _concurrent_votes(app, workshop_id, user_id, table["id"], ideas, attempts=24)
    assert len(outcomes) == 24
    assert outcomes.count("ok") == 10 and set(outcomes) <= {"ok", "budget", "conflict"}
    spent = db.session.execute(select(func.sum(Vote.count)).filter_by(participant_id=table["id"])).scalar_one()
    per_idea = db.session.execute(select(Vote.count).filter_by(participant_id=table["id"])).scalars().all()
    assert spent == 10 == db.session.get(Participant, table["id"]).votes_used
    assert max(per_idea) <= 6

"""Board services called directly: ideas, phases, timer, hands, visibility, idempotency, limits, the log."""

import threading

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound, PhaseError
from app.services.core.unit_of_work import lock_workshop
from app.services.workshop import board, ideas, session, tallies, votes
from models import Event, Idea, Participant, Workshop, db
from realtime.state import SocketState


def _col(workshop, i=0):
    return workshop.columns[i].id


def _seqs(workshop):
    return list(db.session.execute(select(Event.seq).filter_by(workshop_id=workshop.id).order_by(Event.seq)).scalars())


def _types(workshop):
    return list(db.session.execute(select(Event.type).filter_by(workshop_id=workshop.id).order_by(Event.seq)).scalars())


@pytest.fixture
def brainstorm(workshop, fac):
    session.set_phase(fac, "brainstorm")
    return workshop


def test_participant_posts_only_during_brainstorm(workshop, fac, join):
    alice = join(workshop, "Alice")
    with pytest.raises(PhaseError):
        ideas.create_idea(alice, _col(workshop), "Trop tôt")
    seed = ideas.create_idea(fac, _col(workshop), "Idée de départ")["idea"]
    assert seed["author"] == {"id": None, "name": fac.user.name, "role": "facilitator"}
    session.set_phase(fac, "brainstorm")
    idea = ideas.create_idea(alice, _col(workshop), "  Navettes  ", color="blue")["idea"]
    assert (idea["text"], idea["color"], idea["author"]["name"]) == ("Navettes", "blue", "Alice")
    assert _types(workshop) == ["idea.created", "phase.changed", "idea.created"]
    assert _seqs(workshop) == [1, 2, 3]


@pytest.mark.parametrize(
    "text, column, error",
    [
        ("", 0, Invalid),
        ("   ", 0, Invalid),
        ("x" * 501, 0, Invalid),
        (42, 0, Invalid),
        ("ok", "1", Invalid),
        ("ok", 10**6, NotFound),
        ("ok", True, Invalid),
    ],
)
def test_bad_ideas_are_refused_and_write_nothing(brainstorm, join, text, column, error):
    alice = join(brainstorm, "Alice")
    column_id = _col(brainstorm) if column == 0 else column
    before = _seqs(brainstorm)
    with pytest.raises(error):
        ideas.create_idea(alice, column_id, text)
    assert _seqs(brainstorm) == before
    assert db.session.execute(select(Idea.id)).first() is None


def test_idea_text_of_500_characters_and_bad_colour(brainstorm, join):
    alice = join(brainstorm, "Alice")
    assert len(ideas.create_idea(alice, _col(brainstorm), "é" * 500)["idea"]["text"]) == 500
    with pytest.raises(Invalid):
        ideas.create_idea(alice, _col(brainstorm), "ok", color="<script>")


def test_column_of_another_workshop_is_not_found(brainstorm, make_workshop, join):
    other = make_workshop(title="Autre")
    with pytest.raises(NotFound):
        ideas.create_idea(join(brainstorm, "Alice"), _col(other), "ok")


def test_max_ideas_per_participant(app, brainstorm, fac, join):
    app.config["MAX_IDEAS_PER_PARTICIPANT"] = 2
    alice = join(brainstorm, "Alice")
    for i in range(2):
        ideas.create_idea(alice, _col(brainstorm), f"idée {i}")
    with pytest.raises(Invalid, match="limite de 2"):
        ideas.create_idea(alice, _col(brainstorm), "une de trop")
    ideas.create_idea(join(brainstorm, "Bruno"), _col(brainstorm), "Bruno a encore droit")
    ideas.create_idea(fac, _col(brainstorm), "l'animation n'a pas de quota")


def test_edit_and_delete_rights(brainstorm, fac, join):
    alice, bruno = join(brainstorm, "Alice"), join(brainstorm, "Bruno")
    idea_id = ideas.create_idea(alice, _col(brainstorm), "Texte")["idea"]["id"]
    with pytest.raises(Forbidden):
        ideas.update_idea(bruno, idea_id, text="pirate")
    with pytest.raises(Forbidden):
        ideas.delete_idea(bruno, idea_id)
    with pytest.raises(Invalid):
        ideas.update_idea(alice, idea_id)
    assert ideas.update_idea(alice, idea_id, text="Texte revu", color="green")["idea"]["color"] == "green"
    session.set_phase(fac, "vote")
    with pytest.raises(PhaseError):
        ideas.update_idea(alice, idea_id, text="après coup")
    with pytest.raises(PhaseError):
        ideas.delete_idea(alice, idea_id)
    assert ideas.update_idea(fac, idea_id, text="Corrigé par l'animation")["idea"]["text"] == "Corrigé par l'animation"
    assert ideas.delete_idea(fac, idea_id) == {"idea_id": idea_id}
    assert _types(brainstorm)[-1] == "idea.deleted"


def test_move_rules(brainstorm, fac, join):
    alice, bruno = join(brainstorm, "Alice"), join(brainstorm, "Bruno")
    idea_id = ideas.create_idea(alice, _col(brainstorm), "Texte")["idea"]["id"]
    moved = ideas.move_idea(alice, idea_id, _col(brainstorm, 1), position=2.5)["idea"]
    assert (moved["column_id"], moved["position"]) == (_col(brainstorm, 1), 2.5)
    with pytest.raises(Forbidden):
        ideas.move_idea(bruno, idea_id, _col(brainstorm))
    with pytest.raises(Invalid):
        ideas.move_idea(alice, idea_id, _col(brainstorm), position="haut")
    session.set_phase(fac, "cluster")
    with pytest.raises(Forbidden):
        ideas.move_idea(alice, idea_id, _col(brainstorm))
    assert ideas.move_idea(fac, idea_id, _col(brainstorm))["idea"]["column_id"] == _col(brainstorm)


def test_grouping(brainstorm, fac, join, make_workshop):
    alice = join(brainstorm, "Alice")
    idea_id = ideas.create_idea(alice, _col(brainstorm), "Texte")["idea"]["id"]
    with pytest.raises(PhaseError):
        ideas.group_idea(alice, idea_id, group_label="Mobilité")
    session.set_phase(fac, "cluster")
    grouped = ideas.group_idea(alice, idea_id, group_label="Mobilité")["idea"]
    assert grouped["group"]["label"] == "Mobilité" and grouped["group_id"] == grouped["group"]["id"]
    with pytest.raises(NotFound):
        ideas.group_idea(alice, idea_id, group_id=10**6)
    with pytest.raises(Invalid):
        ideas.group_idea(alice, idea_id, group_label="  ")
    assert ideas.group_idea(alice, idea_id, group_id=None)["idea"]["group_id"] is None
    assert board.snapshot(alice)["groups"] == [{"id": grouped["group_id"], "label": "Mobilité"}]


def test_closed_workshop_is_read_only(brainstorm, fac, join):
    alice = join(brainstorm, "Alice")
    idea_id = ideas.create_idea(alice, _col(brainstorm), "Texte")["idea"]["id"]
    session.set_phase(fac, "closed")
    attempts = [
        lambda: ideas.create_idea(fac, _col(brainstorm), "x"),
        lambda: ideas.update_idea(fac, idea_id, text="x"),
        lambda: ideas.move_idea(fac, idea_id, _col(brainstorm, 1)),
        lambda: ideas.delete_idea(fac, idea_id),
        lambda: ideas.group_idea(fac, idea_id, group_label="x"),
        lambda: session.start_timer(fac, 60),
        lambda: session.raise_hand(alice),
        lambda: session.next_speaker(fac),
    ]
    before = _seqs(brainstorm)
    for attempt in attempts:
        with pytest.raises(PhaseError):
            attempt()
    assert _seqs(brainstorm) == before


def test_phase_changes(workshop, fac, join):
    alice = join(workshop, "Alice")
    with pytest.raises(Forbidden):
        session.set_phase(alice, "vote")
    with pytest.raises(Invalid):
        session.set_phase(fac, "pause")
    session.set_phase(fac, "brainstorm")
    assert session.set_phase(fac, "brainstorm") == {"phase": "brainstorm"}  # no second event
    session.set_phase(fac, "cluster")
    events = board.replay(fac, 0)["events"]
    assert [(e["type"], e["data"]["phase"], e["data"]["resync"]) for e in events] == [
        ("phase.changed", "brainstorm", True),
        ("phase.changed", "cluster", True),
    ]
    session.set_phase(fac, "vote")
    assert board.replay(fac, 2)["events"][0]["data"] == {"phase": "vote", "previous": "cluster", "resync": False}


def test_resync_when_tallies_revealed(make_workshop, facilitator):
    workshop = make_workshop(settings={"reveal_votes": "end", "private_brainstorm": False})
    fac = Actor(workshop, user=facilitator)
    for phase in ("brainstorm", "vote", "discuss"):
        session.set_phase(fac, phase)
    assert [e["data"]["resync"] for e in board.replay(fac, 0)["events"]] == [False, False, True]


def test_timer(workshop, fac, join):
    with pytest.raises(Forbidden):
        session.start_timer(join(workshop, "Alice"), 60)
    for bad in (0, -5, 4 * 3600 + 1, "60", 1.5, True):
        with pytest.raises(Invalid):
            session.start_timer(fac, bad)
    timer = session.start_timer(fac, 90)["timer"]
    assert timer["seconds"] == 90 and timer["ends_at"]
    assert board.snapshot(fac)["workshop"]["timer"] == timer
    assert session.stop_timer(fac) == {"timer": None}
    assert board.snapshot(fac)["workshop"]["timer"] is None
    assert _types(workshop) == ["timer.started", "timer.stopped"]


def test_speaking_queue(workshop, fac, join):
    alice, bruno = join(workshop, "Alice"), join(workshop, "Bruno", attendance="remote")
    with pytest.raises(Conflict):
        session.next_speaker(fac)
    with pytest.raises(Forbidden):
        session.raise_hand(fac)
    with pytest.raises(Forbidden):
        session.next_speaker(alice)
    session.raise_hand(alice)
    session.raise_hand(alice)  # twice is once
    hands = session.raise_hand(bruno)["hands"]
    assert [h["name"] for h in hands["queue"]] == ["Alice", "Bruno"]
    hands = session.next_speaker(fac)["hands"]
    assert hands["speaking"]["name"] == "Alice" and [h["name"] for h in hands["queue"]] == ["Bruno"]
    assert session.lower_hand(alice)["hands"]["speaking"] is None
    assert session.lower_hand(bruno)["hands"] == {"queue": [], "speaking": None}
    assert _types(workshop).count("hands.changed") == 5


def test_alternating_speaking_order(make_workshop, facilitator, join):
    workshop = make_workshop(settings={"hand_order": "alternate"})
    fac = Actor(workshop, user=facilitator)
    room1, room2, remote = join(workshop, "Salle 1"), join(workshop, "Salle 2"), join(workshop, "Loin", "remote")
    for p in (room1, room2, remote):
        session.raise_hand(p)
    assert session.next_speaker(fac)["hands"]["speaking"]["name"] == "Salle 1"
    assert session.next_speaker(fac)["hands"]["speaking"]["name"] == "Loin"
    assert session.next_speaker(fac)["hands"]["speaking"]["name"] == "Salle 2"


def test_client_id_makes_a_command_happen_once(brainstorm, join):
    alice, bruno = join(brainstorm, "Alice"), join(brainstorm, "Bruno")
    first = ideas.create_idea(alice, _col(brainstorm), "Une fois", client_id="c-1")
    again = ideas.create_idea(alice, _col(brainstorm), "Une fois", client_id="c-1")
    assert first == again
    other = ideas.create_idea(bruno, _col(brainstorm), "Même client_id, autre personne", client_id="c-1")
    assert other["idea"]["id"] != first["idea"]["id"]
    assert len(db.session.execute(select(Idea.id)).all()) == 2
    assert _types(brainstorm).count("idea.created") == 2


def test_a_refused_command_can_be_retried_with_its_client_id(brainstorm, fac, join):
    alice = join(brainstorm, "Alice")
    session.set_phase(fac, "cluster")
    with pytest.raises(PhaseError):
        ideas.create_idea(alice, _col(brainstorm), "En retard", client_id="late")
    session.set_phase(fac, "brainstorm")
    assert ideas.create_idea(alice, _col(brainstorm), "En retard", client_id="late")["idea"]["text"] == "En retard"


def test_private_brainstorm_on_every_read_path(brainstorm, fac, join):
    alice, bruno = join(brainstorm, "Alice"), join(brainstorm, "Bruno")
    idea = ideas.create_idea(alice, _col(brainstorm), "Secret d'Alice")["idea"]
    seq = brainstorm.last_seq
    assert [i["text"] for i in board.snapshot(alice)["ideas"]] == ["Secret d'Alice"]
    assert board.snapshot(alice)["ideas"][0]["mine"] is True
    assert board.snapshot(bruno)["ideas"] == []
    assert [i["text"] for i in board.snapshot(fac)["ideas"]] == ["Secret d'Alice"]
    hidden = board.replay(bruno, seq - 1)["events"]
    assert hidden == [{"seq": seq, "type": "hidden", "data": {}, "at": hidden[0]["at"]}]
    assert board.replay(alice, seq - 1)["events"][0]["data"]["text"] == "Secret d'Alice"
    ideas.update_idea(alice, idea["id"], text="Secret modifié")
    assert board.replay(bruno, seq)["events"][0]["type"] == "hidden"
    session.set_phase(fac, "cluster")
    assert [e["type"] for e in board.replay(bruno, seq - 1)["events"]] == [
        "idea.created",
        "idea.updated",
        "phase.changed",
    ]
    assert [i["text"] for i in board.snapshot(bruno)["ideas"]] == ["Secret modifié"]
    assert board.snapshot(bruno)["ideas"][0]["mine"] is False


def test_anonymous_mode_hides_authors_from_participants(make_workshop, facilitator, join):
    workshop = make_workshop(settings={"anonymous": True, "private_brainstorm": False})
    fac = Actor(workshop, user=facilitator)
    session.set_phase(fac, "brainstorm")
    alice, bruno = join(workshop, "Alice"), join(workshop, "Bruno")
    ideas.create_idea(alice, _col(workshop), "Sans nom")
    assert board.snapshot(bruno)["ideas"][0]["author"] is None
    mine = board.snapshot(alice)["ideas"][0]
    assert mine["author"] is None and mine["mine"] is True
    assert board.snapshot(fac)["ideas"][0]["author"]["name"] == "Alice"
    assert board.replay(bruno, 0)["events"][-1]["data"]["author"] is None


def test_tallies_hidden_until_vote_ends(make_workshop, facilitator, join):
    workshop = make_workshop(settings={"reveal_votes": "end", "private_brainstorm": False})
    fac = Actor(workshop, user=facilitator)
    session.set_phase(fac, "brainstorm")
    alice = join(workshop, "Alice")
    idea_id = ideas.create_idea(alice, _col(workshop), "À voter")["idea"]["id"]
    session.set_phase(fac, "vote")
    votes.cast_vote(alice, idea_id)
    tallies.announce(workshop.id, {idea_id})
    assert board.snapshot(alice)["ideas"][0]["votes"] is None
    assert board.replay(alice, workshop.last_seq - 1)["events"][0]["type"] == "hidden"
    tally = board.replay(fac, workshop.last_seq - 1)["events"][0]
    assert tally["type"] == "vote.tally" and tally["data"]["tallies"] == [{"idea_id": idea_id, "votes": 1}]
    session.set_phase(fac, "discuss")
    assert board.snapshot(alice)["ideas"][0]["votes"] == 1


def test_sync_replays_or_sends_a_snapshot(brainstorm, fac, join, monkeypatch):
    alice = join(brainstorm, "Alice")
    for i in range(5):
        ideas.create_idea(fac, _col(brainstorm), f"idée {i}")
    last = brainstorm.last_seq
    out = board.sync(alice, last - 2)
    assert [e["seq"] for e in out["events"]] == [last - 1, last] and out["seq"] == last and out["now"]
    assert board.sync(alice, last)["events"] == []
    for since in (0, last + 10, -1, "3", None, True, 2.5):
        out = board.sync(alice, since)
        assert "snapshot" in out and out["seq"] == last, since
    monkeypatch.setattr(board, "SYNC_WINDOW", 2)
    assert "snapshot" in board.sync(alice, last - 3)
    assert "events" in board.sync(alice, last - 2)


def _concurrently(app, n, work):
    errors, barrier = [], threading.Barrier(n)

    def run(i):
        with app.app_context():
            try:
                barrier.wait(10)
                work(i)
            except Exception as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_concurrent_writers_get_gapless_seqs(app, brainstorm, join):
    participants = [join(brainstorm, f"P{i}").participant.id for i in range(8)]
    workshop_id, column_id, start = brainstorm.id, _col(brainstorm), brainstorm.last_seq
    db.session.commit()

    def work(i):
        actor = Actor(db.session.get(Workshop, workshop_id), participant=db.session.get(Participant, participants[i]))
        for k in range(5):
            ideas.create_idea(actor, column_id, f"P{i} idée {k}")

    _concurrently(app, 8, work)
    db.session.expire_all()
    assert _seqs(brainstorm) == list(range(1, start + 41))
    assert db.session.get(Workshop, workshop_id).last_seq == start + 40
    positions = db.session.execute(select(Idea.position).filter_by(column_id=column_id)).scalars().all()
    assert sorted(positions) == [float(p) for p in range(1, 41)]


def test_concurrent_twins_with_one_client_id_create_one_idea(app, brainstorm, join):
    participant_id = join(brainstorm, "Alice").participant.id
    workshop_id, column_id = brainstorm.id, _col(brainstorm)
    db.session.commit()
    answers = []

    def work(_i):
        actor = Actor(db.session.get(Workshop, workshop_id), participant=db.session.get(Participant, participant_id))
        answers.append(ideas.create_idea(actor, column_id, "Double envoi", client_id="twin"))

    _concurrently(app, 6, work)
    assert len({a["idea"]["id"] for a in answers}) == 1
    assert len(db.session.execute(select(Idea.id)).all()) == 1


@pytest.mark.parametrize("flush", [False, True])
def test_writes_pending_before_a_command_are_not_committed_with_it(brainstorm, join, flush):
    # lock_workshop keeps a read-only transaction (cheaper) but must still drop stray writes.
    alice = join(brainstorm, "Alice")
    alice.participant.name = "Mallory"
    if flush:
        db.session.flush()
    idea = ideas.create_idea(alice, _col(brainstorm), "Une idée")["idea"]
    assert idea["author"]["name"] == "Alice"
    db.session.expire_all()
    assert db.session.get(Participant, alice.participant_id).name == "Alice"


def test_a_repeat_gets_the_first_answer_after_the_state_moved_on(brainstorm, fac, join):
    # The first run of a client_id costs no lookup; a repeat is recognised when apply refuses it.
    alice = join(brainstorm, "Alice")
    created = ideas.create_idea(alice, _col(brainstorm), "Avant le tri", client_id="c-2")
    deleted = ideas.delete_idea(alice, created["idea"]["id"], client_id="d-2")
    session.set_phase(fac, "vote")
    assert ideas.create_idea(alice, _col(brainstorm), "Avant le tri", client_id="c-2") == created
    assert ideas.delete_idea(alice, created["idea"]["id"], client_id="d-2") == deleted
    with pytest.raises(PhaseError):  # a new client_id is a new command
        ideas.create_idea(alice, _col(brainstorm), "Avant le tri", client_id="c-3")
    assert _types(brainstorm).count("idea.created") == 1


def _statements(run):
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = run()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    return result, seen


def test_a_socket_write_loads_its_actor_under_the_workshop_lock(brainstorm, join):
    participant = join(brainstorm, "Alice").participant
    state = SocketState(brainstorm.id, brainstorm.code, None, participant.id, "participant")
    db.session.commit()
    actor = state.actor(lock=True)
    locked, seen = _statements(lambda: lock_workshop(brainstorm.id))
    assert locked is actor.workshop and seen == []  # the lock is already held: no second statement
    idea = ideas.create_idea(actor, _col(brainstorm), "Sous verrou")["idea"]
    assert idea["author"]["name"] == "Alice"
    # Stray writes after the actor's lock are still dropped: the lock is taken again.
    actor = state.actor(lock=True)
    actor.participant.name = "Mallory"
    _, seen = _statements(lambda: lock_workshop(brainstorm.id))
    assert any("FOR UPDATE" in s for s in seen) or db.engine.dialect.name == "sqlite"
    db.session.rollback()
    assert db.session.get(Participant, participant.id).name == "Alice"

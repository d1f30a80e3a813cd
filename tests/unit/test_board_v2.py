"""Board v2 (issue 14) services called directly: group commands, undo, participants panel, duplicate."""

import pytest
from sqlalchemy import select

from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound, PhaseError
from app.services.workshop import board, groups, ideas, participants, roster, session, undo, votes
from app.services.workshop.workshops import duplicate_workshop
from models import Event, Group, Idea, Participant, db


def _col(workshop, i=0):
    return workshop.columns[i].id


def _last_events(workshop, n):
    stmt = select(Event).filter_by(workshop_id=workshop.id).order_by(Event.seq.desc()).limit(n)
    return [e.envelope() for e in reversed(db.session.execute(stmt).scalars().all())]


@pytest.fixture
def cluster(workshop, fac, join):
    """A workshop in `cluster` with four ideas of Alice in the first column."""
    session.set_phase(fac, "brainstorm")
    alice = join(workshop, "Alice")
    made = [ideas.create_idea(alice, _col(workshop), f"Idée {n}")["idea"]["id"] for n in range(4)]
    session.set_phase(fac, "cluster")
    return workshop, alice, made


def test_a_new_group_reaches_every_client_in_the_event(cluster, join):
    workshop, alice, made = cluster
    bruno = join(workshop, "Bruno")
    answer = ideas.group_idea(alice, made[0], group_label="Mobilité")
    group = answer["idea"]["group"]
    (event,) = board.replay(bruno, workshop.last_seq - 1)["events"]
    assert event["type"] == "idea.grouped" and event["data"]["group"] == group
    assert board.snapshot(bruno)["groups"] == [group]
    # Bruno adds a second idea to Alice's new group without reloading anything.
    assert ideas.group_idea(bruno, made[1], group_id=group["id"])["idea"]["group"] == group


def test_group_rename_merge_and_move_are_one_event_each(cluster, fac):
    workshop, alice, made = cluster
    g1 = ideas.group_idea(alice, made[0], group_label="Un")["idea"]["group"]["id"]
    ideas.group_idea(alice, made[1], group_id=g1)
    g2 = ideas.group_idea(alice, made[2], group_label="Deux")["idea"]["group"]["id"]
    seq = workshop.last_seq
    assert groups.update_group(alice, g1, "  Mobilités douces ")["group"] == {"id": g1, "label": "Mobilités douces"}
    assert groups.merge_group(alice, g2, g1)["ideas"] == [made[2]]
    moved = groups.move_group(fac, g1, _col(workshop, 1))
    assert moved["ideas"] == [made[0], made[1], made[2]]
    events = _last_events(workshop, 3)
    assert [e["seq"] for e in events] == [seq + 1, seq + 2, seq + 3]
    assert [e["type"] for e in events] == ["group.updated", "group.merged", "group.moved"]
    assert events[1]["data"]["group_id"] == g2 and events[1]["data"]["into"]["id"] == g1
    assert db.session.get(Group, g2) is None
    positions = [db.session.get(Idea, i) for i in made[:3]]
    assert {i.column_id for i in positions} == {_col(workshop, 1)} and {i.group_id for i in positions} == {g1}
    assert [i.position for i in positions] == sorted(i.position for i in positions)


def test_group_commands_follow_idea_group_permissions(cluster, fac, join):
    workshop, alice, made = cluster
    g1 = ideas.group_idea(alice, made[0], group_label="Un")["idea"]["group"]["id"]
    g2 = ideas.group_idea(alice, made[1], group_label="Deux")["idea"]["group"]["id"]
    with pytest.raises(Invalid):
        groups.merge_group(alice, g1, g1)
    with pytest.raises(Invalid):
        groups.update_group(alice, g1, "")
    with pytest.raises(NotFound):
        groups.move_group(alice, g1, 999999)
    with pytest.raises(NotFound):
        groups.update_group(alice, 999999, "x")
    session.set_phase(fac, "vote")
    seq = workshop.last_seq
    for call in (
        lambda: groups.update_group(alice, g1, "x"),
        lambda: groups.merge_group(alice, g1, g2),
        lambda: groups.move_group(alice, g1, _col(workshop)),
    ):
        with pytest.raises(PhaseError):
            call()
    assert workshop.last_seq == seq
    assert groups.update_group(fac, g1, "Animation")["group"]["label"] == "Animation"  # facilitators always


def test_undo_restores_move_group_hide_and_delete_in_reverse_order(cluster, fac, join):
    workshop, alice, made = cluster
    first = db.session.get(Idea, made[0])
    before = (first.column_id, first.position)
    ideas.move_idea(fac, made[0], _col(workshop, 2), position=0.5)
    created = ideas.group_idea(fac, made[1], group_label="Nouveau")["idea"]["group"]["id"]
    ideas.hide_idea(fac, made[2], True)
    ideas.delete_idea(fac, made[3])

    answer = undo.undo_last(fac)
    assert answer["undone"]["action"] == "idea.delete" and answer["events"] == 1
    (event,) = _last_events(workshop, 1)
    assert event["type"] == "idea.created" and event["data"]["id"] == made[3]
    assert event["data"]["undo"] is True and event["data"]["restored"] is True
    assert event["data"]["author"]["name"] == "Alice"

    undo.undo_last(fac)
    assert _last_events(workshop, 1)[0]["type"] == "idea.shown"
    assert db.session.get(Idea, made[2]).hidden is False

    undo.undo_last(fac)
    assert [e["type"] for e in _last_events(workshop, 2)] == ["idea.grouped", "group.deleted"]
    assert db.session.get(Idea, made[1]).group_id is None and db.session.get(Group, created) is None

    undo.undo_last(fac)
    moved = db.session.get(Idea, made[0])
    assert (moved.column_id, moved.position) == before
    with pytest.raises(Conflict):
        undo.undo_last(fac)
    bruno = join(workshop, "Bruno")
    assert sorted(i["id"] for i in board.snapshot(bruno)["ideas"]) == sorted(made)


def test_undo_merge_and_group_update_and_group_move(cluster, fac):
    workshop, alice, made = cluster
    g1 = ideas.group_idea(alice, made[0], group_label="Un")["idea"]["group"]["id"]
    g2 = ideas.group_idea(alice, made[1], group_label="Deux")["idea"]["group"]["id"]
    column = db.session.get(Idea, made[1]).column_id
    groups.update_group(fac, g1, "Renommé")
    groups.merge_group(fac, g2, g1)
    groups.move_group(fac, g1, _col(workshop, 1))
    undo.undo_last(fac)  # the move
    assert {db.session.get(Idea, i).column_id for i in made[:2]} == {column}
    undo.undo_last(fac)  # the merge: the absorbed group comes back with its id and label
    assert db.session.get(Group, g2).label == "Deux" and db.session.get(Idea, made[1]).group_id == g2
    undo.undo_last(fac)
    assert db.session.get(Group, g1).label == "Un"


def test_undo_is_per_facilitator_within_its_window_and_not_for_participants(cluster, fac, make_user, monkeypatch):
    workshop, alice, made = cluster
    other = make_user(name="Co-animatrice")
    workshop.facilitators.append(other)
    db.session.commit()
    co = Actor(workshop, user=other)
    ideas.move_idea(fac, made[0], _col(workshop, 1))
    with pytest.raises(Conflict):
        undo.undo_last(co)  # not hers to undo
    with pytest.raises(Forbidden):
        undo.undo_last(alice)
    ideas.group_idea(alice, made[1], group_label="Participants")  # a participant's action is not kept
    monkeypatch.setenv("FABRIQUE_UNDO_SECONDS", "0")
    with pytest.raises(Conflict):
        undo.undo_last(fac)
    monkeypatch.setenv("FABRIQUE_UNDO_SECONDS", "30")
    assert undo.undo_last(fac)["undone"]["action"] == "idea.move"


def test_undo_of_a_deleted_idea_does_not_bring_its_votes_back(workshop, fac, join):
    session.set_phase(fac, "brainstorm")
    alice = join(workshop, "Alice")
    made = ideas.create_idea(alice, _col(workshop), "Votée")["idea"]["id"]
    session.set_phase(fac, "vote")
    votes.cast_vote(alice, made)
    ideas.delete_idea(fac, made)
    assert board.snapshot(alice)["me"]["votes_left"] == 5  # refunded on delete
    undo.undo_last(fac)
    snap = board.snapshot(alice)
    assert snap["ideas"][0]["id"] == made and snap["ideas"][0]["votes"] == 0
    assert snap["me"]["votes_left"] == 5


def test_participants_list_rename_and_remove(cluster, fac, join):
    workshop, alice, made = cluster
    bruno = join(workshop, "Bruno", attendance="remote", organisation="Coopérative Solidaire")
    listed = {p["name"]: p for p in roster.list_participants(fac)["participants"]}
    assert listed["Alice"]["ideas"] == 4 and listed["Alice"]["online"] is False
    assert listed["Bruno"]["organisation"] == "Coopérative Solidaire"
    assert listed["Bruno"]["attendance"] == "remote"
    with pytest.raises(Forbidden):
        roster.list_participants(alice)
    seq = workshop.last_seq
    answer = participants.update_participant(fac, alice.participant_id, {"name": "Alice Martin"})
    assert answer["participant"]["name"] == "Alice Martin"
    events = board.replay(bruno, seq)["events"]
    assert [e["type"] for e in events] == ["idea.updated"] * 4 + ["hidden"]  # participant.updated: facilitators
    assert {e["data"]["author"]["name"] for e in events[:4]} == {"Alice Martin"}
    with pytest.raises(Invalid):
        participants.update_participant(fac, alice.participant_id, {"name": " "})
    with pytest.raises(Forbidden):
        roster.remove_participant(alice, bruno.participant_id)
    assert roster.remove_participant(fac, alice.participant_id) == {
        "participant_id": alice.participant_id,
        "removed": True,
    }
    with pytest.raises(NotFound):
        roster.remove_participant(fac, alice.participant_id)
    removed = db.session.get(Participant, alice.participant_id)
    assert removed.token_hash is None and removed.removed_at is not None
    assert [p["name"] for p in roster.list_participants(fac)["participants"]] == ["Bruno"]
    assert len(board.snapshot(bruno)["ideas"]) == 4  # their ideas stay


def test_duplicate_copies_the_setup_not_the_session(cluster, fac, make_user):
    workshop, alice, made = cluster
    from app.services.workshop.workshops import update_workshop

    update_workshop(fac, {"prompt": "Comment coopérer ?", "settings": {"moderation": "pre", "anonymous": True}})
    copy = duplicate_workshop(fac)
    assert copy.code != workshop.code and copy.title == "Atelier JO 2024 (copie)"
    assert copy.phase == "setup" and copy.prompt == "Comment coopérer ?" and copy.theme == workshop.theme
    assert copy.settings == workshop.settings
    assert [c.title for c in copy.columns] == [c.title for c in workshop.columns]
    assert [c.id for c in copy.columns] != [c.id for c in workshop.columns]
    assert [u.id for u in copy.facilitators] == [fac.user.id]
    assert db.session.execute(select(Idea).filter_by(workshop_id=copy.id)).first() is None
    assert duplicate_workshop(fac, "Session 2").title == "Session 2"
    with pytest.raises(Forbidden):
        duplicate_workshop(alice)
    with pytest.raises(Forbidden):
        duplicate_workshop(Actor(workshop, user=make_user(name="Étrangère")))


def test_undo_of_a_delete_whose_id_was_taken_again(cluster, fac, join):
    workshop, alice, made = cluster
    last = made[-1]
    ideas.delete_idea(fac, last)
    session.set_phase(fac, "brainstorm")
    newer = ideas.create_idea(alice, _col(workshop), "Arrivée entre-temps")["idea"]["id"]
    session.set_phase(fac, "cluster")
    undo.undo_last(fac)  # the phase changes are not board actions: the delete is still the last one
    (event,) = _last_events(workshop, 1)
    assert event["data"]["text"] == "Idée 3" and event["data"]["restored"] is True
    if newer == last:  # SQLite hands the largest freed id out again; PostgreSQL never does
        assert event["data"]["restored_from"] == last and event["data"]["id"] != last
    else:
        assert event["data"]["id"] == last and "restored_from" not in event["data"]
    assert db.session.get(Idea, newer).text == "Arrivée entre-temps"


def test_group_events_list_only_the_ideas_a_viewer_sees(workshop, fac, join):
    session.set_phase(fac, "brainstorm")  # private brainstorm: Alice's ideas are hers and the facilitators'
    alice, bruno = join(workshop, "Alice"), join(workshop, "Bruno")
    mine = ideas.create_idea(alice, _col(workshop), "D'Alice")["idea"]["id"]
    seed = ideas.create_idea(fac, _col(workshop), "De l'animation")["idea"]["id"]
    group = ideas.group_idea(fac, mine, group_label="Mixte")["idea"]["group"]["id"]
    ideas.group_idea(fac, seed, group_id=group)
    seq = workshop.last_seq
    groups.move_group(fac, group, _col(workshop, 1))
    (seen,) = board.replay(bruno, seq)["events"]
    assert seen["type"] == "group.moved" and [i["id"] for i in seen["data"]["ideas"]] == [seed]
    assert set(seen["data"]["ideas"][0]) == {"id", "column_id", "position", "group_id"}  # no author id
    (own,) = board.replay(alice, seq)["events"]
    assert sorted(i["id"] for i in own["data"]["ideas"]) == sorted([mine, seed])
    (full,) = board.replay(fac, seq)["events"]
    assert len(full["data"]["ideas"]) == 2


def test_undo_never_brings_back_what_a_participant_had_erased(cluster, fac):
    from app.services.privacy.rights import anonymise_participant

    workshop, alice, made = cluster
    ideas.delete_idea(fac, made[0])
    anonymise_participant(alice)
    assert undo.undo_last(fac)["events"] == 0
    assert db.session.get(Idea, made[0]) is None


@pytest.mark.live_publishing
def test_an_author_sees_their_private_idea_move_and_merge_with_its_group_live(app, workshop, fac, join, auth):
    """Issue 14: during a private brainstorm, each author receives their own idea's place in group.moved /
    group.merged at once (not at the next sync); the others and a presenter-like viewer never do."""
    from app.extensions import socketio

    session.set_phase(fac, "brainstorm")
    (alice, alice_token), (bruno, bruno_token) = (join(workshop, n, with_token=True) for n in ("Alice", "Bruno"))
    _, chloe_token = join(workshop, "Chloé", with_token=True)
    mine = ideas.create_idea(alice, _col(workshop), "D'Alice")["idea"]["id"]
    his = ideas.create_idea(bruno, _col(workshop), "De Bruno")["idea"]["id"]
    seed = ideas.create_idea(fac, _col(workshop), "De l'animation")["idea"]["id"]
    one = ideas.group_idea(fac, mine, group_label="Un")["idea"]["group"]["id"]
    ideas.group_idea(fac, seed, group_id=one)
    two = ideas.group_idea(fac, his, group_label="Deux")["idea"]["group"]["id"]
    code, column, fac_token = workshop.code, _col(workshop, 1), auth.token()
    anim = socketio.test_client(app, auth={"token": fac_token, "workshop": code})
    sockets = {
        name: socketio.test_client(app, auth={"token": token, "workshop": code})
        for name, token in (("alice", alice_token), ("bruno", bruno_token), ("chloe", chloe_token))
    }
    try:
        for c in sockets.values():
            c.get_received()

        def received():
            out = {}
            for name, c in sockets.items():
                (event,) = [m["args"][0] for m in c.get_received() if m["name"] == "event"]
                out[name] = (event["type"], sorted(i["id"] for i in event["data"]["ideas"]), event["seq"])
            return out

        assert anim.emit("group.move", {"group_id": one, "column_id": column}, callback=True)["ok"]
        got = received()
        assert {k: v[:2] for k, v in got.items()} == {
            "alice": ("group.moved", sorted([mine, seed])),
            "bruno": ("group.moved", [seed]),
            "chloe": ("group.moved", [seed]),
        }
        assert len({v[2] for v in got.values()}) == 1  # one seq for all
        assert anim.emit("group.merge", {"group_id": two, "into_group_id": one}, callback=True)["ok"]
        got = received()
        assert {k: v[:2] for k, v in got.items()} == {
            "alice": ("group.merged", []),
            "bruno": ("group.merged", [his]),
            "chloe": ("group.merged", []),
        }
    finally:
        for c in (*sockets.values(), anim):
            if c.is_connected():
                c.disconnect()

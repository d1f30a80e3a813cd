"""Moderation (issue 14): hidden and pending ideas on every read path, the same matrix as the private
brainstorm (tests/unit/test_board_services.py::test_private_brainstorm_on_every_read_path and
tests/unit/test_socket_unit.py::test_fan_out_respects_private_brainstorm): event, sync, snapshot, REST,
exports and results — never to another participant or the projector, back once shown or approved."""

import json

import pytest

from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden, NotFound
from app.services.workshop import board, exports, ideas, results, session, votes
from app.services.workshop.workshops import update_workshop
from tests.conftest import api_headers

SECRET = "Texte à modérer"


def _col(workshop, i=0):
    return workshop.columns[i].id


def _text(response) -> str:
    """A JSON answer as text, non-ASCII kept (the API escapes it: a plain `in` would always miss)."""
    return json.dumps(response.json, ensure_ascii=False)


def _texts(snapshot):
    return [i["text"] for i in snapshot["ideas"]]


def _moderate(kind, workshop, fac, alice):
    """Alice's idea, hidden by the facilitator or pending (moderation: pre); in the cluster phase, with
    private brainstorm off, so that moderation is the only rule at work."""
    update_workshop(
        fac, {"settings": {"private_brainstorm": False, "moderation": "pre" if kind == "pending" else "off"}}
    )
    session.set_phase(fac, "brainstorm")
    answer = ideas.create_idea(alice, _col(workshop), SECRET)
    if kind == "hidden":
        ideas.hide_idea(fac, answer["idea"]["id"], True)
    else:
        assert answer["idea"]["pending"] is True and answer["message"] == "Votre idée est en attente de validation."
    session.set_phase(fac, "cluster")
    return answer["idea"]["id"]


def _release(kind, fac, idea_id):
    return ideas.hide_idea(fac, idea_id, False) if kind == "hidden" else ideas.approve_idea(fac, idea_id)


@pytest.mark.parametrize("kind", ["hidden", "pending"])
def test_moderated_idea_on_every_read_path(kind, client, workshop, fac, join, auth):
    alice, (bruno, bruno_token) = join(workshop, "Alice"), join(workshop, "Bruno", with_token=True)
    projector = Actor(workshop)  # what the room sees: nobody's idea
    idea_id = _moderate(kind, workshop, fac, alice)
    author_sees = kind == "pending"
    code = workshop.code

    # snapshot (service and REST) and sync from 0
    assert _texts(board.snapshot(bruno)) == [] and _texts(board.snapshot(projector)) == []
    assert _texts(board.snapshot(alice)) == ([SECRET] if author_sees else [])
    assert board.snapshot(fac)["ideas"][0][kind] is True
    assert _texts(board.sync(bruno, 0)["snapshot"]) == []
    assert SECRET not in _text(client.get(f"/api/v1/workshops/{code}", headers=api_headers(bruno_token)))
    # catch-up: every event of the idea, even its creation before it was hidden, is masked
    replayed = board.replay(bruno, 0)["events"]
    assert SECRET not in json.dumps(replayed, ensure_ascii=False)
    assert {e["type"] for e in replayed} <= {"hidden", "phase.changed", "workshop.updated", "idea.deleted"}
    rest = client.get(f"/api/v1/workshops/{code}/events?since=0", headers=api_headers(bruno_token))
    assert rest.status_code == 200 and SECRET not in _text(rest)
    assert (SECRET in json.dumps(board.replay(alice, 0)["events"], ensure_ascii=False)) is author_sees
    # results, the facilitator's exports (kept, marked), a participant's own data export
    assert results.ranking(bruno) == [] and results.ranking(fac) == []
    report = json.loads(exports.export_workshop(fac, "json")[0])
    assert report["ideas"][0][kind] is True and report["results"] == []
    label = "masquée" if kind == "hidden" else "en attente"
    assert exports.export_workshop(fac, "csv")[0].splitlines()[1].endswith(label)
    assert f"{SECRET} ({label})" in exports.export_workshop(fac, "md")[0]
    mine = client.get(f"/api/v1/workshops/{code}/me/export", headers=api_headers(bruno_token))
    assert mine.status_code == 200 and SECRET not in _text(mine)
    # nobody else can act on it, as if it did not exist
    with pytest.raises(NotFound):
        ideas.group_idea(bruno, idea_id, group_label="Trouvée")

    seq = workshop.last_seq
    _release(kind, fac, idea_id)
    (event,) = board.replay(bruno, seq)["events"]
    assert event["type"] == ("idea.shown" if kind == "hidden" else "idea.approved")
    assert event["data"]["text"] == SECRET and event["data"]["votes"] == 0 and event["data"][kind] is False
    assert _texts(board.snapshot(bruno)) == [SECRET] and _texts(board.snapshot(projector)) == [SECRET]
    assert SECRET in json.dumps(board.replay(bruno, 0)["events"], ensure_ascii=False)
    assert SECRET in _text(client.get(f"/api/v1/workshops/{code}", headers=api_headers(bruno_token)))
    assert SECRET in _text(client.get(f"/api/v1/workshops/{code}/events?since=0", headers=api_headers(bruno_token)))


def test_a_hidden_idea_leaves_boards_as_a_deletion_and_votes_are_refused(workshop, fac, join):
    update_workshop(fac, {"settings": {"private_brainstorm": False}})
    session.set_phase(fac, "brainstorm")
    alice, bruno = join(workshop, "Alice"), join(workshop, "Bruno")
    idea_id = ideas.create_idea(alice, _col(workshop), SECRET)["idea"]["id"]
    seq = workshop.last_seq
    ideas.hide_idea(fac, idea_id, True)
    for viewer in (alice, bruno):  # the author too: the facilitator took it off the board
        (event,) = board.replay(viewer, seq)["events"]
        assert event["type"] == "idea.deleted" and event["data"] == {"id": idea_id, "hidden": True}
    assert board.replay(fac, seq)["events"][0]["type"] == "idea.hidden"
    assert ideas.hide_idea(fac, idea_id, True)["idea"]["hidden"] is True  # no change, no event
    assert workshop.last_seq == seq + 1
    with pytest.raises(Forbidden):
        ideas.hide_idea(alice, idea_id, False)
    session.set_phase(fac, "vote")
    with pytest.raises(NotFound):
        votes.cast_vote(bruno, idea_id)


def test_private_brainstorm_and_moderation_add_up(workshop, fac, join):
    session.set_phase(fac, "brainstorm")
    alice, bruno = join(workshop, "Alice"), join(workshop, "Bruno")
    idea_id = ideas.create_idea(alice, _col(workshop), SECRET)["idea"]["id"]
    seq = workshop.last_seq
    ideas.hide_idea(fac, idea_id, True)
    assert board.replay(bruno, seq)["events"][0]["type"] == "hidden"  # Bruno never saw it: no deletion either
    ideas.hide_idea(fac, idea_id, False)
    assert board.replay(bruno, seq + 1)["events"][0]["type"] == "hidden"  # still private
    session.set_phase(fac, "cluster")
    assert _texts(board.snapshot(bruno)) == [SECRET]


def test_pre_moderation_approve_and_reject(workshop, fac, join):
    update_workshop(fac, {"settings": {"moderation": "pre", "private_brainstorm": False}})
    session.set_phase(fac, "brainstorm")
    alice, bruno = join(workshop, "Alice"), join(workshop, "Bruno")
    seed = ideas.create_idea(fac, _col(workshop), "Idée de départ")["idea"]
    assert seed["pending"] is False  # facilitators' ideas never wait
    first = ideas.create_idea(alice, _col(workshop), "Première")["idea"]["id"]
    second = ideas.create_idea(alice, _col(workshop), "Seconde")["idea"]["id"]
    assert ideas.update_idea(alice, first, text="Première, revue")["idea"]["pending"] is True
    with pytest.raises(Forbidden):
        ideas.approve_idea(alice, first)
    ideas.approve_idea(fac, first)
    with pytest.raises(Conflict):
        ideas.approve_idea(fac, first)
    seq = workshop.last_seq
    ideas.delete_idea(fac, second)  # rejected
    assert board.replay(bruno, seq)["events"][0]["type"] == "hidden"
    assert board.replay(alice, seq)["events"][0]["type"] == "idea.deleted"
    assert _texts(board.snapshot(bruno)) == ["Idée de départ", "Première, revue"]
    with pytest.raises(Exception) as refused:
        update_workshop(fac, {"settings": {"moderation": "sometimes"}})
    assert refused.value.code == "invalid"


# Socket fan-out: what each client receives live.


def _events(client):
    return [m["args"][0] for m in client.get_received() if m["name"] == "event"]


@pytest.mark.live_publishing
def test_fan_out_of_hidden_and_pending_ideas(workshop, fac, auth, join, connect):
    update_workshop(fac, {"settings": {"moderation": "pre", "private_brainstorm": False}})
    session.set_phase(fac, "brainstorm")
    _, alice_token = join(workshop, "Alice", with_token=True)
    _, bruno_token = join(workshop, "Bruno", with_token=True)
    code, column, fac_token = workshop.code, workshop.columns[0].id, auth.token()
    alice, bruno, anim = connect(code, alice_token), connect(code, bruno_token), connect(code, fac_token)
    for c in (alice, bruno, anim):
        c.get_received()
    ack = alice.emit("idea.create", {"column_id": column, "text": SECRET}, callback=True)
    assert ack["idea"]["pending"] is True and "attente de validation" in ack["message"]
    idea_id = ack["idea"]["id"]
    (own,) = _events(alice)
    assert own["data"]["pending"] is True and own["data"]["mine"] is True
    assert _events(bruno) == [{"seq": own["seq"], "type": "hidden", "data": {}, "at": own["at"]}]
    assert _events(anim)[0]["data"]["pending"] is True
    assert bruno.emit("sync", {"since": 0}, callback=True)["snapshot"]["ideas"] == []

    assert anim.emit("idea.approve", {"idea_id": idea_id}, callback=True)["ok"]
    for c in (alice, bruno):
        (approved,) = _events(c)
        assert approved["type"] == "idea.approved" and approved["data"]["text"] == SECRET
    anim.get_received()

    assert anim.emit("idea.hide", {"idea_id": idea_id, "hidden": True}, callback=True)["ok"]
    for c in (alice, bruno):
        (removal,) = _events(c)
        assert removal["type"] == "idea.deleted" and removal["data"] == {"id": idea_id, "hidden": True}
    (full,) = _events(anim)
    assert full["type"] == "idea.hidden" and full["data"]["hidden"] is True
    sync = bruno.emit("sync", {"since": own["seq"] - 1}, callback=True)
    assert SECRET not in json.dumps(sync, ensure_ascii=False)
    refused = bruno.emit("idea.hide", {"idea_id": idea_id, "hidden": False}, callback=True)
    assert refused["error"]["code"] == "forbidden"

    assert anim.emit("idea.hide", {"idea_id": idea_id, "hidden": False}, callback=True)["ok"]
    (shown,) = _events(bruno)
    assert shown["type"] == "idea.shown" and shown["data"]["text"] == SECRET


def test_a_hidden_idea_as_a_roadmap_source_keeps_its_text_from_visitors(client, fac_headers, workshop, fac, join):
    from tests.unit.roadmap_helpers import AXES, make_territory

    make_territory()
    body = {"title": "Programme ESS", "territory": "Grand Paris Sud Est Avenir", "axes": AXES, "published": True}
    roadmap = client.post("/api/v1/roadmaps", json=body, headers=fac_headers).get_json()
    update_workshop(fac, {"settings": {"private_brainstorm": False}})
    session.set_phase(fac, "brainstorm")
    idea_id = ideas.create_idea(join(workshop, "Alice"), _col(workshop), SECRET)["idea"]["id"]
    action = {"title": "Annuaire", "axis_id": roadmap["axes"][0]["id"], "source_ideas": [idea_id]}
    action = client.post(f"/api/v1/roadmaps/{roadmap['id']}/actions", json=action, headers=fac_headers).get_json()
    trace = f"/api/v1/roadmaps/{roadmap['id']}/actions/{action['id']}"
    assert SECRET in _text(client.get(trace))
    ideas.hide_idea(fac, idea_id, True)
    public = client.get(trace)
    assert public.status_code == 200 and SECRET not in _text(public)
    assert SECRET not in _text(client.get(f"/api/v1/roadmaps/{roadmap['id']}"))
    assert SECRET in _text(client.get(trace, headers=fac_headers))  # facilitators still read it

"""Board v2 (issue 14) over HTTP and sockets: participants panel, duplicate (API and page), the wiring of the
new socket commands, and the rehearsal command."""

import pytest
from sqlalchemy import func, select

from app.extensions import socketio
from app.services.workshop import session
from models import Idea, Participant, Workshop, db
from tests.conftest import api_headers


def test_participants_endpoints(client, workshop, join, auth):
    headers = auth.api_headers()
    alice, alice_token = join(workshop, "Alice", with_token=True, organisation="Coopaname")
    bruno_id = join(workshop, "Bruno", attendance="remote").participant_id
    alice_id, code = alice.participant_id, workshop.code
    base = f"/api/v1/workshops/{code}/participants"
    listed = client.get(base, headers=headers).json["participants"]
    assert [(p["name"], p["organisation"], p["attendance"], p["online"]) for p in listed] == [
        ("Alice", "Coopaname", "room", False),
        ("Bruno", "", "remote", False),
    ]
    assert client.get(base, headers=api_headers(alice_token)).status_code == 403
    r = client.patch(f"{base}/{bruno_id}", json={"name": "Bruno Lefèvre"}, headers=headers)
    assert r.status_code == 200 and r.json["participant"]["name"] == "Bruno Lefèvre"
    assert client.delete(f"{base}/{bruno_id}", headers=api_headers(alice_token)).status_code == 403
    assert client.delete(f"{base}/999999", headers=headers).status_code == 404
    r = client.delete(f"{base}/{alice_id}", headers=headers)
    assert r.status_code == 200 and r.json == {"participant_id": alice_id, "removed": True}
    refused = client.get(f"/api/v1/workshops/{code}", headers=api_headers(alice_token))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"
    assert client.delete(f"{base}/{alice_id}", headers=headers).status_code == 404


def test_duplicate_endpoint_and_page(client, workshop, join, auth, make_user):
    headers = auth.api_headers()
    code = workshop.code
    r = client.post(f"/api/v1/workshops/{code}/duplicate", headers=headers)
    assert r.status_code == 201 and r.json["code"] != code and r.json["title"].endswith("(copie)")
    assert r.json["join_url"].endswith("/join/" + r.json["code"]) and r.json["phase"] == "setup"
    r = client.post(f"/api/v1/workshops/{code}/duplicate", json={"title": "Deuxième session"}, headers=headers)
    assert r.json["title"] == "Deuxième session"
    assert client.post(f"/api/v1/workshops/{code}/duplicate", json={"title": ""}, headers=headers).status_code == 400
    _, token = join(workshop, "Alice", with_token=True)
    assert client.post(f"/api/v1/workshops/{code}/duplicate", headers=api_headers(token)).status_code == 403
    auth.login()
    page = client.get(f"/workshops/{code}").get_data(as_text=True)
    assert 'data-testid="duplicate-form"' in page and "Dupliquer l’atelier" in page
    before = db.session.scalar(select(func.count(Workshop.id)))
    r = client.post(f"/workshops/{code}/duplicate", data={"title": "Session de printemps"})
    assert r.status_code == 302 and db.session.scalar(select(func.count(Workshop.id))) == before + 1
    copy = db.session.execute(select(Workshop).filter_by(title="Session de printemps")).scalar_one()
    assert r.headers["Location"].endswith(f"/workshops/{copy.code}")


@pytest.mark.live_publishing
def test_socket_commands_of_board_v2(app, workshop, fac, join, auth):
    session.set_phase(fac, "brainstorm")
    _, alice_token = join(workshop, "Alice", with_token=True)
    bruno, bruno_token = join(workshop, "Bruno", with_token=True)
    code, column, bruno_id, fac_token = workshop.code, workshop.columns[1].id, bruno.participant_id, auth.token()
    anim = socketio.test_client(app, auth={"token": fac_token, "workshop": code})
    alice = socketio.test_client(app, auth={"token": alice_token, "workshop": code})
    victim = socketio.test_client(app, auth={"token": bruno_token, "workshop": code})
    try:
        idea = alice.emit("idea.create", {"column_id": column, "text": "Navette"}, callback=True)["idea"]["id"]
        anim.emit("phase.set", {"phase": "cluster"}, callback=True)
        group = alice.emit("idea.group", {"idea_id": idea, "group_label": "Mobilité"}, callback=True)["idea"]["group"]
        assert alice.emit("group.update", {"group_id": group["id"], "label": "Transports"}, callback=True)["ok"]
        moved = alice.emit("group.move", {"group_id": group["id"], "column_id": column}, callback=True)
        assert moved["ok"] and moved["ideas"] == [idea]
        assert anim.emit("idea.hide", {"idea_id": idea, "hidden": True}, callback=True)["idea"]["hidden"] is True
        assert anim.emit("board.undo", {}, callback=True)["undone"]["action"] == "idea.hide"
        assert alice.emit("board.undo", {}, callback=True)["error"]["code"] == "forbidden"
        assert anim.emit("idea.approve", {"idea_id": idea}, callback=True)["error"]["code"] == "conflict"
        listed = anim.emit("participant.list", {}, callback=True)["participants"]
        assert {p["name"]: p["online"] for p in listed} == {"Alice": True, "Bruno": True}
        renamed = anim.emit("participant.rename", {"participant_id": bruno_id, "name": "Bruno L."}, callback=True)
        assert renamed["participant"]["name"] == "Bruno L."
        assert alice.emit("participant.remove", {"participant_id": bruno_id}, callback=True)["error"]["code"] == (
            "forbidden"
        )
        assert anim.emit("participant.remove", {"participant_id": bruno_id}, callback=True)["removed"] is True
        assert not victim.is_connected()  # disconnected by the server at once
        assert db.session.get(Participant, bruno_id).token_hash is None
        db.session.rollback()  # end the read: the sockets' cleanup writes after this test
    finally:
        for c in (anim, alice, victim):
            if c.is_connected():
                c.disconnect()


def test_demo_crowd_fills_a_room(app, workshop):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "crowd", workshop.code.lower(), "--people", "40", "--ideas", "120"])
    assert result.exit_code == 0, result.output
    assert "40 participant·es, 120 idées, 6 groupes" in result.output
    db.session.expire_all()
    people = db.session.scalars(select(Participant).filter_by(workshop_id=workshop.id)).all()
    assert len(people) == 40 and len({p.name for p in people}) == 40
    assert {p.attendance for p in people} == {"room", "remote"}
    assert sum(1 for p in people if p.attendance == "remote") == 13
    assert sum(1 for p in people if p.organisation) > 30
    ideas = db.session.scalars(select(Idea).filter_by(workshop_id=workshop.id)).unique().all()
    assert len(ideas) == 120 and len({i.text for i in ideas}) == 120
    assert {i.column_id for i in ideas} == {c.id for c in workshop.columns}
    assert 24 <= sum(1 for i in ideas if i.group_id) <= 40
    assert db.session.get(Workshop, workshop.id).phase == "setup"  # back where it was
    bad = runner.invoke(args=["demo", "crowd", "ZZZZZZZZ"])
    assert bad.exit_code != 0 and "Aucun atelier" in bad.output

"""Co-facilitation (issue 19): a colleague added to a workshop or a roadmap runs it like its creator; a
facilitator who is not one of its facilitators is refused (`forbidden`) by every facilitator endpoint and
command, workshops and roadmaps alike — the whole matrix, read from the app's own routes."""

import re

import pytest
from flask import g

from app.extensions import socketio
from app.services.core.actors import Actor
from app.services.roadmaps.operations import create_action
from tests.conftest import api_headers
from tests.unit.roadmap_helpers import make_roadmap, voted_board

pytestmark = pytest.mark.live_publishing
# Reachable without being one of its facilitators: joining with the code.
OPEN_TO_ANYONE = {("POST", "/api/v1/workshops/<code>/participants")}


def _rules(app, prefix: str) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix):
            out += [(m, rule.rule) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return [item for item in out if item not in OPEN_TO_ANYONE]


def _url(rule: str, **values) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values.get(m.group(1), 1)), rule)


def test_a_colleague_runs_the_workshop_and_the_roadmap(app, client, auth, facilitator, make_user, workshop, join):
    colleague = make_user(name="Karim Co-animateur", email="karim@gosb.fr")
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(Actor(workshop, user=facilitator), join)
    code, roadmap_id, axis_id = workshop.code, roadmap.id, roadmap.axes[0].id
    mine, theirs = auth.api_headers(facilitator), auth.api_headers(colleague)
    assert client.get(f"/api/v1/workshops/{code}", headers=theirs).status_code == 403
    r = client.post(f"/api/v1/workshops/{code}/facilitators", json={"email": "KARIM@gosb.fr"}, headers=mine)
    assert r.status_code == 201 and [f["email"] for f in r.json["facilitators"]] == [facilitator.email, colleague.email]
    r = client.post(f"/api/v1/roadmaps/{roadmap_id}/facilitators", json={"email": colleague.email}, headers=mine)
    assert r.status_code == 201
    token = theirs["Authorization"][7:]
    sock = socketio.test_client(app, auth={"token": token, "workshop": code})
    assert sock.is_connected()
    assert sock.emit("timer.start", {"seconds": 120}, callback=True)["ok"]
    promoted = sock.emit(
        "idea.promote", {"idea_id": ideas[1]["id"], "roadmap_id": roadmap_id, "axis_id": axis_id}, callback=True
    )
    assert promoted["ok"], promoted
    assert sock.emit("phase.set", {"phase": "closed"}, callback=True)["ok"]
    sock.disconnect()
    assert client.get(f"/api/v1/workshops/{code}/export?format=json", headers=theirs).status_code == 200
    assert client.patch(f"/api/v1/roadmaps/{roadmap_id}", json={"published": True}, headers=theirs).status_code == 200


def test_facilitator_lists_refuse_strangers_and_keep_the_last_one(client, auth, facilitator, make_user, workshop):
    stranger = make_user(name="Autre EPT")
    roadmap = make_roadmap(facilitator)
    mine, theirs = auth.api_headers(facilitator), auth.api_headers(stranger)
    for base in (f"/api/v1/workshops/{workshop.code}", f"/api/v1/roadmaps/{roadmap.id}"):
        r = client.post(f"{base}/facilitators", json={"email": stranger.email}, headers=theirs)
        assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
        r = client.post(f"{base}/facilitators", json={"email": "personne@nulle.part"}, headers=mine)
        assert r.status_code == 404 and "administrateur" in r.json["error"]["message"]
        r = client.delete(f"{base}/facilitators/{facilitator.id}", headers=mine)
        assert r.status_code == 409 and "dernier" in r.json["error"]["message"]
        assert client.post(f"{base}/facilitators", json={"email": stranger.email}, headers=mine).status_code == 201
        assert client.post(f"{base}/facilitators", json={"email": stranger.email}, headers=mine).status_code == 409
        assert client.delete(f"{base}/facilitators/{facilitator.id}", headers=theirs).status_code == 200
        listed = client.get(f"{base}/facilitators", headers=theirs).json["facilitators"]
        assert [f["id"] for f in listed] == [stranger.id]
        assert client.get(f"{base}/facilitators", headers=mine).status_code == 403


def test_the_whole_matrix_refuses_a_facilitator_of_another_workshop(app, client, auth, facilitator, make_user):
    from app.services.workshop.workshops import create_workshop

    stranger = make_user(name="Animatrice d'un autre atelier")
    workshop = create_workshop(facilitator, {"title": "Atelier GOSB", "theme": "custom"})
    create_workshop(stranger, {"title": "Son atelier", "theme": "custom"})
    roadmap = make_roadmap(facilitator)
    action = create_action(facilitator, roadmap.id, {"title": "Action", "axis_id": roadmap.axes[0].id})
    code, roadmap_id, action_id, email = workshop.code, roadmap.id, action.id, stranger.email
    token = auth.token(stranger)
    headers = api_headers(token)
    rules = _rules(app, "/api/v1/workshops/<code>") + _rules(app, "/api/v1/roadmaps/<int:roadmap_id>")
    assert len(rules) >= 30
    wrong = {}
    for method, rule in rules:
        url = _url(rule, code=code, roadmap_id=roadmap_id, action_id=action_id)
        r = client.open(url, method=method, json={}, headers=headers)
        if r.status_code != 403 or r.json["error"]["code"] != "forbidden":
            wrong[f"{method} {rule}"] = (r.status_code, r.get_data(as_text=True)[:120])
    assert wrong == {}
    # Sockets: neither the stranger's token nor their login session opens the workshop.
    assert not socketio.test_client(app, auth={"token": token, "workshop": code}).is_connected()
    assert client.post("/login", data={"email": email, "password": auth.password}).status_code == 302
    g.pop("_login_user", None)  # the fixture's app context outlives requests: no cached user
    assert not socketio.test_client(app, auth={"workshop": code}, flask_test_client=client).is_connected()
    # Pages: refused or sent to the join page, never served.
    for page in (f"/workshops/{code}/edit", f"/w/{code}/present", f"/w/{code}/equity", f"/w/{code}/tables"):
        g.pop("_login_user", None)
        r = client.get(page)
        assert r.status_code in (302, 403) and "/login" not in r.headers.get("Location", ""), page
    for page in ("manage", "actions/new", f"actions/{action_id}/edit"):
        g.pop("_login_user", None)
        assert client.get(f"/roadmaps/{roadmap_id}/{page}").status_code == 403, page
    g.pop("_login_user", None)
    assert client.get(f"/roadmaps/{roadmap_id}").status_code == 403  # unpublished: its facilitators only


def test_a_published_roadmap_is_read_by_all_and_written_by_its_facilitators(client, auth, facilitator, make_user):
    stranger = make_user(name="Autre")
    roadmap = make_roadmap(facilitator, published=True)
    headers = auth.api_headers(stranger)
    assert client.get(f"/api/v1/roadmaps/{roadmap.id}", headers=headers).status_code == 200
    r = client.post(
        f"/api/v1/roadmaps/{roadmap.id}/actions", json={"title": "X", "axis_id": roadmap.axes[0].id}, headers=headers
    )
    assert r.status_code == 403 and "feuille de route" in r.json["error"]["message"]
    listed = client.get("/api/v1/roadmaps", headers=headers).json["roadmaps"]
    assert [(r["id"], r["facilitating"]) for r in listed] == [(roadmap.id, False)]
    assert client.get("/api/v1/roadmaps?mine=1", headers=headers).json["roadmaps"] == []
    own = client.get("/api/v1/roadmaps?mine=1", headers=auth.api_headers(facilitator)).json["roadmaps"]
    assert [r["id"] for r in own] == [roadmap.id]

"""Socket.IO wiring with the Flask-SocketIO test client: identity, acks, errors, limits, fan-out."""

import pytest

from app import create_app
from app.extensions import socketio
from app.http import origin_checker
from app.services.workshop import session

# These tests watch what sockets receive: commits are published live.
pytestmark = pytest.mark.live_publishing


def _events(client):
    return [m["args"][0] for m in client.get_received() if m["name"] == "event"]


def _presence(client):
    return [m["args"][0] for m in client.get_received() if m["name"] == "presence"]


def test_participant_connects_with_a_token_and_gets_presence(workshop, join, connect):
    alice, token = join(workshop, "Alice", with_token=True)
    alice_id = alice.participant_id  # read before the handlers close the shared session
    c = connect(workshop.code, token)
    assert c.is_connected()
    presence = _presence(c)[0]
    assert presence["counts"]["room"] == 1 and presence["total"] == 1
    assert presence["online"][0]["name"] == "Alice"
    ack = c.emit("sync", {"since": 0}, callback=True)
    assert ack["ok"] and ack["snapshot"]["me"]["id"] == alice_id and ack["seq"] == 0


@pytest.mark.parametrize(
    "auth",
    [
        {"token": "nope", "workshop": "CODE"},
        {"token": "nope"},
        {"workshop": "ZZZZZZZZ"},
        {"workshop": 42},
        {"token": "f.forged", "workshop": "CODE"},
        {},
        None,
    ],
)
def test_bad_auth_is_refused(app, workshop, auth):
    if auth and auth.get("workshop") == "CODE":
        auth = dict(auth, workshop=workshop.code)
    c = socketio.test_client(app, auth=auth)
    assert not c.is_connected()


def test_token_of_another_workshop_is_refused(app, workshop, make_workshop, join):
    _, token = join(make_workshop(title="Autre"), "Alice", with_token=True)
    assert not socketio.test_client(app, auth={"token": token, "workshop": workshop.code}).is_connected()


def test_a_facilitator_token_only_opens_its_own_workshops(app, workshop, make_user, auth):
    # Handlers end with session.remove(): read everything the test needs first.
    code, good, bad = workshop.code, auth.token(), auth.token(make_user(name="Autre"))
    assert not socketio.test_client(app, auth={"token": bad, "workshop": code}).is_connected()
    c = socketio.test_client(app, auth={"token": good, "workshop": code})
    assert c.emit("phase.set", {"phase": "brainstorm"}, callback=True) == {"ok": True, "phase": "brainstorm"}


def test_guest_cookie_from_the_join_page_identifies_the_socket(client, workshop, connect):
    r = client.post(f"/join/{workshop.code}", data={"code": workshop.code, "name": "Inès", "attendance": "remote"})
    assert r.status_code == 302
    c = connect(workshop.code, flask_client=client)
    assert c.is_connected()
    me = c.emit("sync", {"since": 0}, callback=True)["snapshot"]["me"]
    assert (me["name"], me["role"], me["attendance"]) == ("Inès", "participant", "remote")


def test_login_session_identifies_a_facilitator(client, workshop, auth, connect):
    assert auth.login().status_code == 302
    c = connect(workshop.code, flask_client=client)
    assert c.emit("sync", {"since": 0}, callback=True)["snapshot"]["me"]["role"] == "facilitator"
    assert c.emit("phase.set", {"phase": "brainstorm"}, callback=True)["ok"]


def test_no_cookie_and_no_token_is_refused(client, workshop):
    assert not socketio.test_client(client.application, auth={"workshop": workshop.code}).is_connected()


def test_acks_and_error_codes(workshop, auth, join, connect):
    _, token = join(workshop, "Alice", with_token=True)
    code, column, fac_token = workshop.code, workshop.columns[0].id, auth.token()
    c, anim = connect(code, token), connect(code, fac_token)
    refused = c.emit("idea.create", {"column_id": column, "text": "trop tôt"}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "phase" and refused["error"]["message"]
    assert c.emit("phase.set", {"phase": "vote"}, callback=True)["error"]["code"] == "forbidden"
    assert anim.emit("phase.set", {"phase": "brainstorm"}, callback=True)["ok"]
    ok = c.emit("idea.create", {"column_id": column, "text": "Bonne idée"}, callback=True)
    assert ok["ok"] is True and ok["idea"]["text"] == "Bonne idée"
    cases = [
        ("idea.create", "pas un objet", "invalid"),
        ("idea.create", {"column_id": column, "text": ""}, "invalid"),
        ("idea.create", {"column_id": column, "text": "x" * 501}, "invalid"),
        ("idea.create", {"column_id": column, "text": "x" * 20000}, "too_large"),
        ("idea.create", {"column_id": column, "text": "ok", "client_id": "x" * 65}, "invalid"),
        ("idea.create", {"column_id": column, "text": "ok", "client_id": 7}, "invalid"),
        ("idea.update", {"idea_id": 10**6, "text": "x"}, "not_found"),
        ("vote.cast", {"idea_id": ok["idea"]["id"]}, "phase"),
        ("timer.start", {"seconds": 60}, "forbidden"),
    ]
    for name, payload, code in cases:
        ack = c.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == code, (name, ack)


def test_client_id_through_the_socket(workshop, fac, join, connect):
    session.set_phase(fac, "brainstorm")
    _, token = join(workshop, "Alice", with_token=True)
    payload = {"column_id": workshop.columns[0].id, "text": "Une seule fois", "client_id": "abc"}
    c = connect(workshop.code, token)
    c.get_received()
    first = c.emit("idea.create", payload, callback=True)
    assert c.emit("idea.create", payload, callback=True) == first
    created = [e for e in _events(c) if e["type"] == "idea.created"]
    assert len({e["seq"] for e in created}) == 1


def test_rate_limit_per_socket(app, workshop, join, connect):
    app.config["SOCKET_RATE"] = (3, 60.0)
    _, token = join(workshop, "Alice", with_token=True)
    c = connect(workshop.code, token)
    acks = [c.emit("sync", {"since": 0}, callback=True) for _ in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited"
    app.config["RATE_LIMITS"] = False
    assert c.emit("sync", {"since": 0}, callback=True)["ok"]


def test_fan_out_respects_private_brainstorm(workshop, fac, auth, join, connect):
    session.set_phase(fac, "brainstorm")
    _, alice_token = join(workshop, "Alice", with_token=True)
    _, bruno_token = join(workshop, "Bruno", with_token=True)
    code, column, fac_token = workshop.code, workshop.columns[0].id, auth.token()
    alice, bruno, anim = connect(code, alice_token), connect(code, bruno_token), connect(code, fac_token)
    for c in (alice, bruno, anim):
        c.get_received()
    alice.emit("idea.create", {"column_id": column, "text": "Secret"}, callback=True)
    (own,) = _events(alice)  # the author's own copy only: one frame per event
    assert own["data"]["text"] == "Secret" and own["data"]["mine"] is True
    assert _events(bruno) == [{"seq": own["seq"], "type": "hidden", "data": {}, "at": own["at"]}]
    assert _events(anim)[0]["data"]["author"]["name"] == "Alice"
    anim.emit("phase.set", {"phase": "cluster"}, callback=True)
    changed = _events(bruno)[0]
    assert changed["type"] == "phase.changed" and changed["data"]["resync"] is True
    assert bruno.emit("sync", {"since": 0}, callback=True)["snapshot"]["ideas"][0]["text"] == "Secret"


def test_origin_checker():
    allowed = origin_checker(["https://partenaire.example"])
    env = {"HTTP_HOST": "fabrique.test"}
    assert allowed("http://fabrique.test", env) and allowed("https://fabrique.test", env)
    assert allowed("https://partenaire.example", env)
    assert allowed(None, env)  # non-browser clients still need a token
    assert not allowed("https://evil.example", env)
    assert not allowed("http://fabrique.test.evil.example", env)
    assert allowed("https://public.example", {**env, "HTTP_X_FORWARDED_HOST": "public.example"})


@pytest.mark.parametrize(
    "env, origin, status",
    [
        ("", "http://fabrique.test", 200),
        ("", "https://partenaire.example", 400),
        ("https://partenaire.example, https://ville.example", "https://ville.example", 200),
        ("https://partenaire.example", "https://autre.example", 400),
        ("*", "https://autre.example", 400),  # never a wildcard
    ],
)
def test_allowed_origins_through_the_engine(app, monkeypatch, env, origin, status):
    """ALLOWED_ORIGINS (environment) reaches the engine's own handshake check."""
    monkeypatch.setenv("ALLOWED_ORIGINS", env)
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "ASYNC_MODE": "threading",
            "SERVER_NAME": "fabrique.test",
        }
    )
    r = other.test_client().get("/socket.io/?EIO=4&transport=polling", headers={"Origin": origin})
    assert r.status_code == status, r.data

"""Non-finite numbers and malformed input against a real server process (issue 20), on SQLite and
PostgreSQL: `idea.move {position: 1e999}` is refused with `invalid` and nothing non-finite reaches
the other clients, which stay connected; the REST API answers the same shapes with a 400."""

import json

import pytest
import requests
from socketio import packet as socketio_packet

from tests.cluster import server_on
from tests.conftest import backends
from tests.live.handwritten import HandWritten
from tests.server import LiveServer

pytestmark = pytest.mark.timeout(120)
NON_FINITE = ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"]


@pytest.fixture(scope="module", params=backends())
def server(request, tmp_path_factory):
    with server_on(request.param, tmp_path_factory.mktemp(f"malformed-{request.param}")) as (live, _db):
        yield live


def _close(hostile: HandWritten, *clients) -> None:
    """Drop the connections: python-socketio's polite disconnect waits 3 s for a close frame here."""
    hostile.close()
    for client in clients:
        client.sio.eio.ws.shutdown()


def strict_loads(text: str):
    """JSON as a browser's JSON.parse reads it: `Infinity` and `NaN` are errors."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _board(server: LiveServer):
    """A workshop in brainstorm with one idea; the facilitator's and a participant's python-socketio clients."""
    workshop = server.create_workshop(settings={"private_brainstorm": False})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = server.client(code, server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    alice_token = server.join(code, "Alice")
    alice = server.client(code, alice_token)
    idea = alice.call("idea.create", {"column_id": column, "text": "Une idée"})["idea"]
    return code, column, idea["id"], fac, alice, alice_token


def test_a_non_finite_position_is_refused_and_every_client_keeps_working(server):
    code, column, idea, fac, alice, alice_token = _board(server)
    hostile = HandWritten(server.url, {"token": server.token(), "workshop": code})
    for literal in NON_FINITE:
        body = f'{{"idea_id": {idea}, "column_id": {column}, "position": {literal}}}'
        ack = hostile.call("idea.move", body)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (literal, ack)
        assert "position" in ack["error"]["message"]
    # python-socketio with the standard json writes float("inf") as `Infinity`: refused the same way.
    # (Creating an app in this process made its packets strict JSON, process-wide: put the default back.)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socketio_packet.Packet, "json", json)
        ack = fac.call("idea.move", {"idea_id": idea, "column_id": column, "position": float("inf")})
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    ack = hostile.call("idea.move", f'{{"idea_id": {idea}, "column_id": {column}, "position": 2.5}}')
    assert ack["ok"] is True and ack["idea"]["position"] == 2.5
    moved = alice.wait_for(lambda e: e["type"] == "idea.moved")
    assert moved["data"]["position"] == 2.5
    # Nobody was disconnected by a frame they could not parse; the board still loads everywhere.
    assert fac.sio.connected and alice.sio.connected
    snapshot = alice.call("sync", {"since": 0})["snapshot"]
    assert [i["position"] for i in snapshot["ideas"]] == [2.5]
    r = requests.get(f"{server.url}/api/v1/workshops/{code}", headers=server.auth(alice_token), timeout=10)
    assert r.status_code == 200 and strict_loads(r.text)["ideas"][0]["position"] == 2.5
    _close(hostile, fac, alice)


def test_malformed_commands_get_an_invalid_ack_and_the_socket_stays_usable(server):
    code, column, idea, fac, alice, _token = _board(server)
    hostile = HandWritten(server.url, {"token": server.token(), "workshop": code})
    cases = [
        ("idea.create", '{"column_id": 2147483648, "text": "x"}'),
        ("idea.create", '{"column_id": 1180591620717411303424, "text": "x"}'),
        ("idea.create", f'{{"column_id": {column}, "text": "a\\u0000b"}}'),
        ("idea.create", f'{{"column_id": {column}, "text": "\\ud800"}}'),
        ("idea.create", f'{{"column_id": {column}, "text": "x", "client_id": "\\udfff"}}'),
        ("idea.delete", '{"idea_id": -9223372036854775809}'),
        ("timer.start", '{"seconds": NaN}'),
        ("idea.create", f'{{"column_id": {column}, "text": ' + "[" * 500 + "]" * 500 + "}"),
    ]
    for name, body in cases:
        ack = hostile.call(name, body)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (name, body[:80], ack)
    # A packet nested too deep for the parser is dropped (there is no one to answer); the socket lives on.
    hostile.ws.send("4299" + '["sync",' + "[" * 50_000 + "]" * 50_000 + "]")
    assert hostile.call("sync", '{"since": 0}')["ok"] is True
    assert alice.call("idea.create", {"column_id": column, "text": "Toujours là"})["ok"] is True
    _close(hostile, fac, alice)


def test_rest_answers_malformed_bodies_and_ids_with_a_400(server):
    workshop = server.create_workshop()
    code, column = workshop["code"], workshop["columns"][0]["id"]
    headers = {**server.auth(server.token()), "Content-Type": "application/json"}
    ideas = f"{server.url}/api/v1/workshops/{code}/ideas"
    bodies = [f'{{"column_id": {column}, "text": "x", "color": {n}}}' for n in NON_FINITE]
    bodies += ['{"column_id": 9223372036854775808, "text": "x"}', f'{{"column_id": {column}, "text": "\\u0000"}}']
    bodies += [
        '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}",
        f'{{"column_id": {column}, "text": "x", "client_id": 7}}',
    ]
    for body in bodies:
        r = requests.post(ideas, data=body, headers=headers, timeout=10)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid", (body[:80], r.status_code, r.text[:200])
    for since in ("99999999999999999999999", "²"):
        r = requests.get(f"{server.url}/api/v1/workshops/{code}/events", params={"since": since}, headers=headers)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    for path in ("/api/v1/roadmaps/2147483648", "/api/v1/roadmaps/9223372036854775808", "/roadmaps/2147483648"):
        assert requests.get(server.url + path, timeout=10).status_code == 404
    r = requests.post(ideas, json={"column_id": column, "text": "Une idée valable"}, headers=headers, timeout=10)
    assert r.status_code == 201

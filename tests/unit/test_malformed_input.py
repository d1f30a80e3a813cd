"""Malformed input at the edge (issue 20): every shape is a 4xx with a contract code, on SQLite and
PostgreSQL alike, and nothing non-finite is ever written — to a client or to the database."""

import pytest
from sqlalchemy.exc import StatementError

from app.extensions import socketio
from app.services.core.errors import Invalid
from app.services.workshop.ideas import create_idea, move_idea
from app.services.workshop.session import set_phase
from models import Idea, Workshop, db
from tests.conftest import CONTRACT_CODES as CODES
from tests.conftest import api_headers
from tests.unit.roadmap_helpers import make_roadmap, make_territory

# Beyond INTEGER (int4), beyond BIGINT, beyond anything; and below.
BAD_IDS = [2147483648, 9223372036854775808, 1180591620717411303424, 0, -1, -2147483649, -9223372036854775809]
BAD_TEXTS = ["a\x00b", "\ud800", "x\udfff", "\x00"]
NON_FINITE = ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"]


@pytest.fixture
def board(client, workshop, fac, auth):
    """A workshop in brainstorm with one idea, a participant's and the facilitator's bearer headers."""
    set_phase(fac, "brainstorm")
    r = client.post(f"/api/v1/workshops/{workshop.code}/participants", json={"name": "Alice", "attendance": "room"})
    alice = api_headers(r.get_json()["token"])
    idea = create_idea(fac, workshop.columns[0].id, "Une idée")["idea"]
    return {
        "code": workshop.code,
        "column": workshop.columns[0].id,
        "idea": idea["id"],
        "alice": alice,
        "fac": auth.api_headers(),
    }


def _refused(r, status: int | None = None) -> dict:
    assert 400 <= r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:300])
    assert status is None or r.status_code == status, (r.status_code, r.get_json())
    error = r.get_json()["error"]
    assert error["code"] in CODES and error["message"]
    return error


def _raw(client, method: str, url: str, body: str, headers: dict):
    return client.open(url, method=method, data=body, content_type="application/json", headers=headers)


def _ideas_written() -> int:
    return db.session.query(Idea).count()


def test_ids_beyond_the_column_range_are_invalid_over_rest(client, board, facilitator):
    base = f"/api/v1/workshops/{board['code']}"
    table = client.post(f"{base}/tables", json={"name": "T", "size": 2}, headers=board["fac"]).get_json()["table"]
    roadmap = make_roadmap(facilitator, make_territory())
    actions, axis = f"/api/v1/roadmaps/{roadmap.id}/actions", roadmap.axes[0].id
    for bad in BAD_IDS:
        r = client.post(f"{base}/ideas", json={"column_id": bad, "text": "Hors limites"}, headers=board["alice"])
        assert "column_id" in _refused(r, 400)["message"]
        r = client.post(
            f"{base}/tables/{table['id']}/ideas", json={"column_id": bad, "text": "x"}, headers=board["fac"]
        )
        _refused(r, 400)
        _refused(client.post(actions, json={"title": "A", "axis_id": bad}, headers=board["fac"]), 400)
        body = {"title": "A", "axis_id": axis, "source_ideas": [bad]}
        _refused(client.post(actions, json=body, headers=board["fac"]), 400)
        r = client.post("/api/v1/roadmaps", json={"title": "R", "territory": bad, "axes": ["a"]}, headers=board["fac"])
        _refused(r, 400)
    assert _ideas_written() == 1


def test_ids_beyond_the_column_range_in_urls_are_not_found(client, board, facilitator):
    roadmap = make_roadmap(facilitator, make_territory(), published=True)
    base = f"/api/v1/workshops/{board['code']}"
    for bad in (2147483648, 9223372036854775808, 1180591620717411303424):
        _refused(client.get(f"/api/v1/roadmaps/{bad}"), 404)
        _refused(client.get(f"/api/v1/roadmaps/{roadmap.id}/actions/{bad}"), 404)
        r = client.post(f"{base}/tables/{bad}/ideas", json={"column_id": 1, "text": "x"}, headers=board["fac"])
        _refused(r, 404)
        _refused(client.get(f"{base}/participants/{bad}/export", headers=board["fac"]), 404)
        assert client.get(f"/roadmaps/{bad}").status_code == 404
    assert client.get(f"/roadmaps/{roadmap.id}").status_code == 200


def test_nul_bytes_and_lone_surrogates_are_invalid_in_every_text(client, board):
    for bad in BAD_TEXTS:
        _refuse_texts_over_rest(client, board, bad)
    assert _ideas_written() == 1


def _refuse_texts_over_rest(client, board, bad: str) -> None:
    base = f"/api/v1/workshops/{board['code']}"
    cases = [
        (f"{base}/ideas", {"column_id": board["column"], "text": f"Idée {bad}"}, board["alice"]),
        (f"{base}/ideas", {"column_id": board["column"], "text": "Idée", "client_id": bad}, board["alice"]),
        (f"{base}/participants", {"name": f"Bob {bad}", "attendance": "room"}, {}),
        (f"{base}/participants", {"name": "Bob", "organisation": bad, "attendance": "room"}, {}),
        (f"{base}/tables", {"name": bad, "size": 2}, board["fac"]),
        ("/api/v1/workshops", {"title": bad, "theme": "jo2024"}, board["fac"]),
        ("/api/v1/workshops", {"title": "T", "theme": "jo2024", "territory": bad}, board["fac"]),
        ("/api/v1/roadmaps", {"title": "R", "territory": "T", "axes": [bad]}, board["fac"]),
        ("/api/v1/auth/token", {"email": f"a{bad}@example.org", "password": "x"}, {}),
        (f"{base}/ideas", {"column_id": board["column"], "text": "Idée", bad: 1}, board["alice"]),
    ]
    for url, body, headers in cases:
        _refused(client.post(url, json=body, headers=headers), 400)


def test_one_client_id_rule_for_rest(client, board):
    for bad in (5, "", "x" * 65, ["a"], {"a": 1}, True, 1.5):
        body = {"column_id": board["column"], "text": "Idée", "client_id": bad}
        r = client.post(f"/api/v1/workshops/{board['code']}/ideas", json=body, headers=board["alice"])
        assert _refused(r, 400)["field"] == "client_id"
        url = f"/api/v1/workshops/{board['code']}/me/anonymise"
        assert _refused(client.post(url, json={"client_id": bad}, headers=board["alice"]), 400)["field"] == "client_id"
    assert _ideas_written() == 1


def test_events_since_must_be_a_plain_integer(client, board):
    url = f"/api/v1/workshops/{board['code']}/events?since="
    for since in ("99999999999999999999999", "²", "-1", "1.5", "abc", "", "0x10", "9" * 5000):
        assert _refused(client.get(url + since, headers=board["alice"]), 400)["field"] == "since"
    r = client.get(url + "2147483647", headers=board["fac"])
    assert r.status_code == 200 and r.get_json()["events"] == []


def test_non_finite_numbers_in_a_body_are_invalid(client, board, facilitator):
    base = f"/api/v1/workshops/{board['code']}"
    roadmap = make_roadmap(facilitator, make_territory())
    action = client.post(
        f"/api/v1/roadmaps/{roadmap.id}/actions",
        json={"title": "A", "axis_id": roadmap.axes[0].id},
        headers=board["fac"],
    ).get_json()
    action_url = f"/api/v1/roadmaps/{roadmap.id}/actions/{action['id']}"
    cases = [  # N: the literal
        ("POST", f"{base}/ideas", f'{{"column_id": {board["column"]}, "text": "x", "color": N}}', board["alice"]),
        ("POST", f"{base}/ideas", '{"column_id": N, "text": "x"}', board["alice"]),
        ("PATCH", base, '{"settings": {"votes_per_participant": N}}', board["fac"]),
        ("POST", f"{base}/tables", '{"name": "T", "size": N}', board["fac"]),
        ("PATCH", action_url, '{"progress": N}', board["fac"]),
        ("PATCH", f"/api/v1/roadmaps/{roadmap.id}", '{"year": N}', board["fac"]),
    ]
    for literal in NON_FINITE:
        for method, url, body, headers in cases:
            error = _refused(_raw(client, method, url, body.replace("N", literal), headers), 400)
            assert error["code"] == "invalid" and "fini" in error["message"], error
    assert _ideas_written() == 1


def test_deeply_nested_bodies_are_invalid_not_a_recursion_error(client, board):
    url = f"/api/v1/workshops/{board['code']}/ideas"
    for depth in (50_000, 5_000, 100):
        body = '{"column_id": 1, "text": ' + "[" * depth + "]" * depth + "}"
        error = _refused(_raw(client, "POST", url, body, board["alice"]), 400)
        assert "imbriqu" in error["message"]


def test_settings_must_be_an_object(client, board):
    new = {"title": "T", "theme": "jo2024"}
    for settings in ([], "abc", 3, [["votes_per_participant", 3]], True):
        r = client.post("/api/v1/workshops", json={**new, "settings": settings}, headers=board["fac"])
        assert _refused(r, 400)["field"] == "settings"
        r = client.patch(f"/api/v1/workshops/{board['code']}", json={"settings": settings}, headers=board["fac"])
        assert _refused(r, 400)["field"] == "settings"
    r = client.post("/api/v1/workshops", json={"title": "T", "theme": "jo2024", "settings": None}, headers=board["fac"])
    assert r.status_code == 201


def test_unknown_api_urls_answer_in_french(client):
    r = client.get("/api/v1/nowhere")
    assert r.status_code == 404 and r.get_json()["error"] == {
        "code": "not_found",
        "message": "Adresse inconnue dans l'API.",
    }


# --- Socket.IO commands (Flask-SocketIO test client) -------------------------------------------


@pytest.fixture
def sockets(app, board):
    """(facilitator socket, participant socket) on the board; no rate limit, these tests send many commands."""
    app.config["RATE_LIMITS"] = False
    fac_token = board["fac"]["Authorization"].split()[1]
    alice_token = board["alice"]["Authorization"].split()[1]
    clients = [
        socketio.test_client(app, auth={"token": t, "workshop": board["code"]}) for t in (fac_token, alice_token)
    ]
    yield clients
    for c in clients:
        if c.is_connected():
            c.disconnect()


def emit_raw(client, name: str, body: str) -> dict:
    """Emit a command whose payload is written by hand, as a hostile client would (`1e999`, `NaN`):
    the test client itself, like the server, writes only strict JSON."""
    client.callback_counter += 1
    packet = f'2{client.callback_counter}["{name}",{body}]'
    client.socketio.server._handle_eio_message(client.eio_sid, packet)
    ack, client.acks = client.acks, None
    return ack["args"][0]


def test_idea_move_refuses_non_finite_positions_over_a_socket(sockets, board):
    fac, _alice = sockets
    body = f'{{"idea_id": {board["idea"]}, "column_id": {board["column"]}, "position": N}}'
    for literal in (*NON_FINITE, "1e10", "true", '"3"', "[]"):
        ack = emit_raw(fac, "idea.move", body.replace("N", literal))
        assert ack["ok"] is False and ack["error"]["code"] == "invalid" and "position" in ack["error"]["message"]
    assert db.session.get(Idea, board["idea"]).position == 1.0
    ok = emit_raw(fac, "idea.move", body.replace("N", "2.5"))
    assert ok["ok"] is True and ok["idea"]["position"] == 2.5


def test_every_command_refuses_non_finite_numbers(sockets, board):
    fac, alice = sockets
    cases = [  # N: the literal
        (alice, "idea.create", f'{{"column_id": {board["column"]}, "text": "x", "extra": [N]}}'),
        (fac, "timer.start", '{"seconds": N}'),
        (fac, "table.create", '{"name": "T", "size": N}'),
        (alice, "sync", '{"since": N}'),
        (alice, "vote.cast", f'{{"idea_id": {board["idea"]}, "grade": N}}'),
    ]
    for literal in NON_FINITE:
        for client, name, body in cases:
            ack = emit_raw(client, name, body.replace("N", literal))
            assert ack["ok"] is False and ack["error"]["code"] == "invalid", (name, ack)
            assert "fini" in ack["error"]["message"]


def test_ids_beyond_the_column_range_are_invalid_over_a_socket(sockets, board):
    fac, alice = sockets
    brainstorm = lambda bad: [  # noqa: E731
        (alice, "idea.create", {"column_id": bad, "text": "x"}),
        (fac, "idea.move", {"idea_id": board["idea"], "column_id": bad}),
        (fac, "idea.move", {"idea_id": bad, "column_id": board["column"]}),
        (fac, "idea.group", {"idea_id": board["idea"], "group_id": bad}),
        (fac, "idea.delete", {"idea_id": bad}),
        (fac, "table.vote", {"table_id": bad, "idea_id": board["idea"]}),
    ]
    discuss = lambda bad: [  # noqa: E731
        (fac, "idea.promote", {"idea_id": board["idea"], "roadmap_id": bad, "axis_id": bad}),
        (fac, "idea.promote", {"idea_id": bad, "roadmap_id": 1, "axis_id": 1}),
    ]
    for phase, cases in (("brainstorm", brainstorm), ("discuss", discuss)):
        assert fac.emit("phase.set", {"phase": phase}, callback=True)["ok"]
        for bad in BAD_IDS:
            for client, name, payload in cases(bad):
                ack = client.emit(name, payload, callback=True)
                assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found"), (name, bad, ack)
    assert _ideas_written() == 1


def test_nul_bytes_and_lone_surrogates_are_invalid_over_a_socket(sockets, board):
    fac, alice = sockets
    for bad in BAD_TEXTS:
        _refuse_texts_over_a_socket(fac, alice, board, bad)
    assert db.session.get(Idea, board["idea"]).text == "Une idée"


def _refuse_texts_over_a_socket(fac, alice, board, bad: str) -> None:
    cases = [
        (alice, "idea.create", {"column_id": board["column"], "text": bad}),
        (alice, "idea.create", {"column_id": board["column"], "text": "x", "client_id": bad}),
        (fac, "idea.update", {"idea_id": board["idea"], "text": f"y{bad}"}),
        (fac, "idea.group", {"idea_id": board["idea"], "group_label": bad}),
        (fac, "table.create", {"name": bad, "size": 2}),
        (fac, "phase.set", {"phase": bad}),
    ]
    for client, name, payload in cases:
        ack = client.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (name, ack)


def test_deep_payloads_are_invalid_over_a_socket(sockets, board):
    _fac, alice = sockets
    body = '{"column_id": 1, "text": ' + "[" * 200 + "]" * 200 + "}"
    ack = emit_raw(alice, "idea.create", body)
    assert ack["ok"] is False and "imbriqu" in ack["error"]["message"]


# --- Nothing non-finite is ever serialised ---------------------------------------------------------


def test_nothing_non_finite_is_written_to_a_client_or_the_database(app, workshop):
    for value in (float("inf"), float("-inf"), float("nan")):
        with pytest.raises(ValueError):
            app.json.dumps({"position": value})
        with pytest.raises(ValueError):
            app.json.response({"position": value})
        with pytest.raises(ValueError):
            socketio.server.packet_class.json.dumps(["event", {"position": value}])  # every packet
        with pytest.raises(ValueError):
            app.jinja_env.from_string("{{ x|tojson }}").render(x={"position": value})
        row = db.session.get(Workshop, workshop.id)
        row.settings = {**row.settings, "votes_per_participant": value}
        with pytest.raises((StatementError, ValueError)):  # wrapped on SQLite, not by psycopg
            db.session.commit()
        db.session.rollback()
    assert db.session.get(Workshop, workshop.id).settings["votes_per_participant"] == 5


def test_move_idea_refuses_positions_that_are_not_finite_numbers(fac, workshop):
    set_phase(fac, "brainstorm")
    idea = create_idea(fac, workshop.columns[0].id, "Une idée")["idea"]
    for position in (float("inf"), float("-inf"), float("nan"), 10**400, 1e10, True, "1"):
        with pytest.raises(Invalid):
            move_idea(fac, idea["id"], workshop.columns[1].id, position)
    assert move_idea(fac, idea["id"], workshop.columns[1].id, -3)["idea"]["position"] == -3.0


# --- Forms of the pages: the same rules, a page rather than JSON ------------------------------------


def test_forms_with_nul_bytes_or_odd_digits_are_refused_not_a_500(client, board, auth):
    assert client.post("/login", data={"email": "a\x00b@example.org", "password": "x"}).status_code < 500
    r = client.post(f"/join/{board['code']}", data={"name": "Bob\x00", "attendance": "room"})
    assert r.status_code < 500
    auth.login()
    tables = f"/w/{board['code']}/tables"
    for size in ("²", "9" * 5000, "2147483648"):
        assert client.post(tables, data={"name": "T", "size": size}).status_code < 500
    for column in ("²", "9" * 5000, "99999999999999999999"):
        r = client.post(f"{tables}/1/idea", data={"column_id": column, "text": "x"})
        assert r.status_code < 500
    assert client.post(tables, data={"name": "T\x00", "size": "2"}).status_code < 500
    assert _ideas_written() == 1


def test_a_client_id_spent_on_another_command_is_a_conflict(client, board, sockets):
    """The second use of a client_id repeats the first command's answer; for another command that
    answer has the wrong shape, and was a 500 or `internal`."""
    base = f"/api/v1/workshops/{board['code']}"
    r = client.patch(base, json={"title": "Nouveau titre", "client_id": "k1"}, headers=board["fac"])
    assert r.status_code == 200
    body = {"column_id": board["column"], "text": "Idée", "client_id": "k1"}
    assert _refused(client.post(f"{base}/ideas", json=body, headers=board["fac"]), 409)["field"] == "client_id"
    fac, _alice = sockets
    assert fac.emit("phase.set", {"phase": "discuss", "client_id": "k2"}, callback=True)["ok"]
    ack = fac.emit("minutes.results", {"client_id": "k2"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "conflict"
    assert _ideas_written() == 1

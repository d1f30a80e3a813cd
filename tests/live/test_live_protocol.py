"""The Socket.IO protocol against a real server process (gevent) with python-socketio clients."""

import json
import threading
import time

import requests
import socketio

from tests.server import LiveServer


def _fac(live_server: LiveServer, **settings):
    workshop = live_server.create_workshop(settings=settings)
    fac = live_server.client(workshop["code"], live_server.token())
    return workshop, fac


def _created(client):
    """(seq, idea id) of the ideas created, in the order received."""
    return [(e["seq"], e["data"]["id"]) for e in client.events if e["type"] == "idea.created"]


def _assert_gapless(client):
    """Every event once: the seqs a client received rise by exactly 1."""
    seqs = [e["seq"] for e in client.events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs


def _connect(url, auth, origin=None):
    """A python-socketio client; `origin` replaces the Origin header websocket-client always sends.

    Returns (client, refusal message or None).
    """
    sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin} if origin else {})
    refusal = []
    sio.on("connect_error", lambda data: refusal.append(data))
    try:
        sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)
    except socketio.exceptions.ConnectionError as exc:
        data = refusal[0] if refusal else None
        # A refusal by the connect handler carries {message}; an engine-level one (origin) a string.
        return sio, data.get("message") if isinstance(data, dict) else str(data or exc)
    return sio, None


def test_concurrent_posts_reach_everyone_in_the_same_order(live_server):
    workshop, fac = _fac(live_server, private_brainstorm=False)
    code, column = workshop["code"], workshop["columns"][0]["id"]
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    alice = live_server.client(code, live_server.join(code, "Alice"))
    bruno = live_server.client(code, live_server.join(code, "Bruno"))

    def post(client, name):
        for i in range(10):
            assert client.call("idea.create", {"column_id": column, "text": f"{name} {i}", "client_id": f"{name}-{i}"})[
                "ok"
            ]

    threads = [threading.Thread(target=post, args=(c, n)) for c, n in ((alice, "Alice"), (bruno, "Bruno"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for client in (alice, bruno, fac):
        client.wait_for(lambda _e, c=client: len(_created(c)) == 20)
    assert _created(alice) == _created(bruno) == _created(fac)
    seqs = [s for s, _ in _created(alice)]
    assert seqs == list(range(seqs[0], seqs[0] + 20))
    for c in (alice, bruno, fac):
        _assert_gapless(c)
        c.close()


def test_an_author_receives_each_event_once(live_server):
    """In a private brainstorm the author gets their own idea, the others its hidden placeholder,
    the facilitator the whole event: one frame each, with the same seq."""
    workshop, fac = _fac(live_server)  # private brainstorm
    code, column = workshop["code"], workshop["columns"][0]["id"]
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    token = live_server.join(code, "Alice")
    alice, alice_phone = live_server.client(code, token), live_server.client(code, token)
    bruno = live_server.client(code, live_server.join(code, "Bruno"))
    for i in range(3):
        ack = alice.call("idea.create", {"column_id": column, "text": f"Idée {i}", "client_id": f"a-{i}"})
        assert ack["ok"]
    last = ack["idea"]["id"]
    assert fac.call("idea.update", {"idea_id": last, "text": "Idée revue"})["ok"]
    final = fac.wait_for(lambda e: e["type"] == "idea.updated")["seq"]
    for client in (alice, alice_phone, bruno):
        client.wait_for(lambda e: e["seq"] == final)
    time.sleep(0.3)  # a second copy would have arrived by now
    for mine in (alice, alice_phone):
        assert [e["type"] for e in mine.events] == ["idea.created"] * 3 + ["idea.updated"]
        assert all(e["data"]["mine"] for e in mine.events)
    assert [e["type"] for e in bruno.events] == ["hidden"] * 4
    assert [e["type"] for e in fac.events] == ["phase.changed"] + ["idea.created"] * 3 + ["idea.updated"]
    for client in (alice, alice_phone, bruno, fac):
        _assert_gapless(client)
        client.close()


def test_a_client_that_missed_20_events_gets_them_all_by_sync(live_server):
    workshop, fac = _fac(live_server, private_brainstorm=False)
    code, column = workshop["code"], workshop["columns"][0]["id"]
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    token = live_server.join(code, "Alice")
    alice = live_server.client(code, token)
    last = alice.call("sync", {"since": 0})["seq"]
    alice.close()
    headers = live_server.auth(live_server.token())
    for i in range(20):
        r = requests.post(
            f"{live_server.url}/api/v1/workshops/{code}/ideas",
            json={"column_id": column, "text": f"n°{i}"},
            headers=headers,
            timeout=10,
        )
        assert r.status_code == 201, r.text
    back = live_server.client(code, token)
    ack = back.call("sync", {"since": last})
    assert ack["ok"] and "snapshot" not in ack
    assert [e["seq"] for e in ack["events"]] == list(range(last + 1, last + 21)) and ack["seq"] == last + 20
    assert [e["data"]["text"] for e in ack["events"]] == [f"n°{i}" for i in range(20)]
    # ... and from there the live stream continues without a gap.
    assert fac.call("idea.create", {"column_id": column, "text": "après"})["ok"]
    assert back.wait_for(lambda e: e["type"] == "idea.created")["seq"] == last + 21
    back.close()
    fac.close()


def test_a_participant_cannot_change_the_phase(live_server):
    workshop, fac = _fac(live_server)
    code = workshop["code"]
    alice = live_server.client(code, live_server.join(code, "Alice"))
    ack = alice.call("phase.set", {"phase": "closed"})
    assert ack == {"ok": False, "error": {"code": "forbidden", "message": ack["error"]["message"]}}
    assert alice.call("sync", {"since": 0})["snapshot"]["workshop"]["phase"] == "setup"
    assert alice.call("timer.start", {"seconds": 30})["error"]["code"] == "forbidden"
    assert alice.call("hand.next")["error"]["code"] == "forbidden"
    alice.close()
    fac.close()


def test_a_hidden_brainstorm_idea_never_reaches_another_participant(live_server):
    workshop, fac = _fac(live_server)  # private_brainstorm is on by default
    code, column = workshop["code"], workshop["columns"][0]["id"]
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    alice_token, bruno_token = live_server.join(code, "Alice"), live_server.join(code, "Bruno")
    alice, bruno = live_server.client(code, alice_token), live_server.client(code, bruno_token)
    secret = "SECRET-ALICE-42"
    idea = alice.call("idea.create", {"column_id": column, "text": secret})["idea"]
    assert alice.call("idea.update", {"idea_id": idea["id"], "text": secret + " bis"})["ok"]
    assert fac.wait_for(lambda e: e["type"] == "idea.updated")["data"]["text"] == secret + " bis"
    seq = bruno.wait_for(lambda e: e["seq"] == idea_seq(alice, "idea.updated"))["seq"]
    assert alice.wait_for(lambda e: e["type"] == "idea.created")["data"]["mine"] is True

    api = f"{live_server.url}/api/v1/workshops/{code}"
    headers = live_server.auth(bruno_token)
    seen_by_bruno = {
        "events": bruno.events,
        "sync-0": bruno.call("sync", {"since": 0}),
        "sync-1": bruno.call("sync", {"since": 1}),
        "rest-snapshot": requests.get(api, headers=headers, timeout=10).json(),
        "rest-events": requests.get(api + "/events?since=0", headers=headers, timeout=10).json(),
        "rest-export": requests.get(api + "/export?format=json", headers=headers, timeout=10).text,
    }
    for path, body in seen_by_bruno.items():
        assert secret not in json.dumps(body, ensure_ascii=False), path
    placeholders = [e for e in bruno.events if e["seq"] <= seq and e["type"] == "hidden"]
    assert [e["data"] for e in placeholders] == [{}, {}]
    assert [e["seq"] for e in seen_by_bruno["rest-events"]["events"]][-2:] == [seq - 1, seq]

    assert fac.call("phase.set", {"phase": "cluster"})["ok"]
    changed = bruno.wait_for(lambda e: e["type"] == "phase.changed" and e["data"]["phase"] == "cluster")
    assert changed["data"]["resync"] is True
    assert [i["text"] for i in bruno.call("sync", {"since": 0})["snapshot"]["ideas"]] == [secret + " bis"]
    for c in (alice, bruno, fac):
        c.close()


def idea_seq(client, kind):
    return next(e["seq"] for e in client.events if e["type"] == kind)


def test_connection_refusals_carry_a_message(live_server):
    workshop = live_server.create_workshop()
    code = workshop["code"]
    cases = [
        ({"token": "faux-jeton", "workshop": code}, "Jeton inconnu"),
        ({"token": live_server.join(code, "Alice"), "workshop": "ZZZZZZZZ"}, "ne donne pas accès"),
        ({"workshop": code}, "Rejoignez l'atelier"),
        ({"token": live_server.join(code, "Bruno")}, "code de l'atelier"),
    ]
    for auth, message in cases:
        sio, refusal = _connect(live_server.url, auth)
        assert not sio.connected and refusal and message in refusal, (auth, refusal)


def test_a_foreign_origin_is_refused_and_the_same_origin_accepted(live_server):
    workshop = live_server.create_workshop()
    auth = {"token": live_server.join(workshop["code"], "Alice"), "workshop": workshop["code"]}
    sio, refusal = _connect(live_server.url, auth, origin="http://evil.example")
    assert not sio.connected and refusal
    r = requests.get(
        f"{live_server.url}/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://evil.example"}, timeout=5
    )
    assert r.status_code == 400 and "Not an accepted origin" in r.text
    ok, refusal = _connect(live_server.url, auth, origin=live_server.url)
    assert ok.connected and refusal is None
    ok.disconnect()


def test_presence_counts_room_and_remote(live_server):
    workshop = live_server.create_workshop()
    code = workshop["code"]
    alice = live_server.client(code, live_server.join(code, "Alice", "room"))
    assert alice.presence[0]["counts"]["room"] == 1
    bruno = live_server.client(code, live_server.join(code, "Bruno", "remote"))

    deadline_ok = _wait(lambda: any(p["counts"] == {"room": 1, "remote": 1, "tables": 0} for p in alice.presence))
    assert deadline_ok, alice.presence
    last = alice.presence[-1]
    assert last["total"] == 2 and sorted(p["name"] for p in last["online"]) == ["Alice", "Bruno"]
    bruno.close()
    assert _wait(lambda: alice.presence[-1]["counts"]["remote"] == 0)
    alice.close()


def _wait(predicate, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False

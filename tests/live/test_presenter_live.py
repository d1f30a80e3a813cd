"""The presenter link on a real server, with a real python-socketio client (issue 15): it receives the
public view live, may catch up with `sync`, is refused every other command, and a new link closes it and
keeps it out."""

import time

import pytest
import requests
import socketio

from tests.server import Client

pytestmark = pytest.mark.timeout(120)

COMMANDS = [
    ("phase.set", {"phase": "vote"}),
    ("idea.create", {"column_id": 1, "text": "Depuis le projecteur"}),
    ("idea.group", {"idea_id": 1, "group_label": "G"}),
    ("vote.cast", {"idea_id": 1}),
    ("timer.start", {"seconds": 60}),
    ("timer.stop", {}),
    ("hand.raise", {}),
    ("hand.next", {}),
    ("present.focus", {"idea_id": 1}),
    ("minutes.sync", {}),
    ("minutes.update", {"update": "AAA="}),
    ("idea.promote", {"idea_id": 1, "roadmap_id": 1, "axis_id": 1}),
    ("table.create", {"name": "Table", "size": 4}),
]


def _presenter(live_server, code: str, token: str) -> Client:
    c = Client()
    c.sio.connect(
        live_server.url, auth={"workshop": code, "presenter": token}, transports=["websocket"], wait_timeout=10
    )
    return c


def _link(live_server, code: str) -> str:
    r = requests.post(
        f"{live_server.url}/api/v1/workshops/{code}/presenter-link",
        headers=live_server.auth(live_server.token()),
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return r.json()["url"].rsplit("/", 1)[1]


def test_a_presenter_socket_reads_live_and_is_refused_every_command(live_server):
    workshop = live_server.create_workshop()  # private brainstorm
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = live_server.client(code, live_server.token())
    alice = live_server.client(code, live_server.join(code, "Alice"))
    viewer = _presenter(live_server, code, _link(live_server, code))
    try:
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
        viewer.wait_for(lambda e: e["type"] == "phase.changed")
        assert alice.call("idea.create", {"column_id": column, "text": "Brouillon privé"})["ok"]
        # What a participant who posted nothing sees: the seq goes on, the idea stays hidden.
        seen = viewer.wait_for(lambda e: e["seq"] == fac.wait_for(lambda f: f["type"] == "idea.created")["seq"])
        assert seen["type"] == "hidden" and seen["data"] == {}
        ack = viewer.call("sync", {"since": 0})
        assert ack["ok"] and ack["snapshot"]["ideas"] == [] and ack["snapshot"]["me"]["role"] != "facilitator"
        assert viewer.call("sync", {"since": 1})["ok"]
        for name, payload in COMMANDS:
            ack = viewer.call(name, {**payload, "client_id": f"p-{name}"})
            assert ack["ok"] is False and ack["error"]["code"] == "forbidden", (name, ack)
        snapshot = requests.get(
            f"{live_server.url}/api/v1/workshops/{code}", headers=live_server.auth(live_server.token()), timeout=10
        ).json()
        assert snapshot["workshop"]["phase"] == "brainstorm" and len(snapshot["ideas"]) == 1
        # The presenter is nobody in the room: not counted online.
        assert all(p["role"] != "presenter" for p in viewer.presence[-1]["online"])
    finally:
        for c in (viewer, alice, fac):
            c.close()


def test_a_new_link_closes_the_old_presenter_socket_and_keeps_it_out(live_server):
    code = live_server.create_workshop()["code"]
    old = _link(live_server, code)
    viewer = _presenter(live_server, code, old)
    assert viewer.sio.connected
    new = _link(live_server, code)
    deadline = time.monotonic() + 5
    while viewer.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not viewer.sio.connected
    with pytest.raises(socketio.exceptions.ConnectionError):
        _presenter(live_server, code, old)
    assert requests.get(f"{live_server.url}/w/{code}/present/{old}", timeout=10).status_code == 401
    fresh = _presenter(live_server, code, new)
    assert fresh.call("sync", {"since": 0})["ok"]
    fresh.close()

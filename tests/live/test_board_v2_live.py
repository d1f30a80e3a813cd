"""Board v2 on the real server (issue 14), at room size (40 people joined through the API, 120 ideas):
undo restores the board for every connected client; a removed participant loses socket and token at once."""

import time

import requests
import socketio

from realtime.board import REMOVED


def _wait_disconnected(client, timeout=5.0) -> float:
    start = time.monotonic()
    while client.sio.connected and time.monotonic() - start < timeout:
        time.sleep(0.01)
    return time.monotonic() - start


def test_undo_restores_the_board_for_every_client(live_server, room_workshop):
    room = room_workshop(phase="cluster")
    fac, code = room.facilitator, room.code
    alice = live_server.client(code, room.participants[0]["token"])
    bruno = live_server.client(code, room.participants[1]["token"])
    try:
        assert len(alice.call("sync", {"since": 0})["snapshot"]["ideas"]) == 120
        target, other = room.ideas[0], room.ideas[1]
        column = room.workshop["columns"][2]["id"]
        assert fac.call("idea.move", {"idea_id": target["id"], "column_id": column, "position": 0.5})["ok"]
        assert fac.call("idea.group", {"idea_id": other["id"], "group_label": "Mobilité"})["ok"]
        assert fac.call("idea.delete", {"idea_id": target["id"]})["ok"]
        for c in (alice, bruno):
            c.wait_for(lambda e: e["type"] == "idea.deleted" and e["data"]["id"] == target["id"])

        undone = fac.call("board.undo")
        assert undone["ok"] and undone["undone"]["action"] == "idea.delete"
        for c in (alice, bruno):
            back = c.wait_for(lambda e: e["type"] == "idea.created" and e["data"].get("restored"))
            assert back["data"]["id"] == target["id"] and back["data"]["text"] == target["text"]
            assert back["data"]["column_id"] == column and back["data"]["undo"] is True
        assert fac.call("board.undo")["undone"]["action"] == "idea.group"
        assert fac.call("board.undo")["undone"]["action"] == "idea.move"
        for c in (alice, bruno):
            c.wait_for(
                lambda e: e["type"] == "idea.moved" and e["data"].get("undo") and e["data"]["id"] == target["id"]
            )
            c.wait_for(lambda e: e["type"] == "group.deleted")
            snap = c.call("sync", {"since": 0})["snapshot"]
            restored = {i["id"]: i for i in snap["ideas"]}
            assert len(restored) == 120 and snap["groups"] == []
            assert restored[target["id"]]["column_id"] == target["column_id"]
            assert restored[other["id"]]["group_id"] is None
            # Every client's log rose by exactly 1 per event: the undo is new events, no rewrite.
            seqs = [e["seq"] for e in c.events]
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        assert fac.call("board.undo")["error"]["code"] == "conflict"
    finally:
        alice.close()
        bruno.close()


def test_removing_a_participant_refuses_socket_and_token_at_once(live_server, room_workshop):
    room = room_workshop(phase="cluster")
    code, target = room.code, room.participants[5]
    headers = live_server.auth(live_server.token())
    victim = live_server.client(code, target["token"])
    second = live_server.client(code, target["token"])  # another tab
    told = []
    for tab in (victim, second):
        tab.sio.on("removed", told.append)
    witness = live_server.client(code, room.participants[6]["token"])
    base = f"{live_server.url}/api/v1/workshops/{code}"
    try:
        panel = requests.get(base + "/participants", headers=headers, timeout=10).json()["participants"]
        assert len(panel) == 40
        assert {p["id"]: p["online"] for p in panel}[target["id"]] is True
        r = requests.delete(f"{base}/participants/{target['id']}", headers=headers, timeout=10)
        assert r.status_code == 200 and r.json() == {"participant_id": target["id"], "removed": True}
        assert _wait_disconnected(victim) < 2 and _wait_disconnected(second) < 2
        assert [m["message"] for m in told] == [REMOVED, REMOVED]  # both tabs were told why
        assert witness.sio.connected
        refused = requests.get(base, headers=live_server.auth(target["token"]), timeout=10)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
        again = socketio.Client(reconnection=False)
        try:
            again.connect(live_server.url, auth={"token": target["token"], "workshop": code}, transports=["websocket"])
            raise AssertionError("a removed participant reconnected")
        except socketio.exceptions.ConnectionError:
            pass
        snap = witness.call("sync", {"since": 0})["snapshot"]
        assert sum(1 for i in snap["ideas"] if (i["author"] or {}).get("id") == target["id"]) == 3  # ideas stay
        panel = requests.get(base + "/participants", headers=headers, timeout=10).json()["participants"]
        assert target["id"] not in {p["id"] for p in panel} and len(panel) == 39
    finally:
        for c in (victim, second, witness):
            if c.sio.connected:
                c.close()

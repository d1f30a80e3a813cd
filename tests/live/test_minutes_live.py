"""Shared minutes through a real server: pycrdt clients sending base64 Yjs updates over Socket.IO."""

import base64
import random
import sqlite3
import threading
import time

import pytest
import requests
from pycrdt import Doc, Text, get_state

from tests.server import LiveServer


class LiveEditor:
    """A browser-like replica: a pycrdt doc, a socket, relayed updates applied as they come."""

    def __init__(self, server, code: str, token: str):
        self.server, self.code, self.token = server, code, token
        self.lock = threading.Lock()
        self.doc = Doc(allow_multithreading=True)  # relayed updates arrive on the socket's thread
        self.doc["minutes"] = self.text = Text()
        self.server_state = b""
        self.connect()

    def connect(self) -> None:
        self.client = self.server.client(self.code, self.token)
        self.client.sio.on("minutes.update", self._relayed)
        ack = self.client.call("minutes.sync")
        assert ack["ok"], ack
        self.server_state = base64.b64decode(ack["state"])
        with self.lock:
            self.doc.apply_update(self.server_state)

    def _relayed(self, data) -> None:
        with self.lock:
            self.doc.apply_update(base64.b64decode(data["update"]))

    def local(self, fn) -> bytes:
        with self.lock:
            before = self.doc.get_state()
            fn(self.text)
            return self.doc.get_update(before)

    def send(self, update: bytes) -> dict:
        return self.client.call("minutes.update", {"update": base64.b64encode(update).decode()})

    def type_at_random(self, word: str) -> dict:
        def insert(t):
            t.insert(random.choice(_boundaries(str(t))), word)

        return self.send(self.local(insert))

    def catch_up(self) -> dict:
        """After a reconnect: send everything the server lacks, as one diff against its state vector."""
        with self.lock:
            diff = self.doc.get_update(get_state(self.server_state))
        return self.send(diff)

    def value(self) -> str:
        with self.lock:
            return str(self.text)

    def close(self) -> None:
        self.client.close()


def _boundaries(s: str) -> list[int]:
    """UTF-8 byte offsets (pycrdt indexes text in bytes) between characters, outside any «token»."""
    offsets, pos, depth = [0], 0, 0
    for ch in s:
        pos += len(ch.encode())
        depth += {"«": 1, "»": -1}.get(ch, 0)
        if depth == 0:
            offsets.append(pos)
    return offsets


def server_text(server, code: str, token: str) -> str:
    r = requests.get(f"{server.url}/api/v1/workshops/{code}/minutes", headers=server.auth(token), timeout=10)
    r.raise_for_status()
    return r.json()["markdown"]


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_concurrent_editors_converge(live_server):
    code = live_server.create_workshop()["code"]
    tokens = [live_server.join(code, name) for name in ("Alice", "Bruno", "Chloé")]
    editors = [LiveEditor(live_server, code, t) for t in tokens]
    acks: list[dict] = []

    def typist(editor: LiveEditor, tag: str) -> None:
        for i in range(15):
            acks.append(editor.type_at_random(f" «{tag}{i}» "))

    threads = [threading.Thread(target=typist, args=(e, tag)) for e, tag in zip(editors, "ABC", strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a == {"ok": True} for a in acks), [a for a in acks if not a.get("ok")]
    expected = server_text(live_server, code, tokens[0])
    for editor in editors:
        wait_until(lambda e=editor: e.value() == expected)
    for tag in "ABC":
        for i in range(15):
            assert expected.count(f"«{tag}{i}»") == 1
    for editor in editors:
        editor.close()


def test_offline_edits_merge_after_reconnect(live_server):
    code = live_server.create_workshop()["code"]
    ta, tb = live_server.join(code, "Alice"), live_server.join(code, "Bruno", "remote")
    a, b = LiveEditor(live_server, code, ta), LiveEditor(live_server, code, tb)
    a.client.close()
    a.local(lambda t: t.insert(0, "Hors ligne 1. "))
    a.local(lambda t: t.insert(len(t), "\nHors ligne 2."))
    assert b.send(b.local(lambda t: t.insert(len(t), "\nEn ligne."))) == {"ok": True}
    a.connect()
    assert a.catch_up() == {"ok": True}
    expected = server_text(live_server, code, tb)
    assert "Hors ligne 1." in expected and "Hors ligne 2." in expected and "En ligne." in expected
    wait_until(lambda: a.value() == b.value() == expected)
    a.close()
    b.close()


def test_relay_skips_the_sender_and_garbage_is_refused(live_server):
    code = live_server.create_workshop()["code"]
    ta, tb = live_server.join(code, "Alice"), live_server.join(code, "Bruno")
    a, b = LiveEditor(live_server, code, ta), LiveEditor(live_server, code, tb)
    got_a: list = []
    a.client.sio.on("minutes.update", got_a.append)
    assert a.send(a.local(lambda t: t.insert(0, "Salut "))) == {"ok": True}
    wait_until(lambda: b.value().startswith("Salut "))
    bad = a.client.call("minutes.update", {"update": "pas-du-base64"})
    assert bad["ok"] is False and bad["error"]["code"] == "invalid"
    assert got_a == []
    a.close()
    b.close()


@pytest.fixture
def own_server(tmp_path):
    """A private server (rate limits off) that this module may stop and restart."""
    server = LiveServer(tmp_path, env={"FABRIQUE_RATE_LIMITS": "off"})
    server.start()
    yield server
    server.stop()


def test_restart_loses_nothing_acknowledged(own_server):
    code = own_server.create_workshop()["code"]
    token = own_server.join(code)
    editor = LiveEditor(own_server, code, token)
    for i in range(40):
        assert editor.type_at_random(f" «{i}» ") == {"ok": True}
    expected = editor.value()
    editor.close()
    own_server.kill()  # no graceful shutdown: acknowledged means committed
    own_server.start(migrate=False)
    again = LiveEditor(own_server, code, token)
    assert again.value() == expected
    assert all(f"«{i}»" in expected for i in range(40))
    again.close()


def test_compaction_through_the_server_keeps_the_text(own_server):
    code = own_server.create_workshop()["code"]
    ta, tb = own_server.join(code, "Alice"), own_server.join(code, "Bruno")
    old = LiveEditor(own_server, code, ta)  # holds the whole history from the start
    for i in range(130):  # past the compaction threshold (100 rows)
        assert old.send(old.local(lambda t, i=i: t.insert(len(t), f" {i}"))) == {"ok": True}
    expected = old.value()
    with sqlite3.connect(own_server.workdir / "live.db") as db:
        kinds = db.execute("SELECT compacted, count(*) FROM minutes_updates GROUP BY compacted").fetchall()
    assert dict(kinds).get(1) == 1 and sum(n for _, n in kinds) < 100, kinds  # folded, not 131 rows
    fresh = LiveEditor(own_server, code, tb)  # gets the compacted state
    assert fresh.value() == expected == server_text(own_server, code, tb)
    old.client.close()
    old.connect()  # merges the compacted state into the old history
    assert old.value() == expected
    assert old.send(old.local(lambda t: t.insert(0, "Fin. "))) == {"ok": True}
    wait_until(lambda: fresh.value() == "Fin. " + expected)
    old.close()
    fresh.close()


def test_results_are_relayed_to_everyone_and_closing_freezes_the_minutes(live_server):
    code = live_server.create_workshop()["code"]
    fac = LiveEditor(live_server, code, live_server.token())
    alice = LiveEditor(live_server, code, live_server.join(code, "Alice"))
    assert alice.client.call("minutes.results")["error"]["code"] == "forbidden"
    assert fac.client.call("minutes.results", {"client_id": "res-1"}) == {"ok": True}
    expected = server_text(live_server, code, alice.token)
    assert "## Résultats du vote" in expected
    wait_until(lambda: fac.value() == alice.value() == expected)
    assert fac.client.call("phase.set", {"phase": "closed"})["ok"]
    refused = alice.send(alice.local(lambda t: t.insert(0, "Trop tard. ")))
    assert refused["ok"] is False and refused["error"]["code"] == "phase"
    synced = alice.client.call("minutes.sync")
    assert synced["ok"] and synced["editable"] is False
    # Closing counted who came (the template was written before Alice joined), and told every editor.
    closed = expected.replace("0 en salle, 0 à distance", "1 en salle, 0 à distance")
    assert closed != expected and server_text(live_server, code, alice.token) == closed
    wait_until(lambda: fac.value() == closed and alice.value() == "Trop tard. " + closed)  # hers was refused
    fac.close()
    alice.close()

"""Limits that hold however many sockets one person opens: the rate shared by a participant's sockets,
the connection caps per participant and per address, and presence after a disconnect."""

import gc
import time
from collections import Counter

import pytest

from app.services.workshop import presence
from models import db
from realtime import connection
from realtime import presence as live_presence
from realtime.state import PARTICIPANT_BUCKETS, SocketState, _rate_ok

pytestmark = pytest.mark.live_publishing


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch):
    """The caps count this process's open sockets: a socket another test left open is not this test's."""
    monkeypatch.setattr(connection, "_open", Counter())


def _sync(c) -> dict:
    return c.emit("sync", {"since": 0}, callback=True)


def test_one_bucket_for_all_sockets_of_a_participant(app, workshop, join, connect):
    app.config.update(SOCKET_RATE=(100, 60.0), PARTICIPANT_RATE=(3, 60.0))
    code = workshop.code
    _, alice = join(workshop, "Alice", with_token=True)
    _, bruno = join(workshop, "Bruno", with_token=True)
    tab, phone, other = connect(code, alice), connect(code, alice), connect(code, bruno)
    assert [_sync(c)["ok"] for c in (tab, phone, tab)] == [True, True, True]
    refused = _sync(phone)
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited"
    assert _sync(other)["ok"]  # someone else's budget is untouched
    app.config["RATE_LIMITS"] = False
    assert _sync(phone)["ok"]


def test_a_refused_command_takes_nothing_from_either_bucket(app):
    app.config.update(SOCKET_RATE=(2, 60.0), PARTICIPANT_RATE=(3, 60.0))
    first, second = SocketState(1, "CODE", None, 7, "participant"), SocketState(1, "CODE", None, 7, "participant")
    assert first.shared is second.shared is PARTICIPANT_BUCKETS[7]
    assert [_rate_ok(first), _rate_ok(first), _rate_ok(first)] == [True, True, False]  # the socket's 2
    assert [_rate_ok(second), _rate_ok(second)] == [True, False]  # the participant's 3rd, then none
    assert first.bucket.tokens == pytest.approx(0, abs=0.01) and second.bucket.tokens == pytest.approx(1, abs=0.01)


def test_the_shared_bucket_goes_with_the_last_socket(app):
    states = [SocketState(1, "CODE", None, 8, "participant") for _ in range(2)]
    facilitator = SocketState(1, "CODE", 3, None, "facilitator")
    assert facilitator.shared is None  # facilitators keep the per-socket limit only
    del states
    gc.collect()
    assert 8 not in PARTICIPANT_BUCKETS


def test_connections_capped_per_participant(app, workshop, join, auth, connect):
    app.config["SOCKETS_PER_PARTICIPANT"] = 2
    code, fac_token = workshop.code, auth.token()
    _, alice = join(workshop, "Alice", with_token=True)
    _, bruno = join(workshop, "Bruno", with_token=True)
    first, second, third = (connect(code, alice) for _ in range(3))
    assert first.is_connected() and second.is_connected() and not third.is_connected()
    assert connect(code, bruno).is_connected()  # a cap per person, not per room
    assert all(connect(code, fac_token).is_connected() for _ in range(3))  # facilitators: board, projector…
    first.disconnect()
    assert connect(code, alice).is_connected()  # a closed tab frees its place
    app.config["RATE_LIMITS"] = False
    assert connect(code, alice).is_connected()


def test_connections_capped_per_address(app, workshop, join, connect):
    app.config["SOCKETS_PER_ADDRESS"] = 3
    code = workshop.code
    tokens = [join(workshop, f"P{i}", with_token=True)[1] for i in range(4)]
    sockets = [connect(code, t) for t in tokens]
    assert [s.is_connected() for s in sockets] == [True, True, True, False]
    assert not connect(code, "jeton-inconnu").is_connected()
    sockets[0].disconnect()
    assert connect(code, tokens[3]).is_connected()  # refused connections held no place


def test_a_disconnect_leaves_presence(app, workshop, join, connect):
    workshop_id = workshop.id
    _, alice = join(workshop, "Alice", with_token=True)
    c = connect(workshop.code, alice)
    assert presence.online(workshop_id)["total"] == 1
    db.session.rollback()  # this read's transaction holds SQLite's write lock (BEGIN IMMEDIATE)
    c.disconnect()
    deadline = time.monotonic() + 5
    while live_presence.busy() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert presence.online(workshop_id)["total"] == 0

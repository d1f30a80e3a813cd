"""A slow HTTP body costs its own request only (issue 20), on SQLite and PostgreSQL.

One raw-socket client sends the headers of `POST /api/v1/workshops/CODE/ideas` (a valid
participant token, a Content-Length) and the first bytes of its body, then holds the rest for
12 s, as a bad network or a hostile client would. Meanwhile another participant's `idea.create`
is acknowledged and a REST `GET` answers within a second, and on PostgreSQL no transaction sits
idle waiting for that body. Then the held request completes normally.

Before the fix, the held request resolved its actor first: on SQLite it took the write lock
(BEGIN IMMEDIATE) and kept it while waiting for the body, and the next writer slept in SQLite's
busy handler, a blocking C sleep that froze the whole gevent hub for 30 s.
"""

import json
import socket
import sqlite3
import threading
import time

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.cluster import close_all, server_on, timed

pytestmark = pytest.mark.timeout(120)
HOLD = 12.0  # seconds the slow client holds the rest of its body
PROMPT = 1.0  # the most another participant may wait meanwhile
GIVE_UP = 5.0  # a call slower than this is recorded as this


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    """(live server, scratch PostgreSQL database or None)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("live_server"), None
        return
    with server_on("postgresql", tmp_path_factory.mktemp("slow-body-pg")) as (live, database):
        yield live, database


def _timed(fn):
    return timed(fn, GIVE_UP)


def _idle_transactions(engine) -> int:
    """Connections of the scratch database idle inside a transaction for more than half a second."""
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%' "
                "AND now() - state_change > interval '500 milliseconds'"
            )
        ).scalar()


def test_a_held_request_body_costs_its_own_request_only(server):
    live, database = server
    workshop = live.create_workshop(settings={"private_brainstorm": False})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = live.client(code, live.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    slow_token, bruno_token = live.join(code, "Lente"), live.join(code, "Bruno")
    bruno = live.client(code, bruno_token)
    engine = create_engine(database.url) if database else None

    body = json.dumps({"column_id": column, "text": "Idée au corps retenu", "client_id": "slow-1"}).encode()
    head = (
        f"POST /api/v1/workshops/{code}/ideas HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
        f"Authorization: Bearer {slow_token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    held = socket.create_connection(("127.0.0.1", live.port), timeout=HOLD + 30)
    try:
        held.sendall(head + body[:10])  # a body in two writes, the second one late
        time.sleep(0.3)  # the server has read the headers and run what comes before the body
        latencies: dict[str, list[float]] = {"idea.create": [], "GET": []}
        idle: list[int] = []
        deadline, n = time.monotonic() + HOLD, 0
        while time.monotonic() < deadline - 1.5:
            n += 1
            seconds, ack = _timed(
                lambda n=n: bruno.sio.call(
                    "idea.create",
                    {"column_id": column, "text": f"Bruno {n}", "client_id": f"bruno-{n}"},
                    timeout=GIVE_UP,
                )
            )
            latencies["idea.create"].append(seconds)
            assert seconds == GIVE_UP or ack["ok"], ack
            seconds, response = _timed(
                lambda: requests.get(
                    f"{live.url}/api/v1/workshops/{code}", headers=live.auth(bruno_token), timeout=GIVE_UP
                )
            )
            latencies["GET"].append(seconds)
            assert seconds == GIVE_UP or response.status_code == 200, response
            if engine is not None:
                idle.append(_idle_transactions(engine))
            time.sleep(1.0)
        time.sleep(max(0.0, deadline - time.monotonic()))
        worst = {name: round(max(values), 3) for name, values in latencies.items()}
        print(f"\nworst latencies while a body was held {HOLD:.0f} s ({n} rounds): {worst}")
        assert all(value < PROMPT for value in worst.values()), f"worst latencies while a body is held: {worst}"
        assert not any(idle), f"a transaction waited on the held body: {idle}"

        held.sendall(body[10:])  # the slow client's own request then completes normally
        answer = b""
        while chunk := held.recv(65536):
            answer += chunk
    finally:
        held.close()
        if engine is not None:
            engine.dispose()
    assert answer.startswith(b"HTTP/1.1 201"), answer[:300]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["text"] == "Idée au corps retenu"
    texts = {
        i["text"]
        for i in requests.get(f"{live.url}/api/v1/workshops/{code}", headers=live.auth(bruno_token), timeout=10).json()[
            "ideas"
        ]
    }
    assert {"Idée au corps retenu", *(f"Bruno {i}" for i in range(1, n + 1))} <= texts
    close_all([bruno, fac])


def test_a_wait_for_the_sqlite_lock_does_not_freeze_the_server(live_server):
    """Another process holds SQLite's write lock for 2 s: a command that needs it waits, and
    meanwhile the server still answers what needs no database (a static file) at once. SQLite's
    own busy handler slept in C and froze every greenlet until the lock came free."""
    workshop = live_server.create_workshop(settings={"private_brainstorm": False})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    bruno = live_server.client(code, live_server.join(code, "Bruno"))
    acks: list[tuple[float, dict]] = []
    other = sqlite3.connect(live_server.workdir / "live.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        waiter = threading.Thread(
            target=lambda: acks.append(
                _timed(lambda: bruno.call("idea.create", {"column_id": column, "text": "Après"}))
            )
        )
        waiter.start()
        time.sleep(0.3)  # the command is now waiting for the lock
        seconds, response = _timed(lambda: requests.get(f"{live_server.url}/static/favicon.svg", timeout=GIVE_UP))
        time.sleep(max(0.0, 2.0 - 0.3 - seconds))
        other.execute("COMMIT")
    finally:
        other.close()
    waiter.join(GIVE_UP + 5)
    print(f"\nstatic file while a command waited for the lock: {seconds:.3f} s; the command: {acks[0][0]:.3f} s")
    assert seconds < 0.5 and response.status_code == 200, (seconds, response)
    assert 1.5 < acks[0][0] < 3.0 and acks[0][1]["ok"], acks  # it waited for the lock, then went through
    close_all([bruno, fac])

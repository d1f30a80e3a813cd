"""Sockets against a real server process: vanished clients, and one participant with many sockets.

Each backend gets its own server with short pings (every 2 s, 2 s to answer), so a client that stops
answering is gone within seconds rather than the production 40.
"""

import statistics
import threading
import time

import pytest
import requests

from tests.cluster import server_on
from tests.conftest import backends
from tests.live.rawsocket import RawSocket
from tests.live.voting import close_all
from tests.server import Client, LiveServer

pytestmark = pytest.mark.timeout(120)
PING_INTERVAL, PING_TIMEOUT = 2, 2


@pytest.fixture(scope="module", params=backends())
def server(request, tmp_path_factory):
    env = {"FABRIQUE_PING_INTERVAL": str(PING_INTERVAL), "FABRIQUE_PING_TIMEOUT": str(PING_TIMEOUT)}
    with server_on(request.param, tmp_path_factory.mktemp(f"sockets-{request.param}"), env) as (live, _db):
        yield live


def _log(server: LiveServer) -> str:
    return (server.workdir / f"server-{server.port}.log").read_text(errors="replace")


def _problems(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Traceback" in line or "error" in line.lower()]


def _total(client: Client) -> int | None:
    return client.presence[-1].get("total") if client.presence else None


def _wait(predicate, timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_silent_clients_leave_presence_within_the_ping_timeout(server):
    """40 phones complete the handshake, then neither answer a ping nor close their connection, while
    the facilitator keeps posting: each send to them may be what notices the missed ping, in the
    posting greenlet, right after its commit. All 40 leave presence, and the log stays clean."""
    log_before = _log(server)
    workshop = server.create_workshop(settings={"private_brainstorm": False})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = server.client(code, server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    tokens = [server.join(code, f"Téléphone {i}") for i in range(40)]
    phones = [RawSocket(server.url, {"token": token, "workshop": code}) for token in tokens]
    assert not [p.refusal for p in phones if p.refusal]
    _wait(lambda: _total(fac) == 41, 10, "41 people online")

    stop, acks = threading.Event(), []

    def post():  # 3 a second, under the facilitator's socket rate limit
        while not stop.is_set():
            acks.append(fac.call("idea.create", {"column_id": column, "text": f"Idée {len(acks)}"}))
            time.sleep(0.3)

    poster = threading.Thread(target=post)
    poster.start()
    try:
        gone = _wait(lambda: _total(fac) == 1, PING_INTERVAL + PING_TIMEOUT + 8, "the silent phones to leave")
    finally:
        stop.set()
        poster.join(10)
        for phone in phones:
            phone.close()
        fac.close()
    print(
        f"\n40 silent phones left presence {gone:.1f} s after the posts began (ping {PING_INTERVAL}+{PING_TIMEOUT} s)"
    )
    assert acks and all(a["ok"] for a in acks), acks
    assert _problems(_log(server)[len(log_before) :]) == []


def _timed_acks(client: Client, name: str, payloads: list[dict], pause: float) -> list[float]:
    """Ack times of a calm participant's commands, in milliseconds."""
    times = []
    for payload in payloads:
        start = time.perf_counter()
        assert client.call(name, payload)["ok"]
        times.append((time.perf_counter() - start) * 1000)
        time.sleep(pause)
    return times


def _storm(sockets: list[RawSocket], seconds: float) -> list[dict]:
    """Each socket toggles its participant's hand as fast as its acks come back."""
    acks: list[dict] = []

    def toggle(socket: RawSocket) -> None:
        deadline, raised = time.monotonic() + seconds, False
        while time.monotonic() < deadline:
            acks.append(socket.call("hand.lower" if raised else "hand.raise"))
            raised = not raised

    threads = [threading.Thread(target=toggle, args=(s,)) for s in sockets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return acks


def test_one_participant_with_fifty_sockets_and_a_hand_storm(server):
    """One token opens 50 sockets: 5 are accepted, the others refused with a clear message. Their
    hand.raise / hand.lower storm is bounded by the participant's shared budget, whatever the number
    of sockets, and a calm participant's acks stay fast."""
    log_before = _log(server)
    workshop = server.create_workshop()
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = server.client(code, server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    room = [server.client(code, server.join(code, f"Voisin {i}")) for i in range(10)]
    calm = server.client(code, server.join(code, "Calme"))
    ideas = [{"column_id": column, "text": f"Idée calme {i}"} for i in range(20)]
    before = _timed_acks(calm, "idea.create", ideas[:10], 0.2)
    since = fac.call("sync", {"since": 0})["seq"]

    token = server.join(code, "Tempête")
    sockets = [RawSocket(server.url, {"token": token, "workshop": code}) for _ in range(50)]
    accepted = [s for s in sockets if s.refusal is None]
    refusals = {s.refusal for s in sockets if s.refusal is not None}
    for s in sockets:
        if s.refusal is not None:
            s.close()
    storm_seconds = 4.0
    started = time.monotonic()
    during: list[float] = []
    calm_thread = threading.Thread(target=lambda: during.extend(_timed_acks(calm, "idea.create", ideas[10:], 0.2)))
    calm_thread.start()
    acks = _storm(accepted, storm_seconds)
    calm_thread.join(30)
    elapsed = time.monotonic() - started
    log = requests.get(
        f"{server.url}/api/v1/workshops/{code}/events?since={since}", headers=server.auth(server.token()), timeout=10
    ).json()["events"]
    hands = [e for e in log if e["type"] == "hands.changed"]
    limited = sum(1 for a in acks if not a["ok"] and a["error"]["code"] == "rate_limited")
    print(
        f"\n50 sockets with one token: {len(accepted)} accepted, {50 - len(accepted)} refused {sorted(refusals)}"
        f"\nstorm {elapsed:.1f} s: {len(acks)} commands, {limited} rate_limited, {len(hands)} hands.changed logged"
        f" ({len(hands) / elapsed:.0f}/s to a room of {len(room) + 3})"
        f"\ncalm participant's idea.create ack: before median {statistics.median(before):.0f} ms"
        f" max {max(before):.0f} ms; during median {statistics.median(during):.0f} ms max {max(during):.0f} ms"
    )
    for s in accepted:
        s.close()
    close_all([fac, calm, *room])

    assert len(accepted) == 5
    assert refusals == {
        "Vous avez déjà 5 connexions ouvertes à cet atelier (onglets ou appareils) : "
        "fermez-en une pour en ouvrir une autre."
    }
    burst, period = 30, 5.0  # PARTICIPANT_RATE's defaults
    assert len(hands) <= burst + elapsed * burst / period + 1
    assert len(during) == 10 and statistics.median(during) < max(150, 3 * statistics.median(before))
    assert _problems(_log(server)[len(log_before) :]) == []

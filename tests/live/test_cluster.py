"""Scale-out: two real processes on PostgreSQL sharing a private Redis.

Covers the scale-out guarantees: rooms, broadcasts and presence shared across
processes; gapless seq with concurrent writers on both; a killed process's
clients fail over and resync, its presence expires; a Redis restart loses no
event for good (clients recover gaps through `sync`); the nginx template
keeps Socket.IO sessions sticky and upgrades to WebSocket.
"""

import threading

import pytest
import requests

from tests.cluster import (
    Nginx,
    RedisServer,
    ScratchDatabase,
    close_all,
    get_json,
    idea_events,
    missing,
    online_names,
    wait_until,
)
from tests.server import Client, LiveServer

pytestmark = pytest.mark.timeout(180)
HEARTBEAT, STALE = 0.5, 3.0


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
        server.start()
    except (OSError, RuntimeError) as exc:
        missing("redis-server", exc)
    yield server
    server.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis_server):
    try:
        database = ScratchDatabase()
    except Exception as exc:  # noqa: BLE001 — any driver error means "no PostgreSQL here"
        missing("PostgreSQL", exc)
    env = {
        "DATABASE_URL": database.url,
        "SOCKETIO_MESSAGE_QUEUE": redis_server.url,
        "SECRET_KEY": "cluster-test-secret",
        "FABRIQUE_RATE_LIMITS": "off",
        "FABRIQUE_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "FABRIQUE_STALE_SECONDS": str(STALE),
    }
    a = LiveServer(tmp_path_factory.mktemp("node-a"), env)
    b = LiveServer(tmp_path_factory.mktemp("node-b"), env)
    a.cluster_env = env
    a.start()
    b.start(migrate=False)
    yield a, b
    a.stop()
    b.stop()
    database.drop()


def test_fresh_process_accepts_a_burst_of_first_connections(cluster, tmp_path):
    """The first connections of a new process race to register it (presence heartbeat upsert)."""
    a, _ = cluster
    ws = open_workshop(a)
    tokens = [a.join(ws["code"], f"Rafale {i}") for i in range(40)]
    fresh = LiveServer(tmp_path, a.cluster_env)
    fresh.start(migrate=False)
    clients: list[Client] = []
    errors: list[Exception] = []

    def connect(token: str) -> None:
        try:
            clients.append(fresh.client(ws["code"], token))
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=connect, args=(t,)) for t in tokens]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors[:3]
        assert len(clients) == len(tokens)
    finally:
        close_all(clients)
        fresh.stop()


def open_workshop(server: LiveServer, phase: str = "brainstorm") -> dict:
    """A workshop where everyone sees every idea at once, in the given phase."""
    ws = server.create_workshop(settings={"private_brainstorm": False})
    fac = server.client(ws["code"], server.token())
    assert fac.call("phase.set", {"phase": phase})["ok"]
    fac.close()
    return ws


def column(server: LiveServer, ws: dict) -> int:
    return get_json(f"{server.url}/api/v1/workshops/{ws['code']}", server.token())["columns"][0]["id"]


def post(client: Client, col: int, text: str) -> dict:
    ack = client.call("idea.create", {"column_id": col, "text": text})
    assert ack["ok"], ack
    return ack["idea"]


def test_ideas_and_presence_cross_processes(cluster):
    a, b = cluster
    ws = open_workshop(a)
    col = column(a, ws)
    alice = a.client(ws["code"], a.join(ws["code"], "Alice"))
    bruno = b.client(ws["code"], b.join(ws["code"], "Bruno", "remote"))
    try:
        wait_until(lambda: {"Alice", "Bruno"} <= online_names(alice), what="Bruno (on B) in Alice's presence")
        wait_until(lambda: {"Alice", "Bruno"} <= online_names(bruno), what="Alice (on A) in Bruno's presence")
        assert bruno.presence[-1]["counts"] == {"room": 1, "remote": 1, "tables": 0}
        from_a = post(alice, col, "Idée postée sur A")
        from_b = post(bruno, col, "Idée postée sur B")
        bruno.wait_for(lambda e: e["type"] == "idea.created" and e["data"]["id"] == from_a["id"])
        alice.wait_for(lambda e: e["type"] == "idea.created" and e["data"]["id"] == from_b["id"])
    finally:
        close_all([alice, bruno])
    # Leaving on B is seen on A's side of the log-less presence too.
    carla = a.client(ws["code"], a.join(ws["code"], "Carla"))
    try:
        wait_until(lambda: online_names(carla) == {"Carla"}, what="Alice and Bruno gone from presence")
    finally:
        carla.close()


def test_removing_a_participant_disconnects_their_sockets_on_the_other_process(cluster):
    """Issue 14: the DELETE reaches A, the participant's socket lives on B; it is closed at once."""
    a, b = cluster
    ws = open_workshop(a)
    code, headers = ws["code"], a.auth(a.token())
    token = a.join(code, "Camille Retirée")
    on_b, witness = b.client(code, token), b.client(code, a.join(code, "Témoin"))
    try:
        listed = requests.get(f"{a.url}/api/v1/workshops/{code}/participants", headers=headers, timeout=10).json()
        target = next(p for p in listed["participants"] if p["name"] == "Camille Retirée")
        assert target["online"] is True  # presence is shared through the database
        r = requests.delete(f"{a.url}/api/v1/workshops/{code}/participants/{target['id']}", headers=headers, timeout=10)
        assert r.status_code == 200, r.text
        wait_until(lambda: not on_b.sio.connected, timeout=3, what="the socket on B closed")
        assert witness.sio.connected
        assert requests.get(f"{b.url}/api/v1/workshops/{code}", headers=b.auth(token), timeout=10).status_code == 401
    finally:
        close_all([c for c in (on_b, witness) if c.sio.connected])


def test_a_new_presenter_link_closes_the_old_one_on_the_other_process(cluster):
    """Issue 15: the link is made through A, the projector's socket lives on B; it is closed at once."""
    a, b = cluster
    code = open_workshop(a)["code"]

    def link() -> str:
        r = requests.post(f"{a.url}/api/v1/workshops/{code}/presenter-link", headers=a.auth(a.token()), timeout=10)
        assert r.status_code == 201, r.text
        return r.json()["url"].rsplit("/", 1)[1]

    old = link()
    projector = Client()
    projector.sio.connect(b.url, auth={"workshop": code, "presenter": old}, transports=["websocket"], wait_timeout=10)
    link()
    wait_until(lambda: not projector.sio.connected, timeout=3, what="the old projector on B closed")


def test_seq_gapless_with_concurrent_posters_on_both_processes(cluster):
    a, b = cluster
    ws = open_workshop(a)
    col = column(a, ws)
    clients = [srv.client(ws["code"], srv.join(ws["code"], f"P{i}{srv.port}")) for srv in (a, b) for i in range(3)]
    per_client = 8
    errors: list = []

    def hammer(c: Client, n: int) -> None:
        try:
            for k in range(per_client):
                post(c, col, f"idée {n}-{k}")
        except Exception as exc:  # noqa: BLE001 — reported below, a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    total = per_client * len(clients)
    log = get_json(f"{b.url}/api/v1/workshops/{ws['code']}/events?since=0", b.token())
    seqs = [e["seq"] for e in log["events"]]
    assert seqs == list(range(1, len(seqs) + 1)), "seq must rise by exactly 1 per event"
    created = [e for e in log["events"] if e["type"] == "idea.created"]
    assert len(created) == total
    assert len({e["data"]["id"] for e in created}) == total
    # Every client, on either process, receives every idea event (order across processes
    # may differ; gaps are what `sync` exists for, but here nothing may be missing).
    wanted = {e["seq"] for e in created}
    try:
        for c in clients:
            wait_until(lambda c=c: set(idea_events(c)) >= wanted, what="all ideas on every client")
    finally:
        close_all(clients)


def test_killed_process_clients_fail_over_and_ghosts_expire(cluster, tmp_path):
    a, b = cluster
    ws = open_workshop(a)
    col = column(a, ws)
    mover_token = a.join(ws["code"], "Mover")
    mover = a.client(ws["code"], mover_token)
    ghost = a.client(ws["code"], a.join(ws["code"], "Ghost"))
    watcher = b.client(ws["code"], b.join(ws["code"], "Watcher"))
    try:
        wait_until(lambda: online_names(watcher) == {"Mover", "Ghost", "Watcher"}, what="everyone online")
        post(mover, col, "avant la panne")
        last_seen = wait_until(lambda: max(idea_events(mover), default=0), what="mover's own idea")
        a.kill()
        missed = [post(watcher, col, f"pendant la panne {i}")["id"] for i in range(3)]
        # The mover reconnects to the surviving process with the same token and catches up.
        mover = b.client(ws["code"], mover_token)
        caught = mover.call("sync", {"since": last_seen})
        assert caught["ok"], caught
        assert {e["data"]["id"] for e in caught["events"] if e["type"] == "idea.created"} == set(missed)
        assert [e["seq"] for e in caught["events"]] == list(range(last_seen + 1, caught["seq"] + 1))
        # The ghost never came back: B's heartbeat purges the dead process's connections.
        wait_until(
            lambda: online_names(watcher) == {"Mover", "Watcher"}, timeout=STALE + 6 * HEARTBEAT + 5, what="no ghost"
        )
    finally:
        close_all([mover, watcher, ghost])  # a no-op for the sockets the kill already cut
        a.start(migrate=False)


def test_redis_restart_broadcasts_resume_and_sync_recovers(cluster, redis_server):
    a, b = cluster
    ws = open_workshop(a)
    col = column(a, ws)
    poster = a.client(ws["code"], a.join(ws["code"], "Poster"))
    reader = b.client(ws["code"], b.join(ws["code"], "Reader"))
    try:
        first = post(poster, col, "avant")
        reader.wait_for(lambda e: e["type"] == "idea.created" and e["data"]["id"] == first["id"])
        before = max(idea_events(reader))
        redis_server.kill()
        lost = post(poster, col, "pendant que Redis est arrêté")  # committed; its broadcast to B is lost
        redis_server.start()
        resumed = None
        for attempt in range(30):  # the queue listener reconnects with back-off (1 s, 2 s, 4 s…)
            idea = post(poster, col, f"après {attempt}")
            try:
                reader.wait_for(lambda e, i=idea: e["type"] == "idea.created" and e["data"]["id"] == i["id"], 1.0)
            except AssertionError:
                continue
            resumed = idea
            break
        assert resumed is not None, "broadcasts did not resume after Redis came back"
        seen = idea_events(reader)
        assert lost["id"] not in {e["data"]["id"] for e in seen.values()}, "the outage should have dropped one"
        gap_from = min(s for s in range(before, max(seen) + 1) if s + 1 not in seen)
        caught = reader.call("sync", {"since": gap_from})
        assert lost["id"] in {e["data"]["id"] for e in caught["events"] if e["type"] == "idea.created"}
        # And the other direction works again too.
        back = post(reader, col, "de B vers A")
        poster.wait_for(lambda e: e["type"] == "idea.created" and e["data"]["id"] == back["id"])
    finally:
        close_all([poster, reader])


def test_nginx_template_sticky_polling_and_websocket(cluster, tmp_path):
    a, b = cluster
    try:
        nginx = Nginx(tmp_path, [a.port, b.port])
        nginx.start()
    except (OSError, RuntimeError) as exc:
        missing("nginx", exc)
    try:
        page = requests.get(nginx.url + "/", timeout=10)
        assert page.status_code == 200
        assert "fabrique_route=" in page.headers.get("Set-Cookie", "")
        ws = open_workshop(a)
        col = column(a, ws)
        clients = []
        for i, transports in enumerate([["polling"]] * 4 + [["polling", "websocket"]] * 4):
            token = requests.post(
                f"{nginx.url}/api/v1/workshops/{ws['code']}/participants",
                json={"name": f"Via nginx {i}", "attendance": "remote"},
                timeout=10,
            ).json()["token"]
            c = Client()
            c.sio.connect(nginx.url, auth={"token": token, "workshop": ws["code"]}, transports=transports)
            clients.append(c)
        # Long-polling without stickiness fails with "Invalid session" on the wrong process.
        ideas = [post(c, col, f"via nginx {i}")["id"] for i, c in enumerate(clients)]
        for c in clients:
            wait_until(lambda c=c: {e["data"]["id"] for e in idea_events(c).values()} >= set(ideas), what="fan-out")
        assert any(c.sio.transport() == "websocket" for c in clients[4:])
        close_all(clients)
    finally:
        nginx.stop()

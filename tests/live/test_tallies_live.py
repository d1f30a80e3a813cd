"""Live tallies on the wire against real server processes: a vote storm coalesced into few frames,
on one process and on two sharing PostgreSQL and Redis, and tallies hidden from participants."""

import threading
import time

import pytest
import requests

from app.services.workshop import tallies
from tests.live.voting import close_all, live_vote


def _latest_tallies(client) -> dict[int, int]:
    state: dict[int, int] = {}
    for event in sorted((e for e in list(client.events) if e["type"] == "vote.tally"), key=lambda e: e["seq"]):
        for row in event["data"]["tallies"]:
            state[row["idea_id"]] = row["votes"]
    return state


def _converged(client, expected, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _latest_tallies(client) == expected:
            return True
        time.sleep(0.02)
    return False


def _storm(servers, people=16, budget=12):
    """Every participant votes from two tabs at once (on two processes when there are two), each tab
    re-sending 8 shared client_ids (retries) and 4 of its own: 16 wanted votes for a budget of 12.

    Checks exact budgets, identical answers per client_id, convergence of every client to the
    snapshot's tallies. Returns (votes, tally frames seen by the facilitator, seconds the storm took)."""
    a = servers[0]
    code, fac, ids = live_vote(a, 4, votes_per_participant=budget, max_votes_per_idea=budget)
    tokens = [a.join(code, f"P{i}") for i in range(people)]
    tabs = [(i, servers[(i + t) % len(servers)].client(code, tok)) for i, tok in enumerate(tokens) for t in range(2)]
    start = threading.Barrier(len(tabs))
    acks: dict[tuple, list] = {}
    lock = threading.Lock()

    def storm(index, tab_no, client):
        jobs = [f"c{k}" for k in range(8)] + [f"t{tab_no}-{k}" for k in range(4)]
        start.wait()
        for k, cid in enumerate(jobs):
            ack = client.call("vote.cast", {"idea_id": ids[(index + k) % len(ids)], "client_id": cid})
            with lock:
                acks.setdefault((index, cid), []).append(ack)

    threads = [threading.Thread(target=storm, args=(i, n % 2, c)) for n, (i, c) in enumerate(tabs)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    took = time.monotonic() - began
    flat = [ack for seen in acks.values() for ack in seen]
    assert len(flat) == people * 24
    assert all(ack["ok"] or ack["error"]["code"] == "budget" for ack in flat), flat
    for (_person, cid), seen in acks.items():
        if cid.startswith("c"):
            assert len(seen) == 2 and seen[0] == seen[1], seen  # the twin from the other tab got the same answer
    for token in tokens:
        me = requests.get(f"{a.url}/api/v1/workshops/{code}", headers=a.auth(token), timeout=10).json()["me"]
        assert me["votes_left"] == 0 and sum(me["my_votes"].values()) == budget

    snap = requests.get(f"{a.url}/api/v1/workshops/{code}", headers=a.auth(a.token()), timeout=10).json()
    expected = {i["id"]: i["votes"] for i in snap["ideas"]}
    assert sum(expected.values()) == people * budget
    clients = [fac] + [c for _i, c in tabs]
    for client in clients:
        assert _converged(client, expected), (_latest_tallies(client), expected)
    frames = sum(1 for e in fac.events if e["type"] == "vote.tally")
    close_all(clients)
    # Coalescing bounds the frames per second: at most one flush per window and process.
    assert frames <= len(servers) * (took / tallies.WINDOW + 1)
    return people * budget, frames, took


def test_vote_storm_is_exact_coalesced_and_every_client_converges(live_server):
    votes_counted, frames, took = _storm([live_server])
    print(f"\n{votes_counted} votes from {16 * 24} commands in {took:.1f} s -> {frames} vote.tally frames per client")
    assert frames <= votes_counted // 4


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    """Two server processes on one PostgreSQL database, sharing a private Redis (tests/cluster.py)."""
    from tests.cluster import MUST_RUN, RedisServer, ScratchDatabase, missing
    from tests.server import LiveServer

    if not MUST_RUN:
        pytest.skip("multi-process PostgreSQL storm: runs in CI or with FABRIQUE_TEST_POSTGRES=1")
    try:
        redis_server = RedisServer(tmp_path_factory.mktemp("tally-redis"))
        redis_server.start()
        database = ScratchDatabase("fabrique_tally_test")
    except Exception as exc:  # noqa: BLE001 — no PostgreSQL or Redis here
        missing("PostgreSQL and redis-server", exc)
    env = {"DATABASE_URL": database.url, "SOCKETIO_MESSAGE_QUEUE": redis_server.url, "SECRET_KEY": "tally-test"}
    servers = [LiveServer(tmp_path_factory.mktemp(f"tally-{n}"), env) for n in "ab"]
    servers[0].start()
    servers[1].start(migrate=False)
    yield servers
    for server in servers:
        server.stop()
    redis_server.kill()
    database.drop()


def test_vote_storm_across_two_processes_on_postgresql(two_processes):
    """Two tabs of one participant on two processes: still exact; tallies converge everywhere."""
    votes_counted, frames, took = _storm(two_processes)
    print(f"\ntwo processes: {votes_counted} votes in {took:.1f} s -> {frames} vote.tally frames per client")
    assert frames < votes_counted


def test_hidden_tallies_never_reach_participants_on_the_wire(live_server):
    code, fac, (a, b) = live_vote(live_server, 2, reveal_votes="end")
    alice = live_server.client(code, live_server.join(code, "Alice"))
    assert alice.call("vote.cast", {"idea_id": a})["my_votes"] == {str(a): 1}
    seen = fac.wait_for(lambda e: e["type"] == "vote.tally")
    assert seen["data"]["votes"] == 1
    hidden = alice.wait_for(lambda e: e["seq"] == seen["seq"])
    assert hidden == {"seq": seen["seq"], "type": "hidden", "data": {}, "at": seen["at"]}
    synced = alice.call("sync", {"since": 0})["snapshot"]
    assert all(i["votes"] is None for i in synced["ideas"])
    assert fac.call("phase.set", {"phase": "discuss"})["ok"]
    alice.wait_for(lambda e: e["type"] == "phase.changed" and e["data"]["resync"] is True)
    assert {i["id"]: i["votes"] for i in alice.call("sync", {"since": 0})["snapshot"]["ideas"]} == {a: 1, b: 0}
    close_all([fac, alice])

"""Idea fan-out: Fabrique and the bare relay measured side by side.

Both rooms are connected at once and their posts alternate (relay, Fabrique,
relay, …), so a hiccup of this shared machine hits both series alike and the
ratio between them stays meaningful. Latency = each receiver's arrival time
minus the poster's emit time, on the load generator's one clock.
"""

import asyncio
import statistics
from dataclasses import dataclass, field

from bench.clients import Api, Peer, close_all, connect_many, now, settle, wait_all

PAD = " — proposition d'atelier pour mesurer la diffusion, longueur d'une vraie idée"
WAIT_EACH = 10.0  # seconds a post may take to reach everyone before it counts as lost
GAP = 0.05  # pause between posts


def percentiles(samples: list[float]) -> dict:
    if not samples:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000, "max": max(samples) * 1000}


@dataclass
class Room:
    peers: list[Peer]
    send: object  # async (poster, key) -> None
    rss_per_peer_kb: float
    extra: list[Peer] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)

    async def post(self, k: int) -> None:
        key = f"bench {k}{PAD}"
        self.sent[key] = now()
        await self.send(_poster(self.peers, k), key)
        await wait_all(self.peers, key, WAIT_EACH)

    def summary(self) -> dict:
        samples = [p.arrivals[k] - t for k, t in self.sent.items() for p in self.peers if k in p.arrivals]
        dropped = [p.dropped for p in self.peers if p.dropped]
        return {
            "n": len(self.peers),
            "posts": len(self.sent),
            "lost": len(self.sent) * len(self.peers) - len(samples),
            "dropped": len(dropped),
            "drop_reasons": sorted(set(dropped)),
            "rss_per_peer_kb": self.rss_per_peer_kb,
            **percentiles(samples),
        }

    async def close(self) -> None:
        await close_all([*self.peers, *self.extra])


def _poster(peers: list[Peer], k: int) -> Peer:
    """Posts come from everyone in turn, as in a real room (and within the per-person idea quota)."""
    return next(p for p in peers[k % len(peers) :] + peers if p.sio.connected)


def _idea_key(frame: dict):
    return frame["data"].get("text") if frame.get("type") == "idea.created" else None


def _relay_key(frame: dict):
    return frame.get("data", {}).get("text")


async def fabrique_room(api: Api, urls: list[str], n: int, rss) -> Room:
    """n participants of a fresh workshop in brainstorm, spread over `urls`; a participant posts."""
    ws = await api.workshop()
    code, column = ws["code"], ws["columns"][0]["id"]
    fac = Peer(-1, lambda f: None)
    await fac.connect(urls[0], {"token": api.token, "workshop": code})
    assert (await fac.call("phase.set", {"phase": "brainstorm"}))["ok"]
    tokens = await api.join_many(code, n)
    peers = [Peer(i, _idea_key) for i in range(n)]
    before = rss()
    await connect_many(peers, urls, [{"token": t, "workshop": code} for t in tokens])
    await settle(peers)

    async def send(poster: Peer, key: str) -> None:
        ack = await poster.call("idea.create", {"column_id": column, "text": key})
        if not ack.get("ok"):
            raise RuntimeError(f"idea.create refused: {ack}")

    return Room(peers, send, (rss() - before) / n, extra=[fac])


async def relay_room(url: str, n: int, rss) -> Room:
    peers = [Peer(i, _relay_key) for i in range(n)]
    before = rss()
    await connect_many(peers, [url], [None] * n)
    await asyncio.sleep(1.0)

    async def send(poster: Peer, key: str) -> None:
        envelope = {"seq": 1, "type": "idea.created", "data": {"text": key, "id": 1, "column_id": 1}, "at": "now"}
        await poster.call("post", envelope)

    return Room(peers, send, (rss() - before) / n)


async def alternate(rooms: list[Room], posts: int) -> list[dict]:
    """`posts` posts in each room, taking turns; returns each room's summary."""
    for k in range(posts):
        for room in rooms:
            await room.post(k)
            await asyncio.sleep(GAP)
    return [room.summary() for room in rooms]

"""The load generator's clients: real Socket.IO clients (python-socketio AsyncClient
over aiohttp WebSockets), all in this one asyncio process, so every timestamp
comes from the same clock (time.perf_counter)."""

import asyncio
import time

import aiohttp
import socketio

CONCURRENCY = 32  # joins and connects in flight at once
now = time.perf_counter


class Api:
    """The JSON API as a facilitator drives it (docs/protocol.md §2)."""

    def __init__(self, url: str, email: str, password: str):
        self.url, self.email, self.password = url, email, password
        self.http: aiohttp.ClientSession | None = None
        self.token = ""

    async def __aenter__(self) -> "Api":
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY))
        self.token = (await self.post("/auth/token", {"email": self.email, "password": self.password}))["token"]
        return self

    async def __aexit__(self, *exc) -> None:
        await self.http.close()

    async def post(self, path: str, body: dict, auth: bool = True) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if auth and self.token else {}
        async with self.http.post(self.url + "/api/v1" + path, json=body, headers=headers) as r:
            if r.status >= 400:
                raise RuntimeError(f"POST {path}: {r.status} {await r.text()}")
            return await r.json()

    async def get(self, path: str) -> dict:
        async with self.http.get(self.url + "/api/v1" + path, headers={"Authorization": f"Bearer {self.token}"}) as r:
            r.raise_for_status()
            return await r.json()

    async def workshop(self, **settings) -> dict:
        body = {"title": "Banc d'essai", "theme": "custom", "settings": {"private_brainstorm": False, **settings}}
        return await self.post("/workshops", body)

    async def join_many(self, code: str, n: int, prefix: str = "P") -> list[str]:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(i: int) -> str:
            async with gate:
                body = {"name": f"{prefix}{i:04d}", "attendance": "remote" if i % 3 else "room"}
                return (await self.post(f"/workshops/{code}/participants", body, auth=False))["token"]

        return list(await asyncio.gather(*(one(i) for i in range(n))))


class Peer:
    """One connected client that timestamps what it receives."""

    def __init__(self, index: int, key_of):
        self.index = index
        self.key_of = key_of  # frame -> key (e.g. idea text) or None
        self.sio = socketio.AsyncClient(reconnection=False)
        self.arrivals: dict[str, float] = {}
        self.tallies: list[tuple[float, list]] = []
        self.minutes: list[tuple[float, str]] = []
        self.last_presence = 0.0
        self.online_total = 0  # people online in the last presence frame
        self.dropped: str | None = None  # why the server or the network cut us, if it did
        self.sio.on("event", self._on_event)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("relay", self._on_event)
        self.sio.on("presence", self._on_presence)
        self.sio.on("minutes.update", self._on_minutes)

    def _on_event(self, frame) -> None:
        t = now()
        if frame.get("type") == "vote.tally":
            self.tallies.append((t, frame["data"]["tallies"]))
            return
        key = self.key_of(frame)
        if key is not None:
            self.arrivals.setdefault(key, t)

    def _on_disconnect(self, reason=None) -> None:
        if reason != self.sio.reason.CLIENT_DISCONNECT:
            self.dropped = str(reason)

    def _on_presence(self, data) -> None:
        self.last_presence = now()
        self.online_total = data.get("total", len(data.get("online", [])))

    def _on_minutes(self, data) -> None:
        self.minutes.append((now(), data["update"]))

    async def connect(self, url: str, auth: dict | None) -> None:
        await self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)

    async def call(self, name: str, payload: dict, timeout: float = 60) -> dict:
        return await self.sio.call(name, payload, timeout=timeout)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


async def connect_many(peers: list[Peer], urls: list[str], auths: list[dict | None]) -> None:
    """Connect every peer, spreading them round-robin over the given server URLs."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(peer: Peer, auth) -> None:
        async with gate:
            await peer.connect(urls[peer.index % len(urls)], auth)

    await asyncio.gather(*(one(p, a) for p, a in zip(peers, auths, strict=True)))


async def settle(peers: list[Peer], quiet: float = 1.0, limit: float = 60.0) -> None:
    """Wait until the server has taken in a mass connect: presence counts everyone, then
    no presence frame for `quiet` s (measuring earlier would time the connect backlog)."""
    deadline = now() + limit
    while now() < deadline and max((p.online_total for p in peers), default=0) < len(peers):
        await asyncio.sleep(0.1)
    while now() < deadline:
        last = max((p.last_presence for p in peers), default=0.0)
        if now() - last >= quiet:
            return
        await asyncio.sleep(0.1)


async def wait_all(peers: list[Peer], key: str, timeout: float) -> None:
    deadline = now() + timeout
    while now() < deadline and any(key not in p.arrivals for p in peers):
        await asyncio.sleep(0.002)


async def close_all(peers: list[Peer]) -> None:
    await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)

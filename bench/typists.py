"""A minutes co-editor: a pycrdt document kept in step with the server's through
`minutes.sync` and `minutes.update` (base64 Yjs updates to the Y.Text `minutes`)."""

import asyncio
import base64
import random

from pycrdt import Doc, Text

from bench.clients import Peer, now

ROOT = "minutes"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Typist:
    def __init__(self, peer: Peer, rng: random.Random):
        self.peer, self.rng = peer, rng
        self.doc = Doc()
        self.doc[ROOT] = Text()
        self.applied = 0  # how many received updates are merged into self.doc
        self.sent: dict[str, float] = {}
        self.ack_times: list[float] = []
        self.refused = 0
        self.initial_len = 0

    @property
    def body(self) -> Text:
        return self.doc[ROOT]

    async def load(self) -> None:
        ack = await self.peer.call("minutes.sync", {})
        if not ack.get("ok"):
            raise RuntimeError(f"minutes.sync refused: {ack}")
        self.doc.apply_update(base64.b64decode(ack["state"]))
        self.initial_len = len(str(self.body))

    def absorb(self) -> None:
        """Merge the updates other typists sent since last time (Yjs merges in any order)."""
        pending = self.peer.minutes[self.applied :]
        for _t, update in pending:
            self.doc.apply_update(base64.b64decode(update))
        self.applied += len(pending)

    def text(self) -> str:
        return str(self.body)

    async def type(self, keystrokes: int, every: float) -> None:
        for _ in range(keystrokes):
            next_at = now() + every
            self.absorb()
            before = self.doc.get_state()
            text = self.text()
            # pycrdt indexes Y.Text in UTF-8 bytes: never split an accented character.
            at = len(text[: self.rng.randint(0, len(text))].encode())
            self.body.insert(at, self.rng.choice(LETTERS))
            update = base64.b64encode(self.doc.get_update(before)).decode()
            self.sent[update] = now()
            ack = await self.peer.call("minutes.update", {"update": update})
            if ack.get("ok"):
                self.ack_times.append(now() - self.sent[update])
            else:
                self.refused += 1
            await asyncio.sleep(max(next_at - now(), 0))

    async def server_text(self) -> str:
        ack = await self.peer.call("minutes.sync", {})
        doc = Doc()
        doc[ROOT] = Text()
        doc.apply_update(base64.b64decode(ack["state"]))
        return str(doc[ROOT])

"""The vote storm and minutes co-editing (fan-out is in bench/fanout.py).
Each scenario returns a plain dict of figures."""

import asyncio
import random

from bench.clients import Api, Peer, close_all, connect_many, now, settle
from bench.fanout import percentiles


async def vote_storm(api: Api, url: str, n: int, ideas: int, dots: int, cpu) -> dict:
    """n participants each cast `dots` dots as fast as the acks allow."""
    ws = await api.workshop(votes_per_participant=dots, max_votes_per_idea=3)
    code, column = ws["code"], ws["columns"][0]["id"]
    fac = Peer(-1, lambda f: None)
    await fac.connect(url, {"token": api.token, "workshop": code})
    idea_ids = [
        (await fac.call("idea.create", {"column_id": column, "text": f"idée {i}"}))["idea"]["id"] for i in range(ideas)
    ]
    assert (await fac.call("phase.set", {"phase": "vote"}))["ok"]
    tokens = await api.join_many(code, n)
    peers = [Peer(i, lambda f: None) for i in range(n)]
    await connect_many(peers, [url], [{"token": t, "workshop": code} for t in tokens])
    await settle(peers)
    acks: list[float] = []
    refused: list[dict] = []

    async def voter(p: Peer) -> None:
        for k in range(dots):
            ack = await p.call("vote.cast", {"idea_id": idea_ids[(p.index + k) % ideas]})
            if ack.get("ok"):
                acks.append(now())
            else:
                refused.append(ack)

    cpu0, start = cpu(), now()
    await asyncio.gather(*(voter(p) for p in peers))
    last_ack = max(acks)
    final = await _final_tallies(api, code)
    converged = await _converge(peers, final, timeout=10)
    cpu_used = cpu() - cpu0
    elapsed = max(now() - start, 1e-6)
    expected = _expected(n, dots, idea_ids)
    await close_all([*peers, fac])
    lags = [max(t - last_ack, 0.0) for t in converged if t is not None]
    return {
        "n": n,
        "votes": len(acks),
        "refused": len(refused),
        "votes_per_s": len(acks) / (last_ack - start),
        "storm_s": last_ack - start,
        "converged": sum(t is not None for t in converged),
        "converge_after_last_ack_ms": max(lags) * 1000 if lags else None,
        "max_tally_frames_per_s": _max_rate(peers),
        "server_cpu_pct": 100 * cpu_used / elapsed,
        "lost_or_extra": sum(abs(final.get(i, 0) - expected[i]) for i in idea_ids),
    }


async def _final_tallies(api: Api, code: str) -> dict[int, int]:
    snap = await api.get(f"/workshops/{code}")
    return {i["id"]: i["votes"] or 0 for i in snap["ideas"]}


def _expected(n: int, dots: int, idea_ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(idea_ids, 0)
    for p in range(n):
        for k in range(dots):
            counts[idea_ids[(p + k) % len(idea_ids)]] += 1
    return counts


async def _converge(peers: list[Peer], final: dict[int, int], timeout: float) -> list[float | None]:
    """For each peer, when its view of the tallies last became equal to `final` (None: never)."""
    deadline = now() + timeout
    while now() < deadline and any(_became_final(p, final) is None for p in peers):
        await asyncio.sleep(0.05)
    return [_became_final(p, final) for p in peers]


def _became_final(peer: Peer, final: dict[int, int]) -> float | None:
    view: dict[int, int] = {}
    reached = None
    for t, rows in list(peer.tallies):
        for row in rows:
            view[row["idea_id"]] = row["votes"]
        equal = all(view.get(i, 0) == v for i, v in final.items())
        reached = (reached or t) if equal else None
    return reached


def _max_rate(peers: list[Peer]) -> int:
    """Most vote.tally frames one client received within any one-second window."""
    best = 0
    for p in peers:
        times = [t for t, _ in p.tallies]
        j = 0
        for i in range(len(times)):
            while times[i] - times[j] >= 1.0:
                j += 1
            best = max(best, i - j + 1)
    return best


async def minutes_coedit(api: Api, url: str, typists: int, keystrokes: int, rate: float) -> dict:
    """Typists insert one character at a time (≤ `rate` per second each) into the shared minutes."""
    from bench.typists import Typist

    ws = await api.workshop()
    code = ws["code"]
    tokens = await api.join_many(code, typists, prefix="T")
    peers = [Peer(i, lambda f: None) for i in range(typists)]
    await connect_many(peers, [url], [{"token": t, "workshop": code} for t in tokens])
    await settle(peers)
    writers = [Typist(p, random.Random(p.index)) for p in peers]
    await asyncio.gather(*(w.load() for w in writers))
    start = now()
    await asyncio.gather(*(w.type(keystrokes, 1.0 / rate) for w in writers))
    typed_s = now() - start
    server_text = await writers[0].server_text()
    same = await _docs_agree(writers, server_text, timeout=10)
    sent = {u: t for w in writers for u, t in w.sent.items()}
    relay = [t - sent[u] for p in peers for t, u in p.minutes if u in sent]
    acks = [a for w in writers for a in w.ack_times]
    await close_all(peers)
    return {
        "typists": typists,
        "updates": len(sent),
        "updates_per_s": len(acks) / typed_s,
        "refused": sum(w.refused for w in writers),
        "ack": percentiles(acks),
        "relay": percentiles(relay),
        "relayed": len(relay),
        "relay_expected": len(sent) * (typists - 1),
        "chars_lost": writers[0].initial_len + typists * keystrokes - len(server_text),
        "all_docs_equal_server": same,
    }


async def _docs_agree(writers, text: str, timeout: float) -> bool:
    deadline = now() + timeout
    while now() < deadline:
        for w in writers:
            w.absorb()
        if all(w.text() == text for w in writers):
            return True
        await asyncio.sleep(0.1)
    differ = [(w.peer.index, len(w.text())) for w in writers if w.text() != text]
    print(f"minutes: {len(differ)} copies differ from the server's {len(text)} chars: {differ[:5]}", flush=True)
    return False

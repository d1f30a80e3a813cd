"""Colleges against a real server (issue 17): two colleges of different sizes and equal weights,
where the weighted ranking differs from the raw one exactly as docs/votes.md says, on every output
path — vote.tally events, vote.participation events, the snapshot, the results JSON, the results
page, the CSV and Markdown exports."""

import csv
import io
import re
import threading
import time

import requests

from tests.live.voting import close_all

COLLEGES = [{"id": "vincennes", "name": "Vincennes", "weight": 1}, {"id": "bry", "name": "Bry-sur-Marne", "weight": 1}]


def _join(server, code, name, college, attendance="room") -> str:
    body = {"name": name, "attendance": attendance, "college": college}
    r = requests.post(f"{server.url}/api/v1/workshops/{code}/participants", json=body, timeout=10)
    assert r.status_code == 201, r.text
    assert r.json()["participant"]["college"] == college
    return r.json()["token"]


def _latest(client, field) -> dict:
    state = {}
    for event in sorted((e for e in list(client.events) if e["type"] == "vote.tally"), key=lambda e: e["seq"]):
        for row in event["data"]["tallies"]:
            state[row["idea_id"]] = row.get(field)
    return state


def _eventually(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_two_colleges_of_different_sizes_weigh_the_same_on_every_path(live_server):
    s = live_server
    settings = {"colleges": COLLEGES, "votes_per_participant": 3, "max_votes_per_idea": 3}
    workshop = s.create_workshop(settings=settings)
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = s.client(code, s.token())
    a, b, c = (
        fac.call("idea.create", {"column_id": column, "text": t})["idea"]["id"] for t in ("Navette", "Berges", "Fête")
    )
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    # Vincennes: 6 people (5 in the room, 1 remote), 2 dots on a and 1 on c each.
    # Bry-sur-Marne: 2 people, 3 dots on b each.
    plan = [(f"V{i}", "vincennes", "room" if i < 5 else "remote", [a, a, c]) for i in range(6)]
    plan += [(f"B{i}", "bry", "room", [b, b, b]) for i in range(2)]
    voters = [(s.client(code, _join(s, code, name, college, where)), ballot) for name, college, where, ballot in plan]
    start = threading.Barrier(len(voters))
    acks = []

    def vote(client, ballot):
        start.wait()
        for idea in ballot:
            acks.append(client.call("vote.cast", {"idea_id": idea}))

    threads = [threading.Thread(target=vote, args=pair) for pair in voters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(acks) == 24 and all(ack["ok"] for ack in acks), acks

    # Raw: a 12, b 6, c 6 -> a first, b and c tied. Weighted (Σ weight × dots / voters):
    # a = 12/6 = 2, b = 6/2 = 3, c = 6/6 = 1 -> b, a, c.
    raw, weighted = {a: 12, b: 6, c: 6}, {a: 2.0, b: 3.0, c: 1.0}
    watcher = voters[-1][0]
    for client in (fac, watcher):
        assert _eventually(lambda cl=client: _latest(cl, "votes") == raw and _latest(cl, "score") == weighted), (
            _latest(client, "votes"),
            _latest(client, "score"),
        )
        counts = [e["data"] for e in client.events if e["type"] == "vote.participation"]
        assert _eventually(
            lambda cl=client: [e for e in cl.events if e["type"] == "vote.participation"][-1]["data"]["voters"] == 8
        )
        last = [e["data"] for e in client.events if e["type"] == "vote.participation"][-1]
        assert counts and (last["voters"], last["present"]) == (8, 8)
        assert (last["room"], last["remote"]) == ({"voters": 7, "present": 7}, {"voters": 1, "present": 1})
        assert [(x["id"], x["voters"], x["present"]) for x in last["colleges"]] == [("vincennes", 6, 6), ("bry", 2, 2)]

    auth = s.auth(s.token())
    snap = requests.get(f"{s.url}/api/v1/workshops/{code}", headers=auth, timeout=10).json()
    assert {i["id"]: (i["votes"], i["score"]) for i in snap["ideas"]} == {k: (raw[k], weighted[k]) for k in raw}
    assert snap["participation"]["voters"] == 8

    export = f"{s.url}/api/v1/workshops/{code}/export"
    results = requests.get(export, params={"format": "json"}, headers=auth, timeout=10).json()["results"]
    assert [(r["idea_id"], r["rank"], r["score"]) for r in results] == [(b, 1, 3.0), (a, 2, 2.0), (c, 3, 1.0)]
    assert {r["idea_id"]: r["raw_rank"] for r in results} == {a: 1, b: 2, c: 2}  # raw: b and c tied
    assert {r["idea_id"]: [x["rank"] for x in r["colleges"]] for r in results} == {a: [1, 2], b: [3, 1], c: [2, 2]}  # Bry: a and c tied behind b

    page = requests.get(f"{s.url}/w/{code}/results", headers=auth, timeout=10)
    assert page.status_code == 200
    table = page.text.split('data-testid="results-ideas"')[1].split("</table>")[0]
    assert [int(x) for x in re.findall(r'data-idea-id="(\d+)"', table)] == [b, a, c]
    assert re.findall(r'<td class="result-raw-rank">([^<]*)</td>', table) == ["2 =", "1", "2 ="]
    assert "Rang dans chaque collège" in table and "Bry-sur-Marne : <strong>1</strong>" in table and 'data-testid="colleges"' in page.text

    rows = list(
        csv.DictReader(io.StringIO(requests.get(export, params={"format": "csv", "sep": "comma"}, headers=auth, timeout=10).text))
    )
    by_id = {int(r["Identifiant"]): r for r in rows}
    assert {i: (by_id[i]["Rang"], by_id[i]["Score pondéré"], by_id[i]["Rang sans pondération"]) for i in raw} == {
        a: ("2", "2", "1"),
        b: ("1", "3", "2 ="),
        c: ("3", "1", "2 ="),
    }
    md = requests.get(export, params={"format": "md"}, headers=auth, timeout=10).text
    lines = [line for line in md.splitlines() if line.startswith("- **")]
    assert [line.split("** ")[1].split(" —")[0] for line in lines[:3]] == ["Berges", "Navette", "Fête"]
    assert lines[0].startswith("- **1** Berges — 6 gommettes, score pondéré 3 — rang sans pondération 2 =")
    assert "8 votant·es sur 8 participant·es présent·es (salle : 7 sur 7 ; à distance : 1 sur 1)" in md
    close_all([fac] + [cl for cl, _ballot in voters])

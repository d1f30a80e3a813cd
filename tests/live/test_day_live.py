"""A day against a real server (issue 21): 4 ateliers × 10 participants joined through the day's code, each runs
brainstorm → vote → close; the plenary receives 4 restitution cards live, in closing order; a plenary vote and a
promote make an action whose trace names the plenary and the original atelier; the day token opens no other
atelier by any path."""

import threading

import pytest
import requests
import socketio

from tests.live.voting import close_all, ensure_pemb

THEMES = ("jo2024", "cooperatives_ephemeres", "mecenat_competences", "custom")
PEOPLE = 10


def _post(server, path, body, token=None, status=201):
    headers = server.auth(token or server.token())
    r = requests.post(server.url + path, json=body, headers=headers, timeout=10)
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    return r.json()


def _in_parallel(fn, items):
    threads = [threading.Thread(target=fn, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)


def test_four_ateliers_close_into_the_plenary_live(live_server):
    s = live_server
    day = _post(s, "/api/v1/days", {"title": "Journée ESS UPEC", "date": "2026-11-21", "location": "UPEC"})
    ateliers = [
        _post(
            s,
            "/api/v1/workshops",
            {"title": f"Atelier {i + 1}", "theme": t, "day_id": day["id"], "role": "atelier", "capacity": PEOPLE},
        )
        for i, t in enumerate(THEMES)
    ]
    plenary = _post(
        s,
        "/api/v1/workshops",
        {"title": "Plénière tiers-lieux", "theme": "tiers_lieux", "day_id": day["id"], "role": "plenary"},
    )
    joined = {a["code"]: [] for a in ateliers}
    lock = threading.Lock()

    def join(i):
        body = {
            "name": f"Personne {i}",
            "attendance": "room" if i % 3 else "remote",
            "organisation": f"Structure {i % 7}",
        }
        answer = _post(s, f"/api/v1/days/{day['code']}/participants", body, token="none")
        with lock:
            joined[answer["workshop"]["code"]].append(answer["token"])

    _in_parallel(join, range(4 * PEOPLE))  # nobody chooses: assigned where there is most room
    assert sorted(len(v) for v in joined.values()) == [PEOPLE] * 4
    full = requests.post(
        f"{s.url}/api/v1/days/{day['code']}/participants", json={"name": "En trop", "attendance": "room"}, timeout=10
    )
    assert full.status_code == 409

    fac_plenary = s.client(plenary["code"], s.token())
    facs = {a["code"]: s.client(a["code"], s.token()) for a in ateliers}
    people = {code: [s.client(code, token) for token in tokens] for code, tokens in joined.items()}
    try:
        # Isolation: a day token of atelier 1 opens neither atelier 2's socket nor its REST, nor the plenary yet.
        stranger = joined[ateliers[0]["code"]][0]
        with pytest.raises(socketio.exceptions.ConnectionError):
            s.client(ateliers[1]["code"], stranger)
        column_b = ateliers[1]["columns"][0]["id"]
        _post(
            s,
            f"/api/v1/workshops/{ateliers[1]['code']}/ideas",
            {"column_id": column_b, "text": "x"},
            token=stranger,
            status=403,
        )
        r = requests.get(f"{s.url}/api/v1/workshops/{plenary['code']}", headers=s.auth(stranger), timeout=10)
        assert r.status_code == 403

        def run(atelier):
            code, column = atelier["code"], atelier["columns"][0]["id"]
            fac = facs[code]
            assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
            ideas = []
            for n, client in enumerate(people[code]):
                ack = client.call("idea.create", {"column_id": column, "text": f"{atelier['title']} : idée {n}"})
                assert ack["ok"], ack
                ideas.append(ack["idea"]["id"])
            assert fac.call("phase.set", {"phase": "vote"})["ok"]
            for n, client in enumerate(people[code]):  # idea 0 gets 10 votes, idea 1 gets 5…
                assert client.call("vote.cast", {"idea_id": ideas[0]})["ok"]
                if n % 2 == 0:
                    assert client.call("vote.cast", {"idea_id": ideas[1]})["ok"]

        _in_parallel(run, ateliers)
        order = [ateliers[i]["code"] for i in (2, 0, 3, 1)]
        for code in order:  # close one after the other, in an order that is not the creation order
            assert facs[code].call("phase.set", {"phase": "closed"})["ok"]
        cards = [
            fac_plenary.wait_for(lambda e, c=c: e["type"] == "restitution.card" and e["data"]["code"] == c)
            for c in order
        ]
        assert [c["seq"] for c in cards] == sorted(c["seq"] for c in cards)
        assert [c["data"]["position"] for c in cards] == [1, 2, 3, 4]
        first = cards[0]["data"]["results"][0]
        assert first["rank"] == 1 and first["votes"] == PEOPLE and first["text"].endswith("idée 0")
        rest = requests.get(
            f"{s.url}/api/v1/days/{day['id']}/restitution", headers=s.auth(s.token()), timeout=10
        ).json()
        assert [a["code"] for a in rest["ateliers"]] == order

        # Everyone moves to the plenary with the same day token, no new join, and votes across the ateliers' ideas.
        movers = [joined[code][0] for code in order]
        for token in movers:
            moved = _post(s, f"/api/v1/days/{day['code']}/move", {}, token=token, status=200)
            assert moved["workshop"]["code"] == plenary["code"]
        voters = [s.client(plenary["code"], token) for token in movers]
        # Arriving after the closings, a participant's snapshot of the plenary already holds the 4 cards, in order.
        late = voters[0].call("sync", {"since": 0})["snapshot"]["restitution"]
        assert [c["code"] for c in late] == order and [c["position"] for c in late] == [1, 2, 3, 4]
        snapshot = fac_plenary.call("sync", {"since": 0})
        copies = snapshot.get("snapshot", {}).get("ideas") or [
            e["data"] for e in snapshot["events"] if e["type"] == "idea.created"
        ]
        assert len(copies) == 4 * 5 and all(c.get("source_idea_id") for c in copies)
        favourite = next(c for c in copies if c["text"] == f"{ateliers[3]['title']} : idée 1")
        assert fac_plenary.call("phase.set", {"phase": "vote"})["ok"]
        for v in voters:
            assert v.call("vote.cast", {"idea_id": favourite["id"]})["ok"]
        assert fac_plenary.call("phase.set", {"phase": "discuss"})["ok"]
        ensure_pemb(s)
        roadmap = _post(
            s,
            "/api/v1/roadmaps",
            {"title": "Feuille de route ESS", "territory": "Paris Est Marne&Bois", "axes": ["Coopérer"]},
        )
        ack = fac_plenary.call(
            "idea.promote",
            {"idea_id": favourite["id"], "roadmap_id": roadmap["id"], "axis_id": roadmap["axes"][0]["id"]},
        )
        assert ack["ok"], ack
        shown = requests.get(f"{s.url}/api/v1/roadmaps/{roadmap['id']}", headers=s.auth(s.token()), timeout=10).json()
        action = next(a for a in shown["actions"] if a["id"] == ack["action"]["id"])
        assert {src["workshop"]["code"] for src in action["sources"]} == {plenary["code"], ateliers[3]["code"]}
        close_all(voters)
    finally:
        close_all([fac_plenary, *facs.values(), *(c for group in people.values() for c in group)])

"""Erasure on the real server: connected boards are told at once, and a later sync holds no trace of the name."""

import json

import requests

from app.services.privacy.rights import ANON_NAME


def test_erasure_reaches_connected_boards_and_sync(live_server):
    workshop = live_server.create_workshop(title="Atelier effacement", settings={"private_brainstorm": False})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = live_server.client(code, live_server.token())
    alice_token = live_server.join(code, "Alice Effaçable")
    bob = live_server.client(code, live_server.join(code, "Bob Témoin"))
    alice = live_server.client(code, alice_token)
    try:
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
        idea = alice.call("idea.create", {"column_id": column, "text": "Une ressourcerie", "client_id": "x1"})["idea"]
        assert alice.call("hand.raise")["ok"]
        bob.wait_for(lambda e: e["type"] == "hands.changed")

        r = requests.post(
            f"{live_server.url}/api/v1/workshops/{code}/me/anonymise", headers=live_server.auth(alice_token), timeout=10
        )
        assert r.status_code == 200, r.text
        renamed = bob.wait_for(lambda e: e["type"] == "idea.updated" and e["data"]["id"] == idea["id"])
        assert renamed["data"]["author"]["name"] == ANON_NAME
        hands = bob.wait_for(lambda e: e["type"] == "hands.changed" and e["data"]["queue"][0]["name"] == ANON_NAME)
        erased = bob.wait_for(lambda e: e["type"] == "privacy.erased")
        assert erased["data"] == {"participant_id": hands["data"]["queue"][0]["id"], "ideas": 1}

        for client in (bob, fac):
            replay = json.dumps(client.call("sync", {"since": 1}), ensure_ascii=False)
            assert "Alice Effaçable" not in replay and "Une ressourcerie" in replay
        # Her own replayed command answer no longer carries the name either.
        again = alice.call("idea.create", {"column_id": column, "text": "Une ressourcerie", "client_id": "x1"})
        assert again["idea"]["author"]["name"] == ANON_NAME
    finally:
        for client in (fac, bob, alice):
            client.close()

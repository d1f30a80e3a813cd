"""Privacy routes: the JSON API (bearer token or cookie) and the /w/CODE/my-data page, both backends."""

import json

from sqlalchemy import select

from app.services.privacy.rights import ANON_NAME
from models import Event, Idea, Participant, db
from tests.conftest import api_headers
from tests.unit.privacy_helpers import ALICE, BOB, find_in_database, populate


def _tokens(workshop, join):
    alice, alice_token = join(workshop, ALICE, with_token=True)
    bob, bob_token = join(workshop, BOB, with_token=True)
    return alice, alice_token, bob, bob_token


def test_me_export_anonymise_delete_with_a_bearer_token(client, workshop, join):
    alice, token, bob, _ = _tokens(workshop, join)
    base = f"/api/v1/workshops/{workshop.code}/me"
    r = client.get(base + "/export", headers=api_headers(token))
    assert r.status_code == 200 and r.json["participant"]["id"] == alice.participant_id
    assert "attachment" in r.headers["Content-Disposition"] and r.headers["Cache-Control"] == "no-store"
    r = client.post(base + "/anonymise", headers=api_headers(token))  # empty body is fine with a token
    assert r.status_code == 200 and r.json == {"participant_id": alice.participant_id, "ideas": 0, "name": ANON_NAME}
    r = client.post(base + "/delete", json={"client_id": "del-1"}, headers=api_headers(token))
    assert r.status_code == 200 and r.json["participant_id"] == alice.participant_id
    assert db.session.get(Participant, bob.participant_id).name == BOB


def test_facilitator_routes_by_participant_id(client, workshop, auth, join):
    alice, alice_token, bob, _ = _tokens(workshop, join)
    fac = auth.api_headers()
    base = f"/api/v1/workshops/{workshop.code}/participants"
    r = client.get(f"{base}/{bob.participant_id}/export", headers=fac)
    assert r.status_code == 200 and r.json["participant"]["name"] == BOB
    r = client.post(f"{base}/{bob.participant_id}/anonymise", json={}, headers=fac)
    assert r.status_code == 200 and db.session.get(Participant, bob.participant_id).name == ANON_NAME
    r = client.post(f"{base}/{bob.participant_id}/delete", json={}, headers=fac)
    assert r.status_code == 200 and r.json["ideas"] == 0
    # A participant cannot use the facilitator routes, even on themselves.
    r = client.post(f"{base}/{alice.participant_id}/anonymise", json={}, headers=api_headers(alice_token))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = client.get(f"{base}/999999/export", headers=fac)
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"


def test_privacy_routes_refuse_bad_calls_and_write_nothing(client, workshop, make_user, join, auth):
    alice, token, _, _ = _tokens(workshop, join)
    base = f"/api/v1/workshops/{workshop.code}"
    stranger = auth.api_headers(make_user(name="Autre animateur"))
    cases = [
        ("get", "/me/export", {}, 401),
        ("post", "/me/anonymise", {}, 401),
        ("post", "/me/delete", {"headers": api_headers("jeton-inconnu"), "json": {}}, 401),
        ("post", "/me/anonymise", {"headers": api_headers(token), "json": {"client_id": 42}}, 400),
        ("post", "/me/anonymise", {"headers": api_headers(token), "data": "pas du json"}, 400),
        ("post", "/me/delete", {"headers": stranger, "json": {}}, 403),
        ("post", f"/participants/{alice.participant_id}/delete", {"headers": stranger, "json": {}}, 403),
    ]
    for method, path, kwargs, status in cases:
        r = getattr(client, method)(base + path, **kwargs)
        assert r.status_code == status, (path, r.status_code, r.get_data(as_text=True)[:200])
        assert r.json["error"]["code"] and r.json["error"]["message"]
    # An unknown code is refused as a workshop this token does not open: no telling which codes exist.
    r = client.get("/api/v1/workshops/ZZZZZZZZ/me/export", headers=api_headers(token))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert db.session.get(Participant, alice.participant_id).name == ALICE
    assert db.session.execute(select(Event.type).where(Event.type.like("privacy.%"))).all() == []


def test_cookie_post_needs_a_json_body(client, workshop):
    """A cross-site form cannot send JSON, so a cookie alone never triggers an erasure (even from our own origin;
    a foreign one is refused before, see test_api_csrf.py)."""
    client.post("/join", data={"code": workshop.code, "name": ALICE, "attendance": "room"})
    ours = {"Origin": "http://fabrique.test"}
    r = client.post(
        f"/api/v1/workshops/{workshop.code}/me/anonymise",
        data="confirm=1",
        content_type="application/x-www-form-urlencoded",
        headers=ours,
    )
    assert r.status_code == 400
    assert find_in_database(ALICE) != []
    r = client.post(f"/api/v1/workshops/{workshop.code}/me/anonymise", json={}, headers=ours)
    assert r.status_code == 200 and find_in_database(ALICE) == []


def test_my_data_page_for_a_participant(client, workshop, fac, join):
    client.post("/join", data={"code": workshop.code, "name": ALICE, "attendance": "remote"})
    page = client.get(f"/w/{workshop.code}/my-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ALICE in html and "Télécharger mes données" in html
    assert f"/api/v1/workshops/{workshop.code}/me/export" in html
    # Without the confirmation box nothing happens.
    r = client.post(f"/w/{workshop.code}/my-data/anonymise", data={})
    assert r.status_code == 302 and find_in_database(ALICE) != []
    r = client.post(f"/w/{workshop.code}/my-data/anonymise", data={"anonymise-confirm": "y"}, follow_redirects=True)
    assert "Nom effacé" in r.get_data(as_text=True) and find_in_database(ALICE) == []


def test_my_data_delete_from_the_page_and_closed_workshop(client, workshop, fac, join):
    from app.services.workshop import ideas, session

    session.set_phase(fac, "brainstorm")
    client.post("/join", data={"code": workshop.code, "name": ALICE, "attendance": "room"})
    me = db.session.execute(select(Participant).filter_by(name=ALICE)).scalar_one()
    from app.services.core.actors import Actor

    ideas.create_idea(Actor(workshop, participant=me), workshop.columns[0].id, "Une idée à retirer")
    r = client.post(f"/w/{workshop.code}/my-data/delete", data={"delete-confirm": "y"}, follow_redirects=True)
    assert "1 idée et 0 vote supprimés" in r.get_data(as_text=True)
    assert db.session.execute(select(Idea.id)).all() == []
    session.set_phase(fac, "closed")
    html = client.get(f"/w/{workshop.code}/my-data").get_data(as_text=True)
    assert "L’atelier est clos" in html and "my-data/delete" not in html


def test_my_data_page_for_the_facilitator_on_request(client, workshop, auth, fac, join):
    full = populate(workshop, fac, join)
    auth.login()
    html = client.get(f"/w/{workshop.code}/my-data").get_data(as_text=True)
    assert "Répondre à la demande" in html and BOB in html
    pid = full["bob"].participant_id
    r = client.post(f"/w/{workshop.code}/my-data/request", data={"participant": pid, "action": "export"})
    assert r.status_code == 200 and r.json["participant"]["name"] == BOB
    r = client.post(f"/w/{workshop.code}/my-data/request", data={"participant": pid, "action": "anonymise"})
    assert r.status_code == 302 and db.session.get(Participant, pid).name == BOB  # not confirmed
    r = client.post(
        f"/w/{workshop.code}/my-data/request", data={"participant": pid, "action": "anonymise", "confirm": "y"}
    )
    assert r.status_code == 302 and db.session.get(Participant, pid).name == ANON_NAME


def test_footer_links_to_my_data_on_workshop_pages(client, workshop):
    client.post("/join", data={"code": workshop.code, "name": ALICE, "attendance": "room"})
    html = client.get(f"/w/{workshop.code}").get_data(as_text=True)
    assert f'href="/w/{workshop.code}/my-data"' in html
    assert "/my-data" not in client.get("/").get_data(as_text=True)


def test_unjoined_visitor_is_sent_to_the_join_page(client, workshop):
    r = client.get(f"/w/{workshop.code}/my-data")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/join/{workshop.code}")


def test_roadmap_traceability_survives_erasure_and_purge(client, workshop, auth, fac, join):
    """Sources keep idea texts, never names: the roadmap page and API work the same after erasure and purge."""
    from app.services.privacy.retention import purge_due, retention_ends
    from models import Territory

    full = populate(workshop, fac, join)
    db.session.add(Territory(name="Paris Est Marne et Bois", kind="ept"))
    db.session.commit()
    fac_headers = auth.api_headers()
    r = client.post(
        "/api/v1/roadmaps",
        json={"title": "Feuille de route", "territory": "Paris Est Marne et Bois", "axes": ["Lieux"]},
        headers=fac_headers,
    )
    assert r.status_code == 201, r.json
    roadmap = r.json
    r = client.post(
        f"/api/v1/roadmaps/{roadmap['id']}/actions",
        headers=fac_headers,
        json={"title": "Café associatif", "axis_id": roadmap["axes"][0]["id"], "source_ideas": [full["a1"]["id"]]},
    )
    assert r.status_code == 201, r.json
    client.patch(f"/api/v1/roadmaps/{roadmap['id']}", json={"published": True}, headers=fac_headers)

    def views():
        api = client.get(f"/api/v1/roadmaps/{roadmap['id']}")
        page = client.get(f"/roadmaps/{roadmap['id']}")
        assert api.status_code == 200 and page.status_code == 200
        return json.dumps(api.json, ensure_ascii=False) + page.get_data(as_text=True)

    before = views()
    assert full["a1"]["text"] in before and ALICE not in before
    client.post(
        f"/api/v1/workshops/{workshop.code}/participants/{full['alice'].participant_id}/anonymise",
        json={},
        headers=fac_headers,
    )
    after = views()
    assert full["a1"]["text"] in after and ALICE not in after
    purge_due(retention_ends(workshop))
    purged = views()
    assert full["a1"]["text"] in purged and ALICE not in purged
    assert find_in_database(ALICE, BOB) == []

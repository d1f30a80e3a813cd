"""JSON API (docs/protocol.md §2): happy paths and every kind of bad input, on each backend."""

from sqlalchemy import func, select

from models import Participant, Workshop, db
from tests.conftest import api_headers


def test_auth_token_and_bad_password(client, facilitator):
    r = client.post("/api/v1/auth/token", json={"email": facilitator.email, "password": "motdepasse-solide"})
    assert r.status_code == 200
    assert r.json["user"] == {"id": facilitator.id, "name": facilitator.name, "email": facilitator.email}
    bad = client.post("/api/v1/auth/token", json={"email": facilitator.email, "password": "nope"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "unauthorized"


def test_create_workshop_with_theme_columns(client, auth):
    token = auth.token()
    r = client.post(
        "/api/v1/workshops", json={"title": "Tiers-lieux", "theme": "tiers_lieux"}, headers=api_headers(token)
    )
    assert r.status_code == 201, r.json
    body = r.json
    assert len(body["code"]) >= 8 and not set(body["code"]) & set("01OIL")
    assert body["join_url"].endswith(f"/join/{body['code']}")
    assert [c["title"] for c in body["columns"]][0] == "Besoins d'espaces"
    assert body["settings"]["votes_per_participant"] == 5 and body["phase"] == "setup"


def test_create_workshop_requires_facilitator(client):
    r = client.post("/api/v1/workshops", json={"title": "x", "theme": "jo2024"})
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"
    r = client.post("/api/v1/workshops", json={"title": "x", "theme": "jo2024"}, headers=api_headers("f.forged"))
    assert r.status_code == 401


def test_bad_inputs_give_4xx_and_write_nothing(client, auth):
    headers = auth.api_headers()
    cases = [
        ({}, 400),
        ({"title": "x"}, 400),
        ({"title": "x", "theme": "inconnu"}, 400),
        ({"title": 42, "theme": "jo2024"}, 400),
        ({"title": "x", "theme": "jo2024", "mode": "nowhere"}, 400),
        ({"title": "x", "theme": "jo2024", "settings": {"votes_per_participant": "five"}}, 400),
        ({"title": "x", "theme": "jo2024", "settings": {"unknown": 1}}, 400),
        ({"title": "x", "theme": "jo2024", "starts_at": "demain"}, 400),
        ({"title": "x", "theme": "jo2024", "columns": []}, 400),
        ({"title": "x" * 201, "theme": "jo2024"}, 400),
    ]
    for body, status in cases:
        r = client.post("/api/v1/workshops", json=body, headers=headers)
        assert r.status_code == status, (body, r.json)
        assert r.json["error"]["code"] == "invalid" and r.json["error"]["message"]
    r = client.post("/api/v1/workshops", data="{not json", headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid"
    r = client.post(
        "/api/v1/workshops", data="x" * (10 * 1024 * 1024), headers={**headers, "Content-Type": "application/json"}
    )
    assert r.status_code == 413 and r.json["error"]["code"] == "too_large"
    assert db.session.execute(select(func.count(Workshop.id))).scalar_one() == 0


def test_join_and_snapshot(client, workshop):
    r = client.post(
        f"/api/v1/workshops/{workshop.code}/participants",
        json={"name": "  Alice  ", "organisation": "Coopaname", "attendance": "room"},
    )
    assert r.status_code == 201, r.json
    token = r.json["token"]
    assert r.json["participant"]["name"] == "Alice"
    snap = client.get(f"/api/v1/workshops/{workshop.code}", headers=api_headers(token)).json
    assert snap["workshop"]["code"] == workshop.code
    assert snap["me"]["role"] == "participant" and snap["me"]["votes_left"] == 5
    assert snap["ideas"] == [] and snap["seq"] == 0
    assert {"queue", "speaking"} <= set(snap["hands"])
    # lower-case code with spaces still finds the workshop
    assert client.get(f"/api/v1/workshops/{workshop.code.lower()}", headers=api_headers(token)).status_code == 200


def test_join_errors(client, workshop):
    url = f"/api/v1/workshops/{workshop.code}/participants"
    assert client.post(url, json={"name": ""}).status_code == 400
    assert client.post(url, json={"name": "x" * 81}).status_code == 400
    assert client.post(url, json={"name": "Bob", "attendance": "garden"}).status_code == 400
    assert client.post(url, json=["Bob"]).status_code == 400
    r = client.post("/api/v1/workshops/ZZZZZZZZ/participants", json={"name": "Bob"})
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    assert db.session.execute(select(func.count(Participant.id))).scalar_one() == 0


def test_failed_joins_are_rate_limited_but_successes_are_not(client, workshop):
    for _ in range(50):
        assert client.post(f"/api/v1/workshops/{workshop.code}/participants", json={"name": "P"}).status_code == 201
    statuses = [
        client.post("/api/v1/workshops/WRONGCDE/participants", json={"name": "P"}).status_code for _ in range(12)
    ]
    assert statuses[:10] == [404] * 10 and statuses[-1] == 429
    r = client.post("/api/v1/workshops/WRONGCDE/participants", json={"name": "P"})
    assert r.json["error"]["code"] == "rate_limited"


def test_snapshot_access_rules(client, workshop, make_workshop, make_user, auth):
    other = make_workshop(title="Autre")
    r = client.post(f"/api/v1/workshops/{other.code}/participants", json={"name": "Eve"})
    eve = r.json["token"]
    r = client.get(f"/api/v1/workshops/{workshop.code}", headers=api_headers(eve))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/workshops/{workshop.code}").status_code == 401
    stranger = make_user(name="Autre animateur")
    r = client.get(f"/api/v1/workshops/{workshop.code}", headers=auth.api_headers(stranger))
    assert r.status_code == 403


def test_patch_workshop(client, workshop, auth):
    headers = auth.api_headers()
    r = client.patch(
        f"/api/v1/workshops/{workshop.code}",
        json={"title": "Nouveau titre", "settings": {"votes_per_participant": 8}, "mode": "remote"},
        headers=headers,
    )
    assert r.status_code == 200, r.json
    assert r.json["title"] == "Nouveau titre" and r.json["settings"]["votes_per_participant"] == 8
    assert r.json["settings"]["max_votes_per_idea"] == 3
    r = client.patch(f"/api/v1/workshops/{workshop.code}", json={"settings": {"vote_method": "x"}}, headers=headers)
    assert r.status_code == 400
    participant = client.post(f"/api/v1/workshops/{workshop.code}/participants", json={"name": "P"}).json["token"]
    r = client.patch(f"/api/v1/workshops/{workshop.code}", json={"title": "pirate"}, headers=api_headers(participant))
    assert r.status_code == 403
    db.session.refresh(workshop)
    assert workshop.title == "Nouveau titre"


def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_api_route_is_json(client):
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"

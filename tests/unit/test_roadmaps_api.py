"""Roadmap JSON API (docs/protocol.md §2) and pages: wiring, visibility, errors, CSRF-protected forms."""

import csv
import io

import pytest
from sqlalchemy import func, select

from app.services.core.actors import Actor
from models import Action, ActionChange, Roadmap, db
from tests.conftest import api_headers
from tests.unit.roadmap_helpers import AXES, make_territory, voted_board


@pytest.fixture
def roadmap(client, fac_headers):
    make_territory()
    body = {"title": "Programme ESS 2026", "territory": "Grand Paris Sud Est Avenir", "year": 2026, "axes": AXES}
    r = client.post("/api/v1/roadmaps", json=body, headers=fac_headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_create_returns_axes_and_stays_private(client, fac_headers, roadmap):
    assert [a["title"] for a in roadmap["axes"]] == AXES and all(isinstance(a["id"], int) for a in roadmap["axes"])
    assert roadmap["published"] is False and roadmap["territory"]["name"] == "Grand Paris Sud Est Avenir"
    assert client.get(f"/api/v1/roadmaps/{roadmap['id']}").status_code == 404
    assert client.get("/api/v1/roadmaps").get_json() == {"roadmaps": []}
    assert client.get(f"/roadmaps/{roadmap['id']}").status_code == 404
    listed = client.get("/api/v1/roadmaps", headers=fac_headers).get_json()["roadmaps"]
    assert [r["id"] for r in listed] == [roadmap["id"]]


def test_creation_needs_a_facilitator(client):
    make_territory()
    r = client.post("/api/v1/roadmaps", json={"title": "X", "territory": "Grand Paris Sud Est Avenir", "axes": ["A"]})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    r = client.post("/api/v1/roadmaps", json={"title": "X", "axes": ["A"]}, headers=api_headers("f.forged"))
    assert r.status_code == 401


def test_publish_then_anyone_reads_actions_with_sources(client, fac_headers, roadmap, facilitator, workshop, join):
    ideas = voted_board(Actor(workshop, user=facilitator), join)
    rid, axis = roadmap["id"], roadmap["axes"][0]["id"]
    body = {"title": "Annuaire ESS", "axis_id": axis, "lead": "CRESS IDF", "source_ideas": [ideas[0]["id"]]}
    r = client.post(f"/api/v1/roadmaps/{rid}/actions", json=body, headers=fac_headers)
    assert r.status_code == 201
    assert r.get_json()["sources"][0] == {
        **r.get_json()["sources"][0],
        "idea_id": ideas[0]["id"],
        "text": ideas[0]["text"],
        "votes": 3,
        "workshop": {**r.get_json()["sources"][0]["workshop"], "code": workshop.code, "title": workshop.title},
    }
    assert client.patch(f"/api/v1/roadmaps/{rid}", json={"published": True}, headers=fac_headers).status_code == 200
    public = client.get(f"/api/v1/roadmaps/{rid}").get_json()
    source = public["actions"][0]["sources"][0]
    # A visitor gets the key, not the join code of a workshop in progress (issue 19).
    assert (source["idea_id"], source["votes"], source["workshop"]["code"]) == (ideas[0]["id"], 3, None)
    assert "starts_at" in source["workshop"]
    page = client.get(f"/roadmaps/{rid}").get_data(as_text=True)
    assert "Annuaire ESS" in page and "<progress" in page and "style=" not in page
    trace = client.get(f"/roadmaps/{rid}/actions/{public['actions'][0]['id']}").get_data(as_text=True)
    assert ideas[0]["text"] in trace and "3 gommettes" in trace


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": "X", "axis_id": 987654}, 400, "axis_id"),
        ({"title": "", "axis_id": None}, 400, "title"),
        ({"title": "X", "axis_id": "AXIS", "progress": 150}, 400, "progress"),
        ({"title": "X", "axis_id": "AXIS", "status": "fini"}, 400, "status"),
        ({"title": "X", "axis_id": "AXIS", "source_ideas": [123456]}, 400, "source_ideas"),
    ],
)
def test_bad_actions_are_refused_with_the_field(client, fac_headers, roadmap, body, status, field):
    if body.get("axis_id") == "AXIS":
        body = {**body, "axis_id": roadmap["axes"][0]["id"]}
    r = client.post(f"/api/v1/roadmaps/{roadmap['id']}/actions", json=body, headers=fac_headers)
    assert r.status_code == status
    assert r.get_json()["error"]["field"] == field
    assert db.session.execute(select(func.count(Action.id))).scalar_one() == 0


def test_idea_from_a_workshop_i_do_not_lead_is_forbidden(client, fac_headers, roadmap, make_user, make_workshop, join):
    other = make_user(name="Autre")
    foreign = make_workshop(user=other)
    ideas = voted_board(Actor(foreign, user=other), join)
    body = {"title": "X", "axis_id": roadmap["axes"][0]["id"], "source_ideas": [ideas[0]["id"]]}
    r = client.post(f"/api/v1/roadmaps/{roadmap['id']}/actions", json=body, headers=fac_headers)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert db.session.execute(select(func.count(Action.id))).scalar_one() == 0


def test_patch_action_records_history_and_rejects_150(client, fac_headers, roadmap):
    rid = roadmap["id"]
    action = client.post(
        f"/api/v1/roadmaps/{rid}/actions", json={"title": "X", "axis_id": roadmap["axes"][0]["id"]}, headers=fac_headers
    ).get_json()
    url = f"/api/v1/roadmaps/{rid}/actions/{action['id']}"
    r = client.patch(url, json={"status": "in_progress", "progress": 150}, headers=fac_headers)
    assert r.status_code == 400 and r.get_json()["error"]["field"] == "progress"
    assert client.get(url, headers=fac_headers).get_json()["action"]["status"] == "proposed"
    r = client.patch(url, json={"status": "in_progress", "progress": 50}, headers=fac_headers)
    assert r.status_code == 200 and r.get_json()["progress"] == 50
    history = client.get(url, headers=fac_headers).get_json()["history"]
    assert [(h["field"], h["new"]) for h in history][-2:] == [("status", "En cours"), ("progress", "50 %")]
    assert client.patch(url, json={"progress": 10}).status_code == 401
    assert client.patch(f"/api/v1/roadmaps/{rid}/actions/999999", json={}, headers=fac_headers).status_code == 404


def test_export_and_import_round_trip_over_http(client, fac_headers, roadmap):
    rid = roadmap["id"]
    for title in ("Annuaire", "Fonds"):
        client.post(
            f"/api/v1/roadmaps/{rid}/actions",
            json={"title": title, "axis_id": roadmap["axes"][0]["id"]},
            headers=fac_headers,
        )
    r = client.get(f"/api/v1/roadmaps/{rid}/export?format=csv&sep=comma", headers=fac_headers)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert client.get(f"/api/v1/roadmaps/{rid}/export?format=csv").status_code == 404  # still private
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    rows[2][9] = "150"
    bad = _csv(rows)
    r = client.post(f"/api/v1/roadmaps/{rid}/import", data=bad, headers={**fac_headers, "Content-Type": "text/csv"})
    assert r.status_code == 400
    assert r.get_json()["error"] == {
        "code": "invalid",
        "message": "Ligne 3 : « Avancement » doit être entre 0 et 100.",
        "row": 3,
        "field": "progress",
    }
    changes = db.session.execute(select(func.count(ActionChange.id))).scalar_one()
    rows[2][9] = "75"
    r = client.post(
        f"/api/v1/roadmaps/{rid}/import", data=_csv(rows), headers={**fac_headers, "Content-Type": "text/csv"}
    )
    assert r.get_json() == {"rows": 2, "updated": 1}
    assert db.session.execute(select(func.count(ActionChange.id))).scalar_one() == changes + 1
    for fmt in ("md", "json"):
        assert client.get(f"/api/v1/roadmaps/{rid}/export?format={fmt}", headers=fac_headers).status_code == 200
    assert (
        client.get(f"/api/v1/roadmaps/{rid}/export?format=xls", headers=fac_headers).get_json()["error"]["field"]
        == "format"
    )


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_facilitator_pages_create_edit_publish(client, auth):
    territory = make_territory()
    auth.login()
    r = client.post(
        "/roadmaps/",
        data={"title": "Feuille GPSEA", "territory": str(territory.id), "year": "2026", "axes": "A\nB"},
    )
    assert r.status_code == 302
    rid = int(r.headers["Location"].rstrip("/").split("/")[-2])
    page = client.get(f"/roadmaps/{rid}/actions/new")
    assert page.status_code == 200 and "Créteil" in page.get_data(as_text=True)
    axes = [a.id for a in db.session.get(Roadmap, rid).axes]
    form = {"title": "Annuaire", "axis_id": str(axes[1]), "status": "planned", "progress": "20", "cities": ["Créteil"],
            "due": "T4 2026", "milestones": "2026-10-01 Lancement\n[x] 2026-06-01 Cadrage", "partners": "France Active"}  # fmt: skip
    assert client.post(f"/roadmaps/{rid}/actions/new", data=form).status_code == 302
    action = db.session.execute(select(Action)).scalar_one()
    assert (action.cities, action.due, action.milestones[0]["done"]) == (["Créteil"], "2026-T4", True)
    bad = client.post(f"/roadmaps/{rid}/actions/{action.id}/edit", data={**form, "milestones": "bientôt Lancement"})
    assert bad.status_code == 200 and "date de jalon invalide" in bad.get_data(as_text=True)
    assert client.post(f"/roadmaps/{rid}/publish", data={}).status_code == 302
    auth.logout()
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/roadmaps/{rid}?view=timeline").status_code == 200
    for view in ("cities", "status", "axes"):
        assert "Annuaire" in client.get(f"/roadmaps/{rid}?view={view}").get_data(as_text=True)
    assert client.get(f"/roadmaps/{rid}/manage").status_code == 302  # login required


def test_a_participant_token_reads_like_a_visitor(client, fac_headers, roadmap, workshop, join):
    _, token = join(workshop, "Alice", with_token=True)
    url = f"/api/v1/roadmaps/{roadmap['id']}"
    assert client.get(url, headers=api_headers(token)).status_code == 404
    client.patch(url, json={"published": True}, headers=fac_headers)
    assert client.get(url, headers=api_headers(token)).status_code == 200
    assert client.patch(url, json={"published": False}, headers=api_headers(token)).status_code == 401

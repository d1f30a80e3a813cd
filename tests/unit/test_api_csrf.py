"""Issue 20: a write through /api/v1 authenticated by the session cookie comes from our pages or is refused.

Bearer-token clients carry no ambient credential and are not concerned."""

import csv
import io
import re

import pytest

from app.services.roadmaps.import_export import EXPORT_COLUMNS
from models import Action, Idea, db
from tests.conftest import api_headers
from tests.unit.roadmap_helpers import make_roadmap

OURS = "http://fabrique.test"  # the test client's host (SERVER_NAME)
FOREIGN = "https://evil.example"


@pytest.fixture
def roadmap(facilitator):
    roadmap = make_roadmap(facilitator)
    from app.services.roadmaps.operations import create_action

    create_action(facilitator, roadmap.id, {"title": "Annuaire ESS", "axis_id": roadmap.axes[0].id})
    return roadmap


def _import_body(client, roadmap, progress: int, headers=None) -> str:
    export = client.get(f"/api/v1/roadmaps/{roadmap.id}/export?format=csv&sep=comma", headers=headers or {})
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    rows[1][EXPORT_COLUMNS.index("progress")] = str(progress)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _import(client, roadmap, body: str, headers: dict):
    return client.post(f"/api/v1/roadmaps/{roadmap.id}/import", data=body, content_type="text/plain", headers=headers)


def _progress(roadmap) -> int:
    db.session.expire_all()
    return db.session.get(Action, roadmap.actions[0].id).progress


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": FOREIGN},
        {"Origin": "null"},
        {"Origin": FOREIGN, "Referer": f"{OURS}/roadmaps/1/manage"},
        {"Referer": f"{FOREIGN}/attack.html"},
        {},  # neither Origin nor Referer: only the CSRF token would do
        {"X-CSRFToken": "forged"},
        {"Origin": "http://fabrique.test.evil.example"},
    ],
    ids=["origin", "null", "origin-wins", "referer", "none", "forged-token", "lookalike"],
)
def test_a_cookie_write_from_elsewhere_is_refused(client, auth, roadmap, headers):
    auth.login()
    body = _import_body(client, roadmap, 60)
    r = _import(client, roadmap, body, headers)
    assert r.status_code == 403, r.get_data(as_text=True)
    error = r.get_json()["error"]
    assert error["code"] == "forbidden" and "X-CSRFToken" in error["message"]
    assert _progress(roadmap) == 0


def test_a_cookie_write_from_our_pages_or_with_the_token_goes_through(app, client, auth, roadmap):
    auth.login()
    assert _import(client, roadmap, _import_body(client, roadmap, 10), {"Origin": OURS}).status_code == 200
    assert _progress(roadmap) == 10
    referer = {"Referer": f"{OURS}/roadmaps/{roadmap.id}/manage"}
    assert _import(client, roadmap, _import_body(client, roadmap, 20), referer).status_code == 200
    assert _progress(roadmap) == 20
    page = client.get(f"/roadmaps/{roadmap.id}/manage").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)  # the logout form's, in every page
    assert _import(client, roadmap, _import_body(client, roadmap, 30), {"X-CSRFToken": token[1]}).status_code == 200
    assert _progress(roadmap) == 30
    app.config["ALLOWED_ORIGINS"] = ["https://partenaire.example"]
    partner = {"Origin": "https://partenaire.example"}
    assert _import(client, roadmap, _import_body(client, roadmap, 40), partner).status_code == 200
    assert _progress(roadmap) == 40
    # Reading is never concerned.
    assert client.get(f"/api/v1/roadmaps/{roadmap.id}", headers={"Origin": FOREIGN}).status_code == 200


def test_bearer_clients_need_no_origin_nor_token(client, auth, roadmap):
    headers = {**auth.api_headers(), "Origin": FOREIGN}
    r = _import(client, roadmap, _import_body(client, roadmap, 50, headers), headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert _progress(roadmap) == 50
    r = client.patch(f"/api/v1/roadmaps/{roadmap.id}", json={"title": "Renommée"}, headers=auth.api_headers())
    assert r.status_code == 200


def test_a_participant_cookie_is_guarded_too(app, client, workshop, fac):
    from app.services.workshop.session import set_phase

    set_phase(fac, "brainstorm")
    client.post("/join", data={"code": workshop.code, "name": "Alice", "attendance": "room"})
    url = f"/api/v1/workshops/{workshop.code}/ideas"
    body = {"column_id": workshop.columns[0].id, "text": "Posée depuis un autre site"}
    r = client.post(url, json=body, headers={"Origin": FOREIGN})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert db.session.query(Idea).count() == 0
    assert client.post(url, json=body, headers={"Origin": OURS}).status_code == 201
    # A request without the cookie borrows no credential: nothing to guard, whatever the origin.
    fresh = app.test_client()
    r = fresh.post(
        f"/api/v1/workshops/{workshop.code}/participants",
        json={"name": "Bob", "attendance": "remote"},
        headers={"Origin": FOREIGN},
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    ideas = fresh.post(url, json=body, headers={**api_headers(r.get_json()["token"]), "Origin": FOREIGN})
    assert ideas.status_code == 201

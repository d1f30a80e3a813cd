"""Processes (démarches, issue 21): sessions in order, participation by organisation and commune, themes followed,
and what changed in the roadmap since the previous session."""

from datetime import timedelta

from app.services.core.actors import Actor
from app.services.days.processes import process_view
from app.services.roadmaps.operations import create_action
from app.services.workshop.session import set_phase
from app.services.workshop.workshops import create_workshop
from models import Action, Workshop, db, utcnow
from tests.unit.day_helpers import day_join, make_day
from tests.unit.roadmap_helpers import CITIES, make_roadmap, make_territory


def test_a_process_gathers_sessions_and_says_what_changed_since_last_time(client, auth, facilitator, fac_headers, join):
    territory = make_territory()
    roadmap = make_roadmap(facilitator, territory)
    r = client.post(
        "/api/v1/processes",
        json={"title": "Feuille de route ESS 2022", "territory": territory.name, "roadmap_id": roadmap.id},
        headers=fac_headers,
    )
    assert r.status_code == 201, r.json
    pid = r.json["id"]
    first = create_workshop(
        facilitator, {"title": "Réunion de lancement", "theme": "custom", "location": f"Mairie de {CITIES[0]}"}
    )
    join(first, "Amina", organisation="Coopaname")
    join(first, "Bruno", organisation="CRESS")
    set_phase(Actor(first, user=facilitator), "closed")
    first.closed_at = utcnow() - timedelta(days=30)
    db.session.commit()
    action = create_action(facilitator, roadmap.id, {"title": "Un annuaire ESS", "axis_id": roadmap.axes[0].id})
    action_id = action["id"] if isinstance(action, dict) else action.id
    for change in db.session.get(Action, action_id).changes:  # made ten days ago
        change.at = utcnow() - timedelta(days=10)
    db.session.commit()
    day, (a, b, _c), _hall = make_day(facilitator)
    day.location = f"UPEC, {CITIES[1]}"
    db.session.commit()
    _p, token, _w = day_join(day, "Amina", workshop=a, organisation="Coopaname")
    day_join(day, "Chloé", workshop=b, organisation="Probonolab")
    for body in ({"workshop_code": first.code}, {"day_id": day.id}):
        r = client.post(f"/api/v1/processes/{pid}/sessions", json=body, headers=fac_headers)
        assert r.status_code == 201, r.json
    again = client.post(f"/api/v1/processes/{pid}/sessions", json={"day_id": day.id}, headers=fac_headers)
    assert again.status_code == 409
    both = client.post(
        f"/api/v1/processes/{pid}/sessions", json={"day_id": day.id, "workshop_code": first.code}, headers=fac_headers
    )
    assert both.status_code == 400
    view = client.get(f"/api/v1/processes/{pid}", headers=fac_headers).json
    assert [s["title"] for s in view["sessions"]] == ["Réunion de lancement", "Journée ESS à l'UPEC"]
    assert [s["participants"] for s in view["sessions"]] == [2, 2]
    assert {o["name"]: o["sessions"] for o in view["organisations"]} == {
        "CRESS": [1, 0],
        "Coopaname": [1, 1],
        "Probonolab": [0, 1],
    }
    assert view["not_heard"] == CITIES[2:]
    assert [s["communes"] for s in view["sessions"]] == [[CITIES[0]], [CITIES[1]]]
    assert [c["action"] for c in view["sessions"][1]["since_previous"]] == ["Un annuaire ESS"]
    assert any(t["label"] == "Coopératives éphémères" and t["sessions"] == [2] for t in view["themes"])
    assert view["since_last"] == []  # nothing since the day
    create_action(facilitator, roadmap.id, {"title": "Une monnaie locale", "axis_id": roadmap.axes[0].id})
    since = client.get(f"/api/v1/processes/{pid}", headers=fac_headers).json["since_last"]
    assert {c["action"] for c in since} == {"Une monnaie locale"}
    assert client.get(f"/processes/{pid}").status_code == 302  # a page for logged-in facilitators
    auth.login()
    page = client.get(f"/processes/{pid}").get_data(as_text=True)
    for part in ("Depuis la dernière fois", "Une monnaie locale", "Probonolab", "Pas encore entendues", CITIES[2]):
        assert part in page, part


def test_only_its_facilitator_reads_a_process(client, auth, facilitator, make_user, fac_headers):
    territory = make_territory()
    pid = client.post("/api/v1/processes", json={"title": "D", "territory": territory.name}, headers=fac_headers).json[
        "id"
    ]
    other = auth.api_headers(make_user(name="Autre", email="autre@example.org"))
    assert client.get(f"/api/v1/processes/{pid}", headers=other).status_code == 403
    assert client.get("/api/v1/processes/999999", headers=fac_headers).status_code == 404
    foreign = create_workshop(make_user(name="Tiers", email="tiers@example.org"), {"title": "X", "theme": "custom"})
    r = client.post(f"/api/v1/processes/{pid}/sessions", json={"workshop_code": foreign.code}, headers=fac_headers)
    assert r.status_code == 403
    assert process_view(facilitator, pid)["sessions"] == []


def test_the_demo_is_the_21_november_day_inside_the_pemb_process(app):
    from app.demo import PROCESS_TITLE, load_demo
    from models import Day, Demarche, User

    first = load_demo()
    second = load_demo()  # idempotent
    assert first == second
    assert Day.query.count() == 1 and Demarche.query.count() == 1
    day = Day.query.one()
    roles = sorted(w.day_role for w in Workshop.query.filter_by(day_id=day.id))
    assert roles == ["atelier"] * 4 + ["plenary"]
    user = User.query.filter_by(email=first["email"]).one()
    view = process_view(user, Demarche.query.filter_by(title=PROCESS_TITLE).one().id)
    assert [s["code"] for s in view["sessions"]] == [day.code] and view["roadmap_id"] is not None
    assert len(view["not_heard"]) == 13  # the day was at UPEC, in Créteil: no PEMB commune hosted a session yet

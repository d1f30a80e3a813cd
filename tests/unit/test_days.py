"""Days (issue 21): one code for the day, ateliers with places, the plenary without a new join, isolation
between ateliers by every path, restitution cards in closing order, the trace plenary → atelier, the report."""


import pytest

from app.extensions import socketio
from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden, PhaseError
from app.services.days import restitution
from app.services.days.days import day_overview, move
from app.services.days.report import export_day
from app.services.roadmaps.promote import promote_to_action
from app.services.workshop.ideas import create_idea
from app.services.workshop.session import set_phase
from app.services.workshop.votes import cast_vote
from app.services.workshop.workshops import create_workshop, participant_for_token
from models import Idea, Workshop, db
from tests.conftest import api_headers
from tests.office import to_pdf
from tests.unit.day_helpers import day_join, make_day
from tests.unit.roadmap_helpers import make_roadmap, write_minutes
from tests.unit.test_minutes_odt import assert_valid_odf12


def _run(fac_user, atelier, people, texts):
    """Brainstorm → vote (dots on the ideas in order: 3, 2, 1…) → closed."""
    fac = Actor(atelier, user=fac_user)
    set_phase(fac, "brainstorm")
    column = atelier.columns[0].id
    ideas = [create_idea(people[i % len(people)], column, t)["idea"] for i, t in enumerate(texts)]
    set_phase(fac, "vote")
    for n, idea in enumerate(ideas):
        for _ in range(max(len(ideas) - n, 0)):
            cast_vote(people[n % len(people)], idea["id"])
    set_phase(fac, "closed")
    return ideas


def test_api_creates_a_day_its_workshops_and_joins_once(client, facilitator, fac_headers):
    r = client.post(
        "/api/v1/days", json={"title": "Journée ESS", "date": "2026-11-21", "location": "UPEC"}, headers=fac_headers
    )
    assert r.status_code == 201, r.json
    day = r.json
    assert set(day) >= {"id", "code", "join_url"} and day["join_url"].endswith(f"/d/{day['code']}")
    codes = []
    for title, role in (("JO 2024", "atelier"), ("Coopératives", "atelier"), ("Plénière", "plenary")):
        body = {"title": title, "theme": "custom", "day_id": day["id"], "role": role, "capacity": 2}
        r = client.post("/api/v1/workshops", json=body, headers=fac_headers)
        assert r.status_code == 201, r.json
        assert r.json["role"] == role and r.json["day_id"] == day["id"]
        codes.append(r.json["code"])
    again = client.post(
        "/api/v1/workshops",
        json={"title": "Bis", "theme": "custom", "day_id": day["id"], "role": "plenary"},
        headers=fac_headers,
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    r = client.post(
        f"/api/v1/days/{day['code']}/participants",
        json={"name": "Zoé", "attendance": "remote", "organisation": "Coopaname"},
    )
    assert r.status_code == 201, r.json
    assert set(r.json) == {"participant", "token", "workshop"} and r.json["workshop"]["code"] == codes[0]
    assert r.json["participant"]["name"] == "Zoé"
    # assigned where there is most room: the second atelier now
    r2 = client.post(f"/api/v1/days/{day['code']}/participants", json={"name": "Yann", "attendance": "room"})
    assert r2.json["workshop"]["code"] == codes[1]
    r3 = client.post(
        f"/api/v1/days/{day['code']}/participants", json={"name": "Xavier", "attendance": "room", "workshop": codes[0]}
    )
    assert r3.status_code == 201
    full = client.post(
        f"/api/v1/days/{day['code']}/participants", json={"name": "Wanda", "attendance": "room", "workshop": codes[0]}
    )
    assert full.status_code == 409 and "complet" in full.json["error"]["message"]
    overview = client.get(f"/api/v1/days/{day['id']}", headers=fac_headers).json
    assert [w["people"] for w in overview["workshops"]] == [2, 1, 0]
    assert overview["workshops"][0]["places_left"] == 0 and overview["people"] == 3


def test_only_the_days_facilitators_add_workshops_and_see_it(client, auth, facilitator, make_user):
    day, _ateliers, _hall = make_day(facilitator)
    other = make_user(name="Autre", email="autre@example.org")
    headers = auth.api_headers(other)
    r = client.post("/api/v1/workshops", json={"title": "Intrus", "theme": "custom", "day_id": day.id}, headers=headers)
    assert r.status_code == 403
    assert client.get(f"/api/v1/days/{day.id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/days/{day.id}").status_code == 401
    assert client.get(f"/api/v1/days/{day.id}/export?format=md", headers=headers).status_code == 403
    bad = client.post("/api/v1/workshops", json={"title": "X", "theme": "custom", "role": "plenary"}, headers=headers)
    assert bad.status_code == 400


def test_a_participant_of_atelier_a_cannot_read_or_write_atelier_b_by_any_path(app, client, facilitator):
    day, (a, b, _c), hall = make_day(facilitator)
    _alice, token, entered = day_join(day, "Alice", workshop=a)
    assert entered.id == a.id
    ids = (b.id, hall.id)
    a_code, b_code, hall_code, day_code = a.code, b.code, hall.code, day.code
    h = api_headers(token)
    assert client.get(f"/api/v1/workshops/{a.code}", headers=h).status_code == 200
    column_b = b.columns[0].id
    for method, path, body in (
        ("get", f"/api/v1/workshops/{b.code}", None),
        ("get", f"/api/v1/workshops/{b.code}/events?since=0", None),
        ("get", f"/api/v1/workshops/{b.code}/minutes", None),
        ("post", f"/api/v1/workshops/{b.code}/ideas", {"column_id": column_b, "text": "intrusion"}),
        ("get", f"/api/v1/workshops/{hall.code}", None),  # not before the move
        ("get", f"/api/v1/days/{day.id}/restitution", None),
        ("get", f"/api/v1/days/{day.id}", None),
    ):
        r = getattr(client, method)(path, json=body, headers=h)
        assert r.status_code in (401, 403), (path, r.status_code, r.json)
    sock = socketio.test_client(app, auth={"token": token, "workshop": b_code})
    assert not sock.is_connected()
    mine = socketio.test_client(app, auth={"token": token, "workshop": a_code})
    assert mine.is_connected()
    mine.disconnect()
    with pytest.raises(Forbidden):
        participant_for_token(token, db.session.get(Workshop, ids[0]))
    # moving to another atelier is refused; to the plenary it works, with the same token
    r = client.post(f"/api/v1/days/{day_code}/move", json={"workshop": b_code}, headers=h)
    assert r.status_code == 403
    r = client.post(f"/api/v1/days/{day_code}/move", json={}, headers=h)
    assert r.status_code == 200 and r.json["workshop"]["code"] == hall_code
    assert client.get(f"/api/v1/workshops/{hall_code}", headers=h).status_code == 200
    assert client.get(f"/api/v1/workshops/{b_code}", headers=h).status_code == 403
    assert Idea.query.filter_by(workshop_id=ids[0]).count() == 0
    # a workshop token is no day token
    r = client.post(f"/api/v1/days/{day_code}/move", json={}, headers=api_headers("nimportequoi"))
    assert r.status_code == 401


def test_moving_twice_answers_the_same_row_and_a_closed_plenary_refuses(facilitator):
    day, (a, _b, _c), hall = make_day(facilitator)
    _alice, token, _ = day_join(day, "Alice", workshop=a)
    first, _ = move(day.code, token, {})
    again, _ = move(day.code, token, {"workshop": "plenary"})
    assert first.id == again.id
    _bob, token_b, _ = day_join(day, "Bob", workshop=a)
    set_phase(Actor(hall, user=facilitator), "closed")
    with pytest.raises(PhaseError):
        move(day.code, token_b, {})


def test_restitution_cards_arrive_in_closing_order_and_the_trace_names_both(
    client, facilitator, published, fac_headers
):
    day, (a, b, c), hall = make_day(facilitator)
    people = {w.id: [day_join(day, f"P{w.id}-{i}", workshop=w)[0] for i in range(3)] for w in (a, b, c)}
    write_minutes(
        b, "# Coopératives\n\n/décision On lance une CAE éphémère\n- /action Trouver un local @amina due:2026-12-15\n"
    )
    set_phase(Actor(hall, user=facilitator), "brainstorm")
    _run(facilitator, b, people[b.id], ["Une CAE pour les jeunes", "Un tiers-lieu coopératif"])
    _run(facilitator, c, people[c.id], ["Banque de compétences", "Parrainage"])
    _run(facilitator, a, people[a.id], ["Billetterie solidaire", "Achats ESS aux JO", "Bénévoles formés"])
    r = client.get(f"/api/v1/days/{day.id}/restitution", headers=fac_headers)
    cards = r.json["ateliers"]
    assert [card["code"] for card in cards] == [b.code, c.code, a.code]
    assert cards[0]["results"][0]["text"] == "Une CAE pour les jeunes" and cards[0]["results"][0]["rank"] == 1
    assert cards[0]["results"][0]["votes"] == 2
    assert cards[0]["decisions"] == ["On lance une CAE éphémère"]
    assert cards[0]["actions"][0]["text"].startswith("Trouver un local")
    # live: one restitution.card per atelier in the plenary's log, in the same order
    events = [
        e for o in published for e in o.events if e.workshop_id == hall.id and e.envelope["type"] == "restitution.card"
    ]
    assert [e.envelope["data"]["code"] for e in events] == [b.code, c.code, a.code]
    # the plenary votes across the copies, then promotes one
    copies = Idea.query.filter_by(workshop_id=hall.id).order_by(Idea.id).all()
    assert len(copies) == 7 and all(i.source_idea_id for i in copies) and all(i.author_id is None for i in copies)
    plenary_fac = Actor(hall, user=facilitator)
    late, _token, _ = day_join(day, "Arrivée tard", workshop=hall)  # joins the plenary directly
    set_phase(plenary_fac, "vote")
    target = next(i for i in copies if i.text == "Banque de compétences")
    cast_vote(late, target.id)
    set_phase(plenary_fac, "discuss")
    roadmap = make_roadmap(facilitator)
    axis = roadmap.axes[0].id
    answer = promote_to_action(plenary_fac, {"idea_id": target.id, "roadmap_id": roadmap.id, "axis_id": axis})
    trace = client.get(f"/api/v1/roadmaps/{roadmap.id}", headers=fac_headers).json
    action = next(x for x in trace["actions"] if x["id"] == answer["action"]["id"])
    places = {s["workshop"]["code"] for s in action["sources"]}
    assert places == {hall.code, c.code}
    # the report lists it
    body, _mime, _name = export_day(facilitator, day.id, "md")
    assert "Banque de compétences" in body and "## Actions créées" in body and action["title"] in body


def test_a_private_brainstorm_idea_never_reaches_the_plenary_before_its_reveal(client, facilitator, fac_headers):
    day, (a, _b, _c), hall = make_day(facilitator)
    alice, _token, _ = day_join(day, "Alice", workshop=a)
    set_phase(Actor(a, user=facilitator), "brainstorm")
    create_idea(alice, a.columns[0].id, "Secret d'atelier")
    card = restitution.request_restitution(facilitator, a.code, day)
    assert card["results"] == []
    assert Idea.query.filter_by(workshop_id=hall.id).count() == 0
    r = client.get(f"/api/v1/days/{day.id}/restitution", headers=fac_headers)
    assert "Secret" not in r.get_data(as_text=True)
    # once revealed and closed, it arrives (re-sent: same position, no duplicate copy)
    set_phase(Actor(a, user=facilitator), "closed")
    cards = client.get(f"/api/v1/days/{day.id}/restitution", headers=fac_headers).json["ateliers"]
    assert len(cards) == 1 and cards[0]["position"] == 1
    assert Idea.query.filter_by(workshop_id=hall.id).count() == 1


def test_a_hidden_idea_and_anonymity_follow_into_the_restitution(facilitator):
    day, (a,), hall = make_day(facilitator, ateliers=[("JO", "jo2024")], anonymous=True)
    alice, _t, _ = day_join(day, "Alice Secrète", workshop=a)
    fac = Actor(a, user=facilitator)
    set_phase(fac, "brainstorm")
    kept = create_idea(alice, a.columns[0].id, "Visible")["idea"]
    hidden = create_idea(alice, a.columns[0].id, "Masquée par l'animation")["idea"]
    db.session.get(Idea, hidden["id"]).hidden = True
    db.session.commit()
    set_phase(fac, "closed")
    card = restitution.restitution(day.id)[1]["ateliers"][0]
    assert [r["idea_id"] for r in card["results"]] == [kept["id"]]
    assert "Alice" not in str(card)
    copy = Idea.query.filter_by(workshop_id=hall.id).one()
    assert copy.author_id is None and copy.author_user_id is None


def test_overview_counts_and_capacity(facilitator):
    day, (a, b), hall = make_day(facilitator, ateliers=[("JO", "jo2024"), ("Coop", "custom")], capacity=1)
    day_join(day, "Un")
    day_join(day, "Deux")
    with pytest.raises(Conflict):
        day_join(day, "Trois")
    overview = day_overview(facilitator, day.id)
    assert [(w["role"], w["people"], w["places_left"]) for w in overview["workshops"]] == [
        ("atelier", 1, 0),
        ("atelier", 1, 0),
        ("plenary", 0, None),
    ]


def test_the_days_report_is_markdown_and_valid_odt(client, facilitator, fac_headers, backend, tmp_path):
    day, (a, b, _c), _hall = make_day(facilitator)
    people = [day_join(day, f"P{i}", workshop=a, organisation="Coopaname")[0] for i in range(2)]
    _run(facilitator, a, people, ["Billetterie solidaire", "Achats | ESS *aux* JO"])
    write_minutes(a, "# Atelier JO\n\n## Présents\n\n- Coopaname\n\n/décision On continue\n")
    md = client.get(f"/api/v1/days/{day.id}/export?format=md", headers=fac_headers)
    assert md.status_code == 200
    text = md.get_data(as_text=True)
    for part in (
        "# Journée ESS",
        "## Participation",
        "Coopaname",
        "## Atelier : JO 2024 et ESS",
        "#### Présents",
        "Billetterie solidaire",
    ):
        assert part in text, part
    odt = client.get(f"/api/v1/days/{day.id}/export?format=odt", headers=fac_headers)
    assert odt.status_code == 200 and odt.mimetype == "application/vnd.oasis.opendocument.text"
    assert_valid_odf12(odt.data)
    if backend == "sqlite":  # LibreOffice opens it and converts it to PDF (once: the backend does not matter)
        _converts_to_pdf(odt.data, tmp_path)
    page = client.get(f"/api/v1/days/{day.id}/export?format=html", headers=fac_headers)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Disposition"].startswith("inline")
    printable = page.get_data(as_text=True)
    assert "<title>Journée — Journée ESS" in printable and "Billetterie solidaire" in printable
    assert "<script" not in printable and "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert client.get(f"/api/v1/days/{day.id}/export?format=pdf", headers=fac_headers).status_code == 400


def test_workshop_outside_a_day_is_unchanged(facilitator):
    w = create_workshop(facilitator, {"title": "Seul", "theme": "custom"})
    assert w.day_id is None and w.day_role is None


def _converts_to_pdf(data: bytes, tmp_path) -> None:
    assert to_pdf(data, tmp_path, "journee").startswith(b"%PDF")


def test_the_retention_purge_forgets_the_day_pass_once_every_row_is_purged(facilitator):
    from app.services.privacy.retention import purge_workshop
    from models import DayPass

    day, (a, _b, _c), hall = make_day(facilitator)
    _alice, token, _ = day_join(day, "Alice Martin", workshop=a, organisation="Coopaname")
    move(day.code, token, {})
    purge_workshop(a)
    person = DayPass.query.one()
    assert person.name == "Alice Martin" and person.token_hash  # still in the plenary
    purge_workshop(db.session.get(Workshop, hall.id))
    person = DayPass.query.one()
    assert "Alice" not in person.name and person.organisation == "" and person.token_hash is None


def test_a_majority_judgment_atelier_sends_its_mentions(facilitator):
    day, (a,), _hall = make_day(
        facilitator, ateliers=[("Mécénat", "mecenat_competences")], vote_method="majority_judgment"
    )
    people = [day_join(day, f"P{i}", workshop=a)[0] for i in range(3)]
    fac = Actor(a, user=facilitator)
    set_phase(fac, "brainstorm")
    good, bad = (create_idea(people[0], a.columns[0].id, t)["idea"]["id"] for t in ("Bonne idée", "Moins bonne"))
    set_phase(fac, "vote")
    for p in people:
        cast_vote(p, good, grade=5)
        cast_vote(p, bad, grade=1)
    set_phase(fac, "closed")
    card = restitution.restitution(day.id)[1]["ateliers"][0]
    assert [(r["text"], r["rank"], r["grade"]) for r in card["results"]] == [
        ("Bonne idée", 1, 5),
        ("Moins bonne", 2, 1),
    ]
    assert card["results"][0]["grade_label"]


def test_a_facilitator_of_one_atelier_leads_no_other(client, auth, facilitator, make_user):
    from app.services.core.facilitators import add_facilitator

    day, (a, b, _c), _hall = make_day(facilitator)
    colleague = make_user(name="Coopaname", email="coop@example.org")
    add_facilitator(facilitator, a, colleague.email)
    headers = auth.api_headers(colleague)
    assert client.get(f"/api/v1/workshops/{a.code}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/workshops/{b.code}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/days/{day.id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/days/{day.id}/restitution", headers=headers).status_code == 403
    r = client.post(f"/api/v1/days/{day.id}/restitution", json={"workshop": b.code}, headers=headers)
    assert r.status_code == 403
    assert (
        client.post(f"/api/v1/days/{day.id}/restitution", json={"workshop": a.code}, headers=headers).status_code == 201
    )


def test_the_pages_create_a_day_and_its_workshops(client, auth, facilitator):
    from models import Day

    auth.login()
    assert client.get("/days/new").status_code == 200
    r = client.post(
        "/days/new",
        data={
            "title": "Journée UPEC",
            "date": "2026-11-21",
            "location": "UPEC",
            "programme": "9 h 30 — Ateliers\nPlénière",
        },
    )
    assert r.status_code == 302
    day = Day.query.one()
    assert day.programme == [{"time": "9 h 30", "title": "Ateliers"}, {"time": "", "title": "Plénière"}]
    for title, role in (("JO 2024", "atelier"), ("Plénière", "plenary"), ("Bis", "plenary")):
        client.post(
            f"/days/{day.id}/workshops", data={"title": title, "theme": "custom", "role": role, "capacity": "8"}
        )
    assert sorted((w.title, w.day_role) for w in Workshop.query.filter_by(day_id=day.id)) == [
        ("JO 2024", "atelier"),
        ("Plénière", "plenary"),
    ]
    page = client.get(f"/days/{day.id}").get_data(as_text=True)
    assert "JO 2024" in page and "déjà sa plénière" in page
    assert "Journée UPEC" in client.get("/dashboard").get_data(as_text=True)
    public = client.get(f"/d/{day.code}").get_data(as_text=True)
    assert "JO 2024 — 8 places restantes" in public


def test_day_facilitators_endpoint_and_its_forbidden_matrix(client, facilitator, make_user, auth):
    """POST /days/ID/facilitators {email}: only a facilitator of the day adds one (201); the one added sees the
    overview and may add another, but leads no atelier unless named there; an atelier's facilitator is not a
    facilitator of the day nor of the other ateliers."""
    day, (jo, coop), hall = make_day(facilitator, ateliers=[("JO 2024", "jo2024"), ("Coopératives", "custom")])
    lead_of_jo = make_user(name="Léa Atelier", email="lea@example.org")
    colleague = make_user(name="Colin Journée", email="colin@example.org")
    stranger = make_user(name="Sam Ailleurs", email="sam@example.org")
    assert client.post(
        f"/api/v1/workshops/{jo.code}/facilitators", json={"email": "lea@example.org"}, headers=auth.api_headers()
    ).status_code == 201
    url = f"/api/v1/days/{day.id}/facilitators"
    guest, day_token, _w = day_join(day, "Dora", workshop=jo)

    def post(headers, email="colin@example.org"):
        return client.post(url, json={"email": email}, headers=headers)

    # Refused: no account, a participant's day token, an atelier's facilitator, a stranger, an admin not named.
    assert post({}).status_code == 401
    assert post(api_headers(day_token)).status_code == 401
    for user in (lead_of_jo, stranger):
        r = post(auth.api_headers(user))
        assert r.status_code == 403 and r.json["error"]["code"] == "forbidden", r.json
        assert "journée" in r.json["error"]["message"]
        assert client.get(f"/api/v1/days/{day.id}", headers=auth.api_headers(user)).status_code == 403
        assert client.get(url, headers=auth.api_headers(user)).status_code == 403
    assert client.post("/api/v1/days/999999/facilitators", json={"email": "colin@example.org"},
                       headers=auth.api_headers()).status_code == 404
    # Nothing was added by the refused calls.
    assert [f["email"] for f in client.get(url, headers=auth.api_headers()).json["facilitators"]] == [
        facilitator.email
    ]
    # Invalid, unknown, then added (201), then already there (409).
    assert post(auth.api_headers(), email="pas-une-adresse").json["error"]["code"] == "invalid"
    assert post(auth.api_headers(), email="inconnu@example.org").status_code == 404
    r = post(auth.api_headers())
    assert r.status_code == 201, r.json
    assert r.json["user"]["email"] == "colin@example.org"
    assert {f["email"] for f in r.json["facilitators"]} == {facilitator.email, "colin@example.org"}
    assert post(auth.api_headers()).status_code == 409
    # The day's co-facilitator sees the overview and the restitution, and may name another...
    overview = client.get(f"/api/v1/days/{day.id}", headers=auth.api_headers(colleague))
    assert overview.status_code == 200 and len(overview.json["workshops"]) == 3
    assert client.get(f"/api/v1/days/{day.id}/restitution", headers=auth.api_headers(colleague)).status_code == 200
    assert post(auth.api_headers(colleague), email="lea@example.org").status_code == 201
    # ...but leads no atelier of the day unless named there (the one rule, guards.leads).
    for workshop in (jo, coop, hall):
        r = client.get(f"/api/v1/workshops/{workshop.code}/facilitators", headers=auth.api_headers(colleague))
        assert r.status_code == 403, (workshop.title, r.json)
    # Léa, named on JO 2024 and now on the day, still does not lead the other atelier.
    assert client.get(f"/api/v1/days/{day.id}", headers=auth.api_headers(lead_of_jo)).status_code == 200
    r = client.get(f"/api/v1/workshops/{coop.code}/facilitators", headers=auth.api_headers(lead_of_jo))
    assert r.status_code == 403
    # The restitution screen: the day's co-facilitator (not on the plenary) gets the polling page; the plenary's
    # facilitator gets the socket page and the link to the live projector.
    for user, live in ((colleague, False), (facilitator, True)):
        browser = client.application.test_client()  # a session of its own (the API calls here use tokens)
        signed_in = browser.post("/login", data={"email": user.email, "password": "motdepasse-solide"})
        assert signed_in.status_code == 302
        page = browser.get(f"/days/{day.id}/plenary")
        assert page.status_code == 200
        assert (f'data-socket-code="{hall.code}"'.encode() in page.data) is live
        assert (b"plenary-live-link" in page.data) is live
    # Removing: a stranger cannot; the last one cannot be removed.
    assert client.delete(f"{url}/{colleague.id}", headers=auth.api_headers(stranger)).status_code == 403
    assert client.delete(f"{url}/{colleague.id}", headers=auth.api_headers()).status_code == 200
    assert client.delete(f"{url}/{lead_of_jo.id}", headers=auth.api_headers()).status_code == 200
    assert client.delete(f"{url}/{facilitator.id}", headers=auth.api_headers()).status_code == 409
    assert client.get(f"/api/v1/days/{day.id}", headers=auth.api_headers(colleague)).status_code == 403
    assert guest.workshop.id == jo.id


def test_the_plenary_snapshot_carries_the_cards_already_received(facilitator):
    """A projector or a board opened after the closings draws the cards from the plenary's snapshot (in arrival
    order, decisions and actions included); an atelier's snapshot has no such field; a private idea stays out."""
    from app.services.workshop.board import snapshot  # noqa: PLC0415

    day, (a, b), hall = make_day(facilitator, ateliers=[("JO", "jo2024"), ("Coop", "custom")])
    people = {w.id: [day_join(day, f"P{w.id}-{i}", workshop=w)[0] for i in range(2)] for w in (a, b)}
    write_minutes(b, "# Coop\n\n/décision On lance une CAE\n- /action Trouver un local @amina due:2026-12-15\n")
    late, _token, _ = day_join(day, "Dans la plénière", workshop=hall)
    assert snapshot(late)["restitution"] == []
    assert "restitution" not in snapshot(people[a.id][0])
    _run(facilitator, b, people[b.id], ["Une CAE pour les jeunes"])
    _run(facilitator, a, people[a.id], ["Billetterie solidaire", "Achats ESS"])
    for viewer in (late, Actor(hall), Actor(hall, user=facilitator)):  # participant, presenter/public, facilitator
        cards = snapshot(viewer)["restitution"]
        assert [c["code"] for c in cards] == [b.code, a.code] and [c["position"] for c in cards] == [1, 2]
    coop = snapshot(late)["restitution"][0]
    assert coop["decisions"] == ["On lance une CAE"] and coop["actions"][0]["owner"]
    assert coop["results"][0]["text"] == "Une CAE pour les jeunes" and "author" not in coop["results"][0]

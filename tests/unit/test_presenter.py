"""The projector (issue 15): presenter links, the focus command, the join page's code check, the timer
cleared by a phase change, compressed responses."""

import pytest

from app.extensions import socketio
from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, NotFound, Unauthorized
from app.services.workshop import presenter, session
from app.services.workshop.ideas import create_idea
from models import User, Workshop, db


def _token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _code(workshop) -> str:
    return workshop.code


# --------------------------------------------------------------------------- presenter link


def test_a_presenter_link_is_long_random_stored_hashed_and_replaced_by_the_next(workshop, fac):
    code = workshop.code
    first = presenter.create_presenter_link(fac)
    assert first.startswith("pr.") and len(first) >= 40
    stored = db.session.get(Workshop, workshop.id).presenter_token_hash
    assert stored and first not in stored and len(stored) == 64  # only a SHA-256
    assert presenter.presenter_workshop(code, first).id == workshop.id
    second = presenter.create_presenter_link(Actor(db.session.get(Workshop, workshop.id), user=fac.user))
    assert second != first
    with pytest.raises(Unauthorized):
        presenter.presenter_workshop(code, first)
    assert presenter.presenter_workshop(code, second).id == workshop.id


@pytest.mark.parametrize("token", [None, "", "pr.", "pr.nope", "abc", 42, "pr." + "x" * 200])
def test_a_wrong_presenter_token_or_code_is_refused_alike(workshop, fac, token):
    presenter.create_presenter_link(fac)
    with pytest.raises(Unauthorized):
        presenter.presenter_workshop(workshop.code, token)


def test_an_unknown_code_gets_the_same_refusal_as_a_wrong_token(workshop, fac):
    token = presenter.create_presenter_link(fac)
    with pytest.raises(Unauthorized) as unknown:
        presenter.presenter_workshop("ZZZZZZZZ", token)
    with pytest.raises(Unauthorized) as wrong:
        presenter.presenter_workshop(workshop.code, token + "x")
    assert unknown.value.message == wrong.value.message


def test_only_its_facilitators_make_a_presenter_link(workshop, join, make_user, client, auth):
    with pytest.raises(Forbidden):
        presenter.create_presenter_link(join(workshop))
    other = auth.api_headers(make_user(name="Autre"))
    r = client.post(f"/api/v1/workshops/{workshop.code}/presenter-link", headers=other)
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = client.post(f"/api/v1/workshops/{workshop.code}/presenter-link")
    assert r.status_code == 401


def test_presenter_link_api_returns_a_url_that_shows_the_projector_without_login(workshop, client, fac_headers):
    code = workshop.code
    r = client.post(f"/api/v1/workshops/{code}/presenter-link", headers=fac_headers)
    assert r.status_code == 201, r.json
    url = r.json["url"]
    path = url.split("fabrique.test", 1)[1]
    assert path.startswith(f"/w/{code}/present/pr.")
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="join-qr"' in html and 'data-role="presenter"' in html
    assert "timer-minutes" not in html and "phase suivante" not in html  # no facilitator control
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in page.headers  # nothing that could stand for a login
    assert client.get(path + "/results").status_code == 200
    # In English for a room that reads English: `?lang=en` is followed, and still no cookie.
    english = client.get(path + "?lang=en")
    assert 'lang="en"' in english.get_data(as_text=True) and "Set-Cookie" not in english.headers
    assert f"/present/{path.rsplit('/', 1)[1]}/results?lang=en" in english.get_data(as_text=True)
    assert 'lang="fr"' in client.get(path).get_data(as_text=True)  # nothing kept
    # A new link revokes this one, its results fragment too.
    assert client.post(f"/api/v1/workshops/{code}/presenter-link", headers=fac_headers).status_code == 201
    assert client.get(path).status_code == 401
    assert client.get(path + "/results").status_code == 401
    assert client.get(f"/w/{code}/present/pr.forged").status_code == 401


def test_a_body_sent_with_the_link_request_is_checked(workshop, client, fac_headers):
    r = client.post(
        f"/api/v1/workshops/{workshop.code}/presenter-link",
        data="[1]",
        headers={**fac_headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 400


# --------------------------------------------------------------------------- focus


def test_focus_on_an_idea_a_group_or_nothing_is_logged_and_in_the_snapshot(workshop, fac, published):
    column = workshop.columns[0].id
    idea = create_idea(fac, column, "Navettes")["idea"]
    ack = presenter.set_focus(fac, {"idea_id": idea["id"]})
    assert ack == {"focus": {"idea_id": idea["id"]}}
    events = [e.envelope for o in published for e in o.events]
    assert events[-1]["type"] == "present.focused" and events[-1]["data"] == {"focus": {"idea_id": idea["id"]}}
    refreshed = db.session.get(Workshop, workshop.id)
    assert refreshed.present_focus == {"idea_id": idea["id"]}
    # Asking again changes nothing and logs nothing.
    before = refreshed.last_seq
    presenter.set_focus(Actor(refreshed, user=fac.user), {"idea_id": idea["id"]})
    assert db.session.get(Workshop, workshop.id).last_seq == before
    assert presenter.set_focus(Actor(refreshed, user=fac.user), {}) == {"focus": None}


def test_focus_is_refused_to_participants_and_for_unknown_targets(workshop, fac, join, make_workshop):
    with pytest.raises(Forbidden):
        presenter.set_focus(join(workshop), {})
    other = make_workshop(title="Autre")
    foreign = create_idea(Actor(other, user=fac.user), other.columns[0].id, "Ailleurs")["idea"]
    with pytest.raises(NotFound):
        presenter.set_focus(Actor(db.session.get(Workshop, workshop.id), user=fac.user), {"idea_id": foreign["id"]})
    with pytest.raises(NotFound):
        presenter.set_focus(Actor(db.session.get(Workshop, workshop.id), user=fac.user), {"group_id": 999})


# --------------------------------------------------------------------------- timer and phases


def test_a_phase_change_clears_the_timer(workshop, fac, published):
    session.start_timer(fac, 180)
    session.set_phase(Actor(db.session.get(Workshop, workshop.id), user=fac.user), "brainstorm")
    types = [e.envelope["type"] for o in published for e in o.events]
    assert types[-2:] == ["phase.changed", "timer.stopped"]
    assert db.session.get(Workshop, workshop.id).timer_ends_at is None


# --------------------------------------------------------------------------- join check


def test_join_check_answers_whether_a_code_exists_and_nothing_more(workshop, client):
    r = client.get(f"/api/v1/join/{workshop.code.lower()}")
    assert r.status_code == 200
    assert r.json == {"exists": True, "code": workshop.code, "title": workshop.title}
    r = client.get("/api/v1/join/ZZZZZZZZ")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"


def test_join_check_counts_wrong_codes_like_failed_joins_and_never_limits_a_right_one(app, workshop, client):
    app.extensions["fabrique_join_slowdown"].wait = lambda *_a, **_k: None  # no real waiting in a unit test
    limit = app.extensions["fabrique_join_limiter"].limit
    codes = [client.get("/api/v1/join/ZZZZZZZZ").status_code for _ in range(limit + 1)]
    assert codes[:limit] == [404] * limit and codes[-1] == 429
    # The join itself shares the count: it is refused too, the right code is not.
    r = client.post("/api/v1/workshops/ZZZZZZZZ/participants", json={"name": "A", "attendance": "room"})
    assert r.status_code == 429
    assert client.get(f"/api/v1/join/{workshop.code}").status_code == 200


# --------------------------------------------------------------------------- presenter socket


@pytest.mark.live_publishing
def test_a_presenter_socket_receives_the_public_view_and_may_send_no_command(app, workshop, fac, join):
    code = workshop.code
    token = presenter.create_presenter_link(fac)
    column = workshop.columns[0].id
    session.set_phase(Actor(db.session.get(Workshop, workshop.id), user=fac.user), "brainstorm")
    alice = join(db.session.get(Workshop, workshop.id), "Alice")
    create_idea(alice, column, "Brouillon privé")  # private brainstorm: not for the room
    c = socketio.test_client(app, auth={"workshop": code, "presenter": token})
    assert c.is_connected()
    ack = c.emit("sync", {"since": 0}, callback=True)
    assert ack["ok"]
    snap = ack["snapshot"]
    assert snap["ideas"] == [] and snap["me"]["id"] is None and snap["me"]["role"] != "facilitator"
    for name, payload in [
        ("phase.set", {"phase": "vote"}),
        ("idea.create", {"column_id": column, "text": "x"}),
        ("vote.cast", {"idea_id": 1}),
        ("hand.raise", {}),
        ("timer.start", {"seconds": 60}),
        ("present.focus", {}),
        ("minutes.sync", {}),
        ("minutes.update", {"update": "AA=="}),
        ("table.list", {}),
    ]:
        ack = c.emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", name
    assert db.session.get(Workshop, workshop.id).phase == "brainstorm"
    c.disconnect()


@pytest.mark.live_publishing
def test_a_replaced_presenter_link_is_closed_and_cannot_connect_again(app, workshop, fac):
    code, workshop_id, user_id = workshop.code, workshop.id, fac.user.id  # handlers close the session
    old = presenter.create_presenter_link(fac)
    c = socketio.test_client(app, auth={"workshop": code, "presenter": old})
    assert c.is_connected()
    presenter.create_presenter_link(Actor(db.session.get(Workshop, workshop_id), user=db.session.get(User, user_id)))
    assert not c.is_connected()  # this process closed it after the commit
    assert not socketio.test_client(app, auth={"workshop": code, "presenter": old}).is_connected()
    assert not socketio.test_client(app, auth={"workshop": "ZZZZZZZZ", "presenter": old}).is_connected()


# --------------------------------------------------------------------------- compression


def test_pages_and_assets_are_compressed_when_the_client_accepts_it(workshop, client):
    r = client.get("/join", headers={"Accept-Encoding": "br, gzip"})
    assert r.headers.get("Content-Encoding") == "br" and "Accept-Encoding" in r.headers["Vary"]
    r = client.get("/static/css/fabrique.css", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("Content-Encoding") in ("deflate", "gzip", None)  # streamed files: no gzip in Flask-Compress
    r = client.get("/static/css/fabrique.css", headers={"Accept-Encoding": "br"})
    assert r.headers.get("Content-Encoding") == "br"
    assert client.get("/join").headers.get("Content-Encoding") is None  # nothing asked, nothing done

"""Wiring of the hybrid-meeting surface: REST, Socket.IO table commands and facilitator pages."""

from app.extensions import socketio
from app.services.workshop.session import set_phase
from models import Idea, Participant, db
from tests.conftest import api_headers


def _participant_headers(client, workshop):
    r = client.post(f"/api/v1/workshops/{workshop.code}/participants", json={"name": "Alice", "attendance": "remote"})
    return api_headers(r.get_json()["token"])


def test_tables_over_rest(client, workshop, fac, fac_headers):
    base = f"/api/v1/workshops/{workshop.code}/tables"
    r = client.post(base, json={"name": "Table 3", "size": 6}, headers=fac_headers)
    assert r.status_code == 201
    table = r.get_json()["table"]
    assert table["size"] == 6 and table["budget"] == 30
    r = client.post(
        f"{base}/{table['id']}/ideas", json={"column_id": workshop.columns[0].id, "text": "Papier"}, headers=fac_headers
    )
    assert r.status_code == 201 and r.get_json()["proxy"] is True
    idea_id = r.get_json()["id"]
    r = client.post(f"{base}/{table['id']}/votes", json={"idea_id": idea_id}, headers=fac_headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "phase"
    set_phase(fac, "vote")
    r = client.post(f"{base}/{table['id']}/votes", json={"idea_id": idea_id}, headers=fac_headers)
    assert r.status_code == 200 and r.get_json() == {"votes_left": 29, "my_votes": {str(idea_id): 1}}
    r = client.delete(f"{base}/{table['id']}/votes/{idea_id}", headers=fac_headers)
    assert r.get_json()["votes_left"] == 30
    r = client.get(base, headers=fac_headers)
    assert [t["name"] for t in r.get_json()["tables"]] == ["Table 3"]


def test_tables_rest_errors(client, workshop, fac_headers):
    base = f"/api/v1/workshops/{workshop.code}/tables"
    assert client.post(base, json={"name": "T", "size": "6"}, headers=fac_headers).status_code == 400
    assert client.post(base, data="nope", headers=fac_headers).status_code == 400
    assert client.post(base, json={"name": "T", "size": 2}).status_code == 401
    alice = _participant_headers(client, workshop)
    r = client.post(base, json={"name": "T", "size": 2}, headers=alice)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    r = client.post(f"{base}/999/ideas", json={"column_id": workshop.columns[0].id, "text": "x"}, headers=fac_headers)
    assert r.status_code == 404
    assert db.session.query(Participant).filter(Participant.table_size.is_not(None)).count() == 0
    assert db.session.query(Idea).count() == 0


def test_equity_and_attendance_endpoints(client, workshop, fac_headers):
    alice = _participant_headers(client, workshop)
    r = client.get(f"/api/v1/workshops/{workshop.code}/equity", headers=fac_headers)
    assert r.status_code == 200 and r.get_json()["sides"]["remote"]["people"] == 1
    assert client.get(f"/api/v1/workshops/{workshop.code}/equity", headers=alice).status_code == 403
    r = client.get(f"/api/v1/workshops/{workshop.code}/attendance.csv", headers=fac_headers)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf") and r.get_data(as_text=True).splitlines()[1].startswith("Alice;;à distance;")
    comma = client.get(f"/api/v1/workshops/{workshop.code}/attendance.csv?sep=comma", headers=fac_headers)
    assert comma.get_data(as_text=True).splitlines()[1].startswith("Alice,,à distance,")
    assert client.get(f"/api/v1/workshops/{workshop.code}/attendance.csv", headers=alice).status_code == 403


def test_table_socket_commands(app, client, workshop, auth):
    code, column = workshop.code, workshop.columns[0].id  # handlers end the session: keep plain values
    auth.login()
    sio = socketio.test_client(app, flask_test_client=client, auth={"workshop": code})
    assert sio.is_connected()
    ack = sio.emit("table.create", {"name": "Table 2", "size": 3, "client_id": "t1"}, callback=True)
    assert ack["ok"] and ack["table"]["size"] == 3
    table_id = ack["table"]["id"]
    ack = sio.emit("table.idea", {"table_id": table_id, "column_id": column, "text": "P"}, callback=True)
    assert ack["ok"] and ack["idea"]["proxy"] is True
    idea_id = ack["idea"]["id"]
    sio.emit("phase.set", {"phase": "vote"}, callback=True)
    ack = sio.emit("table.vote", {"table_id": table_id, "idea_id": idea_id}, callback=True)
    assert ack["ok"] and ack["votes_left"] == 14
    ack = sio.emit("table.retract", {"table_id": table_id, "idea_id": idea_id}, callback=True)
    assert ack["ok"] and ack["votes_left"] == 15
    ack = sio.emit("table.vote", {"table_id": "x", "idea_id": idea_id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert sio.emit("table.list", {}, callback=True)["tables"][0]["name"] == "Table 2"
    sio.disconnect()


def test_participants_cannot_use_table_commands(app, client, workshop):
    r = client.post(f"/api/v1/workshops/{workshop.code}/participants", json={"name": "Alice", "attendance": "room"})
    sio = socketio.test_client(app, auth={"workshop": workshop.code, "token": r.get_json()["token"]})
    ack = sio.emit("table.create", {"name": "Table pirate", "size": 50}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    sio.disconnect()


def test_facilitator_pages_need_the_facilitator(client, workshop, make_user, auth):
    pages = [f"/w/{workshop.code}/present", f"/w/{workshop.code}/equity", f"/w/{workshop.code}/tables"]
    for url in pages:
        assert client.get(url).status_code == 302  # to the login page
    auth.login(make_user(name="Autre"))
    for url in pages:
        assert client.get(url).status_code == 403
    auth.logout()
    auth.login()
    for url in pages:
        assert client.get(url).status_code == 200


def test_presenter_page_has_qr_code_and_no_inline_script_or_style(client, workshop, auth):
    auth.login()
    html = client.get(f"/w/{workshop.code}/present").get_data(as_text=True)
    assert 'data-testid="join-qr"' in html and "<svg" in html and 'viewBox="0 0' in html
    assert f'data-testid="join-code">{workshop.code}<' in html
    assert f"/join/{workshop.code}" in html
    assert "style=" not in html and "<script>" not in html
    assert "Raccourcis clavier" in html


def test_presenter_results_follow_what_the_room_may_see(client, fac, workshop, auth, join):
    from app.services.workshop.ideas import create_idea
    from app.services.workshop.votes import cast_vote

    workshop.settings = dict(workshop.settings, reveal_votes="end")
    db.session.commit()
    alice = join(workshop, "Alice")
    idea = create_idea(fac, workshop.columns[0].id, "Une piste cyclable")["idea"]["id"]
    set_phase(fac, "vote")
    cast_vote(alice, idea)
    auth.login()
    url = f"/w/{workshop.code}/present/results"
    assert "dévoilés à la fin du vote" in client.get(url).get_data(as_text=True)
    set_phase(fac, "discuss")
    html = client.get(url).get_data(as_text=True)
    assert "Une piste cyclable" in html and "style=" not in html


def test_table_forms(client, fac, workshop, auth):
    auth.login()
    r = client.post(f"/w/{workshop.code}/tables", data={"name": "Table 4", "size": "5"}, follow_redirects=True)
    assert "Table ajoutée." in r.get_data(as_text=True) and "Table 4 — 5 personnes" in r.get_data(as_text=True)
    table = db.session.query(Participant).filter_by(name="Table 4").one()
    column = workshop.columns[0].id
    r = client.post(
        f"/w/{workshop.code}/tables/{table.id}/idea",
        data={"column_id": str(column), "text": "Papier"},
        follow_redirects=True,
    )
    assert "Idée publiée pour la table." in r.get_data(as_text=True)
    idea = db.session.query(Idea).filter_by(text="Papier").one()
    assert idea.proxy and idea.author_id == table.id
    set_phase(fac, "vote")
    r = client.post(f"/w/{workshop.code}/tables/{table.id}/vote", data={"idea_id": str(idea.id), "action": "cast"})
    assert r.status_code == 302
    html = client.get(f"/w/{workshop.code}/tables").get_data(as_text=True)
    assert 'data-testid="table-votes-left">24<' in html
    r = client.post(f"/w/{workshop.code}/tables", data={"name": "", "size": "abc"}, follow_redirects=True)
    assert "flash-error" in r.get_data(as_text=True)


def test_workshop_page_links_to_hybrid_pages(client, workshop, auth):
    auth.login()
    html = client.get(f"/workshops/{workshop.code}").get_data(as_text=True)
    for url in ("present", "equity", "tables"):
        assert f"/w/{workshop.code}/{url}" in html
    assert f"/api/v1/workshops/{workshop.code}/attendance.csv" in html

"""Accounts (issue 19): an admin role, invitations by a single-use expiring link, password resets,
deactivation that stops tokens and open sockets at once."""

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from app.extensions import socketio
from app.services.core.accounts import password_problem
from models import Invitation, User, db, utcnow
from tests.conftest import api_headers

pytestmark = pytest.mark.live_publishing  # the socket test watches what sockets receive
NEW_PASSWORD = "Bièvre-au-printemps"


def _invite(client, auth, admin, email="nadia.benali@grandorlyseinebievre.fr", **extra) -> str:
    r = client.post(
        "/api/v1/invitations", json={"email": email, "name": "Nadia", **extra}, headers=auth.api_headers(admin)
    )
    assert r.status_code == 201, r.json
    assert r.json["url"].startswith("http://fabrique.test/invitation/")
    return r.json["url"].removeprefix("http://fabrique.test")


def test_cli_creates_an_admin(app):
    runner = app.test_cli_runner()
    r = runner.invoke(
        args=["facilitator", "create", "dsi@gosb.fr", "--name", "DSI", "--admin"],
        env={"FABRIQUE_PASSWORD": NEW_PASSWORD},
    )
    assert r.exit_code == 0, r.output
    assert db.session.execute(select(User).filter_by(email="dsi@gosb.fr")).scalar_one().is_admin
    short = runner.invoke(
        args=["facilitator", "create", "b@gosb.fr", "--name", "B"], env={"FABRIQUE_PASSWORD": "onze-carac"}
    )
    assert short.exit_code != 0 and "12 caractères" in short.output


def test_invitation_then_password_then_login(app, client, auth, admin):
    path = _invite(client, auth, admin)
    page = client.get(path)
    assert page.status_code == 200 and "nadia.benali@grandorlyseinebievre.fr" in page.get_data(as_text=True)
    weak = client.post(path, data={"name": "Nadia", "password": "azertyuiop12", "confirm": "azertyuiop12"})
    assert weak.status_code == 400 and "courants" in weak.get_data(as_text=True)
    r = client.post(path, data={"name": "Nadia Benali", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 302 and r.headers["Location"].endswith("/dashboard")
    user = db.session.execute(select(User).filter_by(email="nadia.benali@grandorlyseinebievre.fr")).scalar_one()
    assert user.name == "Nadia Benali" and not user.is_admin
    api = app.test_client()  # no session cookie: the API's bearer path
    assert api.post("/api/v1/auth/token", json={"email": user.email, "password": NEW_PASSWORD}).status_code == 200
    reused = client.get(path)
    assert reused.status_code == 400 and "déjà servi" in reused.get_data(as_text=True)
    again = client.post(path, data={"name": "Intrus", "password": "Autre-secret-2027", "confirm": "Autre-secret-2027"})
    assert again.status_code == 400
    assert (
        api.post("/api/v1/auth/token", json={"email": user.email, "password": "Autre-secret-2027"}).status_code == 401
    )


def test_an_expired_or_unknown_link_is_refused(client, auth, admin):
    path = _invite(client, auth, admin)
    invitation = db.session.execute(select(Invitation)).scalar_one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    r = client.get(path)
    assert r.status_code == 400 and "expiré" in r.get_data(as_text=True)
    api = client.post(path.replace("/invitation/", "/api/v1/invitations/") + "/accept", json={"password": NEW_PASSWORD})
    assert api.status_code == 400 and "expiré" in api.json["error"]["message"]
    assert client.get("/invitation/" + "x" * 43).status_code == 404
    assert db.session.execute(select(User).filter_by(email=invitation.email)).scalar_one_or_none() is None


def test_only_admins_invite_and_a_new_link_replaces_the_old(client, auth, admin, facilitator):
    r = client.post("/api/v1/invitations", json={"email": "x@y.fr"}, headers=auth.api_headers(facilitator))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    first = _invite(client, auth, admin)
    second = _invite(client, auth, admin)
    assert client.get(first).status_code == 400 and client.get(second).status_code == 200
    taken = client.post("/api/v1/invitations", json={"email": facilitator.email}, headers=auth.api_headers(admin))
    assert taken.status_code == 409


def test_password_reset_link(client, auth, admin, facilitator):
    old = auth.token(facilitator)
    r = client.post(f"/api/v1/users/{facilitator.id}/password-reset", headers=auth.api_headers(admin))
    assert r.status_code == 201 and r.json["purpose"] == "reset"
    path = r.json["url"].removeprefix("http://fabrique.test")
    accepted = client.post(
        path.replace("/invitation/", "/api/v1/invitations/") + "/accept", json={"password": NEW_PASSWORD}
    )
    assert accepted.status_code == 201
    assert client.get("/api/v1/workshops/ZZZZZZZZ", headers=api_headers(old)).status_code == 401  # old token revoked
    assert (
        client.post("/api/v1/auth/token", json={"email": facilitator.email, "password": NEW_PASSWORD}).status_code
        == 200
    )


def test_deactivation_stops_token_and_open_socket_at_once(app, client, auth, admin, facilitator, workshop):
    # Socket handlers end with session.remove(): read everything the test needs first.
    code, token, fac_id, admin_id, admin_headers = (
        workshop.code,
        auth.token(facilitator),
        facilitator.id,
        admin.id,
        auth.api_headers(admin),
    )
    sock = socketio.test_client(app, auth={"token": token, "workshop": code})
    assert sock.is_connected()
    assert sock.emit("timer.start", {"seconds": 60}, callback=True)["ok"]
    r = client.patch(f"/api/v1/users/{fac_id}", json={"active": False}, headers=admin_headers)
    assert r.status_code == 200 and r.json["active"] is False
    ack = sock.emit("timer.stop", {}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unauthorized" and "désactivé" in ack["error"]["message"]
    assert client.get(f"/api/v1/workshops/{code}", headers=api_headers(token)).status_code == 401
    assert not socketio.test_client(app, auth={"token": token, "workshop": code}).is_connected()
    sock.disconnect()
    own = client.patch(f"/api/v1/users/{admin_id}", json={"active": False}, headers=admin_headers)
    assert own.status_code == 403


def test_admin_page_invites_and_deactivates(client, auth, admin, facilitator):
    auth.login(admin)
    r = client.post("/admin/invite", data={"invite-email": "karim@gosb.fr", "invite-name": "Karim"})
    assert r.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert "/invitation/" in page and "karim@gosb.fr" in page
    assert client.post(f"/admin/users/{facilitator.id}/active/0").status_code == 302
    g.pop("_login_user", None)
    assert not db.session.get(User, facilitator.id).active


@pytest.mark.parametrize("password", ["court-11car", "motdepasse2024", "aaaaaaaaaaaaaa", "123456789012"])
def test_passwords_need_12_characters_and_no_common_word(password):
    assert password_problem(password) is not None
    assert password_problem("Ivry-les-jardins-partagés") is None

"""Services' messages in the language of whoever caused them (issue 18): a REST error follows Accept-Language
(or `?lang=`) and stays French without either; a socket command's refusal follows the socket's `auth.lang`."""

import pytest
from flask_babel import refresh

from app.extensions import socketio
from app.services.core.actors import Actor
from app.services.workshop import ideas, results, session, votes

# These tests watch what sockets receive: commits are published live.
pytestmark = pytest.mark.live_publishing

NAME_REQUIRED = {"fr": "« name » est obligatoire.", "en": "“name” is required."}
VOTE_CLOSED = {
    "fr": "Le vote n'est pas ouvert : attendez que l'animateur lance la phase de vote.",
    "en": "Voting is not open: wait for the facilitator to start the vote phase.",
}


def _join(client, code, query="", **headers):
    return client.post(f"/api/v1/workshops/{code}/participants{query}", json={"name": ""}, headers=headers)


def test_a_rest_error_speaks_the_callers_language(client, workshop):
    code = workshop.code
    french = _join(client, code)
    assert french.status_code == 400 and french.json["error"] == {
        "code": "invalid",
        "message": NAME_REQUIRED["fr"],
        "field": "name",
    }
    english = _join(client, code, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 400 and english.json["error"]["message"] == NAME_REQUIRED["en"]
    assert english.json["error"]["code"] == "invalid" and english.json["error"]["field"] == "name"  # codes stay
    assert _join(client, code, "?lang=en").json["error"]["message"] == NAME_REQUIRED["en"]
    assert _join(client, code, "?lang=fr", **{"Accept-Language": "en"}).json["error"]["message"] == NAME_REQUIRED["fr"]
    assert _join(client, code, **{"Accept-Language": "de"}).json["error"]["message"] == NAME_REQUIRED["fr"]


def test_werkzeug_and_edge_errors_are_translated_too(client, workshop):
    missing = client.get("/api/v1/nowhere", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.json["error"]["message"] == "Unknown API address."
    assert client.get("/api/v1/nowhere").json["error"]["message"] == "Adresse inconnue dans l'API."
    url = f"/api/v1/workshops/{workshop.code}/participants"
    not_json = client.post(url, data="x", headers={"Accept-Language": "en"})
    assert not_json.json["error"]["message"].startswith("The body must be a valid JSON object")
    unknown = client.post("/api/v1/workshops/ZZZZZZZZ/participants", json={"name": "A"}, headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and unknown.json["error"]["message"] == "No workshop matches this code."


def _socket(app, code, token, lang=None):
    auth = {"workshop": code, "token": token}
    if lang is not None:
        auth["lang"] = lang
    client = socketio.test_client(app, auth=auth)
    assert client.is_connected()
    return client


def test_a_socket_refusal_speaks_the_sockets_language(app, workshop, fac, join):
    session.set_phase(fac, "brainstorm")
    _, english_token = join(workshop, "Alice", with_token=True)
    _, french_token = join(workshop, "Bruno", with_token=True)
    column = workshop.columns[0].id
    idea = ideas.create_idea(fac, column, "Une navette")["idea"]["id"]
    code = workshop.code  # read before the handlers close the shared session
    english, french = _socket(app, code, english_token, "en"), _socket(app, code, french_token)
    try:
        refused = english.emit("vote.cast", {"idea_id": idea}, callback=True)
        assert refused["ok"] is False and refused["error"] == {"code": "phase", "message": VOTE_CLOSED["en"]}
        refused = french.emit("vote.cast", {"idea_id": idea}, callback=True)
        assert refused["ok"] is False and refused["error"] == {"code": "phase", "message": VOTE_CLOSED["fr"]}
        # Field labels and numbers inside a message follow too; each command is answered afresh.
        empty = english.emit("idea.create", {"column_id": column, "text": ""}, callback=True)
        assert empty["error"]["message"] == "“text” is required."
        assert french.emit("vote.cast", {"idea_id": idea}, callback=True)["error"]["message"] == VOTE_CLOSED["fr"]
    finally:
        english.disconnect()
        french.disconnect()


def test_a_socket_without_auth_lang_speaks_its_handshakes_language(app, workshop, join):
    _, token = join(workshop, "Alice", with_token=True)
    flask_client = app.test_client()
    flask_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client = socketio.test_client(app, auth={"workshop": workshop.code, "token": token}, flask_test_client=flask_client)
    try:
        assert client.is_connected()
        refused = client.emit("vote.cast", {"idea_id": 1}, callback=True)
        assert refused["error"]["code"] == "phase" and refused["error"]["message"] == VOTE_CLOSED["en"]
    finally:
        client.disconnect()


def test_results_rows_label_grades_in_the_readers_language(app, make_workshop, facilitator, join):
    workshop = make_workshop(settings={"vote_method": "majority_judgment"})
    fac = Actor(workshop, user=facilitator)
    session.set_phase(fac, "brainstorm")
    idea = ideas.create_idea(fac, workshop.columns[0].id, "Une navette")["idea"]["id"]
    session.set_phase(fac, "vote")
    for name, grade in (("A", 4), ("B", 4), ("C", 3)):
        votes.cast_vote(join(workshop, name), idea, grade=grade)
    # The test's app context outlives these requests: forget the language it chose before (flask_babel.refresh).
    with app.test_request_context("/api/v1/x", headers={"Accept-Language": "en"}):
        refresh()
        view = results.results_view(Actor(workshop, user=facilitator))
        row = view["ideas"][0]
        assert row["grade"] == 4 and row["grade_label"] == "Good" and view["grades"][4] == "Good"
        assert row["explanation"].startswith("Majority grade: Good — 67% of participants gave “Good” or better")
        assert view["convention"] == "An idea left ungraded counts as “Reject”."
    with app.test_request_context("/api/v1/x"):
        refresh()
        view = results.results_view(Actor(workshop, user=facilitator))
        assert view["ideas"][0]["grade_label"] == "Bien" and view["grades"][0] == "À rejeter"
        assert view["ideas"][0]["explanation"].startswith("Mention majoritaire : Bien — 67 % des participants")

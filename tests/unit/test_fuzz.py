"""Fuzzing every socket command and every JSON endpoint with Hypothesis (issue 20).

Whatever the payload — huge integers, NaN and infinities, NUL bytes, lone surrogates, deep
nesting, wrong types, or the valid shape with one field corrupted — the answer is a 4xx with a
contract code (REST) or `{ok: false, error: {code}}` with a contract code (Socket.IO), never a
500 nor `internal`; and afterwards a normal participant still posts an idea. Each target gets a
bounded number of examples in the phase where its rules apply, on SQLite and PostgreSQL.
"""

import base64
import json
import math
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from pycrdt import Doc, Text

from app.extensions import socketio
from app.lib import awareness
from app.services.days.processes import create_process
from app.services.workshop import tables
from app.services.workshop.ideas import create_idea
from app.services.workshop.session import set_phase
from models import db
from tests.conftest import CONTRACT_CODES as CODES
from tests.conftest import api_headers
from tests.unit.day_helpers import day_join, make_day
from tests.unit.roadmap_helpers import make_roadmap, make_territory

# FABRIQUE_FUZZ_SCALE=10 for a longer hunt on a workstation; CI keeps the suite fast.
SCALE = int(os.environ.get("FABRIQUE_FUZZ_SCALE", "1"))
SOCKET_EXAMPLES, REST_EXAMPLES = 100 * SCALE, 60 * SCALE
FUZZ = settings(
    deadline=None,
    database=None,  # nothing written to .hypothesis/
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- Values ------------------------------------------------------------------------------------

DEEP = "__DEEP__"  # replaced by a nesting that json.dumps would refuse to write
SPECIAL_INTS = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**70, 10**30]
SPECIAL_FLOATS = [math.inf, -math.inf, math.nan, 1e308, -0.0, 0.5, 5e-324, 1e10]
SPECIAL_TEXTS = ["", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "\ud83d", "²", "٣", "x" * 65, "é" * 600, "<b>", DEEP]
SPECIAL_TEXTS += ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31", "2026-T3", "9999-T4", "AAAA"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(SPECIAL_INTS),
    st.floats(),
    st.sampled_from(SPECIAL_FLOATS),
    st.text(max_size=20),
    st.sampled_from(SPECIAL_TEXTS),
    st.text(st.characters(categories=["Cs", "Cc", "Nd", "No"]), max_size=4),
)
keys = st.one_of(st.text(max_size=8), st.sampled_from([t for t in SPECIAL_TEXTS if t != DEEP]))
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=6
)


def payloads(base: dict) -> st.SearchStrategy:
    """The valid shape with one field corrupted (or added), a random object, or not an object at all."""
    fields = sorted(base) + ["client_id", "extra"]
    corrupted = st.tuples(st.sampled_from(fields), values).map(lambda kv: {**base, kv[0]: kv[1]})
    return st.one_of(
        corrupted, corrupted, corrupted, st.dictionaries(st.sampled_from(fields) | keys, values, max_size=4), values
    )


def encode(value, depth: int) -> str:
    """JSON as a hostile client may write it: NaN, Infinity, lone surrogates, deep nesting."""
    return json.dumps(value, allow_nan=True).replace(json.dumps(DEEP), "[" * depth + "]" * depth)


# --- The world the fuzz runs in ----------------------------------------------------------------


@pytest.fixture
def world(app, client, workshop, fac, facilitator, join, auth):
    """A workshop with ideas, a table, a roadmap, two sockets (facilitator, participant) and tokens."""
    app.config["RATE_LIMITS"] = False  # a limit would answer most examples before their checks
    set_phase(fac, "brainstorm")
    alice, alice_token = join(workshop, "Alice", with_token=True)
    bob, bob_token = join(workshop, "Bob", with_token=True)  # the privacy endpoints' subject
    column = workshop.columns[0].id
    ideas = [create_idea(alice, column, f"Idée {i}")["idea"]["id"] for i in range(3)]
    table = tables.create_table(fac, "Table 1", 4)["table"]["id"]
    roadmap = make_roadmap(facilitator, make_territory())
    roadmap_id, axis = roadmap.id, roadmap.axes[0].id  # requests below end the session
    day, (atelier,), _plenary = make_day(facilitator, ateliers=[("JO 2024", "jo2024")])  # issue 21
    _guest, day_token, _entered = day_join(day, "Dora", workshop=atelier)
    process = create_process(facilitator, {"title": "Démarche", "territory": roadmap.territory.name})
    day_ids = {"day": day.id, "day_code": day.code, "atelier": atelier.code, "process": process.id}
    code, bob_id = workshop.code, bob.participant_id
    facilitator.is_admin = True  # the admin endpoints too (issue 19)
    db.session.commit()
    user_id = facilitator.id
    fac_token = auth.token()
    action = client.post(
        f"/api/v1/roadmaps/{roadmap_id}/actions",
        json={"title": "Action", "axis_id": axis},
        headers=api_headers(fac_token),
    ).get_json()["id"]
    doc = Doc()
    doc["minutes"] = minutes = Text()
    minutes += "Bonjour"
    sockets = {
        who: socketio.test_client(app, auth={"token": token, "workshop": code})
        for who, token in (("fac", fac_token), ("alice", alice_token))
    }
    yield {
        "app": app,
        "code": code,
        "column": column,
        "idea": ideas[0],
        "victim": ideas[2],  # the idea delete commands may delete
        "table": table,
        "roadmap": roadmap_id,
        "axis": axis,
        "action": action,
        "bob": bob_id,
        **day_ids,
        "user": user_id,
        "update": base64.b64encode(doc.get_update()).decode(),
        "awareness": base64.b64encode(awareness.encode([(1, 1, {"user": {"name": "x"}, "cursor": None})])).decode(),
        "headers": {
            "fac": api_headers(fac_token),
            "alice": api_headers(alice_token),
            "bob": api_headers(bob_token),
            "day": api_headers(day_token),
        },
        "sockets": sockets,
    }
    for sock in sockets.values():
        if sock.is_connected():
            sock.disconnect()


def set_phase_over_socket(world: dict, phase: str) -> None:
    """Through the facilitator's socket: its handlers end the test's session, so service calls
    with objects loaded before would find them detached."""
    ack = world["sockets"]["fac"].emit("phase.set", {"phase": phase}, callback=True)
    assert ack["ok"], ack


# --- Socket.IO ---------------------------------------------------------------------------------


def socket_targets(w: dict) -> dict[str, tuple[str, dict]]:
    """Every command: (the phase its rules apply in, a valid payload)."""
    idea, column, table = w["idea"], w["column"], w["table"]
    return {
        "sync": ("brainstorm", {"since": 0}),
        "idea.create": ("brainstorm", {"column_id": column, "text": "Une idée", "color": "yellow"}),
        "idea.update": ("brainstorm", {"idea_id": idea, "text": "Modifiée", "color": "blue"}),
        "idea.move": ("brainstorm", {"idea_id": idea, "column_id": column, "position": 1.5}),
        "idea.delete": ("brainstorm", {"idea_id": w["victim"]}),
        "idea.group": ("cluster", {"idea_id": idea, "group_label": "Groupe", "group_id": None}),
        "vote.cast": ("vote", {"idea_id": idea}),
        "vote.retract": ("vote", {"idea_id": idea}),
        "phase.set": ("brainstorm", {"phase": "cluster"}),
        "timer.start": ("brainstorm", {"seconds": 60}),
        "timer.stop": ("brainstorm", {}),
        "hand.raise": ("discuss", {}),
        "hand.lower": ("discuss", {}),
        "hand.next": ("discuss", {}),
        "table.create": ("brainstorm", {"name": "Table", "size": 4}),
        "table.idea": ("brainstorm", {"table_id": table, "column_id": column, "text": "Papier"}),
        "table.vote": ("vote", {"table_id": table, "idea_id": idea}),
        "table.retract": ("vote", {"table_id": table, "idea_id": idea}),
        "table.list": ("brainstorm", {}),
        "minutes.sync": ("discuss", {}),
        "minutes.update": ("discuss", {"update": w["update"]}),
        "minutes.results": ("discuss", {}),
        "minutes.awareness": ("discuss", {"update": w["awareness"]}),
        "idea.promote": ("discuss", {"idea_id": idea, "roadmap_id": w["roadmap"], "axis_id": w["axis"], "title": "A"}),
        # Board v2 (issue 14)
        "group.update": ("cluster", {"group_id": 1, "label": "Groupe"}),
        "group.merge": ("cluster", {"group_id": 1, "into_group_id": 2}),
        "group.move": ("cluster", {"group_id": 1, "column_id": column}),
        "idea.hide": ("brainstorm", {"idea_id": idea, "hidden": True}),
        "idea.approve": ("brainstorm", {"idea_id": idea}),
        "board.undo": ("cluster", {}),
        "participant.list": ("brainstorm", {}),
        "participant.rename": ("brainstorm", {"participant_id": w["bob"], "name": "Robert"}),
        "participant.remove": ("brainstorm", {"participant_id": w["bob"]}),
        # Projector (issue 15)
        "present.focus": ("discuss", {"idea_id": idea}),
    }


def emit_raw(sock, name: str, body: str):
    """Emit `body` as written (the test client, like the server, would only write strict JSON); the ack."""
    sock.callback_counter += 1
    sock.socketio.server._handle_eio_message(sock.eio_sid, f"2{sock.callback_counter}[{json.dumps(name)},{body}]")
    ack, sock.acks = sock.acks, None
    return ack["args"][0] if ack else None


def check_ack(name: str, ack) -> None:
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (name, ack)
    if not ack["ok"]:
        assert ack["error"]["code"] in CODES, (name, ack)
        assert isinstance(ack["error"]["message"], str) and ack["error"]["message"], (name, ack)


def test_fuzz_every_socket_command(world):
    targets = socket_targets(world)
    registered = set(socketio.server.handlers["/"]) - {"connect", "disconnect"}
    assert registered <= set(targets), f"commands missing from the fuzz: {sorted(registered - set(targets))}"
    for name, (phase, base) in targets.items():
        set_phase_over_socket(world, phase)
        fuzz_command(world["sockets"], name, payloads(base))
    still_serves_a_participant(world)


def fuzz_command(sockets: dict, name: str, strategy) -> None:
    @settings(FUZZ, max_examples=SOCKET_EXAMPLES)
    @given(payload=strategy, who=st.sampled_from(sorted(sockets)), depth=st.integers(17, 600))
    def fuzz(payload, who, depth):
        body = encode(payload, depth)
        note(f"{who} → {name} {body[:300]}")
        check_ack(name, emit_raw(sockets[who], name, body))

    fuzz()


def finite(value):
    """`value` with non-finite numbers as null: the test client writes auth as strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    return value


def test_fuzz_socket_connect(world):
    """Any `auth` is a connection or a refusal, never an error in the connect handler."""
    app = world["app"]
    base = {"token": world["headers"]["alice"]["Authorization"].split()[1], "workshop": world["code"]}

    texts = st.one_of(st.sampled_from(SPECIAL_TEXTS), st.text(st.characters(categories=["Cs", "Cc"])), st.text())
    tokens = texts | texts.map(lambda t: "f." + t)  # a facilitator's token is signed, a participant's hashed
    shaped = st.fixed_dictionaries({"token": tokens, "workshop": st.just(base["workshop"]) | texts})

    @settings(FUZZ, max_examples=REST_EXAMPLES)
    # Not an object at all would be a test-client artefact (`0.0` reads as a packet id): a JS client sends objects.
    @given(auth=shaped | payloads(base).map(finite).filter(lambda auth: isinstance(auth, dict)))
    def fuzz(auth):
        note(repr(auth)[:300])
        sock = socketio.test_client(app, auth=auth)  # an exception in the handler would surface here
        if sock.is_connected():
            sock.disconnect()

    fuzz()
    still_serves_a_participant(world)


# --- REST ----------------------------------------------------------------------------------------


def rest_targets(w: dict) -> list[tuple[str, str, str, dict | None, dict]]:
    """Every JSON endpoint: (method, path, who, valid body or None, valid query)."""
    ws, rm = f"/workshops/{w['code']}", f"/roadmaps/{w['roadmap']}"
    table, idea, action = w["table"], w["idea"], w["action"]
    workshop_fields = {
        "title": "T",
        "starts_at": "2026-05-01T09:00:00+02:00",
        "location": "Créteil",
        "organiser": "EPT",
        "prompt": "?",
        "mode": "hybrid",
        "territory": "Grand Paris Sud Est Avenir",
        "retention_months": 12,
        "settings": {"votes_per_participant": 3, "reveal_votes": "end", "anonymous": False},
        "columns": ["A", "B", "C"],
    }
    new_workshop = {**workshop_fields, "theme": "jo2024"}
    action_body = {
        "title": "A",
        "axis_id": w["axis"],
        "description": "D",
        "lead": "L",
        "partners": ["P"],
        "cities": ["Créteil"],
        "due": "2026-T3",
        "status": "planned",
        "progress": 10,
        "milestones": [{"title": "M", "date": "2026-06-01", "done": False}],
        "source_ideas": [idea],
    }
    roadmap_body = {"title": "R", "territory": "Grand Paris Sud Est Avenir", "year": 2026, "description": "D"}
    return [
        ("POST", "/auth/token", "anyone", {"email": "x@example.org", "password": "motdepasse"}, {}),
        ("POST", "/workshops", "fac", new_workshop, {}),
        ("GET", ws, "alice", None, {}),
        ("PATCH", ws, "fac", workshop_fields, {}),
        ("POST", f"{ws}/participants", "anyone", {"name": "Zoé", "attendance": "room", "organisation": "X"}, {}),
        ("POST", f"{ws}/ideas", "alice", {"column_id": w["column"], "text": "Idée", "client_id": "c1"}, {}),
        ("GET", f"{ws}/events", "alice", None, {"since": "0"}),
        ("GET", f"{ws}/minutes", "alice", None, {}),
        ("GET", f"{ws}/minutes/export", "alice", None, {"format": "md", "disposition": "inline"}),
        ("GET", f"{ws}/export", "fac", None, {"format": "json", "scope": "ideas"}),
        ("GET", f"{ws}/tables", "fac", None, {}),
        ("POST", f"{ws}/tables", "fac", {"name": "Table", "size": 3}, {}),
        ("POST", f"{ws}/tables/{table}/ideas", "fac", {"column_id": w["column"], "text": "Papier"}, {}),
        ("POST", f"{ws}/tables/{table}/votes", "fac", {"idea_id": idea, "grade": None}, {}),
        ("DELETE", f"{ws}/tables/{table}/votes/{idea}", "fac", None, {}),
        ("GET", f"{ws}/equity", "fac", None, {}),
        ("GET", f"{ws}/attendance.csv", "fac", None, {}),
        ("GET", f"{ws}/me/export", "bob", None, {}),
        ("POST", f"{ws}/me/anonymise", "bob", {"client_id": "a1"}, {}),
        ("POST", f"{ws}/me/delete", "bob", {"client_id": "d1"}, {}),
        ("GET", f"{ws}/participants/{w['bob']}/export", "fac", None, {}),
        ("POST", f"{ws}/participants/{w['bob']}/anonymise", "fac", {"client_id": "a2"}, {}),
        ("POST", f"{ws}/participants/{w['bob']}/delete", "fac", {"client_id": "d2"}, {}),
        ("GET", "/roadmaps", "anyone", None, {}),
        ("POST", "/roadmaps", "fac", {**roadmap_body, "axes": ["A"], "published": False}, {}),
        ("GET", rm, "anyone", None, {}),
        ("PATCH", rm, "fac", {**roadmap_body, "published": True, "axes": ["A", "B", "C"]}, {}),
        ("POST", f"{rm}/actions", "fac", action_body, {}),
        ("GET", f"{rm}/actions/{action}", "fac", None, {}),
        ("PATCH", f"{rm}/actions/{action}", "fac", {**action_body, "source_ideas": []}, {}),
        ("GET", f"{rm}/export", "anyone", None, {"format": "csv"}),
        ("POST", f"{rm}/import", "fac", None, {}),
        # Territories, accounts, co-facilitation, roadmap housekeeping (issue 19); the deletion last
        ("GET", "/territories", "anyone", None, {}),
        (
            "POST",
            "/territories",
            "fac",
            {"name": "T", "kind": "ept", "parent": "Grand Paris Sud Est Avenir", "cities": ["A"]},
            {},
        ),
        ("GET", f"{ws}/facilitators", "fac", None, {}),
        ("POST", f"{ws}/facilitators", "fac", {"email": "personne@example.org"}, {}),
        ("DELETE", f"{ws}/facilitators/{w['user']}", "fac", None, {}),
        ("GET", f"{rm}/facilitators", "fac", None, {}),
        ("POST", f"{rm}/facilitators", "fac", {"email": "personne@example.org"}, {}),
        ("DELETE", f"{rm}/facilitators/{w['user']}", "fac", None, {}),
        ("GET", "/users", "fac", None, {}),
        ("POST", "/invitations", "fac", {"email": "invite@example.org", "name": "N", "admin": False}, {}),
        ("POST", f"/invitations/{'x' * 43}/accept", "anyone", {"password": "Un-secret-solide-2027", "name": "N"}, {}),
        ("POST", f"/users/{w['user']}/password-reset", "fac", {}, {}),
        ("PATCH", f"/users/{w['user']}", "fac", {"active": True}, {}),
        ("POST", f"{rm}/actions/{action}/sources", "fac", {"workshop": w["code"], "idea_ids": [idea]}, {}),
        ("POST", f"{rm}/actions/{action}/merge", "fac", {"into": action}, {}),
        ("DELETE", f"{rm}/actions/{action}", "fac", None, {}),
        # Projector and join page (issue 15)
        ("POST", f"{ws}/presenter-link", "fac", {}, {}),
        ("GET", f"/join/{w['code']}", "anyone", None, {}),
        # Minutes history, scribes (issue 16)
        ("GET", f"{ws}/minutes/versions", "alice", None, {}),
        ("POST", f"{ws}/minutes/versions", "fac", {"label": "Étape", "client_id": "v1"}, {}),
        ("GET", f"{ws}/minutes/versions/1", "alice", None, {}),
        ("POST", f"{ws}/minutes/versions/1/restore", "fac", {"client_id": "r1"}, {}),
        ("PATCH", f"{ws}/participants/{w['bob']}", "fac", {"scribe": True}, {}),
        # Days (issue 21)
        (
            "POST",
            "/days",
            "fac",
            {
                "title": "J",
                "date": "2026-11-21",
                "location": "UPEC",
                "programme": [{"time": "9 h", "title": "Accueil"}],
            },
            {},
        ),
        ("GET", f"/days/{w['day']}", "fac", None, {}),
        (
            "POST",
            f"/days/{w['day_code']}/participants",
            "anyone",
            {"name": "Zoé", "attendance": "room", "workshop": w["atelier"]},
            {},
        ),
        ("POST", f"/days/{w['day_code']}/move", "day", {"workshop": "plenary"}, {}),
        ("GET", f"/days/{w['day_code']}/me", "day", None, {}),
        ("GET", f"/days/{w['day']}/restitution", "fac", None, {}),
        ("POST", f"/days/{w['day']}/restitution", "fac", {"workshop": w["atelier"]}, {}),
        ("GET", f"/days/{w['day']}/export", "fac", None, {"format": "md"}),
        ("GET", f"/days/{w['day']}/facilitators", "fac", None, {}),
        ("POST", f"/days/{w['day']}/facilitators", "fac", {"email": "personne@example.org"}, {}),
        ("DELETE", f"/days/{w['day']}/facilitators/{w['user']}", "fac", None, {}),
        (
            "POST",
            "/processes",
            "fac",
            {"title": "D", "territory": "Grand Paris Sud Est Avenir", "roadmap_id": w["roadmap"]},
            {},
        ),
        ("POST", f"/processes/{w['process']}/sessions", "fac", {"workshop_code": w["code"], "day_id": None}, {}),
        ("GET", f"/processes/{w['process']}", "fac", None, {}),
        # Board v2 (issue 14); the removal last: it revokes Bob's token
        ("GET", f"{ws}/participants", "fac", None, {}),
        ("POST", f"{ws}/duplicate", "fac", {"title": "Copie"}, {}),
        ("DELETE", f"{ws}/participants/{w['bob']}", "fac", None, {}),
    ]


def check_response(method: str, path: str, r) -> None:
    assert r.status_code < 500, (method, path, r.status_code, r.get_data(as_text=True)[:500])
    if r.status_code >= 400:
        assert r.is_json, (method, path, r.status_code, r.get_data(as_text=True)[:200])
        error = r.get_json()["error"]
        assert error["code"] in CODES and error["message"], (method, path, error)


def test_fuzz_every_json_endpoint(world):
    app, client = world["app"], world["app"].test_client()
    targets = rest_targets(world)
    urls = app.url_map.bind(app.config["SERVER_NAME"])
    covered = {(method, urls.match("/api/v1" + path, method=method)[0]) for method, path, *_ in targets}
    endpoints = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert endpoints <= covered, f"endpoints missing from the fuzz: {sorted(endpoints - covered)}"
    for method, path, who, base, query in targets:
        set_phase_over_socket(world, "brainstorm")
        headers = world["headers"].get(who, {})
        url = "/api/v1" + path
        if base is None and method in ("GET", "DELETE"):
            strategy = st.dictionaries(st.sampled_from(sorted(query) or ["x"]) | keys, scalars.map(str), max_size=3)
            fuzz_query(client, method, url, headers, strategy)
        else:
            fuzz_body(client, method, url, headers, payloads(base or {}), few=path == "/auth/token")
    still_serves_a_participant(world)


def fuzz_query(client, method: str, url: str, headers: dict, strategy) -> None:
    @settings(FUZZ, max_examples=REST_EXAMPLES // 2)
    @given(query=strategy, int_in_path=st.sampled_from(SPECIAL_INTS) | st.integers(0))
    def fuzz(query, int_in_path):
        target = url if int_in_path % 3 else _replace_last_int(url, int_in_path)
        full = f"{target}?{urlencode(query, errors='surrogatepass')}"
        note(f"{method} {full[:300]}")
        check_response(method, target, client.open(full, method=method, headers=headers))

    fuzz()


def fuzz_body(client, method: str, url: str, headers: dict, strategy, few: bool) -> None:
    content_types = st.sampled_from(["application/json"] * 8 + ["text/plain", "application/x-www-form-urlencoded"])

    @settings(FUZZ, max_examples=10 if few else REST_EXAMPLES)  # a login hashes a password
    @given(
        payload=strategy,
        depth=st.integers(17, 50_000),
        content_type=content_types,
        raw=st.booleans(),
        int_in_path=st.sampled_from(SPECIAL_INTS) | st.integers(0),
    )
    def fuzz(payload, depth, content_type, raw, int_in_path):
        target = url if int_in_path % 4 else _replace_last_int(url, int_in_path)
        body = payload if raw and isinstance(payload, str) else encode(payload, depth)
        note(f"{method} {target} {content_type} {body[:300]}")
        data = body.encode("utf-8", "surrogatepass")
        r = client.open(target, method=method, data=data, content_type=content_type, headers=headers)
        check_response(method, target, r)

    fuzz()


def _replace_last_int(url: str, value: int) -> str:
    parts = url.split("/")
    for i in range(len(parts) - 1, -1, -1):
        if parts[i].isdigit():
            parts[i] = str(value)
            break
    return "/".join(parts)


# --- Afterwards --------------------------------------------------------------------------------


def still_serves_a_participant(world: dict) -> None:
    """A participant who joins now posts an idea over REST and over a socket, and reads the board."""
    app, code = world["app"], world["code"]
    set_phase_over_socket(world, "brainstorm")
    client = app.test_client()
    r = client.post(f"/api/v1/workshops/{code}/participants", json={"name": "Nouvelle", "attendance": "remote"})
    assert r.status_code == 201, r.get_json()
    headers = api_headers(r.get_json()["token"])
    r = client.post(
        f"/api/v1/workshops/{code}/ideas", json={"column_id": world["column"], "text": "Après"}, headers=headers
    )
    assert r.status_code == 201, r.get_json()
    sock = socketio.test_client(app, auth={"token": headers["Authorization"].split()[1], "workshop": code})
    ack = sock.emit("idea.create", {"column_id": world["column"], "text": "Encore après"}, callback=True)
    assert ack["ok"], ack
    assert sock.emit("sync", {"since": 0}, callback=True)["ok"]
    sock.disconnect()
    assert client.get(f"/api/v1/workshops/{code}", headers=headers).status_code == 200

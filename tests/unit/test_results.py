"""Results: rankings, exports, the results page, live tally coalescing and the results page in a browser."""

import csv
import io
import json
import threading
import time

import pytest
import requests
from flask import render_template
from playwright.sync_api import expect

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, Invalid
from app.services.workshop import exports, ideas, results, session, votes
from realtime import broadcast
from tests.browser.a11y_helpers import axe_violations, describe
from tests.conftest import api_headers
from tests.server import EMAIL, PASSWORD


@pytest.fixture
def no_flush(monkeypatch):
    """Service-level tests: no background tally flush outliving the test."""
    monkeypatch.setattr(broadcast, "_mark_tally", lambda *_: None)


def _board(make_workshop, facilitator, texts, **settings):
    workshop = make_workshop(user=facilitator, settings=settings)
    fac = Actor(workshop, user=facilitator)
    column = workshop.columns[0].id
    ids = [ideas.create_idea(fac, column, text)["idea"]["id"] for text in texts]
    return workshop, fac, ids


def _cast(people, plan, **extra):
    """plan: {idea_id: [n dots or a grade per person]}; 0 dots / None grade means nothing."""
    for idea_id, per_person in plan.items():
        for person, value in zip(people, per_person, strict=False):
            if extra.get("mj"):
                if value is not None:
                    votes.cast_vote(person, idea_id, grade=value)
            else:
                for _ in range(value):
                    votes.cast_vote(person, idea_id)


def _login(client, user):
    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True


# --- rankings ---------------------------------------------------------------


@pytest.fixture
def dots_board(make_workshop, facilitator, join, no_flush):
    texts = ["Navette vers le stade", "Fan zone solidaire", "Bénévoles du quartier", '=HYPERLINK("x")']
    workshop, fac, ids = _board(make_workshop, facilitator, texts)
    a, b, c, d = ids
    ideas.group_idea(fac, a, group_label="Mobilité")
    group = ideas.group_idea(fac, b, group_label="Accueil")["idea"]["group_id"]
    ideas.group_idea(fac, c, group_id=group)
    session.set_phase(fac, "vote")
    people = [join(workshop, f"Votant {i}") for i in range(3)]
    _cast(people, {a: [2, 1, 0], b: [1, 1, 1], c: [1, 0, 0]})
    return workshop, fac, people, ids


def test_dots_ranking_shares_ranks_on_ties(dots_board):
    _workshop, fac, _people, (a, b, c, d) = dots_board
    rows = results.ranking(fac)
    assert [(r["idea_id"], r["votes"], r["rank"]) for r in rows] == [(a, 3, 1), (b, 3, 1), (c, 1, 3), (d, 0, 4)]
    assert rows[0]["group"] == "Mobilité" and rows[0]["text"] == "Navette vers le stade"
    assert "grade" not in rows[0] and "profile" not in rows[0]


def test_group_ranking_sums_dots(dots_board):
    _workshop, fac, _people, _ids = dots_board
    rows = results.group_ranking(fac)
    assert [(r["text"], r["votes"], r["ideas"], r["rank"]) for r in rows] == [
        ("Accueil", 4, 2, 1),
        ("Mobilité", 3, 1, 2),
    ]
    assert all("idea_id" not in r for r in rows)


def test_majority_judgment_group_ranking_merges_profiles(make_workshop, facilitator, join, no_flush):
    workshop, fac, (a, b, c) = _board(
        make_workshop, facilitator, ["Un", "Deux", "Trois"], vote_method="majority_judgment"
    )
    ideas.group_idea(fac, a, group_label="G1")
    g2 = ideas.group_idea(fac, b, group_label="G2")["idea"]["group_id"]
    ideas.group_idea(fac, c, group_id=g2)
    session.set_phase(fac, "vote")
    people = [join(workshop, f"P{i}") for i in range(3)]
    _cast(people, {a: [6, 2, 2], b: [4, 4, None], c: [3, 5, 5]}, mj=True)
    rows = results.group_ranking(fac)
    # G2 merges 4,4,3,5,5: lower median 4 « Bien »; G1 has 6,2,2: « Passable ».
    assert [(r["text"], r["grade_label"], r["profile"], r["rank"]) for r in rows] == [
        ("G2", "Bien", [0, 0, 0, 1, 2, 2, 0], 1),
        ("G1", "Passable", [0, 0, 2, 0, 0, 0, 1], 2),
    ]
    assert rows[0]["explanation"].startswith("Mention majoritaire : Bien — 80 %")


# --- exports ----------------------------------------------------------------


def test_json_export_shape(dots_board, client, facilitator):
    workshop, _fac, _people, (a, b, c, d) = dots_board
    token = client.post("/api/v1/auth/token", json={"email": facilitator.email, "password": "motdepasse-solide"}).json
    r = client.get(f"/api/v1/workshops/{workshop.code}/export?format=json", headers=api_headers(token["token"]))
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.json
    assert {"results", "ideas", "minutes", "decisions", "actions"} <= set(body)
    assert [(x["idea_id"], x["rank"], x["votes"]) for x in body["results"]] == [
        (a, 1, 3),
        (b, 1, 3),
        (c, 3, 1),
        (d, 4, 0),
    ]
    assert all({"idea_id", "text", "rank", "votes"} <= set(x) for x in body["results"])
    assert body["participation"] == {"voters": 3, "participants": 3}
    assert [g["text"] for g in body["group_results"]] == ["Accueil", "Mobilité"]


def test_majority_judgment_json_export_has_grade_and_profile(make_workshop, facilitator, join, no_flush):
    workshop, fac, (a, b) = _board(make_workshop, facilitator, ["Un", "Deux"], vote_method="majority_judgment")
    session.set_phase(fac, "vote")
    _cast([join(workshop, "P1"), join(workshop, "P2")], {a: [1, 2], b: [5, 6]}, mj=True)
    body, _mimetype, _name = exports.export_workshop(fac, "json")
    rows = json.loads(body)["results"]
    assert [(r["idea_id"], r["rank"], r["grade"], r["profile"]) for r in rows] == [
        (b, 1, 5, [0, 0, 0, 0, 0, 1, 1]),
        (a, 2, 1, [0, 1, 1, 0, 0, 0, 0]),
    ]


def test_csv_exports_ideas_and_groups(dots_board, client, facilitator):
    workshop, fac, _people, (a, _b, _c, d) = dots_board
    _login(client, facilitator)  # the results page's links use the login session
    r = client.get(f"/api/v1/workshops/{workshop.code}/export?format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert f'filename="atelier-{workshop.code}.csv"' in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    by_id = {int(x["idea_id"]): x for x in rows}
    assert by_id[a]["votes"] == "3" and by_id[a]["rank"] == "1" and by_id[a]["group"] == "Mobilité"
    assert by_id[d]["text"] == '\'=HYPERLINK("x")'  # no formula reaches a spreadsheet
    groups = client.get(f"/api/v1/workshops/{workshop.code}/export?format=csv&scope=groups")
    assert list(csv.reader(io.StringIO(groups.get_data(as_text=True)))) == [
        ["group_id", "group", "ideas", "votes", "rank", "grade"],
        [groups_id(fac, "Accueil"), "Accueil", "2", "4", "1", ""],
        [groups_id(fac, "Mobilité"), "Mobilité", "1", "3", "2", ""],
    ]
    bad = client.get(f"/api/v1/workshops/{workshop.code}/export?format=csv&scope=people")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid"


def groups_id(fac, label):
    return str(next(g["group_id"] for g in results.group_ranking(fac) if g["text"] == label))


def test_markdown_export_explains_results(make_workshop, facilitator, join, no_flush):
    workshop, fac, (a, b) = _board(
        make_workshop, facilitator, ["Un <script>x</script>", "Deux\n# titre"], vote_method="majority_judgment"
    )
    session.set_phase(fac, "vote")
    _cast([join(workshop, "P1"), join(workshop, "P2")], {a: [4, 4], b: [0, 1]}, mj=True)
    body, mimetype, name = exports.export_workshop(fac, "md")
    assert mimetype.startswith("text/markdown") and name.endswith(".md")
    assert "## Résultats par idée" in body and "2 votant·es sur 2 participant·es" in body
    assert "1. Un \\<script>x\\</script> — Bien (2 évaluations) — Mention majoritaire : Bien — 100 %" in body
    assert "2. Deux # titre — À rejeter" in body and "\n# titre" not in body


def test_only_facilitators_export(dots_board, join):
    workshop, fac, people, _ids = dots_board
    with pytest.raises(Forbidden):
        exports.export_workshop(people[0], "csv")
    with pytest.raises(Invalid):
        exports.export_workshop(fac, "xlsx")


def test_anonymous_workshop_exports_no_author(make_workshop, facilitator, join, no_flush):
    workshop = make_workshop(user=facilitator, settings={"anonymous": True, "private_brainstorm": False})
    fac = Actor(workshop, user=facilitator)
    session.set_phase(fac, "brainstorm")
    ideas.create_idea(join(workshop, "Bérénice Autrice"), workshop.columns[0].id, "Une idée")
    for fmt in ("csv", "json", "md"):
        assert "Bérénice" not in exports.export_workshop(fac, fmt)[0]


# --- results page -------------------------------------------------------------


def test_results_page_for_the_facilitator(dots_board, client, facilitator):
    workshop, _fac, _people, _ids = dots_board
    _login(client, facilitator)
    r = client.get(f"/w/{workshop.code}/results")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "style=" not in html  # the CSP forbids inline styles
    assert html.count('data-testid="result-row"') == 6  # 4 ideas + 2 groups
    assert '<rect class="bar-fill" width="100.000"' in html and '<rect class="bar-fill" width="33.333"' in html
    assert 'data-testid="participation"' in html and "votant·es" in html
    assert f"/api/v1/workshops/{workshop.code}/export?format=csv" in html
    assert "format=md" in html and "css/results.css" in html
    assert "Votant 0" not in html


def test_majority_judgment_results_page_shows_merit_profiles(make_workshop, facilitator, join, client, no_flush):
    workshop, fac, (a, b) = _board(make_workshop, facilitator, ["Un", "Deux"], vote_method="majority_judgment")
    session.set_phase(fac, "vote")
    _cast([join(workshop, f"P{i}") for i in range(4)], {a: [6, 5, 1, 0], b: [3, 3, 3, None]}, mj=True)
    _login(client, facilitator)
    html = client.get(f"/w/{workshop.code}/results").get_data(as_text=True)
    assert 'class="merit-legend"' in html and html.count('<rect class="mention-') >= 7 + 5
    assert '<rect class="mention-6" x="0.000" width="25.000"' in html
    assert "Mention majoritaire : Assez bien — 100 % des participants" in html
    assert "style=" not in html


def test_results_page_for_participants_follows_reveal(make_workshop, facilitator, join, client, no_flush):
    workshop, fac, (a,) = _board(make_workshop, facilitator, ["Un"], reveal_votes="end")
    session.set_phase(fac, "vote")
    alice, token = join(workshop, "Alice", with_token=True)
    votes.cast_vote(alice, a)
    with client.session_transaction() as s:
        s["guests"] = {workshop.code: token}
    hidden = client.get(f"/w/{workshop.code}/results")
    assert hidden.status_code == 403 and "dévoilés à la fin du vote" in hidden.get_data(as_text=True)
    assert 'data-testid="result-row"' not in hidden.get_data(as_text=True)
    session.set_phase(fac, "discuss")
    shown = client.get(f"/w/{workshop.code}/results").get_data(as_text=True)
    assert 'data-testid="result-row"' in shown and "1 gommette" in shown
    assert "export" not in shown and 'data-testid="participation"' not in shown  # facilitators only


def test_results_page_needs_someone_who_joined(workshop, client):
    r = client.get(f"/w/{workshop.code}/results")
    assert r.status_code == 302 and f"/join/{workshop.code}" in r.headers["Location"]
    # Unknown and not-joined look the same, so workshop pages are no oracle for guessing codes.
    assert client.get("/w/ZZZZZZZZ/results").headers["Location"].endswith("/join/ZZZZZZZZ")


def test_results_partial_renders_alone(app):
    with app.test_request_context():
        assert "Aucun vote pour l’instant" in render_template("main/_results.html", rows=[])
        group = [{"group_id": 4, "text": "G", "rank": 1, "votes": 0, "ideas": 1}]
        html = render_template("main/_results.html", rows=group, kind="group")
        assert 'data-group-id="4"' in html and '<rect class="bar-fill" width="0"' in html


# --- live: tally storm and hidden tallies on the wire -------------------------------


def _live_vote(live_server, n_ideas, **settings):
    workshop = live_server.create_workshop(settings=settings)
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    column = workshop["columns"][0]["id"]
    ids = [fac.call("idea.create", {"column_id": column, "text": f"Idée {i}"})["idea"]["id"] for i in range(n_ideas)]
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    return code, fac, ids


def _close_all(clients) -> None:
    """Each python-socketio disconnect waits seconds for its read loop: close them side by side."""
    closing = [threading.Thread(target=c.close) for c in clients]
    for t in closing:
        t.start()
    for t in closing:
        t.join(30)


def _latest_tallies(client) -> dict[int, int]:
    state: dict[int, int] = {}
    for event in sorted((e for e in list(client.events) if e["type"] == "vote.tally"), key=lambda e: e["seq"]):
        for row in event["data"]["tallies"]:
            state[row["idea_id"]] = row["votes"]
    return state


def _converged(client, expected, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _latest_tallies(client) == expected:
            return True
        time.sleep(0.02)
    return False


def _storm(servers, people=16, budget=12):
    """Every participant votes from two tabs at once (on two processes when there are two), each tab
    re-sending 8 shared client_ids (retries) and 4 of its own: 16 wanted votes for a budget of 12.

    Checks exact budgets, identical answers per client_id, convergence of every client to the
    snapshot's tallies. Returns (votes, tally frames seen by the facilitator, seconds the storm took)."""
    a = servers[0]
    code, fac, ids = _live_vote(a, 4, votes_per_participant=budget, max_votes_per_idea=budget)
    tokens = [a.join(code, f"P{i}") for i in range(people)]
    tabs = [(i, servers[(i + t) % len(servers)].client(code, tok)) for i, tok in enumerate(tokens) for t in range(2)]
    start = threading.Barrier(len(tabs))
    acks: dict[tuple, list] = {}
    lock = threading.Lock()

    def storm(index, tab_no, client):
        jobs = [f"c{k}" for k in range(8)] + [f"t{tab_no}-{k}" for k in range(4)]
        start.wait()
        for k, cid in enumerate(jobs):
            ack = client.call("vote.cast", {"idea_id": ids[(index + k) % len(ids)], "client_id": cid})
            with lock:
                acks.setdefault((index, cid), []).append(ack)

    threads = [threading.Thread(target=storm, args=(i, n % 2, c)) for n, (i, c) in enumerate(tabs)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    took = time.monotonic() - began
    flat = [ack for seen in acks.values() for ack in seen]
    assert len(flat) == people * 24
    assert all(ack["ok"] or ack["error"]["code"] == "budget" for ack in flat), flat
    for (_person, cid), seen in acks.items():
        if cid.startswith("c"):
            assert len(seen) == 2 and seen[0] == seen[1], seen  # the twin from the other tab got the same answer
    for token in tokens:
        me = requests.get(f"{a.url}/api/v1/workshops/{code}", headers=a.auth(token), timeout=10).json()["me"]
        assert me["votes_left"] == 0 and sum(me["my_votes"].values()) == budget

    snap = requests.get(f"{a.url}/api/v1/workshops/{code}", headers=a.auth(a.token()), timeout=10).json()
    expected = {i["id"]: i["votes"] for i in snap["ideas"]}
    assert sum(expected.values()) == people * budget
    clients = [fac] + [c for _i, c in tabs]
    for client in clients:
        assert _converged(client, expected), (_latest_tallies(client), expected)
    frames = sum(1 for e in fac.events if e["type"] == "vote.tally")
    _close_all(clients)
    # Coalescing bounds the frames per second: at most one flush per window and process.
    assert frames <= len(servers) * (took / broadcast.TALLY_WINDOW + 1)
    return people * budget, frames, took


def test_vote_storm_is_exact_coalesced_and_every_client_converges(live_server):
    votes_counted, frames, took = _storm([live_server])
    print(f"\n{votes_counted} votes from {16 * 24} commands in {took:.1f} s -> {frames} vote.tally frames per client")
    assert frames <= votes_counted // 4


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    """Two server processes on one PostgreSQL database, sharing a private Redis (tests/cluster.py)."""
    from tests.cluster import MUST_RUN, RedisServer, ScratchDatabase, missing
    from tests.server import LiveServer

    if not MUST_RUN:
        pytest.skip("multi-process PostgreSQL storm: runs in CI or with FABRIQUE_TEST_POSTGRES=1")
    try:
        redis_server = RedisServer(tmp_path_factory.mktemp("tally-redis"))
        redis_server.start()
        database = ScratchDatabase("fabrique_tally_test")
    except Exception as exc:  # noqa: BLE001 — no PostgreSQL or Redis here
        missing("PostgreSQL and redis-server", exc)
    env = {"DATABASE_URL": database.url, "SOCKETIO_MESSAGE_QUEUE": redis_server.url, "SECRET_KEY": "tally-test"}
    servers = [LiveServer(tmp_path_factory.mktemp(f"tally-{n}"), env) for n in "ab"]
    servers[0].start()
    servers[1].start(migrate=False)
    yield servers
    for server in servers:
        server.stop()
    redis_server.kill()
    database.drop()


def test_vote_storm_across_two_processes_on_postgresql(two_processes):
    """Two tabs of one participant on two processes: still exact; tallies converge everywhere."""
    votes_counted, frames, took = _storm(two_processes)
    print(f"\ntwo processes: {votes_counted} votes in {took:.1f} s -> {frames} vote.tally frames per client")
    assert frames < votes_counted


def test_hidden_tallies_never_reach_participants_on_the_wire(live_server):
    code, fac, (a, b) = _live_vote(live_server, 2, reveal_votes="end")
    alice = live_server.client(code, live_server.join(code, "Alice"))
    assert alice.call("vote.cast", {"idea_id": a})["my_votes"] == {str(a): 1}
    seen = fac.wait_for(lambda e: e["type"] == "vote.tally")
    assert seen["data"]["votes"] == 1
    hidden = alice.wait_for(lambda e: e["seq"] == seen["seq"])
    assert hidden == {"seq": seen["seq"], "type": "hidden", "data": {}, "at": seen["at"]}
    synced = alice.call("sync", {"since": 0})["snapshot"]
    assert all(i["votes"] is None for i in synced["ideas"])
    assert fac.call("phase.set", {"phase": "discuss"})["ok"]
    alice.wait_for(lambda e: e["type"] == "phase.changed" and e["data"]["resync"] is True)
    assert {i["id"]: i["votes"] for i in alice.call("sync", {"since": 0})["snapshot"]["ideas"]} == {a: 1, b: 0}
    _close_all([fac, alice])


# --- browser ---------------------------------------------------------------------


def _facilitator_page(page, live_server):
    page.goto(live_server.url + "/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes ateliers")).to_be_visible()


def test_browser_facilitator_sees_bars_and_merit_profiles(live_server, page):
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    _facilitator_page(page, live_server)

    code, fac, (a, b, c) = _live_vote(live_server, 3)
    people = [live_server.client(code, live_server.join(code, f"P{i}")) for i in range(2)]
    for person, plan in zip(people, [[a, a, a, b], [b, c]], strict=True):
        for idea in plan:
            assert person.call("vote.cast", {"idea_id": idea})["ok"]
    page.goto(f"{live_server.url}/w/{code}/results")
    table = page.get_by_test_id("results-ideas")
    rows = table.get_by_test_id("result-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Idée 0")
    expect(rows.nth(0)).to_contain_text("3 gommettes")
    expect(rows.nth(2)).to_contain_text("1 gommette")
    assert rows.nth(0).locator("rect.bar-fill").get_attribute("width") == "100.000"
    assert rows.nth(1).locator("rect.bar-fill").get_attribute("width") == "66.667"
    box = rows.nth(1).locator("svg.bar").bounding_box()
    assert box["width"] > 100 and box["height"] > 10  # the stylesheet sized it
    expect(page.get_by_test_id("participation")).to_contain_text("2 votant·es sur 2 participant·es")
    href = page.get_by_test_id("export-csv").get_attribute("href")
    assert requests.get(live_server.url + href, timeout=10).status_code == 401  # the page's session is needed
    assert not axe_violations(page), describe(axe_violations(page))

    mj_code, mj_fac, (x, y) = _live_vote(live_server, 2, vote_method="majority_judgment")
    graders = [live_server.client(mj_code, live_server.join(mj_code, f"G{i}")) for i in range(3)]
    for grader, (gx, gy) in zip(graders, [(6, 2), (4, 3), (1, 3)], strict=True):
        assert grader.call("vote.cast", {"idea_id": x, "grade": gx})["ok"]
        assert grader.call("vote.cast", {"idea_id": y, "grade": gy})["ok"]
    page.goto(f"{live_server.url}/w/{mj_code}/results")
    rows = page.get_by_test_id("results-ideas").get_by_test_id("result-row")
    expect(rows.nth(0)).to_contain_text("Idée 0")
    expect(rows.nth(0)).to_contain_text("Bien")
    expect(rows.nth(0).locator(".result-explanation")).to_have_text(
        "Mention majoritaire : Bien — 67 % des participants ont donné « Bien » ou mieux, 33 % « Assez bien » ou moins."
    )
    expect(rows.nth(0).locator("svg.merit rect[class^=mention-]")).to_have_count(3)
    expect(page.locator(".merit-legend li")).to_have_count(8)
    assert rows.nth(1).locator("svg.merit").bounding_box()["width"] > 100
    assert not axe_violations(page), describe(axe_violations(page))
    assert csp_errors == []
    _close_all([fac, mj_fac, *people, *graders])

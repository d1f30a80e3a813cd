"""Results: rankings, exports and the results page (live tallies: tests/live; in a browser: tests/browser)."""

import csv
import io
import json

import pytest
from flask import render_template

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, Invalid
from app.services.workshop import exports, ideas, results, session, votes


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


# --- rankings ---------------------------------------------------------------


@pytest.fixture
def dots_board(make_workshop, facilitator, join):
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


def test_majority_judgment_group_ranking_merges_profiles(make_workshop, facilitator, join):
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
    # G2 merges 4,4,0,3,5,5 (P3 did not grade b: « À rejeter »): lower median 4 « Bien »; G1 has 6,2,2.
    assert [(r["text"], r["grade_label"], r["profile"], r["rank"]) for r in rows] == [
        ("G2", "Bien", [1, 0, 0, 1, 2, 2, 0], 1),
        ("G1", "Passable", [0, 0, 2, 0, 0, 0, 1], 2),
    ]
    assert rows[0]["explanation"].startswith("Mention majoritaire : Bien — 67 %")


# --- exports ----------------------------------------------------------------


def test_json_export_shape(dots_board, client, auth):
    workshop, _fac, _people, (a, b, c, d) = dots_board
    r = client.get(f"/api/v1/workshops/{workshop.code}/export?format=json", headers=auth.api_headers())
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
    assert body["participation"]["voters"] == 3 and body["participation"]["present"] == 3
    assert [(x["rank_label"], x["tied"]) for x in body["results"]] == [
        ("1 =", True),
        ("1 =", True),
        ("3", False),
        ("4", False),
    ]
    assert [g["text"] for g in body["group_results"]] == ["Accueil", "Mobilité"]


def test_majority_judgment_json_export_has_grade_and_profile(make_workshop, facilitator, join):
    workshop, fac, (a, b) = _board(make_workshop, facilitator, ["Un", "Deux"], vote_method="majority_judgment")
    session.set_phase(fac, "vote")
    _cast([join(workshop, "P1"), join(workshop, "P2")], {a: [1, 2], b: [5, 6]}, mj=True)
    body, _mimetype, _name = exports.export_workshop(fac, "json")
    rows = json.loads(body)["results"]
    assert [(r["idea_id"], r["rank"], r["grade"], r["profile"]) for r in rows] == [
        (b, 1, 5, [0, 0, 0, 0, 0, 1, 1]),
        (a, 2, 1, [0, 1, 1, 0, 0, 0, 0]),
    ]


def test_csv_exports_ideas_and_groups(dots_board, client, auth):
    workshop, fac, _people, (a, _b, _c, d) = dots_board
    auth.login()  # the results page's links use the login session
    r = client.get(f"/api/v1/workshops/{workshop.code}/export?format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert f'filename="atelier-{workshop.code}.csv"' in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, `;` (docs/protocol.md § 11)
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))
    by_id = {int(x["Identifiant"]): x for x in rows}
    assert by_id[a]["Votes"] == "3" and by_id[a]["Rang"] == "1 =" and by_id[a]["Groupe"] == "Mobilité"  # a tie
    assert by_id[d]["Texte"] == '\'=HYPERLINK("x")'  # no formula reaches a spreadsheet
    groups = client.get(f"/api/v1/workshops/{workshop.code}/export?format=csv&scope=groups")
    assert list(csv.reader(io.StringIO(groups.data.decode("utf-8-sig")), delimiter=";")) == [
        ["Identifiant", "Groupe", "Idées", "Votes", "Rang", "Mention majoritaire"],
        [groups_id(fac, "Accueil"), "Accueil", "2", "4", "1", ""],
        [groups_id(fac, "Mobilité"), "Mobilité", "1", "3", "2", ""],
    ]
    bad = client.get(f"/api/v1/workshops/{workshop.code}/export?format=csv&scope=people")
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid"


def groups_id(fac, label):
    return str(next(g["group_id"] for g in results.group_ranking(fac) if g["text"] == label))


def test_markdown_export_explains_results(make_workshop, facilitator, join):
    workshop, fac, (a, b) = _board(
        make_workshop, facilitator, ["Un <script>x</script>", "Deux\n# titre"], vote_method="majority_judgment"
    )
    session.set_phase(fac, "vote")
    _cast([join(workshop, "P1"), join(workshop, "P2")], {a: [4, 4], b: [0, 1]}, mj=True)
    body, mimetype, name = exports.export_workshop(fac, "md")
    assert mimetype.startswith("text/markdown") and name.endswith(".md")
    assert "## Résultats par idée" in body and "2 votant·es sur 2 participant·es" in body
    assert "- **1** Un \\<script\\>x\\</script\\> — Bien (2 évaluations) — Mention majoritaire : Bien — 100 %" in body
    assert "- **2** Deux # titre — À rejeter" in body and "\n# titre" not in body
    assert "Une idée non évaluée compte comme « À rejeter »" in body


def test_only_facilitators_export(dots_board, join):
    workshop, fac, people, _ids = dots_board
    with pytest.raises(Forbidden):
        exports.export_workshop(people[0], "csv")
    with pytest.raises(Invalid):
        exports.export_workshop(fac, "xlsx")


def test_anonymous_workshop_exports_no_author(make_workshop, facilitator, join):
    workshop = make_workshop(user=facilitator, settings={"anonymous": True, "private_brainstorm": False})
    fac = Actor(workshop, user=facilitator)
    session.set_phase(fac, "brainstorm")
    ideas.create_idea(join(workshop, "Bérénice Autrice"), workshop.columns[0].id, "Une idée")
    for fmt in ("csv", "json", "md"):
        assert "Bérénice" not in exports.export_workshop(fac, fmt)[0]


# --- results page -------------------------------------------------------------


def test_results_page_for_the_facilitator(dots_board, client, auth):
    workshop, _fac, _people, _ids = dots_board
    auth.login()
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


def test_majority_judgment_results_page_shows_merit_profiles(make_workshop, facilitator, join, client, auth):
    workshop, fac, (a, b) = _board(make_workshop, facilitator, ["Un", "Deux"], vote_method="majority_judgment")
    session.set_phase(fac, "vote")
    _cast([join(workshop, f"P{i}") for i in range(4)], {a: [6, 5, 1, 0], b: [3, 3, 3, None]}, mj=True)
    auth.login(facilitator)
    html = client.get(f"/w/{workshop.code}/results").get_data(as_text=True)
    assert 'class="merit-legend"' in html and html.count('<rect class="mention-') >= 7 + 5
    assert '<rect class="mention-6" x="0.000" width="25.000"' in html
    # b was not graded by P3: « À rejeter » for that voter, so 3 of 4 gave « Assez bien » or better.
    assert "Mention majoritaire : Assez bien — 75 % des participants" in html
    assert "Une idée non évaluée compte comme « À rejeter »" in html and "1 non évalué" in html
    assert "style=" not in html


def test_results_page_for_participants_follows_reveal(make_workshop, facilitator, join, client):
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
    assert "export" not in shown  # facilitators only
    assert 'data-testid="participation"' in shown  # after the vote everyone sees how many voted


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

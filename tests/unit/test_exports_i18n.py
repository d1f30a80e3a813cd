"""Issue 18: exports in the reader's language, and CSV a French spreadsheet opens by double-click.

CSV: UTF-8 with a byte-order mark and `;` by default, `&sep=comma` for RFC 4180 commas; headers, statuses,
due dates and grades in the request's language (`?lang=` or Accept-Language, French by default); lists in a
cell split back exactly; the import reads both separators and both languages (docs/protocol.md § 11).
"""

import csv
import io
import json

import pytest

from app.lib.formats import join_list, split_list
from app.services.roadmaps.import_export import EXPORT_COLUMNS
from app.services.roadmaps.operations import create_action, update_action
from app.services.workshop import ideas, session, votes
from models import db
from tests.unit.roadmap_helpers import make_roadmap, make_territory

BOM = b"\xef\xbb\xbf"
FR_HEADERS = ["Identifiant", "Axe", "Titre", "Description", "Pilote", "Partenaires", "Communes", "Échéance",
              "Statut", "Avancement", "Jalons", "Sources"]  # fmt: skip
EN_HEADERS = ["ID", "Axis", "Title", "Description", "Lead", "Partners", "Municipalities", "Due", "Status",
              "Progress", "Milestones", "Sources"]  # fmt: skip
ODD_CITIES = ["Saint-Maur; des Fossés", 'Ville "la Belle", sur Marne', "Créteil"]
PARTNERS = ['Coop "Les Amis"', "France Active; Île-de-France", "Réseau, ESS", "=SOMME(A1)"]
COL = {key: i for i, key in enumerate(EXPORT_COLUMNS)}


@pytest.fixture
def roadmap(facilitator):
    roadmap = make_roadmap(facilitator, make_territory("Paris Est Marne", ODD_CITIES))
    axes = [a.id for a in roadmap.axes]
    first = create_action(
        facilitator,
        roadmap.id,
        {"title": "Annuaire; ESS", "axis_id": axes[0], "partners": PARTNERS, "cities": ODD_CITIES[:2], "due": "T3 2026",
         "milestones": [{"date": "2026-05-01", "title": 'Lancement "public"', "done": True}]},
    )  # fmt: skip
    create_action(facilitator, roadmap.id, {"title": "Fonds", "axis_id": axes[1], "due": "2026-09-30"})
    update_action(facilitator, roadmap.id, first.id, {"status": "in_progress", "progress": 40})
    return roadmap


def get(client, url: str, headers: dict):
    """A request in an app context of its own, as in production (tests/unit/i18n_helpers.py `get`): the
    `app` fixture's context would keep the first request's language in `g`. The test's own session ends
    its transaction first (SQLite: one writer)."""
    db.session.commit()
    with client.application.app_context():
        return client.get(url, headers=headers)


def post(client, url: str, headers: dict, **options):
    db.session.commit()
    with client.application.app_context():
        return client.post(url, headers=headers, **options)


def read(body: bytes, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline=""), delimiter=delimiter))


def snapshot(client, roadmap_id, headers) -> dict:
    return json.loads(get(client, f"/api/v1/roadmaps/{roadmap_id}/export?format=json", headers).data)


def import_(client, roadmap_id, body, headers):
    return post(client, f"/api/v1/roadmaps/{roadmap_id}/import", {**headers, "Content-Type": "text/csv"}, data=body)


def test_lists_in_a_cell_split_back_exactly():
    items = ['a "b"', "c; d", "e, f", " g ", ""]
    assert join_list(["a", "b"]) == "a; b"
    assert join_list(items) == '"a ""b"""; "c; d"; e, f; " g "; ""'
    assert split_list(join_list(items)) == items
    assert split_list("") == [] and split_list("x ; y") == ["x", "y"]


def test_the_french_roadmap_csv_opens_with_semicolons_and_round_trips(client, fac_headers, roadmap):
    before = snapshot(client, roadmap.id, fac_headers)
    r = get(client, f"/api/v1/roadmaps/{roadmap.id}/export?format=csv", fac_headers)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.data.startswith(BOM) and r.data.count(BOM) == 1
    assert f'filename="feuille-de-route-{roadmap.id}.csv"' in r.headers["Content-Disposition"]
    assert b"\r\n" in r.data  # RFC 4180 line ends
    rows = read(r.data[len(BOM) :])
    assert rows[0] == FR_HEADERS and all(len(row) == len(FR_HEADERS) for row in rows)
    first, second = rows[1], rows[2]
    assert (first[COL["status"]], first[COL["progress"]], first[COL["due"]]) == ("En cours", "40", "T3 2026")
    assert (second[COL["status"]], second[COL["due"]]) == ("Proposée", "30/09/2026")
    assert first[COL["title"]] == "Annuaire; ESS"
    assert split_list(first[COL["partners"]]) == PARTNERS  # the formula is a later item: no cell starts with =
    assert split_list(first[COL["cities"]]) == ODD_CITIES[:2]
    assert split_list(first[COL["milestones"]]) == ['01/05/2026 Lancement "public" (fait)']
    # Back through the import unchanged: nothing to update, the roadmap and its history as they were.
    answer = import_(client, roadmap.id, r.data, fac_headers)
    assert answer.status_code == 200 and answer.get_json() == {"rows": 2, "updated": 0}
    assert snapshot(client, roadmap.id, fac_headers) == before
    # A spreadsheet's edit comes back in: the French label of a status, a progress « 60 % ».
    first[COL["status"]], first[COL["progress"]] = "Réalisée", "60 %"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    answer = import_(client, roadmap.id, BOM + out.getvalue().encode(), fac_headers)
    assert answer.get_json() == {"rows": 2, "updated": 1}
    action = snapshot(client, roadmap.id, fac_headers)["actions"][0]
    assert (action["status"], action["progress"]) == ("done", 60)


@pytest.mark.parametrize("how", ["header", "query"])
def test_the_english_roadmap_csv_has_english_words_and_round_trips(client, fac_headers, roadmap, how):
    before = snapshot(client, roadmap.id, fac_headers)
    headers = {**fac_headers, "Accept-Language": "en-GB,en;q=0.9"} if how == "header" else fac_headers
    query = "&lang=en" if how == "query" else ""
    r = get(client, f"/api/v1/roadmaps/{roadmap.id}/export?format=csv{query}", headers)
    assert r.data.startswith(BOM)
    assert f'filename="roadmap-{roadmap.id}.csv"' in r.headers["Content-Disposition"]
    rows = read(r.data[len(BOM) :])
    assert rows[0] == EN_HEADERS
    assert [row[COL["status"]] for row in rows[1:]] == ["In progress", "Proposed"]
    assert [row[COL["due"]] for row in rows[1:]] == ["Q3 2026", "2026-09-30"]
    assert split_list(rows[1][COL["milestones"]]) == ['2026-05-01 Lancement "public" (done)']
    assert split_list(rows[1][COL["partners"]]) == PARTNERS
    # The English file goes back in, read by a French request as well as an English one.
    assert import_(client, roadmap.id, r.data, fac_headers).get_json() == {"rows": 2, "updated": 0}
    assert import_(client, roadmap.id, r.data, headers).get_json() == {"rows": 2, "updated": 0}
    assert snapshot(client, roadmap.id, fac_headers) == before


def test_sep_comma_gives_rfc_4180_and_round_trips(client, fac_headers, roadmap):
    before = snapshot(client, roadmap.id, fac_headers)
    r = get(client, f"/api/v1/roadmaps/{roadmap.id}/export?format=csv&sep=comma", fac_headers)
    assert r.status_code == 200 and not r.data.startswith(BOM)
    assert r.data.split(b"\r\n")[0].decode() == ",".join(FR_HEADERS)
    rows = read(r.data, ",")
    assert split_list(rows[1][COL["partners"]]) == PARTNERS
    assert split_list(rows[1][COL["cities"]]) == ODD_CITIES[:2]
    assert import_(client, roadmap.id, r.data, fac_headers).get_json() == {"rows": 2, "updated": 0}
    assert snapshot(client, roadmap.id, fac_headers) == before
    bad = get(client, f"/api/v1/roadmaps/{roadmap.id}/export?format=csv&sep=tab", fac_headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "sep"


def test_import_errors_name_the_column_in_the_readers_language(client, fac_headers, roadmap):
    body = get(client, f"/api/v1/roadmaps/{roadmap.id}/export?format=csv", fac_headers).data
    rows = read(body[len(BOM) :])
    rows[2][COL["status"]] = "bientôt"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    fr = import_(client, roadmap.id, out.getvalue().encode(), fac_headers).get_json()["error"]
    assert (fr["row"], fr["field"]) == (3, "status")
    assert (
        fr["message"]
        == "Ligne 3 : « Statut » doit valoir l'un de : Proposée, Planifiée, En cours, Réalisée, Abandonnée."
    )
    en = import_(client, roadmap.id, out.getvalue().encode(), {**fac_headers, "Accept-Language": "en"}).get_json()
    assert en["error"]["message"] == "Row 3: “Status” must be one of: Proposed, Planned, In progress, Done, Dropped."


def test_due_dates_one_form_per_language_and_errors_name_the_label(client, fac_headers, roadmap):
    url = f"/api/v1/roadmaps/{roadmap.id}/actions"
    axis = roadmap.axes[0].id
    for raw, stored in (("Q3 2026", "2026-T3"), ("2026-Q4", "2026-T4"), ("t1 2027", "2027-T1"),
                        ("09/2026", "2026-09"), ("30/09/2026", "2026-09-30")):  # fmt: skip
        made = post(client, url, fac_headers, json={"title": raw, "axis_id": axis, "due": raw}).get_json()
        assert made["due"] == stored, raw
    shown = post(client, url, fac_headers, json={"title": "x", "axis_id": axis, "due": "Q2 2026"}).get_json()
    assert shown["due_label"] == "T2 2026"
    english = {**fac_headers, "Accept-Language": "en"}
    shown = post(client, url, english, json={"title": "y", "axis_id": axis, "due": "T2 2026"}).get_json()
    assert shown["due_label"] == "Q2 2026"
    fr = post(client, url, fac_headers, json={"title": "z", "axis_id": axis, "due": "bientôt"}).get_json()
    assert fr["error"]["field"] == "due"
    assert fr["error"]["message"] == (
        "« Échéance » : échéance illisible « bientôt » (attendu : T3 2026, 09/2026 ou 30/09/2026)."
    )
    en = post(client, url, english, json={"title": "z", "axis_id": axis, "due": "soon"}).get_json()
    assert (
        en["error"]["message"] == "“Due”: cannot read the due date “soon” (expected: Q3 2026, 2026-09 or 2026-09-30)."
    )


def test_the_markdown_history_is_human_lines_in_the_readers_language(client, fac_headers, roadmap):
    url = f"/api/v1/roadmaps/{roadmap.id}/export?format=md"
    fr = get(client, url, fac_headers).get_data(as_text=True)
    assert "Statut : Proposée → En cours" in fr and "Avancement : 0 % → 40 %" in fr
    assert "- Statut : En cours — 40 %" in fr and "- Échéance : T3 2026" in fr and "Historique :" in fr
    assert "in_progress" not in fr and "status proposed" not in fr
    en = get(client, url + "&lang=en", fac_headers).get_data(as_text=True)
    assert "Status: Proposed → In progress" in en and "Progress: 0% → 40%" in en
    assert "- Status: In progress — 40%" in en and "- Due: Q3 2026" in en and "History:" in en


@pytest.fixture
def voted(make_workshop, facilitator, join):
    workshop = make_workshop(user=facilitator)
    from app.services.core.actors import Actor

    fac = Actor(workshop, user=facilitator)
    column = workshop.columns[0].id
    a, b = (ideas.create_idea(fac, column, text)["idea"]["id"] for text in ("Navette; stade", 'Fan "zone"'))
    ideas.group_idea(fac, a, group_label="Mobilité")
    session.set_phase(fac, "vote")
    person = join(workshop, "Votante")
    for _ in range(2):
        votes.cast_vote(person, a)
    votes.cast_vote(person, b)
    return workshop, a, b


@pytest.mark.parametrize(
    ("lang", "head", "groups_head"),
    [
        ("fr", ["Identifiant", "Colonne", "Groupe", "Texte", "Auteur·ice", "Pour une table", "Votes", "Rang",
                "Mention majoritaire", "Modération"], ["Identifiant", "Groupe", "Idées", "Votes", "Rang",
                                                       "Mention majoritaire"]),
        ("en", ["ID", "Column", "Group", "Text", "Author", "For a table", "Votes", "Rank", "Majority grade",
                "Moderation"], ["ID", "Group", "Ideas", "Votes", "Rank", "Majority grade"]),
    ],
)  # fmt: skip
def test_workshop_results_csv_in_both_languages(client, fac_headers, voted, lang, head, groups_head):
    workshop, a, b = voted
    url = f"/api/v1/workshops/{workshop.code}/export?format=csv&lang={lang}"
    r = get(client, url, fac_headers)
    assert r.status_code == 200 and r.data.startswith(BOM)
    rows = read(r.data[len(BOM) :])
    assert rows[0] == head
    by_id = {int(row[0]): row for row in rows[1:]}
    assert (by_id[a][3], by_id[a][6], by_id[a][7], by_id[a][2]) == ("Navette; stade", "2", "1", "Mobilité")
    assert by_id[b][3] == 'Fan "zone"'
    groups = get(client, url + "&scope=groups", fac_headers)
    assert read(groups.data[len(BOM) :])[0] == groups_head
    plain = get(client, url + "&sep=comma", fac_headers)
    assert not plain.data.startswith(BOM) and read(plain.data, ",") == rows
    stem = "atelier" if lang == "fr" else "workshop"
    assert f'filename="{stem}-{workshop.code}.csv"' in r.headers["Content-Disposition"]


def test_majority_judgment_csv_names_the_grades_in_the_readers_language(make_workshop, facilitator, join, client,
                                                                         fac_headers):  # fmt: skip
    from app.services.core.actors import Actor

    workshop = make_workshop(user=facilitator, settings={"vote_method": "majority_judgment"})
    fac = Actor(workshop, user=facilitator)
    idea = ideas.create_idea(fac, workshop.columns[0].id, "Une idée")["idea"]["id"]
    session.set_phase(fac, "vote")
    votes.cast_vote(join(workshop, "P1"), idea, grade=4)
    url = f"/api/v1/workshops/{workshop.code}/export?format=csv"
    fr = read(get(client, url, fac_headers).data[len(BOM) :])
    en = read(get(client, url, {**fac_headers, "Accept-Language": "en"}).data[len(BOM) :])
    assert fr[0][-8:-1] == ["À rejeter", "Insuffisant", "Passable", "Assez bien", "Bien", "Très bien", "Excellent"]
    assert en[0][-8:-1] == ["Reject", "Poor", "Fair", "Fairly good", "Good", "Very good", "Excellent"]
    assert (fr[1][8], en[1][8]) == ("Bien", "Good")
    md = get(client, f"/api/v1/workshops/{workshop.code}/export?format=md&lang=en", fac_headers)
    text = md.get_data(as_text=True)
    assert "## Results by idea" in text and "Good (1 rating)" in text and "## Minutes" in text

"""Roadmap exports and CSV import (round trip, all or nothing), views and « Pourquoi cette action ? »."""

import csv
import io
import json
from datetime import date

import pytest

from app.roadmaps.timeline import svg_timeline
from app.services.core.errors import Invalid
from app.services.roadmaps import views
from app.services.roadmaps.import_export import EXPORT_COLUMNS, export_roadmap, import_csv
from app.services.roadmaps.operations import create_action, get_roadmap, roadmap_dict
from app.services.roadmaps.promote import promote_to_action
from models import db
from tests.unit.roadmap_helpers import CITIES, make_roadmap, voted_board, write_minutes


@pytest.fixture
def roadmap(facilitator):
    roadmap = make_roadmap(facilitator)
    axes = [a.id for a in roadmap.axes]
    create_action(facilitator, roadmap.id, {"title": "Annuaire ESS", "axis_id": axes[0], "cities": ["Créteil"]})
    create_action(
        facilitator,
        roadmap.id,
        {"title": "Fonds d'amorçage", "axis_id": axes[1], "due": "2026-T3", "partners": ["France Active"]},
    )
    create_action(facilitator, roadmap.id, {"title": '=HYPERLINK("x")', "axis_id": axes[2], "status": "planned"})
    return roadmap


HEADERS = ["Identifiant", "Axe", "Titre", "Description", "Pilote", "Partenaires", "Communes", "Échéance", "Statut",
           "Avancement", "Jalons", "Sources"]  # fmt: skip


def rows_of(text: str) -> list[list[str]]:
    """The French export: a byte-order mark, then `;`-separated rows."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def csv_of(rows: list[list[str]], delimiter: str = ";") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


def test_csv_round_trip_updates_status_and_progress_with_history(facilitator, roadmap):
    body, mimetype, _ = export_roadmap(roadmap, facilitator, "csv")
    assert mimetype.startswith("text/csv")
    rows = rows_of(body)
    assert rows[0] == HEADERS
    assert rows[3][2] == '\'=HYPERLINK("x")'  # formulas neutralised
    assert [r[EXPORT_COLUMNS.index("status")] for r in rows[1:]] == ["Proposée", "Proposée", "Planifiée"]
    assert rows[2][EXPORT_COLUMNS.index("due")] == "T3 2026"
    rows[1][EXPORT_COLUMNS.index("progress")] = "60"
    rows[1][EXPORT_COLUMNS.index("status")] = "in_progress"  # the code is understood too
    rows[2][EXPORT_COLUMNS.index("status")] = "Done"  # and the English label
    assert import_csv(facilitator, roadmap.id, ("\ufeff" + csv_of(rows)).encode()) == {"rows": 3, "updated": 2}
    first, second, third = roadmap.actions
    assert (first.status, first.progress, second.status, third.status) == ("in_progress", 60, "done", "planned")
    assert [(c.field, c.new) for c in first.changes][-2:] == [("status", "in_progress"), ("progress", "60")]


@pytest.mark.parametrize(
    ("row", "column", "value", "field"),
    [
        (3, "progress", "150", "progress"),
        (2, "progress", "beaucoup", "progress"),
        (4, "status", "bientôt", "status"),
        (3, "id", "99999", "id"),
    ],
)
def test_a_malformed_row_is_named_and_nothing_is_written(facilitator, roadmap, row, column, value, field):
    body, _, _ = export_roadmap(roadmap, facilitator, "csv")
    rows = rows_of(body)
    for r in rows[1:]:
        r[EXPORT_COLUMNS.index("progress")] = "10"
    rows[row - 1][EXPORT_COLUMNS.index(column)] = value
    with pytest.raises(Invalid) as err:
        import_csv(facilitator, roadmap.id, csv_of(rows))
    assert (err.value.extra["row"], err.value.extra["field"]) == (row, field)
    label = HEADERS[EXPORT_COLUMNS.index(field)]
    assert err.value.message.startswith((f"Ligne {row} : « {label} »", f"Ligne {row} : l'identifiant"))
    db.session.expire_all()
    assert [a.progress for a in get_roadmap(roadmap.id, facilitator).actions] == [0, 0, 0]


def test_progress_150_message_matches_the_issue(facilitator, roadmap):
    body, _, _ = export_roadmap(roadmap, facilitator, "csv")
    rows = rows_of(body)
    rows[2][EXPORT_COLUMNS.index("progress")] = "150"
    with pytest.raises(Invalid) as err:
        import_csv(facilitator, roadmap.id, csv_of(rows))
    assert err.value.to_dict() == {
        "code": "invalid",
        "message": "Ligne 3 : « Avancement » doit être entre 0 et 100.",
        "row": 3,
        "field": "progress",
    }


def test_import_refuses_other_columns_and_accepts_commas_and_the_old_headers(facilitator, roadmap):
    with pytest.raises(Invalid) as err:
        import_csv(facilitator, roadmap.id, "id,status,progress\n1,done,100\n")
    assert err.value.extra == {"row": 1, "field": "header"}
    assert "manquantes : Axe, Titre" in err.value.message
    body, _, _ = export_roadmap(roadmap, facilitator, "csv")
    rows = rows_of(body)
    rows[0] = EXPORT_COLUMNS  # the keys (the headers before issue 18) still head the columns
    rows[1][EXPORT_COLUMNS.index("progress")] = "25 %"
    assert import_csv(facilitator, roadmap.id, csv_of(rows, ",").encode("utf-8"))["updated"] == 1
    assert roadmap.actions[0].progress == 25


def test_exports_carry_provenance(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    promote_to_action(fac, {"idea_id": ideas[0]["id"], "roadmap_id": roadmap.id, "axis_id": roadmap.axes[0].id})
    data = json.loads(export_roadmap(roadmap, facilitator, "json")[0])
    source = data["actions"][0]["sources"][0]
    assert (source["idea_id"], source["votes"], source["workshop"]["code"]) == (ideas[0]["id"], 3, fac.workshop.code)
    assert data["actions"][0]["history"][0]["field"] == "created"
    markdown = export_roadmap(roadmap, facilitator, "md")[0]
    assert "Pourquoi cette action ?" in markdown and f"« {ideas[0]['text']} » (3 gommettes)" in markdown
    csv_body = export_roadmap(roadmap, facilitator, "csv")[0]
    assert f"{fac.workshop.code} #{ideas[0]['id']}" in rows_of(csv_body)[1][-1]
    with pytest.raises(Invalid):
        export_roadmap(roadmap, facilitator, "pdf")


def test_views_by_city_status_and_timeline(facilitator, roadmap):
    data = roadmap_dict(roadmap, facilitator)
    cities = {entry["city"]: [a["title"] for a in entry["actions"]] for entry in views.by_city(data)}
    assert list(cities)[: len(CITIES)] == CITIES
    assert cities["Créteil"] == ["Annuaire ESS"]
    assert cities[str(views.WHOLE_TERRITORY)] == ["Fonds d'amorçage", '=HYPERLINK("x")']
    statuses = {s["status"]: len(s["actions"]) for s in views.by_status(data)}
    assert statuses == {"proposed": 2, "planned": 1, "in_progress": 0, "done": 0, "dropped": 0}
    line = svg_timeline(views.timeline(data, today=date(2026, 5, 1)))
    assert [t["label"] for t in line["ticks"]] == ["T1 2026", "T2 2026", "T3 2026", "T4 2026"]
    (row,) = line["rows"]
    assert row["action"]["title"] == "Fonds d'amorçage"
    assert line["ticks"][2]["x"] < row["due_x"] < line["right"]
    assert line["label_w"] < line["today_x"] < line["ticks"][2]["x"]
    assert len(line["undated"]) == 2


def test_trace_shows_sources_minutes_mentions_and_history(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    write_minutes(
        fac.workshop,
        "# Compte rendu\n/décision Lancer un annuaire des fournisseurs ESS du territoire\n"
        "/décision Reporter le forum\n/action Chiffrer l'annuaire @gpsea\nL'annuaire commun plaît à tous.\n",
    )
    ack = promote_to_action(
        fac, {"idea_id": ideas[0]["id"], "roadmap_id": roadmap.id, "axis_id": roadmap.axes[0].id, "title": "Annuaire"}
    )
    from app.services.roadmaps.operations import get_action, update_action

    update_action(facilitator, roadmap.id, ack["action"]["id"], {"progress": 30})
    result = views.trace(get_action(roadmap, ack["action"]["id"]), None)
    (entry,) = result["workshops"]
    assert entry["workshop"]["title"] == fac.workshop.title
    assert [i["votes"] for i in entry["ideas"]] == [3]
    assert [(m["line"], m["kind"]) for m in entry["minutes"]] == [(2, "decision"), (4, "action"), (5, "mention")]
    assert [h["label"] for h in result["history"]] == ["Création", "Source ajoutée", "Avancement"]
    assert result["history"][-1]["new"] == "30 %"

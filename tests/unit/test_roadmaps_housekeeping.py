"""Roadmap housekeeping (issue 19): promote twice → conflict naming the action; the promoted card's mark;
linking several ideas, a group or a minutes line; deleting and merging actions (sources and history kept);
dropped actions apart; full text kept as the description; empty communes folded; no join code in public."""

import json

import pytest
from sqlalchemy import func, select

from app.services.core.actors import Actor
from app.services.core.errors import Conflict
from app.services.roadmaps import views
from app.services.roadmaps.operations import create_action, get_action, get_roadmap, roadmap_dict, update_action
from app.services.roadmaps.promote import promote_to_action
from app.services.workshop.board import snapshot
from app.services.workshop.session import set_phase
from models import Action, ActionSource, Event, db
from tests.unit.roadmap_helpers import make_roadmap, voted_board, write_minutes

LONG = (
    "Créer une recyclerie solidaire intercommunale qui collecte les encombrants des treize communes, forme des "
    "personnes éloignées de l'emploi à la réparation, revend à petit prix et loue des outils aux habitants, avec "
    "une boutique dans chaque quartier prioritaire et un atelier mobile pour les marchés."
)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def promote(fac, roadmap, **payload):
    return promote_to_action(fac, {"roadmap_id": roadmap.id, **payload})


def test_promoting_the_same_idea_twice_is_a_conflict_naming_the_action(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    axis = roadmap.axes[0].id
    first = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=axis, title="Annuaire ESS")["action"]
    with pytest.raises(Conflict) as exc:
        promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=roadmap.axes[1].id)
    assert "« Annuaire ESS »" in exc.value.message and exc.value.extra["action"]["id"] == first["id"]
    assert count(Action) == 1 and count(ActionSource) == 1
    group_id = db.session.execute(select(ActionSource.idea_id)).scalar_one()  # the grouped idea, already in
    with pytest.raises(Conflict):
        promote(fac, roadmap, group_id=_group_of(group_id), axis_id=axis)
    write_minutes(fac.workshop, "# CR\n\n/action Créer un annuaire ESS @cress\n")
    promote(fac, roadmap, minutes_line=3, axis_id=axis)
    with pytest.raises(Conflict) as exc:
        promote(fac, roadmap, minutes_line=3, axis_id=axis)
    assert "Créer un annuaire ESS" in exc.value.message and count(Action) == 2


def _group_of(idea_id: int) -> int:
    from models import Idea

    return db.session.get(Idea, idea_id).group_id


def test_a_shortened_title_keeps_the_whole_text_as_description(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join, texts=(LONG, "Une idée courte"))
    cut = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=roadmap.axes[0].id)["action"]
    assert len(cut["title"]) == 200 and cut["title"].endswith("…") and cut["description"] == LONG
    short = promote(fac, roadmap, idea_id=ideas[1]["id"], axis_id=roadmap.axes[0].id)["action"]
    assert (short["title"], short["description"]) == ("Une idée courte", "")


def test_the_promoted_card_carries_its_action(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    action = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=roadmap.axes[0].id, title="Annuaire")["action"]
    mark = {
        "id": action["id"],
        "roadmap_id": roadmap.id,
        "title": "Annuaire",
        "url": f"/roadmaps/{roadmap.id}/actions/{action['id']}",
    }
    cards = {i["id"]: i for i in snapshot(fac)["ideas"]}
    assert cards[ideas[0]["id"]]["action"] == mark and cards[ideas[1]["id"]]["action"] is None
    alice = join(fac.workshop, "Bob")
    assert {i["id"]: i["action"] for i in snapshot(alice)["ideas"]}[ideas[0]["id"]] is None  # unpublished roadmap
    get_roadmap(roadmap.id, facilitator).published = True
    db.session.commit()
    assert {i["id"]: i["action"] for i in snapshot(alice)["ideas"]}[ideas[0]["id"]] == mark


def test_several_ideas_a_group_and_a_minutes_line_link_to_one_action(client, auth, facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join, texts=("Idée un", "Idée deux", "Idée trois"))
    action = create_action(facilitator, roadmap.id, {"title": "Une seule action", "axis_id": roadmap.axes[0].id})
    action_id, roadmap_id, code = action.id, roadmap.id, fac.workshop.code
    both = promote(fac, roadmap, idea_ids=[ideas[1]["id"], ideas[2]["id"]], action_id=action_id)["action"]
    assert [s["idea_id"] for s in both["sources"]] == [ideas[1]["id"], ideas[2]["id"]]
    write_minutes(fac.workshop, "# CR\n\n/decision Mutualiser les achats\n")
    set_phase(fac, "closed")  # linking after the session, from the action page
    headers = auth.api_headers()
    url = f"/api/v1/roadmaps/{roadmap_id}/actions/{action_id}/sources"
    r = client.post(url, json={"workshop": code, "group_id": _group_of(ideas[0]["id"])}, headers=headers)
    assert r.status_code == 201, r.json
    r = client.post(url, json={"workshop": code, "minutes_line": 3}, headers=headers)
    assert r.status_code == 201 and [s["kind"] for s in r.json["action"]["sources"]] == ["idea"] * 3 + ["minutes"]
    again = client.post(url, json={"workshop": code, "idea_ids": [ideas[1]["id"]]}, headers=headers)
    assert again.status_code == 409 and "Une seule action" in again.json["error"]["message"]


def test_deleting_an_action_frees_its_sources_and_keeps_its_history(client, auth, facilitator, fac, join):
    roadmap = make_roadmap(facilitator, published=True)
    ideas = voted_board(fac, join)
    action = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=roadmap.axes[0].id, title="À supprimer")["action"]
    other = create_action(facilitator, roadmap.id, {"title": "Reste", "axis_id": roadmap.axes[1].id}).id
    r = client.delete(f"/api/v1/roadmaps/{roadmap.id}/actions/{action['id']}", headers=auth.api_headers())
    assert r.status_code == 200
    data = client.get(f"/api/v1/roadmaps/{roadmap.id}").json
    assert [a["id"] for a in data["actions"]] == [other]
    export = client.get(f"/api/v1/roadmaps/{roadmap.id}/export?format=json").get_data(as_text=True)
    assert "À supprimer" not in export and "Reste" in json.loads(export)["actions"][0]["title"]
    assert "À supprimer" not in client.get(f"/roadmaps/{roadmap.id}").get_data(as_text=True)
    assert client.get(f"/roadmaps/{roadmap.id}/actions/{action['id']}").status_code == 404
    retired = get_action(get_roadmap(roadmap.id, facilitator), action["id"], retired=True)
    assert retired.deleted_at is not None and retired.changes[-1].field == "deleted"
    assert [c.field for c in retired.changes] == ["created", "source", "deleted"]
    cards = {i["id"]: i for i in snapshot(Actor(fac.workshop, user=facilitator))["ideas"]}
    assert cards[ideas[0]["id"]]["action"] is None
    event = (
        db.session.execute(select(Event).filter_by(type="idea.updated").order_by(Event.seq.desc())).scalars().first()
    )
    assert event.data["id"] == ideas[0]["id"] and event.data["action"] is None
    again = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=roadmap.axes[0].id)  # not promoted any more
    assert again["action"]["id"] != action["id"]


def test_merging_two_actions_keeps_sources_and_history(client, auth, facilitator, fac, join):
    roadmap = make_roadmap(facilitator, published=True)
    ideas = voted_board(fac, join)
    axis = roadmap.axes[0].id
    a = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=axis, title="Annuaire")["action"]["id"]
    b = promote(fac, roadmap, idea_id=ideas[1]["id"], axis_id=axis, title="Formation")["action"]["id"]
    r = client.post(f"/api/v1/roadmaps/{roadmap.id}/actions/{a}/merge", json={"into": b}, headers=auth.api_headers())
    assert r.status_code == 200, r.json
    assert [s["idea_id"] for s in r.json["sources"]] == [ideas[1]["id"], ideas[0]["id"]]
    data = roadmap_dict(get_roadmap(roadmap.id, None), None)
    assert [x["id"] for x in data["actions"]] == [b] and len(data["actions"][0]["sources"]) == 2
    trace = views.trace(get_action(get_roadmap(roadmap.id, None), b), None)
    fields = [h["field"] for h in trace["history"]]
    assert fields == ["created", "source", "merged", "source"] and trace["history"][2]["new"] == "Annuaire"
    assert trace["history"][3]["new"].endswith(ideas[0]["text"])
    merged = get_action(roadmap, a, retired=True)
    assert merged.merged_into_id == b and merged.changes[-1].field == "merged_into"
    md = client.get(f"/api/v1/roadmaps/{roadmap.id}/export?format=md").get_data(as_text=True)
    assert ideas[0]["text"] in md and "Annuaire" not in md.split("Formation", 1)[0]
    cards = {i["id"]: i for i in snapshot(Actor(fac.workshop, user=facilitator))["ideas"]}
    assert cards[ideas[0]["id"]]["action"]["id"] == b
    same = client.post(f"/api/v1/roadmaps/{roadmap.id}/actions/{b}/merge", json={"into": b}, headers=auth.api_headers())
    assert same.status_code == 400


def test_dropped_actions_are_apart_and_empty_communes_folded(client, facilitator):
    roadmap = make_roadmap(facilitator, published=True)
    axis = roadmap.axes[0].id
    create_action(
        facilitator, roadmap.id, {"title": "En cours", "axis_id": axis, "progress": 40, "cities": ["Créteil"]}
    )
    dropped = create_action(facilitator, roadmap.id, {"title": "Oubliée", "axis_id": axis, "progress": 100})
    update_action(facilitator, roadmap.id, dropped.id, {"status": "dropped"})
    data = roadmap_dict(get_roadmap(roadmap.id, None), None)
    assert views.totals(data) == {"actions": 1, "done": 0, "progress": 40, "dropped": 1}
    assert [a["title"] for a in views.by_axis(data)[0]["actions"]] == ["En cours"]
    page = client.get(f"/roadmaps/{roadmap.id}").get_data(as_text=True)
    assert 'data-testid="dropped-actions"' in page and "Oubliée" in page and "hors moyenne" in page
    cities = client.get(f"/roadmaps/{roadmap.id}?view=cities").get_data(as_text=True)
    assert cities.count('data-testid="city-section"') == 1  # Créteil only
    assert "2 communes sans action spécifique" in cities  # Alfortville, Sucy-en-Brie folded (and the whole territory)


def test_public_pages_show_no_join_code(client, auth, facilitator, fac, join):
    roadmap = make_roadmap(facilitator, published=True)
    ideas = voted_board(fac, join)
    action = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=roadmap.axes[0].id)["action"]["id"]
    code = fac.workshop.code
    for url in (f"/roadmaps/{roadmap.id}", f"/roadmaps/{roadmap.id}/actions/{action}", "/roadmaps/"):
        page = client.get(url).get_data(as_text=True)
        assert code not in page and f"/join/{code}" not in page, url
    auth.login()
    assert code in client.get(f"/roadmaps/{roadmap.id}/actions/{action}").get_data(as_text=True)


def test_the_action_page_links_merges_and_deletes(client, auth, facilitator, fac, join):
    roadmap = make_roadmap(facilitator, published=True)
    ideas = voted_board(fac, join, texts=("Idée un", "Idée deux", "Idée trois"))
    write_minutes(fac.workshop, "# CR\n\n/action Ouvrir un guichet @gosb\n")
    keep = promote(fac, roadmap, idea_id=ideas[0]["id"], axis_id=roadmap.axes[0].id, title="Garder")["action"]["id"]
    gone = create_action(facilitator, roadmap.id, {"title": "Doublon", "axis_id": roadmap.axes[0].id}).id
    rid, code = roadmap.id, fac.workshop.code
    assert 'data-testid="action-housekeeping"' not in client.get(f"/roadmaps/{rid}/actions/{keep}").get_data(
        as_text=True
    )
    auth.login()
    page = client.get(f"/roadmaps/{rid}/actions/{keep}").get_data(as_text=True)
    assert "Idée deux" in page and "Ouvrir un guichet" in page and "Idée un</label>" not in page
    form = {"workshop": code, "idea_ids": [str(ideas[1]["id"]), str(ideas[2]["id"])]}
    assert client.post(f"/roadmaps/{rid}/actions/{keep}/link", data=form).status_code == 302
    assert (
        client.post(f"/roadmaps/{rid}/actions/{keep}/link", data={"workshop": code, "minutes_line": "3"}).status_code
        == 302
    )
    assert len(get_action(get_roadmap(rid, facilitator), keep).sources) == 4
    assert client.post(f"/roadmaps/{rid}/actions/{gone}/merge", data={"into": str(keep)}).status_code == 302
    assert client.post(f"/roadmaps/{rid}/actions/{keep}/delete").status_code == 302
    manage = client.get(f"/roadmaps/{rid}/manage").get_data(as_text=True)
    assert "2 actions supprimées ou fusionnées" in manage and "dans « Garder »" in manage

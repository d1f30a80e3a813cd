"""Roadmap services: creation, actions and history, promotion from the board, provenance."""

import pytest
from sqlalchemy import func, select

from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound, PhaseError, Unauthorized
from app.services.roadmaps import fields as rf
from app.services.roadmaps.operations import (
    create_action,
    get_roadmap,
    roadmap_dict,
    update_action,
    update_roadmap,
    visible_roadmaps,
)
from app.services.roadmaps.promote import promote_to_action
from app.services.workshop.ideas import delete_idea
from models import Action, ActionChange, ActionSource, Event, Idea, Roadmap, Territory, Workshop, db
from tests.unit.roadmap_helpers import AXES, make_roadmap, make_territory, voted_board, write_minutes


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_create_roadmap_with_axes_by_territory_name_or_id(facilitator):
    territory = make_territory()
    roadmap = make_roadmap(facilitator, territory)
    assert [a.title for a in roadmap.axes] == AXES
    assert roadmap.created_by_id == facilitator.id and roadmap.published is False
    other = make_roadmap(facilitator, territory, territory=territory.id, title="Autre")
    assert other.territory_id == territory.id


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"territory": "Atlantide"}, "territory"),
        ({"axes": []}, "axes"),
        ({"title": " "}, "title"),
        ({"year": 1}, "year"),
    ],
)
def test_create_roadmap_rejects_bad_fields(facilitator, patch, field):
    make_territory()
    with pytest.raises(Invalid) as err:
        make_roadmap(facilitator, db.session.execute(select(Territory)).scalar_one(), **patch)
    assert err.value.extra["field"] == field
    assert count(Roadmap) == 0


def test_visitors_see_only_published_roadmaps(facilitator):
    roadmap = make_roadmap(facilitator)
    with pytest.raises(NotFound):
        get_roadmap(roadmap.id, None)
    assert visible_roadmaps(None) == []
    with pytest.raises(Unauthorized):
        update_roadmap(None, roadmap.id, {"published": True})
    update_roadmap(facilitator, roadmap.id, {"published": True})
    assert get_roadmap(roadmap.id, None) is roadmap
    assert [r.id for r in visible_roadmaps(None)] == [roadmap.id]


def test_action_with_unknown_axis_writes_nothing(facilitator):
    roadmap = make_roadmap(facilitator)
    with pytest.raises(Invalid) as err:
        create_action(facilitator, roadmap.id, {"title": "Annuaire", "axis_id": 99999})
    assert err.value.extra["field"] == "axis_id"
    assert count(Action) == 0


def test_action_fields_are_validated_and_normalised(facilitator):
    roadmap = make_roadmap(facilitator)
    axis = roadmap.axes[1].id
    data = {
        "title": "Fonds d'amorçage",
        "axis_id": axis,
        "lead": "GPSEA",
        "partners": ["France Active", "BGE-ADIL", "France Active"],
        "cities": ["créteil", "Sucy-en-Brie"],
        "due": "T3 2026",
        "milestones": [{"title": "Comité", "date": "2026-06-01"}, {"title": "Lancement", "date": "2026-03-01"}],
    }
    action = create_action(facilitator, roadmap.id, data)
    assert action.partners == ["France Active", "BGE-ADIL"]
    assert action.cities == ["Créteil", "Sucy-en-Brie"]
    assert action.due == "2026-T3" and rf.due_label(action.due) == "T3 2026"
    assert [m["title"] for m in action.milestones] == ["Lancement", "Comité"]
    with pytest.raises(Invalid) as err:
        create_action(facilitator, roadmap.id, {**data, "cities": ["Marseille"]})
    assert err.value.extra["field"] == "cities"
    with pytest.raises(Invalid) as err:
        create_action(facilitator, roadmap.id, {**data, "due": "bientôt"})
    assert err.value.extra["field"] == "due"


def test_progress_150_is_refused_and_nothing_changes(facilitator):
    roadmap = make_roadmap(facilitator)
    action = create_action(facilitator, roadmap.id, {"title": "Annuaire", "axis_id": roadmap.axes[0].id})
    before = count(ActionChange)
    with pytest.raises(Invalid) as err:
        update_action(facilitator, roadmap.id, action.id, {"status": "in_progress", "progress": 150})
    assert err.value.extra["field"] == "progress"
    db.session.refresh(action)
    assert (action.status, action.progress, count(ActionChange)) == ("proposed", 0, before)


def test_status_and_progress_changes_are_recorded_with_their_author(facilitator):
    roadmap = make_roadmap(facilitator)
    action = create_action(facilitator, roadmap.id, {"title": "Annuaire", "axis_id": roadmap.axes[0].id})
    update_action(facilitator, roadmap.id, action.id, {"status": "in_progress", "progress": 40})
    update_action(facilitator, roadmap.id, action.id, {"progress": 40})  # no change, no row
    rows = [(c.field, c.old, c.new, c.user_id) for c in action.changes]
    assert rows == [
        ("created", "", "proposed", facilitator.id),  # a code, read in any language
        ("status", "proposed", "in_progress", facilitator.id),
        ("progress", "0", "40", facilitator.id),
    ]


def test_source_from_a_workshop_i_do_not_lead_is_forbidden(facilitator, make_user, make_workshop, join):
    roadmap = make_roadmap(facilitator)
    stranger = make_user(name="Autre animateur")
    foreign = make_workshop(user=stranger, title="Atelier d'ailleurs")
    ideas = voted_board(Actor(foreign, user=stranger), join)
    with pytest.raises(Forbidden) as err:
        create_action(
            facilitator,
            roadmap.id,
            {"title": "Annuaire", "axis_id": roadmap.axes[0].id, "source_ideas": [ideas[0]["id"]]},
        )
    assert err.value.extra["field"] == "source_ideas"
    assert count(Action) == 0 and count(ActionSource) == 0


def test_action_sources_carry_text_votes_and_workshop(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    action = create_action(
        facilitator,
        roadmap.id,
        {"title": "Annuaire", "axis_id": roadmap.axes[0].id, "source_ideas": [ideas[0]["id"], ideas[1]["id"]]},
    )
    sources = roadmap_dict(get_roadmap(roadmap.id, facilitator), None)["actions"][0]["sources"]
    assert [(s["idea_id"], s["text"], s["votes"]) for s in sources] == [
        (ideas[0]["id"], ideas[0]["text"], 3),
        (ideas[1]["id"], ideas[1]["text"], 1),
    ]
    assert "code" in sources[0]["workshop"] and sources[0]["workshop"]["code"] is None  # a visitor (issue 19)
    mine = roadmap_dict(get_roadmap(roadmap.id, facilitator), facilitator)["actions"][0]["sources"]
    assert mine[0]["workshop"]["code"] == fac.workshop.code
    assert action.sources[0].tally == {"votes": 3}


def test_promote_needs_the_discuss_phase_and_a_facilitator(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    alice = join(fac.workshop, "Alice")
    payload = {"idea_id": 1, "roadmap_id": roadmap.id, "axis_id": roadmap.axes[0].id}
    with pytest.raises(Forbidden):
        promote_to_action(alice, payload)
    with pytest.raises(PhaseError):
        promote_to_action(fac, payload)
    assert count(Action) == 0


def test_promote_an_idea_creates_an_action_and_logs_the_event(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    ack = promote_to_action(fac, {"idea_id": ideas[0]["id"], "roadmap_id": roadmap.id, "axis_id": roadmap.axes[0].id})
    action = ack["action"]
    assert action["title"] == ideas[0]["text"]
    assert action["sources"][0]["votes"] == 3
    event = db.session.execute(select(Event).filter_by(workshop_id=fac.workshop.id, type="idea.promoted")).scalar_one()
    assert event.seq == db.session.get(Workshop, fac.workshop.id).last_seq
    assert event.data["id"] == ideas[0]["id"]
    url = f"/roadmaps/{roadmap.id}/actions/{action['id']}"
    assert event.data["action"] == {"id": action["id"], "roadmap_id": roadmap.id, "title": action["title"], "url": url}


def test_promote_into_an_existing_action_gathers_sources_once(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    base = {"roadmap_id": roadmap.id}
    first = promote_to_action(
        fac, {**base, "idea_id": ideas[0]["id"], "axis_id": roadmap.axes[0].id, "title": "Annuaire"}
    )
    action_id = first["action"]["id"]
    second = promote_to_action(fac, {**base, "idea_id": ideas[1]["id"], "action_id": action_id})
    assert [s["idea_id"] for s in second["action"]["sources"]] == [ideas[0]["id"], ideas[1]["id"]]
    with pytest.raises(Conflict):
        promote_to_action(fac, {**base, "idea_id": ideas[1]["id"], "action_id": action_id})
    assert count(ActionSource) == 2


def test_promote_a_group_makes_every_idea_a_source(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    group_id = db.session.get(Idea, ideas[0]["id"]).group_id
    ack = promote_to_action(fac, {"group_id": group_id, "roadmap_id": roadmap.id, "axis_id": roadmap.axes[2].id})
    assert ack["action"]["title"] == "Achats responsables"
    assert [s["idea_id"] for s in ack["action"]["sources"]] == [ideas[0]["id"]]


def test_promote_a_minutes_action_line(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    voted_board(fac, join)
    write_minutes(fac.workshop, "# Compte rendu\n\n/action Créer un annuaire ESS @cress échéance: 2026-09-30\n")
    ack = promote_to_action(fac, {"minutes_line": 3, "roadmap_id": roadmap.id, "axis_id": roadmap.axes[0].id})
    action = ack["action"]
    assert (action["title"], action["lead"], action["due"]) == ("Créer un annuaire ESS", "cress", "2026-09-30")
    assert action["sources"][0]["kind"] == "minutes" and action["sources"][0]["line"] == 3
    with pytest.raises(NotFound):
        promote_to_action(fac, {"minutes_line": 1, "roadmap_id": roadmap.id, "axis_id": roadmap.axes[0].id})


def test_unknown_axis_on_promote_writes_nothing(facilitator, fac, join):
    roadmap = make_roadmap(facilitator)
    ideas = voted_board(fac, join)
    with pytest.raises(Invalid):
        promote_to_action(fac, {"idea_id": ideas[0]["id"], "roadmap_id": roadmap.id, "axis_id": 424242})
    promoted = select(func.count()).select_from(Event).filter_by(type="idea.promoted")
    assert db.session.execute(promoted).scalar_one() == 0 and count(Action) == 0


def test_sources_survive_the_deletion_of_their_idea(facilitator, fac, join):
    roadmap = make_roadmap(facilitator, published=True)
    ideas = voted_board(fac, join)
    promote_to_action(fac, {"idea_id": ideas[0]["id"], "roadmap_id": roadmap.id, "axis_id": roadmap.axes[0].id})
    delete_idea(fac, ideas[0]["id"])
    source = roadmap_dict(get_roadmap(roadmap.id, None), None)["actions"][0]["sources"][0]
    assert (source["idea_id"], source["text"], source["votes"]) == (None, ideas[0]["text"], 3)


def test_private_brainstorm_ideas_stay_hidden_from_visitors(facilitator, fac, join):
    roadmap = make_roadmap(facilitator, published=True)
    from app.services.workshop.ideas import create_idea
    from app.services.workshop.session import set_phase

    set_phase(fac, "brainstorm")
    secret = create_idea(join(fac.workshop, "Alice"), fac.workshop.columns[0].id, "Idée pas encore révélée")["idea"]
    data = {"title": "Annuaire", "axis_id": roadmap.axes[0].id, "source_ideas": [secret["id"]]}
    create_action(facilitator, roadmap.id, data)
    public = roadmap_dict(roadmap, None)["actions"][0]["sources"][0]
    assert public["text"] is None and public["hidden"] is True
    assert roadmap_dict(roadmap, facilitator)["actions"][0]["sources"][0]["text"] == "Idée pas encore révélée"


@pytest.mark.parametrize(
    ("raw", "normal", "label"),
    [("T3 2026", "2026-T3", "T3 2026"), ("2026-Q1", "2026-T1", "T1 2026"), ("2026-09-30", "2026-09-30", "30/09/2026")],
)
def test_due_values(raw, normal, label):
    assert rf.due(raw) == normal
    assert rf.due_label(normal) == label
    assert rf.due_date(normal) is not None

"""Renaming columns and axes from a list of titles: rename in place, add, remove only what is empty."""

import pytest

from app.services.core.errors import Invalid
from app.services.roadmaps import operations as roadmaps
from app.services.workshop.ideas import create_idea
from app.services.workshop.workshops import update_workshop
from models import Territory, db


def test_columns_are_renamed_added_and_removed_only_when_empty(workshop, fac):
    first, *_rest, last = [c.id for c in workshop.columns]
    update_workshop(fac, {"columns": ["Opportunités", "Freins", "Actions"]})
    assert [c.title for c in workshop.columns] == ["Opportunités", "Freins", "Actions"]
    assert workshop.columns[0].id == first and last not in [c.id for c in workshop.columns]
    create_idea(fac, workshop.columns[2].id, "Une idée dans la dernière colonne")
    with pytest.raises(Invalid, match="contient des idées"):
        update_workshop(fac, {"columns": ["Opportunités", "Freins"]})
    db.session.refresh(workshop)
    assert len(workshop.columns) == 3


def test_axes_with_actions_are_kept(facilitator):
    db.session.add(Territory(name="Grand Paris Sud Est Avenir", kind="ept", cities=[]))
    db.session.commit()
    roadmap = roadmaps.create_roadmap(
        facilitator, {"title": "Programme ESS", "territory": "Grand Paris Sud Est Avenir", "axes": ["A", "B"]}
    )
    axis_b = roadmap.axes[1].id
    roadmaps.create_action(facilitator, roadmap.id, {"title": "Top 10 des achats", "axis_id": axis_b})
    with pytest.raises(Invalid, match="contient des actions") as err:
        roadmaps.update_roadmap(facilitator, roadmap.id, {"axes": ["Mutualisation"]})
    assert err.value.extra == {"field": "axes"}
    roadmaps.update_roadmap(facilitator, roadmap.id, {"axes": ["Mutualisation", "Financement", "Promotion"]})
    assert [a.title for a in roadmap.axes] == ["Mutualisation", "Financement", "Promotion"]
    assert roadmap.axes[1].id == axis_b

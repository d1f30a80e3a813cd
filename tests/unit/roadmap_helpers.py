"""Shared setup for the roadmap tests: a territory, a roadmap, a voted workshop, minutes."""

from pycrdt import Doc, Text

from app.services.roadmaps.operations import create_roadmap
from app.services.workshop.ideas import create_idea, group_idea
from app.services.workshop.session import set_phase
from app.services.workshop.votes import cast_vote
from models import MinutesUpdate, Territory, db

CITIES = ["Créteil", "Alfortville", "Sucy-en-Brie"]
AXES = ["Mutualisation et coopération", "Accompagnement et financement", "Sensibilisation et promotion"]


def make_territory(name="Grand Paris Sud Est Avenir", cities=CITIES) -> Territory:
    territory = Territory(name=name, kind="ept", cities=list(cities))
    db.session.add(territory)
    db.session.commit()
    return territory


def make_roadmap(user, place=None, **extra):
    place = place or make_territory()
    data = {"title": "Programme ESS 2026", "territory": place.name, "year": 2026, "axes": AXES, **extra}
    return create_roadmap(user, data)


def write_minutes(workshop, text: str) -> None:
    doc = Doc()
    doc["minutes"] = minutes = Text()
    minutes += text
    db.session.add(MinutesUpdate(workshop_id=workshop.id, data=doc.get_update()))
    db.session.commit()


def voted_board(fac, join, texts=("Un annuaire des fournisseurs ESS", "Former les associations aux marchés")):
    """Ideas posted in brainstorm, voted (3 dots on the first), then the workshop in `discuss`."""
    workshop = fac.workshop
    set_phase(fac, "brainstorm")
    alice = join(workshop, "Alice")
    column = workshop.columns[0].id
    ideas = [create_idea(alice, column, t)["idea"] for t in texts]
    set_phase(fac, "cluster")
    group_idea(fac, ideas[0]["id"], group_label="Achats responsables")
    set_phase(fac, "vote")
    for _ in range(3):
        cast_vote(alice, ideas[0]["id"])
    cast_vote(alice, ideas[1]["id"])
    set_phase(fac, "discuss")
    return ideas

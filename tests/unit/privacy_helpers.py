"""Shared set-up for the privacy tests: a workshop full of personal data, and a database scanner."""

import json

from pycrdt import Doc, Text
from sqlalchemy import JSON, LargeBinary, String, select
from sqlalchemy import Text as SAText

from app.services.workshop import ideas, presence, session, votes
from models import Action, ActionSource, Axis, MinutesUpdate, Roadmap, Territory, db

ALICE, BOB = "Alice Martin-Quérou", "Bertrand Zéphyrin"
ORG = "Coopérative Lumière d'Ivry"
MINUTES = "# Atelier\n\nDÉCISION : ouvrir un tiers-lieu à Ivry.\n"


def add_minutes(workshop, text: str = MINUTES) -> None:
    doc = Doc()
    body = Text()
    doc["minutes"] = body
    body += text
    db.session.add(MinutesUpdate(workshop_id=workshop.id, data=doc.get_update()))
    db.session.commit()


def populate(workshop, fac, join) -> dict:
    """Two named participants who post (with client_ids), vote, raise hands, are online; minutes; a roadmap source."""
    alice = join(workshop, ALICE, "room", organisation=ORG)
    bob = join(workshop, BOB, "remote")
    col = workshop.columns[0].id
    session.set_phase(fac, "brainstorm")
    a1 = ideas.create_idea(alice, col, "Un café associatif au rez-de-chaussée", client_id="a-1")["idea"]
    a2 = ideas.create_idea(alice, col, "Un atelier vélo partagé")["idea"]
    b1 = ideas.create_idea(bob, col, "Une monnaie locale", client_id="b-1")["idea"]
    session.raise_hand(alice, client_id="hand-a")
    session.raise_hand(bob)
    session.set_phase(fac, "vote")
    for actor, idea in ((alice, b1), (alice, a1), (bob, a1), (bob, a1), (bob, b1)):
        votes.cast_vote(actor, idea["id"])
    presence.connect("sid-alice", "proc-1", alice)
    add_minutes(workshop)
    source = _roadmap_source(workshop, fac, a1)
    return {"alice": alice, "bob": bob, "a1": a1, "a2": a2, "b1": b1, "source_id": source.id}


def _roadmap_source(workshop, fac, idea: dict) -> ActionSource:
    territory = Territory(name=f"EPT Grand-Orly {workshop.code}", kind="ept")
    roadmap = Roadmap(title="Feuille de route ESS", territory=territory, published=True)
    axis = Axis(title="Lieux", position=0)
    roadmap.axes.append(axis)
    db.session.add(roadmap)
    db.session.flush()
    action = Action(roadmap_id=roadmap.id, axis_id=axis.id, title="Ouvrir un café associatif")
    action.sources.append(ActionSource(workshop_id=workshop.id, idea_id=idea["id"], text=idea["text"]))
    db.session.add(action)
    db.session.commit()
    return action.sources[0]


def text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | SAText | JSON | LargeBinary):
                yield table, column


def find_in_database(*needles: str) -> list[str]:
    """Every (table.column) whose stored value contains one of the needles — text, JSON and binary alike."""
    found = []
    for table, column in text_columns():
        for (value,) in db.session.execute(select(column).select_from(table)):
            if value is None:
                continue
            if isinstance(value, bytes):
                hay = value.decode("utf-8", "replace")
            elif isinstance(value, str):
                hay = value
            else:
                hay = json.dumps(value, ensure_ascii=False)
            found += [f"{table.name}.{column.name}: {n}" for n in needles if n in hay]
    return found

"""Shared minutes: a pycrdt document rebuilt from the append-only update log."""

from pycrdt import Doc, Text
from sqlalchemy import select

from app.services.actors import Actor
from app.services.minutes_text import extract_register, render_markdown
from models import MinutesUpdate, Workshop, db


def load_doc(workshop: Workshop) -> Doc:
    doc = Doc()
    doc["minutes"] = Text()
    rows = db.session.execute(select(MinutesUpdate.data).filter_by(workshop_id=workshop.id).order_by(MinutesUpdate.id))
    for (data,) in rows:
        doc.apply_update(data)
    return doc


def current_text(workshop: Workshop) -> str:
    return str(load_doc(workshop)["minutes"])


def register(workshop: Workshop) -> dict:
    return extract_register(current_text(workshop))


def minutes_markdown_html(actor: Actor) -> dict:
    text = current_text(actor.workshop)
    return {"markdown": text, "html": render_markdown(text)}

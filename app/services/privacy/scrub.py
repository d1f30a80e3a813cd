"""Erasing a participant from the workshop's stored JSON: shared by the rights and by retention.

A name can sit in more places than the participants table: idea events carry
`author {id, name}`, the speaking queue carries names, idempotent command
answers repeat both. `scrub` rewrites those JSON documents in place so the
event log, sync and exports stop showing the name.
"""

from sqlalchemy import select

from app.services.core import validation as v
from models import CommandResult, Event, Participant, db

ANON_NAME = "participant anonymisé"
# JSON keys under which a participant appears as {id, name, ...}.
PERSON_KEYS = frozenset({"author", "speaking", "queue", "participant", "online"})


def scrub(value, ids: set[int] | None, person: bool = False):
    """A copy of a JSON value where the participants `ids` (all when None) are renamed ANON_NAME."""
    if isinstance(value, list):
        return [scrub(item, ids, person) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: scrub(item, ids, key in PERSON_KEYS) for key, item in value.items()}
    pid = out.get("id")
    is_participant = v.is_int(pid) and out.get("role") != "facilitator"
    if person and "name" in out and is_participant and (ids is None or pid in ids):
        out["name"] = ANON_NAME
        if "organisation" in out:
            out["organisation"] = ""
    return out


def redact_ideas(value, idea_ids: set[int]):
    """A copy of a JSON value where the text of the ideas `idea_ids` is blanked (deleted contributions)."""
    if isinstance(value, list):
        return [redact_ideas(item, idea_ids) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: redact_ideas(item, idea_ids) for key, item in value.items()}
    if "column_id" in out and "text" in out and out.get("id") in idea_ids:
        out["text"] = ""
    return out


def rewrite_json(workshop_id: int, fix) -> int:
    """Apply `fix` to every event and stored command answer of a workshop; returns rows changed."""
    changed = 0
    for model, attr in ((Event, "data"), (CommandResult, "response")):
        for row in db.session.execute(select(model).filter_by(workshop_id=workshop_id)).scalars():
            new = fix(getattr(row, attr))
            if new != getattr(row, attr):
                setattr(row, attr, new)
                changed += 1
    return changed


def anonymise_record(participant: Participant) -> None:
    participant.name = ANON_NAME
    participant.organisation = ""
    participant.anonymised = True

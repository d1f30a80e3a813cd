"""The one place that decides who sees what (CONTRACT §3).

Used by the broadcaster, sync, the snapshot, REST and exports alike. Rules
are evaluated against the workshop's current phase and settings.
"""

from app.services.core.actors import Viewer

HIDDEN = "hidden"


def idea_hidden(idea: dict, phase: str, settings: dict, viewer: Viewer) -> bool:
    """Private brainstorm: until the phase leaves brainstorm, only the author and facilitators see an idea."""
    if viewer.facilitator or not settings.get("private_brainstorm", True):
        return False
    if phase not in ("setup", "brainstorm"):
        return False
    author_id = (idea.get("author") or {}).get("id")
    # Facilitators' seed ideas (author without participant id) are always shown.
    return author_id is not None and author_id != viewer.participant_id


def tallies_hidden(phase: str, settings: dict, viewer: Viewer) -> bool:
    return not viewer.facilitator and settings.get("reveal_votes") == "end" and phase == "vote"


def view_idea(idea: dict, phase: str, settings: dict, viewer: Viewer) -> dict | None:
    """The idea as this viewer may see it, or None."""
    if idea_hidden(idea, phase, settings, viewer):
        return None
    mine = viewer.participant_id is not None and (idea.get("author") or {}).get("id") == viewer.participant_id
    out = dict(idea, mine=mine)
    if settings.get("anonymous") and not viewer.facilitator and (idea.get("author") or {}).get("id"):
        out["author"] = None
    if "votes" in out and tallies_hidden(phase, settings, viewer):
        out["votes"] = None
        out.pop("profile", None)
        out.pop("grade", None)
    return out


def view_event(envelope: dict, phase: str, settings: dict, viewer: Viewer) -> dict:
    """The envelope as this viewer may see it; hidden ones keep their seq so no gap appears."""
    kind = envelope["type"]
    data = envelope["data"]
    if kind.startswith("idea.") and "author" in data:
        seen = view_idea(data, phase, settings, viewer)
        return _hidden(envelope) if seen is None else dict(envelope, data=seen)
    if kind == "vote.tally" and tallies_hidden(phase, settings, viewer):
        return _hidden(envelope)
    return envelope


def _hidden(envelope: dict) -> dict:
    return {"seq": envelope["seq"], "type": HIDDEN, "data": {}, "at": envelope["at"]}

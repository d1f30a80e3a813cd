"""The one place that decides who sees what (docs/protocol.md §3).

Used by the broadcaster, sync, the snapshot, REST and exports alike. Rules
are evaluated against the workshop's current phase and settings.
"""

from collections.abc import Callable

from app.services.core.actors import Viewer

HIDDEN = "hidden"


def ideas_private(phase: str, settings: dict) -> bool:
    """Private brainstorm: until the phase leaves brainstorm, only the author and facilitators see an idea."""
    return bool(settings.get("private_brainstorm", True)) and phase in ("setup", "brainstorm")


def tallies_private(phase: str, settings: dict) -> bool:
    """Tallies revealed at the end: during the vote, only facilitators see them."""
    return settings.get("reveal_votes") == "end" and phase == "vote"


def phase_change_reveals(previous: str, settings: dict) -> bool:
    """Whether leaving `previous` may show participants what it hid (clients then re-read the snapshot)."""
    return ideas_private(previous, settings) or tallies_private(previous, settings)


def idea_hidden(idea: dict, phase: str, settings: dict, viewer: Viewer) -> bool:
    """Whether a private-brainstorm idea is still hidden from this viewer."""
    if viewer.facilitator or not ideas_private(phase, settings):
        return False
    author_id = (idea.get("author") or {}).get("id")
    # Facilitators' seed ideas (author without participant id) are always shown.
    return author_id is not None and author_id != viewer.participant_id


def tallies_hidden(phase: str, settings: dict, viewer: Viewer) -> bool:
    return not viewer.facilitator and tallies_private(phase, settings)


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


def exported_idea(idea: dict, settings: dict) -> dict:
    """The idea as it leaves the room in an export: an `anonymous` workshop names no author, even to facilitators."""
    return dict(idea, author=None) if settings.get("anonymous") else idea


def view_source(
    source: dict, phase: str, settings: dict, viewer: Viewer, board_idea: Callable[[], dict | None]
) -> dict:
    """A roadmap action's source as this viewer may see it: the board's rules applied to its copy of an idea.

    `board_idea` returns the idea as on the board (None once deleted); it is called only while ideas may be private.
    A copy whose idea was deleted meanwhile stays hidden until then: nothing tells whose it was.
    """
    out = dict(source)
    if tallies_hidden(phase, settings, viewer):
        out.update(votes=None, profile=None, grade=None, grade_label=None)
    if viewer.facilitator or not ideas_private(phase, settings) or source.get("kind") != "idea":
        return out
    idea = board_idea()
    if idea is None or idea_hidden(idea, phase, settings, viewer):
        out.update(text=None, hidden=True)
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


def seen_ideas(ideas: list[tuple[int, int | None]], phase: str, settings: dict, viewer: Viewer) -> set[int]:
    """The ids among (idea id, author's participant id) pairs this viewer may see on the board."""
    return {
        idea_id
        for idea_id, author_id in ideas
        if not idea_hidden({"author": {"id": author_id}}, phase, settings, viewer)
    }

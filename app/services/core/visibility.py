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


def moderated(idea: dict, viewer: Viewer) -> bool:
    """Moderation (issue 14): a hidden idea is seen by facilitators only; a pending one also by its author."""
    if viewer.facilitator:
        return False
    if idea.get("hidden"):
        return True
    return bool(idea.get("pending")) and (idea.get("author") or {}).get("id") != viewer.participant_id


def idea_hidden(idea: dict, phase: str, settings: dict, viewer: Viewer) -> bool:
    """Whether an idea is hidden from this viewer: moderation, then private brainstorm."""
    if moderated(idea, viewer):
        return True
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
        for key in TALLY_DETAILS:
            out.pop(key, None)
    return out


# Everything a tally carries besides `votes` (docs/votes.md): hidden with it.
TALLY_DETAILS = ("profile", "grade", "graded", "score", "raw_grade", "weighted_profile")


def exported_idea(idea: dict, settings: dict) -> dict:
    """The idea as it leaves the room in an export: an `anonymous` workshop names no author, even to facilitators."""
    return dict(idea, author=None) if settings.get("anonymous") else idea


def view_source(
    source: dict,
    phase: str,
    settings: dict,
    viewer: Viewer,
    board_idea: Callable[[], dict | None],
    moderated_now: bool = False,
) -> dict:
    """A roadmap action's source as this viewer may see it: the board's rules applied to its copy of an idea.

    `board_idea` returns the idea as on the board (None once deleted); it is called only while ideas may be private.
    `moderated_now`: the idea is hidden or pending moderation: nobody but facilitators sees its text.
    A copy whose idea was deleted meanwhile stays hidden until then: nothing tells whose it was.
    """
    out = dict(source)
    if tallies_hidden(phase, settings, viewer):
        out.update(votes=None, profile=None, grade=None, grade_label=None)
    if moderated_now and not viewer.facilitator and source.get("kind") == "idea":  # hidden or pending (issue 14)
        out.update(text=None, hidden=True)
        return out
    if viewer.facilitator or not ideas_private(phase, settings) or source.get("kind") != "idea":
        return out
    idea = board_idea()
    if idea is None or idea_hidden(idea, phase, settings, viewer):
        out.update(text=None, hidden=True)
    return out


def view_event(
    envelope: dict, phase: str, settings: dict, viewer: Viewer, masked: frozenset[int] | set[int] = frozenset()
) -> dict:
    """The envelope as this viewer may see it; hidden ones keep their seq so no gap appears.

    `masked`: ideas this viewer may not see now (catch-up reads old events through the current state).
    """
    kind = envelope["type"]
    data = envelope["data"]
    if kind == "idea.hidden" and not viewer.facilitator:  # even when masked: a client may still show it
        return _removal(envelope, phase, settings, viewer)
    if kind.startswith("idea.") and data.get("id") in masked:
        return _hidden(envelope)
    if kind.startswith("idea.") and "author" in data:
        seen = view_idea(data, phase, settings, viewer)
        return _hidden(envelope) if seen is None else dict(envelope, data=seen)
    if kind == "vote.tally" and tallies_hidden(phase, settings, viewer):
        return _hidden(envelope)
    if kind in ("group.merged", "group.moved"):
        ideas = [_board_place(i) for i in data.get("ideas", []) if _place_seen(i, phase, settings, viewer, masked)]
        return dict(envelope, data=dict(data, ideas=ideas))
    if kind.startswith(FACILITATORS_ONLY) and not viewer.facilitator:
        return _hidden(envelope)
    return envelope


FACILITATORS_ONLY = ("participant.",)


def _removal(envelope: dict, phase: str, settings: dict, viewer: Viewer) -> dict:
    """A hidden idea leaves a participant's board as a deletion, if they could see it before."""
    data = envelope["data"]
    if idea_hidden(dict(data, hidden=False), phase, settings, viewer):
        return _hidden(envelope)
    return dict(envelope, type="idea.deleted", data={"id": data["id"], "hidden": True})


def _place_seen(place: dict, phase: str, settings: dict, viewer: Viewer, masked) -> bool:
    if place["id"] in masked:
        return False
    return not idea_hidden({**place, "author": {"id": place.get("author_id")}}, phase, settings, viewer)


def _board_place(place: dict) -> dict:
    return {k: place[k] for k in ("id", "column_id", "position", "group_id") if k in place}


def masked_ideas(moderated_rows: list[dict], envelopes: list[dict], viewer: Viewer) -> set[int]:
    """Ideas whose every event a catch-up must hide from this viewer: those hidden or pending now
    (`moderated_rows`: {id, author, hidden, pending}), and those deleted while they were."""
    if viewer.facilitator:
        return set()
    out = {row["id"] for row in moderated_rows if moderated(row, viewer)}
    for env in envelopes:
        if env["type"] == "idea.deleted" and moderated(env["data"], viewer):
            out.add(env["data"]["id"])
    return out


def _hidden(envelope: dict) -> dict:
    return {"seq": envelope["seq"], "type": HIDDEN, "data": {}, "at": envelope["at"]}


def seen_ideas(ideas: list[tuple[int, int | None]], phase: str, settings: dict, viewer: Viewer) -> set[int]:
    """The ids among (idea id, author's participant id) pairs this viewer may see on the board."""
    return {
        idea_id
        for idea_id, author_id in ideas
        if not idea_hidden({"author": {"id": author_id}}, phase, settings, viewer)
    }

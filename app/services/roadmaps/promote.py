"""From the board to the roadmap: promote an idea, a group or a minutes line into an action.

Runs as one workshop command, so the action, its sources and the
`idea.promoted` events commit together and the board updates live.
"""

from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Invalid, NotFound, PhaseError
from app.services.core.guards import require_facilitator
from app.services.core.lookup import group_of, idea_of
from app.services.core.unit_of_work import record, run_command
from app.services.minutes.operations import register
from app.services.roadmaps import fields as rf
from app.services.roadmaps.operations import action_dict, axis_of, get_action, get_roadmap, new_action
from app.services.roadmaps.sources import add_idea_source, add_minutes_source
from app.services.workshop import votes as vote_service
from app.services.workshop.ideas import idea_dict
from models import Action, Idea, Roadmap, User, Workshop, db

ORIGINS = ("idea_id", "group_id", "minutes_line")


def promote_to_action(actor: Actor, payload: dict, client_id: str | None = None) -> dict:
    """Make (or feed) a roadmap action from an idea, a group or a minutes line, keeping provenance.

    Payload: one of idea_id / group_id / minutes_line; roadmap_id; then axis_id
    (+ title) for a new action or action_id for an existing one.
    Raises Forbidden, PhaseError, Invalid, NotFound, Conflict; emits idea.promoted
    per idea, or minutes.promoted for a minutes line.
    """
    require_facilitator(actor, "verser des idées dans une feuille de route")
    if not isinstance(payload, dict):
        raise Invalid("La commande attend un objet.")
    given = [key for key in ORIGINS if payload.get(key) is not None]
    if len(given) != 1:
        raise Invalid("Donnez exactement l'un de : idea_id, group_id, minutes_line.", field="idea_id")

    def apply(workshop: Workshop) -> dict:
        if workshop.phase != "discuss":
            raise PhaseError("Une idée ne devient une action de feuille de route que pendant la phase de discussion.")
        user = actor.user
        roadmap = get_roadmap(payload.get("roadmap_id"), user)
        if given[0] == "minutes_line":
            return _promote_minutes(workshop, user, roadmap, payload)
        ideas, default_title = _ideas(workshop, given[0], payload[given[0]])
        action = _action(user, roadmap, payload, {"title": default_title})
        added = [idea for idea in ideas if add_idea_source(action, idea, user)]
        if not added:
            raise Conflict("Cette idée est déjà une source de cette action.")
        db.session.flush()
        ref = _ref(action)
        tallies = vote_service.tallies(workshop, [i.id for i in added])
        for idea in added:
            data = {**idea_dict(idea), **tallies.get(idea.id, vote_service.empty_tally(workshop)), "action": ref}
            record(workshop, "idea.promoted", data)
        return {"action": action_dict(action, user)}

    return run_command(actor, client_id, apply)


def _ideas(workshop: Workshop, key: str, value) -> tuple[list[Idea], str]:
    """The ideas to promote and a default action title. Raises Invalid, NotFound."""
    if key == "idea_id":
        idea = idea_of(workshop, value, field=key)
        return [idea], idea.text
    group = group_of(workshop, value, field=key)
    ideas = list(db.session.execute(select(Idea).filter_by(group_id=group.id).order_by(Idea.id)).unique().scalars())
    if not ideas:
        raise Invalid("Ce groupe ne contient aucune idée.", field="group_id")
    return ideas, group.label


def _action(user: User, roadmap: Roadmap, payload: dict, defaults: dict) -> Action:
    """The existing action (action_id) or a new one on axis_id. Raises Invalid, NotFound."""
    if payload.get("action_id") is not None:
        return get_action(roadmap, payload["action_id"])
    axis_of(roadmap, payload.get("axis_id"))
    title = payload.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        title = _fit(defaults["title"])
    return new_action(user, roadmap, {**defaults, "title": title, "axis_id": payload.get("axis_id")})


def _promote_minutes(workshop: Workshop, user: User, roadmap: Roadmap, payload: dict) -> dict:
    line = v.integer(payload["minutes_line"], "minutes_line", lo=1, hi=1_000_000)
    minutes = register(workshop)
    item = next((a for a in minutes["actions"] if a["line"] == line), None)
    if item is None:
        decision = next((d for d in minutes["decisions"] if d["line"] == line), None)
        if decision is None:
            raise NotFound(f"Aucune action ni décision à la ligne {line} du compte rendu.")
        item = {"line": line, "text": decision["text"], "owner": "", "due": ""}
    defaults = {"title": item["text"] or f"Action du compte rendu, ligne {line}", "lead": _fit(item.get("owner") or "")}
    defaults["due"] = _due_or_empty(item.get("due") or "")
    action = _action(user, roadmap, payload, defaults)
    if add_minutes_source(action, workshop, item, user) is None:
        raise Conflict("Cette ligne du compte rendu est déjà une source de cette action.")
    db.session.flush()
    record(workshop, "minutes.promoted", {"line": line, "text": item["text"], "action": _ref(action)})
    return {"action": action_dict(action, user)}


def _due_or_empty(text: str) -> str:
    """A minutes « pour le 30/09 » may not be a readable due: then the action simply has none yet."""
    try:
        return rf.due(text)
    except Invalid:
        return ""


def _fit(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ref(action: Action) -> dict:
    return {"id": action.id, "roadmap_id": action.roadmap_id, "title": action.title}

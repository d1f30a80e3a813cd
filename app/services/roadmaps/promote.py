"""From the board to the roadmap: promote an idea, a group or a minutes line into an action.

Runs as one workshop command, so the action, its sources and the
`idea.promoted` events commit together and the board updates live.
"""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Invalid, NotFound, PhaseError
from app.services.core.guards import require_facilitator, require_lead
from app.services.core.lookup import group_of, idea_of
from app.services.core.unit_of_work import record, run_command
from app.services.minutes.operations import register
from app.services.roadmaps import fields as rf
from app.services.roadmaps.marks import action_ref
from app.services.roadmaps.operations import action_dict, axis_of, get_action, get_roadmap, new_action
from app.services.roadmaps.sources import MAX_SOURCE_IDEAS, add_idea_source, add_minutes_source
from app.services.workshop import votes as vote_service
from app.services.workshop.ideas import idea_dict
from models import Action, Idea, Roadmap, User, Workshop, db

ORIGINS = ("idea_id", "idea_ids", "group_id", "minutes_line")
# Linking into an existing action is also housekeeping after the session: a closed workshop still allows it.
LINK_PHASES = ("discuss", "closed")


def promote_to_action(actor: Actor, payload: dict, client_id: str | None = None) -> dict:
    """Make (or feed) a roadmap action from an idea, a group or a minutes line, keeping provenance.

    Payload: one of idea_id / idea_ids / group_id / minutes_line; roadmap_id; then axis_id
    (+ title, description) for a new action or action_id for an existing one. An idea or line already
    behind an action of this roadmap is refused (Conflict naming the action) rather than duplicated.
    Raises Forbidden, PhaseError, Invalid, NotFound, Conflict; emits idea.promoted
    per idea, or minutes.promoted for a minutes line.
    """
    require_facilitator(actor, _("verser des idées dans une feuille de route"))
    if not isinstance(payload, dict):
        raise Invalid(_("La commande attend un objet."))
    given = [key for key in ORIGINS if payload.get(key) is not None]
    if len(given) != 1:
        raise Invalid(_("Donnez exactement l'un de : idea_id, idea_ids, group_id, minutes_line."), field="idea_id")

    def apply(workshop: Workshop) -> dict:
        linking = payload.get("action_id") is not None
        if workshop.phase != "discuss" and not (linking and workshop.phase in LINK_PHASES):
            raise PhaseError(_("Une idée ne devient une action de feuille de route que pendant la phase de discussion."))
        user = actor.user
        roadmap = get_roadmap(payload.get("roadmap_id"), user)
        require_lead(user, roadmap, _("y verser des idées"))
        if given[0] == "minutes_line":
            return _promote_minutes(workshop, user, roadmap, payload)
        ideas, default_title = _ideas(workshop, given[0], payload[given[0]])
        if not linking:
            ideas = _not_yet_promoted(roadmap, ideas)
        action = _action(user, roadmap, payload, {"title": default_title, "description": _full_text(ideas)})
        added = [idea for idea in ideas if add_idea_source(action, idea, user)]
        if not added:
            raise Conflict(_("Déjà une source de l'action « %(title)s ».", title=_fit(action.title, 80)), action=_ref(action))
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
    if key == "idea_ids":
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_SOURCE_IDEAS:
            raise Invalid(_("« idea_ids » : une liste de 1 à %(max)s idées.", max=MAX_SOURCE_IDEAS), field=key)
        ideas = [idea_of(workshop, item, field=key) for item in dict.fromkeys(v.ident(i, key) for i in value)]
        return ideas, ideas[0].text
    group = group_of(workshop, value, field=key)
    ideas = list(db.session.execute(select(Idea).filter_by(group_id=group.id).order_by(Idea.id)).unique().scalars())
    if not ideas:
        raise Invalid(_("Ce groupe ne contient aucune idée."), field="group_id")
    return ideas, group.label


def _not_yet_promoted(roadmap: Roadmap, ideas: list[Idea]) -> list[Idea]:
    """The ideas not yet behind an action of this roadmap. Raises Conflict naming the action when none is left."""
    taken = {s.idea_id: a for a in roadmap.actions for s in a.sources if s.idea_id is not None}
    fresh = [idea for idea in ideas if idea.id not in taken]
    if not fresh:
        action = taken[ideas[0].id]
        message = ngettext(
            "Cette idée est déjà à l'origine de l'action « %(title)s ».",
            "Ces idées sont déjà à l'origine de l'action « %(title)s ».",
            len(ideas),
            title=_fit(action.title, 80),
        )
        raise Conflict(message, action=_ref(action))
    return fresh


def _full_text(ideas: list[Idea]) -> str:
    return "\n\n".join(idea.text for idea in ideas)[:5000]


def _action(user: User, roadmap: Roadmap, payload: dict, defaults: dict) -> Action:
    """The existing action (action_id) or a new one on axis_id. A title shorter than the whole text (given, or
    cut to fit) keeps that text as the description unless one is given. Raises Invalid, NotFound."""
    if payload.get("action_id") is not None:
        return get_action(roadmap, payload["action_id"])
    axis_of(roadmap, payload.get("axis_id"))
    title = payload.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        title = _fit(defaults["title"])
    fields = {**defaults, "title": title, "axis_id": payload.get("axis_id")}
    description = defaults.get("description") or ""
    if payload.get("description") is not None:
        fields["description"] = payload["description"]
    elif not description or " ".join(description.split()) == " ".join(str(title).split()):
        fields.pop("description", None)
    return new_action(user, roadmap, fields)


def _promote_minutes(workshop: Workshop, user: User, roadmap: Roadmap, payload: dict) -> dict:
    line = v.integer(payload["minutes_line"], "minutes_line", lo=1, hi=1_000_000)
    minutes = register(workshop)
    item = next((a for a in minutes["actions"] if a["line"] == line), None)
    if item is None:
        decision = next((d for d in minutes["decisions"] if d["line"] == line), None)
        if decision is None:
            raise NotFound(_("Aucune action ni décision à la ligne %(line)s du compte rendu.", line=line))
        item = {"line": line, "text": decision["text"], "owner": "", "due": ""}
    defaults = {"title": item["text"] or _("Action du compte rendu, ligne %(line)s", line=line), "lead": _fit(item.get("owner") or "")}
    defaults["due"] = _due_or_empty(item.get("due") or "")
    if payload.get("action_id") is None:
        _line_not_yet_promoted(roadmap, workshop, line)
    action = _action(user, roadmap, payload, defaults)
    if add_minutes_source(action, workshop, item, user) is None:
        raise Conflict(_("Cette ligne du compte rendu est déjà une source de l'action « %(title)s ».", title=_fit(action.title, 80)))
    db.session.flush()
    record(workshop, "minutes.promoted", {"line": line, "text": item["text"], "action": _ref(action)})
    return {"action": action_dict(action, user)}


def _line_not_yet_promoted(roadmap: Roadmap, workshop: Workshop, line: int) -> None:
    """Raises Conflict naming the action this minutes line already feeds in this roadmap."""
    for action in roadmap.actions:
        if any(s.kind == "minutes" and s.workshop_id == workshop.id and s.line == line for s in action.sources):
            raise Conflict(
                _("Cette ligne du compte rendu est déjà à l'origine de l'action « %(title)s ».", title=_fit(action.title, 80)),
                action=_ref(action),
            )


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
    return action_ref(action)

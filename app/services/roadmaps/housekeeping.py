"""Keeping a roadmap tidy: delete an action, merge two, and tell the boards whose cards changed.

A deleted or merged action keeps its row and its history (the deletion is its last row); it leaves the
roadmap, its pages and exports, and its ideas return to « not promoted » unless another action holds them.
"""

from collections import defaultdict

from flask_babel import gettext as _

from app.services.core.errors import Invalid
from app.services.core.unit_of_work import record, transaction
from app.services.roadmaps.marks import promoted_actions
from app.services.roadmaps.operations import get_action, led_roadmap
from app.services.roadmaps.sources import log_change
from app.services.workshop.ideas import idea_dict
from models import Action, ActionSource, Idea, User, Workshop, db, utcnow


def delete_action(user: User | None, roadmap_id, action_id) -> Action:
    """Delete an action (its history keeps the deletion). Raises Unauthorized, NotFound, Forbidden;
    emits idea.updated (with its `action` now) on each board whose idea it held."""
    roadmap = led_roadmap(roadmap_id, user, _("supprimer ses actions"))
    action = get_action(roadmap, action_id)
    with transaction():
        _retire(action, user, "deleted", action.title)
        _tell_boards(action.sources)
    return action


def merge_actions(user: User | None, roadmap_id, action_id, into_id) -> Action:
    """Merge action `action_id` into `into_id`: its sources join the other (each once, with its history row);
    it is retired, naming where it went. Raises Unauthorized, NotFound, Forbidden, Invalid; emits idea.updated."""
    roadmap = led_roadmap(roadmap_id, user, _("fusionner ses actions"))
    action = get_action(roadmap, action_id)
    target = get_action(roadmap, into_id)
    if target.id == action.id:
        raise Invalid(_("Choisissez une autre action que celle-ci."), field="into")
    with transaction():
        known = {(s.kind, s.workshop_id, s.idea_id, s.line) for s in target.sources}
        log_change(target, user, "merged", "", action.title)
        for source in action.sources:
            if (source.kind, source.workshop_id, source.idea_id, source.line) not in known:
                _copy_source(target, source, user)
        action.merged_into_id = target.id
        _retire(action, user, "merged_into", target.title)
        _tell_boards(action.sources)
    return target


def _retire(action: Action, user: User | None, field: str, label: str) -> None:
    action.deleted_at = utcnow()
    log_change(action, user, field, "", label)
    db.session.flush()


def _copy_source(target: Action, source: ActionSource, user: User | None) -> None:
    copy = ActionSource(
        workshop_id=source.workshop_id,
        idea_id=source.idea_id,
        kind=source.kind,
        text=source.text,
        line=source.line,
        tally=source.tally,
        added_by_id=source.added_by_id,
        added_at=source.added_at,
    )
    target.sources.append(copy)
    code = source.workshop.code
    if source.kind == "minutes":
        where = _("compte rendu, ligne %(line)s", line=source.line)
    else:
        where = _("idée n° %(id)s", id=source.idea_id)
    log_change(target, user, "source", "", f"{code} : {where}")


def _tell_boards(sources: list[ActionSource]) -> None:
    """Each board whose ideas fed the action hears which action (or none) each of those ideas feeds now."""
    by_workshop: dict[int, list[int]] = defaultdict(list)
    for source in sources:
        if source.idea_id is not None:
            by_workshop[source.workshop_id].append(source.idea_id)
    for workshop_id, idea_ids in by_workshop.items():
        workshop = db.session.get(Workshop, workshop_id)
        marks = promoted_actions(workshop, facilitator=True)
        for idea_id in idea_ids:
            idea = db.session.get(Idea, idea_id)
            if idea is not None:
                record(workshop, "idea.updated", {**idea_dict(idea), "action": marks.get(idea_id)})

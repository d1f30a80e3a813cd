"""Which roadmap action each idea of a workshop feeds: the mark a promoted card carries (`action` in the
board's idea data, docs/protocol.md)."""

from sqlalchemy import select

from models import Action, ActionSource, Roadmap, Workshop, db


def action_path(action: Action) -> str:
    return f"/roadmaps/{action.roadmap_id}/actions/{action.id}"


def action_ref(action: Action) -> dict:
    """{id, roadmap_id, title, url}: what an idea or a refusal says about an action."""
    return {"id": action.id, "roadmap_id": action.roadmap_id, "title": action.title, "url": action_path(action)}


def promoted_actions(workshop: Workshop, facilitator: bool) -> dict[int, dict]:
    """{idea_id: action_ref} for the ideas of `workshop` behind a live action (the latest one if several).
    Participants learn only of actions of published roadmaps; facilitators of every one."""
    stmt = (
        select(ActionSource.idea_id, Action)
        .join(Action, Action.id == ActionSource.action_id)
        .join(Roadmap, Roadmap.id == Action.roadmap_id)
        .where(ActionSource.workshop_id == workshop.id, ActionSource.idea_id.is_not(None), Action.deleted_at.is_(None))
        .order_by(ActionSource.id)
    )
    if not facilitator:
        stmt = stmt.where(Roadmap.published.is_(True))
    return {idea_id: action_ref(action) for idea_id, action in db.session.execute(stmt).unique()}

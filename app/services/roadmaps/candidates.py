"""What a facilitator may still link to an action from its page: the ideas, groups and minutes lines of the
workshops they lead (those already behind the action, or one they pick)."""

from sqlalchemy import select

from app.services.core.guards import leads
from app.services.minutes.operations import register
from app.services.workshop.workshops import workshops_of
from models import Action, Group, Idea, User, Workshop, db

MAX_IDEAS = 300


def link_candidates(user: User, action: Action, code: str | None = None) -> dict:
    """{workshops: [{code, title}] the user leads, chosen: [{code, title, ideas, groups, lines}]}."""
    mine = workshops_of(user)
    wanted = {s.workshop_id for s in action.sources}
    chosen = [w for w in mine if w.id in wanted or w.code == code]
    return {
        "workshops": [{"code": w.code, "title": w.title} for w in mine],
        "chosen": [_candidates(w, action) for w in chosen if leads(user, w)],
    }


def _candidates(workshop: Workshop, action: Action) -> dict:
    linked = {s.idea_id for s in action.sources}
    lines = {s.line for s in action.sources if s.kind == "minutes" and s.workshop_id == workshop.id}
    stmt = select(Idea).filter_by(workshop_id=workshop.id).order_by(Idea.id).limit(MAX_IDEAS)
    ideas = [i for i in db.session.execute(stmt).unique().scalars() if i.id not in linked]
    groups = db.session.execute(select(Group).filter_by(workshop_id=workshop.id).order_by(Group.id)).scalars()
    minutes = register(workshop)
    items = [("Décision", d) for d in minutes["decisions"]] + [("Action", a) for a in minutes["actions"]]
    return {
        "code": workshop.code,
        "title": workshop.title,
        "phase": workshop.phase,
        "ideas": [{"id": i.id, "text": i.text} for i in ideas],
        "groups": [{"id": g.id, "label": g.label} for g in groups],
        "lines": [{"line": x["line"], "text": x["text"], "kind": k} for k, x in items if x["line"] not in lines],
    }

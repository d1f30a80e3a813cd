"""Groups of ideas as stacks (issue 14): rename, merge into another, move to a column. One event each.

Same permissions as `idea.group`: facilitators always, everyone during `cluster`.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Invalid
from app.services.core.lookup import group_of, owned
from app.services.core.unit_of_work import record, run_command
from app.services.workshop.ideas import COLUMN_MISSING, check_clustering, remember
from models import Column, Group, Idea, Workshop, db

LABEL_MAX = 120


def place(idea: Idea) -> dict:
    """Where an idea sits, with what the visibility rules need to filter it out of a group event."""
    out = {"id": idea.id, "column_id": idea.column_id, "position": idea.position, "group_id": idea.group_id}
    out["author_id"] = idea.author_id
    if idea.hidden:
        out["hidden"] = True
    if idea.pending:
        out["pending"] = True
    return out


def ideas_in(group: Group) -> list[Idea]:
    stmt = select(Idea).filter_by(group_id=group.id).order_by(Idea.column_id, Idea.position, Idea.id)
    return list(db.session.execute(stmt).unique().scalars())


def update_group(actor: Actor, group_id, label, client_id=None) -> dict:
    """Rename a group. Raises PhaseError, Invalid, NotFound; emits group.updated."""

    def apply(workshop: Workshop) -> dict:
        check_clustering(actor, workshop)
        group = group_of(workshop, group_id, field="group_id")
        before = {"group_id": group.id, "label": group.label}
        group.label = v.text(label, "label", max_len=LABEL_MAX)
        record(workshop, "group.updated", {"group": group.to_dict()})
        remember(actor, workshop, "group.update", before)
        return {"group": group.to_dict()}

    return run_command(actor, client_id, apply)


def merge_group(actor: Actor, group_id, into_group_id, client_id=None) -> dict:
    """Put every idea of a group into another, then drop the first. Raises PhaseError, Invalid, NotFound;
    emits group.merged."""

    def apply(workshop: Workshop) -> dict:
        check_clustering(actor, workshop)
        group = group_of(workshop, group_id, field="group_id")
        into = group_of(workshop, into_group_id, field="into_group_id")
        if group.id == into.id:
            raise Invalid(_("Un groupe ne peut pas être fusionné avec lui-même."), field="into_group_id")
        ideas = ideas_in(group)
        for idea in ideas:
            idea.group_id = into.id
        before = {"group": group.to_dict(), "ideas": [i.id for i in ideas]}
        db.session.delete(group)
        db.session.flush()
        data = {"group_id": before["group"]["id"], "into": into.to_dict(), "ideas": [place(i) for i in ideas]}
        record(workshop, "group.merged", data)
        remember(actor, workshop, "group.merge", before)
        return {"group": into.to_dict(), "ideas": [i.id for i in ideas]}

    return run_command(actor, client_id, apply)


def move_group(actor: Actor, group_id, column_id, client_id=None) -> dict:
    """Move a whole group to a column, after its last card, in the group's order. Raises PhaseError,
    Invalid, NotFound; emits group.moved."""

    def apply(workshop: Workshop) -> dict:
        check_clustering(actor, workshop)
        group = group_of(workshop, group_id, field="group_id")
        column = owned(Column, column_id, workshop.id, COLUMN_MISSING, field="column_id")
        ideas = ideas_in(group)
        before = {"group_id": group.id, "places": [place(i) for i in ideas]}
        ids = [i.id for i in ideas]
        last = db.session.execute(
            select(func.max(Idea.position)).where(Idea.column_id == column.id, Idea.id.not_in(ids or [0]))
        ).scalar()
        for offset, idea in enumerate(ideas, start=1):
            idea.column_id, idea.position = column.id, (last or 0) + offset
        db.session.flush()
        data = {"group": group.to_dict(), "column_id": column.id, "ideas": [place(i) for i in ideas]}
        record(workshop, "group.moved", data)
        remember(actor, workshop, "group.move", before)
        return {"group": group.to_dict(), "column_id": column.id, "ideas": ids}

    return run_command(actor, client_id, apply)

"""Undo a facilitator's last board action (issue 14, docs/protocol.md §7.3).

An undo never rewrites the log: it records the ordinary events that put the
board back as it was before the action (`idea.moved`, `idea.grouped`,
`idea.created`…), each with `undo: true`, so every client restores it live.
"""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from app.services.core.actors import Actor
from app.services.core.errors import Conflict
from app.services.core.guards import require_facilitator, require_open
from app.services.core.unit_of_work import record, run_command
from app.services.workshop.ideas import emit_shown, idea_dict, undo_window
from models import BoardAction, Column, Group, Idea, Participant, Workshop, db, utcnow

NOTHING = lazy_gettext("Rien à annuler : aucune action de votre part sur le tableau dans les {minutes} dernières minutes.")


def undo_last(actor: Actor, client_id=None) -> dict:
    """Revert this facilitator's last board action still in the window. Raises Forbidden, Conflict,
    PhaseError; emits the events that restore the board, each with `undo: true`."""
    require_facilitator(actor, _("annuler une action du tableau"))

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        action = _last_action(workshop, actor)
        if action is None:
            raise Conflict(NOTHING.format(minutes=round(undo_window().total_seconds() / 60)))
        before = workshop.last_seq
        REVERT[action.kind](workshop, action.inverse)
        action.undone_at = utcnow()
        return {"undone": {"action": action.kind, "seq": action.seq}, "events": workshop.last_seq - before}

    return run_command(actor, client_id, apply)


def _last_action(workshop: Workshop, actor: Actor) -> BoardAction | None:
    stmt = (
        select(BoardAction)
        .where(
            BoardAction.workshop_id == workshop.id,
            BoardAction.user_id == actor.user.id,
            BoardAction.undone_at.is_(None),
            BoardAction.at >= utcnow() - undo_window(),
        )
        .order_by(BoardAction.id.desc())
        .limit(1)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def _emit(workshop: Workshop, idea: Idea, kind: str) -> None:
    db.session.flush()
    data = dict(idea_dict(idea), undo=True)
    if kind == "idea.grouped" and idea.group_id:
        data["group"] = db.session.get(Group, idea.group_id).to_dict()
    record(workshop, kind, data)


def _idea(workshop: Workshop, idea_id: int) -> Idea | None:
    idea = db.session.get(Idea, idea_id)
    return idea if idea is not None and idea.workshop_id == workshop.id else None


def _group(workshop: Workshop, group: dict | None) -> int | None:
    """The group's id, recreated with the same id and label if it is gone (None: no group)."""
    if group is None:
        return None
    if db.session.get(Group, group["id"]) is None:
        db.session.add(Group(id=group["id"], workshop_id=workshop.id, label=group["label"]))
        db.session.flush()
    return group["id"]


def _drop_if_empty(workshop: Workshop, group_id: int | None) -> None:
    group = db.session.get(Group, group_id) if group_id else None
    if group is None or db.session.execute(select(Idea.id).filter_by(group_id=group.id).limit(1)).first():
        return
    db.session.delete(group)
    record(workshop, "group.deleted", {"group_id": group_id, "undo": True})


def _revert_move(workshop: Workshop, inverse: dict) -> None:
    idea = _idea(workshop, inverse["idea_id"])
    if idea is not None and db.session.get(Column, inverse["column_id"]) is not None:
        idea.column_id, idea.position = inverse["column_id"], inverse["position"]
        _emit(workshop, idea, "idea.moved")


def _revert_group(workshop: Workshop, inverse: dict) -> None:
    idea = _idea(workshop, inverse["idea_id"])
    if idea is not None:
        previous = inverse["group_id"]
        idea.group_id = previous if previous and db.session.get(Group, previous) else None
        _emit(workshop, idea, "idea.grouped")
    _drop_if_empty(workshop, inverse.get("created_group"))


def _revert_hide(workshop: Workshop, inverse: dict) -> None:
    idea = _idea(workshop, inverse["idea_id"])
    if idea is not None and idea.hidden != inverse["hidden"]:
        idea.hidden = inverse["hidden"]
        emit_shown(workshop, idea, "idea.hidden" if idea.hidden else "idea.shown", undo=True)


def _revert_delete(workshop: Workshop, inverse: dict) -> None:
    row = dict(inverse["idea"])
    extra = {"undo": True, "restored": True}
    if db.session.get(Idea, row["id"]) is not None:  # its id was taken again meanwhile
        extra["restored_from"] = row.pop("id")
    if row["group_id"] and db.session.get(Group, row["group_id"]) is None:
        row["group_id"] = None
    author = db.session.get(Participant, row["author_id"]) if row["author_id"] else None
    if author is not None and author.anonymised:
        return  # its author has since had their data erased: what they asked to remove stays removed
    if author is None:
        row["author_id"] = None
    if db.session.get(Column, row["column_id"]) is None:
        return  # its column was removed since: nothing to put it back into
    row["created_at"] = datetime.fromisoformat(row["created_at"])
    idea = Idea(workshop_id=workshop.id, **row)
    db.session.add(idea)
    db.session.flush()
    record(workshop, "idea.created", dict(idea_dict(idea), **extra))


def _revert_group_update(workshop: Workshop, inverse: dict) -> None:
    group = db.session.get(Group, inverse["group_id"])
    if group is not None and group.workshop_id == workshop.id:
        group.label = inverse["label"]
        record(workshop, "group.updated", {"group": group.to_dict(), "undo": True})


def _revert_merge(workshop: Workshop, inverse: dict) -> None:
    group_id = _group(workshop, inverse["group"])
    record(workshop, "group.updated", {"group": inverse["group"], "undo": True})
    for idea_id in inverse["ideas"]:
        idea = _idea(workshop, idea_id)
        if idea is not None:
            idea.group_id = group_id
            _emit(workshop, idea, "idea.grouped")


def _revert_group_move(workshop: Workshop, inverse: dict) -> None:
    for place in inverse["places"]:
        idea = _idea(workshop, place["id"])
        if idea is not None and db.session.get(Column, place["column_id"]) is not None:
            idea.column_id, idea.position = place["column_id"], place["position"]
            _emit(workshop, idea, "idea.moved")


REVERT = {
    "idea.move": _revert_move,
    "idea.group": _revert_group,
    "idea.hide": _revert_hide,
    "idea.delete": _revert_delete,
    "group.update": _revert_group_update,
    "group.merge": _revert_merge,
    "group.move": _revert_group_move,
}

"""Ideas (sticky notes) and their groups. Every change is one transaction plus one event."""

import os
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import bindparam, delete, func, select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound, PhaseError
from app.services.core.guards import require_facilitator, require_open
from app.services.core.lookup import group_of, idea_of, owned
from app.services.core.unit_of_work import record, run_command
from app.services.core.visibility import moderated
from app.services.workshop import votes as vote_service
from models import BoardAction, Column, Group, Idea, Workshop, db, utcnow

COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")
IDEA_MAX = 500
POSITION_MAX = 1e9  # board.js puts a moved card halfway between its neighbours, from 1, 2, 3…
COLUMN_MISSING = lazy_gettext("Colonne inconnue dans cet atelier.")
PENDING_MESSAGE = lazy_gettext("Votre idée est en attente de validation.")


def idea_dict(idea: Idea) -> dict:
    if idea.author is not None:
        author = {"id": idea.author.id, "name": idea.author.name}
    elif idea.author_user is not None:
        author = {"id": None, "name": idea.author_user.name, "role": "facilitator"}
    else:
        author = None
    out = {
        "id": idea.id,
        "column_id": idea.column_id,
        "text": idea.text,
        "color": idea.color,
        "group_id": idea.group_id,
        "position": idea.position,
        "author": author,
        "proxy": idea.proxy,
        "created_at": idea.created_at.isoformat(),
        # Moderation (docs/protocol.md §7.2), read by the visibility rules; always sent, so that a client
        # merging an event into the idea it has learns when a flag goes back to false.
        "hidden": bool(idea.hidden),
        "pending": bool(idea.pending),
    }
    if idea.source_idea_id is not None:  # a plenary's copy of an atelier's idea (issue 21, services/days)
        out["source_idea_id"] = idea.source_idea_id
    return out


def seen_idea(actor: Actor, workshop: Workshop, idea_id) -> Idea:
    """An idea of this workshop that the actor may see under moderation. Raises Invalid, NotFound."""
    idea = idea_of(workshop, idea_id)
    if moderated(idea_dict(idea), actor.viewer()):
        raise NotFound(_("Idée inconnue dans cet atelier."))
    return idea


def undo_window() -> timedelta:
    """How long a facilitator's board action can be undone (docs/protocol.md §7.3)."""
    return timedelta(seconds=float(os.environ.get("FABRIQUE_UNDO_SECONDS", "300")))


def remember(actor: Actor, workshop: Workshop, kind: str, inverse: dict) -> None:
    """Keep what a facilitator's board action changed, for `board.undo` (app/services/workshop/undo.py).

    Rows past the undo window are dropped here: they hold copies of deleted ideas, kept no longer than needed."""
    if actor.is_facilitator:
        expired = BoardAction.workshop_id == workshop.id, BoardAction.at < utcnow() - undo_window()
        db.session.execute(delete(BoardAction).where(*expired))
        db.session.add(
            BoardAction(
                workshop_id=workshop.id, user_id=actor.user.id, kind=kind, seq=workshop.last_seq, inverse=inverse
            )
        )


def _is_author(actor: Actor, idea: Idea) -> bool:
    return actor.participant is not None and idea.author_id == actor.participant_id


def _color(value) -> str:
    return "yellow" if value is None else v.choice(value, "color", COLORS)


# Built once, run on every post: the column, its last position and the author's idea count.
_NEW_IDEA_CONTEXT = select(
    Column,
    select(func.max(Idea.position)).where(Idea.column_id == Column.id).scalar_subquery(),
    select(func.count(Idea.id))
    .where(Idea.workshop_id == bindparam("workshop_id"), Idea.author_id == bindparam("author_id"))
    .scalar_subquery(),
).where(Column.id == bindparam("column_id"))


def _new_idea_context(workshop: Workshop, column_id, quota: bool, author_id) -> tuple[Column, float | None, int]:
    """The column, its last position and the author's idea count, in one round trip (under the lock)."""
    v.ident(column_id, "column_id")
    params = {"column_id": column_id, "workshop_id": workshop.id, "author_id": author_id if quota else None}
    row = db.session.execute(_NEW_IDEA_CONTEXT, params).first()
    if row is None or row[0].workshop_id != workshop.id:
        raise NotFound(COLUMN_MISSING)
    return row[0], row[1], row[2]


def _check_quota(count: int) -> None:
    limit = current_app.config.get("MAX_IDEAS_PER_PARTICIPANT", 50)
    if count >= limit:
        raise Invalid(_("Vous avez atteint la limite de %(limit)s idées pour cet atelier.", limit=limit), field="text")


def create_idea(actor: Actor, column_id, text, color=None, client_id=None, on_behalf_of=None) -> dict:
    """Post an idea. Raises PhaseError, Invalid, NotFound; emits idea.created."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        if not actor.is_facilitator and workshop.phase != "brainstorm":
            raise PhaseError(_("On ne peut proposer des idées que pendant la phase de remue-méninges."))
        author = on_behalf_of or actor.participant
        quota = author is not None and not actor.is_facilitator
        column, last, count = _new_idea_context(workshop, column_id, quota, actor.participant_id)
        body = v.text(text, "text", max_len=IDEA_MAX)
        if quota:
            _check_quota(count)
        idea = Idea(
            workshop_id=workshop.id,
            column_id=column.id,
            text=body,
            color=_color(color),
            position=(last or 0) + 1,
            author_id=author.id if author else None,
            author_user_id=None if author else actor.user.id,
            proxy=on_behalf_of is not None,
            pending=workshop.settings.get("moderation") == "pre" and not actor.is_facilitator,
        )
        db.session.add(idea)
        db.session.flush()
        data = idea_dict(idea)
        record(workshop, "idea.created", data)
        return {"idea": data, "message": str(PENDING_MESSAGE)} if idea.pending else {"idea": data}

    return run_command(actor, client_id, apply)


def update_idea(actor: Actor, idea_id, text=None, color=None, client_id=None) -> dict:
    """Edit text or colour. Raises Forbidden, PhaseError, Invalid, NotFound; emits idea.updated."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        idea = seen_idea(actor, workshop, idea_id)
        if not actor.is_facilitator:
            if not _is_author(actor, idea):
                raise Forbidden(_("Seul l'auteur ou un animateur peut modifier cette idée."))
            if workshop.phase not in ("brainstorm", "cluster"):
                raise PhaseError(_("Les idées ne se modifient plus une fois le vote ouvert."))
        if text is None and color is None:
            raise Invalid(_("Rien à modifier : donnez « text » ou « color »."))
        if text is not None:
            idea.text = v.text(text, "text", max_len=IDEA_MAX)
        if color is not None:
            idea.color = _color(color)
        idea.updated_at = utcnow()
        return _emit(workshop, idea, "idea.updated")

    return run_command(actor, client_id, apply)


def move_idea(actor: Actor, idea_id, column_id, position=None, client_id=None) -> dict:
    """Move to a column (and position). Raises Forbidden, PhaseError, Invalid, NotFound; emits idea.moved."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        idea = seen_idea(actor, workshop, idea_id)
        if not actor.is_facilitator and not (_is_author(actor, idea) and workshop.phase == "brainstorm"):
            raise Forbidden(_("Seul un animateur peut déplacer cette idée maintenant."))
        column = owned(Column, column_id, workshop.id, COLUMN_MISSING, field="column_id")
        before = {"idea_id": idea.id, "column_id": idea.column_id, "position": idea.position}
        if position is not None:
            idea.position = v.number(position, "position", lo=-POSITION_MAX, hi=POSITION_MAX)
        idea.column_id = column.id
        answer = _emit(workshop, idea, "idea.moved")
        remember(actor, workshop, "idea.move", before)
        return answer

    return run_command(actor, client_id, apply)


def delete_idea(actor: Actor, idea_id, client_id=None) -> dict:
    """Delete. Raises Forbidden, PhaseError, NotFound; emits idea.deleted."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        idea = seen_idea(actor, workshop, idea_id)
        if not actor.is_facilitator:
            if not _is_author(actor, idea):
                raise Forbidden(_("Seul l'auteur ou un animateur peut supprimer cette idée."))
            if workshop.phase not in ("brainstorm", "cluster"):
                raise PhaseError(_("Les idées ne se suppriment plus une fois le vote ouvert."))
        data = idea_dict(idea)
        row = idea_row(idea)
        vote_service.refund_idea(idea)
        db.session.delete(idea)
        record(workshop, "idea.deleted", data)
        remember(actor, workshop, "idea.delete", {"idea": row})
        return {"idea_id": data["id"]}

    return run_command(actor, client_id, apply)


ROW_FIELDS = ("id", "column_id", "group_id", "text", "color", "position", "author_id", "author_user_id", "proxy")


def idea_row(idea: Idea) -> dict:
    """Everything needed to put a deleted idea back (undo)."""
    row = {key: getattr(idea, key) for key in ROW_FIELDS}
    row.update(hidden=idea.hidden, pending=idea.pending, created_at=idea.created_at.isoformat())
    return row


def check_clustering(actor: Actor, workshop: Workshop) -> None:
    """Grouping: facilitators always, everyone during `cluster`. Raises PhaseError."""
    require_open(workshop)
    if not actor.is_facilitator and workshop.phase != "cluster":
        raise PhaseError(_("Le regroupement des idées se fait pendant la phase de regroupement."))


def hide_idea(actor: Actor, idea_id, hidden, client_id=None) -> dict:
    """Hide an idea from participants, or show it again. Raises Forbidden, Invalid, NotFound, PhaseError;
    emits idea.hidden or idea.shown (nothing when unchanged)."""
    require_facilitator(actor, _("masquer une idée"))
    flag = v.boolean(hidden, "hidden")

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        idea = idea_of(workshop, idea_id)
        if idea.hidden == flag:
            return {"idea": idea_dict(idea)}
        idea.hidden = flag
        answer = emit_shown(workshop, idea, "idea.hidden" if flag else "idea.shown")
        remember(actor, workshop, "idea.hide", {"idea_id": idea.id, "hidden": not flag})
        return answer

    return run_command(actor, client_id, apply)


def approve_idea(actor: Actor, idea_id, client_id=None) -> dict:
    """Publish a pending idea. Raises Forbidden, Conflict, NotFound, PhaseError; emits idea.approved."""
    require_facilitator(actor, _("valider une idée"))

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        idea = idea_of(workshop, idea_id)
        if not idea.pending:
            raise Conflict(_("Cette idée n'est pas en attente de validation."))
        idea.pending = False
        return emit_shown(workshop, idea, "idea.approved")

    return run_command(actor, client_id, apply)


def emit_shown(workshop: Workshop, idea: Idea, kind: str, **extra) -> dict:
    """An event that brings an idea (back) onto boards: it carries its tally, since clients may not have it."""
    db.session.flush()
    data = idea_dict(idea)
    if kind != "idea.hidden":
        data.update(vote_service.tallies(workshop).get(idea.id, vote_service.empty_tally(workshop)))
    if idea.group_id:
        data["group"] = db.session.get(Group, idea.group_id).to_dict()
    data.update(extra)
    record(workshop, kind, data)
    return {"idea": data}


def group_idea(actor: Actor, idea_id, group_id=None, group_label=None, client_id=None) -> dict:
    """Put an idea in a group, a new group (label) or none. Raises Forbidden, PhaseError, NotFound; emits idea.grouped."""

    def apply(workshop: Workshop) -> dict:
        check_clustering(actor, workshop)
        idea = seen_idea(actor, workshop, idea_id)
        before = {"idea_id": idea.id, "group_id": idea.group_id, "created_group": None}
        if group_label is not None:
            group = Group(workshop_id=workshop.id, label=v.text(group_label, "group_label", max_len=120))
            db.session.add(group)
            db.session.flush()
            idea.group_id = before["created_group"] = group.id
        elif group_id is None:
            idea.group_id = None
        else:
            idea.group_id = group_of(workshop, group_id).id
        answer = _emit(workshop, idea, "idea.grouped")
        remember(actor, workshop, "idea.group", before)
        return answer

    return run_command(actor, client_id, apply)


def _emit(workshop: Workshop, idea: Idea, kind: str) -> dict:
    db.session.flush()
    data = idea_dict(idea)
    if kind == "idea.grouped" and idea.group_id:
        data["group"] = db.session.get(Group, idea.group_id).to_dict()
    record(workshop, kind, data)
    return {"idea": data}

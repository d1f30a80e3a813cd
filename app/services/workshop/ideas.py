"""Ideas (sticky notes) and their groups. Every change is one transaction plus one event."""

from flask import current_app
from sqlalchemy import bindparam, func, select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, Invalid, NotFound, PhaseError
from app.services.core.guards import require_open
from app.services.core.lookup import group_of, idea_of, owned
from app.services.core.unit_of_work import record, run_command
from app.services.workshop import votes as vote_service
from models import Column, Group, Idea, Workshop, db, utcnow

COLORS = ("yellow", "pink", "blue", "green", "orange", "purple")
IDEA_MAX = 500
POSITION_MAX = 1e9  # board.js puts a moved card halfway between its neighbours, from 1, 2, 3…
COLUMN_MISSING = "Colonne inconnue dans cet atelier."


def idea_dict(idea: Idea) -> dict:
    if idea.author is not None:
        author = {"id": idea.author.id, "name": idea.author.name}
    elif idea.author_user is not None:
        author = {"id": None, "name": idea.author_user.name, "role": "facilitator"}
    else:
        author = None
    return {
        "id": idea.id,
        "column_id": idea.column_id,
        "text": idea.text,
        "color": idea.color,
        "group_id": idea.group_id,
        "position": idea.position,
        "author": author,
        "proxy": idea.proxy,
        "created_at": idea.created_at.isoformat(),
    }


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
        raise Invalid(f"Vous avez atteint la limite de {limit} idées pour cet atelier.", field="text")


def create_idea(actor: Actor, column_id, text, color=None, client_id=None, on_behalf_of=None) -> dict:
    """Post an idea. Raises PhaseError, Invalid, NotFound; emits idea.created."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        if not actor.is_facilitator and workshop.phase != "brainstorm":
            raise PhaseError("On ne peut proposer des idées que pendant la phase de remue-méninges.")
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
        )
        db.session.add(idea)
        db.session.flush()
        data = idea_dict(idea)
        record(workshop, "idea.created", data)
        return {"idea": data}

    return run_command(actor, client_id, apply)


def update_idea(actor: Actor, idea_id, text=None, color=None, client_id=None) -> dict:
    """Edit text or colour. Raises Forbidden, PhaseError, Invalid, NotFound; emits idea.updated."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        idea = idea_of(workshop, idea_id)
        if not actor.is_facilitator:
            if not _is_author(actor, idea):
                raise Forbidden("Seul l'auteur ou un animateur peut modifier cette idée.")
            if workshop.phase not in ("brainstorm", "cluster"):
                raise PhaseError("Les idées ne se modifient plus une fois le vote ouvert.")
        if text is None and color is None:
            raise Invalid("Rien à modifier : donnez « text » ou « color ».")
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
        idea = idea_of(workshop, idea_id)
        if not actor.is_facilitator and not (_is_author(actor, idea) and workshop.phase == "brainstorm"):
            raise Forbidden("Seul un animateur peut déplacer cette idée maintenant.")
        column = owned(Column, column_id, workshop.id, COLUMN_MISSING, field="column_id")
        if position is not None:
            idea.position = v.number(position, "position", lo=-POSITION_MAX, hi=POSITION_MAX)
        idea.column_id = column.id
        return _emit(workshop, idea, "idea.moved")

    return run_command(actor, client_id, apply)


def delete_idea(actor: Actor, idea_id, client_id=None) -> dict:
    """Delete. Raises Forbidden, PhaseError, NotFound; emits idea.deleted."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        idea = idea_of(workshop, idea_id)
        if not actor.is_facilitator:
            if not _is_author(actor, idea):
                raise Forbidden("Seul l'auteur ou un animateur peut supprimer cette idée.")
            if workshop.phase not in ("brainstorm", "cluster"):
                raise PhaseError("Les idées ne se suppriment plus une fois le vote ouvert.")
        data = idea_dict(idea)
        vote_service.refund_idea(idea)
        db.session.delete(idea)
        record(workshop, "idea.deleted", data)
        return {"idea_id": data["id"]}

    return run_command(actor, client_id, apply)


def group_idea(actor: Actor, idea_id, group_id=None, group_label=None, client_id=None) -> dict:
    """Put an idea in a group, a new group (label) or none. Raises Forbidden, PhaseError, NotFound; emits idea.grouped."""

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        if not actor.is_facilitator and workshop.phase != "cluster":
            raise PhaseError("Le regroupement des idées se fait pendant la phase de regroupement.")
        idea = idea_of(workshop, idea_id)
        if group_label is not None:
            group = Group(workshop_id=workshop.id, label=v.text(group_label, "group_label", max_len=120))
            db.session.add(group)
            db.session.flush()
            idea.group_id = group.id
        elif group_id is None:
            idea.group_id = None
        else:
            idea.group_id = group_of(workshop, group_id).id
        return _emit(workshop, idea, "idea.grouped")

    return run_command(actor, client_id, apply)


def _emit(workshop: Workshop, idea: Idea, kind: str) -> dict:
    db.session.flush()
    data = idea_dict(idea)
    if kind == "idea.grouped" and idea.group_id:
        data["group"] = db.session.get(Group, idea.group_id).to_dict()
    record(workshop, kind, data)
    return {"idea": data}

"""Loading the row a command names by id, only if it belongs where the command acts."""

from typing import TypeVar

from flask_babel import gettext as _

from app.services.core import validation as v
from app.services.core.errors import NotFound
from models import Group, Idea, Workshop, db

T = TypeVar("T")


def owned(
    model: type[T], value, owner_id: int, missing: str, *, field: str | None = None, owner: str = "workshop_id"
) -> T:
    """The `model` row with id `value` whose `owner` column is `owner_id`. Raises Invalid, NotFound.

    With a `field`, a value that is not an id raises Invalid naming it; without
    one (ids from URLs or optional keys) it is simply not found. An unknown id
    and another workshop's row get the same NotFound(missing), so a caller
    learns nothing about rows it may not reach.
    """
    if field is not None:
        v.ident(value, field)
    row = db.session.get(model, value) if v.is_id(value) else None
    if row is None or getattr(row, owner) != owner_id:
        raise NotFound(missing)
    return row


def idea_of(workshop: Workshop, idea_id, field: str | None = "idea_id") -> Idea:
    """An idea of this workshop. Raises Invalid, NotFound."""
    return owned(Idea, idea_id, workshop.id, _("Idée inconnue dans cet atelier."), field=field)


def group_of(workshop: Workshop, group_id, field: str | None = None) -> Group:
    """A group of ideas of this workshop. Raises Invalid (with a field), NotFound."""
    return owned(Group, group_id, workshop.id, _("Groupe inconnu dans cet atelier."), field=field)

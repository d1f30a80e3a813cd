"""Territories (EPT, départements, communes), shared by workshops and roadmaps."""

from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.errors import Invalid
from models import Territory, db


def territory_id(value, field: str = "territory") -> int:
    """The id of a territory given by id or by name. Raises Invalid."""
    if v.is_int(value):
        territory = db.session.get(Territory, value) if v.is_id(value) else None
    elif isinstance(value, str):
        name = v.clean_chars(value, field).strip()
        territory = db.session.execute(select(Territory).filter_by(name=name)).scalar_one_or_none()
    else:
        raise Invalid(f"« {field} » doit être un identifiant ou un nom.", field=field)
    if territory is None:
        raise Invalid("Territoire inconnu.", field=field)
    return territory.id


def territory_choices(*, communes: bool = True, blank: bool = False) -> list[tuple[str, str]]:
    """(id, name) pairs for a form's select, grouped by kind; `blank` adds a leading « — » for none."""
    stmt = select(Territory).order_by(Territory.kind, Territory.name)
    if not communes:
        stmt = stmt.where(Territory.kind != "commune")
    options = [(str(t.id), t.name) for t in db.session.execute(stmt).scalars()]
    return [("", "—"), *options] if blank else options

"""Which day a workshop belongs to, and as what. Imports nothing from the workshop services, so that
`workshops.create_workshop` can call it inside its own transaction."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.services.core import validation as v
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from models import DAY_ROLES, Day, Participant, User, Workshop, db

DAY_KEYS = ("day_id", "role", "capacity")


def leads_day(user: User | None, day: Day) -> bool:
    return user is not None and bool(getattr(user, "is_active", False)) and day.is_facilitator(user)


def require_day_lead(user: User | None, day: Day, what: str) -> None:
    """Raises Forbidden."""
    if not leads_day(user, day):
        raise Forbidden(_("Vous n'animez pas cette journée : seuls ses animateurs peuvent %(what)s.", what=what))


def day_by_id(day_id) -> Day:
    """Raises NotFound."""
    day = db.session.get(Day, day_id) if v.is_id(day_id) else None
    if day is None:
        raise NotFound(_("Aucune journée ne porte cet identifiant."))
    return day


def attach_new_workshop(user: User, workshop: Workshop, data: dict) -> None:
    """Put a workshop being created into the day `data["day_id"]` as `role`, with an optional `capacity`.
    Its creator must lead the day; one plenary per day. Raises Invalid, NotFound, Forbidden, Conflict."""
    if data.get("day_id") is None:
        for key in ("role", "capacity"):
            if data.get(key) is not None:
                raise Invalid(_("« %(key)s » ne vaut que pour un atelier d'une journée (« day_id »).", key=key), field=key)
        return
    day = day_by_id(v.ident(data["day_id"], "day_id"))
    require_day_lead(user, day, _("y ajouter un atelier"))
    role = v.choice(data.get("role") or "atelier", "role", DAY_ROLES)
    if role == "plenary" and plenary_of(day) is not None:
        raise Conflict(_("Cette journée a déjà sa plénière."), field="role")
    workshop.day_id, workshop.day_role = day.id, role
    if data.get("capacity") is not None:
        workshop.capacity = v.integer(data["capacity"], "capacity", lo=1, hi=10000)
    # The day's facilitators see every atelier's state (GET /days/ID), but lead only those they are named on.


def plenary_of(day: Day) -> Workshop | None:
    stmt = select(Workshop).filter_by(day_id=day.id, day_role="plenary")
    return db.session.execute(stmt).scalars().first()


def workshops_of(day: Day) -> list[Workshop]:
    """Ateliers first (in creation order), the plenary last."""
    rows = db.session.execute(select(Workshop).filter_by(day_id=day.id).order_by(Workshop.id)).scalars().all()
    return sorted(rows, key=lambda w: w.day_role == "plenary")


def people_in(workshop_ids: list[int]) -> dict[int, int]:
    """Participants per workshop: guests with a token (not removed), no device-less tables."""
    if not workshop_ids:
        return {}
    stmt = (
        select(Participant.workshop_id, func.count())
        .where(Participant.workshop_id.in_(workshop_ids), Participant.removed_at.is_(None))
        .where(Participant.table_size.is_(None))
        .group_by(Participant.workshop_id)
    )
    return dict(db.session.execute(stmt).all())


def places_left(workshop: Workshop, people: int) -> int | None:
    return None if workshop.capacity is None else max(workshop.capacity - people, 0)

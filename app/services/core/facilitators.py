"""Co-facilitation: a workshop and a roadmap each have several facilitators, who all run it alike.

Only one of its facilitators adds or removes one (app/services/core/guards.py `leads`, the one rule);
the last one cannot be removed.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.errors import Conflict, Invalid, NotFound
from app.services.core.guards import require_lead
from app.services.core.unit_of_work import transaction
from models import Roadmap, User, Workshop, db

NO_ACCOUNT = lazy_gettext(
    "Aucun compte d'animateur actif ne correspond à « {email} » : un administrateur peut inviter cette personne "
    "(page Administration), puis vous l'ajouterez."
)


def facilitator_dicts(thing: Workshop | Roadmap) -> list[dict]:
    return [u.to_dict() for u in sorted(thing.facilitators, key=lambda u: u.id)]


def add_facilitator(user: User | None, thing: Workshop | Roadmap, email) -> User:
    """Add the active account with this e-mail to `thing`'s facilitators. Raises Unauthorized, Forbidden,
    Invalid, NotFound, Conflict."""
    require_lead(user, thing, _("ajouter un co-animateur"))
    address = v.text(email, "email", max_len=254).lower()
    if "@" not in address:
        raise Invalid(_("Adresse e-mail invalide."), field="email")
    colleague = db.session.execute(select(User).filter_by(email=address)).scalar_one_or_none()
    if colleague is None or not colleague.is_active:
        raise NotFound(NO_ACCOUNT.format(email=address), field="email")
    if thing.is_facilitator(colleague):
        raise Conflict(_("%(name)s anime déjà.", name=colleague.name), field="email")
    with transaction():
        thing.facilitators.append(colleague)
    return colleague


def remove_facilitator(user: User | None, thing: Workshop | Roadmap, user_id) -> None:
    """Remove a facilitator (oneself included), never the last one. Raises Unauthorized, Forbidden, NotFound,
    Conflict."""
    require_lead(user, thing, _("retirer un co-animateur"))
    gone = next((f for f in thing.facilitators if v.is_int(user_id) and f.id == user_id), None)
    if gone is None:
        raise NotFound(_("Cette personne n'est pas parmi les animateurs."))
    if len(thing.facilitators) <= 1:
        raise Conflict(_("Impossible de retirer le dernier animateur : ajoutez d'abord un co-animateur."))
    with transaction():
        thing.facilitators.remove(gone)

"""The rules most commands check first: who leads a workshop or a roadmap, and whether the workshop still changes.

`leads` is the one facilitator rule (issue 19): a workshop and a roadmap each have their facilitators, and an
active account among them may run it; any other account, facilitator elsewhere or admin, may not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from app.services.core.errors import Forbidden, PhaseError, Unauthorized

if TYPE_CHECKING:
    from app.services.core.actors import Actor
    from models import Roadmap, User, Workshop

CLOSED = lazy_gettext("L'atelier est clos : il reste en lecture seule tant qu'un animateur ne le rouvre pas.")


def leads(user: User | None, thing: Workshop | Roadmap) -> bool:
    """Whether `user` is an active account among the facilitators of `thing` (a workshop or a roadmap)."""
    return user is not None and bool(getattr(user, "is_active", False)) and thing.is_facilitator(user)


def require_lead(user: User | None, thing: Workshop | Roadmap, what: str) -> None:
    """`what` completes « seuls ses animateurs peuvent … ». Raises Unauthorized (no account), Forbidden."""
    if user is None:
        raise Unauthorized(_("Connexion d'animateur requise."))
    if not leads(user, thing):
        if type(thing).__name__ == "Roadmap":
            raise Forbidden(_("Vous n'animez pas cette feuille de route : seuls ses animateurs peuvent %(what)s.", what=what))
        raise Forbidden(_("Vous n'animez pas cet atelier : seuls ses animateurs peuvent %(what)s.", what=what))


def require_facilitator(actor: Actor, what: str) -> None:
    """`what` completes « Seuls les animateurs peuvent … ». Raises Forbidden."""
    if not actor.is_facilitator:
        raise Forbidden(_("Seuls les animateurs peuvent %(what)s.", what=what))


def require_open(workshop: Workshop) -> None:
    """A closed workshop's board, minutes, tables and participants are frozen. Raises PhaseError."""
    if workshop.phase == "closed":
        raise PhaseError(CLOSED)

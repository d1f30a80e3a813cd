"""Who may write the minutes (docs/protocol.md, "Minutes: who writes").

Everyone reads them live. Writing:
- facilitators, always (also when locked: the lock stops the room, not the people who run it);
- a participant, unless a facilitator locked the minutes (setting `minutes_locked`) and, under
  `minutes_editors: facilitators`, only if a facilitator named them scribe (`participants.scribe`).
A closed workshop's minutes are frozen for everyone (PhaseError, from the guards).
"""

from flask_babel import lazy_gettext

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden
from app.services.workshop.participants import minutes_permissions
from models import Workshop

LOCKED = lazy_gettext("Le compte rendu est verrouillé par l'animation : vous pouvez le lire, pas le modifier.")
SCRIBES_ONLY = lazy_gettext(
    "Seuls l'animation et les secrétaires de séance désignés écrivent ce compte rendu : vous pouvez le lire en direct."
)
NOBODY = lazy_gettext("Ce lien ne peut pas modifier le compte rendu.")


def refusal(workshop: Workshop, actor: Actor) -> str | None:
    """Why this actor may not write the minutes of `workshop` (its current, locked state), or None."""
    if actor.is_facilitator:
        return None
    if actor.participant is None:
        return NOBODY
    settings = workshop.settings or {}
    if settings.get("minutes_locked"):
        return LOCKED
    if settings.get("minutes_editors", "everyone") == "facilitators" and not actor.participant.scribe:
        return SCRIBES_ONLY
    return None


def may_write(workshop: Workshop, actor: Actor) -> bool:
    return workshop.phase != "closed" and refusal(workshop, actor) is None


def require_writer(workshop: Workshop, actor: Actor) -> None:
    """Raises Forbidden with the reason."""
    reason = refusal(workshop, actor)
    if reason is not None:
        raise Forbidden(reason)


def permissions_for(workshop: Workshop, actor: Actor) -> dict:
    """{editors, locked, scribes, editable}: the rule, and whether this actor may write now."""
    return {**minutes_permissions(workshop), "editable": may_write(workshop, actor)}

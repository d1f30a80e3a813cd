"""A facilitator's changes to one participant of their workshop (PATCH …/participants/PID).

Each editable field has one rule in FIELDS: `rule(workshop, participant, value)` validates and applies it.
Adding a field (a name, …) is one more entry; the patch is applied whole or not at all.
"""

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Invalid, NotFound
from app.services.core.guards import require_facilitator, require_open
from app.services.core.lookup import owned
from app.services.core.unit_of_work import record, run_command
from app.services.workshop import colleges, roster
from models import Participant, Workshop, db

UNKNOWN = lazy_gettext("Participant inconnu dans cet atelier.")


def _scribe(workshop: Workshop, participant: Participant, value) -> None:
    """Named scribe: may write the minutes when only facilitators may (setting minutes_editors)."""
    participant.scribe = v.boolean(value, "scribe")


FIELDS: dict[str, Callable[[Workshop, Participant, object], None]] = {"scribe": _scribe, "name": roster.rename}
FIELDS["college"] = colleges.set_college  # issue 17: a facilitator assigns the college (docs/votes.md)


def minutes_permissions(workshop: Workshop) -> dict:
    """Who writes the minutes: {editors: everyone|facilitators, locked, scribes:[participant id…]}."""
    scribes = db.session.scalars(
        select(Participant.id).where(Participant.workshop_id == workshop.id, Participant.scribe.is_(True))
    )
    settings = workshop.settings or {}
    return {
        "editors": settings.get("minutes_editors", "everyone"),
        "locked": bool(settings.get("minutes_locked", False)),
        "scribes": sorted(scribes),
    }


def participant_view(participant: Participant) -> dict:
    return {**participant.to_dict(), "scribe": participant.scribe}


def update_participant(actor: Actor, participant_id: int, data: dict) -> dict:
    """Patch the fields of FIELDS → {participant}. Raises Forbidden, Invalid, NotFound, PhaseError;
    emits participant.updated (facilitators) and, when `scribe` changed, minutes.permissions (everyone)."""
    require_facilitator(actor, _("modifier un participant"))
    v.mapping(data)
    unknown = sorted(set(data) - set(FIELDS) - {"client_id"})
    if unknown:
        raise Invalid(_("Champ inconnu : « %(field)s ».", field=unknown[0]), field=unknown[0])

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        participant = owned(Participant, participant_id, workshop.id, UNKNOWN)
        if participant.token_hash is None and not participant.is_table:
            raise NotFound(UNKNOWN)  # deleted: a row kept for the tallies, nobody to change
        for key in FIELDS:
            if key in data:
                FIELDS[key](workshop, participant, data[key])
        view = participant_view(participant)
        record(workshop, "participant.updated", {"participant": view})
        if "scribe" in data:
            record(workshop, "minutes.permissions", minutes_permissions(workshop))
        return {"participant": view}

    return run_command(actor, data.get("client_id"), apply)

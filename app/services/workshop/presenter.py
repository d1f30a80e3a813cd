"""The projector: its read-only presenter link, and the idea or group the room is looking at.

The presenter link lets the room's PC show the projector view without anyone's password. Its token
is long and random, shown once; only its SHA-256 is kept, and a new link replaces (revokes) the
previous one. Whoever holds it sees exactly what a participant who has posted nothing would see,
and may send no command at all (realtime/state.py refuses them).
"""

import hmac
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Invalid, Unauthorized
from app.services.core.guards import require_facilitator
from app.services.core.lookup import group_of, idea_of
from app.services.core.unit_of_work import record, run_command, sockets_refused
from app.services.workshop.workshops import get_workshop, hash_token
from models import Connection, Workshop, db

TOKEN_PREFIX = "pr."
TOKEN_BYTES = 32  # 256 bits: guessing one is out of reach, the rate limits aside
REFUSED = lazy_gettext("Lien de projection inconnu ou remplacé : demandez le nouveau lien à l'animation.")


def create_presenter_link(actor: Actor) -> str:
    """A new presenter token for the actor's workshop, revoking the previous one. Raises Forbidden;
    emits presenter.linked."""
    require_facilitator(actor, _("créer un lien de projection"))
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)

    def apply(workshop: Workshop) -> dict:
        workshop.presenter_token_hash = hash_token(token)
        # The old link's sockets, in whichever process holds them, are closed after the commit.
        sockets_refused(_presenter_sockets(workshop))
        record(workshop, "presenter.linked", {})
        return {}

    run_command(actor, None, apply)
    return token


def _presenter_sockets(workshop: Workshop) -> list[str]:
    """The workshop's open presenter sockets (connections of no one: neither a participant nor an account),
    forgotten here; returns their sids."""
    mine = (Connection.workshop_id == workshop.id) & Connection.participant_id.is_(None) & Connection.user_id.is_(None)
    sids = list(db.session.scalars(select(Connection.sid).where(mine)))
    db.session.execute(Connection.__table__.delete().where(mine))
    return sids


def presenter_workshop(code: str, token) -> Workshop:
    """The workshop `code` if `token` is its current presenter token. Raises Unauthorized (also for an
    unknown code: the answer tells nothing about which codes exist)."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise Unauthorized(REFUSED)
    try:
        workshop = get_workshop(code)
    except Exception:  # NotFound, or a code that cannot even be normalised
        raise Unauthorized(REFUSED) from None
    expected = workshop.presenter_token_hash or ""
    if not hmac.compare_digest(expected, hash_token(token)) or not expected:
        raise Unauthorized(REFUSED)
    return workshop


def presenter_actor(code: str, token) -> Actor:
    """Who looks through a presenter link: an actor with no account and no participation, so every rule
    shows it the public view and refuses it any change. Raises Unauthorized."""
    return Actor(presenter_workshop(code, token))


def focus_target(workshop: Workshop, payload: dict) -> dict | None:
    """{"idea_id": N} or {"group_id": N} of this workshop, or None (the whole board). Raises Invalid, NotFound."""
    idea_id, group_id = payload.get("idea_id"), payload.get("group_id")
    if idea_id is not None and group_id is not None:
        raise Invalid(_("Choisissez une idée ou un groupe, pas les deux."), field="idea_id")
    if idea_id is not None:
        return {"idea_id": idea_of(workshop, idea_id).id}
    if group_id is not None:
        return {"group_id": group_of(workshop, group_id, field="group_id").id}
    return None


def set_focus(actor: Actor, payload, client_id=None) -> dict:
    """Zoom the projector on one idea or group, or back to the whole board (`{}`).
    Raises Forbidden, Invalid, NotFound; emits present.focused."""
    require_facilitator(actor, _("diriger la projection"))
    payload = v.mapping(payload)

    def apply(workshop: Workshop) -> dict:
        focus = focus_target(workshop, payload)
        if focus == workshop.present_focus:
            return {"focus": focus}
        workshop.present_focus = focus
        record(workshop, "present.focused", {"focus": focus})
        return {"focus": focus}

    return run_command(actor, client_id, apply)

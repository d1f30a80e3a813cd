"""Remote cursors: y-protocols awareness updates relayed between the minutes' editors, never stored.

The server reads each update (app/lib/awareness.py) and rewrites the name it carries with the sender's own
name, so nobody shows a cursor in somebody else's name ("Animation"…).
"""

import base64
import binascii

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from app.lib import awareness
from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, Invalid, TooLarge

MAX_AWARENESS_BYTES = 8 * 1024
MAX_ENCODED = (MAX_AWARENESS_BYTES * 4) // 3 + 4
NOT_READABLE = lazy_gettext("« update » doit être une mise à jour de présence (awareness) encodée en base64.")


def relay_awareness(actor: Actor, value) -> str:
    """The base64 update to relay to the workshop's other sockets. Raises Forbidden, Invalid, TooLarge."""
    if actor.participant is None and not actor.is_facilitator:
        raise Forbidden(_("Ce lien ne participe pas au compte rendu."))
    if not isinstance(value, str) or not value:
        raise Invalid(NOT_READABLE, field="update")
    if len(value) > MAX_ENCODED:
        raise TooLarge(_("Mise à jour de présence trop volumineuse (max %(max)s Ko).", max=MAX_AWARENESS_BYTES // 1024))
    try:
        entries = awareness.decode(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        raise Invalid(NOT_READABLE, field="update") from None
    return base64.b64encode(awareness.encode([_named(entry, actor.name) for entry in entries])).decode("ascii")


def _named(entry: tuple, name: str) -> tuple:
    client, clock, state = entry
    if isinstance(state, dict):
        user = state.get("user") if isinstance(state.get("user"), dict) else {}
        state = {**state, "user": {**user, "name": name[:80]}}
    return client, clock, state

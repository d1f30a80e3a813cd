"""Per-socket state of this process, and the command wrapper every handler goes through."""

import json
import logging
import time
import weakref
from dataclasses import dataclass, field

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import bindparam, select

from app import i18n
from app.extensions import socketio
from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, RateLimited, ServiceError, TooLarge, Unauthorized
from app.services.core.unit_of_work import workshop_locked
from models import Participant, User, Workshop, db

log = logging.getLogger("fabrique.realtime")
MAX_PAYLOAD = 16 * 1024
# A presenter link's socket (role "presenter") only reads: it may catch up, nothing else.
PRESENTER_COMMANDS = frozenset({"sync"})
PRESENTER_REFUSED = lazy_gettext("Le lien de projection est en lecture seule : il ne peut envoyer aucune commande.")
REVOKED = lazy_gettext("Ce lien de projection a été remplacé : demandez le nouveau lien à l'animation.")


@dataclass
class Bucket:
    """A token bucket: a burst of `burst` commands, refilled over `period` seconds."""

    tokens: float = 0.0
    last: float = 0.0  # 0: never used, starts full

    def level(self, burst: int, period: float, now: float) -> float:
        return min(burst, self.tokens + (now - self.last) * burst / period) if self.last else burst


# Each participant's shared bucket lives as long as one of their sockets in this process holds it.
PARTICIPANT_BUCKETS: weakref.WeakValueDictionary[int, Bucket] = weakref.WeakValueDictionary()


@dataclass
class SocketState:
    workshop_id: int
    code: str
    user_id: int | None
    participant_id: int | None
    role: str
    slots: tuple = ()  # what this socket counts against in the connection caps (realtime/connection.py)
    bucket: Bucket = field(default_factory=Bucket)  # this socket's
    shared: Bucket | None = None  # the participant's, shared by all their sockets in this process
    presenter_hash: str | None = None  # a presenter link's token hash, checked again on each command
    lang: str = "fr"  # the language its messages speak: auth.lang at connection, else the page's (app/i18n.py)

    def __post_init__(self) -> None:
        if self.participant_id is not None and self.shared is None:
            self.shared = PARTICIPANT_BUCKETS.setdefault(self.participant_id, Bucket())

    def actor(self, lock: bool = False) -> Actor:
        """Load who acts. With `lock`, a participant's load also takes the workshop lock a
        write command needs (`lock_workshop` then costs nothing): one round trip."""
        if self.participant_id is not None:
            # One round trip for the common case; the checks below name what is missing.
            stmt = _PARTICIPANT_LOCKED if lock else _PARTICIPANT
            row = db.session.execute(
                stmt, {"workshop_id": self.workshop_id, "participant_id": self.participant_id}
            ).first()
            if row is not None:
                if lock:
                    workshop_locked(self.workshop_id)
                return Actor(row[0], participant=row[1])
        workshop = db.session.get(Workshop, self.workshop_id)
        if workshop is None:
            raise Unauthorized(_("Cet atelier n'existe plus."))
        if self.role == "presenter":
            # No account, no participation: the public view, and a link replaced since is refused.
            if workshop.presenter_token_hash != self.presenter_hash:
                raise Unauthorized(REVOKED)
            return Actor(workshop)
        if self.participant_id is not None:
            participant = db.session.get(Participant, self.participant_id)
            if participant is None or participant.token_hash is None:
                raise Unauthorized(_("Votre participation a été supprimée."))
            return Actor(workshop, participant=participant)
        user = db.session.get(User, self.user_id) if self.user_id is not None else None
        if user is not None and not user.is_active:  # a deactivated account's open sockets stop at once
            raise Unauthorized(_("Ce compte d'animateur a été désactivé."))
        return Actor(workshop, user=user)


# Built once: every command runs one of them first.
_PARTICIPANT = select(Workshop, Participant).where(
    Workshop.id == bindparam("workshop_id"),
    Participant.id == bindparam("participant_id"),
    Participant.workshop_id == Workshop.id,
    Participant.token_hash.is_not(None),
)
_PARTICIPANT_LOCKED = _PARTICIPANT.with_for_update(of=Workshop)

SOCKETS: dict[str, SocketState] = {}


def _rate_ok(state: SocketState, cost: float = 1.0) -> bool:
    """Token buckets per socket and per participant: a command passes when both hold `cost`, and
    only then takes it from both. The participant's bucket keeps several sockets (tabs, devices,
    a script) from multiplying the per-socket rate."""
    if not current_app.config["RATE_LIMITS"]:
        return True
    config, now = current_app.config, time.monotonic()
    buckets = [(state.bucket, config["SOCKET_RATE"])]
    if state.shared is not None:
        buckets.append((state.shared, config["PARTICIPANT_RATE"]))
    levels = [bucket.level(*rate, now) for bucket, rate in buckets]
    ok = all(level >= cost for level in levels)
    for (bucket, _rate), level in zip(buckets, levels, strict=True):
        bucket.tokens, bucket.last = (level - cost if ok else level), now
    return ok


def command(name: str, *, max_payload: int = MAX_PAYLOAD, cost: float = 1.0, writes: bool = True):
    """Register `fn(actor, payload, client_id) -> dict` as the Socket.IO command `name`; the ack is {ok, …}.

    A command that `writes` loads its actor under the workshop lock it is about to take anyway.
    """

    def register(fn):
        def handler(payload=None):
            try:
                state = SOCKETS.get(request.sid)
                if state is not None:
                    i18n.speak(state.lang)
                if state is None:
                    raise Unauthorized(_("Connexion non authentifiée."))
                if state.role == "presenter" and name not in PRESENTER_COMMANDS:
                    raise Forbidden(PRESENTER_REFUSED)
                payload = v.payload({} if payload is None else payload)  # the same edge check as REST bodies
                if len(json.dumps(payload)) > max_payload:
                    raise TooLarge(_("Commande trop volumineuse (max %(max)s Ko).", max=max_payload // 1024))
                if not _rate_ok(state, cost):
                    raise RateLimited(_("Trop de commandes : ralentissez un instant."))
                return {"ok": True, **fn(state.actor(lock=writes), payload, payload.get("client_id"))}
            except ServiceError as exc:
                db.session.rollback()
                return {"ok": False, "error": exc.to_dict()}
            except Exception:
                db.session.rollback()
                log.exception("command %s failed", name)
                return {"ok": False, "error": {"code": "internal", "message": _("Erreur interne du serveur.")}}
            finally:
                db.session.remove()

        handler.__name__ = "on_" + name.replace(".", "_")
        socketio.on_event(name, handler)
        return fn

    return register

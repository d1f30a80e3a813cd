"""Who is calling: bearer tokens (API), the login session (facilitators) or a guest's cookie.

Also how a guest becomes one: joining, rate-limited per address for the web page and the API alike.
"""

from flask import current_app, request, session
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, RateLimited, ServiceError, Unauthorized
from app.services.workshop.workshops import join_workshop, participant_for_token
from models import Participant, User, Workshop, db

TOKEN_DAYS = 30
FACILITATOR_PREFIX = "f."


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="api-token")


def token_for_user(user: User) -> str:
    return FACILITATOR_PREFIX + _serializer().dumps({"uid": user.id})


def user_for_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token[len(FACILITATOR_PREFIX) :], max_age=TOKEN_DAYS * 86400)
    except BadSignature:
        return None
    return db.session.get(User, data.get("uid"))


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def remember_guest(code: str, token: str) -> None:
    """Keep a guest's token in the signed session cookie, per workshop."""
    guests = dict(session.get("guests") or {})
    guests[code] = token
    session["guests"] = guests


def guest_token(code: str) -> str | None:
    return (session.get("guests") or {}).get(code)


def actor_for(workshop: Workshop, token: str | None = None, user: User | None = None) -> Actor:
    """Resolve the actor from a token, else a logged-in user, else the guest cookie. Raises Unauthorized, Forbidden."""
    if token and token.startswith(FACILITATOR_PREFIX):
        user = user_for_token(token)
        if user is None:
            raise Unauthorized("Jeton d'animateur invalide ou expiré.")
        token = None
    if token:
        participant = participant_for_token(token)
        if participant.workshop_id != workshop.id:
            raise Forbidden("Ce jeton ne donne pas accès à cet atelier.")
        return Actor(workshop, participant=participant)
    if user is not None and workshop.is_facilitator(user):
        return Actor(workshop, user=user)
    cookie = guest_token(workshop.code)
    if cookie:
        return actor_for(workshop, cookie)
    if user is not None:
        raise Forbidden("Vous n'animez pas cet atelier.")
    raise Unauthorized("Rejoignez l'atelier avec son code pour y accéder.")


def request_actor(workshop: Workshop) -> Actor:
    user = current_user if current_user.is_authenticated else None
    return actor_for(workshop, bearer(), user)


def request_user() -> User:
    """The facilitator behind a bearer token or the login session. Raises Unauthorized."""
    token = bearer()
    if token:
        user = user_for_token(token) if token.startswith(FACILITATOR_PREFIX) else None
        if user is None:
            raise Unauthorized("Jeton d'animateur invalide ou expiré.")
        return user
    if current_user.is_authenticated:
        return current_user
    raise Unauthorized("Connexion d'animateur requise.")


def count_join_failure() -> None:
    """One more failed join (unknown code, refused form) for the caller's address."""
    current_app.extensions["fabrique_join_limiter"].hit(request.remote_addr or "?")


def join_limited(code: str, data) -> tuple[Participant, str]:
    """join_workshop, refused to an address with too many failed attempts (code guessing), each failure
    counted. Raises RateLimited and what join_workshop raises."""
    if current_app.extensions["fabrique_join_limiter"].blocked(request.remote_addr or "?"):
        raise RateLimited("Trop de tentatives : réessayez dans une minute.")
    try:
        return join_workshop(code, data)
    except ServiceError:
        count_join_failure()
        raise

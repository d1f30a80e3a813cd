"""Who is calling: bearer tokens (API), the login session (facilitators) or a guest's cookie.

Also the failed-attempt limits (docs/deployment.md), per address for the web pages and the API alike:
finding a workshop by its code (the join page and the join route, the only places that tell whether a
code exists: a right code is never limited) and logging in.
"""

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.services.core.accounts import authenticate
from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, NotFound, RateLimited, Unauthorized
from app.services.core.guards import leads
from app.services.workshop.workshops import get_workshop, join_workshop, normalize_code, participant_for_token
from models import Participant, User, Workshop, db

TOKEN_DAYS = 30
FACILITATOR_PREFIX = "f."
WRONG_CODES = lazy_gettext(
    "Aucun atelier ne correspond à ce code, et trop de codes erronés viennent de votre adresse : "
    "vérifiez le code affiché par l'animateur et réessayez dans une minute."
)
LOGIN_ADDRESS_LIMITED = lazy_gettext("Trop de connexions échouées depuis votre adresse : réessayez dans un quart d'heure.")
LOGIN_ACCOUNT_LIMITED = lazy_gettext(
    "Trop de connexions échouées sur ce compte : réessayez dans un quart d'heure depuis cette adresse."
)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="api-token")


def token_for_user(user: User) -> str:
    """A facilitator's bearer token, valid TOKEN_DAYS unless the password changes or the account is deactivated."""
    return FACILITATOR_PREFIX + _serializer().dumps({"uid": user.id, "stamp": user.credential_stamp()})


def user_for_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token[len(FACILITATOR_PREFIX) :], max_age=TOKEN_DAYS * 86400)
    except (BadSignature, UnicodeEncodeError):  # a socket's auth may carry a lone surrogate
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    return user if still_valid(user, data.get("stamp")) else None


def still_valid(user: User | None, stamp) -> bool:
    """A token or session of `user` stamped `stamp` still holds: same password, account active."""
    return user is not None and user.is_active and stamp == user.credential_stamp()


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
            raise Unauthorized(_("Jeton d'animateur invalide ou expiré."))
        token = None
    if token:
        participant = participant_for_token(token, workshop)
        if participant.workshop_id != workshop.id:
            raise Forbidden(_("Ce jeton ne donne pas accès à cet atelier."))
        return Actor(workshop, participant=participant)
    if user is not None and leads(user, workshop):
        return Actor(workshop, user=user)
    cookie = guest_token(workshop.code)
    if cookie:
        return actor_for(workshop, cookie)
    if user is not None:
        raise Forbidden(_("Vous n'animez pas cet atelier."))
    raise Unauthorized(_("Rejoignez l'atelier avec son code pour y accéder."))


def request_actor(workshop: Workshop) -> Actor:
    user = current_user if current_user.is_authenticated else None
    return actor_for(workshop, bearer(), user)


def request_user() -> User:
    """The facilitator behind a bearer token or the login session. Raises Unauthorized."""
    token = bearer()
    if token:
        user = user_for_token(token) if token.startswith(FACILITATOR_PREFIX) else None
        if user is None:
            raise Unauthorized(_("Jeton d'animateur invalide ou expiré."))
        return user
    if current_user.is_authenticated:
        return current_user
    raise Unauthorized(_("Connexion d'animateur requise."))


def find_workshop(code: str) -> Workshop:
    """The workshop with this code, for the join page and the join route, the places that tell whether a
    code exists. A right code is always found at once. A wrong one counts against the caller's address:
    past JOIN_FAIL_LIMIT a minute it is answered rate_limited, held back a little longer each time
    (JOIN_FAIL_DELAY), so guessing slows down while the others behind that address still get in.
    Raises NotFound, RateLimited."""
    try:
        return get_workshop(code)
    except NotFound:
        _wrong_code()
        raise


def count_wrong_code() -> None:
    """A wrong code typed elsewhere (a day's code, issue 21) counts like a wrong workshop code. Raises RateLimited
    past the allowance."""
    _wrong_code()


def _wrong_code() -> None:
    """Count a wrong code for the caller's address; past the allowance wait, then raise RateLimited."""
    address, limiter = request.remote_addr or "?", current_app.extensions["fabrique_join_limiter"]
    excess = limiter.add(address) - limiter.limit
    if excess > 0:
        db.session.rollback()  # wait holding no pooled connection (nor, on SQLite, the write lock)
        current_app.extensions["fabrique_join_slowdown"].wait(address, excess)
        raise RateLimited(WRONG_CODES)


def join_limited(code: str, data) -> tuple[Participant, str]:
    """join_workshop once find_workshop knows the code: only a wrong code counts as a failed attempt, a
    refused form with the right code does not. Raises what find_workshop and join_workshop raise."""
    return join_workshop(find_workshop(code).code, data)


class _UnknownWorkshop:
    """Stands for a code that matches no workshop in actor_for, which then refuses the caller exactly
    as a real workshop they have no access to would."""

    id = None

    def __init__(self, code: str):
        self.code = normalize_code(code)

    def is_facilitator(self, user) -> bool:
        return False


def actor_for_code(code: str, token: str | None = None, user: User | None = None) -> Actor:
    """actor_for on the workshop with this code. An unknown code is told (not_found) to facilitators only:
    anyone else gets the refusal a real workshop would give them, so codes cannot be tested here.
    Raises Unauthorized, Forbidden, NotFound."""
    try:
        workshop = get_workshop(code)
    except NotFound:
        if _facilitator(token, user) is None:
            actor_for(_UnknownWorkshop(code), token, user)  # raises: no one has access to it
        raise
    return actor_for(workshop, token, user)


def _facilitator(token: str | None, user: User | None) -> User | None:
    """The account actor_for would act as: a facilitator token's, else (no token) the logged-in user."""
    if token:
        return user_for_token(token) if token.startswith(FACILITATOR_PREFIX) else None
    return user


def request_actor_for_code(code: str) -> Actor:
    """actor_for_code for the current request's credentials. Raises Unauthorized, Forbidden, NotFound."""
    user = current_user if current_user.is_authenticated else None
    return actor_for_code(code, bearer(), user)


def login_limited(email, password) -> User:
    """authenticate, with failed logins limited (LOGIN_FAIL_LIMIT per window): an address past its allowance
    is refused whatever it sends; an account past its allowance is refused only to the addresses that have
    already failed on it, so its owner elsewhere still logs in. Raises RateLimited and what authenticate raises."""
    limits = current_app.extensions["fabrique_login_limiters"]
    address = request.remote_addr or "?"
    account = email.strip().lower() if isinstance(email, str) else ""
    keys = {"address": address, "account": account, "account_address": f"{account} {address}"}
    if limits["address"].blocked(address):
        raise RateLimited(LOGIN_ADDRESS_LIMITED)
    if limits["account"].blocked(account) and limits["account_address"].blocked(keys["account_address"]):
        raise RateLimited(LOGIN_ACCOUNT_LIMITED)
    try:
        return authenticate(email, password)
    except Unauthorized:
        for name, key in keys.items():
            limits[name].add(key)
        raise

"""Facilitator accounts: creation (CLI, demo) and password login (the login page and the API token endpoint)."""

import functools
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.services.core import validation as v
from app.services.core.errors import Invalid, NotFound, Unauthorized
from app.services.core.unit_of_work import transaction
from models import User, db

WRONG_LOGIN = "Adresse ou mot de passe incorrect."
MIN_PASSWORD, MAX_PASSWORD = 10, 200
# The most used passwords (French and international lists), compared without case and without the
# digits and signs around them: "Motdepasse2024!" is "motdepasse".
COMMON_PASSWORDS = frozenset(
    """password motdepasse azerty azertyuiop qwerty qwertyuiop soleil bonjour doudou loulou chouchou marseille
    jetaime jesuis coucou nicolas camille football princesse iloveyou admin administrateur administrator
    welcome bienvenue secret changeme letmein monkey dragon sunshine master fabrique animateur animatrice
    utilisateur user login mairie paris france""".split()
)
# Runs of keys or characters in a row ("abcdefghij", "0987654321", "azertyuiop…").
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "azertyuiopqsdfghjklmwxcvbn", "qwertyuiopasdfghjklzxcvbnm")


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email, password) -> User:
    """The active user with this e-mail and password. An unknown e-mail costs the same hash check as a
    known one, so timing tells no account apart. Raises Invalid, Unauthorized."""
    if not isinstance(email, str) or not isinstance(password, str):
        raise Invalid("« email » et « password » sont obligatoires.")
    v.clean_chars(email, "email")  # the login form is no JSON body: check here what the API's edge checks
    user = db.session.execute(select(User).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        raise Unauthorized(WRONG_LOGIN)
    if not user.check_password(password):
        raise Unauthorized(WRONG_LOGIN)
    if not user.is_active:
        raise Unauthorized("Ce compte d'animateur a été désactivé.")
    return user


def _core(text: str) -> str:
    """The word of a password without case and without the digits and signs around it."""
    return text.lower().strip("0123456789!?.,;:-_*#@$&+=/ ")


def _trivial(text: str) -> bool:
    """Two different characters at most, or a run of a keyboard row or of the alphabet or digits."""
    return len(set(text)) <= 2 or any(text in seq * 3 or text in (seq * 3)[::-1] for seq in SEQUENCES)


def password_problem(password, email: str = "", name: str = "") -> str | None:
    """Why this password is too weak (French, for the user), or None."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        return f"Le mot de passe doit faire au moins {MIN_PASSWORD} caractères."
    if len(password) > MAX_PASSWORD:
        return f"Le mot de passe doit faire au plus {MAX_PASSWORD} caractères."
    core = _core(password)
    if _trivial(password.lower()) or _trivial(core):
        return "Ce mot de passe est trop simple : pas de caractères répétés ou qui se suivent, ni de chiffres seuls."
    if core in COMMON_PASSWORDS:
        return "Ce mot de passe est parmi les plus courants : choisissez-en un moins prévisible."
    personal = {_core(email), _core(email.split("@")[0]), _core(name)} - {""}
    if core in personal:
        return "Le mot de passe ne doit pas reprendre l'adresse e-mail ou le nom."
    return None


def create_facilitator(email: str, name: str, password: str, admin: bool = False) -> tuple[User, bool]:
    """Create a facilitator, or reset the name and password of an existing one; (user, created). Raises Invalid."""
    email = v.text(email, "email", max_len=254).lower()
    if "@" not in email:
        raise Invalid("Adresse e-mail invalide.", field="email")
    name = v.text(name, "name", max_len=80)
    problem = password_problem(password, email, name)
    if problem:
        raise Invalid(problem, field="password")
    with transaction():
        user = db.session.execute(select(User).filter_by(email=email)).scalar_one_or_none()
        created = user is None
        if created:
            user = User(email=email, name=name, is_admin=admin)
            db.session.add(user)
        user.name = name
        # A new password revokes every token and session (User.credential_stamp); the same one keeps them.
        if created or not user.check_password(password):
            user.set_password(password)
    return user, created


def set_facilitator_active(email: str, active: bool) -> User:
    """Deactivate (or reactivate) an account: a deactivated one can no longer log in, and every token and
    session it was given stops working at once. Raises NotFound."""
    with transaction():
        user = db.session.execute(select(User).filter_by(email=str(email).strip().lower())).scalar_one_or_none()
        if user is None:
            raise NotFound("Aucun compte d'animateur ne correspond à cette adresse.")
        if user.active and not active:
            user.credentials_version += 1  # reactivating must not bring the old tokens back
        user.active = active
    return user

"""Facilitator accounts: creation (CLI, demo) and password login (the login page and the API token endpoint)."""

from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.errors import Invalid, Unauthorized
from app.services.core.unit_of_work import transaction
from models import User, db


def authenticate(email, password) -> User:
    """The user with this e-mail and password. Raises Invalid, Unauthorized."""
    if not isinstance(email, str) or not isinstance(password, str):
        raise Invalid("« email » et « password » sont obligatoires.")
    user = db.session.execute(select(User).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if user is None or not user.check_password(password):
        raise Unauthorized("Adresse ou mot de passe incorrect.")
    return user


def create_facilitator(email: str, name: str, password: str, admin: bool = False) -> tuple[User, bool]:
    """Create a facilitator, or reset the name and password of an existing one; (user, created). Raises Invalid."""
    email = v.text(email, "email", max_len=254).lower()
    if "@" not in email:
        raise Invalid("Adresse e-mail invalide.", field="email")
    name = v.text(name, "name", max_len=80)
    if len(password) < 8:
        raise Invalid("Le mot de passe doit faire au moins 8 caractères.", field="password")
    with transaction():
        user = db.session.execute(select(User).filter_by(email=email)).scalar_one_or_none()
        created = user is None
        if created:
            user = User(email=email, name=name, is_admin=admin)
            db.session.add(user)
        user.name = name
        user.set_password(password)
    return user, created

"""Facilitator accounts: creation (CLI, demo), password login (the login page and the API token endpoint),
and what admins do (issue 19): invite by a single-use link that expires, reset a password by a new link,
deactivate or reactivate an account.
"""

import functools
import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.services.core import validation as v
from app.services.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from app.services.core.unit_of_work import transaction
from models import Invitation, UsedNonce, User, db, utcnow

WRONG_LOGIN = lazy_gettext("Adresse ou mot de passe incorrect.")
MIN_PASSWORD, MAX_PASSWORD = 12, 200
INVITE_DAYS, RESET_HOURS = 7, 48
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
        raise Invalid(_("« email » et « password » sont obligatoires."))
    v.clean_chars(email, "email")  # the login form is no JSON body: check here what the API's edge checks
    user = db.session.execute(select(User).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        raise Unauthorized(WRONG_LOGIN)
    if not user.check_password(password):
        raise Unauthorized(WRONG_LOGIN)
    if not user.is_active:
        raise Unauthorized(_("Ce compte d'animateur a été désactivé."))
    return user


def _core(text: str) -> str:
    """The word of a password without case and without the digits and signs around it."""
    return text.lower().strip("0123456789!?.,;:-_*#@$&+=/ ")


def _trivial(text: str) -> bool:
    """Two different characters at most, or a run of a keyboard row or of the alphabet or digits."""
    return len(set(text)) <= 2 or any(text in seq * 3 or text in (seq * 3)[::-1] for seq in SEQUENCES)


def password_problem(password, email: str = "", name: str = "") -> str | None:
    """Why this password is too weak (in the user's language), or None."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        return _("Le mot de passe doit faire au moins %(min)s caractères.", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("Le mot de passe doit faire au plus %(max)s caractères.", max=MAX_PASSWORD)
    core = _core(password)
    if _trivial(password.lower()) or _trivial(core):
        return _("Ce mot de passe est trop simple : pas de caractères répétés ou qui se suivent, ni de chiffres seuls.")
    if core in COMMON_PASSWORDS:
        return _("Ce mot de passe est parmi les plus courants : choisissez-en un moins prévisible.")
    personal = {_core(email), _core(email.split("@")[0]), _core(name)} - {""}
    if core in personal:
        return _("Le mot de passe ne doit pas reprendre l'adresse e-mail ou le nom.")
    return None


def create_facilitator(email: str, name: str, password: str, admin: bool = False) -> tuple[User, bool]:
    """Create a facilitator, or reset the name and password of an existing one; (user, created). Raises Invalid."""
    email = v.text(email, "email", max_len=254).lower()
    if "@" not in email:
        raise Invalid(_("Adresse e-mail invalide."), field="email")
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
        user.is_admin = bool(user.is_admin or admin)
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
            raise NotFound(_("Aucun compte d'animateur ne correspond à cette adresse."))
        if user.active and not active:
            user.credentials_version += 1  # reactivating must not bring the old tokens back
        user.active = active
    return user


def _email(value) -> str:
    email = v.text(value, "email", max_len=254).lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise Invalid(_("Adresse e-mail invalide."), field="email")
    return email


def user_by_email(email) -> User | None:
    return db.session.execute(select(User).filter_by(email=str(email).strip().lower())).scalar_one_or_none()


def require_admin(user: User | None, what: str) -> User:
    """Raises Unauthorized (no account), Forbidden (not an active admin)."""
    if user is None:
        raise Unauthorized(_("Connexion d'administrateur requise."))
    if not (user.is_active and user.is_admin):
        raise Forbidden(_("Seuls les administrateurs peuvent %(what)s.", what=what))
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_link(admin: User | None, purpose: str, email: str, name: str, is_admin: bool, lifetime) -> str:
    """A new single-use link; the previous unused ones for this address and purpose stop working."""
    token = secrets.token_urlsafe(32)
    for old in db.session.execute(select(Invitation).filter_by(email=email, purpose=purpose, used_at=None)).scalars():
        old.used_at = utcnow()
    db.session.add(
        Invitation(
            token_hash=_token_hash(token),
            purpose=purpose,
            email=email,
            name=name,
            is_admin=is_admin,
            created_by_id=admin.id if admin else None,
            expires_at=utcnow() + lifetime,
        )
    )
    return token


def invite_facilitator(admin: User | None, email, name="", is_admin=False) -> tuple[str, Invitation]:
    """An invitation link's token for a new facilitator (valid INVITE_DAYS, once). Raises Unauthorized,
    Forbidden, Invalid, Conflict."""
    require_admin(admin, _("inviter des animateurs"))
    email = _email(email)
    name = v.text(name, "name", min_len=0, max_len=80, required=False)
    admin_flag = v.boolean(is_admin, "admin")
    if user_by_email(email) is not None:
        raise Conflict(_("Un compte existe déjà pour cette adresse : envoyez-lui plutôt un lien de réinitialisation."))
    with transaction():
        token = _new_link(admin, "invite", email, name, admin_flag, timedelta(days=INVITE_DAYS))
    return token, invitation_for(token)


def password_reset_link(admin: User | None, user_id) -> tuple[str, Invitation]:
    """A link that lets the account's owner choose a new password (valid RESET_HOURS, once); the old password
    keeps working until then. Raises Unauthorized, Forbidden, NotFound."""
    require_admin(admin, _("réinitialiser un mot de passe"))
    user = db.session.get(User, user_id) if v.is_id(user_id) else None
    if user is None:
        raise NotFound(_("Compte inconnu."))
    with transaction():
        token = _new_link(admin, "reset", user.email, user.name, False, timedelta(hours=RESET_HOURS))
    return token, invitation_for(token)


def invitation_for(token) -> Invitation:
    """The usable link behind this token. Raises NotFound, Invalid (used, expired)."""
    row = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        row = db.session.execute(select(Invitation).filter_by(token_hash=_token_hash(token))).scalar_one_or_none()
    if row is None:
        raise NotFound(_("Ce lien d'invitation est inconnu : vérifiez l'adresse ou demandez-en un nouveau."))
    if row.used_at is not None:
        raise Invalid(
            _("Ce lien a déjà servi (ou un plus récent l'a remplacé) : demandez-en un nouveau à un administrateur.")
        )
    if row.expires_at <= utcnow():
        raise Invalid(_("Ce lien a expiré : demandez-en un nouveau à un administrateur."))
    return row


def accept_invitation(token, password, name=None) -> User:
    """Use a link: an invitation creates the account with this password, a reset sets the new one (every
    token and session of the old one stops). Raises NotFound, Invalid, Conflict."""
    invitation = invitation_for(token)
    display = v.text(name if name not in (None, "") else invitation.name, "name", max_len=80)
    problem = password_problem(password, invitation.email, display)
    if problem:
        raise Invalid(problem, field="password")
    with transaction():
        user = _claim(invitation, display)
        user.set_password(password)
    return user


def _claim(invitation: Invitation, name: str) -> User:
    """Mark the link used and return its account (created for an invitation). Raises Conflict, NotFound."""
    user = user_by_email(invitation.email)
    if invitation.purpose == "invite":
        if user is not None:
            raise Conflict(_("Un compte existe déjà pour cette adresse : connectez-vous."))
        user = User(email=invitation.email, name=name, is_admin=invitation.is_admin, password_hash="!", active=True)
        db.session.add(user)
    elif user is None or not user.is_active:
        raise NotFound(_("Ce compte n'existe plus ou a été désactivé."))
    invitation.used_at = utcnow()
    return user


def deactivate_account(admin: User | None, user_id, active: bool = False) -> User:
    """An admin deactivates (or reactivates) an account: see set_facilitator_active. Raises Unauthorized,
    Forbidden, NotFound."""
    require_admin(admin, _("désactiver un compte"))
    user = db.session.get(User, user_id) if v.is_id(user_id) else None
    if user is None:
        raise NotFound(_("Compte inconnu."))
    if user.id == admin.id and not active:
        raise Forbidden(_("Vous ne pouvez pas désactiver votre propre compte."))
    return set_facilitator_active(user.email, active)


def list_accounts(admin: User | None) -> list[User]:
    require_admin(admin, _("voir les comptes"))
    return list(db.session.execute(select(User).order_by(User.name, User.id)).scalars())


def pending_invitations(admin: User | None) -> list[Invitation]:
    require_admin(admin, _("voir les invitations"))
    stmt = select(Invitation).where(Invitation.used_at.is_(None), Invitation.expires_at > utcnow())
    return list(db.session.execute(stmt.order_by(Invitation.created_at.desc())).scalars())


def account_dict(user: User) -> dict:
    return {**user.to_dict(), "admin": bool(user.is_admin), "active": bool(user.active)}


def invite_link_cli(email, name="", is_admin=False) -> str:
    """The CLI's invitation (whoever runs it owns the server): the link's path. Raises Invalid, Conflict."""
    email = _email(email)
    if user_by_email(email) is not None:
        raise Conflict(_("Un compte existe déjà pour cette adresse."))
    with transaction():
        token = _new_link(None, "invite", email, str(name or "")[:80], bool(is_admin), timedelta(days=INVITE_DAYS))
    return f"/invitation/{token}"


NOT_VERIFIED = lazy_gettext(
    "Votre fournisseur d'identité n'a pas vérifié votre adresse e-mail : Fabrique ne peut pas vous reconnaître. "
    "Faites-la vérifier auprès de lui, puis reconnectez-vous."
)
REPLAYED = lazy_gettext("Cette réponse d'identification a déjà servi (nonce rejoué) : recommencez la connexion.")


def oidc_account(claims: dict, nonce: str) -> User:
    """The account behind verified OpenID Connect claims: by its `sub` once linked, else by its verified e-mail,
    else created from a pending invitation for that e-mail; never otherwise. Each ID token's nonce serves once.
    Raises Unauthorized."""
    sub, email = claims.get("sub"), claims.get("email")
    if not isinstance(sub, str) or not sub or not isinstance(email, str) or "@" not in email:
        raise Unauthorized(_("Le fournisseur d'identité n'a transmis ni identifiant ni adresse e-mail."))
    if claims.get("email_verified") is not True:
        raise Unauthorized(NOT_VERIFIED)
    with transaction():
        _spend_nonce(nonce)
        user = db.session.execute(select(User).filter_by(oidc_subject=sub)).scalar_one_or_none()
        user = user or user_by_email(email) or _invited(email.strip().lower(), _display_name(claims))
        if not user.is_active:
            raise Unauthorized(_("Ce compte d'animateur a été désactivé."))
        if user.oidc_subject not in (None, sub):
            raise Unauthorized(_("Ce compte est déjà lié à une autre identité de votre fournisseur d'identité."))
        user.oidc_subject = sub
    return user


def _spend_nonce(nonce: str) -> None:
    digest = _token_hash(str(nonce))
    if db.session.get(UsedNonce, digest) is not None:
        raise Unauthorized(REPLAYED)
    db.session.add(UsedNonce(nonce_hash=digest))
    db.session.flush()


def _display_name(claims: dict) -> str:
    parts = [claims.get("given_name"), claims.get("usual_name") or claims.get("family_name")]
    name = " ".join(p for p in parts if isinstance(p, str) and p.strip()) or claims.get("name") or ""
    return str(name).strip()[:80]


def _invited(email: str, name: str) -> User:
    """A new account from the pending invitation for `email`. Raises Unauthorized when there is none."""
    stmt = select(Invitation).where(
        Invitation.email == email,
        Invitation.purpose == "invite",
        Invitation.used_at.is_(None),
        Invitation.expires_at > utcnow(),
    )
    invitation = db.session.execute(stmt).scalars().first()
    if invitation is None:
        raise Unauthorized(
            _("Aucun compte d'animateur pour %(email)s : demandez une invitation à un administrateur de Fabrique.", email=email)
        )
    user = _claim(invitation, name or invitation.name or email.split("@")[0])
    user.set_password(secrets.token_urlsafe(32))  # none to know: this account signs in through its provider
    return user

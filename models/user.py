import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import db, utcnow


class User(UserMixin, db.Model):
    """A facilitator or administrator; participants never have accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # A deactivated account can neither log in nor use a token or session it was given; deactivating
    # also bumps the version, so a reactivated account does not bring its old tokens back.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    credentials_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The OpenID Connect issuer's `sub` once the account has signed in that way (docs/deployment.md).
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def credential_stamp(self) -> str:
        """Changes with the password and the version: signed into tokens and sessions, so a new password
        or a deactivation revokes them all."""
        return hashlib.sha256(f"{self.password_hash}:{self.credentials_version or 0}".encode()).hexdigest()[:16]

    def get_id(self) -> str:
        """The login session's user id (Flask-Login), with the stamp: see app/auth load_user."""
        return f"{self.id}.{self.credential_stamp()}"

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "email": self.email}


class Invitation(db.Model):
    """A single-use link that lets its holder set a password: an admin's invitation (`invite`, which creates the
    account when used) or a password reset (`reset`). Only the token's hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10), default="invite")
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(80), default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    created_by = relationship("User", foreign_keys=[created_by_id])


class UsedNonce(db.Model):
    """The nonce of every ID token already accepted (its hash): an ID token carrying one again is a replay."""

    __tablename__ = "oidc_nonces"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(default=utcnow)

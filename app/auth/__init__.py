"""Facilitator login and logout."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.extensions import login_manager
from app.identity import login_limited, still_valid
from app.services.core.accounts import MIN_PASSWORD, accept_invitation, invitation_for
from app.services.core.errors import ServiceError
from app.services.core.facilitators import add_facilitator, remove_facilitator
from app.services.core.guards import leads
from app.services.workshop.workshops import get_workshop
from models import Roadmap, User, db

bp = Blueprint("auth", __name__)


def oidc_enabled() -> bool:
    """OpenID Connect sign-in is offered when OIDC_ISSUER and OIDC_CLIENT_ID are set (docs/deployment.md)."""
    return bool(current_app.config.get("OIDC_ISSUER") and current_app.config.get("OIDC_CLIENT_ID"))


@login_manager.user_loader
def load_user(session_id: str):
    """The session's user while its password and account stand (User.get_id): a new password or a
    deactivation ends every session at once."""
    user_id, _dot, stamp = session_id.partition(".")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
    return user if still_valid(user, stamp) else None


class LoginForm(FlaskForm):
    email = EmailField(lazy_gettext("Adresse e-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(lazy_gettext("Mot de passe"), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = login_limited(form.email.data, form.password.data)
        except ServiceError as exc:
            flash(exc.message, "error")
            return render_template("auth/login.html", form=form, oidc=oidc_enabled()), exc.status
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    status = 200 if request.method == "GET" or form.errors == {} else 400
    return render_template("auth/login.html", form=form, oidc=oidc_enabled()), status


class InvitationForm(FlaskForm):
    name = StringField(lazy_gettext("Nom affiché"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(
        lazy_gettext("Mot de passe (au moins %(num)d caractères)", num=MIN_PASSWORD),
        validators=[DataRequired(), Length(max=200)],
    )
    confirm = PasswordField(
        lazy_gettext("Confirmez le mot de passe"),
        validators=[DataRequired(), EqualTo("password", lazy_gettext("Les deux mots de passe diffèrent."))],
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token):
    """An invitation or reset link: the invitee chooses a password (or signs in with OpenID Connect)."""
    try:
        link = invitation_for(token)
    except ServiceError as exc:
        return render_template("auth/invitation.html", refused=exc.message, form=None), exc.status
    form = InvitationForm(name=link.name or None)
    if form.validate_on_submit():
        try:
            user = accept_invitation(token, form.password.data, form.name.data)
        except ServiceError as exc:
            flash(exc.message, "error")
            return render_template("auth/invitation.html", form=form, link=link), exc.status
        login_user(user)
        flash(_("Mot de passe enregistré : vous êtes connecté."), "success")
        return redirect(url_for("main.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/invitation.html", form=form, link=link, oidc=oidc_enabled()), status


def _team(kind: str, key: str):
    """The workshop or roadmap and where its page is. Aborts 404 for an unknown kind or key."""
    if kind == "workshop":
        try:
            workshop = get_workshop(key)
        except ServiceError:
            abort(404)
        return workshop, url_for("main.workshop_page", code=workshop.code)
    if kind == "roadmap" and key.isdigit():
        roadmap = db.session.get(Roadmap, int(key))
        if roadmap is not None:
            return roadmap, url_for("roadmaps.manage", roadmap_id=roadmap.id)
    abort(404)


@bp.post("/team/<kind>/<key>/add")
@login_required
def team_add(kind, key):
    thing, back = _team(kind, key)
    try:
        colleague = add_facilitator(current_user, thing, request.form.get("email", ""))
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(back) if exc.code != "forbidden" else abort(403)
    flash(_("%(name)s co-anime désormais avec vous.", name=colleague.name), "success")
    return redirect(back)


@bp.post("/team/<kind>/<key>/remove/<int:user_id>")
@login_required
def team_remove(kind, key, user_id):
    thing, back = _team(kind, key)
    try:
        remove_facilitator(current_user, thing, user_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(back) if exc.code != "forbidden" else abort(403)
    flash(_("Co-animateur retiré."), "success")
    return redirect(back if leads(current_user, thing) else url_for("main.dashboard"))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("main.home"))


from app.auth import oidc  # noqa: E402, F401  (its routes)

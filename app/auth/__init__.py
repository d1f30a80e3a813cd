"""Facilitator login and logout."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.extensions import login_manager
from app.identity import login_limited, still_valid
from app.services.core.errors import ServiceError
from models import User, db

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    """The session's user while its password and account stand (User.get_id): a new password or a
    deactivation ends every session at once."""
    user_id, _, stamp = session_id.partition(".")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
    return user if still_valid(user, stamp) else None


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired(), Length(max=200)])


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
            return render_template("auth/login.html", form=form), exc.status
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" or form.errors == {} else 400


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("main.home"))

"""Administration pages (admins only): accounts, invitations and territories. Thin: each route calls one service."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.services.core import accounts, territories
from app.services.core.errors import ServiceError
from models.territory import KIND_LABELS

bp = Blueprint("admin", __name__, url_prefix="/admin")


class InviteForm(FlaskForm):
    email = EmailField(lazy_gettext("Adresse e-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(lazy_gettext("Nom (facultatif)"), validators=[Length(max=80)])
    admin = BooleanField(lazy_gettext("Administrateur"))


class TerritoryForm(FlaskForm):
    name = StringField(lazy_gettext("Nom"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(lazy_gettext("Type"), choices=list(KIND_LABELS.items()), default="ept")
    parent = SelectField(lazy_gettext("Rattaché à"), choices=[])
    cities = TextAreaField(
        lazy_gettext("Communes (une par ligne ou séparées par des virgules)"), validators=[Length(max=20000)]
    )


class ImportForm(FlaskForm):
    file = FileField(lazy_gettext("Fichier CSV des communes"), validators=[FileRequired()])


class ButtonForm(FlaskForm):
    """A button that needs only the CSRF token."""


@bp.before_request
@login_required
def admins_only():
    if not (current_user.is_admin and current_user.is_active):
        abort(403)


def _territory_form() -> TerritoryForm:
    form = TerritoryForm(prefix="territory")  # prefixes: one page, several forms, unique field ids
    form.parent.choices = territories.territory_choices(communes=False, blank=True)
    return form


@bp.get("/")
def index():
    return render_template(
        "admin/index.html",
        users=accounts.list_accounts(current_user),
        invitations=accounts.pending_invitations(current_user),
        territories=territories.list_territories(),
        kinds=KIND_LABELS,
        invite_form=InviteForm(prefix="invite"),
        territory_form=_territory_form(),
        import_form=ImportForm(prefix="communes"),
        button=ButtonForm(),
    )


def _done(message: str, anchor: str):
    flash(message, "success")
    return redirect(url_for("admin.index", _anchor=anchor))


def _refused(exc: ServiceError, anchor: str):
    flash(exc.message, "error")
    return redirect(url_for("admin.index", _anchor=anchor))


@bp.post("/invite")
def invite():
    form = InviteForm(prefix="invite")
    if not form.validate_on_submit():
        flash(_("Indiquez une adresse e-mail valide."), "error")
        return redirect(url_for("admin.index", _anchor="accounts"))
    try:
        token, link = accounts.invite_facilitator(current_user, form.email.data, form.name.data, form.admin.data)
    except ServiceError as exc:
        return _refused(exc, "accounts")
    url = url_for("auth.invitation", token=token, _external=True)
    return _done(
        _(
            "Invitation créée pour %(email)s. Transmettez-lui ce lien (valable 7 jours, une fois) : %(url)s",
            email=link.email,
            url=url,
        ),
        "accounts",
    )


@bp.post("/users/<int:user_id>/reset")
def reset(user_id):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        token, link = accounts.password_reset_link(current_user, user_id)
    except ServiceError as exc:
        return _refused(exc, "accounts")
    url = url_for("auth.invitation", token=token, _external=True)
    return _done(
        _("Lien de réinitialisation pour %(email)s (valable 48 h, une fois) : %(url)s", email=link.email, url=url),
        "accounts",
    )


@bp.post("/users/<int:user_id>/active/<int:value>")
def set_active(user_id, value):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        user = accounts.deactivate_account(current_user, user_id, active=bool(value))
    except ServiceError as exc:
        return _refused(exc, "accounts")
    if value:
        return _done(_("Compte réactivé : %(email)s.", email=user.email), "accounts")
    return _done(_("Compte désactivé : %(email)s.", email=user.email), "accounts")


@bp.post("/territories")
def create_territory():
    form = _territory_form()
    if not form.validate_on_submit():
        flash(_("Indiquez au moins le nom du territoire."), "error")
        return redirect(url_for("admin.index", _anchor="territories"))
    data = {"name": form.name.data, "kind": form.kind.data, "cities": form.cities.data or ""}
    if form.parent.data:
        data["parent"] = int(form.parent.data)
    try:
        territory = territories.create_territory(current_user, data)
    except ServiceError as exc:
        return _refused(exc, "territories")
    created = ngettext(
        "Territoire « %(name)s » créé (%(num)d commune).",
        "Territoire « %(name)s » créé (%(num)d communes).",
        len(territory.cities),
        name=territory.name,
    )
    return _done(created, "territories")


@bp.post("/territories/import")
def import_communes():
    form = ImportForm(prefix="communes")
    if not form.validate_on_submit():
        flash(_("Choisissez un fichier CSV."), "error")
        return redirect(url_for("admin.index", _anchor="territories"))
    try:
        result = territories.import_communes(form.file.data.read())
    except ServiceError as exc:
        return _refused(exc, "territories")
    created = ngettext("%(num)d commune créée", "%(num)d communes créées", result["created"])
    updated = ngettext("%(num)d mise à jour", "%(num)d mises à jour", result["updated"])
    return _done(_("Import réussi : %(created)s, %(updated)s.", created=created, updated=updated), "territories")

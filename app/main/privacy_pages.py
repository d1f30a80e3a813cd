"""/w/CODE/my-data: a participant's rights from their own device; a facilitator acting on request."""

import json

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import DataRequired

from app.http import attachment
from app.main import bp
from app.main.access import page_actor
from app.services.core.errors import ServiceError
from app.services.privacy import rights as privacy
from app.services.privacy.retention import retention_ends
from models import Participant, db


class ConfirmForm(FlaskForm):
    confirm = BooleanField(
        lazy_gettext("Je confirme"), validators=[DataRequired(lazy_gettext("Cochez la case pour confirmer."))]
    )


class RequestForm(FlaskForm):
    participant = SelectField(lazy_gettext("Participant"), coerce=int, validators=[DataRequired()])
    action = RadioField(
        lazy_gettext("Demande"),
        choices=[
            ("export", lazy_gettext("Lui remettre ses données (fichier JSON)")),
            ("anonymise", lazy_gettext("Effacer son nom de toutes ses contributions")),
            ("delete", lazy_gettext("Supprimer ses contributions (idées, votes, main levée) et son nom")),
        ],
        default="export",
    )
    confirm = BooleanField(lazy_gettext("Je confirme cette demande du participant"))


@bp.get("/w/<code>/my-data")
def my_data(code):
    actor = page_actor(code)
    workshop = actor.workshop
    context = {"workshop": workshop, "retention_ends": retention_ends(workshop), "actor": actor}
    if actor.participant is not None:
        forms = {what: ConfirmForm(prefix=what) for what in ("anonymise", "delete")}
        context.update(data=privacy.export_participant(actor), forms=forms)
    else:
        context.update(request_form=_request_form(workshop))
    return render_template("main/my_data.html", **context)


def _request_form(workshop) -> RequestForm:
    form = RequestForm()
    rows = db.session.execute(select(Participant).filter_by(workshop_id=workshop.id).order_by(Participant.id))
    form.participant.choices = [(p.id, _("%(name)s (n° %(id)s)", name=p.name, id=p.id)) for p in rows.scalars()]
    return form


@bp.post("/w/<code>/my-data/<any(anonymise, delete):what>")
def my_data_act(code, what):
    actor = page_actor(code)
    form = ConfirmForm(prefix=what)
    if not form.validate_on_submit():
        flash(_("Cochez la case de confirmation : rien n'a été modifié."), "error")
    else:
        _apply(actor, what, None)
    return redirect(url_for("main.my_data", code=actor.workshop.code))


@bp.post("/w/<code>/my-data/request")
def my_data_request(code):
    actor = page_actor(code)
    if not actor.is_facilitator:
        return redirect(url_for("main.join_code", code=actor.workshop.code))
    form = _request_form(actor.workshop)
    if not form.validate_on_submit():
        flash(_("Choisissez un participant et une demande."), "error")
    elif form.action.data == "export":
        return _export_response(actor, form.participant.data)
    elif not form.confirm.data:
        flash(_("Cochez la case de confirmation : rien n'a été modifié."), "error")
    else:
        _apply(actor, form.action.data, form.participant.data)
    return redirect(url_for("main.my_data", code=actor.workshop.code))


def _apply(actor, what: str, participant_id) -> None:
    try:
        if what == "anonymise":
            result = privacy.anonymise_participant(actor, participant_id)
            ideas = result["ideas"]
            flash(
                ngettext(
                    "Nom effacé de %(num)d idée et de l'historique de l'atelier.",
                    "Nom effacé de %(num)d idées et de l'historique de l'atelier.",
                    ideas,
                ),
                "success",
            )
        else:
            result = privacy.delete_contributions(actor, participant_id)
            ideas = ngettext("%(num)d idée", "%(num)d idées", result["ideas"])
            votes = ngettext("%(num)d vote", "%(num)d votes", result["votes"])
            flash(_("%(ideas)s et %(votes)s supprimés ; nom effacé.", ideas=ideas, votes=votes), "success")
    except ServiceError as exc:
        flash(exc.message, "error")


def _export_response(actor, participant_id: int):
    try:
        data = privacy.export_participant(actor, participant_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("main.my_data", code=actor.workshop.code))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return attachment(body, "json", f"donnees-{actor.workshop.code}-{participant_id}.json", no_store=True)

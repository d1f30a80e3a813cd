"""/w/CODE/my-data: a participant's rights from their own device; a facilitator acting on request."""

import json

from flask import flash, redirect, render_template, url_for
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
    confirm = BooleanField("Je confirme", validators=[DataRequired("Cochez la case pour confirmer.")])


class RequestForm(FlaskForm):
    participant = SelectField("Participant", coerce=int, validators=[DataRequired()])
    action = RadioField(
        "Demande",
        choices=[
            ("export", "Lui remettre ses données (fichier JSON)"),
            ("anonymise", "Effacer son nom de toutes ses contributions"),
            ("delete", "Supprimer ses contributions (idées, votes, main levée) et son nom"),
        ],
        default="export",
    )
    confirm = BooleanField("Je confirme cette demande du participant")


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
    form.participant.choices = [(p.id, f"{p.name} (n° {p.id})") for p in rows.scalars()]
    return form


@bp.post("/w/<code>/my-data/<any(anonymise, delete):what>")
def my_data_act(code, what):
    actor = page_actor(code)
    form = ConfirmForm(prefix=what)
    if not form.validate_on_submit():
        flash("Cochez la case de confirmation : rien n'a été modifié.", "error")
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
        flash("Choisissez un participant et une demande.", "error")
    elif form.action.data == "export":
        return _export_response(actor, form.participant.data)
    elif not form.confirm.data:
        flash("Cochez la case de confirmation : rien n'a été modifié.", "error")
    else:
        _apply(actor, form.action.data, form.participant.data)
    return redirect(url_for("main.my_data", code=actor.workshop.code))


def _apply(actor, what: str, participant_id) -> None:
    try:
        if what == "anonymise":
            result = privacy.anonymise_participant(actor, participant_id)
            flash(f"Nom effacé de {result['ideas']} idée(s) et de l'historique de l'atelier.", "success")
        else:
            result = privacy.delete_contributions(actor, participant_id)
            flash(f"{result['ideas']} idée(s) et {result['votes']} vote(s) supprimés ; nom effacé.", "success")
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

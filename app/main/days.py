"""The day's pages (issue 21): its join page (one code, one QR: the name once, then the atelier) and, for its
facilitators, the overview of every atelier. Thin: parse, identify, call one service."""


from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.i18n import choose
from app.identity import remember_guest
from app.lib.themes import theme_choices
from app.main import bp
from app.main.present import join_qr_svg
from app.services.core.errors import ServiceError
from app.services.core.guards import leads
from app.services.days import days as service
from app.services.days import processes, restitution
from app.services.days.membership import plenary_of
from app.services.workshop.workshops import create_workshop


def _day_token(code: str) -> str | None:
    return (session.get("days") or {}).get(code)


def _remember_day(code: str, token: str) -> None:
    days = dict(session.get("days") or {})
    days[code] = token
    session["days"] = days


@bp.route("/d/<code>", methods=["GET", "POST"])
def day_page(code):
    try:
        day = service.day_by_code(code)
    except ServiceError:
        abort(404)
    token = _day_token(day.code)
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        data = {k: request.form.get(k) for k in ("name", "organisation", "attendance", "workshop")}
        try:
            _participant, token, workshop = service.join_day(day.code, data)
        except ServiceError as exc:
            flash(exc.message, "error")
            return render_template("main/day.html", day=service.public_day(day), form=form, me=None), exc.status
        _remember_day(day.code, token)
        remember_guest(workshop.code, token)
        if lang := choose(request.form.get("lang")):  # the board that follows speaks the language chosen here
            session["lang"] = lang
        return redirect(url_for("main.board_page", code=workshop.code))
    me = None
    if token:
        try:
            me = service.my_day(day.code, token)["me"]
        except ServiceError:
            me = None
    return render_template("main/day.html", day=service.public_day(day), form=form, me=me)


@bp.post("/d/<code>/plenary")
def day_plenary(code):
    """Move to the plenary with the day token kept in the session: no new join."""
    form = FlaskForm()
    token = _day_token(service.normalize_code(code))
    if not form.validate_on_submit() or not token:
        return redirect(url_for("main.day_page", code=code))
    try:
        _participant, workshop = service.move(code, token, {"workshop": "plenary"})
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("main.day_page", code=code))
    remember_guest(workshop.code, token)
    return redirect(url_for("main.board_page", code=workshop.code))


@bp.get("/days/<int:day_id>")
@login_required
def day_overview_page(day_id):
    try:
        overview = service.day_overview(current_user, day_id)
    except ServiceError as exc:
        abort(exc.status)
    join_url = url_for("main.day_page", code=overview["code"], _external=True)
    form = DayWorkshopForm()
    return render_template(
        "main/day_overview.html", day=overview, join_url=join_url, qr=join_qr_svg(join_url), form=form
    )


@bp.get("/processes/<int:process_id>")
@login_required
def process_page(process_id):
    try:
        view = processes.process_view(current_user, process_id)
    except ServiceError as exc:
        abort(exc.status)
    return render_template("main/process.html", process=view)


@bp.get("/days/<int:day_id>/plenary")
@login_required
def restitution_page(day_id):
    """The ateliers' cards side by side, for the plenary's screen, redrawn as cards arrive."""
    try:
        day, cards = restitution.restitution(day_id)
        restitution.require_reader(current_user, day)
    except ServiceError as exc:
        abort(exc.status)
    # Whoever leads the plenary gets the cards pushed by its socket (and a link to its live projector); a day's
    # facilitator who does not lead the plenary cannot join its socket: that page asks every 4 s.
    plenary = plenary_of(day)
    socket_code = plenary.code if plenary and leads(current_user, plenary) else None
    live_url = url_for("main.present_page", code=socket_code) if socket_code else None
    return render_template(
        "main/day_restitution.html", day=day, cards=cards["ateliers"], live_url=live_url, socket_code=socket_code
    )


class DayForm(FlaskForm):
    title = StringField(lazy_gettext("Titre de la journée"), validators=[DataRequired(), Length(max=200)])
    date = DateField(lazy_gettext("Date"), validators=[DataRequired()])
    location = StringField(lazy_gettext("Lieu"), validators=[Length(max=200)])
    programme = TextAreaField(
        lazy_gettext("Programme (une ligne par temps, par exemple « 9 h 30 — Ateliers »)"),
        validators=[Length(max=4000)],
    )


class DayWorkshopForm(FlaskForm):
    title = StringField(lazy_gettext("Titre"), validators=[DataRequired(), Length(max=200)])
    theme = SelectField(lazy_gettext("Thème"), choices=theme_choices())
    role = SelectField(
        lazy_gettext("Rôle"), choices=[("atelier", lazy_gettext("Atelier")), ("plenary", lazy_gettext("Plénière"))]
    )
    capacity = IntegerField(lazy_gettext("Places (facultatif)"), validators=[Optional(), NumberRange(1, 10000)])


def _programme(text: str) -> list[dict]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    out = []
    for line in lines:
        time, sep, title = line.partition(" — ")
        out.append({"time": time.strip(), "title": title.strip()} if sep and title.strip() else {"title": line})
    return out


@bp.route("/days/new", methods=["GET", "POST"])
@login_required
def new_day():
    form = DayForm()
    if form.validate_on_submit():
        data = {"title": form.title.data, "date": form.date.data.isoformat(), "location": form.location.data or ""}
        try:
            day = service.create_day(current_user, {**data, "programme": _programme(form.programme.data)})
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Journée créée : ajoutez ses ateliers et sa plénière."), "success")
            return redirect(url_for("main.day_overview_page", day_id=day.id))
    return render_template("main/day_form.html", form=form)


@bp.post("/days/<int:day_id>/workshops")
@login_required
def add_day_workshop(day_id):
    form = DayWorkshopForm()
    if form.validate_on_submit():
        data = {"title": form.title.data, "theme": form.theme.data, "day_id": day_id, "role": form.role.data}
        if form.capacity.data:
            data["capacity"] = form.capacity.data
        try:
            workshop = create_workshop(current_user, data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(
                _("« %(title)s » ajouté à la journée (code %(code)s).", title=workshop.title, code=workshop.code),
                "success",
            )
    else:
        flash(_("Vérifiez le titre et les places de l'atelier."), "error")
    return redirect(url_for("main.day_overview_page", day_id=day_id))

"""Server-rendered pages. Each route parses, identifies and calls one service."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.i18n import choose, current
from app.identity import find_workshop, join_limited, remember_guest
from app.lib.themes import THEMES
from app.lib.timezone import local, zone_name_of
from app.main import bp
from app.main.access import facilitated_workshop, page_actor
from app.main.forms import JoinForm, WorkshopForm
from app.services.core.actors import Actor
from app.services.core.errors import ServiceError
from app.services.core.territories import territory_choices
from app.services.days import days as day_service
from app.services.days import processes as process_service
from app.services.workshop import board
from app.services.workshop import workshops as service


@bp.get("/")
def home():
    return render_template("main/home.html", form=JoinForm())


@bp.get("/dashboard")
@login_required
def dashboard():
    days, processes = day_service.days_of(current_user), process_service.processes_of(current_user)  # issue 21
    return render_template(
        "main/dashboard.html", workshops=service.workshops_of(current_user), days=days, processes=processes
    )


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def new_workshop():
    form = WorkshopForm()
    form.territory.choices = territory_choices(blank=True)
    if form.validate_on_submit():
        try:
            workshop = service.create_workshop(current_user, form.to_payload())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Atelier créé. Partagez le code pour que les participants le rejoignent."), "success")
            return redirect(url_for("main.workshop_page", code=workshop.code))
    return render_template("main/workshop_form.html", form=form, themes=THEMES, workshop=None)


@bp.route("/workshops/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_workshop(code):
    workshop = facilitated_workshop(code)
    form = WorkshopForm(obj=workshop)
    form.territory.choices = territory_choices(blank=True)
    if request.method == "GET":
        _fill(form, workshop)
    if form.validate_on_submit():
        try:
            service.update_workshop(Actor(workshop, user=current_user), form.to_payload())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Atelier enregistré."), "success")
            return redirect(url_for("main.workshop_page", code=workshop.code))
    return render_template("main/workshop_form.html", form=form, themes=THEMES, workshop=workshop)


def _fill(form: WorkshopForm, workshop) -> None:
    form.territory.data = str(workshop.territory_id or "")
    form.columns.data = "\n".join(c.title for c in workshop.columns)
    if workshop.starts_at is not None:  # the form shows, and sends back, the workshop's wall clock
        form.starts_at.data = local(workshop.starts_at, zone_name_of(workshop.settings)).replace(tzinfo=None)
    for key, value in workshop.settings.items():
        if hasattr(form, key):
            getattr(form, key).data = value


@bp.get("/workshops/<code>")
@login_required
def workshop_page(code):
    workshop = facilitated_workshop(code)
    join_url = url_for("main.join_code", code=workshop.code, _external=True)
    # The workshop's wall clock, naive: the `moment` filter shows it as it is.
    starts = (
        local(workshop.starts_at, zone_name_of(workshop.settings)).replace(tzinfo=None) if workshop.starts_at else None
    )
    return render_template("main/workshop.html", workshop=workshop, join_url=join_url, starts=starts)


@bp.post("/workshops/<code>/duplicate")
@login_required
def duplicate_workshop(code):
    """« Dupliquer » (issue 14): the same atelier again, with its settings and columns, no ideas."""
    workshop = facilitated_workshop(code)
    title = (request.form.get("title") or "").strip() or None
    try:
        copy = service.duplicate_workshop(Actor(workshop, user=current_user), title)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("main.workshop_page", code=workshop.code))
    flash(_("Atelier dupliqué : nouveau code %(code)s. Les idées n'ont pas été copiées.", code=copy.code), "success")
    return redirect(url_for("main.workshop_page", code=copy.code))


@bp.route("/join", methods=["GET", "POST"])
def join():
    return _join(request.values.get("code", ""))


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_code(code):
    return _join(code)


def _join(code: str):
    """The join page. Its early check of the code (the workshop's title and notice shown before joining)
    tells whether a code exists, so it goes through find_workshop like the join itself: a wrong code is
    a failed attempt, limited per address; a right one is never refused."""
    form = JoinForm()
    if request.method == "GET":
        form.code.data = service.normalize_code(code) if code else ""
    typed = form.code.data or code
    try:
        workshop = find_workshop(typed) if typed else None
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_template("main/join.html", form=form, workshop=None), exc.status
    if workshop is not None and form.validate_on_submit():
        try:
            _participant, token = join_limited(workshop.code, _join_payload(form))
        except ServiceError as exc:
            flash(exc.message, "error")
            return render_template("main/join.html", form=form, workshop=workshop), exc.status
        remember_guest(workshop.code, token)
        session["lang"] = choose(form.lang.data) or current()  # the board that follows speaks the language chosen here
        return redirect(url_for("main.board_page", code=workshop.code))
    return render_template("main/join.html", form=form, workshop=workshop)


def _join_payload(form: JoinForm) -> dict:
    payload = {"name": form.name.data, "organisation": form.organisation.data, "attendance": form.attendance.data}
    # Colleges (issue 17): the join page offers them only when the workshop has some.
    return {**payload, "college": request.form.get("college") or None}


@bp.get("/w/<code>")
def board_page(code):
    actor = page_actor(code)
    snap = board.snapshot(actor)
    return render_template("main/board.html", workshop=actor.workshop, actor=actor, me=snap["me"], snapshot=snap)


@bp.get("/accessibilite")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/donnees-personnelles")
def privacy():
    return render_template("main/privacy.html")

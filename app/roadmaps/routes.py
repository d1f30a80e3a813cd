"""Roadmap pages. Each route parses, identifies and calls the roadmap services."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from flask_login import current_user, login_required

from app.roadmaps import bp
from app.roadmaps.forms import ActionForm, ConfirmForm, ImportForm, RoadmapForm
from app.roadmaps.timeline import svg_timeline
from app.services.core.errors import Forbidden, NotFound, ServiceError
from app.services.core.guards import leads
from app.services.core.territories import territory_choices
from app.services.roadmaps import import_export as roadmap_io
from app.services.roadmaps import operations as service
from app.services.roadmaps import views
from app.services.roadmaps.candidates import link_candidates

VIEWS = {
    "axes": lazy_gettext("Par axe"),
    "cities": lazy_gettext("Par commune"),
    "status": lazy_gettext("Par statut"),
    "timeline": lazy_gettext("Calendrier"),
}


def _user():
    return current_user if current_user.is_authenticated else None


def _roadmap(roadmap_id: int, manage: bool = False):
    """The roadmap as the caller may read it (`manage`: only if they are one of its facilitators)."""
    try:
        roadmap = service.get_roadmap(roadmap_id, _user())
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    if manage and not leads(_user(), roadmap):
        abort(403)
    return roadmap


def _action(roadmap, action_id: int):
    try:
        return service.get_action(roadmap, action_id)
    except NotFound:
        abort(404)


@bp.get("/")
def index():
    form = RoadmapForm() if _user() else None
    if form:
        form.territory.choices = territory_choices(communes=False)
    return render_template("roadmaps/index.html", roadmaps=service.visible_roadmaps(_user()), form=form)


@bp.post("/")
@login_required
def create():
    form = RoadmapForm()
    form.territory.choices = territory_choices(communes=False)
    if form.validate_on_submit():
        try:
            roadmap = service.create_roadmap(current_user, form.to_payload())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Feuille de route créée. Elle reste privée tant que vous ne la publiez pas."), "success")
            return redirect(url_for("roadmaps.manage", roadmap_id=roadmap.id))
    return render_template("roadmaps/index.html", roadmaps=service.visible_roadmaps(current_user), form=form), 400


@bp.get("/<int:roadmap_id>")
def show(roadmap_id):
    roadmap = _roadmap(roadmap_id)
    view = request.args.get("view", "axes")
    if view not in VIEWS:
        view = "axes"
    data = service.roadmap_dict(roadmap, _user())
    sections = {
        "axes": views.by_axis,
        "cities": views.by_city,
        "status": views.by_status,
        "timeline": lambda d: svg_timeline(views.timeline(d)),
    }
    return render_template(
        "roadmaps/show.html",
        roadmap=data,
        view=view,
        views=VIEWS,
        section=sections[view](data),
        totals=views.totals(data),
        dropped=views.dropped(data),
        can_manage=leads(_user(), roadmap),
    )


@bp.get("/<int:roadmap_id>/actions/<int:action_id>")
def action(roadmap_id, action_id):
    roadmap = _roadmap(roadmap_id)
    item = _action(roadmap, action_id)
    manage = {}
    if leads(_user(), roadmap):  # its facilitators link, delete and merge from here
        others = [a for a in roadmap.actions if a.id != item.id]
        manage = {
            "others": others,
            "form": ConfirmForm(),
            "candidates": link_candidates(_user(), item, request.args.get("link")),
        }
    return render_template(
        "roadmaps/action.html",
        roadmap=service.roadmap_summary(roadmap),
        trace=views.trace(item, _user()),
        manage=manage,
    )


@bp.route("/<int:roadmap_id>/manage", methods=["GET", "POST"])
@login_required
def manage(roadmap_id):
    roadmap = _roadmap(roadmap_id, manage=True)
    form = RoadmapForm(obj=roadmap)
    form.territory.choices = territory_choices(communes=False)
    if request.method == "GET":
        form.territory.data = str(roadmap.territory_id)
        form.axes.data = "\n".join(a.title for a in roadmap.axes)
    elif form.validate_on_submit():
        try:
            service.update_roadmap(current_user, roadmap.id, form.to_payload())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Feuille de route enregistrée."), "success")
            return redirect(url_for("roadmaps.manage", roadmap_id=roadmap.id))
    data = service.roadmap_dict(roadmap, current_user)
    retired = [a for a in roadmap.all_actions if a.deleted_at is not None]
    return render_template(
        "roadmaps/manage.html",
        roadmap=data,
        form=form,
        publish_form=ConfirmForm(),
        import_form=ImportForm(),
        facilitators=roadmap.facilitators,
        retired=retired,
    )


@bp.post("/<int:roadmap_id>/publish")
@login_required
def publish(roadmap_id):
    roadmap = _roadmap(roadmap_id, manage=True)
    if ConfirmForm().validate_on_submit():
        service.update_roadmap(current_user, roadmap.id, {"published": not roadmap.published})
        flash(_("Feuille de route publiée.") if roadmap.published else _("Feuille de route dépubliée."), "success")
    return redirect(url_for("roadmaps.manage", roadmap_id=roadmap.id))


@bp.post("/<int:roadmap_id>/import")
@login_required
def import_csv(roadmap_id):
    roadmap = _roadmap(roadmap_id, manage=True)
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choisissez un fichier CSV."), "error")
    else:
        try:
            result = roadmap_io.import_csv(current_user, roadmap.id, form.file.data.read())
        except ServiceError as exc:
            flash(_("Import refusé, rien n'a été modifié. %(reason)s", reason=exc.message), "error")
        else:
            rows = ngettext("%(num)d ligne lue", "%(num)d lignes lues", result["rows"])
            updated = ngettext("%(num)d action modifiée", "%(num)d actions modifiées", result["updated"])
            flash(_("Import réussi : %(rows)s, %(updated)s.", rows=rows, updated=updated), "success")
    return redirect(url_for("roadmaps.manage", roadmap_id=roadmap.id))


def _action_form(roadmap, action=None) -> ActionForm:
    form = ActionForm(obj=action)
    form.axis_id.choices = [(a.id, a.title) for a in roadmap.axes]
    form.cities.choices = [(c, c) for c in service.territory_cities(roadmap)]
    if action is not None and request.method == "GET":
        form.fill(action)
    return form


@bp.route("/<int:roadmap_id>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(roadmap_id):
    roadmap = _roadmap(roadmap_id, manage=True)
    return _edit_action(roadmap, None)


@bp.route("/<int:roadmap_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(roadmap_id, action_id):
    roadmap = _roadmap(roadmap_id, manage=True)
    item = _action(roadmap, action_id)
    return _edit_action(roadmap, item)


def _edit_action(roadmap, item):
    form = _action_form(roadmap, item)
    if form.validate_on_submit():
        try:
            if item is None:
                item = service.create_action(current_user, roadmap.id, form.to_payload())
            else:
                service.update_action(current_user, roadmap.id, item.id, form.to_payload())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Action enregistrée."), "success")
            return redirect(url_for("roadmaps.manage", roadmap_id=roadmap.id))
    return render_template("roadmaps/action_form.html", roadmap=roadmap, form=form, item=item)

"""Facilitators' housekeeping from the action page: link sources, delete, merge (issue 19). Thin routes."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.identity import actor_for_code
from app.roadmaps import bp
from app.roadmaps.forms import ConfirmForm
from app.services.core.errors import ServiceError
from app.services.roadmaps import housekeeping
from app.services.roadmaps.promote import promote_to_action


def _back(roadmap_id: int, action_id: int | None = None):
    if action_id is None:
        return redirect(url_for("roadmaps.manage", roadmap_id=roadmap_id))
    return redirect(url_for("roadmaps.action", roadmap_id=roadmap_id, action_id=action_id))


def _checked() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.post("/<int:roadmap_id>/actions/<int:action_id>/delete")
@login_required
def delete_action(roadmap_id, action_id):
    _checked()
    try:
        action = housekeeping.delete_action(current_user, roadmap_id, action_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(roadmap_id, action_id)
    flash(
        _(
            "Action « %(title)s » supprimée ; ses idées ne sont plus versées. L'historique la garde.",
            title=action.title,
        ),
        "success",
    )
    return _back(roadmap_id)


@bp.post("/<int:roadmap_id>/actions/<int:action_id>/merge")
@login_required
def merge_action(roadmap_id, action_id):
    _checked()
    into = request.form.get("into", "")
    try:
        target = housekeeping.merge_actions(current_user, roadmap_id, action_id, int(into) if into.isdigit() else None)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(roadmap_id, action_id)
    flash(_("Actions fusionnées dans « %(title)s » : sources et historique conservés.", title=target.title), "success")
    return _back(roadmap_id, target.id)


@bp.post("/<int:roadmap_id>/actions/<int:action_id>/link")
@login_required
def link_sources(roadmap_id, action_id):
    """Link the checked ideas, or a group, or a minutes line of one workshop (`idea.promote` with action_id)."""
    _checked()
    form = request.form
    payload = {"roadmap_id": roadmap_id, "action_id": action_id}
    ideas = [int(x) for x in form.getlist("idea_ids") if x.isdigit()]
    if ideas:
        payload["idea_ids"] = ideas
    elif form.get("group_id", "").isdigit():
        payload["group_id"] = int(form["group_id"])
    elif form.get("minutes_line", "").isdigit():
        payload["minutes_line"] = int(form["minutes_line"])
    try:
        promote_to_action(actor_for_code(form.get("workshop", ""), None, current_user), payload)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Sources liées à l'action."), "success")
    return _back(roadmap_id, action_id)

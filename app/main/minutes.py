"""The shared minutes page (issue 5): editor, live preview, register and exports."""

from flask import redirect, render_template, url_for

from app.identity import request_actor
from app.main import bp
from app.services import minutes
from app.services import workshops as service
from app.services.errors import ServiceError


@bp.get("/w/<code>/minutes")
def minutes_page(code):
    try:
        workshop = service.get_workshop(code)
        actor = request_actor(workshop)
    except ServiceError:
        return redirect(url_for("main.join_code", code=service.normalize_code(code)))
    minutes.ensure_template(actor.workshop)
    view = minutes.minutes_markdown_html(actor)
    return render_template("main/minutes.html", workshop=workshop, actor=actor, minutes=view)

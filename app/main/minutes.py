"""The shared minutes page: editor, live preview, register and exports."""

from flask import render_template

from app.main import bp
from app.main.access import page_actor
from app.services.minutes import operations as minutes


@bp.get("/w/<code>/minutes")
def minutes_page(code):
    actor = page_actor(code)
    minutes.ensure_template(actor.workshop)
    view = minutes.minutes_markdown_html(actor)
    return render_template("main/minutes.html", workshop=actor.workshop, actor=actor, minutes=view)

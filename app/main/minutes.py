"""The shared minutes page: editor, live preview, register and exports; the `local_time` filter for pages."""

from flask import render_template

from app.lib.timezone import local, zone_label, zone_name_of
from app.main import bp
from app.main.access import page_actor
from app.services.minutes import operations as minutes


@bp.app_context_processor
def clock():
    """`zone_label` (« heure de Paris ») for the pages that show times outside a workshop (roadmap history)."""
    return {"zone_label": zone_label()}


@bp.app_template_filter("local_time")
def local_time(moment, workshop=None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """A stored (UTC) time on the workshop's clock, e.g. `{{ w.starts_at | local_time(w) }}`; '—' when unset."""
    if moment is None:
        return "—"
    return local(moment, zone_name_of(getattr(workshop, "settings", None))).strftime(fmt)


@bp.get("/w/<code>/minutes")
def minutes_page(code):
    actor = page_actor(code)
    minutes.ensure_template(actor.workshop)
    view = minutes.minutes_markdown_html(actor)
    return render_template("main/minutes.html", workshop=actor.workshop, actor=actor, minutes=view)

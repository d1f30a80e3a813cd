"""The shared minutes page: editor, live preview, register and exports; the `local_time` filter for pages."""

from flask import render_template

from app import i18n
from app.lib.timezone import local, zone_label, zone_name_of
from app.main import bp
from app.main.access import page_actor
from app.services.minutes import operations as minutes


@bp.app_context_processor
def clock():
    """`zone_label` (« heure de Paris ») for the pages that show times outside a workshop (roadmap history)."""
    return {"zone_label": zone_label()}


@bp.app_template_filter("local_time")
def local_time(moment, workshop=None, fmt: str = "moment") -> str:
    """A stored (UTC) time on the workshop's clock, in the page's one form (app/i18n.py, docs/i18n.md):
    « 15 juillet 2026 à 15:30 » / "15 July 2026 at 15:30"; `local_time(w, "day")`: the date alone; '—' when unset."""
    if moment is None:
        return "—"
    value = local(moment, zone_name_of(getattr(workshop, "settings", None))).replace(tzinfo=None)
    return i18n.day(value) if fmt == "day" else i18n.moment(value)


@bp.get("/w/<code>/minutes")
def minutes_page(code):
    actor = page_actor(code)
    minutes.ensure_template(actor.workshop)
    view = minutes.minutes_markdown_html(actor)
    return render_template("main/minutes.html", workshop=actor.workshop, actor=actor, minutes=view)

"""The shared minutes page: editor, live preview, register and exports; the `local_time` filter for pages."""

from babel.dates import format_date, format_time, get_date_format, get_datetime_format
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from app.lib.timezone import local, zone_label, zone_name_of
from app.main import bp
from app.main.access import page_actor
from app.services.minutes import operations as minutes


@bp.app_context_processor
def clock():
    """`zone_label` (« heure de Paris ») for the pages that show times outside a workshop (roadmap history)."""
    return {"zone_label": zone_label()}


def _date_form(locale) -> str:
    """The language's short date when it keeps the whole year (« 15/07/2026 »), its medium one otherwise
    ("Jul 15, 2026" rather than an ambiguous "7/15/26")."""
    pattern = get_date_format("short", locale=locale).pattern
    return "short" if "yyyy" in pattern or pattern.count("y") != 2 else "medium"


@bp.app_template_filter("local_time")
def local_time(moment, workshop=None, fmt: str = "short") -> str:
    """A stored (UTC) time on the workshop's clock, in the page's language; '—' when unset.

    `{{ w.starts_at | local_time(w) }}`: « 15/07/2026 15:30 » / "Jul 15, 2026, 3:30 PM";
    `local_time(w, "at")`: « 15/07/2026 à 15:30 » / "Jul 15, 2026 at 3:30 PM" (an older strftime
    format with « à » reads as "at"); `local_time(w, "day")`: the date alone.
    """
    if moment is None:
        return "—"
    locale = get_locale() or "fr"
    value = local(moment, zone_name_of(getattr(workshop, "settings", None))).replace(tzinfo=None)
    form = _date_form(locale)
    day = format_date(value, form, locale=locale)
    if fmt == "day":
        return day
    time = format_time(value, "short", locale=locale)
    if fmt == "at" or " à " in (fmt or ""):
        return _("%(day)s à %(time)s", day=day, time=time)
    return get_datetime_format(form, locale=locale).replace("{1}", day).replace("{0}", time)


@bp.get("/w/<code>/minutes")
def minutes_page(code):
    actor = page_actor(code)
    minutes.ensure_template(actor.workshop)
    view = minutes.minutes_markdown_html(actor)
    return render_template("main/minutes.html", workshop=actor.workshop, actor=actor, minutes=view)

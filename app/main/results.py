"""The results page: ranking per idea and per group, for facilitators and, once tallies are visible, participants."""

from decimal import Decimal

from babel.numbers import format_percent
from flask import render_template
from flask_babel import get_locale

from app.i18n import GRADES
from app.main import bp
from app.main.access import page_actor
from app.services.workshop import results


@bp.app_context_processor
def majority_labels():
    # The _results.html partial is included elsewhere too (presenter view): give it the mentions everywhere,
    # in the request's language (app.lib.majority keeps the French ones for the library).
    return {"majority_grades": GRADES}


@bp.app_template_filter("share")
def share(value) -> str:
    """A share already in percent, to a tenth (a college's part of the weighted result): « 33,3 % » / "33.3%"."""
    if value is None:
        return ""
    return format_percent(Decimal(str(value)) / 100, locale=get_locale() or "fr", decimal_quantization=False)


@bp.get("/w/<code>/results")
def results_page(code):
    actor = page_actor(code)
    workshop = actor.workshop
    view = results.results_view(actor)
    page = render_template("main/results.html", workshop=workshop, actor=actor, view=view)
    # reveal_votes: end — participants learn the results when the vote is over, not before.
    return page, 403 if view["hidden"] else 200

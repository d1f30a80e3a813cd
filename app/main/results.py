"""The results page: ranking per idea and per group, for facilitators and, once tallies are visible, participants."""

from flask import render_template

from app.lib.majority import GRADES
from app.main import bp
from app.main.access import page_actor
from app.services.workshop import results


@bp.app_context_processor
def majority_labels():
    # The _results.html partial is included elsewhere too (presenter view): give it the mentions everywhere.
    return {"majority_grades": GRADES}


@bp.get("/w/<code>/results")
def results_page(code):
    actor = page_actor(code)
    workshop = actor.workshop
    view = results.results_view(actor)
    page = render_template("main/results.html", workshop=workshop, actor=actor, view=view)
    # reveal_votes: end — participants learn the results when the vote is over, not before.
    return page, 403 if view["hidden"] else 200

"""Hybrid-meeting pages: presenter view, equity panel, device-less tables.

All facilitator-only. Routes parse the form, call one service and redirect.
"""

import segno
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2 import TemplateNotFound
from markupsafe import Markup

from app import i18n
from app.i18n import GRADES
from app.main import bp
from app.main.access import facilitated_workshop
from app.services.core.actors import Actor
from app.services.core.errors import ServiceError
from app.services.core.visibility import tallies_hidden
from app.services.workshop import equity, presenter, results, tables, votes
from app.services.workshop.workshops import columns_of

TIMER_DEFAULT = 300
PROJECTED_ROWS = 10


def join_qr_svg(url: str) -> Markup:
    """The join URL as an inline SVG QR code (no image request, nothing to host)."""
    qr = segno.make(url, error="m")
    # omitsize: a viewBox only, so CSS sizes it for the projector.
    return Markup(qr.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="join-qr-svg"))


def _facilitator_actor(code: str) -> Actor:
    workshop = facilitated_workshop(code)
    return Actor(workshop, user=current_user)


@bp.get("/w/<code>/present")
@login_required
def present_page(code):
    workshop = facilitated_workshop(code)
    return _projector(workshop, url_for("main.present_results", code=workshop.code), presenter=None)


@bp.get("/w/<code>/present/<token>")
def presenter_view(code, token):
    """The projector through a presenter link: no login, no control, what a participant would see."""
    try:
        workshop = presenter.presenter_workshop(code, token)
    except ServiceError as exc:
        return _no_store(Response(render_template("main/presenter_refused.html", message=exc.message), exc.status))
    lang = i18n.choose(request.args.get("lang"))  # `?lang=` on a presenter link, kept without a cookie
    results_url = url_for("main.presenter_results", code=workshop.code, token=token, **({"lang": lang} if lang else {}))
    return _no_store(_projector(workshop, results_url, presenter=token))


def _projector(workshop, results_url: str, presenter: str | None):
    join_url = url_for("main.join_code", code=workshop.code, _external=True)
    data = {
        "code": workshop.code,
        "timer_default": TIMER_DEFAULT,
        "results_url": results_url,
        "presenter": presenter,  # the socket's auth for a presenter link; None for a logged-in facilitator
    }
    return render_template(
        "main/present.html",
        workshop=workshop,
        join_url=join_url,
        qr=join_qr_svg(join_url),
        data=data,
        controls=presenter is None,
    )


def _no_store(response) -> Response:
    # The link is the key: keep it out of caches and of the Referer of anything the page loads.
    response = response if isinstance(response, Response) else Response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/w/<code>/present/results")
@login_required
def present_results(code):
    """The ranking fragment the presenter view swaps in live, as the room may see it."""
    return _results_fragment(facilitated_workshop(code))


@bp.get("/w/<code>/present/<token>/results")
def presenter_results(code, token):
    try:
        workshop = presenter.presenter_workshop(code, token)
    except ServiceError as exc:
        return Response(exc.message, exc.status, mimetype="text/plain")
    return _no_store(_results_fragment(workshop))


def _results_fragment(workshop):
    # The projector is seen by everyone: show what a participant may see.
    public = Actor(workshop)
    hidden = tallies_hidden(workshop.phase, workshop.settings, public.viewer())
    # A projector shows the head of the ranking; the results page has it all.
    rows = [] if hidden else results.ranking(public)[:PROJECTED_ROWS]
    mj = votes.is_majority(workshop.settings)
    context = {"rows": rows, "ranking": rows, "workshop": workshop, "mj": mj, "hidden": hidden, "grades": GRADES}
    context["top"] = max([r["votes"] or 0 for r in rows] + [1])  # for the fallback bars
    if not hidden and rows:
        try:
            return render_template("main/_results.html", **context)
        except TemplateNotFound:
            pass
    return render_template("main/_present_results.html", **context)


@bp.get("/w/<code>/equity")
@login_required
def equity_page(code):
    actor = _facilitator_actor(code)
    report = equity.equity_report(actor)
    return render_template("main/equity.html", workshop=actor.workshop, report=report)


@bp.get("/w/<code>/tables")
@login_required
def tables_page(code):
    actor = _facilitator_actor(code)
    workshop = actor.workshop
    ideas = sorted(results.ranking(actor), key=lambda r: r["idea_id"]) if workshop.phase == "vote" else []
    mj = votes.is_majority(workshop.settings)
    return render_template(
        "main/tables.html",
        workshop=workshop,
        tables=tables.list_tables(actor),
        columns=columns_of(workshop),
        ideas=ideas,
        mj=mj,
        grades=GRADES,
    )


def _int(value: str | None):
    """Form fields arrive as text; anything not a number (« ² » is a digit to Python, and
    int() refuses thousands of digits) is left for the service to refuse."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 18 else value


def _act(code: str, what: str, fn) -> Response:
    actor = _facilitator_actor(code)
    try:
        fn(actor)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(what, "success")
    return redirect(url_for("main.tables_page", code=actor.workshop.code))


@bp.post("/w/<code>/tables")
@login_required
def create_table(code):
    form = request.form
    college = form.get("college") or None  # issue 17: a table belongs to one college
    return _act(
        code,
        _("Table ajoutée."),
        lambda a: tables.create_table(a, form.get("name"), _int(form.get("size")), college=college),
    )


@bp.post("/w/<code>/tables/<int:table_id>/idea")
@login_required
def table_idea(code, table_id):
    form = request.form

    def post(actor):
        column = _int(form.get("column_id"))
        return tables.post_for_table(actor, table_id, column, form.get("text"), form.get("color") or None)

    return _act(code, _("Idée publiée pour la table."), post)


@bp.post("/w/<code>/tables/<int:table_id>/vote")
@login_required
def table_vote(code, table_id):
    form = request.form
    grade = _int(form.get("grade")) if form.get("grade") else None
    idea = _int(form.get("idea_id"))
    if form.get("action") == "retract":
        return _act(code, _("Vote retiré."), lambda a: tables.retract_for_table(a, table_id, idea))
    return _act(code, _("Vote enregistré pour la table."), lambda a: tables.vote_for_table(a, table_id, idea, grade))

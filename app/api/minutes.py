"""Minutes exports (Markdown, printable HTML, ODT) and history (versions, restore) for the workshop's
participants and facilitators (docs/protocol.md)."""

import html
import re
from pathlib import Path

from flask import current_app, jsonify, render_template, request
from markupsafe import Markup

from app.api import bp
from app.api.errors import json_body
from app.http import attachment
from app.identity import request_actor_for_code
from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.minutes import history
from app.services.minutes.operations import export_minutes, minutes_title

# The printable page carries its own inline stylesheet and nothing else.
PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@bp.get("/workshops/<code>/minutes/versions")
def minutes_versions(code):
    return jsonify(history.list_versions(request_actor_for_code(code)))


@bp.post("/workshops/<code>/minutes/versions")
def save_minutes_version(code):
    actor = request_actor_for_code(code)
    result = history.save_version(actor, json_body())
    v.answer_of(result, "version")  # a client_id spent on another command: conflict
    return jsonify(result), 201


@bp.get("/workshops/<code>/minutes/versions/<int:vid>")
def minutes_version(code, vid):
    return jsonify(history.get_version(request_actor_for_code(code), vid))


@bp.post("/workshops/<code>/minutes/versions/<int:vid>/restore")
def restore_minutes_version(code, vid):
    actor = request_actor_for_code(code)
    data = json_body() if request.get_data(cache=True) else {}
    result = history.restore_version(actor, vid, data.get("client_id"))
    v.answer_of(result, "restored")
    return jsonify(result)


@bp.get("/workshops/<code>/minutes/export")
def export_minutes_file(code):
    actor = request_actor_for_code(code)
    fmt = request.args.get("format", "md")
    body, mimetype, filename = minutes_file(actor, fmt)
    inline = fmt == "html" and request.args.get("disposition") == "inline"
    response = attachment(body, mimetype, filename, inline=inline, no_store=True)
    if fmt == "html":
        response.headers["Content-Security-Policy"] = PRINT_CSP
    return response


def minutes_file(actor: Actor, fmt: str) -> tuple[str | bytes, str, str]:
    """(body, mimetype, filename) of the export; `html` is the printable page. Raises Invalid."""
    body, mimetype, filename = export_minutes(actor, fmt)
    if fmt == "html":
        body = print_page(body, minutes_title(actor.workshop))
    return body, mimetype, filename


def print_page(content: str, title: str, lang: str = "fr") -> str:
    """The sanitised HTML `content` as a standalone printable document (templates/api/minutes_print.html)."""
    css = Path(current_app.static_folder, "css", "minutes_print.css").read_text(encoding="utf-8")
    page = render_template(
        "api/minutes_print.html",
        lang=lang if lang and _LANG_RE.match(lang) else "fr",
        title=Markup(html.escape(title or "")),  # &quot; as ever, where Jinja would write &#34;
        css=Markup(css.strip()),
        content=Markup(content),
    )
    return page + "\n"  # the template's last newline, which Jinja drops

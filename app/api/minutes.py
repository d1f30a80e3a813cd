"""Minutes exports (Markdown, printable HTML, ODT) for the workshop's participants and facilitators."""

from flask import current_app, request

from app.api import bp
from app.identity import request_actor
from app.services.minutes.operations import export_minutes
from app.services.workshop import workshops as service

# The printable page carries its own inline stylesheet and nothing else.
PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@bp.get("/workshops/<code>/minutes/export")
def export_minutes_file(code):
    actor = request_actor(service.get_workshop(code))
    fmt = request.args.get("format", "md")
    body, mimetype, filename = export_minutes(actor, fmt)
    response = current_app.response_class(body, mimetype=mimetype)
    inline = fmt == "html" and request.args.get("disposition") == "inline"
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    if fmt == "html":
        response.headers["Content-Security-Policy"] = PRINT_CSP
    return response

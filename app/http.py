"""HTTP helpers shared by the blueprints."""

from flask import Response, current_app

from app.lib.formats import MIMETYPES


def attachment(
    body: str | bytes, kind: str, filename: str, *, inline: bool = False, no_store: bool = False
) -> Response:
    """A file to download (or, `inline`, to open in the browser): `kind` is a format of
    app.lib.formats (csv, json…) or a MIME type; `no_store` keeps personal data out of caches."""
    response = current_app.response_class(body, mimetype=MIMETYPES.get(kind, kind))
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response

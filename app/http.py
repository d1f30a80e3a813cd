"""HTTP helpers shared by the blueprints."""

from flask import Response, current_app

from app.lib.formats import MIMETYPES


def attachment(
    body: str | bytes, kind: str, filename: str, *, inline: bool = False, no_store: bool = False
) -> Response:
    """A file to download (or, `inline`, to open in the browser): `kind` is a format of
    app.lib.formats (csv, json…) or a MIME type; `no_store` keeps personal data out of caches."""
    # content_type, not mimetype: Werkzeug would append a second charset to text types.
    response = current_app.response_class(body, content_type=MIMETYPES.get(kind, kind))
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def origin_checker(extra: list[str]):
    """Same origin always; ALLOWED_ORIGINS adds exact origins (never '*')."""

    def allowed(origin: str | None, environ: dict) -> bool:
        if origin is None:
            return True  # non-browser clients send no Origin; they still need a token
        hosts = {environ.get("HTTP_HOST", "")}
        forwarded = environ.get("HTTP_X_FORWARDED_HOST")
        if forwarded:
            hosts.add(forwarded.split(",")[0].strip())
        same = {f"{scheme}://{host}" for host in hosts for scheme in ("http", "https")}
        return origin in same or origin in extra

    return allowed

"""Application factory."""

import os
import secrets
from pathlib import Path

from flask import Flask, g, request
from werkzeug.routing import IntegerConverter

from app import i18n
from app.config import load_config
from app.extensions import StrictJSONProvider, babel, compress, csrf, db, login_manager, migrate
from app.lib import strict_json
from app.ratelimit import install_limiters
from app.services.core.validation import MAX_ID

ROOT = Path(__file__).resolve().parent.parent


class RowIdConverter(IntegerConverter):
    """Every `<int:…>` in a URL is a row id: beyond the id column's range it matches nothing (404),
    rather than reaching the database with a number it cannot hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("FABRIQUE_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(overrides or {})
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = RowIdConverter
    _read_body_first(app)
    _init_extensions(app)
    install_limiters(app)
    _trust_proxies(app)
    _register_blueprints(app)
    _install_security_headers(app)
    from app import cli

    cli.register(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies (FABRIQUE_TRUSTED_PROXIES=N), take the client's address, scheme and
    host from their X-Forwarded-* headers: the per-address limits need the real address. Wraps the
    Socket.IO middleware too, so sockets see it. Off by default: a client could forge the headers."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _read_body_first(app: Flask) -> None:
    """Every request's body is read in full before anything touches the database.

    Views resolve their caller (a database read) before they parse the body. On SQLite every
    transaction takes the write lock (BEGIN IMMEDIATE, app/database.py), on PostgreSQL it holds
    a pooled connection: a client that sends its headers and holds its body would keep either
    until the body came. Reading it here, in the first hook of every request (before the CSRF
    check and every view: API, forms, uploads alike), makes a slow client wait on its own
    request only. The body is bounded by MAX_CONTENT_LENGTH (413 beyond) and cached:
    `get_json()`, `form` and `files` parse it from memory.
    """

    @app.before_request
    def read_body():
        request.get_data(cache=True)


def _init_extensions(app: Flask) -> None:
    from app.database import ping_when_idle, tune_sqlite

    # Stored JSON (event data, settings) is strict too: a non-finite number fails here, loudly.
    engine_options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_serializer": strict_json.dumps, **engine_options}
    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
        ping_when_idle(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    compress.init_app(app)  # registers its after_request only when COMPRESS_REGISTER
    i18n.install(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    from realtime import init_realtime

    init_realtime(app)


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.main import bp as main_bp
    from app.roadmaps import bp as roadmaps_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(roadmaps_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def style_nonce() -> str:
    """A CSP nonce for the `<style>` element CodeMirror writes its styles into (the minutes editor,
    `EditorView.cspNonce`); a page that asks for one gets `style-src 'self' 'nonce-…'`, the others keep CSP."""
    if "style_nonce" not in g:
        g.style_nonce = secrets.token_urlsafe(18)
    return g.style_nonce


def _install_security_headers(app: Flask) -> None:
    app.jinja_env.globals["style_nonce"] = style_nonce

    @app.after_request
    def headers(response):
        nonce = g.get("style_nonce")
        policy = CSP.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'") if nonce else CSP
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

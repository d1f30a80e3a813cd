"""Application factory."""

import os
from pathlib import Path

from flask import Flask, request, session
from flask_babel import get_locale

from app.config import load_config
from app.extensions import babel, csrf, db, login_manager, migrate
from app.ratelimit import RateLimiter

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in ("fr", "en"):
        session["lang"] = lang
    return session.get("lang") or "fr"


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("FABRIQUE_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(overrides or {})
    _init_extensions(app)
    fail_limit, fail_period = app.config["JOIN_FAIL_LIMIT"]
    limits_on = app.config["RATE_LIMITS"]
    app.extensions["fabrique_join_limiter"] = RateLimiter(
        fail_limit if limits_on else 10**9, fail_period, app.config["SOCKETIO_MESSAGE_QUEUE"], "join"
    )
    _register_blueprints(app)
    _install_security_headers(app)
    from app import cli

    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.database import ping_when_idle, tune_sqlite

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
        ping_when_idle(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    from realtime import init_realtime

    init_realtime(app)


def _register_blueprints(app: Flask) -> None:
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.main import bp as main_bp
    from app.roadmaps import bp as roadmaps_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(roadmaps_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _install_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

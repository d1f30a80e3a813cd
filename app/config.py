"""Configuration from environment variables, each with a working default (docs/deployment.md)."""

import os
import secrets
from pathlib import Path


def _instance_secret(instance: Path) -> str:
    """Generate SECRET_KEY once and keep it under instance/ so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(instance: Path) -> dict:
    env = os.environ.get
    db_url = env("DATABASE_URL") or f"sqlite:///{instance / 'fabrique.db'}"
    origins = [o.strip() for o in (env("ALLOWED_ORIGINS") or "").split(",") if o.strip()]
    return {
        "SECRET_KEY": env("SECRET_KEY") or _instance_secret(instance),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(db_url),
        "SOCKETIO_MESSAGE_QUEUE": env("SOCKETIO_MESSAGE_QUEUE") or None,
        "ALLOWED_ORIGINS": origins,
        "ASYNC_MODE": env("FABRIQUE_ASYNC_MODE", "gevent"),
        "RATE_LIMITS": env("FABRIQUE_RATE_LIMITS", "on").lower() not in ("off", "0", "false"),
        "HOST": env("HOST", "127.0.0.1"),
        "PORT": int(env("PORT", "5000")),
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("FABRIQUE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "fr",
        "LANGUAGES": ["fr", "en"],
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_IDEAS_PER_PARTICIPANT": int(env("FABRIQUE_MAX_IDEAS", "50")),
        "SOCKET_RATE": (int(env("FABRIQUE_SOCKET_RATE", "20")), 5.0),
        # One bucket shared by all of a participant's sockets in this process (docs/deployment.md).
        "PARTICIPANT_RATE": (int(env("FABRIQUE_PARTICIPANT_RATE", "30")), 5.0),
        "SOCKETS_PER_PARTICIPANT": int(env("FABRIQUE_SOCKETS_PER_PARTICIPANT", "5")),
        "SOCKETS_PER_ADDRESS": int(env("FABRIQUE_SOCKETS_PER_ADDRESS", "2000")),
        "PING_INTERVAL": int(env("FABRIQUE_PING_INTERVAL", "20")),
        "PING_TIMEOUT": int(env("FABRIQUE_PING_TIMEOUT", "20")),
        # Wrong join codes per address and window; past it each one waits step × excess (≤ cap) seconds.
        "JOIN_FAIL_LIMIT": (10, 60.0),
        "JOIN_FAIL_DELAY": (0.25, 2.0),
        # Failed logins per address, and per account, in a window of seconds (docs/deployment.md).
        "LOGIN_FAIL_LIMIT": (10, 900.0),
        # How many reverse proxies (nginx…) stand before the app; their X-Forwarded-* are trusted only then.
        "TRUSTED_PROXIES": int(env("FABRIQUE_TRUSTED_PROXIES", "0")),
        # OpenID Connect sign-in (ProConnect…), off unless OIDC_ISSUER and OIDC_CLIENT_ID are set (issue 19).
        "OIDC_ISSUER": env("OIDC_ISSUER") or None,
        "OIDC_CLIENT_ID": env("OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": env("OIDC_CLIENT_SECRET") or None,
        "OIDC_SCOPES": env("OIDC_SCOPES", "openid email profile"),
        "OIDC_LEEWAY": int(env("OIDC_LEEWAY", "60")),
        # Responses compressed by Flask-Compress (pages, JSON, CSS, JS, SVG), brotli else gzip
        # (docs/deployment.md); FABRIQUE_COMPRESS=off leaves it to a proxy.
        "COMPRESS_REGISTER": env("FABRIQUE_COMPRESS", "on").lower() not in ("off", "0", "false"),
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],  # static files: Flask-Compress cannot stream gzip
        "COMPRESS_BR_LEVEL": 5,
    }


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_size": 10, "max_overflow": 20}  # pings: app/database.py

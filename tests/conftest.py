"""Fixtures: an app per backend (SQLite always; PostgreSQL in CI or with FABRIQUE_TEST_POSTGRES),
factories, and a real server process for protocol and browser tests."""

import os
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.services.core.actors import Actor
from app.services.workshop.workshops import create_workshop, join_workshop
from models import User, db

PG_ADMIN_URL = os.environ.get("FABRIQUE_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WANT_PG = bool(os.environ.get("CI") or os.environ.get("FABRIQUE_TEST_POSTGRES"))


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if WANT_PG else ["sqlite"]


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test session; dropped at the end."""
    name = f"fabrique_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is required here (CI or FABRIQUE_TEST_POSTGRES) but unreachable: {exc}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_migrated: set[str] = set()


def _migrate_once(app) -> None:
    from flask_migrate import upgrade

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        if url not in _migrated:
            upgrade()
            _migrated.add(url)
        _truncate()


def _truncate() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture(params=backends())
def backend(request):
    return request.param


@pytest.fixture
def app(backend, tmp_path_factory, request):
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path_factory.getbasetemp() / 'fabrique-test.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {} if backend == "postgresql" else {"connect_args": {"timeout": 30}},
            "ASYNC_MODE": "threading",
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "fabrique.test",
        }
    )
    _migrate_once(app)
    with app.app_context():
        yield app
        db.session.remove()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def published(request, monkeypatch):
    """The one switch for live publishing in tests.

    Every committed Outbox (events, tallies to announce, presence signals) is
    collected in the list this fixture returns. It is also published live
    (broadcast to sockets, tally coalescing, presence lists) only in tests
    marked `live_publishing`, which then wait for pending announcements: a
    background write outliving its test would collide with the next test's
    cleanup.
    """
    from app.services.core import outbox
    from app.services.workshop.tallies import coalescer
    from realtime import presence

    if "app" in request.fixturenames:
        request.getfixturevalue("app")  # the app subscribes its publishers first
    outboxes: list = []
    live = request.node.get_closest_marker("live_publishing") is not None
    subscribers = [outboxes.append] + (outbox.subscribers() if live else [])
    monkeypatch.setattr(outbox, "_subscribers", subscribers)
    yield outboxes
    deadline = time.monotonic() + 5
    while live and (coalescer.busy() or presence.busy()) and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(name="Camille Animatrice", email=None, password="motdepasse-solide"):
        user = User(email=email or f"anim{next(counter)}@example.org", name=name)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def facilitator(make_user):
    return make_user()


@pytest.fixture
def admin(make_user):
    """An administrator account (issue 19), with make_user's default password."""
    user = make_user(name="Administratrice", email="admin@example.org")
    user.is_admin = True
    db.session.commit()
    return user


@pytest.fixture
def make_workshop(facilitator):
    def make(user=None, **overrides):
        data = {"title": "Atelier JO 2024", "theme": "jo2024", **overrides}
        return create_workshop(user or facilitator, data)

    return make


@pytest.fixture
def workshop(make_workshop):
    return make_workshop()


@pytest.fixture
def join():
    def do(workshop, name="Alice", attendance="room", with_token=False, **extra):
        participant, token = join_workshop(workshop.code, {"name": name, "attendance": attendance, **extra})
        actor = Actor(workshop, participant=participant)
        return (actor, token) if with_token else actor

    return do


@pytest.fixture
def fac(workshop, facilitator):
    return Actor(workshop, user=facilitator)


# The error codes of the contract (docs/protocol.md §1): every refusal carries one of them.
CONTRACT_CODES = {
    "invalid",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "phase",
    "budget",
    "too_large",
    "rate_limited",
}


def api_headers(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class AuthActions:
    """Logs a facilitator in on the Flask test client, as the Flask tutorial's `auth` fixture.

    `user` defaults to the `facilitator` fixture; every user made by `make_user` has its default
    password. `login` goes through the login form (a cookie session for pages and sockets);
    `token` and `api_headers` through POST /api/v1/auth/token (a bearer token for the API)."""

    password = "motdepasse-solide"  # make_user's default

    def __init__(self, client, request):
        self._client = client
        self._request = request

    def _user(self, user):
        return self._request.getfixturevalue("facilitator") if user is None else user

    def login(self, user=None, password=None):
        user = self._user(user)
        r = self._client.post("/login", data={"email": user.email, "password": password or self.password})
        assert r.status_code == 302, r.get_data(as_text=True)
        return r

    def logout(self):
        return self._client.post("/logout")

    def token(self, user=None, password=None) -> str:
        user = self._user(user)
        r = self._client.post("/api/v1/auth/token", json={"email": user.email, "password": password or self.password})
        assert r.status_code == 200, r.get_data(as_text=True)
        return r.json["token"]

    def api_headers(self, user=None) -> dict:
        return api_headers(self.token(user))


@pytest.fixture
def auth(client, request):
    """`auth.login(user=None)`, `auth.logout()`, `auth.token(user=None)`, `auth.api_headers(user=None)`."""
    return AuthActions(client, request)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real `python wsgi.py` process (gevent) on a free port, with a migrated SQLite database."""
    from tests.server import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def room_workshop(live_server):
    """`room_workshop(people_count=40, ideas_count=120, phase="cluster", **settings)` → tests/crowd.py Room:
    a workshop of the live server at room size, built through the API (issue 14). Closes its sockets after."""
    from tests.crowd import build_room

    rooms = []

    def make(**options):
        rooms.append(build_room(live_server, **options))
        return rooms[-1]

    yield make
    for room in rooms:
        room.facilitator.close()


@pytest.fixture(scope="session")
def browser():
    """The system Chromium (Debian package) driven by Playwright; no browser download."""
    import shutil

    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Chromium is required for browser tests: `make test` installs the Debian package.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()

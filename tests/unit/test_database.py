"""Engine tuning (app/database.py): pooled PostgreSQL connections are pinged only after idling,
and one found dead is replaced before the command uses it."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app import database
from models import db


@pytest.fixture
def postgres(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no server connection to lose")
    db.session.remove()
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool, isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


def _kill_pooled_connections(admin) -> None:
    """What a PostgreSQL restart does to the pool: every other backend of this database dies."""
    db.session.execute(text("SELECT 1"))  # make sure the pool holds a connection
    db.session.remove()
    with admin.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert killed >= 1


def test_a_connection_idle_too_long_is_pinged_and_replaced_if_dead(postgres, monkeypatch):
    _kill_pooled_connections(postgres)
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
    assert db.session.execute(text("SELECT 41 + 1")).scalar() == 42


def test_without_the_ping_a_dead_connection_fails_the_command(postgres, monkeypatch):
    # The control for the test above: the ping is what saves the command.
    _kill_pooled_connections(postgres)
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)
    with pytest.raises(OperationalError):
        db.session.execute(text("SELECT 41 + 1"))
    db.session.rollback()
    assert db.session.execute(text("SELECT 41 + 1")).scalar() == 42  # the pool was invalidated and refilled


@pytest.mark.parametrize(("idle_limit", "pings"), [(3600.0, 0), (0.0, 1)])
def test_only_an_idle_connection_is_pinged(postgres, monkeypatch, idle_limit, pings):
    db.session.execute(text("SELECT 1"))
    db.session.remove()
    seen = []
    real_ping = database.ping
    monkeypatch.setattr(database, "ping", lambda conn: seen.append(conn) or real_ping(conn))
    monkeypatch.setattr(database, "PING_AFTER_IDLE", idle_limit)
    assert db.session.execute(text("SELECT 41 + 1")).scalar() == 42
    assert len(seen) == pings

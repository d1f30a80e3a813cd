"""SQLite's write lock is waited for by app/database.py, never by SQLite's blocking busy handler
(issue 20): a locked BEGIN IMMEDIATE is retried with time.sleep (a yield under gevent) until the
lock is free, or fails as "database is locked" after BUSY_WAIT."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, exc, text

from app import database


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'lock.db'}", connect_args={"check_same_thread": False})
    database.tune_sqlite(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def _hold_write_lock(path: str, seconds: float, ready: threading.Event) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


def test_busy_handler_is_off(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 0
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_writer_waits_for_the_lock_then_proceeds(engine, monkeypatch):
    sleeps: list[float] = []
    real_sleep = time.sleep
    me = threading.get_ident()

    def sleep(seconds):
        if threading.get_ident() == me:  # not the lock holder's
            sleeps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(database.time, "sleep", sleep)
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(engine.url.database, 0.3, ready))
    holder.start()
    ready.wait(5)
    start = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    waited = time.monotonic() - start
    holder.join(5)
    assert 0.25 < waited < 2.0
    assert sleeps and max(sleeps) <= 0.05  # many short sleeps (each a yield under gevent), not one long one


def test_a_writer_gives_up_after_busy_wait(engine, monkeypatch):
    monkeypatch.setattr(database, "BUSY_WAIT", 0.2)
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(engine.url.database, 1.0, ready))
    holder.start()
    ready.wait(5)
    start = time.monotonic()
    with pytest.raises(exc.OperationalError, match="database is locked"):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
    assert time.monotonic() - start < 0.8
    holder.join(5)
    with engine.begin() as conn:  # the connection is still usable once the lock is free
        conn.execute(text("INSERT INTO t VALUES (2)"))
        assert conn.execute(text("SELECT n FROM t")).scalars().all() == [2]

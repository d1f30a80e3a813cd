"""Engine tuning per database.

SQLite: WAL, foreign keys, and write-locking transactions. BEGIN IMMEDIATE
takes the write lock up front, so two writers queue instead of failing when
one upgrades a read lock. They queue cooperatively: SQLite's own busy handler
(PRAGMA busy_timeout) waits in a blocking C sleep that would stall every
greenlet of the process, the lock holder included, so it is off
(busy_timeout=0) and a locked BEGIN IMMEDIATE is retried here with time.sleep,
which gevent's monkey-patching (wsgi.py) turns into a yield to the other
greenlets, for up to BUSY_WAIT seconds. In WAL mode a transaction that holds
the write lock gets no SQLITE_BUSY afterwards (COMMIT included); the
connection's pragmas go through the same retry.

PostgreSQL: a pooled connection is pinged before use only when it has been
idle a while. A ping on every checkout (`pool_pre_ping`) is one more round
trip per command; a busy process's connections are never idle long, and if
the server restarted under them anyway the first failing command invalidates
the whole pool, answers `internal`, and the clients resend (client_id keeps
that safe).
"""

import sqlite3
import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

PING_AFTER_IDLE = 10.0  # seconds
BUSY_WAIT = 30.0  # seconds a SQLite statement waits for a lock before "database is locked"


def tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or getattr(engine, "_fabrique_tuned", False):
        return
    engine._fabrique_tuned = True

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA busy_timeout=0")  # first: never SQLite's blocking wait (see above)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            retry_while_locked(lambda pragma=pragma: dbapi_conn.execute(f"PRAGMA {pragma}"))

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        dbapi_conn = conn.connection.dbapi_connection
        try:
            retry_while_locked(lambda: dbapi_conn.execute("BEGIN IMMEDIATE"))
        except sqlite3.OperationalError as error:
            raise exc.OperationalError("BEGIN IMMEDIATE", (), error) from error


def retry_while_locked(statement):
    """Run `statement()` again while SQLite answers "database is locked" (SQLITE_BUSY: another
    connection holds the lock), sleeping 1 ms, then 2, 4… up to 50 ms between tries, for up to
    BUSY_WAIT seconds; then re-raise. The sleep yields to the other greenlets under gevent."""
    delay, give_up = 0.001, time.monotonic() + BUSY_WAIT
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= give_up:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def ping_when_idle(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" or getattr(engine, "_fabrique_ping", False):
        return
    engine._fabrique_ping = True

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_conn, record, _proxy):
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) < PING_AFTER_IDLE:
            return
        try:
            ping(dbapi_conn)
        except Exception as error:
            raise exc.DisconnectionError(str(error)) from error  # the pool retries with a new connection


def ping(dbapi_conn) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("SELECT 1")
    cursor.close()
    dbapi_conn.rollback()

"""Engine tuning per database.

SQLite: WAL, a busy timeout, foreign keys, and write-locking transactions.
BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
busy timeout instead of failing when one upgrades a read lock.

PostgreSQL: a pooled connection is pinged before use only when it has been
idle a while. A ping on every checkout (`pool_pre_ping`) is one more round
trip per command; a busy process's connections are never idle long, and if
the server restarted under them anyway the first failing command invalidates
the whole pool, answers `internal`, and the clients resend (client_id keeps
that safe).
"""

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

PING_AFTER_IDLE = 10.0  # seconds


def tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or getattr(engine, "_fabrique_tuned", False):
        return
    engine._fabrique_tuned = True

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


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

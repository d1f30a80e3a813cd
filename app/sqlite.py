"""SQLite tuning: WAL, a busy timeout, foreign keys, and write-locking transactions.

BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
busy timeout instead of failing when one upgrades a read lock.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


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

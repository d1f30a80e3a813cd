"""Every route reads its request body before any database work (issue 20, slow bodies).

A client that holds its body must not keep a transaction (SQLite's write lock, a PostgreSQL
connection) waiting for it: tests/live/test_slow_body.py shows the effect on a real server,
this test checks the order on every route that takes a body.
"""

import io

from sqlalchemy import event
from werkzeug.routing import AnyConverter, IntegerConverter

from models import db

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class RecordingBody(io.BytesIO):
    """A request body that notes whether the database was used before its first read."""

    def __init__(self, data: bytes, db_used: list):
        super().__init__(data)
        self.db_used = db_used
        self.read_after_db: bool | None = None  # None: never read

    def _first_read(self):
        if self.read_after_db is None:
            self.read_after_db = bool(self.db_used)

    def read(self, *args):
        self._first_read()
        return super().read(*args)

    def readinto(self, buffer):
        self._first_read()
        return super().readinto(buffer)

    def readline(self, *args):
        self._first_read()
        return super().readline(*args)


def _url_value(converter, code: str):
    """A value the URL accepts: an id, one of an `any(…)`'s words, else the workshop's code."""
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return code


def test_every_route_reads_its_body_before_touching_the_database(app, client, auth, workshop):
    code = workshop.code
    auth.login()  # a facilitator's session: views get past their access checks to real work
    db_used: list = []

    def note(*_args, **_kwargs):
        db_used.append(True)

    late: list[str] = []
    routes = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods & BODY_METHODS)
    ]
    assert len(routes) > 20
    event.listen(db.engine, "begin", note)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        for rule, method in routes:
            values = {arg: _url_value(rule._converters[arg], code) for arg in rule.arguments}
            path = rule.build(values, append_unknown=False)[1]
            data = b'{"text": "corps lu d\'abord", "name": "Alice"}'
            body = RecordingBody(data, db_used)
            db.session.remove()  # the request starts with no transaction of the test's
            db_used.clear()
            try:
                client.open(
                    path, method=method, input_stream=body, content_length=len(data), content_type="application/json"
                )
            except Exception:  # noqa: BLE001 — what the view makes of this body is not the point here
                pass
            if body.read_after_db is not False:
                late.append(
                    f"{method} {rule.rule}: "
                    + ("body never read" if body.read_after_db is None else "read after the database")
                )
    finally:
        event.remove(db.engine, "begin", note)
        event.remove(db.engine, "before_cursor_execute", note)
        db.session.remove()
    assert not late, "\n".join(late)

"""Fixtures of the fast part: the Flask test client and the Flask-SocketIO test client only.

No test here starts a server process or a browser: those belong in tests/live and tests/browser."""

import pytest


@pytest.fixture
def fac_headers(auth):
    """Bearer headers of the `facilitator`, for the JSON API."""
    return auth.api_headers()


@pytest.fixture(scope="session")
def live_server():
    pytest.fail("tests/unit starts no server process: move this test to tests/live")


@pytest.fixture(scope="session")
def browser():
    pytest.fail("tests/unit starts no browser: move this test to tests/browser")


@pytest.fixture
def connect(app):
    """`connect(code, token=None, flask_client=None)`: a Flask-SocketIO test client on workshop `code` (as a
    participant with `token`, or as the logged-in user of `flask_client`); disconnected after the test."""
    from app.extensions import socketio

    clients = []

    def make(code, token=None, flask_client=None):
        auth = {"workshop": code} if token is None else {"token": token, "workshop": code}
        c = socketio.test_client(app, auth=auth, flask_test_client=flask_client)
        clients.append(c)
        return c

    yield make
    for c in clients:
        if c.is_connected():
            c.disconnect()

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

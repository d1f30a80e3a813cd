"""Fixtures of the browser tests (Chromium driven by Playwright against the live server)."""

import pytest
from playwright.sync_api import expect

from tests.server import EMAIL, PASSWORD


@pytest.fixture(scope="session")
def login(live_server):
    """`login(page)`: logs the live server's facilitator (tests/server.py) into a Playwright page
    through the login form; returns the page, on the dashboard."""

    def log_in(page):
        page.goto(live_server.url + "/login")
        page.get_by_label("Adresse e-mail").fill(EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/dashboard")
        expect(page.get_by_role("heading", name="Mes ateliers")).to_be_visible()
        return page

    return log_in


@pytest.fixture
def new_page(browser):
    """`new_page(viewport=None, **context_options)`: a page in a fresh browser context (no cookies), closed
    after the test; French locale and 1280×800 unless told."""
    contexts = []

    def make(viewport=None, **options):
        context = browser.new_context(**{"locale": "fr-FR", "viewport": viewport or {"width": 1280, "height": 800}, **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def open_board(live_server, new_page, login):
    """`open_board(code, name=None, facilitator=False, viewport=None, **context_options)`: a fresh browser
    context on workshop `code`'s board, live — the facilitator logged in, or a participant joined as `name`
    through the join page; 1366×768 unless told."""

    def open_(code, name=None, facilitator=False, viewport=None, **options):
        page = new_page(viewport=viewport or {"width": 1366, "height": 768}, **options)
        if facilitator:
            login(page)
            page.goto(f"{live_server.url}/w/{code}")
        else:
            page.goto(f"{live_server.url}/join/{code}")
            page.get_by_test_id("join-name").fill(name)
            page.get_by_test_id("join-submit").click()
            expect(page).to_have_url(f"{live_server.url}/w/{code}")
        expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
        return page

    return open_

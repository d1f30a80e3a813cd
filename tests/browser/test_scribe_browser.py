"""Browser: a facilitator names a scribe from the participants panel of the board (issue 16)."""

import requests
from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe


def test_facilitator_names_a_scribe_from_the_participants_panel(live_server, new_page, login):
    code = live_server.create_workshop(settings={"minutes_editors": "facilitators"})["code"]
    token = live_server.join(code, "Aïcha")
    page = login(new_page(viewport={"width": 1920, "height": 1080}))
    page.goto(f"{live_server.url}/w/{code}")
    page.locator("#participants-toggle").click()
    button = page.get_by_role("button", name="Secrétaire de séance : Aïcha")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.screenshot(path="/tmp/shots-minutes/scribe-panel.png")
    assert not axe_violations(page), describe(axe_violations(page))
    listed = requests.get(
        f"{live_server.url}/api/v1/workshops/{code}/participants",
        headers=live_server.auth(live_server.token()),
        timeout=10,
    ).json()["participants"]
    assert [p["scribe"] for p in listed if p["name"] == "Aïcha"] == [True]
    # The scribe may now write: the socket says so.
    client = live_server.client(code, token)
    try:
        assert client.call("minutes.sync")["editable"] is True
    finally:
        client.close()

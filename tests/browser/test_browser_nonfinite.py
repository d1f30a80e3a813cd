"""Browser: one participant's `idea.move {position: 1e999}` must not break the board for everyone
(issue 20: `Infinity` in the page's data island made `JSON.parse` throw in every browser)."""

from playwright.sync_api import expect

from tests.live.handwritten import HandWritten


def test_the_board_still_loads_after_an_attempted_infinite_position(live_server, browser):
    workshop = live_server.create_workshop(settings={"private_brainstorm": False})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    idea = fac.call("idea.create", {"column_id": column, "text": "Navettes vers les sites"})["idea"]["id"]
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/join/{code}")
    page.get_by_test_id("join-name").fill("Alice")
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")

    hostile = HandWritten(live_server.url, {"token": live_server.token(), "workshop": code})
    ack = hostile.call("idea.move", f'{{"idea_id": {idea}, "column_id": {column}, "position": 1e999}}')
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    hostile.close()

    page.reload()  # the snapshot in the page's data island parses
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(page.get_by_test_id("idea-card").filter(has_text="Navettes")).to_have_count(1)
    assert fac.call("idea.create", {"column_id": column, "text": "Encore une idée"})["ok"]
    expect(page.get_by_test_id("idea-card").filter(has_text="Encore une idée")).to_have_count(1)  # live events parse
    context.close()
    fac.sio.eio.ws.shutdown()

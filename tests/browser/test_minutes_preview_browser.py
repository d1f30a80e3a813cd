"""Browser: an open minutes editor does not fetch the preview once per keystroke of the others (issue 20).

Every open editor used to fetch `GET …/minutes` 800 ms after any remote change, so a room of
editors multiplied each typist's keystrokes by its size. Others' edits now wait for a pause
(REMOTE_PREVIEW_DELAY in static/src/minutes.js), at most PREVIEW_MAX_WAIT while they go on.
"""

import time

from playwright.sync_api import expect

from tests.browser.test_minutes_browser import open_minutes
from tests.live.test_minutes_freeze import Writer

TYPING = 4.0  # seconds of remote typing, one update every 100 ms


def test_remote_typing_costs_one_preview_fetch_after_the_pause(live_server, browser):
    code = live_server.create_workshop()["code"]
    context, page = open_minutes(browser, live_server, code, "Amina")
    fetched: list[float] = []
    page.on(
        "request", lambda r: "/minutes" in r.url and r.url.startswith(live_server.url + "/api/") and fetched.append(1)
    )
    page.wait_for_timeout(1_000)  # the opening fetch is done (waiting through the page lets its events in)
    fetched.clear()
    writer = Writer(live_server, code)
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < TYPING:
        assert writer.insert(True, f" mot{n}")["ok"]
        n += 1
        page.wait_for_timeout(100)
    during = len(fetched)
    expect(page.get_by_test_id("minutes-preview")).to_contain_text(f"mot{n - 1}")
    print(f"\n{n} remote updates in {TYPING:.0f} s: {during} preview fetches meanwhile, {len(fetched)} in all")
    assert during <= 1 and len(fetched) <= 2
    writer.client.close()
    context.close()

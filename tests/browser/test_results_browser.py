"""Browser: the results page of a facilitator in Chromium (bars, merit profiles, axe, CSP)."""

import requests
from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe
from tests.live.voting import close_all, live_vote


def test_browser_facilitator_sees_bars_and_merit_profiles(live_server, page, login):
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    login(page)

    code, fac, (a, b, c) = live_vote(live_server, 3)
    people = [live_server.client(code, live_server.join(code, f"P{i}")) for i in range(2)]
    for person, plan in zip(people, [[a, a, a, b], [b, c]], strict=True):
        for idea in plan:
            assert person.call("vote.cast", {"idea_id": idea})["ok"]
    page.goto(f"{live_server.url}/w/{code}/results")
    table = page.get_by_test_id("results-ideas")
    rows = table.get_by_test_id("result-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Idée 0")
    expect(rows.nth(0)).to_contain_text("3 gommettes")
    expect(rows.nth(2)).to_contain_text("1 gommette")
    assert rows.nth(0).locator("rect.bar-fill").get_attribute("width") == "100.000"
    assert rows.nth(1).locator("rect.bar-fill").get_attribute("width") == "66.667"
    box = rows.nth(1).locator("svg.bar").bounding_box()
    assert box["width"] > 100 and box["height"] > 10  # the stylesheet sized it
    expect(page.get_by_test_id("participation")).to_contain_text("2 votant·es sur 2 participant·es")
    href = page.get_by_test_id("export-csv").get_attribute("href")
    assert requests.get(live_server.url + href, timeout=10).status_code == 401  # the page's session is needed
    assert not axe_violations(page), describe(axe_violations(page))

    mj_code, mj_fac, (x, y) = live_vote(live_server, 2, vote_method="majority_judgment")
    graders = [live_server.client(mj_code, live_server.join(mj_code, f"G{i}")) for i in range(3)]
    for grader, (gx, gy) in zip(graders, [(6, 2), (4, 3), (1, 3)], strict=True):
        assert grader.call("vote.cast", {"idea_id": x, "grade": gx})["ok"]
        assert grader.call("vote.cast", {"idea_id": y, "grade": gy})["ok"]
    page.goto(f"{live_server.url}/w/{mj_code}/results")
    rows = page.get_by_test_id("results-ideas").get_by_test_id("result-row")
    expect(rows.nth(0)).to_contain_text("Idée 0")
    expect(rows.nth(0)).to_contain_text("Bien")
    expect(rows.nth(0).locator(".result-explanation")).to_have_text(
        "Mention majoritaire : Bien — 67 % des participants ont donné « Bien » ou mieux, 33 % « Assez bien » ou moins."
    )
    expect(rows.nth(0).locator("svg.merit rect[class^=mention-]")).to_have_count(3)
    expect(page.locator(".merit-legend li")).to_have_count(8)
    assert rows.nth(1).locator("svg.merit").bounding_box()["width"] > 100
    assert not axe_violations(page), describe(axe_violations(page))
    assert csp_errors == []
    close_all([fac, mj_fac, *people, *graders])

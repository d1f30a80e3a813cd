"""Browser: who may write the minutes (read-only editor with its reason) and the history panel (compare,
save, restore reaching everyone live), with the CodeMirror editor."""

import re

import requests
from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe
from tests.browser.test_minutes_browser import editor, editor_value, join, saved, wait_text
from tests.live.test_minutes_live import server_text


def participant_id(server, code: str, name: str) -> int:
    r = requests.get(
        f"{server.url}/api/v1/workshops/{code}/participants", headers=server.auth(server.token()), timeout=10
    )
    r.raise_for_status()
    return next(p["id"] for p in r.json()["participants"] if p["name"] == name)


def minutes_page(browser, server, code: str, name: str):
    context, page = join(browser, server, code, name)
    page.goto(f"{server.url}/w/{code}/minutes")
    expect(page.locator(".cm-content")).to_be_visible()
    return context, page


def test_a_participant_reads_live_but_cannot_write_under_facilitators_only(live_server, browser):
    code = live_server.create_workshop(settings={"minutes_editors": "facilitators"})["code"]
    context, page = minutes_page(browser, live_server, code, "Paul")
    reason = page.get_by_test_id("minutes-readonly")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("Lecture seule")
    expect(reason).to_contain_text("secrétaires de séance")
    expect(page.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "readonly")
    expect(editor(page)).not_to_be_editable()
    before = server_text(live_server, code, live_server.token())
    editor(page).click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("effacé")
    page.wait_for_timeout(300)
    assert editor_value(page) == before == server_text(live_server, code, live_server.token())
    # named scribe by the facilitator: the editor opens, live
    r = requests.patch(
        f"{live_server.url}/api/v1/workshops/{code}/participants/{participant_id(live_server, code, 'Paul')}",
        json={"scribe": True},
        headers=live_server.auth(live_server.token()),
        timeout=10,
    )
    assert r.status_code == 200, r.text
    expect(editor(page)).to_be_editable()
    expect(reason).to_be_hidden()
    editor(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nNoté par le secrétaire.")
    saved(page)
    assert server_text(live_server, code, live_server.token()).endswith("\nNoté par le secrétaire.")
    # a lock stops everyone but the facilitators
    r = requests.patch(
        f"{live_server.url}/api/v1/workshops/{code}",
        json={"settings": {"minutes_locked": True}},
        headers=live_server.auth(live_server.token()),
        timeout=10,
    )
    assert r.status_code == 200, r.text
    expect(reason).to_contain_text("verrouillé")
    expect(editor(page)).not_to_be_editable()
    context.close()


def test_an_erased_text_is_restored_from_the_history_panel_for_everyone(live_server, browser, login):
    code = live_server.create_workshop(title="Atelier restauration")["code"]
    ctx_p, p = minutes_page(browser, live_server, code, "Zoé")
    ctx_f = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    f = login(ctx_f.new_page())
    f.goto(f"{live_server.url}/w/{code}/minutes")
    saved(f)
    original = wait_text(f, "Atelier restauration")
    # a named version, from the panel
    f.get_by_text("Historique des versions").click()
    f.get_by_label("Nom de la version (facultatif)").fill("Avant la séance")
    f.get_by_role("button", name="Enregistrer une version").click()
    expect(f.get_by_test_id("minutes-version").first).to_contain_text("Avant la séance")
    # the participant selects everything and deletes it (minutes_editors: everyone)
    editor(p).click()
    p.keyboard.press("Control+a")
    p.keyboard.press("Delete")
    p.keyboard.type("Oups.")
    saved(p)
    wait_text(f, "^Oups\\.$")
    # compare with now, then restore: the participant gets the text back live
    version = f.get_by_test_id("minutes-version").filter(has_text="Avant la séance")
    version.get_by_role("button", name=re.compile("^Comparer")).click()
    diff = f.get_by_test_id("minutes-diff")
    expect(diff.locator(".diff-del").first).to_contain_text("Atelier restauration")
    expect(diff.locator(".diff-add")).to_have_text(re.compile("Oups"))
    assert not axe_violations(f), describe(axe_violations(f))
    f.once("dialog", lambda d: d.accept())
    version.get_by_role("button", name=re.compile("^Restaurer")).click()
    expect(f.locator("[data-history-status]")).to_contain_text("restaurée")
    for page in (p, f):
        wait_text(page, "^" + re.escape(original) + "$")
    assert server_text(live_server, code, live_server.token()) == original
    # the replaced text was kept first: the restore can itself be undone
    expect(f.get_by_test_id("minutes-version").first).to_contain_text("Avant la restauration")
    # a participant sees the list but no restore button
    p.get_by_text("Historique des versions").click()
    expect(p.get_by_test_id("minutes-version").first).to_be_visible()
    expect(p.locator("[data-history-restore]")).to_have_count(0)
    # the facilitator locks the minutes from the panel: the participant's editor closes live, and reopens
    lock = f.get_by_role("button", name="Verrouiller")
    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "true")
    expect(p.get_by_test_id("minutes-readonly")).to_contain_text("verrouillé")
    expect(editor(p)).not_to_be_editable()
    expect(editor(f)).to_be_editable()  # not for the facilitators
    lock.click()
    expect(editor(p)).to_be_editable()
    f.get_by_label("Qui écrit").select_option("facilitators")
    expect(p.get_by_test_id("minutes-readonly")).to_contain_text("secrétaires de séance")
    ctx_p.close()
    ctx_f.close()

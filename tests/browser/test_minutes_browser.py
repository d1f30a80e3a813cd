"""Browser: the shared minutes editor (Yjs) typed into by two people at once, offline and back."""

import re

from playwright.sync_api import expect

from tests.live.test_minutes_live import server_text


def open_minutes(browser, server, code: str, name: str):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/join/{code}")
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-submit").click()
    expect(page).to_have_url(f"{server.url}/w/{code}")
    # the board page carries the same editor as a panel
    expect(page.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")
    expect(page.get_by_test_id("minutes-editor")).to_have_value(re.compile("^# Compte rendu"))
    page.goto(f"{server.url}/w/{code}/minutes")
    expect(page.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")
    expect(page.get_by_test_id("minutes-editor")).to_be_editable()
    return context, page


def editor_value(page) -> str:
    return page.get_by_test_id("minutes-editor").input_value()


def test_two_people_type_at_once_and_both_keep_both_texts(live_server, browser):
    code = live_server.create_workshop(title="Atelier tiers-lieux", theme="tiers_lieux")["code"]
    ctx_a, a = open_minutes(browser, live_server, code, "Amina")
    ctx_b, b = open_minutes(browser, live_server, code, "Bastien")
    expect(a.get_by_test_id("minutes-editor")).to_have_value(re.compile("Compte rendu — Atelier tiers-lieux"))
    a.get_by_test_id("minutes-editor").click()
    a.keyboard.press("Control+End")
    b.get_by_test_id("minutes-editor").click()
    b.keyboard.press("Control+Home")
    words_a = ["\n/décision ", "Ouvrir ", "un ", "tiers-lieu ", "à ", "Montreuil"]
    words_b = ["Présents ", "ce ", "soir ", "au ", "complet. "]
    for i in range(max(len(words_a), len(words_b))):
        if i < len(words_a):
            a.keyboard.type(words_a[i])
        if i < len(words_b):
            b.keyboard.type(words_b[i])
    for page in (a, b):
        expect(page.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")
        expect(page.get_by_test_id("minutes-editor")).to_have_value(
            re.compile(r"^Présents ce soir au complet\. # Compte rendu.*Ouvrir un tiers-lieu à Montreuil$", re.DOTALL)
        )
    assert editor_value(a) == editor_value(b)
    token = live_server.token()
    assert server_text(live_server, code, token) == editor_value(a)
    # the preview and the register follow, rendered by the server
    expect(a.get_by_test_id("minutes-preview")).to_contain_text("Présents ce soir au complet.")
    expect(b.locator('[data-register="decisions"] li')).to_contain_text("Ouvrir un tiers-lieu à Montreuil")
    ctx_a.close()
    ctx_b.close()


def test_offline_typing_is_kept_and_merged_on_reconnect(live_server, browser):
    code = live_server.create_workshop()["code"]
    ctx_a, a = open_minutes(browser, live_server, code, "Amina")
    ctx_b, b = open_minutes(browser, live_server, code, "Bastien")
    ctx_a.set_offline(True)
    expect(a.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "offline")
    a.get_by_test_id("minutes-editor").click()
    a.keyboard.press("Control+End")
    a.keyboard.type("\nÉcrit hors ligne.")
    expect(a.get_by_test_id("minutes-sync")).to_contain_text("Non synchronisé")
    b.get_by_test_id("minutes-editor").click()
    b.keyboard.press("Control+Home")
    b.keyboard.type("Pendant ce temps. ")
    expect(b.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")
    # closing with unsynced edits asks first
    with a.expect_event("dialog") as asked:
        a.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    expect(b.get_by_test_id("minutes-editor")).to_have_value(re.compile("^Pendant ce temps"))
    # the tab is closed for good: its pending edits wait in localStorage for the next visit
    a.close()
    ctx_a.set_offline(False)
    again = ctx_a.new_page()
    again.goto(f"{live_server.url}/w/{code}/minutes")
    for page in (again, b):
        expect(page.get_by_test_id("minutes-editor")).to_have_value(
            re.compile(r"^Pendant ce temps\. .*Écrit hors ligne\.$", re.DOTALL)
        )
    expect(again.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")
    assert again.evaluate("Object.keys(localStorage).filter(k => k.startsWith('fabrique.minutes.'))") == []
    ctx_a.close()
    ctx_b.close()

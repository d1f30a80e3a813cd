"""Browser: the shared minutes' CodeMirror editor (Yjs) typed into by two people at once, offline and back.

The editor is CodeMirror 6 bound to the Y.Text "minutes" (static/src/lib/minutes_*.js); its
contenteditable element carries data-testid="minutes-editor". Its text is read through
`window.fabriqueMinutes.text()`: CodeMirror draws only the lines in view.
"""

import re
import time

from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe
from tests.live.test_minutes_live import server_text

EDITOR_CHUNK = re.compile(r"/static/dist/chunks/minutes_app-[^/]*\.js")


def editor(page):
    return page.get_by_test_id("minutes-editor")


def editor_value(page) -> str:
    """The editor's whole text ("" until the editor has loaded)."""
    return page.evaluate("window.fabriqueMinutes ? window.fabriqueMinutes.text() : ''")


def wait_text(page, pattern: str, timeout: float = 15.0) -> str:
    """Wait until the editor's whole text matches `pattern` (re.search, DOTALL); returns it."""
    deadline = time.monotonic() + timeout
    while True:
        text = editor_value(page)
        if re.search(pattern, text, re.DOTALL):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} never matched the editor's text {text!r}")
        page.wait_for_timeout(100)


def saved(page):
    expect(page.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")


def join(browser, server, code: str, name: str):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/join/{code}")
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-submit").click()
    expect(page).to_have_url(f"{server.url}/w/{code}")
    return context, page


def open_minutes(browser, server, code: str, name: str, via_board: bool = False):
    """Join as `name` and open the minutes page; `via_board`: first open the board's minutes panel, checking
    that CodeMirror loads only then, and that the open panel is axe-clean."""
    context, page = join(browser, server, code, name)
    if via_board:
        chunks: list[str] = []
        page.on("request", lambda r: EDITOR_CHUNK.search(r.url) and chunks.append(r.url))
        page.wait_for_load_state("load")
        assert chunks == [] and page.locator(".cm-content").count() == 0  # closed panel: no CodeMirror yet
        page.locator("#minutes-panel > summary").click()
        saved(page)
        wait_text(page, "^# Compte rendu")
        assert len(chunks) == 1
        page.get_by_text("Historique des versions").click()
        expect(page.get_by_text("Aucune version pour l'instant.")).to_be_visible()  # a new workshop
        assert not axe_violations(page), describe(axe_violations(page))
    page.goto(f"{server.url}/w/{code}/minutes")
    saved(page)
    expect(editor(page)).to_be_editable()
    return context, page


def test_two_people_type_at_once_and_both_keep_both_texts(live_server, browser):
    code = live_server.create_workshop(title="Atelier tiers-lieux", theme="tiers_lieux")["code"]
    ctx_a, a = open_minutes(browser, live_server, code, "Amina", via_board=True)
    ctx_b, b = open_minutes(browser, live_server, code, "Bastien")
    wait_text(a, "Compte rendu — Atelier tiers-lieux")
    editor(a).click()
    a.keyboard.press("Control+End")
    editor(b).click()
    b.keyboard.press("Control+Home")
    words_a = ["\n/décision ", "Ouvrir ", "un ", "tiers-lieu ", "à ", "Montreuil"]
    words_b = ["Présents ", "ce ", "soir ", "au ", "complet. "]
    for i in range(max(len(words_a), len(words_b))):
        if i < len(words_a):
            a.keyboard.type(words_a[i])
        if i < len(words_b):
            b.keyboard.type(words_b[i])
    whole = r"^Présents ce soir au complet\. # Compte rendu.*Ouvrir un tiers-lieu à Montreuil$"
    for page in (a, b):
        saved(page)
        wait_text(page, whole)
    assert editor_value(a) == editor_value(b)
    assert server_text(live_server, code, live_server.token()) == editor_value(a)
    # each sees the other's cursor, with the name and a colour
    expect(b.locator(".cm-peer-name")).to_have_text("Amina")
    expect(a.locator(".cm-peer-name")).to_have_text("Bastien")
    # the preview and the register follow, rendered by the server; Markdown is highlighted
    expect(a.get_by_test_id("minutes-preview")).to_contain_text("Présents ce soir au complet.")
    expect(b.locator('[data-register="decisions"] li')).to_contain_text("Ouvrir un tiers-lieu à Montreuil")
    heading = a.locator(".cm-line", has_text=re.compile("^## ")).first.locator("span").last
    assert heading.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    # Ctrl+Z undoes one's own edit only: Bastien's later words stay, for both
    a.wait_for_timeout(700)  # past the UndoManager's 500 ms grouping of the typing above
    a.keyboard.type(" (à relire)")
    saved(a)
    wait_text(b, r"Montreuil \(à relire\)$")
    b.keyboard.type("Note : ")
    saved(b)
    wait_text(a, "^Présents ce soir au complet. Note : ")
    a.keyboard.press("Control+z")
    for page in (a, b):
        wait_text(page, r"^Présents ce soir au complet\. Note : # Compte rendu.*Ouvrir un tiers-lieu à Montreuil$")
    saved(a)
    a.keyboard.press("Control+Shift+KeyZ")  # and redo brings it back
    wait_text(b, r"Montreuil \(à relire\)$")
    assert editor_value(b).startswith("Présents ce soir au complet. Note : ")
    ctx_a.close()
    ctx_b.close()


def test_register_helpers_complete_commands_people_and_dates(live_server, browser):
    code = live_server.create_workshop()["code"]
    ctx_b, b = open_minutes(browser, live_server, code, "Bérénice Durand")
    ctx_a, a = open_minutes(browser, live_server, code, "Amina")
    editor(a).click()
    a.keyboard.press("Control+End")
    a.keyboard.type("\n/ac")
    option = a.locator(".cm-tooltip-autocomplete li", has_text="/action")
    expect(option).to_be_visible()
    a.wait_for_timeout(150)  # CodeMirror takes Enter for a completion once its list has been open 75 ms
    a.keyboard.press("Enter")
    a.keyboard.type("Réserver la salle @bere")  # accents and case do not matter
    person = a.locator(".cm-tooltip-autocomplete li").first
    expect(person).to_have_text(re.compile("@Bérénice_Durand"))
    person.click()
    a.keyboard.type("due:")
    expect(a.locator(".cm-tooltip-autocomplete li", has_text="dans une semaine")).to_be_visible()
    a.locator(".cm-tooltip-autocomplete li", has_text="Choisir dans le calendrier").click()
    a.locator(".cm-date-picker input[type=date]").fill("2027-03-15")
    a.get_by_role("button", name="Insérer la date").click()
    wait_text(a, r"\n/action Réserver la salle @Bérénice_Durand due:2027-03-15 $")
    saved(a)
    expect(b.locator('[data-register="actions"] li')).to_contain_text(
        "Réserver la salle — @Bérénice_Durand — échéance 2027-03-15"
    )
    ctx_a.close()
    ctx_b.close()


def test_offline_typing_is_kept_and_merged_on_reconnect(live_server, browser):
    code = live_server.create_workshop()["code"]
    ctx_a, a = open_minutes(browser, live_server, code, "Amina")
    ctx_b, b = open_minutes(browser, live_server, code, "Bastien")
    ctx_a.set_offline(True)
    expect(a.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "offline")
    editor(a).click()
    a.keyboard.press("Control+End")
    a.keyboard.type("\nÉcrit hors ligne, sans rien perdre : àéîõü 😀.")
    expect(a.get_by_test_id("minutes-sync")).to_contain_text("Non synchronisé")
    editor(b).click()
    b.keyboard.press("Control+Home")
    b.keyboard.type("Pendant ce temps. ")
    saved(b)
    # closing with unsynced edits asks first
    with a.expect_event("dialog") as asked:
        a.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    wait_text(b, "^Pendant ce temps")
    # the tab is closed for good: its pending edits wait in localStorage for the next visit
    a.close()
    ctx_a.set_offline(False)
    again = ctx_a.new_page()
    again.goto(f"{live_server.url}/w/{code}")  # the board: its panel opens by itself to send what waits
    expect(again.locator("#minutes-panel")).to_have_attribute("open", "")
    merged = r"^Pendant ce temps\. .*\nÉcrit hors ligne, sans rien perdre : àéîõü 😀\.$"
    for page in (again, b):
        wait_text(page, merged)
    saved(again)
    assert server_text(live_server, code, live_server.token()) == editor_value(b)
    assert again.evaluate("Object.keys(localStorage).filter(k => k.startsWith('fabrique.minutes.'))") == []
    ctx_a.close()
    ctx_b.close()


def test_offline_while_the_tab_stays_open_merges_on_reconnect(live_server, browser):
    code = live_server.create_workshop()["code"]
    ctx_a, a = open_minutes(browser, live_server, code, "Amina")
    ctx_b, b = open_minutes(browser, live_server, code, "Bastien")
    ctx_a.set_offline(True)
    expect(a.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "offline")
    editor(a).click()
    a.keyboard.press("Control+End")
    typed = "\nLigne tapée hors ligne, caractère par caractère."
    a.keyboard.type(typed)
    editor(b).click()
    b.keyboard.press("Control+End")
    b.keyboard.type("\nEn ligne.")
    saved(b)
    ctx_a.set_offline(False)
    saved(a)
    for page in (a, b):
        text = wait_text(page, "caractère par caractère")
        assert "Ligne tapée hors ligne, caractère par caractère." in text and "En ligne." in text
    assert editor_value(a) == editor_value(b) == server_text(live_server, code, live_server.token())
    ctx_a.close()
    ctx_b.close()

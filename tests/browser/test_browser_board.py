"""Browser: the live board in Chromium — live cards, offline and back, unsent ideas, facilitator controls."""

from playwright.sync_api import expect

from tests.browser.board_helpers import drag


def _workshop(live_server, phase="brainstorm", **settings):
    workshop = live_server.create_workshop(settings={"private_brainstorm": False, **settings})
    fac = live_server.client(workshop["code"], live_server.token())
    assert fac.call("phase.set", {"phase": phase})["ok"]
    return workshop, fac


def _post(page, text):
    page.get_by_test_id("idea-input").fill(text)
    page.get_by_test_id("idea-submit").click()


def _card(page, text):
    return page.get_by_test_id("idea-card").filter(has_text=text)


def test_a_posted_idea_appears_on_the_other_board_without_reload(live_server, open_board):
    workshop, fac = _workshop(live_server)
    alice, bruno = open_board(workshop["code"], "Alice"), open_board(workshop["code"], "Bruno")
    expect(bruno.get_by_test_id("presence-count")).to_have_text("3")  # two guests and the facilitator's socket
    _post(alice, "Navettes gratuites vers les sites")
    expect(_card(bruno, "Navettes gratuites")).to_have_count(1)
    expect(_card(bruno, "Navettes gratuites")).to_contain_text("Alice")
    expect(_card(alice, "Navettes gratuites")).to_have_count(1)  # the author's two copies make one card
    expect(alice.get_by_test_id("idea-card")).to_have_count(1)
    expect(alice.get_by_test_id("idea-input")).to_have_value("")
    assert bruno.get_by_test_id("idea-card").first.get_attribute("data-idea-id").isdigit()
    fac.close()


def test_offline_then_back_shows_reconnecting_then_the_missed_cards(live_server, open_board):
    workshop, fac = _workshop(live_server)
    alice, bruno = open_board(workshop["code"], "Alice"), open_board(workshop["code"], "Bruno")
    bruno.context.set_offline(True)
    expect(bruno.get_by_test_id("connection-status")).to_have_attribute("data-state", "reconnecting")
    for i in range(3):
        _post(alice, f"Idée manquée {i}")
    expect(alice.get_by_test_id("idea-card")).to_have_count(3)
    expect(bruno.get_by_test_id("idea-card")).to_have_count(0)
    bruno.context.set_offline(False)
    expect(bruno.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(bruno.get_by_test_id("idea-card")).to_have_count(3)
    texts = bruno.get_by_test_id("idea-card").locator(".idea-text").all_inner_texts()
    assert texts == ["Idée manquée 0", "Idée manquée 1", "Idée manquée 2"]
    fac.close()


def test_an_idea_typed_offline_is_kept_and_sent_on_reconnect(live_server, open_board):
    workshop, fac = _workshop(live_server)
    alice, bruno = open_board(workshop["code"], "Alice"), open_board(workshop["code"], "Bruno")
    bruno.context.set_offline(True)
    expect(bruno.get_by_test_id("connection-status")).to_have_attribute("data-state", "reconnecting")
    _post(bruno, "Jardin partagé au tiers-lieu")
    pending = bruno.get_by_test_id("pending-idea")
    expect(pending).to_contain_text("Jardin partagé au tiers-lieu")
    expect(pending).to_contain_text("Pas encore envoyée")
    stored = bruno.evaluate("() => Object.entries(localStorage).filter(([k]) => k.startsWith('fabrique:outbox:'))")
    assert len(stored) == 1 and "Jardin partagé au tiers-lieu" in stored[0][1]
    bruno.context.set_offline(False)
    expect(_card(bruno, "Jardin partagé")).to_have_count(1)
    expect(bruno.get_by_test_id("pending-idea")).to_have_count(0)
    expect(_card(alice, "Jardin partagé")).to_have_count(1)
    assert bruno.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('fabrique:outbox:')).length") == 0
    fac.close()


def test_an_unsent_idea_survives_a_reload(live_server, open_board):
    workshop, fac = _workshop(live_server)
    bruno = open_board(workshop["code"], "Bruno")
    # Stop the socket so the idea stays unsent while the page itself can still reload.
    bruno.evaluate("() => window.fabriqueBoard.socket.disconnect()")
    _post(bruno, "Idée gardée malgré le rechargement")
    expect(bruno.get_by_test_id("pending-idea")).to_have_count(1)
    bruno.reload()
    expect(_card(bruno, "Idée gardée malgré le rechargement")).to_have_count(1)
    expect(bruno.get_by_test_id("pending-idea")).to_have_count(0)
    fac.close()


def test_a_refused_idea_is_marked_unsent_with_a_retry(live_server, open_board):
    workshop, fac = _workshop(live_server)
    bruno = open_board(workshop["code"], "Bruno")
    assert fac.call("phase.set", {"phase": "cluster"})["ok"]
    expect(bruno.get_by_test_id("phase")).to_have_attribute("data-phase", "cluster")
    expect(bruno.get_by_test_id("idea-input")).to_be_disabled()
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    _post(bruno, "Arrivée juste à la fin")
    expect(_card(bruno, "Arrivée juste à la fin")).to_have_count(1)
    bruno.evaluate("() => window.fabriqueBoard.socket.disconnect()")
    _post(bruno, "Trop tard")
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    bruno.evaluate("() => window.fabriqueBoard.socket.connect()")
    pending = bruno.get_by_test_id("pending-idea")
    expect(pending).to_contain_text("Non envoyée")
    expect(pending.get_by_role("button", name="Réessayer")).to_be_visible()
    fac.close()


def test_facilitator_runs_phases_and_participant_votes(live_server, open_board):
    workshop, fac = _workshop(live_server)
    code = workshop["code"]
    fac_page = open_board(code, facilitator=True)
    alice = open_board(code, "Alice")
    _post(fac_page, "Idée de départ de l'animation")
    _post(alice, "Covoiturage solidaire")
    expect(fac_page.get_by_test_id("idea-card")).to_have_count(2)
    fac_page.get_by_test_id("phase-select").select_option("vote")
    expect(alice.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
    expect(alice.get_by_test_id("phase")).to_have_text("Vote")
    card = _card(alice, "Covoiturage solidaire")
    expect(alice.get_by_test_id("votes-left")).to_have_text("5")
    card.get_by_test_id("vote-button").click()
    expect(alice.get_by_test_id("votes-left")).to_have_text("4")
    expect(card.locator(".tally")).to_have_text("1 gommette")
    expect(_card(fac_page, "Covoiturage solidaire").locator(".tally")).to_have_text("1 gommette")
    card.get_by_test_id("vote-retract").click()
    expect(alice.get_by_test_id("votes-left")).to_have_text("5")
    expect(alice.locator("#live")).to_contain_text("Nouvelle phase : Vote")


def test_keyboard_move_grouping_timer_and_hands(live_server, open_board):
    workshop, fac = _workshop(live_server)
    code = workshop["code"]
    fac_page = open_board(code, facilitator=True)
    alice = open_board(code, "Alice")
    _post(alice, "Ressourcerie mobile")
    card = _card(fac_page, "Ressourcerie mobile")
    expect(card).to_have_count(1)
    second_column = workshop["columns"][1]
    card.get_by_test_id("card-menu").focus()
    fac_page.keyboard.press("ArrowDown")  # opens the card's menu on its first item
    fac_page.get_by_role("menuitem", name="Déplacer vers…").focus()
    fac_page.keyboard.press("Enter")
    fac_page.get_by_test_id("choice-dialog").get_by_role("button", name=second_column["title"]).click()
    moved = alice.locator(f'ul.cards[data-column-id="{second_column["id"]}"]').get_by_test_id("idea-card")
    expect(moved).to_contain_text("Ressourcerie mobile")
    fac_page.get_by_test_id("phase-select").select_option("cluster")
    expect(alice.get_by_test_id("phase")).to_have_attribute("data-phase", "cluster")
    a_card = _card(alice, "Ressourcerie mobile")
    a_card.get_by_test_id("card-menu").click()
    alice.get_by_role("menuitem", name="Regrouper avec…").click()
    alice.get_by_label("Ou un nouveau groupe, nommé :").fill("Économie circulaire")
    alice.get_by_role("button", name="Créer le groupe").click()
    pile = fac_page.get_by_test_id("board-stack")
    expect(pile.locator(".stack-label")).to_have_text("Économie circulaire")
    expect(pile.get_by_test_id("idea-card")).to_contain_text("Ressourcerie mobile")
    fac_page.get_by_test_id("timer-minutes").fill("2")
    fac_page.get_by_test_id("timer-start").click()
    expect(alice.get_by_test_id("timer")).to_contain_text("Temps restant : 0")
    fac_page.get_by_test_id("timer-stop").click()
    expect(alice.get_by_test_id("timer")).to_be_hidden()
    alice.get_by_role("button", name="Lever la main").click()
    expect(fac_page.get_by_test_id("hand-queue")).to_contain_text("Alice")
    fac_page.get_by_role("button", name="Donner la parole").click()
    expect(alice.get_by_test_id("speaking")).to_have_text("La parole est à Alice.")
    expect(alice.get_by_role("button", name="Rendre la parole")).to_be_visible()


def test_private_brainstorm_hides_others_ideas_until_reveal(live_server, open_board):
    workshop = live_server.create_workshop()
    fac = live_server.client(workshop["code"], live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    alice, bruno = open_board(workshop["code"], "Alice"), open_board(workshop["code"], "Bruno")
    _post(alice, "Idée secrète d'Alice")
    expect(_card(alice, "Idée secrète")).to_have_count(1)
    _post(bruno, "Idée de Bruno")
    expect(_card(bruno, "Idée de Bruno")).to_have_count(1)
    expect(_card(bruno, "Idée secrète")).to_have_count(0)
    assert fac.call("phase.set", {"phase": "cluster"})["ok"]
    expect(_card(bruno, "Idée secrète")).to_have_count(1)
    expect(bruno.get_by_test_id("idea-card")).to_have_count(2)
    fac.close()


def test_board_is_usable_on_a_phone(live_server, browser):
    workshop, fac = _workshop(live_server)
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/join/{workshop['code']}")
    page.get_by_test_id("join-name").fill("Chloé")
    page.get_by_test_id("join-submit").click()
    # The board's script wired first (a click on « Publier » before it would submit the bare form).
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    _post(page, "Idée postée depuis un téléphone")
    expect(_card(page, "Idée postée depuis un téléphone")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scroll at 360px: {width}px"
    context.close()
    fac.close()


def test_facilitator_promotes_an_idea_into_a_roadmap(live_server, open_board):
    import requests

    from tests.browser.a11y_helpers import add_territory

    add_territory(live_server, "Créteil")
    headers = live_server.auth(live_server.token())
    r = requests.post(
        f"{live_server.url}/api/v1/roadmaps",
        headers=headers,
        timeout=10,
        json={"title": "Feuille de route ESS 2025", "territory": "Créteil", "axes": ["Mobilité", "Emploi"]},
    )
    assert r.status_code == 201, r.text
    roadmap = r.json()
    workshop, fac = _workshop(live_server)
    fac_page = open_board(workshop["code"], facilitator=True)
    _post(fac_page, "Plateforme de covoiturage inter-entreprises")
    expect(fac_page.get_by_test_id("idea-card")).to_have_count(1)
    expect(fac_page.get_by_test_id("promote-button")).to_have_count(0)  # only in discuss
    fac_page.get_by_test_id("phase-select").select_option("discuss")
    card = _card(fac_page, "Plateforme de covoiturage")
    card.get_by_test_id("promote-button").click()
    card.get_by_label("Feuille de route").select_option(str(roadmap["id"]))
    card.get_by_label("Axe").select_option(str(roadmap["axes"][1]["id"]))
    card.get_by_label("Intitulé de l'action").fill("Lancer la plateforme de covoiturage")
    card.get_by_role("button", name="Promouvoir", exact=True).click()
    expect(fac_page.locator("#live")).to_contain_text("Idée promue")
    detail = requests.get(f"{live_server.url}/api/v1/roadmaps/{roadmap['id']}", headers=headers, timeout=10).json()
    action = detail["actions"][0]
    assert action["title"] == "Lancer la plateforme de covoiturage" and action["axis_id"] == roadmap["axes"][1]["id"]
    assert action["sources"][0]["text"] == "Plateforme de covoiturage inter-entreprises"
    fac.close()


def test_majority_judgment_grades_from_the_card(live_server, open_board):
    workshop, fac = _workshop(live_server, vote_method="majority_judgment")
    column = workshop["columns"][0]["id"]
    for text in ("Recyclerie de quartier", "Repair café"):
        assert fac.call("idea.create", {"column_id": column, "text": text})["ok"]
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    alice = open_board(workshop["code"], "Alice")
    expect(alice.get_by_test_id("votes-left")).to_have_text("2")
    expect(alice.locator("#phase-help")).to_have_text("Donnez une mention à chaque idée (de « À rejeter » à « Excellent »).")
    card = _card(alice, "Recyclerie de quartier")
    grades = card.get_by_role("group", name="Ma mention")
    grades.get_by_role("button", name="Très bien").click()
    expect(alice.get_by_test_id("votes-left")).to_have_text("1")
    expect(card.locator(".tally")).to_have_text("Mention majoritaire : Très bien (1 avis)")
    expect(grades.get_by_role("button", name="Très bien")).to_have_attribute("aria-pressed", "true")
    grades.get_by_role("button", name="Très bien").click()  # pressed again: the mention is withdrawn
    expect(alice.get_by_test_id("votes-left")).to_have_text("2")
    expect(grades.get_by_role("button", name="Très bien")).to_have_attribute("aria-pressed", "false")
    fac.close()


def test_drag_and_drop_moves_a_card_to_another_column_and_before_a_card(live_server, open_board):
    workshop, fac = _workshop(live_server)
    code, target = workshop["code"], workshop["columns"][1]["id"]
    fac_page = open_board(code, facilitator=True)
    alice = open_board(code, "Alice")
    _post(alice, "Jardin partagé")
    _post(alice, "Atelier vélo")
    expect(_card(fac_page, "Atelier vélo")).to_have_count(1)
    drag(fac_page, _card(fac_page, "Jardin partagé"), fac_page.locator(f'ul.cards[data-column-id="{target}"]'))
    in_target = alice.locator(f'ul.cards[data-column-id="{target}"]').get_by_test_id("idea-card")
    expect(in_target).to_have_count(1)
    expect(in_target).to_contain_text("Jardin partagé")
    # Dropped on the top edge of a card: it goes before that card, for everyone.
    drag(fac_page, _card(fac_page, "Atelier vélo"), _card(fac_page, "Jardin partagé"), where=0.1)
    expect(in_target).to_have_count(2)
    expect(in_target.first).to_contain_text("Atelier vélo")
    expect(in_target.last).to_contain_text("Jardin partagé")
    fac.close()

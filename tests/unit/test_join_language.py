"""The language chosen when joining (issue 18): the join page and the day's join page offer « Langue / Language »,
on the page's language by default; the board that follows speaks the language chosen."""

import re

from tests.unit.day_helpers import make_day


def _lang(html: str) -> str:
    return re.search(r'<html lang="(\w+)"', html).group(1)


def _selected(html: str) -> str:
    select = re.search(r'<select[^>]*data-testid="join-lang".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\w+)" lang="\w+" selected>', select).group(1)


def test_the_join_page_offers_the_language_on_the_pages_own(client, workshop):
    html = client.get(f"/join/{workshop.code}").get_data(as_text=True)
    assert _lang(html) == "fr" and _selected(html) == "fr" and "Langue / Language" in html
    assert '<option value="en" lang="en">English</option>' in html  # each language named in itself
    html = client.get(f"/join/{workshop.code}?lang=en").get_data(as_text=True)
    assert _lang(html) == "en" and _selected(html) == "en" and "Language / Langue" in html
    assert "Join “Atelier JO 2024”" in html and "Rejoindre" not in html
    # The data-testid hooks stay.
    for hook in ("join-code", "join-name", "join-submit", "join-attendance", "join-lang"):
        assert f'data-testid="{hook}"' in html


def test_joining_with_english_chosen_makes_the_board_english(client, workshop):
    assert _lang(client.get(f"/join/{workshop.code}").get_data(as_text=True)) == "fr"
    r = client.post("/join", data={"code": workshop.code, "name": "Alice", "attendance": "room", "lang": "en"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/w/{workshop.code}")
    board = client.get(f"/w/{workshop.code}").get_data(as_text=True)
    assert _lang(board) == "en"
    # …and the pages after it too, until another choice.
    assert _lang(client.get(f"/w/{workshop.code}/my-data").get_data(as_text=True)) == "en"


def test_joining_in_french_or_without_a_choice_keeps_french(client, make_workshop):
    first, second = make_workshop(), make_workshop(title="Deuxième")
    client.post("/join", data={"code": first.code, "name": "Alice", "attendance": "room"})
    assert _lang(client.get(f"/w/{first.code}").get_data(as_text=True)) == "fr"
    # An English page, then French chosen at the join: French wins.
    client.get(f"/join/{second.code}?lang=en")
    client.post("/join", data={"code": second.code, "name": "Alice", "attendance": "room", "lang": "fr"})
    assert _lang(client.get(f"/w/{second.code}").get_data(as_text=True)) == "fr"


def test_an_unknown_language_never_blocks_a_join(client, workshop):
    r = client.post("/join", data={"code": workshop.code, "name": "Alice", "attendance": "room", "lang": "xx"})
    assert r.status_code == 302
    assert _lang(client.get(f"/w/{workshop.code}").get_data(as_text=True)) == "fr"


def test_the_days_join_page_offers_the_language_and_the_board_follows(client, facilitator):
    day, ateliers, _hall = make_day(facilitator)
    jo = ateliers[0]
    html = client.get(f"/d/{day.code}").get_data(as_text=True)
    assert _lang(html) == "fr" and _selected(html) == "fr"
    assert "21 novembre 2026" in html  # the day's date in the reader's language
    english = client.get(f"/d/{day.code}?lang=en").get_data(as_text=True)
    assert _selected(english) == "en" and "21 November 2026" in english and "Join the day" in english
    client.get(f"/d/{day.code}?lang=fr")
    r = client.post(f"/d/{day.code}", data={"name": "Zoé", "attendance": "room", "workshop": jo.code, "lang": "en"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/w/{jo.code}")
    assert _lang(client.get(f"/w/{jo.code}").get_data(as_text=True)) == "en"
    assert "Hello Zoé" in client.get(f"/d/{day.code}").get_data(as_text=True)

"""Every page, API answer and export a facilitator can reach names one charset in its Content-Type."""

from tests.unit.crawl_helpers import get_urls
from tests.unit.roadmap_helpers import make_roadmap, voted_board, write_minutes


def test_every_get_route_names_one_charset(app, client, auth, fac, join, facilitator):
    voted_board(fac, join)
    write_minutes(fac.workshop, "# Compte rendu\n\n/décision Un annuaire commun\n")
    roadmap = make_roadmap(facilitator)
    participant = join(fac.workshop, "Bob")
    auth.login()
    values = {
        "code": fac.workshop.code,
        "roadmap_id": roadmap.id,
        "pid": participant.participant.id,
        "action_id": 1,
        "filename": "dist/board.js",
        "token": "pr.inconnu",
        "vid": 1,
    }
    checked = 0
    for _endpoint, url in get_urls(app, values):
        suffixes = ["", "?format=csv", "?format=md", "?format=odt"] if url.endswith("export") else [""]
        for suffix in suffixes:
            response = client.get(url + suffix)
            content_type = response.headers.get("Content-Type", "")
            assert content_type.lower().count("charset") <= 1, (url + suffix, content_type)
            checked += 1
    assert checked > 40

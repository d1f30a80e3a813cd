"""Issue 20, what the roadmap may not leak: a private-brainstorm idea through the action's history (trace, exports,
page), raw HTML through the Markdown export; and a majority-judgment ballot counting ideas its voter cannot see."""

import csv
import io
import json

import pytest

from app.services.core.actors import Actor
from app.services.core.errors import PhaseError
from app.services.workshop.board import snapshot
from app.services.workshop.ideas import create_idea, delete_idea
from app.services.workshop.session import set_phase
from app.services.workshop.votes import cast_vote
from app.services.workshop.workshops import join_workshop
from models import ActionChange, db
from tests.unit.roadmap_helpers import AXES, make_territory

SECRET = "Idée secrète de Bob, pas encore révélée"


@pytest.fixture
def published_roadmap(client, fac_headers):
    make_territory()
    body = {"title": "Programme ESS 2026", "territory": "Grand Paris Sud Est Avenir", "axes": AXES, "published": True}
    r = client.post("/api/v1/roadmaps", json=body, headers=fac_headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _add_private_source(client, fac_headers, roadmap, fac, join) -> tuple[Actor, dict, dict]:
    """A still-private brainstorm idea made a source of an action on a published roadmap: (its author, idea, action)."""
    set_phase(fac, "brainstorm")
    bob = join(fac.workshop, "Bob")
    idea = create_idea(bob, fac.workshop.columns[0].id, SECRET)["idea"]
    body = {"title": "Annuaire", "axis_id": roadmap["axes"][0]["id"], "source_ideas": [idea["id"]]}
    r = client.post(f"/api/v1/roadmaps/{roadmap['id']}/actions", json=body, headers=fac_headers)
    assert r.status_code == 201, r.get_json()
    return bob, idea, r.get_json()


def _public_copies(client, roadmap: dict, action: dict) -> dict[str, str]:
    """Everything a visitor can read about the action."""
    base = f"/api/v1/roadmaps/{roadmap['id']}"
    copies = {
        "trace": client.get(f"{base}/actions/{action['id']}").get_data(as_text=True),
        "page": client.get(f"/roadmaps/{roadmap['id']}/actions/{action['id']}").get_data(as_text=True),
        "roadmap page": client.get(f"/roadmaps/{roadmap['id']}").get_data(as_text=True),
        "roadmap": client.get(base).get_data(as_text=True),
    }
    for fmt in ("json", "md", "csv"):
        copies[fmt] = client.get(f"{base}/export?format={fmt}").get_data(as_text=True)
    return copies


def test_a_private_idea_never_leaves_through_the_roadmap(client, fac_headers, published_roadmap, fac, join):
    _, _, action = _add_private_source(client, fac_headers, published_roadmap, fac, join)
    for where, body in _public_copies(client, published_roadmap, action).items():
        assert SECRET not in body, where
    trace = client.get(f"/api/v1/roadmaps/{published_roadmap['id']}/actions/{action['id']}").get_json()
    source_row = next(h for h in trace["history"] if h["field"] == "source")
    assert source_row["new"] == f"{fac.workshop.title} : idée non révélée"  # titled, never its join code
    # The log itself keeps a reference, not a copy.
    assert all(SECRET not in c.new for c in db.session.query(ActionChange).all())
    # Facilitators read it all; so does everyone once the brainstorm is over.
    mine = client.get(f"/api/v1/roadmaps/{published_roadmap['id']}/actions/{action['id']}", headers=fac_headers)
    assert next(h for h in mine.get_json()["history"] if h["field"] == "source")["new"].endswith(SECRET)
    set_phase(fac, "cluster")
    export = json.loads(client.get(f"/api/v1/roadmaps/{published_roadmap['id']}/export?format=json").data)
    assert f"{fac.workshop.title} : {SECRET}" in [h["new"] for h in export["actions"][0]["history"]]


def test_an_older_history_row_holding_the_text_is_read_through_the_rule(
    client, fac_headers, published_roadmap, fac, join
):
    """Rows written before the fix copied the idea's text: what they show still follows the source's visibility."""
    _, _, action = _add_private_source(client, fac_headers, published_roadmap, fac, join)
    row = db.session.query(ActionChange).filter_by(action_id=action["id"], field="source").one()
    row.new = f"{fac.workshop.code} : {SECRET}"
    db.session.commit()
    for where, body in _public_copies(client, published_roadmap, action).items():
        assert SECRET not in body, where


def test_a_private_idea_deleted_by_its_author_stays_hidden(client, fac_headers, published_roadmap, fac, join):
    """The source keeps a copy when its idea goes; while ideas are private nothing tells whose it was."""
    bob, idea, action = _add_private_source(client, fac_headers, published_roadmap, fac, join)
    delete_idea(bob, idea["id"])
    for where, body in _public_copies(client, published_roadmap, action).items():
        assert SECRET not in body, where
    source = client.get(f"/api/v1/roadmaps/{published_roadmap['id']}").get_json()["actions"][0]["sources"][0]
    assert (source["idea_id"], source["text"], source["hidden"]) == (None, None, True)


def test_the_markdown_export_escapes_every_user_text(client, fac_headers, published_roadmap):
    rid = published_roadmap["id"]
    payload = "<script>alert(1)</script>"
    axes = [f"{payload} axe", *AXES[1:]]
    patch = {"title": f"{payload} feuille", "description": f"{payload}\n# titre [lien](javascript:x)", "axes": axes}
    assert client.patch(f"/api/v1/roadmaps/{rid}", json=patch, headers=fac_headers).status_code == 200
    action = {
        "title": payload,
        "axis_id": published_roadmap["axes"][0]["id"],
        "description": f"{payload} ![img](x)",
        "lead": f"{payload} pilote",
        "partners": [f"{payload} partenaire"],
        "cities": [],
        "milestones": [{"date": "2026-05-01", "title": f"{payload} jalon"}],
    }
    r = client.post(f"/api/v1/roadmaps/{rid}/actions", json=action, headers=fac_headers)
    assert r.status_code == 201, r.get_json()
    markdown = client.get(f"/api/v1/roadmaps/{rid}/export?format=md").get_data(as_text=True)
    assert "<" not in markdown.replace("\\<", "") and "](" not in markdown.replace("\\](", "")
    assert markdown.startswith("# \\<script\\>alert(1)\\</script\\> feuille\n")
    assert "### \\<script\\>alert(1)\\</script\\>\n" in markdown
    assert not any(line.startswith("# titre") for line in markdown.splitlines())


def test_majority_ballot_counts_only_the_ideas_its_voter_sees(facilitator, make_workshop, join):
    fac = Actor(
        make_workshop(settings={"vote_method": "majority_judgment", "private_brainstorm": True}), user=facilitator
    )
    set_phase(fac, "brainstorm")
    column = fac.workshop.columns[0].id
    alice, bob = join(fac.workshop, "Alice"), join(fac.workshop, "Bob")
    ideas = [create_idea(alice, column, f"Idée d'Alice {n}")["idea"] for n in range(3)]
    create_idea(fac, column, "Idée de l'animatrice")
    assert snapshot(bob)["me"]["votes_left"] == 1  # the facilitator's seed idea only
    assert snapshot(alice)["me"]["votes_left"] == 4
    set_phase(fac, "vote")
    assert snapshot(bob)["me"]["votes_left"] == 4
    assert cast_vote(bob, ideas[0]["id"], grade=5)["votes_left"] == 3


# --- issue 19: a workshop's join code on a public roadmap --------------------------------------------------


def _codes(payload) -> list:
    """Every `workshop.code` in a parsed roadmap, action, trace or export (the key must be there)."""
    found = []
    if isinstance(payload, dict):
        if isinstance(payload.get("workshop"), dict):
            assert "code" in payload["workshop"], payload["workshop"]
            found.append(payload["workshop"]["code"])
        for value in payload.values():
            found += _codes(value)
    elif isinstance(payload, list):
        for value in payload:
            found += _codes(value)
    return found


def _json_views(client, roadmap: dict, action: dict, headers=None) -> dict[str, list]:
    base = f"/api/v1/roadmaps/{roadmap['id']}"
    views = {
        "roadmap": client.get(base, headers=headers).get_json(),
        "trace": client.get(f"{base}/actions/{action['id']}", headers=headers).get_json(),
        "export": json.loads(client.get(f"{base}/export?format=json", headers=headers).data),
    }
    return {where: _codes(body) for where, body in views.items()}


def test_a_public_roadmap_hides_the_join_code_of_a_workshop_in_progress(
    client, fac_headers, published_roadmap, fac, join, make_user, auth
):
    set_phase(fac, "brainstorm")
    idea = create_idea(join(fac.workshop, "Bob"), fac.workshop.columns[0].id, "Un annuaire des structures")["idea"]
    set_phase(fac, "cluster")  # public from now on: only the code is at stake
    body = {"title": "Annuaire", "axis_id": published_roadmap["axes"][0]["id"], "source_ideas": [idea["id"]]}
    action = client.post(f"/api/v1/roadmaps/{published_roadmap['id']}/actions", json=body, headers=fac_headers)
    assert action.status_code == 201, action.get_json()
    action = action.get_json()
    code = fac.workshop.code
    assert _codes(action) == [code]  # its facilitator, who created it, reads the code
    for where, codes in _json_views(client, published_roadmap, action).items():  # anonymous visitor
        assert codes and set(codes) == {None}, where
    other = auth.api_headers(make_user(name="Autre animatrice"))  # an account leading neither
    for where, codes in _json_views(client, published_roadmap, action, other).items():
        assert codes and set(codes) == {None}, where
    for where, codes in _json_views(client, published_roadmap, action, fac_headers).items():
        assert codes and set(codes) == {code}, where
    base = f"/api/v1/roadmaps/{published_roadmap['id']}"
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/export?format=csv&sep=comma").get_data(as_text=True))))
    assert rows[0]["Sources"].startswith(f"{fac.workshop.title} #{idea['id']}") and code not in rows[0]["Sources"]
    assert code not in client.get(f"{base}/export?format=md").get_data(as_text=True)
    for page in (f"/roadmaps/{published_roadmap['id']}", f"/roadmaps/{published_roadmap['id']}/actions/{action['id']}"):
        assert code not in client.get(page).get_data(as_text=True), page
    # A co-facilitator of the roadmap alone (not of the workshop) reads it too.
    colleague = make_user(name="Co-animatrice")
    added = client.post(f"{base}/facilitators", json={"email": colleague.email}, headers=fac_headers)
    assert added.status_code == 201, added.get_json()
    for where, codes in _json_views(client, published_roadmap, action, auth.api_headers(colleague)).items():
        assert codes and set(codes) == {code}, where
    # Closed, it can no longer be joined: then its code is history, shown to all.
    set_phase(fac, "closed")
    with pytest.raises(PhaseError):
        join_workshop(code, {"name": "Chloé"})
    for where, codes in _json_views(client, published_roadmap, action).items():
        assert codes and set(codes) == {code}, where

"""Issue 20, the minutes: rendering bounded in time and shared by readers, a bounded document, no hidden tally.

- Markdown that python-markdown renders in quadratic time (60,000 `[` took minutes) renders in
  linear time, and each version of the text is rendered once whoever reads it;
- an update carrying formatting or embedded objects (which the editor never sends) is refused, the
  encoded document is bounded, and an update the document already had is neither stored nor relayed;
- `minutes.results` never writes tallies that participants may not see yet, nor private ideas.
"""

import base64
import gc
import threading
import time

import pytest
from pycrdt import Doc, Text
from sqlalchemy import func, select

from app.extensions import socketio
from app.lib import bounded_markdown, minutes_text
from app.lib.minutes_text import render_markdown, sanitize_html
from app.services.core.errors import Invalid, PhaseError, TooLarge
from app.services.minutes import operations as minutes
from app.services.minutes import rendering
from app.services.workshop.ideas import create_idea
from app.services.workshop.session import set_phase
from app.services.workshop.votes import cast_vote
from models import MinutesUpdate, db

# markdown-it-py costs ~15-50 µs per character of the worst shapes (pure Python; more on a busy machine): the test
# checks that four pieces cost about four times one piece (quadratic would be sixteen), and a loose bound.
GROWTH_BOUND = 8
RENDER_BOUND = 10.0  # seconds for 16,000 characters of any shape


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def rows(workshop) -> int:
    return db.session.scalar(select(func.count(MinutesUpdate.id)).filter_by(workshop_id=workshop.id))


class Editor:
    """A pycrdt replica that edits like a browser, or like a client that is not one."""

    def __init__(self, state_b64: str):
        self.doc = Doc()
        self.doc["minutes"] = self.text = Text()
        self.doc.apply_update(base64.b64decode(state_b64))

    def edit(self, fn) -> str:
        before = self.doc.get_state()
        fn(self.text)
        return b64(self.doc.get_update(before))


def _uncached(monkeypatch):
    """Render every piece afresh: what a first reader of a new version pays."""
    monkeypatch.setattr(minutes_text, "_render_piece", minutes_text._render_piece.__wrapped__)


# --------------------------------------------------------------------------
# Rendering in linear time
# --------------------------------------------------------------------------

N = 4 * bounded_markdown.MAX_PIECE_CHARS  # four pieces of the largest size
# Every shape measured superlinear before (seconds for 100,000 characters, then): links and images
# on unbalanced brackets (> 15 s), code spans (> 15 s), headings, setext titles, rules and fences cut
# out of one block (11 s, > 15 s, > 15 s, > 15 s), many lines in one paragraph (4.5 s), escapes (3.8 s).
SHAPES = {
    "[": "[" * N,
    "[ per line": "[\n" * (N // 2),
    "![": "![" * (N // 2),
    "[a](": "[a](" * (N // 4),
    '[a]("': '[a]("' * (N // 5),
    "[a][": "[a][" * (N // 4),
    "``a`": "``a`" * (N // 4),
    "\\[": "\\[" * (N // 2),
    "~~~a": "~~~a\n" * (N // 5),
    "# a": "# a\n" * (N // 4),
    "a ===": "a\n===\n" * (N // 6),
    "---": "---\n" * (N // 4),
    "lines": "a\n" * (N // 2),
    "mixed": "[*_`<&\\(" * (N // 8),
}


def _timed(source: str) -> tuple[float, str]:
    """CPU seconds of this process (the machine is shared: waiting for a core is not the render's cost)."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        html = render_markdown(source)
        return time.process_time() - start, html
    finally:
        gc.enable()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_pathological_markdown_renders_in_linear_time(shape, monkeypatch):
    _uncached(monkeypatch)
    source = SHAPES[shape]
    small, _ = _timed(source[: len(source) // 4])
    elapsed, html = _timed(source)
    print(f"\nrender {shape!r} ({len(source)} characters): {elapsed:.3f} s, a quarter of it {small:.3f} s")
    assert elapsed < RENDER_BOUND and elapsed < GROWTH_BOUND * max(small, 0.02)
    assert html and "<script" not in html


def test_unclosed_brackets_stay_text():
    html = render_markdown("[" * N)
    assert html.count("[") == N and "<a" not in html


def _document(paragraphs: int) -> str:
    """Minutes of ordinary shape: headings, paragraphs with links and code, short lists, a table."""
    blocks = []
    for n in range(paragraphs):
        if n % 10 == 0:
            blocks.append(f"## Point {n}")
        blocks.append(f"Le groupe {n} propose une *piste* ([fiche](https://exemple.fr/{n})) et `code {n}`.\nSuite.")
        if n % 7 == 0:
            blocks.append("- un\n- deux\n    - trois")
        if n % 13 == 0:
            blocks.append("| Nom | Rôle |\n|---|---|\n| Zoé | animatrice |")
    return "\n\n".join(blocks)


def test_a_long_document_renders_in_pieces_as_it_renders_whole():
    source = _document(600)
    assert len(bounded_markdown.split_pieces(source)) > 10
    whole = minutes_text.new_renderer().render(source)
    assert render_markdown(source) == sanitize_html(whole).strip("\n")


def test_links_and_code_spans_of_a_dense_piece_all_render():
    source = " ".join(f"[lien {n}](https://exemple.fr/{n}) `x{n}` [[case]]" for n in range(150))
    html = render_markdown(source)
    assert html.count("<a href=") == 150 and html.count("<code>") == 150


def test_a_reference_defined_at_the_end_serves_the_whole_document():
    source = "Voir [la fiche][fiche].\n\n" + _document(200) + "\n\n[fiche]: https://exemple.fr/fiche"
    assert len(bounded_markdown.split_pieces(source)) > 2
    assert '<a href="https://exemple.fr/fiche"' in render_markdown(source).split("\n")[0]


def test_a_fenced_block_longer_than_a_piece_stays_code():
    source = "Avant\n\n```\n" + "si x < y alors\n" * 2_000 + "```\n\nAprès"
    html = render_markdown(source)
    assert html.count("si x &lt; y alors") == 2_000
    assert "<p>si x" not in html and html.endswith("<p>Après</p>")


def test_a_table_longer_than_a_piece_stays_a_table():
    source = "| Nom | Rôle |\n|---|---|\n" + "".join(f"| Personne {n} | rôle {n} |\n" for n in range(400))
    assert len(bounded_markdown.split_pieces(source)) > 1
    html = render_markdown(source)
    assert html.count("<td>Personne") == 400 and "| Personne" not in html


def test_an_edit_renders_only_the_pieces_it_touched(monkeypatch):
    source = _document(600)
    render_markdown(source)
    calls = []
    piece = minutes_text._render_piece
    monkeypatch.setattr(minutes_text, "_render_piece", lambda p, r: calls.append(p) or piece(p, r))
    edited = source.replace("Le groupe 300 ", "Le groupe trois cents ")
    assert "trois cents" in render_markdown(edited)
    assert len([p for p in calls if "trois cents" in p]) == 1
    assert piece.cache_info().misses >= 1


# --------------------------------------------------------------------------
# One render per version, whoever reads it, off the event loop and off the transaction
# --------------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch):
    """The texts actually rendered for the preview, every cached version forgotten first."""
    done: list[str] = []
    monkeypatch.setattr(rendering, "_rendered", {})
    monkeypatch.setattr(rendering, "render_markdown", lambda source: done.append(source) or render_markdown(source))
    return done


def test_each_version_is_rendered_once_for_every_reader(client, workshop, fac, join, renders):
    readers = [fac] + [join(workshop, name) for name in ("Alice", "Bruno", "Chloé")]
    first = [minutes.minutes_markdown_html(reader)["html"] for reader in readers]
    assert len(renders) == 1 and len(set(first)) == 1
    ed = Editor(minutes.sync_minutes(fac)["state"])
    minutes.apply_update(readers[1], ed.edit(lambda t: t.insert(len(t), "\n[voir](https://exemple.fr)")))
    later = [minutes.minutes_markdown_html(reader)["html"] for reader in readers]
    assert len(renders) == 2 and 'href="https://exemple.fr"' in later[0] and len(set(later)) == 1


def test_concurrent_readers_of_a_new_version_share_one_render(app, monkeypatch):
    done = []
    monkeypatch.setattr(rendering, "_rendered", {})

    def slow(source):
        done.append(source)
        time.sleep(0.3)
        return render_markdown(source)

    monkeypatch.setattr(rendering, "render_markdown", slow)
    answers = []

    def read():
        with app.app_context():
            answers.append(rendering.minutes_html(7, "# Nouvelle version"))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(done) == 1 and answers == ["<h1>Nouvelle version</h1>"] * 8


def test_preview_route_renders_once(client, workshop, join, renders):
    alice, token = join(workshop, with_token=True)
    minutes.sync_minutes(alice)  # writes the opening template
    for _ in range(3):
        r = client.get(f"/api/v1/workshops/{workshop.code}/minutes", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and "<h1>Compte rendu" in r.get_json()["html"]
    assert len(renders) == 1


# --------------------------------------------------------------------------
# The document: plain text only, bounded once encoded
# --------------------------------------------------------------------------

EMBED_57KB = {"image": "x" * 57_000}
REFUSED_EDITS = {
    "formatted insert": lambda t: t.insert(0, "gras", attrs={"bold": True}),
    "formatting": lambda t: t.format(0, 5, {"italic": "y" * 1_000}),
    "embed": lambda t: t.insert_embed(0, {"image": "data"}),
    "57 KB embed (issue 20)": lambda t: t.insert_embed(len(t), EMBED_57KB),
}


@pytest.mark.parametrize("edit", list(REFUSED_EDITS))
def test_formatting_and_embeds_are_refused_and_nothing_is_stored(workshop, join, edit):
    alice = join(workshop)
    state = minutes.sync_minutes(alice)["state"]
    text_before, rows_before = minutes.current_text(workshop), rows(workshop)
    with pytest.raises(Invalid, match="texte brut"):
        minutes.apply_update(alice, Editor(state).edit(REFUSED_EDITS[edit]))
    assert minutes.current_text(workshop) == text_before and rows(workshop) == rows_before


def test_the_encoded_document_is_bounded_and_deleting_stays_possible(workshop, join, monkeypatch):
    monkeypatch.setattr(minutes, "MAX_STATE_BYTES", 40_000)
    alice = join(workshop)
    ed = Editor(minutes.sync_minutes(alice)["state"])
    for n in range(17):  # plain text, within the character limit
        minutes.apply_update(alice, ed.edit(lambda t, n=n: t.insert(len(t), f"\nParagraphe {n} " + "é" * 1_000)))
    text_before, rows_before = minutes.current_text(workshop), rows(workshop)
    with pytest.raises(TooLarge, match="0,04 Mo"):
        minutes.apply_update(alice, ed.edit(lambda t: t.insert(0, "x" * 8_000)))
    assert minutes.current_text(workshop) == text_before and rows(workshop) == rows_before
    fresh = Editor(minutes.sync_minutes(alice)["state"])
    last = str(fresh.text).rindex("\nParagraphe")  # pycrdt counts UTF-8 bytes: delete the whole last paragraph
    assert (
        minutes.apply_update(alice, fresh.edit(lambda t: t.__delitem__(slice(len(str(t)[:last].encode()), len(t)))))
        == {}
    )
    assert minutes.current_text(workshop) == text_before[:last]


def test_the_real_bound_leaves_room_for_a_full_document(workshop, fac):
    """200,000 characters typed in 4,000 updates of 50 encode far below MAX_STATE_BYTES."""
    doc = Doc()
    doc["minutes"] = text = Text()
    for n in range(4_000):
        text.insert(len(text) if n % 3 else len(text) // 2, f"{n:>6} mots tapés ici, un par un; " + "." * 16)
    size = len(doc.get_update())
    print(f"\n{len(str(text))} characters encode to {size} bytes; the bound is {minutes.MAX_STATE_BYTES}")
    assert len(str(text)) == 200_000 and size < minutes.MAX_STATE_BYTES // 2


@pytest.mark.live_publishing
def test_refused_and_repeated_updates_are_not_relayed(app, workshop, join):
    _alice, token = join(workshop, with_token=True)
    _bruno, token_b = join(workshop, "Bruno", with_token=True)
    a = socketio.test_client(app, auth={"workshop": workshop.code, "token": token})
    b = socketio.test_client(app, auth={"workshop": workshop.code, "token": token_b})
    ed = Editor(a.emit("minutes.sync", {}, callback=True)["state"])
    embed = ed.edit(lambda t: t.insert_embed(0, EMBED_57KB))
    ed = Editor(a.emit("minutes.sync", {}, callback=True)["state"])
    line = ed.edit(lambda t: t.insert(len(t), "\nUne ligne."))
    b.get_received()
    refused = a.emit("minutes.update", {"update": embed}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "invalid"
    assert "texte brut" in refused["error"]["message"]
    assert a.emit("minutes.update", {"update": line}, callback=True) == {"ok": True}
    count = rows(workshop)
    assert a.emit("minutes.update", {"update": line}, callback=True) == {"ok": True}  # the same again
    assert rows(workshop) == count
    relayed = [m["args"][0]["update"] for m in b.get_received() if m["name"] == "minutes.update"]
    assert relayed == [line]
    a.disconnect()
    b.disconnect()


# --------------------------------------------------------------------------
# Tallies and private ideas stay out of the minutes while the settings hide them
# --------------------------------------------------------------------------


def _voted(make_workshop, facilitator, join, **settings):
    from app.services.core.actors import Actor

    workshop = make_workshop(settings=settings)
    fac = Actor(workshop, user=facilitator)
    alice = join(workshop)
    set_phase(fac, "brainstorm")
    idea = create_idea(alice, workshop.columns[0].id, "Des vélos partagés")["idea"]["id"]
    set_phase(fac, "vote")
    for _ in range(3):
        cast_vote(alice, idea)
    return workshop, fac


def test_results_wait_for_the_end_of_a_vote_whose_tallies_are_hidden(make_workshop, facilitator, join):
    workshop, fac = _voted(make_workshop, facilitator, join, reveal_votes="end")
    minutes.sync_minutes(fac)
    count = rows(workshop)
    with pytest.raises(PhaseError, match="fin du vote"):
        minutes.insert_results(fac)
    assert rows(workshop) == count and "gommettes" not in minutes.current_text(workshop)
    set_phase(fac, "discuss")
    minutes.insert_results(fac)
    assert "| 1 | Des vélos partagés | 3 gommettes |" in minutes.current_text(workshop)


def test_results_of_a_live_vote_go_in_at_once(make_workshop, facilitator, join):
    workshop, fac = _voted(make_workshop, facilitator, join, reveal_votes="live")
    minutes.insert_results(fac)
    assert "| 1 | Des vélos partagés | 3 gommettes |" in minutes.current_text(workshop)


@pytest.mark.live_publishing
def test_socket_results_during_a_hidden_vote_answer_phase(app, make_workshop, facilitator, join, auth):
    workshop, _fac = _voted(make_workshop, facilitator, join, reveal_votes="end")
    _bruno, token = join(workshop, "Bruno", with_token=True)
    f = socketio.test_client(app, auth={"workshop": workshop.code, "token": auth.token()})
    b = socketio.test_client(app, auth={"workshop": workshop.code, "token": token})
    b.emit("minutes.sync", {}, callback=True)
    b.get_received()
    ack = f.emit("minutes.results", {}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "phase"
    assert not [m for m in b.get_received() if m["name"] == "minutes.update"]
    f.disconnect()
    b.disconnect()


def test_results_written_during_a_private_brainstorm_name_no_private_idea(make_workshop, facilitator, join):
    from app.services.core.actors import Actor

    workshop = make_workshop(settings={"private_brainstorm": True})
    fac = Actor(workshop, user=facilitator)
    set_phase(fac, "brainstorm")
    create_idea(join(workshop), workshop.columns[0].id, "Secret d'Alice")
    create_idea(fac, workshop.columns[0].id, "Piste de l'animation")
    minutes.insert_results(fac)
    text = minutes.current_text(workshop)
    assert "Piste de l'animation" in text and "Secret" not in text

"""Markdown as people type it renders as CommonMark renders it (issue 16), and stays sanitized.

The reference is commonmark.py, an independent port of the CommonMark reference implementation (commonmark.js),
with one deliberate difference of the minutes: a line break typed inside a paragraph shows as a line break
(`softbreak` rendered as <br>, as HedgeDoc and Etherpad do). Both outputs go through the same sanitizer, which
only normalises how tags are written. Tables and strikethrough are not CommonMark: they are checked against the
HTML that GitHub-flavoured Markdown gives them.
"""

import commonmark
import pytest

from app.lib.minutes_text import render_markdown, sanitize_html
from tests.unit.test_minutes_text import XSS_CORPUS, _assert_safe, _parse_tags

# Every case of the issue first, then what people type in minutes.
CASES = {
    "list right after a line": "Ordre du jour :\n- point 1\n- point 2",
    "two-space nesting": "- point\n  - sous-point\n    - détail\n- suite",
    "start number": "3. trois\n4. quatre",
    "year as a list number": "2026. Une année charnière",
    "year inside a paragraph": "En bref :\n2026. Une année charnière",
    "hash without a space": "#JO2024 en avant !",
    "hash with a space": "# JO2024 en avant !",
    "numbered list after a line starts at 1 only": "Étapes :\n1. un\n2. deux\n\nSuite :\n3. trois",
    "star and plus bullets": "* un\n* deux\n\n+ trois",
    "loose list": "- un\n\n- deux",
    "nested ordered in bullets": "- a\n  1. un\n  2. deux\n- b",
    "four-space nesting": "- a\n    - b",
    "line breaks": "Présents : Alice\nAbsents : Bob\nExcusée : Chloé",
    "hard break with backslash": "ligne\\\nsuite",
    "emphasis": "**gras**, *italique*, _souligné_ et ***les deux***",
    "intraword underscore": "snake_case_name et mot_à_mot",
    "code span and fence": "Le `code` puis\n\n```\nbloc <b>\n```",
    "indented code": "Texte\n\n    code indenté",
    "quote with list": "> cité\n> - un\n> - deux",
    "lazy quote": "> début\nsuite paresseuse",
    "setext heading": "Titre\n=====\n\nSous-titre\n---",
    "thematic break": "avant\n\n***\n\naprès",
    "autolink": "<https://exemple.fr> et <contact@exemple.fr>",
    "link with title": '[site](https://exemple.fr "Le site")',
    "reference link": "[site][s]\n\n[s]: https://exemple.fr",
    "entities": "&copy; &amp; &#233; &lt;",
    "escapes": "\\*pas en italique\\* \\# pas un titre",
    "accents and emoji": "Été — « ça » 🎉",
    "raw html stays text": "<b>gras</b> et <script>x</script>",
    "heading levels": "### trois\n###### six\n####### sept",
    "empty": "",
}


def reference(source: str) -> str:
    renderer = commonmark.HtmlRenderer(options={"softbreak": "<br />\n", "safe": False})
    return sanitize_html(renderer.render(commonmark.Parser().parse(source))).strip()


@pytest.mark.parametrize("name", list(CASES))
def test_renders_as_the_commonmark_reference(name):
    source = CASES[name]
    if name == "raw html stays text":  # the minutes never pass HTML through: shown as typed, as with html=false
        assert render_markdown(source) == "<p>&lt;b&gt;gras&lt;/b&gt; et &lt;script&gt;x&lt;/script&gt;</p>"
        return
    assert render_markdown(source) == reference(source)


def test_the_cases_of_the_issue_read_as_people_meant_them():
    assert render_markdown(CASES["list right after a line"]) == (
        "<p>Ordre du jour :</p>\n<ul>\n<li>point 1</li>\n<li>point 2</li>\n</ul>"
    )
    assert "<ul>\n<li>sous-point" in render_markdown(CASES["two-space nesting"])
    assert render_markdown(CASES["start number"]).startswith('<ol start="3">')
    assert render_markdown(CASES["year as a list number"]) == '<ol start="2026">\n<li>Une année charnière</li>\n</ol>'
    assert render_markdown(CASES["hash without a space"]) == "<p>#JO2024 en avant !</p>"


def test_strikethrough_and_table_alignment():
    assert render_markdown("~~barré~~ et ~~aussi~~") == "<p><s>barré</s> et <s>aussi</s></p>"
    html = render_markdown("| Gauche | Centre | Droite | Aucun |\n|:--|:-:|--:|---|\n| a | b | c | d |")
    for cell in (
        '<th class="align-left">Gauche</th>',
        '<th class="align-center">Centre</th>',
        '<th class="align-right">Droite</th>',
        "<th>Aucun</th>",
        '<td class="align-right">c</td>',
        "<td>d</td>",
    ):
        assert cell in html


def test_the_same_renderer_feeds_preview_print_and_odt():
    from app.lib import minutes_odt
    from app.services.minutes import rendering

    assert minutes_odt.render_markdown is render_markdown and rendering.render_markdown is render_markdown


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_stays_sanitized(payload):
    for source in (payload, f"- {payload}", f"| a |\n|---|\n| {payload} |", f"~~{payload}~~", f"1. {payload}"):
        _assert_safe(render_markdown(source))


def test_alignment_classes_cannot_carry_anything_else():
    html = render_markdown('| a |\n|:-:|\n| <td class="x" style="color:red" onclick=y> |')
    attributes = {name for _tag, attrs in _parse_tags(html) for name, _value in attrs}
    assert attributes == {"class"} and "&lt;td" in html
    assert sanitize_html('<table><tr><td class="align-left evil" style="x">a</td></tr></table>') == (
        '<table><tbody><tr><td class="align-left">a</td></tr></tbody></table>'
    )
